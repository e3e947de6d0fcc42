/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the vendor-neutral dump index (Documentation/dumpregion/index.rst)
 * out of a RAM image: the carve-out's current slot, then the KELF index it
 * points at.  Nothing from the image is trusted.
 */
#ifndef DUMPREGION_TOOLS_DRINDEX_H
#define DUMPREGION_TOOLS_DRINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "minidump.h"

#define DIX_MAGIC	0x58495244u	/* "DRIX" */
#define DIX_VERSION	1
#define DIX_HDR_SIZE	64
#define DIX_RUN_SIZE	16
#define DIX_MIN_SIZE	256
#define DIX_SLOT_MAX	65536
#define DIX_F_PANIC	1u
#define DIX_F_SHUTDOWN	2u

struct dix_run {
	uint64_t phys, size;
};

/* The current slot. */
struct dix_index {
	unsigned int slot;
	uint64_t generation;
	uint32_t flags;
	uint32_t nr_runs;
	uint64_t kelf_size;
	struct dix_run *runs;	/* malloc()ed: dix_free() */
};

/* Bytes per slot of a carve-out of @size bytes. */
uint64_t dix_slot_size(uint64_t size);

/*
 * Why slot @p (@slot_size bytes) is not valid, or NULL when it is: "empty",
 * "bad magic", "version N", "bad sizes", "bad checksum".
 */
const char *dix_check_slot(const uint8_t *p, uint64_t slot_size, char *buf,
			   size_t len);

/*
 * Pick the current slot of the carve-out whose first 2 * dix_slot_size()
 * bytes are @buf (@size: the carve-out's size).  MD_ERR_NOTABLE with the
 * reason in @err when neither slot is valid.
 */
int dix_parse(const uint8_t *buf, uint64_t size, struct dix_index *ix,
	      char *err, size_t errlen);

/*
 * Read the carve-out at @base (@size bytes) from @img, pick its current
 * slot and read the KELF index it points at into *@kelf (malloc()ed).
 * MD_ERR_NOTABLE when there is no index or it lists no KELF (withdrawn),
 * MD_ERR_BADKELF for a KELF of an impossible size, MD_ERR_TRUNC or
 * MD_ERR_BADREGION when the image does not hold it.
 */
int dix_read(const struct md_image *img, uint64_t base, uint64_t size,
	     struct dix_index *ix, uint8_t **kelf, char *err, size_t errlen);

void dix_free(struct dix_index *ix);

#endif
