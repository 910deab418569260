/*
 * tools/uipsec/load_pki.c — `uipsec load pki`: the test PKI of a load run.
 * The CA is one `uipsec pki init-ca` made; here it signs N CCU
 * certificates (profile ccu, CN=ccu00001 ... in the CA's DN) into
 * CADIR/load/x509/NAME.pem with keys in CADIR/load/private/NAME.pem, apart
 * from CADIR/x509/ so that a daemon reading the CA's tree does not load
 * thousands of certificates. The CA's index is not touched: these are
 * throw-away identities.
 *
 * RSA-2048 key generation takes ~50-100 ms a key; --shared-key makes one
 * key for every certificate (each CCU's private/NAME.pem is a link to
 * private/shared.pem). The concentrator cannot tell: each certificate is
 * still distinct (serial, subject), only the public key repeats.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "load.h"
#include "pki.h"

#define LOAD_CERT_LIFETIME	(30 * 86400L)

struct pki_opts {
	const char	*dir, *key, *pass;
	unsigned	 count;
	bool		 shared;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: uipsec load pki --dir CADIR --count N [--key TYPE] "
	    "[--shared-key]\n"
	    "           [--passphrase-file FILE]\n"
	    "  --dir         a CA directory (uipsec pki init-ca); writes "
	    "CADIR/" LOAD_SUBDIR "/\n"
	    "  --count       certificates ccu00001 to ccuN (CN and file "
	    "name)\n"
	    "  --key         ecdsa256 (default), rsa2048, ... as pki issue\n"
	    "  --shared-key  one key for all (RSA key generation is slow)\n");
}

static int
issue_one(struct pki_ca *ca, const struct pki_opts *o, unsigned i,
    EVP_PKEY *shared)
{
	char name[32], path[4200], target[64];
	uint8_t der[CERTS_ID_MAX];
	struct pki_template t = {
		.profile = PKI_PROFILE_CCU,
		.pathlen = -1,
		.not_before = time(NULL) - 600,
	};
	time_t ca_end = pki_asn1_time(X509_get0_notAfter(ca->cert));
	EVP_PKEY *key = shared;
	X509 *cert = NULL;
	int rc = -1;

	snprintf(name, sizeof(name), LOAD_NAME_FMT, i);
	t.not_after = t.not_before + LOAD_CERT_LIFETIME;
	if (t.not_after > ca_end)
		t.not_after = ca_end;
	if (pki_subject_der(ca->cert, NULL, name, der, sizeof(der),
	    &t.subject_len) != 0)
		return -1;
	t.subject_der = der;
	if (!key && !(key = pki_keygen(o->key)))
		return -1;
	if (!(cert = pki_build_cert(&t, key, ca->cert, ca->key)))
		goto out;
	snprintf(path, sizeof(path), "%s/%s/x509/%s.pem", ca->dir, LOAD_SUBDIR,
	    name);
	if (pki_write_cert(path, cert, true) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s/private/%s.pem", ca->dir,
	    LOAD_SUBDIR, name);
	if (shared) {
		snprintf(target, sizeof(target), "shared.pem");
		unlink(path);
		if (symlink(target, path) != 0) {
			perror(path);
			goto out;
		}
	} else if (pki_write_key(path, key, NULL) != 0) {
		goto out;
	}
	rc = 0;
out:
	X509_free(cert);
	if (key != shared)
		EVP_PKEY_free(key);
	return rc;
}

static int
issue_all(struct pki_ca *ca, const void *arg)
{
	const struct pki_opts *o = arg;
	char path[4200];
	EVP_PKEY *shared = NULL;
	unsigned i;
	int rc = 1;

	snprintf(path, sizeof(path), "%s/%s", ca->dir, LOAD_SUBDIR);
	if (pki_mkdirs(path) != 0)
		return 1;
	if (o->shared) {
		snprintf(path, sizeof(path), "%s/%s/private/shared.pem",
		    ca->dir, LOAD_SUBDIR);
		unlink(path);
		if (!(shared = pki_keygen(o->key)) ||
		    pki_write_key(path, shared, NULL) != 0)
			goto out;
	}
	for (i = 1; i <= o->count; i++)
		if (issue_one(ca, o, i, shared) != 0) {
			fprintf(stderr, "uipsec load pki: certificate %u of %u "
			    "failed\n", i, o->count);
			goto out;
		}
	printf("issued %u %s certificates (%s key%s) in %s/%s/\n", o->count,
	    o->key, o->shared ? "one shared" : "a", o->shared ? "" : " each",
	    ca->dir, LOAD_SUBDIR);
	rc = 0;
out:
	EVP_PKEY_free(shared);
	return rc;
}

int
load_pki(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		{ "shared-key", no_argument, NULL, 's' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pki_opts o = { .key = "ecdsa256" };
	long n;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'n':
			n = strtol(optarg, NULL, 10);
			if (n < 1 || n > 65000) {
				fprintf(stderr, "uipsec load pki: --count is "
				    "1 to 65000\n");
				return 2;
			}
			o.count = (unsigned)n;
			break;
		case 'k': o.key = optarg; break;
		case 's': o.shared = true; break;
		case 'p': o.pass = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.dir || !o.count || optind != argc) {
		usage(stderr);
		return 2;
	}
	return pki_ca_run(o.dir, o.pass, issue_all, &o);
}
