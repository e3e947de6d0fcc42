/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the host tools' libraries. */
#ifndef DUMPREGION_TOOLS_UTIL_H
#define DUMPREGION_TOOLS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

/* Leave a formatted message in @err (@len bytes), if @err is given. */
void seterr(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A message on stderr from a tool or its libraries.  Nothing is printed
 * when tool_quiet is set (the fuzzers); tool_before_msg, when set, runs
 * first (mdread ends its progress line there, so a warning starts a line).
 */
extern int tool_quiet;
extern void (*tool_before_msg)(void);
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The size of the file open as @fd (@st its fstat()): st_size, or for a
 * block device its length (st_size is 0 there).  -1 on error.
 */
int64_t file_size(int fd, const struct stat *st);

/*
 * Text from a dump: printable ASCII, newlines and tabs as they are, other
 * bytes as \xNN.
 */
void print_text(FILE *out, const uint8_t *t, size_t len);

/*
 * Map the file (or block device) at @path read-only; *@len gets its size.
 * NULL for an empty file (*@len 0) or an error (*@len non-zero, said).
 */
void *map_file(const char *path, size_t *len);

#endif
