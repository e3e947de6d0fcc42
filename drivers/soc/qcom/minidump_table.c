// SPDX-License-Identifier: GPL-2.0-only
/*
 * Qualcomm minidump provider: the region array and its names.
 *
 * Linux owns an array of 40-byte region entries in its own memory; a
 * transport (SMEM item 602, a register window, ...) tells the firmware
 * where the array is and how many entries are in use.  Each physically
 * contiguous run of a dump region takes one entry.  The core's table
 * helper (struct dumpregion_table) decides which entry holds what and when
 * the count changes; this file writes one entry: its valid word says
 * invalid while the other fields change, each step ordered by a barrier,
 * so firmware reading the array at any instant skips an entry mid-change.
 *
 * Names: the firmware keeps 4 of the 16 name bytes, leaving 11 characters:
 * an optional prefix, then the run's name fitted by dumpregion_fit_name().
 * Two entries that still end up with the same name get different seq_num
 * values, so (name, seq_num) is unique.
 */

#include <linux/crash_dump.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "minidump_internal.h"

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
	size_t plen;

	memset(out, 0, MINIDUMP_REGION_NAME_LEN);
	/* Also the first run of a KELF index split into runs (vmalloc). */
	if (!strcmp(full, DUMPREGION_KELF_NAME) ||
	    !strcmp(full, DUMPREGION_KELF_NAME "#0")) {
		strscpy(out, QCOM_MD_KELF_NAME, QCOM_MD_NAME_CHARS + 1);
		return 0;
	}
	if (!*prefix && full[0] == 'K')
		prefix = "_";
	plen = strlen(prefix);
	/* At least one character, '~' and four hex digits after the prefix. */
	if (plen + 6 > QCOM_MD_NAME_CHARS)
		return -ENAMETOOLONG;
	memcpy(out, prefix, plen);
	return dumpregion_fit_name(full, out + plen,
				   QCOM_MD_NAME_CHARS + 1 - plen);
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_short_name);

static struct qcom_md *to_qcom_md(struct dumpregion_table *t)
{
	return container_of(t, struct qcom_md, table);
}

/*
 * The sequence number entry @i gets for @name: its own when it keeps its
 * name in place; that of the entry it copies when the core refills a hole
 * from the last entry (same name, address and size); else the next free
 * one among the entries below the count and those appended before it.
 */
static __le32 qcom_md_seq(struct qcom_md *md, unsigned int i, const char *name,
			  const struct dumpregion_table_entry *de)
{
	unsigned int j, n = max(md->table.count, i);
	u32 seq = 0;

	if (i < md->table.count &&
	    !strncmp(md->regions[i].name, name, MINIDUMP_REGION_NAME_LEN))
		return md->regions[i].seq_num;
	for (j = 0; j < n; j++) {
		const struct minidump_region *e = &md->regions[j];

		if (j == i || strncmp(e->name, name, MINIDUMP_REGION_NAME_LEN))
			continue;
		if (le64_to_cpu(e->address) == de->phys &&
		    le64_to_cpu(e->size) == de->size)
			return e->seq_num;
		seq = max(seq, le32_to_cpu(e->seq_num) + 1);
	}
	return cpu_to_le32(seq);
}

/* Write entry @i completely while firmware is told to skip it. */
static void qcom_md_write(struct dumpregion_table *t, unsigned int i,
			  const struct dumpregion_table_entry *de)
{
	struct qcom_md *md = to_qcom_md(t);
	struct minidump_region *e = &md->regions[i];
	char name[MINIDUMP_REGION_NAME_LEN] = {};
	__le32 seq;

	strscpy(name, de->name, sizeof(name));
	seq = qcom_md_seq(md, i, name, de);
	WRITE_ONCE(e->valid, cpu_to_le32(MINIDUMP_REGION_INVALID));
	/* Marked invalid before any field changes... */
	wmb();
	memcpy(e->name, name, MINIDUMP_REGION_NAME_LEN);
	e->seq_num = seq;
	e->address = cpu_to_le64(de->phys);
	e->size = cpu_to_le64(de->size);
	/* ... and valid only once every field is written. */
	wmb();
	WRITE_ONCE(e->valid, cpu_to_le32(MINIDUMP_REGION_VALID));
}

static void qcom_md_clear(struct dumpregion_table *t, unsigned int i)
{
	struct minidump_region *e = &to_qcom_md(t)->regions[i];

	WRITE_ONCE(e->valid, cpu_to_le32(MINIDUMP_REGION_INVALID));
	/* Invalid before the fields are cleared. */
	wmb();
	memset(e, 0, offsetof(struct minidump_region, valid));
	e->address = 0;
	e->size = 0;
}

static void qcom_md_set_count(struct dumpregion_table *t, unsigned int count)
{
	struct qcom_md *md = to_qcom_md(t);

	md->ops->set_count(md, count);
}

static int qcom_md_name(struct dumpregion_table *t, const char *run_name,
			char *buf)
{
	return qcom_md_short_name(to_qcom_md(t)->prefix, run_name, buf);
}

/* Tell firmware the table is gone (reboot, kexec, unbind). */
static void qcom_md_withdraw(struct dumpregion_table *t)
{
	struct qcom_md *md = to_qcom_md(t);

	md->ops->disable(md);
}

static const struct dumpregion_table_ops qcom_md_table_ops = {
	.write = qcom_md_write,
	.clear = qcom_md_clear,
	.set_count = qcom_md_set_count,
	.name = qcom_md_name,
	.withdraw = qcom_md_withdraw,
};

/**
 * devm_qcom_md_register() - publish dump regions through a minidump table
 * @dev: device the provider's lifetime is tied to
 * @md: zeroed provider state; @md->priv and @md->prefix set by the caller
 * @ops: the transport
 * @capacity: region entries firmware accepts from Linux
 *
 * Allocates the region array, has the transport publish it, and registers
 * the table, which receives every dump region already registered.  The
 * core withdraws it (@ops->disable) at reboot, kexec and unbind.  A crash
 * kernel (kdump) leaves the table of the kernel that crashed as it is, for
 * whatever collects the dump after it.
 *
 * Context: may sleep.
 * Return: 0 or a negative errno (-EINVAL for a capacity of 0 or one too
 * large for the table helper; -ENODEV in a crash kernel).
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
	if (!md->regions)
		return -ENOMEM;
	md->regions_phys = virt_to_phys(md->regions);
	md->dev = dev;
	md->ops = ops;
	md->table.prov.name = dev_name(dev);
	md->table.prov.dev = dev;
	md->table.ops = &qcom_md_table_ops;
	md->table.capacity = capacity;
	md->table.name_len = MINIDUMP_REGION_NAME_LEN;

	md->ops->enable(md);
	ret = devm_dumpregion_table_register(dev, &md->table);
	if (ret) {
		md->ops->disable(md);
		return ret;
	}
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
