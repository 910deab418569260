/*
 * tools/uipsecd/control_status.c — what `status` reports of the data plane:
 * every SA pair in the SA database (manual ones and those IKE installed)
 * with SPIs, suite, packets, bytes and drops, then the data plane's own
 * counters. Human text laid out as `swanctl --list-sas`; JSON as in
 * doc/control.md, one object member per line so no line grows long.
 */
#include "control_status.h"

#include <stdio.h>
#include <string.h>

#include "tun/tun.h"
#include "udp.h"

#define U(x)	((unsigned long long)(x))

const char *
status_suite(enum esp_suite suite, int aes_bits, bool esn, char *out,
    size_t cap)
{
	const char *esn_text = esn ? "/ESN" : "";

	switch (suite) {
	case ESP_SUITE_AES_CBC_HMAC_SHA1_96:
		snprintf(out, cap, "AES_CBC_%d/HMAC_SHA1_96%s", aes_bits,
		    esn_text);
		break;
	case ESP_SUITE_AES_CBC_HMAC_SHA256_128:
		snprintf(out, cap, "AES_CBC_%d/HMAC_SHA2_256_128%s", aes_bits,
		    esn_text);
		break;
	case ESP_SUITE_AES_GCM_16:
		snprintf(out, cap, "AES_GCM_16_%d%s", aes_bits, esn_text);
		break;
	case ESP_SUITE_CHACHA20_POLY1305:
		snprintf(out, cap, "CHACHA20_POLY1305%s", esn_text);
		break;
	default:
		snprintf(out, cap, "unknown");
	}
	return out;
}

/* Appends the prefixes, blank-separated (or as JSON strings), to out. */
static const char *
prefixes(const struct tun_prefix *p, unsigned n, bool json, char *out,
    size_t cap)
{
	char one[64];
	size_t len = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, json ?
		    "%s\"%s\"" : "%s%s", i ? (json ? ", " : " ") : "",
		    tun_prefix_str(&p[i], one, sizeof(one)));
	return out;
}

const char *
status_json_str(const char *text, char *out, size_t cap)
{
	unsigned char ch;
	size_t o = 0;

	for (; *text && o + 7 < cap; text++) {
		ch = (unsigned char)*text;
		if (ch == '\\' || ch == '"') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
	return out;
}

const char *
status_text_str(const char *text, char *out, size_t cap)
{
	size_t o = 0;

	for (; *text && o + 1 < cap; text++)
		out[o++] = (unsigned char)*text < 0x20 || *text == 0x7f ? '?' :
		    *text;
	out[o] = '\0';
	return out;
}

const char *
countdown(const char *what, long long secs, char *out, size_t cap)
{
	if (secs < 0)
		return "";
	snprintf(out, cap, "%s%llds", what, secs);
	return out;
}

static void
child_text(struct control_reply *r, const struct sad_conn *c,
    const char *indent, const struct status_times *t)
{
	const struct esp_sa_stats *in = esp_sa_stats(c->in);
	const struct esp_sa_stats *out = esp_sa_stats(c->out);
	struct sockaddr_storage local, remote;
	char l[64], rm[64], suite[64], ts[600], cd1[48], cd2[48];

	ike_sockaddr_get(&c->local, &local);
	ike_sockaddr_get(&c->remote, &remote);

	control_line(r, "%s%s: %s, %s, TUNNEL-in-UDP, %s...%s, ESP:%s",
	    indent, c->name, t ? "IKE" : "manual",
	    t && t->state ? t->state : "INSTALLED",
	    sockaddr_str(&local, l, sizeof(l)),
	    sockaddr_str(&remote, rm, sizeof(rm)),
	    status_suite((enum esp_suite)c->suite, c->aes_key_len, c->esn, suite,
	    sizeof(suite)));
	if (t)
		control_line(r, "%s  installed %llds ago%s%s", indent, t->age_s,
		    countdown(", rekeying in ", t->rekey_s, cd1, sizeof(cd1)),
		    countdown(", expires in ", t->expire_s, cd2, sizeof(cd2)));
	control_line(r, "%s  in  %08x, %10llu bytes, %8llu packets; dropped: "
	    "auth %llu, replay %llu, malformed %llu, padding %llu", indent,
	    c->spi_in, U(in->bytes), U(in->packets), U(in->drop_auth),
	    U(in->drop_replay), U(in->drop_malformed), U(in->drop_padding));
	control_line(r, "%s  out %08x, %10llu bytes, %8llu packets", indent,
	    c->spi_out, U(out->bytes), U(out->packets));
	control_line(r, "%s  local  %s", indent, prefixes(c->local_ts,
	    c->nlocal_ts, false, ts, sizeof(ts)));
	control_line(r, "%s  remote %s", indent, prefixes(c->remote_ts,
	    c->nremote_ts, false, ts, sizeof(ts)));
}

static void
child_json(struct control_reply *r, const struct sad_conn *c, bool last,
    const struct status_times *t)
{
	const struct esp_sa_stats *in = esp_sa_stats(c->in);
	const struct esp_sa_stats *out = esp_sa_stats(c->out);
	struct sockaddr_storage local, remote;
	char l[64], rm[64], suite[64], ts[600], name[6 * CFG_NAME_MAX];

	ike_sockaddr_get(&c->local, &local);
	ike_sockaddr_get(&c->remote, &remote);

	if (t)
		control_line(r, "  {\"installed_s\": %lld, \"rekey_s\": %lld, "
		    "\"expire_s\": %lld,", t->age_s, t->rekey_s, t->expire_s);
	else
		control_line(r, "  {\"manual\": true,");
	control_line(r, "   \"name\": \"%s\", \"state\": "
	    "\"%s\", \"encap\": \"udp\", \"local\": \"%s\", \"remote\": "
	    "\"%s\", \"proposal\": \"ESP:%s\",",
	    status_json_str(c->name, name, sizeof(name)),
	    t && t->state ? t->state : "INSTALLED",
	    sockaddr_str(&local, l, sizeof(l)),
	    sockaddr_str(&remote, rm, sizeof(rm)),
	    status_suite((enum esp_suite)c->suite, c->aes_key_len, c->esn, suite,
	    sizeof(suite)));
	control_line(r, "   \"in\": {\"spi\": \"%08x\", \"bytes\": %llu, "
	    "\"packets\": %llu, \"drop_auth\": %llu, \"drop_replay\": %llu, "
	    "\"drop_malformed\": %llu, \"drop_padding\": %llu},", c->spi_in,
	    U(in->bytes), U(in->packets), U(in->drop_auth),
	    U(in->drop_replay), U(in->drop_malformed), U(in->drop_padding));
	control_line(r, "   \"out\": {\"spi\": \"%08x\", \"bytes\": %llu, "
	    "\"packets\": %llu},", c->spi_out, U(out->bytes), U(out->packets));
	control_line(r, "   \"local_ts\": [%s],", prefixes(c->local_ts,
	    c->nlocal_ts, true, ts, sizeof(ts)));
	control_line(r, "   \"remote_ts\": [%s]}%s", prefixes(c->remote_ts,
	    c->nremote_ts, true, ts, sizeof(ts)), last ? "" : ",");
}

void
status_child(struct control_reply *r, const struct sad_conn *c, bool json,
    bool last, const struct status_times *t)
{
	if (json)
		child_json(r, c, last, t);
	else
		child_text(r, c, t ? "  " : "", t);
}

static void
counters_text(struct control_reply *r, const char *dir,
    const struct dp_counters *c)
{
	control_line(r, "  %s %llu packets, %llu bytes; dropped: malformed "
	    "%llu, no policy %llu, unknown SPI %llu, policy %llu, ESP %llu, "
	    "I/O %llu; keepalives %llu, IKE %llu; ICMP unreachable sent %llu",
	    dir, U(c->packets), U(c->bytes), U(c->drop_malformed),
	    U(c->drop_no_policy), U(c->drop_no_sa), U(c->drop_policy),
	    U(c->drop_esp), U(c->drop_io), U(c->keepalives), U(c->ike),
	    U(c->unreachable));
}

static void
counters_json(struct control_reply *r, const char *dir,
    const struct dp_counters *c, const char *end)
{
	control_line(r, "   \"%s\": {\"packets\": %llu, \"bytes\": %llu, "
	    "\"drop_malformed\": %llu, \"drop_no_policy\": %llu, "
	    "\"drop_no_sa\": %llu, \"drop_policy\": %llu, \"drop_esp\": %llu, "
	    "\"drop_io\": %llu, \"keepalives\": %llu, \"ike\": %llu, "
	    "\"icmp_unreachable\": %llu}%s", dir, U(c->packets), U(c->bytes),
	    U(c->drop_malformed), U(c->drop_no_policy), U(c->drop_no_sa),
	    U(c->drop_policy), U(c->drop_esp), U(c->drop_io), U(c->keepalives),
	    U(c->ike), U(c->unreachable), end);
}

/* The SAs' shared cipher contexts (esp.h esp_ctx_cache): how many are in
 * use, and how often an SA had to take one (a miss) or take it from
 * another SA (an eviction). All 0 without a cache. */
static void
contexts(struct control_reply *r, const struct esp_ctx_cache *cache,
    bool json)
{
	static const struct esp_ctx_cache_stats none;
	const struct esp_ctx_cache_stats *s = cache ?
	    esp_ctx_cache_stats(cache) : &none;

	if (json)
		control_line(r, "   \"contexts\": {\"slots\": %zu, \"bound\": "
		    "%zu, \"binds\": %llu, \"evictions\": %llu},", s->slots,
		    s->bound, U(s->binds), U(s->evictions));
	else if (cache)
		control_line(r, "  cipher contexts: %zu of %zu bound; %llu binds "
		    "(misses), %llu evictions", s->bound, s->slots, U(s->binds),
		    U(s->evictions));
}

void
status_dataplane(struct control_reply *r, const struct dp *dp,
    const char *tun, unsigned mtu, bool json)
{
	if (json) {
		control_line(r, "  \"tun\": \"%s\", \"mtu\": %u,", tun, mtu);
		contexts(r, dp->sad->cache, true);
		counters_json(r, "out", &dp->out.cnt, ",");
		counters_json(r, "in", &dp->in.cnt, "");
		return;
	}
	control_line(r, "data plane: %s, mtu %u", tun, mtu);
	contexts(r, dp->sad->cache, false);
	counters_text(r, "out (tun->udp):", &dp->out.cnt);
	counters_text(r, "in  (udp->tun):", &dp->in.cnt);
}
