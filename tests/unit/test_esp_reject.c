/*
 * Inbound rejection: every truncation, every flipped bit, bad padding,
 * unknown SPIs. Each must be dropped with the right status, counted in the
 * SA's stats, leave the replay window alone, and never crash (this runs
 * under ASan+UBSan too).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "esp/aead.h"
#include "esp/esp_internal.h"
#include "test_esp_util.h"

struct suite_case {
	enum esp_suite	 suite;
	int		 key_bits;
	bool		 esn;
};

static const struct suite_case suites[] = {
	{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256, false },
	{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256, true },
	{ ESP_SUITE_AES_CBC_HMAC_SHA256_128, 256, true },
	{ ESP_SUITE_AES_GCM_16, 256, false },
	{ ESP_SUITE_AES_GCM_16, 128, true },
	{ ESP_SUITE_CHACHA20_POLY1305, 256, false },
	{ ESP_SUITE_CHACHA20_POLY1305, 256, true },
};
#define NSUITES	(sizeof(suites) / sizeof(suites[0]))
#define SPI	0x51a00001

static uint64_t
drops(const struct esp_sa *sa)
{
	const struct esp_sa_stats *s = esp_sa_stats(sa);

	return s->drop_auth + s->drop_replay + s->drop_malformed +
	    s->drop_padding + s->drop_dummy;
}

/* One good packet of len inner bytes, kept in good[] (its pkt in *pkt). */
static void
make_good(const struct suite_case *sc, uint8_t *good, size_t len,
    struct esp_pkt *pkt)
{
	struct esp_sa *out = test_sa(sc->suite, sc->key_bits, sc->esn,
	    ESP_DIR_OUT, SPI, 0);
	uint8_t inner[1500];

	/* ESN packets carry a non-zero high half. */
	if (sc->esn)
		esp_sa_test_set_seq(out, 0x300000005);
	test_inner(inner, len, ESP_NH_IPV4, 3);
	*pkt = test_encap(out, good, inner, len, ESP_NH_IPV4);
	esp_sa_free(out);
}

static struct esp_sa *
make_in(const struct suite_case *sc)
{
	struct esp_sa *in = test_sa(sc->suite, sc->key_bits, sc->esn,
	    ESP_DIR_IN, SPI, 64);

	if (sc->esn)
		esp_sa_test_set_replay_top(in, 0x300000000);
	return in;
}

/* A mangled copy of good must be dropped; returns its status. */
static enum esp_status
try_bad(struct esp_sa *in, const uint8_t *good, struct esp_pkt pkt,
    uint8_t *work)
{
	enum esp_status st;
	uint8_t nh;

	memcpy(work, good, TEST_BUF_LEN);
	pkt.base = work;
	st = esp_decap(in, &pkt, &nh);
	cr_assert_neq(st, ESP_OK);
	return st;
}

Test(esp_reject, truncated_at_every_length)
{
	for (size_t s = 0; s < NSUITES; s++) {
		uint8_t *good = malloc(TEST_BUF_LEN), *work =
		    malloc(TEST_BUF_LEN), nh;
		struct esp_sa *in = make_in(&suites[s]);
		struct esp_pkt pkt, cut;

		make_good(&suites[s], good, 100, &pkt);
		for (size_t len = 0; len < pkt.len; len++) {
			cut = pkt;
			cut.len = len;
			try_bad(in, good, cut, work);
		}
		cr_assert_eq(drops(in), pkt.len, "%s",
		    esp_suite_name(suites[s].suite));
		cr_assert_eq(esp_sa_stats(in)->drop_padding, 0);
		cr_assert_eq(esp_sa_stats(in)->packets, 0);
		/* None of it moved the window: the whole packet passes. */
		cr_assert_eq(esp_decap(in, &pkt, &nh), ESP_OK);
		esp_sa_free(in);
		free(good);
		free(work);
	}
}

/* Every bit of the packet, one at a time: SPI -> malformed, sequence
 * number -> replay or ICV, anything else -> ICV. */
Test(esp_reject, every_bit_flipped)
{
	for (size_t s = 0; s < NSUITES; s++) {
		uint8_t *good = malloc(TEST_BUF_LEN), *work =
		    malloc(TEST_BUF_LEN), nh;
		struct esp_sa *in = make_in(&suites[s]);
		struct esp_pkt pkt;
		uint64_t tries = 0;

		make_good(&suites[s], good, 300, &pkt);
		for (size_t i = 0; i < pkt.len; i++)
			for (int bit = 0; bit < 8; bit++) {
				enum esp_status st;

				good[pkt.off + i] ^= (uint8_t)(1u << bit);
				st = try_bad(in, good, pkt, work);
				good[pkt.off + i] ^= (uint8_t)(1u << bit);
				tries++;
				if (i < 4)
					cr_assert_eq(st, ESP_DROP_MALFORMED);
				else if (i >= 8)
					cr_assert_eq(st, ESP_DROP_AUTH,
					    "%s byte %zu: %s",
					    esp_suite_name(suites[s].suite),
					    i, esp_status_str(st));
			}
		cr_assert_eq(drops(in), tries);
		cr_assert_eq(esp_sa_stats(in)->drop_malformed, 32);
		cr_assert_eq(esp_decap(in, &pkt, &nh), ESP_OK);
		esp_sa_free(in);
		free(good);
		free(work);
	}
}

/*
 * Bad trailers need a valid ICV, so they are sealed here with the suite
 * itself and the keys test_sa() uses: SPI || seq || IV || plain || ICV.
 */
static struct esp_pkt
seal_raw(const struct suite_case *sc, uint8_t *buf, const uint8_t *plain,
    size_t len)
{
	const struct esp_aead_ops *ops = esp_suite_ops(sc->suite);
	size_t enc_len = esp_suite_enc_key_len(sc->suite, sc->key_bits);
	size_t salt = esp_suite_auth_key_len(sc->suite) ? 0 : 4;
	struct esp_keys keys = { .enc_len = (uint8_t)(enc_len - salt),
	    .auth_len = (uint8_t)esp_suite_auth_key_len(sc->suite) };
	struct esp_aad aad = { .len = sc->esn ? 12 : 8 };
	struct buf_writer w;
	uint8_t *hdr, *iv, *data, *icv;
	void *ctx;

	for (size_t i = 0; i < sizeof(keys.enc); i++)
		keys.enc[i] = (uint8_t)(0x40 + i);
	for (size_t i = 0; i < salt; i++)
		keys.salt[i] = (uint8_t)(0x40 + keys.enc_len + i);
	for (size_t i = 0; i < sizeof(keys.auth); i++)
		keys.auth[i] = (uint8_t)(0x90 + i);
	buf_writer_init(&w, buf, TEST_BUF_LEN);
	buf_put_zero(&w, ESP_HEADROOM - 8 - ops->iv_len);
	hdr = buf_reserve(&w, 8);
	buf_store_u32(hdr, SPI);
	buf_store_u32(&hdr[4], 5);
	iv = buf_reserve(&w, ops->iv_len);
	memset(iv, 0x1f, ops->iv_len);
	data = buf_reserve(&w, len);
	memcpy(data, plain, len);
	icv = buf_reserve(&w, ops->icv_len);
	cr_assert(buf_writer_ok(&w));
	memcpy(aad.b, hdr, 8);
	if (sc->esn)
		buf_store_u32(&aad.b[8], 3);
	ctx = ops->new != NULL ? ops->new(&keys, true) : NULL;
	cr_assert(ctx != NULL || ops->new == NULL);
	cr_assert_eq(ops->seal(ctx, &keys, &aad, iv, data, len, icv), ESP_OK);
	if (ctx != NULL)
		ops->free(ctx);
	return (struct esp_pkt){ buf, TEST_BUF_LEN, ESP_HEADROOM - 8 -
	    ops->iv_len, 8 + ops->iv_len + len + ops->icv_len };
}

Test(esp_reject, bad_padding)
{
	/* Trailers of a 32-byte plaintext: payload, pad, pad len, NH. */
	static const struct {
		const char	*what;
		uint8_t		 pad_len;
		uint8_t		 pad[30];
		enum esp_status	 want;
	} t[] = {
		{ "1,2,3 is right", 3, { 1, 2, 3 }, ESP_OK },
		{ "no padding", 0, { 0 }, ESP_OK },
		{ "all padding", 30, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
		  13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
		  28, 29, 30 }, ESP_OK },
		{ "1,2,4", 3, { 1, 2, 4 }, ESP_DROP_PADDING },
		{ "zeros", 3, { 0, 0, 0 }, ESP_DROP_PADDING },
		{ "last byte wrong", 30, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
		  27, 28, 29, 0 }, ESP_DROP_PADDING },
		{ "pad len past the start", 31, { 0 }, ESP_DROP_PADDING },
		{ "pad len 255", 255, { 0 }, ESP_DROP_PADDING },
	};

	for (size_t s = 0; s < NSUITES; s++) {
		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			struct esp_sa *in = make_in(&suites[s]);
			uint8_t plain[32], buf[TEST_BUF_LEN], nh;
			size_t pad = t[i].pad_len > 30 ? 30 : t[i].pad_len;
			struct esp_pkt pkt;

			if (suites[s].esn)
				esp_sa_test_set_replay_top(in, 0x300000000);
			memset(plain, 0xee, sizeof(plain));
			memcpy(&plain[30 - pad], t[i].pad, pad);
			plain[30] = t[i].pad_len;
			plain[31] = ESP_NH_IPV6;
			pkt = seal_raw(&suites[s], buf, plain, sizeof(plain));
			cr_assert_eq(esp_decap(in, &pkt, &nh), t[i].want,
			    "%s, %s", esp_suite_name(suites[s].suite),
			    t[i].what);
			if (t[i].want == ESP_OK) {
				cr_assert_eq(pkt.len, 30 - pad);
				cr_assert_eq(nh, ESP_NH_IPV6);
			} else {
				cr_assert_eq(esp_sa_stats(in)->drop_padding, 1);
				/* Not authenticated as data: window unmoved,
				 * the same seq is still welcome. */
				pkt = seal_raw(&suites[s], buf, plain,
				    sizeof(plain));
				cr_assert_eq(esp_decap(in, &pkt, &nh),
				    ESP_DROP_PADDING);
			}
			esp_sa_free(in);
		}
	}
}

/* The daemon finds the SA by esp_peek_spi(); an SA handed a packet of
 * another SPI drops it as malformed. */
Test(esp_reject, unknown_spi)
{
	const struct suite_case *sc = &suites[0];
	struct esp_sa *sas[2] = { test_sa(sc->suite, sc->key_bits, false,
	    ESP_DIR_IN, SPI + 1, 64), test_sa(sc->suite, sc->key_bits, false,
	    ESP_DIR_IN, SPI + 2, 64) };
	uint8_t good[TEST_BUF_LEN], nh;
	struct esp_pkt pkt;
	uint32_t spi;

	make_good(sc, good, 64, &pkt);
	cr_assert(esp_peek_spi(&pkt.base[pkt.off], pkt.len, &spi));
	cr_assert_eq(spi, SPI);
	for (int i = 0; i < 2; i++)
		cr_assert_neq(esp_sa_spi(sas[i]), spi);
	cr_assert_eq(esp_decap(sas[0], &pkt, &nh), ESP_DROP_MALFORMED);
	cr_assert_eq(esp_sa_stats(sas[0])->drop_malformed, 1);
	cr_assert_not(esp_peek_spi(&pkt.base[pkt.off], 7, &spi));
	esp_sa_free(sas[0]);
	esp_sa_free(sas[1]);
}
