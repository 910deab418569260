/*
 * The store's memory of CRL checks (certs/crl_once.c): a CRL's signature
 * is checked once per issuer certificate, not at every validation — and
 * nothing a full check would refuse gets through: a CRL with a bad
 * signature is refused every time, a remembered CRL still revokes, still
 * goes stale (strict), and the memory ends when the store changes.
 */
#include <criterion/criterion.h>

#include "certs/certs_internal.h"
#include "certs_testlib.h"

#define DAY	86400L

static size_t
seen(const struct certs_store *s)
{
	size_t n = 0;

	for (size_t i = 0; i < CERTS_CRL_SEEN_MAX; i++)
		n += s->crl_memo->seen[i].crl != NULL;
	return n;
}

/* certs_verify (no memory of chains) of file, and of the CA certificate
 * ca if not NULL, at now + at. */
static enum certs_status
verify_chain(const struct certs_store *s, const char *file, const char *ca,
    long at, bool strict, struct certs_err *err)
{
	struct certs_chain *chain = pki_chain(file, ca, NULL);
	struct certs_verify_opts opts = { .crl_strict = strict };
	enum certs_status st;

	if (at != 0)
		opts.at = time(NULL) + at;
	st = certs_verify(s, chain, &opts, NULL, err);
	certs_chain_free(chain);
	return st;
}

/* The store's CRL issued by the Fleet CA. */
static X509_CRL *
fleet_crl(struct certs_store *s)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(s->x509);
	char name[CERTS_NAME_MAX];
	X509_CRL *crl;

	for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objs, i));
		if (crl != NULL && strstr(certs_name_str(
		    X509_CRL_get_issuer(crl), name, sizeof(name)),
		    "CN=Test Fleet CA") != NULL)
			return crl;
	}
	cr_assert_fail("no CRL of the Fleet CA in the store");
	return NULL;
}

Test(crl_once, signature_checked_once_until_the_store_changes)
{
	struct certs_store *s = pki_trust();
	const ASN1_BIT_STRING *sig;
	struct certs_err err;

	cr_assert_eq(verify_chain(s, "int/x509/ccu-ec.pem", NULL, 0, true,
	    &err), CERTS_OK, "%s", err.reason);
	/* The Fleet CA's CRL for a CCU; the root's for a CA (the Fleet CA,
	 * and the root itself under CRL_CHECK_ALL). */
	cr_assert_eq(seen(s), 2);
	/* Break the remembered CRL's signature in memory: the next chain of
	 * that CA passes without it being checked again... */
	X509_CRL_get0_signature(fleet_crl(s), &sig, NULL);
	((ASN1_BIT_STRING *)sig)->data[sig->length - 1] ^= 1;
	cr_assert_eq(verify_chain(s, "int/x509/ccu-rsa.pem", NULL, 0, true,
	    &err), CERTS_OK, "%s", err.reason);
	cr_assert_eq(seen(s), 2);
	/* ...until the store changes: then it is checked, and refused. */
	cr_assert_eq(certs_store_add_anchor_file(s,
	    pki_path("root/x509ca/test-root-ca.pem"), &err), CERTS_OK);
	cr_assert_eq(seen(s), 0);
	verify_chain(s, "int/x509/ccu-rsa.pem", NULL, 0, true, &err);
	expect_refusal(&err, CERTS_ERR_CRL, "CRL of C=DE, O=uipsec test, "
	    "CN=Test Fleet CA has a bad signature", NULL);
	certs_store_free(s);
}

Test(crl_once, bad_signature_refused_every_time)
{
	struct certs_store *s = pki_root_store(true, "odd/tampered.crl");
	struct certs_err err;

	for (int i = 0; i < 3; i++) {
		verify_chain(s, i == 1 ? "int/x509/ccu-rsa.pem" :
		    "int/x509/ccu-ec.pem", NULL, 0, false, &err);
		expect_refusal(&err, CERTS_ERR_CRL, "CRL of C=DE, O=uipsec "
		    "test, CN=Test Fleet CA has a bad signature", NULL);
	}
	cr_assert_eq(seen(s), 0);
	certs_store_free(s);
}

Test(crl_once, remembered_crl_still_revokes)
{
	struct certs_store *s = pki_trust();
	struct certs_err err;

	for (int i = 0; i < 2; i++) {
		cr_assert_eq(verify_chain(s, "int/x509/ccu-ec.pem", NULL, 0,
		    false, &err), CERTS_OK, "%s", err.reason);
		verify_chain(s, "odd/revoked.pem", NULL, 0, false, &err);
		expect_refusal(&err, CERTS_ERR_REVOKED, "CN=revoked revoked by "
		    "CRL of C=DE, O=uipsec test, CN=Test Fleet CA",
		    "keyCompromise", NULL);
		/* A CA the root's (remembered) CRL revokes. */
		verify_chain(s, "int2/x509/orphan.pem",
		    "int2/x509/old-fleet-ca.pem", 0, false, &err);
		expect_refusal(&err, CERTS_ERR_REVOKED, "CN=Old Fleet CA "
		    "revoked by CRL of C=DE, O=uipsec test, CN=Test Root CA",
		    "cACompromise", NULL);
	}
	certs_store_free(s);
}

Test(crl_once, remembered_crl_goes_stale)
{
	struct certs_store *s = pki_trust();
	struct certs_err err;

	cr_assert_eq(verify_chain(s, "int/x509/ccu-ec.pem", NULL, 0, true,
	    &err), CERTS_OK, "%s", err.reason);
	cr_assert_eq(seen(s), 2);
	verify_chain(s, "int/x509/ccu-ec.pem", NULL, 30 * DAY, true, &err);
	expect_refusal(&err, CERTS_ERR_CRL, "CRL of C=DE, O=uipsec test, "
	    "CN=Test Fleet CA is stale", "strict", NULL);
	/* Lenient: a stale CRL does not refuse, but still revokes. */
	cr_assert_eq(verify_chain(s, "int/x509/ccu-ec.pem", NULL, 30 * DAY,
	    false, &err), CERTS_OK, "%s", err.reason);
	verify_chain(s, "odd/revoked.pem", NULL, 30 * DAY, false, &err);
	expect_refusal(&err, CERTS_ERR_REVOKED, "CN=revoked revoked by CRL",
	    NULL);
	/* Before the CRL was issued (strict: not valid yet). */
	verify_chain(s, "int/x509/ccu-ec.pem", NULL, -2 * DAY, true, &err);
	expect_refusal(&err, CERTS_ERR_CRL, "CRL of C=DE, O=uipsec test, "
	    "CN=Test Fleet CA is not valid before", NULL);
	certs_store_free(s);
}
