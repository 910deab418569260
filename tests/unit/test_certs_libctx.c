/*
 * The library context certificates are parsed in (certs/libctx.c): the
 * key types we accept are decoded there (the cheap way), and a
 * certificate with any other key still parses (in the default context)
 * and is refused for its key, as before.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "certs/certs_internal.h"
#include "certs_testlib.h"

static const char *
provider_of(const struct certs_cert *cert)
{
	EVP_PKEY *pkey = X509_get0_pubkey(cert->x509);

	cr_assert_not_null(pkey);
	return OSSL_PROVIDER_get0_name(EVP_PKEY_get0_provider(pkey));
}

Test(libctx, accepted_key_types_parse_in_the_context_of_their_type)
{
	static const struct {
		const char		*file;
		enum certs_spki_type	 type;
		const char		*provider;
	} certs[] = {
		{ "int/x509/ccu-ec.pem", CERTS_SPKI_EC, "uipsec-certs-ec" },
		{ "int/x509/ccu-rsa.pem", CERTS_SPKI_RSA, "uipsec-certs-rsa" },
		{ "int/x509/ccu-ed.pem", CERTS_SPKI_ED25519,
		    "uipsec-certs-ed25519" },
		{ "int/x509/ccu-p521.pem", CERTS_SPKI_EC, "uipsec-certs-ec" },
		{ "int/x509/vpn-rsa4096.pem", CERTS_SPKI_RSA,
		    "uipsec-certs-rsa" },
		{ "int/ca/cert.pem", CERTS_SPKI_RSA, "uipsec-certs-rsa" },
		{ "root/x509ca/test-root-ca.pem", CERTS_SPKI_EC,
		    "uipsec-certs-ec" },
	};
	struct certs_cert *cert;
	const uint8_t *der;
	size_t len;

	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
		cr_assert_not_null(certs_libctx(certs[i].type));
		cert = pki_cert(certs[i].file);
		der = certs_cert_der(cert, &len);
		cr_assert_eq(certs_spki_type(der, len), certs[i].type, "%s",
		    certs[i].file);
		cr_assert_str_eq(provider_of(cert), certs[i].provider, "%s",
		    certs[i].file);
		cr_assert_eq(certs_pkey_libctx(X509_get0_pubkey(cert->x509)),
		    certs_libctx(certs[i].type), "%s", certs[i].file);
		certs_cert_free(cert);
	}
	cr_assert_null(certs_libctx(CERTS_SPKI_OTHER));
}

/* The key type is only read where it is in a whole certificate: a
 * truncated one, one with a long-form tag or length, or any other DER is
 * OTHER (and parsed, or refused, in the default context). */
Test(libctx, spki_type_of_anything_else_is_other)
{
	struct certs_cert *cert = pki_cert("int/x509/ccu-rsa.pem");
	static const uint8_t seq_long[] = { 0x30, 0x83, 0x00, 0x00, 0x01, 0 };
	static const uint8_t hightag[] = { 0x1f, 0x81, 0x00 };
	const uint8_t *der;
	uint8_t *copy;
	size_t len;

	der = certs_cert_der(cert, &len);
	for (size_t n = 0; n < len; n++) {
		/* exactly n bytes, so that ASan sees a read past them */
		cr_assert_not_null(copy = malloc(n + !n));
		memcpy(copy, der, n);
		cr_assert_eq(certs_spki_type(copy, n), CERTS_SPKI_OTHER,
		    "%zu of %zu bytes", n, len);
		free(copy);
	}
	cr_assert_eq(certs_spki_type(seq_long, sizeof(seq_long)),
	    CERTS_SPKI_OTHER);
	cr_assert_eq(certs_spki_type(hightag, sizeof(hightag)),
	    CERTS_SPKI_OTHER);
	certs_cert_free(cert);
}

/* An Ed448 CCU certificate, signed by the Fleet CA (openssl CLI). */
static const char *
ed448_ccu(void)
{
	const char *dir = tmp_dir();

	cr_assert_eq(run("openssl genpkey -algorithm ED448 -out %s/ed448.key "
	    "2>/dev/null && openssl req -new -key %s/ed448.key -subj "
	    "'/C=DE/O=uipsec test/CN=ed448' -out %s/ed448.csr && "
	    "printf 'basicConstraints = CA:FALSE\\n' >%s/ed448.ext && "
	    "openssl x509 -req -in %s/ed448.csr -CA %s -CAkey %s "
	    "-set_serial 0x4448 -days 30 -sha256 -extfile %s/ed448.ext "
	    "-out %s/ed448.pem 2>/dev/null", dir, dir, dir, dir, dir,
	    pki_path("int/ca/cert.pem"), pki_path("int/ca/key.pem"), dir,
	    dir), 0);
	return dir;
}

Test(libctx, other_key_types_parse_and_are_refused_for_their_key)
{
	char path[4096];
	struct certs_store *store = pki_trust();
	struct certs_chain *chain;
	struct certs_cert *cert;
	struct certs_err err;
	const uint8_t *der;
	size_t len;

	snprintf(path, sizeof(path), "%s/ed448.pem", ed448_ccu());
	cr_assert_eq(certs_cert_load(path, &cert, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_str_eq(provider_of(cert), "default");
	der = certs_cert_der(cert, &len);
	cr_assert_eq(certs_spki_type(der, len), CERTS_SPKI_OTHER);
	cr_assert_eq(certs_chain_new(&chain, &err), CERTS_OK);
	cr_assert_eq(certs_chain_add(chain, cert, &err), CERTS_OK);
	certs_verify(store, chain, NULL, NULL, &err);
	expect_refusal(&err, CERTS_ERR_KEY, "certificate for C=DE, O=uipsec "
	    "test, CN=ed448 is a ED448 key: only RSA, ECDSA and Ed25519 are "
	    "accepted", NULL);
	certs_chain_free(chain);
	certs_store_free(store);
}

/*
 * The contexts offer only the signature algorithms of our key types and
 * the SHA-1/SHA-2/SHA-3 digests: a CCU certificate signed with RSA-PSS
 * (by an RSA CA, the openssl CLI's) and one signed with ECDSA and SHA3-256
 * (by the Fleet CA) still verify.
 */
static void
expect_verifies(const char *ca, const char *cert)
{
	struct certs_store *store;
	struct certs_chain *chain;
	struct certs_cert *c;
	struct certs_err err;

	cr_assert_eq(certs_store_new(&store, &err), CERTS_OK);
	cr_assert_eq(certs_store_add_anchor_file(store, ca, &err), CERTS_OK,
	    "%s", err.reason);
	cr_assert_eq(certs_cert_load(cert, &c, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(certs_chain_new(&chain, &err), CERTS_OK);
	cr_assert_eq(certs_chain_add(chain, c, &err), CERTS_OK);
	cr_assert_eq(certs_verify(store, chain, NULL, NULL, &err), CERTS_OK,
	    "%s: %s", cert, err.reason);
	certs_chain_free(chain);
	certs_store_free(store);
}

Test(libctx, rsa_pss_and_sha3_signed_certificates_verify)
{
	const char *d = tmp_dir();
	char ca[4096], pss[4096], sha3[4096];

	cr_assert_eq(run("cd %s && openssl req -x509 -newkey rsa:2048 -nodes "
	    "-keyout rsaca.key -subj '/C=DE/O=uipsec test/CN=RSA CA' -days 30 "
	    "-addext basicConstraints=critical,CA:TRUE -addext "
	    "keyUsage=critical,keyCertSign,cRLSign -out rsaca.pem 2>/dev/null "
	    "&& openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout ccu.key -subj '/C=DE/O=uipsec test/CN=ccu' "
	    "-out ccu.csr 2>/dev/null && "
	    "printf 'basicConstraints = CA:FALSE\\n' >ccu.ext && "
	    "openssl x509 -req -in ccu.csr -CA rsaca.pem -CAkey rsaca.key "
	    "-set_serial 1 -days 30 -sha256 -sigopt rsa_padding_mode:pss "
	    "-extfile ccu.ext -out pss.pem 2>/dev/null && "
	    "openssl x509 -req -in ccu.csr -CA %s -CAkey %s -set_serial 2 "
	    "-days 30 -sha3-256 -extfile ccu.ext -out sha3.pem 2>/dev/null",
	    d, pki_path("int/ca/cert.pem"), pki_path("int/ca/key.pem")), 0);
	snprintf(ca, sizeof(ca), "%s/rsaca.pem", d);
	snprintf(pss, sizeof(pss), "%s/pss.pem", d);
	snprintf(sha3, sizeof(sha3), "%s/sha3.pem", d);
	cr_assert_eq(run("openssl x509 -in %s -noout -text | grep -q "
	    "rsassaPss && openssl x509 -in %s -noout -text | grep -qi sha3",
	    pss, sha3), 0);
	expect_verifies(ca, pss);
	expect_verifies(pki_path("int/ca/cert.pem"), sha3);
}

/* An X.509 v1 certificate has no version field before its serial number
 * (RFC 5280 §4.1.2.1, DEFAULT v1): its key type is read all the same. */
Test(libctx, spki_type_of_a_v1_certificate)
{
	const char *d = tmp_dir();
	char path[4096];
	uint8_t der[2048];
	long len;

	cr_assert_eq(run("cd %s && openssl genpkey -algorithm ED25519 "
	    "-out v1.key && openssl req -new -key v1.key -subj '/CN=v1' "
	    "-out v1.csr && openssl x509 -req -in v1.csr -signkey v1.key "
	    "-days 1 -outform DER -out v1.der 2>/dev/null && openssl x509 "
	    "-inform DER -in v1.der -noout -text | grep -q 'Version: 1'", d),
	    0);
	snprintf(path, sizeof(path), "%s/v1.der", d);
	cr_assert_gt(len = read_file(path, der, sizeof(der)), 0);
	cr_assert_eq(certs_spki_type(der, (size_t)len), CERTS_SPKI_ED25519);
}

/* A CCU certificate by the Fleet CA whose key `openssl genpkey ARGS`
 * makes, at DIR/NAME.pem. */
static void
fleet_ccu(const char *dir, const char *name, const char *genpkey)
{
	cr_assert_eq(run("cd %s && openssl genpkey %s -out %s.key "
	    "2>/dev/null && openssl req -new -key %s.key -subj "
	    "'/C=DE/O=uipsec test/CN=%s' -out %s.csr && "
	    "printf 'basicConstraints = CA:FALSE\\n' >%s.ext && "
	    "openssl x509 -req -in %s.csr -CA %s -CAkey %s -set_serial 0x77 "
	    "-days 30 -sha256 -extfile %s.ext -out %s.pem 2>/dev/null", dir,
	    genpkey, name, name, name, name, name, name,
	    pki_path("int/ca/cert.pem"), pki_path("int/ca/key.pem"), name,
	    name), 0);
}

static void
expect_refused(struct certs_cert *cert, const char *verify_why,
    const char *auth_why)
{
	static const uint8_t auth[64];
	struct certs_store *store;
	struct certs_chain *chain;
	struct certs_err err;

	cr_assert_eq(certs_store_new(&store, &err), CERTS_OK);
	cr_assert_eq(certs_store_add_anchor_file(store,
	    pki_path("int/ca/cert.pem"), &err), CERTS_OK);
	certs_auth_verify(cert, CERTS_AUTH_DIGITAL_SIGNATURE, auth,
	    sizeof(auth), (const uint8_t *)"x", 1, 0, &err);
	expect_refusal(&err, CERTS_ERR_KEY, auth_why, NULL);
	cr_assert_eq(certs_chain_new(&chain, &err), CERTS_OK);
	cr_assert_eq(certs_chain_add(chain, cert, &err), CERTS_OK);
	cr_assert_neq(certs_verify(store, chain, NULL, NULL, &err), CERTS_OK);
	cr_assert_not_null(strstr(err.reason, verify_why), "%s", err.reason);
	certs_chain_free(chain);
	certs_store_free(store);
}

/*
 * Keys outside the policy, and keys OpenSSL cannot decode, are refused as
 * they were with one context for all key types (the same sentences as
 * main at 8cde599 gives, compared by a program linked to both): a key of
 * one of our types that its context does not decode is parsed again in the
 * default context, which does not decode it either.
 */
Test(libctx, weak_and_broken_peer_keys_are_refused_as_before)
{
	static const struct {
		const char *name, *genpkey, *verify_why, *auth_why;
	} weak[] = {
		{ "rsa1024", "-algorithm RSA -pkeyopt rsa_keygen_bits:1024",
		    "CN=rsa1024 uses weak cryptography (EE certificate key too "
		    "weak)", "peer's certificate key is RSA 1024: only RSA "
		    "2048..4096 is accepted" },
		{ "p224", "-algorithm EC -pkeyopt ec_paramgen_curve:P-224",
		    "public key of the certificate for C=DE, O=uipsec test, "
		    "CN=p224 is on curve secp224r1: only P-256, P-384 and P-521 "
		    "are accepted", "peer's certificate key is on curve "
		    "secp224r1" },
	};
	static const uint8_t point[] = { 0x03, 0x42, 0x00, 0x04 };
	const char *d = tmp_dir();
	struct certs_cert *cert;
	struct certs_err err;
	char path[4096];
	uint8_t der[4096], *at;
	size_t len;

	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		fleet_ccu(d, weak[i].name, weak[i].genpkey);
		snprintf(path, sizeof(path), "%s/%s.pem", d, weak[i].name);
		cr_assert_eq(certs_cert_load(path, &cert, &err), CERTS_OK);
		expect_refused(cert, weak[i].verify_why, weak[i].auth_why);
	}
	/* The P-256 point of ccu-ec, off the curve (one octet changed), and
	 * in a form that does not exist (0x05). */
	for (uint8_t form = 0; form < 2; form++) {
		cert = pki_cert("int/x509/ccu-ec.pem");
		memcpy(der, cert->der, len = cert->der_len);
		certs_cert_free(cert);
		cr_assert_not_null(at = memmem(der, len, point, sizeof(point)));
		if (form)
			at[3] = 0x05;
		else
			at[4 + 20] ^= 0x55;
		cr_assert_eq(certs_cert_from_der(der, len, &cert, &err),
		    CERTS_OK, "%s", err.reason);
		cr_assert_null(X509_get0_pubkey(cert->x509));
		ERR_clear_error();
		expect_refused(cert, "CN=ccu-ec uses weak cryptography (EE "
		    "certificate key too weak)", "certificate for C=DE, "
		    "O=uipsec test, CN=ccu-ec has no usable public key");
	}
}
