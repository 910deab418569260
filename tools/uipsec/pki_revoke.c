/*
 * tools/uipsec/pki_revoke.c — `uipsec pki revoke`: mark a certificate the
 * CA issued as revoked (by name, serial or file), move its files out of
 * the live tree (DIR/ca/revoked/), and sign a fresh CRL at once.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pki.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: uipsec pki revoke --dir CADIR (--name NAME | --serial HEX "
	    "| --cert FILE)\n"
	    "           [--reason REASON] [--crl-lifetime DUR] "
	    "[--passphrase-file FILE]\n"
	    "  REASON: unspecified keyCompromise cACompromise affiliationChanged "
	    "superseded\n"
	    "          cessationOfOperation (a lost CCU: keyCompromise; a sold "
	    "one: cessationOfOperation)\n");
}

/* "0x1F", "1f", "01:1f" -> "0x1f", the index's form. */
static void
normalize_serial(const char *in, char *out, size_t cap)
{
	char hex[64];
	size_t n = 0;
	const char *p = hex;

	if (in[0] == '0' && (in[1] == 'x' || in[1] == 'X'))
		in += 2;
	for (; *in && n + 1 < sizeof(hex); in++)
		if (*in != ':')
			hex[n++] = (char)tolower((unsigned char)*in);
	hex[n] = '\0';
	while (p[0] == '0' && p[1] != '\0')
		p++;
	snprintf(out, cap, "0x%s", p);
}

struct revoke_opts {
	const char	*dir, *name, *serial, *cert, *pass;
	int		 reason;
	long		 crl_lifetime;
};

static int
parse_opts(int argc, char **argv, struct revoke_opts *o)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'N' },
		{ "serial", required_argument, NULL, 'S' },
		{ "cert", required_argument, NULL, 'c' },
		{ "reason", required_argument, NULL, 'r' },
		{ "crl-lifetime", required_argument, NULL, 'l' },
		{ "passphrase-file", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->reason = -1;
	o->crl_lifetime = PKI_CRL_LIFETIME;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'N': o->name = optarg; break;
		case 'S': o->serial = optarg; break;
		case 'c': o->cert = optarg; break;
		case 's': o->pass = optarg; break;
		case 'r':
			if ((o->reason = certs_crl_reason_parse(optarg)) < 0) {
				fprintf(stderr, "uipsec pki revoke: unknown "
				    "reason '%s'\n", optarg);
				return 2;
			}
			break;
		case 'l':
			if ((o->crl_lifetime = pki_parse_duration(optarg)) <= 0) {
				fprintf(stderr, "uipsec pki revoke: bad "
				    "--crl-lifetime '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (o->dir == NULL || optind != argc ||
	    (o->name != NULL) + (o->serial != NULL) + (o->cert != NULL) != 1) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* The serial to revoke: given, or read from a certificate file (which
 * this CA must have issued). */
static int
wanted_serial(const struct revoke_opts *o, const struct pki_ca *ca,
    char *serial, size_t cap)
{
	struct certs_cert *cert;
	struct certs_err err;
	int ok;

	serial[0] = '\0';
	if (o->serial != NULL) {
		normalize_serial(o->serial, serial, cap);
		return 0;
	}
	if (o->cert == NULL)
		return 0;
	if (certs_cert_load(o->cert, &cert, &err) != CERTS_OK) {
		pki_err("revoke", &err);
		return -1;
	}
	ok = X509_NAME_cmp(X509_get_issuer_name(cert->x509),
	    X509_get_subject_name(ca->cert)) == 0;
	certs_serial_str(X509_get0_serialNumber(cert->x509), serial, cap);
	certs_cert_free(cert);
	if (!ok)
		fprintf(stderr, "uipsec pki revoke: %s was not issued by this "
		    "CA\n", o->cert);
	return ok ? 0 : -1;
}

/* DIR/x509/NAME.pem and DIR/private/NAME.pem -> DIR/ca/revoked/. */
static void
retire_files(const char *dir, const struct pki_entry *e)
{
	static const char *const subs[] = { "x509", "private" };
	char from[4096], to[4096];

	snprintf(to, sizeof(to), "%s/ca/revoked", dir);
	if (mkdir(to, 0700) != 0 && errno != EEXIST)
		return;
	for (size_t i = 0; i < 2; i++) {
		snprintf(from, sizeof(from), "%s/%s/%s.pem", dir, subs[i],
		    e->name);
		snprintf(to, sizeof(to), "%s/ca/revoked/%s-%s.%s.pem", dir,
		    e->name, e->serial, subs[i]);
		if (rename(from, to) == 0)
			printf("moved %s to %s\n", from, to);
	}
}

static int
mark_revoked(struct pki_ca *ca, const void *arg)
{
	const struct revoke_opts *o = arg;
	struct pki_entry *v, *hit = NULL;
	char serial[80];
	size_t n;
	int rc = 1;

	if (wanted_serial(o, ca, serial, sizeof(serial)) != 0 ||
	    pki_index_read(ca->dir, &v, &n) != 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (v[i].status == 'V' && (serial[0] ?
		    !strcmp(v[i].serial, serial) : !strcmp(v[i].name, o->name)))
			hit = &v[i];
	if (hit == NULL) {
		fprintf(stderr, "uipsec pki revoke: no valid certificate %s %s "
		    "in %s/ca/index.txt\n", serial[0] ? "with serial" :
		    "named", serial[0] ? serial : o->name, ca->dir);
		goto out;
	}
	hit->status = 'R';
	hit->revoked_at = time(NULL);
	hit->reason = o->reason;
	if (pki_index_write(ca->dir, v, n) != 0)
		goto out;
	printf("revoked %s (serial %s, %s)\n", hit->subject, hit->serial,
	    certs_crl_reason_name(hit->reason < 0 ? 0 : hit->reason));
	retire_files(ca->dir, hit);
	rc = pki_crl_write(ca, o->crl_lifetime) != 0;
out:
	free(v);
	return rc;
}

int
pki_revoke(int argc, char **argv)
{
	struct revoke_opts o;
	int rc;

	if ((rc = parse_opts(argc, argv, &o)) >= 0)
		return rc;
	return pki_ca_run(o.dir, o.pass, mark_revoked, &o);
}
