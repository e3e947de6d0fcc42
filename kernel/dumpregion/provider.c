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
 * with its moves.  The providers' sync ops, which may wait for slow
 * firmware, run without the mutex, under dr_sync_srcu.  During a panic a
 * provider is called only through panic_update and finalise.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/device.h>
#include <linux/dumpregion.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <kunit/visibility.h>

#include "internal.h"

/* Keeps providers alive while their sync op runs without the mutex. */
DEFINE_STATIC_SRCU(dr_sync_srcu);

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
