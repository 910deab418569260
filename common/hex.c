/* common/hex.c — see hex.h. */
#include "hex.h"

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
hex_decode(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, d;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	for (; *text; text++) {
		if (*text == ':' && hi < 0)
			continue;
		if ((d = hex_digit(*text)) < 0)
			return -1;
		if (hi < 0) {
			hi = d;
			continue;
		}
		if (n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

void
hex_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (cap == 0)
		return;
	for (i = 0; i < len && 2 * i + 2 < cap; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * i] = '\0';
}
