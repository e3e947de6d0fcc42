// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests for the minidump table reader (tools/minidump.c): RAM images
 * built in memory, good and broken, each error path checked for its result
 * and message.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <elf.h>
#include <stdio.h>

#include "kelf.h"
#include "le.h"
#include "minidump.h"
#include "smem_build.h"
#include "smem_layout.h"

#define RAM_BASE	0x80000000ull
#define RAM_SIZE	0x100000ull
#define SMEM_OFF	0x0
#define SMEM_SIZE	0x10000ull
#define TABLE_OFF	0x20000	/* APSS region array */
#define DATA_OFF	0x30000

struct ram {
	struct md_image img;
	uint8_t *mem;
	uint64_t toc;		/* item 602 offset in RAM */
	char err[256];
	struct md_region seen[16];
	unsigned int nseen;
};

static int mem_read(void *ctx, uint64_t phys, void *buf, uint64_t len)
{
	struct ram *r = ctx;

	memcpy(buf, r->mem + (phys - r->img.ram_base), len);
	return 0;
}

static struct ram *ram_new(const struct smem_opts *o)
{
	struct ram *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->mem = calloc(1, RAM_SIZE);
	assert_non_null(r->mem);
	r->img.ram_base = RAM_BASE;
	r->img.ram_size = RAM_SIZE;
	r->img.read = mem_read;
	r->img.ctx = r;
	smem_build(r->mem + SMEM_OFF, o, &r->toc);
	return r;
}

static void ram_free(struct ram *r)
{
	free(r->mem);
	free(r);
}

static uint8_t *subsystem(struct ram *r, unsigned int ss)
{
	return r->mem + r->toc + MD_TOC_SUBSYSTEMS + ss * MD_SS_LEN;
}

/* Publish subsystem @ss with its region array at @table_off. */
static void enable_ss(struct ram *r, unsigned int ss, uint64_t table_off,
		      uint32_t count)
{
	uint8_t *s = subsystem(r, ss);

	put_le32(s + MD_SS_STATUS, 1);
	put_le32(s + MD_SS_ENABLED, MD_SS_ENABLED_MAGIC);
	put_le32(s + MD_SS_ENCR_STATUS, MD_SS_ENCR_DONE);
	put_le32(s + MD_SS_ENCR_REQUIRED, MD_SS_ENCR_NOTREQ);
	put_le32(s + MD_SS_REGION_COUNT, count);
	put_le64(s + MD_SS_BASEPTR, RAM_BASE + table_off);
}

static void set_region(struct ram *r, uint64_t table_off, unsigned int i,
		       const char *name, uint32_t seq, uint64_t addr,
		       uint64_t size, uint32_t valid)
{
	uint8_t *e = r->mem + table_off + i * MD_REGION_LEN;

	memset(e, 0, MD_REGION_LEN);
	strncpy((char *)e, name, MD_REGION_NAME_LEN);
	put_le32(e + MD_REGION_SEQ, seq);
	put_le32(e + MD_REGION_VALID, valid);
	put_le64(e + MD_REGION_ADDRESS, addr);
	put_le64(e + MD_REGION_SIZE, size);
}

static int record(const struct md_region *reg, void *arg)
{
	struct ram *r = arg;

	if (r->nseen < 16)
		r->seen[r->nseen++] = *reg;
	return 0;
}

static int walk(struct ram *r)
{
	r->nseen = 0;
	r->err[0] = 0;
	return md_walk(&r->img, RAM_BASE + SMEM_OFF, SMEM_SIZE, NULL, record, r,
		       r->err, sizeof(r->err));
}

static const struct smem_opts good = {
	.size = SMEM_SIZE, .subsystems = 10, .items = 1024,
};

/* Two regions, one invalid entry between them, and another subsystem. */
static struct ram *two_regions(const struct smem_opts *o)
{
	struct ram *r = ram_new(o);

	enable_ss(r, 0, TABLE_OFF, 3);
	set_region(r, TABLE_OFF, 0, "alpha", 0, RAM_BASE + DATA_OFF, 100,
		   MD_REGION_VALID_MAGIC);
	set_region(r, TABLE_OFF, 1, "skipme", 0, RAM_BASE + DATA_OFF, 8,
		   MD_MAGIC('I', 'N', 'V', 'A'));
	set_region(r, TABLE_OFF, 2, "beta#1", 3, RAM_BASE + DATA_OFF + 4096,
		   4096, MD_REGION_VALID_MAGIC);
	return r;
}

static void test_good(void **state)
{
	struct ram *r = two_regions(&good);

	(void)state;
	assert_int_equal(walk(r), MD_OK);
	assert_int_equal(r->nseen, 2);
	assert_string_equal(r->seen[0].name, "alpha");
	assert_int_equal(r->seen[0].addr, RAM_BASE + DATA_OFF);
	assert_int_equal(r->seen[0].size, 100);
	assert_int_equal(r->seen[0].subsystem, 0);
	assert_string_equal(r->seen[1].name, "beta#1");
	assert_int_equal(r->seen[1].seq, 3);
	ram_free(r);
}

static void test_cached_and_30_subsystems(void **state)
{
	struct smem_opts o = good;
	struct ram *r;

	(void)state;
	o.cached = 1;
	o.subsystems = 30;
	r = ram_new(&o);
	enable_ss(r, 29, TABLE_OFF, 1);
	set_region(r, TABLE_OFF, 0, "last_ss", 0, RAM_BASE + DATA_OFF, 16,
		   MD_REGION_VALID_MAGIC);
	assert_int_equal(walk(r), MD_OK);
	assert_int_equal(r->nseen, 1);
	assert_int_equal(r->seen[0].subsystem, 29);
	ram_free(r);
}

static void expect_notable(enum smem_variant v, const char *msg)
{
	struct smem_opts o = good;
	struct ram *r;

	o.variant = v;
	r = ram_new(&o);
	assert_int_equal(walk(r), MD_ERR_NOTABLE);
	assert_non_null(strstr(r->err, msg));
	assert_int_equal(r->nseen, 0);
	ram_free(r);
}

static void test_legacy(void **state)
{
	(void)state;
	expect_notable(SMEM_LEGACY, "legacy SMEM heap");
}

static void test_no_siii(void **state)
{
	(void)state;
	expect_notable(SMEM_NO_SIII, "declares 512 items");
}

static void test_no_item(void **state)
{
	(void)state;
	expect_notable(SMEM_NO_ITEM, "no item 602");
}

static void test_uninit(void **state)
{
	(void)state;
	expect_notable(SMEM_UNINIT, "not initialised");
}

static void test_short(void **state)
{
	(void)state;
	expect_notable(SMEM_SHORT, "holds no subsystem table");
}

static void test_smem_not_initialised(void **state)
{
	struct ram *r = two_regions(&good);

	(void)state;
	put_le32(r->mem + SMEM_HDR_INITIALIZED, 0);
	assert_int_equal(walk(r), MD_ERR_NOTABLE);
	assert_non_null(strstr(r->err, "SMEM not initialised"));
	ram_free(r);
}

static void test_bad_ptable(void **state)
{
	struct ram *r = two_regions(&good);
	uint8_t *pt = r->mem + SMEM_SIZE - SMEM_PTABLE_SIZE;

	(void)state;
	put_le32(pt + SMEM_PTABLE_NUM, 0xffffffff);
	assert_int_equal(walk(r), MD_ERR_NOTABLE);
	assert_non_null(strstr(r->err, "claims"));
	put_le32(pt + SMEM_PTABLE_NUM, 1);
	/* Global partition pointing past the window. */
	put_le32(pt + SMEM_PTABLE_ENTRIES + SMEM_PTE_SIZE_F, 0xfffffff0);
	assert_int_equal(walk(r), MD_ERR_NOTABLE);
	assert_non_null(strstr(r->err, "no usable global partition"));
	ram_free(r);
}

static void test_bad_canary(void **state)
{
	struct ram *r = two_regions(&good);

	(void)state;
	/* The first private entry, right after the partition header. */
	put_le16(r->mem + 0x2000 + SMEM_PHDR_LEN, 0x1234);
	assert_int_equal(walk(r), MD_ERR_NOTABLE);
	assert_non_null(strstr(r->err, "canary"));
	ram_free(r);
}

static void test_item_size_lies(void **state)
{
	struct ram *r = two_regions(&good);
	uint8_t *e = r->mem + 0x2000 + SMEM_PHDR_LEN;

	(void)state;
	/*
	 * First item claims to run past the partition: the walk stops there
	 * and says so, not "firmware without minidump" (audit B8).
	 */
	put_le32(e + SMEM_PE_SIZE, 0x7fffffff);
	assert_int_equal(walk(r), MD_ERR_NOTABLE);
	assert_non_null(strstr(r->err, "no item 602 in SMEM before a corrupt entry header at SMEM offset 0x2020"));
	ram_free(r);
}

static void test_smem_outside_image(void **state)
{
	struct ram *r = two_regions(&good);

	(void)state;
	r->nseen = 0;
	assert_int_equal(md_walk(&r->img, RAM_BASE + RAM_SIZE - 0x1000, SMEM_SIZE,
				 NULL, record, r, r->err, sizeof(r->err)),
			 MD_ERR_TRUNC);
	assert_int_equal(md_walk(&r->img, 0x1000, SMEM_SIZE, NULL, record, r,
				 r->err, sizeof(r->err)), MD_ERR_TRUNC);
	ram_free(r);
}

static void test_region_outside_ram(void **state)
{
	struct ram *r = two_regions(&good);

	(void)state;
	set_region(r, TABLE_OFF, 1, "wild", 0, RAM_BASE + RAM_SIZE - 8, 64,
		   MD_REGION_VALID_MAGIC);
	assert_int_equal(walk(r), MD_ERR_BADREGION);
	/* Each one skipped is said on stderr; @err sums them up (C8). */
	assert_non_null(strstr(r->err, "subsystem 0: 1 region outside RAM skipped"));
	/* The others are still reported. */
	assert_int_equal(r->nseen, 2);
	set_region(r, TABLE_OFF, 1, "wrap", 0, UINT64_MAX - 4, 64,
		   MD_REGION_VALID_MAGIC);
	assert_int_equal(walk(r), MD_ERR_BADREGION);
	assert_int_equal(r->nseen, 2);
	ram_free(r);
}

static void test_table_outside_ram(void **state)
{
	struct ram *r = two_regions(&good);

	(void)state;
	put_le64(subsystem(r, 0) + MD_SS_BASEPTR, 0x1000);
	assert_int_equal(walk(r), MD_ERR_BADREGION);
	assert_non_null(strstr(r->err, "outside RAM"));
	/* A count running past the end of RAM stops at RAM's end. */
	enable_ss(r, 0, TABLE_OFF, 0xffffffff);
	assert_int_equal(walk(r), MD_ERR_BADREGION);
	assert_int_equal(r->nseen, 2);
	ram_free(r);
}

static void test_disabled_subsystem(void **state)
{
	struct ram *r = two_regions(&good);

	(void)state;
	/* No enabled subsystem: said, and not a success. */
	put_le32(subsystem(r, 0) + MD_SS_ENCR_STATUS, 0);
	assert_int_equal(walk(r), MD_ERR_NOTABLE);
	assert_non_null(strstr(r->err, "no subsystem table is enabled"));
	assert_int_equal(r->nseen, 0);
	enable_ss(r, 0, TABLE_OFF, 3);
	put_le32(subsystem(r, 0) + MD_SS_ENABLED, 0);
	assert_int_equal(walk(r), MD_ERR_NOTABLE);
	assert_int_equal(r->nseen, 0);
	ram_free(r);
}

static void test_name_sanitised(void **state)
{
	struct ram *r = two_regions(&good);
	uint8_t *e = r->mem + TABLE_OFF;

	(void)state;
	memcpy(e, "a/b\x01" "cdefghijklmnop", 16);	/* no NUL */
	assert_int_equal(walk(r), MD_OK);
	assert_string_equal(r->seen[0].name, "a_b_cdefghijklmn");
	ram_free(r);
}

static int stop_at_first(const struct md_region *reg, void *arg)
{
	(void)reg;
	(void)arg;
	return 42;
}

static void test_callback_stops(void **state)
{
	struct ram *r = two_regions(&good);

	(void)state;
	assert_int_equal(md_walk(&r->img, RAM_BASE, SMEM_SIZE, NULL,
				 stop_at_first, r, r->err, sizeof(r->err)), 42);
	ram_free(r);
}

/* A KELF index at @off describing two loads, the second one not dumped. */
static void put_kelf(struct ram *r, uint64_t off)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)(r->mem + off);
	Elf64_Phdr *ph = (Elf64_Phdr *)(eh + 1);

	memset(eh, 0, sizeof(*eh) + 3 * sizeof(*ph));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_CORE;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(*eh) + 3 * sizeof(*ph);
	ph[1].p_type = PT_LOAD;
	ph[1].p_paddr = RAM_BASE + DATA_OFF;
	ph[1].p_vaddr = 0xffff800000001000ull;
	ph[1].p_filesz = 100;
	ph[2].p_type = PT_LOAD;
	ph[2].p_paddr = RAM_BASE + 0x50000;
	ph[2].p_filesz = 64;
}

static void test_kelf_elf(void **state)
{
	struct ram *r = two_regions(&good);
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(r->mem + DATA_OFF, 0x5a, 100);
	put_kelf(r, 0x40000);
	assert_int_equal(walk(r), MD_OK);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	/* The second load lies in no dumped region: left out. */
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000, 232, r->seen,
				    r->nseen, f, 0, r->err, sizeof(r->err)), MD_OK);
	fclose(f);
	assert_int_equal(len, sizeof(eh) + 2 * sizeof(Elf64_Phdr) + 100);
	memcpy(&eh, buf, sizeof(eh));
	memcpy(ph, buf + sizeof(eh), sizeof(ph));
	assert_int_equal(eh.e_phnum, 2);
	assert_int_equal(ph[1].p_paddr, RAM_BASE + DATA_OFF);
	assert_int_equal(ph[1].p_vaddr, 0xffff800000001000ull);
	assert_int_equal(ph[1].p_offset, sizeof(eh) + 2 * sizeof(Elf64_Phdr));
	assert_int_equal((uint8_t)buf[ph[1].p_offset + 99], 0x5a);
	free(buf);
	ram_free(r);
}

/* An index with extended numbering (e_phnum PN_XNUM, count in sh_info). */
static void test_kelf_xnum(void **state)
{
	struct ram *r = two_regions(&good);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)(r->mem + 0x40000);
	Elf64_Shdr *sh = (Elf64_Shdr *)(r->mem + 0x40000 + 232);
	char *buf = NULL;
	Elf64_Ehdr out;
	size_t len = 0;
	FILE *f;

	(void)state;
	put_kelf(r, 0x40000);
	eh->e_phnum = PN_XNUM;
	eh->e_shoff = 232;
	eh->e_shentsize = sizeof(*sh);
	eh->e_shnum = 1;
	memset(sh, 0, sizeof(*sh));
	sh->sh_info = 3;
	assert_int_equal(walk(r), MD_OK);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000, 232 + sizeof(*sh),
				    r->seen, r->nseen, f, 0, r->err,
				    sizeof(r->err)), MD_OK);
	fclose(f);
	/* The same ELF as without: one load kept, plain numbering. */
	assert_int_equal(len, sizeof(out) + 2 * sizeof(Elf64_Phdr) + 100);
	memcpy(&out, buf, sizeof(out));
	assert_int_equal(out.e_phnum, 2);
	free(buf);
	/* A count the index cannot hold. */
	sh->sh_info = 100000;
	f = fopen("/dev/null", "wb");
	assert_non_null(f);
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000, 232 + sizeof(*sh),
				    NULL, 0, f, 0, r->err, sizeof(r->err)),
			 MD_ERR_BADKELF);
	fclose(f);
	ram_free(r);
}

/* Loads repeating one dumped region: refused, not a huge output. */
static void test_kelf_amplified(void **state)
{
	struct ram *r = two_regions(&good);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)(r->mem + 0x40000);
	Elf64_Phdr *ph = (Elf64_Phdr *)(eh + 1);
	unsigned int i, n = 2000;
	FILE *f = fopen("/dev/null", "wb");
	struct md_region *dup;

	(void)state;
	assert_non_null(f);
	put_kelf(r, 0x40000);
	assert_int_equal(walk(r), MD_OK);	/* the regions dumped */
	eh->e_phnum = n;
	ph[0].p_offset = sizeof(*eh) + n * sizeof(*ph);
	for (i = 1; i < n; i++) {
		memset(&ph[i], 0, sizeof(ph[i]));
		ph[i].p_type = PT_LOAD;
		ph[i].p_paddr = RAM_BASE + DATA_OFF;
		ph[i].p_filesz = 100;
	}
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000,
				    sizeof(*eh) + n * sizeof(*ph), r->seen, r->nseen,
				    f, 0, r->err, sizeof(r->err)), MD_ERR_BADKELF);
	assert_non_null(strstr(r->err, "bytes of loads"));
	/*
	 * The dump index path passes the loads themselves as the regions
	 * dumped: their union, not their sum, bounds the output (N3).
	 */
	dup = calloc(n - 1, sizeof(*dup));
	assert_non_null(dup);
	for (i = 0; i < n - 1; i++) {
		dup[i].addr = RAM_BASE + DATA_OFF;
		dup[i].size = 100;
	}
	r->err[0] = 0;
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000,
				    sizeof(*eh) + n * sizeof(*ph), dup, n - 1,
				    f, 0, r->err, sizeof(r->err)), MD_ERR_BADKELF);
	assert_non_null(strstr(r->err, "asks for 199900 bytes of loads from 100 bytes"));
	free(dup);
	fclose(f);
	ram_free(r);
}

static void test_kelf_corrupt(void **state)
{
	struct ram *r = two_regions(&good);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)(r->mem + 0x40000);
	FILE *f = fopen("/dev/null", "wb");

	(void)state;
	assert_non_null(f);
	put_kelf(r, 0x40000);
	eh->e_phnum = 0xffff;	/* phdrs past the region */
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000, 232, NULL, 0, f,
				    0, r->err, sizeof(r->err)), MD_ERR_BADKELF);
	assert_non_null(strstr(r->err, "corrupt KELF header"));
	put_kelf(r, 0x40000);
	eh->e_ident[0] = 0;
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000, 232, NULL, 0, f,
				    0, r->err, sizeof(r->err)), MD_ERR_BADKELF);
	put_kelf(r, 0x40000);
	((Elf64_Phdr *)(eh + 1))[0].p_filesz = 1u << 30;	/* notes too long */
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000, 232, NULL, 0, f,
				    0, r->err, sizeof(r->err)), MD_ERR_BADKELF);
	assert_non_null(strstr(r->err, "note segment"));
	/* Index larger than RAM. */
	assert_int_equal(kelf_write(&r->img, RAM_BASE + 0x40000, RAM_SIZE, NULL, 0,
				    f, 0, r->err, sizeof(r->err)), MD_ERR_BADREGION);
	assert_non_null(strstr(r->err, "the KELF region at 0x"));
	fclose(f);
	ram_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_cached_and_30_subsystems),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_no_siii),
		cmocka_unit_test(test_no_item),
		cmocka_unit_test(test_uninit),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_smem_not_initialised),
		cmocka_unit_test(test_bad_ptable),
		cmocka_unit_test(test_bad_canary),
		cmocka_unit_test(test_item_size_lies),
		cmocka_unit_test(test_smem_outside_image),
		cmocka_unit_test(test_region_outside_ram),
		cmocka_unit_test(test_table_outside_ram),
		cmocka_unit_test(test_disabled_subsystem),
		cmocka_unit_test(test_name_sanitised),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_kelf_elf),
		cmocka_unit_test(test_kelf_xnum),
		cmocka_unit_test(test_kelf_amplified),
		cmocka_unit_test(test_kelf_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
