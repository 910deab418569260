/*
 * ike/names.c — see names.h. Names are the RFC 7296 §3 tokens; payloads use
 * strongSwan's abbreviations.
 */
#include "ike/names.h"

#include "ike/ikev2_wire.h"
#include "ike/text.h"

struct name {
	uint16_t	 value;
	const char	*name;
};

static const struct name exchanges[] = {
	{ IKEV2_EXCH_IKE_SA_INIT, "IKE_SA_INIT" },
	{ IKEV2_EXCH_IKE_AUTH, "IKE_AUTH" },
	{ IKEV2_EXCH_CREATE_CHILD_SA, "CREATE_CHILD_SA" },
	{ IKEV2_EXCH_INFORMATIONAL, "INFORMATIONAL" },
	{ IKEV2_EXCH_IKE_SESSION_RESUME, "IKE_SESSION_RESUME" },
	{ IKEV2_EXCH_IKE_INTERMEDIATE, "IKE_INTERMEDIATE" },
};

static const struct name payloads[] = {
	{ IKEV2_PL_SA, "SA" }, { IKEV2_PL_KE, "KE" }, { IKEV2_PL_IDI, "IDi" },
	{ IKEV2_PL_IDR, "IDr" }, { IKEV2_PL_CERT, "CERT" },
	{ IKEV2_PL_CERTREQ, "CERTREQ" }, { IKEV2_PL_AUTH, "AUTH" },
	{ IKEV2_PL_NONCE, "No" }, { IKEV2_PL_NOTIFY, "N" },
	{ IKEV2_PL_DELETE, "D" }, { IKEV2_PL_VENDOR, "V" },
	{ IKEV2_PL_TSI, "TSi" }, { IKEV2_PL_TSR, "TSr" }, { IKEV2_PL_SK, "SK" },
	{ IKEV2_PL_CP, "CP" }, { IKEV2_PL_EAP, "EAP" }, { IKEV2_PL_SKF, "SKF" },
};

#define N(x)	{ IKEV2_N_##x, #x }
static const struct name notifies[] = {
	N(UNSUPPORTED_CRITICAL_PAYLOAD), N(INVALID_IKE_SPI),
	N(INVALID_MAJOR_VERSION), N(INVALID_SYNTAX), N(INVALID_MESSAGE_ID),
	N(INVALID_SPI), N(NO_PROPOSAL_CHOSEN), N(INVALID_KE_PAYLOAD),
	N(AUTHENTICATION_FAILED), N(SINGLE_PAIR_REQUIRED),
	N(NO_ADDITIONAL_SAS), N(INTERNAL_ADDRESS_FAILURE),
	N(FAILED_CP_REQUIRED), N(TS_UNACCEPTABLE), N(INVALID_SELECTORS),
	N(TEMPORARY_FAILURE), N(CHILD_SA_NOT_FOUND), N(INITIAL_CONTACT),
	N(SET_WINDOW_SIZE), N(ADDITIONAL_TS_POSSIBLE), N(IPCOMP_SUPPORTED),
	N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP),
	N(COOKIE), N(USE_TRANSPORT_MODE), N(HTTP_CERT_LOOKUP_SUPPORTED),
	N(REKEY_SA), N(ESP_TFC_PADDING_NOT_SUPPORTED),
	N(NON_FIRST_FRAGMENTS_ALSO), N(MOBIKE_SUPPORTED),
	N(MULTIPLE_AUTH_SUPPORTED), N(ANOTHER_AUTH_FOLLOWS),
	N(REDIRECT_SUPPORTED), N(EAP_ONLY_AUTHENTICATION),
	N(CHILDLESS_IKEV2_SUPPORTED), N(IKEV2_FRAGMENTATION_SUPPORTED),
	N(SIGNATURE_HASH_ALGORITHMS), N(INTERMEDIATE_EXCHANGE_SUPPORTED),
};
#undef N

static const char *
lookup(const struct name *t, size_t n, uint16_t value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}

#define LOOKUP(t, v)	lookup(t, sizeof(t) / sizeof(t[0]), v)

const char *
ike_exchange_name(uint8_t exchange)
{
	return LOOKUP(exchanges, exchange);
}

const char *
ike_payload_name(uint8_t type)
{
	return LOOKUP(payloads, type);
}

const char *
ike_notify_name(uint16_t type)
{
	return LOOKUP(notifies, type);
}

const char *
ike_msg_summary(const struct ike_msg *m, char *out, size_t cap)
{
	const struct ike_payload *p;
	const char *name;
	size_t i, off = 0;

	if (cap == 0)
		return out;
	out[0] = '\0';
	if ((name = ike_exchange_name(m->hdr.exchange)) != NULL)
		ike_text_append(out, cap, &off, "%s", name);
	else
		ike_text_append(out, cap, &off, "exchange %u",
		    m->hdr.exchange);
	ike_text_append(out, cap, &off, " %s %u [",
	    m->hdr.flags & IKEV2_FLAG_RESPONSE ? "response" : "request",
	    m->hdr.msg_id);
	for (i = 0; i < m->n_payloads; i++) {
		p = &m->pl[i];
		/* The decrypted inner payloads of SK{} in braces. */
		if (p->in_sk && (i == 0 || !m->pl[i - 1].in_sk))
			ike_text_append(out, cap, &off, " {");
		if ((name = ike_payload_name(p->type)) != NULL)
			ike_text_append(out, cap, &off, " %s", name);
		else
			ike_text_append(out, cap, &off, " %u", p->type);
		if (p->type == IKEV2_PL_SKF && !p->in_sk &&
		    p->u.sk.frag_num != 0)
			ike_text_append(out, cap, &off, "(%u/%u)",
			    p->u.sk.frag_num, p->u.sk.frag_total);
		if (p->type != IKEV2_PL_NOTIFY)
			continue;
		if ((name = ike_notify_name(p->u.notify.type)) != NULL)
			ike_text_append(out, cap, &off, "(%s)", name);
		else
			ike_text_append(out, cap, &off, "(%u)",
			    p->u.notify.type);
	}
	if (m->n_payloads > 0 && m->pl[m->n_payloads - 1].in_sk)
		ike_text_append(out, cap, &off, " }");
	ike_text_append(out, cap, &off, " ]");
	return out;
}
