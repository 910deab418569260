/*
 * esp/hmac.h — HMAC (RFC 2104) with the keyed inner and outer hash states
 * computed once per SA, for the CBC suites' ICVs (RFC 2404, RFC 4868).
 *
 * Why not EVP_MAC: with OpenSSL 3.0 every EVP_MAC_init() (even with a NULL
 * key, to reuse it) and every EVP_DigestInit_ex()/EVP_MD_CTX_copy_ex()
 * allocates (measured: 2 and 1 mallocs per call), and each re-hashes the
 * ipad/opad blocks or duplicates the context. Here a packet costs two
 * struct copies and no allocation.
 */
#ifndef UIPSEC_ESP_HMAC_H
#define UIPSEC_ESP_HMAC_H

#include <stddef.h>
#include <stdint.h>

enum esp_hmac_alg { ESP_HMAC_SHA1, ESP_HMAC_SHA256 };

#define ESP_HMAC_MAX_LEN	32	/* SHA-256 output */

struct esp_hmac;

/* Keys a new HMAC; key is borrowed for the call (long keys are hashed
 * first, RFC 2104 §2). Returns NULL on allocation failure. Freed and wiped
 * with esp_hmac_free(). */
struct esp_hmac *esp_hmac_new(enum esp_hmac_alg alg, const uint8_t *key,
	    size_t key_len);
void	 esp_hmac_free(struct esp_hmac *h);		/* accepts NULL */
/* Re-keys h in place (same hash), overwriting the old pads. */
void	 esp_hmac_set_key(struct esp_hmac *h, const uint8_t *key,
	    size_t key_len);
size_t	 esp_hmac_len(const struct esp_hmac *h);	/* full output */

/* One message: start, update..., finish (writes esp_hmac_len() bytes). */
void	 esp_hmac_start(struct esp_hmac *h);
void	 esp_hmac_update(struct esp_hmac *h, const void *p, size_t n);
void	 esp_hmac_finish(struct esp_hmac *h, uint8_t *out);

#endif
