// SPDX-License-Identifier: GPL-2.0-only
/*
 * Qualcomm minidump provider, SMEM transport.
 *
 * The boot firmware creates the global minidump table of contents in SMEM
 * item 602; Linux fills in the APSS subsystem table (index 0) with its own
 * region array.  The device is created by the smem driver, like
 * qcom-socinfo, so the existing qcom,smem node is all the devicetree says.
 */

#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/soc/qcom/smem.h>
#include <kunit/visibility.h>

#include "minidump_internal.h"

static struct minidump_subsystem *qcom_md_smem_apss(struct qcom_md *md)
{
	return md->priv;
}

static void qcom_md_smem_enable(struct qcom_md *md)
{
	struct minidump_subsystem *ss = qcom_md_smem_apss(md);

	WRITE_ONCE(ss->status, 0);
	/* Firmware ignores the table before its fields change. */
	wmb();
	WRITE_ONCE(ss->region_count, 0);
	WRITE_ONCE(ss->regions_baseptr, cpu_to_le64(md->regions_phys));
	WRITE_ONCE(ss->encryption_required,
		   cpu_to_le32(MINIDUMP_SS_ENCR_NOTREQ));
	WRITE_ONCE(ss->encryption_status, cpu_to_le32(MINIDUMP_SS_ENCR_DONE));
	WRITE_ONCE(ss->enabled, cpu_to_le32(MINIDUMP_SS_ENABLED));
	/* Every field in place before the table is marked initialised. */
	wmb();
	WRITE_ONCE(ss->status, cpu_to_le32(1));
}

static void qcom_md_smem_set_count(struct qcom_md *md, u32 count)
{
	struct minidump_subsystem *ss = qcom_md_smem_apss(md);

	/* Entries below @count reach memory before the count covers them. */
	wmb();
	WRITE_ONCE(ss->region_count, cpu_to_le32(count));
}

static void qcom_md_smem_disable(struct qcom_md *md)
{
	struct minidump_subsystem *ss = qcom_md_smem_apss(md);

	WRITE_ONCE(ss->status, 0);
	WRITE_ONCE(ss->enabled, 0);
	/* The table is off before its array goes away. */
	wmb();
	WRITE_ONCE(ss->region_count, 0);
	WRITE_ONCE(ss->regions_baseptr, 0);
}

VISIBLE_IF_KUNIT const struct qcom_md_transport_ops qcom_md_smem_ops = {
	.enable = qcom_md_smem_enable,
	.set_count = qcom_md_smem_set_count,
	.disable = qcom_md_smem_disable,
};
EXPORT_SYMBOL_IF_KUNIT(qcom_md_smem_ops);

/**
 * qcom_md_smem_check() - validate the global table firmware left in SMEM
 * @toc: contents of SMEM item 602
 * @size: size of the item
 *
 * Return: 0; -EMSGSIZE when the item cannot hold the APSS subsystem table;
 * -ENODEV when firmware did not initialise the table.
 */
int qcom_md_smem_check(const struct minidump_global_toc *toc, size_t size)
{
	if (minidump_nr_subsystems(size) <= MINIDUMP_APSS_ID)
		return -EMSGSIZE;
	if (!le32_to_cpu(READ_ONCE(toc->status)))
		return -ENODEV;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_smem_check);

static int qcom_md_smem_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct minidump_global_toc *toc;
	struct qcom_md *md;
	size_t size;
	int ret;

	toc = qcom_smem_get(QCOM_SMEM_HOST_ANY, MINIDUMP_SMEM_ID, &size);
	if (IS_ERR(toc)) {
		ret = PTR_ERR(toc);
		if (ret == -ENOENT) {
			dev_info(dev, "no minidump table in SMEM item %d: firmware does not support minidump\n",
				 MINIDUMP_SMEM_ID);
			return -ENODEV;
		}
		return dev_err_probe(dev, ret, "cannot read SMEM item %d\n",
				     MINIDUMP_SMEM_ID);
	}
	ret = qcom_md_smem_check(toc, size);
	if (ret == -EMSGSIZE) {
		dev_err(dev, "SMEM item %d is %zu bytes, too small for the APSS table\n",
			MINIDUMP_SMEM_ID, size);
		return ret;
	}
	if (ret == -ENODEV) {
		dev_err(dev, "minidump table in SMEM item %d not initialised by firmware\n",
			MINIDUMP_SMEM_ID);
		return ret;
	}

	md = devm_kzalloc(dev, sizeof(*md), GFP_KERNEL);
	if (!md)
		return -ENOMEM;
	md->priv = &toc->subsystems[MINIDUMP_APSS_ID];
	ret = devm_qcom_md_register(dev, md, &qcom_md_smem_ops,
				    qcom_md_max_regions);
	if (ret)
		return dev_err_probe(dev, ret, "cannot publish the APSS table\n");
	dev_dbg(dev, "%zu subsystems, %u region entries\n",
		minidump_nr_subsystems(size), qcom_md_max_regions);
	return 0;
}

struct platform_driver qcom_md_smem_driver = {
	.probe = qcom_md_smem_probe,
	.driver = {
		.name = "qcom-minidump-smem",
	},
};
EXPORT_SYMBOL_IF_KUNIT(qcom_md_smem_driver);
MODULE_ALIAS("platform:qcom-minidump-smem");
