/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Qualcomm minidump provider: the table writer shared by every transport.
 */
#ifndef __QCOM_MINIDUMP_INTERNAL_H__
#define __QCOM_MINIDUMP_INTERNAL_H__

#include <linux/dumpregion/provider.h>
#include <linux/soc/qcom/minidump.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct device;
struct qcom_md;
struct qcom_md_slot;

/* Name characters the firmware leaves to Linux (16 bytes, 4 reserved). */
#define QCOM_MD_NAME_CHARS	(MINIDUMP_REGION_NAME_LEN - 4 - 1)

/* Region entries Linux uses on shipping firmware. */
#define QCOM_MD_DEFAULT_ENTRIES	201

/**
 * struct qcom_md_transport_ops - how the subsystem table reaches firmware
 * @enable: publish the region array at @md->regions_phys, with no entries,
 *	and mark the APSS table initialised and enabled.  May sleep.
 * @set_count: make the first @count entries of the array visible to
 *	firmware.  Entries below @count are complete when this is called.
 *	Called with @md->lock held: must not sleep.
 * @disable: withdraw the APSS table.  May sleep.
 *
 * The SMEM and MMIO transports write the same fields, to memory or to
 * registers; the region array itself is the same 40-byte format in kernel
 * memory for both.
 */
struct qcom_md_transport_ops {
	void (*enable)(struct qcom_md *md);
	void (*set_count)(struct qcom_md *md, u32 count);
	void (*disable)(struct qcom_md *md);
};

/**
 * struct qcom_md - one minidump provider instance
 * @prov: the dump region provider
 * @dev: the device behind it
 * @ops: the transport
 * @priv: transport data (the APSS subsystem table for SMEM)
 * @lock: protects the region array, @slots and @count
 * @regions: the region array firmware reads
 * @regions_phys: its physical address
 * @slots: the region and run each entry describes
 * @capacity: entries in @regions
 * @count: entries in use, all valid, without holes
 * @prefix: prepended to every name (e.g. a VM id), may be empty
 */
struct qcom_md {
	struct dumpregion_provider prov;
	struct device *dev;
	const struct qcom_md_transport_ops *ops;
	void *priv;
	spinlock_t lock;	/* see the kernel-doc above */
	struct minidump_region *regions;
	phys_addr_t regions_phys;
	struct qcom_md_slot *slots;
	unsigned int capacity;
	unsigned int count;
	char prefix[8];
};

/* MMIO transport register map (global: read-only; SS_*: APSS table). */
#define QCOM_MD_MMIO_GLOBAL_INIT	0x00
#define QCOM_MD_MMIO_GLOBAL_REV		0x04
#define QCOM_MD_MMIO_GLOBAL_ENABLE	0x08
#define QCOM_MD_MMIO_SS_INIT		0x20
#define QCOM_MD_MMIO_SS_ENABLE		0x24
#define QCOM_MD_MMIO_SS_ENCR_STATUS	0x28
#define QCOM_MD_MMIO_SS_ENCR_REQ	0x2c
#define QCOM_MD_MMIO_SS_COUNT		0x30
#define QCOM_MD_MMIO_SS_BASE_LO		0x34
#define QCOM_MD_MMIO_SS_BASE_HI		0x38
#define QCOM_MD_MMIO_SIZE		0x3c

/**
 * struct qcom_md_mmio - MMIO transport state
 * @base: the register window
 * @trace: when set (KUnit only), called with every register write in order
 */
struct qcom_md_mmio {
	void __iomem *base;
	void (*trace)(struct qcom_md_mmio *mmio, u32 off, u32 val);
};

extern unsigned int qcom_md_max_regions;
extern struct platform_driver qcom_md_smem_driver;
extern struct platform_driver qcom_md_mmio_driver;

int qcom_md_short_name(const char *prefix, const char *full, char *out);
int devm_qcom_md_register(struct device *dev, struct qcom_md *md,
			  const struct qcom_md_transport_ops *ops,
			  unsigned int capacity);
int qcom_md_smem_check(const struct minidump_global_toc *toc, size_t size);
int qcom_md_mmio_check(void __iomem *base, resource_size_t size);

#if IS_ENABLED(CONFIG_KUNIT)
extern const struct qcom_md_transport_ops qcom_md_smem_ops;
extern const struct qcom_md_transport_ops qcom_md_mmio_ops;
#endif

#endif /* __QCOM_MINIDUMP_INTERNAL_H__ */
