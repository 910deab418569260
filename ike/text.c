/* ike/text.c — see text.h. */
#include "ike/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
ike_text_append(char *out, size_t cap, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *off, cap - *off, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < cap - *off) {
		*off += (size_t)n;
		return;
	}
	if (cap >= 4)
		memcpy(out + cap - 4, "...", 3);
	*off = cap;
}
