/*
 * certs/spki.c — the key type of a DER certificate, from the algorithm of
 * its SubjectPublicKeyInfo, read with the bounded reader before OpenSSL
 * parses the certificate: it picks the library context the certificate is
 * parsed in (libctx.c). Only a hint: whatever does not read as expected
 * is CERTS_SPKI_OTHER, parsed in the default context, and OpenSSL's parse
 * decides as it always did.
 */
#include <string.h>

#include "certs/certs_internal.h"
#include "common/buf.h"

#define DER_SEQUENCE	0x30
#define DER_INTEGER	0x02
#define DER_OID		0x06
#define DER_EXPLICIT_0	0xa0

/* The algorithm OIDs' contents octets (X.690 §8.19). */
static const struct {
	uint8_t			oid[9];
	size_t			len;
	enum certs_spki_type	type;
} algorithms[] = {
	/* rsaEncryption 1.2.840.113549.1.1.1 (RFC 8017 appendix C) */
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 }, 9,
	    CERTS_SPKI_RSA },
	/* id-RSASSA-PSS 1.2.840.113549.1.1.10 (RFC 4055 §3) */
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a }, 9,
	    CERTS_SPKI_RSA_PSS },
	/* id-ecPublicKey 1.2.840.10045.2.1 (RFC 5480 §2.1.1) */
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 }, 7, CERTS_SPKI_EC },
	/* id-Ed25519 1.3.101.112 (RFC 8410 §3) */
	{ { 0x2b, 0x65, 0x70 }, 3, CERTS_SPKI_ED25519 },
};

static enum certs_spki_type
type_of_oid(const struct buf_reader *oid)
{
	size_t n = buf_remaining(oid);

	for (size_t i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]);
	    i++)
		if (algorithms[i].len == n &&
		    memcmp(algorithms[i].oid, buf_cursor(oid), n) == 0)
			return algorithms[i].type;
	return CERTS_SPKI_OTHER;
}

/*
 * RFC 5280 §4.1:
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
 *       signatureValue }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT OPTIONAL,
 *       serialNumber INTEGER, signature AlgorithmIdentifier, issuer Name,
 *       validity Validity, subject Name,
 *       subjectPublicKeyInfo SEQUENCE { algorithm AlgorithmIdentifier,
 *           subjectPublicKey BIT STRING }, ... }
 *   AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER,
 *       parameters ANY OPTIONAL }
 */
enum certs_spki_type
certs_spki_type(const uint8_t *der, size_t len)
{
	struct buf_reader r, cert, tbs, skip, spki, alg, oid;
	uint8_t tag;

	buf_reader_init(&r, der, len);
	if (!certs_der_expect(&r, DER_SEQUENCE, &cert) ||
	    !certs_der_expect(&cert, DER_SEQUENCE, &tbs) ||
	    !certs_der_tlv(&tbs, &tag, &skip))
		return CERTS_SPKI_OTHER;
	if (tag == DER_EXPLICIT_0 &&
	    !certs_der_expect(&tbs, DER_INTEGER, &skip))
		return CERTS_SPKI_OTHER;
	if ((tag != DER_EXPLICIT_0 && tag != DER_INTEGER) ||
	    !certs_der_expect(&tbs, DER_SEQUENCE, &skip) ||	/* signature */
	    !certs_der_expect(&tbs, DER_SEQUENCE, &skip) ||	/* issuer */
	    !certs_der_expect(&tbs, DER_SEQUENCE, &skip) ||	/* validity */
	    !certs_der_expect(&tbs, DER_SEQUENCE, &skip) ||	/* subject */
	    !certs_der_expect(&tbs, DER_SEQUENCE, &spki) ||
	    !certs_der_expect(&spki, DER_SEQUENCE, &alg) ||
	    !certs_der_expect(&alg, DER_OID, &oid))
		return CERTS_SPKI_OTHER;
	return type_of_oid(&oid);
}
