/* esp/iv_pool.c — bulk CBC IVs, one pool per thread; see iv_pool.h. */
#include "esp/iv_pool.h"

#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "common/buf.h"

/* Secret until used: the key predicts every IV still to come. */
struct esp_iv_pool {
	uint8_t		 key[crypto_stream_chacha20_ietf_KEYBYTES];
	uint64_t	 refills;	/* the ChaCha20 nonce */
	size_t		 used;
	bool		 keyed;
	uint8_t		 buf[ESP_IV_POOL_LEN];
};

static _Thread_local struct esp_iv_pool pool;

static void
iv_pool_refill(struct esp_iv_pool *p)
{
	uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };
	struct buf_writer w;

	if (!p->keyed) {
		randombytes_buf(p->key, sizeof(p->key));
		p->keyed = true;
	}
	buf_writer_init(&w, nonce, sizeof(nonce));
	buf_put_u64(&w, p->refills++);
	crypto_stream_chacha20_ietf(p->buf, sizeof(p->buf), nonce, p->key);
	p->used = 0;
}

void
esp_iv_take(uint8_t *iv, size_t n)
{
	struct esp_iv_pool *p = &pool;

	if (!p->keyed || sizeof(p->buf) - p->used < n)
		iv_pool_refill(p);
	memcpy(iv, &p->buf[p->used], n);
	p->used += n;
}
