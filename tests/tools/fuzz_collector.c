// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the collector's other parsers.  The first input
 * byte picks one: the devicetree reader (rest of the input is the blob) or
 * the kernel core reader and printk decoder (rest is the ELF core file,
 * log printed to /dev/null).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "kcore.h"

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
		struct fdt_layout l;

		fdt_layout(copy, size - 1, &l, err, sizeof(err));
	} else {
		struct kcore c;
		uint64_t v;

		if (!kcore_open(&c, copy, size - 1, err, sizeof(err))) {
			kcore_info(&c, "SYMBOL(prb)", &v);
			kcore_dmesg(&c, devnull, data[0] >> 1, err, sizeof(err));
			kcore_close(&c);
		}
	}
	free(copy);
	return 0;
}
