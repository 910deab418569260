/*
 * tools/uipsec/pki_verify.c — `uipsec pki verify`: validate a certificate
 * (and the chain sent with it) exactly as the daemon validates a peer:
 * certs_verify() over the same trust store, then certs_cert_has_id() for
 * the identity the peer will claim; says why not.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "pki.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: uipsec pki verify [--dir SWANCTLDIR]... [--cacert FILE]... "
	    "[--intermediate FILE]...\n"
	    "           [--crl FILE]... [--strict] [--id ID] [--at DATE] CERT "
	    "[CHAINFILE]...\n"
	    "  --dir     a swanctl-style tree: x509ca/ anchors, x509/ CA "
	    "certificates, x509crl/ CRLs\n"
	    "  --strict  refuse when an issuer's CRL is missing or stale\n"
	    "  --id      also check the certificate proves this identity "
	    "(as in swanctl's id =)\n"
	    "  --at      validate at this time (YYYY-MM-DD[THH:MM:SSZ]) "
	    "instead of now\n"
	    "  CERT is a PEM/DER file, end entity first; CHAINFILEs add the "
	    "certificates a peer sends\n");
}

struct verify_args {
	struct certs_store	*store;
	struct certs_verify_opts opts;
	const char		*id;
};

static int
add_to_store(struct certs_store *store, int opt, const char *arg)
{
	struct certs_err err;
	enum certs_status st;

	switch (opt) {
	case 'd': st = certs_store_load_dir(store, arg, &err); break;
	case 'c': st = certs_store_add_anchor_file(store, arg, &err); break;
	case 'i': st = certs_store_add_intermediate_file(store, arg, &err);
		  break;
	default: st = certs_store_add_crl_file(store, arg, &err); break;
	}
	if (st != CERTS_OK)
		pki_err("verify", &err);
	return st == CERTS_OK ? 0 : -1;
}

static int
parse_opts(int argc, char **argv, struct verify_args *a)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "cacert", required_argument, NULL, 'c' },
		{ "intermediate", required_argument, NULL, 'i' },
		{ "crl", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'I' },
		{ "at", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': case 'c': case 'i': case 'r':
			if (add_to_store(a->store, c, optarg) != 0)
				return 2;
			break;
		case 's': a->opts.crl_strict = true; break;
		case 'I': a->id = optarg; break;
		case 'a':
			if ((a->opts.at = pki_parse_date(optarg)) == (time_t)-1) {
				fprintf(stderr, "uipsec pki verify: bad --at "
				    "'%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (certs_store_anchor_count(a->store) == 0) {
		fprintf(stderr, "uipsec pki verify: no trust anchors: give "
		    "--dir or --cacert\n");
		return 2;
	}
	return -1;
}

static enum certs_status
add_x509(void *ctx, X509 *x, struct certs_err *err)
{
	struct certs_cert *c = certs_cert_wrap(x);

	if (c == NULL)
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	return certs_chain_add(ctx, c, err);
}

/* The end entity first, then every certificate of the other files. */
static int
load_chain(char **files, int n, struct certs_chain **chain)
{
	struct certs_err err;
	enum certs_status st;
	uint8_t *buf;
	size_t len;
	int i;

	if (certs_chain_load(files[0], chain, &err) != CERTS_OK) {
		printf("REFUSED: %s\n", err.reason);
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((st = certs_read_file(files[i], &buf, &len, &err)) ==
		    CERTS_OK) {
			st = certs_parse_certs(buf, len, files[i], add_x509,
			    *chain, &err);
			certs_buf_free(buf, len + 1);
		}
		if (st != CERTS_OK) {
			printf("REFUSED: %s\n", err.reason);
			return 1;
		}
	}
	return 0;
}

static int
check(struct verify_args *a, const struct certs_chain *chain)
{
	const struct certs_cert *ee = certs_chain_get(chain, 0);
	struct certs_verify_info info;
	struct certs_err err;
	struct certs_id id;
	char subj[CERTS_NAME_MAX], anchor[CERTS_NAME_MAX];

	certs_cert_subject(ee, subj, sizeof(subj));
	if (certs_verify(a->store, chain, &a->opts, &info, &err) != CERTS_OK) {
		printf("REFUSED (%s): %s\n", certs_status_str(err.status),
		    err.reason);
		return 1;
	}
	if (a->id != NULL) {
		if (certs_id_parse(a->id, &id, &err) != CERTS_OK) {
			pki_err("verify", &err);
			return 2;
		}
		if (certs_cert_has_id(ee, &id, &err) != CERTS_OK) {
			printf("REFUSED (%s): %s\n",
			    certs_status_str(err.status), err.reason);
			return 1;
		}
	}
	printf("OK: certificate for %s\n  path of %zu certificates to trust "
	    "anchor %s\n  CRL policy: %s%s%s\n", subj, info.depth,
	    certs_verify_anchor(&info, anchor, sizeof(anchor)),
	    a->opts.crl_strict ? "strict" : "lenient",
	    a->id ? "\n  identity: " : "", a->id ? a->id : "");
	return 0;
}

int
pki_verify(int argc, char **argv)
{
	struct verify_args a = { 0 };
	struct certs_chain *chain = NULL;
	struct certs_err err;
	int rc;

	if (certs_store_new(&a.store, &err) != CERTS_OK) {
		pki_err("verify", &err);
		return 1;
	}
	if ((rc = parse_opts(argc, argv, &a)) < 0 &&
	    (rc = load_chain(argv + optind, argc - optind, &chain)) == 0)
		rc = check(&a, chain);
	certs_chain_free(chain);
	certs_store_free(a.store);
	return rc;
}
