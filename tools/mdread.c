// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdread - find the Qualcomm minidump table in a RAM image, as the boot
 * firmware does in download mode: SMEM window -> item 602 -> every enabled
 * subsystem -> its valid regions.  Lists each region with a CRC-32 of its
 * bytes, and can extract them as md_<name>.BIN.
 *
 * Nothing read from the image is trusted: every offset, count and address
 * is checked against the SMEM window or the RAM image before use.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "le.h"
#include "smem_layout.h"

/* Exit codes */
#define EX_USAGE	2
#define EX_NOTABLE	3	/* no SMEM, no item 602, or not initialised */
#define EX_TRUNC	4	/* image shorter than the window or a region */
#define EX_BADREGION	5	/* region outside RAM */
#define EX_IO		6

static int img_fd = -1;
static uint64_t ram_base, ram_size;

static int read_phys(uint64_t phys, void *buf, uint64_t len)
{
	uint64_t off;
	ssize_t n;

	if (phys < ram_base || phys - ram_base > ram_size ||
	    len > ram_size - (phys - ram_base))
		return -ERANGE;
	off = phys - ram_base;
	while (len) {
		n = pread(img_fd, buf, len > (1u << 30) ? 1u << 30 : len, off);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		buf = (uint8_t *)buf + n;
		off += n;
		len -= n;
	}
	return 0;
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	static uint32_t table[256];
	size_t i;
	int k;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			uint32_t c = i;

			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Locate item @item in the SMEM window @smem of @size bytes. */
static int smem_find(const uint8_t *smem, uint64_t size, unsigned int item,
		     uint64_t *off, uint64_t *len)
{
	const uint8_t *pt, *e, *part;
	uint32_t ver, nent, i, poff = 0, psize = 0, pcl = 0, items = SMEM_ITEM_COUNT;
	uint32_t fu, fc, esz, pad;
	uint64_t p;

	if (size < SMEM_PTABLE_SIZE + 4096 ||
	    get_le32(smem + SMEM_HDR_INITIALIZED) != 1) {
		fprintf(stderr, "mdread: SMEM not initialised by firmware\n");
		return -1;
	}
	ver = get_le32(smem + SMEM_HDR_VERSION(SMEM_SBL_VERSION_INDEX)) >> 16;
	if (ver == SMEM_GLOBAL_HEAP_VERSION) {
		fprintf(stderr, "mdread: legacy SMEM heap (version 11) holds no item %u\n",
			item);
		return -1;
	}
	if (ver != SMEM_GLOBAL_PART_VERSION) {
		fprintf(stderr, "mdread: unknown SMEM version %u\n", ver);
		return -1;
	}
	pt = smem + size - SMEM_PTABLE_SIZE;
	if (memcmp(pt, SMEM_PTABLE_MAGIC, 4) || get_le32(pt + SMEM_PTABLE_VERSION) != 1) {
		fprintf(stderr, "mdread: no SMEM partition table\n");
		return -1;
	}
	nent = get_le32(pt + SMEM_PTABLE_NUM);
	if (nent > (SMEM_PTABLE_SIZE - SMEM_PTABLE_ENTRIES - SMEM_INFO_SIZE) / SMEM_PTE_SIZE) {
		fprintf(stderr, "mdread: partition table claims %u entries\n", nent);
		return -1;
	}
	for (i = 0; i < nent; i++) {
		e = pt + SMEM_PTABLE_ENTRIES + i * SMEM_PTE_SIZE;
		if (get_le16(e + SMEM_PTE_HOST0) == SMEM_GLOBAL_HOST &&
		    get_le16(e + SMEM_PTE_HOST1) == SMEM_GLOBAL_HOST &&
		    get_le32(e + SMEM_PTE_OFFSET) && get_le32(e + SMEM_PTE_SIZE_F)) {
			poff = get_le32(e + SMEM_PTE_OFFSET);
			psize = get_le32(e + SMEM_PTE_SIZE_F);
			pcl = get_le32(e + SMEM_PTE_CACHELINE);
			break;
		}
	}
	e = pt + SMEM_PTABLE_ENTRIES + nent * SMEM_PTE_SIZE;
	if (!memcmp(e, SMEM_INFO_MAGIC, 4))
		items = get_le16(e + SMEM_INFO_NUM_ITEMS);
	if (item >= items) {
		fprintf(stderr, "mdread: SMEM declares %u items, item %u is out of range\n",
			items, item);
		return -1;
	}
	if (!psize || (uint64_t)poff + psize > size - SMEM_PTABLE_SIZE ||
	    psize < SMEM_PHDR_LEN || pcl > 4096) {
		fprintf(stderr, "mdread: no usable global partition\n");
		return -1;
	}
	part = smem + poff;
	if (memcmp(part, SMEM_PART_MAGIC, 4) || get_le32(part + SMEM_PHDR_SIZE) != psize) {
		fprintf(stderr, "mdread: bad global partition header\n");
		return -1;
	}
	fu = get_le32(part + SMEM_PHDR_FREE_UNCACHED);
	fc = get_le32(part + SMEM_PHDR_FREE_CACHED);
	if (fu > psize || fc > psize) {
		fprintf(stderr, "mdread: bad partition free offsets\n");
		return -1;
	}
	/* Uncached entries grow up from the header. */
	for (p = SMEM_PHDR_LEN; p + SMEM_PE_LEN <= fu;) {
		e = part + p;
		if (get_le16(e + SMEM_PE_CANARY) != SMEM_CANARY) {
			fprintf(stderr, "mdread: bad canary in global partition\n");
			return -1;
		}
		esz = get_le32(e + SMEM_PE_SIZE);
		pad = get_le16(e + SMEM_PE_PADDING_DATA);
		p += SMEM_PE_LEN + get_le16(e + SMEM_PE_PADDING_HDR);
		if (esz > psize || pad > esz || p + esz > psize)
			break;
		if (get_le16(e + SMEM_PE_ITEM) == item) {
			*off = poff + p;
			*len = esz - pad;
			return 0;
		}
		p += esz;
	}
	/* Cached entries grow down from the end. */
	if (pcl < SMEM_PE_LEN)
		pcl = SMEM_PE_LEN;
	pcl = (SMEM_PE_LEN + pcl - 1) / pcl * pcl;
	for (p = psize; p >= (uint64_t)fc + pcl && p >= pcl;) {
		e = part + p - pcl;
		if (get_le16(e + SMEM_PE_CANARY) != SMEM_CANARY)
			break;
		esz = get_le32(e + SMEM_PE_SIZE);
		pad = get_le16(e + SMEM_PE_PADDING_DATA);
		if (esz > p - pcl || pad > esz)
			break;
		if (get_le16(e + SMEM_PE_ITEM) == item) {
			*off = poff + p - pcl - esz;
			*len = esz - pad;
			return 0;
		}
		p -= pcl + esz;
	}
	fprintf(stderr, "mdread: no item %u in SMEM: firmware without minidump\n",
		item);
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mdread --image RAM --ram-base ADDR --smem ADDR,SIZE [--list] [--dump DIR]\n"
		"  -i, --image FILE       raw guest RAM image\n"
		"  -r, --ram-base ADDR    physical address of the image's first byte\n"
		"  -s, --smem ADDR,SIZE   the SMEM window\n"
		"  -l, --list             list regions: subsystem, name, seq, address, size, crc32\n"
		"  -d, --dump DIR         write each region to DIR/md_<name>.BIN\n"
		"exit codes: 0 ok, 2 usage, 3 no minidump table, 4 truncated image,\n"
		"            5 region outside RAM, 6 I/O error\n");
}

static int dump_region(const char *dir, const char *name, uint32_t seq,
		       uint64_t addr, uint64_t size, uint32_t *crc)
{
	char path[4096];
	uint8_t buf[65536];
	FILE *f = NULL;
	int ret = 0;

	if (dir) {
		if (seq)
			snprintf(path, sizeof(path), "%s/md_%s.%u.BIN", dir, name, seq);
		else
			snprintf(path, sizeof(path), "%s/md_%s.BIN", dir, name);
		f = fopen(path, "wb");
		if (!f) {
			perror(path);
			return EX_IO;
		}
	}
	*crc = 0;
	while (size) {
		uint64_t n = size < sizeof(buf) ? size : sizeof(buf);

		if (read_phys(addr, buf, n)) {
			ret = EX_TRUNC;
			break;
		}
		*crc = crc32_update(*crc, buf, n);
		if (f && fwrite(buf, 1, n, f) != n) {
			ret = EX_IO;
			break;
		}
		addr += n;
		size -= n;
	}
	if (f && fclose(f) && !ret)
		ret = EX_IO;
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "ram-base", required_argument, NULL, 'r' },
		{ "smem", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "dump", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *image = NULL, *dir = NULL;
	uint64_t smem_base = 0, smem_size = 0, off, len;
	uint8_t *smem, *toc, region[MD_REGION_LEN];
	int list = 0, c, ret = 0, have_base = 0;
	uint64_t nss, ss, i;
	struct stat st;
	char *end;

	while ((c = getopt_long(argc, argv, "i:r:s:ld:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			image = optarg;
			break;
		case 'r':
			ram_base = strtoull(optarg, &end, 0);
			if (*end) {
				usage(stderr);
				return EX_USAGE;
			}
			have_base = 1;
			break;
		case 's':
			smem_base = strtoull(optarg, &end, 0);
			if (*end != ',') {
				usage(stderr);
				return EX_USAGE;
			}
			smem_size = strtoull(end + 1, &end, 0);
			if (*end || !smem_size || smem_size > (256u << 20)) {
				usage(stderr);
				return EX_USAGE;
			}
			break;
		case 'l':
			list = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (!image || !have_base || !smem_size || optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	img_fd = open(image, O_RDONLY);
	if (img_fd < 0 || fstat(img_fd, &st)) {
		perror(image);
		return EX_IO;
	}
	ram_size = st.st_size;

	smem = malloc(smem_size);
	if (!smem) {
		perror("mdread");
		return EX_IO;
	}
	if (read_phys(smem_base, smem, smem_size)) {
		fprintf(stderr, "mdread: SMEM window 0x%" PRIx64 "+0x%" PRIx64
			" is not inside the image\n", smem_base, smem_size);
		return EX_TRUNC;
	}
	if (smem_find(smem, smem_size, MD_SMEM_ID, &off, &len))
		return EX_NOTABLE;
	toc = smem + off;
	if (len < MD_TOC_SUBSYSTEMS || !get_le32(toc + MD_TOC_STATUS)) {
		fprintf(stderr, "mdread: minidump table not initialised\n");
		return EX_NOTABLE;
	}
	nss = (len - MD_TOC_SUBSYSTEMS) / MD_SS_LEN;
	if (!nss) {
		fprintf(stderr, "mdread: item %d (%" PRIu64 " bytes) holds no subsystem table\n",
			MD_SMEM_ID, len);
		return EX_NOTABLE;
	}
	for (ss = 0; ss < nss; ss++) {
		const uint8_t *s = toc + MD_TOC_SUBSYSTEMS + ss * MD_SS_LEN;
		uint64_t base = get_le64(s + MD_SS_BASEPTR);
		uint32_t count = get_le32(s + MD_SS_REGION_COUNT);

		if (get_le32(s + MD_SS_STATUS) != 1 || !base ||
		    get_le32(s + MD_SS_ENABLED) != MD_SS_ENABLED_MAGIC ||
		    get_le32(s + MD_SS_ENCR_STATUS) != MD_SS_ENCR_DONE)
			continue;
		if (list)
			printf("subsystem %" PRIu64 " regions=%u table=0x%" PRIx64 "\n",
			       ss, count, base);
		for (i = 0; i < count; i++) {
			char name[MD_REGION_NAME_LEN + 1];
			uint64_t addr, size;
			uint32_t seq, crc;
			int r;

			if (read_phys(base + i * MD_REGION_LEN, region, sizeof(region))) {
				fprintf(stderr, "mdread: subsystem %" PRIu64
					" region table entry %" PRIu64 " outside RAM\n",
					ss, i);
				ret = EX_BADREGION;
				break;
			}
			if (get_le32(region + MD_REGION_VALID) != MD_REGION_VALID_MAGIC)
				continue;
			memcpy(name, region + MD_REGION_NAME, MD_REGION_NAME_LEN);
			name[MD_REGION_NAME_LEN] = 0;
			for (c = 0; name[c]; c++)
				if (name[c] == '/' || name[c] < 0x21 || name[c] > 0x7e)
					name[c] = '_';
			seq = get_le32(region + MD_REGION_SEQ);
			addr = get_le64(region + MD_REGION_ADDRESS);
			size = get_le64(region + MD_REGION_SIZE);
			if (addr < ram_base || addr - ram_base > ram_size ||
			    size > ram_size - (addr - ram_base)) {
				fprintf(stderr, "mdread: region %s at 0x%" PRIx64 "+0x%" PRIx64
					" is outside RAM\n", name, addr, size);
				ret = EX_BADREGION;
				continue;
			}
			r = dump_region(dir, name, seq, addr, size, &crc);
			if (r) {
				ret = r;
				continue;
			}
			if (list)
				printf("region %s seq=%u addr=0x%" PRIx64 " size=%" PRIu64
				       " crc32=%08x\n", name, seq, addr, size, crc);
		}
	}
	free(smem);
	close(img_fd);
	return ret;
}
