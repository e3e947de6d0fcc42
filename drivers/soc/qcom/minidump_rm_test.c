// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the minidump Gunyah RM transport, against an emulated
 * resource manager: a mailbox controller that decodes every message byte
 * by byte, keeps its own slot table, and can be told to fail, run out of
 * slots or answer late.  No Gunyah hypervisor runs here; this emulation
 * is all the transport has been tested against.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/dumpregion.h>
#include <linux/mailbox_controller.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

#include "minidump_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define EMU_SLOTS	256
#define EMU_ERR_NOSLOT	0x10	/* RM error codes the emulator answers */
#define EMU_ERR_BADSLOT	0x11

struct emu_slot {
	bool used;
	char name[MINIDUMP_REGION_NAME_LEN + 1];
	u64 base, size;
};

struct rm_emu {
	struct mbox_controller mbox;
	struct mbox_chan chan;
	struct kunit *test;
	struct emu_slot slots[EMU_SLOTS];
	unsigned int nr_slots;		/* offered by GET_INFO */
	u16 expect_seq;
	u32 fail_next;			/* RM error for the next REGISTER_RANGE */
	unsigned long delay_ms;		/* answer the next message this late */
	unsigned int nr_register, nr_deregister, nr_lookup, bad;
	struct qcom_md_rm_msg reply;
	struct delayed_work answer;
};

static struct rm_emu *chan_emu(struct mbox_chan *chan)
{
	return container_of(chan->mbox, struct rm_emu, mbox);
}

static void emu_reply(struct rm_emu *e, const struct qcom_md_rm_hdr *h,
		      u32 err, const void *payload, size_t len)
{
	struct qcom_md_rm_hdr *r = (void *)e->reply.data;

	r->api = QCOM_MD_RM_API;
	r->type = QCOM_MD_RM_TYPE_REPLY;
	r->seq = h->seq;
	r->msg_id = h->msg_id;
	put_unaligned_le32(err, e->reply.data + sizeof(*r));
	memcpy(e->reply.data + sizeof(*r) + 4, payload, len);
	e->reply.len = sizeof(*r) + 4 + len;
}

/* Decode a request exactly as the RM would; anything odd counts as bad. */
static void emu_handle(struct rm_emu *e, const struct qcom_md_rm_msg *m)
{
	const struct qcom_md_rm_hdr *h = (const void *)m->data;
	const u8 *p = m->data + sizeof(*h);
	size_t plen = m->len - sizeof(*h);
	__le16 out;
	unsigned int i;

	/* A timed-out call's number is skipped: numbers only have to change. */
	if (m->len < sizeof(*h) || h->api != QCOM_MD_RM_API ||
	    h->type != QCOM_MD_RM_TYPE_REQUEST ||
	    le16_to_cpu(h->seq) == e->expect_seq) {
		e->bad++;
		return;
	}
	e->expect_seq = le16_to_cpu(h->seq);
	switch (le32_to_cpu(h->msg_id)) {
	case QCOM_MD_RM_GET_INFO:
		if (plen != 4 || get_unaligned_le32(p))
			e->bad++;
		out = cpu_to_le16(e->nr_slots);
		emu_reply(e, h, 0, &out, sizeof(out));
		return;
	case QCOM_MD_RM_REGISTER_RANGE:
		e->nr_register++;
		if (plen < 18 || p[17] != 18 || plen != 18 + p[16] ||
		    !p[16] || p[16] > MINIDUMP_REGION_NAME_LEN) {
			e->bad++;
			emu_reply(e, h, EMU_ERR_BADSLOT, NULL, 0);
			return;
		}
		if (e->fail_next) {
			emu_reply(e, h, e->fail_next, NULL, 0);
			e->fail_next = 0;
			return;
		}
		for (i = 0; i < e->nr_slots; i++)
			if (!e->slots[i].used)
				break;
		if (i == e->nr_slots) {
			emu_reply(e, h, EMU_ERR_NOSLOT, NULL, 0);
			return;
		}
		e->slots[i].used = true;
		e->slots[i].base = get_unaligned_le64(p);
		e->slots[i].size = get_unaligned_le64(p + 8);
		memcpy(e->slots[i].name, p + 18, p[16]);
		e->slots[i].name[p[16]] = 0;
		out = cpu_to_le16(i);
		emu_reply(e, h, 0, &out, sizeof(out));
		return;
	case QCOM_MD_RM_DEREGISTER_SLOT:
		e->nr_deregister++;
		i = plen == 2 ? get_unaligned_le16(p) : EMU_SLOTS;
		if (i >= e->nr_slots || !e->slots[i].used) {
			e->bad++;
			emu_reply(e, h, EMU_ERR_BADSLOT, NULL, 0);
			return;
		}
		memset(&e->slots[i], 0, sizeof(e->slots[i]));
		emu_reply(e, h, 0, NULL, 0);
		return;
	case QCOM_MD_RM_GET_SLOT_NUMBER:
		e->nr_lookup++;
		if (plen < 3 || plen != 3 + p[0] || !p[0] ||
		    p[0] > MINIDUMP_REGION_NAME_LEN) {
			e->bad++;
			emu_reply(e, h, EMU_ERR_BADSLOT, NULL, 0);
			return;
		}
		for (i = get_unaligned_le16(p + 1); i < e->nr_slots; i++)
			if (e->slots[i].used && strlen(e->slots[i].name) == p[0] &&
			    !memcmp(e->slots[i].name, p + 3, p[0]))
				break;
		if (i >= e->nr_slots) {
			emu_reply(e, h, EMU_ERR_BADSLOT, NULL, 0);
			return;
		}
		out = cpu_to_le16(i);
		emu_reply(e, h, 0, &out, sizeof(out));
		return;
	default:
		e->bad++;
		emu_reply(e, h, EMU_ERR_BADSLOT, NULL, 0);
	}
}

static void emu_answer(struct work_struct *work)
{
	struct rm_emu *e = container_of(to_delayed_work(work), struct rm_emu,
					answer);

	/* The reply first: txdone may submit the next request at once. */
	if (e->reply.len)
		mbox_chan_received_data(&e->chan, &e->reply);
	mbox_chan_txdone(&e->chan, 0);
}

static int emu_send_data(struct mbox_chan *chan, void *data)
{
	struct rm_emu *e = chan_emu(chan);

	e->reply.len = 0;
	emu_handle(e, data);
	/* Like a message queue interrupt: the answer comes later. */
	schedule_delayed_work(&e->answer, msecs_to_jiffies(e->delay_ms));
	e->delay_ms = 0;
	return 0;
}

static const struct mbox_chan_ops emu_ops = {
	.send_data = emu_send_data,
};

struct rm_env {
	struct rm_emu *emu;
	struct qcom_md_rm *rm;
	struct device *dev;
	unsigned int base;	/* slots the KELF index and boot regions take */
};

static void emu_stop(void *data)
{
	struct rm_emu *e = data;

	cancel_delayed_work_sync(&e->answer);
}

static struct rm_env *__rm_env_start(struct kunit *test, unsigned int slots,
				     int *reg_ret)
{
	struct rm_env *env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	struct rm_emu *e;

	KUNIT_ASSERT_NOT_NULL(test, env);
	env->dev = kunit_device_register(test, "qcom-md-rm-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(env->dev));
	e = devm_kzalloc(env->dev, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	e->test = test;
	e->nr_slots = slots;
	INIT_DELAYED_WORK(&e->answer, emu_answer);
	e->mbox.dev = env->dev;
	e->mbox.chans = &e->chan;
	e->mbox.num_chans = 1;
	e->mbox.ops = &emu_ops;
	e->mbox.txdone_irq = true;
	KUNIT_ASSERT_EQ(test, devm_mbox_controller_register(env->dev, &e->mbox), 0);
	KUNIT_ASSERT_EQ(test, devm_add_action_or_reset(env->dev, emu_stop, e), 0);
	env->emu = e;

	env->rm = devm_kzalloc(env->dev, sizeof(*env->rm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env->rm);
	env->rm->cl.dev = env->dev;
	env->rm->cl.tx_block = false;
	env->rm->timeout = msecs_to_jiffies(500);
	strscpy(env->rm->prefix, "9_");
	KUNIT_ASSERT_EQ(test, mbox_bind_client(&e->chan, &env->rm->cl), 0);
	*reg_ret = devm_qcom_md_rm_register(env->dev, env->rm, &e->chan);
	return env;
}

static unsigned int emu_used(struct rm_emu *e);

/*
 * An RM offering the slots the KELF index and the regions registered at
 * boot take, plus @slots - 1 for the test's own regions.
 */
static struct rm_env *rm_env_start(struct kunit *test, unsigned int slots,
				   int *reg_ret)
{
	struct rm_env *env;
	unsigned int base;
	int ret;

	env = __rm_env_start(test, EMU_SLOTS, &ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	flush_work(&env->rm->work);
	base = emu_used(env->emu);
	KUNIT_ASSERT_EQ(test, atomic_read(&env->rm->prov.nr_refused), 0);
	kunit_device_unregister(test, env->dev);
	env = __rm_env_start(test, slots ? slots + base - 1 : 0, reg_ret);
	env->base = base;
	return env;
}

static const struct emu_slot *emu_find(struct rm_emu *e, const char *name)
{
	unsigned int i;

	for (i = 0; i < e->nr_slots; i++)
		if (e->slots[i].used && !strcmp(e->slots[i].name, name))
			return &e->slots[i];
	return NULL;
}

static unsigned int emu_used(struct rm_emu *e)
{
	unsigned int i, n = 0;

	for (i = 0; i < e->nr_slots; i++)
		n += e->slots[i].used;
	return n;
}

/*
 * Registration and removal reach the RM as exact messages; the slot is
 * free again before dumpregion_unregister() returns.
 */
static void qcom_md_rm_test_register(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 128, GFP_KERNEL);
	const struct emu_slot *s;
	struct rm_env *env;
	int ret, id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	env = rm_env_start(test, 8, &ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, env->rm->nr_slots, env->base + 7);
	id = dumpregion_register("rm_region", buf, 100);
	KUNIT_ASSERT_GT(test, id, 0);
	flush_work(&env->rm->work);
	/* The KELF index first, then the region; names carry the prefix. */
	KUNIT_EXPECT_NOT_NULL(test, emu_find(env->emu, "9_kelf"));
	s = emu_find(env->emu, "9_rm_region");
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->base, (u64)virt_to_phys(buf));
	KUNIT_EXPECT_EQ(test, s->size, 100);
	KUNIT_EXPECT_EQ(test, qcom_md_rm_region_error(env->rm, id), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	/* No flush here: unregister waited for the RM. */
	KUNIT_EXPECT_NULL(test, emu_find(env->emu, "9_rm_region"));
	KUNIT_EXPECT_EQ(test, emu_used(env->emu), env->base);
	KUNIT_EXPECT_EQ(test, env->emu->bad, 0);
	kunit_device_unregister(test, env->dev);
}

/* More runs than the RM has slots: refused whole, with -ENOSPC. */
static void qcom_md_rm_test_exhausted(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct rm_env *env;
	int ret, a, b;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	env = rm_env_start(test, 2, &ret);	/* KELF takes one */
	KUNIT_ASSERT_EQ(test, ret, 0);
	a = dumpregion_register("rm_a", buf, 64);
	b = dumpregion_register("rm_b", buf + 128, 64);
	KUNIT_ASSERT_GT(test, a, 0);
	KUNIT_ASSERT_GT(test, b, 0);
	flush_work(&env->rm->work);
	KUNIT_EXPECT_NOT_NULL(test, emu_find(env->emu, "9_rm_a"));
	KUNIT_EXPECT_NULL(test, emu_find(env->emu, "9_rm_b"));
	KUNIT_EXPECT_EQ(test, atomic_read(&env->rm->prov.nr_refused), 1);
	KUNIT_EXPECT_EQ(test, qcom_md_rm_region_error(env->rm, b), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, env->emu->bad, 0);
	kunit_device_unregister(test, env->dev);
}

/* An RM error and a late reply are reported for the region concerned. */
static void qcom_md_rm_test_failures(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct rm_env *env;
	int ret, a, b;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	env = rm_env_start(test, 8, &ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	flush_work(&env->rm->work);
	env->emu->fail_next = 0x42;
	a = dumpregion_register("rm_fail", buf, 64);
	KUNIT_ASSERT_GT(test, a, 0);
	flush_work(&env->rm->work);
	KUNIT_EXPECT_EQ(test, qcom_md_rm_region_error(env->rm, a), -EREMOTEIO);
	KUNIT_EXPECT_EQ(test, env->rm->last_rm_err, 0x42);
	KUNIT_EXPECT_NULL(test, emu_find(env->emu, "9_rm_fail"));

	/*
	 * A registration answered after the timeout: the transport asks the
	 * RM by name, finds the slot it did give, and keeps it; the late
	 * answer is dropped.
	 */
	env->emu->delay_ms = 700;
	b = dumpregion_register("rm_late", buf + 128, 64);
	KUNIT_ASSERT_GT(test, b, 0);
	flush_work(&env->rm->work);
	KUNIT_EXPECT_EQ(test, qcom_md_rm_region_error(env->rm, b), 0);
	KUNIT_EXPECT_GE(test, env->emu->nr_lookup, 1);
	KUNIT_EXPECT_NOT_NULL(test, emu_find(env->emu, "9_rm_late"));
	msleep(800);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	KUNIT_EXPECT_NULL(test, emu_find(env->emu, "9_rm_late"));
	KUNIT_EXPECT_EQ(test, env->emu->bad, 0);
	b = dumpregion_register("rm_again", buf + 128, 64);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	kunit_device_unregister(test, env->dev);
}

/*
 * Removal never allocates: with the next allocation failing, a region is
 * removed while its registration is still waiting for the RM, and freed
 * only once both are done (KASAN reports the use after free otherwise);
 * the KELF index, moved by the same unregistration, stays with the RM.
 */
static void qcom_md_rm_test_remove_nomem(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 128, GFP_KERNEL);
	struct rm_env *env;
	int ret, id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	env = rm_env_start(test, 8, &ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	flush_work(&env->rm->work);
	env->emu->delay_ms = 200;
	id = dumpregion_register("rm_nomem", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	/*
	 * The registration is on its way to the RM; the removal comes now,
	 * and with it the move of the KELF index: neither may allocate.
	 */
	current->fail_nth = 1;
	ret = dumpregion_unregister(id);
	KUNIT_EXPECT_EQ(test, current->fail_nth, 1);
	current->fail_nth = 0;
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_NULL(test, emu_find(env->emu, "9_rm_nomem"));
	KUNIT_EXPECT_EQ(test, emu_used(env->emu), env->base);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->rm->prov.nr_refused), 0);
	KUNIT_EXPECT_EQ(test, env->emu->bad, 0);
	kunit_device_unregister(test, env->dev);
}

/* An RM that offers no slot: no provider. */
static void qcom_md_rm_test_no_slots(struct kunit *test)
{
	struct rm_env *env;
	int ret;

	env = rm_env_start(test, 0, &ret);
	KUNIT_EXPECT_EQ(test, ret, -ENODEV);
	KUNIT_EXPECT_EQ(test, env->emu->bad, 0);
	kunit_device_unregister(test, env->dev);
}

static struct kunit_case qcom_md_rm_cases[] = {
	KUNIT_CASE(qcom_md_rm_test_register),
	KUNIT_CASE(qcom_md_rm_test_exhausted),
	KUNIT_CASE(qcom_md_rm_test_failures),
	KUNIT_CASE(qcom_md_rm_test_no_slots),
	KUNIT_CASE(qcom_md_rm_test_remove_nomem),
	{}
};

static struct kunit_suite qcom_md_rm_suite = {
	.name = "qcom_minidump_rm",
	.test_cases = qcom_md_rm_cases,
};

kunit_test_suite(qcom_md_rm_suite);

MODULE_DESCRIPTION("KUnit tests for the minidump Gunyah RM transport");
MODULE_LICENSE("GPL");
