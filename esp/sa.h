/*
 * esp/sa.h — the SA as sa.c, encap.c and decap.c see it (not public).
 * One thread uses an SA at a time; the caller serialises.
 *
 * What an idle SA holds is kept small (issue 5): its keys, counters and a
 * small replay window; the keyed cipher context lives in a cache slot
 * (ctx_cache.h) while the SA carries traffic.
 */
#ifndef UIPSEC_ESP_SA_H
#define UIPSEC_ESP_SA_H

#include "esp/aead.h"
#include "esp/ctx_cache.h"
#include "esp/esp.h"
#include "esp/iv_pool.h"
#include "esp/replay.h"

struct esp_sa {
	uint32_t			 spi;
	enum esp_suite			 suite;
	enum esp_dir			 dir;
	bool				 esn;
	bool				 own_cache;	/* cache is ours */
	uint8_t				 test_iv_len;
	const struct esp_aead_ops	*aead;
	struct esp_ctx_cache		*cache;		/* see own_cache */
	struct esp_ctx_slot		*slot;		/* bound; NULL: not */
	uint64_t			 seq;		/* out: next to send */
	struct esp_replay		 replay;	/* in */
	struct esp_sa_stats		 stats;
	/* Test hook (esp_internal.h): a fixed IV for every packet sent. */
	uint8_t				 test_iv[ESP_CBC_IV_LEN];
	/* Secrets, wiped by esp_sa_free(). */
	struct esp_keys			 keys;
};

/*
 * The SA's keyed context for this packet, in *ctx (NULL for a suite with
 * none). The fast path is an SA already bound: one test, one store.
 * Otherwise it takes a slot of its cache (ctx_cache.c). ESP_OK, or
 * ESP_ERR_NOMEM / ESP_ERR_CRYPTO.
 */
static inline enum esp_status
esp_sa_ctx(struct esp_sa *sa, void **ctx)
{
	if (sa->slot != NULL) {
		sa->slot->referenced = true;
		*ctx = sa->slot->ctx;
		return ESP_OK;
	}
	*ctx = NULL;
	if (sa->aead->new == NULL)
		return ESP_OK;
	return esp_ctx_bind(sa, ctx);
}

#endif
