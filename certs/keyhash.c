/*
 * certs/keyhash.c — CA key hashes for CERTREQ (RFC 7296 §3.7): "a
 * concatenated list of SHA-1 hashes of the public keys of trusted CAs",
 * each the SHA-1 of the DER SubjectPublicKeyInfo of a trust anchor.
 */
#include <string.h>

#include <openssl/evp.h>

#include "certs/certs_internal.h"

static void
spki_sha1(X509 *x, uint8_t out[CERTS_KEYHASH_LEN])
{
	unsigned char *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);

	memset(out, 0, CERTS_KEYHASH_LEN);
	if (len > 0)
		EVP_Digest(der, (size_t)len, out, NULL, EVP_sha1(), NULL);
	OPENSSL_free(der);
}

void
certs_cert_keyhash(const struct certs_cert *cert,
    uint8_t out[CERTS_KEYHASH_LEN])
{
	spki_sha1(cert->x509, out);
}

enum certs_status
certs_store_certreq(const struct certs_store *store, uint8_t *out, size_t cap,
    size_t *len, struct certs_err *err)
{
	size_t n = (size_t)sk_X509_num(store->anchors);

	*len = 0;
	if (n * CERTS_KEYHASH_LEN > cap)
		return certs_fail(err, CERTS_ERR_INTERNAL,
		    "%zu trust anchors need %zu bytes of CERTREQ, have %zu", n,
		    n * CERTS_KEYHASH_LEN, cap);
	for (size_t i = 0; i < n; i++)
		spki_sha1(sk_X509_value(store->anchors, (int)i),
		    out + i * CERTS_KEYHASH_LEN);
	*len = n * CERTS_KEYHASH_LEN;
	return certs_ok(err);
}

bool
certs_certreq_lists(const uint8_t *field, size_t len,
    const uint8_t hash[CERTS_KEYHASH_LEN])
{
	if (len % CERTS_KEYHASH_LEN != 0)
		return false;
	for (size_t off = 0; off < len; off += CERTS_KEYHASH_LEN)
		if (!memcmp(field + off, hash, CERTS_KEYHASH_LEN))
			return true;
	return false;
}
