/*
 * certs/reason.c — errors as values: the status, the sentence, and the
 * pieces reasons are made of (DNs, times, serial numbers).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>

#include "certs/certs_internal.h"

static const char *const status_names[] = {
	[CERTS_OK]		= "ok",
	[CERTS_ERR_IO]		= "i/o error",
	[CERTS_ERR_PARSE]	= "malformed",
	[CERTS_ERR_KEY]		= "key refused",
	[CERTS_ERR_UNTRUSTED]	= "untrusted",
	[CERTS_ERR_EXPIRED]	= "expired",
	[CERTS_ERR_NOT_YET_VALID] = "not yet valid",
	[CERTS_ERR_REVOKED]	= "revoked",
	[CERTS_ERR_CRL]		= "CRL problem",
	[CERTS_ERR_USAGE]	= "usage not allowed",
	[CERTS_ERR_SIGNATURE]	= "bad signature",
	[CERTS_ERR_IDENTITY]	= "identity mismatch",
	[CERTS_ERR_UNSUPPORTED]	= "unsupported",
	[CERTS_ERR_INTERNAL]	= "internal error",
};

const char *
certs_status_str(enum certs_status st)
{
	if ((size_t)st >= sizeof(status_names) / sizeof(status_names[0]))
		return "unknown";
	return status_names[st];
}

enum certs_status
certs_fail(struct certs_err *err, enum certs_status st, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return st;
	err->status = st;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return st;
}

enum certs_status
certs_ok(struct certs_err *err)
{
	if (err != NULL) {
		err->status = CERTS_OK;
		err->reason[0] = '\0';
	}
	return CERTS_OK;
}

enum certs_status
certs_fail_ossl(struct certs_err *err, const char *what)
{
	char buf[160] = "no details";
	unsigned long e = ERR_peek_last_error();

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return certs_fail(err, CERTS_ERR_INTERNAL, "%s failed: %s", what, buf);
}

size_t
certs_name_text(const X509_NAME *name, char *buf, size_t cap)
{
	const unsigned char *der;
	size_t len;

	/* The encoding the name keeps (no copy, as i2d would make). */
	if (!X509_NAME_get0_der(name, &der, &len))
		return (size_t)snprintf(buf, cap, "(invalid DN)");
	return certs_dn_format(der, len, buf, cap);
}

const char *
certs_name_str(const X509_NAME *name, char *buf, size_t cap)
{
	certs_name_text(name, buf, cap);
	return buf;
}

const char *
certs_time_str(const ASN1_TIME *t, char *buf, size_t cap)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm) ||
	    strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, cap, "(invalid time)");
	return buf;
}

const char *
certs_serial_str(const ASN1_INTEGER *serial, char *buf, size_t cap)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	const char *h = hex;

	if (h == NULL) {
		snprintf(buf, cap, "(invalid serial)");
	} else {
		while (h[0] == '0' && h[1] != '\0')
			h++;
		snprintf(buf, cap, "0x%s", h);
		for (char *c = buf; *c; c++)
			if (*c >= 'A' && *c <= 'F')
				*c = (char)(*c - 'A' + 'a');
	}
	OPENSSL_free(hex);
	BN_free(bn);
	return buf;
}
