/*
 * certs/auth_verify.c — verifying a peer's AUTH payload (RFC 7296 §2.15)
 * against the public key of its validated certificate: methods 1 and
 * 9/10/11 (RFC 4754: r||s of fixed length), and method 14 (RFC 7427 §3:
 * the AlgorithmIdentifier must fit the key; ECDSA signatures in DER).
 */
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>

#include "certs/certs_internal.h"
#include "common/buf.h"

/* r||s (RFC 4754 §7) -> DER Ecdsa-Sig-Value, which OpenSSL verifies. */
static enum certs_status
ecdsa_raw_to_der(const uint8_t *raw, size_t len, size_t half, uint8_t **der,
    int *der_len, const char *what, struct certs_err *err)
{
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *s = NULL;

	*der = NULL;
	if (len != 2 * half)
		return certs_fail(err, CERTS_ERR_SIGNATURE,
		    "%s AUTH signature must be %zu bytes (r||s), got %zu", what,
		    2 * half, len);
	if ((sig = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(raw, (int)half, NULL)) == NULL ||
	    (s = BN_bin2bn(raw + half, (int)half, NULL)) == NULL ||
	    !ECDSA_SIG_set0(sig, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return certs_fail_ossl(err, "ECDSA_SIG");
	}
	*der_len = i2d_ECDSA_SIG(sig, der);
	ECDSA_SIG_free(sig);
	if (*der_len <= 0)
		return certs_fail_ossl(err, "i2d_ECDSA_SIG");
	return CERTS_OK;
}

static bool
scheme_fits_key(enum certs_sig_scheme scheme, enum certs_key_type key)
{
	switch (scheme) {
	case CERTS_SIG_RSA_PKCS1:
	case CERTS_SIG_RSA_PSS:
		return key == CERTS_KEY_RSA;
	case CERTS_SIG_ECDSA:
		return certs_ecdsa_half(key) != 0;
	case CERTS_SIG_ED25519:
		return key == CERTS_KEY_ED25519;
	}
	return false;
}

/* Method 14: ASN.1 length octet, AlgorithmIdentifier, signature. */
static enum certs_status
split_digital_signature(const uint8_t *auth, size_t len,
    struct certs_sigalg *a, const uint8_t **sig, size_t *sig_len,
    struct certs_err *err)
{
	struct buf_reader r;
	const uint8_t *algid;
	enum certs_status st;
	uint8_t alen;

	buf_reader_init(&r, auth, len);
	if (!buf_get_u8(&r, &alen) || alen == 0 ||
	    !buf_get_bytes(&r, alen, &algid) || buf_remaining(&r) == 0)
		return certs_fail(err, CERTS_ERR_PARSE,
		    "AUTH data (%zu bytes) is too short for RFC 7427's length, "
		    "AlgorithmIdentifier and signature", len);
	if ((st = certs_sigalg_decode(algid, alen, a, err)) != CERTS_OK)
		return st;
	*sig_len = buf_remaining(&r);
	*sig = buf_cursor(&r);
	return CERTS_OK;
}

static enum certs_status
check_hash_policy(const struct certs_sigalg *a, unsigned flags,
    struct certs_err *err)
{
	if (a->hash == CERTS_HASH_SHA1 && !(flags & CERTS_AUTH_ALLOW_SHA1))
		return certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "AUTH signed with SHA-1 refused (SHA-256 or better needed)");
	if (a->scheme == CERTS_SIG_RSA_PSS &&
	    a->mgf1_hash == CERTS_HASH_SHA1 && !(flags & CERTS_AUTH_ALLOW_SHA1))
		return certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "AUTH RSA-PSS with MGF1-SHA-1 refused");
	return CERTS_OK;
}

/* The certificate's subject for a reason into buf: formatted only when
 * something is refused (DN text costs as much as a hash of the octets). */
static const char *
subject(const struct certs_cert *cert, char buf[CERTS_NAME_MAX])
{
	certs_cert_subject(cert, buf, CERTS_NAME_MAX);
	return buf;
}

static enum certs_status
verify_octets(EVP_PKEY *pkey, const struct certs_sigalg *a,
    const uint8_t *sig, size_t sig_len, const uint8_t *octets,
    size_t octets_len, const struct certs_cert *cert, struct certs_err *err)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	enum certs_status st;
	char name[64], subj[CERTS_NAME_MAX];
	int ok;

	if (mctx == NULL)
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	if ((st = certs_sigalg_init(mctx, pkey, a, false, err)) == CERTS_OK) {
		ok = EVP_DigestVerify(mctx, sig, sig_len, octets, octets_len);
		ERR_clear_error();
		if (ok != 1)
			st = certs_fail(err, CERTS_ERR_SIGNATURE,
			    "AUTH signature (%s) does not verify with the key of "
			    "%s", certs_sigalg_name(a, name, sizeof(name)),
			    subject(cert, subj));
	}
	EVP_MD_CTX_free(mctx);
	return st;
}

enum certs_status
certs_auth_verify(const struct certs_cert *cert, uint8_t method,
    const uint8_t *auth_data, size_t auth_len, const uint8_t *octets,
    size_t octets_len, unsigned flags, struct certs_err *err)
{
	EVP_PKEY *pkey = X509_get0_pubkey(cert->x509);
	char subj[CERTS_NAME_MAX], keytext[32], name[64];
	enum certs_key_type key, want;
	struct certs_sigalg a;
	const uint8_t *sig = auth_data;
	size_t sig_len = auth_len;
	uint8_t *der = NULL;
	int der_len = 0;
	enum certs_status st;

	if (pkey == NULL)
		return certs_fail(err, CERTS_ERR_KEY,
		    "certificate for %s has no usable public key",
		    subject(cert, subj));
	if ((st = certs_pkey_check(pkey, "peer's certificate key", &key,
	    err)) != CERTS_OK)
		return st;
	certs_pkey_describe(pkey, keytext, sizeof(keytext));
	if (method == CERTS_AUTH_DIGITAL_SIGNATURE) {
		if ((st = split_digital_signature(auth_data, auth_len, &a, &sig,
		    &sig_len, err)) != CERTS_OK)
			return st;
		if (!scheme_fits_key(a.scheme, key))
			return certs_fail(err, CERTS_ERR_SIGNATURE,
			    "AUTH uses %s but the certificate of %s holds a %s "
			    "key", certs_sigalg_name(&a, name, sizeof(name)),
			    subject(cert, subj), keytext);
	} else if (certs_classic_method(method, &want, &a)) {
		if (want != key)
			return certs_fail(err, CERTS_ERR_SIGNATURE,
			    "AUTH method %u does not fit the %s key of %s",
			    method, keytext, subject(cert, subj));
		if (a.scheme == CERTS_SIG_ECDSA && (st = ecdsa_raw_to_der(
		    auth_data, auth_len, certs_ecdsa_half(key), &der, &der_len,
		    keytext, err)) != CERTS_OK)
			return st;
		if (der != NULL) {
			sig = der;
			sig_len = (size_t)der_len;
		}
	} else {
		return certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "AUTH method %u is not a signature method we accept (1, 9, "
		    "10, 11, 14)", method);
	}
	if ((st = check_hash_policy(&a, flags, err)) == CERTS_OK)
		st = verify_octets(pkey, &a, sig, sig_len, octets, octets_len,
		    cert, err);
	OPENSSL_free(der);
	return st == CERTS_OK ? certs_ok(err) : st;
}
