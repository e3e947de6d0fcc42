// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the minidump Gunyah RM transport, against an emulated
 * resource manager.  The emulator is written from the message table
 * (payload offsets, sizes, reserved bytes that must be zero), not from the
 * transport's code: it decodes every request byte by byte, keeps its own
 * slot table, and answers as the real RM does, with an RM error code for
 * what it refuses.  It stands in for the RM driver's call (struct
 * qcom_md_rm_ops).  Golden byte arrays pin each request down: one offset
 * changed in the transport fails a test.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dumpregion.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/soc/qcom/minidump.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

#include "minidump_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(DUMPREGION);
MODULE_IMPORT_NS(QCOM_MINIDUMP);

#define EMU_SLOTS		256
/* RM error codes the emulator answers (the RM's own numbering). */
#define RM_ERR_NORESOURCE	2
#define RM_ERR_ARG_INVALID	6
#define RM_ERR_LOOKUP_FAILED	14
#define RM_ERR_UNIMPLEMENTED	0xffffffff

struct emu_slot {
	bool used;
	char name[17];
	u64 base, size;
};

struct rm_emu {
	struct mutex lock;		/* one call at a time, as the RM */
	struct emu_slot slots[EMU_SLOTS];
	unsigned int nr_slots;		/* offered by GET_INFO */
	u32 fail_next;			/* RM error for the next REGISTER_RANGE */
	bool lose_next;			/* do the next REGISTER_RANGE, then time out */
	int reply_size;			/* >= 0: size of the next reply payload */
	unsigned long delay_ms;		/* answer the next call this late */
	unsigned int nr_register, nr_deregister, nr_lookup, bad;
	u32 last_id;			/* the last request, as received */
	u8 last_req[64];
	size_t last_len;
};

/* The RM's side of a call: request bytes in, reply bytes or an error out. */
static ssize_t emu_call(void *rm, u32 msg_id, const void *req, size_t len,
			void *resp, size_t resp_size, u32 *rm_err)
{
	struct rm_emu *e = rm;
	const u8 *p = req;
	u8 out[4] = {};
	size_t out_len = 4;
	unsigned int i;
	u32 err = 0;
	bool lose = false;

	mutex_lock(&e->lock);
	e->last_id = msg_id;
	e->last_len = min(len, sizeof(e->last_req));
	memcpy(e->last_req, req, e->last_len);
	switch (msg_id) {
	case 0x56000040:			/* GET_INFO: u32 reserved */
		if (len != 4 || get_unaligned_le32(p)) {
			e->bad++;
			err = RM_ERR_ARG_INVALID;
			break;
		}
		put_unaligned_le16(e->nr_slots, out);
		break;
	case 0x56000041:			/* REGISTER_RANGE */
		e->nr_register++;
		/* u64 base, u64 size, name_size, name_offset 28, 2 reserved */
		if (len < 20 || !p[16] || p[16] > 16 || p[17] != 28 || p[18] ||
		    p[19] || len != 20 + p[16]) {
			e->bad++;
			err = RM_ERR_ARG_INVALID;
			break;
		}
		if (e->fail_next) {
			err = e->fail_next;
			e->fail_next = 0;
			break;
		}
		for (i = 0; i < e->nr_slots && e->slots[i].used; i++)
			;
		if (i == e->nr_slots) {
			err = RM_ERR_NORESOURCE;
			break;
		}
		e->slots[i].used = true;
		e->slots[i].base = get_unaligned_le64(p);
		e->slots[i].size = get_unaligned_le64(p + 8);
		memcpy(e->slots[i].name, p + 20, p[16]);
		e->slots[i].name[p[16]] = 0;
		put_unaligned_le16(i, out);
		lose = e->lose_next;
		e->lose_next = false;
		break;
	case 0x56000042:			/* DEREGISTER_SLOT: u16, u16 reserved */
		e->nr_deregister++;
		i = len == 4 && !p[2] && !p[3] ? get_unaligned_le16(p) : EMU_SLOTS;
		if (i >= e->nr_slots || !e->slots[i].used) {
			e->bad++;
			err = RM_ERR_ARG_INVALID;
			break;
		}
		memset(&e->slots[i], 0, sizeof(e->slots[i]));
		out_len = 0;
		break;
	case 0x56000043:			/* GET_SLOT_NUMBER */
		e->nr_lookup++;
		/* name_len, 3 reserved, u16 starting slot, 2 reserved, name */
		if (len < 8 || !p[0] || p[0] > 16 || p[1] || p[2] || p[3] ||
		    p[6] || p[7] || len != 8 + p[0]) {
			e->bad++;
			err = RM_ERR_ARG_INVALID;
			break;
		}
		for (i = get_unaligned_le16(p + 4); i < e->nr_slots; i++)
			if (e->slots[i].used && strlen(e->slots[i].name) == p[0] &&
			    !memcmp(e->slots[i].name, p + 8, p[0]))
				break;
		if (i >= e->nr_slots) {
			err = RM_ERR_LOOKUP_FAILED;
			break;
		}
		put_unaligned_le16(i, out);
		break;
	default:
		e->bad++;
		err = RM_ERR_UNIMPLEMENTED;
	}
	if (e->reply_size >= 0 && !err) {
		out_len = e->reply_size;
		e->reply_size = -1;
	}
	if (e->delay_ms) {
		msleep(e->delay_ms);
		e->delay_ms = 0;
	}
	mutex_unlock(&e->lock);
	if (err) {
		*rm_err = err;
		return -EREMOTEIO;
	}
	if (lose)
		return -ETIMEDOUT;	/* done, but the answer never came */
	memcpy(resp, out, min3(out_len, resp_size, sizeof(out)));
	return out_len;
}

static const struct qcom_md_rm_ops emu_ops = {
	.call = emu_call,
};

struct rm_env {
	struct rm_emu *emu;
	struct qcom_md_rm *rm;
	struct device *dev;
	unsigned int base;	/* slots the KELF index and boot regions take */
};

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
	mutex_init(&e->lock);
	e->nr_slots = slots;
	e->reply_size = -1;
	env->emu = e;
	env->rm = __devm_qcom_md_rm_attach(env->dev, &emu_ops, e, "9_");
	*reg_ret = PTR_ERR_OR_ZERO(env->rm);
	return env;
}

static unsigned int emu_used(struct rm_emu *e)
{
	unsigned int i, n = 0;

	for (i = 0; i < e->nr_slots; i++)
		n += e->slots[i].used;
	return n;
}

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

/*
 * Reboot and kexec: the core's withdrawal frees every slot before it
 * returns; regions registered after it reach the RM no more.
 */
static void qcom_md_rm_test_withdraw(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	struct rm_env *env;
	int ret, a, b;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	env = rm_env_start(test, 4, &ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	a = dumpregion_register("wd_before", buf, 32);
	KUNIT_ASSERT_GT(test, a, 0);
	flush_work(&env->rm->work);
	KUNIT_EXPECT_EQ(test, emu_used(env->emu), env->base + 1);
	dumpregion_provider_withdraw(&env->rm->prov);
	KUNIT_EXPECT_EQ(test, emu_used(env->emu), 0);
	b = dumpregion_register("wd_after", buf + 32, 32);
	KUNIT_ASSERT_GT(test, b, 0);
	flush_work(&env->rm->work);
	KUNIT_EXPECT_EQ(test, emu_used(env->emu), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, env->emu->bad, 0);
	kunit_device_unregister(test, env->dev);
}

/* Each request, byte for byte, as the RM receives it. */
static void qcom_md_rm_test_wire(struct kunit *test)
{
	static const u8 info[] = { 0, 0, 0, 0 };
	static const u8 range[] = {
		0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,	/* base */
		0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* size */
		0x03, 0x1c, 0x00, 0x00,		/* name_size 3, name_offset 28 */
		'a', 'b', 'c',
	};
	static const u8 lookup[] = {
		0x03, 0x00, 0x00, 0x00,		/* name_len 3 */
		0x00, 0x00, 0x00, 0x00,		/* starting slot 0 */
		'a', 'b', 'c',
	};
	u8 dereg[] = { 0, 0, 0, 0 };
	struct qcom_md_rm_run run = {
		.name = "abc", .phys = 0x80001000, .size = 0x2000, .slot = -1,
	};
	struct rm_env *env;
	u16 slot;
	int ret;

	env = __rm_env_start(test, 0, &ret);
	KUNIT_EXPECT_EQ(test, ret, -ENODEV);	/* 0 slots: no provider */
	KUNIT_EXPECT_EQ(test, env->emu->last_id, 0x56000040);
	KUNIT_EXPECT_EQ(test, env->emu->last_len, sizeof(info));
	KUNIT_EXPECT_MEMEQ(test, env->emu->last_req, info, sizeof(info));
	kunit_device_unregister(test, env->dev);

	env = rm_env_start(test, 8, &ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	flush_work(&env->rm->work);
	KUNIT_ASSERT_EQ(test, qcom_md_rm_register_run(env->rm, &run), 0);
	KUNIT_EXPECT_EQ(test, env->emu->last_id, 0x56000041);
	KUNIT_EXPECT_EQ(test, env->emu->last_len, sizeof(range));
	KUNIT_EXPECT_MEMEQ(test, env->emu->last_req, range, sizeof(range));
	KUNIT_ASSERT_GE(test, run.slot, 0);
	KUNIT_EXPECT_EQ(test, env->emu->slots[run.slot].base, 0x80001000);
	KUNIT_EXPECT_EQ(test, env->emu->slots[run.slot].size, 0x2000);
	KUNIT_EXPECT_STREQ(test, env->emu->slots[run.slot].name, "abc");

	KUNIT_ASSERT_EQ(test, qcom_md_rm_find_slot(env->rm, "abc", 3, &slot), 0);
	KUNIT_EXPECT_EQ(test, env->emu->last_id, 0x56000043);
	KUNIT_EXPECT_EQ(test, env->emu->last_len, sizeof(lookup));
	KUNIT_EXPECT_MEMEQ(test, env->emu->last_req, lookup, sizeof(lookup));
	KUNIT_EXPECT_EQ(test, slot, run.slot);

	put_unaligned_le16(run.slot, dereg);
	KUNIT_EXPECT_EQ(test, qcom_md_rm_deregister(env->rm, run.slot), 0);
	KUNIT_EXPECT_EQ(test, env->emu->last_id, 0x56000042);
	KUNIT_EXPECT_EQ(test, env->emu->last_len, sizeof(dereg));
	KUNIT_EXPECT_MEMEQ(test, env->emu->last_req, dereg, sizeof(dereg));
	KUNIT_EXPECT_FALSE(test, env->emu->slots[run.slot].used);
	KUNIT_EXPECT_EQ(test, env->emu->bad, 0);
	kunit_device_unregister(test, env->dev);
}

/*
 * Replies of the wrong size are refused, as the RM driver's callers do
 * downstream; an RM error code reaches the caller.
 */
static void qcom_md_rm_test_bad_replies(struct kunit *test)
{
	struct qcom_md_rm_run run = {
		.name = "bad", .phys = 0x80001000, .size = 0x1000, .slot = -1,
	};
	struct rm_env *env;
	u16 slot;
	int ret;

	env = rm_env_start(test, 8, &ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	flush_work(&env->rm->work);
	env->emu->reply_size = 2;		/* a bare u16 */
	KUNIT_EXPECT_EQ(test, qcom_md_rm_register_run(env->rm, &run), -EPROTO);
	KUNIT_EXPECT_EQ(test, run.slot, -1);
	env->emu->reply_size = 6;
	KUNIT_EXPECT_EQ(test, qcom_md_rm_find_slot(env->rm, "bad", 3, &slot),
			-EPROTO);
	KUNIT_ASSERT_EQ(test, qcom_md_rm_find_slot(env->rm, "bad", 3, &slot), 0);
	env->emu->reply_size = 4;		/* DEREGISTER answers nothing */
	KUNIT_EXPECT_EQ(test, qcom_md_rm_deregister(env->rm, slot), -EPROTO);
	env->emu->fail_next = RM_ERR_NORESOURCE;
	KUNIT_EXPECT_EQ(test, qcom_md_rm_register_run(env->rm, &run), -EREMOTEIO);
	KUNIT_EXPECT_EQ(test, env->rm->last_rm_err, RM_ERR_NORESOURCE);
	/* A name the RM does not know: its LOOKUP_FAILED. */
	KUNIT_EXPECT_EQ(test, qcom_md_rm_find_slot(env->rm, "none", 4, &slot),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, env->rm->last_rm_err, RM_ERR_LOOKUP_FAILED);
	KUNIT_EXPECT_EQ(test, env->emu->bad, 0);
	kunit_device_unregister(test, env->dev);
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
	KUNIT_EXPECT_NOT_NULL(test, emu_find(env->emu, "KELF"));
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

/* An RM error and a lost reply are handled for the region concerned. */
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
	 * A registration the RM carried out but whose answer never came: the
	 * transport asks the RM by name and keeps the slot it did give.
	 */
	env->emu->lose_next = true;
	b = dumpregion_register("rm_late", buf + 128, 64);
	KUNIT_ASSERT_GT(test, b, 0);
	flush_work(&env->rm->work);
	KUNIT_EXPECT_EQ(test, qcom_md_rm_region_error(env->rm, b), 0);
	KUNIT_EXPECT_GE(test, env->emu->nr_lookup, 1);
	KUNIT_EXPECT_NOT_NULL(test, emu_find(env->emu, "9_rm_late"));
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
#ifdef CONFIG_FAILSLAB
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
#else
static void qcom_md_rm_test_remove_nomem(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_FAILSLAB (current->fail_nth)");
}
#endif

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
	KUNIT_CASE(qcom_md_rm_test_wire),
	KUNIT_CASE(qcom_md_rm_test_withdraw),
	KUNIT_CASE(qcom_md_rm_test_bad_replies),
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
