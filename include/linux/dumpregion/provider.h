/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dump regions: interface for providers, the drivers that publish regions
 * in one firmware's crash-dump format.
 *
 * A provider registers a const ops table.  The core hands it every region,
 * including those registered before the provider probed, and keeps it
 * current as regions come, move and go.  Limits belong to the provider: it
 * refuses what its firmware cannot hold and the core records the refusal
 * without stopping other providers.
 *
 * What the core promises, and asks, beyond each op's own rules below:
 *
 * - The KELF index (%DUMPREGION_KELF_NAME) comes first, at registration of
 *   the provider.  It moves, to a buffer of another size, whenever a
 *   region is registered, unregistered or resized: @update (or @remove
 *   then @add) for it is frequent, and a provider whose format cannot
 *   follow it should refuse it outright rather than fail halfway.
 * - A refusal is final for that region and provider: the region is not
 *   offered again (but for the KELF index, offered again at each of its
 *   moves).  The core logs no refusal; debugfs lists them, and a provider
 *   that wants a message prints it itself, once.
 * - An op that returns an error leaves the provider's table exactly as it
 *   was before the call: firmware reading it at any instant sees the old
 *   state or the new one.  This holds for @panic_update too: a provider
 *   that cannot follow a move there returns an error and keeps the old
 *   layout, for which the region is reported stale; the KELF index and
 *   the other providers follow the move all the same.
 * - During a panic, in this order: the built-in clients' regions move to
 *   what each CPU was running (@panic_update), the registers go into the
 *   KELF index, then @finalise runs once per provider.  No other op runs.
 * - A crash kernel (is_kdump_kernel()) must not rewrite a table the
 *   crashed kernel left: read and report it, or stay absent.
 * - A provider for a /reserved-memory carve-out gets its device from the
 *   node's compatible, which must be listed in drivers/of/platform.c's
 *   reserved_mem_matches[] (a glue patch) to be populated at boot.
 */
#ifndef _LINUX_DUMPREGION_PROVIDER_H
#define _LINUX_DUMPREGION_PROVIDER_H

#include <linux/atomic.h>
#include <linux/dumpregion.h>
#include <linux/list.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

struct dumpregion_provider;

/*
 * The core's own region, an ELF core header describing every other region
 * (see kernel/dumpregion/kelf.c).  Providers receive it before any other.
 */
#define DUMPREGION_KELF_NAME	"kelf"

/**
 * enum dumpregion_kind - how a region's memory was described by its client
 * @DUMPREGION_LINEAR: linear-map (lowmem) kernel address
 * @DUMPREGION_IMAGE: variable in the kernel image (data, bss)
 * @DUMPREGION_VMALLOC: vmalloc, vmap or module memory
 * @DUMPREGION_PHYS: physical range with no kernel address given
 */
enum dumpregion_kind {
	DUMPREGION_LINEAR,
	DUMPREGION_IMAGE,
	DUMPREGION_VMALLOC,
	DUMPREGION_PHYS,
};

/**
 * struct dumpregion_run - physically contiguous piece of a region
 * @phys: physical address of the run
 * @size: length in bytes
 *
 * Providers get physical addresses only: firmware needs nothing else, and
 * a provider learns no kernel virtual address through the registry.
 */
struct dumpregion_run {
	phys_addr_t phys;
	size_t size;
};

/**
 * struct dumpregion_layout - a region as a provider sees it
 * @id: the region's id, stable while it is registered
 * @name: NUL-terminated name, at most %DUMPREGION_NAME_MAX bytes with NUL
 * @kind: how the client described the memory
 * @size: total size in bytes (the sum of the runs)
 * @nr_runs: number of entries in @runs, at least one
 * @runs: the physically contiguous runs, in virtual address order
 *
 * Valid only for the duration of the op it is passed to: a provider copies
 * what it needs.
 */
struct dumpregion_layout {
	int id;
	const char *name;
	enum dumpregion_kind kind;
	size_t size;
	unsigned int nr_runs;
	const struct dumpregion_run *runs;
};

/**
 * struct dumpregion_provider_ops - what a provider implements
 * @add: publish a region.  Return 0, or a negative errno to refuse it
 *	(-ENOSPC when the firmware table is full, -EINVAL for a name or an
 *	address the format cannot express).  Called with a spinlock held and
 *	interrupts disabled: must not sleep; may allocate with %GFP_ATOMIC.
 *	Never called during a panic.  Required.
 * @remove: stop publishing a region that @add accepted.  Must leave no
 *	entry of it behind.  Same context as @add; never called during a
 *	panic.  Required.
 * @update: the region moved or changed size; publish the new layout in
 *	place of the old one so that firmware reading the table at any moment
 *	sees one or the other.  On error the core calls @remove and records
 *	the refusal.  Called with a spinlock held, interrupts disabled, from
 *	process or interrupt context (dumpregion_update_atomic()): must not
 *	sleep; may allocate with %GFP_ATOMIC.  Never called during a panic.
 *	Optional: without it the core calls @remove then @add.
 * @panic_update: as @update, while the kernel panics: the caller may be
 *	the panicking CPU in NMI context, and any other CPU may have been
 *	stopped anywhere, holding any lock.  Must not sleep, allocate, queue
 *	work or spin on a lock: take locks only with a trylock and return
 *	-EBUSY, leaving the table exactly as it was, when one is held.  On
 *	error the core keeps the region published with its old layout and
 *	reports it stale (it counts in @nr_stale and is logged at panic).
 *	Optional: without it every region moved during a panic is stale for
 *	the provider.
 * @sync: wait until firmware no longer lists what @remove and @update
 *	took out.  For providers that defer firmware calls (RPCs that sleep)
 *	from @add, @remove and @update to a workqueue.  Called after those,
 *	before dumpregion_unregister() and dumpregion_update() return, so the
 *	caller may then free or reuse the memory; in process context,
 *	without the registration mutex (registrations go on meanwhile): may
 *	sleep, must not unregister the provider.  Optional.
 * @finalise: the kernel is panicking; make the table final for firmware
 *	(status words, cache maintenance).  Called once per panic on the
 *	panicking CPU, possibly in NMI context, with other CPUs stopped
 *	anywhere: the same rules as @panic_update.  Optional.
 *
 * Outside a panic the core serialises @add, @remove, @update and
 * @panic_update per region; calls for different regions may run
 * concurrently on different CPUs.
 */
struct dumpregion_provider_ops {
	int (*add)(struct dumpregion_provider *prov,
		   const struct dumpregion_layout *region);
	void (*remove)(struct dumpregion_provider *prov,
		       const struct dumpregion_layout *region);
	int (*update)(struct dumpregion_provider *prov,
		      const struct dumpregion_layout *region);
	int (*panic_update)(struct dumpregion_provider *prov,
			    const struct dumpregion_layout *region);
	void (*sync)(struct dumpregion_provider *prov);
	void (*finalise)(struct dumpregion_provider *prov);
};

/**
 * struct dumpregion_provider - a registered provider
 * @name: short name shown in debugfs
 * @ops: the provider's operations
 * @dev: the device behind the provider, if any
 * @list: core-private: node in the list of providers
 * @nr_accepted: core-private: regions the provider currently publishes
 * @nr_refused: core-private: regions the provider refused
 * @nr_stale: core-private: regions moved during a panic that the provider
 *	could not follow (see @panic_update)
 *
 * Embed this in the driver's own state and reach it with container_of()
 * from the ops.
 */
struct dumpregion_provider {
	const char *name;
	const struct dumpregion_provider_ops *ops;
	struct device *dev;

	struct list_head list;
	atomic_t nr_accepted;
	atomic_t nr_refused;
	atomic_t nr_stale;
};

#ifdef CONFIG_DUMPREGION

int dumpregion_provider_register(struct dumpregion_provider *prov);
void dumpregion_provider_unregister(struct dumpregion_provider *prov);
int devm_dumpregion_provider_register(struct device *dev,
				      struct dumpregion_provider *prov);
void devm_dumpregion_provider_unregister(struct device *dev,
					 struct dumpregion_provider *prov);
int dumpregion_run_name(const struct dumpregion_layout *region,
			unsigned int run, char *buf, size_t len);

#else /* !CONFIG_DUMPREGION */

static inline int dumpregion_provider_register(struct dumpregion_provider *prov)
{
	return -EOPNOTSUPP;
}

static inline void
dumpregion_provider_unregister(struct dumpregion_provider *prov)
{
}

static inline int
devm_dumpregion_provider_register(struct device *dev,
				  struct dumpregion_provider *prov)
{
	return -EOPNOTSUPP;
}

static inline void
devm_dumpregion_provider_unregister(struct device *dev,
				    struct dumpregion_provider *prov)
{
}

static inline int dumpregion_run_name(const struct dumpregion_layout *region,
				      unsigned int run, char *buf, size_t len)
{
	return -EOPNOTSUPP;
}

#endif /* CONFIG_DUMPREGION */

#if IS_ENABLED(CONFIG_DUMPREGION) && IS_ENABLED(CONFIG_KUNIT)
/* For providers' KUnit suites: run the panic-time paths without a panic. */
void dumpregion_test_set_panicking(bool on);
void dumpregion_panic_finalise(void);
void dumpregion_test_undo_panic(void);
#endif

#if IS_ENABLED(CONFIG_DUMPREGION_KUNIT_TEST)
/* ... and hold a lock on another CPU (kernel/dumpregion/dumpregion_kunit.c). */
struct kunit;
struct dumpregion_test_holder;
struct dumpregion_test_holder *
dumpregion_test_hold(struct kunit *test, spinlock_t *lock);
void dumpregion_test_release(struct dumpregion_test_holder *h);
#endif

#endif /* _LINUX_DUMPREGION_PROVIDER_H */
