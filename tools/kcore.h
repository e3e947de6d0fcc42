/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a kernel ELF core file (the collector's output, or any vmcore):
 * memory by kernel virtual address through its PT_LOAD segments, the
 * VMCOREINFO note, and the kernel log decoded from the printk ring buffer
 * as VMCOREINFO describes it.  Nothing in the file is trusted.
 */
#ifndef DUMPREGION_TOOLS_KCORE_H
#define DUMPREGION_TOOLS_KCORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kcore_load {
	uint64_t vaddr, paddr, offset, size;
	int zero;	/* [p_filesz, p_memsz) of a load: reads as zeros */
};

struct kcore {
	const uint8_t *buf;
	size_t len;
	struct kcore_load *loads;
	unsigned int nloads;
	/* for each address space (0 virtual, 1 physical): loads by start,
	 * and for each position the one reaching furthest up to it */
	unsigned int *order[2], *reach[2];
	const char *vmcoreinfo;		/* not NUL-terminated */
	size_t vmcoreinfo_len;
	int truncated;			/* a load runs past the end of the file */
};

/* Parse the ELF core in @buf; 0, or -1 with a message in @err. */
int kcore_open(struct kcore *c, const uint8_t *buf, size_t len, char *err,
	       size_t errlen);
void kcore_close(struct kcore *c);

/* Copy @n bytes at kernel virtual address @va; 0, or -1 if not dumped. */
int kcore_read(const struct kcore *c, uint64_t va, void *dst, size_t n);

/* The same by physical address (p_paddr). */
int kcore_read_phys(const struct kcore *c, uint64_t pa, void *dst, size_t n);

/*
 * Value of VMCOREINFO entry @key ("SYMBOL(prb)" is hexadecimal, the others
 * decimal); 0, or -1 if absent or malformed.
 */
int kcore_info(const struct kcore *c, const char *key, uint64_t *val);

/*
 * Print the kernel log to @out as dmesg does ("[seconds.micro] text"),
 * oldest first; only the last @tail records when @tail is not 0.  Returns
 * the records printed, or -1 with a message in @err.
 */
long kcore_dmesg(const struct kcore *c, FILE *out, unsigned long tail,
		 char *err, size_t errlen);

#endif
