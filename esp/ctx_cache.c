/*
 * esp/ctx_cache.c — keyed cipher contexts shared by many SAs (esp.h,
 * esp_ctx_cache): slots taken by SAs that carry traffic, re-keyed in place
 * when they change hands.
 *
 * Replacement is CLOCK (second chance), an approximation of least recently
 * used that costs the fast path one store (the slot's referenced bit) where
 * an exact LRU list would relink two nodes per packet: the hand sweeps the
 * slots, clears the bit of each it passes and takes the first slot that is
 * free or was not used since the hand last came by. A slot whose SA sends
 * one packet per sweep is never taken.
 */
#include "esp/sa.h"

#include <stdint.h>
#include <stdlib.h>

enum esp_status
esp_ctx_cache_new(struct esp_ctx_cache **out, size_t slots)
{
	struct esp_ctx_cache *c;

	*out = NULL;
	if (slots == 0 || slots > (SIZE_MAX - sizeof(*c)) / sizeof(c->slot[0]))
		return ESP_ERR_CONFIG;
	if ((c = calloc(1, sizeof(*c) + slots * sizeof(c->slot[0]))) == NULL)
		return ESP_ERR_NOMEM;
	c->stats.slots = slots;
	*out = c;
	return ESP_OK;
}

void
esp_ctx_cache_free(struct esp_ctx_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->stats.slots; i++) {
		if (c->slot[i].owner != NULL)	/* caller's bug: do not dangle */
			c->slot[i].owner->slot = NULL;
		if (c->slot[i].ctx != NULL)
			c->slot[i].ops->free(c->slot[i].ctx);	/* wipes */
	}
	free(c);
}

const struct esp_ctx_cache_stats *
esp_ctx_cache_stats(const struct esp_ctx_cache *c)
{
	return &c->stats;
}

/* The slot to take: a free one, or one unused for a whole sweep. Ends
 * within slots + 1 looks (the first sweep clears every bit). */
static struct esp_ctx_slot *
clock_victim(struct esp_ctx_cache *c)
{
	struct esp_ctx_slot *s;

	for (;;) {
		s = &c->slot[c->hand];
		if (++c->hand == c->stats.slots)
			c->hand = 0;
		if (s->owner == NULL || !s->referenced)
			return s;
		s->referenced = false;
	}
}

/* Takes s from its SA, if any: that SA binds again on its next packet. */
static void
slot_release(struct esp_ctx_cache *c, struct esp_ctx_slot *s)
{
	if (s->owner == NULL)
		return;
	s->owner->slot = NULL;
	s->owner = NULL;
	s->referenced = false;
	c->stats.bound--;
}

/* Keys s's context for keys, in place if it is of the same suite and key
 * length, else anew (the old one freed, which wipes it). */
static enum esp_status
slot_key(struct esp_ctx_slot *s, const struct esp_aead_ops *ops,
    const struct esp_keys *keys, bool encrypt)
{
	if (s->ctx != NULL && (s->ops != ops ||
	    !s->ops->rekey(s->ctx, keys, encrypt))) {
		s->ops->free(s->ctx);
		s->ctx = NULL;
	}
	if (s->ctx == NULL) {
		if ((s->ctx = ops->new(keys, encrypt)) == NULL)
			return ESP_ERR_CRYPTO;
		s->ops = ops;
	}
	return ESP_OK;
}

enum esp_status
esp_ctx_bind(struct esp_sa *sa, void **ctx)
{
	struct esp_ctx_cache *c = sa->cache;
	struct esp_ctx_slot *s = clock_victim(c);
	enum esp_status st;

	if (s->owner != NULL)
		c->stats.evictions++;
	slot_release(c, s);
	if ((st = slot_key(s, sa->aead, &sa->keys, sa->dir == ESP_DIR_OUT)) !=
	    ESP_OK)
		return st;
	s->owner = sa;
	s->referenced = true;
	sa->slot = s;
	c->stats.bound++;
	c->stats.binds++;
	*ctx = s->ctx;
	return ESP_OK;
}

/* A freed SA's keys must not outlive it in the slot's key schedule: the
 * slot is re-keyed with zeros (same lengths, so in place) or freed. */
void
esp_ctx_unbind(struct esp_sa *sa)
{
	struct esp_keys zero = { .enc_len = sa->keys.enc_len,
	    .auth_len = sa->keys.auth_len };
	struct esp_ctx_slot *s = sa->slot;

	if (s == NULL)
		return;
	(void)slot_key(s, s->ops, &zero, sa->dir == ESP_DIR_OUT);
	slot_release(sa->cache, s);
}
