// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for mdread as users run it: its main() (built with
 * -Dmain=mdread_main) on memory files made from the input, so option
 * handling, several memory files, ELF-core input, the SMEM, MMIO and
 * dump-index paths and both ELF writers are reached together.
 *
 * Input: byte 0 picks the options, bytes 1-2 a split point (in 4 KiB
 * units), the rest is the memory: a raw image at 0x80000000 or an ELF
 * core file.  Byte 0:
 *   bits 0-1  0 SMEM window at the base (64 KiB), 1 MMIO registers at the
 *             base, 2 dump index at the base (64 KiB), 3 a DTB: the first
 *             split bytes of the memory are the blob, the rest the memory
 *   bit 2     --list
 *   bit 3     --elf /dev/null (no action at all: --list)
 *   bit 4     two memory files, cut at the split point, each at its base
 *   bit 5     --dump into a directory emptied after each run
 * Messages are silenced (tool_quiet); standard output goes to /dev/null.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

int mdread_main(int argc, char **argv);

static char dumpdir[64];

/* A memory file holding @len bytes of @p, named /proc/self/fd/N in @path. */
static int memfile(const uint8_t *p, size_t len, char *path, size_t plen)
{
	int fd = memfd_create("fuzz_mdread", 0);

	if (fd < 0)
		return -1;
	if (len && write(fd, p, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	snprintf(path, plen, "/proc/self/fd/%d", fd);
	return fd;
}

static void empty_dumpdir(void)
{
	struct dirent *e;
	char path[512];
	DIR *d = opendir(dumpdir);

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dumpdir, e->d_name);
			unlink(path);
		}
	closedir(d);
}

static void remove_dumpdir(void)
{
	empty_dumpdir();
	rmdir(dumpdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tool_quiet = 1;
	if (!freopen("/dev/null", "w", stdout))
		return 0;
	snprintf(dumpdir, sizeof(dumpdir), "/tmp/fuzz_mdread.XXXXXX");
	if (!mkdtemp(dumpdir))
		dumpdir[0] = 0;
	else
		atexit(remove_dumpdir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[2][64], *argv[24];
	char img1[80], img2[80], dtb[48];
	int fd1 = -1, fd2 = -1, fd3 = -1, argc = 0;
	size_t split, len;
	const uint8_t *mem;
	uint8_t sel;

	if (size < 3)
		return 0;
	sel = data[0];
	split = ((size_t)data[1] | (size_t)data[2] << 8) * 4096;
	mem = data + 3;
	len = size - 3;
	if (split > len)
		split = len;
	argv[argc++] = "mdread";
	argv[argc++] = "-q";
	if ((sel & 3) == 3) {
		/* The devicetree, then the memory it describes. */
		fd3 = memfile(mem, split < 4096 ? split : 4096, dtb, sizeof(dtb));
		if (fd3 < 0)
			goto out;
		argv[argc++] = "--dtb";
		argv[argc++] = dtb;
		mem += split < 4096 ? split : 4096;
		len -= split < 4096 ? split : 4096;
		split = len / 2;
	} else {
		argv[argc++] = "--ram-base";
		argv[argc++] = "0x80000000";
	}
	if (sel & 0x10) {
		fd1 = memfile(mem, split, a[0], sizeof(a[0]));
		fd2 = memfile(mem + split, len - split, a[1], sizeof(a[1]));
		if (fd1 < 0 || fd2 < 0)
			goto out;
		snprintf(img1, sizeof(img1), "%s@0x80000000", a[0]);
		snprintf(img2, sizeof(img2), "%s@0x%llx", a[1], 0x80000000ull + split);
		argv[argc++] = "--image";
		argv[argc++] = img1;
		argv[argc++] = "--image";
		argv[argc++] = img2;
	} else {
		fd1 = memfile(mem, len, img1, sizeof(img1));
		if (fd1 < 0)
			goto out;
		argv[argc++] = "--image";
		argv[argc++] = img1;
	}
	switch (sel & 3) {
	case 0:
		argv[argc++] = "--smem";
		argv[argc++] = "0x80000000,0x10000";
		break;
	case 1:
		argv[argc++] = "--mmio-base";
		argv[argc++] = "0x80000000";
		break;
	case 2:
		argv[argc++] = "--index-at";
		argv[argc++] = "0x80000000,0x10000";
		break;
	}
	/* No action is a usage message: not worth the time. */
	if ((sel & 4) || !(sel & 0x28))
		argv[argc++] = "--list";
	if (sel & 8) {
		argv[argc++] = "--elf";
		argv[argc++] = "/dev/null";
	}
	if ((sel & 0x20) && dumpdir[0]) {
		argv[argc++] = "--dump";
		argv[argc++] = dumpdir;
	}
	argv[argc] = NULL;
	optind = 0;
	mdread_main(argc, argv);
	if (sel & 0x20)
		empty_dumpdir();
out:
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	if (fd3 >= 0)
		close(fd3);
	return 0;
}
