/*
 * libFuzzer harness over certs_spki_type() (certs/spki.c): any bytes as a
 * DER certificate. Properties: no crash or read past the input; where
 * OpenSSL parses all of it as a certificate, the key type read is OTHER or
 * the one OpenSSL's key algorithm names (it only picks the context
 * OpenSSL parses in); where OpenSSL does not, whatever it is, OpenSSL
 * refuses it in that context too.
 */
#include <stdlib.h>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "certs/certs_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum certs_spki_type
openssl_type(const X509 *x)
{
	const ASN1_OBJECT *alg;

	if (!X509_PUBKEY_get0_param((ASN1_OBJECT **)&alg, NULL, NULL, NULL,
	    X509_get_X509_PUBKEY(x)))
		abort();
	switch (OBJ_obj2nid(alg)) {
	case NID_rsaEncryption:
		return CERTS_SPKI_RSA;
	case NID_rsassaPss:
		return CERTS_SPKI_RSA_PSS;
	case NID_X9_62_id_ecPublicKey:
		return CERTS_SPKI_EC;
	case NID_ED25519:
		return CERTS_SPKI_ED25519;
	default:
		return CERTS_SPKI_OTHER;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum certs_spki_type type = certs_spki_type(data, size);
	const unsigned char *p = data;
	X509 *x;

	if (size > 0x10000)
		return 0;
	x = d2i_X509(NULL, &p, (long)size);
	if (x != NULL && p == data + size && type != CERTS_SPKI_OTHER &&
	    type != openssl_type(x))
		abort();
	X509_free(x);
	return 0;
}
