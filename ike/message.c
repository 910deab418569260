/*
 * ike/message.c — IKE header and payload chain (RFC 7296 §3.1, §3.2); the
 * payload bodies are in payload_*.c, dispatched from one table.
 */
#include "ike/message.h"

#include <stdlib.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

struct payload_codec {
	uint8_t	 type;
	enum ike_parse_status (*parse)(struct ike_msg *, struct ike_payload *,
		    struct buf_reader *);
	bool	(*build)(struct buf_writer *, const struct ike_payload *);
};

/* Every payload type uipsec understands. Anything else is skipped, or
 * refused when critical (§2.5). */
static const struct payload_codec codecs[] = {
	{ IKEV2_PL_SA,		ike_pl_sa_parse,	ike_pl_sa_build },
	{ IKEV2_PL_KE,		ike_pl_ke_parse,	ike_pl_ke_build },
	{ IKEV2_PL_IDI,		ike_pl_id_parse,	ike_pl_id_build },
	{ IKEV2_PL_IDR,		ike_pl_id_parse,	ike_pl_id_build },
	{ IKEV2_PL_CERT,	ike_pl_cert_parse,	ike_pl_cert_build },
	{ IKEV2_PL_CERTREQ,	ike_pl_certreq_parse,	ike_pl_certreq_build },
	{ IKEV2_PL_AUTH,	ike_pl_auth_parse,	ike_pl_auth_build },
	{ IKEV2_PL_NONCE,	ike_pl_nonce_parse,	ike_pl_nonce_build },
	{ IKEV2_PL_NOTIFY,	ike_pl_notify_parse,	ike_pl_notify_build },
	{ IKEV2_PL_DELETE,	ike_pl_delete_parse,	ike_pl_delete_build },
	{ IKEV2_PL_VENDOR,	ike_pl_vendor_parse,	ike_pl_vendor_build },
	{ IKEV2_PL_TSI,		ike_pl_ts_parse,	ike_pl_ts_build },
	{ IKEV2_PL_TSR,		ike_pl_ts_parse,	ike_pl_ts_build },
	{ IKEV2_PL_SK,		ike_pl_sk_parse,	ike_pl_sk_build },
	{ IKEV2_PL_CP,		ike_pl_cp_parse,	ike_pl_cp_build },
	{ IKEV2_PL_EAP,		ike_pl_eap_parse,	ike_pl_eap_build },
	{ IKEV2_PL_SKF,		ike_pl_skf_parse,	ike_pl_skf_build },
};

static const struct payload_codec *
codec_find(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i].type == type)
			return &codecs[i];
	return NULL;
}

static bool
is_encrypted(uint8_t type)
{
	return type == IKEV2_PL_SK || type == IKEV2_PL_SKF;
}

const char *
ike_parse_status_str(enum ike_parse_status st)
{
	switch (st) {
	case IKE_PARSE_OK:		return "ok";
	case IKE_PARSE_MALFORMED:	return "malformed";
	case IKE_PARSE_SYNTAX:		return "invalid syntax";
	case IKE_PARSE_VERSION:		return "unsupported major version";
	case IKE_PARSE_CRITICAL:	return "unsupported critical payload";
	case IKE_PARSE_TOO_MANY:	return "too many elements";
	}
	return "?";
}

enum ike_parse_status
ike_msg_fail(struct ike_msg *m, enum ike_parse_status st, const char *why)
{
	m->error = why;
	return st;
}

void
ike_view_rest(struct buf_reader *r, struct ike_view *v)
{
	v->len = buf_remaining(r);
	buf_get_bytes(r, v->len, &v->p);
}

static enum ike_parse_status
header_fail(const char **why, enum ike_parse_status st, const char *text)
{
	if (why != NULL)
		*why = text;
	return st;
}

/*
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Initiator's SPI                  |
 * |                       IKE SA Responder's SPI                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * |                          Message ID                           |
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                  IKE header, RFC 7296 §3.1
 */
enum ike_parse_status
ike_header_parse(struct ike_header *h, const uint8_t *p, size_t len,
    const char **why)
{
	struct buf_reader r;

	buf_reader_init(&r, p, len);
	if (!buf_get_u64(&r, &h->spi_i) || !buf_get_u64(&r, &h->spi_r) ||
	    !buf_get_u8(&r, &h->next_payload) || !buf_get_u8(&r, &h->version) ||
	    !buf_get_u8(&r, &h->exchange) || !buf_get_u8(&r, &h->flags) ||
	    !buf_get_u32(&r, &h->msg_id) || !buf_get_u32(&r, &h->length))
		return header_fail(why, IKE_PARSE_MALFORMED,
		    "shorter than the IKE header");
	h->flags &= IKEV2_FLAGS_KNOWN;
	/* Checked before the length: a future major version may frame its
	 * messages differently but still gets INVALID_MAJOR_VERSION (§2.5). */
	if (h->version >> 4 != IKEV2_VERSION_MAJOR)
		return header_fail(why, IKE_PARSE_VERSION,
		    "major version is not 2");
	if (h->length != len)
		return header_fail(why, IKE_PARSE_MALFORMED,
		    "Length field does not match the datagram");
	if (h->spi_i == 0)
		return header_fail(why, IKE_PARSE_SYNTAX,
		    "initiator SPI is zero");
	return IKE_PARSE_OK;
}

/*
 * One payload: the generic header (§3.2) and the body through its codec.
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static enum ike_parse_status
parse_one(struct ike_msg *m, uint8_t type, struct buf_reader *r, bool in_sk,
    uint8_t *next)
{
	const struct payload_codec *c;
	struct ike_payload *p;
	struct buf_reader body;
	enum ike_parse_status st;
	uint8_t flags;
	uint16_t len;

	m->error_type = type;
	if (!buf_get_u8(r, next) || !buf_get_u8(r, &flags) ||
	    !buf_get_u16(r, &len))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "truncated generic payload header");
	if (len < IKEV2_GENERIC_HDR_LEN ||
	    !buf_sub(r, len - IKEV2_GENERIC_HDR_LEN, &body))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "Payload Length outside the message");
	if ((c = codec_find(type)) == NULL) {
		if (flags & IKEV2_CRITICAL)
			return ike_msg_fail(m, IKE_PARSE_CRITICAL,
			    "unknown payload type with the critical bit");
		m->n_skipped++;
		return IKE_PARSE_OK;
	}
	if (m->n_payloads == IKE_MSG_MAX_PAYLOADS)
		return ike_msg_fail(m, IKE_PARSE_TOO_MANY, "too many payloads");
	p = &m->pl[m->n_payloads];
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->critical = (flags & IKEV2_CRITICAL) != 0;
	p->in_sk = in_sk;
	p->body.p = buf_cursor(&body);
	p->body.len = buf_remaining(&body);
	if ((st = c->parse(m, p, &body)) != IKE_PARSE_OK)
		return st;
	if (buf_remaining(&body) != 0)
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "bytes left over inside the payload");
	if (is_encrypted(type))
		p->u.sk.first_inner = *next;
	m->n_payloads++;
	return IKE_PARSE_OK;
}

/* A payload chain up to Next Payload 0, or up to SK/SKF, which must end the
 * message (§3.14): its Next Payload names the first payload inside. */
static enum ike_parse_status
parse_chain(struct ike_msg *m, uint8_t type, struct buf_reader *r, bool in_sk)
{
	enum ike_parse_status st;
	uint8_t next;

	while (type != IKEV2_PL_NONE) {
		if (is_encrypted(type) && in_sk)
			return ike_msg_fail(m, IKE_PARSE_SYNTAX,
			    "encrypted payload inside SK{}");
		if ((st = parse_one(m, type, r, in_sk, &next)) != IKE_PARSE_OK)
			return st;
		if (is_encrypted(type)) {
			if (buf_remaining(r) != 0)
				return ike_msg_fail(m, IKE_PARSE_MALFORMED,
				    "encrypted payload is not the last");
			break;
		}
		type = next;
	}
	if (buf_remaining(r) != 0)
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "bytes after the last payload");
	m->error = NULL;
	m->error_type = IKEV2_PL_NONE;
	return IKE_PARSE_OK;
}

enum ike_parse_status
ike_msg_parse(struct ike_msg *m, const uint8_t *p, size_t len)
{
	enum ike_parse_status st;
	struct buf_reader r;

	m->n_payloads = m->n_skipped = 0;
	m->n_prop = m->n_xf = m->n_ts = m->n_attr = 0;
	m->error = NULL;
	m->error_type = IKEV2_PL_NONE;
	m->raw.p = p;
	m->raw.len = len;
	if ((st = ike_header_parse(&m->hdr, p, len, &m->error)) != IKE_PARSE_OK)
		return st;
	buf_reader_init(&r, p, len);
	buf_skip(&r, IKEV2_HDR_LEN);
	return parse_chain(m, m->hdr.next_payload, &r, false);
}

enum ike_parse_status
ike_msg_parse_inner(struct ike_msg *m, uint8_t first, const uint8_t *p,
    size_t len)
{
	struct buf_reader r;

	buf_reader_init(&r, p, len);
	return parse_chain(m, first, &r, true);
}

const struct ike_payload *
ike_msg_next(const struct ike_msg *m, uint8_t type,
    const struct ike_payload *prev)
{
	size_t i = prev == NULL ? 0 : (size_t)(prev - m->pl) + 1;

	for (; i < m->n_payloads; i++)
		if (m->pl[i].type == type)
			return &m->pl[i];
	return NULL;
}

const struct ike_payload *
ike_msg_notify(const struct ike_msg *m, uint16_t ntype)
{
	const struct ike_payload *p = NULL;

	while ((p = ike_msg_next(m, IKEV2_PL_NOTIFY, p)) != NULL)
		if (p->u.notify.type == ntype)
			return p;
	return NULL;
}

void
ike_build_msg(struct ike_builder *b, void *buf, size_t cap,
    const struct ike_header *h)
{
	ike_build_chain(b, buf, cap);
	buf_put_u64(&b->w, h->spi_i);
	buf_put_u64(&b->w, h->spi_r);
	b->next_at = buf_reserve(&b->w, 1);
	buf_put_u8(&b->w, IKEV2_VERSION);
	buf_put_u8(&b->w, h->exchange);
	buf_put_u8(&b->w, h->flags & IKEV2_FLAGS_KNOWN);
	buf_put_u32(&b->w, h->msg_id);
	b->len_at = buf_reserve(&b->w, 4);
	if (b->next_at != NULL)
		*b->next_at = IKEV2_PL_NONE;
	b->failed = !buf_writer_ok(&b->w);
}

void
ike_build_chain(struct ike_builder *b, void *buf, size_t cap)
{
	memset(b, 0, sizeof(*b));
	buf_writer_init(&b->w, buf, cap);
}

bool
ike_build_payload(struct ike_builder *b, const struct ike_payload *p)
{
	const struct payload_codec *c = codec_find(p->type);
	uint8_t *next_at, *len_at;
	size_t start;

	if (b->failed || b->sealed || c == NULL)
		goto fail;
	next_at = buf_reserve(&b->w, 1);
	buf_put_u8(&b->w, p->critical ? IKEV2_CRITICAL : 0);
	len_at = buf_reserve(&b->w, 2);
	start = b->w.len - IKEV2_GENERIC_HDR_LEN;
	if (next_at == NULL || len_at == NULL || !c->build(&b->w, p) ||
	    !buf_writer_ok(&b->w) || b->w.len - start > UINT16_MAX)
		goto fail;
	*next_at = IKEV2_PL_NONE;
	buf_store_u16(len_at, (uint16_t)(b->w.len - start));
	if (b->next_at != NULL)
		*b->next_at = p->type;
	if (b->first == IKEV2_PL_NONE)
		b->first = p->type;
	b->next_at = next_at;
	if (is_encrypted(p->type)) {
		*next_at = p->u.sk.first_inner;
		b->next_at = NULL;
		b->sealed = true;
	}
	return true;
fail:
	b->failed = true;
	return false;
}

long
ike_build_finish(struct ike_builder *b)
{
	if (b->failed || !buf_writer_ok(&b->w) || b->w.len > UINT32_MAX)
		return -1;
	if (b->len_at != NULL)
		buf_store_u32(b->len_at, (uint32_t)b->w.len);
	return (long)b->w.len;
}

int
ike_chain_keep(const struct ike_builder *b, struct ike_chain *out)
{
	memset(out, 0, sizeof(*out));
	if (b->failed || b->sealed || b->len_at != NULL ||
	    !buf_writer_ok(&b->w))
		return -1;
	if (b->w.len == 0)
		return 0;
	if (b->next_at == NULL || (out->p = malloc(b->w.len)) == NULL)
		return -1;
	memcpy(out->p, b->w.p, b->w.len);
	out->len = b->w.len;
	out->last_next = (size_t)(b->next_at - b->w.p);
	out->first = b->first;
	return 0;
}

bool
ike_build_append(struct ike_builder *b, const struct ike_chain *c)
{
	size_t at = b->w.len;

	if (c->len == 0)
		return !b->failed;
	if (b->failed || b->sealed || !buf_put_bytes(&b->w, c->p, c->len)) {
		b->failed = true;
		return false;
	}
	if (b->next_at != NULL)
		*b->next_at = c->first;
	if (b->first == IKEV2_PL_NONE)
		b->first = c->first;
	b->next_at = b->w.p + at + c->last_next;
	return true;
}

void
ike_chain_free(struct ike_chain *c)
{
	free(c->p);
	memset(c, 0, sizeof(*c));
}
