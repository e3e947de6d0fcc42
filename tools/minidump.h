/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the Qualcomm minidump table out of a RAM image, as the boot
 * firmware does in download mode.  Nothing from the image is trusted.
 */
#ifndef DUMPREGION_TOOLS_MINIDUMP_H
#define DUMPREGION_TOOLS_MINIDUMP_H

#include <stddef.h>
#include <stdint.h>

/* Results; mdread turns them into exit codes. */
enum md_err {
	MD_OK = 0,
	MD_ERR_NOTABLE,		/* no SMEM, no item 602, or not initialised */
	MD_ERR_TRUNC,		/* window or region beyond the image */
	MD_ERR_BADREGION,	/* region or region table outside RAM */
	MD_ERR_IO,
	MD_ERR_OVERLAP,		/* two regions share bytes */
	MD_ERR_BADKELF,		/* the KELF index is corrupt */
};

/* Guest physical memory: [ram_base, ram_base + ram_size). */
struct md_image {
	uint64_t ram_base;
	uint64_t ram_size;
	/*
	 * Bytes the memory files hold, zero-filled tails of ELF cores left
	 * out; 0 means all of @ram_size.  Bounds the table entries read.
	 */
	uint64_t held;
	/* Read @len bytes at physical @phys; 0 or -errno. */
	int (*read)(void *ctx, uint64_t phys, void *buf, uint64_t len);
	void *ctx;
};

struct md_region {
	unsigned int subsystem;
	char name[17];		/* NUL-terminated, unprintables replaced */
	uint32_t seq;
	uint64_t addr;
	uint64_t size;
};

/* Called for each valid region of each enabled subsystem. */
typedef int (*md_region_fn)(const struct md_region *r, void *arg);
/* Called for each enabled subsystem before its regions. */
typedef void (*md_subsystem_fn)(unsigned int ss, uint32_t count,
				uint64_t table, void *arg);

/* Bounds-checked read of guest physical memory. */
int md_read_phys(const struct md_image *img, uint64_t phys, void *buf,
		 uint64_t len);

/*
 * The result for a read of @what at @addr that failed with @rd (-errno
 * from md_read_phys()), its cause left in @err: outside RAM
 * (MD_ERR_BADREGION), a hole or the end of the memory files
 * (MD_ERR_TRUNC), or a read error, named (MD_ERR_IO).
 */
int md_read_fail(int rd, const char *what, uint64_t addr, char *err, size_t errlen);

/*
 * Find item @item in the SMEM window held in @smem (@size bytes).  On
 * success *@off and *@len give the item within the window.  On failure a
 * message is left in @err.
 */
enum md_err md_smem_find(const uint8_t *smem, uint64_t size, unsigned int item,
			 uint64_t *off, uint64_t *len, char *err, size_t errlen);

/*
 * Walk SMEM at @smem_base -> item 602 -> every enabled subsystem -> its
 * valid regions, calling @ss_fn and @fn.  Regions outside RAM are reported
 * in @err and skipped (result MD_ERR_BADREGION); a non-zero return from
 * @fn stops the walk and is returned.
 */
int md_walk(const struct md_image *img, uint64_t smem_base, uint64_t smem_size,
	    md_subsystem_fn ss_fn, md_region_fn fn, void *arg,
	    char *err, size_t errlen);

/*
 * The same for the MMIO variant: the tables of contents are the register
 * window at @base (global init at 0x00; the APSS table's init, enable,
 * encryption status, count and array base at 0x20..0x38).
 */
int md_walk_mmio(const struct md_image *img, uint64_t base,
		 md_subsystem_fn ss_fn, md_region_fn fn, void *arg,
		 char *err, size_t errlen);

/*
 * Report (on stderr, by name) regions that share bytes, a region inside
 * another included.  O(n log n).  Returns MD_OK, MD_ERR_OVERLAP or
 * MD_ERR_IO (out of memory).
 */
int md_check_overlaps(const struct md_region *regions, unsigned int n);

#endif
