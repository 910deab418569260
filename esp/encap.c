/*
 * esp/encap.c — outbound ESP (RFC 4303 §3.3), in place.
 *
 *   before:            [off, off + len) = inner packet
 *   after:  SPI | seq | IV | inner packet | pad | pad len | NH | ICV
 *
 * The header and IV go into the headroom, the trailer and ICV into the
 * tailroom. Padding is the minimum that aligns payload + trailer to the
 * cipher block (CBC) or to 4 bytes (AEAD), filled 1, 2, 3, ... (§2.4).
 */
#include "esp/sa.h"

#include <string.h>

#include "common/buf.h"

/* RFC 4303 §3.3.3: the counter must not cycle; a new SA is needed. */
static bool
seq_exhausted(const struct esp_sa *sa)
{
	return sa->esn ? sa->seq == 0 : sa->seq > ESP_SEQ_MAX_NOESN;
}

static void
encap_iv(struct esp_sa *sa, uint8_t *iv)
{
	struct buf_writer w;

	if (sa->test_iv_len != 0) {
		memcpy(iv, sa->test_iv, sa->aead->iv_len);
	} else if (sa->aead->iv_kind == ESP_IV_SEQ) {
		buf_writer_init(&w, iv, sa->aead->iv_len);
		buf_put_u64(&w, sa->seq);
	} else {
		esp_iv_take(iv, sa->aead->iv_len);
	}
}

enum esp_status
esp_encap(struct esp_sa *sa, struct esp_pkt *pkt, uint8_t next_header)
{
	const struct esp_aead_ops *ops = sa->aead;
	size_t front = ESP_HDR_LEN + ops->iv_len;
	size_t pad = (ops->align - (pkt->len + ESP_TRAILER_LEN) % ops->align) %
	    ops->align;
	size_t enc_len = pkt->len + pad + ESP_TRAILER_LEN;
	struct buf_writer w;
	struct esp_aad aad;
	uint8_t *hdr, *iv, *data, *trailer, *icv;
	enum esp_status st;
	void *ctx;

	if (sa->dir != ESP_DIR_OUT)
		return ESP_ERR_CONFIG;
	if (seq_exhausted(sa))
		return ESP_ERR_SEQ_EXHAUSTED;
	if (pkt->off < front || pkt->off > pkt->cap ||
	    pkt->cap - pkt->off < enc_len + ops->icv_len)
		return ESP_ERR_NOSPACE;
	if ((st = esp_sa_ctx(sa, &ctx)) != ESP_OK)
		return st;

	buf_writer_init(&w, pkt->base, pkt->cap);
	buf_reserve(&w, pkt->off - front);
	hdr = buf_reserve(&w, ESP_HDR_LEN);
	iv = buf_reserve(&w, ops->iv_len);
	data = buf_reserve(&w, pkt->len);
	trailer = buf_reserve(&w, pad + ESP_TRAILER_LEN);
	icv = buf_reserve(&w, ops->icv_len);
	if (!buf_writer_ok(&w))
		return ESP_ERR_NOSPACE;
	for (size_t i = 0; i < pad; i++)
		trailer[i] = (uint8_t)(i + 1);
	trailer[pad] = (uint8_t)pad;
	trailer[pad + 1] = next_header;

	buf_store_u32(hdr, sa->spi);
	buf_store_u32(&hdr[4], (uint32_t)sa->seq);
	memcpy(aad.b, hdr, ESP_HDR_LEN);
	aad.len = ESP_HDR_LEN;
	if (sa->esn) {
		buf_store_u32(&aad.b[ESP_HDR_LEN], (uint32_t)(sa->seq >> 32));
		aad.len += ESP_SEQ_HI_LEN;
	}
	encap_iv(sa, iv);
	sa->seq++;			/* never reuse a seq (or GCM nonce) */

	if ((st = ops->seal(ctx, &sa->keys, &aad, iv, data, enc_len, icv)) !=
	    ESP_OK)
		return st;
	sa->stats.packets++;
	sa->stats.bytes += pkt->len;
	pkt->off -= front;
	pkt->len = front + enc_len + ops->icv_len;
	return ESP_OK;
}
