// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the collector's other parsers.  The first input
 * byte picks one: the devicetree reader (odd: rest of the input is the
 * blob, and a ramoops layout is derived from it), the dump index reader
 * (bit 1 set: rest is RAM from 0x1000 with the carve-out, of 256 << bits
 * 2-4 bytes, at its start; the KELF index found is written out as an ELF
 * core to /dev/null) or the kernel core reader, the printk decoder and the
 * ramoops zone decoder (rest is the ELF core file, output to /dev/null;
 * the zones cover the first 64 KiB of physical memory).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drindex.h"
#include "fdt.h"
#include "kcore.h"
#include "kelf.h"
#include "ramoops.h"
#include "util.h"

static FILE *devnull;

struct ram {
	const uint8_t *p;
	size_t len;
};

static int ram_read(void *ctx, uint64_t phys, void *buf, uint64_t len)
{
	const struct ram *r = ctx;

	/* md_read_phys() bounds every read by the image. */
	memcpy(buf, r->p + (phys - 0x1000), len);
	return 0;
}

static void fuzz_index(uint8_t sel, const uint8_t *p, size_t len)
{
	struct ram r = { p, len };
	struct md_image img = { .ram_base = 0x1000, .ram_size = len, .read = ram_read,
				.ctx = &r };
	struct dix_index ix;
	uint8_t *kelf = NULL;
	char err[256];

	if (!dix_read(&img, 0x1000, 256u << (sel >> 2 & 7), &ix, &kelf, err, sizeof(err)))
		kelf_write_buf(&img, kelf, ix.kelf_size, NULL, 0, devnull, 0, err,
			       sizeof(err));
	free(kelf);
	dix_free(&ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	uint8_t *copy;

	if (!size)
		return 0;
	tool_quiet = 1;		/* the libraries' messages cost time (C16) */
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	/* An exact-size copy, so reads past the end are caught. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (!(data[0] & 1) && data[0] & 2) {
		fuzz_index(data[0], copy, size - 1);
	} else if (data[0] & 1) {
		struct ro_zone *z;
		struct fdt_layout l;

		if (!fdt_layout(copy, size - 1, &l, err, sizeof(err))) {
			ro_layout(&l, 1 + (data[0] >> 1) % 8, &z, err, sizeof(err));
			free(z);
		}
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
