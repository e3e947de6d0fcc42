// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the dump region registry.
 *
 * A fake provider records every call it gets (op, region id, name and
 * runs) and the set of regions it currently publishes, so the tests check
 * what providers were told, not just return values.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/arch.h>
#include <linux/dumpregion/provider.h>
#include <linux/elf.h>
#include <linux/elfcore.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include <asm/sections.h>

#include "internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(DUMPREGION);

#define FAKE_MAX_CALLS	512
#define FAKE_MAX_RUNS	8
#define FAKE_MAX_HELD	512

enum fake_op { FAKE_ADD, FAKE_REMOVE, FAKE_UPDATE };

struct fake_call {
	enum fake_op op;
	int id;
	char name[DUMPREGION_NAME_MAX];
	enum dumpregion_kind kind;
	size_t size;
	unsigned int nr_runs;
	struct dumpregion_run runs[FAKE_MAX_RUNS];
};

struct fake_prov {
	struct dumpregion_provider prov;
	spinlock_t lock;		/* protects everything below */
	struct fake_call *calls;
	unsigned int nr_calls;
	bool overflow;			/* call log full */
	bool bogus;			/* op out of order */
	int accept;			/* adds to accept, -1 for all */
	int update_err;			/* what ->update returns */
	int held[FAKE_MAX_HELD];	/* ids published, 0 = free slot */
	unsigned int kelf_calls;	/* calls for the KELF index, not recorded */
	int kelf_id;			/* the KELF index's id */
	phys_addr_t kelf_phys;		/* where the KELF index was last put */
	phys_addr_t kelf_prev;		/* and where it was before */
	unsigned int kelf_moves;	/* updates of the KELF index */
	unsigned int kelf_bad;		/* of those, not back to back */
	unsigned int kelf_refuse;	/* KELF updates to refuse */
	void (*kelf_hook)(struct fake_prov *fp);	/* in each KELF update */
	struct fake_prov *peer;		/* for @kelf_hook */
	int peer_notes;			/* NT_PRSTATUS notes @kelf_hook saw */
	phys_addr_t sync_prev;		/* @kelf_prev, until the next sync */
	bool prev_alive;		/* @sync_prev still a header at sync */
	int foreign;			/* regions held that predate the test */
	unsigned int nr_panic_update;
	char first_add[DUMPREGION_NAME_MAX];	/* name of the first add */
	unsigned int nr_finalise;
	unsigned int nr_sync;
	unsigned int held_at_sync;	/* regions held at the last sync */
	struct completion *sync_gate;	/* sync waits for it (slow firmware) */
	atomic_t in_sync;		/* syncs under way */
};

static struct fake_prov *to_fake(struct dumpregion_provider *prov)
{
	return container_of(prov, struct fake_prov, prov);
}

static int *fake_slot(struct fake_prov *fp, int id)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_HELD; i++)
		if (fp->held[i] == id)
			return &fp->held[i];
	return NULL;
}

static void fake_record(struct fake_prov *fp, enum fake_op op,
			const struct dumpregion_layout *r)
{
	struct fake_call *c;

	if (op == FAKE_UPDATE && !fake_slot(fp, r->id))
		fp->bogus = true;	/* update of what it does not hold */
	if (fp->nr_calls == FAKE_MAX_CALLS) {
		fp->overflow = true;
		return;
	}
	c = &fp->calls[fp->nr_calls++];
	c->op = op;
	c->id = r->id;
	strscpy(c->name, r->name);
	c->kind = r->kind;
	c->size = r->size;
	c->nr_runs = r->nr_runs;
	memcpy(c->runs, r->runs,
	       min(r->nr_runs, FAKE_MAX_RUNS) * sizeof(*r->runs));
}

/* Regions with smaller ids were registered before the test started. */
static int dr_test_first_id;

/*
 * The core's KELF index and the regions the built-in clients registered at
 * boot reach every provider; the tests look past them.
 */
static bool is_kelf(struct fake_prov *fp, const struct dumpregion_layout *r)
{
	if (!strcmp(r->name, DUMPREGION_KELF_NAME)) {
		fp->kelf_calls++;
		fp->kelf_id = r->id;
		fp->kelf_phys = r->runs[0].phys;
		return true;
	}
	return r->id < dr_test_first_id;
}

/* Regions accepted, not counting those that predate the test. */
static int accepted(struct fake_prov *fp)
{
	return atomic_read(&fp->prov.nr_accepted) - fp->foreign;
}

static int fake_add(struct dumpregion_provider *prov,
		    const struct dumpregion_layout *r, void **cookie)
{
	struct fake_prov *fp = to_fake(prov);
	int *slot, ret = 0;

	if (!fp->first_add[0])
		strscpy(fp->first_add, r->name);
	if (is_kelf(fp, r)) {
		fp->foreign++;
		return 0;
	}
	spin_lock(&fp->lock);
	fake_record(fp, FAKE_ADD, r);
	slot = fake_slot(fp, 0);
	if (fake_slot(fp, r->id)) {
		fp->bogus = true;	/* added twice */
		ret = -EEXIST;
	} else if (!fp->accept || !slot) {
		ret = -ENOSPC;
	} else {
		*slot = r->id;
		if (fp->accept > 0)
			fp->accept--;
	}
	spin_unlock(&fp->lock);
	return ret;
}

static void fake_remove(struct dumpregion_provider *prov,
			const struct dumpregion_layout *r, void *cookie)
{
	struct fake_prov *fp = to_fake(prov);
	int *slot;

	if (is_kelf(fp, r)) {
		fp->foreign--;
		return;
	}
	spin_lock(&fp->lock);
	fake_record(fp, FAKE_REMOVE, r);
	slot = fake_slot(fp, r->id);
	if (slot)
		*slot = 0;
	else
		fp->bogus = true;	/* removal of what it never held */
	if (fp->accept >= 0)
		fp->accept++;
	spin_unlock(&fp->lock);
}

static int offsets_bad(const struct elf64_hdr *eh, size_t size);

/*
 * The KELF index moved to a new header: it is whole and back to back when
 * a provider is handed it (index.rst).
 */
static int fake_kelf_update(struct fake_prov *fp, phys_addr_t prev,
			    const struct dumpregion_layout *r)
{
	fp->kelf_prev = prev;
	WRITE_ONCE(fp->sync_prev, prev);
	fp->kelf_moves++;
	if (r->nr_runs == 1 &&
	    offsets_bad(phys_to_virt(r->runs[0].phys), r->size))
		fp->kelf_bad++;
	if (fp->kelf_hook)
		fp->kelf_hook(fp);
	if (fp->kelf_refuse) {
		fp->kelf_refuse--;
		return -ENOSPC;
	}
	return 0;
}

static int fake_update(struct dumpregion_provider *prov,
		       const struct dumpregion_layout *r, void **cookie)
{
	struct fake_prov *fp = to_fake(prov);
	phys_addr_t prev = fp->kelf_phys;
	int ret;

	if (dr_panicking()) {
		/* The core tried the provider lock: its own is free. */
		if (is_kelf(fp, r))
			return 0;
		fp->nr_panic_update++;
		fake_record(fp, FAKE_UPDATE, r);
		return fp->update_err;
	}
	if (!strcmp(r->name, DUMPREGION_KELF_NAME)) {
		is_kelf(fp, r);
		return fake_kelf_update(fp, prev, r);
	}
	if (is_kelf(fp, r))
		return 0;
	spin_lock(&fp->lock);
	fake_record(fp, FAKE_UPDATE, r);
	ret = fp->update_err;
	spin_unlock(&fp->lock);
	return ret;
}

static void fake_finalise(struct dumpregion_provider *prov)
{
	to_fake(prov)->nr_finalise++;
}

static unsigned int fake_nr_held(struct fake_prov *fp);
static const struct elf64_phdr *kelf_load(struct kunit *test, phys_addr_t pa);
static char *show(struct kunit *test,
		  int (*fn)(struct seq_file *s, void *unused));

static void fake_sync(struct dumpregion_provider *prov)
{
	struct fake_prov *fp = to_fake(prov);
	struct completion *gate;
	phys_addr_t prev;

	might_sleep();
	atomic_inc(&fp->in_sync);
	/* A test clears the gate, opens it, then waits for in_sync to drop. */
	smp_mb__after_atomic();
	gate = READ_ONCE(fp->sync_gate);
	if (gate)
		wait_for_completion_timeout(gate, 10 * HZ);
	fp->nr_sync++;
	fp->held_at_sync = fake_nr_held(fp);
	/*
	 * The header the provider was told about before is still allocated
	 * at the sync that follows the move, after which the provider has
	 * let go of it: under KASAN, one freed before is a report (byte
	 * reads: KASAN does not check memcmp()).
	 */
	prev = xchg(&fp->sync_prev, 0);
	if (prev) {
		const u8 *h = phys_to_virt(prev);

		fp->prev_alive = h[EI_MAG0] == ELFMAG0 && h[EI_MAG1] == ELFMAG1 &&
				 h[EI_MAG2] == ELFMAG2 && h[EI_MAG3] == ELFMAG3;
	}
	atomic_dec(&fp->in_sync);
}

/* Wait up to 10 s until a sync of @fp is (@busy) or is not under way. */
static bool wait_in_sync(struct fake_prov *fp, bool busy)
{
	unsigned int ms;

	for (ms = 0; ms < 10000; ms += 2) {
		if (!!atomic_read(&fp->in_sync) == busy)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

static const struct dumpregion_provider_ops fake_ops = {
	.flags = DUMPREGION_PANIC_UPDATE,
	.add = fake_add,
	.remove = fake_remove,
	.update = fake_update,
	.sync = fake_sync,
	.finalise = fake_finalise,
};

static const struct dumpregion_provider_ops fake_ops_no_update = {
	.add = fake_add,
	.remove = fake_remove,
};

static void fake_release(void *data)
{
	struct fake_prov *fp = data;

	if (!list_empty(&fp->prov.list))
		dumpregion_provider_unregister(&fp->prov);
}

static struct fake_prov *fake_new(struct kunit *test, const char *name,
				  const struct dumpregion_provider_ops *ops)
{
	struct fake_prov *fp;

	fp = kunit_kzalloc(test, sizeof(*fp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fp);
	fp->calls = kunit_kcalloc(test, FAKE_MAX_CALLS, sizeof(*fp->calls),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fp->calls);
	spin_lock_init(&fp->lock);
	INIT_LIST_HEAD(&fp->prov.list);
	fp->accept = -1;
	fp->prov.name = name;
	fp->prov.ops = ops;
	return fp;
}

/* A registered fake provider, unregistered when the test ends. */
/* Where the current KELF header is; virt_to_phys() takes no const pointer. */
static phys_addr_t kelf_phys_now(void)
{
	size_t size;

	return virt_to_phys((void *)dr_kelf_current(&size));
}

static struct fake_prov *fake_start(struct kunit *test, const char *name,
				    const struct dumpregion_provider_ops *ops)
{
	struct fake_prov *fp = fake_new(test, name, ops);

	KUNIT_ASSERT_EQ(test, dumpregion_provider_register(&fp->prov), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_release,
							fp), 0);
	return fp;
}

static void fake_stop(struct fake_prov *fp)
{
	dumpregion_provider_unregister(&fp->prov);
	INIT_LIST_HEAD(&fp->prov.list);
}

static unsigned int fake_nr_held(struct fake_prov *fp)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_MAX_HELD; i++)
		n += fp->held[i] != 0;
	return n;
}

static bool fake_holds(struct fake_prov *fp, int id)
{
	return !!fake_slot(fp, id);
}

static void fake_reset_calls(struct fake_prov *fp)
{
	fp->nr_calls = 0;
}

static void expect_call(struct kunit *test, struct fake_prov *fp,
			unsigned int i, enum fake_op op, int id)
{
	KUNIT_ASSERT_LT(test, i, fp->nr_calls);
	KUNIT_EXPECT_EQ(test, fp->calls[i].op, op);
	KUNIT_EXPECT_EQ(test, fp->calls[i].id, id);
}

static char dr_probe_buf[8];

/* Registry size at the start of each test, checked again at its end. */
static unsigned int count_regions(void)
{
	struct seq_file m = { .size = 256 };
	unsigned int n = UINT_MAX;

	m.buf = kzalloc(m.size, GFP_KERNEL);
	if (!m.buf)
		return n;
	if (dumpregion_total_show(&m, NULL) || sscanf(m.buf, "regions=%u", &n) != 1)
		n = UINT_MAX;
	kfree(m.buf);
	return n;
}

static int dr_test_init(struct kunit *test)
{
	unsigned int *baseline = kunit_kzalloc(test, sizeof(*baseline),
					       GFP_KERNEL);
	int id;

	if (!baseline)
		return -ENOMEM;
	*baseline = count_regions();
	test->priv = baseline;
	/* Ids grow: whatever is registered now has a smaller one. */
	id = dumpregion_register("dr_probe", dr_probe_buf, sizeof(dr_probe_buf));
	if (id < 0)
		return id;
	dr_test_first_id = id;
	return dumpregion_unregister(id);
}

static void dr_test_exit(struct kunit *test)
{
	unsigned int *baseline = test->priv;

	/* Every test unregisters what it registered: nothing leaks. */
	KUNIT_EXPECT_EQ(test, count_regions(), *baseline);
}

/* ---- bad input ---- */

enum addr_sel { ADDR_BUF, ADDR_NULL, ADDR_LOW, ADDR_WRAP };

struct bad_register_case {
	const char *desc;
	const char *name;
	enum addr_sel addr;
	size_t size;
	int err;
};

static const struct bad_register_case bad_register_cases[] = {
	{ "NULL name", NULL, ADDR_BUF, 16, -EINVAL },
	{ "empty name", "", ADDR_BUF, 16, -EINVAL },
	{ "name of 32 chars", "abcdefghijklmnopqrstuvwxyz012345", ADDR_BUF,
	  16, -ENAMETOOLONG },
	{ "name with space", "a b", ADDR_BUF, 16, -EINVAL },
	{ "name with a hash sign", "a#1", ADDR_BUF, 16, -EINVAL },
	{ "name with a slash", "a/b", ADDR_BUF, 16, -EINVAL },
	{ "size 0", "zero", ADDR_BUF, 0, -EINVAL },
	{ "NULL address", "null", ADDR_NULL, 16, -EINVAL },
	{ "user-space address", "low", ADDR_LOW, 16, -EINVAL },
	{ "range wraps", "wrap", ADDR_WRAP, 64, -EOVERFLOW },
	{ "range runs past memory", "long", ADDR_BUF, SZ_1G * 256ULL,
	  -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(bad_register, bad_register_cases, desc);

static void dr_test_bad_register(struct kunit *test)
{
	const struct bad_register_case *p = test->param_value;
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	const void *addr = NULL;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	switch (p->addr) {
	case ADDR_BUF:
		addr = buf;
		break;
	case ADDR_NULL:
		addr = NULL;
		break;
	case ADDR_LOW:
		addr = (void *)0x1000;
		break;
	case ADDR_WRAP:
		addr = (void *)(ULONG_MAX - 8);
		break;
	}
	KUNIT_EXPECT_EQ(test, dumpregion_register(p->name, addr, p->size),
			p->err);
	KUNIT_EXPECT_EQ(test, dumpregion_register_movable(p->name, addr,
							  p->size), p->err);
	/* Nothing reached the provider, nothing was kept. */
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, count_regions(), *(unsigned int *)test->priv);

	/* A good region still registers afterwards. */
	id = dumpregion_register("good", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 1);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
}

struct bad_phys_case {
	const char *desc;
	const char *name;
	bool use_page;
	phys_addr_t phys;
	size_t size;
	int err;
};

static const struct bad_phys_case bad_phys_cases[] = {
	{ "NULL name", NULL, true, 0, 16, -EINVAL },
	{ "size 0", "p", true, 0, 0, -EINVAL },
	{ "range wraps", "p", false, (phys_addr_t)-4096, 8192, -EOVERFLOW },
	/* On PCs the legacy VGA hole is never RAM; elsewhere page 1 is not. */
	{ "not memory", "p", false, IS_ENABLED(CONFIG_X86) ? 0xa0000 : 0x1000, 4096,
	  -EINVAL },
	{ "runs past RAM", "p", true, 0, SZ_1G * 64ULL, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(bad_phys, bad_phys_cases, desc);

static void dr_test_bad_phys(struct kunit *test)
{
	const struct bad_phys_case *p = test->param_value;
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	void *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	phys_addr_t phys = p->phys;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	if (p->use_page)
		phys = virt_to_phys(buf);
	KUNIT_EXPECT_EQ(test, dumpregion_register_phys(p->name, phys, p->size),
			p->err);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 0);
}

static void dr_test_bad_handles(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	int id, id2;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(0), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(-3), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(INT_MAX), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_update(INT_MAX, buf, 8), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(INT_MAX, buf, 8),
			-ENOENT);

	id = dumpregion_register("once", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_register("once", buf, 8), -EEXIST);
	/* A bad update leaves the region as it was. */
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, buf, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, (void *)0x1000, 8),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, NULL, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 1);

	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, buf, 8), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf, 8), -ENOENT);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 2);
	expect_call(test, fp, 1, FAKE_REMOVE, id);

	/* Ids are not reused at once: the stale id stays unknown. */
	id2 = dumpregion_register("once", buf, 64);
	KUNIT_ASSERT_GT(test, id2, 0);
	KUNIT_EXPECT_NE(test, id2, id);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id2), 0);
}

/*
 * Only a region's owner may move or remove it; nobody may touch the KELF
 * index, whose id anyone can read in debugfs.
 */
static void dr_test_ownership(struct kunit *test)
{
	static struct module other;	/* never dereferenced */
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	size_t size;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_GT(test, fp->kelf_id, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(fp->kelf_id), -EPERM);
	KUNIT_EXPECT_EQ(test, dumpregion_update(fp->kelf_id, buf, 8), -EPERM);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(fp->kelf_id, buf, 8),
			-EPERM);
	KUNIT_EXPECT_EQ(test, __dumpregion_unregister(&other, fp->kelf_id),
			-EPERM);
	/* Still published, still where it was. */
	KUNIT_EXPECT_NOT_NULL(test, dr_kelf_current(&size));
	KUNIT_EXPECT_EQ(test, kelf_phys_now(), fp->kelf_phys);

	id = dumpregion_register("mine", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, __dumpregion_unregister(&other, id), -EPERM);
	KUNIT_EXPECT_EQ(test, __dumpregion_update(&other, id, buf, 8), -EPERM);
	KUNIT_EXPECT_EQ(test, __dumpregion_update_atomic(&other, id, buf, 8),
			-EPERM);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 1);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);

	/* A module's region is its own. */
	id = __dumpregion_register(&other, "theirs", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), -EPERM);
	KUNIT_EXPECT_EQ(test, __dumpregion_unregister(&other, id), 0);
}

/* Init text and data are freed after boot: never a region. */
static void dr_test_init_memory(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, dumpregion_register("initdata", __init_begin, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dumpregion_register("inittext", _sinittext, 16),
			-EINVAL);
	/* Straddling the end of init memory. */
	KUNIT_EXPECT_EQ(test, dumpregion_register("straddle", __init_end - 8,
						  16), -EINVAL);
	id = dumpregion_register("later", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, __init_begin, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, __init_begin, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 1);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
}

/* Unregistering a provider that is not registered changes nothing. */
static void dr_test_unregister_stranger(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	struct fake_prov *stranger = fake_new(test, "stranger", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	char *before, *after;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	before = kstrdup(show(test, dumpregion_providers_show), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	dumpregion_provider_unregister(&stranger->prov);
	dumpregion_provider_unregister(&stranger->prov);
	after = show(test, dumpregion_providers_show);
	KUNIT_EXPECT_STREQ(test, after, before);
	kfree(before);
	/* The registered provider still follows the registry. */
	id = dumpregion_register("after", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_TRUE(test, fake_holds(fp, id));
	KUNIT_EXPECT_EQ(test, stranger->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
}

static void dr_test_bad_provider(struct kunit *test)
{
	static const struct dumpregion_provider_ops no_add = {
		.remove = fake_remove,
	};
	static const struct dumpregion_provider_ops no_remove = {
		.add = fake_add,
	};
	struct fake_prov *fp = fake_new(test, "fake", &fake_ops);

	KUNIT_EXPECT_EQ(test, dumpregion_provider_register(NULL), -EINVAL);
	fp->prov.name = NULL;
	KUNIT_EXPECT_EQ(test, dumpregion_provider_register(&fp->prov), -EINVAL);
	fp->prov.name = "";
	KUNIT_EXPECT_EQ(test, dumpregion_provider_register(&fp->prov), -EINVAL);
	fp->prov.name = "fake";
	fp->prov.ops = &no_add;
	KUNIT_EXPECT_EQ(test, dumpregion_provider_register(&fp->prov), -EINVAL);
	fp->prov.ops = &no_remove;
	KUNIT_EXPECT_EQ(test, dumpregion_provider_register(&fp->prov), -EINVAL);
	fp->prov.ops = NULL;
	KUNIT_EXPECT_EQ(test, dumpregion_provider_register(&fp->prov), -EINVAL);

	fp->prov.ops = &fake_ops;
	KUNIT_ASSERT_EQ(test, dumpregion_provider_register(&fp->prov), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_provider_register(&fp->prov), -EBUSY);
	fake_stop(fp);
}

/* ---- kinds of memory ---- */

/* The KELF load at physical @pa has kernel virtual address @va. */
static void expect_kelf_vaddr(struct kunit *test, phys_addr_t pa,
			      unsigned long va)
{
	const struct elf64_phdr *ph = kelf_load(test, pa);

	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_EXPECT_EQ(test, ph->p_vaddr, (u64)va);
}

static void dr_test_kinds(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	struct page *page;
	void *buf;
	int lin, img, phys;

	buf = kunit_kzalloc(test, 200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);

	lin = dumpregion_register("lin", buf + 8, 100);
	img = dumpregion_register("img", &init_uts_ns, sizeof(init_uts_ns));
	phys = dumpregion_register_phys("phys", page_to_phys(page) + 16, 512);
	KUNIT_ASSERT_GT(test, lin, 0);
	KUNIT_ASSERT_GT(test, img, 0);
	KUNIT_ASSERT_GT(test, phys, 0);
	KUNIT_ASSERT_EQ(test, fp->nr_calls, 3);

	KUNIT_EXPECT_STREQ(test, fp->calls[0].name, "lin");
	KUNIT_EXPECT_EQ(test, fp->calls[0].kind, DUMPREGION_LINEAR);
	KUNIT_EXPECT_EQ(test, fp->calls[0].nr_runs, 1);
	KUNIT_EXPECT_EQ(test, fp->calls[0].size, 100);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].phys, virt_to_phys(buf) + 8);
	/* Kernel addresses go to the KELF index, never to providers. */
	expect_kelf_vaddr(test, virt_to_phys(buf) + 8, (unsigned long)buf + 8);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].size, 100);

	/* Image variables keep their image address, not a linear alias. */
	KUNIT_EXPECT_EQ(test, fp->calls[1].kind, DUMPREGION_IMAGE);
	KUNIT_EXPECT_EQ(test, fp->calls[1].nr_runs, 1);
	KUNIT_EXPECT_EQ(test, fp->calls[1].runs[0].phys,
			__pa_symbol(&init_uts_ns));
	expect_kelf_vaddr(test, __pa_symbol(&init_uts_ns),
			  (unsigned long)&init_uts_ns);

	KUNIT_EXPECT_EQ(test, fp->calls[2].kind, DUMPREGION_PHYS);
	KUNIT_EXPECT_EQ(test, fp->calls[2].runs[0].phys,
			page_to_phys(page) + 16);
	expect_kelf_vaddr(test, page_to_phys(page) + 16, 0);
	KUNIT_EXPECT_EQ(test, fp->calls[2].runs[0].size, 512);

	KUNIT_EXPECT_EQ(test, dumpregion_unregister(lin), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(img), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(phys), 0);
	KUNIT_EXPECT_EQ(test, fake_nr_held(fp), 0);
	__free_page(page);
}

/* Check runs against the page tables, page by page. */
static void expect_runs_match(struct kunit *test, const struct fake_call *c,
			      unsigned long va, size_t size)
{
	size_t total = 0;
	unsigned int i;

	KUNIT_ASSERT_LE(test, c->nr_runs, FAKE_MAX_RUNS);
	for (i = 0; i < c->nr_runs; i++) {
		const struct dumpregion_run *run = &c->runs[i];
		unsigned long v = va + total, p;

		for (p = v; p < v + run->size; p = (p & PAGE_MASK) + PAGE_SIZE)
			KUNIT_EXPECT_EQ(test, run->phys + (p - v),
					page_to_phys(vmalloc_to_page((void *)p)) +
					offset_in_page(p));
		/* Runs are maximal: the next one is not contiguous. */
		if (i + 1 < c->nr_runs)
			KUNIT_EXPECT_NE(test, run->phys + run->size,
					c->runs[i + 1].phys);
		total += run->size;
	}
	KUNIT_EXPECT_EQ(test, total, size);
}

static void dr_test_vmalloc(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	struct page *pages, *map[2];
	void *v, *swapped, *straight;
	int id;

	v = vmalloc(5 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, v);
	id = dumpregion_register("vm", v + 100, 4 * PAGE_SIZE);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, fp->calls[0].kind, DUMPREGION_VMALLOC);
	expect_runs_match(test, &fp->calls[0], (unsigned long)v + 100,
			  4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	vfree(v);

	/* Two physically adjacent pages, mapped in reverse: two runs. */
	pages = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	map[0] = pages + 1;
	map[1] = pages;
	swapped = vmap(map, 2, VM_MAP, PAGE_KERNEL);
	map[0] = pages;
	map[1] = pages + 1;
	straight = vmap(map, 2, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, swapped);
	KUNIT_ASSERT_NOT_NULL(test, straight);

	fake_reset_calls(fp);
	id = dumpregion_register("swapped", swapped + 16, 2 * PAGE_SIZE - 32);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, fp->calls[0].nr_runs, 2);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].phys,
			page_to_phys(pages + 1) + 16);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].size, PAGE_SIZE - 16);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[1].phys, page_to_phys(pages));
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[1].size, PAGE_SIZE - 16);
	expect_runs_match(test, &fp->calls[0], (unsigned long)swapped + 16,
			  2 * PAGE_SIZE - 32);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);

	fake_reset_calls(fp);
	id = dumpregion_register("straight", straight, 2 * PAGE_SIZE);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, fp->calls[0].nr_runs, 1);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].phys, page_to_phys(pages));
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);

	vunmap(swapped);
	vunmap(straight);
	__free_pages(pages, 1);
}

static void dr_test_run_name(struct kunit *test)
{
	struct dumpregion_run runs[2] = {};
	struct dumpregion_layout l = {
		.name = "stack", .nr_runs = 1, .runs = runs,
	};
	char buf[DUMPREGION_NAME_MAX];

	KUNIT_EXPECT_EQ(test, dumpregion_run_name(&l, 0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, "stack");
	KUNIT_EXPECT_EQ(test, dumpregion_run_name(&l, 1, buf, sizeof(buf)),
			-EINVAL);
	l.nr_runs = 2;
	KUNIT_EXPECT_EQ(test, dumpregion_run_name(&l, 1, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, "stack#1");
	KUNIT_EXPECT_EQ(test, dumpregion_run_name(&l, 1, buf, 6),
			-ENAMETOOLONG);
}

/* ---- per-CPU ---- */

static void dr_test_percpu(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	void __percpu *var;
	int __percpu *ids;
	unsigned int cpu, i = 0;
	int ret;

	var = __alloc_percpu(4 * sizeof(u64), sizeof(u64));
	ids = alloc_percpu(int);
	/* __percpu pointers: tested for NULL, not compared with it */
	KUNIT_ASSERT_TRUE(test, var && ids);

	KUNIT_ASSERT_EQ(test, dumpregion_register_percpu("pcpu", var,
							 4 * sizeof(u64), ids),
			0);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, num_possible_cpus());
	for_each_possible_cpu(cpu) {
		const struct fake_call *c = &fp->calls[i++];
		char name[DUMPREGION_NAME_MAX];
		unsigned long va = (unsigned long)per_cpu_ptr(var, cpu);

		snprintf(name, sizeof(name), "pcpu.%u", cpu);
		KUNIT_EXPECT_EQ(test, c->op, FAKE_ADD);
		KUNIT_EXPECT_EQ(test, c->id, *per_cpu_ptr(ids, cpu));
		KUNIT_EXPECT_STREQ(test, c->name, name);
		KUNIT_EXPECT_EQ(test, c->size, 4 * sizeof(u64));
		expect_kelf_vaddr(test, c->runs[0].phys, va);
		if (c->kind == DUMPREGION_LINEAR)
			KUNIT_EXPECT_EQ(test, c->runs[0].phys, __pa(va));
		else
			expect_runs_match(test, c, va, 4 * sizeof(u64));
	}
	dumpregion_unregister_percpu(ids);
	KUNIT_EXPECT_EQ(test, fake_nr_held(fp), 0);
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, *per_cpu_ptr(ids, cpu), 0);

	/* A suffix that does not fit: nothing registered, ids cleared. */
	fake_reset_calls(fp);
	/* 30 characters leave no room for ".<cpu>" and the NUL. */
	ret = dumpregion_register_percpu("abcdefghijklmnopqrstuvwxyz0123",
					 var, 8, ids);
	KUNIT_EXPECT_EQ(test, ret, -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, fake_nr_held(fp), 0);
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ(test, *per_cpu_ptr(ids, cpu), 0);

	free_percpu(var);
	free_percpu(ids);
}

/* ---- providers: replay, refusal ---- */

static void dr_test_replay(struct kunit *test)
{
	struct fake_prov *early, *late;
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	int id[4], i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Regions registered while no provider exists are kept. */
	id[0] = dumpregion_register("r0", buf, 8);
	id[1] = dumpregion_register("r1", buf + 8, 8);
	id[2] = dumpregion_register("r2", buf + 16, 8);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_GT(test, id[i], 0);

	early = fake_start(test, "early", &fake_ops);
	KUNIT_ASSERT_EQ(test, early->nr_calls, 3);
	for (i = 0; i < 3; i++)
		expect_call(test, early, i, FAKE_ADD, id[i]);
	KUNIT_EXPECT_STREQ(test, early->calls[1].name, "r1");

	id[3] = dumpregion_register("r3", buf + 24, 8);
	KUNIT_ASSERT_GT(test, id[3], 0);
	expect_call(test, early, 3, FAKE_ADD, id[3]);

	late = fake_start(test, "late", &fake_ops);
	KUNIT_ASSERT_EQ(test, late->nr_calls, 4);
	for (i = 0; i < 4; i++)
		expect_call(test, late, i, FAKE_ADD, id[i]);

	/* A provider leaving gives back each region; others keep theirs. */
	fake_reset_calls(early);
	fake_stop(early);
	KUNIT_EXPECT_EQ(test, early->nr_calls, 4);
	for (i = 0; i < 4; i++)
		expect_call(test, early, i, FAKE_REMOVE, id[i]);
	KUNIT_EXPECT_EQ(test, fake_nr_held(early), 0);
	KUNIT_EXPECT_EQ(test, fake_nr_held(late), 4);

	/* Coming back replays again. */
	fake_reset_calls(early);
	KUNIT_ASSERT_EQ(test, dumpregion_provider_register(&early->prov), 0);
	KUNIT_EXPECT_EQ(test, early->nr_calls, 4);
	KUNIT_EXPECT_EQ(test, fake_nr_held(early), 4);

	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, dumpregion_unregister(id[i]), 0);
	KUNIT_EXPECT_EQ(test, fake_nr_held(early), 0);
	KUNIT_EXPECT_EQ(test, fake_nr_held(late), 0);
}

static void dr_test_refusal(struct kunit *test)
{
	struct fake_prov *small = fake_start(test, "small", &fake_ops);
	struct fake_prov *big = fake_start(test, "big", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	int id[4], i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	small->accept = 2;
	for (i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof(name), "f%d", i);
		id[i] = dumpregion_register(name, buf + 8 * i, 8);
		KUNIT_ASSERT_GT(test, id[i], 0);
	}
	/* The refusal did not reach the client nor the other provider. */
	KUNIT_EXPECT_EQ(test, fake_nr_held(small), 2);
	KUNIT_EXPECT_EQ(test, fake_nr_held(big), 4);
	KUNIT_EXPECT_TRUE(test, fake_holds(small, id[1]));
	KUNIT_EXPECT_FALSE(test, fake_holds(small, id[2]));
	KUNIT_EXPECT_EQ(test, accepted(small), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&small->prov.nr_refused), 2);
	KUNIT_EXPECT_EQ(test, accepted(big), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&big->prov.nr_refused), 0);

	/* Unregistering a refused region does not call remove on it. */
	fake_reset_calls(small);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id[3]), 0);
	KUNIT_EXPECT_EQ(test, small->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&small->prov.nr_refused), 1);
	KUNIT_EXPECT_FALSE(test, small->bogus);

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, dumpregion_unregister(id[i]), 0);
	KUNIT_EXPECT_EQ(test, accepted(small), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&small->prov.nr_refused), 0);
	KUNIT_EXPECT_EQ(test, fake_nr_held(big), 0);
}

/* Render a debugfs file into a test-managed buffer. */
static char *show(struct kunit *test, int (*fn)(struct seq_file *, void *))
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->size = 2 * PAGE_SIZE;
	m->buf = kunit_kzalloc(test, m->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	KUNIT_ASSERT_EQ(test, fn(m, NULL), 0);
	KUNIT_ASSERT_LT(test, m->count, m->size);
	return m->buf;
}

static void dr_test_debugfs(struct kunit *test)
{
	struct fake_prov *full = fake_start(test, "full", &fake_ops);
	struct fake_prov *roomy = fake_start(test, "roomy", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	unsigned int nr[2], runs[2];
	unsigned long long bytes[2];
	size_t kelf_size[2];
	char line[128];
	char *out;
	int id, ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	full->accept = 0;
	dr_kelf_current(&kelf_size[0]);
	out = show(test, dumpregion_total_show);
	ret = sscanf(out, "regions=%u runs=%u bytes=%llu", &nr[0], &runs[0],
		     &bytes[0]);
	KUNIT_ASSERT_EQ(test, ret, 3);
	id = dumpregion_register("shown", buf, 48);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_TRUE(test, fake_holds(roomy, id));
	KUNIT_EXPECT_FALSE(test, fake_holds(full, id));

	out = show(test, dumpregion_regions_show);
	snprintf(line, sizeof(line), "%d shown linear size=48 runs=1\n", id);
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, line));
	snprintf(line, sizeof(line), "  run 0: pa=%pa size=48\n",
		 &(phys_addr_t){ virt_to_phys(buf) });
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, line));
	/* No kernel virtual address is handed out. */
	snprintf(line, sizeof(line), "%lx", (unsigned long)buf);
	KUNIT_EXPECT_NULL(test, strstr(out, line));
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, "  full: refused -28\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, "  roomy: ok\n"));

	out = show(test, dumpregion_providers_show);
	/* The KELF index and boot regions count as accepted by both. */
	snprintf(line, sizeof(line), "full accepted=%d refused=1 stale=0\n",
		 full->foreign);
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, line));
	snprintf(line, sizeof(line), "roomy accepted=%d refused=0 stale=0\n",
		 roomy->foreign + 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, line));

	/* The total counts the new region once, whoever refused it. */
	out = show(test, dumpregion_total_show);
	ret = sscanf(out, "regions=%u runs=%u bytes=%llu", &nr[1], &runs[1],
		     &bytes[1]);
	KUNIT_ASSERT_EQ(test, ret, 3);
	KUNIT_EXPECT_EQ(test, nr[1], nr[0] + 1);
	KUNIT_EXPECT_EQ(test, runs[1], runs[0] + 1);
	/* The KELF index, counted too, grew by one program header. */
	dr_kelf_current(&kelf_size[1]);
	KUNIT_EXPECT_EQ(test, kelf_size[1], kelf_size[0] +
			sizeof(struct elf64_phdr));
	KUNIT_EXPECT_EQ(test, bytes[1], bytes[0] + 48 + sizeof(struct elf64_phdr));
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
}

/*
 * A provider deferring firmware calls is given the chance to finish them
 * before unregister and a sleeping update return, after the region left
 * its table, in a context that may sleep.
 */
static void dr_test_sync(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	unsigned int n;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	id = dumpregion_register("synced", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	n = fp->nr_sync;
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, buf + 128, 64), 0);
	KUNIT_EXPECT_GT(test, fp->nr_sync, n);
	n = fp->nr_sync;
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_GT(test, fp->nr_sync, n);
	/* By then the region was out of the provider's table. */
	KUNIT_EXPECT_EQ(test, fp->held_at_sync, 0);
	KUNIT_EXPECT_FALSE(test, fake_holds(fp, id));
}

struct unreg_ctx {
	int id;
	int ret;
	struct completion done;
};

static int unreg_fn(void *data)
{
	struct unreg_ctx *u = data;

	u->ret = dumpregion_unregister(u->id);
	complete(&u->done);
	return 0;
}

/*
 * A provider whose firmware is slow to answer (an RPC timing out) holds
 * up the unregistration waiting for it, not everyone else's registration.
 */
static void dr_test_sync_unlocked(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "slow", &fake_ops);
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct completion gate;
	struct task_struct *t;
	struct unreg_ctx *u;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, u);
	init_completion(&gate);
	init_completion(&u->done);
	u->id = dumpregion_register("slow_a", buf, 64);
	KUNIT_ASSERT_GT(test, u->id, 0);
	fp->sync_gate = &gate;
	t = kthread_run(unreg_fn, u, "dr-unreg");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_ASSERT_TRUE(test, wait_in_sync(fp, true));
	/* The unregistration waits for the firmware; this goes through. */
	id = dumpregion_register("slow_b", buf + 128, 64);
	KUNIT_EXPECT_GT(test, id, 0);
	KUNIT_EXPECT_TRUE(test, fake_holds(fp, id));
	KUNIT_EXPECT_FALSE(test, completion_done(&u->done));
	WRITE_ONCE(fp->sync_gate, NULL);
	/* Pairs with fake_sync(): a sync that saw the gate counts in in_sync. */
	smp_mb();
	complete_all(&gate);
	wait_for_completion(&u->done);
	KUNIT_EXPECT_EQ(test, u->ret, 0);
	KUNIT_ASSERT_TRUE(test, wait_in_sync(fp, false));
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
}

/* ---- lifetime ---- */

static void dr_test_devm(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	struct device *dev;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	dev = kunit_device_register(test, "dumpregion-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	id = devm_dumpregion_register(dev, "devm", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_TRUE(test, fake_holds(fp, id));

	kunit_device_unregister(test, dev);
	KUNIT_EXPECT_FALSE(test, fake_holds(fp, id));
	expect_call(test, fp, 1, FAKE_REMOVE, id);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), -ENOENT);
}

static void dr_test_devm_provider(struct kunit *test)
{
	struct fake_prov *fp = fake_new(test, "devm", &fake_ops);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	struct device *dev;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	id = dumpregion_register("held", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	dev = kunit_device_register(test, "dumpregion-prov");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	KUNIT_ASSERT_EQ(test, devm_dumpregion_provider_register(dev, &fp->prov),
			0);
	KUNIT_EXPECT_TRUE(test, fake_holds(fp, id));
	kunit_device_unregister(test, dev);
	KUNIT_EXPECT_FALSE(test, fake_holds(fp, id));
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 2);
}

static void dr_test_module_going(struct kunit *test)
{
#ifdef CONFIG_MODULES
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	struct module *mod = kunit_kzalloc(test, sizeof(*mod), GFP_KERNEL);
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	int a, b, builtin;

	KUNIT_ASSERT_NOT_NULL(test, mod);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	a = __dumpregion_register(mod, "mod-a", buf, 8);
	b = __dumpregion_register_phys(mod, "mod-b", virt_to_phys(buf), 8);
	builtin = __dumpregion_register(NULL, "builtin", buf, 8);
	KUNIT_ASSERT_GT(test, a, 0);
	KUNIT_ASSERT_GT(test, b, 0);
	KUNIT_ASSERT_GT(test, builtin, 0);

	KUNIT_EXPECT_EQ(test, dumpregion_module_going(mod), 2);
	KUNIT_EXPECT_FALSE(test, fake_holds(fp, a));
	KUNIT_EXPECT_FALSE(test, fake_holds(fp, b));
	KUNIT_EXPECT_TRUE(test, fake_holds(fp, builtin));
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), -ENOENT);
	KUNIT_EXPECT_EQ(test, dumpregion_module_going(mod), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(builtin), 0);
#else
	kunit_skip(test, "modules are not enabled");
#endif
}

/* ---- updates ---- */

static DEFINE_SPINLOCK(dr_test_lock);

static void dr_test_update_atomic(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	struct fake_prov *nu = fake_start(test, "noupdate",
					  &fake_ops_no_update);
	struct page *pages, *map[3];
	unsigned long flags;
	void *buf, *swapped, *reversed;
	int id, ret;

	buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	pages = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	map[0] = pages + 1;
	map[1] = pages;
	swapped = vmap(map, 2, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, swapped);
	map[0] = pages + 2;
	map[1] = pages + 1;
	map[2] = pages;
	reversed = vmap(map, 3, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, reversed);

	id = dumpregion_register_movable("stack", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	fake_reset_calls(fp);
	fake_reset_calls(nu);

	/* From atomic context, to memory split in two runs. */
	spin_lock_irqsave(&dr_test_lock, flags);
	ret = dumpregion_update_atomic(id, swapped + PAGE_SIZE - 32, 64);
	spin_unlock_irqrestore(&dr_test_lock, flags);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, fp->nr_calls, 1);
	expect_call(test, fp, 0, FAKE_UPDATE, id);
	KUNIT_EXPECT_EQ(test, fp->calls[0].kind, DUMPREGION_VMALLOC);
	KUNIT_EXPECT_EQ(test, fp->calls[0].nr_runs, 2);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].phys,
			page_to_phys(pages + 1) + PAGE_SIZE - 32);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[1].phys, page_to_phys(pages));
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[1].size, 32);
	/* Without an update op: remove, then add of the new layout. */
	KUNIT_ASSERT_EQ(test, nu->nr_calls, 2);
	expect_call(test, nu, 0, FAKE_REMOVE, id);
	KUNIT_EXPECT_EQ(test, nu->calls[0].runs[0].phys, virt_to_phys(buf));
	expect_call(test, nu, 1, FAKE_ADD, id);
	KUNIT_EXPECT_EQ(test, nu->calls[1].nr_runs, 2);

	/*
	 * Another size, even within the reservation: refused (the KELF
	 * offsets after the region would move), providers not called.
	 */
	fake_reset_calls(fp);
	local_irq_save(flags);
	ret = dumpregion_update_atomic(id, reversed, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	ret = dumpregion_update_atomic(id, swapped, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 0);
	ret = dumpregion_unregister(id);
	KUNIT_EXPECT_EQ(test, ret, 0);

	/* A region registered non-movable has exactly one run of room. */
	id = dumpregion_register("fixed", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	fake_reset_calls(fp);
	local_irq_save(flags);
	ret = dumpregion_update_atomic(id, swapped + PAGE_SIZE - 32, 64);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 0);
	/* ... but it moves from linear to the image in place. */
	local_irq_save(flags);
	ret = dumpregion_update_atomic(id, &init_uts_ns, 64);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, fp->calls[0].kind, DUMPREGION_IMAGE);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].phys,
			__pa_symbol(&init_uts_ns));
	/* The sleeping update grows the reservation. */
	fake_reset_calls(fp);
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, swapped, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, fp->calls[0].nr_runs, 2);
	KUNIT_EXPECT_EQ(test, fp->calls[0].size, 2 * PAGE_SIZE);

	/* A provider that fails an update drops the region. */
	fake_reset_calls(fp);
	fp->update_err = -E2BIG;
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, buf, 32), 0);
	KUNIT_ASSERT_EQ(test, fp->nr_calls, 2);
	expect_call(test, fp, 0, FAKE_UPDATE, id);
	expect_call(test, fp, 1, FAKE_REMOVE, id);
	KUNIT_EXPECT_FALSE(test, fake_holds(fp, id));
	KUNIT_EXPECT_TRUE(test, fake_holds(nu, id));
	KUNIT_EXPECT_EQ(test, atomic_read(&fp->prov.nr_refused), 1);
	fake_reset_calls(fp);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 0);
	KUNIT_EXPECT_FALSE(test, fp->bogus);
	KUNIT_EXPECT_FALSE(test, nu->bogus);

	vunmap(swapped);
	vunmap(reversed);
	__free_pages(pages, 2);
}

/* ---- concurrency ---- */

#define STRESS_THREADS	4
#define STRESS_ROUNDS	150

struct stress_ctx {
	struct completion done;
	void *buf;
	int index;
	int kept[STRESS_ROUNDS];
	int errors;
};

static int stress_fn(void *data)
{
	struct stress_ctx *ctx = data;
	char name[DUMPREGION_NAME_MAX];
	unsigned long flags;
	int i, id;

	for (i = 0; i < STRESS_ROUNDS; i++) {
		snprintf(name, sizeof(name), "s%d-%d", ctx->index, i);
		id = dumpregion_register_movable(name, ctx->buf + i, 16);
		if (id <= 0) {
			ctx->errors++;
			continue;
		}
		local_irq_save(flags);
		if (dumpregion_update_atomic(id, ctx->buf + i + 1, 16))
			ctx->errors++;
		local_irq_restore(flags);
		if (i % 3 == 0) {
			if (dumpregion_update(id, ctx->buf, 32))
				ctx->errors++;
		}
		if (i % 2) {
			if (dumpregion_unregister(id))
				ctx->errors++;
		} else {
			ctx->kept[i] = id;
		}
		if (i % 16 == 0)
			cond_resched();
	}
	complete(&ctx->done);
	return 0;
}

static void dr_test_concurrency(struct kunit *test)
{
	struct fake_prov *steady = fake_start(test, "steady", &fake_ops);
	struct fake_prov *flappy = fake_new(test, "flappy",
					    &fake_ops_no_update);
	struct stress_ctx *ctx;
	unsigned int kept = 0;
	int t, i, flaps = 0;

	ctx = kunit_kcalloc(test, STRESS_THREADS, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	for (t = 0; t < STRESS_THREADS; t++) {
		struct task_struct *task;

		ctx[t].buf = kunit_kzalloc(test, 256, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, ctx[t].buf);
		ctx[t].index = t;
		init_completion(&ctx[t].done);
		task = kthread_run(stress_fn, &ctx[t], "dr-stress-%d", t);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}

	/* A provider comes and goes while the threads run. */
	for (t = 0; t < STRESS_THREADS; t++) {
		while (!completion_done(&ctx[t].done)) {
			int ret = dumpregion_provider_register(&flappy->prov);

			KUNIT_ASSERT_EQ(test, ret, 0);
			fake_stop(flappy);
			KUNIT_EXPECT_EQ(test, fake_nr_held(flappy), 0);
			flaps++;
		}
		wait_for_completion(&ctx[t].done);
	}
	KUNIT_ASSERT_EQ(test, dumpregion_provider_register(&flappy->prov), 0);
	kunit_info(test, "provider re-registered %d times", flaps);

	/* Final state: exactly the regions the threads kept, in both. */
	for (t = 0; t < STRESS_THREADS; t++) {
		KUNIT_EXPECT_EQ(test, ctx[t].errors, 0);
		for (i = 0; i < STRESS_ROUNDS; i++) {
			if (!ctx[t].kept[i])
				continue;
			kept++;
			KUNIT_EXPECT_TRUE(test, fake_holds(steady,
							   ctx[t].kept[i]));
			KUNIT_EXPECT_TRUE(test, fake_holds(flappy,
							   ctx[t].kept[i]));
		}
	}
	KUNIT_EXPECT_EQ(test, kept, STRESS_THREADS * STRESS_ROUNDS / 2);
	KUNIT_EXPECT_EQ(test, fake_nr_held(steady), kept);
	KUNIT_EXPECT_EQ(test, fake_nr_held(flappy), kept);
	KUNIT_EXPECT_FALSE(test, steady->bogus);
	KUNIT_EXPECT_FALSE(test, flappy->bogus);

	for (t = 0; t < STRESS_THREADS; t++)
		for (i = 0; i < STRESS_ROUNDS; i++)
			if (ctx[t].kept[i])
				KUNIT_EXPECT_EQ(test,
						dumpregion_unregister(ctx[t].kept[i]),
						0);
	KUNIT_EXPECT_EQ(test, fake_nr_held(steady), 0);
	KUNIT_EXPECT_EQ(test, fake_nr_held(flappy), 0);
	fake_stop(flappy);
}

/* ---- panic ---- */

/* A debugfs listing past the KELF index, which comes first. */
static const char *past_kelf(const char *out)
{
	const char *p = out;

	while ((p = strchr(p, '\n')) && !isdigit(p[1]))
		p++;
	return p ?: "";
}

/* Report the first line where listings @a and @b differ. */
static void first_difference(struct kunit *test, const char *a, const char *b)
{
	size_t la, lb;

	while (*a && *b) {
		la = strchrnul(a, '\n') - a;
		lb = strchrnul(b, '\n') - b;
		if (la != lb || memcmp(a, b, la)) {
			kunit_info(test, "was: %.*s", (int)la, a);
			kunit_info(test, "now: %.*s", (int)lb, b);
			return;
		}
		a += la + (a[la] ? 1 : 0);
		b += lb + (b[lb] ? 1 : 0);
	}
}

struct holder_ctx {
	struct completion locked;
	struct completion release;
};

static int holder_fn(void *data)
{
	struct holder_ctx *h = data;

	mutex_lock(dumpregion_registration_lock());
	complete(&h->locked);
	wait_for_completion(&h->release);
	mutex_unlock(dumpregion_registration_lock());
	return 0;
}

static void dr_test_panic_finalise(struct kunit *test)
{
	struct fake_prov *a = fake_start(test, "a", &fake_ops);
	struct fake_prov *b = fake_start(test, "b", &fake_ops_no_update);
	struct fake_prov *c = fake_start(test, "c", &fake_ops);
	struct holder_ctx *h;
	struct task_struct *task;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	init_completion(&h->locked);
	init_completion(&h->release);
	task = kthread_run(holder_fn, h, "dr-holder");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	wait_for_completion(&h->locked);

	/* Another CPU holds the registration lock, as at a panic. */
	KUNIT_EXPECT_TRUE(test, mutex_is_locked(dumpregion_registration_lock()));
	preempt_disable();
	dumpregion_panic_finalise();
	preempt_enable();
	KUNIT_EXPECT_TRUE(test, mutex_is_locked(dumpregion_registration_lock()));
	complete(&h->release);

	KUNIT_EXPECT_EQ(test, a->nr_finalise, 1);
	KUNIT_EXPECT_EQ(test, b->nr_finalise, 0);	/* has no finalise op */
	KUNIT_EXPECT_EQ(test, c->nr_finalise, 1);

	/* A provider that left is not finalised. */
	fake_stop(c);
	dumpregion_panic_finalise();
	KUNIT_EXPECT_EQ(test, a->nr_finalise, 2);
	KUNIT_EXPECT_EQ(test, c->nr_finalise, 1);
	dumpregion_test_undo_panic();
}

static void dr_test_not_panicking(void *unused)
{
	dumpregion_test_set_panicking(false);
}

/* Run the panic-time paths as if panicking until the test ends. */
static void dr_test_panic_mode(struct kunit *test)
{
	dumpregion_test_set_panicking(true);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dr_test_not_panicking,
							NULL), 0);
}

/*
 * During a panic the core calls no add, remove or update op: a provider
 * whose lock a stopped CPU holds, or whose update is not panic-safe, keeps
 * the old layout and the region is reported stale; once the lock is free,
 * the move reaches it.  Without the trylock contract this test hangs.
 */
static void dr_test_panic_contract(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	struct fake_prov *nu = fake_start(test, "noupdate", &fake_ops_no_update);
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct dumpregion_test_holder *h;
	unsigned long flags;
	char line[64];
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	id = dumpregion_register_movable("pmove", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	fake_reset_calls(fp);
	fake_reset_calls(nu);

	h = dumpregion_test_hold(test, &fp->prov.lock);
	if (!h) {
		dumpregion_unregister(id);
		kunit_skip(test, "needs two online CPUs");
	}
	dr_test_panic_mode(test);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 64, 64), 0);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, fp->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, nu->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fp->prov.nr_stale), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&nu->prov.nr_stale), 1);
	/* Still published: stale is not refused. */
	KUNIT_EXPECT_TRUE(test, fake_holds(fp, id));
	KUNIT_EXPECT_TRUE(test, fake_holds(nu, id));
	KUNIT_EXPECT_EQ(test, atomic_read(&fp->prov.nr_refused), 0);
	/* The KELF index describes where the region is now (D10). */
	preempt_disable();
	dr_kelf_panic();
	preempt_enable();
	KUNIT_EXPECT_NULL(test, kelf_load(test, virt_to_phys(buf)));
	KUNIT_EXPECT_NOT_NULL(test, kelf_load(test, virt_to_phys(buf + 64)));

	/* The lock is free again: the next move reaches the provider. */
	dumpregion_test_release(h);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 128, 64), 0);
	local_irq_restore(flags);
	KUNIT_ASSERT_EQ(test, fp->nr_calls, 1);
	expect_call(test, fp, 0, FAKE_UPDATE, id);
	KUNIT_EXPECT_EQ(test, fp->calls[0].runs[0].phys, virt_to_phys(buf + 128));
	KUNIT_EXPECT_EQ(test, fp->nr_panic_update, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fp->prov.nr_stale), 0);
	KUNIT_EXPECT_EQ(test, nu->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&nu->prov.nr_stale), 1);

	dumpregion_test_set_panicking(false);
	snprintf(line, sizeof(line), "  noupdate: stale %d\n", -EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL(test, strstr(show(test, dumpregion_regions_show),
					   line));
	/* Out of the panic, a move makes it current again. */
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, buf, 64), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&nu->prov.nr_stale), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_FALSE(test, fp->bogus);
	KUNIT_EXPECT_FALSE(test, nu->bogus);
	dr_forget_cpu_regs();
	dr_kelf_restore();
}

static void save_regs_fn(void *info)
{
	dumpregion_save_cpu_regs(info);
}

/*
 * The stop hook records registers only during a panic: the plain reboot
 * path stops CPUs with the same IPI.
 */
static void dr_test_stop_hook(struct kunit *test)
{
	struct pt_regs *regs = kunit_kzalloc(test, sizeof(*regs), GFP_KERNEL);
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, regs);
	cpus_read_lock();
	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (cpu >= nr_cpu_ids) {
		cpus_read_unlock();
		kunit_skip(test, "needs two online CPUs");
	}
	dr_forget_cpu_regs();
	smp_call_function_single(cpu, save_regs_fn, regs, 1);
	KUNIT_EXPECT_NULL(test, dr_cpu_task(cpu));
	dr_test_panic_mode(test);
	smp_call_function_single(cpu, save_regs_fn, regs, 1);
	cpus_read_unlock();
	KUNIT_EXPECT_NOT_NULL(test, dr_cpu_task(cpu));
	dr_forget_cpu_regs();
}

/*
 * The panic finaliser moves the built-in clients' task and stack regions
 * and finalises the live KELF index; the suite puts the registry back
 * exactly as it was, so later suites and the running kernel see no trace.
 */
static void dr_test_panic_restores(struct kunit *test)
{
	char *before, *after;

	before = kstrdup(show(test, dumpregion_regions_show), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	preempt_disable();
	dumpregion_panic_finalise();
	preempt_enable();
	dumpregion_test_undo_panic();
	after = show(test, dumpregion_regions_show);
	/* The KELF buffer may have changed; everything else is as before. */
	KUNIT_EXPECT_STREQ(test, past_kelf(after), past_kelf(before));
	if (strcmp(past_kelf(after), past_kelf(before)))
		first_difference(test, past_kelf(before), past_kelf(after));
	kfree(before);
}

/* The PT_LOAD describing physical address @pa, or NULL. */
static const struct elf64_phdr *kelf_load(struct kunit *test, phys_addr_t pa);

/*
 * At panic each CPU's pid lookup path comes with its task: the xarray
 * node holding the slot of the panicking task's pid in init_pid_ns's idr
 * (found here with the xarray's own walk) and its struct pid are loads of
 * the KELF index at their kernel addresses, for a debugger's pid lookup.
 */
static void dr_test_panic_pid_path(struct kunit *test)
{
	struct idr *idr = &init_pid_ns.idr;
	const struct elf64_phdr *ph;
	struct xa_node *leaf = NULL;
	struct pid *pid;

	if (!IS_ENABLED(CONFIG_DUMPREGION_TASKS))
		kunit_skip(test, "needs CONFIG_DUMPREGION_TASKS");
	preempt_disable();
	pid = task_pid(current);
	{
		XA_STATE(xas, &idr->idr_rt, pid_nr(pid) - idr->idr_base);

		rcu_read_lock();
		KUNIT_EXPECT_PTR_EQ(test, xas_load(&xas), (void *)pid);
		if (!xas_invalid(&xas))
			leaf = xas.xa_node;
		rcu_read_unlock();
	}
	dumpregion_panic_finalise();
	preempt_enable();

	ph = kelf_load(test, virt_to_phys(pid));
	KUNIT_EXPECT_NOT_NULL(test, ph);
	if (ph) {
		KUNIT_EXPECT_EQ(test, ph->p_vaddr, (u64)(unsigned long)pid);
		KUNIT_EXPECT_GE(test, ph->p_memsz, struct_size(pid, numbers, 1));
	}
	if (leaf) {
		ph = kelf_load(test, virt_to_phys(leaf));
		KUNIT_EXPECT_NOT_NULL(test, ph);
		if (ph)
			KUNIT_EXPECT_EQ(test, ph->p_memsz, sizeof(*leaf));
	}
	dumpregion_test_undo_panic();
}

static const struct elf64_phdr *kelf_phdrs(struct kunit *test,
					   const struct elf64_hdr **ehp);

/*
 * With the crash utility's regions, the page-table page that maps the
 * panicking task's vmalloc'ed stack is a load of the KELF index at panic:
 * found here by its contents, the entry for the stack's first page
 * holding the frame vmalloc_to_pfn() gives.
 */
static void dr_test_panic_page_tables(struct kunit *test)
{
	unsigned long stack = (unsigned long)task_stack_page(current);
	const struct elf64_phdr *ph;
	const struct elf64_hdr *eh;
	unsigned int i, found = 0;
	const pte_t *ptes;
	u64 va;

	if (!IS_ENABLED(CONFIG_DUMPREGION_CRASH_UTILITY))
		kunit_skip(test, "needs CONFIG_DUMPREGION_CRASH_UTILITY");
	if (!is_vmalloc_addr((void *)stack))
		kunit_skip(test, "the stack is not vmalloc'ed");
	preempt_disable();
	dumpregion_panic_finalise();
	preempt_enable();
	ph = kelf_phdrs(test, &eh);
	for (i = 0; i < eh->e_phnum; i++) {
		/*
		 * Table pages are in the linear map: not physical-only loads
		 * (no vaddr), nor stacks, whose KASAN red zones must not be read.
		 */
		if (ph[i].p_type != PT_LOAD ||
		    !virt_addr_valid((void *)(unsigned long)ph[i].p_vaddr))
			continue;
		/* Every whole page of the load: loads may be merged. */
		for (va = PAGE_ALIGN(ph[i].p_vaddr);
		     va + PAGE_SIZE <= ph[i].p_vaddr + ph[i].p_memsz; va += PAGE_SIZE) {
			ptes = (const pte_t *)(unsigned long)va;
			if (pte_present(ptes[pte_index(stack)]) &&
			    pte_pfn(ptes[pte_index(stack)]) == vmalloc_to_pfn((void *)stack))
				found++;
		}
	}
	KUNIT_EXPECT_GE(test, found, 1);
	dumpregion_test_undo_panic();
}

/* ---- KELF ---- */

static const struct elf64_phdr *kelf_phdrs(struct kunit *test,
					   const struct elf64_hdr **ehp)
{
	const struct elf64_hdr *eh;
	size_t size;

	eh = dr_kelf_current(&size);
	KUNIT_ASSERT_NOT_NULL(test, eh);
	KUNIT_ASSERT_GE(test, size, sizeof(*eh));
	KUNIT_ASSERT_EQ(test, memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
	KUNIT_ASSERT_LE(test, sizeof(*eh) + eh->e_phnum * sizeof(struct elf64_phdr),
			size);
	*ehp = eh;
	return (const void *)eh + eh->e_phoff;
}

/* The PT_LOAD describing physical address @pa, or NULL. */
static const struct elf64_phdr *kelf_load(struct kunit *test, phys_addr_t pa)
{
	const struct elf64_hdr *eh;
	const struct elf64_phdr *ph = kelf_phdrs(test, &eh);
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_paddr == pa)
			return &ph[i];
	return NULL;
}

static void dr_test_kelf_header(struct kunit *test)
{
	const struct elf64_hdr *eh;
	const struct elf64_phdr *ph = kelf_phdrs(test, &eh);
	const struct elf_note *n;
	const char *desc;
	u64 off = 0;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, eh->e_ident[EI_CLASS], ELFCLASS64);
	KUNIT_EXPECT_EQ(test, eh->e_type, ET_CORE);
	KUNIT_EXPECT_EQ(test, eh->e_machine, ELF_ARCH);
	KUNIT_EXPECT_EQ(test, eh->e_phentsize, sizeof(struct elf64_phdr));
	KUNIT_EXPECT_EQ(test, ph[0].p_type, PT_NOTE);
	/* Loads are laid out back to back after the header and notes. */
	for (i = 1; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (off)
			KUNIT_EXPECT_EQ(test, ph[i].p_offset, off);
		KUNIT_EXPECT_GE(test, ph[i].p_offset,
				ph[0].p_offset + ph[0].p_filesz);
		off = ph[i].p_offset + ph[i].p_filesz;
	}
	/* VMCOREINFO first, with the running kernel's release. */
	n = (const void *)eh + ph[0].p_offset;
	KUNIT_ASSERT_EQ(test, n->n_namesz, sizeof("VMCOREINFO"));
	KUNIT_EXPECT_STREQ(test, (const char *)(n + 1), "VMCOREINFO");
	desc = (const char *)(n + 1) + ALIGN(n->n_namesz, 4);
	KUNIT_EXPECT_NOT_NULL(test, strnstr(desc, "OSRELEASE=", n->n_descsz));
	KUNIT_EXPECT_NOT_NULL(test, strnstr(desc, init_utsname()->release,
					    n->n_descsz));
}

static void dr_test_kelf_regions(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	const struct elf64_phdr *ph;
	struct page *pages, *map[2];
	void *buf, *v;
	int lin, img, vm;

	/* The KELF index reaches a provider before any other region. */
	KUNIT_EXPECT_STREQ(test, fp->first_add, DUMPREGION_KELF_NAME);
	buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	pages = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	map[0] = pages + 1;
	map[1] = pages;
	v = vmap(map, 2, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);

	lin = dumpregion_register("k_lin", buf, 200);
	img = dumpregion_register("k_img", &init_uts_ns, sizeof(init_uts_ns));
	vm = dumpregion_register("k_vm", v, 2 * PAGE_SIZE);
	KUNIT_ASSERT_GT(test, lin, 0);
	KUNIT_ASSERT_GT(test, img, 0);
	KUNIT_ASSERT_GT(test, vm, 0);

	ph = kelf_load(test, virt_to_phys(buf));
	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_EXPECT_EQ(test, ph->p_vaddr, (u64)(unsigned long)buf);
	KUNIT_EXPECT_EQ(test, ph->p_filesz, 200);
	KUNIT_EXPECT_EQ(test, ph->p_memsz, 200);
	/* Image variables by their image address, not the linear alias. */
	ph = kelf_load(test, __pa_symbol(&init_uts_ns));
	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_EXPECT_EQ(test, ph->p_vaddr, (u64)(unsigned long)&init_uts_ns);
	/* One load per physical run, in order. */
	ph = kelf_load(test, page_to_phys(pages + 1));
	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_EXPECT_EQ(test, ph->p_vaddr, (u64)(unsigned long)v);
	KUNIT_EXPECT_EQ(test, ph[1].p_type, PT_LOAD);
	KUNIT_EXPECT_EQ(test, ph[1].p_paddr, page_to_phys(pages));
	KUNIT_EXPECT_EQ(test, ph[1].p_vaddr, (u64)(unsigned long)v + PAGE_SIZE);

	/* Kept current: moved, then gone. */
	KUNIT_EXPECT_EQ(test, dumpregion_update(lin, buf + 64, 32), 0);
	KUNIT_EXPECT_NULL(test, kelf_load(test, virt_to_phys(buf)));
	ph = kelf_load(test, virt_to_phys(buf + 64));
	KUNIT_ASSERT_NOT_NULL(test, ph);
	KUNIT_EXPECT_EQ(test, ph->p_filesz, 32);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(vm), 0);
	KUNIT_EXPECT_NULL(test, kelf_load(test, page_to_phys(pages + 1)));
	KUNIT_EXPECT_NULL(test, kelf_load(test, page_to_phys(pages)));
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(lin), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(img), 0);
	KUNIT_EXPECT_NULL(test, kelf_load(test, virt_to_phys(buf + 64)));
	vunmap(v);
	__free_pages(pages, 1);
}

#define KELF_MANY	150

/*
 * KELF_MANY 8-byte regions "<prefix><i>", back to back in one buffer
 * (returned in @bufp); their ids.  The caller unregisters them.
 */
static int *register_many(struct kunit *test, const char *prefix, char **bufp)
{
	char *buf = kunit_kzalloc(test, KELF_MANY * 8, GFP_KERNEL);
	int *ids = kunit_kcalloc(test, KELF_MANY, sizeof(int), GFP_KERNEL);
	char name[16];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, ids);
	for (i = 0; i < KELF_MANY; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		ids[i] = dumpregion_register(name, buf + 8 * i, 8);
		KUNIT_ASSERT_GT(test, ids[i], 0);
	}
	*bufp = buf;
	return ids;
}

/* The header grows past its first size; nothing is dropped. */
static void dr_test_kelf_grows(struct kunit *test)
{
	char *buf;
	int *ids = register_many(test, "grow", &buf);
	int i;

	for (i = 0; i < KELF_MANY; i++)
		KUNIT_EXPECT_NOT_NULL(test, kelf_load(test, virt_to_phys(buf + 8 * i)));
	for (i = 0; i < KELF_MANY; i++)
		KUNIT_EXPECT_EQ(test, dumpregion_unregister(ids[i]), 0);
	KUNIT_EXPECT_NULL(test, kelf_load(test, virt_to_phys(buf)));
}

static void kelf_save_regs_fn(void *info)
{
	dumpregion_save_cpu_regs(info);
}

/*
 * At panic: atomic moves folded in, an NT_PRSTATUS for the panicking CPU
 * and one with the registers another CPU's stop handler saved, in CPU
 * order.
 */
static void dr_test_kelf_panic(struct kunit *test)
{
	char *a = kunit_kzalloc(test, 64, GFP_KERNEL);
	char *b = kunit_kzalloc(test, 64, GFP_KERNEL);
	struct pt_regs *other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	elf_gregset_t *other_reg = kunit_kzalloc(test, sizeof(*other_reg), GFP_KERNEL);
	const struct elf_prstatus *pr;
	const struct elf64_hdr *eh;
	const struct elf64_phdr *ph;
	unsigned int nr = 0, found_other = 0, other_at = 0, cpu, self;
	const void *p, *end;
	unsigned long flags;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_ASSERT_NOT_NULL(test, other_reg);
	id = dumpregion_register_movable("k_stack", a, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, b, 64), 0);
	local_irq_restore(flags);

	/* A recognisable register set, saved on another CPU if there is one. */
	memset(other, 0x5a, sizeof(*other));
	elf_core_copy_regs(other_reg, other);
	cpus_read_lock();
	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (cpu < nr_cpu_ids) {
		/* The stop hook records only during a panic. */
		dumpregion_test_set_panicking(true);
		smp_call_function_single(cpu, kelf_save_regs_fn, other, 1);
		dumpregion_test_set_panicking(false);
	}
	cpus_read_unlock();

	local_irq_save(flags);
	self = raw_smp_processor_id();
	dr_kelf_panic();
	local_irq_restore(flags);
	dr_forget_cpu_regs();
	KUNIT_EXPECT_NULL(test, kelf_load(test, virt_to_phys(a)));
	KUNIT_EXPECT_NOT_NULL(test, kelf_load(test, virt_to_phys(b)));

	ph = kelf_phdrs(test, &eh);
	p = (const void *)eh + ph[0].p_offset;
	end = p + ph[0].p_filesz;
	while (p + sizeof(struct elf_note) <= end) {
		const struct elf_note *n = p;
		size_t len = sizeof(*n) + ALIGN(n->n_namesz, 4) + ALIGN(n->n_descsz, 4);

		if (n->n_type == NT_PRSTATUS && n->n_namesz == 5 &&
		    !strcmp((const char *)(n + 1), "CORE")) {
			const struct elf_note *cn = (void *)per_cpu_ptr(crash_notes, nr);

			KUNIT_EXPECT_EQ(test, n->n_descsz, sizeof(*pr));
			pr = (const void *)(n + 1) + ALIGN(n->n_namesz, 4);
			/* As the architecture lays registers out in a core. */
			if (!memcmp(&pr->pr_reg, other_reg, sizeof(pr->pr_reg))) {
				found_other++;
				other_at = nr;
			}
			/*
			 * No pid 0 (gdb would show the first CPU's frames); the
			 * kdump copy in crash_notes, ended by an empty note, for
			 * the CPUs with registers, an empty one for the others.
			 */
			KUNIT_EXPECT_NE(test, pr->common.pr_pid, 0);
			if (nr == self)
				KUNIT_EXPECT_EQ(test, pr->common.pr_pid, current->pid);
			if (nr == self || nr == cpu) {
				KUNIT_EXPECT_EQ(test, memcmp(cn, n, len), 0);
				cn = (const void *)cn + len;
			} else {
				KUNIT_EXPECT_EQ(test, pr->common.pr_pid,
						DR_NOTE_PID_NONE + nr);
			}
			KUNIT_EXPECT_EQ(test, cn->n_namesz, 0);
			KUNIT_EXPECT_EQ(test, cn->n_descsz, 0);
			nr++;
		} else if (n->n_namesz == sizeof("VMCOREINFO") &&
			   !strcmp((const char *)(n + 1), "VMCOREINFO")) {
			const char *d = (const void *)(n + 1) + ALIGN(n->n_namesz, 4);
			const char *ct = strnstr(d, "\nCRASHTIME=", n->n_descsz);

			/* The last line says when: the kdump mark of a crash. */
			KUNIT_EXPECT_NOT_NULL(test, ct);
			if (ct)
				KUNIT_EXPECT_EQ(test, d[n->n_descsz - 1], '\n');
			if (ct)
				KUNIT_EXPECT_NULL(test, memchr(ct + 1, '\n',
							       d + n->n_descsz - ct - 2));
		}
		p += len;
	}
	/* One note per CPU in CPU order, up to the last CPU with registers. */
	if (cpu < nr_cpu_ids) {
		KUNIT_EXPECT_EQ(test, nr, max(cpu, self) + 1);
		KUNIT_EXPECT_EQ(test, found_other, 1);
		KUNIT_EXPECT_EQ(test, other_at, cpu);
	} else {
		KUNIT_EXPECT_EQ(test, nr, self + 1);
	}
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	dr_kelf_restore();
}

/*
 * Past 65534 program headers the 16-bit e_phnum cannot count them: the
 * header switches to extended numbering instead of wrapping.
 */
static void dr_test_kelf_extnum(struct kunit *test)
{
	const unsigned int many = 70000;
	const struct elf64_shdr *sh;
	const struct elf64_hdr *eh;
	void *buf;

	buf = vzalloc(sizeof(*eh) + (many + 1) * sizeof(struct elf64_phdr) +
		      sizeof(*sh));
	KUNIT_ASSERT_NOT_NULL(test, buf);
	eh = buf;
	KUNIT_EXPECT_EQ(test, dr_kelf_write_ehdr(buf, 100, 0), 101);
	KUNIT_EXPECT_EQ(test, eh->e_phnum, 101);
	KUNIT_EXPECT_EQ(test, eh->e_shoff, 0);
	KUNIT_EXPECT_EQ(test, eh->e_shnum, 0);

	KUNIT_EXPECT_EQ(test, dr_kelf_write_ehdr(buf, many, 0), many + 1);
	KUNIT_EXPECT_EQ(test, eh->e_phnum, PN_XNUM);
	KUNIT_EXPECT_EQ(test, eh->e_shnum, 1);
	KUNIT_EXPECT_EQ(test, eh->e_shentsize, sizeof(*sh));
	KUNIT_EXPECT_EQ(test, eh->e_shoff,
			sizeof(*eh) + (many + 1) * sizeof(struct elf64_phdr));
	sh = buf + eh->e_shoff;
	KUNIT_EXPECT_EQ(test, sh->sh_type, SHT_NULL);
	KUNIT_EXPECT_EQ(test, sh->sh_info, many + 1);
	vfree(buf);
}

/*
 * The buffer the panic path finalises is the one providers were last told
 * about, also after the header grew into new buffers.
 */
static void dr_test_kelf_panic_buffer(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	const struct elf64_phdr *ph;
	const struct elf64_hdr *eh;
	unsigned int i, nr = 0;
	const void *p, *end;
	char *buf;
	int *ids = register_many(test, "pb", &buf);

	preempt_disable();
	dr_kelf_panic();
	preempt_enable();
	eh = phys_to_virt(fp->kelf_phys);
	KUNIT_ASSERT_EQ(test, memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
	ph = (const void *)eh + eh->e_phoff;
	p = (const void *)eh + ph[0].p_offset;
	end = p + ph[0].p_filesz;
	while (p + sizeof(struct elf_note) <= end) {
		const struct elf_note *n = p;

		nr += n->n_type == NT_PRSTATUS;
		p += sizeof(*n) + ALIGN(n->n_namesz, 4) + ALIGN(n->n_descsz, 4);
	}
	KUNIT_EXPECT_GE(test, nr, 1);
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD &&
		    ph[i].p_paddr == virt_to_phys(buf + 8 * (KELF_MANY - 1)))
			break;
	KUNIT_EXPECT_LT(test, i, eh->e_phnum);
	for (i = 0; i < KELF_MANY; i++)
		KUNIT_EXPECT_EQ(test, dumpregion_unregister(ids[i]), 0);
	dr_kelf_restore();
}

/*
 * 0 when the loads of the header at @eh, of @size bytes, are back to back
 * from @size on (what index.rst promises at every instant), else 1.
 */
static int offsets_bad(const struct elf64_hdr *eh, size_t size)
{
	const struct elf64_phdr *ph = (const void *)eh + eh->e_phoff;
	u64 off = size;
	unsigned int i;

	for (i = 1; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset != off)
			return 1;
		off += ph[i].p_filesz;
	}
	return 0;
}

static int kelf_offsets_bad(struct kunit *test)
{
	const struct elf64_hdr *eh;
	size_t size;

	kelf_phdrs(test, &eh);
	dr_kelf_current(&size);
	return offsets_bad(eh, size);
}

/*
 * A registration, an unregistration and a resize publish a new header in
 * one step, its offsets back to back; a move that keeps the size rewrites
 * the region's slots in place, in the header firmware already has.
 */
static void dr_test_kelf_in_place(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 3 * 64, GFP_KERNEL);
	const void *before;
	unsigned long flags;
	size_t size;
	int a, b, c;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	a = dumpregion_register("ip_a", buf, 40);
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
	b = dumpregion_register_movable("ip_b", buf + 64, 40);
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
	c = dumpregion_register("ip_c", buf + 128, 40);
	KUNIT_ASSERT_GT(test, a, 0);
	KUNIT_ASSERT_GT(test, b, 0);
	KUNIT_ASSERT_GT(test, c, 0);
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
	before = dr_kelf_current(&size);

	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(b, buf + 72, 40), 0);
	/* In place only: a size change needs dumpregion_update(). */
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(b, buf + 72, 48),
			-EINVAL);
	local_irq_restore(flags);
	KUNIT_EXPECT_PTR_EQ(test, dr_kelf_current(&size), before);
	KUNIT_EXPECT_NULL(test, kelf_load(test, virt_to_phys(buf + 64)));
	KUNIT_EXPECT_NOT_NULL(test, kelf_load(test, virt_to_phys(buf + 72)));
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);

	KUNIT_EXPECT_EQ(test, dumpregion_update(a, buf, 24), 0);
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
	KUNIT_EXPECT_EQ(test, kelf_load(test, virt_to_phys(buf))->p_filesz, 24);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), 0);
	KUNIT_EXPECT_NULL(test, kelf_load(test, virt_to_phys(buf)));
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(c), 0);
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
}

/* Churn does not grow the header: it holds what is registered. */
static void dr_test_kelf_reuse(struct kunit *test)
{
	const struct elf64_hdr *eh;
	unsigned int i, round, phnum;
	char name[16];
	char *buf;
	int *ids = register_many(test, "ru", &buf);

	kelf_phdrs(test, &eh);
	phnum = eh->e_phnum;
	for (round = 0; round < 5; round++) {
		for (i = 0; i < KELF_MANY; i++) {
			KUNIT_ASSERT_EQ(test, dumpregion_unregister(ids[i]), 0);
			snprintf(name, sizeof(name), "ru%u.%u", i, round);
			ids[i] = dumpregion_register(name, buf + 8 * i, 8);
			KUNIT_ASSERT_GT(test, ids[i], 0);
		}
	}
	kelf_phdrs(test, &eh);
	KUNIT_EXPECT_EQ(test, eh->e_phnum, phnum);
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
	for (i = 0; i < KELF_MANY; i++) {
		KUNIT_EXPECT_NOT_NULL(test, kelf_load(test, virt_to_phys(buf + 8 * i)));
		KUNIT_EXPECT_EQ(test, dumpregion_unregister(ids[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
}

/* NT_PRSTATUS notes in the header at @eh. */
static int prstatus_notes(const struct elf64_hdr *eh)
{
	const struct elf64_phdr *ph = (const void *)eh + eh->e_phoff;
	const void *p = (const void *)eh + ph[0].p_offset;
	const void *end = p + ph[0].p_filesz;
	int nr = 0;

	while (p + sizeof(struct elf_note) <= end) {
		const struct elf_note *n = p;

		nr += n->n_type == NT_PRSTATUS;
		p += sizeof(*n) + ALIGN(n->n_namesz, 4) + ALIGN(n->n_descsz, 4);
	}
	return nr;
}

/*
 * D4: every header a provider is handed, from the first registration that
 * grows it to the last unregistration, has its loads back to back from
 * its end; and D8: the header it replaces is still there when the
 * provider syncs (the core frees it after).
 */
static void dr_test_kelf_handed_whole(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	char *buf;
	int *ids = register_many(test, "hw", &buf);
	int i;

	KUNIT_EXPECT_GE(test, fp->kelf_moves, KELF_MANY);
	for (i = 0; i < KELF_MANY; i++)
		KUNIT_EXPECT_EQ(test, dumpregion_unregister(ids[i]), 0);
	KUNIT_EXPECT_GE(test, fp->kelf_moves, 2 * KELF_MANY);
	KUNIT_EXPECT_EQ(test, fp->kelf_bad, 0);
	KUNIT_EXPECT_TRUE(test, fp->prev_alive);
	KUNIT_EXPECT_EQ(test, kelf_offsets_bad(test), 0);
}

/*
 * D8, with a provider whose firmware is slow: the header it listed before
 * a registration replaced it is still there when its sync runs, after a
 * grace period and every RCU callback queued until then.
 */
static void dr_test_kelf_freed_after_sync(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "slow", &fake_ops);
	char *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	struct completion gate;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	init_completion(&gate);
	fp->prev_alive = false;
	fp->sync_gate = &gate;
	/* Registration does not wait: the work item's sync does. */
	id = dumpregion_register("slow_kelf", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_ASSERT_TRUE(test, wait_in_sync(fp, true));
	synchronize_rcu();
	rcu_barrier();
	WRITE_ONCE(fp->sync_gate, NULL);
	/* Pairs with fake_sync(): a sync that saw the gate counts in in_sync. */
	smp_mb();
	complete_all(&gate);
	KUNIT_ASSERT_TRUE(test, wait_in_sync(fp, false));
	KUNIT_EXPECT_TRUE(test, fp->prev_alive);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
}

/*
 * D6: a provider that refused the KELF index once (a full table) is asked
 * again at its next move and holds it again.
 */
static void dr_test_kelf_refused_retried(struct kunit *test)
{
	struct fake_prov *fp = fake_start(test, "fake", &fake_ops);
	char *buf = kunit_kzalloc(test, 16, GFP_KERNEL);
	int a, b;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	fp->kelf_refuse = 1;
	a = dumpregion_register("rr_a", buf, 8);
	KUNIT_ASSERT_GT(test, a, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fp->prov.nr_refused), 1);
	b = dumpregion_register("rr_b", buf + 8, 8);
	KUNIT_ASSERT_GT(test, b, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fp->prov.nr_refused), 0);
	KUNIT_EXPECT_EQ(test, fp->kelf_phys, kelf_phys_now());
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, fp->kelf_phys, kelf_phys_now());
}

/* A panic while the first provider is told about a new header. */
static void kelf_panic_hook(struct fake_prov *fp)
{
	fp->kelf_hook = NULL;
	dr_kelf_panic();
	fp->peer_notes = prstatus_notes(phys_to_virt(fp->peer->kelf_phys));
}

/*
 * D7: a panic in the middle of the KELF index's move finalises the header
 * the providers not yet told still have, not only the new one.
 */
static void dr_test_kelf_panic_mid_move(struct kunit *test)
{
	struct fake_prov *a = fake_start(test, "first", &fake_ops);
	struct fake_prov *b = fake_start(test, "second", &fake_ops);
	char *buf = kunit_kzalloc(test, 8, GFP_KERNEL);
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	a->peer = b;
	a->peer_notes = -1;
	a->kelf_hook = kelf_panic_hook;
	id = dumpregion_register("pm", buf, 8);
	KUNIT_ASSERT_GT(test, id, 0);
	/* b was handed the new header after a's hook looked at its old one. */
	KUNIT_EXPECT_NE(test, b->kelf_prev, kelf_phys_now());
	KUNIT_EXPECT_GE(test, a->peer_notes, 1);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	dr_forget_cpu_regs();
	dr_kelf_restore();
}

/*
 * D10: a provider that cannot follow a move at panic keeps its own stale
 * entry, but the KELF index, which every provider shares, describes where
 * the region is now.
 */
static void dr_test_kelf_panic_stale_other(struct kunit *test)
{
	struct fake_prov *ok = fake_start(test, "follows", &fake_ops);
	struct fake_prov *st = fake_start(test, "stale", &fake_ops);
	char *buf = kunit_kzalloc(test, 128, GFP_KERNEL);
	unsigned long flags;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	id = dumpregion_register_movable("ps", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	st->update_err = -EBUSY;
	dr_test_panic_mode(test);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 64, 64), 0);
	local_irq_restore(flags);
	dumpregion_test_set_panicking(false);
	KUNIT_EXPECT_EQ(test, atomic_read(&ok->prov.nr_stale), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->prov.nr_stale), 1);
	KUNIT_EXPECT_NULL(test, kelf_load(test, virt_to_phys(buf)));
	KUNIT_EXPECT_NOT_NULL(test, kelf_load(test, virt_to_phys(buf + 64)));
	st->update_err = 0;
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
}

static void dr_test_kelf_name_reserved(struct kunit *test)
{
	void *buf = kunit_kzalloc(test, 8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, dumpregion_register(DUMPREGION_KELF_NAME, buf, 8),
			-EEXIST);
}

static struct kunit_case dumpregion_kelf_cases[] = {
	KUNIT_CASE(dr_test_kelf_header),
	KUNIT_CASE(dr_test_kelf_regions),
	KUNIT_CASE(dr_test_kelf_grows),
	KUNIT_CASE(dr_test_kelf_panic),
	KUNIT_CASE(dr_test_kelf_name_reserved),
	KUNIT_CASE(dr_test_kelf_extnum),
	KUNIT_CASE(dr_test_kelf_panic_buffer),
	KUNIT_CASE(dr_test_kelf_in_place),
	KUNIT_CASE(dr_test_kelf_reuse),
	KUNIT_CASE(dr_test_kelf_handed_whole),
	KUNIT_CASE(dr_test_kelf_freed_after_sync),
	KUNIT_CASE(dr_test_kelf_refused_retried),
	KUNIT_CASE(dr_test_kelf_panic_mid_move),
	KUNIT_CASE(dr_test_kelf_panic_stale_other),
	{}
};

static struct kunit_suite dumpregion_kelf_suite = {
	.name = "dumpregion_kelf",
	.init = dr_test_init,
	.exit = dr_test_exit,
	.test_cases = dumpregion_kelf_cases,
};

static struct kunit_case dumpregion_test_cases[] = {
	KUNIT_CASE_PARAM(dr_test_bad_register, bad_register_gen_params),
	KUNIT_CASE_PARAM(dr_test_bad_phys, bad_phys_gen_params),
	KUNIT_CASE(dr_test_bad_handles),
	KUNIT_CASE(dr_test_bad_provider),
	KUNIT_CASE(dr_test_kinds),
	KUNIT_CASE(dr_test_vmalloc),
	KUNIT_CASE(dr_test_run_name),
	KUNIT_CASE(dr_test_percpu),
	KUNIT_CASE(dr_test_replay),
	KUNIT_CASE(dr_test_refusal),
	KUNIT_CASE(dr_test_debugfs),
	KUNIT_CASE(dr_test_sync),
	KUNIT_CASE(dr_test_sync_unlocked),
	KUNIT_CASE(dr_test_devm),
	KUNIT_CASE(dr_test_devm_provider),
	KUNIT_CASE(dr_test_module_going),
	KUNIT_CASE(dr_test_update_atomic),
	KUNIT_CASE_SLOW(dr_test_concurrency),
	KUNIT_CASE(dr_test_panic_finalise),
	KUNIT_CASE(dr_test_panic_pid_path),
	KUNIT_CASE(dr_test_panic_page_tables),
	KUNIT_CASE(dr_test_panic_contract),
	KUNIT_CASE(dr_test_stop_hook),
	KUNIT_CASE(dr_test_panic_restores),
	KUNIT_CASE(dr_test_ownership),
	KUNIT_CASE(dr_test_init_memory),
	KUNIT_CASE(dr_test_unregister_stranger),
	{}
};

static struct kunit_suite dumpregion_test_suite = {
	.name = "dumpregion",
	.init = dr_test_init,
	.exit = dr_test_exit,
	.test_cases = dumpregion_test_cases,
};

kunit_test_suites(&dumpregion_test_suite, &dumpregion_kelf_suite);

MODULE_DESCRIPTION("KUnit tests for the dump region registry");
MODULE_LICENSE("GPL");
