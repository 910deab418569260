/*
 * esp/suite_cbc_hmac.c — AES-CBC (RFC 3602) with HMAC-SHA1-96 (RFC 2404)
 * or HMAC-SHA256-128 (RFC 4868), encrypt-then-MAC as RFC 4303 §3.3.2.1
 * requires, behind the AEAD interface of aead.h.
 *
 * ICV = trunc(HMAC(SPI || seq || IV || ciphertext [|| seq_hi])): the ESN
 * high bits are appended after the payload for the ICV only (§2.2.1).
 *
 * The cipher context is keyed once and then never re-initialised: setting
 * a new IV through EVP_CipherInit_ex() costs ~220 ns on OpenSSL 3.0
 * (parameter look-ups), more than the AES of 200 bytes. The context keeps
 * chaining from the last ciphertext block L it produced or consumed, so a
 * packet's IV enters through its first block instead (RFC 3602 §2.3):
 *   encrypt: C1 = E(P1 ^ IV) = E((P1 ^ IV ^ L) ^ L)
 *   decrypt: P1 = D(C1) ^ IV = (D(C1) ^ L) ^ L ^ IV
 *
 * rekey() gives the same context other keys (a cache slot moving to
 * another SA, ctx_cache.c): EVP_CipherInit_ex() with no cipher re-runs the
 * key schedule inside the existing provider context and allocates nothing;
 * the HMAC pads are recomputed in place.
 */
#include "esp/aead.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "common/buf.h"
#include "esp/hmac.h"

struct cbc_hmac {
	EVP_CIPHER_CTX	*cipher;
	struct esp_hmac	*hmac;
	size_t		 icv_len;
	uint8_t		 chain[ESP_AES_BLOCK];	/* L: the context's state */
	bool		 chained;	/* false after a failure: re-init */
};

static const EVP_CIPHER *
cbc_cipher(size_t key_len)
{
	switch (key_len) {
	case 16:
		return EVP_aes_128_cbc();
	case 24:
		return EVP_aes_192_cbc();
	case 32:
		return EVP_aes_256_cbc();
	default:
		return NULL;
	}
}

static void
cbc_hmac_free(void *ctx)
{
	struct cbc_hmac *c = ctx;

	if (c == NULL)
		return;
	EVP_CIPHER_CTX_free(c->cipher);		/* cleanses the key schedule */
	esp_hmac_free(c->hmac);
	free(c);
}

static void *
cbc_hmac_new(const struct esp_keys *keys, bool encrypt, enum esp_hmac_alg alg,
    size_t icv_len)
{
	const EVP_CIPHER *cipher = cbc_cipher(keys->enc_len);
	struct cbc_hmac *c;

	if (cipher == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->icv_len = icv_len;
	if ((c->cipher = EVP_CIPHER_CTX_new()) == NULL ||
	    (c->hmac = esp_hmac_new(alg, keys->auth, keys->auth_len)) == NULL ||
	    !EVP_CipherInit_ex(c->cipher, cipher, NULL, keys->enc, c->chain,
	    encrypt) ||
	    !EVP_CIPHER_CTX_set_padding(c->cipher, 0)) {
		cbc_hmac_free(c);
		return NULL;
	}
	c->chained = true;
	return c;
}

/* The chain restarts from an all-zero L: the first packet's IV still
 * enters through its first block. */
static bool
cbc_hmac_rekey(void *ctx, const struct esp_keys *keys, bool encrypt)
{
	struct cbc_hmac *c = ctx;

	if ((size_t)EVP_CIPHER_CTX_get_key_length(c->cipher) != keys->enc_len)
		return false;
	memset(c->chain, 0, sizeof(c->chain));
	esp_hmac_set_key(c->hmac, keys->auth, keys->auth_len);
	c->chained = EVP_CipherInit_ex(c->cipher, NULL, NULL, keys->enc,
	    c->chain, encrypt) && EVP_CIPHER_CTX_set_padding(c->cipher, 0);
	return c->chained;
}

static void *
cbc_sha1_new(const struct esp_keys *keys, bool encrypt)
{
	return cbc_hmac_new(keys, encrypt, ESP_HMAC_SHA1, ESP_ICV_SHA1_96);
}

static void *
cbc_sha256_new(const struct esp_keys *keys, bool encrypt)
{
	return cbc_hmac_new(keys, encrypt, ESP_HMAC_SHA256,
	    ESP_ICV_SHA256_128);
}

/* Full HMAC output over SPI || seq || IV || ciphertext [|| seq_hi]. */
static void
cbc_hmac_icv(struct cbc_hmac *c, const struct esp_aad *aad, const uint8_t *iv,
    const uint8_t *data, size_t len, uint8_t *mac)
{
	esp_hmac_start(c->hmac);
	esp_hmac_update(c->hmac, aad->b, ESP_HDR_LEN);
	esp_hmac_update(c->hmac, iv, ESP_CBC_IV_LEN);
	esp_hmac_update(c->hmac, data, len);
	if (aad->len > ESP_HDR_LEN)
		esp_hmac_update(c->hmac, &aad->b[ESP_HDR_LEN],
		    aad->len - ESP_HDR_LEN);
	esp_hmac_finish(c->hmac, mac);
}

/* data ^= a ^ b over the first block */
static void
cbc_first_block_xor(uint8_t *data, const uint8_t *a, const uint8_t *b)
{
	for (size_t i = 0; i < ESP_AES_BLOCK; i++)
		data[i] ^= a[i] ^ b[i];
}

/*
 * CBC over data[0, len) in place with this IV, continuing the context's
 * chain (see the top of this file); len is a non-zero multiple of the
 * block. After a failure the next call re-initialises the IV the slow way.
 */
static bool
cbc_crypt(struct cbc_hmac *c, const uint8_t *iv, uint8_t *data, size_t len,
    bool encrypt)
{
	uint8_t next[ESP_AES_BLOCK];
	const uint8_t *last;
	struct buf_reader r;
	bool reinit = !c->chained;
	int out_len;

	buf_reader_init(&r, data, len);
	if (len % ESP_AES_BLOCK != 0 || len > INT32_MAX ||
	    !buf_get_bytes_end(&r, ESP_AES_BLOCK, &last))
		return false;
	c->chained = false;
	if (reinit && !EVP_CipherInit_ex(c->cipher, NULL, NULL, NULL, iv, -1))
		return false;
	if (!encrypt)
		memcpy(next, last, ESP_AES_BLOCK);	/* before it goes */
	else if (!reinit)
		cbc_first_block_xor(data, iv, c->chain);
	if (!EVP_CipherUpdate(c->cipher, data, &out_len, data, (int)len) ||
	    (size_t)out_len != len)
		return false;
	if (encrypt)
		memcpy(next, last, ESP_AES_BLOCK);
	else if (!reinit)
		cbc_first_block_xor(data, iv, c->chain);
	memcpy(c->chain, next, ESP_AES_BLOCK);
	c->chained = true;
	return true;
}

static enum esp_status
cbc_hmac_seal(void *ctx, const struct esp_keys *keys,
    const struct esp_aad *aad, const uint8_t *iv, uint8_t *data, size_t len,
    uint8_t *icv)
{
	struct cbc_hmac *c = ctx;
	uint8_t mac[ESP_HMAC_MAX_LEN];

	(void)keys;		/* in the context's key schedule and pads */
	if (!cbc_crypt(c, iv, data, len, true))
		return ESP_ERR_CRYPTO;
	cbc_hmac_icv(c, aad, iv, data, len, mac);
	memcpy(icv, mac, c->icv_len);
	return ESP_OK;
}

/* Authenticate before decrypting (RFC 4303 §3.4.4); constant-time compare. */
static enum esp_status
cbc_hmac_open(void *ctx, const struct esp_keys *keys,
    const struct esp_aad *aad, const uint8_t *iv, uint8_t *data, size_t len,
    const uint8_t *icv)
{
	struct cbc_hmac *c = ctx;
	uint8_t mac[ESP_HMAC_MAX_LEN];

	(void)keys;		/* in the context's key schedule and pads */
	cbc_hmac_icv(c, aad, iv, data, len, mac);
	if (CRYPTO_memcmp(mac, icv, c->icv_len) != 0)
		return ESP_DROP_AUTH;
	return cbc_crypt(c, iv, data, len, false) ? ESP_OK : ESP_ERR_CRYPTO;
}

const struct esp_aead_ops esp_aead_cbc_hmac_sha1_96 = {
	.iv_len = ESP_CBC_IV_LEN,
	.icv_len = ESP_ICV_SHA1_96,
	.align = ESP_AES_BLOCK,
	.iv_kind = ESP_IV_RANDOM,
	.new = cbc_sha1_new,
	.rekey = cbc_hmac_rekey,
	.free = cbc_hmac_free,
	.seal = cbc_hmac_seal,
	.open = cbc_hmac_open,
};

const struct esp_aead_ops esp_aead_cbc_hmac_sha256_128 = {
	.iv_len = ESP_CBC_IV_LEN,
	.icv_len = ESP_ICV_SHA256_128,
	.align = ESP_AES_BLOCK,
	.iv_kind = ESP_IV_RANDOM,
	.new = cbc_sha256_new,
	.rekey = cbc_hmac_rekey,
	.free = cbc_hmac_free,
	.seal = cbc_hmac_seal,
	.open = cbc_hmac_open,
};
