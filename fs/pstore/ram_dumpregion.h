/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ramoops zones as dump regions: the hooks ram.c calls.
 */
#ifndef __PSTORE_RAM_DUMPREGION_H__
#define __PSTORE_RAM_DUMPREGION_H__

#include <linux/types.h>

struct persistent_ram_zone;

#ifdef CONFIG_PSTORE_RAM_DUMPREGION
void ramoops_dumpregion_add(const char *kind, struct persistent_ram_zone **przs,
			    unsigned int count, bool indexed);
void ramoops_dumpregion_remove(void);
#else
static inline void ramoops_dumpregion_add(const char *kind,
					  struct persistent_ram_zone **przs,
					  unsigned int count, bool indexed)
{
}

static inline void ramoops_dumpregion_remove(void)
{
}
#endif

#endif
