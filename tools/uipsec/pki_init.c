/*
 * tools/uipsec/pki_init.c — `uipsec pki init-ca`: a root CA, or with
 * --parent an intermediate CA signed by another CA directory, each with
 * an empty CRL from the start (so strict CRL checking works at once).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pki.h"

#define ROOT_LIFETIME		(20 * 365 * 86400L)
#define INTERMEDIATE_LIFETIME	(10 * 365 * 86400L)

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: uipsec pki init-ca --dir DIR --dn DN [--key TYPE] "
	    "[--lifetime DUR]\n"
	    "           [--name NAME] [--pathlen N] [--passphrase-file FILE]\n"
	    "           [--parent CADIR [--parent-passphrase-file FILE]]\n"
	    "  --dn        subject, e.g. \"C=DE, O=eQ-3, CN=Fleet Root CA\"\n"
	    "  --key       rsa2048 rsa3072 rsa4096 ecdsa256 ecdsa384 (default) "
	    "ecdsa521 ed25519\n"
	    "  --lifetime  e.g. 20y (root default), 10y (intermediate default), "
	    "3650d\n"
	    "  --parent    issue this CA from the CA in CADIR (an intermediate)\n"
	    "  --passphrase-file  encrypt this CA's key with the first line of "
	    "FILE\n");
}

struct init_opts {
	const char	*dir, *dn, *key, *name, *parent, *pass, *parent_pass;
	long		 lifetime;
	int		 pathlen;
};

static int
parse_opts(int argc, char **argv, struct init_opts *o)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "dn", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'N' },
		{ "pathlen", required_argument, NULL, 'p' },
		{ "parent", required_argument, NULL, 'P' },
		{ "passphrase-file", required_argument, NULL, 's' },
		{ "parent-passphrase-file", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->key = "ecdsa384";
	o->lifetime = -1;
	o->pathlen = -2;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'n': o->dn = optarg; break;
		case 'k': o->key = optarg; break;
		case 'N': o->name = optarg; break;
		case 'P': o->parent = optarg; break;
		case 's': o->pass = optarg; break;
		case 'S': o->parent_pass = optarg; break;
		case 'p': o->pathlen = atoi(optarg); break;
		case 'l':
			if ((o->lifetime = pki_parse_duration(optarg)) <= 0) {
				fprintf(stderr, "uipsec pki init-ca: bad "
				    "--lifetime '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (o->dir == NULL || o->dn == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

static int
copy_file(const char *from, const char *to)
{
	struct certs_cert *cert;
	struct certs_err err;
	int rc;

	if (certs_cert_load(from, &cert, &err) != CERTS_OK) {
		pki_err("init-ca", &err);
		return -1;
	}
	rc = pki_write_cert(to, cert->x509, true);
	certs_cert_free(cert);
	return rc;
}

/* An intermediate's tree trusts what its parent trusts and carries the
 * parent's own certificate when that is an intermediate too. */
static int
copy_parent_certs(const struct pki_ca *parent, const char *dir)
{
	char from[4096], to[4096];
	struct dirent *d;
	DIR *dp;
	int rc = 0;

	snprintf(from, sizeof(from), "%s/x509ca", parent->dir);
	if ((dp = opendir(from)) == NULL)
		return -1;
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/x509ca/%s", parent->dir,
		    d->d_name);
		snprintf(to, sizeof(to), "%s/x509ca/%s", dir, d->d_name);
		rc = copy_file(from, to);
	}
	closedir(dp);
	if (rc == 0 && X509_self_signed(parent->cert, 0) != 1) {
		snprintf(to, sizeof(to), "%s/x509/%s.pem", dir, parent->name);
		rc = pki_write_cert(to, parent->cert, true);
	}
	return rc;
}

/* Where the new CA's certificate goes besides DIR/ca/cert.pem: a root is
 * a trust anchor (x509ca/), an intermediate is not (x509/; the parent
 * keeps a copy and an index entry, so it can revoke it). */
static int
place_ca_cert(X509 *cert, const struct init_opts *o, const char *name,
    const struct pki_ca *parent)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/ca/cert.pem", o->dir);
	if (pki_write_cert(path, cert, false) != 0)
		return -1;
	if (parent == NULL) {
		snprintf(path, sizeof(path), "%s/x509ca/%s.pem", o->dir, name);
		return pki_write_cert(path, cert, false);
	}
	snprintf(path, sizeof(path), "%s/x509/%s.pem", o->dir, name);
	if (pki_write_cert(path, cert, false) != 0 ||
	    copy_parent_certs(parent, o->dir) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/x509/%s.pem", parent->dir, name);
	return pki_write_cert(path, cert, false) ||
	    pki_index_add(parent->dir, cert, name);
}

static int
make_ca(const struct init_opts *o, struct pki_ca *parent, int has_parent)
{
	struct pki_template t = { .profile = PKI_PROFILE_CA };
	uint8_t der[CERTS_ID_MAX];
	struct certs_err err;
	char cn[128] = "", name[128], path[4096];
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	struct pki_ca self;
	int rc = 1;

	if (certs_dn_parse(o->dn, der, sizeof(der), &t.subject_len, &err) !=
	    CERTS_OK) {
		pki_err("init-ca", &err);
		return 2;
	}
	t.subject_der = der;
	t.not_before = time(NULL) - 600;	/* tolerate skewed clocks */
	t.not_after = time(NULL) + (o->lifetime > 0 ? o->lifetime :
	    has_parent ? INTERMEDIATE_LIFETIME : ROOT_LIFETIME);
	t.pathlen = o->pathlen != -2 ? o->pathlen : has_parent ? 0 : -1;
	if (has_parent && t.not_after >
	    pki_asn1_time(X509_get0_notAfter(parent->cert))) {
		t.not_after = pki_asn1_time(X509_get0_notAfter(parent->cert));
		printf("note: lifetime cut to that of the parent CA\n");
	}
	if ((key = pki_keygen(o->key)) == NULL)
		return 2;
	cert = pki_build_cert(&t, key, has_parent ? parent->cert : NULL,
	    has_parent ? parent->key : key);
	if (cert == NULL)
		goto out;
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName,
	    cn, sizeof(cn));
	pki_slug(o->name ? o->name : cn, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/ca/key.pem", o->dir);
	if (pki_write_key(path, key, o->pass) != 0 ||
	    place_ca_cert(cert, o, name, has_parent ? parent : NULL) != 0)
		goto out;
	/* An empty CRL now, so strict peers accept this CA's certificates. */
	if (pki_ca_open(&self, o->dir, o->pass) != 0)
		goto out;
	rc = pki_crl_write(&self, PKI_CRL_LIFETIME) != 0;
	pki_ca_close(&self);
	if (rc == 0)
		printf("%s CA %s created in %s (key %s/ca/key.pem, %s)\n",
		    has_parent ? "intermediate" : "root", o->dn, o->dir, o->dir,
		    o->key);
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

int
pki_init_ca(int argc, char **argv)
{
	struct init_opts o;
	struct pki_ca parent;
	char path[4096];
	int rc;

	if ((rc = parse_opts(argc, argv, &o)) >= 0)
		return rc;
	snprintf(path, sizeof(path), "%s/ca/cert.pem", o.dir);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "uipsec pki init-ca: %s already holds a CA\n",
		    o.dir);
		return 1;
	}
	if (o.parent != NULL &&
	    pki_ca_open(&parent, o.parent, o.parent_pass) != 0)
		return 1;
	rc = pki_mkdirs(o.dir) != 0 ? 1 : make_ca(&o, &parent, o.parent != NULL);
	if (o.parent != NULL)
		pki_ca_close(&parent);
	return rc;
}
