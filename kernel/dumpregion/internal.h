/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dump regions: core internals shared with the KUnit suites only.
 */
#ifndef _KERNEL_DUMPREGION_INTERNAL_H
#define _KERNEL_DUMPREGION_INTERNAL_H

#include <linux/mutex.h>

struct module;
struct seq_file;

#if IS_ENABLED(CONFIG_KUNIT)
/* The lock that registration and provider changes take. */
struct mutex *dumpregion_registration_lock(void);
void dumpregion_panic_finalise(void);
#ifdef CONFIG_MODULES
unsigned int dumpregion_module_going(struct module *mod);
#endif
int dumpregion_regions_show(struct seq_file *s, void *unused);
int dumpregion_providers_show(struct seq_file *s, void *unused);
#endif

#endif /* _KERNEL_DUMPREGION_INTERNAL_H */
