/*
 * tools/uipsec/pcap_inner.c — one line about an IP packet, as found inside
 * ESP: addresses, transport and ports (ICMP type), length. Enough to tell
 * a ping from an XML-RPC call at a glance; tshark reads the decrypted pcap
 * for more.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "tools/uipsec/pcap.h"

void
pcap_addr_str(int family, const uint8_t *a, int port, char *out, size_t cap)
{
	char s[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	if (port < 0)
		snprintf(out, cap, "%s", s);
	else if (family == AF_INET6)
		snprintf(out, cap, "[%s]:%d", s, port);
	else
		snprintf(out, cap, "%s:%d", s, port);
}

static const char *
icmp_name(int family, uint8_t type)
{
	if (family == AF_INET6)
		switch (type) {
		case 128: return "echo request";
		case 129: return "echo reply";
		case 1: return "unreachable";
		case 2: return "packet too big";
		}
	else
		switch (type) {
		case 8: return "echo request";
		case 0: return "echo reply";
		case 3: return "unreachable";
		case 11: return "time exceeded";
		}
	return NULL;
}

/* The transport part: "UDP 40000 > 2001", "ICMP echo request id 7 seq 1". */
static void
l4_summary(const struct pcap_ip *ip, char *out, size_t cap)
{
	struct buf_reader r;
	uint16_t sport, dport, id, seq;
	uint8_t type, code;
	const char *name;

	buf_reader_init(&r, ip->l4, ip->l4_len);
	if (ip->fragment && ip->frag_off != 0) {
		snprintf(out, cap, "proto %u fragment off %u", ip->proto,
		    ip->frag_off);
		return;
	}
	switch (ip->proto) {
	case 6: case 17:
		if (!buf_get_u16(&r, &sport) || !buf_get_u16(&r, &dport))
			break;
		snprintf(out, cap, "%s %u > %u", ip->proto == 6 ? "TCP" : "UDP",
		    sport, dport);
		return;
	case 1: case 58:
		if (!buf_get_u8(&r, &type) || !buf_get_u8(&r, &code))
			break;
		name = icmp_name(ip->family, type);
		if (name != NULL && (type == 8 || type == 0 || type == 128 ||
		    type == 129) && buf_skip(&r, 2) && buf_get_u16(&r, &id) &&
		    buf_get_u16(&r, &seq))
			snprintf(out, cap, "ICMP%s %s id %u seq %u",
			    ip->proto == 58 ? "6" : "", name, id, seq);
		else if (name != NULL)
			snprintf(out, cap, "ICMP%s %s", ip->proto == 58 ? "6" :
			    "", name);
		else
			snprintf(out, cap, "ICMP%s type %u code %u",
			    ip->proto == 58 ? "6" : "", type, code);
		return;
	}
	snprintf(out, cap, "proto %u", ip->proto);
}

void
pcap_inner_summary(const uint8_t *p, size_t len, char *out, size_t cap)
{
	struct pcap_ip ip;
	const char *why;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], l4[96];

	if (pcap_ip_parse(p, len, &ip, &why) != 0) {
		snprintf(out, cap, "inner %zu bytes: %s", len, why);
		return;
	}
	pcap_addr_str(ip.family, ip.src, -1, src, sizeof(src));
	pcap_addr_str(ip.family, ip.dst, -1, dst, sizeof(dst));
	l4_summary(&ip, l4, sizeof(l4));
	snprintf(out, cap, "%s > %s %s len %zu", src, dst, l4, len);
}
