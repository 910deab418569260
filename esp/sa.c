/*
 * esp/sa.c — SA set-up and teardown: validate the configuration, copy the
 * keys into the SA's secret struct. An SA made without a cache gets one of
 * its own with a single slot and binds it at once: it keys its context
 * once, as before, and a bad key fails here rather than on a packet.
 */
#include "esp/sa.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* Splits cfg's keys into the SA's key struct: AEAD key material ends with
 * the 4-byte salt (RFC 4106 §8.1, RFC 7634 §4). */
static enum esp_status
sa_set_keys(struct esp_sa *sa, const struct esp_sa_config *cfg)
{
	size_t salt = esp_suite_auth_key_len(cfg->suite) ? 0 : ESP_SALT_LEN;
	size_t enc = cfg->enc_key_len - salt;

	if (cfg->enc_key_len < salt || enc > sizeof(sa->keys.enc) ||
	    cfg->auth_key_len != esp_suite_auth_key_len(cfg->suite) ||
	    (cfg->enc_key_len && cfg->enc_key == NULL) ||
	    (cfg->auth_key_len && cfg->auth_key == NULL))
		return ESP_ERR_CONFIG;
	if (enc == 0 ||
	    esp_suite_enc_key_len(cfg->suite, (int)enc * 8) != cfg->enc_key_len)
		return ESP_ERR_CONFIG;
	memcpy(sa->keys.enc, cfg->enc_key, enc);
	sa->keys.enc_len = (uint8_t)enc;
	memcpy(sa->keys.salt, &cfg->enc_key[enc], salt);
	if (cfg->auth_key_len)
		memcpy(sa->keys.auth, cfg->auth_key, cfg->auth_key_len);
	sa->keys.auth_len = (uint8_t)cfg->auth_key_len;
	return ESP_OK;
}

enum esp_status
esp_sa_new(struct esp_sa **out, const struct esp_sa_config *cfg,
    enum esp_dir dir)
{
	struct esp_sa *sa;
	enum esp_status st;
	void *ctx;

	*out = NULL;
	/* SPI 0 is never sent (RFC 4303 §2.1); it is RFC 3948's marker. */
	if (esp_suite_ops(cfg->suite) == NULL || cfg->spi == 0 ||
	    (dir != ESP_DIR_IN && dir != ESP_DIR_OUT))
		return ESP_ERR_CONFIG;
	if (sodium_init() < 0)
		return ESP_ERR_CRYPTO;
	if ((sa = calloc(1, sizeof(*sa))) == NULL)
		return ESP_ERR_NOMEM;
	sa->spi = cfg->spi;
	sa->suite = cfg->suite;
	sa->dir = dir;
	sa->esn = cfg->esn;
	sa->aead = esp_suite_ops(cfg->suite);
	sa->seq = 1;				/* RFC 4303 §3.3.3 */
	if ((st = sa_set_keys(sa, cfg)) != ESP_OK)
		goto fail;
	st = ESP_ERR_CONFIG;
	if (cfg->replay_window % 64 != 0 ||
	    cfg->replay_window > ESP_REPLAY_WINDOW_MAX)
		goto fail;
	st = ESP_ERR_NOMEM;
	if (esp_replay_init(&sa->replay, dir == ESP_DIR_IN ?
	    cfg->replay_window : 0) != 0)
		goto fail;
	if ((sa->cache = cfg->cache) == NULL && sa->aead->new != NULL) {
		if ((st = esp_ctx_cache_new(&sa->cache, 1)) != ESP_OK)
			goto fail;
		sa->own_cache = true;
		if ((st = esp_ctx_bind(sa, &ctx)) != ESP_OK)
			goto fail;
	}
	*out = sa;
	return ESP_OK;
fail:
	esp_sa_free(sa);
	return st;
}

void
esp_sa_free(struct esp_sa *sa)
{
	if (sa == NULL)
		return;
	esp_ctx_unbind(sa);
	if (sa->own_cache)
		esp_ctx_cache_free(sa->cache);
	esp_replay_free(&sa->replay);
	sodium_memzero(sa, sizeof(*sa));	/* keys, state */
	free(sa);
}

uint32_t
esp_sa_spi(const struct esp_sa *sa)
{
	return sa->spi;
}

enum esp_suite
esp_sa_suite(const struct esp_sa *sa)
{
	return sa->suite;
}

const struct esp_sa_stats *
esp_sa_stats(const struct esp_sa *sa)
{
	return &sa->stats;
}

uint64_t
esp_sa_seq(const struct esp_sa *sa)
{
	return sa->seq;
}
