// SPDX-License-Identifier: GPL-2.0-only
/*
 * mksmem - write the SMEM window a Qualcomm boot firmware leaves in RAM,
 * with the minidump global table of contents in item 602, for QEMU to load
 * before Linux starts.  Also writes the broken variants a kernel must
 * survive.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smem_build.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mksmem [options] -o FILE\n"
		"  -o, --output FILE      where to write the SMEM image\n"
		"  -s, --size BYTES       SMEM window size (default 0x100000)\n"
		"  -n, --subsystems N     subsystem tables in item 602 (default 10)\n"
		"  -c, --cached           put item 602 in the cached list\n"
		"  -i, --items N          item count in the SIII block (default 1024)\n"
		"  -V, --variant NAME     good, legacy, no-siii, no-item, uninit, short\n"
		"  -h, --help             this text\n");
}

static int parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || !*s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "subsystems", required_argument, NULL, 'n' },
		{ "cached", no_argument, NULL, 'c' },
		{ "items", required_argument, NULL, 'i' },
		{ "variant", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long size = 0x100000, nss = 10, items = 1024;
	enum smem_variant variant = SMEM_GOOD;
	const char *out = NULL;
	struct smem_opts o;
	uint64_t toc_off;
	int cached = 0, c, ret;
	unsigned int v;
	uint8_t *img;
	FILE *f;

	while ((c = getopt_long(argc, argv, "o:s:n:ci:V:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			if (parse_ulong(optarg, &size) || size < 0x10000 ||
			    size > 0x4000000 || size % 4096) {
				fprintf(stderr, "mksmem: bad size '%s' (64 KiB to 64 MiB, 4 KiB multiple)\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			if (parse_ulong(optarg, &nss) || nss > 1000) {
				fprintf(stderr, "mksmem: bad subsystem count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			cached = 1;
			break;
		case 'i':
			/* Fewer than 603 items leave item 602 out of range. */
			if (parse_ulong(optarg, &items) || items < 603 || items > 0xffff) {
				fprintf(stderr, "mksmem: bad item count '%s' (603 to 65535: item 602 must be in range)\n",
					optarg);
				return 2;
			}
			break;
		case 'V':
			for (v = 0; v < SMEM_NR_VARIANTS; v++)
				if (!strcmp(optarg, smem_variant_names[v]))
					break;
			if (v == SMEM_NR_VARIANTS) {
				fprintf(stderr, "mksmem: unknown variant '%s'\n",
					optarg);
				return 2;
			}
			variant = v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!out || optind != argc) {
		usage(stderr);
		return 2;
	}

	img = calloc(1, size);
	if (!img) {
		perror("mksmem");
		return 1;
	}
	o.size = size;
	o.subsystems = nss;
	o.items = items;
	o.cached = cached;
	o.variant = variant;
	smem_build(img, &o, &toc_off);

	ret = 0;
	f = fopen(out, "wb");
	if (!f) {
		perror(out);
		ret = 1;
		goto free_img;
	}
	if (fwrite(img, 1, size, f) != size) {
		perror(out);
		ret = 1;
	}
	if (fclose(f) && !ret) {
		perror(out);
		ret = 1;
	}
free_img:
	free(img);
	return ret;
}
