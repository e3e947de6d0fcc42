// SPDX-License-Identifier: GPL-2.0-only
/*
 * ramoops zones as dump regions.
 *
 * ramoops keeps the console, oops/panic records, ftrace and pmsg in RAM
 * zones that survive a reboot only where DRAM keeps its content across
 * reset.  Registering each zone with the dump region core lets crash-dump
 * firmware copy it out at crash time on any board; pstore stays the
 * writer, and its layout and behaviour are unchanged.
 *
 * Each zone is registered by physical address and size, header included,
 * so a host tool can decode it as ramoops would: "ro_dmesg.<i>",
 * "ro_console", "ro_ftrace.<i>" and "ro_pmsg" ("ro" for ramoops: the
 * names fit the 11 characters of the Qualcomm minidump name field).
 */

#define pr_fmt(fmt) "ramoops: " fmt

#include <linux/dumpregion.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "ram_internal.h"
#include "ram_dumpregion.h"

static DEFINE_MUTEX(ramoops_dr_lock);
static int *ramoops_dr_ids;
static unsigned int ramoops_dr_nr;

/**
 * ramoops_dumpregion_add() - register ramoops zones as dump regions
 * @kind: zone kind as pstore names it ("dmesg", "console", "ftrace", "pmsg")
 * @przs: the zones; NULL entries (absent zones) are skipped
 * @count: entries in @przs
 * @indexed: name each zone "ro_<kind>.<i>" rather than "ro_<kind>"
 *
 * Called by ramoops once its zones are set up.  A zone that cannot be
 * registered is reported and skipped: ramoops works as before, the zone is
 * just not in dumps.
 *
 * Context: process context, may sleep.
 */
void ramoops_dumpregion_add(const char *kind, struct persistent_ram_zone **przs,
			    unsigned int count, bool indexed)
{
	char name[DUMPREGION_NAME_MAX];
	unsigned int i;
	int *ids, id;

	guard(mutex)(&ramoops_dr_lock);
	for (i = 0; i < count; i++) {
		if (!przs[i])
			continue;
		if (indexed)
			snprintf(name, sizeof(name), "ro_%s.%u", kind, i);
		else
			snprintf(name, sizeof(name), "ro_%s", kind);
		ids = krealloc_array(ramoops_dr_ids, ramoops_dr_nr + 1,
				     sizeof(*ids), GFP_KERNEL);
		if (!ids) {
			pr_warn("%s not in dumps: out of memory\n", name);
			continue;
		}
		ramoops_dr_ids = ids;
		id = dumpregion_register_phys(name, przs[i]->paddr,
					      przs[i]->size);
		if (id < 0) {
			pr_warn("%s (%zu bytes at %pa) not in dumps: %d\n", name,
				przs[i]->size, &przs[i]->paddr, id);
			continue;
		}
		ramoops_dr_ids[ramoops_dr_nr++] = id;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_dumpregion_add);

/**
 * ramoops_dumpregion_remove() - unregister every ramoops zone
 *
 * Called by ramoops before it frees its zones.  Every provider has
 * dropped them when this returns.
 *
 * Context: process context, may sleep.
 */
void ramoops_dumpregion_remove(void)
{
	unsigned int i;

	guard(mutex)(&ramoops_dr_lock);
	for (i = 0; i < ramoops_dr_nr; i++)
		dumpregion_unregister(ramoops_dr_ids[i]);
	kfree(ramoops_dr_ids);
	ramoops_dr_ids = NULL;
	ramoops_dr_nr = 0;
}
EXPORT_SYMBOL_IF_KUNIT(ramoops_dumpregion_remove);

MODULE_IMPORT_NS(DUMPREGION);
