/*
 * certs_dn_format() walks the DN's DER itself (certs_dn_walk) and leaves
 * to d2i_X509_NAME only what it declines. Differential: many names —
 * every attribute name, unknown OIDs, multi-valued RDNs, every string
 * type, characters that need escaping, empty and long values, long names,
 * small output buffers, then truncated, bit-flipped and BER-encoded
 * variants — formatted both ways must give the same text and length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <openssl/asn1.h>

#include "certs/certs_internal.h"

/* ---- a tiny DER writer for the test's names ---- */

#define NAME_MAX_DER	16384

struct der {
	uint8_t	b[NAME_MAX_DER];
	size_t	n;
};

static void
der_put(struct der *d, const void *v, size_t len)
{
	cr_assert_leq(d->n + len, sizeof(d->b));
	memcpy(d->b + d->n, v, len);
	d->n += len;
}

/* tag, length (shortest form), contents. */
static void
tlv(struct der *d, uint8_t tag, const void *v, size_t len)
{
	uint8_t h[4] = { tag };
	size_t hn;

	if (len < 0x80) {
		h[1] = (uint8_t)len;
		hn = 2;
	} else if (len < 0x100) {
		h[1] = 0x81;
		h[2] = (uint8_t)len;
		hn = 3;
	} else {
		h[1] = 0x82;
		h[2] = (uint8_t)(len >> 8);
		h[3] = (uint8_t)len;
		hn = 4;
	}
	der_put(d, h, hn);
	der_put(d, v, len);
}

struct ava {
	const char	*oid;	/* dotted */
	uint8_t		 tag;
	const char	*v;
	size_t		 len;	/* 0: strlen(v) */
};

static void
oid_der(struct der *d, const char *dotted)
{
	ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
	unsigned char *p = NULL;
	int n;

	cr_assert_not_null(o, "%s", dotted);
	n = i2d_ASN1_OBJECT(o, &p);
	cr_assert_gt(n, 0);
	der_put(d, p, (size_t)n);
	OPENSSL_free(p);
	ASN1_OBJECT_free(o);
}

/* A Name from RDNs of nava[i] AVAs each. */
static void
make_name(struct der *out, const struct ava *a, const size_t *nava,
    size_t nrdn)
{
	struct der rdns = { .n = 0 }, rdn, atv;

	for (size_t i = 0; i < nrdn; i++) {
		rdn.n = 0;
		for (size_t j = 0; j < nava[i]; j++, a++) {
			atv.n = 0;
			oid_der(&atv, a->oid);
			tlv(&atv, a->tag, a->v, a->len ? a->len : strlen(a->v));
			tlv(&rdn, 0x30, atv.b, atv.n);
		}
		tlv(&rdns, 0x31, rdn.b, rdn.n);
	}
	out->n = 0;
	tlv(out, 0x30, rdns.b, rdns.n);
}

/* ---- the comparison ---- */

static void
same_text(const uint8_t *der, size_t len, size_t cap, const char *what)
{
	char a[2048], b[2048];
	size_t na, nb;

	memset(a, 'A', sizeof(a));
	memset(b, 'A', sizeof(b));
	na = certs_dn_format(der, len, a, cap);
	nb = certs_dn_format_ossl(der, len, b, cap);
	cr_assert_eq(na, nb, "%s: length %zu, OpenSSL's %zu (cap %zu)", what,
	    na, nb, cap);
	cr_assert_str_eq(a, b, "%s (cap %zu): \"%s\" vs OpenSSL's \"%s\"",
	    what, cap, a, b);
}

static void
same_all_caps(const uint8_t *der, size_t len, const char *what)
{
	static const size_t caps[] = { 2048, 256, 17, 1 };

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		same_text(der, len, caps[i], what);
	(void)certs_dn_format(der, len, NULL, 0);
}

static bool
walks(const struct der *d)
{
	char buf[2048];
	size_t n;

	return certs_dn_walk(d->b, d->n, buf, sizeof(buf), &n);
}

/* ---- fixed names ---- */

#define UTF8	V_ASN1_UTF8STRING
#define PRINT	V_ASN1_PRINTABLESTRING
#define IA5	V_ASN1_IA5STRING
#define T61	V_ASN1_T61STRING
#define BMP	V_ASN1_BMPSTRING
#define UNIV	V_ASN1_UNIVERSALSTRING
#define NUM	V_ASN1_NUMERICSTRING

static const char *const attr_oids[] = {
	"2.5.4.6", "2.5.4.8", "2.5.4.7", "2.5.4.10", "2.5.4.11", "2.5.4.3",
	"2.5.4.4", "2.5.4.5", "2.5.4.42", "2.5.4.43", "2.5.4.12", "2.5.4.13",
	"2.5.4.41", "2.5.4.45", "2.5.4.46", "2.5.4.65", "2.5.4.54",
	"2.5.4.17", "2.5.4.9", "0.9.2342.19200300.100.1.1",
	"0.9.2342.19200300.100.1.25", "1.2.840.113549.1.9.1",
	"1.2.840.113549.1.9.2",
	/* not in the table: printed dotted */
	"2.5.4.99", "1.2.3.4", "1.3.6.1.4.1.311.60.2.1.3", "2.999.1",
	"1.2.840.113549.1.9.3", "0.0", "2.5.4.200",
	"1.3.6.1.4.1.99999999.1234567890.1234567890.1234567890.11111111",
	"1.3.6.1.4.1.99999999.1234567890.1234567890.1234567890.111111111",
	/* left to OpenSSL: an arc past 2^56, over 63 characters */
	"1.2.18446744073709551615.7",
	"1.3.6.1.4.1.99999999.1234567890.1234567890.1234567890.1111111111",
	"1.3.6.1.4.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22",
};
#define NOIDS	(sizeof(attr_oids) / sizeof(attr_oids[0]))

/* Values that test conversion and escaping, as (tag, bytes). */
static const struct ava values[] = {
	{ NULL, PRINT, "ccu-0042", 0 },
	{ NULL, UTF8, "ccu-\xc3\xa4 1", 0 },
	{ NULL, UTF8, "", 1 },				/* NUL */
	{ NULL, IA5, "a@b.c", 0 },
	{ NULL, NUM, "0123 456", 0 },
	{ NULL, PRINT, "a,b+c;d<e>f\"g\\h", 0 },
	{ NULL, UTF8, " lead and trail ", 0 },
	{ NULL, UTF8, "#hash", 0 },
	{ NULL, UTF8, "a#b ", 0 },
	{ NULL, UTF8, " ", 0 },
	{ NULL, UTF8, "  ", 0 },
	{ NULL, UTF8, "ctl\x01\x1f\x7f" "end", 0 },
	{ NULL, UTF8, "tab\tnl\n", 0 },
	{ NULL, UTF8, "=*/", 0 },
	{ NULL, T61, "caf\xe9 \xff\x80", 0 },		/* Latin-1 */
	{ NULL, PRINT, "high\xe4\xb6", 0 },
	{ NULL, IA5, "\x80\x9f\xa0", 0 },
	{ NULL, BMP, "\x00" "a\x00\xe4\x20\xac\xff\xfd", 8 },
	{ NULL, BMP, "\xd8\x00\xdc\x00", 4 },		/* surrogates */
	{ NULL, BMP, "\x00" "a\x00", 3 },		/* odd */
	{ NULL, BMP, "\x00\x00\x00,", 4 },
	{ NULL, UNIV, "\x00\x00\x00" "a\x00\x01\xf6\x00\x00\x10\xff\xff", 12 },
	{ NULL, UNIV, "\x00\x11\x00\x00", 4 },		/* > U+10FFFF */
	{ NULL, UNIV, "\x00\x00\xd8\x01", 4 },		/* surrogate */
	{ NULL, UNIV, "\x00\x00\x00", 3 },
	{ NULL, UTF8, "\xf0\x9f\x98\x80 \xe2\x82\xac", 0 },
	{ NULL, UTF8, "\xc0\xaf", 0 },			/* overlong */
	{ NULL, UTF8, "\xe0\x80\xaf", 0 },		/* overlong */
	{ NULL, UTF8, "\xed\xa0\x80", 0 },		/* surrogate */
	{ NULL, UTF8, "\xf4\x90\x80\x80", 0 },		/* > U+10FFFF */
	{ NULL, UTF8, "\xff\xfe", 0 },
	{ NULL, UTF8, "\xc3", 0 },			/* cut */
	{ NULL, UTF8, "\xf8\x88\x80\x80\x80", 0 },	/* 5 octets */
	{ NULL, V_ASN1_VISIBLESTRING, "visible", 0 },
	{ NULL, V_ASN1_VIDEOTEXSTRING, "vtx", 0 },
	{ NULL, V_ASN1_GENERALSTRING, "gen", 0 },
	{ NULL, V_ASN1_GRAPHICSTRING, "gr", 0 },
	{ NULL, V_ASN1_OCTET_STRING, "\x01\x02", 2 },
	{ NULL, V_ASN1_BIT_STRING, "\x00\xff", 2 },
	{ NULL, V_ASN1_INTEGER, "\x05", 1 },
	{ NULL, V_ASN1_UTCTIME, "260101000000Z", 0 },
	{ NULL, V_ASN1_NULL, "", 1 },
	{ NULL, 0x30, "\x0c\x01x", 3 },			/* SEQUENCE */
	{ NULL, 0x2c, "\x04\x01x", 3 },			/* constructed */
	{ NULL, 0x80, "ctx", 0 },
	{ NULL, 0x0d, "rel", 0 },			/* RELATIVE-OID */
};
#define NVALUES	(sizeof(values) / sizeof(values[0]))

Test(dn_walk, every_attribute_and_value_alone)
{
	for (size_t o = 0; o < NOIDS; o++) {
		for (size_t v = 0; v < NVALUES; v++) {
			struct ava a = values[v];
			size_t one = 1;
			struct der d;
			char what[160];

			a.oid = attr_oids[o];
			make_name(&d, &a, &one, 1);
			snprintf(what, sizeof(what), "%s value %zu", a.oid, v);
			same_all_caps(d.b, d.n, what);
		}
	}
}

Test(dn_walk, takes_the_names_certificates_carry)
{
	static const struct ava fleet[] = {
		{ "2.5.4.6", PRINT, "DE", 0 },
		{ "2.5.4.10", PRINT, "eQ-3 Fleet", 0 },
		{ "2.5.4.11", PRINT, "ccu", 0 },
		{ "2.5.4.3", UTF8, "ccu-\xc3\xa4 1", 0 },
		{ "0.9.2342.19200300.100.1.1", PRINT, "a", 0 },
		{ "1.2.840.113549.1.9.1", IA5, "a@b.c", 0 },
	};
	static const size_t flat[] = { 1, 1, 1, 1, 1, 1 };
	static const size_t multi[] = { 1, 2, 3 };
	struct der d;
	char text[512];
	size_t n;

	make_name(&d, fleet, flat, 6);
	cr_assert(certs_dn_walk(d.b, d.n, text, sizeof(text), &n));
	cr_assert_str_eq(text, "C=DE, O=eQ-3 Fleet, OU=ccu, CN=ccu-\xc3\xa4 1, "
	    "UID=a, E=a@b.c");
	cr_assert_eq(n, strlen(text));
	make_name(&d, fleet, multi, 3);
	cr_assert(certs_dn_walk(d.b, d.n, text, sizeof(text), &n));
	cr_assert_str_eq(text, "C=DE, O=eQ-3 Fleet+OU=ccu, CN=ccu-\xc3\xa4 1+"
	    "UID=a+E=a@b.c");
	same_all_caps(d.b, d.n, "multi-valued");
	/* The empty name. */
	cr_assert(certs_dn_walk((const uint8_t *)"\x30\x00", 2, text,
	    sizeof(text), &n));
	cr_assert_eq(n, 0);
	same_all_caps((const uint8_t *)"\x30\x00", 2, "empty name");
	/* Every string type of clean content, every attribute. */
	for (size_t o = 0; o < NOIDS - 3; o++)
		for (size_t v = 0; v < 18; v++) {
			struct ava a = values[v];
			size_t one = 1;

			a.oid = attr_oids[o];
			make_name(&d, &a, &one, 1);
			cr_assert(walks(&d), "%s value %zu declined", a.oid, v);
		}
}

/* Deterministic: glibc's rand_r, one fixed seed. */
static unsigned rng_seed = 20261127;

static uint32_t
rnd(uint32_t n)
{
	return (uint32_t)rand_r(&rng_seed) % n;
}

/* A random name of up to 8 RDNs of 1-3 AVAs: mostly table attributes and
 * clean values, sometimes anything of the tables above, sometimes a long
 * random value. */
static void
random_name(struct der *d, char (*store)[320], struct ava *a)
{
	size_t nava[8], nrdn = rnd(9), k = 0;

	for (size_t i = 0; i < nrdn; i++) {
		nava[i] = 1 + (rnd(4) == 0 ? rnd(3) : 0);
		for (size_t j = 0; j < nava[i]; j++, k++) {
			a[k] = values[rnd(4) ? rnd(18) : rnd(NVALUES)];
			a[k].oid = attr_oids[rnd(3) ? rnd(23) : rnd(NOIDS)];
			if (rnd(8) == 0) {	/* random octets */
				a[k].len = rnd(5) == 0 ? 150 + rnd(170) :
				    1 + rnd(40);
				for (size_t b = 0; b < a[k].len; b++)
					store[k][b] = (char)(rnd(3) ?
					    0x20 + rnd(0x5f) : rnd(256));
				a[k].v = store[k];
			}
		}
	}
	make_name(d, a, nava, nrdn);
}

Test(dn_walk, random_names_and_their_damage, .timeout = 120)
{
	static char store[24][320];
	struct ava a[24];
	struct der d, m;
	size_t walked = 0;
	char what[64];

	for (int i = 0; i < 1500; i++) {
		random_name(&d, store, a);
		snprintf(what, sizeof(what), "name %d", i);
		same_all_caps(d.b, d.n, what);
		walked += walks(&d);
		/* Cut short anywhere. */
		for (int c = 0; c < 3 && d.n > 1; c++) {
			size_t at = rnd((uint32_t)d.n);

			snprintf(what, sizeof(what), "name %d cut at %zu", i,
			    at);
			same_text(d.b, at, 256, what);
		}
		/* One octet changed, one appended. */
		for (int f = 0; f < 4; f++) {
			m = d;
			m.b[rnd((uint32_t)m.n)] ^= (uint8_t)(1 + rnd(255));
			snprintf(what, sizeof(what), "name %d flipped", i);
			same_text(m.b, m.n, 2048, what);
		}
		m = d;
		m.b[m.n++] = 0;
		same_text(m.b, m.n, 256, "trailing octet");
	}
	/* Many names are plain: the walk, not OpenSSL, formatted them
	 * (deterministic: 617 with this seed). */
	cr_assert_gt(walked, 400, "walked %zu of 1500", walked);
}

Test(dn_walk, ber_and_odd_structure_left_to_openssl)
{
	static const struct { const char *hex; const char *what; } odd[] = {
		{ "3081093107300506035504030c00", "long form, short length" },
		{ "30820009310730050603550403", "long form 2, cut" },
		{ "30800000", "indefinite" },
		{ "3080310730050603550403130178 0000", "indefinite with RDN" },
		{ "300b3109300706035504031300", "length past the end" },
		{ "300231003000", "empty SET then trailing" },
		{ "30023100", "empty SET" },
		{ "300c310a30080603550403130178ff", "trailing in SEQUENCE" },
		{ "300d310b30090603550403130178 0500", "extra in AVA" },
		{ "300b3109300706035504031301", "value cut" },
		{ "300a31083006060355040313", "no value" },
		{ "30083106300406000c00", "empty OID" },
		{ "300b3109300706038055030c00", "OID with 0x80 lead" },
		{ "300b3109300706035504830c00", "OID cut in an arc" },
		{ "3100", "a SET, not a SEQUENCE" },
		{ "", "nothing" },
		{ "30", "just a tag" },
		{ "300b3109300706035504031f0178", "high tag number" },
		{ "300b3109310706035504030c0178", "AVA as a SET" },
		{ "300b3109300707035504030c0178", "type not an OID" },
	};
	uint8_t der[64];
	char hex[128];

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		size_t n = 0, len;

		for (const char *p = odd[i].hex; *p; p++)
			if (*p != ' ')
				hex[n++] = *p;
		hex[n] = '\0';
		len = n / 2;
		for (size_t j = 0; j < len; j++)
			sscanf(hex + 2 * j, "%2hhx", &der[j]);
		same_all_caps(der, len, odd[i].what);
	}
}

Test(dn_walk, long_names_and_small_buffers)
{
	static char big[300];
	struct ava a[40];
	size_t nava[40];
	struct der d;

	memset(big, 'x', sizeof(big) - 1);
	big[0] = ' ';
	big[sizeof(big) - 2] = ',';
	for (size_t i = 0; i < 40; i++) {
		a[i] = (struct ava){ "2.5.4.11", i % 2 ? UTF8 : PRINT,
		    i == 7 ? big : "a unit, \"quoted\"", 0 };
		nava[i] = 1;
	}
	make_name(&d, a, nava, 40);
	for (size_t cap = 1; cap < 1400; cap += 37)
		same_text(d.b, d.n, cap, "40 RDNs");
	same_text(d.b, d.n, 2048, "40 RDNs");
	/* 255 and 256 characters: the last value the walk converts, and
	 * the first it leaves to OpenSSL. */
	a[0] = (struct ava){ "2.5.4.3", UTF8, big, 255 };
	make_name(&d, a, nava, 1);
	cr_assert(walks(&d));
	same_all_caps(d.b, d.n, "255");
	a[0].len = 299;
	make_name(&d, a, nava, 1);
	same_all_caps(d.b, d.n, "299");
}
