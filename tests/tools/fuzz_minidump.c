// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the minidump table reader: the input is a RAM image
 * at 0x80000000 whose first 64 KiB (or less, rounded down to 4 KiB) is the
 * SMEM window.  Every region found is read back, and a region named
 * "kelf" or "KELF" is turned into an ELF core; then the regions found go
 * through the overlap check and the physical ELF writer (output to
 * /dev/null).
 */
#include <stdint.h>
#include <string.h>

#include "kelf.h"
#include "minidump.h"
#include "util.h"

#define BASE 0x80000000ull

struct blob {
	const uint8_t *data;
	size_t size;
};

static int blob_read(void *ctx, uint64_t phys, void *buf, uint64_t len)
{
	const struct blob *b = ctx;

	memcpy(buf, b->data + (phys - BASE), len);
	return 0;
}

static FILE *devnull;

#define MAX_SEEN	256
static struct md_region seen[MAX_SEEN];
static unsigned int nseen;

static int touch(const struct md_region *r, void *arg)
{
	static uint8_t buf[4096];
	const struct md_image *img = arg;
	uint64_t n = r->size < sizeof(buf) ? r->size : sizeof(buf);
	char err[256];

	if (md_read_phys(img, r->addr, buf, n))
		return 1;
	if (!strcmp(r->name, KELF_NAME) || !strcmp(r->name, KELF_FW_NAME))
		kelf_write(img, r->addr, r->size, r, 1, devnull, 0, err,
			   sizeof(err));
	if (nseen < MAX_SEEN)
		seen[nseen++] = *r;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blob b = { data, size };
	struct md_image img = {
		.ram_base = BASE, .ram_size = size, .read = blob_read, .ctx = &b,
	};
	uint64_t smem = size < 0x10000 ? size & ~0xfffull : 0x10000;
	char err[256];

	if (smem < 0x2000)
		return 0;
	tool_quiet = 1;		/* the libraries' messages cost time (C16) */
	if (!devnull)
		devnull = fopen("/dev/null", "wb");
	nseen = 0;
	md_walk(&img, BASE, smem, NULL, touch, &img, err, sizeof(err));
	md_check_overlaps(seen, nseen);
	phys_elf_write(&img, seen, nseen, devnull, err, sizeof(err));
	return 0;
}
