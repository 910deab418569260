/*
 * tests/scapy/esp_tool.c — uipsec's ESP driven by hex lines, so that
 * cross_check.py can hold it against scapy's independent ESP implementation.
 * A test tool: never installed, never used by the daemon.
 *
 *   esp_tool encap|decap|classify --suite TOKEN --spi HEX --enc-key HEX
 *            [--auth-key HEX] [--seq N] [--window N] [--udp] [--evict]
 *
 * TOKEN is a strongSwan ESP token; its -esn suffix turns ESN on. One SA
 * lives for the whole run, so a sequence of lines exercises its sequence
 * number and replay window. Each stdin line is one packet in hex; each
 * stdout line answers it:
 *   encap:    "ok HEX"       (the ESP packet, SPI to ICV)   | "err STATUS"
 *   decap:    "ok NH HEX"    (the inner packet)             | "drop STATUS"
 *   classify: "esp" | "ike" | "keepalive" | "invalid"       (RFC 3948 §2)
 * With --udp, decap takes a UDP payload from port 4500 and answers
 * "notesp KIND" for anything esp_udp_classify() does not call ESP.
 * --seq sets the next outbound sequence number (64-bit, encap only).
 * --evict makes the SA with an esp_ctx_cache of one slot, which an SA of
 * other keys takes before every packet: each packet then goes through a
 * context re-keyed for it (esp.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "esp/esp.h"
#include "esp/esp_internal.h"

#define TOOL_PKT_MAX	65535
#define TOOL_BUF_LEN	(ESP_HEADROOM + TOOL_PKT_MAX + ESP_TAILROOM)
#define TOOL_KEY_MAX	64

struct tool {
	const char		*mode;
	struct esp_sa_config	 cfg;
	uint8_t			 enc_key[TOOL_KEY_MAX];
	uint8_t			 auth_key[TOOL_KEY_MAX];
	uint64_t		 seq;		/* 0: leave the SA's own */
	bool			 udp;
	bool			 evict;
	struct esp_ctx_cache	*cache;
	struct esp_sa		*decoy;		/* --evict: takes the slot */
	struct esp_sa		*sa;
	uint8_t			 buf[TOOL_BUF_LEN];
	char			 hex[2 * TOOL_BUF_LEN + 1];
};

static const char *const udp_kind_names[] = {
	[ESP_UDP_ESP] = "esp",
	[ESP_UDP_IKE] = "ike",
	[ESP_UDP_KEEPALIVE] = "keepalive",
	[ESP_UDP_INVALID] = "invalid",
};

static void
usage(void)
{
	fprintf(stderr, "usage: esp_tool encap|decap|classify --suite TOKEN "
	    "--spi HEX --enc-key HEX [--auth-key HEX] [--seq N] [--window N] "
	    "[--udp] [--evict]  (hex packets on stdin, one a line)\n");
	exit(2);
}

static size_t
parse_key(const char *hex, uint8_t *key, const char *what)
{
	long n = hex_decode(hex, key, TOOL_KEY_MAX);

	if (n < 0) {
		fprintf(stderr, "esp_tool: bad %s '%s'\n", what, hex);
		exit(2);
	}
	return (size_t)n;
}

static void
parse_args(struct tool *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "suite", required_argument, NULL, 's' },
		{ "spi", required_argument, NULL, 'i' },
		{ "enc-key", required_argument, NULL, 'e' },
		{ "auth-key", required_argument, NULL, 'a' },
		{ "seq", required_argument, NULL, 'q' },
		{ "window", required_argument, NULL, 'w' },
		{ "udp", no_argument, NULL, 'u' },
		{ "evict", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, key_len;

	if (argc < 2)
		usage();
	t->mode = argv[1];
	t->cfg.replay_window = 64;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (esp_suite_parse(optarg, &t->cfg.suite, &key_len,
			    &t->cfg.esn) < 0) {
				fprintf(stderr, "esp_tool: bad suite '%s'\n",
				    optarg);
				exit(2);
			}
			break;
		case 'i':
			t->cfg.spi = (uint32_t)strtoul(optarg, NULL, 16);
			break;
		case 'e':
			t->cfg.enc_key = t->enc_key;
			t->cfg.enc_key_len = parse_key(optarg, t->enc_key,
			    "--enc-key");
			break;
		case 'a':
			t->cfg.auth_key = t->auth_key;
			t->cfg.auth_key_len = parse_key(optarg, t->auth_key,
			    "--auth-key");
			break;
		case 'q':
			t->seq = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			t->cfg.replay_window = (uint32_t)strtoul(optarg, NULL,
			    0);
			break;
		case 'u':
			t->udp = true;
			break;
		case 'x':
			t->evict = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

static void
do_encap(struct tool *t, size_t len)
{
	struct esp_pkt pkt = { t->buf, sizeof(t->buf), ESP_HEADROOM, len };
	enum esp_status st;

	/* Tunnel mode: the next header names the inner IP version. */
	st = esp_encap(t->sa, &pkt, (t->buf[ESP_HEADROOM] >> 4) == 6 ?
	    ESP_NH_IPV6 : ESP_NH_IPV4);
	if (st != ESP_OK) {
		printf("err %s\n", esp_status_str(st));
		return;
	}
	hex_encode(pkt.base + pkt.off, pkt.len, t->hex, sizeof(t->hex));
	printf("ok %s\n", t->hex);
}

static void
do_decap(struct tool *t, size_t len)
{
	struct esp_pkt pkt = { t->buf, sizeof(t->buf), ESP_HEADROOM, len };
	enum esp_udp_kind kind;
	enum esp_status st;
	uint8_t nh = 0;

	if (t->udp && (kind = esp_udp_classify(t->buf + ESP_HEADROOM, len)) !=
	    ESP_UDP_ESP) {
		printf("notesp %s\n", udp_kind_names[kind]);
		return;
	}
	if ((st = esp_decap(t->sa, &pkt, &nh)) != ESP_OK) {
		printf("drop %s\n", esp_status_str(st));
		return;
	}
	hex_encode(pkt.base + pkt.off, pkt.len, t->hex, sizeof(t->hex));
	printf("ok %u %s\n", nh, t->hex);
}

/* --evict: the decoy sends a packet, taking the cache's one slot. */
static int
evict(struct tool *t)
{
	uint8_t buf[ESP_HEADROOM + 20 + ESP_TAILROOM] = { 0 };
	struct esp_pkt pkt = { buf, sizeof(buf), ESP_HEADROOM, 20 };
	enum esp_status st;

	if (t->decoy == NULL)
		return 0;
	buf[ESP_HEADROOM] = 0x45;
	if ((st = esp_encap(t->decoy, &pkt, ESP_NH_IPV4)) != ESP_OK) {
		fprintf(stderr, "esp_tool: decoy SA: %s\n", esp_status_str(st));
		return -1;
	}
	return 0;
}

/* --evict: the cache and an outbound SA of the same suite, other keys. */
static enum esp_status
make_decoy(struct tool *t)
{
	struct esp_sa_config cfg = t->cfg;
	uint8_t other[TOOL_KEY_MAX];
	enum esp_status st;

	if ((st = esp_ctx_cache_new(&t->cache, 1)) != ESP_OK)
		return st;
	t->cfg.cache = cfg.cache = t->cache;
	for (size_t i = 0; i < cfg.enc_key_len; i++)
		other[i] = (uint8_t)~cfg.enc_key[i];
	cfg.enc_key = other;
	cfg.spi = ~cfg.spi;
	return esp_sa_new(&t->decoy, &cfg, ESP_DIR_OUT);
}

static int
run(struct tool *t)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long len;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		len = hex_decode(line, t->buf + ESP_HEADROOM, TOOL_PKT_MAX);
		if (len < 0) {
			fprintf(stderr, "esp_tool: bad hex line\n");
			free(line);
			return 2;
		}
		if (!strcmp(t->mode, "classify"))
			printf("%s\n", udp_kind_names[esp_udp_classify(
			    t->buf + ESP_HEADROOM, (size_t)len)]);
		else if (evict(t) < 0)
			break;
		else if (!strcmp(t->mode, "encap"))
			do_encap(t, (size_t)len);
		else
			do_decap(t, (size_t)len);
		fflush(stdout);
	}
	free(line);
	return n > 0 ? 2 : 0;		/* a decoy failed */
}

int
main(int argc, char **argv)
{
	static struct tool t;
	enum esp_status st;
	int ret;

	parse_args(&t, argc, argv);
	if (strcmp(t.mode, "encap") && strcmp(t.mode, "decap") &&
	    strcmp(t.mode, "classify"))
		usage();
	if (strcmp(t.mode, "classify")) {
		st = t.evict ? make_decoy(&t) : ESP_OK;
		if (st == ESP_OK)
			st = esp_sa_new(&t.sa, &t.cfg, !strcmp(t.mode,
			    "encap") ? ESP_DIR_OUT : ESP_DIR_IN);
		if (st != ESP_OK) {
			fprintf(stderr, "esp_tool: SA: %s\n",
			    esp_status_str(st));
			return 2;
		}
		if (t.seq)
			esp_sa_test_set_seq(t.sa, t.seq);
	}
	ret = run(&t);
	esp_sa_free(t.sa);
	esp_sa_free(t.decoy);
	esp_ctx_cache_free(t.cache);
	return ret;
}
