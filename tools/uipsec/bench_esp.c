/*
 * tools/uipsec/bench_esp.c — ESP encap and decap throughput for `uipsec bench`,
 * through the public esp.h API exactly as the daemon calls it: in place, in a
 * slot with ESP_HEADROOM in front and ESP_TAILROOM behind the inner packet.
 *
 * Decap measures genuine packets only. A batch is encapsulated once; every
 * round restores its ciphertext and installs a fresh inbound SA (both
 * untimed), so each packet passes the replay window exactly once and every
 * decap must return ESP_OK with the original inner packet, else the bench
 * fails instead of timing drops.
 *
 * With --sas N the batch goes round-robin through N SA pairs, and with
 * --slots M they share an esp_ctx_cache of M slots (esp.h): M < N makes
 * every packet take a slot from another SA and re-key it, the worst case
 * of a concentrator with more active tunnels than slots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bench.h"

#define BENCH_REPLAY_WINDOW	1024

struct esp_bench {
	struct esp_sa_config	 cfg;
	uint8_t			 enc_key[64];
	uint8_t			 auth_key[64];
	struct esp_ctx_cache	*cache;		/* --slots; NULL: none */
	size_t			 nsas;
	struct esp_sa		*out[BENCH_BATCH];
	struct esp_sa		*in[BENCH_BATCH];
	size_t			 size;		/* inner bytes */
	size_t			 slot;		/* bytes per slot */
	uint8_t			*buf;		/* BENCH_BATCH slots, worked on */
	uint8_t			*sealed;	/* decap: the encapsulated batch */
	uint8_t			*inner;		/* decap: the original batch */
	struct esp_pkt		 pkts[BENCH_BATCH]; /* decap: where each lies */
};

/* The N SAs of one direction, SPIs and keys of their own (the first key
 * byte numbers them). */
static int
esp_bench_sas(struct esp_bench *eb, struct esp_sa **sas, enum esp_dir dir)
{
	struct esp_sa_config cfg = eb->cfg;
	uint8_t key0 = eb->enc_key[0];
	enum esp_status st = ESP_OK;

	for (size_t j = 0; j < eb->nsas && st == ESP_OK; j++) {
		esp_sa_free(sas[j]);
		sas[j] = NULL;
		cfg.spi = eb->cfg.spi + (uint32_t)j;
		eb->enc_key[0] = (uint8_t)(key0 + j);
		st = esp_sa_new(&sas[j], &cfg, dir);
	}
	eb->enc_key[0] = key0;
	if (st != ESP_OK) {
		fprintf(stderr, "bench: %s: %s SA: %s\n",
		    esp_suite_name(cfg.suite), dir == ESP_DIR_IN ? "inbound" :
		    "outbound", esp_status_str(st));
		return -1;
	}
	return 0;
}

static int
esp_bench_init(struct esp_bench *eb, const struct bench_case *c)
{
	enum esp_status st;

	eb->size = c->size;
	eb->slot = (ESP_HEADROOM + c->size + ESP_TAILROOM + 63) / 64 * 64;
	eb->cfg = (struct esp_sa_config){
		.spi = 0x0b0e0c01,
		.suite = c->suite,
		.enc_key = eb->enc_key,
		.enc_key_len = esp_suite_enc_key_len(c->suite, c->key_len),
		.auth_key = eb->auth_key,
		.auth_key_len = esp_suite_auth_key_len(c->suite),
		.esn = c->esn,
		.replay_window = BENCH_REPLAY_WINDOW,
	};
	eb->nsas = c->sas;
	if (eb->cfg.enc_key_len > sizeof(eb->enc_key) ||
	    eb->cfg.auth_key_len > sizeof(eb->auth_key)) {
		fprintf(stderr, "bench: %s: key longer than the bench holds\n",
		    esp_suite_name(c->suite));
		return -1;
	}
	randombytes_buf(eb->enc_key, sizeof(eb->enc_key));
	randombytes_buf(eb->auth_key, sizeof(eb->auth_key));
	if ((eb->buf = calloc(BENCH_BATCH, eb->slot)) == NULL ||
	    (eb->sealed = calloc(BENCH_BATCH, eb->slot)) == NULL ||
	    (eb->inner = calloc(BENCH_BATCH, eb->size)) == NULL) {
		fprintf(stderr, "bench: out of memory\n");
		return -1;
	}
	if (c->slots > 0 &&
	    (st = esp_ctx_cache_new(&eb->cache, c->slots)) != ESP_OK) {
		fprintf(stderr, "bench: context cache: %s\n",
		    esp_status_str(st));
		return -1;
	}
	eb->cfg.cache = eb->cache;
	if (esp_bench_sas(eb, eb->out, ESP_DIR_OUT) < 0)
		return -1;
	for (size_t i = 0; i < BENCH_BATCH; i++) {
		bench_fill_inner(eb->inner + i * eb->size, eb->size,
		    (uint32_t)i);
		memcpy(eb->buf + i * eb->slot + ESP_HEADROOM,
		    eb->inner + i * eb->size, eb->size);
	}
	return 0;
}

static enum esp_status
esp_bench_encap_slot(struct esp_bench *eb, size_t i, struct esp_pkt *pkt)
{
	*pkt = (struct esp_pkt){
		.base = eb->buf + i * eb->slot,
		.cap = eb->slot,
		.off = ESP_HEADROOM,
		.len = eb->size,
	};
	return esp_encap(eb->out[i % eb->nsas], pkt, ESP_NH_IPV4);
}

/* Encap overwrites the slot with ciphertext; the next round encapsulates
 * that as its inner packet, which costs the same. */
static int
esp_round_encap(void *arg, uint64_t *ns)
{
	struct esp_bench *eb = arg;
	struct esp_pkt pkt;
	enum esp_status st;
	uint64_t t0 = bench_now_ns();

	for (size_t i = 0; i < BENCH_BATCH; i++)
		if ((st = esp_bench_encap_slot(eb, i, &pkt)) != ESP_OK) {
			fprintf(stderr, "bench: %s: encap: %s\n",
			    esp_suite_name(eb->cfg.suite), esp_status_str(st));
			return -1;
		}
	*ns += bench_now_ns() - t0;
	return 0;
}

/* The inner packet must come back whole: next header 4, same length, same
 * bytes (compared after the clock stops). */
static int
esp_round_decap(void *arg, uint64_t *ns)
{
	struct esp_bench *eb = arg;
	struct esp_pkt done[BENCH_BATCH];
	enum esp_status st;
	uint8_t nh = 0;
	uint64_t t0;
	size_t i;

	memcpy(eb->buf, eb->sealed, BENCH_BATCH * eb->slot);
	if (esp_bench_sas(eb, eb->in, ESP_DIR_IN) < 0)
		return -1;
	t0 = bench_now_ns();
	for (i = 0; i < BENCH_BATCH; i++) {
		done[i] = eb->pkts[i];
		if ((st = esp_decap(eb->in[i % eb->nsas], &done[i], &nh)) !=
		    ESP_OK)
			goto bad;
		if (nh != ESP_NH_IPV4 || done[i].len != eb->size)
			goto wrong;
	}
	*ns += bench_now_ns() - t0;
	for (i = 0; i < BENCH_BATCH; i++)
		if (memcmp(done[i].base + done[i].off,
		    eb->inner + i * eb->size, eb->size) != 0)
			goto wrong;
	return 0;
bad:
	fprintf(stderr, "bench: %s: decap of packet %zu: %s\n",
	    esp_suite_name(eb->cfg.suite), i, esp_status_str(st));
	return -1;
wrong:
	fprintf(stderr, "bench: %s: decap of packet %zu returned another "
	    "packet than was encapsulated\n", esp_suite_name(eb->cfg.suite), i);
	return -1;
}

void
bench_esp_free(struct bench_side *side)
{
	struct esp_bench *eb = side->arg;

	if (eb == NULL)
		return;
	for (size_t j = 0; j < eb->nsas; j++) {
		esp_sa_free(eb->out[j]);
		esp_sa_free(eb->in[j]);
	}
	esp_ctx_cache_free(eb->cache);
	free(eb->buf);
	free(eb->sealed);
	free(eb->inner);
	sodium_memzero(eb, sizeof(*eb));
	free(eb);
	side->arg = NULL;
}

int
bench_esp_new(const struct bench_case *c, enum bench_op op,
    struct bench_side *side)
{
	struct esp_bench *eb;
	enum esp_status st;

	*side = (struct bench_side){
		.round = op == BENCH_ENCAP ? esp_round_encap : esp_round_decap,
	};
	if ((eb = side->arg = calloc(1, sizeof(*eb))) == NULL) {
		fprintf(stderr, "bench: out of memory\n");
		return -1;
	}
	if (esp_bench_init(eb, c) < 0)
		return -1;
	if (op == BENCH_ENCAP)
		return 0;
	for (size_t i = 0; i < BENCH_BATCH; i++)
		if ((st = esp_bench_encap_slot(eb, i, &eb->pkts[i])) != ESP_OK) {
			fprintf(stderr, "bench: %s: encap: %s\n",
			    esp_suite_name(c->suite), esp_status_str(st));
			return -1;
		}
	memcpy(eb->sealed, eb->buf, BENCH_BATCH * eb->slot);
	return 0;
}
