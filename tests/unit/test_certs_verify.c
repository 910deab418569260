/*
 * Chain validation over the test PKI (tests/certs/make_pki.sh): every
 * certificate a concentrator must accept, and every one it must refuse,
 * each with the reason a person reads.
 */
#include <stdio.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "certs_testlib.h"

#define DAY	86400L

struct verify_case {
	const char		*name;
	const char		*files[3];	/* end entity first */
	long			 at;		/* seconds from now; 0 = now */
	bool			 strict;
	enum certs_status	 want;
	const char		*reason[3];	/* substrings of the reason */
};

static const struct verify_case cases[] = {
	{ "ccu ECDSA P-256", { "int/x509/ccu-ec.pem" }, 0, true, CERTS_OK,
	    { NULL } },
	{ "ccu RSA 2048", { "int/x509/ccu-rsa.pem" }, 0, true, CERTS_OK,
	    { NULL } },
	{ "ccu Ed25519", { "int/x509/ccu-ed.pem" }, 0, true, CERTS_OK,
	    { NULL } },
	{ "ccu ECDSA P-521", { "int/x509/ccu-p521.pem" }, 0, true, CERTS_OK,
	    { NULL } },
	{ "concentrator ECDSA P-384", { "int/x509/vpn-ec384.pem" }, 0, true,
	    CERTS_OK, { NULL } },
	{ "concentrator RSA 4096", { "int/x509/vpn-rsa4096.pem" }, 0, true,
	    CERTS_OK, { NULL } },
	{ "peer sends its intermediate", { "int/x509/ccu-ec.pem",
	    "int/ca/cert.pem" }, 0, true, CERTS_OK, { NULL } },
	{ "expired", { "int/x509/expired.pem" }, 0, false, CERTS_ERR_EXPIRED,
	    { "certificate for C=DE, O=uipsec test, CN=expired expired "
	    "2021-03-01" } },
	{ "expires while we wait", { "int/x509/ccu-ec.pem" }, 6 * 365 * DAY,
	    false, CERTS_ERR_EXPIRED, { "CN=ccu-ec expired 20" } },
	{ "not yet valid", { "int/x509/notyet.pem" }, 0, false,
	    CERTS_ERR_NOT_YET_VALID, { "CN=notyet is not valid before 20",
	    "-01-01 00:00 UTC" } },
	{ "wrong issuer", { "other/x509/stranger.pem" }, 0, false,
	    CERTS_ERR_UNTRUSTED, { "issuer C=DE, O=uipsec test, CN=Other CA "
	    "not trusted", "CN=stranger" } },
	{ "self-signed end entity", { "odd/selfie.pem" }, 0, false,
	    CERTS_ERR_UNTRUSTED, { "CN=selfie is self-signed and not a trust "
	    "anchor" } },
	{ "forged signature", { "odd/forged.pem" }, 0, false,
	    CERTS_ERR_SIGNATURE, { "signature on the certificate for "
	    "C=DE, O=uipsec test, CN=forged does not verify",
	    "CN=Test Fleet CA" } },
	{ "revoked", { "odd/revoked.pem" }, 0, false, CERTS_ERR_REVOKED,
	    { "certificate for C=DE, O=uipsec test, CN=revoked revoked by CRL "
	    "of C=DE, O=uipsec test, CN=Test Fleet CA, serial 0x",
	    "keyCompromise" } },
	{ "revoked intermediate", { "int2/x509/orphan.pem",
	    "int2/x509/old-fleet-ca.pem" }, 0, false, CERTS_ERR_REVOKED,
	    { "CN=Old Fleet CA revoked by CRL of C=DE, O=uipsec test, "
	    "CN=Test Root CA", "cACompromise" } },
	{ "keyUsage without digitalSignature", { "odd/badku.pem" }, 0, false,
	    CERTS_ERR_USAGE, { "CN=badku may not sign (keyUsage lacks "
	    "digitalSignature)" } },
	{ "extendedKeyUsage not for IKE", { "odd/badeku.pem" }, 0, false,
	    CERTS_ERR_USAGE, { "CN=badeku is not for IKE" } },
	{ "end entity used as CA", { "odd/notca.pem", "int/x509/ccu-ec.pem" },
	    0, false, CERTS_ERR_USAGE, { "CN=ccu-ec issues certificates but is "
	    "not a CA" } },
	{ "SHA-1 signature", { "odd/sha1.pem" }, 0, false,
	    CERTS_ERR_UNSUPPORTED, { "CN=sha1 uses weak cryptography" } },
	{ "stale CRL, strict", { "int/x509/ccu-ec.pem" }, 30 * DAY, true,
	    CERTS_ERR_CRL, { "CRL of C=DE, O=uipsec test, CN=Test Fleet CA is "
	    "stale: its next update was due 20" } },
	{ "stale CRL, lenient", { "int/x509/ccu-ec.pem" }, 30 * DAY, false,
	    CERTS_OK, { NULL } },
	{ "revoked, stale CRL, lenient", { "odd/revoked.pem" }, 30 * DAY,
	    false, CERTS_ERR_REVOKED, { "CN=revoked revoked by CRL" } },
};
#define NCASES	(sizeof(cases) / sizeof(cases[0]))

ParameterizedTestParameters(verify, table)
{
	static int idx[NCASES];

	for (size_t i = 0; i < NCASES; i++)
		idx[i] = (int)i;
	return cr_make_param_array(int, idx, NCASES);
}

ParameterizedTest(int *i, verify, table)
{
	const struct verify_case *c = &cases[*i];
	struct certs_verify_opts opts = { .crl_strict = c->strict };
	struct certs_store *store = pki_trust();
	struct certs_chain *chain = pki_chain(c->files[0], c->files[1],
	    c->files[2], NULL);
	struct certs_verify_info info;
	char anchor[CERTS_NAME_MAX];
	struct certs_err err;

	if (c->at != 0)
		opts.at = time(NULL) + c->at;
	cr_log_info("case: %s", c->name);
	certs_verify(store, chain, &opts, &info, &err);
	if (c->want == CERTS_OK) {
		cr_assert_eq(err.status, CERTS_OK, "%s: %s", c->name,
		    err.reason);
		cr_assert_eq(info.depth, 3);
		cr_assert_str_eq(certs_verify_anchor(&info, anchor,
		    sizeof(anchor)),
		    "C=DE, O=uipsec test, CN=Test Root CA");
	} else {
		expect_refusal(&err, c->want, c->reason[0], c->reason[1],
		    c->reason[2], NULL);
	}
	certs_chain_free(chain);
	certs_store_free(store);
}

Test(verify, missing_intermediate_is_named)
{
	struct certs_store *s = pki_root_store(false, NULL);
	struct certs_chain *chain = pki_chain("int/x509/ccu-ec.pem", NULL);
	struct certs_err err;

	certs_verify(s, chain, NULL, NULL, &err);
	expect_refusal(&err, CERTS_ERR_UNTRUSTED, "issuer C=DE, O=uipsec test, "
	    "CN=Test Fleet CA not trusted", NULL);
	certs_chain_free(chain);
	certs_store_free(s);
}

Test(verify, strict_refuses_missing_crl_lenient_accepts)
{
	struct certs_store *s = pki_root_store(true, NULL);
	struct certs_chain *chain = pki_chain("int/x509/ccu-ec.pem", NULL);
	struct certs_verify_opts strict = { .crl_strict = true };
	struct certs_err err;

	cr_assert_eq(certs_verify(s, chain, NULL, NULL, &err), CERTS_OK, "%s",
	    err.reason);
	certs_verify(s, chain, &strict, NULL, &err);
	expect_refusal(&err, CERTS_ERR_CRL, "no CRL of C=DE, O=uipsec test, "
	    "CN=Test Fleet CA", "CN=ccu-ec", "strict", NULL);
	certs_chain_free(chain);
	certs_store_free(s);
}

Test(verify, crl_with_bad_signature_is_refused)
{
	struct certs_store *s = pki_root_store(true, "odd/tampered.crl");
	struct certs_chain *chain = pki_chain("int/x509/ccu-ec.pem", NULL);
	struct certs_err err;

	certs_verify(s, chain, NULL, NULL, &err);
	expect_refusal(&err, CERTS_ERR_CRL, "CRL of C=DE, O=uipsec test, "
	    "CN=Test Fleet CA has a bad signature", NULL);
	certs_chain_free(chain);
	certs_store_free(s);
}

Test(verify, trusted_intermediate_is_an_anchor)
{
	/* As swanctl's x509ca/: whatever is configured there is trusted. */
	struct certs_store *s;
	struct certs_chain *chain = pki_chain("int/x509/ccu-rsa.pem", NULL);
	struct certs_verify_info info;
	char anchor[CERTS_NAME_MAX];
	struct certs_err err;

	cr_assert_eq(certs_store_new(&s, &err), CERTS_OK);
	cr_assert_eq(certs_store_add_anchor_file(s, pki_path("int/ca/cert.pem"),
	    &err), CERTS_OK);
	cr_assert_eq(certs_verify(s, chain, NULL, &info, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(info.depth, 2);
	cr_assert_str_eq(certs_verify_anchor(&info, anchor, sizeof(anchor)),
	    "C=DE, O=uipsec test, CN=Test Fleet CA");
	certs_chain_free(chain);
	certs_store_free(s);
}

/* An anchor whose subject has more DER than certs_verify_info keeps
 * (CERTS_ANCHOR_DER_MAX): its text is kept instead, cut at
 * CERTS_NAME_MAX as every anchor's text is. */
Test(verify, anchor_with_a_long_subject)
{
	struct certs_store *s;
	struct certs_chain *chain;
	struct certs_verify_info info;
	char anchor[CERTS_NAME_MAX], want[CERTS_NAME_MAX];
	struct certs_cert *ca;
	struct certs_err err;
	const char *d = tmp_dir();

	cr_assert_eq(run("cd %s && o=$(printf 'o%%.0s' $(seq 1 50)) && "
	    "subj=\"/C=DE/O=uipsec test\" && for i in 1 2 3 4 5 6 7 8 9 10; do "
	    "subj=\"$subj/OU=unit $i $o\"; done && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout ca.key -out long-ca.pem -days 2 "
	    "-subj \"$subj/CN=Long\" "
	    "-addext basicConstraints=critical,CA:TRUE "
	    "-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null && "
	    "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout ee.key -subj /CN=ee 2>/dev/null | "
	    "openssl x509 -req -CA long-ca.pem -CAkey ca.key -days 1 "
	    "-set_serial 7 -out long-ee.pem 2>/dev/null", d), 0);
	cr_assert_eq(certs_store_new(&s, &err), CERTS_OK);
	snprintf(want, sizeof(want), "%s/long-ca.pem", d);
	cr_assert_eq(certs_store_add_anchor_file(s, want, &err), CERTS_OK,
	    "%s", err.reason);
	cr_assert_eq(certs_cert_load(want, &ca, &err), CERTS_OK);
	snprintf(want, sizeof(want), "%s/long-ee.pem", d);
	cr_assert_eq(certs_chain_load(want, &chain, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(certs_verify(s, chain, NULL, &info, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert(info.anchor_is_text);
	certs_cert_subject(ca, want, sizeof(want));
	cr_assert_eq(strlen(want), CERTS_NAME_MAX - 1);
	cr_assert_str_eq(certs_verify_anchor(&info, anchor, sizeof(anchor)),
	    want);
	certs_cert_free(ca);
	certs_chain_free(chain);
	certs_store_free(s);
}

Test(verify, empty_chain_is_refused)
{
	struct certs_store *s = pki_trust();
	struct certs_chain *chain;
	struct certs_err err;

	cr_assert_eq(certs_chain_new(&chain, &err), CERTS_OK);
	cr_assert_eq(certs_verify(s, chain, NULL, NULL, &err), CERTS_ERR_PARSE);
	certs_chain_free(chain);
	certs_store_free(s);
}

Test(verify, certreq_lists_the_anchor_key_hash)
{
	/* RFC 7296 §3.7: SHA-1 of the anchor's SubjectPublicKeyInfo, checked
	 * against openssl's DER of the public key. */
	struct certs_store *s = pki_trust();
	struct certs_cert *root = pki_cert("root/x509ca/test-root-ca.pem");
	uint8_t field[64], hash[CERTS_KEYHASH_LEN], want[64];
	struct certs_err err;
	char out[512];
	size_t len;
	long n;

	cr_assert_eq(certs_store_certreq(s, field, sizeof(field), &len, &err),
	    CERTS_OK);
	cr_assert_eq(len, CERTS_KEYHASH_LEN);
	snprintf(out, sizeof(out), "%s/spki.sha1", tmp_dir());
	cr_assert_eq(run("openssl x509 -in %s -noout -pubkey | openssl pkey "
	    "-pubin -outform DER | openssl dgst -sha1 -binary > %s",
	    pki_path("root/x509ca/test-root-ca.pem"), out), 0);
	n = read_file(out, want, sizeof(want));
	cr_assert_eq(n, CERTS_KEYHASH_LEN);
	cr_assert_arr_eq(field, want, CERTS_KEYHASH_LEN);
	certs_cert_keyhash(root, hash);
	cr_assert_arr_eq(hash, want, CERTS_KEYHASH_LEN);
	cr_assert(certs_certreq_lists(field, len, hash));
	hash[0] ^= 1;
	cr_assert_not(certs_certreq_lists(field, len, hash));
	cr_assert_not(certs_certreq_lists(field, len - 1, want));
	certs_cert_free(root);
	certs_store_free(s);
}

Test(verify, own_chain_is_completed_with_the_intermediate)
{
	/* The CCU sends its intermediate; the concentrator knows the root. */
	struct certs_store *ccu = pki_trust(), *conc = pki_root_store(false, NULL);
	struct certs_chain *chain = pki_chain("int/x509/ccu-ec.pem", NULL);
	struct certs_err err;
	char subj[CERTS_NAME_MAX];

	cr_assert_eq(certs_store_complete_chain(ccu, chain, &err), CERTS_OK);
	cr_assert_eq(certs_chain_len(chain), 2, "root must not be sent");
	certs_cert_subject(certs_chain_get(chain, 1), subj, sizeof(subj));
	cr_assert_str_eq(subj, "C=DE, O=uipsec test, CN=Test Fleet CA");
	cr_assert_eq(certs_verify(conc, chain, NULL, NULL, &err), CERTS_OK,
	    "%s", err.reason);
	cr_assert_eq(certs_store_complete_chain(ccu, chain, &err), CERTS_OK);
	cr_assert_eq(certs_chain_len(chain), 2, "completed twice");
	certs_chain_free(chain);
	certs_store_free(ccu);
	certs_store_free(conc);
}
