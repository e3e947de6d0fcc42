// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flattened devicetree reader (format: devicetree specification, chapter
 * 5): walks the structure block once, keeps each node's name, phandle,
 * device_type, compatible, reg, memory-region and the cell sizes its
 * parent gives it, then answers the collector's two questions.
 *
 * Not Debian's libfdt (1.6.1): tried, and the collector's fuzzer crashed
 * it within seconds (a NULL read in fdt_check_full() on a crafted blob,
 * kept in tests/tools/corpus/fuzz_collector/), while the blobs this reads
 * come from crashed machines.  This reader checks every offset itself and
 * is fuzzed with the rest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "util.h"

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
#define FDT_MAX_DEPTH	32

static const char *const ro_props[FDT_RO_NR] = {
	[FDT_RO_RECORD] = "record-size",
	[FDT_RO_CONSOLE] = "console-size",
	[FDT_RO_FTRACE] = "ftrace-size",
	[FDT_RO_PMSG] = "pmsg-size",
	[FDT_RO_FLAGS] = "flags",
	[FDT_RO_ECC] = "ecc-size",
};

struct fdt_node {
	const char *name;
	uint32_t phandle;
	uint32_t region_phandle;	/* first memory-region entry */
	const uint8_t *reg;
	uint32_t reg_len;
	const char *compat;		/* string list */
	uint32_t compat_len;
	int is_memory;			/* device_type = "memory" */
	uint32_t ro[FDT_RO_NR];		/* ramoops properties, 0 if absent */
	unsigned int acells, scells;	/* for this node's reg */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* One (address, size) pair of a reg property; 0 if it is not there. */
static int reg_entry(const struct fdt_node *n, uint64_t *addr, uint64_t *size)
{
	unsigned int i;

	if (!n->reg || n->acells < 1 || n->acells > 2 || n->scells < 1 ||
	    n->scells > 2 || n->reg_len < 4 * (n->acells + n->scells))
		return 0;
	*addr = 0;
	*size = 0;
	for (i = 0; i < n->acells; i++)
		*addr = *addr << 32 | be32(n->reg + 4 * i);
	for (i = 0; i < n->scells; i++)
		*size = *size << 32 | be32(n->reg + 4 * (n->acells + i));
	return 1;
}

static int has_compat(const struct fdt_node *n, const char *c)
{
	const char *p = n->compat, *end;

	if (!p)
		return 0;
	end = p + n->compat_len;
	while (p < end) {
		size_t l = strnlen(p, end - p);

		if (l == strlen(c) && !memcmp(p, c, l))
			return 1;
		p += l + 1;
	}
	return 0;
}

/* Walk the structure block into @nodes; returns how many, or -1. */
static int walk(const uint8_t *blob, size_t len, struct fdt_node **nodes,
		char *err, size_t errlen)
{
	uint32_t off_struct, size_struct, off_strings, size_strings, totalsize;
	unsigned int acells[FDT_MAX_DEPTH + 1], scells[FDT_MAX_DEPTH + 1];
	int stack[FDT_MAX_DEPTH + 1];
	const uint8_t *s, *end;
	struct fdt_node *n = NULL, *more;
	int depth = 0, count = 0, cap = 0;

	if (len < 40 || be32(blob) != FDT_MAGIC) {
		seterr(err, errlen, "not a devicetree blob (bad magic)");
		return -1;
	}
	totalsize = be32(blob + 4);
	off_struct = be32(blob + 8);
	off_strings = be32(blob + 12);
	size_strings = be32(blob + 32);
	size_struct = be32(blob + 36);
	if (be32(blob + 20) < 17 || totalsize > len ||
	    off_struct > totalsize || size_struct > totalsize - off_struct ||
	    off_strings > totalsize || size_strings > totalsize - off_strings ||
	    (off_struct & 3)) {
		seterr(err, errlen, "devicetree header out of bounds or older than version 17");
		return -1;
	}
	s = blob + off_struct;
	end = s + size_struct;
	acells[0] = 2;
	scells[0] = 1;
	while (s + 4 <= end) {
		uint32_t tok = be32(s);

		s += 4;
		if (tok == FDT_BEGIN_NODE) {
			size_t l = strnlen((const char *)s, end - s);

			if (s + l >= end)
				goto bad;
			if (depth >= FDT_MAX_DEPTH) {
				free(n);
				seterr(err, errlen, "devicetree nodes nested deeper than %d",
				       FDT_MAX_DEPTH);
				return -1;
			}
			if (count == cap) {
				cap = cap ? 2 * cap : 64;
				more = realloc(n, cap * sizeof(*n));
				if (!more)
					goto bad;
				n = more;
			}
			memset(&n[count], 0, sizeof(*n));
			n[count].name = (const char *)s;
			/* reg is read with the cells the parent declared */
			n[count].acells = acells[depth];
			n[count].scells = scells[depth];
			stack[++depth] = count++;
			acells[depth] = 2;
			scells[depth] = 1;
			s += (l + 4) & ~(size_t)3;
		} else if (tok == FDT_PROP) {
			uint32_t plen, nameoff;
			struct fdt_node *cur;
			const char *pname;

			if (end - s < 8 || !depth)
				goto bad;
			plen = be32(s);
			nameoff = be32(s + 4);
			s += 8;
			if (plen > (size_t)(end - s) || nameoff >= size_strings)
				goto bad;
			pname = (const char *)blob + off_strings + nameoff;
			if (!memchr(pname, 0, size_strings - nameoff))
				goto bad;
			cur = &n[stack[depth]];
			if (!strcmp(pname, "#address-cells") && plen == 4)
				acells[depth] = be32(s);
			else if (!strcmp(pname, "#size-cells") && plen == 4)
				scells[depth] = be32(s);
			else if ((!strcmp(pname, "phandle") ||
				  !strcmp(pname, "linux,phandle")) && plen == 4)
				cur->phandle = be32(s);
			else if (!strcmp(pname, "memory-region") && plen >= 4)
				cur->region_phandle = be32(s);
			else if (!strcmp(pname, "reg")) {
				cur->reg = s;
				cur->reg_len = plen;
			} else if (!strcmp(pname, "compatible")) {
				cur->compat = (const char *)s;
				cur->compat_len = plen;
			} else if (!strcmp(pname, "device_type") && plen == 7 &&
				   !memcmp(s, "memory", 7)) {
				cur->is_memory = 1;
			} else if (plen == 4) {
				int k;

				for (k = 0; k < FDT_RO_NR; k++)
					if (!strcmp(pname, ro_props[k]))
						cur->ro[k] = be32(s);
			}
			s += (plen + 3) & ~(uint32_t)3;
		} else if (tok == FDT_END_NODE) {
			if (!depth)
				goto bad;
			depth--;
		} else if (tok == FDT_END) {
			if (depth)
				goto bad;
			*nodes = n;
			return count;
		} else if (tok != FDT_NOP) {
			goto bad;
		}
	}
bad:
	free(n);
	seterr(err, errlen, "corrupt devicetree structure block");
	return -1;
}

/* The span of every (address, size) pair of a memory node's reg. */
static void add_banks(const struct fdt_node *n, struct fdt_layout *l)
{
	unsigned int cells = n->acells + n->scells, i, k;
	uint64_t a, s;

	if (!n->reg || n->acells < 1 || n->acells > 2 || n->scells < 1 ||
	    n->scells > 2)
		return;
	for (k = 0; (k + 1) * 4 * cells <= n->reg_len; k++) {
		const uint8_t *r = n->reg + k * 4 * cells;

		a = 0;
		s = 0;
		for (i = 0; i < n->acells; i++)
			a = a << 32 | be32(r + 4 * i);
		for (i = 0; i < n->scells; i++)
			s = s << 32 | be32(r + 4 * (n->acells + i));
		/* A range past the top of the address space ends there. */
		if (!s)
			continue;
		if (s > UINT64_MAX - a)
			s = UINT64_MAX - a;
		if (!l->banks_hi || a < l->banks_lo)
			l->banks_lo = a;
		if (a + s > l->banks_hi)
			l->banks_hi = a + s;
	}
}

int fdt_layout(const uint8_t *blob, size_t len, struct fdt_layout *l,
	       char *err, size_t errlen)
{
	struct fdt_node *nodes = NULL;
	uint64_t a, s;
	int count, i, j, have_ram = 0, seen_smem = 0;

	memset(l, 0, sizeof(*l));
	count = walk(blob, len, &nodes, err, errlen);
	if (count < 0)
		return -1;
	for (i = 0; i < count; i++) {
		if (nodes[i].is_memory)
			add_banks(&nodes[i], l);
		if (nodes[i].is_memory && reg_entry(&nodes[i], &a, &s) && s &&
		    (!have_ram || a < l->ram_base)) {
			l->ram_base = a;
			l->ram_size = s;
			have_ram = 1;
		}
		if (!l->ramoops_size && has_compat(&nodes[i], "ramoops") &&
		    reg_entry(&nodes[i], &a, &s) && s) {
			l->ramoops_base = a;
			l->ramoops_size = s;
			memcpy(l->ramoops, nodes[i].ro, sizeof(l->ramoops));
		}
		if (!l->index_size && has_compat(&nodes[i], "linux,dumpregion-index") &&
		    reg_entry(&nodes[i], &a, &s) && s) {
			l->index_base = a;
			l->index_size = s;
		}
		if (!l->mmio_size && has_compat(&nodes[i], "qcom,minidump-mmio") &&
		    reg_entry(&nodes[i], &a, &s) && s) {
			l->mmio_base = a;
			l->mmio_size = s;
		}
		/* The first qcom,smem node only: one phandle search at most. */
		if (!seen_smem && has_compat(&nodes[i], "qcom,smem")) {
			const struct fdt_node *m = &nodes[i];

			seen_smem = 1;

			/* The window is the memory-region if given, else reg. */
			if (m->region_phandle) {
				for (j = 0; j < count; j++)
					if (nodes[j].phandle == m->region_phandle)
						break;
				m = j < count ? &nodes[j] : NULL;
			}
			if (m && reg_entry(m, &a, &s) && s) {
				l->smem_base = a;
				l->smem_size = s;
			}
		}
	}
	free(nodes);
	if (!have_ram) {
		seterr(err, errlen, "no memory node in the devicetree");
		return -1;
	}
	return 0;
}
