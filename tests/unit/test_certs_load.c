/*
 * Loading certificates, chains, keys and trust stores: every key type of
 * the test PKI, encrypted keys, and broken input refused with a reason
 * that says what is wrong with it (truncated, garbage, wrong passphrase).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "certs_testlib.h"

Test(load, pem_and_der_are_the_same_certificate)
{
	struct certs_cert *pem = pki_cert("int/x509/ccu-ec.pem");
	struct certs_cert *der = pki_cert("odd/ccu-ec.der");
	size_t a, b;
	const uint8_t *pa = certs_cert_der(pem, &a), *pb = certs_cert_der(der, &b);
	char subj[CERTS_NAME_MAX], issuer[CERTS_NAME_MAX];

	cr_assert_eq(a, b);
	cr_assert_arr_eq(pa, pb, a);
	certs_cert_subject(pem, subj, sizeof(subj));
	certs_cert_issuer(pem, issuer, sizeof(issuer));
	cr_assert_str_eq(subj, "C=DE, O=uipsec test, CN=ccu-ec");
	cr_assert_str_eq(issuer, "C=DE, O=uipsec test, CN=Test Fleet CA");
	cr_assert_not(certs_cert_is_ca(pem));
	certs_cert_free(pem);
	certs_cert_free(der);
}

static void
refuse_der(const uint8_t *der, size_t len, const char *why)
{
	struct certs_cert *c = (struct certs_cert *)1;
	struct certs_err err;

	cr_assert_eq(certs_cert_from_der(der, len, &c, &err), CERTS_ERR_PARSE,
	    "%zu bytes accepted", len);
	cr_assert_null(c);
	if (why != NULL)
		expect_refusal(&err, CERTS_ERR_PARSE, why, NULL);
}

Test(load, truncated_der_is_named_truncated)
{
	uint8_t der[4096];
	long n = read_file(pki_path("odd/truncated.der"), der, sizeof(der));

	cr_assert_eq(n, 300);
	refuse_der(der, (size_t)n, "certificate is truncated: DER says");
	refuse_der(der, (size_t)n, "300 present");
}

Test(load, every_prefix_of_a_certificate_is_refused)
{
	uint8_t der[4096];
	long n = read_file(pki_path("odd/ccu-ec.der"), der, sizeof(der));

	cr_assert_gt(n, 100);
	for (long len = 0; len < n; len++)
		refuse_der(der, (size_t)len, len < 2 ? "truncated" : NULL);
}

Test(load, garbage_is_named_garbage)
{
	uint8_t buf[4096];
	long n = read_file(pki_path("odd/garbage.der"), buf, sizeof(buf));

	refuse_der(buf, (size_t)n, "is not a DER certificate: first byte "
	    "0x74, expected a SEQUENCE");
	n = read_file(pki_path("odd/random.der"), buf, sizeof(buf));
	refuse_der(buf, (size_t)n, "is not a DER certificate");
	n = read_file(pki_path("odd/junkseq.der"), buf, sizeof(buf));
	refuse_der(buf, (size_t)n, "is not a valid X.509 certificate");
}

Test(load, trailing_bytes_are_refused)
{
	uint8_t der[4096];
	long n = read_file(pki_path("odd/ccu-ec.der"), der, sizeof(der) - 3);

	memcpy(der + n, "\x00\x00\x00", 3);
	refuse_der(der, (size_t)n + 3, "3 bytes of garbage after the "
	    "certificate");
}

Test(load, file_errors_name_the_file)
{
	struct certs_cert *c;
	struct certs_err err;

	certs_cert_load("/nonexistent/x.pem", &c, &err);
	expect_refusal(&err, CERTS_ERR_IO, "cannot open /nonexistent/x.pem",
	    NULL);
	certs_cert_load(pki_path("int/private/ccu-ec.pem"), &c, &err);
	expect_refusal(&err, CERTS_ERR_PARSE, "holds no PEM CERTIFICATE block",
	    NULL);
	certs_cert_load(tmp_write("broken.pem", "-----BEGIN CERTIFICATE-----\n"
	    "MIIB!!!notbase64\n-----END CERTIFICATE-----\n", 68), &c, &err);
	cr_assert_eq(err.status, CERTS_ERR_PARSE, "%s", err.reason);
}

Test(load, bundle_loads_as_chain_in_order)
{
	struct certs_chain *chain;
	struct certs_err err;
	char subj[CERTS_NAME_MAX], path[512];

	snprintf(path, sizeof(path), "%s/bundle.pem", tmp_dir());
	cr_assert_eq(run("cat %s %s > %s", pki_path("int/x509/ccu-ec.pem"),
	    pki_path("int/ca/cert.pem"), path), 0);
	cr_assert_eq(certs_chain_load(path, &chain, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(certs_chain_len(chain), 2);
	certs_cert_subject(certs_chain_get(chain, 1), subj, sizeof(subj));
	cr_assert_str_eq(subj, "C=DE, O=uipsec test, CN=Test Fleet CA");
	cr_assert(certs_cert_is_ca(certs_chain_get(chain, 1)));
	cr_assert_null(certs_chain_get(chain, 2));
	certs_chain_free(chain);
}

/* Every key type: loads, reports its type, matches its certificate only. */
Test(load, keys_of_every_type_match_their_certificates)
{
	static const struct { const char *name; enum certs_key_type type;
	    const char *text; } keys[] = {
		{ "ccu-ec", CERTS_KEY_ECDSA_P256, "ECDSA P-256" },
		{ "vpn-ec384", CERTS_KEY_ECDSA_P384, "ECDSA P-384" },
		{ "ccu-p521", CERTS_KEY_ECDSA_P521, "ECDSA P-521" },
		{ "ccu-rsa", CERTS_KEY_RSA, "RSA 2048" },
		{ "vpn-rsa4096", CERTS_KEY_RSA, "RSA 4096" },
		{ "ccu-ed", CERTS_KEY_ED25519, "Ed25519" },
	};
	struct certs_cert *other = pki_cert("int/x509/ccu-ec.pem");
	char rel[128], text[32];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct certs_key *k;
		struct certs_cert *c;

		snprintf(rel, sizeof(rel), "int/private/%s.pem", keys[i].name);
		k = pki_key(rel);
		snprintf(rel, sizeof(rel), "int/x509/%s.pem", keys[i].name);
		c = pki_cert(rel);
		cr_assert_eq(certs_key_type(k), keys[i].type);
		cr_assert_str_eq(certs_key_describe(k, text, sizeof(text)),
		    keys[i].text);
		cr_assert(certs_key_matches_cert(k, c), "%s", keys[i].name);
		cr_assert_eq(certs_key_matches_cert(k, other), i == 0);
		certs_key_free(k);
		certs_cert_free(c);
	}
	certs_cert_free(other);
}

Test(load, encrypted_key_needs_the_right_passphrase)
{
	const char *key = pki_path("int/private/ccu-enc.pem");
	struct certs_cert *cert = pki_cert("int/x509/ccu-enc.pem");
	struct certs_key *k;
	struct certs_err err;

	certs_key_load(key, NULL, &k, &err);
	expect_refusal(&err, CERTS_ERR_KEY, "is encrypted: a passphrase file "
	    "is needed", NULL);
	certs_key_load(key, pki_path("wrongpass.txt"), &k, &err);
	expect_refusal(&err, CERTS_ERR_KEY, "wrong passphrase", NULL);
	cr_assert_null(k);
	cr_assert_eq(certs_key_load(key, pki_path("pass.txt"), &k, &err),
	    CERTS_OK, "%s", err.reason);
	cr_assert(certs_key_matches_cert(k, cert));
	certs_key_free(k);
	certs_cert_free(cert);
}

Test(load, traditional_and_der_keys_load)
{
	struct certs_key *k;
	struct certs_err err;
	char trad[512], der[512], enc[512];

	snprintf(trad, sizeof(trad), "%s/trad.pem", tmp_dir());
	snprintf(der, sizeof(der), "%s/key.der", tmp_dir());
	snprintf(enc, sizeof(enc), "%s/trad-enc.pem", tmp_dir());
	cr_assert_eq(run("openssl pkey -in %s -traditional -out %s && "
	    "openssl pkey -in %s -outform DER -out %s && "
	    "openssl pkey -in %s -traditional -aes256 -passout file:%s -out %s",
	    pki_path("int/private/ccu-rsa.pem"), trad,
	    pki_path("int/private/ccu-ec.pem"), der,
	    pki_path("int/private/vpn-ec384.pem"), pki_path("pass.txt"), enc),
	    0);
	/* RFC 1421 style: "Proc-Type: 4,ENCRYPTED" and a DEK-Info line */
	cr_assert_eq(run("grep -q 'Proc-Type: 4,ENCRYPTED' %s", enc), 0);
	certs_key_load(enc, NULL, &k, &err);
	expect_refusal(&err, CERTS_ERR_KEY, "passphrase file is needed", NULL);
	cr_assert_eq(certs_key_load(enc, pki_path("pass.txt"), &k, &err),
	    CERTS_OK, "%s", err.reason);
	cr_assert_eq(certs_key_type(k), CERTS_KEY_ECDSA_P384);
	certs_key_free(k);
	cr_assert_eq(certs_key_load(trad, NULL, &k, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(certs_key_type(k), CERTS_KEY_RSA);
	certs_key_free(k);
	cr_assert_eq(certs_key_load(der, NULL, &k, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(certs_key_type(k), CERTS_KEY_ECDSA_P256);
	certs_key_free(k);
}

/* Keys outside the policy are refused with what they are. */
Test(load, weak_and_foreign_keys_are_refused)
{
	static const struct { const char *genpkey, *why; } bad[] = {
		{ "-algorithm RSA -pkeyopt rsa_keygen_bits:1024",
		    "is RSA 1024: only RSA 2048..4096" },
		{ "-algorithm EC -pkeyopt ec_paramgen_curve:P-224",
		    "is on curve secp224r1" },
		{ "-algorithm ED448", "is a ED448 key" },
	};
	char path[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct certs_key *k;
		struct certs_err err;

		snprintf(path, sizeof(path), "%s/bad%zu.pem", tmp_dir(), i);
		cr_assert_eq(run("openssl genpkey %s -out %s 2>/dev/null",
		    bad[i].genpkey, path), 0);
		certs_key_load(path, NULL, &k, &err);
		expect_refusal(&err, CERTS_ERR_KEY, bad[i].why, NULL);
	}
}

Test(load, garbage_key_is_refused)
{
	struct certs_key *k;
	struct certs_err err;

	certs_key_load(pki_path("odd/garbage.der"), NULL, &k, &err);
	expect_refusal(&err, CERTS_ERR_PARSE, "holds no private key", NULL);
}

Test(load, store_names_the_broken_file)
{
	struct certs_store *s;
	struct certs_err err;
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/tree", tmp_dir());
	cr_assert_eq(run("mkdir -p %s/x509ca && cp %s %s/x509ca/",
	    dir, pki_path("odd/truncated.der"), dir), 0);
	cr_assert_eq(certs_store_new(&s, &err), CERTS_OK);
	certs_store_load_dir(s, dir, &err);
	expect_refusal(&err, CERTS_ERR_PARSE, "x509ca/truncated.der is "
	    "truncated", NULL);
	certs_store_free(s);
}

Test(load, store_of_the_trust_tree)
{
	struct certs_store *s = pki_trust();

	/* x509ca/ holds the root only: the Fleet CA in x509/ is an
	 * intermediate, not an anchor. */
	cr_assert_eq(certs_store_anchor_count(s), 1);
	certs_store_free(s);
}
