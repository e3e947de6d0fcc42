// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Qualcomm minidump table writer, against an in-memory
 * SMEM item 602 and the real dump region core.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/provider.h>
#include <linux/crash_dump.h>
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

#include "minidump_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(DUMPREGION);

#define NR_SS		10
#define TOC_SIZE	(16 + NR_SS * 32)

struct md_env {
	struct device *dev;
	struct minidump_global_toc *toc;
	struct qcom_md *md;
	/*
	 * What the table holds before the test adds anything: the KELF
	 * index, then the regions built-in clients registered at boot.
	 */
	unsigned int base;		/* entries */
	int base_regions;		/* regions */
	/* crash-consistency observer */
	unsigned int nr_set_count;
	unsigned int violations;
};

static struct md_env *env_of(struct qcom_md *md)
{
	return md->dev->platform_data;
}

static struct dumpregion_provider_stats md_st(struct qcom_md *md)
{
	struct dumpregion_provider_stats st;

	dumpregion_provider_stats(&md->table.prov, &st);
	return st;
}

static const u8 *apss_bytes(struct md_env *env)
{
	return (const u8 *)&env->toc->subsystems[0];
}

static u32 le32_at(const void *p, size_t off)
{
	return get_unaligned_le32((const u8 *)p + off);
}

static u64 le64_at(const void *p, size_t off)
{
	return get_unaligned_le64((const u8 *)p + off);
}

/*
 * What firmware would see at the moment the count changes: every entry
 * below the count valid, complete, and unique by (name, seq_num).
 */
static void observe(struct qcom_md *md, u32 count)
{
	struct md_env *env = env_of(md);
	unsigned int i, j;

	env->nr_set_count++;
	for (i = 0; i < count; i++) {
		const struct minidump_region *e = &md->regions[i];

		if (le32_to_cpu(e->valid) != MINIDUMP_REGION_VALID ||
		    !e->name[0] || !e->size || !e->address)
			env->violations++;
		for (j = 0; j < i; j++)
			if (!strncmp(e->name, md->regions[j].name, 16) &&
			    e->seq_num == md->regions[j].seq_num)
				env->violations++;
	}
}

static void obs_enable(struct qcom_md *md)
{
	qcom_md_smem_ops.enable(md);
}

static void obs_set_count(struct qcom_md *md, u32 count)
{
	observe(md, count);
	qcom_md_smem_ops.set_count(md, count);
}

static void obs_disable(struct qcom_md *md)
{
	qcom_md_smem_ops.disable(md);
}

static const struct qcom_md_transport_ops observed_smem_ops = {
	.enable = obs_enable,
	.set_count = obs_set_count,
	.disable = obs_disable,
};

/* Entries and regions a table receives when it appears, in @env->base*. */
static void md_env_base(struct kunit *test, struct md_env *env)
{
	struct device *dev = kunit_device_register(test, "qcom-md-probe");
	struct qcom_md *md;

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	md = devm_kzalloc(dev, sizeof(*md), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, md);
	md->priv = kunit_kzalloc(test, sizeof(struct minidump_subsystem),
				 GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, md->priv);
	KUNIT_ASSERT_EQ(test, devm_qcom_md_register(dev, md, &qcom_md_smem_ops,
						    4096), 0);
	KUNIT_ASSERT_EQ(test, md_st(md).refused, 0);
	env->base = md->table.count;
	env->base_regions = md_st(md).accepted;
	kunit_device_unregister(test, dev);
}

/*
 * A table with room for the KELF index, the boot regions and @capacity - 1
 * entries of the test's own; entry E(env, k), k >= 1, is the test's k-th.
 */
#define E(env, k)	((env)->base - 1 + (k))

static struct md_env *md_env_start(struct kunit *test, unsigned int capacity)
{
	struct md_env *env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, env);
	env->toc = kunit_kmalloc(test, TOC_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env->toc);
	/* Firmware's table: initialised, other subsystems' bytes arbitrary. */
	memset(env->toc, 0xa5, TOC_SIZE);
	env->toc->status = cpu_to_le32(1);
	env->toc->md_revision = cpu_to_le32(2);
	env->toc->enabled = cpu_to_le32(1);
	KUNIT_ASSERT_EQ(test, qcom_md_smem_check(env->toc, TOC_SIZE), 0);

	env->dev = kunit_device_register(test, "qcom-md-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(env->dev));
	env->dev->platform_data = env;
	/* Freed with the device, after the provider it holds. */
	env->md = devm_kzalloc(env->dev, sizeof(*env->md), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env->md);
	env->md->priv = &env->toc->subsystems[0];
	md_env_base(test, env);
	KUNIT_ASSERT_EQ(test, devm_qcom_md_register(env->dev, env->md,
						    &observed_smem_ops,
						    E(env, capacity)), 0);
	KUNIT_ASSERT_EQ(test, env->md->table.count, env->base);
	return env;
}

/* Index of the entry for @name, or -1. */
static int find_entry(struct md_env *env, const char *name, u32 seq)
{
	unsigned int i, n = le32_to_cpu(env->toc->subsystems[0].region_count);

	for (i = 0; i < n; i++)
		if (!strncmp(env->md->regions[i].name, name, 16) &&
		    le32_to_cpu(env->md->regions[i].seq_num) == seq)
			return i;
	return -1;
}

static void qcom_md_test_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct minidump_region), 40);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_region, name), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_region, seq_num), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_region, valid), 20);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_region, address), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_region, size), 32);

	KUNIT_EXPECT_EQ(test, sizeof(struct minidump_subsystem), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_subsystem, enabled), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_subsystem,
				       encryption_status), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_subsystem,
				       encryption_required), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_subsystem,
				       region_count), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_subsystem,
				       regions_baseptr), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct minidump_global_toc,
				       subsystems), 16);

	KUNIT_EXPECT_EQ(test, MINIDUMP_REGION_VALID, 0x56414C49);
	KUNIT_EXPECT_EQ(test, MINIDUMP_REGION_INVALID, 0x494E5641);
	KUNIT_EXPECT_EQ(test, MINIDUMP_REGION_INIT, 0x494E4954);
	KUNIT_EXPECT_EQ(test, MINIDUMP_SS_ENABLED, 0x454E424C);
	KUNIT_EXPECT_EQ(test, MINIDUMP_SS_ENCR_DONE, 0x444F4E45);
	KUNIT_EXPECT_EQ(test, MINIDUMP_SS_ENCR_NOTREQ, 0x00004E52);
	KUNIT_EXPECT_EQ(test, MINIDUMP_SS_ENCR_REQ, 0x00594553);

	/* The subsystem count follows the item size. */
	KUNIT_EXPECT_EQ(test, minidump_nr_subsystems(336), 10);
	KUNIT_EXPECT_EQ(test, minidump_nr_subsystems(16 + 30 * 32), 30);
	KUNIT_EXPECT_EQ(test, minidump_nr_subsystems(47), 0);
	KUNIT_EXPECT_EQ(test, minidump_nr_subsystems(8), 0);
}

struct check_case {
	const char *desc;
	size_t size;
	u32 status;
	int err;
};

static const struct check_case check_cases[] = {
	{ "empty item", 0, 1, -EMSGSIZE },
	{ "header only", 16, 1, -EMSGSIZE },
	{ "one byte short of APSS", 47, 1, -EMSGSIZE },
	{ "not initialised", 48, 0, -ENODEV },
	{ "APSS only", 48, 1, 0 },
	{ "ten subsystems", 336, 1, 0 },
};

KUNIT_ARRAY_PARAM_DESC(check, check_cases, desc);

static void qcom_md_test_check(struct kunit *test)
{
	const struct check_case *p = test->param_value;
	struct minidump_global_toc *toc;

	toc = kunit_kzalloc(test, 336, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, toc);
	toc->status = cpu_to_le32(p->status);
	KUNIT_EXPECT_EQ(test, qcom_md_smem_check(toc, p->size), p->err);
}

static void qcom_md_test_enable(struct kunit *test)
{
	struct md_env *env = md_env_start(test, 4);
	const u8 *ss = apss_bytes(env);
	u8 other[32];

	KUNIT_EXPECT_EQ(test, le32_at(ss, 0), 1);
	KUNIT_EXPECT_MEMEQ(test, ss + 4, "LBNE", 4);	/* 'ENBL' */
	KUNIT_EXPECT_MEMEQ(test, ss + 8, "ENOD", 4);	/* 'DONE' */
	KUNIT_EXPECT_MEMEQ(test, ss + 12, "RN\0\0", 4);	/* 'NR' */
	/* The core's KELF index comes first. */
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), env->base);
	KUNIT_EXPECT_STREQ(test, env->md->regions[0].name, "KELF");
	KUNIT_EXPECT_EQ(test, le64_at(ss, 24), (u64)env->md->regions_phys);
	KUNIT_EXPECT_EQ(test, env->md->regions_phys,
			virt_to_phys(env->md->regions));
	/* Only the APSS table is Linux's. */
	memset(other, 0xa5, sizeof(other));
	KUNIT_EXPECT_MEMEQ(test, &env->toc->subsystems[1], other, 32);
	KUNIT_EXPECT_MEMEQ(test, &env->toc->subsystems[NR_SS - 1], other, 32);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(env->toc->status), 1);

	/* Unbinding withdraws the table. */
	kunit_device_unregister(test, env->dev);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 0), 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), 0);
	KUNIT_EXPECT_EQ(test, le64_at(ss, 24), 0);
	KUNIT_EXPECT_MEMEQ(test, &env->toc->subsystems[1], other, 32);
}

static void expect_entry(struct kunit *test, const struct minidump_region *e,
			 const char *name, u32 seq, phys_addr_t addr, u64 size)
{
	char field[16] = {};

	strscpy(field, name);
	KUNIT_EXPECT_MEMEQ(test, e->name, field, 16);
	KUNIT_EXPECT_EQ(test, le32_at(e, 16), seq);
	KUNIT_EXPECT_MEMEQ(test, (const u8 *)e + 20, "ILAV", 4);  /* 'VALI' */
	KUNIT_EXPECT_EQ(test, le64_at(e, 24), (u64)addr);
	KUNIT_EXPECT_EQ(test, le64_at(e, 32), size);
}

static void qcom_md_test_regions(struct kunit *test)
{
	struct md_env *env = md_env_start(test, 5);
	struct dumpregion_provider *prov = &env->md->table.prov;
	const u8 *ss = apss_bytes(env);
	struct page *pages, *map[2];
	void *a, *d, *d2, *v;
	int alpha, beta, gamma, delta, i;

	a = kunit_kzalloc(test, 100, GFP_KERNEL);
	d = kunit_kzalloc(test, 64, GFP_KERNEL);
	d2 = kunit_kzalloc(test, 64, GFP_KERNEL);
	pages = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, d2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	map[0] = pages + 1;
	map[1] = pages;
	v = vmap(map, 2, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);

	alpha = dumpregion_register("alpha", a, 100);
	KUNIT_ASSERT_GT(test, alpha, 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 2));
	expect_entry(test, &env->md->regions[E(env, 1)], "alpha", 0, virt_to_phys(a),
		     100);

	/* Two physical runs: two entries, run-suffixed names. */
	beta = dumpregion_register("beta", v, 2 * PAGE_SIZE);
	KUNIT_ASSERT_GT(test, beta, 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 4));
	expect_entry(test, &env->md->regions[E(env, 2)], "beta#0", 0,
		     page_to_phys(pages + 1), PAGE_SIZE);
	expect_entry(test, &env->md->regions[E(env, 3)], "beta#1", 0,
		     page_to_phys(pages), PAGE_SIZE);

	/* One entry left (KELF holds one): a two-run region is refused whole. */
	gamma = dumpregion_register("gamma", v, 2 * PAGE_SIZE);
	KUNIT_ASSERT_GT(test, gamma, 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 4));
	KUNIT_EXPECT_EQ(test, atomic_read(&prov->nr_refused), 1);
	delta = dumpregion_register("delta", d, 64);
	KUNIT_ASSERT_GT(test, delta, 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 5));
	KUNIT_EXPECT_EQ(test, atomic_read(&prov->nr_accepted),
			env->base_regions + 3);

	/* Removing the first entry moves the last one into its slot. */
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(alpha), 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 4));
	expect_entry(test, &env->md->regions[E(env, 1)], "delta", 0, virt_to_phys(d),
		     64);
	KUNIT_EXPECT_NE(test, le32_to_cpu(env->md->regions[E(env, 4)].valid),
			MINIDUMP_REGION_VALID);
	KUNIT_EXPECT_EQ(test, le64_at(&env->md->regions[E(env, 4)], 24), 0);
	KUNIT_EXPECT_EQ(test, find_entry(env, "alpha", 0), -1);

	/* An update rewrites the entry in place. */
	KUNIT_EXPECT_EQ(test, dumpregion_update(delta, d2, 32), 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 4));
	expect_entry(test, &env->md->regions[E(env, 1)], "delta", 0, virt_to_phys(d2),
		     32);
	/* ... or replaces its entries when the number of runs changes. */
	KUNIT_EXPECT_EQ(test, dumpregion_update(beta, a, 16), 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 3));
	i = find_entry(env, "beta", 0);
	KUNIT_ASSERT_GE(test, i, 0);
	expect_entry(test, &env->md->regions[i], "beta", 0, virt_to_phys(a),
		     16);
	KUNIT_EXPECT_EQ(test, find_entry(env, "beta#1", 0), -1);

	KUNIT_EXPECT_EQ(test, dumpregion_unregister(beta), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(gamma), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(delta), 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 1));
	for (i = 1; i < 5; i++)
		KUNIT_EXPECT_NE(test, le32_to_cpu(env->md->regions[E(env, i)].valid),
				MINIDUMP_REGION_VALID);
	KUNIT_EXPECT_GT(test, env->nr_set_count, 0);
	KUNIT_EXPECT_EQ(test, env->violations, 0);
	vunmap(v);
	__free_pages(pages, 1);
}

struct name_case {
	const char *desc;
	const char *prefix;
	const char *full;
	const char *head;	/* expected name, or its first part */
	bool hashed;
	int err;
};

static const struct name_case name_cases[] = {
	{ "short", "", "alpha", "alpha", false, 0 },
	{ "eleven chars", "", "exactly11ch", "exactly11ch", false, 0 },
	{ "twelve chars", "", "twelve_chars", "twelve", true, 0 },
	{ "per-CPU suffix", "", "runqueues.12", "runque", true, 0 },
	{ "with prefix", "3_", "alpha", "3_alpha", false, 0 },
	{ "prefix and long name", "3_", "log_buf_text", "3_log_", true, 0 },
	{ "prefix too long", "123456", "alpha", "", false, -ENAMETOOLONG },
	/* qdl ramdump: "md_KELF" is the index, other "md_K" names are not. */
	{ "KELF index", "", "kelf", "KELF", false, 0 },
	{ "KELF index, prefix", "3_", "kelf", "KELF", false, 0 },
	/* A vmalloc'd index keeps its name on its first run. */
	{ "KELF index in runs", "", "kelf#0", "KELF", false, 0 },
	{ "capital K", "", "Kvmcore", "_Kvmcore", false, 0 },
	{ "capital K, prefix", "3_", "Kvmcore", "3_Kvmcore", false, 0 },
};

KUNIT_ARRAY_PARAM_DESC(name, name_cases, desc);

static void qcom_md_test_names(struct kunit *test)
{
	const struct name_case *p = test->param_value;
	char out[MINIDUMP_REGION_NAME_LEN], again[MINIDUMP_REGION_NAME_LEN];
	size_t hl = strlen(p->head);
	unsigned int i;

	memset(out, 0x5a, sizeof(out));
	KUNIT_ASSERT_EQ(test, qcom_md_short_name(p->prefix, p->full, out),
			p->err);
	if (p->err)
		return;
	/* Fits the firmware's field, NUL-padded to the end. */
	KUNIT_EXPECT_LE(test, strnlen(out, 16), QCOM_MD_NAME_CHARS);
	for (i = strnlen(out, 16); i < 16; i++)
		KUNIT_EXPECT_EQ(test, out[i], 0);
	if (!p->hashed) {
		KUNIT_EXPECT_STREQ(test, out, p->head);
		return;
	}
	KUNIT_EXPECT_EQ(test, strlen(out), QCOM_MD_NAME_CHARS);
	KUNIT_EXPECT_EQ(test, memcmp(out, p->head, hl), 0);
	KUNIT_EXPECT_EQ(test, out[hl], '~');
	for (i = hl + 1; i < hl + 5; i++)
		KUNIT_EXPECT_TRUE(test, isxdigit(out[i]) && !isupper(out[i]));
	/* Deterministic. */
	KUNIT_ASSERT_EQ(test, qcom_md_short_name(p->prefix, p->full, again), 0);
	KUNIT_EXPECT_MEMEQ(test, out, again, sizeof(out));
}

/* Two long names with the same short name are told apart by seq_num. */
static void qcom_md_test_name_collision(struct kunit *test)
{
	struct md_env *env = md_env_start(test, 8);
	char a[DUMPREGION_NAME_MAX], b[DUMPREGION_NAME_MAX];
	char sa[16], sb[16];
	void *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	int i, j, ida, idb, found = 0;
	char (*shorts)[16];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	shorts = kunit_kcalloc(test, 4096, 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, shorts);
	/* 16-bit hash: a collision among a few thousand names is certain. */
	for (i = 0; i < 4096 && !found; i++) {
		snprintf(a, sizeof(a), "collide_%d", i);
		qcom_md_short_name("", a, shorts[i]);
		for (j = 0; j < i; j++) {
			if (!memcmp(shorts[i], shorts[j], 16)) {
				snprintf(b, sizeof(b), "collide_%d", j);
				found = 1;
				break;
			}
		}
	}
	KUNIT_ASSERT_TRUE(test, found);
	KUNIT_ASSERT_EQ(test, qcom_md_short_name("", a, sa), 0);
	KUNIT_ASSERT_EQ(test, qcom_md_short_name("", b, sb), 0);
	KUNIT_ASSERT_STRNEQ(test, a, b);
	KUNIT_ASSERT_MEMEQ(test, sa, sb, 16);

	ida = dumpregion_register(a, buf, 8);
	idb = dumpregion_register(b, buf + 8, 8);
	KUNIT_ASSERT_GT(test, ida, 0);
	KUNIT_ASSERT_GT(test, idb, 0);
	i = find_entry(env, sa, 0);
	j = find_entry(env, sa, 1);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_ASSERT_GE(test, j, 0);
	KUNIT_EXPECT_EQ(test, le64_at(&env->md->regions[i], 24),
			(u64)virt_to_phys(buf));
	KUNIT_EXPECT_EQ(test, le64_at(&env->md->regions[j], 24),
			(u64)virt_to_phys(buf + 8));
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(ida), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(idb), 0);
}

/* Many changes; at every count change the table is whole and unique. */
static void qcom_md_test_consistency(struct kunit *test)
{
	struct md_env *env = md_env_start(test, 16);
	char *buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	int ids[24] = {};
	unsigned int i, k;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (k = 0; k < 200; k++) {
		char name[16];

		i = (k * 7) % ARRAY_SIZE(ids);
		if (ids[i] > 0 && k % 3) {
			KUNIT_EXPECT_EQ(test, dumpregion_unregister(ids[i]), 0);
			ids[i] = 0;
		} else if (ids[i] > 0) {
			KUNIT_EXPECT_EQ(test, dumpregion_update(ids[i],
								buf + k, 8),
					0);
		} else {
			snprintf(name, sizeof(name), "consist_%u", i);
			ids[i] = dumpregion_register(name, buf + 8 * i, 8);
			KUNIT_EXPECT_GT(test, ids[i], 0);
		}
	}
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (ids[i] > 0)
			KUNIT_EXPECT_EQ(test, dumpregion_unregister(ids[i]), 0);
	KUNIT_EXPECT_EQ(test, env->md->table.count, env->base);
	KUNIT_EXPECT_GT(test, env->nr_set_count, 100);
	KUNIT_EXPECT_EQ(test, env->violations, 0);
}

static void not_panicking(void *unused)
{
	dumpregion_test_set_panicking(false);
}

/*
 * A panic while another CPU was stopped inside a table change (it holds
 * the table's lock): moving a region must not spin on that lock.  The
 * region keeps its old, complete entry and is reported stale; with the
 * lock free, the move reaches the table.  Hangs without the trylock.
 */
static void qcom_md_test_panic(struct kunit *test)
{
	struct md_env *env = md_env_start(test, 4);
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct dumpregion_test_holder *h;
	unsigned long flags;
	int id, i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	id = dumpregion_register_movable("pmove", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	i = find_entry(env, "pmove", 0);
	KUNIT_ASSERT_GE(test, i, 0);

	h = dumpregion_test_hold(test, &env->md->table.prov.lock);
	if (!h) {
		dumpregion_unregister(id);
		kunit_skip(test, "needs two online CPUs");
	}
	dumpregion_test_set_panicking(true);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, not_panicking, NULL),
			0);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 128, 64), 0);
	local_irq_restore(flags);
	expect_entry(test, &env->md->regions[i], "pmove", 0, virt_to_phys(buf),
		     64);
	KUNIT_EXPECT_EQ(test, md_st(env->md).stale, 1);

	/*
	 * The whole panic finaliser with the table's lock held by the other
	 * CPU: the built-in clients move each CPU's task and stack regions,
	 * which this table cannot follow: it returns, they are stale.
	 */
	preempt_disable();
	dumpregion_panic_finalise();
	preempt_enable();
	KUNIT_EXPECT_GT(test, md_st(env->md).stale, 1);
	expect_entry(test, &env->md->regions[i], "pmove", 0, virt_to_phys(buf),
		     64);

	dumpregion_test_release(h);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 128, 64), 0);
	local_irq_restore(flags);
	expect_entry(test, &env->md->regions[i], "pmove", 0,
		     virt_to_phys(buf + 128), 64);
	dumpregion_test_set_panicking(false);
	dumpregion_test_undo_panic();
	KUNIT_EXPECT_EQ(test, md_st(env->md).stale, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_EQ(test, env->violations, 0);
}

/* Three pages in reverse order: three runs. */
static void *vmap_reversed(struct kunit *test, struct page **pages)
{
	struct page *map[3];
	void *v;

	*pages = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, *pages);
	map[0] = *pages + 2;
	map[1] = *pages + 1;
	map[2] = *pages;
	v = vmap(map, 3, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	return v;
}

/*
 * A move that changes a region's run count rewrites its entries in place
 * and adds or removes only the difference; one that needs more entries
 * than are free fails with the table exactly as it was (D3: the region is
 * never out of the table, least of all at panic).
 */
static void qcom_md_test_move_runs(struct kunit *test)
{
	struct md_env *env = md_env_start(test, 4);
	void *buf = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	struct page *pages;
	unsigned long flags;
	void *v;
	int id, fill, i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	v = vmap_reversed(test, &pages);
	id = dumpregion_register_movable("mv", buf, 3 * PAGE_SIZE);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, env->md->table.count, E(env, 2));

	/* 1 -> 3 runs with room: same first entry, two appended. */
	i = find_entry(env, "mv", 0);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, v, 3 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, env->md->table.count, E(env, 4));
	expect_entry(test, &env->md->regions[i], "mv#0", 0,
		     page_to_phys(pages + 2), PAGE_SIZE);
	expect_entry(test, &env->md->regions[E(env, 2)], "mv#1", 0,
		     page_to_phys(pages + 1), PAGE_SIZE);
	expect_entry(test, &env->md->regions[E(env, 3)], "mv#2", 0,
		     page_to_phys(pages), PAGE_SIZE);
	/* And back: the two removed. */
	KUNIT_EXPECT_EQ(test, dumpregion_update(id, buf, 3 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, env->md->table.count, E(env, 2));
	expect_entry(test, &env->md->regions[i], "mv", 0, virt_to_phys(buf),
		     3 * PAGE_SIZE);

	/* The table full but for one entry: the same move at panic fails. */
	fill = dumpregion_register("fill", buf, 8);
	KUNIT_ASSERT_GT(test, fill, 0);
	KUNIT_EXPECT_EQ(test, env->md->table.count, E(env, 3));
	dumpregion_test_set_panicking(true);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, not_panicking, NULL),
			0);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, v, 3 * PAGE_SIZE), 0);
	local_irq_restore(flags);
	dumpregion_test_set_panicking(false);
	KUNIT_EXPECT_EQ(test, md_st(env->md).stale, 1);
	KUNIT_EXPECT_EQ(test, env->md->table.count, E(env, 3));
	KUNIT_EXPECT_EQ(test, find_entry(env, "mv", 0), i);
	expect_entry(test, &env->md->regions[i], "mv", 0, virt_to_phys(buf),
		     3 * PAGE_SIZE);
	KUNIT_EXPECT_LT(test, find_entry(env, "mv#0", 0), 0);

	KUNIT_EXPECT_EQ(test, dumpregion_unregister(fill), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_EQ(test, env->md->table.count, env->base);
	KUNIT_EXPECT_EQ(test, env->violations, 0);
	vunmap(v);
	__free_pages(pages, 2);
}

/*
 * D5: a crash kernel (kdump) leaves the crashed kernel's table as it is:
 * no provider, SMEM bytes untouched.
 */
static void qcom_md_test_crash_kernel(struct kunit *test)
{
	struct md_env *env = md_env_start(test, 4);
	struct device *dev = kunit_device_register(test, "qcom-md-kdump");
	unsigned long long saved_addr = elfcorehdr_addr;
	struct minidump_global_toc *saved;
	struct qcom_md *md;
	int ret;

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	md = devm_kzalloc(dev, sizeof(*md), GFP_KERNEL);
	saved = kunit_kmalloc(test, TOC_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, md);
	KUNIT_ASSERT_NOT_NULL(test, saved);
	memcpy(saved, env->toc, TOC_SIZE);
	md->priv = &env->toc->subsystems[0];
	/* What is_kdump_kernel() reads: set for the length of one call. */
	elfcorehdr_addr = 0;
	ret = devm_qcom_md_register(dev, md, &qcom_md_smem_ops, 8);
	elfcorehdr_addr = saved_addr;
	KUNIT_EXPECT_EQ(test, ret, -ENODEV);
	KUNIT_EXPECT_EQ(test, memcmp(saved, env->toc, TOC_SIZE), 0);
	KUNIT_EXPECT_EQ(test, env->violations, 0);
}

/* The core's withdrawal (reboot, kexec) takes the table from firmware. */
static void qcom_md_test_shutdown(struct kunit *test)
{
	struct md_env *env = md_env_start(test, 4);
	char *buf = kunit_kzalloc(test, 128, GFP_KERNEL);
	const u8 *ss = apss_bytes(env);
	int a, b;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	a = dumpregion_register("before", buf, 64);
	KUNIT_ASSERT_GT(test, a, 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), E(env, 2));

	dumpregion_provider_withdraw(&env->md->table.prov);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 0), 0);	/* status */
	KUNIT_EXPECT_EQ(test, le32_at(ss, 4), 0);	/* enabled */
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), 0);	/* count */
	KUNIT_EXPECT_EQ(test, le64_at(ss, 24), 0);	/* array */
	KUNIT_EXPECT_EQ(test, env->md->table.count, 0);
	/* Later registrations stay away from the withdrawn table. */
	b = dumpregion_register("after", buf + 64, 64);
	KUNIT_ASSERT_GT(test, b, 0);
	KUNIT_EXPECT_EQ(test, le32_at(ss, 16), 0);
	KUNIT_EXPECT_EQ(test, env->md->table.count, 0);
	dumpregion_provider_withdraw(&env->md->table.prov);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(a), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(b), 0);
	kunit_device_unregister(test, env->dev);
	KUNIT_EXPECT_EQ(test, le64_at(ss, 24), 0);
	KUNIT_EXPECT_EQ(test, env->violations, 0);
}

static void qcom_md_test_bad_capacity(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "qcom-md-cap");
	struct qcom_md *md;

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	md = devm_kzalloc(dev, sizeof(*md), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, md);
	KUNIT_EXPECT_EQ(test, devm_qcom_md_register(dev, md,
						    &qcom_md_smem_ops, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, devm_qcom_md_register(dev, md,
						    &qcom_md_smem_ops,
						    UINT_MAX), -EINVAL);
}

/* ---- MMIO transport ---- */

#define MMIO_MAX_WRITES	256

struct mmio_env {
	struct qcom_md_mmio mmio;
	u8 *window;
	u32 off[MMIO_MAX_WRITES], val[MMIO_MAX_WRITES];
	unsigned int nr;
};

static void mmio_trace(struct qcom_md_mmio *mmio, u32 off, u32 val)
{
	struct mmio_env *e = container_of(mmio, struct mmio_env, mmio);

	if (e->nr < MMIO_MAX_WRITES) {
		e->off[e->nr] = off;
		e->val[e->nr] = val;
	}
	e->nr++;
}

/* A register window in memory, firmware's global registers set. */
static struct mmio_env *mmio_env_new(struct kunit *test)
{
	struct mmio_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->window = kunit_kzalloc(test, 0x1000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e->window);
	put_unaligned_le32(1, e->window + QCOM_MD_MMIO_GLOBAL_INIT);
	put_unaligned_le32(3, e->window + QCOM_MD_MMIO_GLOBAL_REV);
	e->mmio.base = (void __iomem __force *)e->window;
	e->mmio.trace = mmio_trace;
	return e;
}

static void qcom_md_test_mmio_check(struct kunit *test)
{
	struct mmio_env *e = mmio_env_new(test);

	KUNIT_EXPECT_EQ(test, qcom_md_mmio_check(e->mmio.base, 0x1000), 0);
	KUNIT_EXPECT_EQ(test, qcom_md_mmio_check(e->mmio.base, QCOM_MD_MMIO_SIZE), 0);
	KUNIT_EXPECT_EQ(test, qcom_md_mmio_check(e->mmio.base, 0x38), -EINVAL);
	put_unaligned_le32(0, e->window + QCOM_MD_MMIO_GLOBAL_INIT);
	KUNIT_EXPECT_EQ(test, qcom_md_mmio_check(e->mmio.base, 0x1000), -ENODEV);
}

/*
 * The registers Linux writes, their values and their order: the base
 * address low then high half, init last; the count after each change;
 * everything withdrawn, init first, when the device goes.  Names carry the
 * VM id prefix.
 */
static void qcom_md_test_mmio(struct kunit *test)
{
	static const u32 enable_order[] = {
		QCOM_MD_MMIO_SS_INIT, QCOM_MD_MMIO_SS_COUNT,
		QCOM_MD_MMIO_SS_BASE_LO, QCOM_MD_MMIO_SS_BASE_HI,
		QCOM_MD_MMIO_SS_ENCR_REQ, QCOM_MD_MMIO_SS_ENCR_STATUS,
		QCOM_MD_MMIO_SS_ENABLE, QCOM_MD_MMIO_SS_INIT,
	};
	static const u32 disable_order[] = {
		QCOM_MD_MMIO_SS_INIT, QCOM_MD_MMIO_SS_ENABLE,
		QCOM_MD_MMIO_SS_COUNT, QCOM_MD_MMIO_SS_BASE_LO,
		QCOM_MD_MMIO_SS_BASE_HI,
	};
	struct mmio_env *e = mmio_env_new(test);
	void *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct md_env base = {};
	struct qcom_md *md;
	struct device *dev;
	unsigned int i, n;
	int id, id2;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	dev = kunit_device_register(test, "qcom-md-mmio-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	md = devm_kzalloc(dev, sizeof(*md), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, md);
	md->priv = &e->mmio;
	strscpy(md->prefix, "45_");
	md_env_base(test, &base);
	KUNIT_ASSERT_EQ(test, devm_qcom_md_register(dev, md, &qcom_md_mmio_ops,
						    E(&base, 8)), 0);

	/* enable, then the KELF index's entry (the core hands it over first) */
	KUNIT_ASSERT_GE(test, e->nr, ARRAY_SIZE(enable_order) + 1);
	for (i = 0; i < ARRAY_SIZE(enable_order); i++)
		KUNIT_EXPECT_EQ_MSG(test, e->off[i], enable_order[i], "write %u", i);
	KUNIT_EXPECT_EQ(test, e->val[0], 0);
	KUNIT_EXPECT_EQ(test, e->val[2], lower_32_bits(md->regions_phys));
	KUNIT_EXPECT_EQ(test, e->val[3], upper_32_bits(md->regions_phys));
	KUNIT_EXPECT_EQ(test, e->val[4], MINIDUMP_SS_ENCR_NOTREQ);
	KUNIT_EXPECT_EQ(test, e->val[5], MINIDUMP_SS_ENCR_DONE);
	KUNIT_EXPECT_EQ(test, e->val[6], MINIDUMP_SS_ENABLED);
	KUNIT_EXPECT_EQ(test, e->val[7], 1);
	/* The registers hold what firmware reads. */
	KUNIT_EXPECT_EQ(test, le32_at(e->window, QCOM_MD_MMIO_SS_INIT), 1);
	KUNIT_EXPECT_EQ(test, le32_at(e->window, QCOM_MD_MMIO_SS_ENABLE),
			MINIDUMP_SS_ENABLED);
	KUNIT_EXPECT_EQ(test, (u64)le32_at(e->window, QCOM_MD_MMIO_SS_BASE_HI) << 32 |
			le32_at(e->window, QCOM_MD_MMIO_SS_BASE_LO),
			(u64)md->regions_phys);
	n = le32_at(e->window, QCOM_MD_MMIO_SS_COUNT);

	/* A region: one entry, the count register grows by one. */
	id = dumpregion_register("mmio_region", buf, 100);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, e->off[e->nr - 1], QCOM_MD_MMIO_SS_COUNT);
	KUNIT_EXPECT_EQ(test, le32_at(e->window, QCOM_MD_MMIO_SS_COUNT), n + 1);
	/* 8 characters after the prefix: 3 of the name, '~', 4 hex digits */
	KUNIT_EXPECT_EQ(test, strncmp(md->regions[n].name, "45_mmi~", 7), 0);
	KUNIT_EXPECT_EQ(test, strlen(md->regions[n].name), 11);
	KUNIT_EXPECT_EQ(test, le64_at(&md->regions[n], 24), (u64)virt_to_phys(buf));
	/* Short names keep the prefix and fit as they are. */
	id2 = dumpregion_register("short", buf + 128, 64);
	KUNIT_ASSERT_GT(test, id2, 0);
	KUNIT_EXPECT_STREQ(test, md->regions[n + 1].name, "45_short");
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id2), 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_EQ(test, le32_at(e->window, QCOM_MD_MMIO_SS_COUNT), n);

	/*
	 * The device goes: the provider leaves first (its entries go one by
	 * one, the count drops to 0), then the table is withdrawn, init first.
	 */
	i = e->nr;
	kunit_device_unregister(test, dev);
	KUNIT_ASSERT_EQ(test, e->nr - i, base.base + ARRAY_SIZE(disable_order));
	for (n = 0; n < base.base; n++)
		KUNIT_EXPECT_EQ(test, e->off[i + n], QCOM_MD_MMIO_SS_COUNT);
	i += base.base;
	KUNIT_EXPECT_EQ(test, e->val[i - 1], 0);
	for (n = 0; n < ARRAY_SIZE(disable_order); n++) {
		KUNIT_EXPECT_EQ(test, e->off[i + n], disable_order[n]);
		KUNIT_EXPECT_EQ(test, e->val[i + n], 0);
	}
	KUNIT_EXPECT_EQ(test, le32_at(e->window, QCOM_MD_MMIO_SS_ENABLE), 0);
}

static struct kunit_case qcom_md_test_cases[] = {
	KUNIT_CASE(qcom_md_test_layout),
	KUNIT_CASE_PARAM(qcom_md_test_check, check_gen_params),
	KUNIT_CASE(qcom_md_test_enable),
	KUNIT_CASE(qcom_md_test_regions),
	KUNIT_CASE_PARAM(qcom_md_test_names, name_gen_params),
	KUNIT_CASE(qcom_md_test_name_collision),
	KUNIT_CASE(qcom_md_test_consistency),
	KUNIT_CASE(qcom_md_test_bad_capacity),
	KUNIT_CASE(qcom_md_test_panic),
	KUNIT_CASE(qcom_md_test_move_runs),
	KUNIT_CASE(qcom_md_test_crash_kernel),
	KUNIT_CASE(qcom_md_test_shutdown),
	KUNIT_CASE(qcom_md_test_mmio_check),
	KUNIT_CASE(qcom_md_test_mmio),
	{}
};

static struct kunit_suite qcom_md_test_suite = {
	.name = "qcom_minidump",
	.test_cases = qcom_md_test_cases,
};

kunit_test_suite(qcom_md_test_suite);

MODULE_DESCRIPTION("KUnit tests for the Qualcomm minidump table writer");
MODULE_LICENSE("GPL");
