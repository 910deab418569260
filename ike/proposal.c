/*
 * ike/proposal.c — proposal selection (RFC 7296 §2.7, §3.3.6), the
 * initiator's check of the answer, and the log text; see proposal.h.
 */
#include "ike/proposal.h"

#include <string.h>

#include "ike/text.h"
#include "ike/transforms.h"

/* The transforms of `type` in a proposal, in its order. Transforms with
 * attributes we do not understand are left out (§3.3.6). */
struct alg_list {
	struct ike_transform	t[IKE_MSG_MAX_TRANSFORMS];
	size_t			n;
};

static void
list_of(const struct ike_transform *xf, size_t n_xf, uint8_t type,
    struct alg_list *l)
{
	size_t i;

	l->n = 0;
	for (i = 0; i < n_xf; i++)
		if (xf[i].type == type && !xf[i].unknown_attr &&
		    l->n < IKE_MSG_MAX_TRANSFORMS)
			l->t[l->n++] = xf[i];
}

/* For INTEG, DH and ESN a missing type means its "none" value: INTEG with
 * an AEAD and DH without PFS (§3.3.3), and no ESN as strongSwan reads it.
 * Used when only one side names the type. */
static void
list_default_none(struct alg_list *l, uint8_t type)
{
	if (l->n == 0 && type != IKEV2_XF_ENCR && type != IKEV2_XF_PRF) {
		memset(&l->t[0], 0, sizeof(l->t[0]));
		l->t[0].type = type;
		l->n = 1;
	}
}

static bool
list_has(const struct alg_list *l, const struct ike_transform *t)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->t[i].id == t->id && l->t[i].key_bits == t->key_bits)
			return true;
	return false;
}

/* A received proposal may only carry the five types of §3.3.2; any other
 * makes it unacceptable (§3.3.6). */
static bool
types_known(const struct ike_proposal *r)
{
	size_t i;

	for (i = 0; i < r->n_xf; i++)
		if (r->xf[i].type == 0 || r->xf[i].type > IKEV2_XF_TYPE_MAX)
			return false;
	return true;
}

/* Local proposal l against received proposal r: per type, the first local
 * algorithm that r offers too (the KE group if both take it). Only types r
 * names are recorded, so the answer echoes no type the peer left out. */
static bool
match(uint8_t protocol, const struct ike_proposal_cfg *l,
    const struct ike_proposal *r, uint16_t ke_group, struct ike_chosen *out)
{
	struct alg_list ll, rl;
	const struct ike_transform *pick;
	struct ike_transform ke = { IKEV2_XF_DH, ke_group, 0, false };
	uint8_t type;
	size_t i;
	bool named;

	if (r->protocol != protocol || !types_known(r))
		return false;
	memset(out, 0, sizeof(*out));
	for (type = IKEV2_XF_ENCR; type <= IKEV2_XF_TYPE_MAX; type++) {
		list_of(l->xf, l->n_xf, type, &ll);
		list_of(r->xf, r->n_xf, type, &rl);
		if (ll.n == 0 && rl.n == 0)
			continue;
		named = rl.n > 0;
		list_default_none(&ll, type);
		list_default_none(&rl, type);
		pick = NULL;
		if (type == IKEV2_XF_DH && ke_group != 0 && list_has(&ll, &ke) &&
		    list_has(&rl, &ke))
			pick = &ke;
		for (i = 0; pick == NULL && i < ll.n; i++)
			if (list_has(&rl, &ll.t[i]))
				pick = &ll.t[i];
		if (pick == NULL)
			return false;
		if (named)
			out->xf[type] = *pick;
	}
	out->num = r->num;
	out->protocol = r->protocol;
	out->spi_size = r->spi_size;
	out->spi = r->spi;
	return true;
}

bool
ike_proposal_select(const struct ike_proposal_set *local,
    const struct ike_proposal *remote, size_t n_remote, uint16_t ke_group,
    struct ike_chosen *out)
{
	size_t i, j;

	for (i = 0; i < local->n; i++)
		for (j = 0; j < n_remote; j++)
			if (match(local->protocol, &local->p[i], &remote[j],
			    ke_group, out))
				return true;
	return false;
}

bool
ike_proposal_check_reply(const struct ike_proposal_set *offered,
    const struct ike_proposal *reply, size_t n_reply, struct ike_chosen *out,
    const char **why)
{
	uint8_t seen = 0;
	size_t i;

	*why = NULL;
	if (n_reply != 1)
		*why = "the answer must hold exactly one proposal";
	else if (reply->num == 0 || reply->num > offered->n)
		*why = "the answer's proposal number was not offered";
	for (i = 0; *why == NULL && i < reply->n_xf; i++) {
		if (reply->xf[i].type == 0 ||
		    reply->xf[i].type > IKEV2_XF_TYPE_MAX ||
		    (seen & 1u << reply->xf[i].type))
			*why = "the answer must hold one transform per type";
		else
			seen |= (uint8_t)(1u << reply->xf[i].type);
	}
	if (*why == NULL && !match(offered->protocol,
	    &offered->p[reply->num - 1], reply, 0, out))
		*why = "the answer chose algorithms that were not offered";
	return *why == NULL;
}

const struct ike_transform *
ike_chosen_get(const struct ike_chosen *c, uint8_t type)
{
	if (type == 0 || type > IKEV2_XF_TYPE_MAX || c->xf[type].type != type)
		return NULL;
	return &c->xf[type];
}

static size_t
key_len_of(const struct ike_chosen *c, uint8_t type)
{
	const struct ike_transform *t = ike_chosen_get(c, type);
	const struct ike_alg *a = t ? ike_alg_find(t) : NULL;

	return a ? a->key_len : 0;
}

void
ike_chosen_key_lens(const struct ike_chosen *c, size_t *encr_len,
    size_t *integ_len)
{
	*encr_len = key_len_of(c, IKEV2_XF_ENCR);
	*integ_len = key_len_of(c, IKEV2_XF_INTEG);
}

size_t
ike_chosen_view(const struct ike_chosen *c,
    struct ike_transform xf[IKEV2_XF_TYPE_MAX], struct ike_proposal *out)
{
	static const uint8_t order[] = { IKEV2_XF_ENCR, IKEV2_XF_INTEG,
	    IKEV2_XF_PRF, IKEV2_XF_DH, IKEV2_XF_ESN };
	const struct ike_transform *t;
	size_t i, n = 0;

	for (i = 0; i < sizeof(order); i++)
		if ((t = ike_chosen_get(c, order[i])) != NULL)
			xf[n++] = *t;
	out->num = c->num;
	out->protocol = c->protocol;
	out->spi_size = c->spi_size;
	out->spi = c->spi;
	out->xf = xf;
	out->n_xf = n;
	return n;
}

size_t
ike_proposals_view(const struct ike_proposal_set *set, uint8_t spi_size,
    uint64_t spi, struct ike_proposal out[IKE_PROPOSALS_MAX])
{
	size_t i;

	for (i = 0; i < set->n && i < IKE_PROPOSALS_MAX; i++) {
		out[i].num = (uint8_t)(i + 1);
		out[i].protocol = set->protocol;
		out[i].spi_size = spi_size;
		out[i].spi = spi;
		out[i].xf = set->p[i].xf;
		out[i].n_xf = set->p[i].n_xf;
	}
	return i;
}

const char *
ike_proposals_format(const struct ike_proposal *p, size_t n, char *out,
    size_t cap)
{
	static const uint8_t order[] = { IKEV2_XF_ENCR, IKEV2_XF_INTEG,
	    IKEV2_XF_PRF, IKEV2_XF_DH, IKEV2_XF_ESN };
	const char *sep;
	char name[48];
	size_t i, k, j, off = 0;

	if (cap == 0)
		return out;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		ike_text_append(out, cap, &off, "%s%s:", i ? ", " : "",
		    p[i].protocol == IKEV2_PROTO_IKE ? "IKE" :
		    p[i].protocol == IKEV2_PROTO_ESP ? "ESP" : "AH");
		sep = "";
		for (k = 0; k < sizeof(order); k++)
			for (j = 0; j < p[i].n_xf; j++) {
				if (p[i].xf[j].type != order[k])
					continue;
				ike_transform_name(&p[i].xf[j], name,
				    sizeof(name));
				ike_text_append(out, cap, &off, "%s%s", sep,
				    name);
				sep = "/";
			}
	}
	return out;
}

const char *
ike_proposal_mismatch(const struct ike_proposal_set *local,
    const struct ike_proposal *remote, size_t n_remote, char *out,
    size_t cap)
{
	struct ike_proposal view[IKE_PROPOSALS_MAX];
	size_t off = 0, n = ike_proposals_view(local, 0, 0, view);

	if (cap == 0)
		return out;
	out[0] = '\0';
	ike_text_append(out, cap, &off, "received ");
	if (off < cap)
		off += strlen(ike_proposals_format(remote, n_remote, out + off,
		    cap - off));
	ike_text_append(out, cap, &off, "; configured ");
	if (off < cap)
		ike_proposals_format(view, n, out + off, cap - off);
	return out;
}

uint16_t
ike_proposals_first_group(const struct ike_proposal_set *set)
{
	size_t i, j;

	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->p[i].n_xf; j++)
			if (set->p[i].xf[j].type == IKEV2_XF_DH)
				return set->p[i].xf[j].id;
	return 0;
}
