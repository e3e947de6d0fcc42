// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump regions: debugfs, what is registered and what each provider made
 * of it, for people (the tests read it too).  Physical addresses only: no
 * kernel virtual layout leaves here.
 */

#include <linux/cleanup.h>
#include <linux/debugfs.h>
#include <linux/dumpregion.h>
#include <linux/init.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "internal.h"

static const char * const dr_kind_names[] = {
	[DUMPREGION_LINEAR]	= "linear",
	[DUMPREGION_IMAGE]	= "image",
	[DUMPREGION_VMALLOC]	= "vmalloc",
	[DUMPREGION_PHYS]	= "phys",
};

static void dr_show_region(struct seq_file *s, struct dumpregion *r)
{
	const struct dr_layout *l;
	struct dr_link *link;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&r->lock, flags);
	l = dr_cur(r);
	seq_printf(s, "%d %s %s size=%zu runs=%u\n", r->id, r->name,
		   dr_kind_names[l->kind], l->size, l->nr_runs);
	/* Physical addresses only: no kernel virtual layout leaves here. */
	for (i = 0; i < l->nr_runs; i++)
		seq_printf(s, "  run %u: pa=%pa size=%zu\n", i,
			   &l->runs[i].phys, l->runs[i].size);
	list_for_each_entry(link, &r->links, node) {
		if (link->status)
			seq_printf(s, "  %s: refused %d\n", link->prov->name,
				   link->status);
		else if (link->stale)
			seq_printf(s, "  %s: stale %d\n", link->prov->name,
				   link->stale);
		else
			seq_printf(s, "  %s: ok\n", link->prov->name);
	}
	spin_unlock_irqrestore(&r->lock, flags);
}

VISIBLE_IF_KUNIT int dumpregion_regions_show(struct seq_file *s, void *unused)
{
	struct dumpregion *r;

	guard(mutex)(&dumpregion_mutex);
	list_for_each_entry(r, &dumpregion_list, node)
		dr_show_region(s, r);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_regions_show);
DEFINE_SHOW_ATTRIBUTE(dumpregion_regions);

/* How much a dump holds: regions, runs and bytes, the KELF index included. */
VISIBLE_IF_KUNIT int dumpregion_total_show(struct seq_file *s, void *unused)
{
	unsigned int nr = 0, runs = 0;
	const struct dr_layout *l;
	struct dumpregion *r;
	unsigned long flags;
	u64 bytes = 0;

	guard(mutex)(&dumpregion_mutex);
	list_for_each_entry(r, &dumpregion_list, node) {
		spin_lock_irqsave(&r->lock, flags);
		l = dr_cur(r);
		nr++;
		runs += l->nr_runs;
		bytes += l->size;
		spin_unlock_irqrestore(&r->lock, flags);
	}
	seq_printf(s, "regions=%u runs=%u bytes=%llu\n", nr, runs, bytes);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_total_show);
DEFINE_SHOW_ATTRIBUTE(dumpregion_total);

VISIBLE_IF_KUNIT int dumpregion_providers_show(struct seq_file *s,
					       void *unused)
{
	struct dumpregion_provider_stats st;
	struct dumpregion_provider *prov;

	guard(mutex)(&dumpregion_mutex);
	list_for_each_entry(prov, &dumpregion_providers, list) {
		dumpregion_provider_stats(prov, &st);
		seq_printf(s, "%s accepted=%u refused=%u stale=%u%s\n",
			   prov->name, st.accepted, st.refused, st.stale,
			   st.withdrawn ? " withdrawn" : "");
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_providers_show);
DEFINE_SHOW_ATTRIBUTE(dumpregion_providers);

static int __init dr_debugfs_init(void)
{
	struct dentry *dir;

	dir = debugfs_create_dir("dumpregion", NULL);
	debugfs_create_file("regions", 0400, dir, NULL,
			    &dumpregion_regions_fops);
	debugfs_create_file("providers", 0400, dir, NULL,
			    &dumpregion_providers_fops);
	debugfs_create_file("total", 0400, dir, NULL, &dumpregion_total_fops);
	return 0;
}
subsys_initcall(dr_debugfs_init);
