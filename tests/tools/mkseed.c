// SPDX-License-Identifier: GPL-2.0-only
/* Seed for fuzz_minidump: SMEM with item 602 and an APSS table of two. */
#include <stdio.h>
#include <string.h>

#include "le.h"
#include "smem_build.h"
#include "smem_layout.h"

static uint8_t ram[0x14000];

int main(int argc, char **argv)
{
	struct smem_opts o = { .size = 0x10000, .subsystems = 10, .items = 1024,
			       .cached = argc > 2 };
	uint8_t *s, *e;
	uint64_t toc;
	FILE *f;
	int i;

	if (argc < 2)
		return 2;
	smem_build(ram, &o, &toc);
	s = ram + toc + MD_TOC_SUBSYSTEMS;
	put_le32(s + MD_SS_STATUS, 1);
	put_le32(s + MD_SS_ENABLED, MD_SS_ENABLED_MAGIC);
	put_le32(s + MD_SS_ENCR_STATUS, MD_SS_ENCR_DONE);
	put_le32(s + MD_SS_REGION_COUNT, 2);
	put_le64(s + MD_SS_BASEPTR, 0x80000000ull + 0x10000);
	for (i = 0; i < 2; i++) {
		e = ram + 0x10000 + i * MD_REGION_LEN;
		strcpy((char *)e, i ? "beta" : "alpha");
		put_le32(e + MD_REGION_VALID, MD_REGION_VALID_MAGIC);
		put_le64(e + MD_REGION_ADDRESS, 0x80000000ull + 0x12000 + i * 0x800);
		put_le64(e + MD_REGION_SIZE, 0x800);
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(ram, 1, sizeof(ram), f) != sizeof(ram) || fclose(f))
		return 1;
	return 0;
}
