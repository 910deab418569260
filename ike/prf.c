/*
 * ike/prf.c — HMAC PRFs and prf+ (RFC 7296 §2.13); see prf.h.
 *
 * Each PRF has one HMAC context, keyless, made once per process with its
 * digest set; a call works on a copy of it (EVP_MAC_CTX_dup). Fetching
 * "HMAC" and naming the digest at every call made OpenSSL 3 look both up
 * in its provider store (a lock, a hash lookup, name compares) for each
 * of the dozen PRF calls of a set-up (doc/load.md, CPU per set-up).
 */
#include "ike/prf.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>
#include <string.h>

#include "ike/ikev2_wire.h"

#define N_PRFS	4

static const struct {
	uint16_t	 id;
	const char	*digest;	/* OpenSSL name */
	size_t		 len;
} prfs[N_PRFS] = {
	{ IKEV2_PRF_HMAC_SHA1, "SHA1", 20 },
	{ IKEV2_PRF_HMAC_SHA2_256, "SHA2-256", 32 },
	{ IKEV2_PRF_HMAC_SHA2_384, "SHA2-384", 48 },
	{ IKEV2_PRF_HMAC_SHA2_512, "SHA2-512", 64 },
};

/* The keyless HMAC context of each row of prfs[], read-only once made
 * (NULL where OpenSSL cannot make it); never freed, like a static. */
static EVP_MAC_CTX *hmac_tmpl[N_PRFS];
static CRYPTO_ONCE hmac_once = CRYPTO_ONCE_STATIC_INIT;

static void
hmac_init(void)
{
	OSSL_PARAM params[2];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	size_t i;

	for (i = 0; mac != NULL && i < N_PRFS; i++) {
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, (char *)prfs[i].digest, 0);
		params[1] = OSSL_PARAM_construct_end();
		if ((hmac_tmpl[i] = EVP_MAC_CTX_new(mac)) != NULL &&
		    !EVP_MAC_CTX_set_params(hmac_tmpl[i], params)) {
			EVP_MAC_CTX_free(hmac_tmpl[i]);
			hmac_tmpl[i] = NULL;
		}
	}
	EVP_MAC_free(mac);	/* the contexts hold their own references */
}

static int
prf_row(uint16_t prf)
{
	int i;

	for (i = 0; i < N_PRFS; i++)
		if (prfs[i].id == prf)
			return i;
	return -1;
}

size_t
ike_prf_len(uint16_t prf)
{
	int i = prf_row(prf);

	return i < 0 ? 0 : prfs[i].len;
}

/* An HMAC context for `prf`, still to be keyed; caller frees with
 * EVP_MAC_CTX_free(). */
static EVP_MAC_CTX *
hmac_new(uint16_t prf, size_t *len)
{
	int i = prf_row(prf);

	if (i < 0 || !CRYPTO_THREAD_run_once(&hmac_once, hmac_init) ||
	    hmac_tmpl[i] == NULL)
		return NULL;
	*len = prfs[i].len;
	return EVP_MAC_CTX_dup(hmac_tmpl[i]);
}

/* One block: prf(key, prefix | parts | suffix). A NULL key keeps the key
 * of the block before (OpenSSL restarts from the keyed inner and outer
 * states instead of hashing the key into them again). */
static int
hmac_block(EVP_MAC_CTX *ctx, const uint8_t *key,
    size_t key_len, const struct ike_view *prefix,
    const struct ike_view *parts, size_t n_parts,
    const struct ike_view *suffix, uint8_t *out, size_t len)
{
	size_t i, outl;

	if (!EVP_MAC_init(ctx, key, key_len, NULL) ||
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
	EVP_MAC_CTX *ctx;
	size_t len;
	int ret;

	if ((ctx = hmac_new(prf, &len)) == NULL)
		return -1;
	ret = hmac_block(ctx, key, key_len, NULL, parts, n_parts,
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
	EVP_MAC_CTX *ctx;
	size_t len, take, done = 0;
	int ret = -1;

	if ((ctx = hmac_new(prf, &len)) == NULL)
		return -1;
	if (out_len > IKE_PRF_PLUS_MAX_BLOCKS * len)
		goto out;
	while (done < out_len) {
		n++;
		if (hmac_block(ctx, n == 1 ? key : NULL, n == 1 ? key_len : 0,
		    &prev, seed, n_seed, &counter, t, len) != 0)
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
