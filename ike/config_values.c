/*
 * ike/config_values.c — swanctl.conf value syntax: durations, addresses and
 * prefixes, traffic selectors, pool ranges (lists: conf_list_next). See
 * config_internal.h; every parser is strict (no trailing text, no hex
 * where strongSwan wants a time, no host bits in a network).
 */
#include "ike/config_internal.h"

#include <arpa/inet.h>
#include <string.h>

#include "esp/esp.h"

/* Decimal digits only, at most max. */
static bool
decimal(const char *s, const char *end, unsigned long long max,
    unsigned long long *v)
{
	unsigned long long x = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		x = x * 10 + (unsigned)(*s - '0');
		if (x > max)
			return false;
	}
	*v = x;
	return true;
}

const char *
ikecfg_duration(const char *text, uint32_t *secs)
{
	size_t len = strlen(text);
	unsigned long long v, unit = 1;
	const char *end = text + len;

	if (len && strchr("smhd", text[len - 1])) {
		unit = text[len - 1] == 'm' ? 60 : text[len - 1] == 'h' ? 3600 :
		    text[len - 1] == 'd' ? 86400 : 1;
		end--;
	}
	if (!decimal(text, end, UINT32_MAX, &v))
		return "is not a time (seconds, or a number with s, m, h "
		    "or d)";
	if (v * unit > UINT32_MAX)
		return "is too long a time";
	*secs = (uint32_t)(v * unit);
	return NULL;
}

const char *
ikecfg_replay_window(const char *text, uint32_t *out)
{
	unsigned long long v;

	if (!decimal(text, text + strlen(text), ESP_REPLAY_WINDOW_MAX, &v))
		return "is not a replay window (0 to 65536 packets)";
	*out = (uint32_t)((v + 63) / 64 * 64);
	return NULL;
}

const char *
ikecfg_volume(const char *text, uint64_t *out)
{
	size_t len = strlen(text);
	unsigned long long v, unit = 1;
	const char *end = text + len;
	char u = len ? (char)(text[len - 1] | 0x20) : 0;

	if (u == 'k' || u == 'm' || u == 'g') {
		unit = u == 'k' ? 1ULL << 10 : u == 'm' ? 1ULL << 20 : 1ULL << 30;
		end--;
	}
	if (!decimal(text, end, UINT64_MAX >> 30, &v))
		return "is not a count (a number, or with k, m or g)";
	*out = v * unit;
	return NULL;
}

static int
addr_parse(const char *text, struct ike_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, text, p->addr) == 1) {
		p->family = AF_INET;
		p->plen = 32;
	} else if (inet_pton(AF_INET6, text, p->addr) == 1) {
		p->family = AF_INET6;
		p->plen = 128;
	} else {
		return -1;
	}
	return 0;
}

static bool
host_bits_clear(const struct ike_prefix *p)
{
	unsigned bits = p->family == AF_INET ? 32 : 128, i;

	for (i = p->plen; i < bits; i++)
		if (p->addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

const char *
ikecfg_prefix(const char *text, struct ike_prefix *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	unsigned long long plen;
	size_t len = slash ? (size_t)(slash - text) : strlen(text);

	if (len >= sizeof(addr))
		return "is not an IP address or address/prefix";
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (strchr(addr, '-'))
		return "is an address range: only address/prefix is supported "
		    "here";
	if (addr_parse(addr, out) < 0)
		return "is not an IP address or address/prefix (names are not "
		    "resolved)";
	if (!slash)
		return NULL;
	if (!decimal(slash + 1, slash + strlen(slash), out->plen, &plen))
		return "has a bad prefix length";
	out->plen = (uint8_t)plen;
	if (!host_bits_clear(out))
		return "has bits set beyond its prefix length";
	return NULL;
}

static const struct {
	const char	*name;
	uint8_t		 proto;
} protocols[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 },
	{ "ipv6-icmp", 58 }, { "icmp6", 58 }, { "sctp", 132 },
};

static const char *
ts_proto_port(const char *spec, struct ike_ts_cfg *ts)
{
	const char *slash = strchr(spec, '/'), *end, *dash;
	unsigned long long v, lo, hi;
	size_t i, len = slash ? (size_t)(slash - spec) : strlen(spec);

	ts->proto = 0;
	ts->port_lo = 0;
	ts->port_hi = 65535;
	if (len && !(len == 4 && !strncmp(spec, "%any", 4))) {
		for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
			if (strlen(protocols[i].name) == len &&
			    !strncmp(spec, protocols[i].name, len))
				break;
		if (i < sizeof(protocols) / sizeof(protocols[0]))
			ts->proto = protocols[i].proto;
		else if (decimal(spec, spec + len, 255, &v))
			ts->proto = (uint8_t)v;
		else
			return "has an unknown protocol in [proto/port]";
	}
	if (!slash || !strcmp(slash + 1, "%any"))
		return NULL;
	end = slash + strlen(slash);
	dash = strchr(slash + 1, '-');
	if (!decimal(slash + 1, dash ? dash : end, 65535, &lo) ||
	    !decimal(dash ? dash + 1 : slash + 1, end, 65535, &hi) || lo > hi)
		return "has a bad port in [proto/port] (a number, lo-hi or "
		    "%any)";
	if (ts->proto != 6 && ts->proto != 17 && ts->proto != 132)
		return "has a port but no protocol with ports (tcp, udp, sctp)";
	ts->port_lo = (uint16_t)lo;
	ts->port_hi = (uint16_t)hi;
	return NULL;
}

const char *
ikecfg_ts(const char *text, struct ike_ts_cfg *out)
{
	char base[64], spec[32];
	const char *open = strchr(text, '['), *why;
	size_t len = open ? (size_t)(open - text) : strlen(text), slen;

	memset(out, 0, sizeof(*out));
	out->port_hi = 65535;
	if (len >= sizeof(base))
		return "is not a traffic selector";
	memcpy(base, text, len);
	base[len] = '\0';
	if (open) {
		slen = strlen(open + 1);
		if (!slen || open[slen] != ']' || slen - 1 >= sizeof(spec))
			return "has an unclosed or bad [proto/port]";
		memcpy(spec, open + 1, slen - 1);
		spec[slen - 1] = '\0';
		if ((why = ts_proto_port(spec, out)))
			return why;
	}
	if (!strcmp(base, "dynamic")) {
		out->dynamic = true;
		return NULL;
	}
	return ikecfg_prefix(base, &out->prefix);
}

/* Adds delta (+1 or -1) to the address, as a big number. */
static void
addr_step(struct ike_prefix *p, int delta)
{
	int i = (p->family == AF_INET ? 4 : 16) - 1;

	for (; i >= 0; i--) {
		p->addr[i] = (uint8_t)(p->addr[i] + delta);
		if (p->addr[i] != (delta > 0 ? 0x00 : 0xff))
			break;
	}
}

const char *
ikecfg_pool_range(const char *text, struct ike_pool_cfg *p)
{
	struct ike_prefix *first = &p->first, *last = &p->last;
	char a[INET6_ADDRSTRLEN];
	const char *dash = strchr(text, '-'), *why;
	size_t len, bytes;
	unsigned bits, plen, i;

	memset(&p->subnet, 0, sizeof(p->subnet));
	if (dash) {
		len = (size_t)(dash - text);
		if (len >= sizeof(a))
			return "is not an address range first-last";
		memcpy(a, text, len);
		a[len] = '\0';
		if (addr_parse(a, first) < 0 || addr_parse(dash + 1, last) < 0)
			return "is not an address range first-last";
		bytes = first->family == AF_INET ? 4 : 16;
		if (first->family != last->family ||
		    memcmp(first->addr, last->addr, bytes) > 0)
			return "is not a range: first and last differ in "
			    "family or are out of order";
		return NULL;
	}
	if ((why = ikecfg_prefix(text, first)))
		return why;
	p->subnet = *first;
	bits = first->family == AF_INET ? 32 : 128;
	plen = first->plen;
	*last = *first;
	for (i = plen; i < bits; i++)
		last->addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	first->plen = last->plen = (uint8_t)bits;
	if (plen < bits - 1) {
		addr_step(first, 1);	/* the network address */
		if (first->family == AF_INET)
			addr_step(last, -1);	/* the broadcast address */
	}
	return NULL;
}
