// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests for the collector's other parsers: the devicetree reader
 * (tools/fdt.c), the physical-address ELF writer (tools/kelf.c), the dump
 * index reader (tools/drindex.c) and the kernel core reader with its
 * printk decoder (tools/kcore.c).  Inputs are
 * built here byte by byte, good and broken.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>
#include <elf.h>

#include "drindex.h"
#include "fdt.h"
#include "kcore.h"
#include "le.h"
#include "kelf.h"
#include "minidump.h"
#include "ramoops.h"

/* ---- a tiny devicetree blob builder ---- */

struct dtb {
	uint8_t st[4096];
	size_t stlen;
	char str[512];
	size_t strlen_;
	uint8_t blob[8192];
	size_t len;
};

static void be32put(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void tok(struct dtb *d, uint32_t t)
{
	be32put(d->st + d->stlen, t);
	d->stlen += 4;
}

static void node(struct dtb *d, const char *name)
{
	size_t l = strlen(name) + 1;

	tok(d, 1);
	memset(d->st + d->stlen, 0, (l + 3) & ~3u);
	memcpy(d->st + d->stlen, name, l);
	d->stlen += (l + 3) & ~3u;
}

static void prop(struct dtb *d, const char *name, const void *val, uint32_t len)
{
	size_t off = d->strlen_;

	memcpy(d->str + off, name, strlen(name) + 1);
	d->strlen_ += strlen(name) + 1;
	tok(d, 3);
	tok(d, len);
	tok(d, off);
	memset(d->st + d->stlen, 0, (len + 3) & ~3u);
	memcpy(d->st + d->stlen, val, len);
	d->stlen += (len + 3) & ~3u;
}

static void prop_cells(struct dtb *d, const char *name, int n, ...)
{
	uint8_t v[64];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		be32put(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	prop(d, name, v, 4 * n);
}

static void finish(struct dtb *d)
{
	tok(d, 9);
	/* Header, an empty reservation map, structure, strings. */
	memset(d->blob, 0, 56);
	be32put(d->blob, 0xd00dfeed);
	be32put(d->blob + 8, 56);			/* off_dt_struct */
	be32put(d->blob + 12, 56 + d->stlen);		/* off_dt_strings */
	be32put(d->blob + 16, 40);			/* off_mem_rsvmap */
	be32put(d->blob + 20, 17);
	be32put(d->blob + 24, 16);
	be32put(d->blob + 32, d->strlen_);
	be32put(d->blob + 36, d->stlen);
	memcpy(d->blob + 56, d->st, d->stlen);
	memcpy(d->blob + 56 + d->stlen, d->str, d->strlen_);
	d->len = 56 + d->stlen + d->strlen_;
	be32put(d->blob + 4, d->len);
}

/* QEMU virt plus the project's overlay, in miniature. */
static void board(struct dtb *d, int smem_by_region)
{
	memset(d, 0, sizeof(*d));
	node(d, "");
	prop_cells(d, "#address-cells", 1, 2);
	prop_cells(d, "#size-cells", 1, 2);
	node(d, "memory@40000000");
	prop(d, "device_type", "memory", 7);
	prop_cells(d, "reg", 4, 0, 0x40000000, 0, 0x20000000);
	tok(d, 2);
	node(d, "reserved-memory");
	prop_cells(d, "#address-cells", 1, 2);
	prop_cells(d, "#size-cells", 1, 1);
	node(d, "smem@5e000000");
	prop_cells(d, "reg", 3, 0, 0x5e000000, 0x100000);
	prop_cells(d, "phandle", 1, 7);
	tok(d, 2);
	tok(d, 2);
	node(d, "smem");
	prop(d, "compatible", "vendor,x\0qcom,smem", 18);
	if (smem_by_region)
		prop_cells(d, "memory-region", 1, 7);
	else
		prop_cells(d, "reg", 4, 0, 0x86000000, 0, 0x200000);
	tok(d, 2);
	tok(d, 2);
	finish(d);
}

static void test_fdt_board(void **state)
{
	struct fdt_layout l;
	struct dtb d;
	char err[128];

	(void)state;
	board(&d, 1);
	assert_int_equal(fdt_layout(d.blob, d.len, &l, err, sizeof(err)), 0);
	assert_int_equal(l.ram_base, 0x40000000);
	assert_int_equal(l.ram_size, 0x20000000);
	/* reg read with the reserved-memory node's 2 + 1 cells */
	assert_int_equal(l.smem_base, 0x5e000000);
	assert_int_equal(l.smem_size, 0x100000);
	board(&d, 0);
	assert_int_equal(fdt_layout(d.blob, d.len, &l, err, sizeof(err)), 0);
	assert_int_equal(l.smem_base, 0x86000000);
	assert_int_equal(l.smem_size, 0x200000);
}

static void test_fdt_bad(void **state)
{
	struct fdt_layout l;
	struct dtb d;
	char err[128];
	size_t cut;

	(void)state;
	board(&d, 1);
	d.blob[0] ^= 1;
	assert_int_equal(fdt_layout(d.blob, d.len, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad magic"));
	/* Every truncation is refused without reading past the end. */
	board(&d, 1);
	for (cut = 0; cut < d.len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, d.blob, cut);
		assert_int_equal(fdt_layout(copy, cut, &l, err, sizeof(err)), -1);
		free(copy);
	}
	/* A property longer than the structure block. */
	board(&d, 1);
	be32put(d.blob + 56 + 4 + 4 + 4, 0x7fffffff);
	assert_int_equal(fdt_layout(d.blob, d.len, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "corrupt"));
	/* No memory node. */
	memset(&d, 0, sizeof(d));
	node(&d, "");
	tok(&d, 2);
	finish(&d);
	assert_int_equal(fdt_layout(d.blob, d.len, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no memory node"));
}

/*
 * Every bank of a board with more memory ranges than an old fixed array
 * held (audit C7) counts for the span of RAM; nodes nested deeper than
 * the parser follows are named as such.
 */
static void test_fdt_many_banks(void **state)
{
	uint32_t reg[4 * 20];
	struct fdt_layout l;
	struct dtb d;
	char err[128];
	int i;

	(void)state;
	memset(&d, 0, sizeof(d));
	node(&d, "");
	prop_cells(&d, "#address-cells", 1, 2);
	prop_cells(&d, "#size-cells", 1, 2);
	node(&d, "memory@40000000");
	prop(&d, "device_type", "memory", 7);
	/* 20 banks of 256 MiB, 1 GiB apart, from 0x40000000 up. */
	for (i = 0; i < 20; i++) {
		uint64_t a = 0x40000000ull + ((uint64_t)i << 30);

		be32put((uint8_t *)&reg[4 * i], a >> 32);
		be32put((uint8_t *)&reg[4 * i + 1], (uint32_t)a);
		be32put((uint8_t *)&reg[4 * i + 2], 0);
		be32put((uint8_t *)&reg[4 * i + 3], 0x10000000);
	}
	prop(&d, "reg", reg, sizeof(reg));
	tok(&d, 2);
	tok(&d, 2);
	finish(&d);
	assert_int_equal(fdt_layout(d.blob, d.len, &l, err, sizeof(err)), 0);
	assert_int_equal(l.ram_base, 0x40000000);
	assert_int_equal(l.ram_size, 0x10000000);
	assert_int_equal(l.banks_lo, 0x40000000);
	assert_int_equal(l.banks_hi, 0x40000000ull + (19ull << 30) + 0x10000000);

	memset(&d, 0, sizeof(d));
	node(&d, "");
	for (i = 0; i < 40; i++)
		node(&d, "n");
	for (i = 0; i < 41; i++)
		tok(&d, 2);
	finish(&d);
	assert_int_equal(fdt_layout(d.blob, d.len, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nested deeper than 32"));
}

/* ---- physical-address ELF ---- */

static uint8_t phys_ram[0x4000];

static int phys_read(void *ctx, uint64_t phys, void *buf, uint64_t len)
{
	(void)ctx;
	memcpy(buf, phys_ram + (phys - 0x1000), len);
	return 0;
}

/* More regions than e_shnum counts: refused, not wrapped. */
static void test_phys_elf_too_many(void **state)
{
	struct md_image img = { .ram_base = 0x1000, .ram_size = sizeof(phys_ram),
				.read = phys_read };
	unsigned int n = 70000, i;
	struct md_region *r = calloc(n, sizeof(*r));
	FILE *f = fopen("/dev/null", "wb");
	char err[160] = "";

	(void)state;
	assert_non_null(r);
	assert_non_null(f);
	for (i = 0; i < n; i++) {
		snprintf(r[i].name, sizeof(r[i].name), "r%u", i);
		r[i].addr = 0x1100;
		r[i].size = 1;
	}
	assert_int_equal(phys_elf_write(&img, r, n, f, err, sizeof(err)),
			 MD_ERR_BADREGION);
	assert_non_null(strstr(err, "70000 regions"));
	fclose(f);
	free(r);
}

static void test_phys_elf(void **state)
{
	struct md_image img = { .ram_base = 0x1000, .ram_size = sizeof(phys_ram),
				.read = phys_read };
	struct md_region r[2] = {
		{ .name = "alpha", .addr = 0x1100, .size = 16 },
		{ .name = "beta", .seq = 2, .addr = 0x2000, .size = 3 },
	};
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	Elf64_Shdr sh[4];
	char err[128], *buf;
	size_t len, i;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(phys_ram); i++)
		phys_ram[i] = i * 7;
	f = open_memstream(&buf, &len);
	assert_int_equal(phys_elf_write(&img, r, 2, f, err, sizeof(err)), MD_OK);
	fclose(f);
	memcpy(&eh, buf, sizeof(eh));
	assert_int_equal(eh.e_type, ET_CORE);
	assert_int_equal(eh.e_phnum, 2);
	assert_int_equal(eh.e_shnum, 4);
	assert_int_equal(eh.e_shstrndx, 3);
	assert_true(eh.e_shoff + 4 * sizeof(Elf64_Shdr) == len);
	memcpy(ph, buf + eh.e_phoff, sizeof(ph));
	memcpy(sh, buf + eh.e_shoff, sizeof(sh));
	assert_int_equal(ph[0].p_paddr, 0x1100);
	assert_int_equal(ph[0].p_vaddr, 0);
	assert_int_equal(ph[1].p_offset, ph[0].p_offset + 16);
	assert_memory_equal(buf + ph[0].p_offset, phys_ram + 0x100, 16);
	assert_memory_equal(buf + ph[1].p_offset, phys_ram + 0x1000, 3);
	assert_int_equal(sh[1].sh_addr, 0x1100);
	assert_int_equal(sh[1].sh_offset, ph[0].p_offset);
	assert_string_equal(buf + sh[3].sh_offset + sh[1].sh_name, "alpha");
	assert_string_equal(buf + sh[3].sh_offset + sh[2].sh_name, "beta.2");
	assert_string_equal(buf + sh[3].sh_offset + sh[3].sh_name, ".shstrtab");
	free(buf);
}

/* ---- kernel core and printk ring ---- */

/*
 * A core with one PT_LOAD at VA 0xffff000000000000 holding a printk ring
 * laid out with offsets of our own choosing, announced in VMCOREINFO: the
 * decoder must follow them.
 */
#define VA	0xffff000000000000ull
#define O_PRB	0x000		/* the prb pointer */
#define O_RB	0x100		/* struct printk_ringbuffer */
#define O_DESCS	0x200		/* 4 descriptors of 40 bytes */
#define O_INFOS	0x400		/* 4 infos of 88 bytes */
#define O_DATA	0x800		/* 256 bytes of text ring */
#define MEMSZ	0x900

static const char vmcoreinfo_fmt[] =
	"OSRELEASE=6.12.0\n"
	"SYMBOL(prb)=%llx\n"
	"OFFSET(printk_ringbuffer.desc_ring)=8\n"
	"OFFSET(printk_ringbuffer.text_data_ring)=64\n"
	"OFFSET(prb_desc_ring.count_bits)=4\n"
	"OFFSET(prb_desc_ring.descs)=8\n"
	"OFFSET(prb_desc_ring.infos)=16\n"
	"SIZE(prb_desc)=40\n"
	"OFFSET(prb_desc.state_var)=8\n"
	"OFFSET(prb_desc.text_blk_lpos)=16\n"
	"OFFSET(prb_data_blk_lpos.begin)=0\n"
	"OFFSET(prb_data_blk_lpos.next)=8\n"
	"SIZE(printk_info)=88\n"
	"OFFSET(printk_info.seq)=0\n"
	"OFFSET(printk_info.ts_nsec)=16\n"
	"OFFSET(printk_info.text_len)=24\n"
	"OFFSET(prb_data_ring.size_bits)=0\n"
	"OFFSET(prb_data_ring.data)=8\n";

struct core {
	uint8_t mem[MEMSZ];
	char info[2048];
	uint8_t *file;
	size_t len;
};

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void core_init(struct core *c)
{
	memset(c, 0, sizeof(*c));
	put64(c->mem + O_PRB, VA + O_RB);
	c->mem[O_RB + 8 + 4] = 2;			/* count_bits */
	put64(c->mem + O_RB + 8 + 8, VA + O_DESCS);
	put64(c->mem + O_RB + 8 + 16, VA + O_INFOS);
	c->mem[O_RB + 64] = 8;				/* size_bits */
	put64(c->mem + O_RB + 64 + 8, VA + O_DATA);
	snprintf(c->info, sizeof(c->info), vmcoreinfo_fmt, VA + O_PRB);
}

/* Record with descriptor id @id (state @state), text at ring lpos @begin. */
static void core_rec(struct core *c, uint64_t id, unsigned int state,
		     uint64_t seq, uint64_t ts, uint64_t begin, const char *text)
{
	unsigned int i = id & 3;
	uint8_t *d = c->mem + O_DESCS + 40 * i;
	uint8_t *inf = c->mem + O_INFOS + 88 * i;
	uint64_t len = strlen(text), blk = (8 + len + 7) & ~7ull;
	uint64_t at = begin & 255, next = begin + blk;
	uint16_t tl = len;

	if ((begin & 255) + blk > 256) {	/* wraps: block at the start */
		at = 0;
		next = (begin | 255) + 1 + blk;
	}
	put64(d + 8, (uint64_t)state << 62 | id);
	put64(d + 16, begin);
	put64(d + 24, next);
	put64(inf, seq);
	put64(inf + 16, ts);
	memcpy(inf + 24, &tl, 2);
	put64(c->mem + O_DATA + at, id);
	memcpy(c->mem + O_DATA + at + 8, text, len);
}

static void core_build(struct core *c, int with_info)
{
	size_t nlen = with_info ? strlen(c->info) : 0;
	size_t notesz = with_info ? 12 + 12 + ((nlen + 3) & ~3u) : 0;
	size_t off = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	uint32_t w[3] = { 11, nlen, 0 };

	c->len = off + notesz + MEMSZ;
	c->file = calloc(1, c->len);
	eh = (Elf64_Ehdr *)c->file;
	ph = (Elf64_Phdr *)(eh + 1);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_CORE;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = off;
	ph[0].p_filesz = notesz;
	if (with_info) {
		memcpy(c->file + off, w, 12);
		memcpy(c->file + off + 12, "VMCOREINFO", 11);
		memcpy(c->file + off + 24, c->info, nlen);
	}
	ph[1].p_type = PT_LOAD;
	ph[1].p_vaddr = VA;
	ph[1].p_offset = off + notesz;
	ph[1].p_filesz = MEMSZ;
	memcpy(c->file + off + notesz, c->mem, MEMSZ);
}

static char *dmesg(struct core *c, unsigned long tail, long *n, char *err)
{
	struct kcore k;
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	assert_int_equal(kcore_open(&k, c->file, c->len, err, 128), 0);
	*n = kcore_dmesg(&k, f, tail, err, 128);
	kcore_close(&k);
	fclose(f);
	return out;
}

static void test_kcore_dmesg(void **state)
{
	struct core c;
	char err[128], *out;
	long n;

	(void)state;
	core_init(&c);
	/* Out of order in the ring; the last one wraps to the start. */
	core_rec(&c, 5, 2, 11, 2500000000ull, 0x100 + 64, "second line");
	core_rec(&c, 4, 2, 10, 1000001000ull, 0x100 + 32, "first line");
	core_rec(&c, 6, 1, 12, 3000000000ull, 0x100 + 240, "third, wrapped");
	core_rec(&c, 3, 0, 9, 0, 0x100 + 128, "reserved: not shown");
	core_build(&c, 1);
	out = dmesg(&c, 0, &n, err);
	assert_int_equal(n, 3);
	assert_string_equal(out, "[    1.000001] first line\n"
				 "[    2.500000] second line\n"
				 "[    3.000000] third, wrapped\n");
	free(out);
	out = dmesg(&c, 1, &n, err);
	assert_int_equal(n, 1);
	assert_string_equal(out, "[    3.000000] third, wrapped\n");
	free(out);
	free(c.file);
}

static void test_kcore_bad(void **state)
{
	struct core c;
	struct kcore k;
	char err[128], *out;
	uint64_t v;
	long n;

	(void)state;
	/* A data block whose id is not the descriptor's: text left out. */
	core_init(&c);
	core_rec(&c, 4, 2, 10, 0, 8, "overwritten");
	put64(c.mem + O_DATA + 8, 99);
	core_build(&c, 1);
	out = dmesg(&c, 0, &n, err);
	assert_int_equal(n, 1);
	assert_string_equal(out, "[    0.000000] \n");
	free(out);
	free(c.file);

	/* No VMCOREINFO. */
	core_init(&c);
	core_build(&c, 0);
	out = dmesg(&c, 0, &n, err);
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "no VMCOREINFO"));
	free(out);
	free(c.file);

	/* A key missing from VMCOREINFO is named. */
	core_init(&c);
	*strstr(c.info, "SIZE(printk_info)") = 'X';
	core_build(&c, 1);
	out = dmesg(&c, 0, &n, err);
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "SIZE(printk_info)"));
	free(out);
	free(c.file);

	/*
	 * Descriptors of 4 bytes would read 2^24 of them from 64 MiB: a
	 * descriptor smaller than the kernel's is refused (H6).
	 */
	core_init(&c);
	memcpy(strstr(c.info, "SIZE(prb_desc)=40"), "SIZE(prb_desc)=4\n", 17);
	core_build(&c, 1);
	out = dmesg(&c, 0, &n, err);
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "descriptors of 4 bytes, records of 88 (a 64-bit kernel's are 24 and 88)"));
	free(out);
	free(c.file);

	/* prb pointing outside the dump. */
	core_init(&c);
	put64(c.mem + O_PRB, 0x1234);
	core_build(&c, 1);
	out = dmesg(&c, 0, &n, err);
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "not in the dump"));
	free(out);
	free(c.file);

	/* An absurd ring size is refused, not allocated. */
	core_init(&c);
	c.mem[O_RB + 8 + 4] = 60;
	core_build(&c, 1);
	out = dmesg(&c, 0, &n, err);
	assert_int_equal(n, -1);
	assert_non_null(strstr(err, "implausible"));
	free(out);

	/* Values and reads. */
	assert_int_equal(kcore_open(&k, c.file, c.len, err, sizeof(err)), 0);
	assert_int_equal(kcore_info(&k, "SYMBOL(prb)", &v), 0);
	assert_int_equal(v, VA + O_PRB);
	assert_int_equal(kcore_info(&k, "SIZE(prb_desc)", &v), 0);
	assert_int_equal(v, 40);
	assert_int_equal(kcore_info(&k, "SIZE(prb)", &v), -1);
	assert_int_equal(kcore_read(&k, VA + MEMSZ - 4, &v, 8), -1);
	kcore_close(&k);

	/* Not a core file; program headers past the end. */
	assert_int_equal(kcore_open(&k, c.file, 10, err, sizeof(err)), -1);
	((Elf64_Ehdr *)c.file)->e_phnum = 1000;
	assert_int_equal(kcore_open(&k, c.file, c.len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside the file"));
	((Elf64_Ehdr *)c.file)->e_type = ET_EXEC;
	assert_int_equal(kcore_open(&k, c.file, c.len, err, sizeof(err)), -1);
	free(c.file);
}

/* ---- ramoops zones ---- */

static void test_ro_layout(void **state)
{
	struct fdt_layout l = { .ramoops_base = 0x5e200000, .ramoops_size = 0x40000 };
	struct ro_zone *z;
	char err[128];
	int n;

	(void)state;
	l.ramoops[FDT_RO_RECORD] = 0x8000;
	l.ramoops[FDT_RO_CONSOLE] = 0x10000;
	l.ramoops[FDT_RO_PMSG] = 0x8000;
	l.ramoops[FDT_RO_FTRACE] = 0x8000;
	n = ro_layout(&l, 2, &z, err, sizeof(err));
	/* ramoops' order: records, console, pmsg, ftrace. */
	assert_int_equal(n, 7);
	assert_string_equal(z[0].kind, "dmesg");
	assert_int_equal(z[3].paddr, 0x5e218000);
	assert_string_equal(z[4].kind, "console");
	assert_int_equal(z[4].paddr, 0x5e220000);
	assert_int_equal(z[4].size, 0x10000);
	assert_string_equal(z[5].kind, "pmsg");
	assert_int_equal(z[5].paddr, 0x5e230000);
	assert_string_equal(z[6].kind, "ftrace");
	assert_int_equal(z[6].paddr, 0x5e238000);
	/* Per-CPU ftrace: the zone is split between the CPUs. */
	free(z);
	l.ramoops[FDT_RO_FLAGS] = 1;
	n = ro_layout(&l, 2, &z, err, sizeof(err));
	assert_int_equal(n, 8);
	assert_int_equal(z[7].size, 0x4000);
	/* Sizes not powers of two are rounded down, as ramoops does. */
	l.ramoops[FDT_RO_FLAGS] = 0;
	l.ramoops[FDT_RO_CONSOLE] = 0x18000;
	free(z);
	n = ro_layout(&l, 1, &z, err, sizeof(err));
	assert_int_equal(z[4].size, 0x10000);
	free(z);
	/*
	 * 2048 records of 4 KiB in 8 MiB, more than the 256 an earlier
	 * fixed array held (audit B9); one more zone than the cap is refused.
	 */
	l.ramoops_size = 8 << 20;
	l.ramoops[FDT_RO_RECORD] = 0x1000;
	l.ramoops[FDT_RO_CONSOLE] = 0;
	l.ramoops[FDT_RO_PMSG] = 0;
	l.ramoops[FDT_RO_FTRACE] = 0;
	n = ro_layout(&l, 1, &z, err, sizeof(err));
	assert_int_equal(n, 2048);
	assert_int_equal(z[2047].paddr, 0x5e200000 + (8 << 20) - 0x1000);
	free(z);
	l.ramoops_size = (uint64_t)RO_MAX_ZONES * 0x1000;
	l.ramoops[FDT_RO_CONSOLE] = 0x1000;
	assert_int_equal(ro_layout(&l, 1, &z, err, sizeof(err)), RO_MAX_ZONES);
	free(z);
	l.ramoops_size += 0x1000;
	assert_int_equal(ro_layout(&l, 1, &z, err, sizeof(err)), -1);
	assert_null(z);
	assert_non_null(strstr(err, "more than 65536 ramoops zones"));
	l.ramoops_size = 0x40000;
	l.ramoops[FDT_RO_RECORD] = 0x8000;
	l.ramoops[FDT_RO_CONSOLE] = 0x10000;
	/* What ramoops refuses, so does the decoder. */
	l.ramoops[FDT_RO_ECC] = 16;
	assert_int_equal(ro_layout(&l, 1, &z, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ECC"));
	l.ramoops[FDT_RO_ECC] = 0;
	l.ramoops[FDT_RO_CONSOLE] = 0x80000;
	assert_int_equal(ro_layout(&l, 1, &z, err, sizeof(err)), -1);
	l.ramoops_size = 0;
	assert_int_equal(ro_layout(&l, 1, &z, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no ramoops node"));
}

/* A core whose only load is @len bytes of @mem at physical @pa. */
static uint8_t *phys_core(const uint8_t *mem, size_t len, uint64_t pa,
			  size_t *flen)
{
	size_t off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
	uint8_t *f = calloc(1, off + len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)f;
	Elf64_Phdr *ph = (Elf64_Phdr *)(eh + 1);

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_CORE;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_paddr = pa;
	ph->p_vaddr = 0xffff000000000000ull;
	ph->p_offset = off;
	ph->p_filesz = len;
	memcpy(f + off, mem, len);
	*flen = off + len;
	return f;
}

static void zone_hdr(uint8_t *z, uint32_t sig, uint32_t start, uint32_t size)
{
	memcpy(z, &sig, 4);
	memcpy(z + 4, &start, 4);
	memcpy(z + 8, &size, 4);
}

/* A record pstore compressed (6.12's default): inflated, then printed. */
static void test_ro_compressed(void **state)
{
	static const char msg[] = "Kernel panic - not syncing: compressed record\n";
	static uint8_t mem[0x200];
	struct ro_zone z[1] = { { "dmesg", 0, 0x1000, 0x200 } };
	static const char hdr[] = "====7.000000001-C\n";
	uint8_t packed[128], big[256], *bomb;
	char err[128], *out, *a;
	z_stream zs = { 0 };
	uint8_t *file;
	size_t flen, olen, n;
	struct kcore c;
	FILE *f;

	(void)state;
	/* Raw deflate, as pstore_compress() writes records. */
	assert_int_equal(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS,
				      8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (uint8_t *)msg;
	zs.avail_in = sizeof(msg) - 1;
	zs.next_out = packed;
	zs.avail_out = sizeof(packed);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	n = zs.total_out;
	deflateEnd(&zs);
	memset(mem, 0, sizeof(mem));
	zone_hdr(mem, 0x43474244, sizeof(hdr) - 1 + n, sizeof(hdr) - 1 + n);
	memcpy(mem + 12, hdr, sizeof(hdr) - 1);
	memcpy(mem + 12 + sizeof(hdr) - 1, packed, n);
	file = phys_core(mem, sizeof(mem), 0x1000, &flen);
	assert_int_equal(kcore_open(&c, file, flen, err, sizeof(err)), 0);
	f = open_memstream(&out, &olen);
	assert_int_equal(ro_print(&c, z, 1, f), 1);
	fclose(f);
	assert_non_null(strstr(out, "record 7.000000001-C ==\nKernel panic - not syncing: compressed record\n"));
	free(out);
	/* Corrupt compressed bytes: said, not a crash. */
	memset(file + flen - sizeof(mem) + 12 + sizeof(hdr) - 1, 0xff, n);
	f = open_memstream(&out, &olen);
	ro_print(&c, z, 1, f);
	fclose(f);
	assert_non_null(strstr(out, "does not inflate"));
	free(out);
	kcore_close(&c);
	free(file);
	/* A stream cut short: the text it gives, said to be partial. */
	memset(mem, 0, sizeof(mem));
	zone_hdr(mem, 0x43474244, sizeof(hdr) - 1 + n - 4, sizeof(hdr) - 1 + n - 4);
	memcpy(mem + 12, hdr, sizeof(hdr) - 1);
	memcpy(mem + 12 + sizeof(hdr) - 1, packed, n - 4);
	file = phys_core(mem, sizeof(mem), 0x1000, &flen);
	assert_int_equal(kcore_open(&c, file, flen, err, sizeof(err)), 0);
	f = open_memstream(&out, &olen);
	ro_print(&c, z, 1, f);
	fclose(f);
	assert_non_null(strstr(out, "Kernel panic"));
	assert_non_null(strstr(out, "compressed record incomplete"));
	free(out);
	kcore_close(&c);
	free(file);
	/*
	 * 64 KiB of one letter packed into the zone: cut at three times the
	 * zone's 500-byte buffer, as the kernel's own inflate would (H6).
	 */
	bomb = malloc(64 << 10);
	assert_non_null(bomb);
	memset(bomb, 'A', 64 << 10);
	assert_int_equal(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS,
				      8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = bomb;
	zs.avail_in = 64 << 10;
	zs.next_out = big;
	zs.avail_out = sizeof(big);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	n = zs.total_out;
	deflateEnd(&zs);
	free(bomb);
	memset(mem, 0, sizeof(mem));
	zone_hdr(mem, 0x43474244, sizeof(hdr) - 1 + n, sizeof(hdr) - 1 + n);
	memcpy(mem + 12, hdr, sizeof(hdr) - 1);
	memcpy(mem + 12 + sizeof(hdr) - 1, big, n);
	file = phys_core(mem, sizeof(mem), 0x1000, &flen);
	assert_int_equal(kcore_open(&c, file, flen, err, sizeof(err)), 0);
	f = open_memstream(&out, &olen);
	ro_print(&c, z, 1, f);
	fclose(f);
	assert_non_null(strstr(out, "(compressed record cut at 1500 bytes of text)"));
	a = strchr(out, 'A');
	assert_non_null(a);
	assert_int_equal(strspn(a, "A"), 1500);
	free(out);
	kcore_close(&c);
	free(file);
}

static void test_ro_print(void **state)
{
	static uint8_t mem[0x400];
	struct ro_zone z[5] = {
		{ "dmesg", 0, 0x1000, 0x100 },	/* a record */
		{ "console", -1, 0x1100, 0x100 },	/* wrapped ring */
		{ "pmsg", -1, 0x1200, 0x100 },	/* corrupt header */
		{ "dmesg", 1, 0x1300, 0x100 },	/* never written */
		{ "ftrace", 0, 0x9000, 0x100 },	/* not in the dump */
	};
	char err[128], *out;
	uint8_t *file;
	size_t flen, olen;
	struct kcore c;
	FILE *f;

	(void)state;
	memset(mem, 0, sizeof(mem));
	zone_hdr(mem, 0x43474244, 30, 30);
	memcpy(mem + 12, "====12.000000034-D\nPanic#1 x\n", 30);
	/* Ring of 244 bytes, full: oldest from 'start' on, then the head. */
	zone_hdr(mem + 0x100, 0x43474244, 4, 244);
	memset(mem + 0x100 + 12, 'o', 244);
	memcpy(mem + 0x100 + 12, "new\n", 4);
	memcpy(mem + 0x100 + 12 + 4, "OLD:", 4);
	zone_hdr(mem + 0x200, 0x43474244, 10, 5000);
	file = phys_core(mem, sizeof(mem), 0x1000, &flen);
	assert_int_equal(kcore_open(&c, file, flen, err, sizeof(err)), 0);
	f = open_memstream(&out, &olen);
	assert_int_equal(ro_print(&c, z, 5, f), 2);
	fclose(f);
	assert_non_null(strstr(out, "== dmesg.0 @0x1000: 30 bytes, record 12.000000034-D ==\nPanic#1 x\n"));
	assert_non_null(strstr(out, "== console @0x1100: 244 bytes ==\nOLD:oooo"));
	assert_non_null(strstr(out, "oooonew\n== pmsg"));
	assert_non_null(strstr(out, "== pmsg @0x1200: corrupt header"));
	assert_non_null(strstr(out, "== dmesg.1 @0x1300: no persistent-RAM header"));
	assert_non_null(strstr(out, "== ftrace.0 @0x9000: not in the dump"));
	free(out);
	kcore_close(&c);
	free(file);
}

/* ---- the vendor-neutral dump index ---- */

/*
 * In phys_ram (0x1000..0x5000): the carve-out at 0x1000 (0x400 bytes, two
 * slots of 0x200), a KELF index split in two runs at 0x2000 and 0x2800,
 * its one load at 0x3000.
 */
#define IX_BASE		0x1000
#define IX_SIZE		0x400
#define IX_SLOT		0x200

/* A slot as Documentation/dumpregion/index.rst describes it. */
static void ix_slot(unsigned int k, uint64_t gen, uint32_t flags,
		    const struct dix_run *runs, uint32_t n, uint64_t ksize)
{
	uint8_t *p = phys_ram + (IX_BASE - 0x1000) + k * IX_SLOT;
	uint32_t crc, i;

	memset(p, 0, IX_SLOT);
	put_le32(p, DIX_MAGIC);
	put_le16(p + 4, 1);
	put_le16(p + 6, 64);
	put_le64(p + 8, gen);
	put_le32(p + 16, flags);
	put_le32(p + 20, n);
	put_le64(p + 24, ksize);
	put_le32(p + 32, IX_SLOT);
	put_le32(p + 36, 16);
	for (i = 0; i < n; i++) {
		put_le64(p + 64 + 16 * i, runs[i].phys);
		put_le64(p + 72 + 16 * i, runs[i].size);
	}
	crc = crc32(crc32(0, p, 64), p + 64, n * 16);
	put_le32(p + 60, crc);
}

static uint8_t ix_kelf[64 + 2 * 56];

/* The KELF index and RAM around it; two valid slots, 4 (slot 0) > 3. */
static void ix_board(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)ix_kelf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(ix_kelf + 64);
	struct dix_run runs[2] = { { 0x2000, 0x60 }, { 0x2800, sizeof(ix_kelf) - 0x60 } };
	unsigned int i;

	memset(phys_ram, 0, sizeof(phys_ram));
	memset(ix_kelf, 0, sizeof(ix_kelf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_CORE;
	eh->e_phoff = 64;
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 2;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(ix_kelf);
	ph[1].p_type = PT_LOAD;
	ph[1].p_paddr = 0x3000;
	ph[1].p_vaddr = 0xffff000000003000ull;
	ph[1].p_filesz = 0x40;
	ph[1].p_memsz = 0x40;
	ph[1].p_offset = sizeof(ix_kelf);
	memcpy(phys_ram + 0x1000, ix_kelf, 0x60);
	memcpy(phys_ram + 0x1800, ix_kelf + 0x60, sizeof(ix_kelf) - 0x60);
	for (i = 0; i < 0x40; i++)
		phys_ram[0x2000 + i] = 0xc0 + i;
	ix_slot(1, 3, 0, runs, 1, 0x60);	/* older: first run only */
	ix_slot(0, 4, DIX_F_PANIC, runs, 2, sizeof(ix_kelf));
}

static struct md_image ix_img = { .ram_base = 0x1000, .ram_size = sizeof(phys_ram),
				  .read = phys_read };

/* The reader takes the valid slot with the higher generation. */
static void test_index_pick(void **state)
{
	uint8_t *ca = phys_ram;
	struct dix_index ix;
	char err[160] = "";

	(void)state;
	ix_board();
	assert_int_equal(dix_parse(ca, IX_SIZE, &ix, err, sizeof(err)), MD_OK);
	assert_int_equal(ix.slot, 0);
	assert_int_equal(ix.generation, 4);
	assert_int_equal(ix.flags, DIX_F_PANIC);
	assert_int_equal(ix.nr_runs, 2);
	assert_int_equal(ix.runs[1].phys, 0x2800);
	dix_free(&ix);
	/* A torn slot 0 (magic cleared, or a stale byte): slot 1. */
	put_le32(ca, 0);
	assert_int_equal(dix_parse(ca, IX_SIZE, &ix, err, sizeof(err)), MD_OK);
	assert_int_equal(ix.slot, 1);
	assert_int_equal(ix.generation, 3);
	dix_free(&ix);
	ix_board();
	ca[70] ^= 1;
	assert_int_equal(dix_parse(ca, IX_SIZE, &ix, err, sizeof(err)), MD_OK);
	assert_int_equal(ix.slot, 1);
	dix_free(&ix);
	/* A newer format in slot 0: slot 1 is older, not taken (index.rst). */
	ix_board();
	put_le16(ca + 4, 2);
	assert_int_equal(dix_parse(ca, IX_SIZE, &ix, err, sizeof(err)), MD_ERR_NOTABLE);
	assert_non_null(strstr(err, "slot 0 holds dump index version 2"));
	dix_free(&ix);
	/* Neither valid: each slot's reason. */
	ix_board();
	put_le16(ca + 4, 2);
	memset(ca + IX_SLOT, 0, 4);
	assert_int_equal(dix_parse(ca, IX_SIZE, &ix, err, sizeof(err)), MD_ERR_NOTABLE);
	assert_non_null(strstr(err, "slot 0: version 2, slot 1: empty"));
	dix_free(&ix);
	ix_board();
	put_le32(ca + 20, 100);		/* more runs than the slot holds */
	put_le32(ca + IX_SLOT, 0x12345678);
	assert_int_equal(dix_parse(ca, IX_SIZE, &ix, err, sizeof(err)), MD_ERR_NOTABLE);
	assert_non_null(strstr(err, "slot 0: bad sizes, slot 1: bad magic"));
	dix_free(&ix);
	/* The slot size follows the carve-out's size from the devicetree. */
	ix_board();
	assert_int_equal(dix_parse(ca, 2 * IX_SIZE, &ix, err, sizeof(err)), MD_ERR_NOTABLE);
	dix_free(&ix);
	assert_int_equal(dix_parse(ca, 200, &ix, err, sizeof(err)), MD_ERR_NOTABLE);
	assert_non_null(strstr(err, "at least 256"));
	assert_int_equal(dix_slot_size(1 << 20), 65536);
	assert_int_equal(dix_slot_size(1000), 448);
}

/* The KELF index from its runs, and the ELF core written from it. */
static void test_index_read(void **state)
{
	struct dix_index ix;
	char err[160] = "";
	uint8_t *kelf, *out = NULL;
	size_t olen = 0;
	FILE *f;

	(void)state;
	ix_board();
	assert_int_equal(dix_read(&ix_img, IX_BASE, IX_SIZE, &ix, &kelf, err, sizeof(err)),
			 MD_OK);
	assert_int_equal(ix.kelf_size, sizeof(ix_kelf));
	assert_memory_equal(kelf, ix_kelf, sizeof(ix_kelf));
	f = open_memstream((char **)&out, &olen);
	assert_int_equal(kelf_write_buf(&ix_img, kelf, ix.kelf_size, NULL, 0, f, 0,
					err, sizeof(err)), MD_OK);
	fclose(f);
	assert_int_equal(olen, 64 + 2 * 56 + 0x40);
	assert_int_equal(out[64 + 2 * 56], 0xc0);
	assert_int_equal(out[64 + 2 * 56 + 0x3f], 0xff);
	free(out);
	free(kelf);
	dix_free(&ix);

	/* Withdrawn at shutdown: no KELF, said so. */
	ix_slot(1, 5, DIX_F_SHUTDOWN, NULL, 0, 0);
	assert_int_equal(dix_read(&ix_img, IX_BASE, IX_SIZE, &ix, &kelf, err, sizeof(err)),
			 MD_ERR_NOTABLE);
	assert_non_null(strstr(err, "withdrawn at a clean shutdown"));
	assert_null(kelf);
	dix_free(&ix);

	/* Sizes that do not add up, runs outside RAM, a carve-out outside. */
	{
		struct dix_run bad[2] = { { 0x2000, 0x60 }, { 0x2800, 0x10 } };
		struct dix_run out_of_ram[1] = { { 0x9000, 0x60 } };
		struct dix_run huge[2] = { { 0x2000, UINT64_MAX }, { 0x2800, 0x61 } };

		ix_slot(1, 6, 0, bad, 2, sizeof(ix_kelf));
		assert_int_equal(dix_read(&ix_img, IX_BASE, IX_SIZE, &ix, &kelf, err,
					  sizeof(err)), MD_ERR_BADKELF);
		dix_free(&ix);
		ix_slot(1, 6, 0, huge, 2, 0x60);
		assert_int_equal(dix_read(&ix_img, IX_BASE, IX_SIZE, &ix, &kelf, err,
					  sizeof(err)), MD_ERR_BADKELF);
		dix_free(&ix);
		ix_slot(1, 6, 0, out_of_ram, 1, 0x60);
		assert_int_equal(dix_read(&ix_img, IX_BASE, IX_SIZE, &ix, &kelf, err,
					  sizeof(err)), MD_ERR_BADREGION);
		assert_non_null(strstr(err, "outside RAM"));
		dix_free(&ix);
	}
	assert_int_equal(dix_read(&ix_img, 0x4f00, IX_SIZE, &ix, &kelf, err, sizeof(err)),
			 MD_ERR_BADREGION);
	dix_free(&ix);
}

/* Seeds for fuzz_collector: selector byte, then the input. */
static int write_seed(const char *dir, const char *name, uint8_t sel,
		      const void *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&sel, 1, 1, f) != 1 || fwrite(p, 1, len, f) != len)
		return 1;
	return fclose(f) ? 1 : 0;
}

/*
 * fuzz_collector's core path with a compressed dmesg record in its first
 * zone (0..0x4000), so the fuzzer starts inside the inflate path.
 */
static int pstore_seed(const char *dir)
{
	static const char hdr[] = "====1.000000001-C\n";
	static const char text[] = "Kernel panic - not syncing: seed\n";
	static uint8_t mem[0x4000];
	z_stream zs = { 0 };
	uint8_t *file;
	size_t flen;
	int ret;

	memset(mem, 0, sizeof(mem));
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	zs.next_in = (uint8_t *)text;
	zs.avail_in = sizeof(text) - 1;
	zs.next_out = mem + 12 + sizeof(hdr) - 1;
	zs.avail_out = 256;
	ret = deflate(&zs, Z_FINISH);
	deflateEnd(&zs);
	if (ret != Z_STREAM_END)
		return -1;
	zone_hdr(mem, 0x43474244, sizeof(hdr) - 1 + zs.total_out, sizeof(hdr) - 1 + zs.total_out);
	memcpy(mem + 12, hdr, sizeof(hdr) - 1);
	file = phys_core(mem, sizeof(mem), 0, &flen);
	if (!file)
		return -1;
	ret = write_seed(dir, "seed-pstore", 0, file, flen);
	free(file);
	return ret;
}

static int seeds(const char *dir)
{
	struct core c;
	struct dtb d;
	int ret;

	board(&d, 1);
	core_init(&c);
	core_rec(&c, 4, 2, 10, 1000001000ull, 0x100 + 32, "first line");
	core_rec(&c, 6, 1, 12, 3000000000ull, 0x100 + 240, "third, wrapped");
	core_build(&c, 1);
	ix_board();
	ret = pstore_seed(dir) |
	      write_seed(dir, "seed-dtb", 1, d.blob, d.len) |
	      write_seed(dir, "seed-core", 0, c.file, c.len) |
	      /* fuzz_collector: selector 2, carve-out 256 << 2 bytes at RAM's start */
	      write_seed(dir, "seed-index", 2 | 2 << 2, phys_ram, sizeof(phys_ram));
	free(c.file);
	return ret;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fdt_board),
		cmocka_unit_test(test_fdt_bad),
		cmocka_unit_test(test_fdt_many_banks),
		cmocka_unit_test(test_phys_elf),
		cmocka_unit_test(test_phys_elf_too_many),
		cmocka_unit_test(test_index_pick),
		cmocka_unit_test(test_index_read),
		cmocka_unit_test(test_kcore_dmesg),
		cmocka_unit_test(test_kcore_bad),
		cmocka_unit_test(test_ro_layout),
		cmocka_unit_test(test_ro_print),
		cmocka_unit_test(test_ro_compressed),
	};

	if (argc == 3 && !strcmp(argv[1], "--seeds"))
		return seeds(argv[2]);
	return cmocka_run_group_tests_name("collector", tests, NULL, NULL);
}
