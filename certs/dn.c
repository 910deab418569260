/*
 * certs/dn.c — distinguished names between text and DER, in strongSwan's
 * text form ("C=DE, O=eQ-3 Fleet, CN=ccu-0042": RDNs in certificate
 * order) with RFC 4514 §2.4/§3 value escapes, so an `id =` string written
 * for strongSwan yields the same DER here and certificates issued from it
 * match either implementation byte for byte.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/objects.h>

#include "certs/certs_internal.h"
#include "common/buf.h"
#include "common/hex.h"

/* Attribute names as strongSwan knows them (checked against `pki --dn`
 * of strongSwan 5.9.8: SN is the surname, E and UN are IA5Strings, every
 * other value a PrintableString when it fits and a UTF8String otherwise).
 * The first name of an OID is the one printed. */
static const struct dn_attr {
	const char	*name;
	const char	*oid;
	bool		 ia5;
	const char	*der;		/* the OID's contents octets */
} dn_attrs[] = {
	{ "C",			"2.5.4.6",			false,
	    "\x55\x04\x06" },
	{ "ST",			"2.5.4.8",			false,
	    "\x55\x04\x08" },
	{ "L",			"2.5.4.7",			false,
	    "\x55\x04\x07" },
	{ "O",			"2.5.4.10",			false,
	    "\x55\x04\x0a" },
	{ "OU",			"2.5.4.11",			false,
	    "\x55\x04\x0b" },
	{ "CN",			"2.5.4.3",			false,
	    "\x55\x04\x03" },
	{ "SN",			"2.5.4.4",			false,
	    "\x55\x04\x04" },
	{ "serialNumber",	"2.5.4.5",			false,
	    "\x55\x04\x05" },
	{ "G",			"2.5.4.42",			false,
	    "\x55\x04\x2a" },
	{ "I",			"2.5.4.43",			false,
	    "\x55\x04\x2b" },
	{ "T",			"2.5.4.12",			false,
	    "\x55\x04\x0c" },
	{ "D",			"2.5.4.13",			false,
	    "\x55\x04\x0d" },
	{ "N",			"2.5.4.41",			false,
	    "\x55\x04\x29" },
	{ "ID",			"2.5.4.45",			false,
	    "\x55\x04\x2d" },
	{ "dnQualifier",	"2.5.4.46",			false,
	    "\x55\x04\x2e" },
	{ "pseudonym",		"2.5.4.65",			false,
	    "\x55\x04\x41" },
	{ "dmdName",		"2.5.4.54",			false,
	    "\x55\x04\x36" },
	{ "postalCode",		"2.5.4.17",			false,
	    "\x55\x04\x11" },
	{ "street",		"2.5.4.9",			false,
	    "\x55\x04\x09" },
	{ "UID",		"0.9.2342.19200300.100.1.1",	false,
	    "\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x01" },
	{ "DC",			"0.9.2342.19200300.100.1.25",	false,
	    "\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19" },
	{ "E",			"1.2.840.113549.1.9.1",		true,
	    "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01" },
	{ "Email",		"1.2.840.113549.1.9.1",		true,
	    "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01" },
	{ "emailAddress",	"1.2.840.113549.1.9.1",		true,
	    "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01" },
	{ "UN",			"1.2.840.113549.1.9.2",		true,
	    "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x02" },
	{ "unstructuredName",	"1.2.840.113549.1.9.2",		true,
	    "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x02" },
};
#define DN_NATTRS	(sizeof(dn_attrs) / sizeof(dn_attrs[0]))
#define DN_VALUE_MAX	256

static const struct dn_attr *
attr_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < DN_NATTRS; i++)
		if (strlen(dn_attrs[i].name) == len &&
		    !strncasecmp(dn_attrs[i].name, name, len))
			return &dn_attrs[i];
	return NULL;
}

static const struct dn_attr *
attr_by_oid(const char *oid)
{
	for (size_t i = 0; i < DN_NATTRS; i++)
		if (!strcmp(dn_attrs[i].oid, oid))
			return &dn_attrs[i];
	return NULL;
}

/* X.680 §41.4: the PrintableString alphabet. */
static bool
is_printable_string(const uint8_t *v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isalnum(v[i]) && !strchr(" '()+,-./:=?", v[i]))
			return false;
	return true;
}

/* ---- parsing ---- */

struct dn_parser {
	const char	*p;
	char		 sep;		/* ',' or '/' */
	X509_NAME	*name;
	struct certs_err *err;
	const char	*text;
};

static void
skip_spaces(struct dn_parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static enum certs_status
dn_fail(struct dn_parser *ps, const char *why)
{
	return certs_fail(ps->err, CERTS_ERR_PARSE, "bad DN \"%s\": %s at "
	    "offset %zu", ps->text, why, (size_t)(ps->p - ps->text));
}

/* The attribute type: a known name or a dotted OID, then '='. */
static enum certs_status
parse_type(struct dn_parser *ps, ASN1_OBJECT **obj, bool *ia5)
{
	const char *start = ps->p;
	const struct dn_attr *a;
	char oid[64];
	size_t len;

	while (isalnum((unsigned char)*ps->p) || *ps->p == '.' || *ps->p == '-')
		ps->p++;
	len = (size_t)(ps->p - start);
	skip_spaces(ps);
	if (len == 0 || *ps->p != '=')
		return dn_fail(ps, "expected ATTRIBUTE=value");
	ps->p++;
	*ia5 = false;
	if ((a = attr_by_name(start, len)) != NULL) {
		*ia5 = a->ia5;
		snprintf(oid, sizeof(oid), "%s", a->oid);
	} else if (isdigit((unsigned char)start[0]) && len < sizeof(oid)) {
		memcpy(oid, start, len);
		oid[len] = '\0';
		if ((a = attr_by_oid(oid)) != NULL)
			*ia5 = a->ia5;
	} else {
		ps->p = start;
		return dn_fail(ps, "unknown attribute type");
	}
	if ((*obj = OBJ_txt2obj(oid, 1)) == NULL) {
		ps->p = start;
		return dn_fail(ps, "bad attribute OID");
	}
	return CERTS_OK;
}

static bool
value_ends(const struct dn_parser *ps, char c)
{
	return c == '\0' || c == ps->sep || c == '+';
}

/* A string value with RFC 4514 escapes; trailing unescaped spaces go. */
static enum certs_status
parse_string(struct dn_parser *ps, uint8_t *v, size_t *len)
{
	size_t n = 0, keep = 0;
	uint8_t byte[1];
	char hex[3];

	while (!value_ends(ps, *ps->p)) {
		if (n == DN_VALUE_MAX)
			return dn_fail(ps, "value too long");
		if (*ps->p != '\\') {
			v[n++] = (uint8_t)*ps->p++;
			if (v[n - 1] != ' ')
				keep = n;
			continue;
		}
		ps->p++;
		if (isxdigit((unsigned char)ps->p[0]) &&
		    isxdigit((unsigned char)ps->p[1])) {
			hex[0] = ps->p[0];
			hex[1] = ps->p[1];
			hex[2] = '\0';
			hex_decode(hex, byte, 1);
			v[n++] = byte[0];
			ps->p += 2;
		} else if (*ps->p != '\0' && strchr(" \"#+,;<=>\\/", *ps->p)) {
			v[n++] = (uint8_t)*ps->p++;
		} else {
			return dn_fail(ps, "bad escape");
		}
		keep = n;
	}
	*len = keep;
	return CERTS_OK;
}

/* RFC 4514 §2.4 "#hex": the BER of the value itself. */
static enum certs_status
add_hex_value(struct dn_parser *ps, ASN1_OBJECT *obj, int set)
{
	uint8_t der[DN_VALUE_MAX];
	char hex[2 * DN_VALUE_MAX + 1];
	const unsigned char *q = der;
	const char *start = ++ps->p;
	ASN1_TYPE *t = NULL;
	size_t n;
	long len;
	int ok;

	while (isxdigit((unsigned char)*ps->p))
		ps->p++;
	n = (size_t)(ps->p - start);
	skip_spaces(ps);
	if (!value_ends(ps, *ps->p) || n >= sizeof(hex))
		return dn_fail(ps, "bad #hex value");
	memcpy(hex, start, n);
	hex[n] = '\0';
	if ((len = hex_decode(hex, der, sizeof(der))) <= 0 ||
	    (t = d2i_ASN1_TYPE(NULL, &q, len)) == NULL || q != der + len ||
	    t->type == V_ASN1_SEQUENCE || t->type == V_ASN1_SET) {
		ASN1_TYPE_free(t);
		return dn_fail(ps, "#hex value is not one DER string");
	}
	ok = X509_NAME_add_entry_by_OBJ(ps->name, obj, t->type,
	    t->value.asn1_string->data, t->value.asn1_string->length, -1, set);
	ASN1_TYPE_free(t);
	return ok ? CERTS_OK : dn_fail(ps, "value refused");
}

static bool
valid_utf8(const uint8_t *v, size_t len)
{
	unsigned long c;

	for (size_t i = 0; i < len;) {
		int n = UTF8_getc(v + i, (int)(len - i), &c);

		if (n <= 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

/* The string type strongSwan would pick; NUL, bad UTF-8 and non-ASCII
 * e-mail values are refused. */
static const char *
value_type(const uint8_t *v, size_t len, bool ia5, int *type)
{
	if (!valid_utf8(v, len) || memchr(v, 0, len) != NULL)
		return "value is not valid UTF-8 text";
	for (size_t i = 0; ia5 && i < len; i++)
		if (v[i] >= 0x80)
			return "e-mail values must be ASCII";
	if (ia5)
		*type = V_ASN1_IA5STRING;
	else if (is_printable_string(v, len))
		*type = V_ASN1_PRINTABLESTRING;
	else
		*type = V_ASN1_UTF8STRING;
	return NULL;
}

static enum certs_status
parse_ava(struct dn_parser *ps, int set)
{
	uint8_t v[DN_VALUE_MAX];
	enum certs_status st;
	ASN1_OBJECT *obj;
	const char *why;
	size_t len = 0;
	bool ia5 = false;
	int type = V_ASN1_UTF8STRING;

	skip_spaces(ps);
	if ((st = parse_type(ps, &obj, &ia5)) != CERTS_OK)
		return st;
	skip_spaces(ps);
	if (*ps->p == '#')
		st = add_hex_value(ps, obj, set);
	else if ((st = parse_string(ps, v, &len)) != CERTS_OK)
		;
	else if ((why = value_type(v, len, ia5, &type)) != NULL)
		st = dn_fail(ps, why);
	else if (!X509_NAME_add_entry_by_OBJ(ps->name, obj, type, v, (int)len,
	    -1, set))
		st = dn_fail(ps, "value refused");
	ASN1_OBJECT_free(obj);
	return st;
}

static enum certs_status
parse_rdns(struct dn_parser *ps)
{
	enum certs_status st;
	int set = 0;

	for (;;) {
		if ((st = parse_ava(ps, set)) != CERTS_OK)
			return st;
		skip_spaces(ps);
		if (*ps->p == '\0')
			return CERTS_OK;
		/* '+' continues this RDN (multi-valued), the separator
		 * starts the next; set -1 appends to the last RDN. */
		set = *ps->p == '+' ? -1 : 0;
		ps->p++;
	}
}

enum certs_status
certs_dn_parse(const char *text, uint8_t *der, size_t cap, size_t *len,
    struct certs_err *err)
{
	struct dn_parser ps = { .p = text, .sep = ',', .err = err,
	    .text = text };
	unsigned char *out = NULL;
	enum certs_status st;
	int n;

	*len = 0;
	skip_spaces(&ps);
	if (*ps.p == '/') {
		ps.sep = '/';
		ps.p++;
	}
	if ((ps.name = X509_NAME_new()) == NULL)
		return certs_fail_ossl(err, "X509_NAME_new");
	if ((st = parse_rdns(&ps)) != CERTS_OK) {
		X509_NAME_free(ps.name);
		return st;
	}
	n = i2d_X509_NAME(ps.name, &out);
	X509_NAME_free(ps.name);
	if (n <= 0)
		return certs_fail_ossl(err, "i2d_X509_NAME");
	if ((size_t)n > cap) {
		OPENSSL_free(out);
		return certs_fail(err, CERTS_ERR_PARSE,
		    "DN \"%s\" is %d bytes of DER, more than %zu", text, n, cap);
	}
	memcpy(der, out, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(out);
	return certs_ok(err);
}

/* ---- formatting ---- */

/* Appends to buf like snprintf, counting what did not fit. */
struct dn_text {
	char	*buf;
	size_t	 cap;
	size_t	 len;
};

static void
put(struct dn_text *t, const char *s, size_t n)
{
	if (t->len < t->cap) {
		size_t room = t->cap - t->len - 1;

		memcpy(t->buf + t->len, s, n < room ? n : room);
		t->buf[t->len + (n < room ? n : room)] = '\0';
	}
	t->len += n;
}

static void
put_str(struct dn_text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* RFC 4514 §2.4 escaping of a UTF-8 value. */
static void
put_escaped(struct dn_text *t, const uint8_t *v, size_t len)
{
	char esc[4];

	for (size_t i = 0; i < len; i++) {
		bool edge = (i == 0 && (v[i] == ' ' || v[i] == '#')) ||
		    (i == len - 1 && v[i] == ' ');

		if (v[i] < 0x20 || v[i] == 0x7f) {
			snprintf(esc, sizeof(esc), "\\%02X", v[i]);
			put_str(t, esc);
		} else if (edge || strchr("\"+,;<>\\", v[i])) {
			esc[0] = '\\';
			esc[1] = (char)v[i];
			put(t, esc, 2);
		} else {
			put(t, (const char *)&v[i], 1);
		}
	}
}

static void
put_value(struct dn_text *t, const ASN1_STRING *s)
{
	unsigned char *utf8 = NULL, *der = NULL;
	ASN1_TYPE *at;
	char hex[2 * DN_VALUE_MAX + 1];
	int n;

	if (ASN1_STRING_type(s) != V_ASN1_OCTET_STRING &&
	    ASN1_STRING_type(s) != V_ASN1_BIT_STRING &&
	    ASN1_STRING_type(s) != V_ASN1_INTEGER &&
	    (n = ASN1_STRING_to_UTF8(&utf8, s)) >= 0) {
		put_escaped(t, utf8, (size_t)n);
		OPENSSL_free(utf8);
		return;
	}
	/* Not a string: "#" and the hex of its DER (RFC 4514 §2.4). */
	if ((at = ASN1_TYPE_new()) != NULL &&
	    ASN1_TYPE_set1(at, ASN1_STRING_type(s), s) &&
	    (n = i2d_ASN1_TYPE(at, &der)) > 0 && n <= DN_VALUE_MAX) {
		hex_encode(der, (size_t)n, hex, sizeof(hex));
		put_str(t, "#");
		put_str(t, hex);
	} else {
		put_str(t, "#?");
	}
	OPENSSL_free(der);
	ASN1_TYPE_free(at);
}

/* The d2i_X509_NAME path, for what dn_walk() declines. */
size_t
certs_dn_format_ossl(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	struct dn_text t = { .buf = buf, .cap = cap, .len = 0 };
	const unsigned char *q = der;
	const struct dn_attr *a;
	X509_NAME *name;
	char oid[64];
	int last_set = -1;

	if (cap > 0)
		buf[0] = '\0';
	name = d2i_X509_NAME(NULL, &q, (long)len);
	if (name == NULL || q != der + len) {
		X509_NAME_free(name);
		snprintf(buf, cap, "(invalid DN)");
		return 0;
	}
	for (int i = 0; i < X509_NAME_entry_count(name); i++) {
		const X509_NAME_ENTRY *ne = X509_NAME_get_entry(name, i);
		int set = X509_NAME_ENTRY_set(ne);

		if (i > 0)
			put_str(&t, set == last_set ? "+" : ", ");
		last_set = set;
		OBJ_obj2txt(oid, sizeof(oid),
		    X509_NAME_ENTRY_get_object(ne), 1);
		a = attr_by_oid(oid);
		put_str(&t, a ? a->name : oid);
		put_str(&t, "=");
		put_value(&t, X509_NAME_ENTRY_get_data(ne));
	}
	X509_NAME_free(name);
	return t.len;
}

/* ---- formatting straight from the DER ---- */

/* X.690 §8.19: the OID's arcs in dotted form, as OBJ_obj2txt(.., 1)
 * writes it into char[64]; false for arcs past 2^56 (OpenSSL switches to
 * BIGNUMs) or a text it would cut. */
static bool
oid_dotted(const uint8_t *v, size_t len, char *out, size_t cap)
{
	size_t n = 0, i = 0;
	uint64_t arc;
	int w;

	while (i < len) {
		arc = 0;
		do {
			if (arc >> 56)
				return false;
			arc = arc << 7 | (v[i] & 0x7f);
		} while (v[i++] & 0x80);
		if (n == 0)
			w = snprintf(out, cap, "%u.%llu", arc < 80 ?
			    (unsigned)(arc / 40) : 2U, (unsigned long long)
			    (arc < 80 ? arc % 40 : arc - 80));
		else
			w = snprintf(out + n, cap - n, ".%llu",
			    (unsigned long long)arc);
		if (w < 0 || (size_t)w >= cap - n)
			return false;
		n += (size_t)w;
	}
	return true;
}

/* The attribute type: its short name, or the dotted OID. X.690 §8.19.2:
 * no 0x80 leading a subidentifier, the last octet ends one. */
static bool
put_type(struct dn_text *t, const uint8_t *v, size_t len)
{
	char oid[64];

	if (len == 0 || v[len - 1] & 0x80)
		return false;
	for (size_t i = 0; i < len; i++)
		if (v[i] == 0x80 && (i == 0 || !(v[i - 1] & 0x80)))
			return false;
	for (size_t i = 0; i < DN_NATTRS; i++)
		if (strlen(dn_attrs[i].der) == len &&
		    !memcmp(dn_attrs[i].der, v, len)) {
			put_str(t, dn_attrs[i].name);
			return true;
		}
	if (!oid_dotted(v, len, oid, sizeof(oid)))
		return false;
	put_str(t, oid);
	return true;
}

/*
 * A string value to UTF-8 as ASN1_STRING_to_UTF8 converts it: octets of
 * Numeric/Printable/T61/IA5String as code points (Latin-1), BMPString
 * UCS-2, UniversalString UCS-4, UTF8String decoded and encoded again.
 * False for other types, odd sizes, surrogates and code points past
 * U+10FFFF: OpenSSL decides those.
 */
static bool
value_utf8(uint8_t tag, const uint8_t *v, size_t len, uint8_t *out,
    size_t cap, size_t *n)
{
	size_t unit = tag == V_ASN1_BMPSTRING ? 2 :
	    tag == V_ASN1_UNIVERSALSTRING ? 4 : 1;
	unsigned long c;
	int k;

	if (tag != V_ASN1_UTF8STRING && tag != V_ASN1_NUMERICSTRING &&
	    tag != V_ASN1_PRINTABLESTRING && tag != V_ASN1_T61STRING &&
	    tag != V_ASN1_IA5STRING && unit == 1)
		return false;
	if (len % unit != 0)
		return false;
	*n = 0;
	for (size_t i = 0; i < len; i += (size_t)k) {
		if (tag == V_ASN1_UTF8STRING) {
			if ((k = UTF8_getc(v + i, (int)(len - i), &c)) <= 0)
				return false;
		} else {
			k = (int)unit;
			c = 0;
			for (size_t j = 0; j < unit; j++)
				c = c << 8 | v[i + j];
		}
		if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff ||
		    cap - *n < 4)
			return false;
		*n += (size_t)UTF8_putc(out + *n, 4, c);
	}
	return true;
}

/* AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY } (RFC 5280
 * §4.1.2.4). */
static bool
put_atv(struct dn_text *t, struct buf_reader *atv)
{
	struct buf_reader oid, value;
	uint8_t utf8[4 * DN_VALUE_MAX];
	const uint8_t *o, *v;
	size_t olen, vlen, n;
	uint8_t tag;

	if (!certs_der_expect(atv, V_ASN1_OBJECT, &oid) ||
	    !certs_der_tlv(atv, &tag, &value) || buf_remaining(atv) != 0)
		return false;
	olen = buf_remaining(&oid);
	vlen = buf_remaining(&value);
	if (!buf_get_bytes(&oid, olen, &o) ||
	    !buf_get_bytes(&value, vlen, &v) ||
	    !value_utf8(tag, v, vlen, utf8, sizeof(utf8), &n) ||
	    !put_type(t, o, olen))
		return false;
	put_str(t, "=");
	put_escaped(t, utf8, n);
	return true;
}

/* Name ::= SEQUENCE OF RelativeDistinguishedName, RDN ::= SET OF
 * AttributeTypeAndValue (RFC 5280 §4.1.2.4), each AVA in the order of
 * the DER: "+" inside an RDN, ", " between them. */
bool
certs_dn_walk(const uint8_t *der, size_t len, char *buf, size_t cap,
    size_t *out)
{
	struct dn_text t = { .buf = buf, .cap = cap, .len = 0 };
	struct buf_reader r, rdns, rdn, atv;
	const char *sep = "";

	if (cap > 0)
		buf[0] = '\0';
	buf_reader_init(&r, der, len);
	if (!certs_der_expect(&r, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED,
	    &rdns) || buf_remaining(&r) != 0)
		return false;
	while (buf_remaining(&rdns) > 0) {
		if (!certs_der_expect(&rdns, V_ASN1_SET | V_ASN1_CONSTRUCTED,
		    &rdn) || buf_remaining(&rdn) == 0)
			return false;
		put_str(&t, sep);
		sep = ", ";
		for (const char *plus = ""; buf_remaining(&rdn) > 0;
		    plus = "+") {
			put_str(&t, plus);
			if (!certs_der_expect(&rdn, V_ASN1_SEQUENCE |
			    V_ASN1_CONSTRUCTED, &atv) || !put_atv(&t, &atv))
				return false;
		}
	}
	*out = t.len;
	return true;
}

bool
certs_dn_valid(const uint8_t *der, size_t len)
{
	const unsigned char *q = der;
	X509_NAME *name;
	size_t n;
	bool ok;

	if (certs_dn_walk(der, len, NULL, 0, &n))
		return true;
	name = d2i_X509_NAME(NULL, &q, (long)len);
	ok = name != NULL && q == der + len;
	X509_NAME_free(name);
	return ok;
}

size_t
certs_dn_format(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	size_t n;

	if (certs_dn_walk(der, len, buf, cap, &n))
		return n;
	return certs_dn_format_ossl(der, len, buf, cap);
}
