// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seed for fuzz_minidump: SMEM with item 602 and an APSS table of three
 * regions, one of them a KELF index describing the other two.
 */
#include <elf.h>
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
	put_le32(s + MD_SS_REGION_COUNT, 3);
	put_le64(s + MD_SS_BASEPTR, 0x80000000ull + 0x10000);
	for (i = 0; i < 2; i++) {
		e = ram + 0x10000 + i * MD_REGION_LEN;
		strcpy((char *)e, i ? "beta" : "alpha");
		put_le32(e + MD_REGION_VALID, MD_REGION_VALID_MAGIC);
		put_le64(e + MD_REGION_ADDRESS, 0x80000000ull + 0x12000 + i * 0x800);
		put_le64(e + MD_REGION_SIZE, 0x800);
	}
	/* The KELF index: ELF header, an empty PT_NOTE, two PT_LOADs. */
	{
		uint8_t *k = ram + 0x13000;
		Elf64_Ehdr *eh = (Elf64_Ehdr *)k;
		Elf64_Phdr *ph = (Elf64_Phdr *)(k + sizeof(*eh));

		memcpy(eh->e_ident, ELFMAG, SELFMAG);
		eh->e_ident[EI_CLASS] = ELFCLASS64;
		eh->e_ident[EI_DATA] = ELFDATA2LSB;
		eh->e_type = ET_CORE;
		eh->e_machine = EM_AARCH64;
		eh->e_phoff = sizeof(*eh);
		eh->e_phentsize = sizeof(*ph);
		eh->e_phnum = 3;
		ph[0].p_type = PT_NOTE;
		ph[0].p_offset = sizeof(*eh) + 3 * sizeof(*ph);
		for (i = 0; i < 2; i++) {
			ph[1 + i].p_type = PT_LOAD;
			ph[1 + i].p_paddr = 0x80000000ull + 0x12000 + i * 0x800;
			ph[1 + i].p_vaddr = 0xffff000000000000ull + i * 0x800;
			ph[1 + i].p_filesz = 0x800;
			ph[1 + i].p_memsz = 0x800;
		}
		e = ram + 0x10000 + 2 * MD_REGION_LEN;
		strcpy((char *)e, "kelf");
		put_le32(e + MD_REGION_VALID, MD_REGION_VALID_MAGIC);
		put_le64(e + MD_REGION_ADDRESS, 0x80000000ull + 0x13000);
		put_le64(e + MD_REGION_SIZE, sizeof(*eh) + 3 * sizeof(*ph));
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(ram, 1, sizeof(ram), f) != sizeof(ram) || fclose(f))
		return 1;
	return 0;
}
