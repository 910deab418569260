/*
 * tools/uipsec/pki_issue.c — `uipsec pki issue`: a certificate for a CCU
 * or a concentrator, signed by the CA of a directory, with a fresh key
 * (or for the public key a device kept to itself), into DIR/x509/NAME.pem
 * and DIR/private/NAME.pem.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/decoder.h>
#include <openssl/err.h>

#include "pki.h"

#define CCU_LIFETIME		(5 * 365 * 86400L)
#define CONCENTRATOR_LIFETIME	(2 * 365 * 86400L)

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: uipsec pki issue --dir CADIR --profile ccu|concentrator "
	    "--name NAME\n"
	    "           [--dn DN] [--san SAN]... [--key TYPE | --pubkey FILE]\n"
	    "           [--lifetime DUR | --not-before DATE --not-after DATE]\n"
	    "           [--passphrase-file FILE] [--key-passphrase-file FILE]\n"
	    "  --name      file name (x509/NAME.pem, private/NAME.pem) and "
	    "default CN\n"
	    "  --dn        subject (default: the CA's DN with CN=NAME)\n"
	    "  --san       dns:NAME, email:ADDR or ip:ADDR, repeatable\n"
	    "  --key       ecdsa256 (default) ecdsa384 ecdsa521 rsa2048 rsa3072 "
	    "rsa4096 ed25519\n"
	    "  --pubkey    certify this public key (PEM/DER) instead of making "
	    "one\n"
	    "  --lifetime  default 5y (ccu), 2y (concentrator)\n"
	    "  --passphrase-file      unlocks the CA key\n"
	    "  --key-passphrase-file  encrypts the new private key\n");
}

struct issue_opts {
	const char		*dir, *name, *dn, *key, *pubkey, *pass, *key_pass;
	enum pki_profile	 profile;
	long			 lifetime;
	time_t			 not_before, not_after;
	char			 sans[1024];
};

static int
set_profile(struct issue_opts *o, const char *p)
{
	if (!strcmp(p, "ccu"))
		o->profile = PKI_PROFILE_CCU;
	else if (!strcmp(p, "concentrator"))
		o->profile = PKI_PROFILE_CONCENTRATOR;
	else {
		fprintf(stderr, "uipsec pki issue: --profile is ccu or "
		    "concentrator, not '%s'\n", p);
		return -1;
	}
	return 0;
}

static int
set_time(time_t *t, const char *s, const char *what)
{
	if ((*t = pki_parse_date(s)) == (time_t)-1) {
		fprintf(stderr, "uipsec pki issue: bad %s '%s' (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ)\n", what, s);
		return -1;
	}
	return 0;
}

static int
parse_opts(int argc, char **argv, struct issue_opts *o)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "profile", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'N' },
		{ "dn", required_argument, NULL, 'n' },
		{ "san", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "pubkey", required_argument, NULL, 'P' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "not-before", required_argument, NULL, 'b' },
		{ "not-after", required_argument, NULL, 'e' },
		{ "passphrase-file", required_argument, NULL, 's' },
		{ "key-passphrase-file", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, bad = 0;

	memset(o, 0, sizeof(*o));
	o->profile = PKI_PROFILE_CA;	/* i.e. not given */
	o->key = "ecdsa256";
	o->lifetime = -1;
	o->not_before = o->not_after = (time_t)-1;
	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'p': bad = set_profile(o, optarg); break;
		case 'N': o->name = optarg; break;
		case 'n': o->dn = optarg; break;
		case 'a': bad = pki_add_san(o->sans, sizeof(o->sans), optarg);
			  break;
		case 'k': o->key = optarg; break;
		case 'P': o->pubkey = optarg; break;
		case 'b': bad = set_time(&o->not_before, optarg, "--not-before");
			  break;
		case 'e': bad = set_time(&o->not_after, optarg, "--not-after");
			  break;
		case 's': o->pass = optarg; break;
		case 'S': o->key_pass = optarg; break;
		case 'l':
			if ((o->lifetime = pki_parse_duration(optarg)) <= 0) {
				fprintf(stderr, "uipsec pki issue: bad "
				    "--lifetime '%s'\n", optarg);
				bad = 1;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (bad)
		return 2;
	if (o->dir == NULL || o->name == NULL || o->profile == PKI_PROFILE_CA ||
	    optind != argc) {
		usage(stderr);
		return 2;
	}
	if (o->name[strspn(o->name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] != '\0' ||
	    o->name[0] == '.') {
		fprintf(stderr, "uipsec pki issue: --name '%s' must be made of "
		    "letters, digits, '.', '_' and '-'\n", o->name);
		return 2;
	}
	return -1;
}

/* A public key from a PEM/DER public or private key file. */
static EVP_PKEY *
load_pubkey(const char *path)
{
	struct certs_err err;
	enum certs_key_type type;
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;
	uint8_t *buf;
	const unsigned char *p;
	size_t len;

	if (certs_read_file(path, &buf, &len, &err) != CERTS_OK) {
		pki_err("issue", &err);
		return NULL;
	}
	p = buf;
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL,
	    EVP_PKEY_PUBLIC_KEY, NULL, NULL);
	if (dctx == NULL || !OSSL_DECODER_from_data(dctx, &p, &len)) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
		fprintf(stderr, "uipsec pki issue: %s holds no public key\n",
		    path);
	}
	OSSL_DECODER_CTX_free(dctx);
	certs_buf_free(buf, len + 1);
	ERR_clear_error();
	if (pkey != NULL && certs_pkey_check(pkey, path, &type, &err) !=
	    CERTS_OK) {
		pki_err("issue", &err);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

static int
fill_template(const struct issue_opts *o, struct pki_template *t,
    X509 *cacert)
{
	time_t ca_end = pki_asn1_time(X509_get0_notAfter(cacert));
	long life = o->lifetime > 0 ? o->lifetime :
	    o->profile == PKI_PROFILE_CCU ? CCU_LIFETIME : CONCENTRATOR_LIFETIME;

	t->profile = o->profile;
	t->sans = o->sans;
	t->pathlen = -1;
	t->not_before = o->not_before != (time_t)-1 ? o->not_before :
	    time(NULL) - 600;	/* tolerate skewed clocks */
	t->not_after = o->not_after != (time_t)-1 ? o->not_after :
	    t->not_before + 600 + life;
	if (t->not_after <= t->not_before) {
		fprintf(stderr, "uipsec pki issue: not-after must come after "
		    "not-before\n");
		return -1;
	}
	if (t->not_after > ca_end) {
		t->not_after = ca_end;
		printf("note: lifetime cut to that of the CA\n");
	}
	return 0;
}

static int
issue(struct pki_ca *ca, const void *arg)
{
	const struct issue_opts *o = arg;
	struct pki_template t;
	uint8_t der[CERTS_ID_MAX];
	char path[4096], serial[80], keytext[32], until[40];
	char subj[CERTS_NAME_MAX];
	EVP_PKEY *key;
	X509 *cert = NULL;
	int rc = 1;

	if (fill_template(o, &t, ca->cert) != 0 ||
	    pki_subject_der(ca->cert, o->dn, o->name, der, sizeof(der),
	    &t.subject_len) != 0)
		return 2;
	t.subject_der = der;
	key = o->pubkey ? load_pubkey(o->pubkey) : pki_keygen(o->key);
	if (key == NULL)
		return 2;
	if ((cert = pki_build_cert(&t, key, ca->cert, ca->key)) == NULL)
		goto out;
	snprintf(path, sizeof(path), "%s/x509/%s.pem", ca->dir, o->name);
	if (pki_write_cert(path, cert, false) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/private/%s.pem", ca->dir, o->name);
	if ((o->pubkey == NULL && pki_write_key(path, key, o->key_pass) != 0) ||
	    pki_index_add(ca->dir, cert, o->name) != 0)
		goto out;
	printf("issued %s certificate for %s\n  serial %s, %s, valid until "
	    "%s\n  %s/x509/%s.pem%s%s\n",
	    o->profile == PKI_PROFILE_CCU ? "ccu" : "concentrator",
	    certs_name_str(X509_get_subject_name(cert), subj, sizeof(subj)),
	    certs_serial_str(X509_get0_serialNumber(cert),
	    serial, sizeof(serial)), certs_pkey_describe(key, keytext,
	    sizeof(keytext)), certs_time_str(X509_get0_notAfter(cert), until,
	    sizeof(until)), ca->dir, o->name, o->pubkey ? "" : ", ",
	    o->pubkey ? "" : path);
	rc = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

int
pki_issue(int argc, char **argv)
{
	struct issue_opts o;
	int rc;

	if ((rc = parse_opts(argc, argv, &o)) >= 0)
		return rc;
	return pki_ca_run(o.dir, o.pass, issue, &o);
}
