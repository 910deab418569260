/*
 * esp_ctx_cache (esp.h): SAs sharing a few keyed contexts give the same
 * packets as SAs with their own, however their traffic interleaves and
 * however often a slot changes hands (suite, key length and direction
 * included); a slot never keeps a freed SA's key; ChaCha20-Poly1305 SAs
 * take no slot.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <sodium.h>

#include "esp/ctx_cache.h"
#include "esp/sa.h"
#include "esp/esp_internal.h"
#include "test_esp_util.h"

#define N_TUNNELS	14
#define N_SLOTS		3
#define N_PACKETS	1200

struct suite_case {
	enum esp_suite	 suite;
	int		 key_bits;
};

static const struct suite_case suites[] = {
	{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256 },
	{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 128 },
	{ ESP_SUITE_AES_CBC_HMAC_SHA256_128, 256 },
	{ ESP_SUITE_AES_GCM_16, 256 },
	{ ESP_SUITE_AES_GCM_16, 128 },
	{ ESP_SUITE_CHACHA20_POLY1305, 256 },
	{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256 },	/* the fleet's suite */
};
#define N_SUITES	(sizeof(suites) / sizeof(suites[0]))

/* A tunnel's four SAs: cached and uncached, each direction, same keys. */
struct tunnel {
	const struct suite_case	*sc;
	bool			 esn;
	struct esp_sa		*out, *in;		/* with the cache */
	struct esp_sa		*own_out, *own_in;	/* own contexts */
};

static struct tunnel tunnels[N_TUNNELS];
static struct esp_ctx_cache *cache;

/* xorshift64: the same interleaving on every run. */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static struct esp_sa *
tunnel_sa(const struct tunnel *t, size_t i, enum esp_dir dir,
    struct esp_ctx_cache *c)
{
	uint8_t enc[64], auth[64];
	struct esp_sa_config cfg = { .spi = (uint32_t)(0x5000 + i),
	    .suite = t->sc->suite, .enc_key = enc,
	    .enc_key_len = esp_suite_enc_key_len(t->sc->suite,
	    t->sc->key_bits), .auth_key = auth,
	    .auth_key_len = esp_suite_auth_key_len(t->sc->suite),
	    .esn = t->esn, .replay_window = 128, .cache = c };

	for (size_t k = 0; k < sizeof(enc); k++) {
		enc[k] = (uint8_t)(i * 31 + k);
		auth[k] = (uint8_t)(i * 17 + k * 3);
	}
	return test_sa_new(&cfg, dir);
}

static void
tunnels_init(void)
{
	cr_assert_eq(esp_ctx_cache_new(&cache, N_SLOTS), ESP_OK);
	for (size_t i = 0; i < N_TUNNELS; i++) {
		struct tunnel *t = &tunnels[i];

		t->sc = &suites[i % N_SUITES];
		t->esn = i % 3 == 0;
		t->out = tunnel_sa(t, i, ESP_DIR_OUT, cache);
		t->in = tunnel_sa(t, i, ESP_DIR_IN, cache);
		t->own_out = tunnel_sa(t, i, ESP_DIR_OUT, NULL);
		t->own_in = tunnel_sa(t, i, ESP_DIR_IN, NULL);
	}
}

static void
tunnels_free(void)
{
	for (size_t i = 0; i < N_TUNNELS; i++) {
		esp_sa_free(tunnels[i].out);
		esp_sa_free(tunnels[i].in);
		esp_sa_free(tunnels[i].own_out);
		esp_sa_free(tunnels[i].own_in);
	}
	cr_assert_eq(esp_ctx_cache_stats(cache)->bound, 0);
	esp_ctx_cache_free(cache);
}

/* Same IV for both senders, so that their packets must match to the byte. */
static void
fix_iv(struct tunnel *t, uint64_t n)
{
	uint8_t iv[16];
	size_t iv_len = t->sc->suite == ESP_SUITE_AES_CBC_HMAC_SHA1_96 ||
	    t->sc->suite == ESP_SUITE_AES_CBC_HMAC_SHA256_128 ? 16 : 8;

	for (size_t k = 0; k < sizeof(iv); k++)
		iv[k] = (uint8_t)(n >> (k % 8 * 8) ^ k);
	cr_assert_eq(esp_sa_test_fix_iv(t->out, iv, iv_len), 0);
	cr_assert_eq(esp_sa_test_fix_iv(t->own_out, iv, iv_len), 0);
}

static void
decap_expect(struct esp_sa *in, struct esp_pkt pkt, const uint8_t *inner,
    size_t len, size_t tunnel, uint64_t n)
{
	enum esp_status st;
	uint8_t nh;

	st = esp_decap(in, &pkt, &nh);
	cr_assert_eq(st, ESP_OK, "tunnel %zu packet %llu: %s", tunnel,
	    (unsigned long long)n, esp_status_str(st));
	cr_assert_eq(nh, ESP_NH_IPV4);
	cr_assert_eq(pkt.len, len);
	cr_assert_arr_eq(&pkt.base[pkt.off], inner, len);
}

/* One packet of tunnel i: cached and own senders agree byte for byte; each
 * receiver takes the other's packet. */
static void
one_packet(size_t i, uint64_t n, size_t len)
{
	static uint8_t inner[1500], a[TEST_BUF_LEN], b[TEST_BUF_LEN];
	struct tunnel *t = &tunnels[i];
	struct esp_pkt pa, pb;

	test_inner(inner, len, ESP_NH_IPV4, (uint8_t)n);
	fix_iv(t, n);
	pa = test_encap(t->out, a, inner, len, ESP_NH_IPV4);
	pb = test_encap(t->own_out, b, inner, len, ESP_NH_IPV4);
	cr_assert_eq(pa.len, pb.len);
	cr_assert_arr_eq(&pa.base[pa.off], &pb.base[pb.off], pa.len,
	    "tunnel %zu (%s/%d) packet %llu differs through the cache", i,
	    esp_suite_name(t->sc->suite), t->sc->key_bits,
	    (unsigned long long)n);
	decap_expect(t->in, pb, inner, len, i, n);
	decap_expect(t->own_in, pa, inner, len, i, n);
}

Test(esp_cache, matches_own_contexts_with_evictions)
{
	const struct esp_ctx_cache_stats *st;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	tunnels_init();
	for (uint64_t n = 0; n < N_PACKETS; n++) {
		uint64_t r = next_rand(&seed);

		/* Runs of one tunnel now and then: slots stay bound. */
		one_packet(r % N_TUNNELS, n, 20 + (r >> 8) % 1400);
		if (r >> 40 & 1)
			one_packet(r % N_TUNNELS, n, 64);
	}
	st = esp_ctx_cache_stats(cache);
	cr_assert_eq(st->slots, N_SLOTS);
	cr_assert_leq(st->bound, N_SLOTS);
	cr_assert_gt(st->evictions, N_PACKETS / 2, "%llu evictions",
	    (unsigned long long)st->evictions);
	cr_assert_lt(st->binds, 2 * N_PACKETS, "a bound SA bound again");
	tunnels_free();
}

/* The RFC 4303 counters of the SAs that share slots stay their own. */
Test(esp_cache, counters_follow_the_sa_not_the_slot)
{
	tunnels_init();
	for (uint64_t n = 0; n < 3 * N_TUNNELS; n++)
		one_packet(n % N_TUNNELS, n, 100);
	for (size_t i = 0; i < N_TUNNELS; i++) {
		cr_assert_eq(esp_sa_seq(tunnels[i].out), 4);
		cr_assert_eq(esp_sa_stats(tunnels[i].in)->packets, 3);
		cr_assert_eq(esp_sa_stats(tunnels[i].in)->bytes, 300);
	}
	tunnels_free();
}

/* open() with a slot's context on a copy of a sealed packet. */
static enum esp_status
slot_open(const struct esp_ctx_slot *slot, const struct esp_keys *keys,
    const struct esp_pkt *sealed)
{
	const struct esp_aead_ops *ops = slot->ops;
	uint8_t p[TEST_BUF_LEN];
	size_t data_len = sealed->len - 8 - ops->iv_len - ops->icv_len;
	struct esp_aad aad = { .len = 8 };

	memcpy(p, &sealed->base[sealed->off], sealed->len);
	memcpy(aad.b, p, 8);
	return ops->open(slot->ctx, keys, &aad, &p[8], &p[8 + ops->iv_len],
	    data_len, &p[8 + ops->iv_len + data_len]);
}

/* A freed SA's slot holds zero keys: its packets no longer authenticate
 * with the slot's context, which stays for the next SA. */
Test(esp_cache, freed_sa_leaves_no_key_in_its_slot)
{
	static const struct suite_case sc[] = {
		{ ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256 },
		{ ESP_SUITE_AES_GCM_16, 256 },
	};
	uint8_t inner[64], buf[TEST_BUF_LEN], nh;

	test_inner(inner, sizeof(inner), ESP_NH_IPV4, 3);
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		struct tunnel t = { .sc = &sc[i] };
		struct esp_ctx_slot *slot;
		struct esp_keys keys;
		struct esp_pkt sealed, pkt;

		cr_assert_eq(esp_ctx_cache_new(&cache, 1), ESP_OK);
		t.out = tunnel_sa(&t, 1, ESP_DIR_OUT, NULL);
		t.in = tunnel_sa(&t, 1, ESP_DIR_IN, cache);
		sealed = test_encap(t.out, buf, inner, sizeof(inner),
		    ESP_NH_IPV4);
		/* a copy of the sealed packet stays in buf's second half */
		memcpy(&buf[TEST_BUF_LEN / 2], &buf[sealed.off], sealed.len);
		sealed.off = TEST_BUF_LEN / 2;
		pkt = (struct esp_pkt){ buf, TEST_BUF_LEN / 2,
		    ESP_HEADROOM - 8 - esp_suite_ops(sc[i].suite)->iv_len,
		    sealed.len };
		cr_assert_eq(esp_decap(t.in, &pkt, &nh), ESP_OK);
		slot = &cache->slot[0];
		cr_assert_eq(slot->owner, t.in);
		keys = t.in->keys;
		cr_assert_eq(slot_open(slot, &keys, &sealed), ESP_OK,
		    "%s: the bound slot opens the SA's packet",
		    esp_suite_name(sc[i].suite));
		esp_sa_free(t.in);
		cr_assert_null(slot->owner);
		cr_assert_not_null(slot->ctx, "the context stays for reuse");
		cr_assert_eq(slot_open(slot, &keys, &sealed), ESP_DROP_AUTH,
		    "%s: a freed SA's key stays in its slot",
		    esp_suite_name(sc[i].suite));
		cr_assert_eq(esp_ctx_cache_stats(cache)->bound, 0);
		esp_sa_free(t.out);
		esp_ctx_cache_free(cache);
		sodium_memzero(&keys, sizeof(keys));
	}
}

/* An SA taken from its slot binds again on its next packet; ChaCha20-
 * Poly1305 keeps no context and takes no slot. */
Test(esp_cache, eviction_and_slotless_suites)
{
	static const struct suite_case cbc = { ESP_SUITE_AES_CBC_HMAC_SHA1_96,
	    256 }, chacha = { ESP_SUITE_CHACHA20_POLY1305, 256 };
	struct tunnel a = { .sc = &cbc }, b = { .sc = &cbc },
	    c = { .sc = &chacha };
	uint8_t inner[64], buf[TEST_BUF_LEN];
	const struct esp_ctx_cache_stats *st;
	struct esp_ctx_cache *bad;

	cr_assert_eq(esp_ctx_cache_new(&bad, 0), ESP_ERR_CONFIG);
	cr_assert_null(bad);
	cr_assert_eq(esp_ctx_cache_new(&cache, 1), ESP_OK);
	st = esp_ctx_cache_stats(cache);
	a.out = tunnel_sa(&a, 1, ESP_DIR_OUT, cache);
	b.out = tunnel_sa(&b, 2, ESP_DIR_OUT, cache);
	c.out = tunnel_sa(&c, 3, ESP_DIR_OUT, cache);
	cr_assert_eq(st->binds, 0, "idle SAs take no slot");
	test_inner(inner, sizeof(inner), ESP_NH_IPV4, 3);
	test_encap(a.out, buf, inner, sizeof(inner), ESP_NH_IPV4);
	test_encap(a.out, buf, inner, sizeof(inner), ESP_NH_IPV4);
	cr_assert(st->binds == 1 && st->evictions == 0 && st->bound == 1);
	test_encap(b.out, buf, inner, sizeof(inner), ESP_NH_IPV4);
	cr_assert(st->binds == 2 && st->evictions == 1 && st->bound == 1);
	cr_assert_eq(cache->slot[0].owner, b.out);
	test_encap(a.out, buf, inner, sizeof(inner), ESP_NH_IPV4);
	cr_assert(st->binds == 3 && st->evictions == 2);
	for (int i = 0; i < 5; i++)
		test_encap(c.out, buf, inner, sizeof(inner), ESP_NH_IPV4);
	cr_assert(st->binds == 3 && cache->slot[0].owner == a.out);
	esp_sa_free(a.out);
	esp_sa_free(b.out);
	esp_sa_free(c.out);
	esp_ctx_cache_free(cache);
}
