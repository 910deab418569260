/*
 * tools/uipsecd/config.c — see config.h. The file, in strongSwan's syntax:
 *
 *   tun { name = uipsec0   addrs = 10.10.1.1/32   mtu = auto }
 *   manual {
 *     NAME {
 *       local_addrs, remote_addrs    outer addresses (one each)
 *       local_port, remote_port      UDP encapsulation (RFC 3948), 4500
 *       local_ts, remote_ts          inner prefixes, comma separated
 *       esp_proposals                one esp_suite_parse() token
 *       replay_window                packets, multiple of 64; 0 disables;
 *                                    default 64 (ESP_REPLAY_WINDOW_DEFAULT)
 *       out { spi enc_key auth_key } in { spi enc_key auth_key }
 *     }
 *   }
 *   dataplane { cipher_contexts = 256 }   keyed cipher contexts the SAs
 *                      share (esp.h esp_ctx_cache); 0: one per SA
 *   dataplane { icmp_unreachable = 100 }  ICMP Destination Unreachable
 *                      messages a second at most, for packets to a pool
 *                      address no SA carries (icmp_unreachable.h); 0: none
 *   ike { ... }        IKE connections (ike_cfg.c)
 *   keylog { ... }     opt-in key logs (keylog_cfg.c, doc/keylog.md)
 *
 * Every problem is reported (not only the first) with file and line.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/hex.h"

#define CFG_DEFAULT_PORT	4500
#define CFG_DEFAULT_WINDOW	ESP_REPLAY_WINDOW_DEFAULT
#define CFG_WINDOW_MAX		ESP_REPLAY_WINDOW_MAX

static const struct conf_rule top_rules[] = {
	{ "tun", CONF_SECTION, true },
	{ "manual", CONF_SECTION, false },	/* one of these two */
	{ "dataplane", CONF_SECTION, false },
	{ "ike", CONF_SECTION, false },
	{ "keylog", CONF_SECTION, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule tun_rules[] = {
	{ "name", CONF_KEY, false },
	{ "addrs", CONF_KEY, false },
	{ "mtu", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule dataplane_rules[] = {
	{ "cipher_contexts", CONF_KEY, false },
	{ "icmp_unreachable", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule manual_rules[] = {
	{ "*", CONF_SECTION, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule conn_rules[] = {
	{ "local_addrs", CONF_KEY, true },
	{ "remote_addrs", CONF_KEY, true },
	{ "local_port", CONF_KEY, false },
	{ "remote_port", CONF_KEY, false },
	{ "local_ts", CONF_KEY, true },
	{ "remote_ts", CONF_KEY, true },
	{ "esp_proposals", CONF_KEY, true },
	{ "replay_window", CONF_KEY, false },
	{ "out", CONF_SECTION, true },
	{ "in", CONF_SECTION, true },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule sa_rules[] = {
	{ "spi", CONF_KEY, true },
	{ "enc_key", CONF_KEY, true },
	{ "auth_key", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};

/* "file:line: a.b.key: 'value' <what>", with a hint when the value looks
 * like several keys on one line (a value runs to the end of the line). */
static void
bad_value(struct conf_errors *err, const struct conf_node *n,
    const char *what)
{
	char path[128];

	conf_err(err, n, "%s: '%s' %s%s", conf_path(n, path, sizeof(path)),
	    n->value, what, strchr(n->value, '=') ?
	    " (a value runs to the end of the line: one key per line)" : "");
}

static const struct conf_node *
key(const struct conf_node *sec, const char *name)
{
	const struct conf_node *n = conf_find(sec, name);

	return n && !conf_is_section(n) ? n : NULL;
}

/* Decimal, or hexadecimal after "0x". */
static bool
parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *v)
{
	unsigned long long x;
	int base = 10;
	char *end;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		text += 2;
	}
	if (!*text || !strchr("0123456789abcdefABCDEF", *text))
		return false;
	errno = 0;
	x = strtoull(text, &end, base);
	if (errno || *end || x < min || x > max)
		return false;
	*v = (uint32_t)x;
	return true;
}

static void
get_port(const struct conf_node *sec, const char *name, in_port_t *port,
    struct conf_errors *err)
{
	const struct conf_node *n = key(sec, name);
	uint32_t v;

	*port = htons(CFG_DEFAULT_PORT);
	if (!n)
		return;
	if (!parse_u32(n->value, 1, 65535, &v))
		bad_value(err, n, "is not a port number (1-65535)");
	else
		*port = htons((uint16_t)v);
}

static void
get_addr(const struct conf_node *sec, const char *name, in_port_t port,
    struct sockaddr_storage *ss, struct conf_errors *err)
{
	const struct conf_node *n = key(sec, name);
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!n)
		return;
	if (inet_pton(AF_INET, n->value, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = port;
	} else if (inet_pton(AF_INET6, n->value, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = port;
	} else {
		bad_value(err, n, "is not one IPv4 or IPv6 address");
	}
}

/* A comma-separated list of prefixes. Traffic selectors must be networks
 * (no host bits); TUN addresses are hosts within a network. */
static unsigned
get_prefixes(const struct conf_node *n, struct tun_prefix *out, unsigned max,
    bool networks, struct conf_errors *err)
{
	const char *p;
	unsigned count = 0;
	char item[128];
	int r;

	if (!n)
		return 0;	/* reported by conf_check */
	for (p = n->value; (r = conf_list_next(&p, item, sizeof(item))) != 0;) {
		if (r < 0 || tun_prefix_parse(item, &out[count]) < 0) {
			bad_value(err, n, "is not a comma-separated list of "
			    "address/prefix");
			return 0;
		}
		if (networks && !tun_prefix_is_network(&out[count])) {
			conf_err(err, n, "'%s' has bits set beyond its prefix "
			    "length", item);
			return 0;
		}
		if (++count == max && p) {
			bad_value(err, n, "lists more prefixes than allowed");
			return 0;
		}
	}
	return count;
}

static void
get_tun(const struct conf_node *sec, struct cfg_tun *tun,
    struct conf_errors *err)
{
	const struct conf_node *n;
	uint32_t v;

	snprintf(tun->name, sizeof(tun->name), "uipsec0");
	conf_check(sec, tun_rules, err);
	if ((n = key(sec, "name"))) {
		if (!*n->value || strlen(n->value) >= IFNAMSIZ ||
		    strpbrk(n->value, "/: \t"))
			bad_value(err, n, "is not an interface name (1-15 "
			    "characters, no '/', ':' or blanks)");
		else
			snprintf(tun->name, sizeof(tun->name), "%s", n->value);
	}
	if ((n = key(sec, "addrs")))
		tun->naddrs = get_prefixes(n, tun->addrs, CFG_MAX_ADDRS, false,
		    err);
	if ((n = key(sec, "mtu")) && strcmp(n->value, "auto")) {
		/* 576 and 1280: the least MTU IPv4 and IPv6 allow. */
		if (!parse_u32(n->value, 576, 65535, &v))
			bad_value(err, n, "is not 'auto' or an MTU (576-65535)");
		else
			tun->mtu = v;
	}
}

/* sec's key name, a number 0..max of what (for the message), into *out;
 * absent: *out stays. */
static void
get_count(const struct conf_node *sec, const char *name, uint32_t max,
    const char *what, uint32_t *out, struct conf_errors *err)
{
	const struct conf_node *n = key(sec, name);
	char why[96];
	uint32_t v;

	if (!n)
		return;
	if (parse_u32(n->value, 0, max, &v)) {
		*out = v;
		return;
	}
	snprintf(why, sizeof(why), "is not a number of %s (0-%u)", what,
	    (unsigned)max);
	bad_value(err, n, why);
}

static void
get_dataplane(const struct conf_node *sec, struct cfg *cfg,
    struct conf_errors *err)
{
	conf_check(sec, dataplane_rules, err);
	get_count(sec, "cipher_contexts", CFG_CONTEXTS_MAX, "contexts",
	    &cfg->cipher_contexts, err);
	get_count(sec, "icmp_unreachable", CFG_UNREACHABLE_MAX,
	    "messages a second", &cfg->icmp_unreachable, err);
}

/* A key in hex, exactly `want` bytes long (0: must be absent). */
static void
get_key(const struct conf_node *sec, const char *name, const char *suite,
    size_t want, uint8_t *out, size_t *out_len, struct conf_errors *err)
{
	const struct conf_node *n = key(sec, name);
	char path[128];
	long got;

	*out_len = 0;
	if (!n) {
		if (want)
			conf_err(err, sec, "%s lacks %s (%zu bytes for %s)",
			    conf_path(sec, path, sizeof(path)), name, want,
			    suite);
		return;
	}
	conf_path(n, path, sizeof(path));
	if (!want) {
		conf_err(err, n, "%s: %s takes no %s", path, suite, name);
		return;
	}
	/* Never echo key material: report the fault, not the value. */
	got = hex_decode(n->value, out, CFG_KEY_MAX);
	if (got < 0)
		conf_err(err, n, "%s is not hex (0x followed by an even number "
		    "of digits)", path);
	else if ((size_t)got != want)
		conf_err(err, n, "%s has %ld bytes, %s needs %zu", path, got,
		    suite, want);
	else
		*out_len = want;
}

static void
get_sa(const struct conf_node *conn, const char *dir, struct cfg_conn *c,
    struct cfg_sa *sa, struct conf_errors *err)
{
	const struct conf_node *sec = conf_find(conn, dir), *n;
	const char *suite = c->proposal;

	if (!sec || !conf_is_section(sec))
		return;		/* reported by conf_check of the connection */
	conf_check(sec, sa_rules, err);
	/* SPIs 1-255 are reserved by IANA, 0 is never sent (RFC 4303 §2.1). */
	if ((n = key(sec, "spi")) && !parse_u32(n->value, 256, UINT32_MAX,
	    &sa->spi))
		bad_value(err, n, "is not an SPI (256-0xffffffff)");
	get_key(sec, "enc_key", suite, esp_suite_enc_key_len(c->suite,
	    c->aes_key_len), sa->enc_key, &sa->enc_key_len, err);
	get_key(sec, "auth_key", suite, esp_suite_auth_key_len(c->suite),
	    sa->auth_key, &sa->auth_key_len, err);
}

static void
get_conn(const struct conf_node *sec, struct cfg_conn *c,
    struct conf_errors *err)
{
	const struct conf_node *n;
	in_port_t lport, rport;
	uint32_t v;

	snprintf(c->name, sizeof(c->name), "%s", sec->name);
	c->line = sec->line;
	c->replay_window = CFG_DEFAULT_WINDOW;
	conf_check(sec, conn_rules, err);
	get_port(sec, "local_port", &lport, err);
	get_port(sec, "remote_port", &rport, err);
	get_addr(sec, "local_addrs", lport, &c->local, err);
	get_addr(sec, "remote_addrs", rport, &c->remote, err);
	if (c->local.ss_family && c->remote.ss_family &&
	    c->local.ss_family != c->remote.ss_family)
		conf_err(err, key(sec, "remote_addrs"), "remote_addrs is not "
		    "of the address family of local_addrs");
	c->nlocal_ts = get_prefixes(key(sec, "local_ts"), c->local_ts,
	    CFG_MAX_TS, true, err);
	c->nremote_ts = get_prefixes(key(sec, "remote_ts"), c->remote_ts,
	    CFG_MAX_TS, true, err);
	if (!(n = key(sec, "esp_proposals")))
		return;		/* the keys cannot be checked without it */
	if (esp_suite_parse(n->value, &c->suite, &c->aes_key_len,
	    &c->esn) < 0) {
		bad_value(err, n, "is not one supported ESP proposal "
		    "(aes256-sha1, aes128-sha256, aes256gcm16, "
		    "chacha20poly1305; optional -esn)");
		return;		/* the keys cannot be checked without it */
	}
	snprintf(c->proposal, sizeof(c->proposal), "%s", n->value);
	if ((n = key(sec, "replay_window"))) {
		if (!parse_u32(n->value, 0, CFG_WINDOW_MAX, &v) || v % 64)
			bad_value(err, n, "is not a replay window (0, or a "
			    "multiple of 64 up to 65536)");
		else
			c->replay_window = v;
	}
	get_sa(sec, "out", c, &c->out, err);
	get_sa(sec, "in", c, &c->in, err);
}

static bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(a, b, sizeof(struct sockaddr_in));
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr, 16) &&
	    ((const struct sockaddr_in6 *)a)->sin6_port ==
	    ((const struct sockaddr_in6 *)b)->sin6_port;
}

/* What no single connection can see: inbound SPIs pick the SA, so they are
 * unique; the one UDP socket is bound to one local address and port; a
 * remote_ts in two connections would make the outbound choice arbitrary. */
static void
check_across(const struct cfg *cfg, struct conf_errors *err)
{
	const struct cfg_conn *a, *b;
	unsigned i, j, k, l;
	char ts[64];

	for (i = 0; i < cfg->nconns; i++) {
		a = &cfg->conns[i];
		for (j = 0; j < i; j++) {
			b = &cfg->conns[j];
			if (a->in.spi && a->in.spi == b->in.spi)
				conf_err_at(err, cfg->file, a->line, "inbound SPI "
				    "0x%08x of '%s' is already used by '%s' "
				    "(line %u)", a->in.spi, a->name, b->name,
				    b->line);
			if (!same_addr(&a->local, &b->local))
				conf_err_at(err, cfg->file, a->line, "'%s' differs "
				    "from '%s' (line %u) in local_addrs or "
				    "local_port: all share one UDP socket",
				    a->name, b->name, b->line);
			for (k = 0; k < a->nremote_ts; k++)
				for (l = 0; l < b->nremote_ts; l++)
					if (!memcmp(&a->remote_ts[k],
					    &b->remote_ts[l],
					    sizeof(a->remote_ts[k])))
						conf_err_at(err, cfg->file,
						    a->line, "remote_ts %s of '%s' is "
						    "also in '%s' (line %u)",
						    tun_prefix_str(
						    &a->remote_ts[k], ts,
						    sizeof(ts)), a->name,
						    b->name, b->line);
		}
	}
}

static struct cfg *
cfg_from_tree(const struct conf_node *root, const char *file,
    struct conf_errors *err)
{
	const struct conf_node *manual, *n;
	unsigned before = err->count;
	struct cfg *cfg;

	if (!(cfg = calloc(1, sizeof(*cfg))) || !(cfg->file = strdup(file))) {
		conf_err(err, NULL, "%s: out of memory", file);
		free(cfg);
		return NULL;
	}
	conf_check(root, top_rules, err);
	if ((n = conf_find(root, "tun")) && conf_is_section(n))
		get_tun(n, &cfg->tun, err);
	cfg->cipher_contexts = CFG_CONTEXTS;
	cfg->icmp_unreachable = CFG_UNREACHABLE;
	if ((n = conf_find(root, "dataplane")) && conf_is_section(n))
		get_dataplane(n, cfg, err);
	cfg_ike_get(root, cfg, err);
	cfg_keylog_get(root, cfg, err);
	manual = conf_find(root, "manual");
	if (!manual && !conf_find(root, "ike"))
		conf_err(err, NULL, "%s: no section 'manual' or 'ike'", file);
	if (!manual || !conf_is_section(manual))
		goto out;
	conf_check(manual, manual_rules, err);
	for (n = manual->child; n; n = n->next)
		cfg->nconns += conf_is_section(n);
	if (cfg->nconns == 0 || cfg->nconns > CFG_MAX_CONNS) {
		conf_err(err, manual, "manual must hold 1 to %u connections",
		    CFG_MAX_CONNS);
		goto out;
	}
	if (!(cfg->conns = calloc(cfg->nconns, sizeof(*cfg->conns)))) {
		conf_err(err, NULL, "%s: out of memory", file);
		goto out;
	}
	cfg->nconns = 0;
	for (n = manual->child; n; n = n->next) {
		if (!conf_is_section(n))
			continue;
		cfg->conns[cfg->nconns].file = cfg->file;
		get_conn(n, &cfg->conns[cfg->nconns++], err);
	}
	check_across(cfg, err);
out:
	if (err->count != before) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

struct cfg *
cfg_parse(const char *text, size_t len, const char *file,
    struct conf_errors *err)
{
	struct conf_node *root = conf_parse(text, len, file, err);
	struct cfg *cfg;

	if (!root)
		return NULL;
	cfg = cfg_from_tree(root, file, err);
	conf_free(root);
	return cfg;
}

struct cfg *
cfg_load(const char *path, struct conf_errors *err)
{
	struct conf_node *root = conf_load(path, err);
	struct cfg *cfg;

	if (!root)
		return NULL;
	cfg = cfg_from_tree(root, path, err);
	conf_free(root);
	return cfg;
}

void
cfg_free(struct cfg *cfg)
{
	if (!cfg)
		return;
	if (cfg->conns) {
		sodium_memzero(cfg->conns, cfg->nconns * sizeof(*cfg->conns));
		free(cfg->conns);
	}
	cfg_ike_free(cfg);
	free(cfg->keylog);
	free(cfg->file);
	free(cfg);
}
