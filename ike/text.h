/*
 * ike/text.h — building one log line piece by piece in a fixed buffer.
 */
#ifndef UIPSEC_IKE_TEXT_H
#define UIPSEC_IKE_TEXT_H

#include <stddef.h>

/* Appends printf-formatted text to out[0..cap) at *off, which it advances;
 * out stays NUL-terminated. Text that does not fit is cut and the line
 * then ends in "..."; later appends do nothing. */
void	ike_text_append(char *out, size_t cap, size_t *off, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));

#endif
