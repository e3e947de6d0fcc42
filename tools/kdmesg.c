// SPDX-License-Identifier: GPL-2.0-only
/*
 * kdmesg - print the kernel log held in a kernel ELF core file (what
 * mdread --elf writes), decoded from the printk ring buffer as VMCOREINFO
 * describes it.  No vmlinux needed.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kcore.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kdmesg [--tail N] CORE\n"
		"  -t, --tail N   only the last N records\n"
		"  -h, --help     this text\n"
		"exit codes: 0 ok, 2 usage, 3 not a core file or no kernel log in it,\n"
		"            6 I/O error\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "tail", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long tail = 0;
	struct kcore c;
	char err[256] = "";
	size_t len;
	void *map;
	char *end;
	long n;
	int opt;

	while ((opt = getopt_long(argc, argv, "t:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			errno = 0;
			tail = strtoul(optarg, &end, 0);
			/* strtoul() takes "-1" as ULONG_MAX: a sign is refused. */
			if (errno || *end || !*optarg || strchr(optarg, '-')) {
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
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	map = map_file(argv[optind], &len);
	if (!map) {
		fprintf(stderr, "kdmesg: cannot read %s\n", argv[optind]);
		return len ? 6 : 3;
	}
	if (kcore_open(&c, map, len, err, sizeof(err))) {
		fprintf(stderr, "kdmesg: %s: %s\n", argv[optind], err);
		return 3;
	}
	n = kcore_dmesg(&c, stdout, tail, err, sizeof(err));
	kcore_close(&c);
	munmap(map, len);
	if (n < 0) {
		fprintf(stderr, "kdmesg: %s: %s\n", argv[optind], err);
		return 3;
	}
	if (!n) {
		fprintf(stderr, "kdmesg: %s: no log record could be decoded\n", argv[optind]);
		return 3;
	}
	if (fflush(stdout)) {
		perror("kdmesg");
		return 6;
	}
	return 0;
}
