/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoding ramoops zones (fs/pstore/ram.c, ram_core.c) out of a dump: the
 * zone layout ramoops derives from its devicetree node, and each zone's
 * persistent-RAM buffer.
 */
#ifndef DUMPREGION_TOOLS_RAMOOPS_H
#define DUMPREGION_TOOLS_RAMOOPS_H

#include <stdint.h>
#include <stdio.h>

#include "fdt.h"
#include "kcore.h"

/*
 * ramoops itself has no limit; 65536 zones is a 256 MiB area of 4 KiB
 * records, more than any board reserves.
 */
#define RO_MAX_ZONES	65536

struct ro_zone {
	const char *kind;	/* "dmesg", "console", "pmsg", "ftrace" */
	int index;		/* -1 for console and pmsg */
	uint64_t paddr, size;
};

/*
 * The zones ramoops lays out in the area @l describes, in its order, for
 * @ncpus CPUs (per-CPU ftrace), in an array *@zp the caller frees.
 * Returns how many, or -1 with a message in @err (and *@zp NULL) for a
 * layout ramoops would refuse.
 */
int ro_layout(const struct fdt_layout *l, unsigned int ncpus,
	      struct ro_zone **zp, char *err, size_t errlen);

/*
 * Print each zone found in @c to @out: a "== <kind>[.<i>] ..." line, then
 * its text (dmesg record body, console, pmsg; ftrace is binary and only
 * sized).  Returns the number of zones with content.
 */
int ro_print(const struct kcore *c, const struct ro_zone *z, int nz, FILE *out);

#endif
