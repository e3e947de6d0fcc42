// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the collector's other parsers.  The first input
 * byte picks one: the devicetree reader (rest of the input is the blob,
 * and a ramoops layout is derived from it) or the kernel core reader, the
 * printk decoder and the ramoops zone decoder (rest is the ELF core file,
 * output to /dev/null; the zones cover the first 64 KiB of physical
 * memory).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "kcore.h"
#include "ramoops.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	uint8_t *copy;

	if (!size)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	/* An exact-size copy, so reads past the end are caught. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 1) {
		static struct ro_zone z[RO_MAX_ZONES];
		struct fdt_layout l;

		if (!fdt_layout(copy, size - 1, &l, err, sizeof(err)))
			ro_layout(&l, 1 + (data[0] >> 1) % 8, z, err, sizeof(err));
	} else {
		struct kcore c;
		uint64_t v;

		if (!kcore_open(&c, copy, size - 1, err, sizeof(err))) {
			kcore_info(&c, "SYMBOL(prb)", &v);
			static const struct ro_zone z[] = {
				{ "dmesg", 0, 0, 0x4000 },
				{ "console", -1, 0x4000, 0x8000 },
				{ "ftrace", 0, 0xc000, 0x4000 },
			};

			kcore_dmesg(&c, devnull, data[0] >> 1, err, sizeof(err));
			ro_print(&c, z, 3, devnull);
			kcore_close(&c);
		}
	}
	free(copy);
	return 0;
}
