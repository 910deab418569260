/*
 * ike/payload_ts.c — Traffic Selector payloads TSi/TSr (RFC 7296 §3.13).
 *
 * TS payload body:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of TSs |                 RESERVED                      |
 * ~                       <Traffic Selectors>                     ~
 * Traffic selector (§3.13.1):
 * |   TS Type     |IP Protocol ID |       Selector Length         |
 * |           Start Port          |           End Port            |
 * ~                         Starting Address                      ~
 * ~                         Ending Address                        ~
 * Selector types other than IPv4/IPv6 ranges are skipped by their length
 * and kept with only their type, for narrowing to ignore.
 */
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

static size_t
ts_addr_len(uint8_t type)
{
	switch (type) {
	case IKEV2_TS_IPV4_ADDR_RANGE:
		return 4;
	case IKEV2_TS_IPV6_ADDR_RANGE:
		return 16;
	default:
		return 0;
	}
}

static enum ike_parse_status
parse_selector(struct ike_msg *m, struct buf_reader *r)
{
	struct ike_ts *ts;
	struct buf_reader sel;
	uint16_t len;
	size_t alen;

	if (m->n_ts == IKE_MSG_MAX_TS)
		return ike_msg_fail(m, IKE_PARSE_TOO_MANY,
		    "too many traffic selectors");
	ts = &m->ts[m->n_ts];
	memset(ts, 0, sizeof(*ts));
	if (!buf_get_u8(r, &ts->type) || !buf_get_u8(r, &ts->ip_proto) ||
	    !buf_get_u16(r, &len))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "truncated traffic selector");
	if (len < IKEV2_TS_MIN_LEN || !buf_sub(r, len - 4, &sel))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "Selector Length outside the payload");
	m->n_ts++;
	if ((alen = ts_addr_len(ts->type)) == 0) {
		ts->ip_proto = 0;
		return IKE_PARSE_OK;
	}
	if (len != IKEV2_TS_MIN_LEN + 2 * alen)
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "Selector Length does not fit the TS Type");
	buf_get_u16(&sel, &ts->start_port);
	buf_get_u16(&sel, &ts->end_port);
	buf_copy_bytes(&sel, ts->start_addr, alen);
	buf_copy_bytes(&sel, ts->end_addr, alen);
	return IKE_PARSE_OK;
}

enum ike_parse_status
ike_pl_ts_parse(struct ike_msg *m, struct ike_payload *p, struct buf_reader *r)
{
	enum ike_parse_status st;
	uint8_t n, i;

	if (!buf_get_u8(r, &n) || !buf_skip(r, 3))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED, "truncated TS");
	/* An empty list selects nothing and no exchange sends one. */
	if (n == 0)
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "TS payload without selectors");
	p->u.ts.ts = &m->ts[m->n_ts];
	for (i = 0; i < n; i++)
		if ((st = parse_selector(m, r)) != IKE_PARSE_OK)
			return st;
	p->u.ts.n_ts = n;
	return IKE_PARSE_OK;
}

bool
ike_pl_ts_build(struct buf_writer *w, const struct ike_payload *p)
{
	const struct ike_ts *ts;
	size_t i, alen;

	if (p->u.ts.n_ts == 0 || p->u.ts.n_ts > UINT8_MAX)
		return false;
	buf_put_u8(w, (uint8_t)p->u.ts.n_ts);
	buf_put_zero(w, 3);
	for (i = 0; i < p->u.ts.n_ts; i++) {
		ts = &p->u.ts.ts[i];
		if ((alen = ts_addr_len(ts->type)) == 0)
			return false;
		buf_put_u8(w, ts->type);
		buf_put_u8(w, ts->ip_proto);
		buf_put_u16(w, (uint16_t)(IKEV2_TS_MIN_LEN + 2 * alen));
		buf_put_u16(w, ts->start_port);
		buf_put_u16(w, ts->end_port);
		buf_put_bytes(w, ts->start_addr, alen);
		buf_put_bytes(w, ts->end_addr, alen);
	}
	return buf_writer_ok(w);
}
