/*
 * certs/store.c — what a peer is validated against: trust anchors,
 * intermediate CA certificates and CRLs, loaded from files or from a
 * swanctl-style directory tree (x509ca/, x509/, x509crl/).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "certs/certs_internal.h"

enum certs_status
certs_store_new(struct certs_store **out, struct certs_err *err)
{
	struct certs_store *s;
	enum certs_status st;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	s->x509 = X509_STORE_new();
	s->anchors = sk_X509_new_null();
	s->intermediates = sk_X509_new_null();
	if (s->x509 == NULL || s->anchors == NULL || s->intermediates == NULL) {
		certs_store_free(s);
		return certs_fail_ossl(err, "X509_STORE_new");
	}
	if ((st = certs_crl_memo_new(s->x509, &s->crl_memo, err)) !=
	    CERTS_OK) {
		certs_store_free(s);
		return st;
	}
	*out = s;
	return certs_ok(err);
}

void
certs_store_free(struct certs_store *store)
{
	if (store == NULL)
		return;
	certs_verified_flush(store);
	certs_crl_memo_free(store->crl_memo);
	X509_STORE_free(store->x509);
	sk_X509_pop_free(store->anchors, X509_free);
	sk_X509_pop_free(store->intermediates, X509_free);
	free(store);
}

/* Takes ownership of x. */
static enum certs_status
add_anchor(void *ctx, X509 *x, struct certs_err *err)
{
	struct certs_store *s = ctx;

	certs_verified_flush(s);	/* what it remembered may change */
	if (!X509_STORE_add_cert(s->x509, x) || !sk_X509_push(s->anchors, x)) {
		X509_free(x);
		return certs_fail_ossl(err, "adding a trust anchor");
	}
	return CERTS_OK;
}

static enum certs_status
add_intermediate(void *ctx, X509 *x, struct certs_err *err)
{
	struct certs_store *s = ctx;

	certs_verified_flush(s);
	if (!sk_X509_push(s->intermediates, x)) {
		X509_free(x);
		return certs_fail_ossl(err, "adding an intermediate");
	}
	return CERTS_OK;
}

/* swanctl's x509/ holds our own end-entity certificates too: keep the CA
 * certificates among them. */
static enum certs_status
add_if_ca(void *ctx, X509 *x, struct certs_err *err)
{
	if (X509_check_ca(x) == 0) {
		X509_free(x);
		return CERTS_OK;
	}
	return add_intermediate(ctx, x, err);
}

static enum certs_status
add_cert_file(struct certs_store *s, const char *path,
    enum certs_status (*add)(void *, X509 *, struct certs_err *),
    struct certs_err *err)
{
	enum certs_status st;
	uint8_t *buf;
	size_t len;

	if ((st = certs_read_file(path, &buf, &len, err)) != CERTS_OK)
		return st;
	st = certs_parse_certs(buf, len, path, add, s, err);
	certs_buf_free(buf, len + 1);
	return st == CERTS_OK ? certs_ok(err) : st;
}

enum certs_status
certs_store_add_anchor_file(struct certs_store *store, const char *path,
    struct certs_err *err)
{
	return add_cert_file(store, path, add_anchor, err);
}

enum certs_status
certs_store_add_anchor(struct certs_store *store,
    const struct certs_cert *cert, struct certs_err *err)
{
	enum certs_status st;

	if (!X509_up_ref(cert->x509))
		return certs_fail_ossl(err, "X509_up_ref");
	if ((st = add_anchor(store, cert->x509, err)) != CERTS_OK)
		return st;
	return certs_ok(err);
}

enum certs_status
certs_store_add_intermediate_file(struct certs_store *store, const char *path,
    struct certs_err *err)
{
	return add_cert_file(store, path, add_intermediate, err);
}

static enum certs_status
add_crl(struct certs_store *s, X509_CRL *crl, const char *path,
    struct certs_err *err)
{
	int ok;

	certs_verified_flush(s);
	ok = X509_STORE_add_crl(s->x509, crl);

	X509_CRL_free(crl);	/* the store holds its own reference */
	if (!ok)
		return certs_fail_ossl(err, path);
	return CERTS_OK;
}

static enum certs_status
parse_crls(struct certs_store *s, const uint8_t *buf, size_t len,
    const char *path, struct certs_err *err)
{
	const unsigned char *p = buf;
	enum certs_status st = CERTS_OK;
	X509_CRL *crl;
	size_t count = 0;
	BIO *bio;

	if (memmem(buf, len, "-----BEGIN X509 CRL-----", 24) == NULL) {
		crl = d2i_X509_CRL(NULL, &p, (long)len);
		if (crl == NULL || p != buf + len) {
			X509_CRL_free(crl);
			ERR_clear_error();
			return certs_fail(err, CERTS_ERR_PARSE,
			    "%s is not a CRL in PEM or DER", path);
		}
		return add_crl(s, crl, path, err);
	}
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return certs_fail_ossl(err, "BIO_new_mem_buf");
	while (st == CERTS_OK &&
	    (crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
		st = add_crl(s, crl, path, err);
		count++;
	}
	if (st == CERTS_OK && ERR_GET_REASON(ERR_peek_last_error()) !=
	    PEM_R_NO_START_LINE)
		st = certs_fail(err, CERTS_ERR_PARSE,
		    "%s: CRL %zu is broken", path, count + 1);
	ERR_clear_error();
	BIO_free(bio);
	return st;
}

enum certs_status
certs_store_add_crl_file(struct certs_store *store, const char *path,
    struct certs_err *err)
{
	enum certs_status st;
	uint8_t *buf;
	size_t len;

	if ((st = certs_read_file(path, &buf, &len, err)) != CERTS_OK)
		return st;
	st = parse_crls(store, buf, len, path, err);
	certs_buf_free(buf, len + 1);
	return st == CERTS_OK ? certs_ok(err) : st;
}

static int
visible_file(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every visible file of dir/sub, in name order; a missing sub is fine. */
static enum certs_status
load_subdir(struct certs_store *s, const char *dir, const char *sub,
    enum certs_status (*load)(struct certs_store *, const char *,
    struct certs_err *), struct certs_err *err)
{
	struct dirent **names = NULL;
	enum certs_status st = CERTS_OK;
	char path[4096];
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((n = scandir(path, &names, visible_file, alphasort)) < 0) {
		if (errno == ENOENT)
			return CERTS_OK;
		return certs_fail(err, CERTS_ERR_IO, "cannot read %s: %s",
		    path, strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub,
		    names[i]->d_name);
		if (st == CERTS_OK)
			st = load(s, path, err);
		free(names[i]);
	}
	free(names);
	return st;
}

static enum certs_status
load_ca_file(struct certs_store *s, const char *path, struct certs_err *err)
{
	return add_cert_file(s, path, add_if_ca, err);
}

enum certs_status
certs_store_load_dir(struct certs_store *store, const char *dir,
    struct certs_err *err)
{
	enum certs_status st;

	if ((st = load_subdir(store, dir, "x509ca",
	    certs_store_add_anchor_file, err)) != CERTS_OK ||
	    (st = load_subdir(store, dir, "x509", load_ca_file, err)) !=
	    CERTS_OK ||
	    (st = load_subdir(store, dir, "x509crl", certs_store_add_crl_file,
	    err)) != CERTS_OK)
		return st;
	return certs_ok(err);
}

size_t
certs_store_anchor_count(const struct certs_store *store)
{
	return (size_t)sk_X509_num(store->anchors);
}

/* The store's intermediate that issued x, or NULL. */
static X509 *
find_issuer(STACK_OF(X509) *sk, X509 *x)
{
	for (int i = 0; i < sk_X509_num(sk); i++)
		if (X509_check_issued(sk_X509_value(sk, i), x) == X509_V_OK)
			return sk_X509_value(sk, i);
	return NULL;
}

enum certs_status
certs_store_complete_chain(const struct certs_store *store,
    struct certs_chain *chain, struct certs_err *err)
{
	struct certs_cert *cert;
	X509 *top, *issuer;
	enum certs_status st;

	if (chain->n == 0)
		return certs_fail(err, CERTS_ERR_PARSE, "empty chain");
	top = chain->v[chain->n - 1]->x509;
	/* Up the issuers until an anchor (never sent) or a dead end. */
	while (chain->n < 8 && X509_self_signed(top, 0) != 1 &&
	    find_issuer(store->anchors, top) == NULL &&
	    (issuer = find_issuer(store->intermediates, top)) != NULL) {
		for (size_t i = 0; i < chain->n; i++)
			if (X509_cmp(chain->v[i]->x509, issuer) == 0)
				return certs_ok(err);	/* a loop */
		if (!X509_up_ref(issuer))
			return certs_fail_ossl(err, "X509_up_ref");
		if ((cert = certs_cert_wrap(issuer)) == NULL)
			return certs_fail(err, CERTS_ERR_INTERNAL,
			    "out of memory");
		if ((st = certs_chain_add(chain, cert, err)) != CERTS_OK)
			return st;
		top = issuer;
	}
	return certs_ok(err);
}
