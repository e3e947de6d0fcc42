// SPDX-License-Identifier: GPL-2.0-only
/*
 * Qualcomm minidump provider: the region array and its names.
 *
 * Linux owns an array of 40-byte region entries in its own memory; a
 * transport (SMEM item 602, a register window, ...) tells the firmware
 * where the array is and how many entries are in use.  Each physically
 * contiguous run of a dump region takes one entry.
 *
 * The firmware may read the array at any instant: a crash can stop the CPU
 * in the middle of an update.  So every entry below the published count is
 * complete at every instant:
 *  - new entries are written in full above the count, then a write barrier,
 *    then the count grows to cover them;
 *  - an entry is rewritten only while its valid word says invalid, and is
 *    marked valid again after a barrier, so firmware skips it mid-change;
 *  - a removed entry's slot is refilled with the last entry (the same
 *    region is then briefly listed twice, both valid), then the count
 *    shrinks, then the old last slot is cleared.  No holes remain.
 *
 * Names: the firmware keeps 4 of the 16 name bytes, leaving 11 characters.
 * The run's dump region name (see dumpregion_run_name()), after an optional
 * prefix, is used as is when it fits; otherwise it becomes its first
 * characters, '~' and four hex digits of a hash of the whole name.  Two
 * entries that still end up with the same name get different seq_num
 * values, so (name, seq_num) is unique.
 */

#include <linux/crash_dump.h>
#include <linux/device.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "minidump_internal.h"

/**
 * struct qcom_md_slot - which run of which region an entry describes
 * @id: dump region id
 * @run: index of the run within the region
 */
struct qcom_md_slot {
	int id;
	unsigned int run;
};

/**
 * qcom_md_short_name() - map a run name onto the firmware's name field
 * @prefix: prepended to the name, may be empty
 * @full: the run's name as given by dumpregion_run_name()
 * @out: MINIDUMP_REGION_NAME_LEN bytes, NUL-padded on return
 *
 * Qualcomm's download tool (qdl ramdump) assembles minidump.elf from the
 * region files firmware hands it, named "md_<entry name>": the entry named
 * "KELF" is the ELF header, and another "md_K..." entry whose address no
 * load of that header names would be taken for VMCOREINFO data.  So the
 * core's KELF index is "KELF", without prefix, and no other name starts
 * with 'K': such a name gets a leading '_'.
 *
 * Return: 0, or -ENAMETOOLONG when @prefix leaves no room for a name.
 */
int qcom_md_short_name(const char *prefix, const char *full, char *out)
{
	size_t plen = strlen(prefix), flen = strlen(full), room;

	memset(out, 0, MINIDUMP_REGION_NAME_LEN);
	/* Also the first run of a KELF index split into runs (vmalloc). */
	if (!strcmp(full, DUMPREGION_KELF_NAME) ||
	    !strcmp(full, DUMPREGION_KELF_NAME "#0")) {
		strscpy(out, QCOM_MD_KELF_NAME, MINIDUMP_REGION_NAME_LEN);
		return 0;
	}
	if (!plen && full[0] == 'K')
		prefix = "_";
	plen = strlen(prefix);
	/* At least one character, '~' and four hex digits after the prefix. */
	if (plen + 6 > QCOM_MD_NAME_CHARS)
		return -ENAMETOOLONG;
	room = QCOM_MD_NAME_CHARS - plen;
	if (flen <= room)
		snprintf(out, MINIDUMP_REGION_NAME_LEN, "%s%s", prefix, full);
	else
		snprintf(out, MINIDUMP_REGION_NAME_LEN, "%s%.*s~%04x", prefix,
			 (int)(room - 5), full, jhash(full, flen, 0) & 0xffff);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_short_name);

static struct qcom_md *to_qcom_md(struct dumpregion_provider *prov)
{
	return container_of(prov, struct qcom_md, prov);
}

/* Next free sequence number for @name among the entries in use. */
static u32 qcom_md_next_seq(struct qcom_md *md, const char *name)
{
	unsigned int i;
	u32 seq = 0;

	for (i = 0; i < md->count; i++)
		if (!strncmp(md->regions[i].name, name,
			     MINIDUMP_REGION_NAME_LEN))
			seq = max(seq, le32_to_cpu(md->regions[i].seq_num) + 1);
	return seq;
}

/* Write @e completely while firmware is told to skip it. */
static void qcom_md_write_entry(struct minidump_region *e, const char *name,
				__le32 seq, __le64 address, __le64 size)
{
	WRITE_ONCE(e->valid, cpu_to_le32(MINIDUMP_REGION_INVALID));
	/* Marked invalid before any field changes... */
	wmb();
	if (name != e->name)
		memcpy(e->name, name, MINIDUMP_REGION_NAME_LEN);
	e->seq_num = seq;
	e->address = address;
	e->size = size;
	/* ... and valid only once every field is written. */
	wmb();
	WRITE_ONCE(e->valid, cpu_to_le32(MINIDUMP_REGION_VALID));
}

static void qcom_md_clear_entry(struct minidump_region *e)
{
	WRITE_ONCE(e->valid, cpu_to_le32(MINIDUMP_REGION_INVALID));
	/* Invalid before the fields are cleared. */
	wmb();
	memset(e, 0, offsetof(struct minidump_region, valid));
	e->address = 0;
	e->size = 0;
}

/* Remove entry @i, keeping the array free of holes.  @md->lock held. */
static void qcom_md_remove_at(struct qcom_md *md, unsigned int i)
{
	unsigned int last = md->count - 1;
	struct minidump_region *src = &md->regions[last];

	lockdep_assert_held(&md->lock);
	if (i != last) {
		qcom_md_write_entry(&md->regions[i], src->name, src->seq_num,
				    src->address, src->size);
		md->slots[i] = md->slots[last];
	}
	md->count = last;
	if (!md->down)
		md->ops->set_count(md, md->count);
	qcom_md_clear_entry(src);
}

static void qcom_md_remove_region(struct qcom_md *md, int id)
{
	unsigned int i;

	lockdep_assert_held(&md->lock);
	for (i = md->count; i-- > 0;)
		if (md->slots[i].id == id)
			qcom_md_remove_at(md, i);
}

/* The entry name of run @run of @r. */
static int qcom_md_run_name(struct qcom_md *md,
			    const struct dumpregion_layout *r, unsigned int run,
			    char *name)
{
	char full[DUMPREGION_NAME_MAX + 12];
	int ret;

	ret = dumpregion_run_name(r, run, full, sizeof(full));
	return ret ? ret : qcom_md_short_name(md->prefix, full, name);
}

/*
 * Append entries for runs @from.. of @r; the caller checked the room.  On
 * error the entries past the count are cleared again.  @md->lock held.
 */
static int qcom_md_append_runs(struct qcom_md *md,
			       const struct dumpregion_layout *r,
			       unsigned int from)
{
	char name[MINIDUMP_REGION_NAME_LEN];
	unsigned int i, n = md->count;
	int ret;

	for (i = from; i < r->nr_runs; i++) {
		ret = qcom_md_run_name(md, r, i, name);
		if (ret)
			goto err_clear;
		/* Above the count: firmware does not look here yet. */
		qcom_md_write_entry(&md->regions[md->count], name,
				    cpu_to_le32(qcom_md_next_seq(md, name)),
				    cpu_to_le64(r->runs[i].phys),
				    cpu_to_le64(r->runs[i].size));
		md->slots[md->count].id = r->id;
		md->slots[md->count].run = i;
		/* Seen by qcom_md_next_seq() for the next run. */
		md->count++;
	}
	md->ops->set_count(md, md->count);
	return 0;

err_clear:
	while (md->count > n)
		qcom_md_clear_entry(&md->regions[--md->count]);
	return ret;
}

static int qcom_md_add_region(struct qcom_md *md,
			      const struct dumpregion_layout *r)
{
	lockdep_assert_held(&md->lock);
	if (md->down)
		return -ESHUTDOWN;
	if (r->nr_runs > md->capacity - md->count)
		return -ENOSPC;
	return qcom_md_append_runs(md, r, 0);
}

static int qcom_md_add(struct dumpregion_provider *prov,
		       const struct dumpregion_layout *r)
{
	struct qcom_md *md = to_qcom_md(prov);
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&md->lock, flags);
	ret = qcom_md_add_region(md, r);
	spin_unlock_irqrestore(&md->lock, flags);
	return ret;
}

static void qcom_md_remove(struct dumpregion_provider *prov,
			   const struct dumpregion_layout *r)
{
	struct qcom_md *md = to_qcom_md(prov);
	unsigned long flags;

	spin_lock_irqsave(&md->lock, flags);
	qcom_md_remove_region(md, r->id);
	spin_unlock_irqrestore(&md->lock, flags);
}

/*
 * Move a region without ever leaving it out of the table: its entries are
 * rewritten in place, entry by entry, each skipped by firmware only while
 * it changes; runs it no longer has are removed after, new ones appended.
 * A move that needs more entries than the table has free fails first,
 * with the table as it was.  Never allocates.  @md->lock held.
 */
static int qcom_md_move_region(struct qcom_md *md,
			       const struct dumpregion_layout *r)
{
	char name[MINIDUMP_REGION_NAME_LEN];
	unsigned int i, found = 0;
	int ret;

	lockdep_assert_held(&md->lock);
	for (i = 0; i < md->count; i++)
		found += md->slots[i].id == r->id;
	if (r->nr_runs > found && r->nr_runs - found > md->capacity - md->count)
		return -ENOSPC;
	/* Names depend on the run count ("<name>" or "<name>#<k>"). */
	for (i = 0; i < min(found, r->nr_runs); i++) {
		ret = qcom_md_run_name(md, r, i, name);
		if (ret)
			return ret;
	}
	for (i = md->count; i-- > 0;) {
		struct minidump_region *e = &md->regions[i];
		unsigned int run = md->slots[i].run;
		__le32 seq = e->seq_num;

		if (md->slots[i].id != r->id || run >= r->nr_runs)
			continue;
		qcom_md_run_name(md, r, run, name);
		if (strncmp(name, e->name, MINIDUMP_REGION_NAME_LEN))
			seq = cpu_to_le32(qcom_md_next_seq(md, name));
		qcom_md_write_entry(e, name, seq, cpu_to_le64(r->runs[run].phys),
				    cpu_to_le64(r->runs[run].size));
	}
	for (i = md->count; i-- > 0;)
		if (md->slots[i].id == r->id && md->slots[i].run >= r->nr_runs)
			qcom_md_remove_at(md, i);
	return r->nr_runs > found ? qcom_md_append_runs(md, r, found) : 0;
}

static int qcom_md_update(struct dumpregion_provider *prov,
			  const struct dumpregion_layout *r)
{
	struct qcom_md *md = to_qcom_md(prov);
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&md->lock, flags);
	ret = qcom_md_move_region(md, r);
	spin_unlock_irqrestore(&md->lock, flags);
	return ret;
}

/*
 * During a panic another CPU may have been stopped inside an op, holding
 * the lock with the array half changed: then leave the array alone (the
 * region keeps its old entries, which stay complete and valid).
 */
static int qcom_md_panic_update(struct dumpregion_provider *prov,
				const struct dumpregion_layout *r)
{
	struct qcom_md *md = to_qcom_md(prov);
	unsigned long flags;
	int ret;

	if (!spin_trylock_irqsave(&md->lock, flags))
		return -EBUSY;
	ret = qcom_md_move_region(md, r);
	spin_unlock_irqrestore(&md->lock, flags);
	return ret;
}

static const struct dumpregion_provider_ops qcom_md_provider_ops = {
	.add = qcom_md_add,
	.remove = qcom_md_remove,
	.update = qcom_md_update,
	.panic_update = qcom_md_panic_update,
};

/* Tell firmware the table is gone; later changes stay in Linux memory. */
static void qcom_md_disable(void *data)
{
	struct qcom_md *md = data;
	unsigned long flags;

	spin_lock_irqsave(&md->lock, flags);
	if (!md->down) {
		md->down = true;
		md->ops->disable(md);
	}
	spin_unlock_irqrestore(&md->lock, flags);
}

/**
 * qcom_md_shutdown() - withdraw the table before a reboot or kexec
 * @md: a table registered with devm_qcom_md_register()
 *
 * Removes every region and disables the table, so that firmware does not
 * follow it into memory the next kernel (after kexec) owns.  A crash
 * kernel started by a panic does not come here and finds the table intact.
 *
 * Context: process context, may sleep.
 */
void qcom_md_shutdown(struct qcom_md *md)
{
	if (READ_ONCE(md->down))
		return;
	devm_dumpregion_provider_unregister(md->dev, &md->prov);
	qcom_md_disable(md);
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_shutdown);

/**
 * devm_qcom_md_register() - publish dump regions through a minidump table
 * @dev: device the provider's lifetime is tied to
 * @md: zeroed provider state; @md->priv and @md->prefix set by the caller
 * @ops: the transport
 * @capacity: region entries firmware accepts from Linux
 *
 * Allocates the region array, has the transport publish it, and registers
 * the provider, which receives every dump region already registered.  A
 * crash kernel (kdump) leaves the table of the kernel that crashed as it
 * is, for whatever collects the dump after it.
 *
 * Context: may sleep.
 * Return: 0 or a negative errno (-EINVAL for a capacity of 0 or one too
 * large for a contiguous array; -ENODEV in a crash kernel).
 */
int devm_qcom_md_register(struct device *dev, struct qcom_md *md,
			  const struct qcom_md_transport_ops *ops,
			  unsigned int capacity)
{
	int ret;

	if (is_kdump_kernel()) {
		dev_info(dev, "crash kernel: leaving the crashed kernel's table as it is\n");
		return -ENODEV;
	}
	if (!capacity ||
	    capacity > KMALLOC_MAX_SIZE / sizeof(struct minidump_region))
		return -EINVAL;
	md->regions = devm_kcalloc(dev, capacity, sizeof(*md->regions),
				   GFP_KERNEL);
	md->slots = devm_kcalloc(dev, capacity, sizeof(*md->slots),
				 GFP_KERNEL);
	if (!md->regions || !md->slots)
		return -ENOMEM;
	md->regions_phys = virt_to_phys(md->regions);
	md->capacity = capacity;
	md->count = 0;
	md->dev = dev;
	md->ops = ops;
	spin_lock_init(&md->lock);

	md->ops->enable(md);
	ret = devm_add_action_or_reset(dev, qcom_md_disable, md);
	if (ret)
		return ret;

	md->prov.name = dev_name(dev);
	md->prov.ops = &qcom_md_provider_ops;
	md->prov.dev = dev;
	ret = devm_dumpregion_provider_register(dev, &md->prov);
	if (ret)
		return ret;
	dev_set_drvdata(dev, md);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(devm_qcom_md_register);

unsigned int qcom_md_max_regions = QCOM_MD_DEFAULT_ENTRIES;
module_param_named(max_regions, qcom_md_max_regions, uint, 0444);
MODULE_PARM_DESC(max_regions,
		 "Region entries the firmware accepts from Linux (default 201)");

/*
 * One module, a platform driver per table transport.  The Gunyah RM
 * transport has none: the RM driver attaches it (minidump_rm.c).
 */
static struct platform_driver * const qcom_md_drivers[] = {
	&qcom_md_smem_driver,
	&qcom_md_mmio_driver,
};

static int __init qcom_md_init(void)
{
	return platform_register_drivers(qcom_md_drivers,
					 ARRAY_SIZE(qcom_md_drivers));
}
module_init(qcom_md_init);

static void __exit qcom_md_exit(void)
{
	platform_unregister_drivers(qcom_md_drivers, ARRAY_SIZE(qcom_md_drivers));
}
module_exit(qcom_md_exit);

MODULE_DESCRIPTION("Qualcomm minidump provider for dump regions (SMEM, MMIO, Gunyah RM)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DUMPREGION);
