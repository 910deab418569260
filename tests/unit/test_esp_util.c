/* Helpers shared by the ESP unit tests; see test_esp_util.h. */
#include "test_esp_util.h"

#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"
#include "common/hex.h"

size_t
test_unhex(const char *hex, uint8_t *out, size_t cap)
{
	long n = hex_decode(hex, out, cap);

	cr_assert(n >= 0, "bad test hex: %.40s", hex);
	return (size_t)n;
}

struct esp_sa *
test_sa_new(const struct esp_sa_config *cfg, enum esp_dir dir)
{
	struct esp_sa *sa;
	enum esp_status st = esp_sa_new(&sa, cfg, dir);

	cr_assert_eq(st, ESP_OK, "esp_sa_new(%s): %s",
	    esp_suite_name(cfg->suite), esp_status_str(st));
	return sa;
}

struct esp_sa *
test_sa_keys(enum esp_suite suite, bool esn, enum esp_dir dir, uint32_t spi,
    uint32_t window, const uint8_t *enc, size_t enc_len, const uint8_t *auth,
    size_t auth_len)
{
	struct esp_sa_config cfg = {
		.spi = spi, .suite = suite, .enc_key = enc,
		.enc_key_len = enc_len, .auth_key = auth,
		.auth_key_len = auth_len, .esn = esn, .replay_window = window,
	};

	return test_sa_new(&cfg, dir);
}

struct esp_sa *
test_sa(enum esp_suite suite, int key_bits, bool esn, enum esp_dir dir,
    uint32_t spi, uint32_t window)
{
	uint8_t enc[64], auth[64];

	for (size_t i = 0; i < sizeof(enc); i++) {
		enc[i] = (uint8_t)(0x40 + i);
		auth[i] = (uint8_t)(0x90 + i);
	}
	return test_sa_keys(suite, esn, dir, spi, window, enc,
	    esp_suite_enc_key_len(suite, key_bits), auth,
	    esp_suite_auth_key_len(suite));
}

void
test_inner(uint8_t *p, size_t len, uint8_t nh, uint8_t seed)
{
	struct buf_writer w;

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
	buf_writer_init(&w, p, len);
	if (nh == ESP_NH_IPV4 && len >= 20) {
		buf_put_u8(&w, 0x45);
		buf_put_u8(&w, 0);
		buf_put_u16(&w, (uint16_t)len);
	} else if (nh == ESP_NH_IPV6 && len >= 40) {
		buf_put_u32(&w, 0x60000000);
		buf_put_u16(&w, (uint16_t)(len - 40));
	}
}

struct esp_pkt
test_encap(struct esp_sa *sa, uint8_t *buf, const uint8_t *inner, size_t len,
    uint8_t nh)
{
	struct esp_pkt pkt = { .base = buf, .cap = TEST_BUF_LEN,
	    .off = ESP_HEADROOM, .len = len };
	enum esp_status st;

	cr_assert_leq(ESP_HEADROOM + len + ESP_TAILROOM, TEST_BUF_LEN);
	memcpy(&buf[ESP_HEADROOM], inner, len);
	st = esp_encap(sa, &pkt, nh);
	cr_assert_eq(st, ESP_OK, "esp_encap: %s", esp_status_str(st));
	return pkt;
}
