/*
 * Unit tests for ike/config.c: a swanctl.conf-syntax file with every
 * supported key loads with each value in place; defaults are strongSwan's
 * (swanctl.conf(5)) or the documented cut of its proposals; every bad line
 * is reported as "file:line: key: what is wrong", and all of them at once.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ike/config.h"
#include "ike/config_internal.h"
#include "ike/ike.h"

/* A swanctl tree with the files the good text names. */
static char dir[64];

static void
touch(const char *sub, const char *name)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("not parsed by the config loader\n", f);
	fclose(f);
}

static void
make_tree(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_ike_config.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	touch("x509", "ccu.pem");
	touch("x509ca", "ca.pem");
	touch("x509ca", "ca2.pem");
}

static void
remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(ike_config, .init = make_tree, .fini = remove_tree);

/* Line numbers below refer to this text, one key per line. */
static const char good[] =
    "connections {\n"					/* 1 */
    "  ccu {\n"						/* 2 */
    "    version = 2\n"					/* 3 */
    "    local_addrs = 192.0.2.1\n"			/* 4 */
    "    remote_addrs = 198.51.100.7, 2001:db8::/32\n"	/* 5 */
    "    local_port = 4500\n"				/* 6 */
    "    remote_port = 4501\n"				/* 7 */
    "    proposals = aes256-sha1-modp2048, default\n"	/* 8 */
    "    vips = 0.0.0.0, ::\n"				/* 9 */
    "    pools = p4, p6\n"				/* 10 */
    "    dpd_delay = 60s\n"				/* 11 */
    "    rekey_time = 2h\n"				/* 12 */
    "    unique = replace\n"				/* 13 */
    "    local {\n"					/* 14 */
    "      auth = pubkey\n"				/* 15 */
    "      certs = ccu.pem\n"				/* 16 */
    "      id = ccu-0001.example.net\n"			/* 17 */
    "    }\n"						/* 18 */
    "    remote {\n"					/* 19 */
    "      auth = pubkey\n"				/* 20 */
    "      id = \"C=DE, O=uipsec, CN=conc\"\n"		/* 21 */
    "      cacerts = ca.pem, ca2.pem\n"			/* 22 */
    "    }\n"						/* 23 */
    "    children {\n"					/* 24 */
    "      svc {\n"					/* 25 */
    "        local_ts = 10.1.0.0/24[tcp/2000-2010], dynamic\n" /* 26 */
    "        remote_ts = 0.0.0.0/0, ::/0[ipv6-icmp]\n"	/* 27 */
    "        esp_proposals = aes256-sha1\n"		/* 28 */
    "        start_action = start\n"			/* 29 */
    "        rekey_time = 20m\n"				/* 30 */
    "        mode = tunnel\n"				/* 31 */
    "      }\n"						/* 32 */
    "    }\n"						/* 33 */
    "  }\n"						/* 34 */
    "}\n"						/* 35 */
    "pools {\n"						/* 36 */
    "  p4 {\n"						/* 37 */
    "    addrs = 10.3.0.0/24\n"				/* 38 */
    "  }\n"						/* 39 */
    "  p6 {\n"						/* 40 */
    "    addrs = fd00::10-fd00::1f\n"			/* 41 */
    "  }\n"						/* 42 */
    "}\n"						/* 43 */
    "authorities {\n"					/* 44 */
    "  fleet {\n"						/* 45 */
    "    cacert = ca.pem\n"				/* 46 */
    "  }\n"						/* 47 */
    "}\n";						/* 48 */

static int
parse(struct ike_config *cfg, const char *text, struct conf_errors *err)
{
	memset(err, 0, sizeof(*err));
	return ike_config_parse(cfg, text, strlen(text), "t.conf", dir, err);
}

static const char *
addr(const struct ike_prefix *p, char *out)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, a, sizeof(a));
	sprintf(out, "%s/%u", a, p->plen);
	return out;
}

static void
assert_proposals(const struct ike_proposal_set *set, const char *want)
{
	struct ike_proposal view[IKE_PROPOSALS_MAX];
	char text[1024];
	size_t n = ike_proposals_view(set, 0, 0, view);

	cr_assert_str_eq(ike_proposals_format(view, n, text, sizeof(text)),
	    want);
}

Test(ike_config, good_file_loads_every_key)
{
	const struct ike_child_cfg *ch;
	const struct ike_conn_cfg *c;
	struct ike_config cfg;
	struct conf_errors err;
	char a[64], path[160], id[128];

	cr_assert_eq(parse(&cfg, good, &err), 0, "%s", err.msg[0]);
	cr_assert_eq(cfg.n_conns, 1);
	c = &cfg.conns[0];
	cr_assert_str_eq(c->name, "ccu");
	cr_assert_eq(c->line, 2);
	cr_assert_str_eq(c->file, "t.conf");
	cr_assert_eq(c->n_local_addrs, 1);
	cr_assert_str_eq(addr(&c->local_addrs[0], a), "192.0.2.1/32");
	cr_assert_eq(c->n_remote_addrs, 2);
	cr_assert_str_eq(addr(&c->remote_addrs[1], a), "2001:db8::/32");
	cr_assert_eq(c->local_port, 4500);
	cr_assert_eq(c->remote_port, 4501);
	cr_assert_eq(c->proposals.n, 3, "'default' expands to two");
	cr_assert_eq(c->n_vips, 2);
	cr_assert_str_eq(addr(&c->vips[1], a), "::/128");
	cr_assert_eq(c->n_pools, 2);
	cr_assert_str_eq(c->pools[1], "p6");
	cr_assert_eq(c->dpd_delay, 60);
	cr_assert_eq(c->rekey_time, 7200);
	cr_assert_eq(c->unique, IKE_UNIQUE_REPLACE);
	cr_assert(c->encap);
	cr_assert_eq(c->local.auth, IKE_AUTH_CFG_PUBKEY);
	cr_assert_eq(c->local.n_certs, 1);
	snprintf(path, sizeof(path), "%s/x509/ccu.pem", dir);
	cr_assert_str_eq(c->local.certs[0], path);
	cr_assert(c->local.id_set);
	cr_assert_eq(c->local.id.type, CERTS_ID_FQDN);
	cr_assert(c->remote.id_set);
	cr_assert_eq(c->remote.id.type, CERTS_ID_DER_ASN1_DN);
	certs_id_format(&c->remote.id, id, sizeof(id));
	cr_assert_str_eq(id, "C=DE, O=uipsec, CN=conc");
	cr_assert_eq(c->remote.n_cacerts, 2);
	snprintf(path, sizeof(path), "%s/x509ca/ca2.pem", dir);
	cr_assert_str_eq(c->remote.cacerts[1], path);

	cr_assert_eq(c->n_children, 1);
	ch = &c->children[0];
	cr_assert_str_eq(ch->name, "svc");
	cr_assert_eq(ch->line, 25);
	cr_assert_eq(ch->n_local_ts, 2);
	cr_assert_str_eq(addr(&ch->local_ts[0].prefix, a), "10.1.0.0/24");
	cr_assert_eq(ch->local_ts[0].proto, 6);
	cr_assert_eq(ch->local_ts[0].port_lo, 2000);
	cr_assert_eq(ch->local_ts[0].port_hi, 2010);
	cr_assert(ch->local_ts[1].dynamic);
	cr_assert_eq(ch->local_ts[1].port_hi, 65535);
	cr_assert_eq(ch->n_remote_ts, 2);
	cr_assert_str_eq(addr(&ch->remote_ts[1].prefix, a), "::/0");
	cr_assert_eq(ch->remote_ts[1].proto, 58);
	assert_proposals(&ch->esp_proposals,
	    "ESP:AES_CBC_256/HMAC_SHA1_96/NO_EXT_SEQ");
	cr_assert_eq(ch->start_action, IKE_START_START);
	cr_assert_eq(ch->rekey_time, 1200);

	cr_assert_eq(cfg.n_pools, 2);
	cr_assert_str_eq(cfg.pools[0].name, "p4");
	cr_assert_str_eq(addr(&cfg.pools[0].first, a), "10.3.0.1/32");
	cr_assert_str_eq(addr(&cfg.pools[0].last, a), "10.3.0.254/32");
	cr_assert_str_eq(addr(&cfg.pools[1].first, a), "fd00::10/128");
	cr_assert_str_eq(addr(&cfg.pools[1].last, a), "fd00::1f/128");
	cr_assert_eq(cfg.n_authorities, 1);
	cr_assert_str_eq(cfg.authorities[0].name, "fleet");
	snprintf(path, sizeof(path), "%s/x509ca/ca.pem", dir);
	cr_assert_str_eq(cfg.authorities[0].cacert, path);
	cr_assert_str_eq(cfg.swanctl_dir, dir);
	cr_assert_eq(ike_config_find(&cfg, "ccu"), c);
	cr_assert_null(ike_config_find(&cfg, "cc"));
	ike_config_free(&cfg);
	ike_config_free(&cfg);	/* emptied: a second free is harmless */
}

static const char minimal[] =
    "connections {\n"
    "  m {\n"
    "    local {\n"
    "      certs = ccu.pem\n"
    "    }\n"
    "    children {\n"
    "      c {\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "}\n";

Test(ike_config, defaults_are_strongswans)
{
	const struct ike_conn_cfg *c;
	struct ike_config cfg;
	struct conf_errors err;

	cr_assert_eq(parse(&cfg, minimal, &err), 0, "%s", err.msg[0]);
	c = &cfg.conns[0];
	cr_assert_eq(c->n_local_addrs, 0, "%%any");
	cr_assert_eq(c->n_remote_addrs, 0);
	cr_assert_eq(c->local_port, 500);
	cr_assert_eq(c->remote_port, 500);
	assert_proposals(&c->proposals, "IKE:AES_CBC_256/HMAC_SHA2_256_128/"
	    "PRF_HMAC_SHA2_256/ECP_256/CURVE_25519/MODP_2048, "
	    "IKE:AES_GCM_16_256/CHACHA20_POLY1305_256/PRF_HMAC_SHA2_256/"
	    "ECP_256/CURVE_25519/MODP_2048");
	cr_assert_eq(c->dpd_delay, 0);
	cr_assert_eq(c->rekey_time, 4 * 3600);
	cr_assert_eq(c->unique, IKE_UNIQUE_NO);
	cr_assert(c->encap, "uipsec forces ESP in UDP");
	cr_assert_not(c->local.id_set, "the certificate's subject, later");
	cr_assert_not(c->remote.id_set);
	cr_assert_eq(c->remote.n_cacerts, 0);
	cr_assert_eq(c->children[0].n_local_ts, 1);
	cr_assert(c->children[0].local_ts[0].dynamic);
	cr_assert(c->children[0].remote_ts[0].dynamic);
	assert_proposals(&c->children[0].esp_proposals,
	    "ESP:AES_GCM_16_256/CHACHA20_POLY1305_256/NO_EXT_SEQ, "
	    "ESP:AES_CBC_256/HMAC_SHA2_256_128/HMAC_SHA1_96/NO_EXT_SEQ");
	cr_assert_eq(c->children[0].start_action, IKE_START_NONE);
	cr_assert_eq(c->children[0].rekey_time, 3600);
	/* lifetimes (swanctl.conf(5)): over_time 10% of rekey_time, rand_time
	 * = over_time; life_time = rekey_time + 10%, rand = the difference */
	cr_assert_eq(c->reauth_time, 0);
	cr_assert_eq(c->over_time, 1440);
	cr_assert_eq(c->rand_time, 1440);
	cr_assert_eq(c->children[0].life_time_ms, 3960000);
	cr_assert_eq(c->children[0].rand_time_ms, 360000);
	cr_assert_eq(c->children[0].rekey_bytes, 0);
	cr_assert_eq(c->children[0].life_bytes, 0);
	cr_assert_eq(c->children[0].rekey_packets, 0);
	cr_assert_eq(c->keyingtries, 1);
	cr_assert_not(c->children[0].dpd_restart);
	cr_assert_not(c->children[0].close_start);
	ike_config_free(&cfg);
}

/* What keeps a CCU connected: retries and restarts (swanctl.conf(5)). */
Test(ike_config, reconnect_keys)
{
	static const char text[] =
	    "connections {\n"
	    "  m {\n"
	    "    remote_addrs = 192.0.2.2\n"
	    "    keyingtries = 0\n"
	    "    local {\n"
	    "      certs = ccu.pem\n"
	    "    }\n"
	    "    children {\n"
	    "      c {\n"
	    "        start_action = start\n"
	    "        dpd_action = restart\n"
	    "        close_action = start\n"
	    "      }\n"
	    "    }\n"
	    "  }\n"
	    "}\n";
	struct ike_config cfg;
	struct conf_errors err;

	cr_assert_eq(parse(&cfg, text, &err), 0, "%s", err.msg[0]);
	cr_assert_eq(cfg.conns[0].keyingtries, 0);
	cr_assert(cfg.conns[0].children[0].dpd_restart);
	cr_assert(cfg.conns[0].children[0].close_start);
	ike_config_free(&cfg);
}

/* replay_window (swanctl.conf(5), children): 0 turns the check off; other
 * values round up to the data plane's 64-packet blocks (strongSwan's
 * default 32 reads as 64); the default is RFC 4303's 64. */
Test(ike_config, replay_window_key)
{
	static const struct { const char *value; uint32_t want; } v[] = {
		{ "0", 0 }, { "32", 64 }, { "64", 64 }, { "65", 128 },
		{ "1024", 1024 }, { "65536", 65536 },
	};
	char text[512];
	struct ike_config cfg;
	struct conf_errors err;

	cr_assert_eq(parse(&cfg, minimal, &err), 0, "%s", err.msg[0]);
	cr_assert_eq(cfg.conns[0].children[0].replay_window, 64);
	ike_config_free(&cfg);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(text, sizeof(text), "connections {\n  m {\n"
		    "    local {\n      certs = ccu.pem\n    }\n"
		    "    children {\n      c {\n        replay_window = %s\n"
		    "      }\n    }\n  }\n}\n", v[i].value);
		cr_assert_eq(parse(&cfg, text, &err), 0, "%s", err.msg[0]);
		cr_assert_eq(cfg.conns[0].children[0].replay_window, v[i].want,
		    "replay_window = %s", v[i].value);
		ike_config_free(&cfg);
	}
}

/* Lifetimes as swanctl.conf(5) has them, defaults derived from what is set. */
Test(ike_config, lifetime_keys)
{
	static const char text[] =
	    "connections {\n"
	    "  m {\n"
	    "    rekey_time = 1h\n"
	    "    reauth_time = 2h\n"
	    "    local {\n"
	    "      certs = ccu.pem\n"
	    "    }\n"
	    "    children {\n"
	    "      c {\n"
	    "        rekey_time = 20m\n"
	    "        life_time = 30m\n"
	    "        rekey_bytes = 1m\n"
	    "        rekey_packets = 1000\n"
	    "        life_packets = 2000\n"
	    "        rand_packets = 50\n"
	    "      }\n"
	    "    }\n"
	    "  }\n"
	    "}\n";
	static const char bad[] =
	    "connections {\n  m {\n    over_time = soon\n"
	    "    local {\n      certs = ccu.pem\n    }\n"
	    "    children {\n      c {\n        rekey_bytes = 1t\n"
	    "      }\n    }\n  }\n}\n";
	const struct ike_child_cfg *ch;
	struct ike_config cfg;
	struct conf_errors err;

	cr_assert_eq(parse(&cfg, text, &err), 0, "%s", err.msg[0]);
	cr_assert_eq(cfg.conns[0].rekey_time, 3600);
	cr_assert_eq(cfg.conns[0].reauth_time, 7200);
	cr_assert_eq(cfg.conns[0].over_time, 720, "10%% of the longer");
	cr_assert_eq(cfg.conns[0].rand_time, 720);
	ch = &cfg.conns[0].children[0];
	cr_assert_eq(ch->rekey_time, 1200);
	cr_assert_eq(ch->life_time_ms, 1800000);
	cr_assert_eq(ch->rand_time_ms, 600000);
	cr_assert_eq(ch->rekey_bytes, 1048576);
	cr_assert_eq(ch->life_bytes, 1048576 + 104857);
	cr_assert_eq(ch->rand_bytes, 104857);
	cr_assert_eq(ch->rekey_packets, 1000);
	cr_assert_eq(ch->life_packets, 2000);
	cr_assert_eq(ch->rand_packets, 50);
	ike_config_free(&cfg);
	cr_assert_eq(parse(&cfg, bad, &err), -1);
	cr_assert_eq(err.count, 2);
	cr_assert(strstr(err.msg[0], "over_time: 'soon' is not a time"),
	    "%s", err.msg[0]);
	cr_assert(strstr(err.msg[1], "rekey_bytes: '1t' is not a count"),
	    "%s", err.msg[1]);
}

/* A short rekey_time: life_time is rekey_time * 1.1 to the millisecond
 * (whole seconds made 9s of 9s: the CHILD_SA expired instead of
 * rekeying), rand_time the difference; set ones stay as they are. */
Test(ike_config, short_child_rekey_time)
{
	static const char text[] =
	    "connections {\n  m {\n    local {\n      certs = ccu.pem\n    }\n"
	    "    children {\n"
	    "      a {\n        rekey_time = 9s\n      }\n"
	    "      b {\n        rekey_time = 5\n        rand_time = 2s\n      }\n"
	    "      c {\n        rekey_time = 1s\n        life_time = 1s\n      }\n"
	    "    }\n  }\n}\n";
	const struct ike_child_cfg *ch;
	struct ike_config cfg;
	struct conf_errors err;

	cr_assert_eq(parse(&cfg, text, &err), 0, "%s", err.msg[0]);
	ch = cfg.conns[0].children;
	cr_assert_eq(ch[0].rekey_time, 9);
	cr_assert_eq(ch[0].life_time_ms, 9900);
	cr_assert_eq(ch[0].rand_time_ms, 900);
	cr_assert_eq(ch[1].life_time_ms, 5500);
	cr_assert_eq(ch[1].rand_time_ms, 2000);
	cr_assert_eq(ch[2].life_time_ms, 1000);
	cr_assert_eq(ch[2].rand_time_ms, 0);
	ike_config_free(&cfg);
}

Test(ike_config, credentials_default_to_the_files_directory)
{
	struct ike_config cfg;
	struct conf_errors err = { 0 };
	char path[160], want[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/swanctl.conf", dir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(minimal, f);
	fclose(f);
	cr_assert_eq(ike_config_read(&cfg, path, NULL, &err), 0, "%s",
	    err.msg[0]);
	cr_assert_str_eq(cfg.swanctl_dir, dir);
	cr_assert_str_eq(cfg.conns[0].file, path);
	ike_config_free(&cfg);
	cr_assert_eq(ike_config_load(&cfg, path), 0);
	ike_config_free(&cfg);
	/* Elsewhere, ccu.pem is not found under that tree's x509/. */
	cr_assert_eq(ike_config_read(&cfg, path, "/nonexistent", &err), -1);
	snprintf(want, sizeof(want), "%s:4: connections.m.local.certs: "
	    "cannot read '/nonexistent/x509/ccu.pem'", path);
	cr_assert_str_eq(err.msg[0], want);
}

/* One substitution in the good text, the one error it must cause. */
struct bad_case {
	char	from[128];
	char	to[80];
	char	msg[240];
};

ParameterizedTestParameters(ike_config, one_bad_line)
{
	static struct bad_case cases[] = {
		{ "version = 2", "version = 1",
		  "t.conf:3: connections.ccu.version: '1' is not supported: "
		  "uipsec speaks IKEv2 only (version = 2)" },
		{ "version = 2", "version = 0",
		  "t.conf:3: connections.ccu.version: '0' is not supported: "
		  "uipsec speaks IKEv2 only (version = 2)" },
		{ "version = 2", "mobike = no",
		  "t.conf:3: unknown key 'connections.ccu.mobike'" },
		{ "local_addrs = 192.0.2.1", "local_addrs = vpn.example.net",
		  "t.conf:4: connections.ccu.local_addrs: 'vpn.example.net' is "
		  "not an IP address or address/prefix (names are not "
		  "resolved)" },
		{ "remote_addrs = 198.51.100.7,",
		  "remote_addrs = 198.51.100.7-198.51.100.9,",
		  "t.conf:5: connections.ccu.remote_addrs: '198.51.100.7-"
		  "198.51.100.9, 2001:db8::/32' is an address range: only "
		  "address/prefix is supported here" },
		{ "remote_addrs = 198.51.100.7,", "remote_addrs = 198.51.100.7,,",
		  "t.conf:5: connections.ccu.remote_addrs: '198.51.100.7,, "
		  "2001:db8::/32' is not a comma-separated list of addresses" },
		{ "local_port = 4500", "local_port = 0",
		  "t.conf:6: connections.ccu.local_port: '0' is not a port "
		  "number (1-65535)" },
		{ "remote_port = 4501", "remote_port = 45s",
		  "t.conf:7: connections.ccu.remote_port: '45s' is not a port "
		  "number (1-65535)" },
		{ "aes256-sha1-modp2048", "aes256-md5-modp2048",
		  "t.conf:8: connections.ccu.proposals: 'aes256-md5-modp2048, "
		  "default': " },
		{ "vips = 0.0.0.0, ::", "vips = 10.9.0.0/16",
		  "t.conf:9: connections.ccu.vips: '10.9.0.0/16' is not an "
		  "address (0.0.0.0 or :: to ask for any)" },
		{ "pools = p4, p6", "pools = p4, radius",
		  "t.conf:10: connections.ccu.pools: 'p4, radius' names "
		  "'radius', which is no section of pools { }" },
		{ "dpd_delay = 60s", "dpd_delay = 1w",
		  "t.conf:11: connections.ccu.dpd_delay: '1w' is not a time "
		  "(seconds, or a number with s, m, h or d)" },
		{ "rekey_time = 2h", "rekey_time = 50000d",
		  "t.conf:12: connections.ccu.rekey_time: '50000d' is too long "
		  "a time" },
		{ "unique = replace", "encap = no",
		  "t.conf:13: connections.ccu.encap: 'no' is not supported: "
		  "uipsec carries ESP in UDP only (encap = yes)" },
		{ "unique = replace", "unique = sometimes",
		  "t.conf:13: connections.ccu.unique: 'sometimes' is not one of "
		  "no, never, replace, keep" },
		{ "auth = pubkey\n      certs", "auth = psk\n      certs",
		  "t.conf:15: connections.ccu.local.auth: 'psk' is not "
		  "supported: uipsec authenticates with certificates only "
		  "(auth = pubkey)" },
		{ "certs = ccu.pem", "certs = gone.pem",
		  "t.conf:16: connections.ccu.local.certs: cannot read "
		  "'<dir>/x509/gone.pem'" },
		{ "certs = ccu.pem", "cert = ccu.pem\n      certs = ccu.pem",
		  "t.conf:16: unknown key 'connections.ccu.local.cert'" },
		{ "id = ccu-0001.example.net", "id = ipv4:300.1.2.3",
		  "t.conf:17: connections.ccu.local.id: 'ipv4:300.1.2.3': " },
		{ "cacerts = ca.pem, ca2.pem", "cacerts = ca.pem, ca3.pem",
		  "t.conf:22: connections.ccu.remote.cacerts: cannot read "
		  "'<dir>/x509ca/ca3.pem'" },
		{ "cacerts = ca.pem, ca2.pem", "cacerts = /etc/../ca.pem",
		  "t.conf:22: connections.ccu.remote.cacerts: cannot read "
		  "'/etc/../ca.pem'" },
		{ "local_ts = 10.1.0.0/24", "local_ts = 10.1.0.1/24",
		  "t.conf:26: connections.ccu.children.svc.local_ts: "
		  "'10.1.0.1/24[tcp/2000-2010], dynamic' has bits set beyond "
		  "its prefix length" },
		{ "[tcp/2000-2010]", "[tcp/2010-2000]",
		  "t.conf:26: connections.ccu.children.svc.local_ts: "
		  "'10.1.0.0/24[tcp/2010-2000], dynamic' has a bad port in "
		  "[proto/port] (a number, lo-hi or %any)" },
		{ "[tcp/2000-2010]", "[icmp/2000]",
		  "t.conf:26: connections.ccu.children.svc.local_ts: "
		  "'10.1.0.0/24[icmp/2000], dynamic' has a port but no "
		  "protocol with ports (tcp, udp, sctp)" },
		{ "[ipv6-icmp]", "[ospf]",
		  "t.conf:27: connections.ccu.children.svc.remote_ts: "
		  "'0.0.0.0/0, ::/0[ospf]' has an unknown protocol in "
		  "[proto/port]" },
		{ "[ipv6-icmp]", "[58",
		  "t.conf:27: connections.ccu.children.svc.remote_ts: "
		  "'0.0.0.0/0, ::/0[58' has an unclosed or bad [proto/port]" },
		{ "esp_proposals = aes256-sha1", "esp_proposals = aes256-sha1-"
		  "modp2048-x",
		  "t.conf:28: connections.ccu.children.svc.esp_proposals: "
		  "'aes256-sha1-modp2048-x': " },
		{ "remote_addrs = 198.51.100.7, 2001:db8::/32",
		  "remote_addrs = 198.51.100.0/24, 2001:db8::/32",
		  "t.conf:29: connections.ccu.children.svc.start_action: "
		  "'start' needs a peer to initiate to: remote_addrs holds no "
		  "single address" },
		{ "start_action = start", "start_action = route",
		  "t.conf:29: connections.ccu.children.svc.start_action: "
		  "'route' is not supported (none, start or trap)" },
		{ "rekey_time = 20m", "rekey_time = -1",
		  "t.conf:30: connections.ccu.children.svc.rekey_time: '-1' is "
		  "not a time (seconds, or a number with s, m, h or d)" },
		{ "mode = tunnel", "replay_window = 65537",
		  "t.conf:31: connections.ccu.children.svc.replay_window: "
		  "'65537' is not a replay window (0 to 65536 packets)" },
		{ "mode = tunnel", "dpd_action = hold",
		  "t.conf:31: connections.ccu.children.svc.dpd_action: 'hold' "
		  "is not supported (clear, restart or trap)" },
		{ "mode = tunnel", "close_action = restart",
		  "t.conf:31: connections.ccu.children.svc.close_action: "
		  "'restart' is not supported (none or start)" },
		{ "unique = replace", "keyingtries = %forever",
		  "t.conf:13: connections.ccu.keyingtries: '%forever' is not a "
		  "number (0 = forever)" },
		{ "mode = tunnel", "mode = transport",
		  "t.conf:31: connections.ccu.children.svc.mode: 'transport' is"
		  " not supported: uipsec runs tunnel mode only" },
		{ "mode = tunnel", "updown = /bin/true",
		  "t.conf:31: unknown key 'connections.ccu.children.svc."
		  "updown'" },
		{ "addrs = 10.3.0.0/24", "addrs = 10.3.0.9-10.3.0.1",
		  "t.conf:38: pools.p4.addrs: '10.3.0.9-10.3.0.1' is not a "
		  "range: first and last differ in family or are out of "
		  "order" },
		{ "addrs = fd00::10-fd00::1f", "addrs = fd00::10-10.0.0.1",
		  "t.conf:41: pools.p6.addrs: 'fd00::10-10.0.0.1' is not a "
		  "range: first and last differ in family or are out of "
		  "order" },
		{ "addrs = fd00::10-fd00::1f",
		  "dns = fd00::53\n    addrs = fd00::10-fd00::1f",
		  "t.conf:41: unknown key 'pools.p6.dns'" },
		{ "cacert = ca.pem", "cacert = nope.pem",
		  "t.conf:46: authorities.fleet.cacert: cannot read "
		  "'<dir>/x509ca/nope.pem'" },
		{ "cacert = ca.pem",
		  "crl_uris = http://crl.example\n    cacert = ca.pem",
		  "t.conf:46: unknown key 'authorities.fleet.crl_uris'" },
		{ "    local {\n      auth = pubkey\n      certs = ccu.pem\n"
		  "      id = ccu-0001.example.net\n    }\n", "",
		  "t.conf:2: section 'connections.ccu' lacks section 'local'" },
		{ "authorities {", "secrets {",
		  "t.conf:44: unknown section 'secrets'" },
	};

	return cr_make_param_array(struct bad_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

/* "<dir>" in a message stands for the test's swanctl tree. Messages
 * ending in a blank name the value and then the proposal or ID parser's
 * own reason, checked elsewhere (test_ike_proposal, test_certs_identity):
 * here only the prefix and that a reason follows. */
ParameterizedTest(struct bad_case *c, ike_config, one_bad_line)
{
	char text[sizeof(good) + 256], want[400], *at, *d;
	struct ike_config cfg;
	struct conf_errors err;
	size_t len;

	at = strstr(good, c->from);
	cr_assert_not_null(at, "'%s' not in the good text", c->from);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, c->to,
	    at + strlen(c->from));
	if ((d = strstr(c->msg, "<dir>")))
		snprintf(want, sizeof(want), "%.*s%s%s", (int)(d - c->msg),
		    c->msg, dir, d + 5);
	else
		snprintf(want, sizeof(want), "%s", c->msg);
	cr_assert_eq(parse(&cfg, text, &err), -1, "accepted: %s", c->to);
	cr_assert_eq(err.count, 1, "%u errors, the first: %s", err.count,
	    err.msg[0]);
	len = strlen(want);
	if (want[len - 1] == ' ') {
		cr_assert(!strncmp(err.msg[0], want, len) &&
		    strlen(err.msg[0]) > len + 8, "got: %s", err.msg[0]);
		return;
	}
	cr_assert_str_eq(err.msg[0], want);
	cr_assert_eq(cfg.n_conns, 0, "a refused file leaves cfg empty");
}

Test(ike_config, a_key_where_a_section_belongs)
{
	char text[sizeof(good) + 64], *at;
	struct ike_config cfg;
	struct conf_errors err;

	at = strstr(good, "    children {");
	snprintf(text, sizeof(text), "%.*s    children = svc\n    kids {%s",
	    (int)(at - good), good, at + strlen("    children {"));
	cr_assert_eq(parse(&cfg, text, &err), -1);
	cr_assert_eq(err.count, 2);
	cr_assert_str_eq(err.msg[0], "t.conf:24: 'connections.ccu.children' "
	    "must be a section");
	cr_assert_str_eq(err.msg[1], "t.conf:25: unknown section "
	    "'connections.ccu.kids'");
}

Test(ike_config, every_error_is_reported_in_file_order)
{
	char text[sizeof(good) + 64];
	struct ike_config cfg;
	struct conf_errors err;
	const char *subs[][2] = {
		{ "version = 2", "version = 1" },
		{ "dpd_delay = 60s", "dpd_delay = soon" },
		{ "mode = tunnel", "esp = yes" },
	};
	size_t i;
	char *at;

	snprintf(text, sizeof(text), "%s", good);
	for (i = 0; i < 3; i++) {
		char tmp[sizeof(text)];

		at = strstr(text, subs[i][0]);
		snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(at - text), text,
		    subs[i][1], at + strlen(subs[i][0]));
		memcpy(text, tmp, sizeof(text));
	}
	cr_assert_eq(parse(&cfg, text, &err), -1);
	cr_assert_eq(err.count, 3);
	cr_assert(!strncmp(err.msg[0], "t.conf:3: ", 10), "%s", err.msg[0]);
	cr_assert(!strncmp(err.msg[1], "t.conf:11: ", 11), "%s", err.msg[1]);
	cr_assert_str_eq(err.msg[2], "t.conf:31: unknown key "
	    "'connections.ccu.children.svc.esp'");
}

Test(ike_config, value_parsers)
{
	struct ike_pool_cfg pool;
	struct ike_ts_cfg ts;
	uint32_t s;
	char a[64];

	cr_assert_null(ikecfg_duration("90", &s));
	cr_assert_eq(s, 90);
	cr_assert_null(ikecfg_duration("3d", &s));
	cr_assert_eq(s, 3 * 86400);
	cr_assert_null(ikecfg_duration("4294967295s", &s));
	cr_assert_not_null(ikecfg_duration("4294967296", &s));
	cr_assert_not_null(ikecfg_duration("0x10", &s));
	cr_assert_not_null(ikecfg_duration("h", &s));
	cr_assert_not_null(ikecfg_duration("1.5h", &s));
	cr_assert_null(ikecfg_ts("dynamic[udp/%any]", &ts));
	cr_assert(ts.dynamic);
	cr_assert_eq(ts.proto, 17);
	cr_assert_eq(ts.port_hi, 65535);
	cr_assert_not_null(ikecfg_ts("192.0.2.9[%any/500]", &ts),
	    "ports only with a protocol that has them");
	cr_assert_null(ikecfg_ts("192.0.2.9[udp/500]", &ts));
	cr_assert_not_null(ikecfg_ts("192.0.2.9[udp/500]x", &ts));
	cr_assert_null(ikecfg_ts("10.0.0.0/8[132/1-2]", &ts));
	cr_assert_eq(ts.proto, 132);
	cr_assert_null(ikecfg_pool_range("10.3.0.0/31", &pool));
	cr_assert_str_eq(addr(&pool.first, a), "10.3.0.0/32");
	cr_assert_str_eq(addr(&pool.last, a), "10.3.0.1/32");
	cr_assert_null(ikecfg_pool_range("10.3.0.0/23", &pool));
	cr_assert_str_eq(addr(&pool.first, a), "10.3.0.1/32");
	cr_assert_str_eq(addr(&pool.last, a), "10.3.1.254/32");
	cr_assert_str_eq(addr(&pool.subnet, a), "10.3.0.0/23");
	cr_assert_null(ikecfg_pool_range("fd00::/120", &pool));
	cr_assert_str_eq(addr(&pool.first, a), "fd00::1/128");
	cr_assert_str_eq(addr(&pool.last, a), "fd00::ff/128");
	cr_assert_str_eq(addr(&pool.subnet, a), "fd00::/120");
	cr_assert_null(ikecfg_pool_range("10.3.0.5-10.3.0.9", &pool));
	cr_assert_eq(pool.subnet.family, 0, "a range is no subnet");
}
