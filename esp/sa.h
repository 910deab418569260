/*
 * esp/sa.h — the SA as sa.c, encap.c and decap.c see it (not public).
 * One thread uses an SA at a time; the caller serialises.
 */
#ifndef UIPSEC_ESP_SA_H
#define UIPSEC_ESP_SA_H

#include "esp/aead.h"
#include "esp/esp.h"
#include "esp/iv_pool.h"
#include "esp/replay.h"

struct esp_sa {
	uint32_t			 spi;
	enum esp_suite			 suite;
	enum esp_dir			 dir;
	bool				 esn;
	const struct esp_aead_ops	*aead;
	void				*aead_ctx;	/* owned */
	uint64_t			 seq;		/* out: next to send */
	struct esp_replay		 replay;	/* in */
	struct esp_sa_stats		 stats;
	/* Test hook (esp_internal.h): a fixed IV for every packet sent. */
	uint8_t				 test_iv[ESP_CBC_IV_LEN];
	size_t				 test_iv_len;
	/* Secrets, wiped by esp_sa_free(). */
	struct esp_keys			 keys;
	struct esp_iv_pool		 ivs;		/* out, CBC */
};

#endif
