/*
 * ike/payload_ke.c — the two IKE_SA_INIT key inputs: Key Exchange (RFC 7296
 * §3.4) and Nonce (§3.9). Whether the KE data has the group's length is the
 * DH module's check (dh.h), made when the value is used.
 *
 * Key Exchange payload body:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Diffie-Hellman Group Num    |           RESERVED            |
 * ~                       Key Exchange Data                       ~
 * Nonce payload body: 16 to 256 bytes of Nonce Data.
 */
#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

enum ike_parse_status
ike_pl_ke_parse(struct ike_msg *m, struct ike_payload *p, struct buf_reader *r)
{
	if (!buf_get_u16(r, &p->u.ke.group) || !buf_skip(r, 2))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED, "truncated KE");
	ike_view_rest(r, &p->u.ke.data);
	return IKE_PARSE_OK;
}

bool
ike_pl_ke_build(struct buf_writer *w, const struct ike_payload *p)
{
	return buf_put_u16(w, p->u.ke.group) && buf_put_zero(w, 2) &&
	    buf_put_bytes(w, p->u.ke.data.p, p->u.ke.data.len);
}

static bool
nonce_len_ok(size_t len)
{
	return len >= IKEV2_NONCE_MIN && len <= IKEV2_NONCE_MAX;
}

enum ike_parse_status
ike_pl_nonce_parse(struct ike_msg *m, struct ike_payload *p,
    struct buf_reader *r)
{
	ike_view_rest(r, &p->u.nonce);
	if (!nonce_len_ok(p->u.nonce.len))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "Nonce is not 16 to 256 bytes");
	return IKE_PARSE_OK;
}

bool
ike_pl_nonce_build(struct buf_writer *w, const struct ike_payload *p)
{
	return nonce_len_ok(p->u.nonce.len) &&
	    buf_put_bytes(w, p->u.nonce.p, p->u.nonce.len);
}
