/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Qualcomm SMEM and minidump table layout, as the boot firmware leaves it
 * (facts: shared/design/formats.md and drivers/soc/qcom/smem.c).  Offsets
 * in bytes; every field little-endian.
 */
#ifndef DUMPREGION_TOOLS_SMEM_LAYOUT_H
#define DUMPREGION_TOOLS_SMEM_LAYOUT_H

/* SMEM header at the start of the window */
#define SMEM_HDR_VERSION(i)	(64 + 4 * (i))	/* 4 proc_comm of 16 bytes */
#define SMEM_HDR_INITIALIZED	192
#define SMEM_HDR_FREE_OFFSET	196
#define SMEM_HDR_AVAILABLE	200
#define SMEM_HDR_RESERVED	204
#define SMEM_HDR_TOC		208		/* 512 entries of 16 bytes */
#define SMEM_HDR_SIZE		(SMEM_HDR_TOC + 512 * 16)
#define SMEM_SBL_VERSION_INDEX	7
#define SMEM_GLOBAL_HEAP_VERSION 11
#define SMEM_GLOBAL_PART_VERSION 12
#define SMEM_ITEM_COUNT		512

/* global heap table of contents entry */
#define SMEM_TOC_ALLOCATED	0
#define SMEM_TOC_OFFSET		4
#define SMEM_TOC_SIZE		8

/* partition table, in the last 4 KiB of the window */
#define SMEM_PTABLE_SIZE	4096
#define SMEM_PTABLE_MAGIC	"$TOC"
#define SMEM_PTABLE_VERSION	4
#define SMEM_PTABLE_NUM		8
#define SMEM_PTABLE_ENTRIES	32
#define SMEM_PTE_SIZE		48
#define SMEM_PTE_OFFSET		0
#define SMEM_PTE_SIZE_F		4
#define SMEM_PTE_FLAGS		8
#define SMEM_PTE_HOST0		12
#define SMEM_PTE_HOST1		14
#define SMEM_PTE_CACHELINE	16
#define SMEM_GLOBAL_HOST	0xfffe

/* "SIII" info block right after the last partition table entry */
#define SMEM_INFO_MAGIC		"SIII"
#define SMEM_INFO_NUM_ITEMS	16
#define SMEM_INFO_SIZE		18

/* partition header and its private entries */
#define SMEM_PART_MAGIC		"$PRT"
#define SMEM_PHDR_HOST0		4
#define SMEM_PHDR_HOST1		6
#define SMEM_PHDR_SIZE		8
#define SMEM_PHDR_FREE_UNCACHED	12
#define SMEM_PHDR_FREE_CACHED	16
#define SMEM_PHDR_LEN		32
#define SMEM_PE_CANARY		0
#define SMEM_PE_ITEM		2
#define SMEM_PE_SIZE		4
#define SMEM_PE_PADDING_DATA	8
#define SMEM_PE_PADDING_HDR	10
#define SMEM_PE_LEN		16
#define SMEM_CANARY		0xa5a5

/* minidump register window (MMIO variant) */
#define MD_MMIO_GLOBAL_INIT	0x00
#define MD_MMIO_GLOBAL_REV	0x04
#define MD_MMIO_GLOBAL_ENABLE	0x08
#define MD_MMIO_SS_INIT		0x20
#define MD_MMIO_SS_ENABLE	0x24
#define MD_MMIO_SS_ENCR_STATUS	0x28
#define MD_MMIO_SS_ENCR_REQ	0x2c
#define MD_MMIO_SS_COUNT	0x30
#define MD_MMIO_SS_BASE_LO	0x34
#define MD_MMIO_SS_BASE_HI	0x38
#define MD_MMIO_SIZE		0x3c

/* minidump (SMEM item 602) */
#define MD_SMEM_ID		602
#define MD_TOC_STATUS		0
#define MD_TOC_REVISION		4
#define MD_TOC_ENABLED		8
#define MD_TOC_SUBSYSTEMS	16
#define MD_SS_LEN		32
#define MD_SS_STATUS		0
#define MD_SS_ENABLED		4
#define MD_SS_ENCR_STATUS	8
#define MD_SS_ENCR_REQUIRED	12
#define MD_SS_REGION_COUNT	16
#define MD_SS_BASEPTR		24
#define MD_REGION_LEN		40
#define MD_REGION_NAME		0
#define MD_REGION_NAME_LEN	16
#define MD_REGION_SEQ		16
#define MD_REGION_VALID		20
#define MD_REGION_ADDRESS	24
#define MD_REGION_SIZE		32

#define MD_MAGIC(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define MD_REGION_VALID_MAGIC	MD_MAGIC('V', 'A', 'L', 'I')
#define MD_SS_ENABLED_MAGIC	MD_MAGIC('E', 'N', 'B', 'L')
#define MD_SS_ENCR_DONE		MD_MAGIC('D', 'O', 'N', 'E')
#define MD_SS_ENCR_NOTREQ	MD_MAGIC(0, 0, 'N', 'R')

#endif
