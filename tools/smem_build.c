// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building the SMEM window a Qualcomm boot firmware leaves in RAM, with
 * the minidump global table of contents in item 602 (layout facts:
 * shared/design/formats.md and drivers/soc/qcom/smem.c).
 */
#include <string.h>

#include "le.h"
#include "smem_build.h"
#include "smem_layout.h"

#define PART_OFFSET	0x2000
#define CACHELINE	64

const char *const smem_variant_names[SMEM_NR_VARIANTS] = {
	[SMEM_GOOD] = "good",
	[SMEM_LEGACY] = "legacy",
	[SMEM_NO_SIII] = "no-siii",
	[SMEM_NO_ITEM] = "no-item",
	[SMEM_UNINIT] = "uninit",
	[SMEM_SHORT] = "short",
};

/* Place one item in the global partition at @part; returns its data. */
static uint8_t *add_item(uint8_t *part, int cached, uint16_t item, uint32_t len)
{
	uint32_t padded = (len + 7) & ~7u;
	uint8_t *e;

	if (!cached) {
		uint32_t off = get_le32(part + SMEM_PHDR_FREE_UNCACHED);

		e = part + off;
		put_le32(part + SMEM_PHDR_FREE_UNCACHED, off + SMEM_PE_LEN + padded);
	} else {
		uint32_t top = get_le32(part + SMEM_PHDR_FREE_CACHED);

		/* Cached entries grow down: header at the top, data below. */
		e = part + top - CACHELINE;
		put_le32(part + SMEM_PHDR_FREE_CACHED, top - CACHELINE - padded);
	}
	put_le16(e + SMEM_PE_CANARY, SMEM_CANARY);
	put_le16(e + SMEM_PE_ITEM, item);
	put_le32(e + SMEM_PE_SIZE, padded);
	put_le16(e + SMEM_PE_PADDING_DATA, padded - len);
	put_le16(e + SMEM_PE_PADDING_HDR, 0);
	return cached ? e - padded : e + SMEM_PE_LEN;
}

void smem_build(uint8_t *img, const struct smem_opts *o, uint64_t *toc_off)
{
	uint32_t psize, toclen, size = o->size;
	uint8_t *part, *pt, *toc;

	*toc_off = 0;
	/* Header the boot firmware initialises. */
	put_le32(img + SMEM_HDR_INITIALIZED, 1);
	put_le32(img + SMEM_HDR_FREE_OFFSET, SMEM_HDR_SIZE);
	put_le32(img + SMEM_HDR_AVAILABLE, size - SMEM_HDR_SIZE - SMEM_PTABLE_SIZE);
	if (o->variant == SMEM_LEGACY) {
		/* 512 heap slots: item 602 has nowhere to go. */
		put_le32(img + SMEM_HDR_VERSION(SMEM_SBL_VERSION_INDEX),
			 SMEM_GLOBAL_HEAP_VERSION << 16);
		return;
	}
	put_le32(img + SMEM_HDR_VERSION(SMEM_SBL_VERSION_INDEX),
		 SMEM_GLOBAL_PART_VERSION << 16);

	/* Partition table with the global partition, then SIII. */
	psize = size - PART_OFFSET - SMEM_PTABLE_SIZE;
	pt = img + size - SMEM_PTABLE_SIZE;
	memcpy(pt, SMEM_PTABLE_MAGIC, 4);
	put_le32(pt + SMEM_PTABLE_VERSION, 1);
	put_le32(pt + SMEM_PTABLE_NUM, 1);
	put_le32(pt + SMEM_PTABLE_ENTRIES + SMEM_PTE_OFFSET, PART_OFFSET);
	put_le32(pt + SMEM_PTABLE_ENTRIES + SMEM_PTE_SIZE_F, psize);
	put_le16(pt + SMEM_PTABLE_ENTRIES + SMEM_PTE_HOST0, SMEM_GLOBAL_HOST);
	put_le16(pt + SMEM_PTABLE_ENTRIES + SMEM_PTE_HOST1, SMEM_GLOBAL_HOST);
	put_le32(pt + SMEM_PTABLE_ENTRIES + SMEM_PTE_CACHELINE, CACHELINE);
	if (o->variant != SMEM_NO_SIII) {
		uint8_t *info = pt + SMEM_PTABLE_ENTRIES + SMEM_PTE_SIZE;

		memcpy(info, SMEM_INFO_MAGIC, 4);
		put_le32(info + 4, size);
		put_le16(info + SMEM_INFO_NUM_ITEMS, o->items);
	}

	part = img + PART_OFFSET;
	memcpy(part, SMEM_PART_MAGIC, 4);
	put_le16(part + SMEM_PHDR_HOST0, SMEM_GLOBAL_HOST);
	put_le16(part + SMEM_PHDR_HOST1, SMEM_GLOBAL_HOST);
	put_le32(part + SMEM_PHDR_SIZE, psize);
	put_le32(part + SMEM_PHDR_FREE_UNCACHED, SMEM_PHDR_LEN);
	put_le32(part + SMEM_PHDR_FREE_CACHED, psize);

	/* An unrelated item first, as real firmware has many. */
	memset(add_item(part, 0, 137, 24), 0x11, 24);
	if (o->variant == SMEM_NO_ITEM)
		return;

	toclen = o->variant == SMEM_SHORT ? MD_TOC_SUBSYSTEMS + 8 :
		 MD_TOC_SUBSYSTEMS + o->subsystems * MD_SS_LEN;
	toc = add_item(part, o->cached, MD_SMEM_ID, toclen);
	put_le32(toc + MD_TOC_STATUS, o->variant == SMEM_UNINIT ? 0 : 1);
	put_le32(toc + MD_TOC_REVISION, 1);
	put_le32(toc + MD_TOC_ENABLED, 1);
	*toc_off = toc - img;
}
