/*
 * esp/suite_chacha20_poly1305.c — ChaCha20-Poly1305 in ESP (RFC 7634),
 * through libsodium's IETF construction (RFC 8439).
 *
 * Key material is the 32-byte key followed by a 4-byte salt (§4); the
 * nonce is salt || the 8-byte IV (§2), the 64-bit sequence number here.
 * libsodium verifies the tag (constant time) before it decrypts.
 */
#include "esp/aead.h"

#include <string.h>

#include <sodium.h>

_Static_assert(ESP_ICV_AEAD == crypto_aead_chacha20poly1305_ietf_ABYTES,
    "RFC 7634 ICV is the Poly1305 tag");

/* No context: libsodium takes the key with every call, so an SA of this
 * suite never binds a cache slot (ops.new is NULL). */
static void
chacha_nonce(const struct esp_keys *keys, const uint8_t *iv, uint8_t *nonce)
{
	memcpy(nonce, keys->salt, ESP_SALT_LEN);
	memcpy(&nonce[ESP_SALT_LEN], iv, ESP_AEAD_IV_LEN);
}

static enum esp_status
chacha_seal(void *ctx, const struct esp_keys *keys,
    const struct esp_aad *aad, const uint8_t *iv, uint8_t *data, size_t len,
    uint8_t *icv)
{
	uint8_t nonce[ESP_AEAD_NONCE_LEN], a[sizeof(aad->b)];
	size_t a_len = esp_aad_aead(aad, a);

	(void)ctx;
	chacha_nonce(keys, iv, nonce);
	if (crypto_aead_chacha20poly1305_ietf_encrypt_detached(data, icv, NULL,
	    data, len, a, a_len, NULL, nonce, keys->enc) != 0)
		return ESP_ERR_CRYPTO;
	return ESP_OK;
}

static enum esp_status
chacha_open(void *ctx, const struct esp_keys *keys,
    const struct esp_aad *aad, const uint8_t *iv, uint8_t *data, size_t len,
    const uint8_t *icv)
{
	uint8_t nonce[ESP_AEAD_NONCE_LEN], a[sizeof(aad->b)];
	size_t a_len = esp_aad_aead(aad, a);

	(void)ctx;
	chacha_nonce(keys, iv, nonce);
	if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(data, NULL,
	    data, len, icv, a, a_len, nonce, keys->enc) != 0)
		return ESP_DROP_AUTH;
	return ESP_OK;
}

const struct esp_aead_ops esp_aead_chacha20_poly1305 = {
	.iv_len = ESP_AEAD_IV_LEN,
	.icv_len = ESP_ICV_AEAD,
	.align = ESP_AEAD_ALIGN,
	.iv_kind = ESP_IV_SEQ,
	.seal = chacha_seal,
	.open = chacha_open,
};
