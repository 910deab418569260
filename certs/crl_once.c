/*
 * certs/crl_once.c — each CRL of the store checked once per issuer, not at
 * every chain validation.
 *
 * Why: OpenSSL's path validation checks a CRL (its issuer's keyUsage,
 * scope, time and signature) every time it looks a certificate up in it,
 * and under X509_V_FLAG_CRL_CHECK_ALL the CA's CRL is looked at twice per
 * chain (for the end entity, and for the anchor itself): two signature
 * verifications per IKE_AUTH that a concentrator with thousands of CCUs of
 * one CA repeats for nothing. The store's check_crl hook runs OpenSSL's own
 * check the first time a CRL is used with an issuer certificate (and a kind
 * of subject: CA or not, which decides the CRL's scope); when that check
 * passed without any complaint other than the CRL's update times, later
 * uses only compare those times again with the validation time (a CRL goes
 * stale) and report as OpenSSL would. Whether a certificate is listed is
 * looked up at every use (cert_crl, not this hook). The memory holds
 * references, so a CRL or issuer it names cannot be freed and replaced at
 * the same address, and the store forgets it whenever it gains an anchor,
 * an intermediate or a CRL.
 */
#include <stdlib.h>
#include <string.h>

#include "certs/certs_internal.h"

static void
seen_clear(struct certs_crl_seen *s)
{
	X509_CRL_free(s->crl);
	X509_free(s->issuer);
	memset(s, 0, sizeof(*s));
}

void
certs_crl_memo_flush(struct certs_crl_memo *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < CERTS_CRL_SEEN_MAX; i++)
		seen_clear(&m->seen[i]);
	m->next = 0;
}

void
certs_crl_memo_free(struct certs_crl_memo *m)
{
	certs_crl_memo_flush(m);
	free(m);
}

/* The same issuer: the same certificate (X509_cmp compares the DER). */
static bool
seen_before(const struct certs_crl_memo *m, X509_CRL *crl, X509 *issuer,
    bool ca)
{
	for (size_t i = 0; i < CERTS_CRL_SEEN_MAX; i++)
		if (m->seen[i].crl == crl && m->seen[i].ca == ca &&
		    X509_cmp(m->seen[i].issuer, issuer) == 0)
			return true;
	return false;
}

/* Remembered round-robin: a store has a handful of CRLs. */
static void
remember(struct certs_crl_memo *m, X509_CRL *crl, X509 *issuer, bool ca)
{
	struct certs_crl_seen *s = &m->seen[m->next];

	if (!X509_CRL_up_ref(crl))
		return;
	if (!X509_up_ref(issuer)) {
		X509_CRL_free(crl);
		return;
	}
	seen_clear(s);
	*s = (struct certs_crl_seen){ .crl = crl, .issuer = issuer, .ca = ca };
	m->next = (m->next + 1) % CERTS_CRL_SEEN_MAX;
}

static int
complain(X509_STORE_CTX *ctx, int e)
{
	X509_STORE_CTX_set_error(ctx, e);
	return X509_STORE_CTX_get_verify_cb(ctx)(0, ctx);
}

/* The CRL's update times against the validation time, reported as
 * OpenSSL's own check reports them (RFC 5280 §5.1.2.4-5). */
static int
check_times(X509_STORE_CTX *ctx, X509_CRL *crl)
{
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	unsigned long flags = X509_VERIFY_PARAM_get_flags(param);
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
	time_t at, *pat = NULL;
	int c;

	if (flags & X509_V_FLAG_USE_CHECK_TIME) {
		at = X509_VERIFY_PARAM_get_time(param);
		pat = &at;
	} else if (flags & X509_V_FLAG_NO_CHECK_TIME) {
		return 1;
	}
	c = X509_cmp_time(X509_CRL_get0_lastUpdate(crl), pat);
	if (c == 0 && !complain(ctx,
	    X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD))
		return 0;
	if (c > 0 && !complain(ctx, X509_V_ERR_CRL_NOT_YET_VALID))
		return 0;
	if (next == NULL)
		return 1;
	c = X509_cmp_time(next, pat);
	if (c == 0 && !complain(ctx,
	    X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD))
		return 0;
	if (c < 0 && !complain(ctx, X509_V_ERR_CRL_HAS_EXPIRED))
		return 0;
	return 1;
}

bool
certs_crl_time_error(int e)
{
	return e == X509_V_ERR_CRL_HAS_EXPIRED ||
	    e == X509_V_ERR_CRL_NOT_YET_VALID;
}

int
certs_crl_check_once(X509_STORE_CTX *ctx, X509_CRL *crl)
{
	struct certs_verify_ctx *v = X509_STORE_CTX_get_app_data(ctx);
	struct certs_crl_memo *m = v->crl_memo;
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	/* The issuer OpenSSL's check takes when it has one (the next
	 * certificate of the path, or the anchor for its own CRL). */
	X509 *issuer = X509_STORE_CTX_get0_current_issuer(ctx);
	bool ca = x != NULL && (X509_get_extension_flags(x) & EXFLAG_CA);
	int ok;

	if (issuer != NULL && x != NULL && seen_before(m, crl, issuer, ca))
		return check_times(ctx, crl);
	v->crl_complaints = 0;
	v->in_check_crl = true;
	ok = m->openssl_check_crl(ctx, crl);
	v->in_check_crl = false;
	if (ok == 1 && v->crl_complaints == 0 && issuer != NULL && x != NULL)
		remember(m, crl, issuer, ca);
	return ok;
}

enum certs_status
certs_crl_memo_new(X509_STORE *store, struct certs_crl_memo **out,
    struct certs_err *err)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	struct certs_crl_memo *m = calloc(1, sizeof(*m));

	*out = NULL;
	/* OpenSSL's own check_crl is what a context gets from a store
	 * without the hook: take it before setting ours. */
	if (ctx == NULL || m == NULL ||
	    X509_STORE_get_check_crl(store) != NULL ||
	    !X509_STORE_CTX_init(ctx, store, NULL, NULL) ||
	    (m->openssl_check_crl = X509_STORE_CTX_get_check_crl(ctx)) ==
	    NULL) {
		X509_STORE_CTX_free(ctx);
		free(m);
		return certs_fail_ossl(err, "setting up the CRL check");
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_set_check_crl(store, certs_crl_check_once);
	*out = m;
	return CERTS_OK;
}
