// SPDX-License-Identifier: GPL-2.0-only
/*
 * kpstore - print the pstore/ramoops zones held in a kernel ELF core file
 * (what mdread --elf writes): oops/panic records, console, pmsg, as
 * ramoops would show them after a reboot, without rebooting.  The zone
 * layout comes from the ramoops node of the devicetree the machine booted.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fdt.h"
#include "kcore.h"
#include "ramoops.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kpstore --dtb DTB [--cpus N] CORE\n"
		"  -t, --dtb FILE   devicetree blob with the ramoops node\n"
		"  -c, --cpus N     possible CPUs, for per-CPU ftrace zones (default 1)\n"
		"  -h, --help       this text\n"
		"exit codes: 0 ok, 2 usage or bad DTB, 3 not a core file or no zone\n"
		"            with content in it, 6 I/O error\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dtb", required_argument, NULL, 't' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ro_zone *z;
	const char *dtb = NULL;
	unsigned long ncpus = 1;
	struct fdt_layout l;
	size_t dlen, clen;
	void *dmap, *cmap;
	struct kcore c;
	char err[256] = "", *end;
	int opt, nz, found;

	while ((opt = getopt_long(argc, argv, "t:c:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			dtb = optarg;
			break;
		case 'c':
			errno = 0;
			ncpus = strtoul(optarg, &end, 0);
			if (errno || *end || !ncpus || ncpus > 4096) {
				usage(stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!dtb || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	dmap = map_file(dtb, &dlen);
	if (!dmap) {
		fprintf(stderr, "kpstore: cannot read %s\n", dtb);
		return 2;
	}
	if (fdt_layout(dmap, dlen, &l, err, sizeof(err)) ||
	    (nz = ro_layout(&l, ncpus, &z, err, sizeof(err))) < 0) {
		fprintf(stderr, "kpstore: %s: %s\n", dtb, err);
		return 2;
	}
	munmap(dmap, dlen);
	cmap = map_file(argv[optind], &clen);
	if (!cmap) {
		fprintf(stderr, "kpstore: cannot read %s\n", argv[optind]);
		free(z);
		return clen ? 6 : 3;
	}
	if (kcore_open(&c, cmap, clen, err, sizeof(err))) {
		fprintf(stderr, "kpstore: %s: %s\n", argv[optind], err);
		free(z);
		munmap(cmap, clen);
		return 3;
	}
	found = ro_print(&c, z, nz, stdout);
	free(z);
	kcore_close(&c);
	munmap(cmap, clen);
	if (fflush(stdout)) {
		perror("kpstore");
		return 6;
	}
	if (!found) {
		fprintf(stderr, "kpstore: no ramoops zone with content in %s\n", argv[optind]);
		return 3;
	}
	return 0;
}
