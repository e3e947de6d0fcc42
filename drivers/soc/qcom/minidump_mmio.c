// SPDX-License-Identifier: GPL-2.0-only
/*
 * Qualcomm minidump provider, MMIO transport.
 *
 * Some firmware (typically for guest VMs) exposes the minidump tables of
 * contents as a register window instead of SMEM item 602: the global
 * fields are read-only registers firmware initialises, the APSS subsystem
 * fields are registers Linux writes.  The region array is the same 40-byte
 * format in kernel memory as with SMEM.  The window is described by its own
 * devicetree node (compatible "qcom,minidump-mmio"); an optional
 * "qcom,vmid" prefixes every region name with "<vmid>_".
 */

#include <linux/io.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <kunit/visibility.h>

#include "minidump_internal.h"

/**
 * qcom_md_mmio_write() - write one subsystem register
 * @md: the provider; @md->priv is its struct qcom_md_mmio
 * @off: register offset
 * @val: value
 *
 * writel() orders the write after every earlier memory write, so region
 * entries written before are visible to firmware before the register.
 */
static void qcom_md_mmio_write(struct qcom_md *md, u32 off, u32 val)
{
	struct qcom_md_mmio *m = md->priv;

	if (IS_ENABLED(CONFIG_KUNIT) && m->trace)
		m->trace(m, off, val);
	writel(val, m->base + off);
}

/*
 * Everything but the init register first, the base address low half then
 * high half; init last, so firmware never sees an initialised table with
 * stale fields.
 */
static void qcom_md_mmio_enable(struct qcom_md *md)
{
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_INIT, 0);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_COUNT, 0);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_BASE_LO,
			   lower_32_bits(md->regions_phys));
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_BASE_HI,
			   upper_32_bits(md->regions_phys));
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_ENCR_REQ,
			   MINIDUMP_SS_ENCR_NOTREQ);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_ENCR_STATUS,
			   MINIDUMP_SS_ENCR_DONE);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_ENABLE, MINIDUMP_SS_ENABLED);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_INIT, 1);
}

static void qcom_md_mmio_set_count(struct qcom_md *md, u32 count)
{
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_COUNT, count);
}

static void qcom_md_mmio_disable(struct qcom_md *md)
{
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_INIT, 0);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_ENABLE, 0);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_COUNT, 0);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_BASE_LO, 0);
	qcom_md_mmio_write(md, QCOM_MD_MMIO_SS_BASE_HI, 0);
}

VISIBLE_IF_KUNIT const struct qcom_md_transport_ops qcom_md_mmio_ops = {
	.enable = qcom_md_mmio_enable,
	.set_count = qcom_md_mmio_set_count,
	.disable = qcom_md_mmio_disable,
};
EXPORT_SYMBOL_IF_KUNIT(qcom_md_mmio_ops);

/**
 * qcom_md_mmio_check() - validate the registers firmware set up
 * @base: the register window
 * @size: its size in bytes
 *
 * Return: 0; -EINVAL when the window is too small for the register map;
 * -ENODEV when firmware did not initialise the global registers.
 */
int qcom_md_mmio_check(void __iomem *base, resource_size_t size)
{
	if (size < QCOM_MD_MMIO_SIZE)
		return -EINVAL;
	if (!readl(base + QCOM_MD_MMIO_GLOBAL_INIT))
		return -ENODEV;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(qcom_md_mmio_check);

static int qcom_md_mmio_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct qcom_md_mmio *mmio;
	struct resource *res;
	struct qcom_md *md;
	u32 vmid;
	int ret;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res)
		return dev_err_probe(dev, -EINVAL, "no register window\n");
	mmio = devm_kzalloc(dev, sizeof(*mmio), GFP_KERNEL);
	md = devm_kzalloc(dev, sizeof(*md), GFP_KERNEL);
	if (!mmio || !md)
		return -ENOMEM;
	/* The window may lie in memory firmware reserved: do not claim it. */
	mmio->base = devm_ioremap(dev, res->start, resource_size(res));
	if (!mmio->base)
		return -ENOMEM;
	ret = qcom_md_mmio_check(mmio->base, resource_size(res));
	if (ret == -EINVAL)
		return dev_err_probe(dev, ret, "register window of %pa bytes is too small\n",
				     &(resource_size_t){ resource_size(res) });
	if (ret == -ENODEV) {
		dev_err(dev, "minidump registers not initialised by firmware\n");
		return ret;
	}
	if (!of_property_read_u32(dev->of_node, "qcom,vmid", &vmid)) {
		snprintf(md->prefix, sizeof(md->prefix), "%u_", vmid);
		/* One name character, '~' and four hex digits must still fit. */
		if (strlen(md->prefix) + 6 > QCOM_MD_NAME_CHARS)
			return dev_err_probe(dev, -EINVAL, "qcom,vmid %u too long for names\n",
					     vmid);
	}
	md->priv = mmio;
	ret = devm_qcom_md_register(dev, md, &qcom_md_mmio_ops,
				    qcom_md_max_regions);
	if (ret)
		return dev_err_probe(dev, ret, "cannot publish the APSS table\n");
	dev_dbg(dev, "revision %u, %u region entries\n",
		readl(mmio->base + QCOM_MD_MMIO_GLOBAL_REV), qcom_md_max_regions);
	return 0;
}

static const struct of_device_id qcom_md_mmio_of_match[] = {
	{ .compatible = "qcom,minidump-mmio" },
	{}
};
MODULE_DEVICE_TABLE(of, qcom_md_mmio_of_match);

struct platform_driver qcom_md_mmio_driver = {
	.probe = qcom_md_mmio_probe,
	.driver = {
		.name = "qcom-minidump-mmio",
		.of_match_table = qcom_md_mmio_of_match,
	},
};
EXPORT_SYMBOL_IF_KUNIT(qcom_md_mmio_driver);
