/*
 * certs/auth_sign.c — signing the IKEv2 AUTH octets (RFC 7296 §2.15) with
 * our private key: the classic methods 1 and 9/10/11 (RFC 4754 r||s), and
 * method 14 (RFC 7427 §3: ASN.1 length, AlgorithmIdentifier, signature).
 */
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>

#include "certs/certs_internal.h"

/* RFC 4754 §7 / RFC 7296 §3.8: the classic ECDSA method of each curve. */
static const struct {
	enum certs_key_type	 key;
	enum certs_auth_method	 method;
	enum certs_hash		 hash;
	size_t			 half;	/* octets of r and of s */
} ecdsa_methods[] = {
	{ CERTS_KEY_ECDSA_P256, CERTS_AUTH_ECDSA_SHA256_P256, CERTS_HASH_SHA256,
	    32 },
	{ CERTS_KEY_ECDSA_P384, CERTS_AUTH_ECDSA_SHA384_P384, CERTS_HASH_SHA384,
	    48 },
	{ CERTS_KEY_ECDSA_P521, CERTS_AUTH_ECDSA_SHA512_P521, CERTS_HASH_SHA512,
	    66 },
};
#define NECDSA	(sizeof(ecdsa_methods) / sizeof(ecdsa_methods[0]))

size_t
certs_ecdsa_half(enum certs_key_type key)
{
	for (size_t i = 0; i < NECDSA; i++)
		if (ecdsa_methods[i].key == key)
			return ecdsa_methods[i].half;
	return 0;
}

bool
certs_classic_method(uint8_t method, enum certs_key_type *key,
    struct certs_sigalg *a)
{
	memset(a, 0, sizeof(*a));
	if (method == CERTS_AUTH_RSA_SIG) {
		*key = CERTS_KEY_RSA;
		a->scheme = CERTS_SIG_RSA_PKCS1;
		a->hash = CERTS_HASH_SHA1;
		return true;
	}
	for (size_t i = 0; i < NECDSA; i++)
		if (ecdsa_methods[i].method == method) {
			*key = ecdsa_methods[i].key;
			a->scheme = CERTS_SIG_ECDSA;
			a->hash = ecdsa_methods[i].hash;
			return true;
		}
	return false;
}

/* The hash that fits a key best, if the peer knows it. */
static enum certs_hash
preferred_hash(enum certs_key_type key)
{
	switch (key) {
	case CERTS_KEY_ECDSA_P384:
		return CERTS_HASH_SHA384;
	case CERTS_KEY_ECDSA_P521:
		return CERTS_HASH_SHA512;
	case CERTS_KEY_ED25519:
		return CERTS_HASH_IDENTITY;
	default:
		return CERTS_HASH_SHA256;
	}
}

enum certs_status
certs_auth_choose(const struct certs_key *key, unsigned peer_hashes,
    bool rsa_pss, struct certs_auth_params *out, struct certs_err *err)
{
	static const enum certs_hash strongest[] = { CERTS_HASH_SHA512,
	    CERTS_HASH_SHA384, CERTS_HASH_SHA256 };
	enum certs_hash want = preferred_hash(key->type);
	unsigned common = peer_hashes & CERTS_HASHES_SUPPORTED;

	memset(out, 0, sizeof(*out));
	if (common != 0) {
		out->method = CERTS_AUTH_DIGITAL_SIGNATURE;
		out->rsa_pss = rsa_pss && key->type == CERTS_KEY_RSA;
		if (common & CERTS_HASH_BIT(want)) {
			out->hash = want;
			return certs_ok(err);
		}
		for (size_t i = 0; key->type != CERTS_KEY_ED25519 && i <
		    sizeof(strongest) / sizeof(strongest[0]); i++)
			if (common & CERTS_HASH_BIT(strongest[i])) {
				out->hash = strongest[i];
				return certs_ok(err);
			}
		memset(out, 0, sizeof(*out));	/* no hash in common */
	}
	if (key->type == CERTS_KEY_ED25519)
		return certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "an Ed25519 key needs RFC 7427 signature authentication "
		    "with the Identity hash (RFC 8420), which the peer did not "
		    "announce");
	if (key->type == CERTS_KEY_RSA) {
		out->method = CERTS_AUTH_RSA_SIG;
		return certs_ok(err);
	}
	for (size_t i = 0; i < NECDSA; i++)
		if (ecdsa_methods[i].key == key->type)
			out->method = ecdsa_methods[i].method;
	return certs_ok(err);
}

/* DER Ecdsa-Sig-Value -> r||s, each left-padded to half octets. */
static enum certs_status
ecdsa_der_to_raw(const uint8_t *der, size_t len, size_t half, uint8_t *out,
    size_t cap, size_t *out_len, struct certs_err *err)
{
	const unsigned char *q = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &q, (long)len);
	const BIGNUM *r, *s;
	bool ok;

	if (sig == NULL || 2 * half > cap)
		ok = false;
	else {
		ECDSA_SIG_get0(sig, &r, &s);
		ok = BN_bn2binpad(r, out, (int)half) == (int)half &&
		    BN_bn2binpad(s, out + half, (int)half) == (int)half;
	}
	ECDSA_SIG_free(sig);
	if (!ok)
		return certs_fail_ossl(err, "ECDSA signature conversion");
	*out_len = 2 * half;
	return CERTS_OK;
}

static enum certs_status
sign_octets(const struct certs_key *key, const struct certs_sigalg *a,
    const uint8_t *octets, size_t octets_len, uint8_t *sig, size_t *sig_len,
    struct certs_err *err)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	enum certs_status st;

	if (mctx == NULL)
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	if ((st = certs_sigalg_init(mctx, key->pkey, a, true, err)) ==
	    CERTS_OK && EVP_DigestSign(mctx, sig, sig_len, octets,
	    octets_len) != 1)
		st = certs_fail_ossl(err, "EVP_DigestSign");
	EVP_MD_CTX_free(mctx);
	return st;
}

/* Which signature algorithm the parameters mean for this key. */
static enum certs_status
params_sigalg(const struct certs_key *key, const struct certs_auth_params *p,
    struct certs_sigalg *a, struct certs_err *err)
{
	enum certs_key_type want;

	if (p->method != CERTS_AUTH_DIGITAL_SIGNATURE) {
		if (!certs_classic_method(p->method, &want, a))
			return certs_fail(err, CERTS_ERR_UNSUPPORTED,
			    "AUTH method %d cannot be signed here", p->method);
		if (want != key->type)
			return certs_fail(err, CERTS_ERR_KEY,
			    "AUTH method %d does not fit our key", p->method);
		return CERTS_OK;
	}
	memset(a, 0, sizeof(*a));
	a->hash = p->hash;
	a->mgf1_hash = p->hash;
	if (key->type == CERTS_KEY_ED25519) {
		a->scheme = CERTS_SIG_ED25519;
		a->hash = CERTS_HASH_IDENTITY;
		return CERTS_OK;
	}
	if (certs_hash_md(p->hash) == NULL || p->hash == CERTS_HASH_SHA1)
		return certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "we sign with SHA-256, SHA-384 or SHA-512 only, not %s",
		    certs_hash_name(p->hash));
	if (key->type == CERTS_KEY_RSA)
		a->scheme = p->rsa_pss ? CERTS_SIG_RSA_PSS : CERTS_SIG_RSA_PKCS1;
	else
		a->scheme = CERTS_SIG_ECDSA;
	a->salt_len = EVP_MD_get_size(certs_hash_md(p->hash));
	return CERTS_OK;
}

enum certs_status
certs_auth_sign(const struct certs_key *key,
    const struct certs_auth_params *params, const uint8_t *octets,
    size_t octets_len, uint8_t *auth_data, size_t cap, size_t *auth_len,
    struct certs_err *err)
{
	uint8_t sig[CERTS_AUTH_DATA_MAX];
	size_t sig_len = sizeof(sig), algid_len = 0;
	struct certs_sigalg a;
	enum certs_status st;

	*auth_len = 0;
	if ((st = params_sigalg(key, params, &a, err)) != CERTS_OK ||
	    (st = sign_octets(key, &a, octets, octets_len, sig, &sig_len,
	    err)) != CERTS_OK)
		return st;
	if (params->method == CERTS_AUTH_DIGITAL_SIGNATURE) {
		/* RFC 7427 §3: one octet of length, then the DER blob. */
		if (cap < 1 || (algid_len = certs_sigalg_encode(&a,
		    auth_data + 1, cap - 1)) == 0 || algid_len > 255 ||
		    1 + algid_len + sig_len > cap)
			return certs_fail(err, CERTS_ERR_INTERNAL,
			    "AUTH data does not fit %zu bytes", cap);
		auth_data[0] = (uint8_t)algid_len;
		memcpy(auth_data + 1 + algid_len, sig, sig_len);
		*auth_len = 1 + algid_len + sig_len;
	} else if (a.scheme == CERTS_SIG_ECDSA) {
		st = ecdsa_der_to_raw(sig, sig_len, certs_ecdsa_half(key->type),
		    auth_data, cap, auth_len, err);
	} else {
		if (sig_len > cap)
			return certs_fail(err, CERTS_ERR_INTERNAL,
			    "AUTH data does not fit %zu bytes", cap);
		memcpy(auth_data, sig, sig_len);
		*auth_len = sig_len;
	}
	return st == CERTS_OK ? certs_ok(err) : st;
}
