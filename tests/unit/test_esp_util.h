/* Helpers shared by the ESP unit tests: keys, SA pairs, inner packets. */
#ifndef UIPSEC_TEST_ESP_UTIL_H
#define UIPSEC_TEST_ESP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp/esp.h"

#define TEST_BUF_LEN	2048

/* Decodes hex (must fit cap) and returns the byte count; fails the test on
 * bad hex. */
size_t	 test_unhex(const char *hex, uint8_t *out, size_t cap);

/* esp_sa_new(cfg, dir); fails the test unless ESP_OK. */
struct esp_sa *test_sa_new(const struct esp_sa_config *cfg, enum esp_dir dir);
/* An SA of suite/key_bits with the fixed test keys (or enc_key/auth_key if
 * not NULL). Fails the test if it cannot be made. */
struct esp_sa *test_sa(enum esp_suite suite, int key_bits, bool esn,
	    enum esp_dir dir, uint32_t spi, uint32_t window);
struct esp_sa *test_sa_keys(enum esp_suite suite, bool esn, enum esp_dir dir,
	    uint32_t spi, uint32_t window, const uint8_t *enc, size_t enc_len,
	    const uint8_t *auth, size_t auth_len);

/* Writes a len-byte IPv4 (ESP_NH_IPV4) or IPv6 (ESP_NH_IPV6) packet with a
 * payload pattern derived from seed. */
void	 test_inner(uint8_t *p, size_t len, uint8_t nh, uint8_t seed);

/* Copies inner into buf at ESP_HEADROOM and encapsulates it; fails the test
 * unless esp_encap() says ESP_OK. */
struct esp_pkt test_encap(struct esp_sa *sa, uint8_t *buf,
	    const uint8_t *inner, size_t len, uint8_t nh);

#endif
