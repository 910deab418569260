/*
 * esp/ctx_cache.h — the slots of an esp_ctx_cache (esp.h), as sa.c and
 * the fast path in sa.h see them (not public).
 *
 * A slot and its SA point at each other while bound: slot->owner and
 * owner->slot. Taking a slot from an SA clears that SA's pointer, so an SA
 * that finds its slot pointer set may use the context without a check.
 */
#ifndef UIPSEC_ESP_CTX_CACHE_H
#define UIPSEC_ESP_CTX_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "esp/aead.h"
#include "esp/esp.h"

struct esp_sa;

struct esp_ctx_slot {
	struct esp_sa			*owner;		/* NULL: free */
	const struct esp_aead_ops	*ops;		/* ctx's suite */
	void				*ctx;		/* owned; NULL: none yet */
	bool				 referenced;	/* CLOCK's bit */
};

struct esp_ctx_cache {
	struct esp_ctx_cache_stats	 stats;
	size_t				 hand;		/* CLOCK's next look */
	struct esp_ctx_slot		 slot[];	/* stats.slots */
};

/* Binds sa (not bound) to a slot keyed for it; *ctx is the slot's
 * context. ESP_OK, ESP_ERR_NOMEM or ESP_ERR_CRYPTO (sa stays unbound). */
enum esp_status esp_ctx_bind(struct esp_sa *sa, void **ctx);
/* Releases sa's slot, if any, overwriting the keys it held. */
void	 esp_ctx_unbind(struct esp_sa *sa);

#endif
