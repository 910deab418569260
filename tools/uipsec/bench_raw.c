/*
 * tools/uipsec/bench_raw.c — the floor for `uipsec bench`: each suite's cipher
 * and MAC called directly through the library the ESP suite uses (OpenSSL
 * EVP; libsodium for ChaCha20-Poly1305) on buffers of the inner packet's
 * size, with nothing of ESP around them: no header, padding, trailer, IV
 * generation or replay window, and no AAD. HMAC is EVP_MAC, the public API.
 *
 * CBC+HMAC is the minimum work encrypt-then-MAC ESP must do (RFC 4303 §3.3.2):
 * AES-256-CBC over the bytes (rounded up to the block), then HMAC over the
 * ciphertext; inbound HMAC first, then decrypt. The AEAD suites are one
 * seal or open call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include "bench.h"

#define RAW_TAG_MAX	32

struct raw_bench {
	enum esp_suite	 suite;
	EVP_CIPHER_CTX	*enc;
	EVP_CIPHER_CTX	*dec;
	EVP_MAC_CTX	*mac;		/* CBC suites */
	uint8_t		 key[32];	/* ChaCha20-Poly1305 (libsodium) */
	size_t		 tag_len;	/* ICV bytes ESP keeps */
	size_t		 len;		/* bytes ciphered per packet */
	uint8_t		 iv[16];	/* CBC IV or AEAD nonce, a counter */
	uint8_t		*buf;		/* BENCH_BATCH slots of len: in place */
	uint8_t		*plain;		/* decrypt: the batch before sealing */
	uint8_t		*sealed;	/* decrypt: the batch sealed */
	uint8_t		 tags[BENCH_BATCH][RAW_TAG_MAX];
};

static bool
raw_is_cbc(enum esp_suite suite)
{
	return suite == ESP_SUITE_AES_CBC_HMAC_SHA1_96 ||
	    suite == ESP_SUITE_AES_CBC_HMAC_SHA256_128;
}

static bool
raw_is_sodium(enum esp_suite suite)
{
	return suite == ESP_SUITE_CHACHA20_POLY1305;
}

const char *
bench_raw_library(enum esp_suite suite)
{
	return raw_is_sodium(suite) ? "libsodium" : "OpenSSL";
}

static const EVP_CIPHER *
raw_cipher(enum esp_suite suite)
{
	switch (suite) {
	case ESP_SUITE_AES_CBC_HMAC_SHA1_96:
	case ESP_SUITE_AES_CBC_HMAC_SHA256_128:
		return EVP_aes_256_cbc();
	case ESP_SUITE_AES_GCM_16:
		return EVP_aes_256_gcm();
	default:
		return NULL;
	}
}

/* The counter makes every packet's IV or nonce differ, as ESP's must. */
static void
raw_next_iv(struct raw_bench *rb)
{
	sodium_increment(rb->iv, sizeof(rb->iv));
}

static int
raw_mac_init(struct raw_bench *rb, const uint8_t *key)
{
	EVP_MAC *mac;
	const char *digest = rb->suite == ESP_SUITE_AES_CBC_HMAC_SHA1_96 ?
	    "SHA1" : "SHA256";
	size_t key_len = rb->suite == ESP_SUITE_AES_CBC_HMAC_SHA1_96 ? 20 : 32;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    (char *)digest, 0),
		OSSL_PARAM_construct_end(),
	};

	rb->tag_len = rb->suite == ESP_SUITE_AES_CBC_HMAC_SHA1_96 ? 12 : 16;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	rb->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (rb->mac == NULL || !EVP_MAC_init(rb->mac, key, key_len, params))
		return -1;
	return 0;
}

static int
raw_init(struct raw_bench *rb, const struct bench_case *c)
{
	uint8_t key[64];
	int ret = -1;

	rb->suite = c->suite;
	rb->len = raw_is_cbc(c->suite) ? (c->size + 15) / 16 * 16 : c->size;
	randombytes_buf(key, sizeof(key));
	if ((rb->buf = calloc(BENCH_BATCH, rb->len)) == NULL ||
	    (rb->plain = calloc(BENCH_BATCH, rb->len)) == NULL ||
	    (rb->sealed = calloc(BENCH_BATCH, rb->len)) == NULL)
		goto out;
	rb->tag_len = 16;
	if (raw_is_sodium(c->suite))
		memcpy(rb->key, key, sizeof(rb->key));
	else if ((rb->enc = EVP_CIPHER_CTX_new()) == NULL ||
	    (rb->dec = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_CipherInit_ex(rb->enc, raw_cipher(c->suite), NULL, key,
	    NULL, 1) ||
	    !EVP_CipherInit_ex(rb->dec, raw_cipher(c->suite), NULL, key,
	    NULL, 0))
		goto out;
	if (raw_is_cbc(c->suite)) {
		EVP_CIPHER_CTX_set_padding(rb->enc, 0);
		EVP_CIPHER_CTX_set_padding(rb->dec, 0);
		if (raw_mac_init(rb, key + 32) < 0)
			goto out;
	}
	for (size_t i = 0; i < BENCH_BATCH; i++)
		bench_fill_inner(rb->plain + i * rb->len, c->size, (uint32_t)i);
	memcpy(rb->buf, rb->plain, BENCH_BATCH * rb->len);
	ret = 0;
out:
	sodium_memzero(key, sizeof(key));
	if (ret < 0)
		fprintf(stderr, "bench: raw %s setup failed\n",
		    esp_suite_name(c->suite));
	return ret;
}

static int
raw_hmac(struct raw_bench *rb, const uint8_t *p, uint8_t *tag)
{
	uint8_t full[RAW_TAG_MAX];
	size_t n;

	if (!EVP_MAC_init(rb->mac, NULL, 0, NULL) ||
	    !EVP_MAC_update(rb->mac, p, rb->len) ||
	    !EVP_MAC_final(rb->mac, full, &n, sizeof(full)))
		return -1;
	memcpy(tag, full, rb->tag_len);
	return 0;
}

/* In place under rb->iv: p becomes ciphertext, tag its ICV. */
static int
raw_seal(struct raw_bench *rb, uint8_t *p, uint8_t *tag)
{
	int n;

	if (raw_is_sodium(rb->suite))
		return crypto_aead_chacha20poly1305_ietf_encrypt_detached(p,
		    tag, NULL, p, rb->len, NULL, 0, NULL, rb->iv, rb->key);
	if (!EVP_EncryptInit_ex(rb->enc, NULL, NULL, NULL, rb->iv) ||
	    !EVP_EncryptUpdate(rb->enc, p, &n, p, (int)rb->len))
		return -1;
	if (raw_is_cbc(rb->suite))
		return raw_hmac(rb, p, tag);
	if (!EVP_EncryptFinal_ex(rb->enc, p + n, &n) ||
	    !EVP_CIPHER_CTX_ctrl(rb->enc, EVP_CTRL_AEAD_GET_TAG,
	    (int)rb->tag_len, tag))
		return -1;
	return 0;
}

/* From `in` to `out` under rb->iv: authenticate first, then decrypt. */
static int
raw_open(struct raw_bench *rb, const uint8_t *in, const uint8_t *tag,
    uint8_t *out)
{
	uint8_t want[RAW_TAG_MAX];
	int n;

	if (raw_is_sodium(rb->suite))
		return crypto_aead_chacha20poly1305_ietf_decrypt_detached(out,
		    NULL, in, rb->len, tag, NULL, 0, rb->iv, rb->key);
	if (raw_is_cbc(rb->suite)) {
		if (raw_hmac(rb, in, want) < 0 ||
		    CRYPTO_memcmp(want, tag, rb->tag_len) != 0 ||
		    !EVP_DecryptInit_ex(rb->dec, NULL, NULL, NULL, rb->iv) ||
		    !EVP_DecryptUpdate(rb->dec, out, &n, in, (int)rb->len))
			return -1;
		return 0;
	}
	if (!EVP_DecryptInit_ex(rb->dec, NULL, NULL, NULL, rb->iv) ||
	    !EVP_DecryptUpdate(rb->dec, out, &n, in, (int)rb->len) ||
	    !EVP_CIPHER_CTX_ctrl(rb->dec, EVP_CTRL_AEAD_SET_TAG,
	    (int)rb->tag_len, (void *)tag) ||
	    EVP_DecryptFinal_ex(rb->dec, out + n, &n) <= 0)
		return -1;
	return 0;
}

static int
raw_round_encrypt(void *arg, uint64_t *ns)
{
	struct raw_bench *rb = arg;
	uint64_t t0 = bench_now_ns();

	for (size_t i = 0; i < BENCH_BATCH; i++) {
		raw_next_iv(rb);
		if (raw_seal(rb, rb->buf + i * rb->len, rb->tags[i]) < 0) {
			fprintf(stderr, "bench: raw %s encrypt failed\n",
			    esp_suite_name(rb->suite));
			return -1;
		}
	}
	*ns += bench_now_ns() - t0;
	return 0;
}

/* Every open must succeed and give back the plaintext: a failed tag check
 * is an error, not a data point. The batch was sealed under one IV, so
 * rb->iv stays put here; an open costs the same whatever the IV. */
static int
raw_round_decrypt(void *arg, uint64_t *ns)
{
	struct raw_bench *rb = arg;
	uint64_t t0 = bench_now_ns();
	size_t i;

	for (i = 0; i < BENCH_BATCH; i++)
		if (raw_open(rb, rb->sealed + i * rb->len, rb->tags[i],
		    rb->buf + i * rb->len) < 0)
			goto bad;
	*ns += bench_now_ns() - t0;
	for (i = 0; i < BENCH_BATCH; i++)
		if (memcmp(rb->buf + i * rb->len, rb->plain + i * rb->len,
		    rb->len) != 0)
			goto bad;
	return 0;
bad:
	fprintf(stderr, "bench: raw %s decrypt of packet %zu failed\n",
	    esp_suite_name(rb->suite), i);
	return -1;
}

void
bench_raw_free(struct bench_side *side)
{
	struct raw_bench *rb = side->arg;

	if (rb == NULL)
		return;
	EVP_CIPHER_CTX_free(rb->enc);
	EVP_CIPHER_CTX_free(rb->dec);
	EVP_MAC_CTX_free(rb->mac);
	free(rb->buf);
	free(rb->plain);
	free(rb->sealed);
	sodium_memzero(rb, sizeof(*rb));
	free(rb);
	side->arg = NULL;
}

int
bench_raw_new(const struct bench_case *c, enum bench_op op,
    struct bench_side *side)
{
	struct raw_bench *rb;

	*side = (struct bench_side){
		.round = op == BENCH_ENCAP ? raw_round_encrypt :
		    raw_round_decrypt,
	};
	if ((rb = side->arg = calloc(1, sizeof(*rb))) == NULL) {
		fprintf(stderr, "bench: out of memory\n");
		return -1;
	}
	if (raw_init(rb, c) < 0)
		return -1;
	if (op == BENCH_ENCAP)
		return 0;
	/* Decrypt opens one batch sealed once, all under one IV. */
	memcpy(rb->sealed, rb->plain, BENCH_BATCH * rb->len);
	for (size_t i = 0; i < BENCH_BATCH; i++)
		if (raw_seal(rb, rb->sealed + i * rb->len, rb->tags[i]) < 0) {
			fprintf(stderr, "bench: raw %s encrypt failed\n",
			    esp_suite_name(c->suite));
			return -1;
		}
	return 0;
}
