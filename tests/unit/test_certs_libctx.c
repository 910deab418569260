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
