// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump regions: the table helper, a provider for the common firmware shape
 * "an array of entries plus a count", each entry one physically contiguous
 * run with a name.
 *
 * The format gives three callbacks (write entry i, set the count, and
 * optionally clear entry i); the helper keeps which run of which region
 * each entry holds and every entry's name, and firmware reading the table
 * at any instant finds every entry below the count complete:
 *  - new entries are written past the count, then the count covers them;
 *  - a removed entry is refilled from the last one (the same run is then
 *    briefly listed twice), then the count shrinks;
 *  - a move rewrites a region's entries in place (the format hides each
 *    while it changes), then drops the runs it lost and appends new ones;
 *  - room and names are checked before anything is written, so an op that
 *    fails, at panic too, leaves the table as it was.
 * Each region's cookie is its record of entries, sized for the region's
 * most runs at add: moves allocate nothing, and nothing is looked up by id.
 * The provider lock (provider.c) serialises the callbacks.
 */

#include <linux/device.h>
#include <linux/dumpregion.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "internal.h"

#define DR_TABLE_MAX		65536
#define DR_TABLE_NAME_MAX	64

/**
 * struct dr_table_region - the entries one region holds
 * @nr: runs in the table
 * @max: room in @idx, the region's most runs
 * @idx: the entry of each run
 */
struct dr_table_region {
	unsigned int nr;
	unsigned int max;
	unsigned int idx[] __counted_by(max);
};

/**
 * struct dumpregion_table_slot - what one entry holds
 * @tr: the region
 * @run: which of its runs
 * @phys: the run's address
 * @size: its size
 */
struct dumpregion_table_slot {
	struct dr_table_region *tr;
	unsigned int run;
	phys_addr_t phys;
	u64 size;
};

static struct dumpregion_table *to_table(struct dumpregion_provider *prov)
{
	return container_of(prov, struct dumpregion_table, prov);
}

static char *dr_tname(struct dumpregion_table *t, unsigned int i)
{
	return t->names + i * t->name_len;
}

static void dr_twrite(struct dumpregion_table *t, unsigned int i)
{
	struct dumpregion_table_entry e = {
		.name = dr_tname(t, i),
		.phys = t->slots[i].phys,
		.size = t->slots[i].size,
	};

	t->ops->write(t, i, &e);
}

static int dr_trun_name(struct dumpregion_table *t,
			const struct dumpregion_layout *l, unsigned int run,
			char *buf)
{
	char full[DUMPREGION_RUN_NAME_MAX];
	int ret;

	ret = dumpregion_run_name(l, run, full, sizeof(full));
	if (ret)
		return ret;
	if (t->ops->name)
		return t->ops->name(t, full, buf);
	return dumpregion_fit_name(full, buf, t->name_len);
}

/* Whether every run of @l gets a name: checked before anything changes. */
static int dr_tcheck_names(struct dumpregion_table *t,
			   const struct dumpregion_layout *l)
{
	char buf[DR_TABLE_NAME_MAX];
	unsigned int run;
	int ret;

	for (run = 0; run < l->nr_runs; run++) {
		ret = dr_trun_name(t, l, run, buf);
		if (ret)
			return ret;
	}
	return 0;
}

/* Entry @i gets run @run of @l, of region @tr; names checked before. */
static void dr_tset(struct dumpregion_table *t, unsigned int i,
		    struct dr_table_region *tr,
		    const struct dumpregion_layout *l, unsigned int run)
{
	struct dumpregion_table_slot *s = &t->slots[i];

	s->tr = tr;
	s->run = run;
	s->phys = l->runs[run].phys;
	s->size = l->runs[run].size;
	dr_trun_name(t, l, run, dr_tname(t, i));
	tr->idx[run] = i;
	dr_twrite(t, i);
}

/* Append runs @from.. of @l past the count, then count them in. */
static void dr_tappend(struct dumpregion_table *t, struct dr_table_region *tr,
		       const struct dumpregion_layout *l, unsigned int from)
{
	unsigned int run;

	for (run = from; run < l->nr_runs; run++)
		dr_tset(t, t->count + run - from, tr, l, run);
	t->count += l->nr_runs - from;
	tr->nr = l->nr_runs;
	t->ops->set_count(t, t->count);
}

/* Take entry @i out, refilling it from the last entry. */
static void dr_tremove_at(struct dumpregion_table *t, unsigned int i)
{
	unsigned int last = t->count - 1;
	struct dumpregion_table_slot *s = &t->slots[i];

	if (i != last) {
		*s = t->slots[last];
		memcpy(dr_tname(t, i), dr_tname(t, last), t->name_len);
		s->tr->idx[s->run] = i;
		dr_twrite(t, i);
	}
	t->count = last;
	t->ops->set_count(t, last);
	if (t->ops->clear)
		t->ops->clear(t, last);
}

/* Drop the runs of @tr from the @nr-th on. */
static void dr_tshrink(struct dumpregion_table *t, struct dr_table_region *tr,
		       unsigned int nr)
{
	while (tr->nr > nr)
		dr_tremove_at(t, tr->idx[--tr->nr]);
}

static int dr_table_add(struct dumpregion_provider *prov,
			const struct dumpregion_layout *l, void **cookie)
{
	struct dumpregion_table *t = to_table(prov);
	struct dr_table_region *tr;
	int ret;

	if (l->nr_runs > t->capacity - t->count)
		return -ENOSPC;
	ret = dr_tcheck_names(t, l);
	if (ret)
		return ret;
	tr = kzalloc(struct_size(tr, idx, l->max_runs), GFP_ATOMIC);
	if (!tr)
		return -ENOMEM;
	tr->max = l->max_runs;
	dr_tappend(t, tr, l, 0);
	*cookie = tr;
	return 0;
}

static void dr_table_remove(struct dumpregion_provider *prov,
			    const struct dumpregion_layout *l, void *cookie)
{
	struct dr_table_region *tr = cookie;

	dr_tshrink(to_table(prov), tr, 0);
	kfree(tr);
}

static int dr_table_update(struct dumpregion_provider *prov,
			   const struct dumpregion_layout *l, void **cookie)
{
	struct dumpregion_table *t = to_table(prov);
	struct dr_table_region *tr = *cookie;
	unsigned int run, have = tr->nr;
	int ret;

	if (l->nr_runs > tr->max)
		return -EINVAL;
	if (l->nr_runs > have && l->nr_runs - have > t->capacity - t->count)
		return -ENOSPC;
	ret = dr_tcheck_names(t, l);
	if (ret)
		return ret;
	for (run = 0; run < min(have, l->nr_runs); run++)
		dr_tset(t, tr->idx[run], tr, l, run);
	dr_tshrink(t, tr, l->nr_runs);
	if (l->nr_runs > have)
		dr_tappend(t, tr, l, have);
	return 0;
}

static void dr_table_finalise(struct dumpregion_provider *prov)
{
	struct dumpregion_table *t = to_table(prov);

	if (t->ops->finalise)
		t->ops->finalise(t);
}

/* No op runs any more: empty the table (if it was not), forget its regions. */
static void dr_table_withdraw(struct dumpregion_provider *prov)
{
	struct dumpregion_table *t = to_table(prov);
	unsigned int i, n = t->count;

	t->count = 0;
	if (n)
		t->ops->set_count(t, 0);
	for (i = 0; i < n; i++)
		if (!t->slots[i].run)
			kfree(t->slots[i].tr);
	if (t->ops->withdraw)
		t->ops->withdraw(t);
}

static const struct dumpregion_provider_ops dr_table_provider_ops = {
	.flags = DUMPREGION_PANIC_UPDATE,
	.add = dr_table_add,
	.remove = dr_table_remove,
	.update = dr_table_update,
	.finalise = dr_table_finalise,
	.withdraw = dr_table_withdraw,
};

/**
 * dumpregion_table_register() - start publishing regions in a firmware table
 * @t: the table, with @t->prov.name, @t->ops, @t->capacity and
 *	@t->name_len set, its firmware table empty
 *
 * As dumpregion_provider_register(): every region already registered is
 * offered, the KELF index first, before this returns.  The table's count is
 * first set when the first region is added.
 *
 * Context: may sleep.
 * Return: 0; -EINVAL for missing callbacks, a capacity of 0 or above
 * 65536, a name length outside 7..64; -ENOMEM; as
 * dumpregion_provider_register().
 */
int dumpregion_table_register(struct dumpregion_table *t)
{
	int ret;

	if (!t->ops || !t->ops->write || !t->ops->set_count ||
	    !t->capacity || t->capacity > DR_TABLE_MAX ||
	    t->name_len < 7 || t->name_len > DR_TABLE_NAME_MAX)
		return -EINVAL;
	t->slots = kcalloc(t->capacity, sizeof(*t->slots), GFP_KERNEL);
	t->names = kcalloc(t->capacity, t->name_len, GFP_KERNEL);
	if (!t->slots || !t->names) {
		ret = -ENOMEM;
		goto err_free;
	}
	t->count = 0;
	t->prov.ops = &dr_table_provider_ops;
	ret = dumpregion_provider_register(&t->prov);
	if (ret)
		goto err_free;
	return 0;

err_free:
	kfree(t->names);
	kfree(t->slots);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(dumpregion_table_register, DUMPREGION);

/**
 * dumpregion_table_unregister() - stop publishing regions in a table
 * @t: a table registered with dumpregion_table_register()
 *
 * Removes every region, withdraws the table (the count goes to 0, then
 * @t->ops->withdraw) and frees what the core kept for it.
 *
 * Context: may sleep.
 */
void dumpregion_table_unregister(struct dumpregion_table *t)
{
	dumpregion_provider_unregister(&t->prov);
	kfree(t->names);
	kfree(t->slots);
}
EXPORT_SYMBOL_NS_GPL(dumpregion_table_unregister, DUMPREGION);

static void dr_devm_table_release(void *t)
{
	dumpregion_table_unregister(t);
}

/**
 * devm_dumpregion_table_register() - device-managed table registration
 * @dev: device whose unbinding unregisters the table
 * @t: as for dumpregion_table_register()
 *
 * Context: may sleep.
 * Return: as for dumpregion_table_register().
 */
int devm_dumpregion_table_register(struct device *dev,
				   struct dumpregion_table *t)
{
	int ret;

	ret = dumpregion_table_register(t);
	if (ret)
		return ret;
	return devm_add_action_or_reset(dev, dr_devm_table_release, t);
}
EXPORT_SYMBOL_NS_GPL(devm_dumpregion_table_register, DUMPREGION);
