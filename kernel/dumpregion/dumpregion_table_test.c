// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the core's table helper (table.c), on a table format of
 * its own that watches every callback as firmware would: at each step,
 * every entry below the count must be complete, and no run may be listed
 * under two names.  Providers built on the helper need not prove this.
 */

#include <kunit/test.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/provider.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* As many entries as Qualcomm's APSS table: more than the boot regions. */
#define FTAB_MAX	201

struct ft_entry {
	char name[16];
	u64 phys, size;
	bool hidden;		/* being rewritten: firmware must skip it */
};

struct ftab {
	struct dumpregion_table t;
	struct ft_entry e[FTAB_MAX];
	unsigned int count;	/* as published by set_count */
	unsigned int steps, violations;
	const char *bad_name;	/* the name op refuses this run name */
};

static struct ftab *to_ft(struct dumpregion_table *t)
{
	return container_of(t, struct ftab, t);
}

/* What firmware would find now, with @n entries published. */
static void ft_observe(struct ftab *ft, unsigned int n)
{
	unsigned int i, j;

	ft->steps++;
	for (i = 0; i < n; i++) {
		const struct ft_entry *e = &ft->e[i];

		if (e->hidden)
			continue;
		if (!e->name[0] || !e->size)
			ft->violations++;
		for (j = 0; j < i; j++)
			if (!ft->e[j].hidden && !strcmp(e->name, ft->e[j].name) &&
			    (e->phys != ft->e[j].phys || e->size != ft->e[j].size))
				ft->violations++;
	}
}

static void ft_write(struct dumpregion_table *t, unsigned int i,
		     const struct dumpregion_table_entry *de)
{
	struct ftab *ft = to_ft(t);
	struct ft_entry *e = &ft->e[i];

	if (i >= t->capacity)
		ft->violations++;
	e->hidden = true;
	ft_observe(ft, ft->count);
	strscpy(e->name, de->name);
	e->phys = de->phys;
	e->size = de->size;
	e->hidden = false;
	ft_observe(ft, ft->count);
}

static void ft_clear(struct dumpregion_table *t, unsigned int i)
{
	struct ftab *ft = to_ft(t);

	if (i < ft->count)
		ft->violations++;	/* cleared while firmware reads it */
	memset(&ft->e[i], 0, sizeof(ft->e[i]));
}

static void ft_set_count(struct dumpregion_table *t, unsigned int count)
{
	struct ftab *ft = to_ft(t);

	ft_observe(ft, count);
	ft->count = count;
}

static int ft_name(struct dumpregion_table *t, const char *run_name, char *buf)
{
	struct ftab *ft = to_ft(t);

	if (ft->bad_name && !strcmp(run_name, ft->bad_name))
		return -EILSEQ;
	return dumpregion_fit_name(run_name, buf, t->name_len);
}

static const struct dumpregion_table_ops ft_ops = {
	.write = ft_write,
	.clear = ft_clear,
	.set_count = ft_set_count,
	.name = ft_name,
};

static void ft_release(void *t)
{
	dumpregion_table_unregister(t);
}

/* A table with room for @room entries past those the core hands over. */
static struct ftab *ft_start(struct kunit *test, unsigned int room)
{
	struct ftab *ft = kunit_kzalloc(test, sizeof(*ft), GFP_KERNEL);
	unsigned int base;

	KUNIT_ASSERT_NOT_NULL(test, ft);
	ft->t.prov.name = "ftab";
	ft->t.ops = &ft_ops;
	ft->t.capacity = FTAB_MAX;
	ft->t.name_len = 12;
	KUNIT_ASSERT_EQ(test, dumpregion_table_register(&ft->t), 0);
	base = ft->count;
	dumpregion_table_unregister(&ft->t);
	KUNIT_ASSERT_LE(test, base + room, FTAB_MAX);

	memset(ft, 0, sizeof(*ft));
	ft->t.prov.name = "ftab";
	ft->t.ops = &ft_ops;
	ft->t.capacity = base + room;
	ft->t.name_len = 12;
	KUNIT_ASSERT_EQ(test, dumpregion_table_register(&ft->t), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ft_release,
							&ft->t), 0);
	return ft;
}

static void *vmap_rev(struct kunit *test, struct page **pages, unsigned int n)
{
	struct page *map[4];
	unsigned int i;
	void *v;

	*pages = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, *pages);
	for (i = 0; i < n; i++)
		map[i] = *pages + n - 1 - i;
	v = vmap(map, n, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	return v;
}

/*
 * Registrations, moves between one and three runs, removals and refusals
 * in a table too small for all: at every callback the table is whole.
 */
static void dr_table_test_consistency(struct kunit *test)
{
	struct ftab *ft = ft_start(test, 6);
	unsigned int base = ft->count, k, i;
	char *buf = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	struct page *pages;
	void *v = vmap_rev(test, &pages, 3);
	int ids[5] = {};

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (k = 0; k < 150; k++) {
		char name[16];

		i = (k * 7) % ARRAY_SIZE(ids);
		if (ids[i] > 0 && k % 4 == 0) {
			KUNIT_EXPECT_EQ(test, dumpregion_unregister(ids[i]), 0);
			ids[i] = 0;
		} else if (ids[i] > 0) {
			/* Between one run and three, or a plain move. */
			if (k % 3 == 1)
				dumpregion_update(ids[i], v, 3 * PAGE_SIZE);
			else
				dumpregion_update(ids[i], buf + 8 * (k % 64), 8);
		} else {
			snprintf(name, sizeof(name), "ftc_%u", i);
			ids[i] = dumpregion_register_movable(name, buf + 8 * i,
							     3 * PAGE_SIZE);
			KUNIT_EXPECT_GT(test, ids[i], 0);
		}
		KUNIT_EXPECT_LE(test, ft->count, ft->t.capacity);
	}
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (ids[i] > 0)
			KUNIT_EXPECT_EQ(test, dumpregion_unregister(ids[i]), 0);
	KUNIT_EXPECT_EQ(test, ft->count, base);
	KUNIT_EXPECT_GT(test, ft->steps, 300);
	KUNIT_EXPECT_EQ(test, ft->violations, 0);
	vunmap(v);
	__free_pages(pages, 2);
}

/*
 * A move whose names cannot all be made, or that needs more entries than
 * are free, changes nothing at panic (the region is stale) and removes the
 * region outside one (the refusal is the provider's, logged once).
 */
static void dr_table_test_checked_first(struct kunit *test)
{
	struct ftab *ft = ft_start(test, 1);
	char *buf = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	struct ft_entry *saved = kunit_kcalloc(test, FTAB_MAX, sizeof(*saved),
					       GFP_KERNEL);
	struct dumpregion_provider_stats st;
	struct page *pages;
	void *v = vmap_rev(test, &pages, 2);
	unsigned long flags;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, saved);
	id = dumpregion_register_movable("ftk", buf, 2 * PAGE_SIZE);
	KUNIT_ASSERT_GT(test, id, 0);
	memcpy(saved, ft->e, sizeof(ft->e));
	dumpregion_test_panic_begin(test);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, v, 2 * PAGE_SIZE), 0);
	local_irq_restore(flags);
	KUNIT_EXPECT_MEMEQ(test, saved, ft->e, sizeof(ft->e));
	ft->bad_name = "ftk";
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 8, 2 * PAGE_SIZE), 0);
	local_irq_restore(flags);
	KUNIT_EXPECT_MEMEQ(test, saved, ft->e, sizeof(ft->e));
	dumpregion_provider_stats(&ft->t.prov, &st);
	KUNIT_EXPECT_EQ(test, st.stale, 1);
	dumpregion_test_panic_end(test);

	KUNIT_EXPECT_EQ(test, dumpregion_update(id, buf + 16, 2 * PAGE_SIZE), 0);
	dumpregion_provider_stats(&ft->t.prov, &st);
	KUNIT_EXPECT_EQ(test, st.refused, 1);
	KUNIT_EXPECT_EQ(test, st.stale, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_EQ(test, ft->violations, 0);
	vunmap(v);
	__free_pages(pages, 2);
}

/* Tables the helper cannot keep are refused at registration. */
static void dr_table_test_bad(struct kunit *test)
{
	static const struct dumpregion_table_ops no_write = {
		.set_count = ft_set_count,
	};
	struct ftab *ft = kunit_kzalloc(test, sizeof(*ft), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ft);
	ft->t.prov.name = "ftbad";
	ft->t.ops = &ft_ops;
	ft->t.name_len = 12;
	KUNIT_EXPECT_EQ(test, dumpregion_table_register(&ft->t), -EINVAL);
	ft->t.capacity = 65537;
	KUNIT_EXPECT_EQ(test, dumpregion_table_register(&ft->t), -EINVAL);
	ft->t.capacity = 4;
	ft->t.name_len = 6;
	KUNIT_EXPECT_EQ(test, dumpregion_table_register(&ft->t), -EINVAL);
	ft->t.name_len = 12;
	ft->t.ops = &no_write;
	KUNIT_EXPECT_EQ(test, dumpregion_table_register(&ft->t), -EINVAL);
}

/* The shared name rule: as is when it fits, else start, '~', hash. */
static void dr_table_test_fit_name(struct kunit *test)
{
	char a[12], b[12];

	KUNIT_EXPECT_EQ(test, dumpregion_fit_name("short", a, sizeof(a)), 0);
	KUNIT_EXPECT_STREQ(test, a, "short");
	KUNIT_EXPECT_EQ(test, dumpregion_fit_name("exactly_11c", a, sizeof(a)), 0);
	KUNIT_EXPECT_STREQ(test, a, "exactly_11c");
	KUNIT_EXPECT_EQ(test, dumpregion_fit_name("much_longer_name", a, sizeof(a)), 0);
	KUNIT_EXPECT_EQ(test, strlen(a), 11);
	KUNIT_EXPECT_EQ(test, strncmp(a, "much_l~", 7), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_fit_name("much_longer_other", b, sizeof(b)), 0);
	KUNIT_EXPECT_STRNEQ(test, a, b);
	KUNIT_EXPECT_EQ(test, dumpregion_fit_name("x", a, 6), -EINVAL);
}

static struct kunit_case dr_table_cases[] = {
	KUNIT_CASE(dr_table_test_consistency),
	KUNIT_CASE(dr_table_test_checked_first),
	KUNIT_CASE(dr_table_test_bad),
	KUNIT_CASE(dr_table_test_fit_name),
	{}
};

static struct kunit_suite dr_table_suite = {
	.name = "dumpregion_table",
	.test_cases = dr_table_cases,
};

kunit_test_suite(dr_table_suite);
