// SPDX-License-Identifier: GPL-2.0-only
/*
 * Qualcomm minidump provider, Gunyah resource-manager transport.
 *
 * A Linux guest of the Gunyah hypervisor does not own a minidump table:
 * the resource manager (RM) keeps it, and regions are registered by RPC
 * over the RM's message queue, which Linux sees as a mailbox channel.
 * Each physically contiguous run of a region takes one RM slot:
 *
 *   GET_INFO          u32 reserved                    -> u16 slot count
 *   REGISTER_RANGE    u64 base, u64 size, u8 name_size,
 *                     u8 name_offset, name            -> u16 slot
 *   DEREGISTER_SLOT   u16 slot                        -> (nothing)
 *   GET_SLOT_NUMBER   u8 name length, u16 first slot,
 *                     name                            -> u16 slot
 *
 * Every message starts with the RM RPC header (API version and header
 * size, message type, sequence number, message id); replies add the RM's
 * error code.  RPCs sleep, while the dump region core calls providers with
 * a spinlock held: add and remove only queue work, which a workqueue
 * carries out in order, and the sync operation waits for it, so a region's
 * memory is not freed while the RM still lists it.  Slots are tracked per
 * run; RM errors are reported per region.  Tested against an emulated RM
 * only (minidump_rm_test.c): no Gunyah hypervisor runs here.
 */

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/mailbox_client.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "minidump_internal.h"

#define QCOM_MD_RM_TIMEOUT	(5 * HZ)

static struct qcom_md_rm *to_rm(struct dumpregion_provider *prov)
{
	return container_of(prov, struct qcom_md_rm, prov);
}

/* The RM's reply to the call in flight; others are dropped. */
static void qcom_md_rm_rx(struct mbox_client *cl, void *data)
{
	struct qcom_md_rm *rm = container_of(cl, struct qcom_md_rm, cl);
	const struct qcom_md_rm_msg *msg = data;
	const struct qcom_md_rm_hdr *h = (const void *)msg->data;

	if (msg->len < sizeof(*h) + 4 || msg->len > sizeof(msg->data) ||
	    h->type != QCOM_MD_RM_TYPE_REPLY ||
	    le16_to_cpu(h->seq) != rm->seq) {
		dev_warn(rm->dev, "unexpected RM message dropped\n");
		return;
	}
	rm->reply = *msg;
	complete(&rm->done);
}

/**
 * qcom_md_rm_call() - one RPC to the resource manager
 * @rm: the transport
 * @msg_id: message id
 * @req: request payload
 * @req_len: its length
 * @resp: reply payload, or NULL
 * @resp_len: reply payload bytes expected
 *
 * Context: process context, sleeps; serialised by the caller.
 * Return: 0; -ETIMEDOUT without a reply; -EREMOTEIO when the RM answered
 * an error (its code in @rm->last_rm_err); -EPROTO for a malformed reply.
 */
VISIBLE_IF_KUNIT int qcom_md_rm_call(struct qcom_md_rm *rm, u32 msg_id,
				     const void *req, size_t req_len,
				     void *resp, size_t resp_len)
{
	struct qcom_md_rm_hdr *h = (void *)rm->req.data;
	const struct qcom_md_rm_hdr *rh = (const void *)rm->reply.data;
	u32 err;
	int ret;

	if (sizeof(*h) + req_len > sizeof(rm->req.data))
		return -EMSGSIZE;
	rm->seq++;
	h->api = QCOM_MD_RM_API;
	h->type = QCOM_MD_RM_TYPE_REQUEST;
	h->seq = cpu_to_le16(rm->seq);
	h->msg_id = cpu_to_le32(msg_id);
	memcpy(rm->req.data + sizeof(*h), req, req_len);
	rm->req.len = sizeof(*h) + req_len;
	reinit_completion(&rm->done);
	ret = mbox_send_message(rm->chan, &rm->req);
	if (ret < 0)
		return ret;
	if (!wait_for_completion_timeout(&rm->done, rm->timeout)) {
		/* A late reply for this sequence number is dropped. */
		rm->seq++;
		return -ETIMEDOUT;
	}
	if (le32_to_cpu(rh->msg_id) != msg_id)
		return -EPROTO;
	err = get_unaligned_le32(rm->reply.data + sizeof(*rh));
	if (err) {
		rm->last_rm_err = err;
		return -EREMOTEIO;
	}
	if (rm->reply.len < sizeof(*rh) + 4 + resp_len)
		return -EPROTO;
	if (resp_len)
		memcpy(resp, rm->reply.data + sizeof(*rh) + 4, resp_len);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_rm_call);

/*
 * After a call timed out, the RM may still have carried it out: ask it for
 * the slot holding @name.  Returns 0 with *@slot, or -ETIMEDOUT when the
 * RM does not know the name (or still does not answer).
 */
static int qcom_md_rm_find_slot(struct qcom_md_rm *rm, const char *name,
				size_t nlen, __le16 *slot)
{
	u8 req[1 + 2 + MINIDUMP_REGION_NAME_LEN];

	req[0] = nlen;
	put_unaligned_le16(0, req + 1);		/* from the first slot */
	memcpy(req + 3, name, nlen);
	if (qcom_md_rm_call(rm, QCOM_MD_RM_GET_SLOT_NUMBER, req, 3 + nlen,
			    slot, sizeof(*slot)))
		return -ETIMEDOUT;
	return 0;
}

static int qcom_md_rm_register_run(struct qcom_md_rm *rm,
				   struct qcom_md_rm_run *run)
{
	u8 req[8 + 8 + 1 + 1 + MINIDUMP_REGION_NAME_LEN];
	size_t nlen = strnlen(run->name, MINIDUMP_REGION_NAME_LEN);
	__le16 slot;
	int ret;

	put_unaligned_le64(run->phys, req);
	put_unaligned_le64(run->size, req + 8);
	req[16] = nlen;
	req[17] = 18;		/* the name follows these fields */
	memcpy(req + 18, run->name, nlen);
	ret = qcom_md_rm_call(rm, QCOM_MD_RM_REGISTER_RANGE, req, 18 + nlen,
			      &slot, sizeof(slot));
	if (ret == -ETIMEDOUT)
		ret = qcom_md_rm_find_slot(rm, run->name, nlen, &slot) ?: 0;
	if (!ret)
		run->slot = le16_to_cpu(slot);
	return ret;
}

static int qcom_md_rm_deregister(struct qcom_md_rm *rm, int slot)
{
	__le16 req = cpu_to_le16(slot);

	return qcom_md_rm_call(rm, QCOM_MD_RM_DEREGISTER_SLOT, &req,
			       sizeof(req), NULL, 0);
}

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
		op = list_first_entry_or_null(&rm->ops, struct qcom_md_rm_op, node);
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
	list_add_tail(&op->node, &rm->ops);
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
			  const struct dumpregion_layout *l)
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
	return ret;
}

static struct qcom_md_rm_region *qcom_md_rm_find(struct qcom_md_rm *rm, int id)
{
	struct qcom_md_rm_region *r;

	list_for_each_entry(r, &rm->regions, node)
		if (r->id == id)
			return r;
	return NULL;
}

/*
 * The RM has no call to move a slot: a move is a deregistration and a
 * registration, done by the worker.  A region keeping its number of runs
 * (and so its run names; the KELF index after every registry change)
 * moves without allocating; otherwise a new copy replaces it.
 */
static int qcom_md_rm_update(struct dumpregion_provider *prov,
			     const struct dumpregion_layout *l)
{
	struct qcom_md_rm *rm = to_rm(prov);
	struct qcom_md_rm_region *r, *n;
	unsigned long flags;
	unsigned int i;
	int ret;

	spin_lock_irqsave(&rm->lock, flags);
	r = qcom_md_rm_find(rm, l->id);
	if (r && r->nr_runs == l->nr_runs) {
		for (i = 0; i < l->nr_runs; i++) {
			r->next[i].phys = l->runs[i].phys;
			r->next[i].size = l->runs[i].size;
		}
		qcom_md_rm_queue(rm, &r->move_op);
		spin_unlock_irqrestore(&rm->lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&rm->lock, flags);
	if (!r)
		return -ENOENT;

	/* The core serialises ops per region: @r stays until replaced. */
	n = qcom_md_rm_alloc(rm, l);
	if (IS_ERR(n))
		return PTR_ERR(n);
	spin_lock_irqsave(&rm->lock, flags);
	ret = qcom_md_rm_install(rm, n, r);
	spin_unlock_irqrestore(&rm->lock, flags);
	if (ret)
		qcom_md_rm_free(n);
	return ret;
}

static void qcom_md_rm_remove(struct dumpregion_provider *prov,
			      const struct dumpregion_layout *l)
{
	struct qcom_md_rm *rm = to_rm(prov);
	struct qcom_md_rm_region *r;
	unsigned long flags;

	/* No allocation: the removal is part of the region since its add. */
	spin_lock_irqsave(&rm->lock, flags);
	r = qcom_md_rm_find(rm, l->id);
	if (r) {
		list_del(&r->node);
		rm->used -= r->nr_runs;
		qcom_md_rm_queue(rm, &r->del_op);
	}
	spin_unlock_irqrestore(&rm->lock, flags);
}

static void qcom_md_rm_sync(struct dumpregion_provider *prov)
{
	flush_work(&to_rm(prov)->work);
}

static const struct dumpregion_provider_ops qcom_md_rm_ops = {
	.add = qcom_md_rm_add,
	.remove = qcom_md_rm_remove,
	.update = qcom_md_rm_update,
	/* no panic_update: RPCs cannot run at panic (regions moved then are stale) */
	.sync = qcom_md_rm_sync,
};

/**
 * qcom_md_rm_region_error() - the RM's verdict on a region
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

static void qcom_md_rm_stop(void *data)
{
	struct qcom_md_rm *rm = data;

	destroy_workqueue(rm->wq);
}

/**
 * devm_qcom_md_rm_register() - publish dump regions through the Gunyah RM
 * @dev: device the provider's lifetime is tied to
 * @rm: zeroed transport state, @rm->prefix set by the caller
 * @chan: mailbox channel to the RM, bound to @rm->cl (whose rx_callback
 *	this sets) by the caller
 *
 * Asks the RM how many slots it offers, then registers the provider,
 * which receives every dump region already registered.
 *
 * Context: may sleep.
 * Return: 0 or a negative errno (-ENODEV when the RM offers no slot).
 */
VISIBLE_IF_KUNIT int devm_qcom_md_rm_register(struct device *dev,
					      struct qcom_md_rm *rm,
					      struct mbox_chan *chan)
{
	__le32 req = 0;
	__le16 slots;
	int ret;

	rm->dev = dev;
	rm->chan = chan;
	rm->cl.rx_callback = qcom_md_rm_rx;
	spin_lock_init(&rm->lock);
	INIT_LIST_HEAD(&rm->regions);
	INIT_LIST_HEAD(&rm->ops);
	INIT_WORK(&rm->work, qcom_md_rm_work);
	init_completion(&rm->done);
	if (!rm->timeout)
		rm->timeout = QCOM_MD_RM_TIMEOUT;
	rm->wq = alloc_ordered_workqueue("qcom_md_rm", 0);
	if (!rm->wq)
		return -ENOMEM;
	ret = devm_add_action_or_reset(dev, qcom_md_rm_stop, rm);
	if (ret)
		return ret;
	ret = qcom_md_rm_call(rm, QCOM_MD_RM_GET_INFO, &req, sizeof(req),
			      &slots, sizeof(slots));
	if (ret)
		return ret;
	rm->nr_slots = le16_to_cpu(slots);
	if (!rm->nr_slots)
		return -ENODEV;
	rm->prov.name = dev_name(dev);
	rm->prov.ops = &qcom_md_rm_ops;
	rm->prov.dev = dev;
	return devm_dumpregion_provider_register(dev, &rm->prov);
}
EXPORT_SYMBOL_IF_KUNIT(devm_qcom_md_rm_register);

static void qcom_md_rm_free_chan(void *data)
{
	mbox_free_channel(data);
}

static int qcom_md_rm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct mbox_chan *chan;
	struct qcom_md_rm *rm;
	u32 vmid;
	int ret;

	rm = devm_kzalloc(dev, sizeof(*rm), GFP_KERNEL);
	if (!rm)
		return -ENOMEM;
	if (!of_property_read_u32(dev->of_node, "qcom,vmid", &vmid)) {
		snprintf(rm->prefix, sizeof(rm->prefix), "%u_", vmid);
		if (strlen(rm->prefix) + 6 > QCOM_MD_NAME_CHARS)
			return dev_err_probe(dev, -EINVAL, "qcom,vmid %u too long for names\n",
					     vmid);
	}
	rm->cl.dev = dev;
	rm->cl.tx_block = false;
	chan = mbox_request_channel(&rm->cl, 0);
	if (IS_ERR(chan))
		return dev_err_probe(dev, PTR_ERR(chan), "no channel to the resource manager\n");
	ret = devm_add_action_or_reset(dev, qcom_md_rm_free_chan, chan);
	if (ret)
		return ret;
	ret = devm_qcom_md_rm_register(dev, rm, chan);
	if (ret)
		return dev_err_probe(dev, ret, "resource manager refused minidump\n");
	platform_set_drvdata(pdev, rm);
	dev_dbg(dev, "%u RM slots\n", rm->nr_slots);
	return 0;
}

static const struct of_device_id qcom_md_rm_of_match[] = {
	{ .compatible = "qcom,minidump-gunyah-rm" },
	{}
};
MODULE_DEVICE_TABLE(of, qcom_md_rm_of_match);

/* Withdraw every slot before a reboot or kexec (see qcom_md_shutdown()). */
static void qcom_md_rm_shutdown(struct platform_device *pdev)
{
	struct qcom_md_rm *rm = platform_get_drvdata(pdev);

	devm_dumpregion_provider_unregister(&pdev->dev, &rm->prov);
	flush_work(&rm->work);
}

struct platform_driver qcom_md_rm_driver = {
	.probe = qcom_md_rm_probe,
	.shutdown = qcom_md_rm_shutdown,
	.driver = {
		.name = "qcom-minidump-gunyah-rm",
		.of_match_table = qcom_md_rm_of_match,
	},
};
