// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump regions: the providers, which tell firmware about the regions.
 *
 * Each region has one link per provider (struct dr_link): the provider
 * publishes the region, or refused it with an errno (never offered again,
 * but for the KELF index, which is retried at each of its moves), or is
 * stale (it could not follow a move at panic).  A provider registered late
 * is offered every region already registered, in registration order; the
 * KELF index comes first.
 *
 * Links are created and removed with dumpregion_mutex held; the provider
 * ops for a region run under that region's lock, which serialises them
 * with its moves, and under the provider's own lock, which serialises a
 * provider's ops for all regions (only tried during a panic).  The
 * providers' sync ops, which may wait for slow firmware, run without
 * either, under dr_sync_srcu.  During a panic a provider is called only
 * through update (if it is marked panic-safe) and finalise.  Withdrawal,
 * at reboot or after unregistration, stops every op for good.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/device.h>
#include <linux/dumpregion.h>
#include <linux/io.h>
#include <linux/jhash.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/rculist.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <kunit/visibility.h>

#include "internal.h"

/* Keeps providers alive while their sync op runs without the mutex. */
DEFINE_STATIC_SRCU(dr_sync_srcu);

/*
 * The provider ops, each under the provider's lock (irqs are off: the
 * region lock is held).  A withdrawn provider is called no more.
 */
static int dr_call_add(struct dr_link *link,
		       const struct dumpregion_layout *view)
{
	struct dumpregion_provider *prov = link->prov;
	int ret = -ESHUTDOWN;

	spin_lock(&prov->lock);
	link->cookie = NULL;
	if (!prov->withdrawn)
		ret = prov->ops->add(prov, view, &link->cookie);
	spin_unlock(&prov->lock);
	return ret;
}

static void dr_call_remove(struct dr_link *link,
			   const struct dumpregion_layout *view)
{
	struct dumpregion_provider *prov = link->prov;

	spin_lock(&prov->lock);
	if (!prov->withdrawn)
		prov->ops->remove(prov, view, link->cookie);
	spin_unlock(&prov->lock);
}

/* A move from @old to @new; on error the provider holds the region no more. */
static int dr_call_update(struct dr_link *link,
			  const struct dumpregion_layout *old,
			  const struct dumpregion_layout *new)
{
	struct dumpregion_provider *prov = link->prov;
	const struct dumpregion_provider_ops *ops = prov->ops;
	int err = 0;

	spin_lock(&prov->lock);
	if (prov->withdrawn)
		goto out_unlock;
	if (ops->update) {
		err = ops->update(prov, new, &link->cookie);
		if (err)
			ops->remove(prov, old, link->cookie);
	} else {
		ops->remove(prov, old, link->cookie);
		link->cookie = NULL;
		err = ops->add(prov, new, &link->cookie);
	}
out_unlock:
	spin_unlock(&prov->lock);
	return err;
}

/*
 * The same at panic: the lock only tried, nothing removed.  Return: 0, or
 * why the provider keeps the old layout.
 */
static int dr_call_panic_update(struct dr_link *link,
				const struct dumpregion_layout *new)
{
	struct dumpregion_provider *prov = link->prov;
	int err = 0;

	if (!prov->ops->update || !(prov->ops->flags & DUMPREGION_PANIC_UPDATE))
		return -EOPNOTSUPP;
	if (!spin_trylock(&prov->lock))
		return -EBUSY;
	if (!prov->withdrawn)
		err = prov->ops->update(prov, new, &link->cookie);
	spin_unlock(&prov->lock);
	return err;
}

/* @link's provider refused @r with @err (said once: a refusal is final). */
static void dr_refused(struct dumpregion *r, struct dr_link *link, int err)
{
	struct dumpregion_provider *prov = link->prov;

	link->status = err;
	atomic_inc(&prov->nr_refused);
	if (err != -ESHUTDOWN)
		pr_warn_ratelimited("%s refused region %s: %pe\n", prov->name,
				    r->name, ERR_PTR(err));
}

/* Offer @r to @prov through @link.  Called with @r->lock held. */
static void dr_link_add(struct dumpregion *r, struct dr_link *link,
			struct dumpregion_provider *prov)
{
	struct dumpregion_layout view;
	int err;

	lockdep_assert_held(&r->lock);
	dr_view(r, dr_cur(r), &view);
	link->prov = prov;
	link->status = 0;
	err = dr_call_add(link, &view);
	if (err)
		dr_refused(r, link, err);
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
		dr_call_remove(link, &view);
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
		err = dr_call_panic_update(link, view);
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

	if (!r->internal || dr_call_add(link, view))
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
int dr_publish(struct dumpregion *r)
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
		struct dumpregion_provider *prov = link->prov;
		int err;

		if (link->status) {
			dr_retry_refused(r, link, &new_view);
			continue;
		}
		err = dr_call_update(link, &old_view, &new_view);
		if (link->stale) {
			link->stale = 0;
			atomic_dec(&prov->nr_stale);
		}
		if (err) {
			atomic_dec(&prov->nr_accepted);
			dr_refused(r, link, err);
		}
	}
	return 0;
}

/* Free links that are on no region (any more). */
void dr_links_free(struct list_head *links)
{
	struct dr_link *link, *tmp;

	list_for_each_entry_safe(link, tmp, links, node) {
		list_del(&link->node);
		kfree(link);
	}
}

/* One link per registered provider, in @links, for dr_links_offer(). */
int dr_links_alloc(struct list_head *links)
{
	struct dumpregion_provider *prov;
	struct dr_link *link;

	lockdep_assert_held(&dumpregion_mutex);
	list_for_each_entry(prov, &dumpregion_providers, list) {
		link = kzalloc(sizeof(*link), GFP_KERNEL);
		if (!link) {
			dr_links_free(links);
			return -ENOMEM;
		}
		link->prov = prov;
		list_add_tail(&link->node, links);
	}
	return 0;
}

/* Offer @r to each provider, through the links of dr_links_alloc(). */
void dr_links_offer(struct dumpregion *r, struct list_head *links)
{
	struct dr_link *link, *tmp;

	lockdep_assert_held(&dumpregion_mutex);
	lockdep_assert_held(&r->lock);
	list_for_each_entry_safe(link, tmp, links, node) {
		list_del(&link->node);
		dr_link_add(r, link, link->prov);
	}
}

/* Withdraw @r from every provider; its links go to @links, to be freed. */
void dr_links_withdraw(struct dumpregion *r, struct list_head *links)
{
	struct dr_link *link, *tmp;

	lockdep_assert_held(&dumpregion_mutex);
	lockdep_assert_held(&r->lock);
	list_for_each_entry_safe(link, tmp, &r->links, node) {
		dr_link_del(r, link);
		list_add(&link->node, links);
	}
}

/*
 * Let providers that defer firmware calls catch up.  Called without
 * dumpregion_mutex: a provider waiting for slow firmware (RPC timeouts)
 * holds up only the caller, not every registration.  SRCU keeps each
 * provider alive until its sync returns.
 */
void dr_sync_providers(void)
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

/*
 * Stop calling @prov's ops, then let it withdraw its table, once.  The
 * flag is set under the provider lock, so no op is under way after it.
 */
static void dr_withdraw(struct dumpregion_provider *prov)
{
	unsigned long flags;
	bool was;

	spin_lock_irqsave(&prov->lock, flags);
	was = prov->withdrawn;
	prov->withdrawn = true;
	spin_unlock_irqrestore(&prov->lock, flags);
	if (!was && prov->ops->withdraw)
		prov->ops->withdraw(prov);
}

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
	spin_lock_init(&prov->lock);
	prov->withdrawn = false;
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
 * @ops->remove is called for every region the provider holds, then
 * @ops->withdraw (unless the table was withdrawn at reboot already); the
 * regions stay registered for the other providers and for a later
 * registration.  A provider that is not registered is left alone and an
 * error logged.
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
	dr_withdraw(prov);
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
 * dumpregion_provider_stats() - what a provider made of the regions
 * @prov: a registered provider
 * @st: filled with its counters
 *
 * For debugfs-like reports and KUnit suites; the counters move while
 * regions come and go.
 *
 * Context: any.
 */
void dumpregion_provider_stats(struct dumpregion_provider *prov,
			       struct dumpregion_provider_stats *st)
{
	st->accepted = atomic_read(&prov->nr_accepted);
	st->refused = atomic_read(&prov->nr_refused);
	st->stale = atomic_read(&prov->nr_stale);
	st->withdrawn = READ_ONCE(prov->withdrawn);
}
EXPORT_SYMBOL_NS_GPL(dumpregion_provider_stats, DUMPREGION);

/**
 * dumpregion_fit_name() - fit a run name into a firmware's name field
 * @full: the name, as dumpregion_run_name() made it
 * @buf: the field, @len bytes, NUL-padded on return
 * @len: its size, NUL included, at least 7
 *
 * A name that fits is copied as is; a longer one becomes its first
 * characters, '~' and four hex digits of a hash of the whole name, @len - 1
 * characters in all.  Two long names sharing their start then differ
 * unless their hashes collide (one in 65536).
 *
 * Context: any.
 * Return: 0, or -EINVAL when @len leaves no room for the hash.
 */
int dumpregion_fit_name(const char *full, char *buf, size_t len)
{
	size_t flen = strlen(full), room = len - 1;

	if (len < 7)
		return -EINVAL;
	memset(buf, 0, len);
	if (flen <= room)
		memcpy(buf, full, flen);
	else
		snprintf(buf, len, "%.*s~%04x", (int)(room - 5), full,
			 jhash(full, flen, 0) & 0xffff);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dumpregion_fit_name, DUMPREGION);

/**
 * devm_dumpregion_map_carveout() - map a provider's reserved-memory carve-out
 * @pdev: the device of a /reserved-memory child node (its compatible must be
 *	in drivers/of/platform.c's reserved_mem_matches[] to get one)
 * @min_size: the smallest carve-out the provider works with
 * @size: set to the carve-out's size
 *
 * The node must be no-map: mapped RAM cannot be remapped uncached.  The
 * carve-out is mapped write-combined, so what the kernel writes reaches RAM
 * in order without cache maintenance at panic.  Each failure is reported
 * against @pdev.
 *
 * Context: process context, may sleep.
 * Return: the mapping, or an ERR_PTR(): -EINVAL for a missing reg, a node
 * without no-map or a carve-out below @min_size; the mapping's error.
 */
void *devm_dumpregion_map_carveout(struct platform_device *pdev,
				   size_t min_size, size_t *size)
{
	struct device *dev = &pdev->dev;
	struct resource *res;
	void *base;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res) {
		dev_err(dev, "no reg in the reserved-memory node\n");
		return ERR_PTR(-EINVAL);
	}
	if (!of_property_read_bool(dev->of_node, "no-map")) {
		dev_err(dev, "the carve-out must be no-map\n");
		return ERR_PTR(-EINVAL);
	}
	if (resource_size(res) < min_size) {
		dev_err(dev, "carve-out %pR is too small: at least %zu bytes needed\n",
			res, min_size);
		return ERR_PTR(-EINVAL);
	}
	base = devm_memremap(dev, res->start, resource_size(res), MEMREMAP_WC);
	if (IS_ERR(base)) {
		dev_err(dev, "cannot map %pR: %pe\n", res, base);
		return base;
	}
	*size = resource_size(res);
	return base;
}
EXPORT_SYMBOL_NS_GPL(devm_dumpregion_map_carveout, DUMPREGION);

/*
 * At panic, after the moves: each provider's finalise op, under its lock
 * if the lock can be had (a CPU stopped inside an op holds it: the table
 * is then left as that op left it, which the op rules keep consistent).
 */
void dr_providers_finalise(void)
{
	struct dumpregion_provider *prov;
	int stale;

	list_for_each_entry_rcu(prov, &dumpregion_providers, list) {
		if (prov->ops->finalise && spin_trylock(&prov->lock)) {
			if (!prov->withdrawn)
				prov->ops->finalise(prov);
			spin_unlock(&prov->lock);
		}
		stale = atomic_read(&prov->nr_stale);
		if (stale)
			pr_emerg("%s: %d region(s) keep their layout from before the panic\n",
				 prov->name, stale);
	}
}

/*
 * Reboot, power-off and kexec (kernel_restart_prepare() and friends run the
 * reboot notifiers): every provider withdraws its table, so that firmware
 * does not dump the next kernel's memory under this one's names.  A crash
 * kernel started by a panic does not come here and finds the tables.
 */
static int dr_reboot_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct dumpregion_provider *prov;

	mutex_lock(&dumpregion_mutex);
	list_for_each_entry(prov, &dumpregion_providers, list)
		dr_withdraw(prov);
	mutex_unlock(&dumpregion_mutex);
	return NOTIFY_DONE;
}

static struct notifier_block dr_reboot_nb = {
	.notifier_call = dr_reboot_notify,
};

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * dumpregion_provider_withdraw() - withdraw a provider as a reboot does
 * @prov: a registered provider
 *
 * KUnit only: what the reboot notifier does for each provider.
 *
 * Context: may sleep.
 */
void dumpregion_provider_withdraw(struct dumpregion_provider *prov)
{
	mutex_lock(&dumpregion_mutex);
	dr_withdraw(prov);
	mutex_unlock(&dumpregion_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_provider_withdraw);
#endif

static int __init dr_provider_init(void)
{
	return register_reboot_notifier(&dr_reboot_nb);
}
subsys_initcall(dr_provider_init);
