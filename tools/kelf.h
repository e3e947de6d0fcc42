/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Turning a dump into one ELF core file with the KELF index the kernel
 * keeps in the region named "kelf" (kernel/dumpregion/kelf.c).
 */
#ifndef DUMPREGION_TOOLS_KELF_H
#define DUMPREGION_TOOLS_KELF_H

#include <elf.h>
#include <stdio.h>

#include "minidump.h"

#define KELF_NAME	"kelf"
/* Its name in a Qualcomm minidump table (what qdl ramdump looks for). */
#define KELF_FW_NAME	"KELF"

/*
 * Write the ELF core described by the KELF index at @kelf_addr (@kelf_size
 * bytes) to @out: its ELF header and notes, and one PT_LOAD for each of its
 * segments that lies in @img, laid out back to back.  Segments outside
 * @covered (when given: the dumped regions, @ncovered of them) are
 * dropped with a message.  Nothing in the index is trusted.  If @verbose,
 * each segment is printed to stdout.
 */
int kelf_write(const struct md_image *img, uint64_t kelf_addr,
	       uint64_t kelf_size, const struct md_region *covered,
	       unsigned int ncovered, FILE *out, int verbose,
	       char *err, size_t errlen);

/* The same for the index already read into @k. */
int kelf_write_buf(const struct md_image *img, const uint8_t *k,
		   uint64_t kelf_size, const struct md_region *covered,
		   unsigned int ncovered, FILE *out, int verbose,
		   char *err, size_t errlen);

/*
 * Check the ELF header of the KELF index in @k (@kelf_size bytes) and copy
 * out its program headers: *@ph (malloc()ed, the caller frees it) and
 * their number *@phnum, extended numbering resolved.  Returns MD_OK,
 * MD_ERR_BADKELF with a message in @err, or MD_ERR_IO.
 */
int kelf_phdrs(const uint8_t *k, uint64_t kelf_size, Elf64_Phdr **ph,
	       uint64_t *phnum, char *err, size_t errlen);

/*
 * Without a KELF index: write an ELF core with one PT_LOAD (physical
 * address only) and one section, named as the region, per region in
 * @regions.  e_machine is EM_NONE: nothing in the dump says which.
 */
int phys_elf_write(const struct md_image *img, const struct md_region *regions,
		   unsigned int n, FILE *out, char *err, size_t errlen);

#endif
