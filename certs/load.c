/*
 * certs/load.c — certificates and chains from DER (IKE CERT payloads) and
 * from files (PEM bundles or DER), with reasons that tell truncated from
 * garbage input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "certs/certs_internal.h"
#include "common/buf.h"

#define CERTS_FILE_MAX	(1024 * 1024)	/* no credential file is bigger */

enum certs_status
certs_read_file(const char *path, uint8_t **buf, size_t *len,
    struct certs_err *err)
{
	struct stat st;
	uint8_t *p = NULL;
	size_t n = 0;
	FILE *f;

	*buf = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return certs_fail(err, CERTS_ERR_IO, "cannot open %s: %s", path,
		    strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > CERTS_FILE_MAX) {
		fclose(f);
		return certs_fail(err, CERTS_ERR_IO,
		    "%s is not a regular file of at most %d bytes", path,
		    CERTS_FILE_MAX);
	}
	if ((p = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(f);
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	}
	n = fread(p, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		fclose(f);
		certs_buf_free(p, (size_t)st.st_size + 1);
		return certs_fail(err, CERTS_ERR_IO, "cannot read %s", path);
	}
	fclose(f);
	p[n] = '\0';	/* PEM parsers and passphrase readers see a string */
	*buf = p;
	*len = n;
	return certs_ok(err);
}

void
certs_buf_free(uint8_t *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}

struct certs_cert *
certs_cert_wrap(X509 *x509)
{
	struct certs_cert *c;
	unsigned char *der = NULL;
	int len;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (len = i2d_X509(x509, &der)) <= 0) {
		free(c);
		X509_free(x509);
		return NULL;
	}
	c->x509 = x509;
	c->der = der;
	c->der_len = (size_t)len;
	return c;
}

/*
 * Reads the outer TLV of a DER certificate (X.690 §8.1.2-3) to tell
 * truncated input from garbage before OpenSSL sees it: a certificate is a
 * SEQUENCE whose definite length covers exactly the rest of the input.
 */
static enum certs_status
der_outer_check(const uint8_t *der, size_t len, const char *what,
    struct certs_err *err)
{
	struct buf_reader r;
	uint8_t tag, lb, b;
	size_t body = 0;

	buf_reader_init(&r, der, len);
	if (!buf_get_u8(&r, &tag) || !buf_get_u8(&r, &lb))
		return certs_fail(err, CERTS_ERR_PARSE,
		    "%s is truncated: %zu bytes, no DER header", what, len);
	if (tag != 0x30)
		return certs_fail(err, CERTS_ERR_PARSE,
		    "%s is not a DER certificate: first byte 0x%02x, "
		    "expected a SEQUENCE (0x30)", what, tag);
	if (lb < 0x80) {
		body = lb;
	} else if (lb == 0x80 || lb > 0x84) {
		return certs_fail(err, CERTS_ERR_PARSE,
		    "%s is not a DER certificate: length octet 0x%02x", what, lb);
	} else {
		for (uint8_t i = 0; i < (lb & 0x7f); i++) {
			if (!buf_get_u8(&r, &b))
				return certs_fail(err, CERTS_ERR_PARSE,
				    "%s is truncated inside its DER header",
				    what);
			body = body << 8 | b;
		}
	}
	if (body > buf_remaining(&r))
		return certs_fail(err, CERTS_ERR_PARSE,
		    "%s is truncated: DER says %zu bytes, %zu present", what,
		    body + (len - buf_remaining(&r)), len);
	if (body < buf_remaining(&r))
		return certs_fail(err, CERTS_ERR_PARSE,
		    "%s has %zu bytes of garbage after the certificate", what,
		    buf_remaining(&r) - body);
	return CERTS_OK;
}

/* All of der[0..len) as a certificate of library context ctx (NULL: the
 * default one); NULL if it does not parse or, in ctx, if ctx does not
 * know its key type. On failure OpenSSL's error queue says why. */
static X509 *
parse_x509(const uint8_t *der, size_t len, OSSL_LIB_CTX *ctx)
{
	const unsigned char *p = der;
	X509 *x = NULL;

	/* d2i_X509 into an X509 of ctx parses its key in ctx; on failure
	 * it frees it and sets x to NULL. */
	if (ctx != NULL && (x = X509_new_ex(ctx, NULL)) == NULL)
		return NULL;
	if (d2i_X509(&x, &p, (long)len) == NULL)
		return NULL;
	if (p != der + len || (ctx != NULL && X509_get0_pubkey(x) == NULL)) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static enum certs_status
der_to_x509(const uint8_t *der, size_t len, const char *what, X509 **out,
    struct certs_err *err)
{
	OSSL_LIB_CTX *ctx = certs_libctx(certs_spki_type(der, len));
	char why[160] = "";
	enum certs_status st;
	X509 *x = NULL;

	if ((st = der_outer_check(der, len, what, err)) != CERTS_OK)
		return st;
	/* The context of its key type parses faster; what it cannot parse,
	 * the default context parses (or refuses) as it always did. */
	if (ctx != NULL && (x = parse_x509(der, len, ctx)) == NULL)
		ERR_clear_error();
	if (x == NULL)
		x = parse_x509(der, len, NULL);
	if (x == NULL) {
		ERR_error_string_n(ERR_peek_last_error(), why, sizeof(why));
		ERR_clear_error();
		return certs_fail(err, CERTS_ERR_PARSE,
		    "%s is not a valid X.509 certificate: %s", what, why);
	}
	*out = x;
	return CERTS_OK;
}

static bool
is_pem(const uint8_t *buf, size_t len)
{
	return memmem(buf, len, "-----BEGIN ", 11) != NULL;
}

/* One PEM block after another; blocks other than certificates (a key in
 * a combined file) are skipped. */
static enum certs_status
parse_pem_certs(const uint8_t *buf, size_t len, const char *what,
    enum certs_status (*add)(void *, X509 *, struct certs_err *), void *ctx,
    size_t *count, struct certs_err *err)
{
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long dlen;
	enum certs_status st = CERTS_OK;
	X509 *x;

	if (bio == NULL)
		return certs_fail_ossl(err, "BIO_new_mem_buf");
	while (st == CERTS_OK && PEM_read_bio(bio, &name, &header, &data, &dlen)) {
		if (!strcmp(name, PEM_STRING_X509) ||
		    !strcmp(name, PEM_STRING_X509_OLD)) {
			st = der_to_x509(data, (size_t)dlen, what, &x, err);
			if (st == CERTS_OK) {
				st = add(ctx, x, err);
				(*count)++;
			}
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_clear_free(data, (size_t)dlen);
		name = header = NULL;
		data = NULL;
	}
	/* The loop ends at the first PEM_read_bio failure: end of input
	 * (no start line) is fine, anything else is a broken block. */
	if (st == CERTS_OK && ERR_GET_REASON(ERR_peek_last_error()) !=
	    PEM_R_NO_START_LINE)
		st = certs_fail(err, CERTS_ERR_PARSE,
		    "%s has a broken PEM block (bad base64 or missing END line)",
		    what);
	ERR_clear_error();
	BIO_free(bio);
	return st;
}

enum certs_status
certs_parse_certs(const uint8_t *buf, size_t len, const char *what,
    enum certs_status (*add)(void *, X509 *, struct certs_err *), void *ctx,
    struct certs_err *err)
{
	enum certs_status st;
	size_t count = 0;
	X509 *x;

	if (!is_pem(buf, len)) {
		if ((st = der_to_x509(buf, len, what, &x, err)) != CERTS_OK)
			return st;
		return add(ctx, x, err);
	}
	st = parse_pem_certs(buf, len, what, add, ctx, &count, err);
	if (st == CERTS_OK && count == 0)
		return certs_fail(err, CERTS_ERR_PARSE,
		    "%s holds no PEM CERTIFICATE block", what);
	return st;
}

/* ---- single certificates ---- */

enum certs_status
certs_cert_from_der(const uint8_t *der, size_t len, struct certs_cert **out,
    struct certs_err *err)
{
	enum certs_status st;
	X509 *x;

	*out = NULL;
	if ((st = der_to_x509(der, len, "certificate", &x, err)) != CERTS_OK)
		return st;
	if ((*out = certs_cert_wrap(x)) == NULL)
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	return certs_ok(err);
}

static enum certs_status
keep_first(void *ctx, X509 *x, struct certs_err *err)
{
	X509 **first = ctx;

	if (*first == NULL)
		*first = x;
	else
		X509_free(x);
	return CERTS_OK;
}

enum certs_status
certs_cert_load(const char *path, struct certs_cert **out,
    struct certs_err *err)
{
	enum certs_status st;
	X509 *first = NULL;
	uint8_t *buf;
	size_t len;

	*out = NULL;
	if ((st = certs_read_file(path, &buf, &len, err)) != CERTS_OK)
		return st;
	st = certs_parse_certs(buf, len, path, keep_first, &first, err);
	certs_buf_free(buf, len + 1);
	if (st != CERTS_OK) {
		X509_free(first);
		return st;
	}
	if ((*out = certs_cert_wrap(first)) == NULL)
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	return certs_ok(err);
}

void
certs_cert_free(struct certs_cert *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->x509);
	OPENSSL_free(cert->der);
	free(cert);
}

const uint8_t *
certs_cert_der(const struct certs_cert *cert, size_t *len)
{
	*len = cert->der_len;
	return cert->der;
}

size_t
certs_cert_subject(const struct certs_cert *cert, char *buf, size_t cap)
{
	return certs_name_text(X509_get_subject_name(cert->x509), buf, cap);
}

size_t
certs_cert_issuer(const struct certs_cert *cert, char *buf, size_t cap)
{
	return certs_name_text(X509_get_issuer_name(cert->x509), buf, cap);
}

bool
certs_cert_is_ca(const struct certs_cert *cert)
{
	return X509_check_ca(cert->x509) != 0;
}

/* ---- chains ---- */

enum certs_status
certs_chain_new(struct certs_chain **out, struct certs_err *err)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	return certs_ok(err);
}

enum certs_status
certs_chain_add(struct certs_chain *chain, struct certs_cert *cert,
    struct certs_err *err)
{
	struct certs_cert **v;
	size_t cap;

	if (chain->n == chain->cap) {
		cap = chain->cap ? 2 * chain->cap : 4;
		if ((v = reallocarray(chain->v, cap, sizeof(*v))) == NULL) {
			certs_cert_free(cert);
			return certs_fail(err, CERTS_ERR_INTERNAL,
			    "out of memory");
		}
		chain->v = v;
		chain->cap = cap;
	}
	chain->v[chain->n++] = cert;
	return certs_ok(err);
}

enum certs_status
certs_chain_add_der(struct certs_chain *chain, const uint8_t *der, size_t len,
    struct certs_err *err)
{
	struct certs_cert *cert;
	enum certs_status st;

	if ((st = certs_cert_from_der(der, len, &cert, err)) != CERTS_OK)
		return st;
	return certs_chain_add(chain, cert, err);
}

static enum certs_status
chain_add_x509(void *ctx, X509 *x, struct certs_err *err)
{
	struct certs_cert *cert = certs_cert_wrap(x);

	if (cert == NULL)
		return certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
	return certs_chain_add(ctx, cert, err);
}

enum certs_status
certs_chain_load(const char *path, struct certs_chain **out,
    struct certs_err *err)
{
	enum certs_status st;
	uint8_t *buf;
	size_t len;

	*out = NULL;
	if ((st = certs_read_file(path, &buf, &len, err)) != CERTS_OK)
		return st;
	if ((st = certs_chain_new(out, err)) == CERTS_OK)
		st = certs_parse_certs(buf, len, path, chain_add_x509, *out,
		    err);
	certs_buf_free(buf, len + 1);
	if (st != CERTS_OK) {
		certs_chain_free(*out);
		*out = NULL;
		return st;
	}
	return certs_ok(err);
}

void
certs_chain_free(struct certs_chain *chain)
{
	if (chain == NULL)
		return;
	for (size_t i = 0; i < chain->n; i++)
		certs_cert_free(chain->v[i]);
	free(chain->v);
	free(chain);
}

size_t
certs_chain_len(const struct certs_chain *chain)
{
	return chain->n;
}

const struct certs_cert *
certs_chain_get(const struct certs_chain *chain, size_t i)
{
	return i < chain->n ? chain->v[i] : NULL;
}
