/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dump regions: hooks the architecture calls.
 *
 * Not for drivers or other clients: these feed the core's KELF index with
 * what only architecture code knows.
 */
#ifndef _LINUX_DUMPREGION_ARCH_H
#define _LINUX_DUMPREGION_ARCH_H

struct pt_regs;

#ifdef CONFIG_DUMPREGION
void dumpregion_save_cpu_regs(struct pt_regs *regs);
/* Implemented by the architecture if it can; a weak no-op otherwise. */
void arch_dumpregion_panic_regs(struct pt_regs *regs);
#else
static inline void dumpregion_save_cpu_regs(struct pt_regs *regs)
{
}
#endif

#endif /* _LINUX_DUMPREGION_ARCH_H */
