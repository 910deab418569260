/*
 * certs/identity.c — IKEv2 identities (RFC 7296 §3.5): from `id =` text
 * the way strongSwan parses it, from ID payloads, back to text, and the
 * pattern match a configuration does (wildcards only in the pattern).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "certs/certs_internal.h"
#include "common/hex.h"

static bool
printable_text(const uint8_t *v, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] == 0x7f)
			return false;
	return true;
}

static enum certs_status
set_bytes(struct certs_id *out, enum certs_id_type type, const void *v,
    size_t len, const char *text, struct certs_err *err)
{
	if (len > sizeof(out->data))
		return certs_fail(err, CERTS_ERR_PARSE,
		    "identity \"%s\" is longer than %zu bytes", text,
		    sizeof(out->data));
	out->type = type;
	out->len = len;
	memcpy(out->data, v, len);
	return certs_ok(err);
}

static enum certs_status
set_text(struct certs_id *out, enum certs_id_type type, const char *v,
    const char *text, struct certs_err *err)
{
	if (!printable_text((const uint8_t *)v, strlen(v)))
		return certs_fail(err, CERTS_ERR_PARSE,
		    "identity \"%s\" is empty or has control characters", text);
	return set_bytes(out, type, v, strlen(v), text, err);
}

static enum certs_status
set_addr(struct certs_id *out, enum certs_id_type type, const char *v,
    const char *text, struct certs_err *err)
{
	uint8_t a[16];
	int af = type == CERTS_ID_IPV4_ADDR ? AF_INET : AF_INET6;

	if (inet_pton(af, v, a) != 1)
		return certs_fail(err, CERTS_ERR_PARSE,
		    "identity \"%s\" is not an %s address", text,
		    af == AF_INET ? "IPv4" : "IPv6");
	return set_bytes(out, type, a, af == AF_INET ? 4 : 16, text, err);
}

static enum certs_status
set_dn(struct certs_id *out, const char *v, struct certs_err *err)
{
	enum certs_status st;

	out->type = CERTS_ID_DER_ASN1_DN;
	st = certs_dn_parse(v, out->data, sizeof(out->data), &out->len, err);
	return st;
}

/* "#hex" after an explicit prefix: the identity's bytes as they are. */
static enum certs_status
set_hex(struct certs_id *out, enum certs_id_type type, const char *hex,
    const char *text, struct certs_err *err)
{
	long n = hex_decode(hex, out->data, sizeof(out->data));

	if (n <= 0)
		return certs_fail(err, CERTS_ERR_PARSE,
		    "identity \"%s\": bad hex", text);
	out->type = type;
	out->len = (size_t)n;
	return certs_ok(err);
}

static const struct {
	const char		*prefix;
	enum certs_id_type	 type;
} id_prefixes[] = {
	{ "ipv4:",	CERTS_ID_IPV4_ADDR },
	{ "ipv6:",	CERTS_ID_IPV6_ADDR },
	{ "rfc822:",	CERTS_ID_RFC822_ADDR },
	{ "email:",	CERTS_ID_RFC822_ADDR },
	{ "userfqdn:",	CERTS_ID_RFC822_ADDR },
	{ "fqdn:",	CERTS_ID_FQDN },
	{ "dns:",	CERTS_ID_FQDN },
	{ "asn1dn:",	CERTS_ID_DER_ASN1_DN },
	{ "keyid:",	CERTS_ID_KEY_ID },
};

/* An explicit type prefix; *done tells whether one matched. Unlike
 * strongSwan (which takes text after ipv4:/asn1dn: as raw bytes) address
 * and DN text is converted, so "ipv4:10.0.0.1" means what it says. */
static enum certs_status
parse_prefixed(const char *text, struct certs_id *out, bool *done,
    struct certs_err *err)
{
	const char *v;

	*done = false;
	for (size_t i = 0; i < sizeof(id_prefixes) / sizeof(id_prefixes[0]);
	    i++) {
		if (strncasecmp(text, id_prefixes[i].prefix,
		    strlen(id_prefixes[i].prefix)))
			continue;
		*done = true;
		v = text + strlen(id_prefixes[i].prefix);
		if (v[0] == '#')
			return set_hex(out, id_prefixes[i].type, v + 1, text,
			    err);
		switch (id_prefixes[i].type) {
		case CERTS_ID_IPV4_ADDR:
		case CERTS_ID_IPV6_ADDR:
			return set_addr(out, id_prefixes[i].type, v, text, err);
		case CERTS_ID_DER_ASN1_DN:
			return set_dn(out, v, err);
		default:
			return set_text(out, id_prefixes[i].type, v, text, err);
		}
	}
	return CERTS_OK;
}

static bool
is_any(const char *text)
{
	static const char *const any[] = { "", "%any", "%any6", "*",
	    "0.0.0.0", "::" };

	for (size_t i = 0; i < sizeof(any) / sizeof(any[0]); i++)
		if (!strcmp(text, any[i]))
			return true;
	return false;
}

enum certs_status
certs_id_parse(const char *text, struct certs_id *out, struct certs_err *err)
{
	enum certs_status st;
	uint8_t a4[4];
	bool done;

	memset(out, 0, sizeof(*out));
	if ((st = parse_prefixed(text, out, &done, err)) != CERTS_OK || done)
		return st;
	if (strchr(text, '=') != NULL)
		return set_dn(out, text, err);
	if (!strncmp(text, "@#", 2))
		return set_hex(out, CERTS_ID_KEY_ID, text + 2, text, err);
	if (!strncmp(text, "@@", 2))
		return set_text(out, CERTS_ID_RFC822_ADDR, text + 2, text, err);
	if (text[0] == '@')
		return set_text(out, CERTS_ID_FQDN, text + 1, text, err);
	if (strchr(text, '@') != NULL)
		return set_text(out, CERTS_ID_RFC822_ADDR, text, text, err);
	if (is_any(text)) {
		out->type = CERTS_ID_ANY;
		return certs_ok(err);
	}
	if (strchr(text, ':') != NULL)
		return set_addr(out, CERTS_ID_IPV6_ADDR, text, text, err);
	if (inet_pton(AF_INET, text, a4) == 1)
		return set_bytes(out, CERTS_ID_IPV4_ADDR, a4, 4, text, err);
	return set_text(out, CERTS_ID_FQDN, text, text, err);
}

enum certs_status
certs_id_from_wire(uint8_t type, const uint8_t *data, size_t len,
    struct certs_id *out, struct certs_err *err)
{
	bool ok;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > sizeof(out->data))
		return certs_fail(err, CERTS_ERR_PARSE,
		    "ID payload of type %u has %zu bytes of data", type, len);
	switch (type) {
	case CERTS_ID_IPV4_ADDR:
		ok = len == 4;
		break;
	case CERTS_ID_IPV6_ADDR:
		ok = len == 16;
		break;
	case CERTS_ID_FQDN:
	case CERTS_ID_RFC822_ADDR:
		ok = printable_text(data, len);	/* §3.5: no terminators */
		break;
	case CERTS_ID_DER_ASN1_DN:
		ok = certs_dn_valid(data, len);
		break;
	case CERTS_ID_KEY_ID:
		ok = true;
		break;
	default:
		return certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "ID type %u is not supported", type);
	}
	if (!ok)
		return certs_fail(err, CERTS_ERR_PARSE,
		    "ID payload data (%zu bytes) does not fit ID type %u", len,
		    type);
	out->type = (enum certs_id_type)type;
	out->len = len;
	memcpy(out->data, data, len);
	return certs_ok(err);
}

size_t
certs_id_format(const struct certs_id *id, char *buf, size_t cap)
{
	char text[2 * CERTS_ID_MAX + 3];

	switch (id->type) {
	case CERTS_ID_ANY:
		return (size_t)snprintf(buf, cap, "%%any");
	case CERTS_ID_IPV4_ADDR:
	case CERTS_ID_IPV6_ADDR:
		if (inet_ntop(id->type == CERTS_ID_IPV4_ADDR ? AF_INET :
		    AF_INET6, id->data, text, sizeof(text)) == NULL)
			snprintf(text, sizeof(text), "(bad address)");
		return (size_t)snprintf(buf, cap, "%s", text);
	case CERTS_ID_FQDN:
	case CERTS_ID_RFC822_ADDR:
		return (size_t)snprintf(buf, cap, "%.*s", (int)id->len,
		    (const char *)id->data);
	case CERTS_ID_DER_ASN1_DN:
		return certs_dn_format(id->data, id->len, buf, cap);
	case CERTS_ID_KEY_ID:
	default:
		hex_encode(id->data, id->len, text, sizeof(text));
		return (size_t)snprintf(buf, cap, "@#%s", text);
	}
}

/* ---- matching ---- */

static bool
ascii_caseeq(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i] && (a[i] >= 0x80 || b[i] >= 0x80 ||
		    tolower(a[i]) != tolower(b[i])))
			return false;
	return true;
}

/* RFC 5280 §7.1 (simplified): the same text after conversion to UTF-8,
 * ASCII case ignored, whatever string type carries it. */
static bool
dn_values_equal(const ASN1_STRING *a, const ASN1_STRING *b)
{
	unsigned char *ua = NULL, *ub = NULL;
	int na = ASN1_STRING_to_UTF8(&ua, a), nb = ASN1_STRING_to_UTF8(&ub, b);
	bool eq;

	if (na < 0 || nb < 0)	/* not strings: the bytes must agree */
		eq = ASN1_STRING_type(a) == ASN1_STRING_type(b) &&
		    ASN1_STRING_cmp(a, b) == 0;
	else
		eq = na == nb && ascii_caseeq(ua, ub, (size_t)na);
	OPENSSL_free(ua);
	OPENSSL_free(ub);
	return eq;
}

static bool
is_wildcard_value(const ASN1_STRING *v)
{
	return ASN1_STRING_length(v) == 1 && ASN1_STRING_get0_data(v)[0] == '*';
}

/* Same RDNs in the same order with the same attribute types; returns the
 * number of wildcard values used, or -1 for no match. */
static int
dn_match(const struct certs_id *pattern, const struct certs_id *id,
    bool wildcards)
{
	const unsigned char *qp = pattern->data, *qi = id->data;
	X509_NAME *np = NULL, *ni = NULL;
	int n, used = 0;

	if (pattern->len == id->len && !memcmp(pattern->data, id->data, id->len))
		return 0;
	np = d2i_X509_NAME(NULL, &qp, (long)pattern->len);
	ni = d2i_X509_NAME(NULL, &qi, (long)id->len);
	if (np == NULL || ni == NULL ||
	    (n = X509_NAME_entry_count(np)) != X509_NAME_entry_count(ni)) {
		used = -1;
		goto out;
	}
	for (int i = 0; i < n && used >= 0; i++) {
		const X509_NAME_ENTRY *ep = X509_NAME_get_entry(np, i);
		const X509_NAME_ENTRY *ei = X509_NAME_get_entry(ni, i);
		const ASN1_STRING *vp = X509_NAME_ENTRY_get_data(ep);

		if (X509_NAME_ENTRY_set(ep) != X509_NAME_ENTRY_set(ei) ||
		    OBJ_cmp(X509_NAME_ENTRY_get_object(ep),
		    X509_NAME_ENTRY_get_object(ei)) != 0)
			used = -1;
		else if (wildcards && is_wildcard_value(vp))
			used++;
		else if (!dn_values_equal(vp, X509_NAME_ENTRY_get_data(ei)))
			used = -1;
	}
out:
	X509_NAME_free(np);
	X509_NAME_free(ni);
	return used;
}

static enum certs_id_match
text_match(const struct certs_id *pattern, const struct certs_id *id,
    bool wildcards)
{
	size_t suffix = pattern->len - 1;

	if (pattern->len == id->len &&
	    ascii_caseeq(pattern->data, id->data, id->len))
		return CERTS_ID_MATCH_PERFECT;
	/* "*.fleet.example", "*@fleet.example": the rest is a suffix. */
	if (wildcards && pattern->len > 0 && pattern->data[0] == '*' &&
	    id->len >= suffix &&
	    ascii_caseeq(pattern->data + 1, id->data + id->len - suffix, suffix))
		return CERTS_ID_MATCH_ONE_WILDCARD;
	return CERTS_ID_MATCH_NONE;
}

enum certs_id_match
certs_id_compare(const struct certs_id *pattern,
    const struct certs_id *id, bool wildcards)
{
	int used;

	if (wildcards && pattern->type == CERTS_ID_ANY)
		return CERTS_ID_MATCH_ANY;
	if (pattern->type != id->type || id->type == CERTS_ID_ANY)
		return CERTS_ID_MATCH_NONE;
	switch (id->type) {
	case CERTS_ID_FQDN:
	case CERTS_ID_RFC822_ADDR:
		return text_match(pattern, id, wildcards);
	case CERTS_ID_DER_ASN1_DN:
		if ((used = dn_match(pattern, id, wildcards)) < 0)
			return CERTS_ID_MATCH_NONE;
		if (used >= CERTS_ID_MATCH_PERFECT - CERTS_ID_MATCH_MAX_WILDCARDS)
			return CERTS_ID_MATCH_MAX_WILDCARDS;
		return (enum certs_id_match)(CERTS_ID_MATCH_PERFECT - used);
	default:
		return pattern->len == id->len &&
		    !memcmp(pattern->data, id->data, id->len) ?
		    CERTS_ID_MATCH_PERFECT : CERTS_ID_MATCH_NONE;
	}
}

enum certs_id_match
certs_id_match(const struct certs_id *pattern, const struct certs_id *id)
{
	return certs_id_compare(pattern, id, true);
}
