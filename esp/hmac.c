/*
 * esp/hmac.c — HMAC-SHA1 / HMAC-SHA256 with precomputed pads (see hmac.h
 * for why not EVP_MAC).
 *
 * The SHA1_* and SHA256_* calls are deprecated in OpenSSL 3 but remain the
 * only allocation-free way to keep and copy a keyed hash state; they run the
 * same assembly (SHA-NI, ARMv8 crypto, NEON) as the EVP digests. This file
 * is the only one that opts back into them.
 */
#undef OPENSSL_NO_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#include "esp/hmac.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>
#include <sodium.h>

#define HMAC_BLOCK	64	/* SHA-1 and SHA-256 block size */

union sha_state {
	SHA_CTX		 sha1;
	SHA256_CTX	 sha256;
};

struct esp_hmac {
	enum esp_hmac_alg	 alg;
	union sha_state		 inner;		/* after H(K ^ ipad) */
	union sha_state		 outer;		/* after H(K ^ opad) */
	union sha_state		 work;
};

static void
sha_init(enum esp_hmac_alg alg, union sha_state *s)
{
	if (alg == ESP_HMAC_SHA1)
		SHA1_Init(&s->sha1);
	else
		SHA256_Init(&s->sha256);
}

static void
sha_update(enum esp_hmac_alg alg, union sha_state *s, const void *p, size_t n)
{
	if (alg == ESP_HMAC_SHA1)
		SHA1_Update(&s->sha1, p, n);
	else
		SHA256_Update(&s->sha256, p, n);
}

static void
sha_final(enum esp_hmac_alg alg, union sha_state *s, uint8_t *out)
{
	if (alg == ESP_HMAC_SHA1)
		SHA1_Final(out, &s->sha1);
	else
		SHA256_Final(out, &s->sha256);
}

size_t
esp_hmac_len(const struct esp_hmac *h)
{
	return h->alg == ESP_HMAC_SHA1 ? SHA_DIGEST_LENGTH :
	    SHA256_DIGEST_LENGTH;
}

/* RFC 2104 §2: K padded to B bytes, XORed with ipad (0x36) / opad (0x5c). */
void
esp_hmac_set_key(struct esp_hmac *h, const uint8_t *key, size_t key_len)
{
	uint8_t k[HMAC_BLOCK] = { 0 }, pad[HMAC_BLOCK];
	union sha_state tmp;

	if (key_len > HMAC_BLOCK) {
		sha_init(h->alg, &tmp);
		sha_update(h->alg, &tmp, key, key_len);
		sha_final(h->alg, &tmp, k);
	} else if (key_len > 0) {
		memcpy(k, key, key_len);
	}
	for (size_t i = 0; i < HMAC_BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	sha_init(h->alg, &h->inner);
	sha_update(h->alg, &h->inner, pad, HMAC_BLOCK);
	for (size_t i = 0; i < HMAC_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	sha_init(h->alg, &h->outer);
	sha_update(h->alg, &h->outer, pad, HMAC_BLOCK);
	sodium_memzero(&h->work, sizeof(h->work));	/* the old key's */
	sodium_memzero(k, sizeof(k));
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(&tmp, sizeof(tmp));
}

struct esp_hmac *
esp_hmac_new(enum esp_hmac_alg alg, const uint8_t *key, size_t key_len)
{
	struct esp_hmac *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->alg = alg;
	esp_hmac_set_key(h, key, key_len);
	return h;
}

void
esp_hmac_free(struct esp_hmac *h)
{
	if (h == NULL)
		return;
	sodium_memzero(h, sizeof(*h));
	free(h);
}

void
esp_hmac_start(struct esp_hmac *h)
{
	h->work = h->inner;
}

void
esp_hmac_update(struct esp_hmac *h, const void *p, size_t n)
{
	sha_update(h->alg, &h->work, p, n);
}

/* H(K ^ opad || H(K ^ ipad || m)) */
void
esp_hmac_finish(struct esp_hmac *h, uint8_t *out)
{
	uint8_t inner[ESP_HMAC_MAX_LEN];
	size_t n = esp_hmac_len(h);

	sha_final(h->alg, &h->work, inner);
	h->work = h->outer;
	sha_update(h->alg, &h->work, inner, n);
	sha_final(h->alg, &h->work, out);
}
