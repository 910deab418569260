/*
 * The library context certificates are parsed in (certs/libctx.c): the
 * key types we accept are decoded there (the cheap way), and a
 * certificate with any other key still parses (in the default context)
 * and is refused for its key, as before.
 */
#include <string.h>

#include <criterion/criterion.h>
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

Test(libctx, accepted_key_types_parse_in_the_certs_context)
{
	static const char *const files[] = { "int/x509/ccu-ec.pem",
	    "int/x509/ccu-rsa.pem", "int/x509/ccu-ed.pem",
	    "int/x509/ccu-p521.pem", "int/ca/cert.pem",
	    "root/x509ca/test-root-ca.pem" };
	struct certs_cert *cert;

	cr_assert_not_null(certs_libctx());
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cert = pki_cert(files[i]);
		cr_assert_str_eq(provider_of(cert), "uipsec-certs", "%s",
		    files[i]);
		certs_cert_free(cert);
	}
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

	snprintf(path, sizeof(path), "%s/ed448.pem", ed448_ccu());
	cr_assert_eq(certs_cert_load(path, &cert, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_str_eq(provider_of(cert), "default");
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
