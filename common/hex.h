/* common/hex.h — hex text <-> bytes, for config files, key logs and tests. */
#ifndef UIPSEC_COMMON_HEX_H
#define UIPSEC_COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Decodes hex text (an optional "0x" prefix; ':' separators allowed) into
 * out[0..cap). Returns the number of bytes, or -1 on a bad digit, an odd
 * digit count, or more than cap bytes. */
long	hex_decode(const char *text, uint8_t *out, size_t cap);
/* Writes 2*len hex digits and a NUL into out (cap >= 2*len+1). */
void	hex_encode(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
