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
#include <linux/workqueue.h>

struct device;
struct qcom_md;

/* Name characters the firmware leaves to Linux (16 bytes, 4 reserved). */
#define QCOM_MD_NAME_CHARS	(MINIDUMP_REGION_NAME_LEN - 4 - 1)

/* The KELF index's entry name, as Qualcomm's qdl ramdump looks for it. */
#define QCOM_MD_KELF_NAME	"KELF"

/* Region entries Linux uses on shipping firmware. */
#define QCOM_MD_DEFAULT_ENTRIES	201

/**
 * struct qcom_md_transport_ops - how the subsystem table reaches firmware
 * @enable: publish the region array at @md->regions_phys, with no entries,
 *	and mark the APSS table initialised and enabled.  May sleep.
 * @set_count: make the first @count entries of the array visible to
 *	firmware.  Entries below @count are complete when this is called.
 *	Called under the provider lock: must not sleep.
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
 * @table: the dump region table (its count is the entries in use)
 * @dev: the device behind it
 * @ops: the transport
 * @priv: transport data (the APSS subsystem table for SMEM)
 * @regions: the region array firmware reads, @table.capacity entries
 * @regions_phys: its physical address
 * @prefix: prepended to every name (e.g. a VM id), may be empty
 */
struct qcom_md {
	struct dumpregion_table table;
	struct device *dev;
	const struct qcom_md_transport_ops *ops;
	void *priv;
	struct minidump_region *regions;
	phys_addr_t regions_phys;
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

/*
 * Gunyah resource manager minidump calls (message ids and payload sizes;
 * see minidump_rm.c for the layouts and where they come from).
 */
#define QCOM_MD_RM_GET_INFO		0x56000040
#define QCOM_MD_RM_REGISTER_RANGE	0x56000041
#define QCOM_MD_RM_DEREGISTER_SLOT	0x56000042
#define QCOM_MD_RM_GET_SLOT_NUMBER	0x56000043
#define QCOM_MD_RM_RANGE_HDR		20	/* REGISTER_RANGE before the name */
#define QCOM_MD_RM_RPC_HDR		8	/* the RM driver's RPC header */
#define QCOM_MD_RM_SLOT_HDR		8	/* GET_SLOT_NUMBER before the name */
#define QCOM_MD_RM_SLOT_REPLY		4	/* u16 slot, u16 reserved */

/**
 * struct qcom_md_rm_run - one RM slot
 * @name: name sent to the RM
 * @phys: physical address
 * @size: bytes
 * @slot: slot the RM gave, -1 for none
 */
struct qcom_md_rm_run {
	char name[MINIDUMP_REGION_NAME_LEN];
	phys_addr_t phys;
	u64 size;
	int slot;
};

/* What a queued struct qcom_md_rm_op does to its region. */
enum qcom_md_rm_op_type {
	QCOM_MD_RM_ADD,		/* register the runs */
	QCOM_MD_RM_MOVE,	/* deregister them, register the new layout */
	QCOM_MD_RM_DEL,		/* deregister them and free the region */
};

/**
 * struct qcom_md_rm_op - a deferred RM operation on one region
 * @node: in &qcom_md_rm.ops_queue while queued
 * @type: what it does
 * @queued: on the list (a move is queued at most once at a time)
 */
struct qcom_md_rm_op {
	struct list_head node;
	enum qcom_md_rm_op_type type;
	bool queued;
};

/**
 * struct qcom_md_rm_next - where a run goes at the next move
 * @phys: new physical address
 * @size: new size
 */
struct qcom_md_rm_next {
	phys_addr_t phys;
	u64 size;
};

/**
 * struct qcom_md_rm_region - a dump region as the RM transport holds it
 * @node: in &qcom_md_rm.regions
 * @add_op: its registration, queued by the provider's add op
 * @move_op: its move, queued by the provider's update op
 * @del_op: its removal, queued by the provider's remove op; embedded so
 *	that removal cannot fail, and last to touch the region, which it
 *	frees
 * @next: the layout of the pending move, one per run, written under the
 *	transport's lock; allocated with the region, so a move of the same
 *	number of runs (the KELF index's, after every registry change)
 *	allocates nothing
 * @id: dump region id
 * @name: region name
 * @err: first RPC error for it, 0 if every run got a slot
 * @nr_runs: entries in @runs
 * @runs: its runs
 */
struct qcom_md_rm_region {
	struct list_head node;
	struct qcom_md_rm_op add_op;
	struct qcom_md_rm_op move_op;
	struct qcom_md_rm_op del_op;
	struct qcom_md_rm_next *next;
	int id;
	char name[DUMPREGION_NAME_MAX];
	int err;
	unsigned int nr_runs;
	struct qcom_md_rm_run runs[] __counted_by(nr_runs);
};

/**
 * struct qcom_md_rm - Gunyah RM transport state
 * @prov: the dump region provider
 * @dev: the device behind it
 * @ops: the RM driver's calls
 * @rm: the RM driver's handle, passed to @ops
 * @wq: ordered workqueue carrying out the RPCs
 * @work: the work item
 * @lock: protects @regions, @ops_queue and @used
 * @regions: regions held, with their slots
 * @ops_queue: queued operations
 * @nr_slots: slots the RM offers
 * @used: slots held or about to be
 * @last_rm_err: RM error code of the last failed call
 * @prefix: prepended to every name, may be empty
 */
struct qcom_md_rm {
	struct dumpregion_provider prov;
	struct device *dev;
	const struct qcom_md_rm_ops *ops;
	void *rm;
	struct workqueue_struct *wq;
	struct work_struct work;
	spinlock_t lock;	/* see the kernel-doc above */
	struct list_head regions;
	struct list_head ops_queue;
	unsigned int nr_slots;
	unsigned int used;
	u32 last_rm_err;
	char prefix[8];
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
int qcom_md_rm_region_error(struct qcom_md_rm *rm, int id);
struct qcom_md_rm *__devm_qcom_md_rm_attach(struct device *dev,
					    const struct qcom_md_rm_ops *ops,
					    void *rm, const char *prefix);
int qcom_md_rm_register_run(struct qcom_md_rm *rm, struct qcom_md_rm_run *run);
int qcom_md_rm_deregister(struct qcom_md_rm *rm, int slot);
int qcom_md_rm_find_slot(struct qcom_md_rm *rm, const char *name, size_t nlen,
			 u16 *slot);
extern const struct qcom_md_transport_ops qcom_md_smem_ops;
extern const struct qcom_md_transport_ops qcom_md_mmio_ops;
#endif

#endif /* __QCOM_MINIDUMP_INTERNAL_H__ */
