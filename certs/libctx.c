/*
 * certs/libctx.c — the OpenSSL library context certificates are parsed
 * in: the default provider's algorithms, but of its key decoders only
 * those of a SubjectPublicKeyInfo of the key types we accept, of its key
 * managers and signature algorithms only those types', and of its digests
 * the SHA ones.
 *
 * Why: OpenSSL 3.0's d2i_X509 decodes the certificate's public key with
 * OSSL_DECODER_CTX_new_for_pkey(), which constructs every key manager and
 * every decoder the library context offers (18 and 40 in the default
 * provider) and walks every method the context has fetched to build a
 * decoder chain, for every certificate: 1.14 M instructions of the 1.50 M
 * a certificate costs to parse, and a concentrator parses a new CCU
 * certificate at every set-up. With 4 key managers and 4 decoders it is a
 * fraction of that.
 *
 * The algorithms are the default provider's own (its dispatch tables and
 * provider context), forwarded by a built-in provider: nothing is
 * reimplemented, and the default provider it forwards to is loaded into a
 * library context of its own, so the process's default context (and what
 * its configuration loads) is not touched. Operations between objects of
 * both contexts work as between two providers: OpenSSL uses the key's
 * provider or exports the key. A certificate whose key this context does
 * not decode (another key type) is parsed again in the default context by
 * the caller, so that it is refused with the reason it always had.
 */
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "certs/certs_internal.h"

#define CERTS_PROVIDER	"uipsec-certs"
#define CERTS_ALGS_MAX	16

/* certs_pkey_check()'s key types, as the default provider names them. */
static const char *const key_types[] = { "EC", "RSA", "RSA-PSS", "ED25519" };

/* The signature algorithms of those keys, and the SHA digests: the rest
 * cannot change a decision. A signature algorithm is usable here only
 * with a key manager of its key type (OpenSSL exports a foreign key into
 * this context's provider); the digest of a signature is fetched by the
 * signature algorithm in the default provider's own context, so digests
 * are fetched here only for what OpenSSL hashes itself (a certificate's
 * SHA-1 fingerprint, names). Why offer fewer: OpenSSL 3.0 walks every
 * method a context has fetched at each decoder chain it builds, one per
 * certificate, and fetching one digest constructs all 22 (uipsec bench
 * certs, RSA-2048, per new CCU: 1.383 M -> 1.337 M instructions). */
static const char *const signatures[] = { "RSA", "ECDSA", "ED25519" };
static const char *const digests[] = { "SHA1", "SHA2-", "SHA3-" };

static OSSL_PROVIDER *forward_to;	/* "default", in a context of its own */
static OSSL_ALGORITHM decoders[CERTS_ALGS_MAX + 1];	/* NULL-terminated */
static OSSL_ALGORITHM keymgmts[CERTS_ALGS_MAX + 1];
static OSSL_ALGORITHM sigalgs[CERTS_ALGS_MAX + 1];
static OSSL_ALGORITHM mds[CERTS_ALGS_MAX + 1];
static OSSL_LIB_CTX *certs_ctx;
static CRYPTO_ONCE certs_ctx_once = CRYPTO_ONCE_STATIC_INIT;

/* Is name the first of the ':'-separated names? */
static bool
first_name_is(const char *names, const char *name)
{
	size_t n = strlen(name);

	return strncmp(names, name, n) == 0 &&
	    (names[n] == '\0' || names[n] == ':');
}

static bool
is_key_type(const char *names)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (first_name_is(names, key_types[i]))
			return true;
	return false;
}

/* DER SubjectPublicKeyInfo to a key of ours. Not the generic "DER"
 * decoder of any SubjectPublicKeyInfo to the typed one: d2i_X509 names the
 * key type (the algorithm's OID), so the typed decoders take the SPKI as
 * it is, and each decoder more costs every parse its share of the chain
 * OpenSSL builds (5 -> 4 decoders: 320 k -> 268 k instructions per RSA
 * certificate). */
static bool
want_decoder(const OSSL_ALGORITHM *a)
{
	return a->property_definition != NULL &&
	    strstr(a->property_definition, "input=der") != NULL &&
	    strstr(a->property_definition,
	    "structure=SubjectPublicKeyInfo") != NULL &&
	    is_key_type(a->algorithm_names);
}

static bool
want_keymgmt(const OSSL_ALGORITHM *a)
{
	return is_key_type(a->algorithm_names);
}

static bool
want_signature(const OSSL_ALGORITHM *a)
{
	for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++)
		if (first_name_is(a->algorithm_names, signatures[i]))
			return true;
	return false;
}

/* SHA1 itself, and every SHA2-x and SHA3-x. */
static bool
want_digest(const OSSL_ALGORITHM *a)
{
	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (strncmp(a->algorithm_names, digests[i],
		    strlen(digests[i])) == 0)
			return true;
	return false;
}

static size_t
pick(int op, bool (*want)(const OSSL_ALGORITHM *), OSSL_ALGORITHM *out)
{
	const OSSL_ALGORITHM *a;
	size_t n = 0;
	int no_cache;

	a = OSSL_PROVIDER_query_operation(forward_to, op, &no_cache);
	for (; a != NULL && a->algorithm_names != NULL; a++)
		if (want(a) && n < CERTS_ALGS_MAX)
			out[n++] = *a;
	return n;
}

static const OSSL_ALGORITHM *
forward_query(void *provctx, int op, int *no_cache)
{
	(void)provctx;
	switch (op) {
	case OSSL_OP_DECODER:
		*no_cache = 0;
		return decoders;
	case OSSL_OP_KEYMGMT:
		*no_cache = 0;
		return keymgmts;
	case OSSL_OP_SIGNATURE:
		*no_cache = 0;
		return sigalgs;
	case OSSL_OP_DIGEST:
		*no_cache = 0;
		return mds;
	default:
		return OSSL_PROVIDER_query_operation(forward_to, op, no_cache);
	}
}

static int
forward_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
    const OSSL_DISPATCH **out, void **provctx)
{
	static const OSSL_DISPATCH dispatch[] = {
		{ OSSL_FUNC_PROVIDER_QUERY_OPERATION,
		    (void (*)(void))forward_query },
		{ 0, NULL },
	};

	(void)handle;
	(void)in;
	*out = dispatch;
	*provctx = OSSL_PROVIDER_get0_provider_ctx(forward_to);
	return *provctx != NULL;
}

static void
certs_ctx_setup(void)
{
	OSSL_LIB_CTX *base = OSSL_LIB_CTX_new(), *ctx = OSSL_LIB_CTX_new();

	if (base != NULL && ctx != NULL &&
	    (forward_to = OSSL_PROVIDER_load(base, "default")) != NULL &&
	    pick(OSSL_OP_DECODER, want_decoder, decoders) > 0 &&
	    pick(OSSL_OP_KEYMGMT, want_keymgmt, keymgmts) > 0 &&
	    pick(OSSL_OP_SIGNATURE, want_signature, sigalgs) > 0 &&
	    pick(OSSL_OP_DIGEST, want_digest, mds) > 0 &&
	    OSSL_PROVIDER_add_builtin(ctx, CERTS_PROVIDER, forward_init) &&
	    OSSL_PROVIDER_load(ctx, CERTS_PROVIDER) != NULL) {
		certs_ctx = ctx;	/* lives as long as the process */
		return;
	}
	/* Without it certificates are parsed in the default context. */
	ERR_clear_error();
	OSSL_LIB_CTX_free(ctx);
	OSSL_PROVIDER_unload(forward_to);
	forward_to = NULL;
	OSSL_LIB_CTX_free(base);
}

OSSL_LIB_CTX *
certs_libctx(void)
{
	if (!CRYPTO_THREAD_run_once(&certs_ctx_once, certs_ctx_setup))
		return NULL;
	return certs_ctx;
}
