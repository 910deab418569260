/*
 * certs/verify.c — validation of a peer's chain: RFC 5280 path validation
 * by OpenSSL (signatures, validity, CA constraints, CRLs), our CRL policy
 * (strict or lenient) in its callback, the end-entity policy of RFC 4945
 * §5.1.3 afterwards, and one sentence for whatever went wrong first.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "certs/certs_internal.h"

#define VERIFY_DEPTH_MAX	8	/* EE, intermediates, anchor */
#define VERIFY_AUTH_LEVEL	2	/* >= 112-bit: no SHA-1, RSA >= 2048 */

static bool
is_crl_availability_error(int e)
{
	return e == X509_V_ERR_UNABLE_TO_GET_CRL || certs_crl_time_error(e);
}

/* The trust anchor is trusted by configuration: its revocation is its
 * removal from x509ca/, not a CRL nobody above it could sign. */
static bool
is_anchor(X509_STORE_CTX *ctx)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);

	return chain != NULL &&
	    X509_STORE_CTX_get_error_depth(ctx) == sk_X509_num(chain) - 1;
}

/* OpenSSL 3.0 does not report the current CRL when the CRL that revokes
 * a certificate is past its nextUpdate: find it among the store's CRLs
 * of the issuer, for the reason. Returns a new reference or NULL. */
static X509_CRL *
revoking_crl(X509_STORE_CTX *ctx, X509 *x)
{
	STACK_OF(X509_CRL) *crls = X509_STORE_CTX_get1_crls(ctx,
	    X509_get_issuer_name(x));
	X509_REVOKED *rev;
	X509_CRL *found = NULL;

	for (int i = 0; i < sk_X509_CRL_num(crls) && found == NULL; i++)
		if (X509_CRL_get0_by_cert(sk_X509_CRL_value(crls, i), &rev,
		    x) == 1 && X509_CRL_up_ref(sk_X509_CRL_value(crls, i)))
			found = sk_X509_CRL_value(crls, i);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return found;
}

static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct certs_verify_ctx *v = X509_STORE_CTX_get_app_data(ctx);
	int e = X509_STORE_CTX_get_error(ctx);

	if (ok)
		return 1;
	if (v->in_check_crl && !certs_crl_time_error(e))
		v->crl_complaints++;
	/* Lenient (strongSwan's default): no CRL, or a stale one, lets the
	 * certificate pass; a CRL that lists it still refuses it. */
	if (is_crl_availability_error(e) && (!v->strict || is_anchor(ctx)))
		return 1;
	if (e == X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER && is_anchor(ctx))
		return 1;
	if (v->code == 0) {
		v->code = e;
		v->cert = X509_STORE_CTX_get_current_cert(ctx);
		if (v->cert != NULL)
			X509_up_ref(v->cert);
		if ((v->crl = X509_STORE_CTX_get0_current_crl(ctx)) != NULL)
			X509_CRL_up_ref(v->crl);
		else if (e == X509_V_ERR_CERT_REVOKED && v->cert != NULL)
			v->crl = revoking_crl(ctx, v->cert);
	}
	return 0;
}

static enum certs_status
explain_crl(const struct certs_verify_ctx *v, const char *subj,
    const char *issuer, struct certs_err *err)
{
	char t[40];

	switch (v->code) {
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		return certs_fail(err, CERTS_ERR_CRL,
		    "no CRL of %s to check the certificate for %s (strict CRL "
		    "policy)", issuer, subj);
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return certs_fail(err, CERTS_ERR_CRL,
		    "CRL of %s is stale: its next update was due %s (strict CRL "
		    "policy)", issuer, certs_time_str(v->crl ?
		    X509_CRL_get0_nextUpdate(v->crl) : NULL, t, sizeof(t)));
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return certs_fail(err, CERTS_ERR_CRL,
		    "CRL of %s is not valid before %s (strict CRL policy)",
		    issuer, certs_time_str(v->crl ?
		    X509_CRL_get0_lastUpdate(v->crl) : NULL, t, sizeof(t)));
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
		return certs_fail(err, CERTS_ERR_CRL,
		    "CRL of %s has a bad signature", issuer);
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
		return certs_fail(err, CERTS_ERR_CRL,
		    "the signer of the CRL for %s is not known", subj);
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
		return certs_fail(err, CERTS_ERR_CRL,
		    "%s may not sign CRLs (keyUsage lacks cRLSign)", issuer);
	default:
		return certs_fail(err, CERTS_ERR_CRL,
		    "CRL of %s refused: %s", issuer,
		    X509_verify_cert_error_string(v->code));
	}
}

static enum certs_status
explain(const struct certs_verify_ctx *v, struct certs_err *err)
{
	char subj[CERTS_NAME_MAX], issuer[CERTS_NAME_MAX];
	char t[40];

	if (v->cert == NULL)
		return certs_fail(err, CERTS_ERR_UNTRUSTED,
		    "chain refused: %s", X509_verify_cert_error_string(v->code));
	certs_name_str(X509_get_subject_name(v->cert), subj, sizeof(subj));
	certs_name_str(X509_get_issuer_name(v->cert), issuer, sizeof(issuer));
	switch (v->code) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return certs_fail(err, CERTS_ERR_EXPIRED,
		    "certificate for %s expired %s", subj, certs_time_str(
		    X509_get0_notAfter(v->cert), t, sizeof(t)));
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return certs_fail(err, CERTS_ERR_NOT_YET_VALID,
		    "certificate for %s is not valid before %s", subj,
		    certs_time_str(X509_get0_notBefore(v->cert), t,
		    sizeof(t)));
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
		return certs_fail(err, CERTS_ERR_PARSE,
		    "certificate for %s has a malformed validity time", subj);
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		return certs_fail(err, CERTS_ERR_UNTRUSTED,
		    "issuer %s not trusted (certificate for %s)", issuer, subj);
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return certs_fail(err, CERTS_ERR_UNTRUSTED,
		    "certificate for %s is self-signed and not a trust anchor",
		    subj);
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return certs_fail(err, CERTS_ERR_UNTRUSTED,
		    "root CA %s is not a trust anchor", subj);
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
		return certs_fail(err, CERTS_ERR_SIGNATURE,
		    "signature on the certificate for %s does not verify with "
		    "the key of its issuer %s", subj, issuer);
	case X509_V_ERR_CA_MD_TOO_WEAK:
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
		return certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "certificate for %s uses weak cryptography (%s): at least "
		    "SHA-256 and RSA 2048 are required", subj,
		    X509_verify_cert_error_string(v->code));
	case X509_V_ERR_CERT_REVOKED:
		return certs_crl_refuse(v->crl, v->cert, err);
	case X509_V_ERR_INVALID_CA:
		return certs_fail(err, CERTS_ERR_USAGE,
		    "certificate for %s issues certificates but is not a CA "
		    "(basicConstraints)", subj);
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
		return certs_fail(err, CERTS_ERR_USAGE,
		    "CA %s may not sign certificates (keyUsage lacks "
		    "keyCertSign)", subj);
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
		return certs_fail(err, CERTS_ERR_USAGE,
		    "path length constraint exceeded at %s", subj);
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
		return certs_fail(err, CERTS_ERR_UNTRUSTED,
		    "chain of %s is longer than %d certificates", subj,
		    VERIFY_DEPTH_MAX);
	case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
		return certs_fail(err, CERTS_ERR_USAGE,
		    "certificate for %s has a critical extension we do not "
		    "know", subj);
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
		return explain_crl(v, subj, issuer, err);
	default:
		return certs_fail(err, CERTS_ERR_UNTRUSTED,
		    "certificate for %s refused: %s", subj,
		    X509_verify_cert_error_string(v->code));
	}
}

/* RFC 4945 §5.1.3.12 allows ipsecIKE and anyExtendedKeyUsage; we also
 * take serverAuth/clientAuth (what strongSwan's and most CAs' IPsec
 * certificates carry) and RFC 2459's ipsecEndSystem/Tunnel/User. */
static bool
eku_allows_ike(X509 *x)
{
	static const int ok_nids[] = { NID_ipsec_IKE, NID_anyExtendedKeyUsage,
	    NID_server_auth, NID_client_auth, NID_ipsecEndSystem,
	    NID_ipsecTunnel, NID_ipsecUser };
	EXTENDED_KEY_USAGE *eku;
	bool ok = false;
	int crit;

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (eku == NULL)
		return crit == -1;	/* absent: fine; -2 or bad: refuse */
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku) && !ok; i++)
		for (size_t j = 0; j < sizeof(ok_nids) / sizeof(ok_nids[0]); j++)
			if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) ==
			    ok_nids[j])
				ok = true;
	EXTENDED_KEY_USAGE_free(eku);
	return ok;
}

/* RFC 4945 §5.1.3.2: digitalSignature or nonRepudiation, if keyUsage is
 * there at all. */
static enum certs_status
end_entity_policy(X509 *ee, struct certs_err *err)
{
	uint32_t ku = X509_get_key_usage(ee);
	enum certs_key_type type;
	char subj[CERTS_NAME_MAX], whose[CERTS_NAME_MAX + 40];

	/* The subject is formatted for a reason only. */
	if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE |
	    KU_NON_REPUDIATION)))
		return certs_fail(err, CERTS_ERR_USAGE,
		    "certificate for %s may not sign (keyUsage lacks "
		    "digitalSignature)", certs_name_str(
		    X509_get_subject_name(ee), subj, sizeof(subj)));
	if (!eku_allows_ike(ee))
		return certs_fail(err, CERTS_ERR_USAGE,
		    "certificate for %s is not for IKE (extendedKeyUsage lists "
		    "none of ipsecIKE, serverAuth, clientAuth, "
		    "anyExtendedKeyUsage)", certs_name_str(
		    X509_get_subject_name(ee), subj, sizeof(subj)));
	if (certs_pkey_check(X509_get0_pubkey(ee), "", &type, NULL) ==
	    CERTS_OK)
		return CERTS_OK;
	snprintf(whose, sizeof(whose), "public key of the certificate for %s",
	    certs_name_str(X509_get_subject_name(ee), subj, sizeof(subj)));
	return certs_pkey_check(X509_get0_pubkey(ee), whose, &type, err);
}

static STACK_OF(X509) *
untrusted_set(const struct certs_store *store, const struct certs_chain *chain)
{
	STACK_OF(X509) *sk = sk_X509_new_null();

	if (sk == NULL)
		return NULL;
	for (size_t i = 1; i < chain->n; i++)
		if (!sk_X509_push(sk, chain->v[i]->x509))
			goto fail;
	for (int i = 0; i < sk_X509_num(store->intermediates); i++)
		if (!sk_X509_push(sk, sk_X509_value(store->intermediates, i)))
			goto fail;
	return sk;		/* borrowed pointers: sk_X509_free() only */
fail:
	sk_X509_free(sk);
	return NULL;
}

static void
fill_info(X509_STORE_CTX *ctx, struct certs_verify_info *info)
{
	STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
	int n = path ? sk_X509_num(path) : 0;
	const X509_NAME *anchor;
	const unsigned char *der;
	size_t len;

	info->depth = (size_t)n;
	info->anchor_dn_len = 0;
	info->anchor_is_text = false;
	if (n == 0)
		return;
	/* Its DER only: the text is wanted for logs and remote.cacerts,
	 * not for every chain. */
	anchor = X509_get_subject_name(sk_X509_value(path, n - 1));
	if (X509_NAME_get0_der(anchor, &der, &len) &&
	    len <= sizeof(info->anchor_dn)) {
		memcpy(info->anchor_dn, der, len);
		info->anchor_dn_len = len;
	} else {
		certs_name_str(anchor, (char *)info->anchor_dn, CERTS_NAME_MAX);
		info->anchor_dn_len = strlen((char *)info->anchor_dn);
		info->anchor_is_text = true;
	}
}

const char *
certs_verify_anchor(const struct certs_verify_info *info, char *buf,
    size_t cap)
{
	if (info->anchor_is_text)
		snprintf(buf, cap, "%.*s", (int)info->anchor_dn_len,
		    (const char *)info->anchor_dn);
	else if (info->anchor_dn_len == 0)
		snprintf(buf, cap, "%s", "");
	else
		certs_dn_format(info->anchor_dn, info->anchor_dn_len, buf, cap);
	return buf;
}

enum certs_status
certs_verify(const struct certs_store *store, const struct certs_chain *chain,
    const struct certs_verify_opts *opts, struct certs_verify_info *info,
    struct certs_err *err)
{
	return certs_verify_path(store, chain, opts, info, NULL, err);
}

enum certs_status
certs_verify_path(const struct certs_store *store,
    const struct certs_chain *chain, const struct certs_verify_opts *opts,
    struct certs_verify_info *info, STACK_OF(X509) **path,
    struct certs_err *err)
{
	struct certs_verify_ctx v = { .strict = opts && opts->crl_strict,
	    .crl_memo = store->crl_memo };
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	STACK_OF(X509) *untrusted = NULL;
	enum certs_status st;
	int ok;

	if (chain->n == 0)
		return certs_fail(err, CERTS_ERR_PARSE, "no certificate to "
		    "verify");
	if ((untrusted = untrusted_set(store, chain)) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, store->x509, chain->v[0]->x509,
	    untrusted)) {
		st = certs_fail_ossl(err, "X509_STORE_CTX_init");
		goto out;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK |
	    X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_depth(param, VERIFY_DEPTH_MAX);
	X509_VERIFY_PARAM_set_auth_level(param, VERIFY_AUTH_LEVEL);
	if (opts != NULL && opts->at != 0)
		X509_VERIFY_PARAM_set_time(param, opts->at);
	X509_STORE_CTX_set_app_data(ctx, &v);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);

	ok = X509_verify_cert(ctx);
	if (ok <= 0) {
		if (v.code == 0)	/* failed without the callback */
			v.code = X509_STORE_CTX_get_error(ctx);
		st = explain(&v, err);
		goto out;
	}
	if ((st = end_entity_policy(chain->v[0]->x509, err)) != CERTS_OK)
		goto out;
	if (info != NULL)
		fill_info(ctx, info);
	if (path != NULL && (*path = X509_STORE_CTX_get1_chain(ctx)) == NULL) {
		st = certs_fail_ossl(err, "X509_STORE_CTX_get1_chain");
		goto out;
	}
	st = certs_ok(err);
out:
	ERR_clear_error();
	X509_free(v.cert);
	X509_CRL_free(v.crl);
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	return st;
}
