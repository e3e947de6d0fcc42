// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkimage - write a RAM image as a crashed Qualcomm device leaves it, for
 * the collector's size, memory and speed tests: an SMEM window at the
 * start of RAM (base 0x80000000) whose item 602 points the APSS subsystem
 * at a region table just after it, and the regions given.  The file is
 * sparse: only SMEM, the table and, with --fill, the regions' bytes are
 * written.
 *
 *   mkimage -o FILE -s SIZE [-f] [-n COPIES] -r NAME,OFFSET,LEN [-r ...]
 *
 * -n lists the regions COPIES times over (seq 0, 1, ...), as a corrupt
 * table repeating entries would.  -T ADDR,COUNT points the subsystem at
 * ADDR (physical) with COUNT entries instead, as a corrupt header would.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "le.h"
#include "smem_build.h"
#include "smem_layout.h"

#define RAM_BASE	0x80000000ull
#define SMEM_SIZE	0x100000ull
#define TABLE_OFF	SMEM_SIZE
#define MAX_REGIONS	64

static int wr(int fd, const void *p, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n <= 0)
			return -1;
		p = (const uint8_t *)p + n;
		off += n;
		len -= n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct smem_opts o = { .size = SMEM_SIZE, .subsystems = 10, .items = 1024 };
	uint64_t size = 0, roff[MAX_REGIONS], rlen[MAX_REGIONS], toc, i, k;
	char rname[MAX_REGIONS][17];
	const char *out = NULL;
	static uint8_t buf[1 << 20];
	uint8_t *smem, *ss, *table;
	unsigned int n = 0, copies = 1, nt;
	unsigned long long taddr = 0, tcount = 0;
	int c, fill = 0, fd;

	while ((c = getopt(argc, argv, "o:s:fn:r:T:")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			size = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			fill = 1;
			break;
		case 'n':
			copies = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			if (n == MAX_REGIONS ||
			    sscanf(optarg, "%16[^,],%lli,%lli", rname[n],
				   (long long *)&roff[n], (long long *)&rlen[n]) != 3)
				return 2;
			n++;
			break;
		case 'T':
			if (sscanf(optarg, "%lli,%lli", (long long *)&taddr,
				   (long long *)&tcount) != 2)
				return 2;
			break;
		default:
			return 2;
		}
	}
	nt = n * copies;
	if (!out || !copies || copies > 1000000 || size < TABLE_OFF + (uint64_t)nt * MD_REGION_LEN)
		return 2;
	smem = calloc(1, SMEM_SIZE);
	table = calloc(nt ? nt : 1, MD_REGION_LEN);
	if (!smem || !table)
		return 1;
	smem_build(smem, &o, &toc);
	ss = smem + toc + MD_TOC_SUBSYSTEMS;
	put_le32(ss + MD_SS_STATUS, 1);
	put_le32(ss + MD_SS_ENABLED, MD_SS_ENABLED_MAGIC);
	put_le32(ss + MD_SS_ENCR_STATUS, MD_SS_ENCR_DONE);
	put_le32(ss + MD_SS_ENCR_REQUIRED, MD_SS_ENCR_NOTREQ);
	put_le32(ss + MD_SS_REGION_COUNT, nt);
	put_le64(ss + MD_SS_BASEPTR, RAM_BASE + TABLE_OFF);
	if (taddr) {
		put_le32(ss + MD_SS_REGION_COUNT, tcount);
		put_le64(ss + MD_SS_BASEPTR, taddr);
	}
	for (i = 0; i < nt; i++) {
		uint8_t *e = table + i * MD_REGION_LEN;

		memcpy(e, rname[i % n], strlen(rname[i % n]));
		put_le32(e + MD_REGION_VALID, MD_REGION_VALID_MAGIC);
		put_le32(e + MD_REGION_SEQ, i / n);
		put_le64(e + MD_REGION_ADDRESS, RAM_BASE + roff[i % n]);
		put_le64(e + MD_REGION_SIZE, rlen[i % n]);
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, size) || wr(fd, smem, SMEM_SIZE, 0) ||
	    wr(fd, table, (uint64_t)nt * MD_REGION_LEN, TABLE_OFF)) {
		perror(out);
		return 1;
	}
	for (i = 0; fill && i < n; i++) {
		for (k = 0; k < rlen[i]; k += sizeof(buf)) {
			uint64_t len = rlen[i] - k < sizeof(buf) ? rlen[i] - k : sizeof(buf);
			uint64_t j;

			for (j = 0; j < len; j++)
				buf[j] = (uint8_t)((k + j) * 13 + i);
			if (wr(fd, buf, len, roff[i] + k)) {
				perror(out);
				return 1;
			}
		}
	}
	free(table);
	free(smem);
	return close(fd) ? 1 : 0;
}
