// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the dump index provider, against an in-memory carve-out,
 * byte by byte, and with the real dump region core.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/crash_dump.h>
#include <linux/crc32.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/provider.h>
#include <linux/elf.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "dumpregion_index.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(DUMPREGION);

static u16 le16_at(const void *p, size_t off)
{
	return get_unaligned_le16((const u8 *)p + off);
}

static u32 le32_at(const void *p, size_t off)
{
	return get_unaligned_le32((const u8 *)p + off);
}

static u64 le64_at(const void *p, size_t off)
{
	return get_unaligned_le64((const u8 *)p + off);
}

/* A carve-out of @size bytes in memory and the provider's state on it. */
static struct drix *ix_start(struct kunit *test, size_t size)
{
	struct device *dev = kunit_device_register(test, "drix-test");
	void *mem = kunit_kzalloc(test, size, GFP_KERNEL);
	struct drix *ix = kunit_kzalloc(test, sizeof(*ix), GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(dev));
	KUNIT_ASSERT_NOT_NULL(test, mem);
	KUNIT_ASSERT_NOT_NULL(test, ix);
	KUNIT_ASSERT_EQ(test, drix_init(ix, dev, mem, size), 0);
	return ix;
}

static void *slot_of(struct drix *ix, int k)
{
	return ix->base + k * ix->slot_size;
}

/* A kelf layout of @n runs of 0x1000 bytes from @phys. */
static struct dumpregion_layout *kelf_layout(struct kunit *test, int id,
					     phys_addr_t phys, unsigned int n)
{
	struct dumpregion_layout *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	struct dumpregion_run *runs = kunit_kcalloc(test, n, sizeof(*runs),
						    GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, l);
	KUNIT_ASSERT_NOT_NULL(test, runs);
	for (i = 0; i < n; i++) {
		runs[i].phys = phys + 0x3000 * i;
		runs[i].size = 0x1000;
	}
	l->id = id;
	l->name = DUMPREGION_KELF_NAME;
	l->kind = DUMPREGION_LINEAR;
	l->size = 0x1000 * n;
	l->nr_runs = n;
	l->runs = runs;
	return l;
}

/* The CRC of a slot as a firmware author computes it from the document. */
static u32 doc_crc(const void *slot)
{
	u8 hdr[64];
	u32 nr = le32_at(slot, 20);

	memcpy(hdr, slot, sizeof(hdr));
	memset(hdr + 60, 0, 4);
	return ~crc32_le(crc32_le(~0, hdr, sizeof(hdr)), slot + 64, nr * 16);
}

static void drix_test_sizes(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "drix-size");
	void *mem = kunit_kzalloc(test, 4096, GFP_KERNEL);
	struct drix ix;

	KUNIT_ASSERT_NOT_NULL(test, mem);
	KUNIT_EXPECT_EQ(test, drix_slot_size(256), 128);
	KUNIT_EXPECT_EQ(test, drix_slot_size(4096), 2048);
	KUNIT_EXPECT_EQ(test, drix_slot_size(1000), 448);
	KUNIT_EXPECT_EQ(test, drix_slot_size(1 << 20), DRIX_SLOT_MAX);
	KUNIT_EXPECT_EQ(test, drix_init(&ix, dev, mem, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, drix_init(&ix, dev, mem, DRIX_MIN_SIZE - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, drix_init(&ix, dev, mem + 4, 1024), -EINVAL);
	KUNIT_ASSERT_EQ(test, drix_init(&ix, dev, mem, DRIX_MIN_SIZE), 0);
	KUNIT_EXPECT_EQ(test, ix.slot_size, 128);
	KUNIT_EXPECT_EQ(test, ix.max_runs, 4);
	KUNIT_EXPECT_EQ(test, drix_current(mem, DRIX_MIN_SIZE), -ENOENT);
}

/* Every field of the first two generations, and slot alternation. */
static void drix_test_layout(struct kunit *test)
{
	struct drix *ix = ix_start(test, 4096);
	struct dumpregion_layout *a = kelf_layout(test, 7, 0x80001000, 2);
	struct dumpregion_layout *b = kelf_layout(test, 7, 0x90000000, 1);
	struct dumpregion_layout other = *b;
	u8 *s1 = slot_of(ix, 1), *s0 = slot_of(ix, 0), saved[128];
	u64 gen;

	other.name = "other";
	KUNIT_EXPECT_EQ(test, drix_ops.add(&ix->prov, &other, NULL), 0);
	KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), -ENOENT);

	KUNIT_ASSERT_EQ(test, drix_ops.add(&ix->prov, a, NULL), 0);
	KUNIT_EXPECT_EQ(test, memcmp(s1, "DRIX", 4), 0);
	KUNIT_EXPECT_EQ(test, le16_at(s1, 4), 1);	/* version */
	KUNIT_EXPECT_EQ(test, le16_at(s1, 6), 64);	/* header_size */
	KUNIT_EXPECT_EQ(test, le64_at(s1, 8), 1);	/* generation */
	KUNIT_EXPECT_EQ(test, le32_at(s1, 16), 0);	/* flags */
	KUNIT_EXPECT_EQ(test, le32_at(s1, 20), 2);	/* nr_runs */
	KUNIT_EXPECT_EQ(test, le64_at(s1, 24), 0x2000);	/* kelf_size */
	KUNIT_EXPECT_EQ(test, le32_at(s1, 32), 2048);	/* slot_size */
	KUNIT_EXPECT_EQ(test, le32_at(s1, 36), 16);	/* run_size */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(s1 + 40, 0, 20));
	KUNIT_EXPECT_EQ(test, le32_at(s1, 60), doc_crc(s1));
	KUNIT_EXPECT_EQ(test, le64_at(s1, 64), 0x80001000);
	KUNIT_EXPECT_EQ(test, le64_at(s1, 72), 0x1000);
	KUNIT_EXPECT_EQ(test, le64_at(s1, 80), 0x80004000);
	KUNIT_EXPECT_EQ(test, le64_at(s1, 88), 0x1000);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(s0, 0, ix->slot_size));
	KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), 1);
	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, ix->slot_size, &gen), 0);
	KUNIT_EXPECT_EQ(test, gen, 1);

	/* The move goes to the other slot; this one stays whole. */
	memcpy(saved, s1, sizeof(saved));
	KUNIT_ASSERT_EQ(test, drix_ops.update(&ix->prov, b, NULL), 0);
	KUNIT_EXPECT_EQ(test, memcmp(saved, s1, sizeof(saved)), 0);
	KUNIT_EXPECT_EQ(test, le64_at(s0, 8), 2);
	KUNIT_EXPECT_EQ(test, le32_at(s0, 20), 1);
	KUNIT_EXPECT_EQ(test, le64_at(s0, 64), 0x90000000);
	KUNIT_EXPECT_EQ(test, le32_at(s0, 60), doc_crc(s0));
	KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), 0);

	/* Other regions reach firmware through KELF: no header change. */
	memcpy(saved, s0, sizeof(saved));
	KUNIT_EXPECT_EQ(test, drix_ops.update(&ix->prov, &other, NULL), 0);
	drix_ops.remove(&ix->prov, &other, NULL);
	KUNIT_EXPECT_EQ(test, memcmp(saved, s0, sizeof(saved)), 0);

	/* The kelf region removed: an index without KELF. */
	drix_ops.remove(&ix->prov, b, NULL);
	KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), 1);
	KUNIT_EXPECT_EQ(test, le64_at(s1, 8), 3);
	KUNIT_EXPECT_EQ(test, le32_at(s1, 20), 0);
	KUNIT_EXPECT_EQ(test, le64_at(s1, 24), 0);
}

/*
 * An update stopped at any point (a panic, a reset) leaves the previous
 * generation current: the slot being written has no magic, or a body its
 * checksum does not match.
 */
static void drix_test_torn(struct kunit *test)
{
	struct drix *ix = ix_start(test, 1024);
	struct dumpregion_layout *a = kelf_layout(test, 3, 0x80000000, 1);
	struct dumpregion_layout *b = kelf_layout(test, 3, 0x81000000, 2);
	u8 *s1 = slot_of(ix, 1), old[96], next[96], mix[96];
	size_t off;
	u64 gen;

	KUNIT_ASSERT_EQ(test, drix_ops.add(&ix->prov, a, NULL), 0);	/* 1: slot 1 */
	memcpy(old, s1, sizeof(old));
	KUNIT_ASSERT_EQ(test, drix_ops.update(&ix->prov, a, NULL), 0);	/* 2: slot 0 */
	KUNIT_ASSERT_EQ(test, drix_ops.update(&ix->prov, b, NULL), 0);	/* 3: slot 1 */
	memcpy(next, s1, sizeof(next));
	KUNIT_ASSERT_EQ(test, drix_current(ix->base, ix->size), 1);

	/*
	 * Replay generation 3 over generation 1 as the writer does, stopped
	 * after each 4-byte step: until the magic is back, generation 2 is
	 * current.
	 */
	memcpy(s1, old, sizeof(old));
	memset(s1, 0, 4);
	for (off = 4; off <= sizeof(next); off += 4) {
		memcpy(s1 + 4, next + 4, off - 4);
		KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), 0);
	}
	memcpy(s1, next, 4);
	KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), 1);

	/* A magic over a half-written body: the checksum catches it. */
	for (off = 8; off < sizeof(next); off += 8) {
		memcpy(mix, next, off);
		memcpy(mix + off, old + off, sizeof(mix) - off);
		if (!memcmp(mix, next, sizeof(mix)) || !memcmp(mix, old, sizeof(mix)))
			continue;
		memcpy(s1, mix, sizeof(mix));
		KUNIT_EXPECT_NE(test, drix_check_slot(s1, ix->slot_size, &gen), 0);
		KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), 0);
	}
	memcpy(s1, next, sizeof(next));
	s1[70] ^= 1;
	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, ix->slot_size, &gen), -EBADMSG);
	KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), 0);
}

/* Each way a slot can be invalid has its own errno. */
static void drix_test_check(struct kunit *test)
{
	struct drix *ix = ix_start(test, 1024);
	struct dumpregion_layout *a = kelf_layout(test, 3, 0x80000000, 1);
	u8 *s1 = slot_of(ix, 1), good[96];
	u64 gen;

	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, ix->slot_size, &gen), -ENODATA);
	KUNIT_ASSERT_EQ(test, drix_ops.add(&ix->prov, a, NULL), 0);
	memcpy(good, s1, sizeof(good));

	put_unaligned_le32(0x12345678, s1);
	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, ix->slot_size, &gen), -EBADMSG);
	memcpy(s1, good, sizeof(good));
	put_unaligned_le16(2, s1 + 4);
	put_unaligned_le32(doc_crc(s1), s1 + 60);
	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, ix->slot_size, &gen),
			-EPROTONOSUPPORT);
	memcpy(s1, good, sizeof(good));
	put_unaligned_le32(1000, s1 + 20);	/* more runs than the slot holds */
	put_unaligned_le32(doc_crc(s1), s1 + 60);
	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, ix->slot_size, &gen), -EINVAL);
	memcpy(s1, good, sizeof(good));
	put_unaligned_le32(4096, s1 + 32);	/* slot_size */
	put_unaligned_le32(doc_crc(s1), s1 + 60);
	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, ix->slot_size, &gen), -EINVAL);
	memcpy(s1, good, sizeof(good));
	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, ix->slot_size, &gen), 0);
	KUNIT_EXPECT_EQ(test, drix_check_slot(s1, 32, &gen), -EINVAL);
}

/*
 * What a previous boot left: a valid index, garbage, another version.
 * The new boot starts from empty slots in each case.
 */
static void drix_test_previous(struct kunit *test)
{
	struct drix *ix = ix_start(test, 1024);
	struct device *dev = kunit_device_register(test, "drix-next");
	struct dumpregion_layout *a = kelf_layout(test, 3, 0x80000000, 1);
	struct drix *next = kunit_kzalloc(test, sizeof(*next), GFP_KERNEL);
	u8 *mem = ix->base;

	KUNIT_ASSERT_NOT_NULL(test, next);
	KUNIT_ASSERT_EQ(test, drix_ops.add(&ix->prov, a, NULL), 0);
	drix_ops.finalise(&ix->prov);
	KUNIT_ASSERT_GE(test, drix_current(mem, 1024), 0);
	KUNIT_EXPECT_EQ(test, drix_init(next, dev, mem, 1024), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(mem, 0, 1024));

	memset(mem, 0x5a, 1024);
	KUNIT_EXPECT_EQ(test, drix_init(next, dev, mem, 1024), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(mem, 0, 1024));

	KUNIT_ASSERT_EQ(test, drix_ops.add(&next->prov, a, NULL), 0);
	put_unaligned_le16(9, mem + 512 + 4);
	put_unaligned_le32(doc_crc(mem + 512), mem + 512 + 60);
	KUNIT_EXPECT_EQ(test, drix_current(mem, 1024), -ENOENT);
	KUNIT_EXPECT_EQ(test, drix_init(next, dev, mem, 1024), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(mem, 0, 1024));
	KUNIT_EXPECT_EQ(test, next->generation, 0);
}

/* A KELF in more runs than a slot holds is refused; nothing changes. */
static void drix_test_too_many_runs(struct kunit *test)
{
	struct drix *ix = ix_start(test, DRIX_MIN_SIZE);
	struct dumpregion_layout *a = kelf_layout(test, 3, 0x80000000, 4);
	struct dumpregion_layout *b = kelf_layout(test, 3, 0x90000000, 5);
	u8 saved[DRIX_MIN_SIZE];

	KUNIT_ASSERT_EQ(test, drix_ops.add(&ix->prov, a, NULL), 0);
	memcpy(saved, ix->base, sizeof(saved));
	KUNIT_EXPECT_EQ(test, drix_ops.update(&ix->prov, b, NULL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, memcmp(saved, ix->base, sizeof(saved)), 0);
	KUNIT_EXPECT_EQ(test, drix_current(ix->base, ix->size), 1);
}

/* Shutdown withdraws the index; later changes stay away from it. */
static void drix_test_withdraw(struct kunit *test)
{
	struct drix *ix = ix_start(test, 1024);
	struct dumpregion_layout *a = kelf_layout(test, 3, 0x80000000, 1);
	u8 saved[1024];
	int cur;

	KUNIT_ASSERT_EQ(test, drix_ops.add(&ix->prov, a, NULL), 0);
	drix_withdraw(ix, DRIX_F_SHUTDOWN);
	cur = drix_current(ix->base, ix->size);
	KUNIT_ASSERT_GE(test, cur, 0);
	KUNIT_EXPECT_EQ(test, le32_at(slot_of(ix, cur), 16), DRIX_F_SHUTDOWN);
	KUNIT_EXPECT_EQ(test, le32_at(slot_of(ix, cur), 20), 0);
	memcpy(saved, ix->base, sizeof(saved));
	KUNIT_EXPECT_EQ(test, drix_ops.update(&ix->prov, a, NULL), 0);
	drix_ops.finalise(&ix->prov);
	drix_ops.remove(&ix->prov, a, NULL);
	KUNIT_EXPECT_EQ(test, memcmp(saved, ix->base, sizeof(saved)), 0);
}

/*
 * As firmware does: follow the current slot to the KELF index (the runs
 * are linear-map memory here) and look for a load of @size bytes at
 * @phys.  Returns the number of such loads, or -1 for no valid index.
 */
static int loads_at(struct kunit *test, struct drix *ix, phys_addr_t phys,
		    size_t size)
{
	int cur = drix_current(ix->base, ix->size), found = 0;
	const u8 *s, *kelf;
	const struct elf64_hdr *eh;
	const struct elf64_phdr *ph;
	u64 ksize, phnum, i;
	u8 *buf;

	if (cur < 0)
		return -1;
	s = slot_of(ix, cur);
	ksize = le64_at(s, 24);
	if (le32_at(s, 20) != 1 || ksize < sizeof(*eh))
		return -1;
	kelf = phys_to_virt(le64_at(s, 64));
	buf = kunit_kmalloc(test, ksize, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, kelf, ksize);
	eh = (const struct elf64_hdr *)buf;
	KUNIT_ASSERT_EQ(test, memcmp(eh->e_ident, ELFMAG, SELFMAG), 0);
	phnum = eh->e_phnum;
	if (phnum == PN_XNUM)
		phnum = ((const struct elf64_shdr *)(buf + eh->e_shoff))->sh_info;
	KUNIT_ASSERT_LE(test, eh->e_phoff + phnum * sizeof(*ph), ksize);
	ph = (const struct elf64_phdr *)(buf + eh->e_phoff);
	for (i = 0; i < phnum; i++)
		found += ph[i].p_type == PT_LOAD && ph[i].p_paddr == phys &&
			 ph[i].p_filesz == size;
	kunit_kfree(test, buf);
	return found;
}

static void unregister_provider(void *prov)
{
	dumpregion_provider_unregister(prov);
}

/* @ix registered with the real core until the test ends. */
static void ix_register(struct kunit *test, struct drix *ix)
{
	KUNIT_ASSERT_EQ(test, dumpregion_provider_register(&ix->prov), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, unregister_provider,
							&ix->prov), 0);
}

static unsigned int drix_refused(struct drix *ix)
{
	struct dumpregion_provider_stats st;

	dumpregion_provider_stats(&ix->prov, &st);
	return st.refused;
}

static unsigned int drix_stale(struct drix *ix)
{
	struct dumpregion_provider_stats st;

	dumpregion_provider_stats(&ix->prov, &st);
	return st.stale;
}

/*
 * With the real core: the index points at the live KELF, which gains and
 * loses a load as a region comes and goes; unregistering the provider
 * leaves an index without KELF.
 */
static void drix_test_core(struct kunit *test)
{
	struct drix *ix = ix_start(test, 4096);
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	int id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ix_register(test, ix);
	KUNIT_ASSERT_GE(test, drix_current(ix->base, ix->size), 0);
	KUNIT_EXPECT_EQ(test, loads_at(test, ix, virt_to_phys(buf), 100), 0);

	/* The KELF index changes in place: the header need not. */
	id = dumpregion_register("drix_buf", buf, 100);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, loads_at(test, ix, virt_to_phys(buf), 100), 1);
	KUNIT_EXPECT_EQ(test, drix_refused(ix), 0);

	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	KUNIT_EXPECT_EQ(test, loads_at(test, ix, virt_to_phys(buf), 100), 0);

	kunit_release_action(test, unregister_provider, &ix->prov);
	KUNIT_EXPECT_EQ(test, loads_at(test, ix, virt_to_phys(buf), 100), -1);
	KUNIT_EXPECT_EQ(test, le32_at(slot_of(ix, drix_current(ix->base, ix->size)), 20), 0);
}

static void not_panicking(void *unused)
{
	dumpregion_test_set_panicking(false);
	dumpregion_test_undo_panic();
}

/*
 * The core's whole panic finaliser: the index is marked final and still
 * points at the KELF, which now lists a region moved by
 * dumpregion_update_atomic() during the panic.
 */
static void drix_test_core_panic(struct kunit *test)
{
	struct drix *ix = ix_start(test, 4096);
	char *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	unsigned long flags;
	int id, cur;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ix_register(test, ix);
	id = dumpregion_register_movable("drix_mv", buf, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, loads_at(test, ix, virt_to_phys(buf), 64), 1);

	dumpregion_test_set_panicking(true);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, not_panicking, NULL),
			0);
	local_irq_save(flags);
	KUNIT_EXPECT_EQ(test, dumpregion_update_atomic(id, buf + 128, 64), 0);
	local_irq_restore(flags);
	preempt_disable();
	dumpregion_panic_finalise();
	preempt_enable();
	cur = drix_current(ix->base, ix->size);
	KUNIT_ASSERT_GE(test, cur, 0);
	KUNIT_EXPECT_TRUE(test, le32_at(slot_of(ix, cur), 16) & DRIX_F_PANIC);
	KUNIT_EXPECT_EQ(test, loads_at(test, ix, virt_to_phys(buf + 128), 64), 1);
	KUNIT_EXPECT_EQ(test, loads_at(test, ix, virt_to_phys(buf), 64), 0);
	KUNIT_EXPECT_EQ(test, drix_stale(ix), 0);

	kunit_release_action(test, not_panicking, NULL);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
}

/*
 * A panic while another CPU holds the provider lock (stopped inside an op):
 * the core neither moves the index nor marks it final, and the slots stay
 * as they were.  Hangs if the core spins on the lock.
 */
static void drix_test_panic_locked(struct kunit *test)
{
	struct drix *ix = ix_start(test, 4096);
	struct dumpregion_test_holder *h;
	u8 *saved = kunit_kzalloc(test, 4096, GFP_KERNEL);
	int cur;

	KUNIT_ASSERT_NOT_NULL(test, saved);
	ix_register(test, ix);
	memcpy(saved, ix->base, 4096);
	h = dumpregion_test_hold(test, &ix->prov.lock);
	if (!h)
		kunit_skip(test, "needs two online CPUs");
	dumpregion_test_panic_begin(test);
	preempt_disable();
	dumpregion_panic_finalise();
	preempt_enable();
	KUNIT_EXPECT_EQ(test, memcmp(saved, ix->base, 4096), 0);
	dumpregion_test_release(h);

	preempt_disable();
	dumpregion_panic_finalise();
	preempt_enable();
	cur = drix_current(ix->base, ix->size);
	KUNIT_ASSERT_GE(test, cur, 0);
	KUNIT_EXPECT_TRUE(test, le32_at(slot_of(ix, cur), 16) & DRIX_F_PANIC);
	dumpregion_test_panic_end(test);
}

/*
 * Reboot, kexec and power-off: the core withdraws the index (SHUTDOWN, no
 * KELF); registrations after that leave the slots alone.
 */
static void drix_test_core_withdraw(struct kunit *test)
{
	struct drix *ix = ix_start(test, 4096);
	u8 *saved = kunit_kzalloc(test, 4096, GFP_KERNEL);
	struct dumpregion_provider_stats st;
	int id, cur;

	KUNIT_ASSERT_NOT_NULL(test, saved);
	ix_register(test, ix);
	dumpregion_provider_withdraw(&ix->prov);
	dumpregion_provider_stats(&ix->prov, &st);
	KUNIT_EXPECT_TRUE(test, st.withdrawn);
	cur = drix_current(ix->base, ix->size);
	KUNIT_ASSERT_GE(test, cur, 0);
	KUNIT_EXPECT_EQ(test, le32_at(slot_of(ix, cur), 16), DRIX_F_SHUTDOWN);
	KUNIT_EXPECT_EQ(test, le32_at(slot_of(ix, cur), 20), 0);
	memcpy(saved, ix->base, 4096);
	id = dumpregion_register("drix_late", saved, 64);
	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_EQ(test, dumpregion_unregister(id), 0);
	kunit_release_action(test, unregister_provider, &ix->prov);
	KUNIT_EXPECT_EQ(test, memcmp(saved, ix->base, 4096), 0);
}

/*
 * D11: a test's run of the core's panic finaliser leaves no trace in the
 * dump index once undone: a later boot must not read "panicked".
 */
static void drix_test_undo_panic(struct kunit *test)
{
	struct drix *ix = ix_start(test, 4096);
	int cur;

	ix_register(test, ix);
	dumpregion_test_set_panicking(true);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, not_panicking, NULL),
			0);
	preempt_disable();
	dumpregion_panic_finalise();
	preempt_enable();
	cur = drix_current(ix->base, ix->size);
	KUNIT_ASSERT_GE(test, cur, 0);
	KUNIT_EXPECT_TRUE(test, le32_at(slot_of(ix, cur), 16) & DRIX_F_PANIC);

	/* Out of panic mode and undone (dumpregion_test_undo_panic()). */
	kunit_release_action(test, not_panicking, NULL);
	cur = drix_current(ix->base, ix->size);
	KUNIT_ASSERT_GE(test, cur, 0);
	KUNIT_EXPECT_FALSE(test, le32_at(slot_of(ix, cur), 16) & DRIX_F_PANIC);
	KUNIT_EXPECT_NE(test, le64_at(slot_of(ix, cur), 24), 0);	/* kelf_size */
}

/*
 * D5: a crash kernel (kdump) finds the index the crashed kernel left and
 * reports it, but neither clears nor rewrites it.
 */
static void drix_test_crash_kernel(struct kunit *test)
{
	struct drix *ix = ix_start(test, 1024), again;
	struct dumpregion_layout *a = kelf_layout(test, 3, 0x80000000, 1);
	unsigned long long saved_addr = elfcorehdr_addr;
	u8 saved[1024];

	KUNIT_ASSERT_EQ(test, drix_ops.add(&ix->prov, a, NULL), 0);
	drix_ops.finalise(&ix->prov);
	memcpy(saved, ix->base, sizeof(saved));
	/* What is_kdump_kernel() reads: set for the length of one call. */
	elfcorehdr_addr = 0;
	KUNIT_EXPECT_EQ(test, drix_init(&again, ix->prov.dev, ix->base, 1024),
			-ENODEV);
	elfcorehdr_addr = saved_addr;
	KUNIT_EXPECT_EQ(test, memcmp(saved, ix->base, sizeof(saved)), 0);
	/* A normal boot takes it over. */
	KUNIT_EXPECT_EQ(test, drix_init(&again, ix->prov.dev, ix->base, 1024), 0);
	KUNIT_EXPECT_LT(test, drix_current(ix->base, 1024), 0);
}

static struct kunit_case drix_test_cases[] = {
	KUNIT_CASE(drix_test_undo_panic),
	KUNIT_CASE(drix_test_crash_kernel),
	KUNIT_CASE(drix_test_sizes),
	KUNIT_CASE(drix_test_layout),
	KUNIT_CASE(drix_test_torn),
	KUNIT_CASE(drix_test_check),
	KUNIT_CASE(drix_test_previous),
	KUNIT_CASE(drix_test_too_many_runs),
	KUNIT_CASE(drix_test_withdraw),
	KUNIT_CASE(drix_test_core),
	KUNIT_CASE(drix_test_core_panic),
	KUNIT_CASE(drix_test_panic_locked),
	KUNIT_CASE(drix_test_core_withdraw),
	{}
};

static struct kunit_suite drix_test_suite = {
	.name = "dumpregion_index",
	.test_cases = drix_test_cases,
};

kunit_test_suite(drix_test_suite);

MODULE_DESCRIPTION("KUnit tests for the dump index provider");
MODULE_LICENSE("GPL");
