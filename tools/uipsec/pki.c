/*
 * tools/uipsec/pki.c — `uipsec pki COMMAND`: a small CA for the fleet,
 * by analogy with strongSwan's pki(1), writing a swanctl-style tree
 * (doc/pki.md). One file per command; this one dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "pki.h"

static const struct uipsec_command pki_commands[] = {
	{ "crl", pki_crl, "generate or refresh the CA's CRL" },
	{ "init-ca", pki_init_ca, "create a root or intermediate CA directory" },
	{ "issue", pki_issue, "issue a CCU or concentrator certificate" },
	{ "revoke", pki_revoke, "revoke a certificate and refresh the CRL" },
	{ "show", pki_show, "print a certificate or CRL as a person reads it" },
	{ "verify", pki_verify, "validate a certificate as the daemon does" },
	{ NULL, NULL, NULL },
};

static void
pki_usage(FILE *out)
{
	const struct uipsec_command *c;

	fprintf(out, "usage: uipsec pki COMMAND [OPTIONS]\n\ncommands:\n");
	for (c = pki_commands; c->name; c++)
		fprintf(out, "  %-8s %s\n", c->name, c->help);
	fprintf(out, "\n'uipsec pki COMMAND --help' lists its options; "
	    "doc/pki.md describes the directory layout.\n");
}

int
cmd_pki(int argc, char **argv)
{
	const struct uipsec_command *c;

	if (argc < 2) {
		pki_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		pki_usage(stdout);
		return 0;
	}
	for (c = pki_commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "uipsec pki: unknown command '%s'\n\n", argv[1]);
	pki_usage(stderr);
	return 2;
}

void
pki_err(const char *cmd, const struct certs_err *err)
{
	fprintf(stderr, "uipsec pki %s: %s\n", cmd, err->reason);
}
