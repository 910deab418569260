/*
 * Malformed-input tests for every payload body (RFC 7296 §3.3 to §3.16,
 * RFC 7383 §2.5): one table row per case, the body written out in hex and
 * wrapped into an IKE_SA_INIT message. Every accepted body is then cut at
 * every length to show that nothing reads past it.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/message.h"
#include "ike_testlib.h"

struct body_case {
	const char		*name;
	uint8_t			 type;
	const char		*hex;
	enum ike_parse_status	 want;
};

#define OK	IKE_PARSE_OK
#define MAL	IKE_PARSE_MALFORMED
#define SYN	IKE_PARSE_SYNTAX

/* One proposal: IKE, no SPI, one transform ENCR_AES_GCM_16. */
#define PROP1	"00000010" "01010001" "00000008" "01000014"

static const struct body_case cases[] = {
	/* SA §3.3 */
	{ "sa ok", IKEV2_PL_SA, PROP1, OK },
	{ "sa empty", IKEV2_PL_SA, "", MAL },
	{ "sa proposal length < 8", IKEV2_PL_SA, "00000004" "01010000", MAL },
	{ "sa proposal length past end", IKEV2_PL_SA, "00000018" "01010001"
	    "00000008" "01000014", MAL },
	{ "sa last substruc 1", IKEV2_PL_SA, "01000010" "01010001" "00000008"
	    "01000014", SYN },
	{ "sa more but no next", IKEV2_PL_SA, "02000010" "01010001" "00000008"
	    "01000014", MAL },
	{ "sa no transforms", IKEV2_PL_SA, "00000008" "01010000", SYN },
	{ "sa num transforms too high", IKEV2_PL_SA, "00000010" "01010002"
	    "00000008" "01000014", SYN },
	{ "sa transform length < 8", IKEV2_PL_SA, "0000000c" "01010001"
	    "00000004", MAL },
	{ "sa byte after transforms", IKEV2_PL_SA, "00000011" "01010001"
	    "00000008" "01000014" "ff", MAL },
	{ "sa proposal num 0", IKEV2_PL_SA, "00000010" "00010001" "00000008"
	    "01000014", SYN },
	{ "sa proposal nums 1,3", IKEV2_PL_SA, "02000010" "01010001" "00000008"
	    "01000014" "00000010" "03010001" "00000008" "01000014", SYN },
	{ "sa proposal nums 2,3 (response)", IKEV2_PL_SA, "02000010" "02010001"
	    "00000008" "01000014" "00000010" "03010001" "00000008" "01000014",
	    OK },
	{ "sa spi size 3", IKEV2_PL_SA, "00000013" "01030301" "aabbcc"
	    "00000008" "01000014", SYN },
	{ "sa spi truncated", IKEV2_PL_SA, "0000000a" "01030401" "aabb", MAL },
	{ "sa esp spi 4", IKEV2_PL_SA, "00000014" "01030401" "aabbccdd"
	    "00000008" "0100000c", OK },
	{ "sa attribute truncated", IKEV2_PL_SA, "00000012" "01010001"
	    "0000000a" "01000014" "800e", MAL },
	{ "sa tlv attribute past end", IKEV2_PL_SA, "00000014" "01010001"
	    "0000000c" "0100000c" "000e0010", MAL },
	{ "sa key length", IKEV2_PL_SA, "00000014" "01010001" "0000000c"
	    "0100000c" "800e0100", OK },
	/* KE §3.4 */
	{ "ke ok", IKEV2_PL_KE, "00130000" "0102030405", OK },
	{ "ke no data", IKEV2_PL_KE, "00130000", OK },
	{ "ke truncated", IKEV2_PL_KE, "001300", MAL },
	/* Nonce §3.9 */
	{ "nonce 16", IKEV2_PL_NONCE, "000102030405060708090a0b0c0d0e0f", OK },
	{ "nonce 15", IKEV2_PL_NONCE, "000102030405060708090a0b0c0d0e", SYN },
	/* ID §3.5 */
	{ "id ipv4", IKEV2_PL_IDI, "01000000" "0a000001", OK },
	{ "id ipv4 short", IKEV2_PL_IDI, "01000000" "0a0000", SYN },
	{ "id ipv6", IKEV2_PL_IDR, "05000000" "fd000000000000000000000000000001",
	    OK },
	{ "id ipv6 as 4 bytes", IKEV2_PL_IDR, "05000000" "0a000001", SYN },
	{ "id empty fqdn", IKEV2_PL_IDI, "02000000", SYN },
	{ "id fqdn", IKEV2_PL_IDI, "02000000" "6363752e6578", OK },
	{ "id null", IKEV2_PL_IDI, "0d000000", OK },
	{ "id unknown type", IKEV2_PL_IDI, "ff000000" "01", OK },
	{ "id truncated", IKEV2_PL_IDI, "010000", MAL },
	/* AUTH §3.8 */
	{ "auth ok", IKEV2_PL_AUTH, "0e000000" "01", OK },
	{ "auth empty", IKEV2_PL_AUTH, "0e000000", SYN },
	{ "auth truncated", IKEV2_PL_AUTH, "0e0000", MAL },
	/* CERT §3.6, CERTREQ §3.7 */
	{ "cert ok", IKEV2_PL_CERT, "04" "3082", OK },
	{ "cert empty", IKEV2_PL_CERT, "04", SYN },
	{ "cert no encoding", IKEV2_PL_CERT, "", MAL },
	{ "certreq empty list", IKEV2_PL_CERTREQ, "04", OK },
	{ "certreq one hash", IKEV2_PL_CERTREQ,
	    "04" "00112233445566778899aabbccddeeff00112233", OK },
	{ "certreq 19 bytes", IKEV2_PL_CERTREQ,
	    "04" "00112233445566778899aabbccddeeff001122", SYN },
	{ "certreq other encoding", IKEV2_PL_CERTREQ, "01" "aabbcc", OK },
	{ "certreq no encoding", IKEV2_PL_CERTREQ, "", MAL },
	/* Notify §3.10 */
	{ "notify truncated", IKEV2_PL_NOTIFY, "000000", MAL },
	{ "notify natd ok", IKEV2_PL_NOTIFY, "00004004"
	    "00112233445566778899aabbccddeeff00112233", OK },
	{ "notify natd empty", IKEV2_PL_NOTIFY, "00004004", SYN },
	{ "notify spi past end", IKEV2_PL_NOTIFY, "03040009" "aabbcc", MAL },
	{ "notify spi size 3", IKEV2_PL_NOTIFY, "03030009" "aabbcc", SYN },
	{ "notify invalid ke", IKEV2_PL_NOTIFY, "00000011" "0013", OK },
	{ "notify invalid ke 3 bytes", IKEV2_PL_NOTIFY, "00000011" "001300",
	    SYN },
	{ "notify cookie empty", IKEV2_PL_NOTIFY, "00004006", SYN },
	{ "notify sig hash odd", IKEV2_PL_NOTIFY, "0000402f" "000200", SYN },
	{ "notify sig hash ok", IKEV2_PL_NOTIFY, "0000402f" "00020003", OK },
	{ "notify unknown type", IKEV2_PL_NOTIFY, "00007fff" "01020304", OK },
	{ "notify rekey esp spi", IKEV2_PL_NOTIFY, "03044009" "01020304", OK },
	/* Delete §3.11 */
	{ "delete truncated", IKEV2_PL_DELETE, "0100", MAL },
	{ "delete ike", IKEV2_PL_DELETE, "01000000", OK },
	{ "delete ike with spi size", IKEV2_PL_DELETE, "01040001" "00000001",
	    SYN },
	{ "delete esp two", IKEV2_PL_DELETE, "03040002" "00000001" "00000002",
	    OK },
	{ "delete esp count mismatch", IKEV2_PL_DELETE, "03040002" "00000001",
	    SYN },
	{ "delete esp spi size 8", IKEV2_PL_DELETE, "03080001"
	    "0000000000000001", SYN },
	{ "delete unknown protocol", IKEV2_PL_DELETE, "09040001" "00000001",
	    SYN },
	/* Vendor ID §3.12 */
	{ "vendor empty", IKEV2_PL_VENDOR, "", OK },
	/* TS §3.13 */
	{ "ts truncated", IKEV2_PL_TSI, "01", MAL },
	{ "ts none", IKEV2_PL_TSI, "00000000", SYN },
	{ "ts ipv4", IKEV2_PL_TSI, "01000000" "07000010" "0000ffff" "0a000000"
	    "0a0000ff", OK },
	{ "ts ipv4 length 12", IKEV2_PL_TSR, "01000000" "0700000c" "0000ffff"
	    "0a000000", SYN },
	{ "ts ipv4 length 20", IKEV2_PL_TSR, "01000000" "07000014" "0000ffff"
	    "0a000000" "0a0000ff" "00000000", SYN },
	{ "ts ipv6", IKEV2_PL_TSR, "01000000" "08000028" "0000ffff"
	    "fd000000000000000000000000000000" "fd00000000000000ffffffffffffffff",
	    OK },
	{ "ts count 2, one selector", IKEV2_PL_TSI, "02000000" "07000010"
	    "0000ffff" "0a000000" "0a0000ff", MAL },
	{ "ts selector length 4", IKEV2_PL_TSI, "01000000" "07000004", MAL },
	{ "ts unknown type", IKEV2_PL_TSI, "01000000" "09000008" "00000000",
	    OK },
	{ "ts byte after selectors", IKEV2_PL_TSI, "01000000" "07000010"
	    "0000ffff" "0a000000" "0a0000ff" "00", MAL },
	/* CP §3.15 */
	{ "cp truncated", IKEV2_PL_CP, "01", MAL },
	{ "cp no attributes", IKEV2_PL_CP, "01000000", OK },
	{ "cp bad cfg type", IKEV2_PL_CP, "05000000", SYN },
	{ "cp attribute truncated", IKEV2_PL_CP, "01000000" "0001", MAL },
	{ "cp attribute past end", IKEV2_PL_CP, "01000000" "00010004" "0a00",
	    MAL },
	{ "cp ip4 address 3 bytes", IKEV2_PL_CP, "02000000" "00010003"
	    "0a0000", SYN },
	{ "cp ip6 address", IKEV2_PL_CP, "02000000" "00080011"
	    "fd00000000000000000000000000000140", OK },
	{ "cp supported attributes odd", IKEV2_PL_CP, "02000000" "000e0001"
	    "00", SYN },
	{ "cp r bit", IKEV2_PL_CP, "01000000" "80010000", OK },
	/* EAP §3.16 */
	{ "eap ok", IKEV2_PL_EAP, "02070005" "01", OK },
	{ "eap truncated", IKEV2_PL_EAP, "020700", SYN },
	{ "eap length mismatch", IKEV2_PL_EAP, "02070009" "01", SYN },
	/* SK §3.14, SKF RFC 7383 §2.5 */
	{ "sk opaque", IKEV2_PL_SK, "0102030405", OK },
	{ "skf truncated", IKEV2_PL_SKF, "0001", MAL },
	{ "skf fragment 0", IKEV2_PL_SKF, "00000001", SYN },
	{ "skf fragment past total", IKEV2_PL_SKF, "00030002", SYN },
	{ "skf ok", IKEV2_PL_SKF, "00010001" "aa", OK },
};

static struct ike_msg msg;
static uint8_t buf[2048];

static size_t
wrap_case(const struct body_case *c, uint8_t *body, size_t *body_len)
{
	*body_len = ike_unhex(c->hex, body, 1024);
	return ike_wrap_payload(buf, sizeof(buf), c->type, 0, body, *body_len);
}

Test(ike_payloads, table)
{
	uint8_t body[1024];
	size_t i, len, blen;
	enum ike_parse_status st;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = wrap_case(&cases[i], body, &blen);
		st = ike_msg_parse(&msg, buf, len);
		cr_expect_eq(st, cases[i].want, "%s: got %s (%s), want %s",
		    cases[i].name, ike_parse_status_str(st),
		    msg.error ? msg.error : "-",
		    ike_parse_status_str(cases[i].want));
		if (st != IKE_PARSE_OK)
			cr_expect_eq(msg.error_type, cases[i].type, "%s",
			    cases[i].name);
	}
}

/* Every accepted body, cut short at every length inside a message whose
 * lengths are rewritten to match: parsing never reads outside the cut (ASan
 * in the sanitizer build), and whatever it accepts lies within it. */
Test(ike_payloads, truncated_bodies_stay_inside)
{
	uint8_t body[1024];
	size_t i, cut, len, blen, k;
	const struct ike_payload *p;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].want != IKE_PARSE_OK)
			continue;
		wrap_case(&cases[i], body, &blen);
		for (cut = 0; cut < blen; cut++) {
			len = ike_wrap_payload(buf, sizeof(buf), cases[i].type,
			    0, body, cut);
			if (ike_msg_parse(&msg, buf, len) != IKE_PARSE_OK)
				continue;
			for (k = 0; k < msg.n_payloads; k++) {
				p = &msg.pl[k];
				cr_assert(p->body.p >= buf + IKEV2_HDR_LEN &&
				    p->body.p + p->body.len <= buf + len,
				    "%s cut to %zu", cases[i].name, cut);
			}
		}
	}
}

Test(ike_payloads, transform_attributes)
{
	uint8_t body[64];
	size_t blen, len;
	const struct ike_proposal *pr;

	/* AES-CBC with Key Length 256, then one with an unknown TV
	 * attribute, then one with a TLV attribute (§3.3.5, §3.3.6). */
	blen = ike_unhex("0000002e" "01010003"
	    "0300000c" "0100000c" "800e0100"
	    "0300000c" "0100000c" "80070001"
	    "0000000e" "0100000c" "00220002" "abcd", body, sizeof(body));
	len = ike_wrap_payload(buf, sizeof(buf), IKEV2_PL_SA, 0, body, blen);
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK, "%s",
	    msg.error);
	pr = &msg.pl[0].u.sa.prop[0];
	cr_assert_eq(pr->n_xf, 3);
	cr_assert(pr->xf[0].type == IKEV2_XF_ENCR &&
	    pr->xf[0].id == IKEV2_ENCR_AES_CBC && pr->xf[0].key_bits == 256 &&
	    !pr->xf[0].unknown_attr);
	cr_assert(pr->xf[1].key_bits == 0 && pr->xf[1].unknown_attr);
	cr_assert(pr->xf[2].key_bits == 0 && pr->xf[2].unknown_attr);
}

/* §3.10: with an empty SPI the Protocol ID is sent as zero. */
Test(ike_payloads, notify_protocol_zero_without_spi)
{
	static const uint8_t natd[IKEV2_NATD_HASH_LEN];
	static const struct ike_header h = { .spi_i = IKE_TEST_SPI_I };
	struct ike_payload p = { .type = IKEV2_PL_NOTIFY };

	p.u.notify.protocol = IKEV2_PROTO_ESP;
	p.u.notify.type = IKEV2_N_NAT_DETECTION_SOURCE_IP;
	p.u.notify.data.p = natd;
	p.u.notify.data.len = sizeof(natd);
	ike_build_sample(buf, sizeof(buf), &h, &p, 1);
	cr_assert_eq(buf[IKEV2_HDR_LEN + 4], IKEV2_PROTO_NONE);
	cr_assert_eq(buf[IKEV2_HDR_LEN + 5], 0);
}

Test(ike_payloads, capacities)
{
	static uint8_t body[4 + (IKE_MSG_MAX_TS + 1) * 16];
	size_t i, len;

	/* One selector more than a message holds. */
	body[0] = IKE_MSG_MAX_TS + 1;
	for (i = 0; i <= IKE_MSG_MAX_TS; i++) {
		body[4 + i * 16] = IKEV2_TS_IPV4_ADDR_RANGE;
		body[4 + i * 16 + 3] = 16;
	}
	len = ike_wrap_payload(buf, sizeof(buf), IKEV2_PL_TSI, 0, body,
	    sizeof(body));
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_TOO_MANY);
	body[0] = IKE_MSG_MAX_TS;
	len = ike_wrap_payload(buf, sizeof(buf), IKEV2_PL_TSI, 0, body,
	    sizeof(body) - 16);
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
}
