/*
 * certs/der.c — the DER TLV step every certs/ walk over raw DER takes
 * (DN text in dn.c, the SubjectPublicKeyInfo's key type in spki.c).
 */
#include "certs/certs_internal.h"

/*
 * One DER TLV (X.690 §8.1, §10.1): a low tag number, a definite length in
 * its shortest form (at most 64 KiB), and a view of the contents. Anything
 * else is false, and the caller leaves the input to OpenSSL.
 */
bool
certs_der_tlv(struct buf_reader *r, uint8_t *tag, struct buf_reader *contents)
{
	uint8_t l0, b0, b1 = 0;
	size_t len;

	if (!buf_get_u8(r, tag) || (*tag & 0x1f) == 0x1f ||
	    !buf_get_u8(r, &l0))
		return false;
	if (l0 < 0x80)
		len = l0;
	else if (l0 == 0x81 && buf_get_u8(r, &b0) && b0 >= 0x80)
		len = b0;
	else if (l0 == 0x82 && buf_get_u8(r, &b0) && b0 != 0 &&
	    buf_get_u8(r, &b1))
		len = (size_t)b0 << 8 | b1;
	else
		return false;
	return buf_sub(r, len, contents);
}

bool
certs_der_expect(struct buf_reader *r, uint8_t want,
    struct buf_reader *contents)
{
	uint8_t tag;

	return certs_der_tlv(r, &tag, contents) && tag == want;
}
