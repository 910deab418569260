/*
 * ike/payload_cp.c — the Configuration payload (RFC 7296 §3.15) that carries
 * virtual IPs: CFG_REQUEST/CFG_REPLY with INTERNAL_IP4/IP6_ADDRESS.
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   CFG Type    |                    RESERVED                   |
 * ~                   Configuration Attributes                    ~
 * Attribute (§3.15.1):
 * |R|         Attribute Type      |            Length             |
 * ~                             Value                             ~
 */
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

/* §3.15.1: attributes whose value is empty (a request) or this long. */
static const struct {
	uint16_t	type;
	uint16_t	len;
} attr_len[] = {
	{ IKEV2_CFG_INTERNAL_IP4_ADDRESS, 4 },
	{ IKEV2_CFG_INTERNAL_IP4_NETMASK, 4 },
	{ IKEV2_CFG_INTERNAL_IP4_DNS, 4 },
	{ IKEV2_CFG_INTERNAL_IP4_NBNS, 4 },
	{ IKEV2_CFG_INTERNAL_IP4_DHCP, 4 },
	{ IKEV2_CFG_INTERNAL_IP6_ADDRESS, 17 },	/* address and prefix length */
	{ IKEV2_CFG_INTERNAL_IP6_DNS, 16 },
	{ IKEV2_CFG_INTERNAL_IP6_DHCP, 16 },
	{ IKEV2_CFG_INTERNAL_IP4_SUBNET, 8 },	/* address and netmask */
	{ IKEV2_CFG_INTERNAL_IP6_SUBNET, 17 },
};

static bool
attr_ok(const struct ike_cfg_attr *a)
{
	size_t i;

	if (a->type == IKEV2_CFG_SUPPORTED_ATTRIBUTES)
		return a->value.len % 2 == 0;
	for (i = 0; i < sizeof(attr_len) / sizeof(attr_len[0]); i++)
		if (attr_len[i].type == a->type)
			return a->value.len == 0 || a->value.len == attr_len[i].len;
	return true;
}

static bool
cfg_type_ok(uint8_t type)
{
	return type >= IKEV2_CFG_REQUEST && type <= IKEV2_CFG_ACK;
}

static enum ike_parse_status
parse_attr(struct ike_msg *m, struct buf_reader *r)
{
	struct ike_cfg_attr *a;
	uint16_t len;

	if (m->n_attr == IKE_MSG_MAX_CFG_ATTRS)
		return ike_msg_fail(m, IKE_PARSE_TOO_MANY,
		    "too many configuration attributes");
	a = &m->attr[m->n_attr];
	memset(a, 0, sizeof(*a));
	if (!buf_get_u16(r, &a->type) || !buf_get_u16(r, &len))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "truncated configuration attribute");
	a->type &= IKEV2_CFG_ATTR_TYPE_MASK;
	a->value.len = len;
	if (!buf_get_bytes(r, len, &a->value.p))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "attribute Length outside the payload");
	if (!attr_ok(a))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "configuration attribute has the wrong length");
	m->n_attr++;
	return IKE_PARSE_OK;
}

enum ike_parse_status
ike_pl_cp_parse(struct ike_msg *m, struct ike_payload *p, struct buf_reader *r)
{
	enum ike_parse_status st;

	if (!buf_get_u8(r, &p->u.cp.cfg_type) || !buf_skip(r, 3))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED, "truncated CP");
	if (!cfg_type_ok(p->u.cp.cfg_type))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX, "unknown CFG Type");
	p->u.cp.attr = &m->attr[m->n_attr];
	while (buf_remaining(r) > 0) {
		if ((st = parse_attr(m, r)) != IKE_PARSE_OK)
			return st;
		p->u.cp.n_attr++;
	}
	return IKE_PARSE_OK;
}

bool
ike_pl_cp_build(struct buf_writer *w, const struct ike_payload *p)
{
	const struct ike_cfg_attr *a;
	size_t i;

	if (!cfg_type_ok(p->u.cp.cfg_type))
		return false;
	buf_put_u8(w, p->u.cp.cfg_type);
	buf_put_zero(w, 3);
	for (i = 0; i < p->u.cp.n_attr; i++) {
		a = &p->u.cp.attr[i];
		if (!attr_ok(a) || a->type > IKEV2_CFG_ATTR_TYPE_MASK ||
		    a->value.len > UINT16_MAX)
			return false;
		buf_put_u16(w, a->type);
		buf_put_u16(w, (uint16_t)a->value.len);
		buf_put_bytes(w, a->value.p, a->value.len);
	}
	return buf_writer_ok(w);
}
