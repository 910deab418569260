/*
 * certs/cert_id.c — the identities a certificate proves: its subject DN
 * and its subjectAltNames (dNSName, rfc822Name, iPAddress, directoryName),
 * and for KEY_ID its key identifiers — the set strongSwan matches `id =`
 * against (never the CN as a host name).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "certs/certs_internal.h"

/* Calls fn for each identity of the certificate until it returns true. */
typedef bool (*cert_id_fn)(void *ctx, const struct certs_id *id);

static bool
visit_bytes(cert_id_fn fn, void *ctx, enum certs_id_type type,
    const uint8_t *v, size_t len)
{
	struct certs_id id = { .type = type, .len = len };

	if (len == 0 || len > sizeof(id.data))
		return false;
	memcpy(id.data, v, len);
	return fn(ctx, &id);
}

static bool
visit_name(cert_id_fn fn, void *ctx, const X509_NAME *name)
{
	unsigned char *der = NULL;
	int len = i2d_X509_NAME(name, &der);
	bool stop = len > 0 && visit_bytes(fn, ctx, CERTS_ID_DER_ASN1_DN,
	    der, (size_t)len);

	OPENSSL_free(der);
	return stop;
}

static bool
visit_san(cert_id_fn fn, void *ctx, const GENERAL_NAME *gn)
{
	const ASN1_STRING *s;

	switch (gn->type) {
	case GEN_DNS:
	case GEN_EMAIL:
		s = gn->d.ia5;
		return visit_bytes(fn, ctx, gn->type == GEN_DNS ?
		    CERTS_ID_FQDN : CERTS_ID_RFC822_ADDR,
		    ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	case GEN_IPADD:
		s = gn->d.ip;
		if (ASN1_STRING_length(s) != 4 && ASN1_STRING_length(s) != 16)
			return false;
		return visit_bytes(fn, ctx, ASN1_STRING_length(s) == 4 ?
		    CERTS_ID_IPV4_ADDR : CERTS_ID_IPV6_ADDR,
		    ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	case GEN_DIRNAME:
		return visit_name(fn, ctx, gn->d.dirn);
	default:
		return false;
	}
}

/* KEY_ID: subjectKeyIdentifier, SHA-1 of the SubjectPublicKeyInfo and
 * SHA-1 of the subjectPublicKey bits (strongSwan's keyid and subjkey). */
static bool
visit_key_ids(cert_id_fn fn, void *ctx, X509 *x)
{
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(x);
	struct certs_cert c = { .x509 = x };
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (skid != NULL && visit_bytes(fn, ctx, CERTS_ID_KEY_ID,
	    ASN1_STRING_get0_data(skid), (size_t)ASN1_STRING_length(skid)))
		return true;
	certs_cert_keyhash(&c, md);
	if (visit_bytes(fn, ctx, CERTS_ID_KEY_ID, md, CERTS_KEYHASH_LEN))
		return true;
	return X509_pubkey_digest(x, EVP_sha1(), md, &mdlen) &&
	    visit_bytes(fn, ctx, CERTS_ID_KEY_ID, md, mdlen);
}

static bool
cert_for_each_id(const struct certs_cert *cert, bool key_ids, cert_id_fn fn,
    void *ctx)
{
	GENERAL_NAMES *sans;
	bool stop;

	if (visit_name(fn, ctx, X509_get_subject_name(cert->x509)))
		return true;
	sans = X509_get_ext_d2i(cert->x509, NID_subject_alt_name, NULL, NULL);
	stop = false;
	for (int i = 0; i < sk_GENERAL_NAME_num(sans) && !stop; i++)
		stop = visit_san(fn, ctx, sk_GENERAL_NAME_value(sans, i));
	GENERAL_NAMES_free(sans);
	return stop || (key_ids && visit_key_ids(fn, ctx, cert->x509));
}

void
certs_cert_subject_id(const struct certs_cert *cert, struct certs_id *out)
{
	unsigned char *der = NULL;
	int len = i2d_X509_NAME(X509_get_subject_name(cert->x509), &der);

	memset(out, 0, sizeof(*out));
	out->type = CERTS_ID_DER_ASN1_DN;
	if (len > 0 && (size_t)len <= sizeof(out->data)) {
		memcpy(out->data, der, (size_t)len);
		out->len = (size_t)len;
	}
	OPENSSL_free(der);
}

struct best_match {
	const struct certs_id	*pattern;
	bool			 wildcards;
	enum certs_id_match	 best;
};

static bool
note_match(void *ctx, const struct certs_id *id)
{
	struct best_match *m = ctx;
	enum certs_id_match level = certs_id_compare(m->pattern, id,
	    m->wildcards);

	if (level > m->best)
		m->best = level;
	return m->best == CERTS_ID_MATCH_PERFECT;
}

enum certs_id_match
certs_cert_match_id(const struct certs_cert *cert,
    const struct certs_id *pattern)
{
	struct best_match m = { .pattern = pattern, .wildcards = true };

	if (pattern->type == CERTS_ID_ANY)
		return CERTS_ID_MATCH_ANY;
	cert_for_each_id(cert, pattern->type == CERTS_ID_KEY_ID, note_match,
	    &m);
	return m.best;
}

/* "dns:a.example, ip:10.0.0.1" — what the certificate does prove, for a
 * reason a person can act on. */
struct id_list {
	char	*buf;
	size_t	 cap;
	size_t	 used;
	bool	 subject_done;
};

static bool
list_id(void *ctx, const struct certs_id *id)
{
	static const char *const tags[] = { [CERTS_ID_FQDN] = "dns:",
	    [CERTS_ID_RFC822_ADDR] = "email:", [CERTS_ID_IPV4_ADDR] = "ip:",
	    [CERTS_ID_IPV6_ADDR] = "ip:", [CERTS_ID_DER_ASN1_DN] = "dn:" };
	struct id_list *l = ctx;
	char text[CERTS_NAME_MAX];
	int n;

	if (!l->subject_done) {		/* the subject is named already */
		l->subject_done = true;
		return false;
	}
	certs_id_format(id, text, sizeof(text));
	n = snprintf(l->buf + l->used, l->cap - l->used, "%s%s%s",
	    l->used ? ", " : "", (size_t)id->type < sizeof(tags) /
	    sizeof(tags[0]) && tags[id->type] ? tags[id->type] : "", text);
	if (n < 0 || (size_t)n >= l->cap - l->used) {
		l->used = l->cap - 1;
		return true;
	}
	l->used += (size_t)n;
	return false;
}

size_t
certs_cert_altnames_text(const struct certs_cert *cert, char *buf, size_t cap)
{
	struct id_list l = { .buf = buf, .cap = cap };

	if (cap > 0)
		buf[0] = '\0';
	cert_for_each_id(cert, false, list_id, &l);
	return l.used;
}

enum certs_status
certs_cert_has_id(const struct certs_cert *cert, const struct certs_id *id,
    struct certs_err *err)
{
	struct best_match m = { .pattern = id, .wildcards = false };
	char subj[CERTS_NAME_MAX], want[CERTS_NAME_MAX], sans[256];
	const unsigned char *der;
	size_t len;

	/* The usual case, a peer whose ID is its certificate's subject as
	 * it is encoded there: equal bytes are a perfect match of the
	 * subject (certs_id_compare), without decoding either. */
	if (id->type == CERTS_ID_DER_ASN1_DN &&
	    X509_NAME_get0_der(X509_get_subject_name(cert->x509), &der,
	    &len) && len == id->len && !memcmp(der, id->data, len))
		return certs_ok(err);
	if (id->type != CERTS_ID_ANY)
		cert_for_each_id(cert, id->type == CERTS_ID_KEY_ID, note_match,
		    &m);
	if (m.best == CERTS_ID_MATCH_PERFECT)
		return certs_ok(err);
	certs_cert_subject(cert, subj, sizeof(subj));
	certs_id_format(id, want, sizeof(want));
	certs_cert_altnames_text(cert, sans, sizeof(sans));
	return certs_fail(err, CERTS_ERR_IDENTITY,
	    "certificate for %s does not contain identity %s (subjectAltNames: "
	    "%s)", subj, want, sans[0] ? sans : "none");
}
