// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the host tools' libraries. */
#include <stdarg.h>

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
