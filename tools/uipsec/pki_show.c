/*
 * tools/uipsec/pki_show.c — `uipsec pki show FILE...`: certificates (PEM
 * bundles or DER) and CRLs as a person reads them: who, by whom, until
 * when, what for, and the hashes peers use to name them.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/hex.h"
#include "pki.h"

/* "valid, 1825 days left", "EXPIRED 3 days ago", "NOT YET VALID". */
static void
print_validity(const ASN1_TIME *from, const ASN1_TIME *until)
{
	char a[40], b[40];
	int days = 0, secs = 0;

	certs_time_str(from, a, sizeof(a));
	certs_time_str(until, b, sizeof(b));
	printf("  validity:    %s .. %s", a, b);
	if (X509_cmp_current_time(from) > 0)
		printf(" (NOT YET VALID)\n");
	else if (ASN1_TIME_diff(&days, &secs, NULL, until) && (days > 0 ||
	    (days == 0 && secs > 0)))
		printf(" (valid, %d days left)\n", days);
	else
		printf(" (EXPIRED %d days ago)\n", -days);
}

static void
print_hex(const char *label, const uint8_t *v, size_t len)
{
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	hex_encode(v, len < EVP_MAX_MD_SIZE ? len : EVP_MAX_MD_SIZE, hex,
	    sizeof(hex));
	printf("  %-12s %s\n", label, hex);
}

static void
print_usage_ext(X509 *x)
{
	static const struct { uint32_t bit; const char *name; } kus[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
		{ KU_KEY_CERT_SIGN, "keyCertSign" },
		{ KU_CRL_SIGN, "cRLSign" },
	};
	uint32_t ku = X509_get_key_usage(x);
	EXTENDED_KEY_USAGE *eku;
	long pathlen;

	if (ku != UINT32_MAX) {
		printf("  keyUsage:   ");
		for (size_t i = 0; i < sizeof(kus) / sizeof(kus[0]); i++)
			if (ku & kus[i].bit)
				printf(" %s", kus[i].name);
		printf("\n");
	}
	if ((eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL))) {
		printf("  extKeyUsage:");
		for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
			printf(" %s", OBJ_nid2sn(OBJ_obj2nid(
			    sk_ASN1_OBJECT_value(eku, i))));
		printf("\n");
		EXTENDED_KEY_USAGE_free(eku);
	}
	pathlen = X509_get_pathlen(x);
	if (X509_check_ca(x) && pathlen >= 0)
		printf("  CA:          yes, path length %ld\n", pathlen);
	else if (X509_check_ca(x))
		printf("  CA:          yes\n");
	else
		printf("  CA:          no\n");
}

static void
show_cert(struct certs_cert *c)
{
	X509 *x = c->x509;
	char text[CERTS_NAME_MAX + 64];
	uint8_t md[EVP_MAX_MD_SIZE];
	const ASN1_OCTET_STRING *kid;
	unsigned int mdlen;

	printf("certificate\n  subject:     %s\n",
	    certs_name_str(X509_get_subject_name(x), text, sizeof(text)));
	printf("  issuer:      %s%s\n",
	    certs_name_str(X509_get_issuer_name(x), text, sizeof(text)),
	    X509_self_signed(x, 0) == 1 ? " (self-signed)" : "");
	printf("  serial:      %s\n", certs_serial_str(
	    X509_get0_serialNumber(x), text, sizeof(text)));
	print_validity(X509_get0_notBefore(x), X509_get0_notAfter(x));
	printf("  key:         %s\n", certs_pkey_describe(X509_get0_pubkey(x),
	    text, sizeof(text)));
	printf("  signature:   %s\n", OBJ_nid2ln(X509_get_signature_nid(x)));
	if (certs_cert_altnames_text(c, text, sizeof(text)) > 0)
		printf("  altNames:    %s\n", text);
	print_usage_ext(x);
	if ((kid = X509_get0_subject_key_id(x)) != NULL)
		print_hex("subjkeyId:", ASN1_STRING_get0_data(kid),
		    (size_t)ASN1_STRING_length(kid));
	if ((kid = X509_get0_authority_key_id(x)) != NULL)
		print_hex("authkeyId:", ASN1_STRING_get0_data(kid),
		    (size_t)ASN1_STRING_length(kid));
	certs_cert_keyhash(c, md);
	print_hex("keyhash:", md, CERTS_KEYHASH_LEN);
	if (X509_digest(x, EVP_sha256(), md, &mdlen))
		print_hex("sha256:", md, mdlen);
}

static void
show_crl(X509_CRL *crl)
{
	STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl);
	ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL,
	    NULL);
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
	char text[CERTS_NAME_MAX], t[40];
	int days = 0, secs = 0;

	printf("CRL\n  issuer:      %s\n", certs_name_str(
	    X509_CRL_get_issuer(crl), text, sizeof(text)));
	if (num != NULL)
		printf("  number:      %ld\n", ASN1_INTEGER_get(num));
	ASN1_INTEGER_free(num);
	printf("  this update: %s\n", certs_time_str(
	    X509_CRL_get0_lastUpdate(crl), t, sizeof(t)));
	if (next == NULL)
		printf("  next update: none\n");
	else if (ASN1_TIME_diff(&days, &secs, NULL, next) &&
	    (days > 0 || (days == 0 && secs > 0)))
		printf("  next update: %s (in %d days)\n",
		    certs_time_str(next, t, sizeof(t)), days);
	else
		printf("  next update: %s (STALE for %d days: refresh it with "
		    "'uipsec pki crl')\n", certs_time_str(next, t, sizeof(t)),
		    -days);
	printf("  signature:   %s\n", OBJ_nid2ln(X509_CRL_get_signature_nid(crl)));
	printf("  revoked:     %d\n", revs ? sk_X509_REVOKED_num(revs) : 0);
	for (int i = 0; i < sk_X509_REVOKED_num(revs); i++) {
		X509_REVOKED *r = sk_X509_REVOKED_value(revs, i);
		int reason = certs_crl_entry_reason(r);

		printf("    %-36s %s  %s\n", certs_serial_str(
		    X509_REVOKED_get0_serialNumber(r), text, sizeof(text)),
		    certs_time_str(X509_REVOKED_get0_revocationDate(r), t,
		    sizeof(t)), reason >= 0 ? certs_crl_reason_name(reason) :
		    "");
	}
}

static X509_CRL *
parse_crl(const uint8_t *buf, size_t len)
{
	const unsigned char *p = buf;
	X509_CRL *crl;
	BIO *bio;

	if (memmem(buf, len, "-----BEGIN X509 CRL-----", 24) != NULL) {
		bio = BIO_new_mem_buf(buf, (int)len);
		crl = bio ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
	} else if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) != NULL &&
	    p != buf + len) {
		X509_CRL_free(crl);
		crl = NULL;
	}
	ERR_clear_error();
	return crl;
}

static enum certs_status
show_one(void *ctx, X509 *x, struct certs_err *err)
{
	struct certs_cert *c = certs_cert_wrap(x);

	if (c == NULL)
		return CERTS_ERR_INTERNAL;
	show_cert(c);
	certs_cert_free(c);
	return CERTS_OK;
}

static int
show_file(const char *path)
{
	struct certs_err err;
	X509_CRL *crl;
	uint8_t *buf;
	size_t len;
	int rc = 0;

	if (certs_read_file(path, &buf, &len, &err) != CERTS_OK) {
		pki_err("show", &err);
		return 1;
	}
	printf("%s:\n", path);
	if ((crl = parse_crl(buf, len)) != NULL) {
		show_crl(crl);
		X509_CRL_free(crl);
	} else if (certs_parse_certs(buf, len, path, show_one, NULL, &err) !=
	    CERTS_OK) {
		pki_err("show", &err);
		rc = 1;
	}
	certs_buf_free(buf, len + 1);
	return rc;
}

int
pki_show(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout,
		    "usage: uipsec pki show FILE...\n"
		    "  prints certificates (PEM or DER, bundles too) and CRLs\n");
		return argc < 2 ? 2 : 0;
	}
	for (int i = 1; i < argc; i++)
		rc |= show_file(argv[i]);
	return rc;
}
