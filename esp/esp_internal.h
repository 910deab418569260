/*
 * esp/esp_internal.h — hooks for uipsec_esp's own tests, not for the
 * daemon: fixed IVs for known-answer vectors, and the sequence counters
 * moved near their ends.
 */
#ifndef UIPSEC_ESP_INTERNAL_H
#define UIPSEC_ESP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "esp/esp.h"

/* Every following esp_encap() on this outbound SA uses iv (the suite's IV
 * length: 16 for CBC, 8 for AEAD) instead of a fresh one; len 0 undoes it.
 * Returns -1 if len is neither 0 nor the suite's IV length. */
int	 esp_sa_test_fix_iv(struct esp_sa *sa, const uint8_t *iv, size_t len);
/* Outbound: the next sequence number to send. */
void	 esp_sa_test_set_seq(struct esp_sa *sa, uint64_t next);
/* Inbound: the highest sequence number seen (the window's right edge). */
void	 esp_sa_test_set_replay_top(struct esp_sa *sa, uint64_t top);

#endif
