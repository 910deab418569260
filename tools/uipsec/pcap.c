/*
 * tools/uipsec/pcap.c — `uipsec pcap FILE | -i IFACE [--keys KEYFILE]...
 * [--write-decrypted OUT.pcap] [--summary] ...`: every IKE message and ESP
 * packet of a capture, decrypted and verified with the keys of key logs
 * (uipsecd's, Wireshark's UAT files, charon's debug log), one line each
 * (doc/pcap.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "tools/uipsec/pcap_capture.h"

#define PCAP_USAGE "usage: uipsec pcap FILE | -i IFACE [--keys KEYFILE]... " \
	"[--write-decrypted OUT.pcap]\n" \
	"       [--summary] [--quiet] [--all] [--check] [--filter BPF] " \
	"[--count N] [--seconds N]\n"

struct pcap_args {
	const char	*source, *write, *filter;
	bool		 live, summary, check;
	unsigned	 flags;
	struct pcap_run_opts run;
};

static int
parse_args(int argc, char **argv, struct pcap_args *a, struct keylog *kl)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "keys", required_argument, NULL, 'k' },
		{ "write-decrypted", required_argument, NULL, 'w' },
		{ "summary", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "all", no_argument, NULL, 'a' },
		{ "check", no_argument, NULL, 'C' },
		{ "filter", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	int o;

	while ((o = getopt_long(argc, argv, "i:k:w:sqaf:c:t:h", opts,
	    NULL)) != -1) {
		switch (o) {
		case 'i': a->source = optarg; a->live = true; break;
		case 'k':
			if (keylog_read(kl, optarg, err, sizeof(err)) != 0) {
				fprintf(stderr, "uipsec pcap: %s\n", err);
				return 1;
			}
			break;
		case 'w': a->write = optarg; break;
		case 's': a->summary = true; break;
		case 'q': a->flags |= PCAP_VIEW_QUIET; break;
		case 'a': a->flags |= PCAP_VIEW_ALL; break;
		case 'C': a->check = true; break;
		case 'f': a->filter = optarg; break;
		case 'c': a->run.count = strtoull(optarg, NULL, 10); break;
		case 't': a->run.seconds = strtoull(optarg, NULL, 10); break;
		case 'h':
			fputs(PCAP_USAGE, stdout);
			return -1;
		default:
			fputs(PCAP_USAGE, stderr);
			return 2;
		}
	}
	if (!a->live && optind + 1 == argc)
		a->source = argv[optind++];
	if (a->source == NULL || optind != argc) {
		fputs(PCAP_USAGE, stderr);
		return 2;
	}
	return 0;
}

int
cmd_pcap(int argc, char **argv)
{
	struct pcap_args a = { 0 };
	struct keylog kl = { 0 };
	struct pcap_inner_out *dec = NULL;
	struct pcap_view *v = NULL;
	pcap_t *p = NULL;
	char err[PCAP_ERRBUF_SIZE + 256];
	int rc;

	if ((rc = parse_args(argc, argv, &a, &kl)) != 0) {
		keylog_free(&kl);
		return rc < 0 ? 0 : rc;
	}
	rc = 1;
	if ((p = pcap_source_open(a.source, a.live, a.filter, err,
	    sizeof(err))) == NULL ||
	    (a.write && (dec = pcap_inner_open(a.write, err, sizeof(err))) ==
	    NULL)) {
		fprintf(stderr, "uipsec pcap: %s\n", err);
		goto out;
	}
	if ((v = pcap_view_new(&kl, stdout, a.flags)) == NULL) {
		fprintf(stderr, "uipsec pcap: out of memory\n");
		goto out;
	}
	if (dec != NULL)
		pcap_inner_attach(dec, v);
	rc = 0;
	if (pcap_run(p, v, &a.run, err, sizeof(err)) != 0) {
		fprintf(stderr, "uipsec pcap: %s: %s\n", a.source, err);
		rc = 1;
	}
	if (a.summary)
		pcap_view_summary(v, stdout);
	if (a.check && !pcap_view_all_ok(v)) {
		fprintf(stderr, "uipsec pcap: not every IKE message and ESP "
		    "packet verified\n");
		rc = 1;
	}
out:
	if (pcap_inner_close(dec) != 0) {
		fprintf(stderr, "uipsec pcap: %s: write failed\n", a.write);
		rc = 1;
	}
	pcap_view_free(v);
	if (p != NULL)
		pcap_close(p);
	keylog_free(&kl);
	return rc;
}
