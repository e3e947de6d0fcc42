// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the host tools' libraries. */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
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

int tool_quiet;
void (*tool_before_msg)(void);

void msg(const char *fmt, ...)
{
	va_list ap;

	if (tool_quiet)
		return;
	if (tool_before_msg)
		tool_before_msg();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int64_t file_size(int fd, const struct stat *st)
{
	if (!S_ISBLK(st->st_mode))
		return st->st_size;
	return lseek(fd, 0, SEEK_END);
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
	int64_t size;
	/* Non-blocking: a FIFO must not hang the open. */
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	*len = 1;
	if (fd < 0 || fstat(fd, &st)) {
		msg("%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		msg("%s: %s, not a regular file\n", path,
		    S_ISDIR(st.st_mode) ? "a directory" :
		    S_ISFIFO(st.st_mode) ? "a pipe" : "a character device or socket");
		close(fd);
		return NULL;
	}
	size = file_size(fd, &st);
	if (size < 0 || (uint64_t)size != (size_t)size) {
		msg("%s: %s\n", path, size < 0 ? strerror(errno) : "too large to map");
		close(fd);
		return NULL;
	}
	*len = size;
	if (!size)
		msg("%s: an empty file\n", path);
	if (size) {
		p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			msg("%s: %s\n", path, strerror(errno));
			p = NULL;
		}
	}
	close(fd);
	return p;
}
