/*
 * The per-exchange payload rules (RFC 7296 §1.2–§1.5, §2.6, §2.16,
 * RFC 6023): one table row per message shape, filled straight into a
 * struct ike_msg, plus one message that goes through the parser first.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/message.h"
#include "ike/payload_rules.h"
#include "ike_testlib.h"

#define INIT	IKEV2_EXCH_IKE_SA_INIT
#define AUTH	IKEV2_EXCH_IKE_AUTH
#define CHILD	IKEV2_EXCH_CREATE_CHILD_SA
#define INFO	IKEV2_EXCH_INFORMATIONAL

#define SA	{ IKEV2_PL_SA, 0 }
#define KE	{ IKEV2_PL_KE, 0 }
#define NO	{ IKEV2_PL_NONCE, 0 }
#define IDI	{ IKEV2_PL_IDI, 0 }
#define IDR	{ IKEV2_PL_IDR, 0 }
#define CERT	{ IKEV2_PL_CERT, 0 }
#define CREQ	{ IKEV2_PL_CERTREQ, 0 }
#define AU	{ IKEV2_PL_AUTH, 0 }
#define TSI	{ IKEV2_PL_TSI, 0 }
#define TSR	{ IKEV2_PL_TSR, 0 }
#define CP	{ IKEV2_PL_CP, 0 }
#define D	{ IKEV2_PL_DELETE, 0 }
#define V	{ IKEV2_PL_VENDOR, 0 }
#define N(t)	{ IKEV2_PL_NOTIFY, IKEV2_N_##t }

struct rule_case {
	const char	*name;
	uint8_t		 exchange;
	bool		 response;
	bool		 sk;		/* payloads inside an SK payload */
	uint8_t		 bad;		/* 0: conforms; else the type named */
	struct { uint8_t type; uint16_t ntype; } pl[14];
};

static const struct rule_case cases[] = {
	{ "init req", INIT, false, false, 0,
	    { N(NAT_DETECTION_SOURCE_IP), SA, KE, NO,
	    N(NAT_DETECTION_DESTINATION_IP), V } },
	{ "init req with cookie", INIT, false, false, 0,
	    { N(COOKIE), SA, KE, NO } },
	{ "init req no nonce", INIT, false, false, IKEV2_PL_NONCE,
	    { SA, KE } },
	{ "init req two SA", INIT, false, false, IKEV2_PL_SA,
	    { SA, SA, KE, NO } },
	{ "init req AUTH", INIT, false, false, IKEV2_PL_AUTH,
	    { SA, KE, NO, AU } },
	{ "init req CERTREQ", INIT, false, false, IKEV2_PL_CERTREQ,
	    { SA, KE, NO, CREQ } },
	{ "init req encrypted", INIT, false, true, IKEV2_PL_SK,
	    { SA, KE, NO } },
	{ "init req cookie alone", INIT, false, false, IKEV2_PL_SA,
	    { N(COOKIE) } },
	{ "init resp", INIT, true, false, 0,
	    { SA, KE, NO, CREQ, N(IKEV2_FRAGMENTATION_SUPPORTED), V } },
	{ "init resp invalid KE alone", INIT, true, false, 0,
	    { N(INVALID_KE_PAYLOAD) } },
	{ "init resp cookie alone", INIT, true, false, 0,
	    { N(COOKIE) } },
	{ "init resp NAT-D alone", INIT, true, false, IKEV2_PL_SA,
	    { N(NAT_DETECTION_SOURCE_IP) } },
	{ "auth req", AUTH, false, true, 0,
	    { IDI, CERT, CREQ, IDR, AU, CP, SA, TSI, TSR, N(INITIAL_CONTACT),
	    V } },
	{ "auth req childless", AUTH, false, true, 0,
	    { IDI, AU } },
	{ "auth req no IDi", AUTH, false, true, IKEV2_PL_IDI,
	    { AU, SA, TSI, TSR } },
	{ "auth req two AUTH", AUTH, false, true, IKEV2_PL_AUTH,
	    { IDI, AU, AU } },
	{ "auth req KE", AUTH, false, true, IKEV2_PL_KE,
	    { IDI, AU, KE } },
	{ "auth req nine CERT", AUTH, false, true, IKEV2_PL_CERT,
	    { IDI, CERT, CERT, CERT, CERT, CERT, CERT, CERT, CERT, CERT,
	    AU } },
	{ "auth resp", AUTH, true, true, 0,
	    { IDR, CERT, AU, SA, TSI, TSR } },
	{ "auth resp failed alone", AUTH, true, true, 0,
	    { N(AUTHENTICATION_FAILED) } },
	{ "auth resp no AUTH", AUTH, true, true, IKEV2_PL_AUTH,
	    { IDR } },
	{ "auth resp status notify alone", AUTH, true, true, IKEV2_PL_IDR,
	    { N(INITIAL_CONTACT) } },
	{ "child req", CHILD, false, true, 0,
	    { N(REKEY_SA), SA, NO, KE, TSI, TSR } },
	{ "child req ike rekey", CHILD, false, true, 0,
	    { SA, NO, KE } },
	{ "child req no nonce", CHILD, false, true, IKEV2_PL_NONCE,
	    { SA, KE } },
	{ "child resp no proposal", CHILD, true, true, 0,
	    { N(NO_PROPOSAL_CHOSEN) } },
	{ "child resp cookie alone", CHILD, true, true, IKEV2_PL_SA,
	    { N(COOKIE) } },
	{ "info req empty", INFO, false, true, 0,
	    { { 0, 0 } } },
	{ "info req deletes", INFO, false, true, 0,
	    { D, D, N(INITIAL_CONTACT) } },
	{ "info resp SA", INFO, true, true, IKEV2_PL_SA,
	    { SA } },
	{ "unknown exchange", 99, false, false, IKEV2_PL_NONE,
	    { N(COOKIE) } },
};

static struct ike_msg msg;

static void
fill(const struct rule_case *c)
{
	struct ike_payload *p;
	size_t i;

	memset(&msg, 0, sizeof(msg));
	msg.hdr.exchange = c->exchange;
	msg.hdr.flags = c->response ? IKEV2_FLAG_RESPONSE : 0;
	if (c->sk)
		msg.pl[msg.n_payloads++].type = IKEV2_PL_SK;
	for (i = 0; i < 14 && c->pl[i].type != 0; i++) {
		p = &msg.pl[msg.n_payloads++];
		p->type = c->pl[i].type;
		p->in_sk = c->sk;
		p->u.notify.type = c->pl[i].ntype;
	}
}

Test(ike_rules, table)
{
	struct ike_rule_violation v;
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fill(&cases[i]);
		memset(&v, 0, sizeof(v));
		ok = ike_payload_rules_check(&msg, &v);
		if (cases[i].bad == 0 && cases[i].exchange != 99) {
			cr_expect(ok, "%s: %s (payload %u)", cases[i].name,
			    v.why, v.payload);
		} else {
			cr_expect_not(ok, "%s: accepted", cases[i].name);
			cr_expect_eq(v.payload, cases[i].bad, "%s: blamed %u "
			    "(%s)", cases[i].name, v.payload, v.why);
		}
	}
}

/* Encrypted exchanges: every payload inside SK{}, and an SK at all. */
Test(ike_rules, placement_in_sk)
{
	struct ike_rule_violation v;

	fill(&cases[12]);			/* auth req */
	msg.pl[2].in_sk = false;		/* CERT outside SK */
	cr_assert_not(ike_payload_rules_check(&msg, &v));
	cr_assert_eq(v.payload, IKEV2_PL_CERT);
	cr_assert_str_eq(v.why, "payload must be inside SK{}");

	fill(&cases[12]);
	msg.pl[0].type = IKEV2_PL_VENDOR;	/* no SK payload at all */
	msg.pl[0].in_sk = true;
	cr_assert_not(ike_payload_rules_check(&msg, &v));
	cr_assert_eq(v.payload, IKEV2_PL_SK);

	fill(&cases[0]);			/* init req */
	msg.pl[1].in_sk = true;
	cr_assert_not(ike_payload_rules_check(&msg, &v));
	cr_assert_str_eq(v.why, "payload must not be inside SK{}");
}

/* Through the parser: the IKE_SA_INIT sample carries a CERTREQ, which only
 * the response may (§1.2); without it the request conforms. */
Test(ike_rules, parsed_message)
{
	static const struct ike_header h = { .spi_i = IKE_TEST_SPI_I,
	    .exchange = IKEV2_EXCH_IKE_SA_INIT, .flags = IKEV2_FLAG_INITIATOR };
	struct ike_payload pl[16];
	struct ike_rule_violation v;
	static uint8_t buf[2048];
	size_t n = ike_sample_outer(pl, 16), len;

	len = ike_build_sample(buf, sizeof(buf), &h, pl, n);
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
	cr_assert_not(ike_payload_rules_check(&msg, &v));
	cr_assert_eq(v.payload, IKEV2_PL_CERTREQ);
	len = ike_build_sample(buf, sizeof(buf), &h, pl, n - 2);
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
	cr_assert(ike_payload_rules_check(&msg, &v), "%s", v.why);
}
