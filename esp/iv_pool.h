/*
 * esp/iv_pool.h — unpredictable CBC IVs (RFC 3602 §2.1) without a system
 * call per packet: a buffer refilled in bulk from ChaCha20 under a random
 * per-SA key (one getrandom() when the SA is made).
 */
#ifndef UIPSEC_ESP_IV_POOL_H
#define UIPSEC_ESP_IV_POOL_H

#include <stddef.h>
#include <stdint.h>

#define ESP_IV_POOL_LEN		512	/* 32 CBC IVs per refill */

/* Secret until used: wiped with the SA. */
struct esp_iv_pool {
	uint8_t		 key[32];
	uint64_t	 refills;	/* the ChaCha20 nonce */
	size_t		 used;
	uint8_t		 buf[ESP_IV_POOL_LEN];
};

void	 esp_iv_pool_init(struct esp_iv_pool *p);
/* Copies the next n (<= ESP_IV_POOL_LEN) bytes to iv. */
void	 esp_iv_pool_take(struct esp_iv_pool *p, uint8_t *iv, size_t n);

#endif
