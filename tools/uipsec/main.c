/* tools/uipsec/main.c — `uipsec COMMAND [ARGS]`: dispatch and usage. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct uipsec_command commands[] = {
	/* { "name", cmd_name, "one line of help" }, in alphabetical order */
	{ "bench", cmd_bench,
	    "ESP encap/decap throughput beside the raw cipher+MAC" },
	{ "down", cmd_down, "close a connection of the running uipsecd" },
	{ "keylog", cmd_keylog, "read key logs (uipsec, Wireshark, charon "
	    "debug log); print or write Wireshark tables" },
	{ "load", cmd_load, "act as many CCUs against a concentrator: "
	    "pki, run" },
	{ "pcap", cmd_pcap, "decrypt and verify the IKE and ESP of a capture "
	    "(file or -i IFACE) with key logs" },
	{ "pki", cmd_pki, "the fleet CA: init-ca, issue, revoke, crl, show, "
	    "verify" },
	{ "rekey", cmd_rekey, "rekey the CHILD_SAs (NAME/CHILD: of one child; "
	    "--ike: the IKE SA) of a connection" },
	{ "status", cmd_status, "IKE, CHILD and manual SAs of the running "
	    "uipsecd [--json]" },
	{ "trace", cmd_trace, "the pcap view, live, for one peer of the "
	    "running uipsecd" },
	{ "up", cmd_up, "initiate a connection of the running uipsecd" },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *out)
{
	const struct uipsec_command *c;

	fprintf(out, "usage: uipsec COMMAND [ARGS]\n\ncommands:\n");
	for (c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->help);
	fprintf(out, "\n'uipsec COMMAND --help' describes a command.\n");
}

int
main(int argc, char **argv)
{
	const struct uipsec_command *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "uipsec: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
