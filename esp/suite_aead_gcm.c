/*
 * esp/suite_aead_gcm.c — AES-GCM with a 16-byte ICV in ESP (RFC 4106).
 *
 * Key material is the AES key followed by a 4-byte salt (§8.1); the nonce
 * is salt || the 8-byte explicit IV (§4), which encap fills with the 64-bit
 * sequence number: unique for the SA's key, as §3.1 requires.
 * OpenSSL's GCM decrypts before it checks the tag in EVP_CipherFinal_ex()
 * (in constant time); on a mismatch the caller drops the bytes unread.
 *
 * The context is the EVP_CIPHER_CTX itself, keyed with the AES key; the
 * salt comes with each call from the SA's keys. rekey() re-runs the key
 * schedule inside the existing provider context (no allocation).
 */
#include "esp/aead.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

static const EVP_CIPHER *
gcm_cipher(size_t key_len)
{
	switch (key_len) {
	case 16:
		return EVP_aes_128_gcm();
	case 24:
		return EVP_aes_192_gcm();
	case 32:
		return EVP_aes_256_gcm();
	default:
		return NULL;
	}
}

static void
gcm_free(void *ctx)
{
	EVP_CIPHER_CTX_free(ctx);		/* cleanses the key schedule */
}

static void *
gcm_new(const struct esp_keys *keys, bool encrypt)
{
	const EVP_CIPHER *cipher = gcm_cipher(keys->enc_len);
	EVP_CIPHER_CTX *g;

	if (cipher == NULL || (g = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	if (!EVP_CipherInit_ex(g, cipher, NULL, NULL, NULL, encrypt) ||
	    !EVP_CIPHER_CTX_ctrl(g, EVP_CTRL_GCM_SET_IVLEN, ESP_AEAD_NONCE_LEN,
	    NULL) ||
	    !EVP_CipherInit_ex(g, NULL, NULL, keys->enc, NULL, -1)) {
		gcm_free(g);
		return NULL;
	}
	return g;
}

static bool
gcm_rekey(void *ctx, const struct esp_keys *keys, bool encrypt)
{
	EVP_CIPHER_CTX *g = ctx;

	return (size_t)EVP_CIPHER_CTX_get_key_length(g) == keys->enc_len &&
	    EVP_CipherInit_ex(g, NULL, NULL, keys->enc, NULL, encrypt);
}

/* Sets the nonce salt || IV and feeds the AAD and the data. */
static bool
gcm_crypt(EVP_CIPHER_CTX *g, const struct esp_keys *keys,
    const struct esp_aad *aad, const uint8_t *iv, uint8_t *data, size_t len)
{
	uint8_t nonce[ESP_AEAD_NONCE_LEN], a[sizeof(aad->b)];
	size_t a_len = esp_aad_aead(aad, a);
	int out_len;

	memcpy(nonce, keys->salt, ESP_SALT_LEN);
	memcpy(&nonce[ESP_SALT_LEN], iv, ESP_AEAD_IV_LEN);
	if (len > INT32_MAX)
		return false;
	return EVP_CipherInit_ex(g, NULL, NULL, NULL, nonce, -1) &&
	    EVP_CipherUpdate(g, NULL, &out_len, a, (int)a_len) &&
	    EVP_CipherUpdate(g, data, &out_len, data, (int)len) &&
	    (size_t)out_len == len;
}

static enum esp_status
gcm_seal(void *ctx, const struct esp_keys *keys, const struct esp_aad *aad,
    const uint8_t *iv, uint8_t *data, size_t len, uint8_t *icv)
{
	EVP_CIPHER_CTX *g = ctx;
	int out_len;

	OSSL_PARAM tag[] = { OSSL_PARAM_construct_octet_string(
	    OSSL_CIPHER_PARAM_AEAD_TAG, icv, ESP_ICV_AEAD), OSSL_PARAM_END };

	if (!gcm_crypt(g, keys, aad, iv, data, len) ||
	    !EVP_CipherFinal_ex(g, data, &out_len) ||
	    !EVP_CIPHER_CTX_get_params(g, tag))
		return ESP_ERR_CRYPTO;
	return ESP_OK;
}

static enum esp_status
gcm_open(void *ctx, const struct esp_keys *keys, const struct esp_aad *aad,
    const uint8_t *iv, uint8_t *data, size_t len, const uint8_t *icv)
{
	EVP_CIPHER_CTX *g = ctx;
	int out_len;

	OSSL_PARAM tag[] = { OSSL_PARAM_construct_octet_string(
	    OSSL_CIPHER_PARAM_AEAD_TAG, (void *)icv, ESP_ICV_AEAD),
	    OSSL_PARAM_END };

	if (!EVP_CIPHER_CTX_set_params(g, tag) ||
	    !gcm_crypt(g, keys, aad, iv, data, len))
		return ESP_ERR_CRYPTO;
	if (EVP_CipherFinal_ex(g, data, &out_len) <= 0)
		return ESP_DROP_AUTH;
	return ESP_OK;
}

const struct esp_aead_ops esp_aead_aes_gcm_16 = {
	.iv_len = ESP_AEAD_IV_LEN,
	.icv_len = ESP_ICV_AEAD,
	.align = ESP_AEAD_ALIGN,
	.iv_kind = ESP_IV_SEQ,
	.new = gcm_new,
	.rekey = gcm_rekey,
	.free = gcm_free,
	.seal = gcm_seal,
	.open = gcm_open,
};
