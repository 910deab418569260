/*
 * esp/aead.h — the one AEAD-shaped interface every ESP suite implements.
 *
 * seal() encrypts data[0, len) in place and writes the ICV; open() checks
 * the ICV in constant time and only then decrypts in place. The associated
 * data is what RFC 4303 authenticates besides the ciphertext: SPI || seq
 * (low 32 bits, as sent) [|| seq_hi with ESN]. Each suite places it as its
 * RFC says: HMAC over SPI||seq||IV||ciphertext||seq_hi (RFC 4303
 * §2.2.1/§3.3.2.1); GCM and ChaCha20-Poly1305 take SPI||seq_hi||seq as AAD
 * (RFC 4106 §5, RFC 7634 §2.1).
 *
 * Function pointers live here only: this is the plug point for suites.
 */
#ifndef UIPSEC_ESP_AEAD_H
#define UIPSEC_ESP_AEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp/esp.h"
#include "esp/esp_wire.h"

/* The SA's key material: one struct, wiped with sodium_memzero() when the
 * SA goes. enc holds the cipher key without the AEAD salt. Byte-sized
 * lengths: every idle SA holds one (issue 5). */
struct esp_keys {
	uint8_t	 enc[ESP_AES_KEY_MAX];
	uint8_t	 salt[ESP_SALT_LEN];
	uint8_t	 auth[ESP_AUTH_KEY_MAX];
	uint8_t	 enc_len;
	uint8_t	 auth_len;
};

/* SPI || seq [|| seq_hi], in network order; len is 8, or 12 with ESN. */
struct esp_aad {
	uint8_t	 b[ESP_HDR_LEN + ESP_SEQ_HI_LEN];
	size_t	 len;
};

enum esp_iv_kind {
	ESP_IV_RANDOM,		/* CBC: unpredictable, RFC 3602 §2.1 */
	ESP_IV_SEQ,		/* AEAD: the 64-bit sequence number, unique
				 * per key (RFC 4106 §3.1, RFC 7634 §2) */
};

struct esp_aead_ops {
	size_t		 iv_len;	/* on the wire */
	size_t		 icv_len;
	size_t		 align;		/* ciphertext length is a multiple */
	enum esp_iv_kind iv_kind;
	/* Creates the suite's keyed context for one direction (keys are
	 * borrowed for the call). Returns NULL on a bad key or a crypto or
	 * allocation failure. NULL itself for a suite that keeps no state
	 * between packets (ChaCha20-Poly1305): seal/open get ctx NULL. */
	void		*(*new)(const struct esp_keys *keys, bool encrypt);
	/* Re-keys ctx in place for other keys and direction, without
	 * allocating (ctx_cache.c binds a cache slot to another SA so).
	 * The old key schedule is overwritten. false if ctx cannot take
	 * these keys (another key length) or the crypto library failed:
	 * the caller frees it. */
	bool		 (*rekey)(void *ctx, const struct esp_keys *keys,
			    bool encrypt);
	void		 (*free)(void *ctx);		/* accepts NULL; wipes */
	/* keys are those ctx was keyed with (the AEAD salt, ChaCha20's key). */
	enum esp_status	 (*seal)(void *ctx, const struct esp_keys *keys,
			    const struct esp_aad *aad, const uint8_t *iv,
			    uint8_t *data, size_t len, uint8_t *icv);
	/* ESP_OK, ESP_DROP_AUTH (data untouched or garbage: do not use), or
	 * ESP_ERR_CRYPTO. */
	enum esp_status	 (*open)(void *ctx, const struct esp_keys *keys,
			    const struct esp_aad *aad, const uint8_t *iv,
			    uint8_t *data, size_t len, const uint8_t *icv);
};

/* The AEAD suites' AAD: SPI || seq, or with ESN SPI || seq_hi || seq
 * (RFC 4106 §5, RFC 7634 §2.1). out holds 12 bytes; returns the length. */
size_t	 esp_aad_aead(const struct esp_aad *aad, uint8_t *out);

extern const struct esp_aead_ops esp_aead_cbc_hmac_sha1_96;
extern const struct esp_aead_ops esp_aead_cbc_hmac_sha256_128;
extern const struct esp_aead_ops esp_aead_aes_gcm_16;
extern const struct esp_aead_ops esp_aead_chacha20_poly1305;

/* The ops of a suite, or NULL. */
const struct esp_aead_ops *esp_suite_ops(enum esp_suite suite);

#endif
