/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dump regions: interface for providers, the drivers that publish regions
 * in one firmware's crash-dump format.
 *
 * A provider registers a const ops table, or, for the common firmware shape
 * "an array of entries plus a count", a struct dumpregion_table with three
 * entry callbacks, for which the core keeps the table itself.  The core
 * hands a provider every region, including those registered before it
 * probed, and keeps it current as regions come, move and go.  Limits belong
 * to the provider: it refuses what its firmware cannot hold and the core
 * records the refusal without stopping other providers.
 *
 * What the core promises, and asks, beyond each op's own rules below
 * (Documentation/core-api/dumpregion.rst, "Writing a provider", says more):
 *
 * - Locking is the core's.  Every op of a provider runs under that
 *   provider's lock, a spinlock taken with interrupts off; during a panic
 *   the core only trylocks it, and a region whose move finds it held is
 *   reported stale.  An op needs no lock of its own for state only the
 *   ops touch.
 * - The KELF index (%DUMPREGION_KELF_NAME) comes first, at registration of
 *   the provider.  It moves, to a buffer of another size, whenever a
 *   region is registered, unregistered or resized: @update for it is
 *   frequent, and a provider whose format cannot follow it should refuse
 *   it outright rather than fail halfway.
 * - A refusal is final for that region and provider: the region is not
 *   offered again (but for the KELF index, offered again at each of its
 *   moves).  The core logs each refusal once, ratelimited, with the
 *   provider, region and errno, and debugfs lists them.
 * - An op that returns an error leaves the provider's table exactly as it
 *   was before the call: firmware reading it at any instant sees the old
 *   state or the new one.  This holds at panic too: a provider that cannot
 *   follow a move there returns an error and keeps the old layout, for
 *   which the region is reported stale; the KELF index and the other
 *   providers follow the move all the same.  The table helper checks room
 *   and names before it writes anything, so it keeps this rule for every
 *   table provider.
 * - During a panic, in this order: the built-in clients' regions move to
 *   what each CPU was running (@update, for providers with
 *   %DUMPREGION_PANIC_UPDATE), the registers go into the KELF index, then
 *   @finalise runs once per provider.  No other op runs.
 * - Before reboot, power-off and kexec (the reboot notifiers), and after
 *   its regions were removed at unregistration (unbind), the core calls
 *   @withdraw once; from then on it calls no other op of the provider.
 *   A driver needs no .shutdown callback for its table.
 * - A crash kernel (is_kdump_kernel()) must not rewrite a table the
 *   crashed kernel left: read and report it, or stay absent.
 * - A provider for a /reserved-memory carve-out gets its device from the
 *   node's compatible, which must be listed in drivers/of/platform.c's
 *   reserved_mem_matches[] (a glue patch) to be populated at boot;
 *   devm_dumpregion_map_carveout() then maps it.
 */
#ifndef _LINUX_DUMPREGION_PROVIDER_H
#define _LINUX_DUMPREGION_PROVIDER_H

#include <linux/atomic.h>
#include <linux/dumpregion.h>
#include <linux/list.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

struct device;
struct dumpregion_provider;
struct platform_device;

/*
 * The core's own region, an ELF core header describing every other region
 * (see kernel/dumpregion/kelf.c).  Providers receive it before any other.
 */
#define DUMPREGION_KELF_NAME	"kelf"

/* The longest run name dumpregion_run_name() makes, NUL included. */
#define DUMPREGION_RUN_NAME_MAX	(DUMPREGION_NAME_MAX + 11)

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
 * @max_runs: the most runs the region can ever have (moves included), so
 *	that what a provider sizes at @add covers every later @update
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
	unsigned int max_runs;
	const struct dumpregion_run *runs;
};

/* dumpregion_provider_ops.flags: @update follows the panic rules. */
#define DUMPREGION_PANIC_UPDATE	BIT(0)

/**
 * struct dumpregion_provider_ops - what a provider implements
 * @flags: %DUMPREGION_PANIC_UPDATE when @update may also run during a
 *	panic; without it every region moved during a panic is stale for the
 *	provider (the right choice for firmware reached through RPCs)
 * @add: publish a region.  Return 0, or a negative errno to refuse it
 *	(-ENOSPC when the firmware table is full, -EINVAL for a name or an
 *	address the format cannot express).  *@cookie, NULL on entry, may be
 *	set to anything: @update and @remove get it back.  May allocate with
 *	%GFP_ATOMIC.  Never called during a panic.  Required.
 * @remove: stop publishing a region that @add accepted.  Must leave no
 *	entry of it behind, and free what @add allocated for @cookie.  Never
 *	called during a panic.  Required.
 * @update: the region moved, changed size or number of runs (at most
 *	@max_runs); publish the new layout in place of the old one so that
 *	firmware reading the table at any moment sees one or the other, or
 *	skips the region while one entry changes.  *@cookie is @add's, and
 *	may be replaced (not at panic).  On error the table must be
 *	as before the call; the core then calls @remove and records the
 *	refusal (or, during a panic, reports the region stale).  Called from
 *	process or interrupt context (dumpregion_update_atomic()).  With
 *	%DUMPREGION_PANIC_UPDATE also during a panic: the caller may then be
 *	the panicking CPU in NMI context, and any other CPU may have been
 *	stopped anywhere, holding any lock, so it must not allocate, queue
 *	work or take a lock but by trylock.  Optional: without it the core
 *	calls @remove then @add.
 * @sync: wait until firmware no longer lists what @remove and @update
 *	took out.  For providers that defer firmware calls (RPCs that sleep)
 *	from @add, @remove and @update to a workqueue.  Called after those,
 *	before dumpregion_unregister() and dumpregion_update() return, so the
 *	caller may then free or reuse the memory; in process context,
 *	without the provider lock or the registration mutex: may sleep, must
 *	not unregister the provider.  Optional.
 * @finalise: the kernel is panicking; make the table final for firmware
 *	(status words, cache maintenance).  Called once per panic on the
 *	panicking CPU, under the provider lock if its trylock succeeded,
 *	with the panic rules of @update.  Optional.
 * @withdraw: tell firmware the table is gone, so that it does not dump
 *	memory the next kernel (after kexec or a reboot) owns.  Called once,
 *	in process context, without the provider lock (it may sleep) but
 *	after the core stopped calling every other op.  Optional.
 *
 * @add, @remove and @update run with the provider lock held (a spinlock,
 * interrupts off): they must not sleep.
 */
struct dumpregion_provider_ops {
	unsigned int flags;
	int (*add)(struct dumpregion_provider *prov,
		   const struct dumpregion_layout *region, void **cookie);
	void (*remove)(struct dumpregion_provider *prov,
		       const struct dumpregion_layout *region, void *cookie);
	int (*update)(struct dumpregion_provider *prov,
		      const struct dumpregion_layout *region, void **cookie);
	void (*sync)(struct dumpregion_provider *prov);
	void (*finalise)(struct dumpregion_provider *prov);
	void (*withdraw)(struct dumpregion_provider *prov);
};

/**
 * struct dumpregion_provider - a registered provider
 * @name: short name shown in debugfs and in refusal messages
 * @ops: the provider's operations
 * @dev: the device behind the provider, if any (for messages)
 * @lock: core-private: serialises the ops (see &struct dumpregion_provider_ops)
 * @list: core-private: node in the list of providers
 * @withdrawn: core-private: @ops->withdraw ran or is running; no op is
 *	called any more
 * @nr_accepted: core-private: regions the provider currently publishes
 * @nr_refused: core-private: regions the provider refused
 * @nr_stale: core-private: regions moved during a panic that the provider
 *	could not follow
 *
 * Embed this in the driver's own state and reach it with container_of()
 * from the ops.  Read the counters with dumpregion_provider_stats().
 */
struct dumpregion_provider {
	const char *name;
	const struct dumpregion_provider_ops *ops;
	struct device *dev;

	spinlock_t lock;	/* see the kernel-doc above */
	struct list_head list;
	bool withdrawn;
	atomic_t nr_accepted;
	atomic_t nr_refused;
	atomic_t nr_stale;
};

/**
 * struct dumpregion_provider_stats - what a provider made of the regions
 * @accepted: regions it publishes
 * @refused: regions it refused
 * @stale: regions it keeps with their layout from before a panic
 * @withdrawn: its table was withdrawn
 */
struct dumpregion_provider_stats {
	unsigned int accepted;
	unsigned int refused;
	unsigned int stale;
	bool withdrawn;
};

struct dumpregion_table;
struct dumpregion_table_slot;

/**
 * struct dumpregion_table_entry - what one entry of a firmware table says
 * @name: NUL-terminated, at most &dumpregion_table.name_len bytes with NUL
 * @phys: physical address of the run
 * @size: its length in bytes
 */
struct dumpregion_table_entry {
	const char *name;
	phys_addr_t phys;
	u64 size;
};

/**
 * struct dumpregion_table_ops - the format of a table of entries and a count
 * @write: make entry @i hold @e.  Entry @i may be below the published
 *	count, that is firmware may be reading it: then the entry must never
 *	look complete with a mix of old and new fields (mark it invalid, or
 *	its size 0, until the other fields are written, each step ordered by
 *	a write barrier).  Required.
 * @clear: entry @i, now past the count, is no longer used: wipe it.
 *	Optional.
 * @set_count: make the first @count entries the ones firmware reads.
 *	Every entry below @count is complete when this is called; order those
 *	writes before the count's.  Required.
 * @name: the entry name of a run whose dumpregion_run_name() is @run_name,
 *	into @buf (&dumpregion_table.name_len bytes); return 0 or a negative
 *	errno (the region is then refused).  Optional: the default is
 *	dumpregion_fit_name().
 * @finalise: as &dumpregion_provider_ops.finalise.  Optional.
 * @withdraw: as &dumpregion_provider_ops.withdraw, after the count was set
 *	to 0 (if it was not 0 already).  Optional.
 *
 * Every callback but @withdraw runs under the provider lock, with the
 * panic rules when the kernel is panicking: no sleeping, allocation or
 * lock but by trylock.
 */
struct dumpregion_table_ops {
	void (*write)(struct dumpregion_table *t, unsigned int i,
		      const struct dumpregion_table_entry *e);
	void (*clear)(struct dumpregion_table *t, unsigned int i);
	void (*set_count)(struct dumpregion_table *t, unsigned int count);
	int (*name)(struct dumpregion_table *t, const char *run_name,
		    char *buf);
	void (*finalise)(struct dumpregion_table *t);
	void (*withdraw)(struct dumpregion_table *t);
};

/**
 * struct dumpregion_table - a provider whose firmware reads entries and a count
 * @prov: the provider; set @prov.name (and @prov.dev), not @prov.ops
 * @ops: the format
 * @capacity: entries the firmware table holds, at most 65536
 * @name_len: bytes of an entry's name, NUL included (7 to 64)
 * @count: core-private (readable by @ops): entries in use, all complete,
 *	without holes
 * @slots: core-private: what each entry holds, and for which region
 * @names: core-private: each entry's name, @name_len bytes apiece
 *
 * Each physically contiguous run of a region takes one entry.  The core
 * keeps the entries below @count complete at every instant: new entries
 * are written past the count before @ops->set_count covers them; a removed
 * region's entries are refilled from the last ones before the count
 * shrinks (a run is then briefly listed twice); a move rewrites entries in
 * place (@ops->write) after checking the room and the names, so that a
 * move that cannot be made changes nothing.  A full table refuses a
 * region with -ENOSPC.
 */
struct dumpregion_table {
	struct dumpregion_provider prov;
	const struct dumpregion_table_ops *ops;
	unsigned int capacity;
	unsigned int name_len;

	unsigned int count;
	struct dumpregion_table_slot *slots;
	char *names;
};

#ifdef CONFIG_DUMPREGION

int dumpregion_provider_register(struct dumpregion_provider *prov);
void dumpregion_provider_unregister(struct dumpregion_provider *prov);
int devm_dumpregion_provider_register(struct device *dev,
				      struct dumpregion_provider *prov);
void dumpregion_provider_stats(struct dumpregion_provider *prov,
			       struct dumpregion_provider_stats *st);
int dumpregion_run_name(const struct dumpregion_layout *region,
			unsigned int run, char *buf, size_t len);
int dumpregion_fit_name(const char *full, char *buf, size_t len);
void *devm_dumpregion_map_carveout(struct platform_device *pdev,
				   size_t min_size, size_t *size);
int dumpregion_table_register(struct dumpregion_table *t);
void dumpregion_table_unregister(struct dumpregion_table *t);
int devm_dumpregion_table_register(struct device *dev,
				   struct dumpregion_table *t);

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
dumpregion_provider_stats(struct dumpregion_provider *prov,
			  struct dumpregion_provider_stats *st)
{
	*st = (struct dumpregion_provider_stats){};
}

static inline int dumpregion_run_name(const struct dumpregion_layout *region,
				      unsigned int run, char *buf, size_t len)
{
	return -EOPNOTSUPP;
}

static inline int dumpregion_fit_name(const char *full, char *buf, size_t len)
{
	return -EOPNOTSUPP;
}

static inline void *
devm_dumpregion_map_carveout(struct platform_device *pdev, size_t min_size,
			     size_t *size)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline int dumpregion_table_register(struct dumpregion_table *t)
{
	return -EOPNOTSUPP;
}

static inline void dumpregion_table_unregister(struct dumpregion_table *t)
{
}

static inline int devm_dumpregion_table_register(struct device *dev,
						 struct dumpregion_table *t)
{
	return -EOPNOTSUPP;
}

#endif /* CONFIG_DUMPREGION */

#if IS_ENABLED(CONFIG_DUMPREGION) && IS_ENABLED(CONFIG_KUNIT)
/* For providers' KUnit suites: run the panic-time paths without a panic. */
void dumpregion_test_set_panicking(bool on);
void dumpregion_panic_finalise(void);
void dumpregion_test_undo_panic(void);
void dumpregion_provider_withdraw(struct dumpregion_provider *prov);
#endif

#if IS_ENABLED(CONFIG_DUMPREGION_KUNIT_TEST)
/* The KUnit kit for providers (kernel/dumpregion/dumpregion_kunit.c). */
struct kunit;
struct dumpregion_test_holder;
struct dumpregion_test_holder *
dumpregion_test_hold(struct kunit *test, spinlock_t *lock);
void dumpregion_test_release(struct dumpregion_test_holder *h);
struct device *dumpregion_test_start(struct kunit *test, const char *name,
				     size_t size, void **mem);
void dumpregion_test_panic_begin(struct kunit *test);
void dumpregion_test_panic_end(struct kunit *test);
#endif

#endif /* _LINUX_DUMPREGION_PROVIDER_H */
