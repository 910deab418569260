/*
 * esp/decap.c — inbound ESP (RFC 4303 §3.4), in place, in this fixed order:
 *
 *   1. parse SPI, seq, IV, ICV; lengths          -> ESP_DROP_MALFORMED
 *   2. ESN inference, replay pre-check (§3.4.3)  -> ESP_DROP_REPLAY
 *   3. ICV in constant time (§3.4.4)             -> ESP_DROP_AUTH
 *   4. decrypt (inside the suite's open(), after 3 for CBC+HMAC)
 *   5. trailer: pad length, pad bytes 1,2,3,...  -> ESP_DROP_PADDING
 *   6. replay window update, only now
 *   7. next header 59                            -> ESP_DROP_DUMMY
 *
 * Nothing of the payload is read before step 3 passes.
 */
#include "esp/sa.h"

#include "common/buf.h"

struct esp_parsed {
	uint32_t	 spi;
	uint32_t	 seq_lo;
	const uint8_t	*hdr;
	const uint8_t	*iv;
	const uint8_t	*icv;
	size_t		 data_off;	/* of the ciphertext in pkt->base */
	size_t		 data_len;
};

bool
esp_peek_spi(const uint8_t *p, size_t len, uint32_t *spi)
{
	struct buf_reader r;

	buf_reader_init(&r, p, len);
	return buf_remaining(&r) >= ESP_HDR_LEN && buf_get_u32(&r, spi);
}

/* Step 1: split the packet; the ciphertext must hold at least the trailer
 * and be a whole number of cipher blocks (RFC 4303 §2.4). */
static bool
decap_parse(const struct esp_sa *sa, const struct esp_pkt *pkt,
    struct esp_parsed *p)
{
	const struct esp_aead_ops *ops = sa->aead;
	struct buf_reader r;

	if (pkt->off > pkt->cap || pkt->cap - pkt->off < pkt->len)
		return false;
	buf_reader_init(&r, pkt->base, pkt->off + pkt->len);
	if (!buf_skip(&r, pkt->off) ||
	    !buf_get_bytes(&r, ESP_HDR_LEN, &p->hdr) ||
	    !buf_get_bytes(&r, ops->iv_len, &p->iv) ||
	    !buf_get_bytes_end(&r, ops->icv_len, &p->icv))
		return false;
	p->data_off = pkt->off + ESP_HDR_LEN + ops->iv_len;
	p->data_len = buf_remaining(&r);
	if (p->data_len < ESP_TRAILER_LEN || p->data_len % ops->align != 0)
		return false;
	buf_reader_init(&r, p->hdr, ESP_HDR_LEN);
	return buf_get_u32(&r, &p->spi) && buf_get_u32(&r, &p->seq_lo) &&
	    p->spi == sa->spi;
}

/* Step 5: RFC 4303 §2.4 — pad bytes are 1, 2, 3, ... */
static enum esp_status
decap_trailer(const uint8_t *data, size_t len, uint8_t *nh, size_t *inner_len)
{
	struct buf_reader r;
	const uint8_t *pad;
	uint8_t pad_len;

	buf_reader_init(&r, data, len);
	if (!buf_get_u8_end(&r, nh) || !buf_get_u8_end(&r, &pad_len) ||
	    !buf_get_bytes_end(&r, pad_len, &pad))
		return ESP_DROP_PADDING;
	for (size_t i = 0; i < pad_len; i++)
		if (pad[i] != i + 1)
			return ESP_DROP_PADDING;
	*inner_len = buf_remaining(&r);
	return ESP_OK;
}

static enum esp_status
decap_count(struct esp_sa *sa, enum esp_status st)
{
	switch (st) {
	case ESP_DROP_MALFORMED:
		sa->stats.drop_malformed++;
		break;
	case ESP_DROP_REPLAY:
		sa->stats.drop_replay++;
		break;
	case ESP_DROP_AUTH:
		sa->stats.drop_auth++;
		break;
	case ESP_DROP_PADDING:
		sa->stats.drop_padding++;
		break;
	case ESP_DROP_DUMMY:
		sa->stats.drop_dummy++;
		break;
	default:
		break;
	}
	return st;
}

enum esp_status
esp_decap(struct esp_sa *sa, struct esp_pkt *pkt, uint8_t *next_header)
{
	struct esp_parsed p;
	struct esp_aad aad;
	struct buf_writer w;
	uint8_t *data;
	uint64_t seq;
	size_t inner_len;
	enum esp_status st;
	void *ctx;

	if (sa->dir != ESP_DIR_IN)
		return ESP_ERR_CONFIG;
	if (!decap_parse(sa, pkt, &p))
		return decap_count(sa, ESP_DROP_MALFORMED);
	if (!esp_replay_infer(&sa->replay, p.seq_lo, sa->esn, &seq) ||
	    !esp_replay_check(&sa->replay, seq))
		return decap_count(sa, ESP_DROP_REPLAY);

	buf_writer_init(&w, aad.b, sizeof(aad.b));
	buf_put_bytes(&w, p.hdr, ESP_HDR_LEN);
	if (sa->esn)
		buf_put_u32(&w, (uint32_t)(seq >> 32));
	aad.len = w.len;
	/* The writable view of the ciphertext, from the caller's buffer. */
	buf_writer_init(&w, pkt->base, pkt->cap);
	buf_reserve(&w, p.data_off);
	data = buf_reserve(&w, p.data_len);
	/* Only a packet that passed the replay pre-check may take a slot. */
	if ((st = esp_sa_ctx(sa, &ctx)) != ESP_OK ||
	    (st = sa->aead->open(ctx, &sa->keys, &aad, p.iv, data, p.data_len,
	    p.icv)) != ESP_OK)
		return decap_count(sa, st);

	if ((st = decap_trailer(data, p.data_len, next_header, &inner_len)) !=
	    ESP_OK)
		return decap_count(sa, st);
	if (!esp_replay_update(&sa->replay, seq))
		return decap_count(sa, ESP_DROP_REPLAY);
	if (*next_header == ESP_NH_NONE)
		return decap_count(sa, ESP_DROP_DUMMY);
	sa->stats.packets++;
	sa->stats.bytes += inner_len;
	pkt->off = p.data_off;
	pkt->len = inner_len;
	return ESP_OK;
}
