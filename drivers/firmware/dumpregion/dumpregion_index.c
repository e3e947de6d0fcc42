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
 * With ix->lock held.  No allocation, no other lock: safe at panic.
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

/* Stage @l as the index's KELF and publish it.  With ix->lock held. */
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
 * region's own moves change the header.
 */
static int drix_add(struct dumpregion_provider *prov,
		    const struct dumpregion_layout *l)
{
	struct drix *ix = to_drix(prov);
	int ret;

	if (!drix_is_kelf(l))
		return 0;
	spin_lock(&ix->lock);
	/*
	 * Outside a panic: the kernel lives on (only a test runs the panic
	 * finaliser and carries on), so the index is not final any more.
	 */
	ix->flags &= ~DRIX_F_PANIC;
	ret = drix_set_kelf(ix, l);
	spin_unlock(&ix->lock);
	return ret;
}

static void drix_remove(struct dumpregion_provider *prov,
			const struct dumpregion_layout *l)
{
	struct drix *ix = to_drix(prov);

	spin_lock(&ix->lock);
	if (l->id == ix->kelf_id && !ix->withdrawn) {
		ix->stage->nr_runs = 0;
		ix->stage->kelf_size = 0;
		ix->kelf_id = 0;
		drix_publish(ix);
	}
	spin_unlock(&ix->lock);
}

static int drix_update(struct dumpregion_provider *prov,
		       const struct dumpregion_layout *l)
{
	return drix_add(prov, l);
}

static int drix_panic_update(struct dumpregion_provider *prov,
			     const struct dumpregion_layout *l)
{
	struct drix *ix = to_drix(prov);
	int ret;

	if (!drix_is_kelf(l))
		return 0;
	if (!spin_trylock(&ix->lock))
		return -EBUSY;
	ret = drix_set_kelf(ix, l);
	spin_unlock(&ix->lock);
	return ret;
}

/*
 * Mark the index as finalised at panic.  If a CPU stopped by the panic
 * holds the lock, it stopped outside drix_publish() or inside it: either
 * way one slot is whole, and it is left as it is.
 */
static void drix_finalise(struct dumpregion_provider *prov)
{
	struct drix *ix = to_drix(prov);

	if (!spin_trylock(&ix->lock))
		return;
	if (ix->kelf_id && !ix->withdrawn) {
		ix->flags |= DRIX_F_PANIC;
		drix_publish(ix);
	}
	spin_unlock(&ix->lock);
}

VISIBLE_IF_KUNIT const struct dumpregion_provider_ops drix_ops = {
	.add = drix_add,
	.remove = drix_remove,
	.update = drix_update,
	.panic_update = drix_panic_update,
	.finalise = drix_finalise,
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
	spin_lock_init(&ix->lock);
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

/**
 * drix_withdraw() - publish an index without KELF
 * @ix: the provider
 * @flags: %DRIX_F_SHUTDOWN, or 0
 *
 * After a clean shutdown firmware (or the next kernel) must not take the
 * memory of this run for a dump.  Later registrations do not bring the
 * index back: the ops leave the slots alone from then on.
 */
VISIBLE_IF_KUNIT void drix_withdraw(struct drix *ix, u32 flags)
{
	unsigned long irqflags;

	spin_lock_irqsave(&ix->lock, irqflags);
	ix->stage->nr_runs = 0;
	ix->stage->kelf_size = 0;
	ix->kelf_id = 0;
	ix->flags |= flags;
	drix_publish(ix);
	ix->withdrawn = true;
	spin_unlock_irqrestore(&ix->lock, irqflags);
}
EXPORT_SYMBOL_IF_KUNIT(drix_withdraw);

static int drix_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct resource *res;
	struct drix *ix;
	void *base;
	int ret;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res)
		return dev_err_probe(dev, -EINVAL, "no reg in the reserved-memory node\n");
	/* Mapped RAM cannot be remapped uncached: the binding wants no-map. */
	if (!of_property_read_bool(dev->of_node, "no-map"))
		return dev_err_probe(dev, -EINVAL, "the carve-out must be no-map\n");
	/* Uncached: what the kernel writes is in RAM, no cache maintenance. */
	base = devm_memremap(dev, res->start, resource_size(res), MEMREMAP_WC);
	if (IS_ERR(base))
		return dev_err_probe(dev, PTR_ERR(base), "cannot map %pR\n", res);
	ix = devm_kzalloc(dev, sizeof(*ix), GFP_KERNEL);
	if (!ix)
		return -ENOMEM;
	ret = drix_init(ix, dev, base, resource_size(res));
	if (ret)
		return ret;
	platform_set_drvdata(pdev, ix);
	ret = devm_dumpregion_provider_register(dev, &ix->prov);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register with the dump region core\n");
	dev_info(dev, "dump index at %pa, %zu bytes per slot, room for %u KELF runs\n",
		 &res->start, ix->slot_size, ix->max_runs);
	return 0;
}

static void drix_shutdown(struct platform_device *pdev)
{
	struct drix *ix = platform_get_drvdata(pdev);

	if (ix)
		drix_withdraw(ix, DRIX_F_SHUTDOWN);
}

static const struct of_device_id drix_of_match[] = {
	{ .compatible = "linux,dumpregion-index" },
	{}
};
MODULE_DEVICE_TABLE(of, drix_of_match);

static struct platform_driver drix_driver = {
	.probe = drix_probe,
	.shutdown = drix_shutdown,
	.driver = {
		.name = "dumpregion-index",
		.of_match_table = drix_of_match,
	},
};
module_platform_driver(drix_driver);

MODULE_DESCRIPTION("Dump index in a reserved-memory carve-out: vendor-neutral crash-dump discovery");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DUMPREGION);
