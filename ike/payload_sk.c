/*
 * ike/payload_sk.c — SK{} and SKF{} framing and layout; see payload_sk.h.
 */
#include "ike/payload_sk.h"

#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

enum ike_parse_status
ike_pl_sk_parse(struct ike_msg *m, struct ike_payload *p, struct buf_reader *r)
{
	ike_view_rest(r, &p->u.sk.data);
	return IKE_PARSE_OK;
}

bool
ike_pl_sk_build(struct buf_writer *w, const struct ike_payload *p)
{
	return buf_put_bytes(w, p->u.sk.data.p, p->u.sk.data.len);
}

/* RFC 7383 §2.5: fragments are numbered from 1 to Total Fragments. */
static bool
frag_ok(uint16_t num, uint16_t total)
{
	return num >= 1 && num <= total;
}

enum ike_parse_status
ike_pl_skf_parse(struct ike_msg *m, struct ike_payload *p,
    struct buf_reader *r)
{
	if (!buf_get_u16(r, &p->u.sk.frag_num) ||
	    !buf_get_u16(r, &p->u.sk.frag_total))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED, "truncated SKF");
	if (!frag_ok(p->u.sk.frag_num, p->u.sk.frag_total))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "Fragment Number outside 1..Total Fragments");
	ike_view_rest(r, &p->u.sk.data);
	return IKE_PARSE_OK;
}

bool
ike_pl_skf_build(struct buf_writer *w, const struct ike_payload *p)
{
	return frag_ok(p->u.sk.frag_num, p->u.sk.frag_total) &&
	    buf_put_u16(w, p->u.sk.frag_num) &&
	    buf_put_u16(w, p->u.sk.frag_total) &&
	    buf_put_bytes(w, p->u.sk.data.p, p->u.sk.data.len);
}

bool
ike_sk_begin(struct ike_builder *b, struct ike_builder *inner,
    uint16_t frag_num, uint16_t frag_total, size_t iv_len)
{
	uint8_t type = frag_total ? IKEV2_PL_SKF : IKEV2_PL_SK;
	size_t off = b->w.len;

	if (b->failed || b->sealed ||
	    (frag_total && !frag_ok(frag_num, frag_total)))
		goto fail;
	buf_put_zero(&b->w, IKEV2_GENERIC_HDR_LEN);
	if (frag_total) {
		buf_put_u16(&b->w, frag_num);
		buf_put_u16(&b->w, frag_total);
	}
	b->sk_iv_off = b->w.len;
	buf_put_zero(&b->w, iv_len);
	if (!buf_writer_ok(&b->w))
		goto fail;
	if (b->next_at != NULL)
		*b->next_at = type;
	if (b->first == IKEV2_PL_NONE)
		b->first = type;
	b->next_at = NULL;
	b->sealed = true;
	b->sk_off = off;
	ike_build_chain(inner, buf_reserve(&b->w, 0), b->w.cap - b->w.len);
	return true;
fail:
	b->failed = true;
	return false;
}

bool
ike_sk_end(struct ike_builder *b, struct ike_builder *inner,
    size_t block_len, size_t icv_len, struct ike_sk_layout *out)
{
	uint8_t *hdr, *enc, *icv;
	size_t inner_len, pad;

	if (block_len == 0)
		block_len = 1;
	if (b->failed || b->sk_iv_off == 0 || inner->failed ||
	    !buf_writer_ok(&inner->w) || block_len > 256)
		goto fail;
	hdr = b->w.p + b->sk_off;
	inner_len = inner->w.len;
	pad = (block_len - (inner_len + 1) % block_len) % block_len;
	enc = buf_reserve(&b->w, inner_len);	/* already written in place */
	buf_put_zero(&b->w, pad);
	buf_put_u8(&b->w, (uint8_t)pad);
	icv = buf_reserve(&b->w, icv_len);
	if (enc == NULL || icv == NULL || b->w.len - b->sk_off > UINT16_MAX)
		goto fail;
	memset(icv, 0, icv_len);
	hdr[0] = inner->first;
	buf_store_u16(hdr + 2, (uint16_t)(b->w.len - b->sk_off));
	out->iv = b->w.p + b->sk_iv_off;
	out->iv_len = (size_t)(enc - out->iv);
	out->enc = enc;
	out->enc_len = inner_len + pad + 1;
	out->icv = icv;
	out->icv_len = icv_len;
	out->aad_len = b->sk_iv_off;
	out->integ_len = (size_t)(icv - b->w.p);
	return true;
fail:
	b->failed = true;
	return false;
}

bool
ike_sk_split(const struct ike_msg *m, const struct ike_payload *sk,
    size_t iv_len, size_t block_len, size_t icv_len, struct ike_sk_parts *out)
{
	struct buf_reader r;

	if (block_len == 0)
		block_len = 1;
	buf_reader_init(&r, sk->u.sk.data.p, sk->u.sk.data.len);
	if (!buf_get_bytes(&r, iv_len, &out->iv.p) ||
	    !buf_get_bytes_end(&r, icv_len, &out->icv.p))
		return false;
	out->iv.len = iv_len;
	out->icv.len = icv_len;
	ike_view_rest(&r, &out->enc);
	if (out->enc.len == 0 || out->enc.len % block_len != 0)
		return false;
	out->aad_len = (size_t)(out->iv.p - m->raw.p);
	out->integ_len = (size_t)(out->icv.p - m->raw.p);
	return true;
}

bool
ike_sk_unpad(const uint8_t *plain, size_t len, size_t *inner_len)
{
	struct buf_reader r;
	const uint8_t *pad;
	uint8_t pad_len;

	buf_reader_init(&r, plain, len);
	if (!buf_get_u8_end(&r, &pad_len) ||
	    !buf_get_bytes_end(&r, pad_len, &pad))
		return false;
	*inner_len = buf_remaining(&r);
	return true;
}
