/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the host tools' libraries. */
#ifndef DUMPREGION_TOOLS_UTIL_H
#define DUMPREGION_TOOLS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Leave a formatted message in @err (@len bytes), if @err is given. */
void seterr(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Text from a dump: printable ASCII, newlines and tabs as they are, other
 * bytes as \xNN.
 */
void print_text(FILE *out, const uint8_t *t, size_t len);

/*
 * Map the file at @path read-only; *@len gets its size.  NULL for an
 * empty file (*@len 0) or an I/O error (*@len non-zero, perror printed).
 */
void *map_file(const char *path, size_t *len);

#endif
