/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Qualcomm minidump table, as the boot firmware lays it out in SMEM.
 *
 * The boot firmware creates the global table of contents in SMEM item 602.
 * Each subsystem (APSS, the application processor running Linux, is 0;
 * remote processors use others) owns one subsystem table pointing at an
 * array of region entries in its own memory.  After a crash the firmware
 * copies every valid region of every enabled subsystem.  All fields are
 * little-endian; magic words are four ASCII characters, first one highest.
 */
#ifndef __QCOM_MINIDUMP_H__
#define __QCOM_MINIDUMP_H__

#include <linux/types.h>

#define MINIDUMP_SMEM_ID		602
#define MINIDUMP_APSS_ID		0

#define MINIDUMP_MAGIC(a, b, c, d)	((a) << 24 | (b) << 16 | (c) << 8 | (d))

/* minidump_region.valid */
#define MINIDUMP_REGION_VALID		MINIDUMP_MAGIC('V', 'A', 'L', 'I')
#define MINIDUMP_REGION_INVALID		MINIDUMP_MAGIC('I', 'N', 'V', 'A')
#define MINIDUMP_REGION_INIT		MINIDUMP_MAGIC('I', 'N', 'I', 'T')

/* minidump_subsystem.enabled, .encryption_status, .encryption_required */
#define MINIDUMP_SS_ENABLED		MINIDUMP_MAGIC('E', 'N', 'B', 'L')
#define MINIDUMP_SS_ENCR_DONE		MINIDUMP_MAGIC('D', 'O', 'N', 'E')
#define MINIDUMP_SS_ENCR_NOTREQ		MINIDUMP_MAGIC(0, 0, 'N', 'R')
#define MINIDUMP_SS_ENCR_REQ		MINIDUMP_MAGIC(0, 'Y', 'E', 'S')

#define MINIDUMP_REGION_NAME_LEN	16

/**
 * struct minidump_region - one region to dump, 40 bytes
 * @name: NUL-terminated name; the firmware reserves 4 bytes of it
 * @seq_num: tells apart regions with the same name
 * @valid: %MINIDUMP_REGION_VALID when the region is to be dumped
 * @address: physical address of the region
 * @size: size of the region in bytes
 */
struct minidump_region {
	char	name[MINIDUMP_REGION_NAME_LEN];
	__le32	seq_num;
	__le32	valid;
	__le64	address;
	__le64	size;
};

/**
 * struct minidump_subsystem - a subsystem's table of contents, 32 bytes
 * @status: 1 once the subsystem's table is initialised
 * @enabled: %MINIDUMP_SS_ENABLED when its regions are to be dumped
 * @encryption_status: %MINIDUMP_SS_ENCR_DONE when no encryption is pending
 * @encryption_required: %MINIDUMP_SS_ENCR_REQ or %MINIDUMP_SS_ENCR_NOTREQ
 * @region_count: number of entries in the region array
 * @regions_baseptr: physical address of the region array
 */
struct minidump_subsystem {
	__le32	status;
	__le32	enabled;
	__le32	encryption_status;
	__le32	encryption_required;
	__le32	region_count;
	__le64	regions_baseptr;
};

/**
 * struct minidump_global_toc - the global table of contents in SMEM
 * @status: non-zero once the firmware initialised the table
 * @md_revision: table revision
 * @enabled: global enable
 * @subsystems: one table per subsystem; their number follows from the size
 *	of the SMEM item, see minidump_nr_subsystems()
 */
struct minidump_global_toc {
	__le32				status;
	__le32				md_revision;
	__le32				enabled;
	struct minidump_subsystem	subsystems[];
};

/**
 * minidump_nr_subsystems() - number of subsystem tables in the global table
 * @size: size of the SMEM item holding the global table
 *
 * Return: how many whole subsystem tables follow the header, 0 if the item
 * is too small even for the header.
 */
static inline size_t minidump_nr_subsystems(size_t size)
{
	size_t hdr = offsetof(struct minidump_global_toc, subsystems);

	if (size < hdr)
		return 0;
	return (size - hdr) / sizeof(struct minidump_subsystem);
}

struct device;

/**
 * struct qcom_md_rm_ops - the Gunyah resource manager as the minidump
 *	transport uses it
 * @call: one RPC to the RM: message @msg_id with the request payload @req
 *	of @req_size bytes.  The RM driver owns the RM message queue, which
 *	every RM service shares: it adds the RPC header, fragments, numbers
 *	and matches messages, as gh_rm_call() does downstream.  Waits for the
 *	reply and copies its payload, at most @resp_size bytes, to @resp.
 *	Returns the size of the reply payload (which may exceed @resp_size:
 *	the caller checks it); -EREMOTEIO with *@rm_err set to the RM's error
 *	code when the RM answered with one; another negative errno when no
 *	answer came (-ETIMEDOUT, ...).  Process context, may sleep.
 */
struct qcom_md_rm_ops {
	ssize_t (*call)(void *rm, u32 msg_id, const void *req, size_t req_size,
			void *resp, size_t resp_size, u32 *rm_err);
};

#if IS_ENABLED(CONFIG_QCOM_MINIDUMP_RM)
int devm_qcom_md_rm_attach(struct device *dev, const struct qcom_md_rm_ops *ops,
			   void *rm, const char *prefix);
#else
static inline int devm_qcom_md_rm_attach(struct device *dev,
					 const struct qcom_md_rm_ops *ops,
					 void *rm, const char *prefix)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* __QCOM_MINIDUMP_H__ */
