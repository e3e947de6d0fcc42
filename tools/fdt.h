/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough of a flattened devicetree reader for the collector: where
 * RAM starts and where the firmware's minidump table lives.  Nothing in
 * the blob is trusted.
 */
#ifndef DUMPREGION_TOOLS_FDT_H
#define DUMPREGION_TOOLS_FDT_H

#include <stddef.h>
#include <stdint.h>

struct fdt_layout {
	uint64_t ram_base, ram_size;	/* first memory node's first range */
	uint64_t smem_base, smem_size;	/* 0 size: no qcom,smem node */
};

/*
 * Parse the DTB in @blob (@len bytes).  Returns 0, or -1 with a message
 * in @err when the blob is not a devicetree or has no memory node.
 */
int fdt_layout(const uint8_t *blob, size_t len, struct fdt_layout *l,
	       char *err, size_t errlen);

#endif
