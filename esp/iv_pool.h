/*
 * esp/iv_pool.h — unpredictable CBC IVs (RFC 3602 §2.1) without a system
 * call per packet: a buffer refilled in bulk from ChaCha20 under a random
 * key (one getrandom() when a thread takes its first IV).
 *
 * One pool per thread, not per SA: RFC 3602 asks of an IV only that it be
 * unpredictable to an attacker, not that it come from a stream of the SA's
 * own, so the 560 bytes a per-SA pool cost every outbound SA (issue 5)
 * buy nothing. The data plane runs in one thread per pool, so the pool
 * needs no lock; the daemon does not fork (a forked child would repeat its
 * parent's IVs).
 */
#ifndef UIPSEC_ESP_IV_POOL_H
#define UIPSEC_ESP_IV_POOL_H

#include <stddef.h>
#include <stdint.h>

#define ESP_IV_POOL_LEN		512	/* 32 CBC IVs per refill */

/* Copies the calling thread's next n (<= ESP_IV_POOL_LEN) IV bytes to iv. */
void	 esp_iv_take(uint8_t *iv, size_t n);

#endif
