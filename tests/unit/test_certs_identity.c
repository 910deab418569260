/*
 * Identities: DN text <-> DER checked against strongSwan 5.9.8's own
 * encoding (`pki --self --dn ... | pki --dn --format hex`), `id =` parsing
 * by strongSwan's rules, wildcard ranking, and what a certificate proves.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "certs_testlib.h"
#include "common/hex.h"

/* DER that strongSwan 5.9.8 made from the same text. */
static const struct { const char *text, *hex; } dn_vectors[] = {
	{ "C=DE, O=eQ-3 Fleet, OU=ccu, SN=0042, E=a@b.c, DC=example, "
	    "CN=ccu-\xc3\xa4 1",
	    "308181310b300906035504061302444531133011060355040a130a65512d3320"
	    "466c656574310c300a060355040b1303636375310d300b060355040413043030"
	    "34323114301206092a864886f70d01090116056140622e633117301506"
	    "0a0992268993f22c64011913076578616d706c653111300f06035504030c0863"
	    "63752dc3a42031" },
	{ "C=CH, O=strongSwan Project, CN=moon.strongswan.org",
	    "3048310b3009060355040613024348311b3019060355040a13127374726f6e67"
	    "5377616e2050726f6a656374311c301a060355040313136d6f6f6e2e7374726f"
	    "6e677377616e2e6f7267" },
	{ "C=DE, O=uipsec test, OU=*, CN=*",
	    "303b310b300906035504061302444531143012060355040a130b756970736563"
	    "2074657374310a3008060355040b0c012a310a300806035504030c012a" },
	{ "serialNumber=1234, UID=ccu42, L=Leer, ST=Niedersachsen, T=Dr, "
	    "G=Jo, I=JD, pseudonym=x",
	    "308180310d300b060355040513043132333431153013060a0992268993f22c64"
	    "010113056363753432310d300b060355040713044c656572311630140603550408"
	    "130d4e69656465727361636873656e310b3009060355040c13024472310b3009"
	    "060355042a13024a6f310b3009060355042b13024a44310a30080603550441130178" },
	{ "/C=DE/O=Fleet/CN=ccu-1",
	    "302d310b3009060355040613024445310e300c060355040a1305466c65657431"
	    "0e300c060355040313056363752d31" },
};

Test(dn, encodes_as_strongswan_does)
{
	for (size_t i = 0; i < sizeof(dn_vectors) / sizeof(dn_vectors[0]); i++) {
		uint8_t der[512], want[512];
		long n = hex_decode(dn_vectors[i].hex, want, sizeof(want));
		struct certs_err err;
		size_t len;

		cr_assert_eq(certs_dn_parse(dn_vectors[i].text, der, sizeof(der),
		    &len, &err), CERTS_OK, "%s", err.reason);
		cr_assert_eq((long)len, n, "%s", dn_vectors[i].text);
		cr_assert_arr_eq(der, want, len, "%s", dn_vectors[i].text);
	}
}

static void
roundtrip(const char *in, const char *out)
{
	uint8_t der[512];
	char text[512];
	struct certs_err err;
	size_t len;

	cr_assert_eq(certs_dn_parse(in, der, sizeof(der), &len, &err),
	    CERTS_OK, "%s: %s", in, err.reason);
	cr_assert_eq(certs_dn_format(der, len, text, sizeof(text)),
	    strlen(out));
	cr_assert_str_eq(text, out);
}

Test(dn, formats_back_with_rfc4514_escapes)
{
	roundtrip("C=DE,O=eQ-3,CN=ccu-0042", "C=DE, O=eQ-3, CN=ccu-0042");
	roundtrip("/C=DE/O=a,b/CN=x", "C=DE, O=a\\,b, CN=x");
	roundtrip("CN=a\\,b\\+c\\\\d", "CN=a\\,b\\+c\\\\d");
	roundtrip("CN=\\20lead and trail\\20", "CN=\\ lead and trail\\ ");
	roundtrip("CN=caf\\C3\\A9", "CN=caf\xc3\xa9");
	roundtrip("cn = spaced ,  o=x", "CN=spaced, O=x");
	roundtrip("CN=a+UID=b, O=multi", "CN=a+UID=b, O=multi");
	roundtrip("2.5.4.3=by oid, 1.2.3.4=#0c0178", "CN=by oid, 1.2.3.4=x");
	roundtrip("Email=x@y, emailAddress=z@y", "E=x@y, E=z@y");
}

Test(dn, bad_text_is_refused_with_the_place)
{
	static const char *const bad[] = { "CN", "CN=x,", "XX=1", "CN=a\\q",
	    "=x", "CN=#zz", "E=j\xc3\xb6rg@x", "CN=\xff\xfe" };
	uint8_t der[512];
	struct certs_err err;
	size_t len;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(certs_dn_parse(bad[i], der, sizeof(der), &len,
		    &err), CERTS_ERR_PARSE, "accepted \"%s\"", bad[i]);
		cr_assert_not_null(strstr(err.reason, "bad DN"), "%s",
		    err.reason);
	}
	cr_assert_eq(certs_dn_parse("C=DE, CN=long enough", der, 10, &len,
	    &err), CERTS_ERR_PARSE);
	cr_assert_eq(certs_dn_format((const uint8_t *)"\x30\x05", 2,
	    (char *)der, sizeof(der)), 0);
	cr_assert_str_eq((char *)der, "(invalid DN)");
}

/* ---- id = parsing (strongSwan "Identity Parsing") ---- */

static void
parse_as(const char *text, enum certs_id_type type, const char *formatted,
    size_t len)
{
	struct certs_id id;
	struct certs_err err;
	char buf[600];

	cr_assert_eq(certs_id_parse(text, &id, &err), CERTS_OK, "%s: %s", text,
	    err.reason);
	cr_assert_eq(id.type, type, "%s: type %d", text, id.type);
	if (len != 0)
		cr_assert_eq(id.len, len, "%s: %zu bytes", text, id.len);
	certs_id_format(&id, buf, sizeof(buf));
	cr_assert_str_eq(buf, formatted, "%s", text);
}

Test(id, parses_as_strongswan_does)
{
	parse_as("C=DE, O=eQ-3, CN=ccu-0042", CERTS_ID_DER_ASN1_DN,
	    "C=DE, O=eQ-3, CN=ccu-0042", 0);
	parse_as("@#0102ab", CERTS_ID_KEY_ID, "@#0102ab", 3);
	parse_as("@@ccu@fleet.example", CERTS_ID_RFC822_ADDR,
	    "ccu@fleet.example", 17);
	parse_as("@vpn.fleet.example", CERTS_ID_FQDN, "vpn.fleet.example", 17);
	parse_as("ccu@fleet.example", CERTS_ID_RFC822_ADDR, "ccu@fleet.example",
	    17);
	parse_as("10.1.2.3", CERTS_ID_IPV4_ADDR, "10.1.2.3", 4);
	parse_as("2001:db8::1", CERTS_ID_IPV6_ADDR, "2001:db8::1", 16);
	parse_as("vpn.fleet.example", CERTS_ID_FQDN, "vpn.fleet.example", 17);
	parse_as("vpn", CERTS_ID_FQDN, "vpn", 3);
	for (const char *const *any = (const char *const[]){ "", "%any",
	    "%any6", "*", "0.0.0.0", "::", NULL }; *any; any++)
		parse_as(*any, CERTS_ID_ANY, "%any", 0);
	parse_as("fqdn:10.1.2.3", CERTS_ID_FQDN, "10.1.2.3", 8);
	parse_as("dns:x.example", CERTS_ID_FQDN, "x.example", 9);
	parse_as("ipv4:10.0.0.1", CERTS_ID_IPV4_ADDR, "10.0.0.1", 4);
	parse_as("ipv4:#0a000001", CERTS_ID_IPV4_ADDR, "10.0.0.1", 4);
	parse_as("ipv6:::1", CERTS_ID_IPV6_ADDR, "::1", 16);
	parse_as("email:x@y", CERTS_ID_RFC822_ADDR, "x@y", 3);
	parse_as("userfqdn:x@y", CERTS_ID_RFC822_ADDR, "x@y", 3);
	parse_as("keyid:abc", CERTS_ID_KEY_ID, "@#616263", 3);
	parse_as("asn1dn:CN=x", CERTS_ID_DER_ASN1_DN, "CN=x", 0);
	parse_as("asn1dn:#300f310d300b06035504030c0461626364",
	    CERTS_ID_DER_ASN1_DN, "CN=abcd", 17);
}

Test(id, bad_text_is_refused)
{
	static const char *const bad[] = { "O=x, CN", "C=DE, XX=1", "1:2:3",
	    "@#xyz", "ipv4:300.1.1.1", "a\tb", "@" };
	struct certs_id id;
	struct certs_err err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(certs_id_parse(bad[i], &id, &err), CERTS_ERR_PARSE,
		    "accepted \"%s\"", bad[i]);
}

Test(id, wire_data_must_fit_its_type)
{
	static const struct { uint8_t type; const char *data; size_t len;
	    enum certs_status want; } wire[] = {
		{ CERTS_ID_IPV4_ADDR, "\x0a\x00\x00\x01", 4, CERTS_OK },
		{ CERTS_ID_IPV4_ADDR, "\x0a\x00\x00\x01\x00", 5, CERTS_ERR_PARSE },
		{ CERTS_ID_IPV6_ADDR, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1",
		    16, CERTS_OK },
		{ CERTS_ID_IPV6_ADDR, "\x20\x01", 2, CERTS_ERR_PARSE },
		{ CERTS_ID_FQDN, "vpn.example", 11, CERTS_OK },
		{ CERTS_ID_FQDN, "vpn\0example", 11, CERTS_ERR_PARSE },
		{ CERTS_ID_RFC822_ADDR, "a@b\r\n", 5, CERTS_ERR_PARSE },
		{ CERTS_ID_DER_ASN1_DN, "\x30\x00", 2, CERTS_OK },
		{ CERTS_ID_DER_ASN1_DN, "\x30\x00\x00", 3, CERTS_ERR_PARSE },
		{ CERTS_ID_DER_ASN1_DN, "\x30\x05\x31", 3, CERTS_ERR_PARSE },
		/* BER (a long-form length) the walk leaves to OpenSSL */
		{ CERTS_ID_DER_ASN1_DN, "\x30\x81\x00", 3, CERTS_OK },
		/* CN=<one octet that is not UTF-8>: the walk declines, OpenSSL
		 * refuses */
		{ CERTS_ID_DER_ASN1_DN, "\x30\x0c\x31\x0a\x30\x08\x06\x03\x55"
		    "\x04\x03\x0c\x01\xff", 14, CERTS_ERR_PARSE },
		{ CERTS_ID_DER_ASN1_DN, "\x30\x0c\x31\x0a\x30\x08\x06\x03\x55"
		    "\x04\x03\x0c\x01\x41", 14, CERTS_OK },
		{ CERTS_ID_KEY_ID, "\x01", 1, CERTS_OK },
		{ CERTS_ID_FQDN, "", 0, CERTS_ERR_PARSE },
		{ 10 /* DER_ASN1_GN */, "\x30\x00", 2, CERTS_ERR_UNSUPPORTED },
		{ 12 /* FC_USER */, "x", 1, CERTS_ERR_UNSUPPORTED },
	};
	struct certs_id id;
	struct certs_err err;

	for (size_t i = 0; i < sizeof(wire) / sizeof(wire[0]); i++)
		cr_assert_eq(certs_id_from_wire(wire[i].type,
		    (const uint8_t *)wire[i].data, wire[i].len, &id, &err),
		    wire[i].want, "case %zu: %s", i, err.reason);
}

static enum certs_id_match
match(const char *pattern, const char *id)
{
	struct certs_id p, i;
	struct certs_err err;

	cr_assert_eq(certs_id_parse(pattern, &p, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(certs_id_parse(id, &i, &err), CERTS_OK, "%s", err.reason);
	return certs_id_match(&p, &i);
}

Test(id, matches_rank_as_strongswan_ranks)
{
	const char *dn = "C=DE, O=uipsec test, CN=ccu-ec";

	cr_assert_eq(match(dn, dn), CERTS_ID_MATCH_PERFECT);
	cr_assert_eq(match("c=de, o=UIPSEC TEST, cn=CCU-EC", dn),
	    CERTS_ID_MATCH_PERFECT);
	cr_assert_eq(match("C=DE, O=uipsec test, CN=*", dn),
	    CERTS_ID_MATCH_PERFECT - 1);
	cr_assert_eq(match("C=*, O=*, CN=*", dn), CERTS_ID_MATCH_PERFECT - 3);
	cr_assert_eq(match("C=DE, O=uipsec test", dn), CERTS_ID_MATCH_NONE);
	cr_assert_eq(match("CN=ccu-ec, O=uipsec test, C=DE", dn),
	    CERTS_ID_MATCH_NONE);
	cr_assert_eq(match("C=DE, OU=uipsec test, CN=ccu-ec", dn),
	    CERTS_ID_MATCH_NONE);
	cr_assert_eq(match("%any", dn), CERTS_ID_MATCH_ANY);
	cr_assert_eq(match(dn, "%any"), CERTS_ID_MATCH_NONE);
	cr_assert_eq(match("vpn.example", "VPN.Example"),
	    CERTS_ID_MATCH_PERFECT);
	cr_assert_eq(match("*.fleet.example", "ccu-1.fleet.example"),
	    CERTS_ID_MATCH_ONE_WILDCARD);
	cr_assert_eq(match("*.fleet.example", "fleet.example"),
	    CERTS_ID_MATCH_NONE);
	cr_assert_eq(match("*@fleet.example", "ccu-1@fleet.example"),
	    CERTS_ID_MATCH_ONE_WILDCARD);
	cr_assert_eq(match("*@fleet.example", "ccu-1.fleet.example"),
	    CERTS_ID_MATCH_NONE);
	cr_assert_eq(match("10.0.0.1", "10.0.0.1"), CERTS_ID_MATCH_PERFECT);
	cr_assert_eq(match("10.0.0.1", "10.0.0.2"), CERTS_ID_MATCH_NONE);
	cr_assert_eq(match("vpn.example", "vpn.example.org"),
	    CERTS_ID_MATCH_NONE);
}

Test(id, dn_values_compare_whatever_their_string_type)
{
	/* openssl makes UTF8Strings where strongSwan makes PrintableStrings:
	 * "CN=ab" both ways. */
	struct certs_id printable, utf8;
	struct certs_err err;

	cr_assert_eq(certs_id_parse("CN=ab", &printable, &err), CERTS_OK);
	cr_assert_eq(certs_id_from_wire(CERTS_ID_DER_ASN1_DN,
	    (const uint8_t *)"\x30\x0d\x31\x0b\x30\x09\x06\x03\x55\x04\x03"
	    "\x0c\x02\x61\x62", 15, &utf8, &err), CERTS_OK, "%s", err.reason);
	cr_assert_neq(memcmp(printable.data, utf8.data, 15), 0);
	cr_assert_eq(certs_id_match(&printable, &utf8), CERTS_ID_MATCH_PERFECT);
}

/* ---- what a certificate proves ---- */

static enum certs_status
has(const char *cert, const char *idtext, struct certs_err *err)
{
	struct certs_cert *c = pki_cert(cert);
	struct certs_id id;
	enum certs_status st;

	cr_assert_eq(certs_id_parse(idtext, &id, err), CERTS_OK, "%s",
	    err->reason);
	st = certs_cert_has_id(c, &id, err);
	certs_cert_free(c);
	return st;
}

Test(cert_id, subject_and_altnames_are_proven)
{
	static const char *const ok[] = { "C=DE, O=uipsec test, CN=ccu-ec",
	    "ccu-ec.fleet.test", "CCU-EC.Fleet.Test", "10.0.0.42",
	    "ccu-ec@fleet.test", "fqdn:ccu-ec.fleet.test" };
	struct certs_err err;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert_eq(has("int/x509/ccu-ec.pem", ok[i], &err), CERTS_OK,
		    "%s: %s", ok[i], err.reason);
	cr_assert_eq(has("int/x509/vpn-ec384.pem", "2001:db8::1", &err),
	    CERTS_OK, "%s", err.reason);
	cr_assert_eq(has("int/x509/vpn-ec384.pem", "vpn1.fleet.test", &err),
	    CERTS_OK, "%s", err.reason);
}

/* The subject as the certificate encodes it matches by its bytes; the
 * same DN encoded otherwise (a UTF8String CN for its PrintableString,
 * other case) still matches, through the comparison of decoded values. */
Test(cert_id, subject_matches_as_encoded_and_reencoded)
{
	struct certs_cert *c = pki_cert("int/x509/ccu-ec.pem");
	struct certs_id own, subject, utf8, upper;
	struct certs_err err;

	certs_cert_subject_id(c, &own);
	cr_assert_eq(certs_id_from_wire(CERTS_ID_DER_ASN1_DN, own.data,
	    own.len, &subject, &err), CERTS_OK, "%s", err.reason);
	cr_assert_eq(certs_cert_has_id(c, &subject, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(certs_id_parse("C=DE, O=uipsec test, CN=#0c066363752d6563",
	    &utf8, &err), CERTS_OK, "%s", err.reason);
	cr_assert_eq(certs_id_parse("c=DE, o=UIPSEC Test, cn=CCU-EC", &upper,
	    &err), CERTS_OK);
	cr_assert(utf8.len == subject.len &&
	    memcmp(utf8.data, subject.data, subject.len) != 0,
	    "the test certificate's CN is not a PrintableString");
	cr_assert_eq(certs_cert_has_id(c, &utf8, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(certs_cert_has_id(c, &upper, &err), CERTS_OK, "%s",
	    err.reason);
	certs_cert_free(c);
}

Test(cert_id, wrong_identity_is_refused_with_what_it_proves)
{
	static const char *const bad[] = { "10.0.0.43", "ccu-rsa.fleet.test",
	    "ccu-ec", "C=DE, O=uipsec test, CN=ccu-rsa", "*.fleet.test",
	    "C=DE, O=uipsec test, CN=*", "%any", "ipv4:#0a00002a00" };
	struct certs_err err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		has("int/x509/ccu-ec.pem", bad[i], &err);
		expect_refusal(&err, CERTS_ERR_IDENTITY, "certificate for "
		    "C=DE, O=uipsec test, CN=ccu-ec does not contain identity",
		    "(subjectAltNames: dns:ccu-ec.fleet.test, ip:10.0.0.42, "
		    "email:ccu-ec@fleet.test)", NULL);
	}
	has("int/x509/ccu-p521.pem", "ccu-p521", &err);
	expect_refusal(&err, CERTS_ERR_IDENTITY, "subjectAltNames: none", NULL);
}

Test(cert_id, key_ids_are_proven)
{
	struct certs_cert *c = pki_cert("int/x509/ccu-ec.pem");
	uint8_t hash[CERTS_KEYHASH_LEN];
	char text[64] = "@#";
	struct certs_err err;

	certs_cert_keyhash(c, hash);
	hex_encode(hash, sizeof(hash), text + 2, sizeof(text) - 2);
	cr_assert_eq(has("int/x509/ccu-ec.pem", text, &err), CERTS_OK, "%s",
	    err.reason);
	cr_assert_eq(has("int/x509/ccu-rsa.pem", text, &err),
	    CERTS_ERR_IDENTITY);
	certs_cert_free(c);
}

Test(cert_id, patterns_rank_the_certificate)
{
	struct certs_cert *c = pki_cert("int/x509/ccu-ec.pem");
	struct certs_id id;
	struct certs_err err;

	static const struct { const char *pattern; enum certs_id_match want; }
	    m[] = {
		{ "C=DE, O=uipsec test, CN=ccu-ec", CERTS_ID_MATCH_PERFECT },
		{ "C=DE, O=uipsec test, CN=*", CERTS_ID_MATCH_PERFECT - 1 },
		{ "*.fleet.test", CERTS_ID_MATCH_ONE_WILDCARD },
		{ "10.0.0.42", CERTS_ID_MATCH_PERFECT },
		{ "%any", CERTS_ID_MATCH_ANY },
		{ "other.example", CERTS_ID_MATCH_NONE },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		cr_assert_eq(certs_id_parse(m[i].pattern, &id, &err), CERTS_OK);
		cr_assert_eq(certs_cert_match_id(c, &id), m[i].want, "%s",
		    m[i].pattern);
	}
	certs_cert_subject_id(c, &id);
	cr_assert_eq(id.type, CERTS_ID_DER_ASN1_DN);
	cr_assert_eq(certs_cert_match_id(c, &id), CERTS_ID_MATCH_PERFECT);
	certs_cert_free(c);
}
