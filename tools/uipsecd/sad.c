/* tools/uipsecd/sad.c — see sad.h. Entries are allocated one by one (their
 * address is what the trie and the SPI table hold), each with its
 * selectors in the same block; conns[] lists them for status and
 * teardown. */
#include "sad.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

/* routes[] follows ts[] in the entry's block. */
_Static_assert(offsetof(struct sad_conn, ts) % _Alignof(struct trie_link) ==
    0 && sizeof(struct tun_prefix) % _Alignof(struct trie_link) == 0,
    "sad_conn: routes[] after ts[] would be misaligned");

static bool
ts_contains(const struct tun_prefix *ts, unsigned n, int family,
    const uint8_t *addr)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (tun_prefix_contains(&ts[i], family, addr))
			return true;
	return false;
}

static uint32_t
spi_slot(uint32_t mask, uint32_t spi)
{
	return (spi * 2654435761u) & mask;	/* Fibonacci hashing */
}

static int
sa_new(const struct sad *sad, struct esp_sa **sa, const struct cfg_conn *c,
    const struct cfg_sa *k, enum esp_dir dir)
{
	struct esp_sa_config sc = {
		.spi = k->spi,
		.suite = c->suite,
		.enc_key = k->enc_key,
		.enc_key_len = k->enc_key_len,
		.auth_key = k->auth_key,
		.auth_key_len = k->auth_key_len,
		.esn = c->esn,
		.replay_window = dir == ESP_DIR_IN ? c->replay_window : 0,
		.cache = sad->cache,
	};
	enum esp_status st = esp_sa_new(sa, &sc, dir);

	if (st != ESP_OK) {
		log_err("%s:%u: connection '%s': %s SA 0x%08x: %s", c->file,
		    c->line, c->name, dir == ESP_DIR_IN ? "inbound" :
		    "outbound", k->spi, esp_status_str(st));
		return -1;
	}
	return 0;
}

static void
spi_put(struct sad_conn **tab, uint32_t mask, struct sad_conn *c)
{
	uint32_t slot;

	for (slot = spi_slot(mask, c->spi_in); tab[slot];
	    slot = (slot + 1) & mask)
		;
	tab[slot] = c;
}

/* Linear probing's deletion (Knuth 6.4, algorithm R): later entries of
 * the probe run move back into the hole, so no tombstones pile up. */
static void
spi_del(struct sad *sad, uint32_t slot)
{
	uint32_t next, home;

	sad->by_spi[slot] = NULL;
	for (next = (slot + 1) & sad->mask; sad->by_spi[next];
	    next = (next + 1) & sad->mask) {
		home = spi_slot(sad->mask, sad->by_spi[next]->spi_in);
		/* stays if its home lies cyclically in (slot, next] */
		if (slot <= next ? (slot < home && home <= next) :
		    (slot < home || home <= next))
			continue;
		sad->by_spi[slot] = sad->by_spi[next];
		sad->by_spi[next] = NULL;
		slot = next;
	}
}

/* Room for one more entry: conns[] grows by doubling, the SPI table is
 * kept at most half full. */
static int
reserve(struct sad *sad)
{
	struct sad_conn **v, **tab;
	uint32_t size = sad->mask + 1, i;

	if (sad->nconns == sad->cap) {
		v = realloc(sad->conns, 2 * sad->cap * sizeof(*v));
		if (!v)
			return -1;
		sad->conns = v;
		sad->cap *= 2;
	}
	if (2 * (sad->nconns + 1) <= size)
		return 0;
	if (!(tab = calloc(2 * size, sizeof(*tab))))
		return -1;
	for (i = 0; i < sad->nconns; i++)
		spi_put(tab, 2 * size - 1, sad->conns[i]);
	free(sad->by_spi);
	sad->by_spi = tab;
	sad->mask = 2 * size - 1;
	return 0;
}

static void
conn_free(struct sad *sad, struct sad_conn *c)
{
	unsigned i;

	for (i = 0; i < c->nremote_ts; i++)
		trie_remove(&sad->routes, &c->routes[i]);
	esp_sa_free(c->out);
	esp_sa_free(c->in);
	free(c);
}

/* A new entry for k (named name, for owner), its SAs, its routes, and its
 * place in conns[] and the SPI table (reserve() made room). */
static int
conn_add(struct sad *sad, const struct cfg_conn *k, const char *name,
    void *owner, bool routed)
{
	unsigned nts = k->nlocal_ts + k->nremote_ts, i;
	struct sad_conn *c = calloc(1, sizeof(*c) + nts * sizeof(c->ts[0]) +
	    k->nremote_ts * sizeof(c->routes[0]));

	if (!c) {
		log_err("%s: SA database: out of memory", name);
		return -1;
	}
	c->name = name;
	c->owner = owner;
	ike_sockaddr_set(&c->local, &k->local);
	ike_sockaddr_set(&c->remote, &k->remote);
	c->spi_in = k->in.spi;
	c->spi_out = k->out.spi;
	c->aes_key_len = (uint16_t)k->aes_key_len;
	c->suite = (uint8_t)k->suite;
	c->esn = k->esn;
	c->nlocal_ts = (uint8_t)k->nlocal_ts;
	c->nremote_ts = (uint8_t)k->nremote_ts;
	memcpy(c->ts, k->local_ts, k->nlocal_ts * sizeof(c->ts[0]));
	memcpy(c->ts + k->nlocal_ts, k->remote_ts,
	    k->nremote_ts * sizeof(c->ts[0]));
	c->local_ts = c->ts;
	c->remote_ts = c->ts + k->nlocal_ts;
	c->routes = (struct trie_link *)(c->ts + nts);	/* 24-byte steps */
	if (sa_new(sad, &c->out, k, &k->out, ESP_DIR_OUT) < 0 ||
	    sa_new(sad, &c->in, k, &k->in, ESP_DIR_IN) < 0)
		goto fail;
	for (i = 0; routed && i < c->nremote_ts; i++) {
		c->routes[i].owner = c;
		if (trie_insert(&sad->routes, &c->remote_ts[i],
		    &c->routes[i]) < 0) {
			log_err("%s: SA database: out of memory", name);
			goto fail;
		}
	}
	c->idx = sad->nconns;
	sad->conns[sad->nconns++] = c;
	spi_put(sad->by_spi, sad->mask, c);
	return 0;
fail:
	conn_free(sad, c);
	return -1;
}

int
sad_build(struct sad *sad, const struct cfg *cfg)
{
	unsigned i;

	memset(sad, 0, sizeof(*sad));
	sad->cap = 16;
	sad->mask = 31;
	sad->conns = calloc(sad->cap, sizeof(*sad->conns));
	sad->by_spi = calloc(sad->mask + 1, sizeof(*sad->by_spi));
	if (!sad->conns || !sad->by_spi || (cfg->cipher_contexts &&
	    esp_ctx_cache_new(&sad->cache, cfg->cipher_contexts) != ESP_OK)) {
		log_err("SA database: out of memory");
		sad_free(sad);
		return -1;
	}
	/* Inbound SPIs of manual SAs are unique: the config checks them. */
	for (i = 0; i < cfg->nconns; i++)
		if (reserve(sad) < 0 || conn_add(sad, &cfg->conns[i],
		    cfg->conns[i].name, NULL, true) < 0) {
			sad_free(sad);
			return -1;
		}
	return 0;
}

int
sad_add(struct sad *sad, const struct cfg_conn *k, const char *name,
    void *owner, bool routed)
{
	if (sad_lookup_in(sad, k->in.spi)) {
		log_err("%s: SA database: inbound SPI 0x%08x already in use",
		    name, k->in.spi);
		return -1;
	}
	if (reserve(sad) < 0) {
		log_err("%s: SA database: out of memory", name);
		return -1;
	}
	return conn_add(sad, k, name, owner, routed);
}

int
sad_route(struct sad *sad, uint32_t spi_in)
{
	struct sad_conn *c = sad_lookup_in(sad, spi_in);
	unsigned i;

	if (!c)
		return -1;
	for (i = 0; i < c->nremote_ts; i++) {
		if (c->routes[i].node)
			continue;	/* routed already */
		c->routes[i].owner = c;
		if (trie_insert(&sad->routes, &c->remote_ts[i],
		    &c->routes[i]) < 0) {
			log_err("%s: SA database: out of memory", c->name);
			return -1;
		}
	}
	return 0;
}

void *
sad_remove(struct sad *sad, uint32_t spi_in)
{
	struct sad_conn *c;
	void *owner;
	uint32_t slot;

	for (slot = spi_slot(sad->mask, spi_in); (c = sad->by_spi[slot]) &&
	    c->spi_in != spi_in; slot = (slot + 1) & sad->mask)
		;
	if (!c)
		return NULL;
	owner = c->owner;
	spi_del(sad, slot);
	sad->conns[c->idx] = sad->conns[--sad->nconns];	/* fills the hole */
	sad->conns[c->idx]->idx = c->idx;
	conn_free(sad, c);
	return owner;
}

void
sad_free(struct sad *sad)
{
	unsigned i;

	for (i = 0; sad->conns && i < sad->nconns; i++)
		conn_free(sad, sad->conns[i]);
	trie_free(&sad->routes);
	esp_ctx_cache_free(sad->cache);	/* after its SAs */
	free(sad->conns);
	free(sad->by_spi);
	memset(sad, 0, sizeof(*sad));
}

struct src_check {
	int		 family;
	const uint8_t	*src;
};

static bool
local_holds_src(const struct trie_link *l, void *arg)
{
	const struct src_check *s = arg;
	const struct sad_conn *c = l->owner;

	return ts_contains(c->local_ts, c->nlocal_ts, s->family, s->src);
}

struct sad_conn *
sad_lookup_out(const struct sad *sad, int family, const uint8_t *src,
    const uint8_t *dst)
{
	struct src_check s = { family, src };
	struct trie_link *l = trie_lookup(&sad->routes, family, dst,
	    local_holds_src, &s);

	return l ? l->owner : NULL;
}

bool
sad_routes_dst(const struct sad *sad, int family, const uint8_t *dst)
{
	return trie_lookup(&sad->routes, family, dst, NULL, NULL) != NULL;
}

struct sad_conn *
sad_lookup_in(const struct sad *sad, uint32_t spi)
{
	uint32_t slot;

	for (slot = spi_slot(sad->mask, spi); sad->by_spi[slot];
	    slot = (slot + 1) & sad->mask)
		if (sad->by_spi[slot]->spi_in == spi)
			return sad->by_spi[slot];
	return NULL;
}

bool
sad_policy_in(const struct sad_conn *c, int family, const uint8_t *src,
    const uint8_t *dst)
{
	return ts_contains(c->remote_ts, c->nremote_ts, family, src) &&
	    ts_contains(c->local_ts, c->nlocal_ts, family, dst);
}

