// SPDX-License-Identifier: GPL-2.0-only
/*
 * mksmem - write the SMEM window a Qualcomm boot firmware leaves in RAM,
 * with the minidump global table of contents in item 602, for QEMU to load
 * before Linux starts.  Also writes the broken variants a kernel must
 * survive.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "smem_layout.h"

enum variant {
	V_GOOD,		/* partitioned, SIII, item 602 initialised */
	V_LEGACY,	/* version 11 global heap: cannot hold item 602 */
	V_NO_SIII,	/* partitioned without SIII: items capped at 512 */
	V_NO_ITEM,	/* no item 602: firmware without minidump */
	V_UNINIT,	/* item 602 present, status 0 */
	V_SHORT,	/* item 602 too small for the APSS table */
};

static const char *const variant_names[] = {
	[V_GOOD] = "good",
	[V_LEGACY] = "legacy",
	[V_NO_SIII] = "no-siii",
	[V_NO_ITEM] = "no-item",
	[V_UNINIT] = "uninit",
	[V_SHORT] = "short",
};

#define PART_OFFSET	0x2000
#define CACHELINE	64

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mksmem [options] -o FILE\n"
		"  -o, --output FILE      where to write the SMEM image\n"
		"  -s, --size BYTES       SMEM window size (default 0x100000)\n"
		"  -n, --subsystems N     subsystem tables in item 602 (default 10)\n"
		"  -c, --cached           put item 602 in the cached list\n"
		"  -i, --items N          item count in the SIII block (default 1024)\n"
		"  -V, --variant NAME     good, legacy, no-siii, no-item, uninit, short\n"
		"  -h, --help             this text\n");
}

static int parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || !*s || *end ? -1 : 0;
}

/* Place one item in the global partition at @part; returns its data. */
static uint8_t *add_item(uint8_t *part, uint32_t psize, int cached,
			 uint16_t item, uint32_t len)
{
	uint32_t padded = (len + 7) & ~7u;
	uint8_t *e;

	if (!cached) {
		uint32_t off = get_le32(part + SMEM_PHDR_FREE_UNCACHED);

		e = part + off;
		put_le32(part + SMEM_PHDR_FREE_UNCACHED,
			 off + SMEM_PE_LEN + padded);
	} else {
		uint32_t top = get_le32(part + SMEM_PHDR_FREE_CACHED);

		/* Cached entries grow down: header at the top, data below. */
		e = part + top - CACHELINE;
		put_le32(part + SMEM_PHDR_FREE_CACHED, top - CACHELINE - padded);
		(void)psize;
	}
	put_le16(e + SMEM_PE_CANARY, SMEM_CANARY);
	put_le16(e + SMEM_PE_ITEM, item);
	put_le32(e + SMEM_PE_SIZE, padded);
	put_le16(e + SMEM_PE_PADDING_DATA, padded - len);
	put_le16(e + SMEM_PE_PADDING_HDR, 0);
	return cached ? e - padded : e + SMEM_PE_LEN;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "subsystems", required_argument, NULL, 'n' },
		{ "cached", no_argument, NULL, 'c' },
		{ "items", required_argument, NULL, 'i' },
		{ "variant", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long size = 0x100000, nss = 10, items = 1024;
	enum variant variant = V_GOOD;
	const char *out = NULL;
	uint32_t psize, toclen;
	uint8_t *img, *part, *pt, *toc;
	int cached = 0, c;
	unsigned int v;
	FILE *f;

	while ((c = getopt_long(argc, argv, "o:s:n:ci:V:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			if (parse_ulong(optarg, &size) || size < 0x10000 ||
			    size > 0x4000000 || size % 4096) {
				fprintf(stderr, "mksmem: bad size '%s' (64 KiB to 64 MiB, 4 KiB multiple)\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			if (parse_ulong(optarg, &nss) || nss > 1000) {
				fprintf(stderr, "mksmem: bad subsystem count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			cached = 1;
			break;
		case 'i':
			if (parse_ulong(optarg, &items) || items > 0xffff) {
				fprintf(stderr, "mksmem: bad item count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'V':
			for (v = 0; v < sizeof(variant_names) / sizeof(*variant_names); v++)
				if (!strcmp(optarg, variant_names[v]))
					break;
			if (v == sizeof(variant_names) / sizeof(*variant_names)) {
				fprintf(stderr, "mksmem: unknown variant '%s'\n",
					optarg);
				return 2;
			}
			variant = v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!out || optind != argc) {
		usage(stderr);
		return 2;
	}

	img = calloc(1, size);
	if (!img) {
		perror("mksmem");
		return 1;
	}

	/* Header the boot firmware initialises. */
	put_le32(img + SMEM_HDR_INITIALIZED, 1);
	put_le32(img + SMEM_HDR_RESERVED, 0);
	put_le32(img + SMEM_HDR_FREE_OFFSET, SMEM_HDR_SIZE);
	put_le32(img + SMEM_HDR_AVAILABLE, size - SMEM_HDR_SIZE - SMEM_PTABLE_SIZE);
	if (variant == V_LEGACY) {
		/* 512 heap slots: item 602 has nowhere to go. */
		put_le32(img + SMEM_HDR_VERSION(SMEM_SBL_VERSION_INDEX),
			 SMEM_GLOBAL_HEAP_VERSION << 16);
		goto write;
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
	if (variant != V_NO_SIII) {
		uint8_t *info = pt + SMEM_PTABLE_ENTRIES + SMEM_PTE_SIZE;

		memcpy(info, SMEM_INFO_MAGIC, 4);
		put_le32(info + 4, size);
		put_le16(info + SMEM_INFO_NUM_ITEMS, items);
	}

	part = img + PART_OFFSET;
	memcpy(part, SMEM_PART_MAGIC, 4);
	put_le16(part + SMEM_PHDR_HOST0, SMEM_GLOBAL_HOST);
	put_le16(part + SMEM_PHDR_HOST1, SMEM_GLOBAL_HOST);
	put_le32(part + SMEM_PHDR_SIZE, psize);
	put_le32(part + SMEM_PHDR_FREE_UNCACHED, SMEM_PHDR_LEN);
	put_le32(part + SMEM_PHDR_FREE_CACHED, psize);

	/* An unrelated item first, as real firmware has many. */
	memset(add_item(part, psize, 0, 137, 24), 0x11, 24);
	if (variant == V_NO_ITEM)
		goto write;

	toclen = variant == V_SHORT ? MD_TOC_SUBSYSTEMS + 8 :
		 MD_TOC_SUBSYSTEMS + nss * MD_SS_LEN;
	toc = add_item(part, psize, cached, MD_SMEM_ID, toclen);
	put_le32(toc + MD_TOC_STATUS, variant == V_UNINIT ? 0 : 1);
	put_le32(toc + MD_TOC_REVISION, 1);
	put_le32(toc + MD_TOC_ENABLED, 1);

write:
	f = fopen(out, "wb");
	if (!f || fwrite(img, 1, size, f) != size || fclose(f)) {
		perror(out);
		return 1;
	}
	free(img);
	return 0;
}
