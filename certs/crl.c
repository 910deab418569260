/*
 * certs/crl.c — CRL entries as a person reads them: reason codes
 * (RFC 5280 §5.3.1) and the sentence a revocation is refused with.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "certs/certs_internal.h"

/* RFC 5280 §5.3.1 CRLReason; 7 is unused. */
static const char *const crl_reasons[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation", "certificateHold", NULL,
	"removeFromCRL", "privilegeWithdrawn", "aACompromise",
};
#define CRL_NREASONS	(int)(sizeof(crl_reasons) / sizeof(crl_reasons[0]))

const char *
certs_crl_reason_name(int code)
{
	if (code < 0 || code >= CRL_NREASONS || crl_reasons[code] == NULL)
		return "unknown";
	return crl_reasons[code];
}

int
certs_crl_reason_parse(const char *name)
{
	for (int i = 0; i < CRL_NREASONS; i++)
		if (crl_reasons[i] != NULL && !strcasecmp(name, crl_reasons[i]))
			return i;
	return -1;
}

int
certs_crl_entry_reason(const X509_REVOKED *rev)
{
	ASN1_ENUMERATED *e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason,
	    NULL, NULL);
	long code = e ? ASN1_ENUMERATED_get(e) : -1;

	ASN1_ENUMERATED_free(e);
	return (int)code;
}

enum certs_status
certs_crl_refuse(X509_CRL *crl, X509 *x, struct certs_err *err)
{
	char subj[CERTS_NAME_MAX], crl_issuer[CERTS_NAME_MAX], serial[80];
	char when[40] = "(unknown date)", why[48] = "";
	X509_REVOKED *rev = NULL;
	int reason;

	certs_name_str(X509_get_subject_name(x), subj, sizeof(subj));
	certs_serial_str(X509_get0_serialNumber(x), serial, sizeof(serial));
	if (crl == NULL)
		return certs_fail(err, CERTS_ERR_REVOKED,
		    "certificate for %s (serial %s) is revoked", subj, serial);
	certs_name_str(X509_CRL_get_issuer(crl), crl_issuer,
	    sizeof(crl_issuer));
	if (X509_CRL_get0_by_cert(crl, &rev, x) == 1 && rev != NULL) {
		certs_time_str(X509_REVOKED_get0_revocationDate(rev), when,
		    sizeof(when));
		if ((reason = certs_crl_entry_reason(rev)) >= 0)
			snprintf(why, sizeof(why), ", %s",
			    certs_crl_reason_name(reason));
	}
	return certs_fail(err, CERTS_ERR_REVOKED,
	    "certificate for %s revoked by CRL of %s, serial %s (since %s%s)",
	    subj, crl_issuer, serial, when, why);
}
