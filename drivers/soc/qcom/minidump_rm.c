// SPDX-License-Identifier: GPL-2.0-only
/*
 * Qualcomm minidump provider, Gunyah resource-manager transport.
 *
 * A Linux guest of the Gunyah hypervisor does not own a minidump table:
 * the resource manager (RM) keeps it, and regions are registered by RPC.
 * The RM message queue is shared by every RM service and belongs to the
 * Gunyah RM driver; this transport is one of its clients and reaches the
 * RM only through the struct qcom_md_rm_ops::call the RM driver gives
 * devm_qcom_md_rm_attach() (downstream, gh_rm_call()).  No node of its
 * own selects it: the RM driver, bound to the hypervisor's
 * resource-manager node, attaches it.
 *
 * Each physically contiguous run of a region takes one RM slot.  The
 * payloads, little-endian and packed, follow Qualcomm's downstream RM
 * driver (drivers/virt/gunyah/gh_rm_iface.c: gh_rm_minidump_get_info(),
 * gh_rm_minidump_register_range(), gh_rm_minidump_deregister_slot(),
 * gh_rm_minidump_get_slot_from_name(); the structs gh_minidump_* in
 * drivers/virt/gunyah/gh_rm_drv_private.h):
 *
 *   GET_INFO 0x56000040         u32 reserved
 *                               -> u16 slot count, u16 reserved
 *   REGISTER_RANGE 0x56000041   u64 base, u64 size, u32 { name_size:8,
 *                               name_offset:8, reserved:16 }, name
 *                               -> u16 slot, u16 reserved
 *   DEREGISTER_SLOT 0x56000042  u16 slot, u16 reserved  -> (empty)
 *   GET_SLOT_NUMBER 0x56000043  u32 { name_len:8, reserved:24 },
 *                               u16 starting slot, u16 reserved, name
 *                               -> u16 slot, u16 reserved
 *
 * name_offset counts from the start of the message, the RM driver's 8-byte
 * RPC header included: 28.  Names are sent without a terminating NUL.
 * A reply of any other size is refused, as downstream does.
 *
 * RPCs sleep, while the dump region core calls providers with a spinlock
 * held: add, update and remove only queue work (embedded in the region,
 * so removal cannot fail), which an ordered workqueue carries out, and
 * the sync operation waits for it, so a region's memory is not freed while
 * the RM still lists it.  Slots are tracked per run; RM errors are
 * reported per region.  Tested against an emulated RM only
 * (minidump_rm_test.c): no Gunyah hypervisor runs here.
 */

#include <linux/crash_dump.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/soc/qcom/minidump.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "minidump_internal.h"

static struct qcom_md_rm *to_rm(struct dumpregion_provider *prov)
{
	return container_of(prov, struct qcom_md_rm, prov);
}

/*
 * One RPC whose reply must be exactly @resp_size bytes.  Returns 0;
 * -EREMOTEIO with the RM's code in @rm->last_rm_err; -EPROTO for a reply
 * of another size; the RM driver's errno otherwise.
 */
static int qcom_md_rm_call(struct qcom_md_rm *rm, u32 msg_id, const void *req,
			   size_t req_size, void *resp, size_t resp_size)
{
	u32 rm_err = 0;
	ssize_t n;

	n = rm->ops->call(rm->rm, msg_id, req, req_size, resp, resp_size,
			  &rm_err);
	if (n == -EREMOTEIO)
		rm->last_rm_err = rm_err;
	if (n < 0)
		return n;
	if (n != resp_size) {
		dev_warn(rm->dev, "RM call %#x: reply of %zd bytes, expected %zu\n",
			 msg_id, n, resp_size);
		return -EPROTO;
	}
	return 0;
}

/* A u16 slot and u16 reserved, as every minidump reply but one carries. */
static u16 qcom_md_rm_slot(const u8 *reply)
{
	return get_unaligned_le16(reply);
}

/**
 * qcom_md_rm_find_slot() - GET_SLOT_NUMBER: the slot holding a name
 * @rm: the transport
 * @name: the name, not NUL-terminated
 * @nlen: its length
 * @slot: the slot, on success
 *
 * After a registration timed out the RM may still have carried it out.
 *
 * Context: process context, sleeps.
 * Return: 0, or the error of the call.
 */
VISIBLE_IF_KUNIT int qcom_md_rm_find_slot(struct qcom_md_rm *rm,
					  const char *name, size_t nlen,
					  u16 *slot)
{
	u8 req[QCOM_MD_RM_SLOT_HDR + MINIDUMP_REGION_NAME_LEN] = {};
	u8 reply[QCOM_MD_RM_SLOT_REPLY];
	int ret;

	req[0] = nlen;				/* name_len:8, reserved:24 */
	put_unaligned_le16(0, req + 4);		/* starting slot */
	memcpy(req + QCOM_MD_RM_SLOT_HDR, name, nlen);
	ret = qcom_md_rm_call(rm, QCOM_MD_RM_GET_SLOT_NUMBER, req,
			      QCOM_MD_RM_SLOT_HDR + nlen, reply, sizeof(reply));
	if (!ret)
		*slot = qcom_md_rm_slot(reply);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_rm_find_slot);

/**
 * qcom_md_rm_register_run() - REGISTER_RANGE for one run
 * @rm: the transport
 * @run: the run; its slot is set on success
 *
 * Context: process context, sleeps.
 * Return: 0, or the error of the call.
 */
VISIBLE_IF_KUNIT int qcom_md_rm_register_run(struct qcom_md_rm *rm,
					     struct qcom_md_rm_run *run)
{
	u8 req[QCOM_MD_RM_RANGE_HDR + MINIDUMP_REGION_NAME_LEN] = {};
	size_t nlen = strnlen(run->name, MINIDUMP_REGION_NAME_LEN);
	u8 reply[QCOM_MD_RM_SLOT_REPLY];
	u16 slot = 0;
	int ret;

	put_unaligned_le64(run->phys, req);
	put_unaligned_le64(run->size, req + 8);
	req[16] = nlen;					/* name_size:8 */
	req[17] = QCOM_MD_RM_RPC_HDR + QCOM_MD_RM_RANGE_HDR;	/* name_offset:8 */
	memcpy(req + QCOM_MD_RM_RANGE_HDR, run->name, nlen);
	ret = qcom_md_rm_call(rm, QCOM_MD_RM_REGISTER_RANGE, req,
			      QCOM_MD_RM_RANGE_HDR + nlen, reply, sizeof(reply));
	if (!ret)
		slot = qcom_md_rm_slot(reply);
	else if (ret == -ETIMEDOUT)
		ret = qcom_md_rm_find_slot(rm, run->name, nlen, &slot) ?
		      -ETIMEDOUT : 0;
	if (!ret)
		run->slot = slot;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_rm_register_run);

/**
 * qcom_md_rm_deregister() - DEREGISTER_SLOT
 * @rm: the transport
 * @slot: the slot
 *
 * Context: process context, sleeps.
 * Return: 0, or the error of the call.
 */
VISIBLE_IF_KUNIT int qcom_md_rm_deregister(struct qcom_md_rm *rm, int slot)
{
	u8 req[4] = {};

	put_unaligned_le16(slot, req);
	return qcom_md_rm_call(rm, QCOM_MD_RM_DEREGISTER_SLOT, req, sizeof(req),
			       NULL, 0);
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_rm_deregister);

static void qcom_md_rm_do_add(struct qcom_md_rm *rm, struct qcom_md_rm_region *r)
{
	unsigned int i;
	int ret;

	for (i = 0; i < r->nr_runs; i++) {
		ret = qcom_md_rm_register_run(rm, &r->runs[i]);
		if (ret) {
			r->err = ret;
			dev_warn(rm->dev, "region %s: RM refused %s: %d (RM error %u)\n",
				 r->name, r->runs[i].name, ret,
				 ret == -EREMOTEIO ? rm->last_rm_err : 0);
		}
	}
}

static void qcom_md_rm_do_remove(struct qcom_md_rm *rm,
				 struct qcom_md_rm_region *r)
{
	unsigned int i;
	int ret;

	for (i = 0; i < r->nr_runs; i++) {
		if (r->runs[i].slot < 0)
			continue;
		ret = qcom_md_rm_deregister(rm, r->runs[i].slot);
		if (ret)
			dev_warn(rm->dev, "region %s: cannot free RM slot %d: %d\n",
				 r->name, r->runs[i].slot, ret);
		r->runs[i].slot = -1;
	}
}

static void qcom_md_rm_free(struct qcom_md_rm_region *r)
{
	kfree(r->next);
	kfree(r);
}

static void qcom_md_rm_work(struct work_struct *work)
{
	struct qcom_md_rm *rm = container_of(work, struct qcom_md_rm, work);
	struct qcom_md_rm_region *r;
	struct qcom_md_rm_op *op;
	unsigned long flags;
	unsigned int i;

	for (;;) {
		spin_lock_irqsave(&rm->lock, flags);
		op = list_first_entry_or_null(&rm->ops_queue, struct qcom_md_rm_op, node);
		if (op) {
			list_del(&op->node);
			op->queued = false;
		}
		spin_unlock_irqrestore(&rm->lock, flags);
		if (!op)
			break;
		switch (op->type) {
		case QCOM_MD_RM_ADD:
			qcom_md_rm_do_add(rm, container_of(op, struct qcom_md_rm_region,
							   add_op));
			break;
		case QCOM_MD_RM_MOVE:
			r = container_of(op, struct qcom_md_rm_region, move_op);
			qcom_md_rm_do_remove(rm, r);
			spin_lock_irqsave(&rm->lock, flags);
			for (i = 0; i < r->nr_runs; i++) {
				r->runs[i].phys = r->next[i].phys;
				r->runs[i].size = r->next[i].size;
			}
			spin_unlock_irqrestore(&rm->lock, flags);
			r->err = 0;
			qcom_md_rm_do_add(rm, r);
			break;
		case QCOM_MD_RM_DEL:
			r = container_of(op, struct qcom_md_rm_region, del_op);
			/* Queued after the others: nothing refers to @r any more. */
			qcom_md_rm_do_remove(rm, r);
			qcom_md_rm_free(r);
			break;
		}
	}
}

/* Queue @op unless it is queued; called with rm->lock held. */
static void qcom_md_rm_queue(struct qcom_md_rm *rm, struct qcom_md_rm_op *op)
{
	if (op->queued)
		return;
	op->queued = true;
	list_add_tail(&op->node, &rm->ops_queue);
	queue_work(rm->wq, &rm->work);
}

/* The transport's copy of @l, names made; not yet queued. */
static struct qcom_md_rm_region *qcom_md_rm_alloc(struct qcom_md_rm *rm,
						  const struct dumpregion_layout *l)
{
	char full[DUMPREGION_NAME_MAX + 8];
	struct qcom_md_rm_region *r;
	unsigned int i;
	int ret;

	r = kzalloc(struct_size(r, runs, l->nr_runs), GFP_ATOMIC);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->nr_runs = l->nr_runs;
	r->next = kcalloc(l->nr_runs, sizeof(*r->next), GFP_ATOMIC);
	if (!r->next) {
		ret = -ENOMEM;
		goto err_free;
	}
	r->add_op.type = QCOM_MD_RM_ADD;
	r->move_op.type = QCOM_MD_RM_MOVE;
	r->del_op.type = QCOM_MD_RM_DEL;
	r->id = l->id;
	strscpy(r->name, l->name);
	for (i = 0; i < l->nr_runs; i++) {
		dumpregion_run_name(l, i, full, sizeof(full));
		ret = qcom_md_short_name(rm->prefix, full, r->runs[i].name);
		if (ret)
			goto err_free;
		r->runs[i].phys = l->runs[i].phys;
		r->runs[i].size = l->runs[i].size;
		r->runs[i].slot = -1;
	}
	return r;

err_free:
	qcom_md_rm_free(r);
	return ERR_PTR(ret);
}

/*
 * Put @r in the place of @old (NULL for a new region) and queue the RPCs.
 * Called with rm->lock held.
 */
static int qcom_md_rm_install(struct qcom_md_rm *rm,
			      struct qcom_md_rm_region *r,
			      struct qcom_md_rm_region *old)
{
	unsigned int freed = old ? old->nr_runs : 0;

	if (rm->used - freed + r->nr_runs > rm->nr_slots)
		return -ENOSPC;
	rm->used += r->nr_runs - freed;
	if (old) {
		list_del(&old->node);
		qcom_md_rm_queue(rm, &old->del_op);
	}
	list_add_tail(&r->node, &rm->regions);
	qcom_md_rm_queue(rm, &r->add_op);
	return 0;
}

static int qcom_md_rm_add(struct dumpregion_provider *prov,
			  const struct dumpregion_layout *l, void **cookie)
{
	struct qcom_md_rm *rm = to_rm(prov);
	struct qcom_md_rm_region *r;
	unsigned long flags;
	int ret;

	r = qcom_md_rm_alloc(rm, l);
	if (IS_ERR(r))
		return PTR_ERR(r);
	spin_lock_irqsave(&rm->lock, flags);
	ret = qcom_md_rm_install(rm, r, NULL);
	spin_unlock_irqrestore(&rm->lock, flags);
	if (ret)
		qcom_md_rm_free(r);
	else
		*cookie = r;
	return ret;
}

/*
 * The RM has no call to move a slot: a move is a deregistration and a
 * registration, done by the worker.  A region keeping its number of runs
 * (and so its run names; the KELF index after every registry change)
 * moves without allocating; otherwise a new copy replaces it.
 */
static int qcom_md_rm_update(struct dumpregion_provider *prov,
			     const struct dumpregion_layout *l, void **cookie)
{
	struct qcom_md_rm_region *r = *cookie, *n;
	struct qcom_md_rm *rm = to_rm(prov);
	unsigned long flags;
	unsigned int i;
	int ret;

	spin_lock_irqsave(&rm->lock, flags);
	if (r->nr_runs == l->nr_runs) {
		for (i = 0; i < l->nr_runs; i++) {
			r->next[i].phys = l->runs[i].phys;
			r->next[i].size = l->runs[i].size;
		}
		qcom_md_rm_queue(rm, &r->move_op);
		spin_unlock_irqrestore(&rm->lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&rm->lock, flags);

	/* The core serialises the ops: @r stays until replaced. */
	n = qcom_md_rm_alloc(rm, l);
	if (IS_ERR(n))
		return PTR_ERR(n);
	spin_lock_irqsave(&rm->lock, flags);
	ret = qcom_md_rm_install(rm, n, r);
	spin_unlock_irqrestore(&rm->lock, flags);
	if (ret)
		qcom_md_rm_free(n);
	else
		*cookie = n;
	return ret;
}

/* Queue @r's deregistration.  With rm->lock held. */
static void qcom_md_rm_drop(struct qcom_md_rm *rm, struct qcom_md_rm_region *r)
{
	list_del(&r->node);
	rm->used -= r->nr_runs;
	qcom_md_rm_queue(rm, &r->del_op);
}

static void qcom_md_rm_remove(struct dumpregion_provider *prov,
			      const struct dumpregion_layout *l, void *cookie)
{
	struct qcom_md_rm *rm = to_rm(prov);
	unsigned long flags;

	/* No allocation: the removal is part of the region since its add. */
	spin_lock_irqsave(&rm->lock, flags);
	qcom_md_rm_drop(rm, cookie);
	spin_unlock_irqrestore(&rm->lock, flags);
}

static void qcom_md_rm_sync(struct dumpregion_provider *prov)
{
	flush_work(&to_rm(prov)->work);
}

/*
 * Reboot, kexec and unbind: free every slot, so that the RM does not dump
 * the next kernel's memory under this one's names.  A crash kernel started
 * by a panic does not come here and finds the slots intact.
 */
static void qcom_md_rm_withdraw(struct dumpregion_provider *prov)
{
	struct qcom_md_rm *rm = to_rm(prov);
	struct qcom_md_rm_region *r, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&rm->lock, flags);
	list_for_each_entry_safe(r, tmp, &rm->regions, node)
		qcom_md_rm_drop(rm, r);
	spin_unlock_irqrestore(&rm->lock, flags);
	flush_work(&rm->work);
}

/* Not DUMPREGION_PANIC_UPDATE: RPCs cannot run at panic (moves are stale). */
static const struct dumpregion_provider_ops qcom_md_rm_ops = {
	.add = qcom_md_rm_add,
	.remove = qcom_md_rm_remove,
	.update = qcom_md_rm_update,
	.sync = qcom_md_rm_sync,
	.withdraw = qcom_md_rm_withdraw,
};

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * qcom_md_rm_region_error() - the RM's verdict on a region (for tests)
 * @rm: the transport
 * @id: dump region id
 *
 * Context: after qcom_md_rm_sync(), may sleep.
 * Return: 0 when every run of the region holds an RM slot, the first RPC
 * error otherwise, -ENOENT for a region the transport does not hold.
 */
VISIBLE_IF_KUNIT int qcom_md_rm_region_error(struct qcom_md_rm *rm, int id)
{
	struct qcom_md_rm_region *r;
	unsigned long flags;
	int ret = -ENOENT;

	spin_lock_irqsave(&rm->lock, flags);
	list_for_each_entry(r, &rm->regions, node)
		if (r->id == id)
			ret = r->err;
	spin_unlock_irqrestore(&rm->lock, flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_rm_region_error);
#endif

static void qcom_md_rm_stop(void *data)
{
	struct qcom_md_rm *rm = data;

	destroy_workqueue(rm->wq);
}

/**
 * __devm_qcom_md_rm_attach() - devm_qcom_md_rm_attach(), returning the state
 * @dev: as for devm_qcom_md_rm_attach()
 * @ops: as for devm_qcom_md_rm_attach()
 * @rm: as for devm_qcom_md_rm_attach()
 * @prefix: as for devm_qcom_md_rm_attach()
 *
 * Context: may sleep.
 * Return: the transport, or an ERR_PTR() as devm_qcom_md_rm_attach() fails.
 */
VISIBLE_IF_KUNIT struct qcom_md_rm *
__devm_qcom_md_rm_attach(struct device *dev, const struct qcom_md_rm_ops *ops,
			 void *rm, const char *prefix)
{
	u8 req[4] = {}, reply[4];
	struct qcom_md_rm *md;
	int ret;

	if (!ops || !ops->call)
		return ERR_PTR(-EINVAL);
	/* The crashed kernel's registrations stay for the dump. */
	if (is_kdump_kernel())
		return ERR_PTR(-ENODEV);
	md = devm_kzalloc(dev, sizeof(*md), GFP_KERNEL);
	if (!md)
		return ERR_PTR(-ENOMEM);
	if (prefix && strscpy(md->prefix, prefix) < 0)
		return ERR_PTR(-ENAMETOOLONG);
	md->dev = dev;
	md->ops = ops;
	md->rm = rm;
	spin_lock_init(&md->lock);
	INIT_LIST_HEAD(&md->regions);
	INIT_LIST_HEAD(&md->ops_queue);
	INIT_WORK(&md->work, qcom_md_rm_work);
	md->wq = alloc_ordered_workqueue("qcom_md_rm", 0);
	if (!md->wq)
		return ERR_PTR(-ENOMEM);
	ret = devm_add_action_or_reset(dev, qcom_md_rm_stop, md);
	if (ret)
		return ERR_PTR(ret);
	ret = qcom_md_rm_call(md, QCOM_MD_RM_GET_INFO, req, sizeof(req), reply,
			      sizeof(reply));
	if (ret)
		return ERR_PTR(ret);
	md->nr_slots = qcom_md_rm_slot(reply);
	if (!md->nr_slots)
		return ERR_PTR(-ENODEV);
	md->prov.name = dev_name(dev);
	md->prov.ops = &qcom_md_rm_ops;
	md->prov.dev = dev;
	ret = devm_dumpregion_provider_register(dev, &md->prov);
	return ret ? ERR_PTR(ret) : md;
}
EXPORT_SYMBOL_IF_KUNIT(__devm_qcom_md_rm_attach);

/**
 * devm_qcom_md_rm_attach() - publish dump regions through the Gunyah RM
 * @dev: the RM driver's device for this service; the provider lives as
 *	long as it stays bound
 * @ops: the RM driver's call into the RM (see struct qcom_md_rm_ops)
 * @rm: the RM driver's handle, passed back to @ops
 * @prefix: prepended to every region name (e.g. "<vmid>_"), or NULL
 *
 * For the Gunyah RM driver, which owns the RM message queue: asks the RM
 * how many minidump slots it offers, then registers a dump region provider
 * that receives every region already registered and follows every change.
 *
 * Context: may sleep.
 * Return: 0; -ENODEV when the RM offers no slot; -ENAMETOOLONG for a
 * prefix longer than 7 characters; the RM call's errno; -ENOMEM.
 */
int devm_qcom_md_rm_attach(struct device *dev, const struct qcom_md_rm_ops *ops,
			   void *rm, const char *prefix)
{
	return PTR_ERR_OR_ZERO(__devm_qcom_md_rm_attach(dev, ops, rm, prefix));
}
EXPORT_SYMBOL_NS_GPL(devm_qcom_md_rm_attach, QCOM_MINIDUMP);
