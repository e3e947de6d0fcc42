/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dump regions: core internals, shared by core.c, kelf.c and the KUnit
 * suites.
 */
#ifndef _KERNEL_DUMPREGION_INTERNAL_H
#define _KERNEL_DUMPREGION_INTERNAL_H

#include <linux/dumpregion/provider.h>
#include <linux/gfp_types.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>

struct module;
struct pt_regs;
struct seq_file;

/**
 * struct dr_layout - one published layout of a region
 * @kind: how the memory was described
 * @nr_runs: runs in use
 * @size: total size in bytes
 * @va: kernel virtual address of each run (0 for a physical region), for
 *	the KELF index only: providers see @runs
 * @runs: room for the region's run capacity (@va follows them)
 */
struct dr_layout {
	enum dumpregion_kind kind;
	unsigned int nr_runs;
	size_t size;
	unsigned long *va;
	struct dumpregion_run runs[];
};

/**
 * struct dumpregion - a registered region
 * @id: handle given to the client
 * @name: NUL-terminated name
 * @owner: module that registered the region, NULL for built-in code
 * @node: entry in dumpregion_list, in registration order
 * @lock: serialises layout changes and provider ops for this region
 * @cur: the published layout
 * @spare: the buffer the next change is written to
 * @capacity: runs each layout buffer can hold
 * @links: one struct dr_link per registered provider
 * @dead: set under @lock when the region is unregistered
 * @internal: the core's own region (the KELF index): no client may move
 *	or unregister it
 * @kslot: first of the region's slots in the published KELF header, or
 *	%DR_NO_SLOT (kelf.c, under the KELF lock, as the three below)
 * @knr: how many slots it has there
 * @koff: the file offset of its first load
 * @ksize: the size its slots describe: a layout of another size needs a
 *	new header (the offsets after it move)
 * @hnode: entry in the name index
 * @rcu: deferred free
 */
struct dumpregion {
	int id;
	char name[DUMPREGION_NAME_MAX];
	struct module *owner;
	struct list_head node;
	spinlock_t lock;		/* see the kernel-doc above */
	struct dr_layout __rcu *cur;
	struct dr_layout *spare;
	unsigned int capacity;
	struct list_head links;
	bool dead;
	bool internal;
	unsigned int kslot;
	unsigned int knr;
	u64 koff;
	size_t ksize;
	struct rhash_head hnode;
	struct rcu_head rcu;
};

#define DR_NO_SLOT	UINT_MAX

/*
 * Hooks the KUnit suites and the in-kernel benchmark need, built with
 * either.
 */
#define DR_TEST_SEAMS	(IS_ENABLED(CONFIG_KUNIT) || IS_ENABLED(CONFIG_DUMPREGION_BENCH))

bool dr_panicking(void);

/* The KELF index (kelf.c). */
extern spinlock_t dr_kelf_lock;
void dr_kelf_write(struct dumpregion *r, const struct dr_layout *l);
void *dr_kelf_prepare(struct list_head *regions, unsigned int extra,
		      gfp_t gfp, size_t *size);
void *dr_kelf_install(struct list_head *regions);
void dr_kelf_installed(void);
void dr_kelf_release(void *old);
void dr_kelf_retire(void *old);
struct llist_node *dr_kelf_take_retired(void);
void dr_kelf_free_retired(struct llist_node *list);
void dr_kelf_panic(void);
const void *dr_kelf_current(size_t *size);

/* Bounds of the DUMPREGION_STATIC() entries (include/asm-generic/vmlinux.lds.h). */
extern const struct dumpregion_static __start_dumpregion_static[];
extern const struct dumpregion_static __stop_dumpregion_static[];
void dr_kelf_forget_cpu_regs(void);
struct task_struct *dr_kelf_cpu_task(unsigned int cpu);
void dr_clients_panic(void);
extern unsigned int dr_static_boot_count;
extern u64 dr_static_boot_ns;

/* The lock that registration and provider changes take. */
struct mutex *dumpregion_registration_lock(void);

void dumpregion_panic_finalise(void);

#if DR_TEST_SEAMS
void dumpregion_test_set_panicking(bool on);
void dumpregion_test_undo_panic(void);
void dr_kelf_restore(void);
void dr_clients_panic_undo(void);
#endif

#if IS_ENABLED(CONFIG_KUNIT)
/* VISIBLE_IF_KUNIT: static without KUnit. */
size_t dr_kelf_write_ehdr(void *buf, unsigned int nslots, size_t notes_len);
#ifdef CONFIG_MODULES
unsigned int dumpregion_module_going(struct module *mod);
#endif
int dumpregion_regions_show(struct seq_file *s, void *unused);
int dumpregion_providers_show(struct seq_file *s, void *unused);
int dumpregion_total_show(struct seq_file *s, void *unused);
#endif

#endif /* _KERNEL_DUMPREGION_INTERNAL_H */
