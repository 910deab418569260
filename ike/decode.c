/*
 * ike/decode.c — captured IKE messages decoded for `uipsec pcap`/`trace`
 * (declared in ike.h): the engine's own codec (message.c), SK{}
 * cryptography (sk.c) and one-line summary (names.c), with keys taken from
 * a key log instead of an IKE SA. Authenticate before you parse holds here
 * too: nothing inside SK{}/SKF{} is read before its ICV verified.
 */
#include <sodium.h>
#include <string.h>

#include "ike/ike.h"
#include "ike/ikev2_wire.h"
#include "ike/message.h"
#include "ike/names.h"
#include "ike/sk.h"

const char *
ike_decode_status_str(enum ike_decode_status st)
{
	switch (st) {
	case IKE_DECODE_OK:		return "ok";
	case IKE_DECODE_NO_KEYS:	return "no keys";
	case IKE_DECODE_MALFORMED:	return "malformed";
	case IKE_DECODE_BAD_ICV:	return "bad ICV";
	case IKE_DECODE_BAD_SK:		return "bad SK contents";
	case IKE_DECODE_UNSUPPORTED:	return "unsupported suite";
	}
	return "?";
}

const char *
ike_decode_exchange_name(uint8_t exchange)
{
	return ike_exchange_name(exchange);
}

static void
decoded_from_header(struct ike_decoded *d, const struct ike_header *h)
{
	memset(d, 0, sizeof(*d));
	d->spi_i = h->spi_i;
	d->spi_r = h->spi_r;
	d->exchange = h->exchange;
	d->msg_id = h->msg_id;
	d->length = h->length;
	d->initiator = (h->flags & IKEV2_FLAG_INITIATOR) != 0;
	d->response = (h->flags & IKEV2_FLAG_RESPONSE) != 0;
}

int
ike_decode_header(const uint8_t *msg, size_t len, struct ike_decoded *out)
{
	struct ike_header h;
	const char *why = NULL;

	if (ike_header_parse(&h, msg, len, &why) != IKE_PARSE_OK) {
		memset(out, 0, sizeof(*out));
		out->why = why != NULL ? why : "not an IKEv2 header";
		return -1;
	}
	decoded_from_header(out, &h);
	return 0;
}

/* The SK{} suite of a key-log record, checked against its key lengths. */
static int
decode_suite(const struct ike_decode_keys *k, struct ike_sk_suite *s)
{
	struct ike_chosen c;

	memset(&c, 0, sizeof(c));
	c.xf[IKEV2_XF_ENCR].type = IKEV2_XF_ENCR;
	c.xf[IKEV2_XF_ENCR].id = k->encr;
	c.xf[IKEV2_XF_ENCR].key_bits = k->encr_bits;
	if (k->integ != IKEV2_AUTH_NONE) {
		c.xf[IKEV2_XF_INTEG].type = IKEV2_XF_INTEG;
		c.xf[IKEV2_XF_INTEG].id = k->integ;
	}
	if (ike_sk_suite_init(s, &c) != 0 || s->encr_key_len != k->encr_len ||
	    s->integ_key_len != k->integ_len || k->sk_ei == NULL ||
	    k->sk_er == NULL || (k->integ_len != 0 &&
	    (k->sk_ai == NULL || k->sk_ar == NULL)))
		return -1;
	return 0;
}

static enum ike_decode_status
decode_sk_status(enum ike_sk_status st, struct ike_decoded *out)
{
	out->why = ike_sk_status_str(st);
	switch (st) {
	case IKE_SK_OK:
		out->why = NULL;
		return IKE_DECODE_OK;
	case IKE_SK_AUTH:
		return IKE_DECODE_BAD_ICV;
	case IKE_SK_PADDING:
	case IKE_SK_INNER:
		return IKE_DECODE_BAD_SK;
	case IKE_SK_NO_SK:
	case IKE_SK_LAYOUT:
	case IKE_SK_CRYPTO:
		break;
	}
	return IKE_DECODE_MALFORMED;
}

/* Authenticates and decrypts the last payload of m, SK{} or SKF{}. */
static enum ike_decode_status
decode_encrypted(struct ike_msg *m, const struct ike_decode_keys *keys,
    uint8_t *plain, size_t cap, size_t *plain_len, struct ike_decoded *out)
{
	const struct ike_payload *skf;
	struct ike_sk_suite s;
	struct ike_sk_keys k;
	enum ike_sk_status st;

	if (keys == NULL) {
		out->why = "no keys for this IKE SA";
		return IKE_DECODE_NO_KEYS;
	}
	if (decode_suite(keys, &s) != 0) {
		out->why = "keys of a suite uipsec cannot run";
		return IKE_DECODE_UNSUPPORTED;
	}
	/* §2.14: SK_ei/SK_ai protect what the original initiator sends. */
	k.encr = out->initiator ? keys->sk_ei : keys->sk_er;
	k.integ = keys->integ_len == 0 ? NULL :
	    out->initiator ? keys->sk_ai : keys->sk_ar;
	if (out->frag_total == 0) {
		st = ike_sk_decrypt(m, &s, &k, plain, cap, NULL);
		return decode_sk_status(st, out);
	}
	st = ike_skf_decrypt(m, &s, &k, plain, cap, plain_len, &skf);
	return decode_sk_status(st, out);
}

enum ike_decode_status
ike_decode(const uint8_t *msg, size_t len, const struct ike_decode_keys *keys,
    uint8_t *plain, size_t cap, size_t *plain_len, struct ike_decoded *out)
{
	struct ike_msg m;
	const struct ike_payload *last;
	enum ike_parse_status pst;
	enum ike_decode_status st = IKE_DECODE_OK;

	*plain_len = 0;
	if (ike_decode_header(msg, len, out) != 0)
		return IKE_DECODE_MALFORMED;
	if ((pst = ike_msg_parse(&m, msg, len)) != IKE_PARSE_OK) {
		out->why = m.error != NULL ? m.error :
		    ike_parse_status_str(pst);
		return IKE_DECODE_MALFORMED;
	}
	last = m.n_payloads > 0 ? &m.pl[m.n_payloads - 1] : NULL;
	if (last != NULL && (last->type == IKEV2_PL_SK ||
	    last->type == IKEV2_PL_SKF)) {
		out->encrypted = true;
		if (last->type == IKEV2_PL_SKF) {
			out->frag_num = last->u.sk.frag_num;
			out->frag_total = last->u.sk.frag_total;
			out->frag_first = last->u.sk.first_inner;
		}
		st = decode_encrypted(&m, keys, plain, cap, plain_len, out);
	}
	ike_msg_summary(&m, out->summary, sizeof(out->summary));
	if (out->frag_total == 0)	/* SK{}: summarised, no longer needed */
		sodium_memzero(plain, cap < len ? cap : len);
	return st;
}

enum ike_decode_status
ike_decode_chain(uint8_t first, const uint8_t *p, size_t len,
    struct ike_decoded *d)
{
	struct ike_msg m;
	enum ike_parse_status pst;

	memset(&m, 0, sizeof(m));
	m.hdr.spi_i = d->spi_i;
	m.hdr.spi_r = d->spi_r;
	m.hdr.exchange = d->exchange;
	m.hdr.msg_id = d->msg_id;
	m.hdr.flags = (d->initiator ? IKEV2_FLAG_INITIATOR : 0) |
	    (d->response ? IKEV2_FLAG_RESPONSE : 0);
	/* An SKF{} without a number: the whole reassembled message. */
	m.pl[0].type = IKEV2_PL_SKF;
	m.n_payloads = 1;
	pst = ike_msg_parse_inner(&m, first, p, len);
	ike_msg_summary(&m, d->summary, sizeof(d->summary));
	if (pst != IKE_PARSE_OK) {
		d->why = m.error != NULL ? m.error : ike_parse_status_str(pst);
		return IKE_DECODE_MALFORMED;
	}
	return IKE_DECODE_OK;
}
