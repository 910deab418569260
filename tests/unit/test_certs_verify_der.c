/*
 * certs_verify_der(): the DER a peer sent, validated as certs_verify()
 * validates it, and the store's memory of chains that passed — which must
 * never accept what a full validation at that moment would refuse: a
 * remembered chain that expired, whose CRL went stale (strict), or that a
 * CRL added since revokes.
 */
#include <criterion/criterion.h>

#include "certs/certs_internal.h"
#include "certs_testlib.h"

#define DAY	86400L

/* The DER of each certificate of a chain, borrowed from it. */
static size_t
ders_of(const struct certs_chain *chain, struct certs_der *out)
{
	size_t n = certs_chain_len(chain);

	for (size_t i = 0; i < n; i++)
		out[i].p = certs_cert_der(certs_chain_get(chain, i),
		    &out[i].len);
	return n;
}

static size_t
remembered(const struct certs_store *s)
{
	size_t n = 0;

	for (size_t i = 0; i < CERTS_VERIFIED_MAX; i++)
		n += s->verified[i].sent != NULL;
	return n;
}

/* certs_verify_der of the chain in files (NULL-terminated, at most 3) at
 * now + at seconds; the end entity it returns is freed here. */
static enum certs_status
verify_files(struct certs_store *s, long at, bool strict,
    struct certs_verify_info *info, struct certs_err *err, const char *f0,
    const char *f1)
{
	struct certs_chain *chain = pki_chain(f0, f1, NULL);
	struct certs_verify_opts opts = { .crl_strict = strict };
	struct certs_der ders[3];
	struct certs_cert *ee = NULL;
	enum certs_status st;

	if (at != 0)
		opts.at = time(NULL) + at;
	st = certs_verify_der(s, ders, ders_of(chain, ders), &opts, info, &ee,
	    err);
	if (st == CERTS_OK) {
		cr_assert_not_null(ee);
		cr_assert_eq(X509_cmp(ee->x509,
		    certs_chain_get(chain, 0)->x509), 0);
	} else {
		cr_assert_null(ee);
	}
	certs_chain_free(chain);
	certs_cert_free(ee);
	return st;
}

Test(verify_der, same_chain_is_remembered_once)
{
	struct certs_store *s = pki_trust();
	struct certs_verify_info info;
	char anchor[CERTS_NAME_MAX];
	struct certs_err err;

	for (int i = 0; i < 3; i++) {
		memset(&info, 0, sizeof(info));
		cr_assert_eq(verify_files(s, 0, true, &info, &err,
		    "int/x509/ccu-ec.pem", NULL), CERTS_OK, "%s", err.reason);
		cr_assert_eq(info.depth, 3);
		cr_assert_str_eq(certs_verify_anchor(&info, anchor,
		    sizeof(anchor)),
		    "C=DE, O=uipsec test, CN=Test Root CA");
		cr_assert_eq(remembered(s), 1);
	}
	/* The same end entity with its intermediate is another chain. */
	cr_assert_eq(verify_files(s, 0, true, &info, &err,
	    "int/x509/ccu-ec.pem", "int/ca/cert.pem"), CERTS_OK);
	cr_assert_eq(remembered(s), 2);
	certs_store_free(s);
}

Test(verify_der, refused_chain_is_not_remembered)
{
	struct certs_store *s = pki_trust();
	struct certs_err err;

	for (int i = 0; i < 2; i++) {
		verify_files(s, 0, false, NULL, &err, "odd/revoked.pem", NULL);
		expect_refusal(&err, CERTS_ERR_REVOKED, "CN=revoked revoked by "
		    "CRL", "keyCompromise", NULL);
	}
	verify_files(s, 0, false, NULL, &err, "odd/forged.pem", NULL);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "CN=forged does not verify",
	    NULL);
	cr_assert_eq(remembered(s), 0);
	certs_store_free(s);
}

Test(verify_der, remembered_chain_still_expires)
{
	struct certs_store *s = pki_trust();
	struct certs_err err;

	cr_assert_eq(verify_files(s, 0, false, NULL, &err,
	    "int/x509/ccu-ec.pem", NULL), CERTS_OK, "%s", err.reason);
	verify_files(s, 6 * 365 * DAY, false, NULL, &err,
	    "int/x509/ccu-ec.pem", NULL);
	expect_refusal(&err, CERTS_ERR_EXPIRED, "CN=ccu-ec expired 20", NULL);
	cr_assert_eq(verify_files(s, 0, false, NULL, &err,
	    "int/x509/ccu-ec.pem", NULL), CERTS_OK, "%s", err.reason);
	certs_store_free(s);
}

Test(verify_der, remembered_chain_refused_when_its_crl_is_stale_strict)
{
	struct certs_store *s = pki_trust();
	struct certs_err err;

	cr_assert_eq(verify_files(s, 0, true, NULL, &err,
	    "int/x509/ccu-ec.pem", NULL), CERTS_OK, "%s", err.reason);
	verify_files(s, 30 * DAY, true, NULL, &err, "int/x509/ccu-ec.pem",
	    NULL);
	expect_refusal(&err, CERTS_ERR_CRL, "CN=Test Fleet CA is stale", NULL);
	/* lenient: a stale CRL does not refuse */
	cr_assert_eq(verify_files(s, 30 * DAY, false, NULL, &err,
	    "int/x509/ccu-ec.pem", NULL), CERTS_OK, "%s", err.reason);
	certs_store_free(s);
}

Test(verify_der, crl_added_later_revokes_a_remembered_chain)
{
	struct certs_store *s = pki_root_store(true, NULL);
	struct certs_err err;

	/* No CRL yet: lenient accepts the (revoked) certificate. */
	cr_assert_eq(verify_files(s, 0, false, NULL, &err, "odd/revoked.pem",
	    NULL), CERTS_OK, "%s", err.reason);
	cr_assert_eq(remembered(s), 1);
	cr_assert_eq(certs_store_add_crl_file(s,
	    pki_path("int/x509crl/test-fleet-ca.crl"), &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(remembered(s), 0);
	verify_files(s, 0, false, NULL, &err, "odd/revoked.pem", NULL);
	expect_refusal(&err, CERTS_ERR_REVOKED, "CN=revoked revoked by CRL",
	    NULL);
	certs_store_free(s);
}

Test(verify_der, no_certificate_is_refused)
{
	struct certs_store *s = pki_trust();
	struct certs_cert *ee = NULL;
	struct certs_err err;

	cr_assert_eq(certs_verify_der(s, NULL, 0, NULL, NULL, &ee, &err),
	    CERTS_ERR_PARSE);
	cr_assert_null(ee);
	certs_store_free(s);
}

Test(verify_der, garbage_is_refused)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	struct certs_der d = { junk, sizeof(junk) };
	struct certs_store *s = pki_trust();
	struct certs_cert *ee = NULL;
	struct certs_err err;

	cr_assert_eq(certs_verify_der(s, &d, 1, NULL, NULL, &ee, &err),
	    CERTS_ERR_PARSE);
	cr_assert_null(ee);
	cr_assert_eq(remembered(s), 0);
	certs_store_free(s);
}
