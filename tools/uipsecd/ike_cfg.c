/*
 * tools/uipsecd/ike_cfg.c — the `ike` section of uipsecd's own file, which
 * points at a swanctl.conf (kept pure swanctl syntax, so that the same
 * file can drive strongSwan) and at the credentials tree, and holds the
 * daemon-wide settings that strongSwan keeps in strongswan.conf (same
 * names and meaning as charon.*; defaults in doc/ike-config.md):
 *
 *   ike {
 *     swanctl_conf = swanctl.conf   # relative to this file's directory
 *     swanctl_dir = /etc/swanctl    # default: the swanctl.conf's directory
 *     retransmit_timeout = 2        # seconds (fractions allowed)
 *     retransmit_base = 1.8
 *     retransmit_tries = 3
 *     retransmit_jitter = 0         # percent
 *     retransmit_limit = 0          # seconds, 0: none
 *     half_open_timeout = 30        # seconds
 *     fragment_size = 1280          # bytes of IP datagram, 0: off
 *     cookie_threshold = 10         # half-open SAs, 0: never
 *     block_threshold = 5           # half-open SAs per source, 0: no limit
 *     init_limit_half_open = 4096   # half-open SAs in all, 0: no limit
 *     keep_alive = 40               # NAT keepalive, seconds, 0: none
 *     dpd_delay = 80                # for initiating connections without
 *                                   # their own dpd_delay; 0: none
 *     reconnect_min = 5             # backoff of our own retries, seconds
 *     reconnect_max = 300
 *     sign_threads = 1              # uipsec's own: threads that sign our
 *                                   # IKE_AUTH responses; default: CPUs
 *                                   # less one; 0: the event loop signs
 *   }
 *
 * The swanctl.conf is loaded here, so that a configuration that loads is
 * one the daemon can run; its errors carry its own file and line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike.h"

static const struct conf_rule ike_rules[] = {
	{ "swanctl_conf", CONF_KEY, true },
	{ "swanctl_dir", CONF_KEY, false },
	{ "retransmit_timeout", CONF_KEY, false },
	{ "retransmit_base", CONF_KEY, false },
	{ "retransmit_tries", CONF_KEY, false },
	{ "retransmit_jitter", CONF_KEY, false },
	{ "retransmit_limit", CONF_KEY, false },
	{ "half_open_timeout", CONF_KEY, false },
	{ "fragment_size", CONF_KEY, false },
	{ "cookie_threshold", CONF_KEY, false },
	{ "block_threshold", CONF_KEY, false },
	{ "init_limit_half_open", CONF_KEY, false },
	{ "keep_alive", CONF_KEY, false },
	{ "dpd_delay", CONF_KEY, false },
	{ "reconnect_min", CONF_KEY, false },
	{ "reconnect_max", CONF_KEY, false },
	{ "sign_threads", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};

int
cfg_path_relative(const char *file, const char *name, char *out, size_t cap)
{
	const char *slash = strrchr(file, '/');
	int n;

	if (name[0] == '/' || !slash)
		n = snprintf(out, cap, "%s", name);
	else
		n = snprintf(out, cap, "%.*s/%s", (int)(slash - file), file,
		    name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static const char *
value(const struct conf_node *sec, const char *name)
{
	const struct conf_node *n = conf_find(sec, name);

	return n && !conf_is_section(n) ? n->value : NULL;
}

/* A number in [lo, hi] (strtod: "1.8", "20"); with `time`, an optional
 * unit s or m as strongswan.conf(5) writes times. Sets *out when present
 * and valid; an error names the key otherwise. */
static void
number(const struct conf_node *sec, const char *name, double lo, double hi,
    bool time, double *out, struct conf_errors *err)
{
	const struct conf_node *n = conf_find(sec, name);
	char *end;
	double v;

	if (!n)
		return;
	if (conf_is_section(n)) {
		conf_err(err, n, "ike: %s is a key, not a section", name);
		return;
	}
	v = strtod(n->value, &end);
	if (time && *end == 's')
		end++;
	else if (time && *end == 'm') {
		v *= 60;
		end++;
	}
	if (end == n->value || *end != '\0' || !(v >= lo && v <= hi)) {
		conf_err(err, n, "ike: %s = '%s': not a number in [%g, %g]%s",
		    name, n->value, lo, hi, time ? " (seconds)" : "");
		return;
	}
	*out = v;
}

static void
settings_get(const struct conf_node *sec, struct cfg_ike *ike,
    struct conf_errors *err)
{
	struct ike_settings *s = &ike->set;
	double v;

	ike_settings_default(s);
	ike->keep_alive_ms = CFG_KEEP_ALIVE_MS;
	s->dpd_delay_default = CFG_DPD_DELAY_S;
	ike->reconnect_min_ms = CFG_RECONNECT_MIN_MS;
	ike->reconnect_max_ms = CFG_RECONNECT_MAX_MS;
#define SECONDS(key, field) \
	v = (field) / 1000.0; \
	number(sec, key, 0, 86400, true, &v, err); \
	(field) = (uint32_t)(v * 1000 + 0.5)
#define COUNT(key, field, hi) \
	v = (field); \
	number(sec, key, 0, hi, false, &v, err); \
	(field) = (unsigned)v
	SECONDS("retransmit_timeout", s->retransmit_timeout_ms);
	number(sec, "retransmit_base", 1, 10, false, &s->retransmit_base,
	    err);
	COUNT("retransmit_tries", s->retransmit_tries, 30);
	COUNT("retransmit_jitter", s->retransmit_jitter, 100);
	SECONDS("retransmit_limit", s->retransmit_limit_ms);
	SECONDS("half_open_timeout", s->half_open_timeout_ms);
	COUNT("fragment_size", s->fragment_size, 65535);
	COUNT("cookie_threshold", s->cookie_threshold, 1000000);
	COUNT("block_threshold", s->block_threshold, 65535);
	COUNT("init_limit_half_open", s->half_open_max, 1000000);
	SECONDS("keep_alive", ike->keep_alive_ms);
	v = s->dpd_delay_default;
	number(sec, "dpd_delay", 0, 86400, true, &v, err);
	s->dpd_delay_default = (uint32_t)v;
	SECONDS("reconnect_min", ike->reconnect_min_ms);
	SECONDS("reconnect_max", ike->reconnect_max_ms);
	v = -1;
	number(sec, "sign_threads", 0, SIGNER_THREADS_MAX, false, &v, err);
	ike->sign_threads = (int)v;
#undef SECONDS
#undef COUNT
	if (s->retransmit_timeout_ms == 0)
		conf_err(err, conf_find(sec, "retransmit_timeout"),
		    "ike: retransmit_timeout must be above 0");
	if (s->fragment_size != 0 && s->fragment_size < 576)
		conf_err(err, conf_find(sec, "fragment_size"), "ike: "
		    "fragment_size below 576 (RFC 7383 §2.5.1; 0 turns it off)");
	if (ike->reconnect_min_ms == 0 ||
	    ike->reconnect_max_ms < ike->reconnect_min_ms)
		conf_err(err, sec, "ike: reconnect_min must be above 0 and at "
		    "most reconnect_max");
}

void
cfg_ike_get(const struct conf_node *root, struct cfg *cfg,
    struct conf_errors *err)
{
	const struct conf_node *sec = conf_find(root, "ike");
	const char *conf, *dir;
	struct cfg_ike *ike;

	if (!sec || !conf_is_section(sec) || conf_check(sec, ike_rules, err))
		return;
	if (!(ike = calloc(1, sizeof(*ike)))) {
		conf_err(err, sec, "out of memory");
		return;
	}
	settings_get(sec, ike, err);
	conf = value(sec, "swanctl_conf");
	dir = value(sec, "swanctl_dir");
	if (cfg_path_relative(sec->file, conf, ike->swanctl_conf,
	    sizeof(ike->swanctl_conf)) < 0 || (dir && cfg_path_relative(sec->file,
	    dir, ike->swanctl_dir, sizeof(ike->swanctl_dir)) < 0)) {
		conf_err(err, sec, "ike: path too long");
		free(ike);
		return;
	}
	if (ike_config_read(&ike->ike, ike->swanctl_conf, dir ?
	    ike->swanctl_dir : NULL, err) < 0) {
		free(ike);
		return;
	}
	if (ike->ike.n_conns == 0)
		conf_err(err, sec, "ike: %s defines no connections",
		    ike->swanctl_conf);
	cfg->ike = ike;
}

void
cfg_ike_free(struct cfg *cfg)
{
	if (!cfg->ike)
		return;
	ike_config_free(&cfg->ike->ike);
	free(cfg->ike);
	cfg->ike = NULL;
}
