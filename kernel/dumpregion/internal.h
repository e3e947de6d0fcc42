/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dump regions: core internals, shared by the core's files and the KUnit
 * suites.
 *
 * The core's files, each calling only those before it:
 *   layout.c   how a range of memory is described: kinds and runs
 *   notes.c    the ELF notes: VMCOREINFO, and each CPU's registers at panic
 *   kelf.c     the KELF index: build, publish, finalise at panic
 *   provider.c providers: attach, replay, publish, refusal, sync, withdraw
 *   table.c    the table helper: a provider for arrays of entries and a count
 *   registry.c regions: ids, names, ownership, lifetimes, moves
 *   crashutil.c what the crash utility reads at start-up
 *   clients.c  the built-in clients (the log, tasks, stacks, pids)
 *   panic.c    the panic notifier
 *   debugfs.c  what is registered, for people
 * Data shared between them is declared here; so are the small inlines
 * they all use.
 */
#ifndef _KERNEL_DUMPREGION_INTERNAL_H
#define _KERNEL_DUMPREGION_INTERNAL_H

#include <linux/dumpregion/provider.h>
#include <linux/gfp_types.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/panic.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/threads.h>

struct module;
struct pt_regs;
struct seq_file;
struct task_struct;

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

/**
 * struct dr_link - what one provider made of one region
 * @node: entry in the region's @links, changed under the region lock
 * @prov: the provider
 * @status: 0 while the provider publishes the region, or the negative
 *	errno with which it refused it
 * @stale: 0, or the errno with which the provider failed to follow a move
 *	during a panic (it still publishes the region's previous layout)
 * @cookie: what the provider's add op gave for the region
 */
struct dr_link {
	struct list_head node;
	struct dumpregion_provider *prov;
	int status;
	int stale;
	void *cookie;
};

/*
 * The registry (registry.c).  dumpregion_mutex protects both lists, the
 * region names and the regions' links (their creation and removal): see
 * the top of registry.c.  Both lists are RCU-published for the panic path.
 */
extern struct mutex dumpregion_mutex;
extern struct list_head dumpregion_list;
extern struct list_head dumpregion_providers;

/*
 * Hooks the KUnit suites and the in-kernel benchmark need, built with
 * either.
 */
#define DR_TEST_SEAMS	(IS_ENABLED(CONFIG_KUNIT) || IS_ENABLED(CONFIG_DUMPREGION_BENCH))

#if DR_TEST_SEAMS
extern bool dr_test_panicking;
#endif

/*
 * During a panic the core calls no provider op but a panic-safe update
 * and finalise, and takes locks only by trylock: another CPU may have been
 * stopped holding any of them, and the caller may be in NMI context.
 */
static inline bool dr_panicking(void)
{
#if DR_TEST_SEAMS
	if (READ_ONCE(dr_test_panicking))
		return true;
#endif
	return panic_in_progress();
}

/* The layout @r publishes; with @r->lock held or under RCU. */
static inline struct dr_layout *dr_cur(struct dumpregion *r)
{
	return rcu_dereference_check(r->cur, lockdep_is_held(&r->lock));
}

/* What providers are shown of layout @l of @r. */
static inline void dr_view(const struct dumpregion *r,
			   const struct dr_layout *l,
			   struct dumpregion_layout *view)
{
	view->id = r->id;
	view->name = r->name;
	view->kind = l->kind;
	view->size = l->size;
	view->nr_runs = l->nr_runs;
	view->max_runs = r->capacity;
	view->runs = l->runs;
}

/* Describing memory (layout.c). */
int dr_classify(unsigned long va, size_t size, enum dumpregion_kind *kind);
int dr_check_phys(phys_addr_t phys, size_t size);
int dr_fill_runs(enum dumpregion_kind kind, unsigned long va, phys_addr_t pa,
		 size_t size, struct dr_layout *l, unsigned int cap);
struct dr_layout *dr_layout_alloc(unsigned int cap);

/* ELF notes and the CPUs' registers (notes.c). */
/*
 * gdb makes each NT_PRSTATUS a thread named by pr_pid and gives a note
 * with pr_pid 0 the registers of the first note: the idle tasks (all pid
 * 0) and CPUs without registers get DR_NOTE_PID_NONE + cpu instead, above
 * every real pid.
 */
#define DR_NOTE_PID_NONE	PID_MAX_LIMIT
size_t dr_notes_max(void);
size_t dr_notes_write(void *notes, struct pt_regs *regs);
void dr_panic_regs(struct pt_regs *regs);
struct task_struct *dr_cpu_task(unsigned int cpu);
void dr_forget_cpu_regs(void);

/* The KELF index (kelf.c). */
extern spinlock_t dr_kelf_lock;
void dr_kelf_write(struct dumpregion *r, const struct dr_layout *l);
void *dr_kelf_prepare(struct list_head *regions, unsigned int extra,
		      gfp_t gfp, size_t *size);
void *dr_kelf_install(struct list_head *regions);
void dr_kelf_installed(void);
void dr_kelf_retire(void *old);
struct llist_node *dr_kelf_take_retired(void);
void dr_kelf_free_retired(struct llist_node *list);
bool dr_kelf_backlogged(void);
void dr_kelf_panic(void);
const void *dr_kelf_current(size_t *size);

/* Providers (provider.c); the four below with dumpregion_mutex held. */
int dr_links_alloc(struct list_head *links);
void dr_links_free(struct list_head *links);
void dr_links_offer(struct dumpregion *r, struct list_head *links);
void dr_links_withdraw(struct dumpregion *r, struct list_head *links);
int dr_publish(struct dumpregion *r);
void dr_sync_providers(void);
void dr_providers_finalise(void);

/* Bounds of the DUMPREGION_STATIC() entries (include/asm-generic/vmlinux.lds.h). */
extern const struct dumpregion_static __start_dumpregion_static[];
extern const struct dumpregion_static __stop_dumpregion_static[];
void dr_clients_panic(void);
#ifdef CONFIG_DUMPREGION_CRASH_UTILITY
void dr_crashutil_register(void);
void dr_crashutil_move(unsigned int cpu, struct task_struct *t, bool atomic);
#else
static inline void dr_crashutil_register(void)
{
}

static inline void dr_crashutil_move(unsigned int cpu, struct task_struct *t,
				     bool atomic)
{
}
#endif
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
