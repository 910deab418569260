/*
 * certs/verify_cache.c — certs_verify_der(): a peer's chain from the DER
 * of its CERT payloads, validated by certs_verify_path(), and the store's
 * memory of the last CERTS_VERIFIED_MAX chains that passed.
 *
 * Why: parsing a certificate costs OpenSSL 3.0 a public-key decoder
 * context per certificate, and a path validation one signature check per
 * certificate and per CRL; an initiator meets the same concentrator chain
 * at every set-up (`uipsec load`: thousands of times). What a remembered
 * chain still gets, at every use: its validity window (every certificate of
 * the path, and in strict mode every CRL of its issuers, against the
 * validation time) and a lookup of every certificate of its path in those
 * CRLs. Both can only send it back to the full validation, which then says
 * why it refuses. What cannot change without the store changing (the
 * signatures, the path, the CRLs the store holds) is not checked again:
 * the store forgets everything when it gains an anchor, an intermediate or
 * a CRL (store.c).
 */
#include <stdint.h>
#include <string.h>

#include <openssl/err.h>

#include "certs/certs_internal.h"

static void
entry_clear(struct certs_verified *v)
{
	certs_chain_free(v->sent);
	sk_X509_pop_free(v->path, X509_free);
	sk_X509_CRL_pop_free(v->crls, X509_CRL_free);
	memset(v, 0, sizeof(*v));
}

void
certs_verified_flush(struct certs_store *store)
{
	for (size_t i = 0; i < CERTS_VERIFIED_MAX; i++)
		entry_clear(&store->verified[i]);
	certs_crl_memo_flush(store->crl_memo);
}

static bool
same_chain(const struct certs_chain *c, const struct certs_der *certs,
    size_t n)
{
	if (c == NULL || c->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (c->v[i]->der_len != certs[i].len ||
		    memcmp(c->v[i]->der, certs[i].p, certs[i].len) != 0)
			return false;
	return true;
}

/* Is the remembered result still the result at `at`? */
static bool
still_valid(const struct certs_verified *v, int64_t at)
{
	X509_REVOKED *rev;

	if (at < v->from || at >= v->until)
		return false;
	for (int i = 0; i < sk_X509_CRL_num(v->crls); i++)
		for (int j = 0; j < sk_X509_num(v->path); j++)
			if (X509_CRL_get0_by_cert(sk_X509_CRL_value(v->crls, i),
			    &rev, sk_X509_value(v->path, j)) != 0)
				return false;
	return true;
}

static bool
asn1_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return false;
	*out = timegm(&tm);
	return true;
}

/* Narrows [from, until) to [lo, hi) (hi absent: no end). */
static bool
narrow(struct certs_verified *v, const ASN1_TIME *lo, const ASN1_TIME *hi)
{
	int64_t t;

	if (!asn1_time(lo, &t))
		return false;
	if (t > v->from)
		v->from = t;
	if (hi == NULL)
		return true;
	if (!asn1_time(hi, &t))
		return false;
	if (t < v->until)
		v->until = t;
	return true;
}

/* The store's CRLs issued by the issuer of a certificate of the path. */
static bool
collect_crls(const struct certs_store *store, struct certs_verified *v)
{
	STACK_OF(X509_OBJECT) *objs;
	X509_CRL *crl;
	bool ok = true;

	if ((v->crls = sk_X509_CRL_new_null()) == NULL ||
	    !X509_STORE_lock(store->x509))
		return false;
	objs = X509_STORE_get0_objects(store->x509);
	for (int i = 0; ok && i < sk_X509_OBJECT_num(objs); i++) {
		crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objs, i));
		for (int j = 0; ok && crl != NULL && j < sk_X509_num(v->path);
		    j++) {
			if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
			    X509_get_issuer_name(sk_X509_value(v->path, j))) != 0)
				continue;
			ok = X509_CRL_up_ref(crl) && sk_X509_CRL_push(v->crls, crl);
			if (!ok)
				X509_CRL_free(crl);
			break;
		}
	}
	X509_STORE_unlock(store->x509);
	return ok;
}

/* The validity window of a validated path: every certificate's, and in
 * strict mode every CRL's (a stale CRL refuses then). */
static bool
window(struct certs_verified *v)
{
	X509 *x;
	X509_CRL *crl;

	v->from = 0;
	v->until = INT64_MAX;
	for (int i = 0; i < sk_X509_num(v->path); i++) {
		x = sk_X509_value(v->path, i);
		if (!narrow(v, X509_get0_notBefore(x), X509_get0_notAfter(x)))
			return false;
	}
	for (int i = 0; v->strict && i < sk_X509_CRL_num(v->crls); i++) {
		crl = sk_X509_CRL_value(v->crls, i);
		if (!narrow(v, X509_CRL_get0_lastUpdate(crl),
		    X509_CRL_get0_nextUpdate(crl)))
			return false;
	}
	return true;
}

/* A free entry, else the least recently used one. */
static struct certs_verified *
victim(struct certs_store *store)
{
	struct certs_verified *v = &store->verified[0];

	for (size_t i = 0; i < CERTS_VERIFIED_MAX; i++) {
		if (store->verified[i].sent == NULL)
			return &store->verified[i];
		if (store->verified[i].used < v->used)
			v = &store->verified[i];
	}
	return v;
}

/* Keeps a chain that passed (ownership of chain and path passes). A chain
 * that cannot be kept is just not remembered. */
static void
remember(struct certs_store *store, struct certs_chain *chain,
    STACK_OF(X509) *path, bool strict, const struct certs_verify_info *info)
{
	struct certs_verified *v = victim(store);

	entry_clear(v);
	v->sent = chain;
	v->path = path;
	v->strict = strict;
	v->info = *info;
	v->used = ++store->verified_clock;
	if (!collect_crls(store, v) || !window(v))
		entry_clear(v);
	ERR_clear_error();
}

/* A certificate of its own around the remembered X509 (shared). */
static enum certs_status
share(const struct certs_cert *c, struct certs_cert **out,
    struct certs_err *err)
{
	struct certs_cert *cert;

	*out = NULL;
	if ((cert = calloc(1, sizeof(*cert))) == NULL ||
	    (cert->der = OPENSSL_memdup(c->der, c->der_len)) == NULL ||
	    !X509_up_ref(c->x509)) {
		if (cert != NULL)
			OPENSSL_free(cert->der);
		free(cert);
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	}
	cert->x509 = c->x509;
	cert->der_len = c->der_len;
	*out = cert;
	return certs_ok(err);
}

enum certs_status
certs_verify_der(struct certs_store *store, const struct certs_der *certs,
    size_t n, const struct certs_verify_opts *opts,
    struct certs_verify_info *info, struct certs_cert **ee,
    struct certs_err *err)
{
	bool strict = opts != NULL && opts->crl_strict;
	int64_t at = opts != NULL && opts->at != 0 ? opts->at : time(NULL);
	struct certs_verify_info got;
	struct certs_verified *v;
	struct certs_chain *chain = NULL;
	STACK_OF(X509) *path = NULL;
	enum certs_status st;

	*ee = NULL;
	for (size_t i = 0; i < CERTS_VERIFIED_MAX; i++) {
		v = &store->verified[i];
		if (v->strict == strict && same_chain(v->sent, certs, n) &&
		    still_valid(v, at)) {
			v->used = ++store->verified_clock;
			if (info != NULL)
				*info = v->info;
			return share(v->sent->v[0], ee, err);
		}
	}
	if ((st = certs_chain_new(&chain, err)) != CERTS_OK)
		return st;
	for (size_t i = 0; i < n; i++)
		if ((st = certs_chain_add_der(chain, certs[i].p, certs[i].len,
		    err)) != CERTS_OK)
			goto fail;
	if ((st = certs_verify_path(store, chain, opts, &got, &path, err)) !=
	    CERTS_OK || (st = share(chain->v[0], ee, err)) != CERTS_OK)
		goto fail;
	if (info != NULL)
		*info = got;
	remember(store, chain, path, strict, &got);
	return CERTS_OK;
fail:
	sk_X509_pop_free(path, X509_free);
	certs_chain_free(chain);
	return st;
}
