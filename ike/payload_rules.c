/*
 * ike/payload_rules.c — the payload rules of every exchange in one table;
 * see payload_rules.h.
 */
#include "ike/payload_rules.h"

#include "ike/ikev2_wire.h"

#define ANY	UINT8_MAX
#define MAX_RULES	16

struct payload_rule {
	uint8_t		type;
	uint8_t		min;
	uint8_t		max;		/* ANY: as many as the message holds */
	bool		encrypted;	/* must be inside SK{}; else outside */
};

struct exchange_rules {
	uint8_t		 exchange;
	bool		 response;
	/* An error notify can stand alone in place of the mandatory
	 * payloads; in an IKE_SA_INIT response so can COOKIE (§1.2, §2.6). */
	bool		 error_suffices;
	bool		 cookie_suffices;
	const struct payload_rule *rules;
	size_t		 n_rules;
};

/* IKE_SA_INIT request (§1.2, §2.6): [N(COOKIE),] SAi1, KEi, Ni, [N+], [V+] */
static const struct payload_rule sa_init_req[] = {
	{ IKEV2_PL_SA,		1, 1,	false },
	{ IKEV2_PL_KE,		1, 1,	false },
	{ IKEV2_PL_NONCE,	1, 1,	false },
	{ IKEV2_PL_NOTIFY,	0, ANY,	false },
	{ IKEV2_PL_VENDOR,	0, ANY,	false },
};

/* IKE_SA_INIT response (§1.2): SAr1, KEr, Nr, [CERTREQ+], [N+], [V+];
 * or N(COOKIE) / N(INVALID_KE_PAYLOAD) / N(NO_PROPOSAL_CHOSEN) alone. */
static const struct payload_rule sa_init_resp[] = {
	{ IKEV2_PL_SA,		1, 1,	false },
	{ IKEV2_PL_KE,		1, 1,	false },
	{ IKEV2_PL_NONCE,	1, 1,	false },
	{ IKEV2_PL_CERTREQ,	0, ANY,	false },
	{ IKEV2_PL_NOTIFY,	0, ANY,	false },
	{ IKEV2_PL_VENDOR,	0, ANY,	false },
};

/* IKE_AUTH request (§1.2, §2.16, RFC 6023): SK { IDi, [CERT+], [CERTREQ+],
 * [IDr], AUTH, [CP], [SAi2, TSi, TSr], [N+], [V+] }. AUTH is absent when
 * EAP is wanted (§2.16); SA/TS are absent without a CHILD_SA (RFC 6023).
 * That they come together is the exchange's check. */
static const struct payload_rule auth_req[] = {
	{ IKEV2_PL_IDI,		1, 1,	true },
	{ IKEV2_PL_CERT,	0, 8,	true },
	{ IKEV2_PL_CERTREQ,	0, ANY,	true },
	{ IKEV2_PL_IDR,		0, 1,	true },
	{ IKEV2_PL_AUTH,	0, 1,	true },
	{ IKEV2_PL_EAP,		0, 1,	true },
	{ IKEV2_PL_CP,		0, 1,	true },
	{ IKEV2_PL_SA,		0, 1,	true },
	{ IKEV2_PL_TSI,		0, 1,	true },
	{ IKEV2_PL_TSR,		0, 1,	true },
	{ IKEV2_PL_NOTIFY,	0, ANY,	true },
	{ IKEV2_PL_VENDOR,	0, ANY,	true },
};

/* IKE_AUTH response (§1.2): SK { IDr, [CERT+], AUTH, [CP], [SAr2, TSi,
 * TSr], [N+], [V+] }; or an error notify such as AUTHENTICATION_FAILED
 * alone (§2.21.2). */
static const struct payload_rule auth_resp[] = {
	{ IKEV2_PL_IDR,		1, 1,	true },
	{ IKEV2_PL_CERT,	0, 8,	true },
	{ IKEV2_PL_AUTH,	1, 1,	true },
	{ IKEV2_PL_EAP,		0, 1,	true },
	{ IKEV2_PL_CP,		0, 1,	true },
	{ IKEV2_PL_SA,		0, 1,	true },
	{ IKEV2_PL_TSI,		0, 1,	true },
	{ IKEV2_PL_TSR,		0, 1,	true },
	{ IKEV2_PL_NOTIFY,	0, ANY,	true },
	{ IKEV2_PL_VENDOR,	0, ANY,	true },
};

/* CREATE_CHILD_SA (§1.3): SK { [N(REKEY_SA)], SA, Ni, [KEi], [TSi, TSr] }
 * and SK { SA, Nr, [KEr], [TSi, TSr] }; the response may be an error
 * notify alone (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, TEMPORARY_FAILURE,
 * §1.3, §2.25). TS are absent when the IKE SA is rekeyed (§1.3.2). */
static const struct payload_rule child_sa[] = {
	{ IKEV2_PL_SA,		1, 1,	true },
	{ IKEV2_PL_NONCE,	1, 1,	true },
	{ IKEV2_PL_KE,		0, 1,	true },
	{ IKEV2_PL_TSI,		0, 1,	true },
	{ IKEV2_PL_TSR,		0, 1,	true },
	{ IKEV2_PL_NOTIFY,	0, ANY,	true },
	{ IKEV2_PL_VENDOR,	0, ANY,	true },
};

/* INFORMATIONAL (§1.4): SK { [N+], [D+], [CP+] }; empty is a liveness
 * check (§1.4). */
static const struct payload_rule informational[] = {
	{ IKEV2_PL_NOTIFY,	0, ANY,	true },
	{ IKEV2_PL_DELETE,	0, ANY,	true },
	{ IKEV2_PL_CP,		0, 1,	true },
	{ IKEV2_PL_VENDOR,	0, ANY,	true },
};

#define RULES(x)	x, sizeof(x) / sizeof(x[0])
_Static_assert(sizeof(auth_req) / sizeof(auth_req[0]) <= MAX_RULES,
    "the longest rule list must fit the counters of the check");

static const struct exchange_rules exchanges[] = {
	{ IKEV2_EXCH_IKE_SA_INIT, false, false, false, RULES(sa_init_req) },
	{ IKEV2_EXCH_IKE_SA_INIT, true, true, true, RULES(sa_init_resp) },
	{ IKEV2_EXCH_IKE_AUTH, false, false, false, RULES(auth_req) },
	{ IKEV2_EXCH_IKE_AUTH, true, true, false, RULES(auth_resp) },
	{ IKEV2_EXCH_CREATE_CHILD_SA, false, false, false, RULES(child_sa) },
	{ IKEV2_EXCH_CREATE_CHILD_SA, true, true, false, RULES(child_sa) },
	{ IKEV2_EXCH_INFORMATIONAL, false, false, false, RULES(informational) },
	{ IKEV2_EXCH_INFORMATIONAL, true, false, false, RULES(informational) },
};

static const struct exchange_rules *
exchange_find(uint8_t exchange, bool response)
{
	size_t i;

	for (i = 0; i < sizeof(exchanges) / sizeof(exchanges[0]); i++)
		if (exchanges[i].exchange == exchange &&
		    exchanges[i].response == response)
			return &exchanges[i];
	return NULL;
}

/* Exchanges whose rules put payloads in SK{} carry an SK (or SKF). */
static bool
exchange_encrypted(const struct exchange_rules *x)
{
	return x->rules[0].encrypted;
}

static bool
notify_suffices(const struct ike_msg *m, const struct exchange_rules *x)
{
	const struct ike_payload *p = NULL;

	while ((p = ike_msg_next(m, IKEV2_PL_NOTIFY, p)) != NULL)
		if ((x->error_suffices &&
		    p->u.notify.type <= IKEV2_N_ERROR_MAX) ||
		    (x->cookie_suffices && p->u.notify.type == IKEV2_N_COOKIE))
			return true;
	return false;
}

static bool
violation(struct ike_rule_violation *v, uint8_t payload, const char *why)
{
	v->payload = payload;
	v->why = why;
	return false;
}

bool
ike_payload_rules_check(const struct ike_msg *m, struct ike_rule_violation *v)
{
	const struct exchange_rules *x;
	const struct ike_payload *p;
	uint8_t count[MAX_RULES] = { 0 };
	bool have_sk = false;
	size_t i, k;

	x = exchange_find(m->hdr.exchange,
	    (m->hdr.flags & IKEV2_FLAG_RESPONSE) != 0);
	if (x == NULL)
		return violation(v, IKEV2_PL_NONE, "unknown exchange type");
	for (i = 0; i < m->n_payloads; i++) {
		p = &m->pl[i];
		if (p->type == IKEV2_PL_SK || p->type == IKEV2_PL_SKF) {
			if (!exchange_encrypted(x))
				return violation(v, p->type,
				    "encrypted payload in an unencrypted exchange");
			have_sk = true;
			continue;
		}
		for (k = 0; k < x->n_rules && x->rules[k].type != p->type; k++)
			;
		if (k == x->n_rules)
			return violation(v, p->type,
			    "payload not allowed in this message");
		if (x->rules[k].encrypted != p->in_sk)
			return violation(v, p->type, p->in_sk ?
			    "payload must not be inside SK{}" :
			    "payload must be inside SK{}");
		if (++count[k] > x->rules[k].max)
			return violation(v, p->type,
			    "payload occurs more often than allowed");
	}
	if (exchange_encrypted(x) && !have_sk)
		return violation(v, IKEV2_PL_SK, "message is not encrypted");
	if (notify_suffices(m, x))
		return true;
	for (k = 0; k < x->n_rules; k++)
		if (count[k] < x->rules[k].min)
			return violation(v, x->rules[k].type,
			    "mandatory payload missing");
	return true;
}
