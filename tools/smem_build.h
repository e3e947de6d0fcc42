/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the SMEM window a Qualcomm boot firmware leaves in RAM. */
#ifndef DUMPREGION_TOOLS_SMEM_BUILD_H
#define DUMPREGION_TOOLS_SMEM_BUILD_H

#include <stdint.h>

enum smem_variant {
	SMEM_GOOD,	/* partitioned, SIII, item 602 initialised */
	SMEM_LEGACY,	/* version 11 global heap: cannot hold item 602 */
	SMEM_NO_SIII,	/* partitioned without SIII: items capped at 512 */
	SMEM_NO_ITEM,	/* no item 602: firmware without minidump */
	SMEM_UNINIT,	/* item 602 present, status 0 */
	SMEM_SHORT,	/* item 602 too small for the APSS table */
	SMEM_NR_VARIANTS,
};

extern const char *const smem_variant_names[SMEM_NR_VARIANTS];

struct smem_opts {
	uint64_t size;		/* window size, 4 KiB multiple, >= 64 KiB */
	unsigned int subsystems;
	unsigned int items;	/* SIII item count */
	int cached;		/* item 602 in the cached list */
	enum smem_variant variant;
};

/*
 * Fill @img (@o->size zeroed bytes).  *@toc_off receives the offset of
 * item 602's data in the window, 0 when the variant has none.
 */
void smem_build(uint8_t *img, const struct smem_opts *o, uint64_t *toc_off);

#endif
