/*
 * Unit tests for uipsecd's configuration (tools/uipsecd/config.h): a good
 * file loads with every value in place; each bad line is reported with its
 * file, line and fault, and several faults are all reported.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "tools/uipsecd/config.h"

#define K32	"0x000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"
#define K20	"0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"
#define K36	K32 "c0c1c2c3"

/* Line numbers below refer to this text, one key per line. */
static const char good[] =
    "tun {\n"					/* 1 */
    "  name = uipsec7\n"			/* 2 */
    "  addrs = 10.10.1.1/32, fd00:1::1/128\n"	/* 3 */
    "  mtu = auto\n"				/* 4 */
    "}\n"					/* 5 */
    "manual {\n"				/* 6 */
    "  ccu-to-conc {\n"				/* 7 */
    "    local_addrs = 192.0.2.1   # outer\n"	/* 8 */
    "    remote_addrs = 192.0.2.2\n"		/* 9 */
    "    local_port = 4500\n"			/* 10 */
    "    remote_port = 4501\n"			/* 11 */
    "    local_ts = 10.10.1.0/24\n"		/* 12 */
    "    remote_ts = 10.10.2.0/24, 10.20.0.0/16\n" /* 13 */
    "    esp_proposals = aes256-sha1-esn\n"	/* 14 */
    "    replay_window = 4096\n"		/* 15 */
    "    out {\n"				/* 16 */
    "      spi = 0x00001001\n"			/* 17 */
    "      enc_key = " K32 "\n"			/* 18 */
    "      auth_key = " K20 "\n"		/* 19 */
    "    }\n"					/* 20 */
    "    in {\n"				/* 21 */
    "      spi = 8193\n"			/* 22 */
    "      enc_key = " K32 "\n"			/* 23 */
    "      auth_key = " K20 "\n"		/* 24 */
    "    }\n"					/* 25 */
    "  }\n"					/* 26 */
    "}\n";					/* 27 */

static struct cfg *
load(const char *text, struct conf_errors *err)
{
	memset(err, 0, sizeof(*err));
	return cfg_parse(text, strlen(text), "u.conf", err);
}

Test(conf_uipsecd, good_file_loads_every_value)
{
	const struct sockaddr_in *remote;
	const struct cfg_conn *c;
	struct conf_errors err;
	struct cfg *cfg;
	char ts[64];

	cfg = load(good, &err);
	cr_assert_not_null(cfg, "%s", err.msg[0]);
	cr_assert_str_eq(cfg->tun.name, "uipsec7");
	cr_assert_eq(cfg->tun.naddrs, 2);
	cr_assert_eq(cfg->tun.addrs[1].family, AF_INET6);
	cr_assert_eq(cfg->tun.mtu, 0);
	cr_assert_eq(cfg->cipher_contexts, CFG_CONTEXTS, "the default");
	cr_assert_eq(cfg->icmp_unreachable, CFG_UNREACHABLE, "the default");
	cr_assert_eq(cfg->nconns, 1);
	c = &cfg->conns[0];
	cr_assert_str_eq(c->name, "ccu-to-conc");
	cr_assert_eq(c->line, 7);
	remote = (const struct sockaddr_in *)&c->remote;
	cr_assert_eq(remote->sin_family, AF_INET);
	cr_assert_eq(remote->sin_addr.s_addr, inet_addr("192.0.2.2"));
	cr_assert_eq(ntohs(remote->sin_port), 4501);
	cr_assert_eq(c->nremote_ts, 2);
	cr_assert_str_eq(tun_prefix_str(&c->remote_ts[1], ts, sizeof(ts)),
	    "10.20.0.0/16");
	cr_assert_eq(c->suite, ESP_SUITE_AES_CBC_HMAC_SHA1_96);
	cr_assert(c->esn);
	cr_assert_eq(c->replay_window, 4096);
	cr_assert_eq(c->out.spi, 0x1001);
	cr_assert_eq(c->in.spi, 8193);
	cr_assert_eq(c->out.enc_key_len, 32);
	cr_assert_eq(c->out.enc_key[31], 0x1f);
	cr_assert_eq(c->in.auth_key_len, 20);
	cfg_free(cfg);
}

/* One substitution in the good text, the one error it must cause. */
struct bad_case {
	char	from[128];
	char	to[128];
	char	msg[200];
};

ParameterizedTestParameters(conf_uipsecd, one_bad_line)
{
	static struct bad_case cases[] = {
		{ "remote_port = 4501", "remote_port = 4501  local_ts = x",
		  "u.conf:11: manual.ccu-to-conc.remote_port: '4501  local_ts "
		  "= x' is not a port number (1-65535) (a value runs to the end"
		  " of the line: one key per line)" },
		{ "local_port = 4500", "local_port = 0",
		  "u.conf:10: manual.ccu-to-conc.local_port: '0' is not a port "
		  "number (1-65535)" },
		{ "local_addrs = 192.0.2.1", "local_addrs = 192.0.2.1, 192.0.2.9",
		  "u.conf:8: manual.ccu-to-conc.local_addrs: '192.0.2.1, "
		  "192.0.2.9' is not one IPv4 or IPv6 address" },
		{ "remote_addrs = 192.0.2.2", "remote_addrs = 2001:db8::2",
		  "u.conf:9: remote_addrs is not of the address family of "
		  "local_addrs" },
		{ "local_ts = 10.10.1.0/24", "local_ts = 10.10.1.1/24",
		  "u.conf:12: '10.10.1.1/24' has bits set beyond its prefix "
		  "length" },
		{ "10.20.0.0/16", "10.20.0.0/16,",
		  "u.conf:13: manual.ccu-to-conc.remote_ts: '10.10.2.0/24, "
		  "10.20.0.0/16,' is not a comma-separated list of "
		  "address/prefix" },
		{ "aes256-sha1-esn", "aes256-md5",
		  "u.conf:14: manual.ccu-to-conc.esp_proposals: 'aes256-md5' is"
		  " not one supported ESP proposal (aes256-sha1, aes128-sha256,"
		  " aes256gcm16, chacha20poly1305; optional -esn)" },
		{ "replay_window = 4096", "replay_window = 100",
		  "u.conf:15: manual.ccu-to-conc.replay_window: '100' is not a "
		  "replay window (0, or a multiple of 64 up to 65536)" },
		{ "spi = 0x00001001", "spi = 255",
		  "u.conf:17: manual.ccu-to-conc.out.spi: '255' is not an SPI "
		  "(256-0xffffffff)" },
		{ "spi = 8193", "spi = 0x1_000",
		  "u.conf:22: manual.ccu-to-conc.in.spi: '0x1_000' is not an "
		  "SPI (256-0xffffffff)" },
		{ "enc_key = " K32, "enc_key = 0x0001",	/* the first: out */
		  "u.conf:18: manual.ccu-to-conc.out.enc_key has 2 bytes, "
		  "aes256-sha1-esn needs 32" },
		{ "      auth_key = " K20 "\n    }\n  }",
		  "      auth_key = 0xzz\n    }\n  }",
		  "u.conf:24: manual.ccu-to-conc.in.auth_key is not hex (0x "
		  "followed by an even number of digits)" },
		{ "    }\n    in {", "      colour = blue\n    }\n    in {",
		  "u.conf:20: unknown key 'manual.ccu-to-conc.out.colour'" },
		{ "  mtu = auto", "  mtu = 500",
		  "u.conf:4: tun.mtu: '500' is not 'auto' or an MTU "
		  "(576-65535)" },
		{ "  name = uipsec7", "  name = a-very-long-name0",
		  "u.conf:2: tun.name: 'a-very-long-name0' is not an interface "
		  "name (1-15 characters, no '/', ':' or blanks)" },
		{ "    replay_window = 4096\n", "",
		  "" },		/* optional: no error (checked below) */
		{ "      spi = 8193\n", "",
		  "u.conf:21: section 'manual.ccu-to-conc.in' lacks key 'spi'" },
		{ "    in {", "    in = 1\n    in2 {",
		  "u.conf:21: 'manual.ccu-to-conc.in' must be a section" },
	};

	return cr_make_param_array(struct bad_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, conf_uipsecd, one_bad_line)
{
	char text[sizeof(good) + 256], *at;
	struct conf_errors err;
	struct cfg *cfg;

	at = strstr(good, c->from);
	cr_assert_not_null(at, "'%s' not in the good text", c->from);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, c->to,
	    at + strlen(c->from));
	cfg = load(text, &err);
	if (!c->msg[0]) {
		cr_assert_not_null(cfg, "%s", err.msg[0]);
		cfg_free(cfg);
		return;
	}
	cr_assert_null(cfg);
	cr_assert_geq(err.count, 1);
	cr_assert_str_eq(err.msg[0], c->msg);
}

/* The good config with "dataplane { KEY = VALUE }" after it: NULL with
 * *err when it does not load; the line of KEY. */
static struct cfg *
load_dataplane(const char *key, const char *value, struct conf_errors *err,
    unsigned *line)
{
	static char text[sizeof(good) + 128];
	const char *p;

	*line = 2;
	for (p = good; *p; p++)
		*line += *p == '\n';
	snprintf(text, sizeof(text), "%sdataplane {\n  %s = %s\n}\n", good,
	    key, value);
	return load(text, err);
}

/* dataplane { cipher_contexts }: the SAs' shared cipher contexts; 0 is
 * allowed (each SA its own), a number out of range is not. */
Test(conf_uipsecd, dataplane_cipher_contexts)
{
	struct conf_errors err;
	struct cfg *cfg;
	char want[128];
	unsigned line;

	cfg = load_dataplane("cipher_contexts", "0", &err, &line);
	cr_assert_not_null(cfg, "%s", err.msg[0]);
	cr_assert_eq(cfg->cipher_contexts, 0);
	cfg_free(cfg);
	cr_assert_null(load_dataplane("cipher_contexts", "2000000", &err,
	    &line));
	snprintf(want, sizeof(want), "u.conf:%u: dataplane.cipher_contexts: "
	    "'2000000' is not a number of contexts (0-1048576)", line);
	cr_assert_str_eq(err.msg[0], want);
}

/* dataplane { icmp_unreachable }: ICMP errors a second for offline pool
 * addresses; 0 turns them off, more than a million is refused. */
Test(conf_uipsecd, dataplane_icmp_unreachable)
{
	struct conf_errors err;
	struct cfg *cfg;
	char want[128];
	unsigned line;

	cfg = load_dataplane("icmp_unreachable", "0", &err, &line);
	cr_assert_not_null(cfg, "%s", err.msg[0]);
	cr_assert_eq(cfg->icmp_unreachable, 0);
	cfg_free(cfg);
	cr_assert_null(load_dataplane("icmp_unreachable", "1000001", &err,
	    &line));
	snprintf(want, sizeof(want), "u.conf:%u: dataplane.icmp_unreachable: "
	    "'1000001' is not a number of messages a second (0-1000000)",
	    line);
	cr_assert_str_eq(err.msg[0], want);
}

Test(conf_uipsecd, aead_suite_takes_salted_key_and_no_auth_key)
{
	char text[sizeof(good) + 256];
	struct conf_errors err;
	struct cfg *cfg;
	const char *p;
	size_t n = 0;

	/* aes256gcm16: 36-byte enc_key, auth_key is an error. */
	for (p = good; *p; p++) {
		if (!strncmp(p, "aes256-sha1-esn", 15)) {
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "aes256gcm16");
			p += 14;
		} else if (!strncmp(p, "enc_key = " K32, 10 + strlen(K32))) {
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "enc_key = " K36);
			p += 10 + strlen(K32) - 1;
		} else {
			text[n++] = *p;
		}
	}
	text[n] = '\0';
	cr_assert_null(load(text, &err));
	cr_assert_eq(err.count, 2);
	cr_assert_str_eq(err.msg[0], "u.conf:19: manual.ccu-to-conc.out."
	    "auth_key: aes256gcm16 takes no auth_key");
	cr_assert_str_eq(err.msg[1], "u.conf:24: manual.ccu-to-conc.in."
	    "auth_key: aes256gcm16 takes no auth_key");
	/* Without the auth keys it loads. */
	while ((p = strstr(text, "      auth_key")))
		memmove((char *)p, strchr(p, '\n') + 1, strlen(strchr(p, '\n')));
	cfg = load(text, &err);
	cr_assert_not_null(cfg, "%s", err.msg[0]);
	cr_assert_eq(cfg->conns[0].out.enc_key_len, 36);
	cr_assert_eq(cfg->conns[0].suite, ESP_SUITE_AES_GCM_16);
	cfg_free(cfg);
}

Test(conf_uipsecd, every_fault_is_reported_not_only_the_first)
{
	char text[sizeof(good) + 256];
	struct conf_errors err;
	char *p;

	snprintf(text, sizeof(text), "%s", good);
	memcpy(strstr(text, "4500"), "4x00", 4);		/* line 10 */
	memcpy(strstr(text, "4096"), "4097", 4);		/* line 15 */
	memcpy(strstr(text, "8193"), "0000", 4);		/* line 22 */
	p = strstr(text, "local_ts");
	memcpy(p, "lokal_ts", 8);				/* line 12 */
	cr_assert_null(load(text, &err));
	cr_assert_eq(err.count, 5, "%u: %s / %s", err.count, err.msg[0],
	    err.msg[1]);
	cr_assert(strstr(err.msg[0], "u.conf:12: unknown key"));
	cr_assert(strstr(err.msg[1], "u.conf:7: section 'manual.ccu-to-conc' "
	    "lacks key 'local_ts'"));
	cr_assert(strstr(err.msg[2], "u.conf:10:"));
	cr_assert(strstr(err.msg[3], "u.conf:15:"));
	cr_assert(strstr(err.msg[4], "u.conf:22:"));
}

Test(conf_uipsecd, conflicts_between_connections)
{
	char text[2 * sizeof(good) + 256], *conn, *second;
	struct conf_errors err;
	size_t head, len;

	/* The connection twice, renamed: same inbound SPI and remote_ts. */
	conn = strstr(good, "  ccu-to-conc {");
	head = (size_t)(conn - good);
	len = (size_t)(strstr(good, "  }\n}\n") + 4 - conn);
	memcpy(text, good, head + len);
	second = text + head + len;
	memcpy(second, conn, len);
	memcpy(second + 2, "ccu-to-con2", 11);
	memcpy(second + len, "}\n", 3);
	cr_assert_null(load(text, &err));
	cr_assert_eq(err.count, 3, "%u: %s", err.count, err.msg[0]);
	cr_assert_str_eq(err.msg[0], "u.conf:27: inbound SPI 0x00002001 of "
	    "'ccu-to-con2' is already used by 'ccu-to-conc' (line 7)");
	cr_assert_str_eq(err.msg[1], "u.conf:27: remote_ts 10.10.2.0/24 of "
	    "'ccu-to-con2' is also in 'ccu-to-conc' (line 7)");
}

Test(conf_uipsecd, missing_sections)
{
	struct conf_errors err;

	cr_assert_null(load("tun { }\n", &err));
	cr_assert_str_eq(err.msg[0], "u.conf: no section 'manual' or 'ike'");
	cr_assert_null(load("tun { }\nmanual { }\n", &err));
	cr_assert_str_eq(err.msg[0], "u.conf:2: manual must hold 1 to 1024 "
	    "connections");
}
