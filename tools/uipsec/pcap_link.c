/*
 * tools/uipsec/pcap_link.c — from a captured frame to the IPsec message in
 * it: link layer (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP,
 * BSD loopback), IPv4/IPv6 with extension headers, then UDP 500 (IKE),
 * UDP 4500 (RFC 3948 §2: non-ESP marker + IKE, ESP, NAT keepalive) or IP
 * protocol 50 (ESP). Every read goes through common/buf.h; a short or
 * inconsistent frame is a kind with a reason, never a crash.
 */
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "esp/esp.h"
#include "tools/uipsec/pcap.h"

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86DD
#define ETHERTYPE_VLAN		0x8100	/* IEEE 802.1Q */
#define ETHERTYPE_QINQ		0x88A8	/* IEEE 802.1ad */
#define IPPROTO_NUM_UDP		17
#define IPPROTO_NUM_ESP		50
#define IKE_PORT		500
#define IKE_NATT_PORT		4500	/* RFC 3948 */

bool
pcap_link_supported(int linktype)
{
	switch (linktype) {
	case PCAP_LINK_NULL: case PCAP_LINK_ETHERNET: case PCAP_LINK_RAW:
	case PCAP_LINK_LOOP: case PCAP_LINK_SLL: case PCAP_LINK_IPV4:
	case PCAP_LINK_IPV6: case PCAP_LINK_SLL2:
		return true;
	}
	return false;
}

/* RFC 791 §3.1. */
static int
ipv4_parse(struct buf_reader *r, size_t caplen, struct pcap_ip *ip,
    const char **why)
{
	uint8_t vihl, tos, ttl;
	uint16_t total, id, frag, sum;
	size_t hlen;

	if (!buf_get_u8(r, &vihl) || !buf_get_u8(r, &tos) ||
	    !buf_get_u16(r, &total) || !buf_get_u16(r, &id) ||
	    !buf_get_u16(r, &frag) || !buf_get_u8(r, &ttl) ||
	    !buf_get_u8(r, &ip->proto) || !buf_get_u16(r, &sum) ||
	    !buf_copy_bytes(r, ip->src, 4) || !buf_copy_bytes(r, ip->dst, 4)) {
		*why = "IPv4 header cut short";
		return -1;
	}
	hlen = (size_t)(vihl & 0x0F) * 4;
	if (hlen < 20 || total < hlen) {
		*why = "IPv4 header length";
		return -1;
	}
	if (!buf_skip(r, hlen - 20)) {
		*why = "IPv4 options cut short";
		return -1;
	}
	ip->family = AF_INET;
	ip->total = total;
	ip->frag_id = id;
	ip->frag_off = (uint16_t)((frag & 0x1FFF) * 8);
	ip->frag_more = (frag & 0x2000) != 0;
	ip->fragment = ip->frag_more || ip->frag_off != 0;
	ip->truncated = caplen < total;
	return 0;
}

/* RFC 8200 §4: walk Hop-by-Hop, Routing, Destination Options and
 * Fragment headers to the transport (or ESP, RFC 4303 §3.1.1). */
static int
ipv6_parse(struct buf_reader *r, size_t caplen, struct pcap_ip *ip,
    const char **why)
{
	uint32_t vtf, fid;
	uint16_t plen, frag;
	uint8_t nh, hop, ext_nh, ext_len;

	if (!buf_get_u32(r, &vtf) || !buf_get_u16(r, &plen) ||
	    !buf_get_u8(r, &nh) || !buf_get_u8(r, &hop) ||
	    !buf_copy_bytes(r, ip->src, 16) || !buf_copy_bytes(r, ip->dst, 16)) {
		*why = "IPv6 header cut short";
		return -1;
	}
	ip->family = AF_INET6;
	ip->total = 40 + (size_t)plen;
	ip->truncated = caplen < ip->total;
	for (int n = 0; n < 8; n++) {
		switch (nh) {
		case 0: case 43: case 60:	/* HBH, Routing, Dest Opts */
			if (!buf_get_u8(r, &ext_nh) || !buf_get_u8(r, &ext_len) ||
			    !buf_skip(r, (size_t)ext_len * 8 + 6))
				goto short_ext;
			nh = ext_nh;
			continue;
		case 44:			/* Fragment, §4.5 */
			if (!buf_get_u8(r, &ext_nh) || !buf_skip(r, 1) ||
			    !buf_get_u16(r, &frag) || !buf_get_u32(r, &fid))
				goto short_ext;
			ip->frag_id = fid;
			ip->frag_off = frag & 0xFFF8;
			ip->frag_more = (frag & 1) != 0;
			ip->fragment = true;
			ip->frag_nh = nh = ext_nh;
			ip->frag_data = buf_cursor(r);
			/* Past the first fragment comes data, not headers. */
			if (ip->frag_off != 0) {
				ip->proto = nh;
				return 0;
			}
			continue;
		}
		ip->proto = nh;
		return 0;
	}
	*why = "IPv6: more than 8 extension headers";
	return -1;
short_ext:
	*why = "IPv6 extension header cut short";
	return -1;
}

int
pcap_ip_parse(const uint8_t *p, size_t len, struct pcap_ip *ip,
    const char **why)
{
	struct buf_reader r;
	uint8_t v;
	size_t end;
	int rc;

	memset(ip, 0, sizeof(*ip));
	buf_reader_init(&r, p, len);
	if (len == 0 || !buf_copy_bytes(&r, &v, 1)) {
		*why = "empty IP packet";
		return -1;
	}
	buf_reader_init(&r, p, len);
	switch (v >> 4) {
	case 4:
		rc = ipv4_parse(&r, len, ip, why);
		break;
	case 6:
		rc = ipv6_parse(&r, len, ip, why);
		break;
	default:
		*why = "IP version neither 4 nor 6";
		return -1;
	}
	if (rc != 0)
		return -1;
	if (r.off > ip->total) {
		*why = "IP length shorter than its headers";
		return -1;
	}
	/* The transport ends at the datagram's length (link padding after
	 * it is not part of it) or where the capture stopped. */
	end = ip->total < len ? ip->total : len;
	ip->l4 = p + r.off;
	ip->l4_len = end - r.off;
	if (ip->family == AF_INET)
		ip->frag_data = ip->l4;
	if (ip->fragment)
		ip->frag_len = (size_t)(p + end - ip->frag_data);
	return 0;
}

/* The IP datagram inside a frame, by link type. */
static bool
link_payload(int linktype, const uint8_t *frame, size_t caplen,
    struct buf_reader *r, const char **why)
{
	uint16_t type = 0;
	uint32_t af;

	buf_reader_init(r, frame, caplen);
	switch (linktype) {
	case PCAP_LINK_RAW: case PCAP_LINK_IPV4: case PCAP_LINK_IPV6:
		return true;
	case PCAP_LINK_ETHERNET:
		if (!buf_skip(r, 12) || !buf_get_u16(r, &type))
			break;
		while ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) &&
		    buf_skip(r, 2))
			if (!buf_get_u16(r, &type))
				break;
		break;
	case PCAP_LINK_SLL:		/* 16 bytes, protocol last */
		if (!buf_skip(r, 14) || !buf_get_u16(r, &type))
			break;
		break;
	case PCAP_LINK_SLL2:		/* 20 bytes, protocol first */
		if (!buf_get_u16(r, &type) || !buf_skip(r, 18))
			type = 0;
		break;
	case PCAP_LINK_NULL: case PCAP_LINK_LOOP:
		/* A 4-byte address family in the writer's byte order (NULL)
		 * or big endian (LOOP); the IP version says the rest. */
		if (!buf_get_u32(r, &af))
			break;
		return true;
	default:
		*why = "unsupported link type";
		return false;
	}
	if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6)
		return true;
	*why = type == 0 ? "link header cut short" : "not IP";
	return false;
}

/* UDP (RFC 768) on the IKE ports: what RFC 3948 §2.2 says is inside. */
static void
udp_classify(struct pcap_pkt *out)
{
	struct buf_reader r;
	uint16_t ulen, sum;
	size_t n;

	buf_reader_init(&r, out->ip.l4, out->ip.l4_len);
	if (!buf_get_u16(&r, &out->sport) || !buf_get_u16(&r, &out->dport) ||
	    !buf_get_u16(&r, &ulen) || !buf_get_u16(&r, &sum)) {
		out->kind = out->ip.truncated ? PCAP_TRUNCATED : PCAP_MALFORMED;
		out->why = "UDP header cut short";
		return;
	}
	out->udp = true;
	n = buf_remaining(&r);
	if (ulen < 8 || (!out->ip.truncated && ulen - 8u > n)) {
		out->kind = PCAP_MALFORMED;
		out->why = "UDP length disagrees with IP";
		return;
	}
	if (out->sport == IKE_NATT_PORT || out->dport == IKE_NATT_PORT) {
		switch (esp_udp_classify(buf_cursor(&r), n)) {
		case ESP_UDP_ESP:
			out->kind = PCAP_ESP;
			break;
		case ESP_UDP_IKE:
			out->kind = PCAP_IKE;
			buf_skip(&r, ESP_UDP_NON_ESP_MARKER_LEN);
			break;
		case ESP_UDP_KEEPALIVE:
			out->kind = PCAP_KEEPALIVE;
			break;
		case ESP_UDP_INVALID:
			out->kind = PCAP_MALFORMED;
			out->why = "UDP 4500: neither ESP, IKE nor keepalive";
			return;
		}
	} else if (out->sport == IKE_PORT || out->dport == IKE_PORT) {
		out->kind = PCAP_IKE;
	} else {
		return;		/* PCAP_OTHER */
	}
	out->data = buf_cursor(&r);
	out->len = buf_remaining(&r);
	if (ulen - 8u < out->len)
		out->len = ulen - 8u;
}

void
pcap_classify(int linktype, const uint8_t *frame, size_t caplen,
    struct pcap_pkt *out)
{
	struct buf_reader r;

	memset(out, 0, sizeof(*out));
	out->kind = PCAP_NOT_IP;
	if (!link_payload(linktype, frame, caplen, &r, &out->why))
		return;
	out->kind = PCAP_MALFORMED;
	if (pcap_ip_parse(buf_cursor(&r), buf_remaining(&r), &out->ip,
	    &out->why) != 0)
		return;
	out->kind = PCAP_OTHER;
	if (out->ip.fragment && (out->ip.proto == IPPROTO_NUM_UDP ||
	    out->ip.proto == IPPROTO_NUM_ESP)) {
		out->kind = PCAP_IP_FRAGMENT;
		return;
	}
	if (out->ip.proto == IPPROTO_NUM_UDP)
		udp_classify(out);
	else if (out->ip.proto == IPPROTO_NUM_ESP) {
		out->kind = PCAP_ESP;
		out->data = out->ip.l4;
		out->len = out->ip.l4_len;
	}
	if (out->kind != PCAP_OTHER && out->kind != PCAP_MALFORMED &&
	    out->ip.truncated) {
		out->kind = PCAP_TRUNCATED;
		out->why = "captured shorter than the datagram (snap length)";
	}
}

size_t
pcap_gso_segment_len(const uint8_t *p, size_t len)
{
	struct buf_reader r;
	uint32_t spi, seq;
	uint8_t next[8];
	const uint8_t *at;
	size_t k, off;

	buf_reader_init(&r, p, len);
	if (!buf_get_u32(&r, &spi) || !buf_get_u32(&r, &seq) || len < 32)
		return 0;
	buf_store_u32(next, spi);
	buf_store_u32(next + 4, seq + 1);
	/* The smallest ESP packet: header, 8-byte IV, 4-byte trailer
	 * block, 12-byte ICV. */
	if ((at = memmem(p + 16, len - 16, next, sizeof(next))) == NULL)
		return 0;
	k = (size_t)(at - p);
	/* Every further segment starts with the SPI. */
	for (off = k; off < len; off += k) {
		buf_reader_init(&r, p + off, len - off);
		if (!buf_get_u32(&r, &seq) || seq != spi)
			return 0;
	}
	return k;
}
