/*
 * No allocation per packet (DEVELOPERS.md: esp/ allocates only when an SA
 * is made): malloc is interposed in this binary and counted while packets
 * go through every suite — ours, OpenSSL's and libsodium's calls alike.
 * ASan brings its own allocator, so under it the test is skipped.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "test_esp_util.h"

static bool counting;
static size_t allocs;

#ifndef __SANITIZE_ADDRESS__
void	*__libc_malloc(size_t n);
void	*__libc_calloc(size_t n, size_t size);
void	*__libc_realloc(void *p, size_t n);

void *
malloc(size_t n)
{
	allocs += counting;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	allocs += counting;
	return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	allocs += counting;
	return __libc_realloc(p, n);
}
#endif

Test(esp_alloc, none_per_packet)
{
	static const struct { enum esp_suite suite; bool esn; } s[] = {
		{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, false },
		{ ESP_SUITE_AES_CBC_HMAC_SHA256_128, true },
		{ ESP_SUITE_AES_GCM_16, true },
		{ ESP_SUITE_CHACHA20_POLY1305, false },
	};

#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("ASan replaces malloc");
#endif
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct esp_sa *out = test_sa(s[i].suite, 256, s[i].esn,
		    ESP_DIR_OUT, 0x1000, 0);
		struct esp_sa *in = test_sa(s[i].suite, 256, s[i].esn,
		    ESP_DIR_IN, 0x1000, ESP_REPLAY_WINDOW_DEFAULT);
		uint8_t inner[1400], buf[TEST_BUF_LEN], nh;
		struct esp_pkt pkt;
		enum esp_status st[3];

		test_inner(inner, sizeof(inner), ESP_NH_IPV4, 9);
		allocs = 0;
		for (int n = 0; n < 300; n++) {
			/* cr_assert allocates: check after counting stops */
			memcpy(&buf[ESP_HEADROOM], inner, sizeof(inner));
			pkt = (struct esp_pkt){ buf, sizeof(buf), ESP_HEADROOM,
			    sizeof(inner) };
			counting = true;
			st[0] = esp_encap(out, &pkt, ESP_NH_IPV4);
			st[1] = esp_decap(in, &pkt, &nh);
			pkt.len = 17;
			st[2] = esp_decap(in, &pkt, &nh);
			counting = false;
			cr_assert(st[0] == ESP_OK && st[1] == ESP_OK &&
			    st[2] != ESP_OK);
		}
		cr_assert_eq(allocs, 0, "%s: %zu allocations in 300 packets",
		    esp_suite_name(s[i].suite), allocs);
		esp_sa_free(out);
		esp_sa_free(in);
	}
}

/* Through an esp_ctx_cache with fewer slots than SAs every packet takes a
 * slot from another SA and re-keys it, in either direction: still no
 * allocation once the slots hold a context of the suite. */
Test(esp_alloc, none_per_packet_when_slots_change_hands)
{
	static const enum esp_suite s[] = { ESP_SUITE_AES_CBC_HMAC_SHA1_96,
	    ESP_SUITE_AES_CBC_HMAC_SHA256_128, ESP_SUITE_AES_GCM_16 };
	enum { N = 5 };

#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("ASan replaces malloc");
#endif
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct esp_ctx_cache *cache;
		struct esp_sa *out[N], *in[N];
		uint8_t enc[64] = { 1 }, auth[64] = { 2 };
		struct esp_sa_config cfg = { .suite = s[i], .enc_key = enc,
		    .enc_key_len = esp_suite_enc_key_len(s[i], 256),
		    .auth_key = auth,
		    .auth_key_len = esp_suite_auth_key_len(s[i]),
		    .replay_window = ESP_REPLAY_WINDOW_DEFAULT };
		uint8_t inner[200], buf[TEST_BUF_LEN], nh;
		struct esp_pkt pkt;
		enum esp_status st[2];
		uint64_t evictions;

		cr_assert_eq(esp_ctx_cache_new(&cache, 2), ESP_OK);
		cfg.cache = cache;
		for (int t = 0; t < N; t++) {
			cfg.spi = (uint32_t)(0x1000 + t);
			enc[1] = auth[1] = (uint8_t)t;
			out[t] = test_sa_new(&cfg, ESP_DIR_OUT);
			in[t] = test_sa_new(&cfg, ESP_DIR_IN);
		}
		test_inner(inner, sizeof(inner), ESP_NH_IPV4, 5);
		allocs = 0;
		for (int n = 0; n < 300; n++) {
			int t = n % N;

			memcpy(&buf[ESP_HEADROOM], inner, sizeof(inner));
			pkt = (struct esp_pkt){ buf, sizeof(buf), ESP_HEADROOM,
			    sizeof(inner) };
			counting = n >= N;	/* after the slots' first use */
			st[0] = esp_encap(out[t], &pkt, ESP_NH_IPV4);
			st[1] = esp_decap(in[t], &pkt, &nh);
			counting = false;
			cr_assert(st[0] == ESP_OK && st[1] == ESP_OK);
		}
		evictions = esp_ctx_cache_stats(cache)->evictions;
		cr_assert_geq(evictions, 500, "%llu evictions",
		    (unsigned long long)evictions);
		cr_assert_eq(allocs, 0, "%s: %zu allocations in 300 packets "
		    "with %llu evictions", esp_suite_name(s[i]), allocs,
		    (unsigned long long)evictions);
		for (int t = 0; t < N; t++) {
			esp_sa_free(out[t]);
			esp_sa_free(in[t]);
		}
		esp_ctx_cache_free(cache);
	}
}
