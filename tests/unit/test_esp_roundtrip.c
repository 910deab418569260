/*
 * ESP round trips per suite, IPv4 and IPv6 inner packets, with and without
 * ESN; minimal padding; sequence number limits; configuration errors;
 * proposal tokens; RFC 3948 classification.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "esp/aead.h"
#include "esp/esp_internal.h"
#include "test_esp_util.h"

struct suite_case {
	enum esp_suite	 suite;
	int		 key_bits;
};

static const struct suite_case suites[] = {
	{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256 },
	{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 128 },
	{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 192 },
	{ ESP_SUITE_AES_CBC_HMAC_SHA256_128, 256 },
	{ ESP_SUITE_AES_GCM_16, 256 },
	{ ESP_SUITE_AES_GCM_16, 128 },
	{ ESP_SUITE_CHACHA20_POLY1305, 256 },
};
#define NSUITES	(sizeof(suites) / sizeof(suites[0]))

static const size_t sizes[] = { 0, 1, 20, 40, 41, 63, 64, 65, 100, 576,
    1279, 1280, 1400, 1500 };

/* Bytes on the wire for an inner packet of len: header, IV, payload padded
 * with the minimum to the suite's alignment, trailer, ICV. */
static size_t
wire_len(enum esp_suite suite, size_t len)
{
	const struct esp_aead_ops *ops = esp_suite_ops(suite);
	size_t body = len + 2;

	body += (ops->align - body % ops->align) % ops->align;
	return 8 + ops->iv_len + body + ops->icv_len;
}

static void
round_trip(const struct suite_case *sc, bool esn, uint8_t nh)
{
	struct esp_sa *out = test_sa(sc->suite, sc->key_bits, esn,
	    ESP_DIR_OUT, 0xc0ffee01, 0);
	struct esp_sa *in = test_sa(sc->suite, sc->key_bits, esn, ESP_DIR_IN,
	    0xc0ffee01, ESP_REPLAY_WINDOW_DEFAULT);
	uint8_t inner[1500], buf[TEST_BUF_LEN], got_nh;
	uint64_t bytes = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t len = sizes[i];
		struct esp_pkt pkt;

		test_inner(inner, len, nh, (uint8_t)i);
		pkt = test_encap(out, buf, inner, len, nh);
		cr_assert_eq(pkt.len, wire_len(sc->suite, len),
		    "%s/%d: %zu -> %zu", esp_suite_name(sc->suite),
		    sc->key_bits, len, pkt.len);
		cr_assert_leq(pkt.len - len,
		    esp_suite_overhead_max(sc->suite));
		cr_assert_eq(esp_decap(in, &pkt, &got_nh), ESP_OK,
		    "%s/%d esn=%d len %zu", esp_suite_name(sc->suite),
		    sc->key_bits, esn, len);
		cr_assert_eq(got_nh, nh);
		cr_assert_eq(pkt.len, len);
		cr_assert_eq(pkt.off, ESP_HEADROOM);
		cr_assert_arr_eq(&pkt.base[pkt.off], inner, len);
		bytes += len;
	}
	cr_assert_eq(esp_sa_stats(out)->packets, sizeof(sizes) /
	    sizeof(sizes[0]));
	cr_assert_eq(esp_sa_stats(in)->packets, esp_sa_stats(out)->packets);
	cr_assert_eq(esp_sa_stats(in)->bytes, bytes);
	cr_assert_eq(esp_sa_stats(out)->bytes, bytes);
	cr_assert_eq(esp_sa_seq(out), 1 + sizeof(sizes) / sizeof(sizes[0]));
	esp_sa_free(out);
	esp_sa_free(in);
}

Test(esp_roundtrip, every_suite_ipv4_ipv6_esn_noesn)
{
	for (size_t s = 0; s < NSUITES; s++)
		for (int esn = 0; esn <= 1; esn++) {
			round_trip(&suites[s], esn, ESP_NH_IPV4);
			round_trip(&suites[s], esn, ESP_NH_IPV6);
		}
}

/* ESN across 2^32: the receiver infers the high half (RFC 4303 A2.2) even
 * when the packets around the rollover arrive out of order. */
Test(esp_roundtrip, esn_rollover_reordered)
{
	static const size_t order[] = { 0, 2, 1, 5, 3, 4, 7, 6, 15, 8, 9, 14,
	    10, 11, 13, 12 };
	uint8_t inner[100], bufs[16][TEST_BUF_LEN], nh;

	for (size_t s = 0; s < NSUITES; s++) {
		struct esp_sa *out = test_sa(suites[s].suite,
		    suites[s].key_bits, true, ESP_DIR_OUT, 0x1000, 0);
		struct esp_sa *in = test_sa(suites[s].suite,
		    suites[s].key_bits, true, ESP_DIR_IN, 0x1000, 64);
		struct esp_pkt pkts[16];

		esp_sa_test_set_seq(out, 0xfffffff8);
		esp_sa_test_set_replay_top(in, 0xfffffff7);
		for (size_t i = 0; i < 16; i++) {
			test_inner(inner, sizeof(inner), ESP_NH_IPV4,
			    (uint8_t)i);
			pkts[i] = test_encap(out, bufs[i], inner,
			    sizeof(inner), ESP_NH_IPV4);
		}
		cr_assert_eq(esp_sa_seq(out), 0x100000008);
		for (size_t i = 0; i < 16; i++)
			cr_assert_eq(esp_decap(in, &pkts[order[i]], &nh),
			    ESP_OK, "%s: packet %zu",
			    esp_suite_name(suites[s].suite), order[i]);
		esp_sa_free(out);
		esp_sa_free(in);
	}
}

/* The ESN high half is authenticated though never sent: a receiver that
 * thinks otherwise (no ESN) fails the ICV, for every suite. */
Test(esp_roundtrip, esn_high_bits_in_icv)
{
	uint8_t inner[64], buf[TEST_BUF_LEN], nh;

	test_inner(inner, sizeof(inner), ESP_NH_IPV4, 1);
	for (size_t s = 0; s < NSUITES; s++) {
		struct esp_sa *out = test_sa(suites[s].suite,
		    suites[s].key_bits, true, ESP_DIR_OUT, 0x1000, 0);
		struct esp_sa *in = test_sa(suites[s].suite,
		    suites[s].key_bits, false, ESP_DIR_IN, 0x1000, 64);
		struct esp_pkt pkt = test_encap(out, buf, inner, sizeof(inner),
		    ESP_NH_IPV4);

		cr_assert_eq(esp_decap(in, &pkt, &nh), ESP_DROP_AUTH, "%s",
		    esp_suite_name(suites[s].suite));
		cr_assert_eq(esp_sa_stats(in)->drop_auth, 1);
		esp_sa_free(out);
		esp_sa_free(in);
	}
}

/* RFC 4303 §3.3.3: 2^32 - 1 is the last without ESN, 2^64 - 1 with. */
Test(esp_roundtrip, sequence_exhausted)
{
	uint8_t inner[64] = { 0x45 }, buf[TEST_BUF_LEN];

	for (int esn = 0; esn <= 1; esn++) {
		struct esp_sa *out = test_sa(ESP_SUITE_AES_CBC_HMAC_SHA1_96,
		    256, esn, ESP_DIR_OUT, 0x1000, 0);
		struct esp_pkt pkt;

		esp_sa_test_set_seq(out, esn ? UINT64_MAX : 0xffffffff);
		pkt = test_encap(out, buf, inner, sizeof(inner), ESP_NH_IPV4);
		cr_assert_eq(pkt.base[pkt.off + 4], 0xff);	/* seq on wire */
		pkt = (struct esp_pkt){ buf, sizeof(buf), ESP_HEADROOM, 64 };
		cr_assert_eq(esp_encap(out, &pkt, ESP_NH_IPV4),
		    ESP_ERR_SEQ_EXHAUSTED, "esn=%d", esn);
		cr_assert_eq(pkt.off, ESP_HEADROOM);	/* untouched */
		cr_assert_eq(pkt.len, 64);
		cr_assert_eq(esp_encap(out, &pkt, ESP_NH_IPV4),
		    ESP_ERR_SEQ_EXHAUSTED);
		cr_assert_eq(esp_sa_stats(out)->packets, 1);
		esp_sa_free(out);
	}
}

Test(esp_roundtrip, dummy_packet_counted_not_delivered)
{
	struct esp_sa *out = test_sa(ESP_SUITE_AES_GCM_16, 256, false,
	    ESP_DIR_OUT, 0x1000, 0);
	struct esp_sa *in = test_sa(ESP_SUITE_AES_GCM_16, 256, false,
	    ESP_DIR_IN, 0x1000, 64);
	uint8_t inner[16] = { 0 }, buf[TEST_BUF_LEN], nh;
	struct esp_pkt pkt = test_encap(out, buf, inner, sizeof(inner),
	    ESP_NH_NONE);

	cr_assert_eq(esp_decap(in, &pkt, &nh), ESP_DROP_DUMMY);
	cr_assert_eq(esp_sa_stats(in)->drop_dummy, 1);
	cr_assert_eq(esp_sa_stats(in)->packets, 0);
	esp_sa_free(out);
	esp_sa_free(in);
}

Test(esp_roundtrip, replayed_packet_dropped)
{
	struct esp_sa *out = test_sa(ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256,
	    false, ESP_DIR_OUT, 0x1000, 0);
	struct esp_sa *in = test_sa(ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256,
	    false, ESP_DIR_IN, 0x1000, 64);
	uint8_t inner[80] = { 0x45 }, buf[TEST_BUF_LEN], copy[TEST_BUF_LEN];
	uint8_t nh;
	struct esp_pkt pkt = test_encap(out, buf, inner, sizeof(inner),
	    ESP_NH_IPV4), again = pkt;

	memcpy(copy, buf, sizeof(buf));
	again.base = copy;
	cr_assert_eq(esp_decap(in, &pkt, &nh), ESP_OK);
	cr_assert_eq(esp_decap(in, &again, &nh), ESP_DROP_REPLAY);
	cr_assert_eq(esp_sa_stats(in)->drop_replay, 1);
	esp_sa_free(out);
	esp_sa_free(in);
}

/* CBC IVs differ per packet; AEAD IVs are the sequence number. */
Test(esp_roundtrip, ivs)
{
	struct esp_sa *cbc = test_sa(ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256,
	    false, ESP_DIR_OUT, 0x1000, 0);
	struct esp_sa *gcm = test_sa(ESP_SUITE_AES_GCM_16, 256, true,
	    ESP_DIR_OUT, 0x1000, 0);
	uint8_t inner[64] = { 0x45 }, buf[TEST_BUF_LEN], prev[16];
	static const uint8_t seq_iv[8] = { 0, 0, 0, 7, 0, 0, 0, 9 };
	struct esp_pkt pkt;

	for (int i = 0; i < 100; i++) {
		pkt = test_encap(cbc, buf, inner, sizeof(inner), ESP_NH_IPV4);
		if (i > 0)
			cr_assert(memcmp(&pkt.base[pkt.off + 8], prev, 16) != 0);
		memcpy(prev, &pkt.base[pkt.off + 8], 16);
	}
	esp_sa_test_set_seq(gcm, 0x700000009);
	pkt = test_encap(gcm, buf, inner, sizeof(inner), ESP_NH_IPV4);
	cr_assert_arr_eq(&pkt.base[pkt.off + 8], seq_iv, 8);
	esp_sa_free(cbc);
	esp_sa_free(gcm);
}

Test(esp_roundtrip, no_room)
{
	struct esp_sa *out = test_sa(ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256,
	    false, ESP_DIR_OUT, 0x1000, 0);
	uint8_t buf[200];
	struct esp_pkt head = { buf, sizeof(buf), 23, 100 };
	struct esp_pkt tail = { buf, 24 + 100 + 2 + 10 + 11, 24, 100 };
	struct esp_pkt ok = { buf, 24 + 112 + 12, 24, 100 };

	cr_assert_eq(esp_encap(out, &head, ESP_NH_IPV4), ESP_ERR_NOSPACE);
	cr_assert_eq(esp_encap(out, &tail, ESP_NH_IPV4), ESP_ERR_NOSPACE);
	cr_assert_eq(esp_sa_seq(out), 1);	/* nothing consumed */
	cr_assert_eq(esp_encap(out, &ok, ESP_NH_IPV4), ESP_OK);
	cr_assert_eq(ok.off, 0);
	cr_assert_eq(ok.len, ok.cap);
	esp_sa_free(out);
}

Test(esp_roundtrip, direction_and_config_errors)
{
	uint8_t key[64] = { 1 }, buf[TEST_BUF_LEN] = { 0 }, nh;
	struct esp_sa_config cfg = { .spi = 0x1000,
	    .suite = ESP_SUITE_AES_CBC_HMAC_SHA1_96, .enc_key = key,
	    .enc_key_len = 32, .auth_key = key, .auth_key_len = 20,
	    .replay_window = 64 };
	struct esp_sa *sa;
	struct esp_pkt pkt = { buf, sizeof(buf), ESP_HEADROOM, 64 };

	cr_assert_eq(esp_sa_new(&sa, &cfg, ESP_DIR_IN), ESP_OK);
	cr_assert_eq(esp_encap(sa, &pkt, ESP_NH_IPV4), ESP_ERR_CONFIG);
	esp_sa_free(sa);
	cr_assert_eq(esp_sa_new(&sa, &cfg, ESP_DIR_OUT), ESP_OK);
	cr_assert_eq(esp_decap(sa, &pkt, &nh), ESP_ERR_CONFIG);
	esp_sa_free(sa);
	esp_sa_free(NULL);

#define BAD(field, value) do {						\
		struct esp_sa_config c = cfg;				\
		c.field = value;					\
		sa = (struct esp_sa *)1;				\
		cr_assert_eq(esp_sa_new(&sa, &c, ESP_DIR_IN),		\
		    ESP_ERR_CONFIG, #field " = " #value);		\
		cr_assert_null(sa);					\
	} while (0)
	BAD(enc_key_len, 20);
	BAD(enc_key_len, 36);
	BAD(enc_key_len, 0);
	BAD(auth_key_len, 32);
	BAD(auth_key, NULL);
	BAD(replay_window, 100);
	BAD(replay_window, ESP_REPLAY_WINDOW_MAX + 64);
	BAD(spi, 0);
	BAD(suite, ESP_SUITE_COUNT);
	cfg.suite = ESP_SUITE_AES_GCM_16;
	cfg.auth_key_len = 0;
	BAD(enc_key_len, 32);		/* no salt */
	cfg.suite = ESP_SUITE_CHACHA20_POLY1305;
	BAD(enc_key_len, 20);
#undef BAD
}

Test(esp_roundtrip, key_lengths_and_overhead)
{
	cr_assert_eq(esp_suite_enc_key_len(ESP_SUITE_AES_CBC_HMAC_SHA1_96,
	    256), 32);
	cr_assert_eq(esp_suite_enc_key_len(ESP_SUITE_AES_CBC_HMAC_SHA1_96,
	    100), 0);
	cr_assert_eq(esp_suite_enc_key_len(ESP_SUITE_AES_GCM_16, 128), 20);
	cr_assert_eq(esp_suite_enc_key_len(ESP_SUITE_CHACHA20_POLY1305, 256),
	    36);
	cr_assert_eq(esp_suite_auth_key_len(ESP_SUITE_AES_CBC_HMAC_SHA1_96),
	    20);
	cr_assert_eq(esp_suite_auth_key_len(
	    ESP_SUITE_AES_CBC_HMAC_SHA256_128), 32);
	cr_assert_eq(esp_suite_auth_key_len(ESP_SUITE_AES_GCM_16), 0);
	/* 8 + 16 + 15 + 2 + 12; 8 + 8 + 3 + 2 + 16 */
	cr_assert_eq(esp_suite_overhead_max(ESP_SUITE_AES_CBC_HMAC_SHA1_96),
	    53);
	cr_assert_eq(esp_suite_overhead_max(ESP_SUITE_AES_GCM_16), 37);
	cr_assert_leq(esp_suite_overhead_max(
	    ESP_SUITE_AES_CBC_HMAC_SHA256_128), ESP_HEADROOM + ESP_TAILROOM);
}

Test(esp_roundtrip, proposal_tokens)
{
	static const struct {
		const char *token;
		int ok;
		enum esp_suite suite;
		int key_len;
		bool esn;
	} t[] = {
		{ "aes256-sha1", 0, ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256, false },
		{ "aes256-sha1-esn", 0, ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256,
		  true },
		{ "aes128-sha1-noesn", 0, ESP_SUITE_AES_CBC_HMAC_SHA1_96, 128,
		  false },
		{ "aes-sha1", 0, ESP_SUITE_AES_CBC_HMAC_SHA1_96, 128, false },
		{ "aes256-sha256", 0, ESP_SUITE_AES_CBC_HMAC_SHA256_128, 256,
		  false },
		{ "aes256gcm16", 0, ESP_SUITE_AES_GCM_16, 256, false },
		{ "aes128gcm16-esn", 0, ESP_SUITE_AES_GCM_16, 128, true },
		{ "aesgcm16", 0, ESP_SUITE_AES_GCM_16, 128, false },
		{ "chacha20poly1305", 0, ESP_SUITE_CHACHA20_POLY1305, 256,
		  false },
		{ "chacha20poly1305-esn", 0, ESP_SUITE_CHACHA20_POLY1305, 256,
		  true },
		{ "", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256-", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256-sha1-", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256--sha1", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256-md5", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256gcm16-sha1", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256-sha1-esn-esn", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256-sha1-yes", -1, ESP_SUITE_COUNT, 0, false },
		{ "3des-sha1", -1, ESP_SUITE_COUNT, 0, false },
		{ "aes256gcm8", -1, ESP_SUITE_COUNT, 0, false },
		{ "AES256-SHA1", -1, ESP_SUITE_COUNT, 0, false },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum esp_suite suite = ESP_SUITE_COUNT;
		int key_len = 0;
		bool esn = false;

		cr_assert_eq(esp_suite_parse(t[i].token, &suite, &key_len,
		    &esn), t[i].ok, "'%s'", t[i].token);
		if (t[i].ok != 0)
			continue;
		cr_assert_eq(suite, t[i].suite, "'%s'", t[i].token);
		cr_assert_eq(key_len, t[i].key_len, "'%s'", t[i].token);
		cr_assert_eq(esn, t[i].esn, "'%s'", t[i].token);
	}
	/* Every suite's name parses back to it. */
	for (int s = 0; s < ESP_SUITE_COUNT; s++) {
		enum esp_suite got;
		int key_len;
		bool esn;

		cr_assert_eq(esp_suite_parse(esp_suite_name(s), &got, &key_len,
		    &esn), 0, "%s", esp_suite_name(s));
		cr_assert_eq(got, (enum esp_suite)s);
	}
}

Test(esp_roundtrip, udp_classify_and_peek)
{
	static const uint8_t keepalive[] = { 0xff };
	static const uint8_t ike[] = { 0, 0, 0, 0, 0x11, 0x22 };
	static const uint8_t esp[] = { 0, 0, 0x10, 0, 0, 0, 0, 1 };
	static const uint8_t short_esp[] = { 0, 0, 0x10, 0, 0, 0, 0 };
	static const uint8_t one[] = { 0x00 };
	uint32_t spi = 0;

	cr_assert_eq(esp_udp_classify(keepalive, 1), ESP_UDP_KEEPALIVE);
	cr_assert_eq(esp_udp_classify(ike, sizeof(ike)), ESP_UDP_IKE);
	cr_assert_eq(esp_udp_classify(ike, 4), ESP_UDP_IKE);
	cr_assert_eq(esp_udp_classify(esp, sizeof(esp)), ESP_UDP_ESP);
	cr_assert_eq(esp_udp_classify(short_esp, sizeof(short_esp)),
	    ESP_UDP_INVALID);
	cr_assert_eq(esp_udp_classify(one, 1), ESP_UDP_INVALID);
	cr_assert_eq(esp_udp_classify(keepalive, 0), ESP_UDP_INVALID);
	cr_assert_eq(esp_udp_classify(NULL, 0), ESP_UDP_INVALID);
	cr_assert(esp_peek_spi(esp, sizeof(esp), &spi));
	cr_assert_eq(spi, 0x1000);
	cr_assert_not(esp_peek_spi(short_esp, sizeof(short_esp), &spi));
}

Test(esp_roundtrip, status_names)
{
	for (int st = ESP_OK; st <= ESP_ERR_NOMEM; st++)
		cr_assert_str_neq(esp_status_str(st), "unknown", "%d", st);
	cr_assert_str_eq(esp_status_str((enum esp_status)99), "unknown");
}
