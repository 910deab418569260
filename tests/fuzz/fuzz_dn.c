/*
 * libFuzzer harness over certs_dn_format() (certs/dn.c): any bytes as a
 * DN's DER. Differential: the DER walk (certs_dn_walk) and the
 * d2i_X509_NAME path it falls back to give the same text and length,
 * whole and cut to 16 octets; certs_dn_valid() agrees with OpenSSL; no
 * crash or leak.
 */
#include <stdlib.h>
#include <string.h>

#include "certs/certs_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same(const uint8_t *data, size_t size, size_t cap)
{
	char a[2048], b[2048];

	if (certs_dn_format(data, size, a, cap) !=
	    certs_dn_format_ossl(data, size, b, cap) || strcmp(a, b) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[2048];
	bool valid;

	same(data, size, sizeof(text));
	same(data, size, 16);
	/* OpenSSL's path returns 0 and "(invalid DN)" only when d2i fails
	 * (a valid DN's text starts with an attribute name, or is empty). */
	valid = certs_dn_format_ossl(data, size, text, sizeof(text)) != 0 ||
	    strcmp(text, "(invalid DN)") != 0;
	if (certs_dn_valid(data, size) != valid)
		abort();
	return 0;
}
