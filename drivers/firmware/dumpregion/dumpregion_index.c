// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump index provider: vendor-neutral crash-dump discovery.
 *
 * The kernel keeps, in a devicetree reserved-memory carve-out, a small
 * versioned header pointing at the KELF index of the dump regions (the ELF
 * core header kernel/dumpregion/kelf.c maintains).  Whatever runs after a
 * crash with RAM intact (boot firmware, a bootloader, a hypervisor, a JTAG
 * script or a crash kernel) reads the header, then the KELF index, then
 * copies each PT_LOAD's p_paddr / p_filesz: one ELF core file, no vendor
 * protocol.  Documentation/dumpregion/index.rst describes the format.
 *
 * The carve-out holds two slots.  Each update builds the next generation
 * in a staging buffer and writes it over the older slot: magic cleared
 * first, the body, then the magic, each step ordered by a barrier.  The
 * other slot keeps the previous generation whole, so a reader at any
 * moment, even after a panic in the middle of an update, finds a slot
 * whose checksum holds: the old index or the new one.
 */

#include <linux/crash_dump.h>
#include <linux/crc32.h>
#include <linux/dumpregion/provider.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "dumpregion_index.h"

static_assert(sizeof(struct drix_header) == 64);
static_assert(sizeof(struct drix_run) == 16);

/**
 * drix_slot_size() - bytes per slot in a carve-out of @size bytes
 * @size: size of the carve-out
 *
 * Half the carve-out, at most %DRIX_SLOT_MAX, rounded down to
 * %DRIX_SLOT_ALIGN: slot 1 starts there.
 *
 * Return: the slot size.
 */
VISIBLE_IF_KUNIT size_t drix_slot_size(size_t size)
{
	return ALIGN_DOWN(min_t(size_t, size / 2, DRIX_SLOT_MAX),
			  DRIX_SLOT_ALIGN);
}
EXPORT_SYMBOL_IF_KUNIT(drix_slot_size);

static u32 drix_crc(const struct drix_header *h, unsigned int nr_runs)
{
	struct drix_header copy = *h;

	copy.crc32 = 0;
	return ~crc32_le(crc32_le(~0, (const u8 *)&copy, sizeof(copy)),
			 (const u8 *)(h + 1), nr_runs * sizeof(struct drix_run));
}

/**
 * drix_check_slot() - is a slot a valid index?
 * @slot: the slot's bytes
 * @slot_size: their number
 * @generation: set to the slot's generation when it is valid
 *
 * Return: 0 when valid; -ENODATA for an empty slot (magic 0, being
 * written or never written); -EBADMSG for a wrong magic or checksum;
 * -EPROTONOSUPPORT for a version this kernel does not write; -EINVAL for
 * sizes that do not fit the slot.
 */
VISIBLE_IF_KUNIT int drix_check_slot(const void *slot, size_t slot_size,
				     u64 *generation)
{
	const struct drix_header *h = slot;
	u32 nr_runs;

	if (slot_size < sizeof(*h))
		return -EINVAL;
	if (!h->magic)
		return -ENODATA;
	if (le32_to_cpu(h->magic) != DRIX_MAGIC)
		return -EBADMSG;
	if (le16_to_cpu(h->version) != DRIX_VERSION)
		return -EPROTONOSUPPORT;
	nr_runs = le32_to_cpu(h->nr_runs);
	if (le16_to_cpu(h->header_size) != sizeof(*h) ||
	    le32_to_cpu(h->run_size) != sizeof(struct drix_run) ||
	    le32_to_cpu(h->slot_size) != slot_size ||
	    nr_runs > (slot_size - sizeof(*h)) / sizeof(struct drix_run))
		return -EINVAL;
	if (drix_crc(h, nr_runs) != le32_to_cpu(h->crc32))
		return -EBADMSG;
	*generation = le64_to_cpu(h->generation);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(drix_check_slot);

/**
 * drix_current() - the slot a reader of the carve-out takes
 * @base: the carve-out
 * @size: its size
 *
 * Return: 0 or 1, the valid slot with the higher generation, or -ENOENT
 * when neither slot is valid.
 */
VISIBLE_IF_KUNIT int drix_current(const void *base, size_t size)
{
	size_t ss = drix_slot_size(size);
	u64 g0, g1;
	bool v0, v1;

	v0 = !drix_check_slot(base, ss, &g0);
	v1 = !drix_check_slot(base + ss, ss, &g1);
	if (v0 && v1)
		return g1 > g0 ? 1 : 0;
	return v0 ? 0 : v1 ? 1 : -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(drix_current);

static struct drix_run *drix_stage_runs(struct drix *ix)
{
	return (struct drix_run *)(ix->stage + 1);
}

/*
 * Write the staged index as the next generation, over the older slot.
 * Under the provider lock.  No allocation, no lock: safe at panic.
 */
static void drix_publish(struct drix *ix)
{
	struct drix_header *h = ix->stage;
	unsigned int nr_runs = le32_to_cpu(h->nr_runs);
	size_t len = sizeof(*h) + nr_runs * sizeof(struct drix_run);
	u64 gen = ix->generation + 1;
	struct drix_header *slot = ix->base + (gen & 1) * ix->slot_size;

	h->magic = cpu_to_le32(DRIX_MAGIC);
	h->version = cpu_to_le16(DRIX_VERSION);
	h->header_size = cpu_to_le16(sizeof(*h));
	h->generation = cpu_to_le64(gen);
	h->flags = cpu_to_le32(ix->flags);
	h->slot_size = cpu_to_le32(ix->slot_size);
	h->run_size = cpu_to_le32(sizeof(struct drix_run));
	h->crc32 = cpu_to_le32(drix_crc(h, nr_runs));

	/* A reader skips the slot from here until its magic is back. */
	WRITE_ONCE(slot->magic, 0);
	/* Magic cleared in memory before any byte of the body changes. */
	wmb();
	memcpy((void *)slot + sizeof(slot->magic), (void *)h + sizeof(h->magic),
	       len - sizeof(h->magic));
	/* The whole body in memory before the magic makes it valid. */
	wmb();
	WRITE_ONCE(slot->magic, h->magic);
	/* Valid before the caller goes on (and the other slot is reused). */
	wmb();
	ix->generation = gen;
}

/* Stage @l as the index's KELF and publish it. */
static int drix_set_kelf(struct drix *ix, const struct dumpregion_layout *l)
{
	struct drix_run *runs = drix_stage_runs(ix);
	unsigned int i;

	if (ix->withdrawn)
		return 0;
	if (l->nr_runs > ix->max_runs)
		return -ENOSPC;
	for (i = 0; i < l->nr_runs; i++) {
		runs[i].phys = cpu_to_le64(l->runs[i].phys);
		runs[i].size = cpu_to_le64(l->runs[i].size);
	}
	ix->stage->nr_runs = cpu_to_le32(l->nr_runs);
	ix->stage->kelf_size = cpu_to_le64(l->size);
	ix->kelf_id = l->id;
	drix_publish(ix);
	return 0;
}

static bool drix_is_kelf(const struct dumpregion_layout *l)
{
	return !strcmp(l->name, DUMPREGION_KELF_NAME);
}

static struct drix *to_drix(struct dumpregion_provider *prov)
{
	return container_of(prov, struct drix, prov);
}

/*
 * Every region reaches firmware through the KELF index; only the kelf
 * region's own moves change the header.  The core serialises the ops and
 * only tries their lock at panic.
 */
static int drix_update(struct dumpregion_provider *prov,
		       const struct dumpregion_layout *l, void **cookie)
{
	struct drix *ix = to_drix(prov);

	if (!drix_is_kelf(l))
		return 0;
	/*
	 * A move after the finaliser: the kernel lives on (only a test runs
	 * the panic finaliser and carries on), so the index is not final.
	 */
	ix->flags &= ~DRIX_F_PANIC;
	return drix_set_kelf(ix, l);
}

static int drix_add(struct dumpregion_provider *prov,
		    const struct dumpregion_layout *l, void **cookie)
{
	return drix_update(prov, l, cookie);
}

static void drix_remove(struct dumpregion_provider *prov,
			const struct dumpregion_layout *l, void *cookie)
{
	struct drix *ix = to_drix(prov);

	if (l->id == ix->kelf_id && !ix->withdrawn) {
		ix->stage->nr_runs = 0;
		ix->stage->kelf_size = 0;
		ix->kelf_id = 0;
		drix_publish(ix);
	}
}

/*
 * Mark the index as finalised at panic.  The core calls this only when it
 * got the provider lock: a CPU stopped by the panic inside drix_publish()
 * leaves one whole slot, which is then left as it is.
 */
static void drix_finalise(struct dumpregion_provider *prov)
{
	struct drix *ix = to_drix(prov);

	if (ix->kelf_id && !ix->withdrawn) {
		ix->flags |= DRIX_F_PANIC;
		drix_publish(ix);
	}
}

/**
 * drix_withdraw() - publish an index without KELF
 * @ix: the provider, not registered or withdrawn by the core (no op runs)
 * @flags: %DRIX_F_SHUTDOWN, or 0
 *
 * After reboot, kexec, power-off or unbind, firmware (or the next kernel)
 * must not take the memory of this run for a dump.  The ops leave the
 * slots alone from then on.
 */
VISIBLE_IF_KUNIT void drix_withdraw(struct drix *ix, u32 flags)
{
	ix->stage->nr_runs = 0;
	ix->stage->kelf_size = 0;
	ix->kelf_id = 0;
	ix->flags |= flags;
	drix_publish(ix);
	ix->withdrawn = true;
}
EXPORT_SYMBOL_IF_KUNIT(drix_withdraw);

static void drix_withdraw_op(struct dumpregion_provider *prov)
{
	drix_withdraw(to_drix(prov), DRIX_F_SHUTDOWN);
}

VISIBLE_IF_KUNIT const struct dumpregion_provider_ops drix_ops = {
	.flags = DUMPREGION_PANIC_UPDATE,
	.add = drix_add,
	.remove = drix_remove,
	.update = drix_update,
	.finalise = drix_finalise,
	.withdraw = drix_withdraw_op,
};
EXPORT_SYMBOL_IF_KUNIT(drix_ops);

static const char *drix_slot_error(int err)
{
	switch (err) {
	case -EBADMSG:
		return "bad magic or checksum";
	case -EINVAL:
		return "sizes do not fit the slot";
	default:
		return "unreadable";
	}
}

/* What a previous boot (or firmware) left in the carve-out, said once. */
static void drix_report_previous(struct drix *ix, struct device *dev)
{
	const struct drix_header *h;
	int cur, k, err[2];
	u64 gen;

	for (k = 0; k < 2; k++)
		err[k] = drix_check_slot(ix->base + k * ix->slot_size,
					 ix->slot_size, &gen);
	cur = drix_current(ix->base, ix->size);
	if (cur >= 0) {
		h = ix->base + cur * ix->slot_size;
		dev_info(dev, "index left by the previous boot: generation %llu%s, KELF of %llu bytes; %s\n",
			 le64_to_cpu(h->generation),
			 le32_to_cpu(h->flags) & DRIX_F_PANIC ? ", panicked" : "",
			 le64_to_cpu(h->kelf_size),
			 is_kdump_kernel() ? "kept for the dump" :
			 "starting a new one");
		return;
	}
	for (k = 0; k < 2; k++) {
		h = ix->base + k * ix->slot_size;
		if (err[k] == -EPROTONOSUPPORT)
			dev_warn(dev, "slot %d holds index version %u, this kernel writes version %u: reinitialising\n",
				 k, le16_to_cpu(h->version), DRIX_VERSION);
		else if (err[k] != -ENODATA)
			dev_warn(dev, "slot %d is corrupt (%s): reinitialising\n",
				 k, drix_slot_error(err[k]));
	}
}

/**
 * drix_init() - take over a carve-out
 * @ix: state to initialise
 * @dev: the device, for messages and the staging buffer's lifetime
 * @base: the carve-out, mapped
 * @size: its size
 *
 * Reports what a previous boot left there, then clears both slots: until
 * the provider publishes, readers find no index.  A crash kernel (kdump)
 * only reports it: the index of the kernel that crashed stays as it is,
 * for whatever collects the dump after it.
 *
 * Return: 0; -EINVAL when the carve-out is too small or misaligned;
 * -ENOMEM; -ENODEV in a crash kernel.
 */
VISIBLE_IF_KUNIT int drix_init(struct drix *ix, struct device *dev,
			       void *base, size_t size)
{
	if (size < DRIX_MIN_SIZE) {
		dev_err(dev, "carve-out of %zu bytes is too small: the index needs at least %u\n",
			size, DRIX_MIN_SIZE);
		return -EINVAL;
	}
	if (!IS_ALIGNED((unsigned long)base, 8)) {
		dev_err(dev, "carve-out not 8-byte aligned\n");
		return -EINVAL;
	}
	memset(ix, 0, sizeof(*ix));
	ix->base = base;
	ix->size = size;
	ix->slot_size = drix_slot_size(size);
	ix->max_runs = (ix->slot_size - sizeof(struct drix_header)) /
		       sizeof(struct drix_run);
	ix->stage = devm_kzalloc(dev, ix->slot_size, GFP_KERNEL);
	if (!ix->stage)
		return -ENOMEM;
	drix_report_previous(ix, dev);
	if (is_kdump_kernel()) {
		dev_info(dev, "crash kernel: leaving the crashed kernel's index as it is\n");
		return -ENODEV;
	}
	memset(base, 0, 2 * ix->slot_size);
	/* Both slots empty in memory before the first generation is written. */
	wmb();
	ix->prov.name = dev_name(dev);
	ix->prov.ops = &drix_ops;
	ix->prov.dev = dev;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(drix_init);

static int drix_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct drix *ix;
	size_t size;
	void *base;
	int ret;

	/* Uncached: what the kernel writes is in RAM, no cache maintenance. */
	base = devm_dumpregion_map_carveout(pdev, DRIX_MIN_SIZE, &size);
	if (IS_ERR(base))
		return PTR_ERR(base);
	ix = devm_kzalloc(dev, sizeof(*ix), GFP_KERNEL);
	if (!ix)
		return -ENOMEM;
	ret = drix_init(ix, dev, base, size);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, ix);
	ret = devm_dumpregion_provider_register(dev, &ix->prov);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register with the dump region core\n");
	dev_info(dev, "dump index of %zu bytes, %zu bytes per slot, room for %u KELF runs\n",
		 size, ix->slot_size, ix->max_runs);
	return 0;
}

static const struct of_device_id drix_of_match[] = {
	{ .compatible = "linux,dumpregion-index" },
	{}
};
MODULE_DEVICE_TABLE(of, drix_of_match);

static struct platform_driver drix_driver = {
	.probe = drix_probe,
	.driver = {
		.name = "dumpregion-index",
		.of_match_table = drix_of_match,
	},
};
module_platform_driver(drix_driver);

MODULE_DESCRIPTION("Dump index in a reserved-memory carve-out: vendor-neutral crash-dump discovery");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DUMPREGION);
