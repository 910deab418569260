/*
 * tools/uipsec/pki_crl.c — `uipsec pki crl`: sign a fresh CRL (RFC 5280
 * §5: v2, crlNumber, authorityKeyIdentifier, a reason code per entry)
 * from the CA's index, valid until its nextUpdate.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pki.h"

/* DIR/ca/crlnumber: the last number used; returns the next one. */
static long
next_crl_number(const char *dir)
{
	char path[4096], text[32];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ca/crlnumber", dir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	} else if (errno != ENOENT) {
		n = -1;
	}
	if (n < 0) {
		fprintf(stderr, "uipsec pki: %s is damaged\n", path);
		return -1;
	}
	snprintf(text, sizeof(text), "%ld\n", n + 1);
	return pki_write_file(path, text, strlen(text), 0600, true) ? -1 :
	    n + 1;
}

static int
add_revoked(X509_CRL *crl, const struct pki_entry *e)
{
	X509_REVOKED *rev = X509_REVOKED_new();
	ASN1_INTEGER *serial = NULL;
	ASN1_TIME *when = ASN1_TIME_set(NULL, e->revoked_at);
	ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
	BIGNUM *bn = NULL;
	int ok;

	ok = rev != NULL && when != NULL && reason != NULL &&
	    BN_hex2bn(&bn, e->serial + 2) > 0 &&
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) != NULL &&
	    X509_REVOKED_set_serialNumber(rev, serial) &&
	    X509_REVOKED_set_revocationDate(rev, when) &&
	    (e->reason < 0 || (ASN1_ENUMERATED_set(reason, e->reason) &&
	    X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0, 0))) &&
	    X509_CRL_add0_revoked(crl, rev);
	if (!ok)
		X509_REVOKED_free(rev);
	ASN1_INTEGER_free(serial);
	ASN1_TIME_free(when);
	ASN1_ENUMERATED_free(reason);
	BN_free(bn);
	return ok;
}

static int
add_crl_extensions(X509_CRL *crl, X509 *cacert, long number)
{
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	X509_EXTENSION *akid;
	X509V3_CTX ctx;
	int ok;

	X509V3_set_ctx(&ctx, cacert, NULL, NULL, crl, 0);
	akid = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
	    "keyid:always");
	ok = num != NULL && akid != NULL && ASN1_INTEGER_set(num, number) &&
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) &&
	    X509_CRL_add_ext(crl, akid, -1);
	ASN1_INTEGER_free(num);
	X509_EXTENSION_free(akid);
	return ok;
}

static X509_CRL *
build_crl(struct pki_ca *ca, const struct pki_entry *v, size_t n,
    long lifetime, long number)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *now = ASN1_TIME_set(NULL, time(NULL));
	ASN1_TIME *next = ASN1_TIME_set(NULL, time(NULL) + lifetime);
	int ok;

	ok = crl != NULL && now != NULL && next != NULL &&
	    X509_CRL_set_version(crl, 1) &&	/* v2 */
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) &&
	    X509_CRL_set1_lastUpdate(crl, now) &&
	    X509_CRL_set1_nextUpdate(crl, next);
	for (size_t i = 0; ok && i < n; i++)
		if (v[i].status == 'R')
			ok = add_revoked(crl, &v[i]);
	ok = ok && X509_CRL_sort(crl) &&
	    add_crl_extensions(crl, ca->cert, number) &&
	    X509_CRL_sign(crl, ca->key, pki_sign_md(ca->key));
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	if (!ok) {
		fprintf(stderr, "uipsec pki: signing the CRL failed: %s\n",
		    ERR_reason_error_string(ERR_peek_last_error()) ?
		    ERR_reason_error_string(ERR_peek_last_error()) : "?");
		ERR_clear_error();
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

int
pki_crl_write(struct pki_ca *ca, long lifetime)
{
	struct pki_entry *v;
	X509_CRL *crl = NULL;
	char path[4096];
	size_t n, revoked = 0;
	long number;
	int rc = -1;

	if (pki_index_read(ca->dir, &v, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		revoked += v[i].status == 'R';
	if ((number = next_crl_number(ca->dir)) > 0 &&
	    (crl = build_crl(ca, v, n, lifetime, number)) != NULL) {
		snprintf(path, sizeof(path), "%s/x509crl/%s.crl", ca->dir,
		    ca->name);
		if ((rc = pki_write_crl(path, crl)) == 0)
			printf("CRL %ld of %s: %zu revoked, next update in "
			    "%ld days: %s\n", number, ca->name, revoked,
			    lifetime / 86400, path);
	}
	X509_CRL_free(crl);
	free(v);
	return rc;
}

static int
refresh(struct pki_ca *ca, const void *lifetime)
{
	return pki_crl_write(ca, *(const long *)lifetime) != 0;
}

static void
usage(FILE *out)
{
	fprintf(out, "usage: uipsec pki crl --dir CADIR [--lifetime DUR] "
	    "[--passphrase-file FILE]\n"
	    "  signs a fresh CRL of all revoked certificates into "
	    "CADIR/x509crl/;\n"
	    "  --lifetime sets its next update (default 15d): refresh it "
	    "before then\n");
}

int
pki_crl(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "passphrase-file", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *pass = NULL;
	long lifetime = PKI_CRL_LIFETIME;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': pass = optarg; break;
		case 'l':
			if ((lifetime = pki_parse_duration(optarg)) <= 0) {
				fprintf(stderr, "uipsec pki crl: bad --lifetime "
				    "'%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (dir == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	return pki_ca_run(dir, pass, refresh, &lifetime);
}
