/*
 * IKEv2 AUTH signatures (RFC 7296 §2.15, RFC 4754, RFC 7427) against an
 * independent implementation, the openssl CLI: what uipsec signs openssl
 * verifies, what openssl signs uipsec verifies. AlgorithmIdentifiers are
 * compared with the bytes RFC 7427 Appendix A (and RFC 8420) give. Then
 * the edge cases: ECDSA with a high s (accepted, see certs.h), wrong
 * lengths, RSA with bad padding, method and key that do not fit.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "certs_testlib.h"
#include "common/hex.h"

/* RFC 7427 Appendix A, RFC 8420 §2. */
#define ALG_RSA_SHA1	"300d06092a864886f70d0101050500"
#define ALG_RSA_SHA256	"300d06092a864886f70d01010b0500"
#define ALG_RSA_SHA384	"300d06092a864886f70d01010c0500"
#define ALG_RSA_SHA512	"300d06092a864886f70d01010d0500"
#define ALG_RSA_MD5	"300d06092a864886f70d0101040500"
#define ALG_ECDSA_SHA256 "300a06082a8648ce3d040302"
#define ALG_ECDSA_SHA384 "300a06082a8648ce3d040303"
#define ALG_ECDSA_SHA512 "300a06082a8648ce3d040304"
#define ALG_PSS_HEAD	"304106092a864886f70d01010a3034a00f300d0609608648016503040"
#define ALG_PSS_MID	"0500a11c301a06092a864886f70d010108300d0609608648016503040"
#define ALG_PSS(h, salt) ALG_PSS_HEAD h ALG_PSS_MID h "0500a20302" salt
#define ALG_PSS_SHA256	ALG_PSS("201", "0120")
#define ALG_PSS_SHA512	ALG_PSS("203", "0140")
#define ALG_PSS_SHA256_SALT20 ALG_PSS("201", "0114")
#define ALG_ED25519	"300506032b6570"

#define OCTETS_LEN	333

static uint8_t octets[OCTETS_LEN];

/* Stand-in for RealMessage | Nonce | prf(SK_p, ID'); any bytes do. */
static const char *
octets_file(void)
{
	for (size_t i = 0; i < OCTETS_LEN; i++)
		octets[i] = (uint8_t)(i * 7 + 3);
	return tmp_write("octets.bin", octets, OCTETS_LEN);
}

static const char *
pubkey_of(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s.pub", tmp_dir(), name);
	cr_assert_eq(run("openssl x509 -in %s/int/x509/%s.pem -noout -pubkey "
	    "> %s", getenv("UIPSEC_TEST_PKI"), name, path), 0);
	return path;
}

static struct certs_cert *
cert_of(const char *name)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "int/x509/%s.pem", name);
	return pki_cert(rel);
}

static struct certs_key *
key_of(const char *name)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "int/private/%s.pem", name);
	return pki_key(rel);
}

/* ---- a test-side DER for ECDSA (not the library's) ---- */

static size_t
der_uint(uint8_t *out, const uint8_t *v, size_t len)
{
	size_t n = 0;

	while (len > 1 && v[0] == 0) {
		v++;
		len--;
	}
	out[n++] = 0x02;
	out[n++] = (uint8_t)(len + (v[0] & 0x80 ? 1 : 0));
	if (v[0] & 0x80)
		out[n++] = 0;
	memcpy(out + n, v, len);
	return n + len;
}

/* r||s -> Ecdsa-Sig-Value (RFC 3279 §2.2.3). */
static size_t
raw_to_der(const uint8_t *raw, size_t len, uint8_t *out)
{
	uint8_t body[160];
	size_t n = der_uint(body, raw, len / 2), h = 0;

	n += der_uint(body + n, raw + len / 2, len / 2);
	out[h++] = 0x30;
	if (n >= 0x80)
		out[h++] = 0x81;
	out[h++] = (uint8_t)n;
	memcpy(out + h, body, n);
	return h + n;
}

/* Ecdsa-Sig-Value -> r||s with half octets each. */
static size_t
der_to_raw(const uint8_t *der, size_t half, uint8_t *out)
{
	size_t p = der[1] == 0x81 ? 3 : 2;

	memset(out, 0, 2 * half);
	for (int i = 0; i < 2; i++) {
		size_t len = der[p + 1];
		const uint8_t *v = der + p + 2;

		while (len > half) {
			v++;
			len--;
		}
		memcpy(out + i * half + half - len, v, len);
		p += 2 + der[p + 1];
	}
	return 2 * half;
}

/* ---- uipsec signs, openssl verifies ---- */

struct sign_case {
	const char		*key;
	struct certs_auth_params params;
	const char		*algid;		/* method 14: RFC blob */
	size_t			 ecdsa_half;	/* classic ECDSA: r||s */
	const char		*verify;	/* openssl args before the files */
};

static const struct sign_case sign_cases[] = {
	{ "ccu-rsa", { CERTS_AUTH_RSA_SIG, 0, false }, NULL, 0,
	    "dgst -sha1" },
	{ "ccu-rsa", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_SHA256, false },
	    ALG_RSA_SHA256, 0, "dgst -sha256" },
	{ "ccu-rsa", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_SHA384, false },
	    ALG_RSA_SHA384, 0, "dgst -sha384" },
	{ "vpn-rsa4096", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_SHA512,
	    false }, ALG_RSA_SHA512, 0, "dgst -sha512" },
	{ "ccu-rsa", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_SHA256, true },
	    ALG_PSS_SHA256, 0, "dgst -sha256 -sigopt rsa_padding_mode:pss "
	    "-sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256" },
	{ "vpn-rsa4096", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_SHA512,
	    true }, ALG_PSS_SHA512, 0, "dgst -sha512 -sigopt "
	    "rsa_padding_mode:pss -sigopt rsa_pss_saltlen:64 -sigopt "
	    "rsa_mgf1_md:sha512" },
	{ "ccu-ec", { CERTS_AUTH_ECDSA_SHA256_P256, 0, false }, NULL, 32,
	    "dgst -sha256" },
	{ "vpn-ec384", { CERTS_AUTH_ECDSA_SHA384_P384, 0, false }, NULL, 48,
	    "dgst -sha384" },
	{ "ccu-p521", { CERTS_AUTH_ECDSA_SHA512_P521, 0, false }, NULL, 66,
	    "dgst -sha512" },
	{ "ccu-ec", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_SHA256, false },
	    ALG_ECDSA_SHA256, 0, "dgst -sha256" },
	{ "vpn-ec384", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_SHA384,
	    false }, ALG_ECDSA_SHA384, 0, "dgst -sha384" },
	{ "ccu-ec", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_SHA512, false },
	    ALG_ECDSA_SHA512, 0, "dgst -sha512" },
	{ "ccu-ed", { CERTS_AUTH_DIGITAL_SIGNATURE, CERTS_HASH_IDENTITY,
	    false }, ALG_ED25519, 0, NULL },
};
#define NSIGN	(sizeof(sign_cases) / sizeof(sign_cases[0]))

static void
sign_and_check(const struct sign_case *c)
{
	struct certs_key *key = key_of(c->key);
	struct certs_cert *cert = cert_of(c->key);
	uint8_t auth[CERTS_AUTH_DATA_MAX], algid[128], der[200];
	const char *data = octets_file(), *pub = pubkey_of(c->key), *sigfile;
	const uint8_t *sig = auth;
	size_t len, sig_len;
	struct certs_err err;
	long alen;

	cr_assert_eq(certs_auth_sign(key, &c->params, octets, OCTETS_LEN, auth,
	    sizeof(auth), &len, &err), CERTS_OK, "%s: %s", c->key, err.reason);
	sig_len = len;
	if (c->algid != NULL) {
		/* RFC 7427 §3: length octet, AlgorithmIdentifier, signature */
		alen = hex_decode(c->algid, algid, sizeof(algid));
		cr_assert_eq(auth[0], alen, "%s: algid length", c->key);
		cr_assert_arr_eq(auth + 1, algid, (size_t)alen,
		    "%s: not the AlgorithmIdentifier of RFC 7427", c->key);
		sig = auth + 1 + alen;
		sig_len = len - 1 - (size_t)alen;
	} else if (c->ecdsa_half != 0) {
		cr_assert_eq(len, 2 * c->ecdsa_half, "RFC 4754 r||s length");
		sig_len = raw_to_der(auth, len, der);
		sig = der;
	}
	sigfile = tmp_write("sig.bin", sig, sig_len);
	if (c->verify != NULL)
		cr_assert_eq(run("openssl %s -verify %s -signature %s %s "
		    ">/dev/null", c->verify, pub, sigfile, data), 0,
		    "openssl refused %s's signature", c->key);
	else
		cr_assert_eq(run("openssl pkeyutl -verify -pubin -inkey %s "
		    "-rawin -in %s -sigfile %s >/dev/null", pub, data, sigfile),
		    0, "openssl refused %s's signature", c->key);
	/* and uipsec's own verification agrees */
	cr_assert_eq(certs_auth_verify(cert, (uint8_t)c->params.method, auth,
	    len, octets, OCTETS_LEN, CERTS_AUTH_ALLOW_SHA1, &err), CERTS_OK,
	    "%s: %s", c->key, err.reason);
	octets[0] ^= 1;
	cr_assert_eq(certs_auth_verify(cert, (uint8_t)c->params.method, auth,
	    len, octets, OCTETS_LEN, CERTS_AUTH_ALLOW_SHA1, &err),
	    CERTS_ERR_SIGNATURE, "%s: changed octets accepted", c->key);
	certs_key_free(key);
	certs_cert_free(cert);
}

ParameterizedTestParameters(auth, uipsec_signs_openssl_verifies)
{
	static int idx[NSIGN];

	for (size_t i = 0; i < NSIGN; i++)
		idx[i] = (int)i;
	return cr_make_param_array(int, idx, NSIGN);
}

ParameterizedTest(int *i, auth, uipsec_signs_openssl_verifies)
{
	sign_and_check(&sign_cases[*i]);
}

/* ---- openssl signs, uipsec verifies ---- */

/* Runs openssl to sign the octets with a key; returns the signature. */
static size_t
openssl_sign(const char *name, const char *how, uint8_t *sig, size_t cap)
{
	const char *data = octets_file();
	char out[512];
	long n;

	snprintf(out, sizeof(out), "%s/osig.bin", tmp_dir());
	if (how == NULL)
		cr_assert_eq(run("openssl pkeyutl -sign -inkey %s/int/private/"
		    "%s.pem -rawin -in %s -out %s", getenv("UIPSEC_TEST_PKI"),
		    name, data, out), 0);
	else
		cr_assert_eq(run("openssl %s -sign %s/int/private/%s.pem -out %s "
		    "%s", how, getenv("UIPSEC_TEST_PKI"), name, out, data), 0);
	n = read_file(out, sig, cap);
	cr_assert_gt(n, 0);
	return (size_t)n;
}

/* Authentication Data of method 14 from an RFC blob and a signature. */
static size_t
digital_signature(const char *algid, const uint8_t *sig, size_t sig_len,
    uint8_t *auth)
{
	long alen = hex_decode(algid, auth + 1, 255);

	cr_assert_gt(alen, 0);
	auth[0] = (uint8_t)alen;
	memcpy(auth + 1 + alen, sig, sig_len);
	return 1 + (size_t)alen + sig_len;
}

static enum certs_status
verify_as(const char *name, uint8_t method, const uint8_t *auth, size_t len,
    unsigned flags, struct certs_err *err)
{
	struct certs_cert *cert = cert_of(name);
	enum certs_status st = certs_auth_verify(cert, method, auth, len,
	    octets, OCTETS_LEN, flags, err);

	certs_cert_free(cert);
	return st;
}

Test(auth, openssl_signs_uipsec_verifies)
{
	static const struct { const char *key, *how, *algid; } cases[] = {
		{ "ccu-rsa", "dgst -sha256", ALG_RSA_SHA256 },
		{ "vpn-rsa4096", "dgst -sha384", ALG_RSA_SHA384 },
		{ "ccu-rsa", "dgst -sha256 -sigopt rsa_padding_mode:pss "
		    "-sigopt rsa_pss_saltlen:32", ALG_PSS_SHA256 },
		{ "ccu-rsa", "dgst -sha256 -sigopt rsa_padding_mode:pss "
		    "-sigopt rsa_pss_saltlen:20", ALG_PSS_SHA256_SALT20 },
		{ "ccu-ec", "dgst -sha256", ALG_ECDSA_SHA256 },
		{ "ccu-ec", "dgst -sha384", ALG_ECDSA_SHA384 },
		{ "vpn-ec384", "dgst -sha384", ALG_ECDSA_SHA384 },
		{ "ccu-p521", "dgst -sha512", ALG_ECDSA_SHA512 },
		{ "ccu-ed", NULL, ALG_ED25519 },
	};
	uint8_t sig[1024], auth[CERTS_AUTH_DATA_MAX];
	struct certs_err err;
	size_t n, len;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = openssl_sign(cases[i].key, cases[i].how, sig, sizeof(sig));
		len = digital_signature(cases[i].algid, sig, n, auth);
		cr_assert_eq(verify_as(cases[i].key,
		    CERTS_AUTH_DIGITAL_SIGNATURE, auth, len, 0, &err), CERTS_OK,
		    "%s %s: %s", cases[i].key, cases[i].how, err.reason);
	}
}

Test(auth, openssl_classic_methods_verify)
{
	static const struct { const char *key, *how; uint8_t method;
	    size_t half; } cases[] = {
		{ "ccu-ec", "dgst -sha256", 9, 32 },
		{ "vpn-ec384", "dgst -sha384", 10, 48 },
		{ "ccu-p521", "dgst -sha512", 11, 66 },
		{ "ccu-rsa", "dgst -sha1", 1, 0 },
	};
	uint8_t sig[1024], raw[1024];
	struct certs_err err;
	size_t n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = openssl_sign(cases[i].key, cases[i].how, sig, sizeof(sig));
		if (cases[i].half != 0)
			n = der_to_raw(sig, cases[i].half, raw);
		else
			memcpy(raw, sig, n);
		cr_assert_eq(verify_as(cases[i].key, cases[i].method, raw, n,
		    CERTS_AUTH_ALLOW_SHA1, &err), CERTS_OK, "%s: %s",
		    cases[i].key, err.reason);
	}
}

/* ---- policy and edge cases ---- */

Test(auth, sha1_needs_the_interop_flag)
{
	uint8_t sig[512], auth[CERTS_AUTH_DATA_MAX];
	struct certs_err err;
	size_t n = openssl_sign("ccu-rsa", "dgst -sha1", sig, sizeof(sig));

	verify_as("ccu-rsa", CERTS_AUTH_RSA_SIG, sig, n, 0, &err);
	expect_refusal(&err, CERTS_ERR_UNSUPPORTED, "SHA-1", NULL);
	n = digital_signature(ALG_RSA_SHA1, sig, n, auth);
	verify_as("ccu-rsa", CERTS_AUTH_DIGITAL_SIGNATURE, auth, n, 0, &err);
	expect_refusal(&err, CERTS_ERR_UNSUPPORTED, "SHA-1", NULL);
}

/* ECDSA (r, s) and (r, n - s) are both valid (X9.62 has no low-s rule);
 * uipsec accepts both, as OpenSSL and strongSwan do. */
Test(auth, ecdsa_high_s_is_accepted)
{
	static const char *const order = "FFFFFFFF00000000FFFFFFFFFFFFFFFF"
	    "BCE6FAADA7179E84F3B9CAC2FC632551";	/* P-256 n, SEC 2 */
	struct certs_key *key = key_of("ccu-ec");
	struct certs_auth_params p = { CERTS_AUTH_ECDSA_SHA256_P256, 0, false };
	uint8_t auth[CERTS_AUTH_DATA_MAX];
	BIGNUM *n = NULL, *s = NULL, *high = BN_new();
	struct certs_err err;
	size_t len;

	octets_file();
	cr_assert_eq(certs_auth_sign(key, &p, octets, OCTETS_LEN, auth,
	    sizeof(auth), &len, &err), CERTS_OK);
	cr_assert(BN_hex2bn(&n, order));
	cr_assert_not_null(s = BN_bin2bn(auth + 32, 32, NULL));
	cr_assert(BN_sub(high, n, s));
	cr_assert_eq(BN_bn2binpad(high, auth + 32, 32), 32);
	cr_assert_eq(verify_as("ccu-ec", 9, auth, len, 0, &err), CERTS_OK,
	    "%s", err.reason);
	BN_free(n);
	BN_free(s);
	BN_free(high);
	certs_key_free(key);
}

Test(auth, wrong_lengths_are_refused)
{
	struct certs_key *key = key_of("ccu-ec");
	struct certs_auth_params p = { CERTS_AUTH_ECDSA_SHA256_P256, 0, false };
	uint8_t auth[CERTS_AUTH_DATA_MAX], der[200];
	struct certs_err err;
	size_t len, dlen;

	octets_file();
	cr_assert_eq(certs_auth_sign(key, &p, octets, OCTETS_LEN, auth,
	    sizeof(auth), &len, &err), CERTS_OK);
	verify_as("ccu-ec", 9, auth, len - 1, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "must be 64 bytes (r||s), "
	    "got 63", NULL);
	auth[len] = 0;
	verify_as("ccu-ec", 9, auth, len + 1, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "got 65", NULL);
	verify_as("ccu-ec", 9, auth, 0, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "got 0", NULL);
	/* method 14: DER with a trailing byte, a short length octet */
	dlen = raw_to_der(auth, 64, der);
	der[dlen++] = 0;
	len = digital_signature(ALG_ECDSA_SHA256, der, dlen, auth);
	verify_as("ccu-ec", 14, auth, len, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "does not verify", NULL);
	verify_as("ccu-ec", 14, auth, 5, 0, &err);
	expect_refusal(&err, CERTS_ERR_PARSE, "too short", NULL);
	auth[0] = 11;	/* AlgorithmIdentifier cut short */
	verify_as("ccu-ec", 14, auth, len, 0, &err);
	expect_refusal(&err, CERTS_ERR_PARSE, "AlgorithmIdentifier", NULL);
	certs_key_free(key);
}

/* Raw RSA over an encoded message we build: PKCS#1 v1.5 (RFC 8017 §9.2)
 * with SHA-256, optionally spoilt. */
static size_t
rsa_raw_sign(bool bad_padding, bool no_digestinfo, uint8_t *sig)
{
	static const uint8_t digest_info[] = { 0x30, 0x31, 0x30, 0x0d, 0x06,
	    0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
	    0x00, 0x04, 0x20 };
	uint8_t em[256], h[32];
	size_t t = no_digestinfo ? 32 : sizeof(digest_info) + 32, len = 256;
	FILE *f = fopen(pki_path("int/private/ccu-rsa.pem"), "r");
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	EVP_PKEY_CTX *ctx = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;

	cr_assert_not_null(ctx);
	fclose(f);
	EVP_Digest(octets, OCTETS_LEN, h, NULL, EVP_sha256(), NULL);
	em[0] = 0x00;
	em[1] = 0x01;
	memset(em + 2, 0xff, 256 - 3 - t);
	em[256 - t - 1] = 0x00;
	if (!no_digestinfo)
		memcpy(em + 256 - t, digest_info, sizeof(digest_info));
	memcpy(em + 256 - 32, h, 32);
	if (bad_padding)
		em[40] = 0xfe;
	cr_assert_eq(EVP_PKEY_sign_init(ctx), 1);
	cr_assert_eq(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
	cr_assert_eq(EVP_PKEY_sign(ctx, sig, &len, em, sizeof(em)), 1);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(k);
	return len;
}

Test(auth, rsa_bad_padding_is_refused)
{
	uint8_t sig[512], auth[CERTS_AUTH_DATA_MAX];
	struct certs_err err;
	size_t n, len;

	octets_file();
	/* control: the hand-made encoding is right, so refusals below are
	 * about the padding */
	n = rsa_raw_sign(false, false, sig);
	len = digital_signature(ALG_RSA_SHA256, sig, n, auth);
	cr_assert_eq(verify_as("ccu-rsa", 14, auth, len, 0, &err), CERTS_OK,
	    "%s", err.reason);
	n = rsa_raw_sign(true, false, sig);
	len = digital_signature(ALG_RSA_SHA256, sig, n, auth);
	verify_as("ccu-rsa", 14, auth, len, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "does not verify", NULL);
	n = rsa_raw_sign(false, true, sig);
	len = digital_signature(ALG_RSA_SHA256, sig, n, auth);
	verify_as("ccu-rsa", 14, auth, len, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "does not verify", NULL);
	/* a PKCS#1 v1.5 signature presented as PSS, and the reverse */
	n = openssl_sign("ccu-rsa", "dgst -sha256", sig, sizeof(sig));
	len = digital_signature(ALG_PSS_SHA256, sig, n, auth);
	verify_as("ccu-rsa", 14, auth, len, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "RSA-PSS with SHA-256", NULL);
	n = openssl_sign("ccu-rsa", "dgst -sha256 -sigopt rsa_padding_mode:pss "
	    "-sigopt rsa_pss_saltlen:20", sig, sizeof(sig));
	len = digital_signature(ALG_PSS_SHA256, sig, n, auth);
	verify_as("ccu-rsa", 14, auth, len, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "does not verify", NULL);
}

Test(auth, method_and_key_must_fit)
{
	uint8_t sig[1024], auth[CERTS_AUTH_DATA_MAX];
	struct certs_err err;
	size_t n, len;

	octets_file();
	memset(sig, 1, sizeof(sig));
	verify_as("ccu-rsa", 9, sig, 64, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "AUTH method 9 does not fit "
	    "the RSA 2048 key", NULL);
	verify_as("ccu-ec", 10, sig, 96, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "does not fit the ECDSA "
	    "P-256 key", NULL);
	n = openssl_sign("ccu-ec", "dgst -sha256", sig, sizeof(sig));
	len = digital_signature(ALG_ECDSA_SHA256, sig, n, auth);
	verify_as("ccu-rsa", 14, auth, len, 0, &err);
	expect_refusal(&err, CERTS_ERR_SIGNATURE, "AUTH uses ECDSA with SHA-256 "
	    "but the certificate of C=DE, O=uipsec test, CN=ccu-rsa holds a "
	    "RSA 2048 key", NULL);
	len = digital_signature(ALG_RSA_MD5, sig, n, auth);
	verify_as("ccu-rsa", 14, auth, len, 0, &err);
	expect_refusal(&err, CERTS_ERR_UNSUPPORTED, "not supported", NULL);
	verify_as("ccu-rsa", 2, sig, 20, 0, &err);
	expect_refusal(&err, CERTS_ERR_UNSUPPORTED, "AUTH method 2", NULL);
}

Test(auth, choose_follows_the_peer)
{
	static const unsigned sha2 = CERTS_HASH_BIT(CERTS_HASH_SHA256) |
	    CERTS_HASH_BIT(CERTS_HASH_SHA384) | CERTS_HASH_BIT(CERTS_HASH_SHA512);
	static const struct { const char *key; unsigned peer; bool pss;
	    enum certs_status st; enum certs_auth_method method;
	    enum certs_hash hash; } cases[] = {
		{ "ccu-rsa", sha2, false, CERTS_OK, 14, CERTS_HASH_SHA256 },
		{ "ccu-rsa", 0, false, CERTS_OK, 1, 0 },
		{ "ccu-rsa", CERTS_HASH_BIT(CERTS_HASH_SHA512), true, CERTS_OK,
		    14, CERTS_HASH_SHA512 },
		{ "ccu-rsa", CERTS_HASH_BIT(CERTS_HASH_IDENTITY), false,
		    CERTS_OK, 1, 0 },
		{ "ccu-ec", 0, false, CERTS_OK, 9, 0 },
		{ "ccu-ec", sha2, false, CERTS_OK, 14, CERTS_HASH_SHA256 },
		{ "vpn-ec384", sha2, false, CERTS_OK, 14, CERTS_HASH_SHA384 },
		{ "vpn-ec384", CERTS_HASH_BIT(CERTS_HASH_SHA256), false,
		    CERTS_OK, 14, CERTS_HASH_SHA256 },
		{ "vpn-ec384", 0, false, CERTS_OK, 10, 0 },
		{ "ccu-p521", 0, false, CERTS_OK, 11, 0 },
		{ "ccu-ed", CERTS_HASHES_SUPPORTED, false, CERTS_OK, 14,
		    CERTS_HASH_IDENTITY },
		{ "ccu-ed", sha2, false, CERTS_ERR_UNSUPPORTED, 0, 0 },
		{ "ccu-ed", 0, false, CERTS_ERR_UNSUPPORTED, 0, 0 },
	};
	struct certs_auth_params p;
	struct certs_err err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct certs_key *key = key_of(cases[i].key);

		cr_assert_eq(certs_auth_choose(key, cases[i].peer, cases[i].pss,
		    &p, &err), cases[i].st, "case %zu: %s", i, err.reason);
		if (cases[i].st == CERTS_OK) {
			cr_assert_eq(p.method, cases[i].method, "case %zu", i);
			cr_assert_eq(p.hash, cases[i].hash, "case %zu", i);
			cr_assert_eq(p.rsa_pss, cases[i].pss, "case %zu", i);
		}
		certs_key_free(key);
	}
}

/* certs_key_share(): the second handle is the same key (its signature
 * verifies with the first's certificate) and outlives the first (ASan
 * build: no use after free, no double free). */
Test(auth, shared_key_signs_after_the_first_handle_is_freed)
{
	const struct certs_auth_params p = { CERTS_AUTH_DIGITAL_SIGNATURE,
	    CERTS_HASH_SHA256, false };
	static const char *const names[] = { "ccu-rsa", "ccu-ec" };
	uint8_t auth[CERTS_AUTH_DATA_MAX];
	struct certs_key *key, *shared;
	struct certs_cert *cert;
	struct certs_err err;
	size_t i, len;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		key = key_of(names[i]);
		cert = cert_of(names[i]);
		cr_assert_not_null(shared = certs_key_share(key));
		cr_assert_eq(certs_key_type(shared), certs_key_type(key));
		certs_key_free(key);
		cr_assert(certs_key_matches_cert(shared, cert), "%s", names[i]);
		cr_assert_eq(certs_auth_sign(shared, &p, octets, OCTETS_LEN,
		    auth, sizeof(auth), &len, &err), CERTS_OK, "%s: %s",
		    names[i], err.reason);
		cr_assert_eq(certs_auth_verify(cert, (uint8_t)p.method, auth,
		    len, octets, OCTETS_LEN, 0, &err), CERTS_OK, "%s: %s",
		    names[i], err.reason);
		certs_key_free(shared);
		certs_cert_free(cert);
	}
}
