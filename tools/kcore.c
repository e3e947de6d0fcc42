// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
/*
 * Kernel ELF core reader and printk ring buffer decoder.
 *
 * The ring buffer (kernel/printk/printk_ringbuffer.h) is read only through
 * the sizes and offsets the kernel exports in VMCOREINFO, as makedumpfile
 * and crash do, so the decoder follows the kernel's layout rather than
 * copying it: SYMBOL(prb) -> struct printk_ringbuffer -> the descriptor
 * ring (state and text position of each record), the info ring (sequence
 * number, timestamp, text length) and the text data ring, where each
 * record's block starts with its descriptor id followed by the text.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kcore.h"
#include "util.h"

#define KCORE_MAX_COUNT_BITS	24	/* 16 M records */
#define KCORE_MAX_SIZE_BITS	31	/* 2 GiB of text */
/* struct prb_desc and struct printk_info on a 64-bit kernel (5.10 on). */
#define PRB_DESC_MIN		24
#define PRINTK_INFO_MIN		88

/* State of a descriptor: the top two bits of its state_var. */
#define DESC_STATE(sv)		((sv) >> 62)
#define DESC_ID(sv)		((sv) & ~(3ull << 62))
#define DESC_COMMITTED		1
#define DESC_FINALIZED		2
#define LPOS_DATALESS(lpos)	((lpos) & 1)

static uint64_t load_start(const struct kcore_load *l, int phys)
{
	return phys ? l->paddr : l->vaddr;
}

static int by_start(const void *a, const void *b, void *arg)
{
	const struct kcore *c = ((const struct kcore **)arg)[0];
	int phys = ((const struct kcore **)arg)[1] != NULL;
	uint64_t x = load_start(&c->loads[*(const unsigned int *)a], phys);
	uint64_t y = load_start(&c->loads[*(const unsigned int *)b], phys);

	return x < y ? -1 : x > y;
}

/*
 * Index the loads of each address space, so that a lookup costs
 * O(log loads) instead of a scan: kdmesg reads every record of the log.
 */
static int index_loads(struct kcore *c)
{
	unsigned int k, i, n = c->nloads ? c->nloads : 1;

	for (k = 0; k < 2; k++) {
		const void *arg[2] = { c, k ? c : NULL };
		uint64_t far = 0;

		c->order[k] = calloc(n, sizeof(unsigned int));
		c->reach[k] = calloc(n, sizeof(unsigned int));
		if (!c->order[k] || !c->reach[k])
			return -1;
		for (i = 0; i < c->nloads; i++)
			c->order[k][i] = i;
		qsort_r(c->order[k], c->nloads, sizeof(unsigned int), by_start, arg);
		for (i = 0; i < c->nloads; i++) {
			const struct kcore_load *l = &c->loads[c->order[k][i]];
			uint64_t end = load_start(l, k) + l->size;

			if (!i || end > far) {
				far = end;
				c->reach[k][i] = c->order[k][i];
			} else {
				c->reach[k][i] = c->reach[k][i - 1];
			}
		}
	}
	return 0;
}

/* The load holding @addr, or NULL. */
static const struct kcore_load *find_load(const struct kcore *c, int phys,
					  uint64_t addr)
{
	unsigned int lo = 0, hi = c->nloads, mid;
	const struct kcore_load *l;

	/* The last load starting at or below @addr... */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (load_start(&c->loads[c->order[phys][mid]], phys) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	l = &c->loads[c->order[phys][lo - 1]];
	if (addr - load_start(l, phys) < l->size)
		return l;
	/* ... or the one reaching furthest among those before it. */
	l = &c->loads[c->reach[phys][lo - 1]];
	return addr - load_start(l, phys) < l->size ? l : NULL;
}

int kcore_open(struct kcore *c, const uint8_t *buf, size_t len, char *err,
	       size_t errlen)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->buf = buf;
	c->len = len;
	if (len < sizeof(eh)) {
		seterr(err, errlen, "not an ELF file");
		return -1;
	}
	memcpy(&eh, buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_CORE) {
		seterr(err, errlen, "not a little-endian ELF64 core file");
		return -1;
	}
	if (eh.e_phentsize != sizeof(ph) || eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * sizeof(ph) > len - eh.e_phoff) {
		seterr(err, errlen, "program headers outside the file");
		return -1;
	}
	/* A load and its zero-filled tail (p_memsz beyond p_filesz) each. */
	c->loads = calloc(eh.e_phnum ? 2 * eh.e_phnum : 1, sizeof(*c->loads));
	if (!c->loads) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD && ph.p_offset <= len &&
		    ph.p_filesz > len - ph.p_offset) {
			/* A truncated core: what the file holds of the load. */
			if (!c->truncated)
				msg("kcore: the core is truncated: a load at 0x%" PRIx64
				    " holds %" PRIu64 " of its %" PRIu64 " bytes\n",
				    (uint64_t)ph.p_paddr, (uint64_t)(len - ph.p_offset),
				    (uint64_t)ph.p_filesz);
			c->truncated = 1;
			ph.p_memsz = ph.p_filesz = len - ph.p_offset;
		}
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset)
			continue;	/* not in the file: unreadable */
		if (ph.p_type == PT_LOAD && ph.p_filesz) {
			c->loads[c->nloads].vaddr = ph.p_vaddr;
			c->loads[c->nloads].paddr = ph.p_paddr;
			c->loads[c->nloads].offset = ph.p_offset;
			c->loads[c->nloads++].size = ph.p_filesz;
		}
		/*
		 * Bytes of p_memsz past p_filesz are zeros (makedumpfile's
		 * excluded zero pages), as gdb and crash read them.
		 */
		if (ph.p_type == PT_LOAD && ph.p_memsz > ph.p_filesz &&
		    ph.p_vaddr + ph.p_memsz > ph.p_vaddr && ph.p_paddr + ph.p_memsz > ph.p_paddr) {
			c->loads[c->nloads].vaddr = ph.p_vaddr + ph.p_filesz;
			c->loads[c->nloads].paddr = ph.p_paddr + ph.p_filesz;
			c->loads[c->nloads].zero = 1;
			c->loads[c->nloads++].size = ph.p_memsz - ph.p_filesz;
		} else if (ph.p_type == PT_NOTE && !c->vmcoreinfo) {
			const uint8_t *p = buf + ph.p_offset;
			const uint8_t *end = p + ph.p_filesz;

			while (end - p >= 12) {
				uint32_t nsz, dsz, type;
				uint64_t nal, dal;

				memcpy(&nsz, p, 4);
				memcpy(&dsz, p + 4, 4);
				memcpy(&type, p + 8, 4);
				nal = ((uint64_t)nsz + 3) & ~3ull;
				dal = ((uint64_t)dsz + 3) & ~3ull;
				if (nal + dal > (uint64_t)(end - p - 12))
					break;
				if (nsz == sizeof("VMCOREINFO") &&
				    !memcmp(p + 12, "VMCOREINFO", nsz)) {
					c->vmcoreinfo = (const char *)p + 12 + nal;
					c->vmcoreinfo_len = dsz;
					break;
				}
				p += 12 + nal + dal;
			}
		}
	}
	if (index_loads(c)) {
		kcore_close(c);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void kcore_close(struct kcore *c)
{
	unsigned int k;

	for (k = 0; k < 2; k++) {
		free(c->order[k]);
		free(c->reach[k]);
		c->order[k] = c->reach[k] = NULL;
	}
	free(c->loads);
	c->loads = NULL;
}


/* Copy from the loads, addressed by vaddr or paddr; reads may span loads. */
static int read_by(const struct kcore *c, int phys, uint64_t addr, void *dst,
		   size_t n)
{
	uint8_t *d = dst;

	while (n) {
		const struct kcore_load *l = find_load(c, phys, addr);
		uint64_t in;
		size_t k;

		if (!l)
			return -1;
		in = addr - load_start(l, phys);
		k = l->size - in < n ? l->size - in : n;
		if (l->zero)
			memset(d, 0, k);
		else
			memcpy(d, c->buf + l->offset + in, k);
		d += k;
		addr += k;
		n -= k;
	}
	return 0;
}

int kcore_read(const struct kcore *c, uint64_t va, void *dst, size_t n)
{
	return read_by(c, 0, va, dst, n);
}

int kcore_read_phys(const struct kcore *c, uint64_t pa, void *dst, size_t n)
{
	return read_by(c, 1, pa, dst, n);
}

int kcore_info(const struct kcore *c, const char *key, uint64_t *val)
{
	const char *p = c->vmcoreinfo, *end;
	size_t klen = strlen(key);
	char num[24];

	if (!p)
		return -1;
	end = p + c->vmcoreinfo_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = (nl ? nl : end) - p;

		if (l > klen + 1 && !memcmp(p, key, klen) && p[klen] == '=' &&
		    l - klen - 1 < sizeof(num)) {
			char *e;

			memcpy(num, p + klen + 1, l - klen - 1);
			num[l - klen - 1] = 0;
			errno = 0;
			*val = strtoull(num, &e, strncmp(key, "SYMBOL(", 7) ? 10 : 16);
			/* Empty, signed, trailing junk or out of range: not a value. */
			return *e || e == num || num[0] == '-' || errno ? -1 : 0;
		}
		p += l + 1;
	}
	return -1;
}

struct kcore_rec {
	uint64_t seq, ts;
	uint64_t text;		/* virtual address of the text */
	uint32_t len;
};

static int by_seq(const void *a, const void *b)
{
	const struct kcore_rec *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int rd64(const struct kcore *c, uint64_t va, uint64_t *v)
{
	return kcore_read(c, va, v, sizeof(*v));
}

static int rd32(const struct kcore *c, uint64_t va, uint32_t *v)
{
	return kcore_read(c, va, v, sizeof(*v));
}

/* The VMCOREINFO numbers the decoder needs, by name. */
enum {
	I_PRB, I_RB_DESC, I_RB_TEXT, I_DR_BITS, I_DR_DESCS, I_DR_INFOS,
	I_DESC_SIZE, I_DESC_SV, I_DESC_TEXT, I_LPOS_BEGIN, I_LPOS_NEXT,
	I_INFO_SIZE, I_INFO_SEQ, I_INFO_TS, I_INFO_LEN, I_TR_BITS, I_TR_DATA,
	I_NR,
};

static const char *const info_keys[I_NR] = {
	[I_PRB] = "SYMBOL(prb)",
	[I_RB_DESC] = "OFFSET(printk_ringbuffer.desc_ring)",
	[I_RB_TEXT] = "OFFSET(printk_ringbuffer.text_data_ring)",
	[I_DR_BITS] = "OFFSET(prb_desc_ring.count_bits)",
	[I_DR_DESCS] = "OFFSET(prb_desc_ring.descs)",
	[I_DR_INFOS] = "OFFSET(prb_desc_ring.infos)",
	[I_DESC_SIZE] = "SIZE(prb_desc)",
	[I_DESC_SV] = "OFFSET(prb_desc.state_var)",
	[I_DESC_TEXT] = "OFFSET(prb_desc.text_blk_lpos)",
	[I_LPOS_BEGIN] = "OFFSET(prb_data_blk_lpos.begin)",
	[I_LPOS_NEXT] = "OFFSET(prb_data_blk_lpos.next)",
	[I_INFO_SIZE] = "SIZE(printk_info)",
	[I_INFO_SEQ] = "OFFSET(printk_info.seq)",
	[I_INFO_TS] = "OFFSET(printk_info.ts_nsec)",
	[I_INFO_LEN] = "OFFSET(printk_info.text_len)",
	[I_TR_BITS] = "OFFSET(prb_data_ring.size_bits)",
	[I_TR_DATA] = "OFFSET(prb_data_ring.data)",
};

/*
 * Where the text of the record whose descriptor says [begin, next) lies:
 * the block in the data ring starts with the descriptor's id.  Returns the
 * text's virtual address and usable length, 0 length for none.
 */
static uint64_t text_of(const struct kcore *c, uint64_t data, unsigned int bits,
			uint64_t id, uint64_t begin, uint64_t next,
			uint32_t *len)
{
	uint64_t size = 1ull << bits, b = begin & (size - 1), blk, have;
	uint64_t bid;

	if (LPOS_DATALESS(begin) || LPOS_DATALESS(next) || next == begin)
		goto none;
	if (begin >> bits == next >> bits) {
		blk = next - begin;
	} else if ((begin >> bits) + 1 == next >> bits) {
		b = 0;			/* wrapped: the block is at the start */
		blk = next & (size - 1);
	} else {
		goto none;
	}
	if (blk <= sizeof(uint64_t) || blk > size ||
	    rd64(c, data + b, &bid) || DESC_ID(bid) != id)
		goto none;
	have = blk - sizeof(uint64_t);
	if (*len > have)
		*len = have;
	return data + b + sizeof(uint64_t);
none:
	*len = 0;
	return 0;
}

long kcore_dmesg(const struct kcore *c, FILE *out, unsigned long tail,
		 char *err, size_t errlen)
{
	uint64_t v[I_NR], prb, descs, infos, data, count, i, n = 0, first;
	uint32_t cbits, tbits;
	struct kcore_rec *recs = NULL;
	uint8_t *text = NULL;
	unsigned int k;

	if (!c->vmcoreinfo) {
		seterr(err, errlen, "no VMCOREINFO note in the core file");
		return -1;
	}
	for (k = 0; k < I_NR; k++) {
		if (kcore_info(c, info_keys[k], &v[k])) {
			seterr(err, errlen, "VMCOREINFO has no %s", info_keys[k]);
			return -1;
		}
	}
	if (rd64(c, v[I_PRB], &prb) ||
	    rd32(c, prb + v[I_RB_DESC] + v[I_DR_BITS], &cbits) ||
	    rd64(c, prb + v[I_RB_DESC] + v[I_DR_DESCS], &descs) ||
	    rd64(c, prb + v[I_RB_DESC] + v[I_DR_INFOS], &infos) ||
	    rd32(c, prb + v[I_RB_TEXT] + v[I_TR_BITS], &tbits) ||
	    rd64(c, prb + v[I_RB_TEXT] + v[I_TR_DATA], &data)) {
		seterr(err, errlen, "the printk ring buffer (prb at 0x%" PRIx64
		       ") is not in the dump", v[I_PRB]);
		return -1;
	}
	if (cbits > KCORE_MAX_COUNT_BITS || tbits > KCORE_MAX_SIZE_BITS ||
	    tbits < 4 || v[I_DESC_SIZE] > 4096 || v[I_INFO_SIZE] > 4096) {
		seterr(err, errlen, "implausible printk ring: %u descriptor bits, %u text bits",
		       cbits, tbits);
		return -1;
	}
	/*
	 * Descriptors and records no smaller than a 64-bit kernel's, with
	 * the fields read inside them: a record then takes its own bytes of
	 * the dump, so the work is bounded by the core, not by 2^cbits
	 * records read from the same few bytes (audit H6).
	 */
	if (v[I_DESC_SIZE] < PRB_DESC_MIN || v[I_INFO_SIZE] < PRINTK_INFO_MIN ||
	    v[I_DESC_SV] > v[I_DESC_SIZE] - 8 ||
	    v[I_LPOS_BEGIN] > 8 || v[I_LPOS_NEXT] > 8 ||
	    v[I_DESC_TEXT] > v[I_DESC_SIZE] - 16 ||
	    v[I_INFO_SEQ] > v[I_INFO_SIZE] - 8 || v[I_INFO_TS] > v[I_INFO_SIZE] - 8 ||
	    v[I_INFO_LEN] > v[I_INFO_SIZE] - 2) {
		seterr(err, errlen, "implausible printk ring: descriptors of %" PRIu64
		       " bytes, records of %" PRIu64 " (a 64-bit kernel's are %u and %u)",
		       v[I_DESC_SIZE], v[I_INFO_SIZE], PRB_DESC_MIN, PRINTK_INFO_MIN);
		return -1;
	}
	count = 1ull << cbits;
	recs = calloc(count, sizeof(*recs));
	if (!recs) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < count; i++) {
		uint64_t d = descs + i * v[I_DESC_SIZE];
		uint64_t inf = infos + i * v[I_INFO_SIZE];
		uint64_t sv, begin, next;
		uint16_t len;

		if (rd64(c, d + v[I_DESC_SV], &sv))
			continue;
		if ((DESC_STATE(sv) != DESC_COMMITTED &&
		     DESC_STATE(sv) != DESC_FINALIZED) ||
		    (DESC_ID(sv) & (count - 1)) != i)
			continue;
		if (rd64(c, d + v[I_DESC_TEXT] + v[I_LPOS_BEGIN], &begin) ||
		    rd64(c, d + v[I_DESC_TEXT] + v[I_LPOS_NEXT], &next) ||
		    rd64(c, inf + v[I_INFO_SEQ], &recs[n].seq) ||
		    rd64(c, inf + v[I_INFO_TS], &recs[n].ts) ||
		    kcore_read(c, inf + v[I_INFO_LEN], &len, sizeof(len)))
			continue;
		recs[n].len = len;
		recs[n].text = text_of(c, data, tbits, DESC_ID(sv), begin, next,
				       &recs[n].len);
		n++;
	}
	qsort(recs, n, sizeof(*recs), by_seq);
	text = malloc(65536);
	if (!text) {
		free(recs);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	first = tail && tail < n ? n - tail : 0;
	for (i = first; i < n; i++) {
		fprintf(out, "[%5" PRIu64 ".%06" PRIu64 "] ", recs[i].ts / 1000000000,
			recs[i].ts % 1000000000 / 1000);
		if (recs[i].len && !kcore_read(c, recs[i].text, text, recs[i].len))
			print_text(out, text, recs[i].len);
		fputc('\n', out);
	}
	free(text);
	free(recs);
	return n - first;
}
