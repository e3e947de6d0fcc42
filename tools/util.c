// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the host tools' libraries. */
#define _FILE_OFFSET_BITS 64
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

void print_text(FILE *out, const uint8_t *t, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (t[i] == '\n' || t[i] == '\t' || (t[i] >= 0x20 && t[i] < 0x7f))
			fputc(t[i], out);
		else
			fprintf(out, "\\x%02x", t[i]);
	}
}

void *map_file(const char *path, size_t *len)
{
	struct stat st;
	void *p = NULL;
	/* Non-blocking: a FIFO must not hang the open. */
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	*len = 1;
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: %s, not a regular file\n", path,
			S_ISDIR(st.st_mode) ? "a directory" :
			S_ISFIFO(st.st_mode) ? "a pipe" : "a device or socket");
		close(fd);
		return NULL;
	}
	*len = st.st_size;
	if (st.st_size) {
		p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			perror(path);
			p = NULL;
		}
	}
	close(fd);
	return p;
}
