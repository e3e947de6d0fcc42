// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump regions: the panic path.
 *
 * The panic notifier runs first among the notifiers, on the panicking CPU
 * with the other CPUs stopped (anywhere: holding any lock, in the middle
 * of any update).  It moves the built-in clients' task and stack regions
 * to what each CPU was running (clients.c), writes every CPU's registers
 * into the KELF index (kelf.c) and lets each provider finalise its table.
 * Locks are only tried, nothing is allocated, no work is queued; the
 * provider list is walked under RCU.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/dumpregion.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/printk.h>
#include <linux/rculist.h>
#include <kunit/visibility.h>

#include "internal.h"

/*
 * Called from the panic notifier, after the other CPUs were stopped.  Locks
 * are only tried: the provider list is RCU-published, so a provider is seen
 * either fully registered or not at all.
 */
void dumpregion_panic_finalise(void)
{
	rcu_read_lock();
	dr_clients_panic();
	dr_kelf_panic();
	dr_providers_finalise();
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_panic_finalise);

static int dr_panic_notify(struct notifier_block *nb, unsigned long event,
			   void *data)
{
	dumpregion_panic_finalise();
	return NOTIFY_DONE;
}

static struct notifier_block dr_panic_nb = {
	.notifier_call = dr_panic_notify,
	/* Before notifiers that might hang the dying kernel. */
	.priority = INT_MAX,
};

#if DR_TEST_SEAMS
/**
 * dumpregion_test_undo_panic() - undo a test's run of the panic finaliser
 *
 * Points the built-in clients' task and stack regions back at the idle
 * tasks, forgets saved CPU registers and publishes a new KELF header
 * without them: the providers see the kelf region move, as after any
 * change, and leave the panic behind (the dump index drops its PANIC
 * flag).  KUnit and the benchmark only.
 */
void dumpregion_test_undo_panic(void)
{
	dr_clients_panic_undo();
	dr_forget_cpu_regs();
	dr_kelf_restore();
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_undo_panic);
#endif

static int __init dr_panic_init(void)
{
	atomic_notifier_chain_register(&panic_notifier_list, &dr_panic_nb);
	return 0;
}
subsys_initcall(dr_panic_init);
