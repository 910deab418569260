/* tools/uipsecd/icmp_unreachable.c — see icmp_unreachable.h. */
#include "icmp_unreachable.h"

#include <string.h>
#include <netinet/in.h>

#include "common/buf.h"
#include "common/inet_csum.h"

#define IPV4_HDR	20
#define IPV6_HDR	40
#define ICMP_HDR	8	/* type, code, checksum, 4 unused bytes */
#define IPV4_ERR_MAX	576	/* RFC 1812 §4.3.2.3 */
#define ERR_TTL		64

/* IPv6 extension headers in front of the upper-layer header (RFC 8200
 * §4): how many we walk before giving up. */
#define IPV6_EXT_MAX	8

/* What the error needs of the packet that provoked it. */
struct offender {
	const uint8_t	*src, *dst;
	size_t		 len;		/* the packet, without padding */
	uint8_t		 tos;		/* IPv4 */
};

/* RFC 1812 §4.3.2.7: not a single host's address. */
static bool
ipv4_not_a_host(const uint8_t *a)
{
	/* 0/8, 127/8, multicast 224/4, class E 240/4 (255.255.255.255) */
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

/* RFC 792: Destination Unreachable, Source Quench, Redirect, Time
 * Exceeded, Parameter Problem. */
static bool
icmpv4_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 ||
	    type == 12;
}

static bool
ipv4_offender(const uint8_t *pkt, size_t len, struct offender *o)
{
	struct buf_reader r;
	uint8_t vihl, proto, type;
	uint16_t total, frag;
	size_t hlen;

	buf_reader_init(&r, pkt, len);
	if (!buf_get_u8(&r, &vihl) || !buf_get_u8(&r, &o->tos) ||
	    !buf_get_u16(&r, &total) || !buf_skip(&r, 2) ||
	    !buf_get_u16(&r, &frag) || !buf_skip(&r, 1) ||
	    !buf_get_u8(&r, &proto) || !buf_skip(&r, 2) ||
	    !buf_get_bytes(&r, 4, &o->src) || !buf_get_bytes(&r, 4, &o->dst))
		return false;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || hlen < IPV4_HDR || total < hlen || total > len)
		return false;
	o->len = total;
	if ((frag & 0x1fff) != 0 || ipv4_not_a_host(o->src) ||
	    o->dst[0] >= 224)		/* multicast, class E, broadcast */
		return false;
	if (proto != IPPROTO_ICMP)
		return true;
	/* The ICMP type past the options: an error is never answered. */
	buf_reader_init(&r, pkt, total);
	return buf_skip(&r, hlen) && buf_get_u8(&r, &type) &&
	    !icmpv4_is_error(type);
}

static bool
ipv6_not_a_host(const uint8_t *a)
{
	static const uint8_t unspecified[16], loopback[16] = { [15] = 1 };

	return a[0] == 0xff || !memcmp(a, unspecified, 16) ||
	    !memcmp(a, loopback, 16);
}

/* Walks the extension headers to the upper-layer one (RFC 8200 §4): an
 * ICMPv6 error (types below 128, RFC 4443 §2.1) is not answered, nor a
 * fragment past the first (its upper layer is unknown here). */
static bool
ipv6_upper_layer_ok(struct buf_reader *r, uint8_t nh)
{
	uint8_t next, hlen, type;
	uint16_t frag;
	unsigned i;

	for (i = 0; i < IPV6_EXT_MAX; i++) {
		switch (nh) {
		case 0:		/* Hop-by-Hop Options */
		case 43:	/* Routing */
		case 60:	/* Destination Options */
			if (!buf_get_u8(r, &next) || !buf_get_u8(r, &hlen) ||
			    !buf_skip(r, (size_t)hlen * 8 + 6))
				return false;
			nh = next;
			break;
		case 44:	/* Fragment */
			if (!buf_get_u8(r, &next) || !buf_skip(r, 1) ||
			    !buf_get_u16(r, &frag) || !buf_skip(r, 4))
				return false;
			if (frag & 0xfff8)
				return false;
			nh = next;
			break;
		case IPPROTO_ICMPV6:
			return buf_get_u8(r, &type) && type >= 128;
		default:	/* TCP, UDP, ESP, No Next Header, ... */
			return true;
		}
	}
	return false;
}

static bool
ipv6_offender(const uint8_t *pkt, size_t len, struct offender *o)
{
	struct buf_reader r;
	uint16_t plen;
	uint8_t v, nh;

	buf_reader_init(&r, pkt, len);
	if (!buf_get_u8(&r, &v) || v >> 4 != 6 || !buf_skip(&r, 3) ||
	    !buf_get_u16(&r, &plen) || !buf_get_u8(&r, &nh) ||
	    !buf_skip(&r, 1) || !buf_get_bytes(&r, 16, &o->src) ||
	    !buf_get_bytes(&r, 16, &o->dst))
		return false;
	/* plen 0 behind a Hop-by-Hop header is a jumbogram's (RFC 2675):
	 * never on a TUN of ours. */
	if ((plen == 0 && nh == 0) || IPV6_HDR + (size_t)plen > len)
		return false;
	o->len = IPV6_HDR + (size_t)plen;
	o->tos = 0;
	if (ipv6_not_a_host(o->src) || o->dst[0] == 0xff)
		return false;
	buf_reader_init(&r, pkt + IPV6_HDR, plen);
	return ipv6_upper_layer_ok(&r, nh);
}

/* The end of the IP header, the addresses (from the unreachable one: see
 * the header), and the message: type (3, ICMPv6 1), code, checksum (filled
 * in after), 4 unused bytes (RFC 792, RFC 4443 §3.1), the quote. */
static void
put_unreachable(struct buf_writer *w, const struct offender *o,
    size_t addr_len, uint8_t type, uint8_t code, const uint8_t *pkt,
    size_t quote)
{
	buf_put_bytes(w, o->dst, addr_len);
	buf_put_bytes(w, o->src, addr_len);
	buf_put_u8(w, type);
	buf_put_u8(w, code);
	buf_put_u16(w, 0);
	buf_put_zero(w, 4);
	buf_put_bytes(w, pkt, quote);
}

static size_t
ipv4_error(const uint8_t *pkt, const struct offender *o, uint8_t code,
    uint16_t ip_id, uint8_t *out, size_t cap)
{
	size_t quote = o->len, total;
	struct buf_writer w;

	if (quote > IPV4_ERR_MAX - IPV4_HDR - ICMP_HDR)
		quote = IPV4_ERR_MAX - IPV4_HDR - ICMP_HDR;
	total = IPV4_HDR + ICMP_HDR + quote;
	buf_writer_init(&w, out, cap);
	buf_put_u8(&w, 0x45);
	buf_put_u8(&w, o->tos);		/* RFC 1812 §4.3.2.5 */
	buf_put_u16(&w, (uint16_t)total);
	buf_put_u16(&w, ip_id);
	buf_put_u16(&w, 0);		/* flags, fragment offset */
	buf_put_u8(&w, ERR_TTL);
	buf_put_u8(&w, IPPROTO_ICMP);
	buf_put_u16(&w, 0);		/* header checksum, below */
	put_unreachable(&w, o, 4, 3, code, pkt, quote);
	if (!buf_writer_ok(&w))
		return 0;
	buf_store_u16(out + 10, inet_csum(out, IPV4_HDR));
	buf_store_u16(out + IPV4_HDR + 2, inet_csum(out + IPV4_HDR,
	    ICMP_HDR + quote));
	return total;
}

static size_t
ipv6_error(const uint8_t *pkt, const struct offender *o, uint8_t code,
    uint8_t *out, size_t cap)
{
	size_t quote = o->len, plen;
	struct buf_writer w;
	uint8_t pseudo[8] = { 0 };
	uint32_t sum;

	if (quote > ICMP_UNREACHABLE_MAX - IPV6_HDR - ICMP_HDR)
		quote = ICMP_UNREACHABLE_MAX - IPV6_HDR - ICMP_HDR;
	plen = ICMP_HDR + quote;
	buf_writer_init(&w, out, cap);
	buf_put_u32(&w, 0x60000000);	/* version, class, flow label */
	buf_put_u16(&w, (uint16_t)plen);
	buf_put_u8(&w, IPPROTO_ICMPV6);
	buf_put_u8(&w, ERR_TTL);
	put_unreachable(&w, o, 16, 1, code, pkt, quote);
	if (!buf_writer_ok(&w))
		return 0;
	/* RFC 4443 §2.3: over the pseudo-header of RFC 8200 §8.1 too. */
	buf_store_u32(pseudo, (uint32_t)plen);
	pseudo[7] = IPPROTO_ICMPV6;
	sum = inet_csum_add(0, out + 8, 32);	/* source, destination */
	sum = inet_csum_add(sum, pseudo, sizeof(pseudo));
	sum = inet_csum_add(sum, out + IPV6_HDR, plen);
	buf_store_u16(out + IPV6_HDR + 2, inet_csum_fold(sum));
	return IPV6_HDR + plen;
}

size_t
icmp_unreachable_build(const uint8_t *pkt, size_t len,
    enum icmp_unreachable_code code, uint16_t ip_id, uint8_t *out,
    size_t cap)
{
	struct offender o;
	bool host = code == ICMP_UNREACHABLE_HOST;

	if (len > 0 && pkt[0] >> 4 == 4 && ipv4_offender(pkt, len, &o))
		return ipv4_error(pkt, &o, host ? 1 : 13, ip_id, out, cap);
	if (len > 0 && pkt[0] >> 4 == 6 && ipv6_offender(pkt, len, &o))
		return ipv6_error(pkt, &o, host ? 3 : 1, out, cap);
	return 0;
}

void
icmp_ratelimit_init(struct icmp_ratelimit *rl, uint32_t per_s,
    uint64_t now_ms)
{
	rl->per_s = per_s;
	rl->milli_tokens = (uint64_t)per_s * 1000;	/* a full bucket */
	rl->last_ms = now_ms;
}

bool
icmp_ratelimit_take(struct icmp_ratelimit *rl, uint64_t now_ms)
{
	uint64_t full = (uint64_t)rl->per_s * 1000;

	if (now_ms > rl->last_ms) {
		/* per_s tokens a second: per_s milli-tokens a millisecond */
		rl->milli_tokens += (now_ms - rl->last_ms) * rl->per_s;
		if (rl->milli_tokens > full)
			rl->milli_tokens = full;
		rl->last_ms = now_ms;
	}
	if (rl->milli_tokens < 1000)
		return false;
	rl->milli_tokens -= 1000;
	return true;
}
