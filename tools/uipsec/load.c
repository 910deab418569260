/*
 * tools/uipsec/load.c — `uipsec load pki|run`: the command line (see
 * load.h and doc/load.md).
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "load.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: uipsec load pki --dir CADIR --count N [--key TYPE] "
	    "[--shared-key]\n"
	    "       uipsec load run --pki CADIR --count N --remote ADDR "
	    "--first ADDR\n"
	    "           [--rate N] [--window N] [--ping ADDR] [--hold SECONDS] "
	    "[--timeout SECONDS]\n"
	    "           [--remote-id ID] [--remote-ts TS] [--proposals P] "
	    "[--esp-proposals P]\n"
	    "           [--retransmit-timeout S] [--retransmit-tries N] "
	    "[--no-vip]\n"
	    "           [--no-teardown] [--verbose]\n"
	    "  --first      outer address of the first CCU; CCU i has FIRST + "
	    "i - 1 (route\n"
	    "               the range to this namespace: ip route add local "
	    "NET dev lo)\n"
	    "  --rate       set-ups started per second (default 0: all at "
	    "once)\n"
	    "  --window     set-ups under way at most (default 0: no limit)\n"
	    "  --ping       an ICMP echo to ADDR through each CCU's CHILD_SA, "
	    "the reply\n"
	    "               expected on that CCU's own inbound SA\n"
	    "  --timeout    for all set-ups (default 120)\n"
	    "  --retransmit-timeout, --retransmit-tries\n"
	    "               the first IKE retransmission after S seconds "
	    "(default 10;\n"
	    "               a CCU's is 2), at most N of them (default 5)\n"
	    "doc/load.md describes the run and its report.\n");
}

static int
parse_addr(const char *s, struct in_addr *a, const char *what)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "uipsec load run: %s '%s' is not an IPv4 "
		    "address\n", what, s);
		return -1;
	}
	return 0;
}

static int
parse_uint(const char *s, unsigned max, unsigned *v, const char *what)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n > max) {
		fprintf(stderr, "uipsec load run: %s '%s': 0 to %u\n", what, s,
		    max);
		return -1;
	}
	*v = (unsigned)n;
	return 0;
}

/* Seconds, fractions allowed (0.001 to 3600), as milliseconds. */
static int
parse_seconds_ms(const char *s, unsigned *ms, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= 0.001 && v <= 3600)) {
		fprintf(stderr, "uipsec load run: %s '%s': seconds, 0.001 to "
		    "3600\n", what, s);
		return -1;
	}
	*ms = (unsigned)(v * 1000 + 0.5);
	return 0;
}

static int
parse_run(int argc, char **argv, struct load_opts *o)
{
	static const struct option longopts[] = {
		{ "pki", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'n' },
		{ "remote", required_argument, NULL, 'r' },
		{ "first", required_argument, NULL, 'f' },
		{ "rate", required_argument, NULL, 'R' },
		{ "window", required_argument, NULL, 'w' },
		{ "ping", required_argument, NULL, 'p' },
		{ "hold", required_argument, NULL, 'H' },
		{ "timeout", required_argument, NULL, 't' },
		{ "retransmit-timeout", required_argument, NULL, 'X' },
		{ "retransmit-tries", required_argument, NULL, 'Y' },
		{ "remote-id", required_argument, NULL, 'i' },
		{ "remote-ts", required_argument, NULL, 'T' },
		{ "proposals", required_argument, NULL, 'P' },
		{ "esp-proposals", required_argument, NULL, 'E' },
		{ "no-vip", no_argument, NULL, 'V' },
		{ "no-teardown", no_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned rate;
	int c, bad = 0;

	memset(o, 0, sizeof(*o));
	o->vip = o->teardown = true;
	o->timeout_s = 120;
	o->rexmit_ms = LOAD_REXMIT_MS;
	o->rexmit_tries = LOAD_REXMIT_TRIES;
	o->remote_ts = "0.0.0.0/0";
	o->proposals = "aes256-sha256-ecp256";
	o->esp_proposals = "aes256-sha1";
	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o->pki = optarg; break;
		case 'n': bad = parse_uint(optarg, 65000, &o->count, "--count");
			  break;
		case 'r': bad = parse_addr(optarg, &o->remote, "--remote");
			  break;
		case 'f': bad = parse_addr(optarg, &o->first, "--first"); break;
		case 'R': bad = parse_uint(optarg, 1000000, &rate, "--rate");
			  o->rate = rate;
			  break;
		case 'w': bad = parse_uint(optarg, 65000, &o->window,
			      "--window");
			  break;
		case 'p': bad = parse_addr(optarg, &o->ping, "--ping"); break;
		case 'H': bad = parse_uint(optarg, 86400, &o->hold_s, "--hold");
			  break;
		case 't': bad = parse_uint(optarg, 86400, &o->timeout_s,
			      "--timeout");
			  break;
		case 'X': bad = parse_seconds_ms(optarg, &o->rexmit_ms,
			      "--retransmit-timeout");
			  break;
		case 'Y': bad = parse_uint(optarg, 20, &o->rexmit_tries,
			      "--retransmit-tries");
			  break;
		case 'i': o->remote_id = optarg; break;
		case 'T': o->remote_ts = optarg; break;
		case 'P': o->proposals = optarg; break;
		case 'E': o->esp_proposals = optarg; break;
		case 'V': o->vip = false; break;
		case 'D': o->teardown = false; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (bad)
		return 2;
	if (!o->pki || !o->count || !o->remote.s_addr || !o->first.s_addr ||
	    optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int
cmd_load(int argc, char **argv)
{
	struct load_opts o;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "pki"))
		return load_pki(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "run")) {
		if ((rc = parse_run(argc - 1, argv + 1, &o)) >= 0)
			return rc;
		return load_run(&o);
	}
	if (argc >= 2 && (!strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
