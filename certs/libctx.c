/*
 * certs/libctx.c — the OpenSSL library contexts certificates are parsed
 * in, one per key type we accept (spki.c reads which from the DER first):
 * the default provider's algorithms, but of its key decoders only the one
 * of a SubjectPublicKeyInfo of that type, of its key managers and
 * signature algorithms only our key types', and of its digests the SHA
 * ones.
 *
 * Why: OpenSSL 3.0's d2i_X509 decodes the certificate's public key with
 * OSSL_DECODER_CTX_new_for_pkey(), which constructs every key manager and
 * every decoder the library context offers (18 and 40 in the default
 * provider) and walks every method the context has fetched to build a
 * decoder chain, for every certificate: 1.14 M instructions of the 1.50 M
 * a certificate costs to parse, and a concentrator parses a new CCU
 * certificate at every set-up. With 4 key managers and 1 decoder it is a
 * fraction of that. (A context with no decoder at all would leave the
 * certificate without its key, and OpenSSL 3.0's X509_verify_cert() stops
 * with an internal error on an end entity without one: X509_self_signed()
 * and X509_get_pubkey_parameters() want it. So OpenSSL decodes the key.)
 *
 * The algorithms are the default provider's own (its dispatch tables and
 * provider context), forwarded by a built-in provider per context: nothing
 * is reimplemented, and the default provider it forwards to is loaded into
 * a library context of its own, so the process's default context (and what
 * its configuration loads) is not touched. Operations between objects of
 * different contexts work as between two providers: OpenSSL uses the key's
 * provider or exports the key (once: the key keeps the export), which is
 * why every context offers the key managers of all our types (an EC end
 * entity under an RSA CA). A certificate of another key type, or whose key
 * its context does not decode, is parsed in the default context by the
 * caller, so that it is refused with the reason it always had.
 */
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "certs/certs_internal.h"

#define CERTS_ALGS_MAX	16

/* certs_pkey_check()'s key types, as the default provider names them, in
 * the order of enum certs_spki_type. */
static const char *const key_types[CERTS_SPKI_OTHER] = {
	[CERTS_SPKI_RSA] = "RSA",
	[CERTS_SPKI_RSA_PSS] = "RSA-PSS",
	[CERTS_SPKI_EC] = "EC",
	[CERTS_SPKI_ED25519] = "ED25519",
};

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

/* One context per key type. */
struct parse_ctx {
	const char	*name;		/* its provider's */
	OSSL_provider_init_fn *init;
	OSSL_ALGORITHM	 decoder[2];	/* NULL-terminated */
	OSSL_LIB_CTX	*ctx;
	OSSL_PROVIDER	*provider;
};

static OSSL_PROVIDER *forward_to;	/* "default", in a context of its own */
static OSSL_ALGORITHM keymgmts[CERTS_ALGS_MAX + 1];	/* NULL-terminated */
static OSSL_ALGORITHM sigalgs[CERTS_ALGS_MAX + 1];
static OSSL_ALGORITHM mds[CERTS_ALGS_MAX + 1];
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
	for (size_t i = 0; i < CERTS_SPKI_OTHER; i++)
		if (first_name_is(names, key_types[i]))
			return true;
	return false;
}

/* DER SubjectPublicKeyInfo to a key of that type. Not the generic "DER"
 * decoder of any SubjectPublicKeyInfo to the typed one: d2i_X509 names the
 * key type (the algorithm's OID), so the typed decoder takes the SPKI as
 * it is, and each decoder more costs every parse its share of the chain
 * OpenSSL builds. */
static bool
is_spki_decoder(const OSSL_ALGORITHM *a, const char *type)
{
	return a->property_definition != NULL &&
	    strstr(a->property_definition, "input=der") != NULL &&
	    strstr(a->property_definition,
	    "structure=SubjectPublicKeyInfo") != NULL &&
	    first_name_is(a->algorithm_names, type);
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
forward_query(const struct parse_ctx *p, int op, int *no_cache)
{
	switch (op) {
	case OSSL_OP_DECODER:
		*no_cache = 0;
		return p->decoder;
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
forward_init(const OSSL_DISPATCH *dispatch, const OSSL_DISPATCH **out,
    void **provctx)
{
	*out = dispatch;
	*provctx = OSSL_PROVIDER_get0_provider_ctx(forward_to);
	return *provctx != NULL;
}

/*
 * A provider's functions get only the provider context, which must be the
 * default provider's own (its algorithms get it): so one query and one
 * init function per context.
 */
static struct parse_ctx parsers[CERTS_SPKI_OTHER];

#define PARSE_PROVIDER(type)						\
static const OSSL_ALGORITHM *						\
query_##type(void *provctx, int op, int *no_cache)			\
{									\
	(void)provctx;							\
	return forward_query(&parsers[type], op, no_cache);		\
}									\
static int								\
init_##type(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,	\
    const OSSL_DISPATCH **out, void **provctx)				\
{									\
	static const OSSL_DISPATCH dispatch[] = {			\
		{ OSSL_FUNC_PROVIDER_QUERY_OPERATION,			\
		    (void (*)(void))query_##type },			\
		{ 0, NULL },						\
	};								\
									\
	(void)handle;							\
	(void)in;							\
	return forward_init(dispatch, out, provctx);			\
}
PARSE_PROVIDER(CERTS_SPKI_RSA)
PARSE_PROVIDER(CERTS_SPKI_RSA_PSS)
PARSE_PROVIDER(CERTS_SPKI_EC)
PARSE_PROVIDER(CERTS_SPKI_ED25519)

static struct parse_ctx parsers[CERTS_SPKI_OTHER] = {
	[CERTS_SPKI_RSA] = { .name = "uipsec-certs-rsa",
	    .init = init_CERTS_SPKI_RSA },
	[CERTS_SPKI_RSA_PSS] = { .name = "uipsec-certs-rsa-pss",
	    .init = init_CERTS_SPKI_RSA_PSS },
	[CERTS_SPKI_EC] = { .name = "uipsec-certs-ec",
	    .init = init_CERTS_SPKI_EC },
	[CERTS_SPKI_ED25519] = { .name = "uipsec-certs-ed25519",
	    .init = init_CERTS_SPKI_ED25519 },
};

/* The default provider's SubjectPublicKeyInfo decoder of that type. */
static bool
pick_decoder(struct parse_ctx *p, const char *type)
{
	const OSSL_ALGORITHM *a;
	int no_cache;

	a = OSSL_PROVIDER_query_operation(forward_to, OSSL_OP_DECODER,
	    &no_cache);
	for (; a != NULL && a->algorithm_names != NULL; a++)
		if (is_spki_decoder(a, type)) {
			p->decoder[0] = *a;
			return true;
		}
	return false;
}

static bool
parse_ctx_setup(struct parse_ctx *p, const char *type)
{
	if (!pick_decoder(p, type) || (p->ctx = OSSL_LIB_CTX_new()) == NULL ||
	    !OSSL_PROVIDER_add_builtin(p->ctx, p->name, p->init) ||
	    (p->provider = OSSL_PROVIDER_load(p->ctx, p->name)) == NULL) {
		OSSL_LIB_CTX_free(p->ctx);
		p->ctx = NULL;
		return false;
	}
	return true;
}

static void
certs_ctx_setup(void)
{
	OSSL_LIB_CTX *base = OSSL_LIB_CTX_new();
	bool ok;

	ok = base != NULL &&
	    (forward_to = OSSL_PROVIDER_load(base, "default")) != NULL &&
	    pick(OSSL_OP_KEYMGMT, want_keymgmt, keymgmts) > 0 &&
	    pick(OSSL_OP_SIGNATURE, want_signature, sigalgs) > 0 &&
	    pick(OSSL_OP_DIGEST, want_digest, mds) > 0;
	/* They live as long as the process. Without one, certificates of its
	 * type are parsed in the default context. */
	for (size_t i = 0; ok && i < CERTS_SPKI_OTHER; i++)
		parse_ctx_setup(&parsers[i], key_types[i]);
	ERR_clear_error();
	if (!ok) {
		OSSL_PROVIDER_unload(forward_to);
		forward_to = NULL;
		OSSL_LIB_CTX_free(base);
	}
}

OSSL_LIB_CTX *
certs_libctx(enum certs_spki_type type)
{
	if (!CRYPTO_THREAD_run_once(&certs_ctx_once, certs_ctx_setup) ||
	    (unsigned)type >= CERTS_SPKI_OTHER)
		return NULL;
	return parsers[type].ctx;
}

OSSL_LIB_CTX *
certs_pkey_libctx(const EVP_PKEY *pkey)
{
	const OSSL_PROVIDER *prov = EVP_PKEY_get0_provider(pkey);

	/* The contexts are set up once; this thread may not have asked. */
	if (!CRYPTO_THREAD_run_once(&certs_ctx_once, certs_ctx_setup))
		return NULL;
	for (size_t i = 0; prov != NULL && i < CERTS_SPKI_OTHER; i++)
		if (parsers[i].provider == prov)
			return parsers[i].ctx;
	return NULL;
}
