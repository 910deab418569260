/* tools/uipsecd/sad.c — see sad.h. A scan for outbound, a small hash for
 * inbound SPIs: enough for manual keying (a prefix trie comes with IKE). */
#include "sad.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static bool
ts_contains(const struct tun_prefix *ts, unsigned n, int family,
    const uint8_t *addr, unsigned *len)
{
	unsigned i;
	bool found = false;

	for (i = 0; i < n; i++) {
		if (tun_prefix_contains(&ts[i], family, addr) &&
		    (!found || ts[i].len > *len)) {
			*len = ts[i].len;
			found = true;
		}
	}
	return found;
}

static uint32_t
spi_slot(const struct sad *sad, uint32_t spi)
{
	return (spi * 2654435761u) & sad->mask;	/* Fibonacci hashing */
}

static int
sa_new(struct esp_sa **sa, const struct cfg_conn *c, const struct cfg_sa *k,
    enum esp_dir dir)
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

/* Puts every entry into the SPI table again (after a removal: open
 * addressing has no cheap delete). Inbound SPIs are unique: the config
 * checks manual ones, sad_add() those IKE brings. */
static void
index_spis(struct sad *sad)
{
	uint32_t slot;
	unsigned i;

	memset(sad->by_spi, 0, (sad->mask + 1) * sizeof(*sad->by_spi));
	for (i = 0; i < sad->nconns; i++) {
		for (slot = spi_slot(sad, sad->conns[i].cfg->in.spi);
		    sad->by_spi[slot]; slot = (slot + 1) & sad->mask)
			;
		sad->by_spi[slot] = &sad->conns[i];
	}
}

int
sad_build(struct sad *sad, const struct cfg *cfg)
{
	struct sad_conn *c;
	uint32_t size = 4;
	unsigned i;

	sad->cap = cfg->nconns + SAD_DYNAMIC_MAX;
	while (size < 2 * sad->cap)
		size *= 2;
	sad->nconns = cfg->nconns;
	sad->mask = size - 1;
	sad->conns = calloc(sad->cap, sizeof(*sad->conns));
	sad->by_spi = calloc(size, sizeof(*sad->by_spi));
	if (!sad->conns || !sad->by_spi) {
		log_err("SA database: out of memory");
		sad_free(sad);
		return -1;
	}
	for (i = 0; i < cfg->nconns; i++) {
		c = &sad->conns[i];
		c->cfg = &cfg->conns[i];
		if (sa_new(&c->out, c->cfg, &c->cfg->out, ESP_DIR_OUT) < 0 ||
		    sa_new(&c->in, c->cfg, &c->cfg->in, ESP_DIR_IN) < 0) {
			sad_free(sad);
			return -1;
		}
	}
	index_spis(sad);
	return 0;
}

int
sad_add(struct sad *sad, const struct cfg_conn *k)
{
	struct sad_conn *c;

	if (sad->nconns == sad->cap || sad_lookup_in(sad, k->in.spi)) {
		log_err("%s: SA database: %s", k->name, sad->nconns ==
		    sad->cap ? "full" : "inbound SPI already in use");
		return -1;
	}
	c = &sad->conns[sad->nconns];
	c->cfg = k;
	if (sa_new(&c->out, k, &k->out, ESP_DIR_OUT) < 0 ||
	    sa_new(&c->in, k, &k->in, ESP_DIR_IN) < 0) {
		esp_sa_free(c->out);
		memset(c, 0, sizeof(*c));
		return -1;
	}
	sad->nconns++;
	index_spis(sad);
	return 0;
}

const struct cfg_conn *
sad_remove(struct sad *sad, uint32_t spi_in)
{
	struct sad_conn *c = sad_lookup_in(sad, spi_in);
	const struct cfg_conn *k;

	if (!c)
		return NULL;
	k = c->cfg;
	esp_sa_free(c->out);
	esp_sa_free(c->in);
	*c = sad->conns[--sad->nconns];	/* the last one fills the hole */
	memset(&sad->conns[sad->nconns], 0, sizeof(*c));
	index_spis(sad);
	return k;
}

void
sad_free(struct sad *sad)
{
	unsigned i;

	for (i = 0; sad->conns && i < sad->nconns; i++) {
		esp_sa_free(sad->conns[i].out);
		esp_sa_free(sad->conns[i].in);
	}
	free(sad->conns);
	free(sad->by_spi);
	sad->conns = NULL;
	sad->by_spi = NULL;
	sad->nconns = 0;
}

struct sad_conn *
sad_lookup_out(const struct sad *sad, int family, const uint8_t *src,
    const uint8_t *dst)
{
	struct sad_conn *best = NULL;
	unsigned i, len = 0, best_len = 0, src_len;

	for (i = 0; i < sad->nconns; i++) {
		const struct cfg_conn *c = sad->conns[i].cfg;

		if (ts_contains(c->remote_ts, c->nremote_ts, family, dst, &len) &&
		    (!best || len > best_len)) {
			best = &sad->conns[i];
			best_len = len;
		}
	}
	if (best && !ts_contains(best->cfg->local_ts, best->cfg->nlocal_ts,
	    family, src, &src_len))
		return NULL;
	return best;
}

struct sad_conn *
sad_lookup_in(const struct sad *sad, uint32_t spi)
{
	uint32_t slot;

	for (slot = spi_slot(sad, spi); sad->by_spi[slot];
	    slot = (slot + 1) & sad->mask)
		if (sad->by_spi[slot]->cfg->in.spi == spi)
			return sad->by_spi[slot];
	return NULL;
}

bool
sad_policy_in(const struct sad_conn *c, int family, const uint8_t *src,
    const uint8_t *dst)
{
	unsigned len;

	return ts_contains(c->cfg->remote_ts, c->cfg->nremote_ts, family, src,
	    &len) && ts_contains(c->cfg->local_ts, c->cfg->nlocal_ts, family,
	    dst, &len);
}
