/*
 * Heap bytes per ESP SA (issue 5: <= 4 KB per idle tunnel on the
 * concentrator, of which an in+out SA pair is a part): N SAs are made and
 * the heap growth (mallinfo2, bytes in use) divided by N must stay under a
 * bound that catches regressions. The figures are printed:
 *   - idle SAs made with an esp_ctx_cache (the daemon's case): keys,
 *     counters and a 64-packet replay window, no cipher context;
 *   - SAs that own their contexts (no cache: tests and tools);
 *   - a cache slot once keyed (what an SA carrying traffic adds).
 * ASan brings its own allocator, so under it the test is skipped.
 */
#include <criterion/criterion.h>
#include <malloc.h>
#include <stdio.h>

#include "test_esp_util.h"

#define N_SAS		1000
#define N_SLOTS		64

/* Bounds with ~15 % headroom over what was measured when they were set
 * (glibc x86-64; test output has the figures). Lower them as SAs shrink. */
#define IDLE_IN_MAX	276
#define IDLE_OUT_MAX	276
#define OWN_IN_MAX	1840	/* aes256-sha1 and aes256gcm16 */
#define OWN_OUT_MAX	1840
#define SLOT_MAX	1224

struct mem_case {
	const char	*name;
	enum esp_suite	 suite;
};

static const struct mem_case cases[] = {
	{ "aes256-sha1", ESP_SUITE_AES_CBC_HMAC_SHA1_96 },
	{ "aes256gcm16", ESP_SUITE_AES_GCM_16 },
	{ "chacha20poly1305", ESP_SUITE_CHACHA20_POLY1305 },
};

static struct esp_sa *sas[N_SAS];

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static struct esp_sa_config
mem_config(enum esp_suite suite, struct esp_ctx_cache *cache)
{
	static const uint8_t key[64] = { 0x11, 0x22, 0x33 };

	return (struct esp_sa_config){ .suite = suite, .enc_key = key,
	    .enc_key_len = esp_suite_enc_key_len(suite, 256), .auth_key = key,
	    .auth_key_len = esp_suite_auth_key_len(suite),
	    .replay_window = ESP_REPLAY_WINDOW_DEFAULT, .cache = cache };
}

/* Heap bytes per SA of N_SAS made with cfg in direction dir. */
static size_t
bytes_per_sa(struct esp_sa_config cfg, enum esp_dir dir)
{
	size_t before, after;

	before = heap_in_use();
	for (size_t i = 0; i < N_SAS; i++) {
		cfg.spi = (uint32_t)(0x1000 + i);
		sas[i] = test_sa_new(&cfg, dir);
	}
	after = heap_in_use();
	for (size_t i = 0; i < N_SAS; i++)
		esp_sa_free(sas[i]);
	return after > before ? (after - before) / N_SAS : 0;
}

Test(esp_memory, bytes_per_sa)
{
	struct esp_ctx_cache *cache;

#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("ASan replaces malloc");
#endif
	cr_assert_eq(esp_ctx_cache_new(&cache, N_SLOTS), ESP_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mem_case *c = &cases[i];
		size_t idle_in = bytes_per_sa(mem_config(c->suite, cache),
		    ESP_DIR_IN);
		size_t idle_out = bytes_per_sa(mem_config(c->suite, cache),
		    ESP_DIR_OUT);
		size_t own_in = bytes_per_sa(mem_config(c->suite, NULL),
		    ESP_DIR_IN);
		size_t own_out = bytes_per_sa(mem_config(c->suite, NULL),
		    ESP_DIR_OUT);

		fprintf(stderr, "esp_memory: %s: idle SA with a cache: in %zu, "
		    "out %zu bytes (pair %zu); own contexts: in %zu, out %zu "
		    "(%d SAs, replay window %d)\n", c->name, idle_in, idle_out,
		    idle_in + idle_out, own_in, own_out, N_SAS,
		    ESP_REPLAY_WINDOW_DEFAULT);
		cr_expect_leq(idle_in, IDLE_IN_MAX, "%s: idle in %zu", c->name,
		    idle_in);
		cr_expect_leq(idle_out, IDLE_OUT_MAX, "%s: idle out %zu",
		    c->name, idle_out);
		cr_expect_leq(own_in, OWN_IN_MAX, "%s: in %zu", c->name,
		    own_in);
		cr_expect_leq(own_out, OWN_OUT_MAX, "%s: out %zu", c->name,
		    own_out);
	}
	esp_ctx_cache_free(cache);
}

/* A cache is its array of empty slots: no context is made before an SA
 * needs one, so a concentrator whose tunnels are idle holds none (256
 * contexts made up front would be ~270 KB). */
Test(esp_memory, unused_slots_cost_no_context)
{
	struct esp_ctx_cache *cache;
	size_t before, after;

#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("ASan replaces malloc");
#endif
	before = heap_in_use();
	cr_assert_eq(esp_ctx_cache_new(&cache, 256), ESP_OK);
	after = heap_in_use();
	fprintf(stderr, "esp_memory: an unused cache of 256 slots: %zu bytes\n",
	    after - before);
	cr_expect_leq(after - before, 256 * 48, "%zu bytes", after - before);
	cr_assert_eq(esp_ctx_cache_stats(cache)->bound, 0);
	esp_ctx_cache_free(cache);
}

/* What an SA carrying traffic adds: its slot's context, made on first use
 * and kept by the cache after (re-keyed, never freed while it lives). */
Test(esp_memory, bytes_per_slot)
{
	struct esp_sa_config cfg;
	struct esp_ctx_cache *cache;
	uint8_t inner[100], buf[TEST_BUF_LEN];
	size_t before, after, per_slot;

#ifdef __SANITIZE_ADDRESS__
	cr_skip_test("ASan replaces malloc");
#endif
	cr_assert_eq(esp_ctx_cache_new(&cache, N_SLOTS), ESP_OK);
	cfg = mem_config(ESP_SUITE_AES_CBC_HMAC_SHA1_96, cache);
	for (size_t i = 0; i < N_SLOTS; i++) {
		cfg.spi = (uint32_t)(0x1000 + i);
		sas[i] = test_sa_new(&cfg, ESP_DIR_OUT);
	}
	test_inner(inner, sizeof(inner), ESP_NH_IPV4, 1);
	/* OpenSSL's one-time set-up (providers, algorithm fetches) first */
	esp_sa_free(test_sa_new(&(struct esp_sa_config){ .spi = 1,
	    .suite = cfg.suite, .enc_key = cfg.enc_key,
	    .enc_key_len = cfg.enc_key_len, .auth_key = cfg.auth_key,
	    .auth_key_len = cfg.auth_key_len }, ESP_DIR_OUT));
	before = heap_in_use();
	for (size_t i = 0; i < N_SLOTS; i++)
		test_encap(sas[i], buf, inner, sizeof(inner), ESP_NH_IPV4);
	after = heap_in_use();
	cr_assert_eq(esp_ctx_cache_stats(cache)->bound, N_SLOTS);
	per_slot = after > before ? (after - before) / N_SLOTS : 0;
	fprintf(stderr, "esp_memory: aes256-sha1: %zu bytes per keyed cache "
	    "slot (%d slots)\n", per_slot, N_SLOTS);
	cr_expect_leq(per_slot, SLOT_MAX, "%zu bytes per slot", per_slot);
	for (size_t i = 0; i < N_SLOTS; i++)
		esp_sa_free(sas[i]);
	esp_ctx_cache_free(cache);
}
