// SPDX-License-Identifier: GPL-2.0-only
/*
 * LD_PRELOAD shim for the collector's tests: pread() of any offset at or
 * above $EIO_FROM fails with EIO, as a failing disk would.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static int failing(off_t off)
{
	const char *from = getenv("EIO_FROM");

	return from && (unsigned long long)off >= strtoull(from, NULL, 0);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, void *, size_t, off_t);

	if (failing(off)) {
		errno = EIO;
		return -1;
	}
	if (!real)
		real = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
	return real(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, void *, size_t, off_t);

	if (failing(off)) {
		errno = EIO;
		return -1;
	}
	if (!real)
		real = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread64");
	return real(fd, buf, n, off);
}
