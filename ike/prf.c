/*
 * ike/prf.c — HMAC PRFs and prf+ (RFC 7296 §2.13); see prf.h.
 */
#include "ike/prf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>
#include <string.h>

#include "ike/ikev2_wire.h"

static const struct {
	uint16_t	 id;
	const char	*digest;	/* OpenSSL name */
	size_t		 len;
} prfs[] = {
	{ IKEV2_PRF_HMAC_SHA1, "SHA1", 20 },
	{ IKEV2_PRF_HMAC_SHA2_256, "SHA2-256", 32 },
	{ IKEV2_PRF_HMAC_SHA2_384, "SHA2-384", 48 },
	{ IKEV2_PRF_HMAC_SHA2_512, "SHA2-512", 64 },
};

static const char *
prf_digest(uint16_t prf, size_t *len)
{
	size_t i;

	for (i = 0; i < sizeof(prfs) / sizeof(prfs[0]); i++)
		if (prfs[i].id == prf) {
			*len = prfs[i].len;
			return prfs[i].digest;
		}
	return NULL;
}

size_t
ike_prf_len(uint16_t prf)
{
	size_t len = 0;

	prf_digest(prf, &len);
	return len;
}

/* An HMAC context for `prf`; caller frees with EVP_MAC_CTX_free(). */
static EVP_MAC_CTX *
hmac_new(uint16_t prf, size_t *len, OSSL_PARAM params[2])
{
	const char *digest = prf_digest(prf, len);
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;

	if (digest == NULL || (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	return ctx;
}

/* One block: prf(key, prefix | parts | suffix). */
static int
hmac_block(EVP_MAC_CTX *ctx, const OSSL_PARAM *params, const uint8_t *key,
    size_t key_len, const struct ike_view *prefix,
    const struct ike_view *parts, size_t n_parts,
    const struct ike_view *suffix, uint8_t *out, size_t len)
{
	size_t i, outl;

	if (!EVP_MAC_init(ctx, key, key_len, params) ||
	    (prefix && !EVP_MAC_update(ctx, prefix->p, prefix->len)))
		return -1;
	for (i = 0; i < n_parts; i++)
		if (parts[i].len && !EVP_MAC_update(ctx, parts[i].p,
		    parts[i].len))
			return -1;
	if ((suffix && !EVP_MAC_update(ctx, suffix->p, suffix->len)) ||
	    !EVP_MAC_final(ctx, out, &outl, len) || outl != len)
		return -1;
	return 0;
}

int
ike_prf(uint16_t prf, const uint8_t *key, size_t key_len,
    const struct ike_view *parts, size_t n_parts, uint8_t *out)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t len;
	int ret;

	if ((ctx = hmac_new(prf, &len, params)) == NULL)
		return -1;
	ret = hmac_block(ctx, params, key, key_len, NULL, parts, n_parts,
	    NULL, out, len);
	EVP_MAC_CTX_free(ctx);
	return ret;
}

int
ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len,
    const struct ike_view *seed, size_t n_seed, uint8_t *out, size_t out_len)
{
	uint8_t t[IKE_PRF_MAX_LEN], n = 0;
	struct ike_view prev = { t, 0 }, counter = { &n, 1 };
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t len, take, done = 0;
	int ret = -1;

	if ((ctx = hmac_new(prf, &len, params)) == NULL)
		return -1;
	if (out_len > IKE_PRF_PLUS_MAX_BLOCKS * len)
		goto out;
	while (done < out_len) {
		n++;
		if (hmac_block(ctx, params, key, key_len, &prev, seed, n_seed,
		    &counter, t, len) != 0)
			goto out;
		prev.len = len;
		take = out_len - done < len ? out_len - done : len;
		memcpy(out + done, t, take);
		done += take;
	}
	ret = 0;
out:
	sodium_memzero(t, sizeof(t));
	EVP_MAC_CTX_free(ctx);
	return ret;
}
