// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the simple table provider, against the real core: the
 * table's bytes as firmware reads them.  The table helper's own rules
 * (consistency at every step, room checked first) are the core suite's.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/provider.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "dumpregion_simple.h"

static_assert(sizeof(struct simple_header) == 24);
static_assert(sizeof(struct simple_entry) == 40);

static void *zalloc(struct kunit *test, size_t size)
{
	void *p = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/* A table of @entries entries past those it gets when it starts. */
static struct simple_table *st_start(struct kunit *test, unsigned int entries,
				     unsigned int *base)
{
	struct simple_table *st = zalloc(test, sizeof(*st));
	size_t size = sizeof(struct simple_header) + 4096;
	struct device *dev;
	void *mem;

	/* First as large as can be: how many entries the core hands over. */
	dev = dumpregion_test_start(test, "simple-probe", size, &mem);
	KUNIT_ASSERT_EQ(test, devm_simple_table_start(dev, st, mem, size), 0);
	*base = le32_to_cpu(st->hdr->count);
	kunit_device_unregister(test, dev);

	memset(st, 0, sizeof(*st));
	size = sizeof(struct simple_header) +
	       (*base + entries) * sizeof(struct simple_entry);
	dev = dumpregion_test_start(test, "simple-test", size, &mem);
	KUNIT_ASSERT_EQ(test, devm_simple_table_start(dev, st, mem, size), 0);
	KUNIT_ASSERT_EQ(test, le32_to_cpu(st->hdr->count), *base);
	return st;
}

static void expect_entry(struct kunit *test, struct simple_table *st,
			 unsigned int i, const char *name, void *va, u64 size)
{
	const struct simple_entry *e = &st->entries[i];

	KUNIT_EXPECT_LT(test, i, le32_to_cpu(st->hdr->count));
	KUNIT_EXPECT_STREQ(test, e->name, name);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(e->phys),
			(u64)(is_vmalloc_addr(va) ? page_to_phys(vmalloc_to_page(va)) :
			      virt_to_phys(va)));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(e->size), size);
}

static unsigned int stale(struct simple_table *st)
{
	struct dumpregion_provider_stats s;

	dumpregion_provider_stats(&st->table.prov, &s);
	return s.stale;
}

/* The header as firmware finds it; the KELF index comes first. */
static void simple_test_start(struct kunit *test)
{
	unsigned int base;
	struct simple_table *st = st_start(test, 4, &base);

	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->magic), SIMPLE_MAGIC);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->version), 1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->max_entries), base + 4);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->flags), SIMPLE_F_VALID);
	KUNIT_EXPECT_STREQ(test, st->entries[0].name, DUMPREGION_KELF_NAME);
	KUNIT_EXPECT_GT(test, le64_to_cpu(st->entries[0].size), 64);
}

/* Two pages mapped in reverse order: a region of two runs. */
static void *vmap2(struct kunit *test, struct page **pages)
{
	struct page *map[2];
	void *v;

	*pages = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, *pages);
	map[0] = *pages + 1;
	map[1] = *pages;
	v = vmap(map, 2, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	return v;
}

/*
 * Entries appended, runs named, long names shortened (start, '~', hash),
 * holes refilled from the last entry.
 */
static void simple_test_regions(struct kunit *test)
{
	unsigned int base;
	struct simple_table *st = st_start(test, 4, &base);
	char *buf = zalloc(test, 128);
	struct page *pages;
	void *v = vmap2(test, &pages);
	int a, b, c;

	a = dumpregion_register("alpha", buf, 100);
	b = dumpregion_register("beta", v, 2 * PAGE_SIZE);
	c = dumpregion_register("a_region_name_far_too_long", buf + 100, 8);
	KUNIT_ASSERT_GT(test, a, 0);
	KUNIT_ASSERT_GT(test, b, 0);
	KUNIT_ASSERT_GT(test, c, 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->count), base + 4);
	expect_entry(test, st, base, "alpha", buf, 100);
	expect_entry(test, st, base + 1, "beta#0", v, PAGE_SIZE);
	expect_entry(test, st, base + 2, "beta#1", v + PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, strnlen(st->entries[base + 3].name, 24), 23);
	KUNIT_EXPECT_EQ(test, memcmp(st->entries[base + 3].name,
				     "a_region_name_far_~", 19), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(c), 0);

	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->count), base + 2);
	expect_entry(test, st, base, "beta#1", v + PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(st->entries[base + 2].size), 0);
	KUNIT_EXPECT_EQ(test, st->entries[base + 2].name[0], 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->count), base);
	vunmap(v);
	__free_pages(pages, 1);
}

/* A full table refuses a region whole and changes no byte. */
static void simple_test_full(struct kunit *test)
{
	unsigned int base;
	struct simple_table *st = st_start(test, 1, &base);
	size_t size = sizeof(*st->hdr) + (base + 1) * sizeof(*st->entries);
	char *buf = zalloc(test, 128);
	u8 *saved = zalloc(test, size);
	struct dumpregion_provider_stats s;
	int a, b;

	a = dumpregion_register("one", buf, 64);
	KUNIT_ASSERT_GT(test, a, 0);
	memcpy(saved, st->hdr, size);
	b = dumpregion_register("two", buf + 64, 64);
	KUNIT_ASSERT_GT(test, b, 0);
	/* But for entry 0: the KELF index moves at every registration. */
	KUNIT_EXPECT_MEMEQ(test, saved, st->hdr, sizeof(*st->hdr));
	KUNIT_EXPECT_MEMEQ(test, saved + sizeof(*st->hdr) + sizeof(*st->entries),
			   &st->entries[1], size - sizeof(*st->hdr) - sizeof(*st->entries));
	dumpregion_provider_stats(&st->table.prov, &s);
	KUNIT_EXPECT_EQ(test, s.refused, 1);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->count), base);
}

/*
 * At panic, a move this table has no room for (one run to two) and a
 * move while a stopped CPU holds the provider lock both leave the table
 * as it was, the region stale; with the lock free a move goes through.
 */
static void simple_test_panic(struct kunit *test)
{
	unsigned int base;
	struct simple_table *st = st_start(test, 1, &base);
	size_t size = sizeof(*st->hdr) + (base + 1) * sizeof(*st->entries);
	char *buf = zalloc(test, 3 * PAGE_SIZE);
	u8 *saved = zalloc(test, size);
	struct dumpregion_test_holder *h;
	struct page *pages;
	void *v = vmap2(test, &pages);
	unsigned long flags;
	int id;

	id = dumpregion_register_movable("mv", buf, 2 * PAGE_SIZE);
	KUNIT_ASSERT_GT(test, id, 0);
	memcpy(saved, st->hdr, size);
	dumpregion_test_panic_begin(test);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, v, 2 * PAGE_SIZE), 0);
	local_irq_restore(flags);
	KUNIT_EXPECT_MEMEQ(test, saved, st->hdr, size);
	KUNIT_EXPECT_EQ(test, stale(st), 1);

	h = dumpregion_test_hold(test, &st->table.prov.lock);
	if (h) {
		local_irq_save(flags);
		KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 8, 2 * PAGE_SIZE), 0);
		local_irq_restore(flags);
		KUNIT_EXPECT_MEMEQ(test, saved, st->hdr, size);
		dumpregion_test_release(h);
	}
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 8, 2 * PAGE_SIZE), 0);
	local_irq_restore(flags);
	expect_entry(test, st, base, "mv", buf + 8, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, stale(st), 0);
	dumpregion_test_panic_end(test);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	vunmap(v);
	__free_pages(pages, 1);
}

/* Reboot and kexec: the core withdraws the table; nothing writes it after. */
static void simple_test_withdraw(struct kunit *test)
{
	unsigned int base;
	struct simple_table *st = st_start(test, 2, &base);
	size_t size = sizeof(*st->hdr) + (base + 2) * sizeof(*st->entries);
	char *buf = zalloc(test, 64);
	u8 *saved = zalloc(test, size);
	int id;

	dumpregion_provider_withdraw(&st->table.prov);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->flags), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(st->hdr->count), 0);
	memcpy(saved, st->hdr, size);
	id = dumpregion_register("late", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_MEMEQ(test, saved, st->hdr, size);
}

static struct kunit_case simple_cases[] = {
	KUNIT_CASE(simple_test_start),
	KUNIT_CASE(simple_test_regions),
	KUNIT_CASE(simple_test_full),
	KUNIT_CASE(simple_test_panic),
	KUNIT_CASE(simple_test_withdraw),
	{}
};

static struct kunit_suite simple_suite = {
	.name = "dumpregion_simple",
	.test_cases = simple_cases,
};

kunit_test_suite(simple_suite);

MODULE_DESCRIPTION("KUnit tests of the simple dump region table");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DUMPREGION);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
