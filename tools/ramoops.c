// SPDX-License-Identifier: GPL-2.0-only
/*
 * ramoops zones out of a dump.  Facts from the kernel: a zone starts with
 * a persistent_ram_buffer header { u32 sig; u32 start; u32 size; } and its
 * data follows; sig is 0x43474244 ("DBGC") XOR the zone's own signature
 * (0, or the kernel version for ftrace zones); the saved text is
 * data[start, size) followed by data[0, start).  dmesg records begin with
 * "====<seconds>.<nanoseconds>-<C|D>\n" (compressed or not).  Sizes that
 * are not powers of two are rounded down, and zones are laid out dmesg
 * records, console, pmsg, ftrace, as ramoops_probe() does.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "le.h"
#include "ramoops.h"
#include "util.h"

#define RO_SIG			0x43474244u
#define RO_HDR			12
#define RO_FLAG_FTRACE_PER_CPU	1u
#define RO_MAX_ZONE		(64u << 20)

static uint64_t pow2_down(uint64_t v)
{
	while (v & (v - 1))
		v &= v - 1;
	return v;
}

/* One zone at *paddr, stored when @z is given (the second pass). */
static int add(struct ro_zone *z, int n, const char *kind, int index,
	       uint64_t *paddr, uint64_t size)
{
	if (n >= RO_MAX_ZONES)
		return -1;
	if (z) {
		z[n].kind = kind;
		z[n].index = index;
		z[n].paddr = *paddr;
		z[n].size = size;
	}
	*paddr += size;
	return n + 1;
}

/* ramoops_probe()'s order: dmesg records, console, pmsg, ftrace. */
static int lay_out(const struct fdt_layout *l, unsigned int ncpus,
		   struct ro_zone *z)
{
	uint64_t rec = pow2_down(l->ramoops[FDT_RO_RECORD]);
	uint64_t con = pow2_down(l->ramoops[FDT_RO_CONSOLE]);
	uint64_t ftr = pow2_down(l->ramoops[FDT_RO_FTRACE]);
	uint64_t pms = pow2_down(l->ramoops[FDT_RO_PMSG]);
	uint64_t paddr = l->ramoops_base, dump, zone, cnt, i;
	int n = 0;

	dump = l->ramoops_size - con - ftr - pms;
	if (dump && rec) {
		cnt = dump / rec;
		zone = cnt ? (dump / cnt) & ~1ull : 0;
		for (i = 0; i < cnt && zone; i++)
			if ((n = add(z, n, "dmesg", i, &paddr, zone)) < 0)
				return -1;
	}
	if (con && (n = add(z, n, "console", -1, &paddr, con)) < 0)
		return -1;
	if (pms && (n = add(z, n, "pmsg", -1, &paddr, pms)) < 0)
		return -1;
	cnt = l->ramoops[FDT_RO_FLAGS] & RO_FLAG_FTRACE_PER_CPU ? ncpus : 1;
	zone = ftr && cnt ? (ftr / cnt) & ~1ull : 0;
	for (i = 0; zone && i < cnt; i++)
		if ((n = add(z, n, "ftrace", i, &paddr, zone)) < 0)
			return -1;
	return n;
}

int ro_layout(const struct fdt_layout *l, unsigned int ncpus,
	      struct ro_zone **zp, char *err, size_t errlen)
{
	uint64_t con = pow2_down(l->ramoops[FDT_RO_CONSOLE]);
	uint64_t ftr = pow2_down(l->ramoops[FDT_RO_FTRACE]);
	uint64_t pms = pow2_down(l->ramoops[FDT_RO_PMSG]);
	int n;

	*zp = NULL;
	if (!l->ramoops_size) {
		seterr(err, errlen, "no ramoops node in the devicetree");
		return -1;
	}
	if (l->ramoops[FDT_RO_ECC]) {
		seterr(err, errlen, "ramoops with ECC (ecc-size %u) is not supported",
		       l->ramoops[FDT_RO_ECC]);
		return -1;
	}
	if (con + ftr + pms > l->ramoops_size) {
		seterr(err, errlen, "ramoops zones larger than its area");
		return -1;
	}
	/* Counted first, then stored: the array is as large as the layout. */
	n = lay_out(l, ncpus, NULL);
	if (n < 0) {
		seterr(err, errlen, "more than %d ramoops zones", RO_MAX_ZONES);
		return -1;
	}
	*zp = calloc(n ? n : 1, sizeof(**zp));
	if (!*zp) {
		seterr(err, errlen, "no memory for %d ramoops zones", n);
		return -1;
	}
	return lay_out(l, ncpus, *zp);
}

static void text(FILE *out, const uint8_t *t, size_t len)
{
	print_text(out, t, len);
	if (len && t[len - 1] != '\n')
		fputc('\n', out);
}

/*
 * A record pstore compressed: raw deflate, as pstore_compress() writes it.
 * The kernel inflates a record into three times the zone's buffer
 * (pstore_decompress_record(): 3 * psinfo->bufsize); more text than that
 * never came from the kernel, so the output is bounded by @bufsize, and
 * by RO_MAX_TEXT (audit H6).  A stream that does not inflate is reported
 * and its bytes shown as they are.
 */
#define RO_MAX_TEXT	(4u << 20)

static void inflated(FILE *out, const uint8_t *p, size_t len, uint64_t bufsize)
{
	size_t cap = bufsize > RO_MAX_TEXT / 3 ? RO_MAX_TEXT : 3 * bufsize;
	uint8_t *dst = malloc(cap);
	z_stream zs = { 0 };
	int ret;

	if (!dst || inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
		free(dst);
		fprintf(out, "(compressed record: cannot inflate: out of memory)\n");
		return;
	}
	zs.next_in = (uint8_t *)p;
	zs.avail_in = len;
	zs.next_out = dst;
	zs.avail_out = cap;
	ret = inflate(&zs, Z_FINISH);
	if (ret == Z_STREAM_END || (ret == Z_BUF_ERROR && zs.total_out)) {
		text(out, dst, zs.total_out);
		/* What did inflate is shown, and said to be partial (N10). */
		if (ret != Z_STREAM_END && zs.avail_out)
			fprintf(out, "(compressed record incomplete: the stream ends early; the text above is partial)\n");
		else if (ret != Z_STREAM_END)
			fprintf(out, "(compressed record cut at %zu bytes of text)\n", cap);
	} else {
		fprintf(out, "(compressed record does not inflate: %s)\n",
			zs.msg ? zs.msg : "corrupt data");
		text(out, p, len);
	}
	inflateEnd(&zs);
	free(dst);
}

static void name(FILE *out, const struct ro_zone *z)
{
	if (z->index < 0)
		fprintf(out, "== %s", z->kind);
	else
		fprintf(out, "== %s.%d", z->kind, z->index);
	fprintf(out, " @0x%" PRIx64 ": ", z->paddr);
}

int ro_print(const struct kcore *c, const struct ro_zone *z, int nz, FILE *out)
{
	uint8_t *buf = NULL, *log = NULL;
	int i, found = 0;

	for (i = 0; i < nz; i++) {
		uint8_t hdr[RO_HDR];
		uint32_t sig, start, size;
		uint64_t bsize = z[i].size - RO_HDR;

		name(out, &z[i]);
		if (z[i].size <= RO_HDR || z[i].size > RO_MAX_ZONE) {
			fprintf(out, "zone of %" PRIu64 " bytes, skipped ==\n", z[i].size);
			continue;
		}
		if (kcore_read_phys(c, z[i].paddr, hdr, sizeof(hdr))) {
			fprintf(out, "not in the dump ==\n");
			continue;
		}
		sig = get_le32(hdr);
		start = get_le32(hdr + 4);
		size = get_le32(hdr + 8);
		if ((sig ^ RO_SIG) && strcmp(z[i].kind, "ftrace")) {
			fprintf(out, "no persistent-RAM header (never written) ==\n");
			continue;
		}
		if (size > bsize || start > size) {
			fprintf(out, "corrupt header (start %u, size %u of %" PRIu64 ") ==\n",
				start, size, bsize);
			continue;
		}
		if (!size) {
			fprintf(out, "empty ==\n");
			continue;
		}
		free(buf);
		free(log);
		buf = malloc(size);
		log = malloc(size);
		if (!buf || !log ||
		    kcore_read_phys(c, z[i].paddr + RO_HDR, buf, size)) {
			fprintf(out, "data not in the dump ==\n");
			continue;
		}
		/* Oldest first: data[start, size) then data[0, start). */
		memcpy(log, buf + start, size - start);
		memcpy(log + size - start, buf, start);
		found++;
		if (!strcmp(z[i].kind, "ftrace")) {
			fprintf(out, "%u bytes of binary ftrace records, not decoded ==\n",
				size);
			continue;
		}
		if (!strcmp(z[i].kind, "dmesg") && size > 4 && !memcmp(log, "====", 4)) {
			uint8_t *nl = memchr(log, '\n', size);
			size_t hl = nl ? (size_t)(nl - log) + 1 : size;

			fprintf(out, "%u bytes, record %.*s ==\n", size,
				(int)(hl - 5), (const char *)log + 4);
			/* "-C": pstore compressed the record (raw deflate). */
			if (nl && hl >= 7 && !memcmp(nl - 2, "-C", 2))
				inflated(out, log + hl, size - hl, bsize);
			else
				text(out, log + hl, size - hl);
			continue;
		}
		fprintf(out, "%u bytes ==\n", size);
		text(out, log, size);
	}
	free(buf);
	free(log);
	return found;
}
