/*
 * ike/proposal_parse.c — strongSwan proposal strings into transform lists;
 * see proposal.h. Keywords and rules: docs.strongswan.org "Algorithm
 * Proposals (Cipher Suites)" and swanctl.conf(5) proposals/esp_proposals.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike/proposal.h"
#include "ike/transforms.h"

/* The order transforms are grouped in, as strongSwan prints them. */
static const uint8_t type_order[] = { IKEV2_XF_ENCR, IKEV2_XF_INTEG,
    IKEV2_XF_PRF, IKEV2_XF_DH, IKEV2_XF_ESN };

/* A proposal while its keywords are read: algorithms per type, in order. */
struct draft {
	const struct ike_alg	*alg[IKEV2_XF_TYPE_MAX + 1][IKE_PROPOSAL_XF_MAX];
	size_t			 n[IKEV2_XF_TYPE_MAX + 1];
};

static int	fail(char *err, size_t errlen, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool
draft_has(const struct draft *d, const struct ike_alg *a)
{
	size_t i;

	for (i = 0; i < d->n[a->type]; i++)
		if (d->alg[a->type][i]->id == a->id &&
		    d->alg[a->type][i]->key_bits == a->key_bits)
			return true;
	return false;
}

static void
draft_add(struct draft *d, const struct ike_alg *a)
{
	if (!draft_has(d, a) && d->n[a->type] < IKE_PROPOSAL_XF_MAX)
		d->alg[a->type][d->n[a->type]++] = a;
}

/* The PRF keyword of an integrity algorithm: "sha256" -> "prfsha256",
 * through the algorithm's first keyword ("sha" -> "sha1"). */
static const struct ike_alg *
prf_for_integ(const struct ike_alg *integ)
{
	struct ike_transform t = { integ->type, integ->id, integ->key_bits,
	    false };
	const struct ike_alg *prf = NULL;
	char name[32];
	int n;

	n = snprintf(name, sizeof(name), "prf%s", ike_alg_find(&t)->token);
	if (n > 0 && (size_t)n < sizeof(name))
		prf = ike_alg_by_token(name, (size_t)n, IKE_ALG_IKE);
	return prf;
}

/* strongSwan's completions and the consistency rules. */
static int
draft_finish(struct draft *d, uint8_t protocol, const char *text, int len,
    char *err, size_t errlen)
{
	size_t i, n_aead = 0;

	if (d->n[IKEV2_XF_ENCR] == 0)
		return fail(err, errlen, "proposal '%.*s' has no encryption "
		    "algorithm", len, text);
	for (i = 0; i < d->n[IKEV2_XF_ENCR]; i++)
		n_aead += d->alg[IKEV2_XF_ENCR][i]->aead;
	if (n_aead != 0 && n_aead != d->n[IKEV2_XF_ENCR])
		return fail(err, errlen, "proposal '%.*s' mixes AEAD and "
		    "classic encryption; use two proposals", len, text);
	if (protocol == IKEV2_PROTO_IKE && d->n[IKEV2_XF_PRF] == 0)
		for (i = 0; i < d->n[IKEV2_XF_INTEG]; i++)
			if (prf_for_integ(d->alg[IKEV2_XF_INTEG][i]) != NULL)
				draft_add(d, prf_for_integ(
				    d->alg[IKEV2_XF_INTEG][i]));
	if (n_aead)
		d->n[IKEV2_XF_INTEG] = 0;
	else if (d->n[IKEV2_XF_INTEG] == 0)
		return fail(err, errlen, "proposal '%.*s' needs an integrity "
		    "algorithm", len, text);
	if (protocol == IKEV2_PROTO_IKE) {
		if (d->n[IKEV2_XF_PRF] == 0)
			return fail(err, errlen, "proposal '%.*s' needs a PRF "
			    "(e.g. prfsha256)", len, text);
		if (d->n[IKEV2_XF_DH] == 0)
			return fail(err, errlen, "proposal '%.*s' needs a DH "
			    "group", len, text);
	} else if (d->n[IKEV2_XF_ESN] == 0) {
		draft_add(d, ike_alg_by_token("noesn", 5, IKE_ALG_ESP));
	}
	return 0;
}

static int
draft_to_cfg(const struct draft *d, struct ike_proposal_cfg *cfg,
    const char *text, int len, char *err, size_t errlen)
{
	const struct ike_alg *a;
	size_t t, i;

	cfg->n_xf = 0;
	for (t = 0; t < sizeof(type_order); t++)
		for (i = 0; i < d->n[type_order[t]]; i++) {
			if (cfg->n_xf == IKE_PROPOSAL_XF_MAX)
				return fail(err, errlen, "proposal '%.*s' has "
				    "more than %d algorithms", len, text,
				    IKE_PROPOSAL_XF_MAX);
			a = d->alg[type_order[t]][i];
			cfg->xf[cfg->n_xf].type = a->type;
			cfg->xf[cfg->n_xf].id = a->id;
			cfg->xf[cfg->n_xf].key_bits = a->key_bits;
			cfg->xf[cfg->n_xf++].unknown_attr = false;
		}
	return 0;
}

/* One proposal: text[0..len), dash-separated keywords. */
static int
parse_one(struct ike_proposal_cfg *cfg, uint8_t protocol, const char *text,
    int len, char *err, size_t errlen)
{
	uint8_t where = protocol == IKEV2_PROTO_IKE ? IKE_ALG_IKE : IKE_ALG_ESP;
	const char *tok = text, *end = text + len, *dash;
	const struct ike_alg *a;
	struct draft d;

	memset(&d, 0, sizeof(d));
	while (tok <= end) {
		dash = memchr(tok, '-', (size_t)(end - tok));
		if (dash == NULL)
			dash = end;
		if (dash == tok)
			return fail(err, errlen, "empty keyword in proposal "
			    "'%.*s'", len, text);
		a = ike_alg_by_token(tok, (size_t)(dash - tok), where);
		if (a == NULL)
			return fail(err, errlen, "unsupported %s algorithm "
			    "'%.*s' in proposal '%.*s'",
			    protocol == IKEV2_PROTO_IKE ? "IKE" : "ESP",
			    (int)(dash - tok), tok, len, text);
		if (d.n[a->type] == IKE_PROPOSAL_XF_MAX)
			return fail(err, errlen, "too many algorithms in "
			    "proposal '%.*s'", len, text);
		draft_add(&d, a);
		tok = dash + 1;
	}
	if (draft_finish(&d, protocol, text, len, err, errlen) != 0)
		return -1;
	return draft_to_cfg(&d, cfg, text, len, err, errlen);
}

int
ike_proposals_parse(struct ike_proposal_set *set, uint8_t protocol,
    const char *text, char *err, size_t errlen)
{
	const char *p = text, *comma, *end;
	int len;

	memset(set, 0, sizeof(*set));
	set->protocol = protocol;
	if (protocol != IKEV2_PROTO_IKE && protocol != IKEV2_PROTO_ESP)
		return fail(err, errlen, "proposals for protocol %u are not "
		    "supported", protocol);
	for (;;) {
		comma = strchr(p, ',');
		end = comma ? comma : p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		len = (int)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			return fail(err, errlen, "empty proposal in '%s'", text);
		if (set->n == IKE_PROPOSALS_MAX)
			return fail(err, errlen, "more than %d proposals in "
			    "'%s'", IKE_PROPOSALS_MAX, text);
		if (parse_one(&set->p[set->n], protocol, p, len, err,
		    errlen) != 0)
			return -1;
		set->n++;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}
