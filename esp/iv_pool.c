/* esp/iv_pool.c — bulk CBC IVs; see iv_pool.h. */
#include "esp/iv_pool.h"

#include <string.h>

#include <sodium.h>

#include "common/buf.h"

void
esp_iv_pool_init(struct esp_iv_pool *p)
{
	randombytes_buf(p->key, sizeof(p->key));
	p->refills = 0;
	p->used = sizeof(p->buf);
}

static void
iv_pool_refill(struct esp_iv_pool *p)
{
	uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };
	struct buf_writer w;

	buf_writer_init(&w, nonce, sizeof(nonce));
	buf_put_u64(&w, p->refills++);
	crypto_stream_chacha20_ietf(p->buf, sizeof(p->buf), nonce, p->key);
	p->used = 0;
}

void
esp_iv_pool_take(struct esp_iv_pool *p, uint8_t *iv, size_t n)
{
	if (sizeof(p->buf) - p->used < n)
		iv_pool_refill(p);
	memcpy(iv, &p->buf[p->used], n);
	p->used += n;
}
