// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for ramoops zones as dump regions: for the zone layouts
 * ramoops builds (dmesg records of several sizes, one or per-CPU ftrace
 * zones, absent console or pmsg), the regions a provider receives — name,
 * physical address, size — and their removal.
 */

#include <kunit/test.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/provider.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "ram_internal.h"
#include "ram_dumpregion.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(DUMPREGION);

#define REC_MAX	64

struct rec_region {
	char name[DUMPREGION_NAME_MAX];
	phys_addr_t phys;
	size_t size;
	bool present;
};

/* A provider that keeps the ro_* regions it holds. */
struct rec_prov {
	struct dumpregion_provider prov;
	spinlock_t lock;		/* protects everything below */
	struct rec_region held[REC_MAX];
	unsigned int adds, removes;
};

static struct rec_prov *to_rec(struct dumpregion_provider *prov)
{
	return container_of(prov, struct rec_prov, prov);
}

static int rec_add(struct dumpregion_provider *prov,
		   const struct dumpregion_layout *r, void **cookie)
{
	struct rec_prov *rp = to_rec(prov);
	unsigned int i;

	if (strncmp(r->name, "ro_", 3))
		return 0;
	spin_lock(&rp->lock);
	rp->adds++;
	for (i = 0; i < REC_MAX; i++) {
		if (rp->held[i].present)
			continue;
		strscpy(rp->held[i].name, r->name);
		rp->held[i].phys = r->nr_runs ? r->runs[0].phys : 0;
		rp->held[i].size = r->size;
		rp->held[i].present = true;
		break;
	}
	spin_unlock(&rp->lock);
	return i < REC_MAX ? 0 : -ENOSPC;
}

static void rec_remove(struct dumpregion_provider *prov,
		       const struct dumpregion_layout *r, void *cookie)
{
	struct rec_prov *rp = to_rec(prov);
	unsigned int i;

	if (strncmp(r->name, "ro_", 3))
		return;
	spin_lock(&rp->lock);
	rp->removes++;
	for (i = 0; i < REC_MAX; i++)
		if (rp->held[i].present && !strcmp(rp->held[i].name, r->name))
			rp->held[i].present = false;
	spin_unlock(&rp->lock);
}

static const struct dumpregion_provider_ops rec_ops = {
	.add = rec_add,
	.remove = rec_remove,
};

static void rec_release(void *data)
{
	ramoops_dumpregion_remove();
	dumpregion_provider_unregister(data);
}

static struct rec_prov *rec_start(struct kunit *test)
{
	struct rec_prov *rp = kunit_kzalloc(test, sizeof(*rp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rp);
	spin_lock_init(&rp->lock);
	rp->prov.name = "ramoops-test";
	rp->prov.ops = &rec_ops;
	KUNIT_ASSERT_EQ(test, dumpregion_provider_register(&rp->prov), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rec_release,
							&rp->prov), 0);
	return rp;
}

static const struct rec_region *rec_find(struct rec_prov *rp, const char *name)
{
	unsigned int i;

	for (i = 0; i < REC_MAX; i++)
		if (rp->held[i].present && !strcmp(rp->held[i].name, name))
			return &rp->held[i];
	return NULL;
}

static unsigned int rec_count(struct rec_prov *rp)
{
	unsigned int i, n = 0;

	for (i = 0; i < REC_MAX; i++)
		n += rp->held[i].present;
	return n;
}

/*
 * A ramoops layout in real memory: @n zones of @zone_sz bytes each, laid
 * out back to back in one allocation, as ramoops lays out its area.
 */
static struct persistent_ram_zone **zones(struct kunit *test, unsigned int n,
					  size_t zone_sz)
{
	struct persistent_ram_zone **przs;
	phys_addr_t base;
	unsigned int i;
	void *mem;

	przs = kunit_kcalloc(test, n, sizeof(*przs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, przs);
	mem = kunit_kzalloc(test, n * zone_sz, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	base = virt_to_phys(mem);
	for (i = 0; i < n; i++) {
		przs[i] = kunit_kzalloc(test, sizeof(*przs[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, przs[i]);
		przs[i]->paddr = base + i * zone_sz;
		przs[i]->size = zone_sz;
	}
	return przs;
}

struct layout_case {
	const char *desc;
	unsigned int dmesg;		/* records */
	size_t record_size;
	bool console, pmsg;
	unsigned int ftrace;		/* zones; 0 for none */
};

static const struct layout_case layout_cases[] = {
	{ "4 records of 4 KiB, console, pmsg, one ftrace zone", 4, 4096,
	  true, true, 1 },
	{ "one 16 KiB record, console only", 1, 16384, true, false, 0 },
	{ "no records (record-size 0), pmsg only", 0, 0, false, true, 0 },
	/* ramoops makes one ftrace zone per possible CPU; 4 stand for them. */
	{ "8 records of 2 KiB, per-CPU ftrace", 8, 2048, false, false, 4 },
};

static void layout_desc(const struct layout_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_desc);

static void ro_test_layout(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	struct rec_prov *rp = rec_start(test);
	struct persistent_ram_zone **d = NULL, **f = NULL, **con, **pm;
	const struct rec_region *r;
	char name[DUMPREGION_NAME_MAX];
	unsigned int i, expect;

	if (c->dmesg)
		d = zones(test, c->dmesg, c->record_size);
	con = zones(test, 1, 8192);
	pm = zones(test, 1, 4096);
	if (c->ftrace)
		f = zones(test, c->ftrace, 2048);
	if (!c->console)
		con[0] = NULL;		/* console-size 0: no zone */
	if (!c->pmsg)
		pm[0] = NULL;

	/* The calls ramoops makes, in its order. */
	ramoops_dumpregion_add("dmesg", d, c->dmesg, true);
	ramoops_dumpregion_add("console", con, 1, false);
	ramoops_dumpregion_add("pmsg", pm, 1, false);
	ramoops_dumpregion_add("ftrace", f, c->ftrace, true);

	expect = c->dmesg + c->console + c->pmsg + c->ftrace;
	KUNIT_EXPECT_EQ(test, rec_count(rp), expect);
	for (i = 0; i < c->dmesg; i++) {
		snprintf(name, sizeof(name), "ro_dmesg.%u", i);
		r = rec_find(rp, name);
		KUNIT_ASSERT_NOT_NULL_MSG(test, r, "%s", name);
		KUNIT_EXPECT_EQ(test, r->phys, d[i]->paddr);
		KUNIT_EXPECT_EQ(test, r->size, c->record_size);
	}
	for (i = 0; i < c->ftrace; i++) {
		snprintf(name, sizeof(name), "ro_ftrace.%u", i);
		r = rec_find(rp, name);
		KUNIT_ASSERT_NOT_NULL_MSG(test, r, "%s", name);
		KUNIT_EXPECT_EQ(test, r->phys, f[i]->paddr);
	}
	r = rec_find(rp, "ro_console");
	KUNIT_EXPECT_EQ(test, !!r, c->console);
	if (r)
		KUNIT_EXPECT_EQ(test, r->phys, con[0]->paddr);
	r = rec_find(rp, "ro_pmsg");
	KUNIT_EXPECT_EQ(test, !!r, c->pmsg);
	if (r)
		KUNIT_EXPECT_EQ(test, r->size, 4096);

	/* ramoops going away takes every zone out, once. */
	ramoops_dumpregion_remove();
	KUNIT_EXPECT_EQ(test, rec_count(rp), 0);
	KUNIT_EXPECT_EQ(test, rp->removes, expect);
	ramoops_dumpregion_remove();
	KUNIT_EXPECT_EQ(test, rp->removes, expect);
}

/* A zone the core refuses is skipped; the others still reach dumps. */
static void ro_test_bad_zone(struct kunit *test)
{
	struct rec_prov *rp = rec_start(test);
	struct persistent_ram_zone **d = zones(test, 3, 4096);

	d[1]->size = 0;			/* the core refuses an empty region */
	ramoops_dumpregion_add("dmesg", d, 3, true);
	KUNIT_EXPECT_EQ(test, rec_count(rp), 2);
	KUNIT_EXPECT_NOT_NULL(test, rec_find(rp, "ro_dmesg.0"));
	KUNIT_EXPECT_NULL(test, rec_find(rp, "ro_dmesg.1"));
	KUNIT_EXPECT_NOT_NULL(test, rec_find(rp, "ro_dmesg.2"));
}

/* Zones registered before the provider probes are replayed to it. */
static void ro_test_provider_late(struct kunit *test)
{
	struct persistent_ram_zone **con = zones(test, 1, 8192);
	struct rec_prov *rp;

	ramoops_dumpregion_add("console", con, 1, false);
	rp = rec_start(test);
	KUNIT_EXPECT_EQ(test, rec_count(rp), 1);
	KUNIT_EXPECT_NOT_NULL(test, rec_find(rp, "ro_console"));
}

static struct kunit_case ramoops_dumpregion_cases[] = {
	KUNIT_CASE_PARAM(ro_test_layout, layout_gen_params),
	KUNIT_CASE(ro_test_bad_zone),
	KUNIT_CASE(ro_test_provider_late),
	{}
};

static struct kunit_suite ramoops_dumpregion_suite = {
	.name = "ramoops_dumpregion",
	.test_cases = ramoops_dumpregion_cases,
};

kunit_test_suite(ramoops_dumpregion_suite);

MODULE_DESCRIPTION("KUnit tests for ramoops zones as dump regions");
MODULE_LICENSE("GPL");
