// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump regions: the registry of the memory that crash-dump firmware should
 * save.
 *
 * Locking
 *
 * dumpregion_mutex protects the list of regions, the list of providers,
 * region names and the per-region links to providers (their creation and
 * removal).  Every entry point that may sleep takes it, but not for the
 * providers' sync ops, which may wait for slow firmware: those run after
 * it is released (provider.c).
 *
 * Each region has a spinlock that serialises the provider ops for that
 * region and every change of its layout.  dumpregion_update_atomic() takes
 * only this lock and, inside it, the KELF lock (kelf.c), so it works in any
 * context but NMI.  The kelf region's own lock has a lockdep class of its
 * own: it nests inside the KELF lock.  Order: a region's lock, the KELF
 * lock, the kelf region's lock, the providers' locks.
 *
 * Crash consistency
 *
 * A region's layout (its physically contiguous runs) lives in one of two
 * preallocated buffers.  A change is written into the unused buffer, then
 * published with rcu_assign_pointer().  A lockless reader, such as the panic
 * path after other CPUs were stopped in the middle of an update, sees the
 * old or the new layout in full, never a mix.  During a panic the core
 * takes locks only by trylock (a CPU stopped while holding one cannot
 * deadlock the panicking CPU), calls no provider op but a panic-safe
 * update and finalise, allocates nothing and queues no work; the provider list is
 * walked under RCU.
 *
 * The KELF index is rebuilt here, under the mutex, by every change of the
 * regions' sizes or run counts: O(regions) per change.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/dumpregion.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rculist.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>

#include "internal.h"

/* Protects the two lists below and region/provider links; see top. */
DEFINE_MUTEX(dumpregion_mutex);

LIST_HEAD(dumpregion_list);
LIST_HEAD(dumpregion_providers);
/* Region ids; lookups are RCU-safe for dumpregion_update_atomic(). */
static DEFINE_XARRAY_ALLOC1(dumpregion_ids);
static u32 dumpregion_next_id;

static int dr_check_name(const char *name)
{
	size_t len, i;

	if (!name || !*name)
		return -EINVAL;
	/* The core's own index region. */
	if (!strcmp(name, DUMPREGION_KELF_NAME))
		return -EEXIST;
	len = strnlen(name, DUMPREGION_NAME_MAX);
	if (len == DUMPREGION_NAME_MAX)
		return -ENAMETOOLONG;
	/* '#' is kept for run suffixes, see dumpregion_run_name(). */
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_-.", name[i]))
			return -EINVAL;
	return 0;
}

static void dr_free(struct rcu_head *head)
{
	struct dumpregion *r = container_of(head, struct dumpregion, rcu);

	kfree(rcu_dereference_raw(r->cur));
	kfree(r->spare);
	kfree(r);
}

/*
 * Region names, hashed: registration checks uniqueness in constant time.
 * Keys are the whole zero-padded name array.
 */
static const struct rhashtable_params dr_name_params = {
	.key_len = DUMPREGION_NAME_MAX,
	.key_offset = offsetof(struct dumpregion, name),
	.head_offset = offsetof(struct dumpregion, hnode),
	.automatic_shrinking = true,
};

static struct rhashtable dr_names;
static bool dr_names_ready;

/* Add @r's name, unless taken.  With dumpregion_mutex held. */
static int dr_name_add(struct dumpregion *r)
{
	int ret;

	lockdep_assert_held(&dumpregion_mutex);
	if (!dr_names_ready) {
		ret = rhashtable_init(&dr_names, &dr_name_params);
		if (ret)
			return ret;
		dr_names_ready = true;
	}
	return rhashtable_lookup_insert_fast(&dr_names, &r->hnode,
					    dr_name_params);
}

static void dr_name_del(struct dumpregion *r)
{
	lockdep_assert_held(&dumpregion_mutex);
	rhashtable_remove_fast(&dr_names, &r->hnode, dr_name_params);
}

/*
 * Give @r room for @cap runs: new layout buffers holding the current
 * layout.  The old buffers go to @old, for the caller to free after a
 * grace period; the KELF index needs a rebuild for the new capacity.
 * With dumpregion_mutex held.
 */
static int dr_grow(struct dumpregion *r, unsigned int cap,
		   struct dr_layout **old)
{
	struct dr_layout *cur, *spare;
	unsigned long flags;

	lockdep_assert_held(&dumpregion_mutex);
	cur = dr_layout_alloc(cap);
	spare = dr_layout_alloc(cap);
	if (!cur || !spare) {
		kfree(cur);
		kfree(spare);
		return -ENOMEM;
	}
	spin_lock_irqsave(&r->lock, flags);
	old[0] = dr_cur(r);
	old[1] = r->spare;
	cur->kind = old[0]->kind;
	cur->nr_runs = old[0]->nr_runs;
	cur->size = old[0]->size;
	memcpy(cur->runs, old[0]->runs, old[0]->nr_runs * sizeof(*cur->runs));
	memcpy(cur->va, old[0]->va, old[0]->nr_runs * sizeof(*cur->va));
	rcu_assign_pointer(r->cur, cur);
	r->spare = spare;
	r->capacity = cap;
	spin_unlock_irqrestore(&r->lock, flags);
	return 0;
}

/* Fill @r->spare with a new layout and publish it; @r->lock held. */
static int dr_relayout(struct dumpregion *r, enum dumpregion_kind kind,
		       unsigned long va, size_t size)
{
	int n;

	lockdep_assert_held(&r->lock);
	if (r->dead)
		return -ENOENT;
	n = dr_fill_runs(kind, va, 0, size, r->spare, r->capacity);
	if (n < 0)
		return n;
	r->spare->nr_runs = n;
	r->spare->size = size;
	r->spare->kind = kind;
	return dr_publish(r);
}

/*
 * The KELF index region, once registered.  Its lock has a class of its
 * own: it is taken inside the KELF lock, which other regions' locks nest
 * outside.
 */
static struct dumpregion *dr_kelf_region;
static struct lock_class_key dr_kelf_region_key;

static enum dumpregion_kind dr_buf_kind(const void *buf)
{
	return is_vmalloc_addr(buf) ? DUMPREGION_VMALLOC : DUMPREGION_LINEAR;
}

/*
 * Allocate the KELF header for a change that adds @extra slots (0 for one
 * that only removes) and make room in the kelf region for its runs: after
 * this, dr_kelf_rebuild() cannot fail.  With dumpregion_mutex held.
 * *@buf is NULL when there is no KELF index (yet).
 */
static int dr_kelf_reserve(unsigned int extra, gfp_t gfp, void **buf,
			   size_t *size)
{
	struct dumpregion *k = dr_kelf_region;
	struct dr_layout *old[2] = {};
	unsigned int worst;
	int ret;

	lockdep_assert_held(&dumpregion_mutex);
	*buf = NULL;
	if (!k)
		return 0;
	*buf = dr_kelf_prepare(&dumpregion_list, extra, gfp, size);
	if (!*buf)
		return -ENOMEM;
	/* Room for any placement of this size, so smaller ones need none. */
	worst = DIV_ROUND_UP(*size, PAGE_SIZE) + 1;
	if (worst <= k->capacity)
		return 0;
	ret = dr_grow(k, max(worst, 2 * k->capacity), old);
	if (ret) {
		*buf = NULL;
		return ret;
	}
	synchronize_rcu();
	kfree(old[0]);
	kfree(old[1]);
	return 0;
}

/*
 * Fill the header dr_kelf_reserve() allocated from the registry as it is
 * now and point the kelf region at it, the providers told, all under
 * the KELF lock: no region's slots change meanwhile.  With dumpregion_mutex
 * held.  Returns the old header, for dr_kelf_release() once the providers
 * synced.
 */
static void *dr_kelf_rebuild(void *buf, size_t size)
{
	struct dumpregion *k = dr_kelf_region;
	unsigned long flags;
	void *old;

	lockdep_assert_held(&dumpregion_mutex);
	if (!buf)
		return NULL;
	spin_lock_irqsave(&dr_kelf_lock, flags);
	old = dr_kelf_install(&dumpregion_list);
	if (k) {
		spin_lock(&k->lock);
		WARN_ON_ONCE(dr_relayout(k, dr_buf_kind(buf),
					 (unsigned long)buf, size));
		spin_unlock(&k->lock);
	}
	dr_kelf_installed();
	spin_unlock_irqrestore(&dr_kelf_lock, flags);
	return old;
}

/* After regions were removed: a header without them.  Cannot fail. */
static void *dr_kelf_shrink(void)
{
	size_t size;
	void *buf;

	/* The header shrinks: no allocation is allowed to fail. */
	if (WARN_ON_ONCE(dr_kelf_reserve(0, GFP_KERNEL | __GFP_NOFAIL, &buf,
					 &size)))
		return NULL;
	return dr_kelf_rebuild(buf, size);
}

/* Frees retired KELF headers once the providers synced. */
static void dr_kelf_free_fn(struct work_struct *work)
{
	struct llist_node *list = dr_kelf_take_retired();

	dr_sync_providers();
	dr_kelf_free_retired(list);
}

static DECLARE_WORK(dr_kelf_free_work, dr_kelf_free_fn);

/*
 * After any change that replaced the KELF header: the old one is freed
 * after the providers synced (a work item) and a grace period.  When
 * headers replaced faster than that hold too much memory, the caller
 * waits for them.  Without dumpregion_mutex; may sleep.
 */
static void dr_kelf_done(void *old)
{
	if (!old)
		return;
	dr_kelf_retire(old);
	queue_work(system_unbound_wq, &dr_kelf_free_work);
	if (dr_kelf_backlogged()) {
		flush_work(&dr_kelf_free_work);
		rcu_barrier();
	}
}

#define DR_MOVABLE	BIT(0)	/* reserve runs for any placement */
#define DR_KELF		BIT(1)	/* the core's KELF index */

static int dr_register(struct module *owner, const char *name,
		       enum dumpregion_kind kind, unsigned long va,
		       phys_addr_t pa, size_t size, unsigned int dr_flags)
{
	struct dr_layout *cur;
	struct dumpregion *r;
	LIST_HEAD(links);
	void *kbuf = NULL, *kold;
	unsigned int cap;
	unsigned long flags;
	size_t ksize;
	u32 id;
	int n, ret;

	n = dr_fill_runs(kind, va, pa, size, NULL, 0);
	if (n < 0)
		return n;
	cap = n;
	if (dr_flags & DR_MOVABLE)
		cap = max_t(unsigned int, n, DIV_ROUND_UP(size, PAGE_SIZE) + 1);

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	cur = dr_layout_alloc(cap);
	r->spare = dr_layout_alloc(cap);
	if (!cur || !r->spare) {
		ret = -ENOMEM;
		goto err_free_region;
	}
	strscpy(r->name, name);
	r->owner = owner;
	r->internal = dr_flags & DR_KELF;
	r->capacity = cap;
	r->kslot = DR_NO_SLOT;
	spin_lock_init(&r->lock);
	if (dr_flags & DR_KELF)
		lockdep_set_class(&r->lock, &dr_kelf_region_key);
	INIT_LIST_HEAD(&r->links);
	n = dr_fill_runs(kind, va, pa, size, cur, cap);
	if (n < 0) {
		/* The mapping changed under us: the caller's bug. */
		ret = n;
		goto err_free_region;
	}
	cur->kind = kind;
	cur->nr_runs = n;
	cur->size = size;
	RCU_INIT_POINTER(r->cur, cur);
	cur = NULL;

	mutex_lock(&dumpregion_mutex);
	ret = dr_name_add(r);
	if (ret)
		goto err_unlock;
	/* The KELF index does not describe itself. */
	if (!(dr_flags & DR_KELF)) {
		ret = dr_kelf_reserve(cap, GFP_KERNEL, &kbuf, &ksize);
		if (ret)
			goto err_del_name;
	}
	ret = dr_links_alloc(&links);
	if (ret)
		goto err_del_name;
	ret = xa_alloc_cyclic(&dumpregion_ids, &id, r, xa_limit_31b,
			      &dumpregion_next_id, GFP_KERNEL);
	if (ret < 0)
		goto err_free_links;
	r->id = id;

	spin_lock_irqsave(&r->lock, flags);
	dr_links_offer(r, &links);
	spin_unlock_irqrestore(&r->lock, flags);
	/* The KELF index goes first, so every provider gets it first. */
	if (dr_flags & DR_KELF) {
		dr_kelf_region = r;
		list_add_rcu(&r->node, &dumpregion_list);
	} else {
		list_add_tail_rcu(&r->node, &dumpregion_list);
	}
	kold = dr_kelf_rebuild(kbuf, ksize);
	mutex_unlock(&dumpregion_mutex);
	dr_kelf_done(kold);
	return id;

err_free_links:
	dr_links_free(&links);
err_del_name:
	dr_name_del(r);
err_unlock:
	mutex_unlock(&dumpregion_mutex);
err_free_region:
	kfree(cur);
	dr_free(&r->rcu);
	return ret;
}

/* Register a kernel virtual range after checking the name and the memory. */
static int dr_register_virt(struct module *owner, const char *name,
			    const void *addr, size_t size, unsigned int dr_flags)
{
	enum dumpregion_kind kind;
	int ret;

	ret = dr_check_name(name);
	if (ret)
		return ret;
	ret = dr_classify((unsigned long)addr, size, &kind);
	if (ret)
		return ret;
	return dr_register(owner, name, kind, (unsigned long)addr, 0, size,
			   dr_flags);
}

/**
 * __dumpregion_register() - register a region by kernel virtual address
 * @owner: module the region belongs to; use dumpregion_register(), which
 *	passes THIS_MODULE
 * @name: unique name of letters, digits, '_', '-' and '.', shorter than
 *	%DUMPREGION_NAME_MAX
 * @addr: start of the memory: a linear-map address, a variable of the
 *	kernel image, or vmalloc, vmap or module memory
 * @size: length in bytes
 *
 * Every provider, present or future, is told about the region.  vmalloc
 * memory is split into physically contiguous runs.  The memory must stay
 * allocated until the region is unregistered; regions of a module are
 * unregistered when it unloads.
 *
 * Context: may sleep.
 * Return: the region's id (positive) on success; -EINVAL for a missing or
 * malformed name, a zero size or an address in none of the kinds of memory
 * above; -ENAMETOOLONG for a long name; -EOVERFLOW when the range wraps;
 * -EFAULT when part of a vmalloc range is not mapped; -EEXIST when the name
 * is taken; -ENOMEM.
 */
int __dumpregion_register(struct module *owner, const char *name,
			  const void *addr, size_t size)
{
	return dr_register_virt(owner, name, addr, size, 0);
}
EXPORT_SYMBOL_IF_KUNIT(__dumpregion_register);

/**
 * __dumpregion_register_movable() - register a region that will move
 * @owner: module the region belongs to; use dumpregion_register_movable()
 * @name: as for __dumpregion_register()
 * @addr: as for __dumpregion_register()
 * @size: length in bytes, which dumpregion_update_atomic() keeps
 *
 * Like __dumpregion_register(), but reserves room for the worst-case
 * number of physically contiguous runs of @size bytes, so that
 * dumpregion_update_atomic() can later move the region anywhere (for
 * example to the stack of the task running on a CPU) without allocating.
 *
 * Context: may sleep.
 * Return: as for __dumpregion_register().
 */
int __dumpregion_register_movable(struct module *owner, const char *name,
				  const void *addr, size_t size)
{
	return dr_register_virt(owner, name, addr, size, DR_MOVABLE);
}
EXPORT_SYMBOL_IF_KUNIT(__dumpregion_register_movable);

/**
 * __dumpregion_register_phys() - register a region by physical address
 * @owner: module the region belongs to; use dumpregion_register_phys()
 * @name: as for __dumpregion_register()
 * @phys: physical start, for memory the kernel may not map (reserved
 *	memory, firmware-shared buffers, persistent RAM zones)
 * @size: length in bytes
 *
 * The range must be system memory as firmware described it to the kernel
 * (including no-map reserved memory), not device memory.
 *
 * Context: may sleep.
 * Return: the region's id on success; -EINVAL for a bad name, a zero size
 * or a range outside memory; -ENAMETOOLONG; -EOVERFLOW when the range
 * wraps; -EEXIST; -ENOMEM.
 */
int __dumpregion_register_phys(struct module *owner, const char *name,
			       phys_addr_t phys, size_t size)
{
	int ret;

	ret = dr_check_name(name);
	if (ret)
		return ret;
	ret = dr_check_phys(phys, size);
	if (ret)
		return ret;
	return dr_register(owner, name, DUMPREGION_PHYS, 0, phys, size, 0);
}
EXPORT_SYMBOL_NS_GPL(__dumpregion_register_phys, DUMPREGION);

/*
 * Unregister @r; the caller rebuilds the KELF index (dr_kelf_shrink()).
 * Called with dumpregion_mutex held.
 */
static void dr_unregister(struct dumpregion *r)
{
	unsigned long flags;
	LIST_HEAD(links);

	lockdep_assert_held(&dumpregion_mutex);
	xa_erase(&dumpregion_ids, r->id);
	dr_name_del(r);
	list_del_rcu(&r->node);
	spin_lock_irqsave(&r->lock, flags);
	dr_links_withdraw(r, &links);
	r->dead = true;
	spin_unlock_irqrestore(&r->lock, flags);
	dr_links_free(&links);
	call_rcu(&r->rcu, dr_free);
}

/*
 * The region @id, if @owner may change it: the core's own regions belong to
 * nobody, others to the module (NULL: built-in code) that registered them.
 * Called with dumpregion_mutex held or under rcu_read_lock().
 */
static struct dumpregion *dr_lookup(struct module *owner, int id, int *err)
{
	struct dumpregion *r = id > 0 ? xa_load(&dumpregion_ids, id) : NULL;

	*err = 0;
	if (!r)
		*err = -ENOENT;
	else if (r->internal || r->owner != owner)
		*err = -EPERM;
	return *err ? NULL : r;
}

/**
 * __dumpregion_unregister() - stop dumping a region
 * @owner: the caller's module; use dumpregion_unregister(), which passes
 *	THIS_MODULE
 * @id: id returned when the region was registered
 *
 * Every provider has removed the region from its table when this returns,
 * so the memory may then be freed.
 *
 * Context: may sleep.
 * Return: 0; -ENOENT when @id is not a registered region (never
 * registered, or already unregistered); -EPERM when the region is not the
 * caller's (registered by another module, or the core's own).
 */
int __dumpregion_unregister(struct module *owner, int id)
{
	struct dumpregion *r;
	void *kold = NULL;
	int ret;

	mutex_lock(&dumpregion_mutex);
	r = dr_lookup(owner, id, &ret);
	if (r) {
		dr_unregister(r);
		kold = dr_kelf_shrink();
	}
	mutex_unlock(&dumpregion_mutex);
	if (r)
		dr_sync_providers();
	dr_kelf_done(kold);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(__dumpregion_unregister, DUMPREGION);

/**
 * __dumpregion_register_percpu() - register every possible CPU's copy
 * @owner: module the regions belong to; use dumpregion_register_percpu()
 * @name: base name; CPU n's region is called "<name>.<n>"
 * @ptr: per-CPU variable or allocation
 * @size: bytes of each CPU's copy
 * @ids: per-CPU int receiving each CPU's region id
 *
 * Context: may sleep.
 * Return: 0 when every possible CPU's copy is registered, else the errno
 * of the first failure (see __dumpregion_register()) with none registered
 * and every @ids entry 0.
 */
int __dumpregion_register_percpu(struct module *owner, const char *name,
				 const void __percpu *ptr, size_t size,
				 int __percpu *ids)
{
	char cpu_name[DUMPREGION_NAME_MAX];
	unsigned int cpu;
	int ret, id;

	ret = dr_check_name(name);
	if (ret)
		return ret;
	if (!ptr || !ids)
		return -EINVAL;
	for_each_possible_cpu(cpu)
		per_cpu(*ids, cpu) = 0;

	for_each_possible_cpu(cpu) {
		if (snprintf(cpu_name, sizeof(cpu_name), "%s.%u", name, cpu) >=
		    (int)sizeof(cpu_name)) {
			ret = -ENAMETOOLONG;
			goto err_unregister;
		}
		id = __dumpregion_register(owner, cpu_name,
					   per_cpu_ptr(ptr, cpu), size);
		if (id < 0) {
			ret = id;
			goto err_unregister;
		}
		per_cpu(*ids, cpu) = id;
	}
	return 0;

err_unregister:
	__dumpregion_unregister_percpu(owner, ids);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(__dumpregion_register_percpu);

/**
 * __dumpregion_unregister_percpu() - unregister every CPU's copy
 * @owner: the caller's module; use dumpregion_unregister_percpu()
 * @ids: the per-CPU ids filled by dumpregion_register_percpu()
 *
 * Entries that are 0 are skipped; every entry is 0 on return.
 *
 * Context: may sleep.
 */
void __dumpregion_unregister_percpu(struct module *owner, int __percpu *ids)
{
	unsigned int cpu;
	int *id;

	for_each_possible_cpu(cpu) {
		id = per_cpu_ptr(ids, cpu);
		if (*id > 0)
			__dumpregion_unregister(owner, *id);
		*id = 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(__dumpregion_unregister_percpu);

struct dr_devres {
	struct module *owner;
	int id;
};

static void dr_devm_release(struct device *dev, void *res)
{
	struct dr_devres *d = res;

	__dumpregion_unregister(d->owner, d->id);
}

/**
 * __devm_dumpregion_register() - device-managed __dumpregion_register()
 * @owner: module the region belongs to; use devm_dumpregion_register()
 * @dev: device whose unbinding unregisters the region
 * @name: as for __dumpregion_register()
 * @addr: as for __dumpregion_register()
 * @size: as for __dumpregion_register()
 *
 * Context: may sleep.
 * Return: as for __dumpregion_register().
 */
int __devm_dumpregion_register(struct module *owner, struct device *dev,
			       const char *name, const void *addr, size_t size)
{
	struct dr_devres *res;
	int id;

	res = devres_alloc(dr_devm_release, sizeof(*res), GFP_KERNEL);
	if (!res)
		return -ENOMEM;
	id = __dumpregion_register(owner, name, addr, size);
	if (id < 0) {
		devres_free(res);
		return id;
	}
	res->owner = owner;
	res->id = id;
	devres_add(dev, res);
	return id;
}
EXPORT_SYMBOL_IF_KUNIT(__devm_dumpregion_register);

/**
 * __dumpregion_update() - move or resize a region
 * @owner: the caller's module; use dumpregion_update()
 * @id: the region
 * @addr: new start (any kind of kernel address __dumpregion_register()
 *	accepts)
 * @size: new length in bytes
 *
 * Providers publish the new layout in place of the old one; firmware
 * reading their tables during the change finds one or the other.
 *
 * Context: may sleep.
 * Return: 0; -ENOENT for an unknown id; -EPERM for a region that is not the
 * caller's; the errors of __dumpregion_register() for the new range.  On
 * error the region is unchanged.
 */
int __dumpregion_update(struct module *owner, int id, const void *addr,
			size_t size)
{
	struct dr_layout *old[2] = {};
	void *kbuf = NULL, *kold = NULL;
	enum dumpregion_kind kind;
	struct dumpregion *r;
	unsigned long flags;
	bool resized;
	size_t ksize;
	int n, ret;

	ret = dr_classify((unsigned long)addr, size, &kind);
	if (ret)
		return ret;
	n = dr_fill_runs(kind, (unsigned long)addr, 0, size, NULL, 0);
	if (n < 0)
		return n;

	mutex_lock(&dumpregion_mutex);
	r = dr_lookup(owner, id, &ret);
	if (!r)
		goto out_unlock;
	/* Sizes change only here, under the mutex. */
	spin_lock_irqsave(&r->lock, flags);
	resized = dr_cur(r)->size != size;
	spin_unlock_irqrestore(&r->lock, flags);
	/* The offsets after the region move: a new KELF header. */
	if (resized || n > r->capacity) {
		ret = dr_kelf_reserve(n > r->capacity ? n - r->capacity : 0,
				      GFP_KERNEL, &kbuf, &ksize);
		if (ret)
			goto out_unlock;
	}
	if (n > r->capacity) {
		ret = dr_grow(r, n, old);
		if (ret)
			goto out_unlock;
	}
	spin_lock_irqsave(&r->lock, flags);
	ret = dr_relayout(r, kind, (unsigned long)addr, size);
	spin_unlock_irqrestore(&r->lock, flags);
	kold = dr_kelf_rebuild(kbuf, ksize);
out_unlock:
	mutex_unlock(&dumpregion_mutex);
	if (r)
		dr_sync_providers();
	dr_kelf_done(kold);
	if (old[0]) {
		synchronize_rcu();
		kfree(old[0]);
		kfree(old[1]);
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(__dumpregion_update);

/* A move that keeps the size: the KELF slots are rewritten in place. */
static int dr_relayout_same(struct dumpregion *r, enum dumpregion_kind kind,
			    unsigned long va, size_t size)
{
	if (dr_cur(r)->size != size)
		return -EINVAL;
	return dr_relayout(r, kind, va, size);
}

/* Move @r without sleeping.  Under rcu_read_lock(). */
static int dr_update_atomic(struct dumpregion *r, enum dumpregion_kind kind,
			    unsigned long va, size_t size)
{
	unsigned long flags;
	int ret;

	if (!dr_panicking()) {
		spin_lock_irqsave(&r->lock, flags);
		ret = dr_relayout_same(r, kind, va, size);
		spin_unlock_irqrestore(&r->lock, flags);
		return ret;
	}
	/* A stopped CPU may hold the lock: try it only. */
	if (!spin_trylock_irqsave(&r->lock, flags))
		return -EBUSY;
	ret = dr_relayout_same(r, kind, va, size);
	spin_unlock_irqrestore(&r->lock, flags);
	return ret;
}

/**
 * __dumpregion_update_atomic() - move or resize a region from any context
 * @owner: the caller's module; use dumpregion_update_atomic()
 * @id: the region
 * @addr: new start, as for dumpregion_update()
 * @size: new length in bytes
 *
 * Like dumpregion_update() but never sleeps or allocates, so it can follow
 * memory that changes at run time (the stack of the task running on a CPU)
 * from interrupt context and from the panic path.  The new range must be
 * of the region's current size, and fit in the runs reserved for the
 * region: register it with dumpregion_register_movable() to reserve the
 * worst case.  Only the region's own program headers in the KELF index
 * are rewritten.  Unlike dumpregion_update(), it does not wait for
 * providers that defer firmware calls: the old memory may still be listed
 * by such a firmware (Gunyah's resource manager) for a while.
 *
 * During a panic locks are only tried, since a stopped CPU may hold them,
 * and providers are asked only through an update op marked
 * %DUMPREGION_PANIC_UPDATE, under a trylock of their lock; one that
 * cannot follow keeps the old layout and the region is reported stale for
 * it (debugfs, and a line in the log at panic).
 *
 * Context: any context; NMI only during a panic.
 * Return: 0; -ENOENT for an unknown id; -EPERM for a region that is not the
 * caller's; -EINVAL for a range of another size; -ENOSPC when the new
 * range needs more physically contiguous runs than reserved; -EBUSY
 * during a panic when the region or the KELF index was being changed by a
 * stopped CPU; the argument errors of __dumpregion_register().
 * On error the region is unchanged.
 */
int __dumpregion_update_atomic(struct module *owner, int id, const void *addr,
			       size_t size)
{
	enum dumpregion_kind kind;
	struct dumpregion *r;
	int ret;

	ret = dr_classify((unsigned long)addr, size, &kind);
	if (ret)
		return ret;
	rcu_read_lock();
	r = dr_lookup(owner, id, &ret);
	if (r)
		ret = dr_update_atomic(r, kind, (unsigned long)addr, size);
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(__dumpregion_update_atomic);

/* For the tests: held as a stopped CPU would hold it. */
struct mutex *dumpregion_registration_lock(void)
{
	return &dumpregion_mutex;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_registration_lock);

#ifdef CONFIG_MODULES
/* Unregister what a module left behind.  Returns how many regions. */
VISIBLE_IF_KUNIT unsigned int dumpregion_module_going(struct module *mod)
{
	struct dumpregion *r, *tmp;
	unsigned int n = 0;
	void *kold = NULL;

	mutex_lock(&dumpregion_mutex);

	list_for_each_entry_safe(r, tmp, &dumpregion_list, node) {
		if (r->owner != mod)
			continue;
		dr_unregister(r);
		n++;
	}
	if (n)
		kold = dr_kelf_shrink();
	mutex_unlock(&dumpregion_mutex);
	if (n)
		dr_sync_providers();
	dr_kelf_done(kold);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_module_going);

static int dr_module_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct module *mod = data;
	unsigned int n;

	if (action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	n = dumpregion_module_going(mod);
	if (n)
		pr_warn("%s left %u region(s) registered; removed them\n",
			module_name(mod), n);
	return NOTIFY_DONE;
}

static struct notifier_block dr_module_nb = {
	.notifier_call = dr_module_notify,
};

static int __init dr_module_init(void)
{
	return register_module_notifier(&dr_module_nb);
}
#else
static int __init dr_module_init(void)
{
	return 0;
}
#endif /* CONFIG_MODULES */
/* For the tests: a new KELF header, without a test's panic registers. */
void dr_kelf_restore(void)
{
	void *buf, *kold = NULL;
	size_t size;

	mutex_lock(&dumpregion_mutex);
	if (!dr_kelf_reserve(0, GFP_KERNEL, &buf, &size))
		kold = dr_kelf_rebuild(buf, size);
	mutex_unlock(&dumpregion_mutex);
	dr_kelf_done(kold);
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_restore);

/*
 * The KELF index: a first header describing the regions registered so far
 * (clients at earlier initcall levels, such as ramoops at postcore), the
 * kelf region pointing at it, then a rebuild for any region registered
 * between the two.
 */
static int __init dr_kelf_setup(void)
{
	unsigned long flags;
	void *buf, *kold;
	size_t size;
	int id;

	mutex_lock(&dumpregion_mutex);
	buf = dr_kelf_prepare(&dumpregion_list, 0, GFP_KERNEL, &size);
	if (buf) {
		spin_lock_irqsave(&dr_kelf_lock, flags);
		dr_kelf_install(&dumpregion_list);
		spin_unlock_irqrestore(&dr_kelf_lock, flags);
	}
	mutex_unlock(&dumpregion_mutex);
	if (!buf)
		return -ENOMEM;
	id = dr_register(NULL, DUMPREGION_KELF_NAME, dr_buf_kind(buf),
			 (unsigned long)buf, 0, size, DR_KELF | DR_MOVABLE);
	if (id < 0)
		return id;
	mutex_lock(&dumpregion_mutex);
	kold = dr_kelf_reserve(0, GFP_KERNEL, &buf, &size) ? NULL :
	       dr_kelf_rebuild(buf, size);
	mutex_unlock(&dumpregion_mutex);
	dr_kelf_done(kold);
	return 0;
}

static int __init dumpregion_init(void)
{
	int ret;

	ret = dr_module_init();
	if (ret)
		return ret;
	ret = dr_kelf_setup();
	if (ret)
		pr_warn("no KELF index: %d\n", ret);
	return 0;
}
subsys_initcall(dumpregion_init);
