/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough of a flattened devicetree reader for the collector: where
 * RAM starts and where the firmware's minidump table or the dump index
 * lives.  Nothing in
 * the blob is trusted.
 */
#ifndef DUMPREGION_TOOLS_FDT_H
#define DUMPREGION_TOOLS_FDT_H

#include <stddef.h>
#include <stdint.h>

/* The ramoops node's properties (Documentation/.../ramoops.yaml). */
enum fdt_ramoops_prop {
	FDT_RO_RECORD, FDT_RO_CONSOLE, FDT_RO_FTRACE, FDT_RO_PMSG, FDT_RO_FLAGS,
	FDT_RO_ECC, FDT_RO_NR,
};

struct fdt_layout {
	uint64_t ram_base, ram_size;	/* first memory node's first range */
	/* lowest start and highest end of every range of every memory node */
	uint64_t banks_lo, banks_hi;	/* banks_hi 0: none */
	uint64_t smem_base, smem_size;	/* 0 size: no qcom,smem node */
	uint64_t ramoops_base, ramoops_size;	/* 0 size: no ramoops node */
	uint64_t mmio_base, mmio_size;	/* 0 size: no qcom,minidump-mmio node */
	uint64_t index_base, index_size; /* 0 size: no linux,dumpregion-index */
	uint32_t ramoops[FDT_RO_NR];	/* record-size, console-size, ... */
};

/*
 * Parse the DTB in @blob (@len bytes).  Returns 0, or -1 with a message
 * in @err when the blob is not a devicetree or has no memory node.
 */
int fdt_layout(const uint8_t *blob, size_t len, struct fdt_layout *l,
	       char *err, size_t errlen);

#endif
