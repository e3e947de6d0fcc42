// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KUnit kit for the suites of the core and of providers: a device with
 * storage for a provider under test, a panic without a panic, and a lock
 * held on another CPU, as a CPU the panic stopped inside a provider op
 * holds it.  Built with CONFIG_DUMPREGION_KUNIT_TEST, on which provider
 * suites using it depend.
 */

#include <kunit/device.h>
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

/**
 * dumpregion_test_start() - a device and firmware storage for a provider
 * @test: the test; both go when it ends
 * @name: the device's name
 * @size: bytes of zeroed storage (the firmware table, a carve-out)
 * @mem: set to the storage
 *
 * The storage outlives the device, so that a provider registered with
 * devm on it is unregistered (its table withdrawn) before the memory goes.
 * A provider registered this way receives the KELF index and every region
 * the built-in clients registered at boot: a suite counts them after
 * registration (a table's count) rather than assuming a number.
 *
 * Return: the device; the test fails when either allocation does.
 */
struct device *dumpregion_test_start(struct kunit *test, const char *name,
				     size_t size, void **mem)
{
	struct device *dev;

	*mem = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *mem);
	dev = kunit_device_register(test, name);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(dev));
	return dev;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_start);

static void dr_panic_end_action(void *unused)
{
	dumpregion_test_set_panicking(false);
	dumpregion_test_undo_panic();
}

/**
 * dumpregion_test_panic_begin() - run the core's panic-time paths from here on
 * @test: the test; the panic ends when it does, if not before
 *
 * The core then behaves as while panicking (trylocks only, providers called
 * only through panic-safe updates and finalise), with no panic: call
 * dumpregion_panic_finalise() for the finaliser itself.
 */
void dumpregion_test_panic_begin(struct kunit *test)
{
	dumpregion_test_set_panicking(true);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dr_panic_end_action,
							NULL), 0);
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_panic_begin);

/**
 * dumpregion_test_panic_end() - leave the panic dumpregion_test_panic_begin() began
 * @test: the test
 *
 * Points the built-in task and stack regions back where they were, forgets
 * the saved registers and moves the KELF index: every provider sees the
 * move, as after any change (dumpregion_test_undo_panic()).
 */
void dumpregion_test_panic_end(struct kunit *test)
{
	kunit_release_action(test, dr_panic_end_action, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_panic_end);

MODULE_DESCRIPTION("KUnit helpers for dump region tests");
MODULE_LICENSE("GPL");
