/*
 * ike/payload_id.c — identity and authentication payloads: IDi/IDr (RFC 7296
 * §3.5), AUTH (§3.8) and EAP (§3.16).
 *
 * ID and AUTH bodies share one layout: a type byte, 3 reserved bytes, data.
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   ID Type / Auth Method       |           RESERVED            |
 * ~             Identification Data / Authentication Data         ~
 * The AUTH computation signs the ID body as received ("RestOfIDPayload",
 * §2.15): that is ike_payload.body.
 * EAP body (RFC 3748 §4): Code, Identifier, Length (whole message), data.
 */
#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

static enum ike_parse_status
parse_typed(struct ike_msg *m, struct buf_reader *r, struct ike_pl_typed *t,
    const char *what)
{
	if (!buf_get_u8(r, &t->type) || !buf_skip(r, 3))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED, what);
	ike_view_rest(r, &t->data);
	return IKE_PARSE_OK;
}

static bool
build_typed(struct buf_writer *w, const struct ike_pl_typed *t)
{
	return buf_put_u8(w, t->type) && buf_put_zero(w, 3) &&
	    buf_put_bytes(w, t->data.p, t->data.len);
}

/* Address IDs have the address's length; named IDs are not empty. */
static bool
id_data_ok(const struct ike_pl_typed *id)
{
	switch (id->type) {
	case IKEV2_ID_IPV4_ADDR:
		return id->data.len == 4;
	case IKEV2_ID_IPV6_ADDR:
		return id->data.len == 16;
	case IKEV2_ID_FQDN:
	case IKEV2_ID_RFC822_ADDR:
	case IKEV2_ID_DER_ASN1_DN:
	case IKEV2_ID_DER_ASN1_GN:
	case IKEV2_ID_KEY_ID:
		return id->data.len > 0;
	default:
		return true;
	}
}

enum ike_parse_status
ike_pl_id_parse(struct ike_msg *m, struct ike_payload *p, struct buf_reader *r)
{
	enum ike_parse_status st;

	if ((st = parse_typed(m, r, &p->u.id, "truncated ID")) != IKE_PARSE_OK)
		return st;
	if (!id_data_ok(&p->u.id))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "ID data does not fit its ID type");
	return IKE_PARSE_OK;
}

bool
ike_pl_id_build(struct buf_writer *w, const struct ike_payload *p)
{
	return id_data_ok(&p->u.id) && build_typed(w, &p->u.id);
}

enum ike_parse_status
ike_pl_auth_parse(struct ike_msg *m, struct ike_payload *p,
    struct buf_reader *r)
{
	enum ike_parse_status st;

	if ((st = parse_typed(m, r, &p->u.auth, "truncated AUTH")) !=
	    IKE_PARSE_OK)
		return st;
	if (p->u.auth.data.len == 0)
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "empty Authentication Data");
	return IKE_PARSE_OK;
}

bool
ike_pl_auth_build(struct buf_writer *w, const struct ike_payload *p)
{
	return p->u.auth.data.len > 0 && build_typed(w, &p->u.auth);
}

static bool
eap_ok(const struct ike_view *eap)
{
	struct buf_reader r;
	uint16_t len;

	buf_reader_init(&r, eap->p, eap->len);
	return buf_skip(&r, 2) && buf_get_u16(&r, &len) && len == eap->len;
}

enum ike_parse_status
ike_pl_eap_parse(struct ike_msg *m, struct ike_payload *p, struct buf_reader *r)
{
	ike_view_rest(r, &p->u.eap);
	if (!eap_ok(&p->u.eap))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "EAP Length does not match the payload");
	return IKE_PARSE_OK;
}

bool
ike_pl_eap_build(struct buf_writer *w, const struct ike_payload *p)
{
	return eap_ok(&p->u.eap) && buf_put_bytes(w, p->u.eap.p, p->u.eap.len);
}
