// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump regions: a vendor-neutral registry of the memory that crash-dump
 * firmware should save, and the providers that tell firmware about it.
 *
 * Locking
 *
 * dumpregion_mutex protects the list of regions, the list of providers,
 * region names and the per-region links to providers (their creation and
 * removal).  Every entry point that may sleep takes it, but not for the
 * providers' sync ops, which may wait for slow firmware: those run after
 * it is released, under SRCU.
 *
 * Each region has a spinlock that serialises the provider ops for that
 * region and every change of its layout.  dumpregion_update_atomic() takes
 * only this lock and, inside it, the KELF lock (kelf.c), so it works in any
 * context but NMI.
 *
 * Crash consistency
 *
 * A region's layout (its physically contiguous runs) lives in one of two
 * preallocated buffers.  A change is written into the unused buffer, then
 * published with rcu_assign_pointer().  A lockless reader, such as the panic
 * path after other CPUs were stopped in the middle of an update, sees the
 * old or the new layout in full, never a mix.  During a panic the core
 * takes locks only by trylock (a CPU stopped while holding one cannot
 * deadlock the panicking CPU), calls no provider op but panic_update and
 * finalise, allocates nothing and queues no work; the provider list is
 * walked under RCU.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/cleanup.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/provider.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/overflow.h>
#include <linux/panic.h>
#include <linux/panic_notifier.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/rhashtable.h>
#include <linux/srcu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <asm/sections.h>
#include <kunit/visibility.h>

#include "internal.h"

/**
 * struct dr_link - what one provider made of one region
 * @node: entry in the region's @links, changed under the region lock
 * @prov: the provider
 * @status: 0 while the provider publishes the region, or the negative
 *	errno with which it refused it
 * @stale: 0, or the errno with which the provider's panic_update op failed
 *	to follow a move during a panic (the provider still publishes the
 *	region's previous layout)
 */
struct dr_link {
	struct list_head node;
	struct dumpregion_provider *prov;
	int status;
	int stale;
};

/* Protects the two lists below and region/provider links; see top. */
static DEFINE_MUTEX(dumpregion_mutex);
/* Keeps providers alive while their sync op runs without the mutex. */
DEFINE_STATIC_SRCU(dr_sync_srcu);

static LIST_HEAD(dumpregion_list);
static LIST_HEAD(dumpregion_providers);
/* Region ids; lookups are RCU-safe for dumpregion_update_atomic(). */
static DEFINE_XARRAY_ALLOC1(dumpregion_ids);
static u32 dumpregion_next_id;

#if DR_TEST_SEAMS
static bool dr_test_panicking;

/* Lets the tests run the panic-time paths without a panic. */
void dumpregion_test_set_panicking(bool on)
{
	WRITE_ONCE(dr_test_panicking, on);
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_set_panicking);
#endif

/*
 * During a panic the core calls no provider op but panic_update and
 * finalise, and takes locks only by trylock: another CPU may have been
 * stopped holding any of them, and the caller may be in NMI context.
 */
bool dr_panicking(void)
{
#if DR_TEST_SEAMS
	if (READ_ONCE(dr_test_panicking))
		return true;
#endif
	return panic_in_progress();
}

static const char * const dr_kind_names[] = {
	[DUMPREGION_LINEAR]	= "linear",
	[DUMPREGION_IMAGE]	= "image",
	[DUMPREGION_VMALLOC]	= "vmalloc",
	[DUMPREGION_PHYS]	= "phys",
};

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

/*
 * Work out how a kernel virtual range is mapped.  The whole range must lie
 * in one kind of memory.  Safe in any context.
 */
static int dr_classify(unsigned long va, size_t size,
		       enum dumpregion_kind *kind)
{
	unsigned long last;

	if (!size)
		return -EINVAL;
	if (check_add_overflow(va, size - 1, &last))
		return -EOVERFLOW;

	/* Init text and data are freed after boot. */
	if (init_section_intersects((void *)va, size))
		return -EINVAL;
	if (__is_kernel(va) && __is_kernel(last)) {
		*kind = DUMPREGION_IMAGE;
		return 0;
	}
	if (virt_addr_valid((void *)va) && virt_addr_valid((void *)last)) {
		*kind = DUMPREGION_LINEAR;
		return 0;
	}
	if (is_vmalloc_or_module_addr((void *)va) &&
	    is_vmalloc_or_module_addr((void *)last)) {
		*kind = DUMPREGION_VMALLOC;
		return 0;
	}
	return -EINVAL;
}

static int dr_check_phys(phys_addr_t phys, size_t size)
{
	phys_addr_t last;

	if (!size)
		return -EINVAL;
	if (check_add_overflow(phys, (phys_addr_t)size - 1, &last))
		return -EOVERFLOW;
	if (IS_ENABLED(CONFIG_ARCH_KEEP_MEMBLOCK))
		return memblock_is_region_memory(phys, size) ? 0 : -EINVAL;
	/*
	 * Without memblock after boot (x86): System RAM in the resource
	 * tree.  pfn_valid() is no test there: holes below the last page
	 * (the legacy VGA window) have struct pages too.
	 */
	return region_intersects(phys, size, IORESOURCE_SYSTEM_RAM,
				 IORES_DESC_NONE) == REGION_INTERSECTS ?
		0 : -EINVAL;
}

/*
 * Append [va, va + size) at @pa to @l (NULL: only count), merging with the
 * last run, which *@last and *@last_va describe.
 */
static int dr_add_run(struct dr_layout *l, unsigned int cap, unsigned int *n,
		      struct dumpregion_run *last, unsigned long *last_va,
		      unsigned long va, phys_addr_t pa, size_t size)
{
	if (*n && last->phys + last->size == pa && *last_va + last->size == va) {
		last->size += size;
		if (l)
			l->runs[*n - 1].size = last->size;
		return 0;
	}
	if (l && *n == cap)
		return -ENOSPC;
	*last_va = va;
	last->phys = pa;
	last->size = size;
	if (l) {
		l->runs[*n] = *last;
		l->va[*n] = va;
	}
	(*n)++;
	return 0;
}

/*
 * Split a range into physically contiguous runs, in @l's runs and virtual
 * addresses.  With @l NULL only count them.  Returns the number of runs or
 * a negative errno: -ENOSPC when more than @cap runs are needed, -EFAULT
 * for an unmapped vmalloc page.  Never sleeps or allocates.
 */
static int dr_fill_runs(enum dumpregion_kind kind, unsigned long va,
			phys_addr_t pa, size_t size, struct dr_layout *l,
			unsigned int cap)
{
	struct dumpregion_run last = {};
	unsigned long end = va + size, last_va = 0;
	unsigned int n = 0;
	int ret;

	switch (kind) {
	case DUMPREGION_LINEAR:
		pa = __pa(va);
		break;
	case DUMPREGION_IMAGE:
		pa = __pa_symbol(va);
		break;
	case DUMPREGION_PHYS:
		va = 0;
		break;
	case DUMPREGION_VMALLOC:
		while (va < end) {
			size_t chunk = min(end, (va & PAGE_MASK) + PAGE_SIZE) - va;
			struct page *page = vmalloc_to_page((void *)va);

			if (!page)
				return -EFAULT;
			ret = dr_add_run(l, cap, &n, &last, &last_va, va,
					 page_to_phys(page) + offset_in_page(va),
					 chunk);
			if (ret)
				return ret;
			va += chunk;
		}
		return n;
	}
	ret = dr_add_run(l, cap, &n, &last, &last_va, va, pa, size);
	return ret ? ret : n;
}

/* A layout with room for @cap runs and their virtual addresses. */
static struct dr_layout *dr_layout_alloc(unsigned int cap)
{
	struct dr_layout *l;

	l = kzalloc(size_add(struct_size(l, runs, cap),
			     array_size(cap, sizeof(*l->va))), GFP_KERNEL);
	if (l)
		l->va = (unsigned long *)&l->runs[cap];
	return l;
}

static void dr_view(const struct dumpregion *r, const struct dr_layout *l,
		    struct dumpregion_layout *view)
{
	view->id = r->id;
	view->name = r->name;
	view->kind = l->kind;
	view->size = l->size;
	view->nr_runs = l->nr_runs;
	view->runs = l->runs;
}

static struct dr_layout *dr_cur(struct dumpregion *r)
{
	return rcu_dereference_check(r->cur, lockdep_is_held(&r->lock));
}

static void dr_free(struct rcu_head *head)
{
	struct dumpregion *r = container_of(head, struct dumpregion, rcu);

	kfree(rcu_dereference_raw(r->cur));
	kfree(r->spare);
	kfree(r);
}

/* Offer @r to @prov through @link.  Called with @r->lock held. */
static void dr_link_add(struct dumpregion *r, struct dr_link *link,
			struct dumpregion_provider *prov)
{
	struct dumpregion_layout view;

	lockdep_assert_held(&r->lock);
	dr_view(r, dr_cur(r), &view);
	link->prov = prov;
	link->status = prov->ops->add(prov, &view);
	if (link->status)
		atomic_inc(&prov->nr_refused);
	else
		atomic_inc(&prov->nr_accepted);
	list_add_tail(&link->node, &r->links);
}

/* Withdraw @r from the provider of @link.  Called with @r->lock held. */
static void dr_link_del(struct dumpregion *r, struct dr_link *link)
{
	struct dumpregion_provider *prov = link->prov;
	struct dumpregion_layout view;

	lockdep_assert_held(&r->lock);
	if (!link->status) {
		dr_view(r, dr_cur(r), &view);
		prov->ops->remove(prov, &view);
		atomic_dec(&prov->nr_accepted);
	} else {
		atomic_dec(&prov->nr_refused);
	}
	if (link->stale)
		atomic_dec(&prov->nr_stale);
	list_del(&link->node);
}

/*
 * During a panic: a provider that cannot follow the move keeps the old
 * layout (memory nobody frees any more) and the region is reported stale
 * for it.  The KELF index describes the new layout all the same: one
 * provider's stale table does not roll back what the others publish.
 */
static void dr_panic_publish(struct dumpregion *r,
			     const struct dumpregion_layout *view)
{
	struct dr_link *link;
	int err;

	list_for_each_entry(link, &r->links, node) {
		struct dumpregion_provider *prov = link->prov;

		if (link->status)
			continue;
		err = prov->ops->panic_update ?
			prov->ops->panic_update(prov, view) : -EOPNOTSUPP;
		if (err && !link->stale)
			atomic_inc(&prov->nr_stale);
		else if (!err && link->stale)
			atomic_dec(&prov->nr_stale);
		link->stale = err;
	}
}

/*
 * The KELF index reaches every firmware or none: a provider that refused
 * it (a full table, an allocation that failed) is asked again each time
 * it moves.
 */
static void dr_retry_refused(struct dumpregion *r, struct dr_link *link,
			     const struct dumpregion_layout *view)
{
	struct dumpregion_provider *prov = link->prov;

	if (!r->internal || prov->ops->add(prov, view))
		return;
	link->status = 0;
	atomic_dec(&prov->nr_refused);
	atomic_inc(&prov->nr_accepted);
}

/* Make @r->spare the published layout, described in the KELF index. */
static void dr_swap_layout(struct dumpregion *r)
{
	struct dr_layout *old = dr_cur(r);

	rcu_assign_pointer(r->cur, r->spare);
	r->spare = old;
	if (!r->internal)
		dr_kelf_write(r, dr_cur(r));
}

/*
 * dr_swap_layout() under the KELF lock, which the kelf region's own moves
 * already hold; during a panic the lock is only tried (-EBUSY, nothing
 * changed).
 */
static int dr_swap_locked(struct dumpregion *r)
{
	unsigned long flags;

	if (r->internal) {
		lockdep_assert_held(&dr_kelf_lock);
		dr_swap_layout(r);
		return 0;
	}
	if (!dr_panicking()) {
		spin_lock_irqsave(&dr_kelf_lock, flags);
		dr_swap_layout(r);
		spin_unlock_irqrestore(&dr_kelf_lock, flags);
		return 0;
	}
	if (!spin_trylock_irqsave(&dr_kelf_lock, flags))
		return -EBUSY;
	dr_swap_layout(r);
	spin_unlock_irqrestore(&dr_kelf_lock, flags);
	return 0;
}

/*
 * Publish @r->spare, filled with a new layout, in the KELF index and to
 * every provider that holds the region.  A provider whose update fails
 * drops the region and the failure is recorded as its refusal.  Called
 * with @r->lock held.
 * Return: 0, or -EBUSY during a panic when a stopped CPU holds
 * the KELF lock (nothing is changed then).
 */
static int dr_publish(struct dumpregion *r)
{
	struct dr_layout *old = dr_cur(r), *new = r->spare;
	struct dumpregion_layout old_view, new_view;
	struct dr_link *link;
	int ret;

	lockdep_assert_held(&r->lock);
	ret = dr_swap_locked(r);
	if (ret)
		return ret;
	dr_view(r, old, &old_view);
	dr_view(r, new, &new_view);
	if (dr_panicking()) {
		dr_panic_publish(r, &new_view);
		return 0;
	}

	list_for_each_entry(link, &r->links, node) {
		const struct dumpregion_provider_ops *ops = link->prov->ops;
		struct dumpregion_provider *prov = link->prov;
		int err;

		if (link->status) {
			dr_retry_refused(r, link, &new_view);
			continue;
		}
		if (ops->update) {
			err = ops->update(prov, &new_view);
			if (err)
				ops->remove(prov, &old_view);
		} else {
			ops->remove(prov, &old_view);
			err = ops->add(prov, &new_view);
		}
		if (link->stale) {
			link->stale = 0;
			atomic_dec(&prov->nr_stale);
		}
		if (err) {
			link->status = err;
			atomic_dec(&prov->nr_accepted);
			atomic_inc(&prov->nr_refused);
		}
	}
	return 0;
}

/* Free the links of a region that never became visible. */
static void dr_free_links(struct list_head *links)
{
	struct dr_link *link, *tmp;

	list_for_each_entry_safe(link, tmp, links, node) {
		list_del(&link->node);
		kfree(link);
	}
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

static void dr_sync_providers(void);

/* Frees retired KELF headers once the providers synced. */
static void dr_kelf_free_fn(struct work_struct *work)
{
	struct llist_node *list = dr_kelf_take_retired();

	dr_sync_providers();
	dr_kelf_free_retired(list);
}

static DECLARE_WORK(dr_kelf_free_work, dr_kelf_free_fn);

/*
 * For changes that do not wait for the providers (registration): the old
 * KELF header is freed from a work item, after the providers synced.
 */
static void dr_kelf_done(void *old)
{
	if (!old)
		return;
	dr_kelf_retire(old);
	queue_work(system_unbound_wq, &dr_kelf_free_work);
}

#define DR_MOVABLE	BIT(0)	/* reserve runs for any placement */
#define DR_KELF		BIT(1)	/* the core's KELF index */

static int dr_register(struct module *owner, const char *name,
		       enum dumpregion_kind kind, unsigned long va,
		       phys_addr_t pa, size_t size, unsigned int dr_flags)
{
	struct dumpregion_provider *prov;
	struct dr_link *link, *tmp;
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
	list_for_each_entry(prov, &dumpregion_providers, list) {
		link = kzalloc(sizeof(*link), GFP_KERNEL);
		if (!link) {
			ret = -ENOMEM;
			goto err_free_links;
		}
		link->prov = prov;
		list_add_tail(&link->node, &links);
	}
	ret = xa_alloc_cyclic(&dumpregion_ids, &id, r, xa_limit_31b,
			      &dumpregion_next_id, GFP_KERNEL);
	if (ret < 0)
		goto err_free_links;
	r->id = id;

	spin_lock_irqsave(&r->lock, flags);
	list_for_each_entry_safe(link, tmp, &links, node) {
		list_del(&link->node);
		dr_link_add(r, link, link->prov);
	}
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
	dr_free_links(&links);
err_del_name:
	dr_name_del(r);
err_unlock:
	mutex_unlock(&dumpregion_mutex);
err_free_region:
	kfree(cur);
	dr_free(&r->rcu);
	return ret;
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
	enum dumpregion_kind kind;
	int ret;

	ret = dr_check_name(name);
	if (ret)
		return ret;
	ret = dr_classify((unsigned long)addr, size, &kind);
	if (ret)
		return ret;
	return dr_register(owner, name, kind, (unsigned long)addr, 0, size, 0);
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
	enum dumpregion_kind kind;
	int ret;

	ret = dr_check_name(name);
	if (ret)
		return ret;
	ret = dr_classify((unsigned long)addr, size, &kind);
	if (ret)
		return ret;
	return dr_register(owner, name, kind, (unsigned long)addr, 0, size,
			   DR_MOVABLE);
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
 * Let providers that defer firmware calls catch up.  Called without
 * dumpregion_mutex: a provider waiting for slow firmware (RPC timeouts)
 * holds up only the caller, not every registration.  SRCU keeps each
 * provider alive until its sync returns.
 */
static void dr_sync_providers(void)
{
	struct dumpregion_provider *prov;
	int idx;

	might_sleep();
	lockdep_assert_not_held(&dumpregion_mutex);
	idx = srcu_read_lock(&dr_sync_srcu);
	list_for_each_entry_srcu(prov, &dumpregion_providers, list,
				 srcu_read_lock_held(&dr_sync_srcu))
		if (prov->ops->sync)
			prov->ops->sync(prov);
	srcu_read_unlock(&dr_sync_srcu, idx);
}

/*
 * Unregister @r; the caller rebuilds the KELF index (dr_kelf_shrink()).
 * Called with dumpregion_mutex held.
 */
static void dr_unregister(struct dumpregion *r)
{
	struct dr_link *link, *tmp;
	unsigned long flags;
	LIST_HEAD(links);

	lockdep_assert_held(&dumpregion_mutex);
	xa_erase(&dumpregion_ids, r->id);
	dr_name_del(r);
	list_del_rcu(&r->node);
	spin_lock_irqsave(&r->lock, flags);
	list_for_each_entry_safe(link, tmp, &r->links, node) {
		dr_link_del(r, link);
		list_add(&link->node, &links);
	}
	r->dead = true;
	spin_unlock_irqrestore(&r->lock, flags);
	dr_free_links(&links);
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
	dr_kelf_release(kold);
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
	dr_kelf_release(kold);
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
 * and providers are asked through their panic_update op only; one that
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

/**
 * dumpregion_run_name() - the name firmware should give one run of a region
 * @region: the region, as passed to a provider op
 * @run: index of the run
 * @buf: where to write the name
 * @len: size of @buf
 *
 * A region of one run is named as the region; run k of a region split into
 * several runs is "<name>#<k>".  Names made this way are unique, since
 * region names are unique and cannot contain '#'.
 *
 * Context: any.
 * Return: 0; -EINVAL for a run out of range; -ENAMETOOLONG when @buf is too
 * small (it then holds a truncated name).
 */
int dumpregion_run_name(const struct dumpregion_layout *region,
			unsigned int run, char *buf, size_t len)
{
	int n;

	if (run >= region->nr_runs)
		return -EINVAL;
	if (region->nr_runs == 1)
		n = snprintf(buf, len, "%s", region->name);
	else
		n = snprintf(buf, len, "%s#%u", region->name, run);
	return n < (int)len ? 0 : -ENAMETOOLONG;
}
EXPORT_SYMBOL_NS_GPL(dumpregion_run_name, DUMPREGION);

/* Detach @prov from every region.  Called with dumpregion_mutex held. */
static void dr_detach(struct dumpregion_provider *prov)
{
	struct dr_link *link, *found;
	struct dumpregion *r;
	unsigned long flags;

	lockdep_assert_held(&dumpregion_mutex);
	list_for_each_entry(r, &dumpregion_list, node) {
		found = NULL;
		spin_lock_irqsave(&r->lock, flags);
		list_for_each_entry(link, &r->links, node) {
			if (link->prov == prov) {
				found = link;
				dr_link_del(r, link);
				break;
			}
		}
		spin_unlock_irqrestore(&r->lock, flags);
		kfree(found);
	}
}

/**
 * dumpregion_provider_register() - start publishing regions to a firmware
 * @prov: the provider, with @name and @ops set; @ops->add and @ops->remove
 *	are required
 *
 * @ops->add is called for every region already registered, in the order
 * they were registered, before this returns; from then on the provider
 * follows every change.  Regions the provider refuses stay registered and
 * the refusal is shown in debugfs.
 *
 * Context: may sleep.
 * Return: 0; -EINVAL for a provider without name or required ops; -EBUSY
 * when @prov is already registered; -ENOMEM.
 */
int dumpregion_provider_register(struct dumpregion_provider *prov)
{
	struct dumpregion_provider *p;
	struct dumpregion *r;
	struct dr_link *link;
	unsigned long flags;
	int ret = 0;

	if (!prov || !prov->name || !*prov->name || !prov->ops ||
	    !prov->ops->add || !prov->ops->remove)
		return -EINVAL;

	mutex_lock(&dumpregion_mutex);
	list_for_each_entry(p, &dumpregion_providers, list) {
		if (p == prov) {
			ret = -EBUSY;
			goto out_unlock;
		}
	}
	atomic_set(&prov->nr_accepted, 0);
	atomic_set(&prov->nr_refused, 0);
	atomic_set(&prov->nr_stale, 0);
	list_for_each_entry(r, &dumpregion_list, node) {
		link = kzalloc(sizeof(*link), GFP_KERNEL);
		if (!link) {
			ret = -ENOMEM;
			goto err_detach;
		}
		spin_lock_irqsave(&r->lock, flags);
		dr_link_add(r, link, prov);
		spin_unlock_irqrestore(&r->lock, flags);
	}
	list_add_tail_rcu(&prov->list, &dumpregion_providers);
	mutex_unlock(&dumpregion_mutex);
	return 0;

err_detach:
	dr_detach(prov);
out_unlock:
	mutex_unlock(&dumpregion_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_provider_register);

/**
 * dumpregion_provider_unregister() - stop publishing regions
 * @prov: a registered provider
 *
 * @ops->remove is called for every region the provider holds; the regions
 * stay registered for the other providers and for a later registration.
 * A provider that is not registered is left alone and an error logged.
 *
 * Context: may sleep.
 */
void dumpregion_provider_unregister(struct dumpregion_provider *prov)
{
	struct dumpregion_provider *p;
	bool found = false;

	mutex_lock(&dumpregion_mutex);
	list_for_each_entry(p, &dumpregion_providers, list)
		found |= p == prov;
	if (!found) {
		mutex_unlock(&dumpregion_mutex);
		pr_err("provider %s is not registered: not unregistering it\n",
		       prov && prov->name ? prov->name : "(null)");
		return;
	}
	list_del_rcu(&prov->list);
	dr_detach(prov);
	mutex_unlock(&dumpregion_mutex);
	/* The panic path or a sync may still be walking the provider list. */
	synchronize_rcu();
	synchronize_srcu(&dr_sync_srcu);
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_provider_unregister);

static void dr_devm_provider_release(void *prov)
{
	dumpregion_provider_unregister(prov);
}

/**
 * devm_dumpregion_provider_register() - device-managed provider registration
 * @dev: device whose unbinding unregisters the provider
 * @prov: as for dumpregion_provider_register()
 *
 * Context: may sleep.
 * Return: as for dumpregion_provider_register().
 */
int devm_dumpregion_provider_register(struct device *dev,
				      struct dumpregion_provider *prov)
{
	int ret;

	ret = dumpregion_provider_register(prov);
	if (ret)
		return ret;
	return devm_add_action_or_reset(dev, dr_devm_provider_release, prov);
}
EXPORT_SYMBOL_NS_GPL(devm_dumpregion_provider_register, DUMPREGION);

/**
 * devm_dumpregion_provider_unregister() - unregister a devm provider early
 * @dev: the device given to devm_dumpregion_provider_register()
 * @prov: the provider
 *
 * For a driver's shutdown callback: the provider stops publishing regions
 * now rather than when @dev is unbound.  Call it once, for a provider
 * registered with devm_dumpregion_provider_register() on @dev.
 *
 * Context: may sleep.
 */
void devm_dumpregion_provider_unregister(struct device *dev,
					 struct dumpregion_provider *prov)
{
	devm_release_action(dev, dr_devm_provider_release, prov);
}
EXPORT_SYMBOL_NS_GPL(devm_dumpregion_provider_unregister, DUMPREGION);

/* For the tests: held as a stopped CPU would hold it. */
struct mutex *dumpregion_registration_lock(void)
{
	return &dumpregion_mutex;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_registration_lock);

/*
 * Called from the panic notifier, after the other CPUs were stopped.  No
 * lock is taken: the provider list is RCU-published, so a provider is seen
 * either fully registered or not at all.
 */
void dumpregion_panic_finalise(void)
{
	struct dumpregion_provider *prov;
	int stale;

	rcu_read_lock();
	dr_clients_panic();
	dr_kelf_panic();
	list_for_each_entry_rcu(prov, &dumpregion_providers, list) {
		if (prov->ops->finalise)
			prov->ops->finalise(prov);
		stale = atomic_read(&prov->nr_stale);
		if (stale)
			pr_emerg("%s: %d region(s) keep their layout from before the panic\n",
				 prov->name, stale);
	}
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
	dr_kelf_release(kold);
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

static void dr_show_region(struct seq_file *s, struct dumpregion *r)
{
	const struct dr_layout *l;
	struct dr_link *link;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&r->lock, flags);
	l = dr_cur(r);
	seq_printf(s, "%d %s %s size=%zu runs=%u\n", r->id, r->name,
		   dr_kind_names[l->kind], l->size, l->nr_runs);
	/* Physical addresses only: no kernel virtual layout leaves here. */
	for (i = 0; i < l->nr_runs; i++)
		seq_printf(s, "  run %u: pa=%pa size=%zu\n", i,
			   &l->runs[i].phys, l->runs[i].size);
	list_for_each_entry(link, &r->links, node) {
		if (link->status)
			seq_printf(s, "  %s: refused %d\n", link->prov->name,
				   link->status);
		else if (link->stale)
			seq_printf(s, "  %s: stale %d\n", link->prov->name,
				   link->stale);
		else
			seq_printf(s, "  %s: ok\n", link->prov->name);
	}
	spin_unlock_irqrestore(&r->lock, flags);
}

VISIBLE_IF_KUNIT int dumpregion_regions_show(struct seq_file *s, void *unused)
{
	struct dumpregion *r;

	guard(mutex)(&dumpregion_mutex);
	list_for_each_entry(r, &dumpregion_list, node)
		dr_show_region(s, r);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_regions_show);
DEFINE_SHOW_ATTRIBUTE(dumpregion_regions);

/* How much a dump holds: regions, runs and bytes, the KELF index included. */
VISIBLE_IF_KUNIT int dumpregion_total_show(struct seq_file *s, void *unused)
{
	unsigned int nr = 0, runs = 0;
	const struct dr_layout *l;
	struct dumpregion *r;
	unsigned long flags;
	u64 bytes = 0;

	guard(mutex)(&dumpregion_mutex);
	list_for_each_entry(r, &dumpregion_list, node) {
		spin_lock_irqsave(&r->lock, flags);
		l = dr_cur(r);
		nr++;
		runs += l->nr_runs;
		bytes += l->size;
		spin_unlock_irqrestore(&r->lock, flags);
	}
	seq_printf(s, "regions=%u runs=%u bytes=%llu\n", nr, runs, bytes);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_total_show);
DEFINE_SHOW_ATTRIBUTE(dumpregion_total);

VISIBLE_IF_KUNIT int dumpregion_providers_show(struct seq_file *s,
					       void *unused)
{
	struct dumpregion_provider *prov;

	guard(mutex)(&dumpregion_mutex);
	list_for_each_entry(prov, &dumpregion_providers, list)
		seq_printf(s, "%s accepted=%d refused=%d stale=%d\n",
			   prov->name, atomic_read(&prov->nr_accepted),
			   atomic_read(&prov->nr_refused),
			   atomic_read(&prov->nr_stale));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_providers_show);
DEFINE_SHOW_ATTRIBUTE(dumpregion_providers);

#if DR_TEST_SEAMS
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
	dr_kelf_forget_cpu_regs();
	dr_kelf_restore();
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_undo_panic);
#endif

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
	struct dentry *dir;
	int ret;

	ret = dr_module_init();
	if (ret)
		return ret;
	ret = dr_kelf_setup();
	if (ret)
		pr_warn("no KELF index: %d\n", ret);
	atomic_notifier_chain_register(&panic_notifier_list, &dr_panic_nb);

	dir = debugfs_create_dir("dumpregion", NULL);
	debugfs_create_file("regions", 0400, dir, NULL,
			    &dumpregion_regions_fops);
	debugfs_create_file("providers", 0400, dir, NULL,
			    &dumpregion_providers_fops);
	debugfs_create_file("total", 0400, dir, NULL, &dumpregion_total_fops);
	return 0;
}
subsys_initcall(dumpregion_init);
