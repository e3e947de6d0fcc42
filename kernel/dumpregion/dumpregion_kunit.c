// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for the KUnit suites of the core and of providers: hold a lock
 * on another CPU, as a CPU the panic stopped inside a provider op does.
 * Built with CONFIG_DUMPREGION_KUNIT_TEST, on which provider suites using
 * it depend.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/dumpregion/provider.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* Holder states. */
enum { DR_HOLD_STARTING, DR_HOLD_HELD, DR_HOLD_RELEASE, DR_HOLD_DONE };

struct dumpregion_test_holder {
	spinlock_t *lock;		/* the lock held on another CPU */
	atomic_t state;
	bool pinned;			/* the test's migrate_disable() */
	bool started;			/* the holder thread runs */
};

static int dr_holder_fn(void *data)
{
	struct dumpregion_test_holder *h = data;
	unsigned long flags;

	spin_lock_irqsave(h->lock, flags);
	atomic_set(&h->state, DR_HOLD_HELD);
	while (atomic_read(&h->state) != DR_HOLD_RELEASE)
		cpu_relax();
	spin_unlock_irqrestore(h->lock, flags);
	atomic_set(&h->state, DR_HOLD_DONE);
	return 0;
}

/**
 * dumpregion_test_release() - let go of a lock dumpregion_test_hold() took
 * @h: the holder
 *
 * Returns once the lock is free.  Also called when the test ends.
 */
void dumpregion_test_release(struct dumpregion_test_holder *h)
{
	/* A holder that was started takes the lock before it can let go. */
	while (h->started && atomic_read(&h->state) == DR_HOLD_STARTING)
		cpu_relax();
	if (atomic_read(&h->state) == DR_HOLD_HELD)
		atomic_set(&h->state, DR_HOLD_RELEASE);
	while (atomic_read(&h->state) == DR_HOLD_RELEASE)
		cpu_relax();
	if (h->pinned) {
		h->pinned = false;
		migrate_enable();
	}
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_release);

static void dr_holder_action(void *h)
{
	dumpregion_test_release(h);
}

/**
 * dumpregion_test_hold() - hold a spinlock on another CPU
 * @test: the test; the lock is released when it ends
 * @lock: the lock
 *
 * A kthread bound to another online CPU takes @lock with interrupts off
 * and spins until released.  The calling test stays on its CPU meanwhile
 * (were it to move to the holder's CPU, neither could run the other).
 *
 * Return: the holder once @lock is held, or NULL when no other CPU is
 * online (the caller skips).
 */
struct dumpregion_test_holder *dumpregion_test_hold(struct kunit *test,
						    spinlock_t *lock)
{
	struct dumpregion_test_holder *h;
	struct task_struct *t;
	unsigned int cpu;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	migrate_disable();
	h->pinned = true;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dr_holder_action, h),
			0);
	cpus_read_lock();
	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	cpus_read_unlock();
	if (cpu >= nr_cpu_ids)
		return NULL;
	h->lock = lock;
	t = kthread_create(dr_holder_fn, h, "dr-lock-holder");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, cpu);
	h->started = true;
	wake_up_process(t);
	while (atomic_read(&h->state) != DR_HOLD_HELD)
		cpu_relax();
	return h;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_hold);

MODULE_DESCRIPTION("KUnit helpers for dump region tests");
MODULE_LICENSE("GPL");
