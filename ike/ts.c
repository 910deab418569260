/*
 * ike/ts.c — traffic selectors and narrowing (RFC 7296 §2.9, §3.13.1).
 */
#include "ike/ts.h"

#include <netinet/in.h>
#include <string.h>

#include "ike/ikev2_wire.h"

static size_t
alen(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static void
range_of(const struct ike_prefix *p, uint8_t *lo, uint8_t *hi)
{
	size_t n = alen(p->family), i;
	unsigned bits = p->plen;

	for (i = 0; i < n; i++, bits = bits > 8 ? bits - 8 : 0) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		lo[i] = p->addr[i] & mask;
		hi[i] = (uint8_t)(p->addr[i] | (uint8_t)~mask);
	}
}

void
ike_prefix_from_sockaddr(const struct sockaddr_storage *a,
    struct ike_prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->family = a->ss_family;
	if (a->ss_family == AF_INET6) {
		memcpy(out->addr, ((const struct sockaddr_in6 *)(const void *)a)->
		    sin6_addr.s6_addr, 16);
		out->plen = 128;
	} else {
		out->family = AF_INET;
		memcpy(out->addr, &((const struct sockaddr_in *)(const void *)a)->
		    sin_addr, 4);
		out->plen = 32;
	}
}

void
ike_ts_from_cfg(const struct ike_ts_cfg *c, const struct ike_prefix *dyn,
    struct ike_ts *out)
{
	const struct ike_prefix *p = c->dynamic ? dyn : &c->prefix;

	memset(out, 0, sizeof(*out));
	out->type = p->family == AF_INET6 ? IKEV2_TS_IPV6_ADDR_RANGE :
	    IKEV2_TS_IPV4_ADDR_RANGE;
	out->ip_proto = c->proto;
	out->start_port = c->port_lo;
	out->end_port = c->port_lo == 0 && c->port_hi == 0 ? 0xffff :
	    c->port_hi;
	range_of(p, out->start_addr, out->end_addr);
}

void
ike_ts_any(int family, struct ike_ts *out)
{
	struct ike_ts_cfg c = { .prefix = { .family = family } };

	ike_ts_from_cfg(&c, NULL, out);
}

void
ike_ts_to_cfg(const struct ike_ts *t, struct ike_ts_cfg *out)
{
	int family = t->type == IKEV2_TS_IPV6_ADDR_RANGE ? AF_INET6 : AF_INET;
	size_t n = alen(family), i;
	unsigned plen = 0;
	int b;

	memset(out, 0, sizeof(*out));
	out->prefix.family = family;
	for (i = 0; i < n && plen == i * 8; i++)
		for (b = 7; b >= 0; b--) {
			if (((t->start_addr[i] ^ t->end_addr[i]) >> b) & 1)
				break;
			plen++;
		}
	out->prefix.plen = (uint8_t)plen;
	memcpy(out->prefix.addr, t->start_addr, n);
	out->proto = t->ip_proto;
	out->port_lo = t->start_port;
	out->port_hi = t->end_port;
}

static bool
intersect(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out)
{
	size_t n = a->type == IKEV2_TS_IPV6_ADDR_RANGE ? 16 : 4;

	if (a->type != b->type ||
	    (a->ip_proto && b->ip_proto && a->ip_proto != b->ip_proto))
		return false;
	*out = *a;
	out->ip_proto = a->ip_proto ? a->ip_proto : b->ip_proto;
	out->start_port = a->start_port > b->start_port ? a->start_port :
	    b->start_port;
	out->end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	if (memcmp(b->start_addr, a->start_addr, n) > 0)
		memcpy(out->start_addr, b->start_addr, n);
	if (memcmp(b->end_addr, a->end_addr, n) < 0)
		memcpy(out->end_addr, b->end_addr, n);
	return out->start_port <= out->end_port &&
	    memcmp(out->start_addr, out->end_addr, n) <= 0;
}

size_t
ike_ts_narrow(const struct ike_ts *peer, size_t n_peer,
    const struct ike_ts *ours, size_t n_ours, struct ike_ts *out, size_t cap)
{
	size_t i, j, n = 0;

	for (i = 0; i < n_peer; i++)
		for (j = 0; j < n_ours && n < cap; j++)
			if (intersect(&peer[i], &ours[j], &out[n]))
				n++;
	return n;
}
