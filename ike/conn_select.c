/*
 * ike/conn_select.c — which configuration a responder uses (as strongSwan
 * does it): at IKE_SA_INIT the first connection whose local_addrs and
 * remote_addrs hold the addresses and whose proposals accept; at IKE_AUTH,
 * once the peer's identity (IDi) and certificate chain are known, the
 * connection among those with the same addresses and an acceptable IKE
 * proposal whose remote.id matches IDi best (certs_id_match ranks: exact
 * beats fewer wildcards beats more, %any last) and whose remote.cacerts
 * accept the chain's anchor; and for the first CHILD_SA the child whose
 * traffic selectors fit the peer's best, among all children.
 */
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ts.h"

static bool
prefix_has(const struct ike_prefix *p, const struct sockaddr_storage *a)
{
	const uint8_t *ip;
	size_t bits = p->plen, i;

	if (a->ss_family != p->family)
		return false;
	ip = a->ss_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)(const void *)a)->sin6_addr.s6_addr :
	    (const uint8_t *)&((const struct sockaddr_in *)(const void *)a)->sin_addr;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (ip[i] != p->addr[i])
			return false;
	return bits == 0 ||
	    ((ip[i] ^ p->addr[i]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

static bool
addrs_in(const struct ike_prefix *p, size_t n,
    const struct sockaddr_storage *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (prefix_has(&p[i], a))
			return true;
	return n == 0;	/* %any */
}

const struct ike_conn_cfg *
ike_conn_for_init(struct ike_engine *e, const struct ike_pl_sa *sa,
    uint16_t group, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, struct ike_chosen *c)
{
	const struct ike_conn_cfg *first = NULL;
	char text[512];
	size_t i;

	for (i = 0; i < e->cfg->n_conns; i++) {
		const struct ike_conn_cfg *k = &e->cfg->conns[i];

		if (!ike_conn_addrs_match(k, local, remote))
			continue;
		if (first == NULL)
			first = k;
		if (ike_proposal_select(&k->proposals, sa->prop, sa->n_prop,
		    group, c))
			return k;
	}
	if (first != NULL)
		log_err("%s: NO_PROPOSAL_CHOSEN for IKE: %s", first->name,
		    ike_proposal_mismatch(&first->proposals, sa->prop,
		    sa->n_prop, text, sizeof(text)));
	else
		log_err("IKE_SA_INIT: no connection for this peer");
	return NULL;
}


bool
ike_conn_addrs_match(const struct ike_conn_cfg *c,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote)
{
	return addrs_in(c->local_addrs, c->n_local_addrs, local) &&
	    addrs_in(c->remote_addrs, c->n_remote_addrs, remote);
}

/* The IKE SA's negotiated proposal is one c would have chosen. */
static bool
accepts_chosen(const struct ike_conn_cfg *c, const struct ike_sa *sa)
{
	struct ike_transform xf[IKEV2_XF_TYPE_MAX];
	struct ike_proposal prop;
	struct ike_chosen again;

	ike_chosen_view(&sa->chosen, xf, &prop);
	return ike_proposal_select(&c->proposals, &prop, 1, sa->dh_group,
	    &again);
}

const char *
ike_anchor_text(struct ike_anchor *a)
{
	if (!a->made)
		certs_verify_anchor(a->info, a->text, sizeof(a->text));
	a->made = true;
	return a->text;
}

bool
ike_anchor_ok(const struct ike_cred *cr, struct ike_anchor *a)
{
	size_t i;

	for (i = 0; i < cr->n_cas; i++)
		if (strcmp(cr->cas[i], ike_anchor_text(a)) == 0)
			return true;
	return cr->n_cas == 0;
}

const struct ike_conn_cfg *
ike_conn_for_auth(const struct ike_engine *e, const struct ike_sa *sa,
    const struct certs_id *peer, struct ike_anchor *anchor)
{
	const struct ike_conn_cfg *best = NULL;
	enum certs_id_match rank, best_rank = CERTS_ID_MATCH_NONE;
	struct sockaddr_storage local, remote;
	size_t i;

	ike_sockaddr_get(&sa->local, &local);
	ike_sockaddr_get(&sa->remote, &remote);
	for (i = 0; i < e->cfg->n_conns; i++) {
		const struct ike_conn_cfg *k = &e->cfg->conns[i];

		rank = k->remote.id_set ? certs_id_match(&k->remote.id, peer) :
		    CERTS_ID_MATCH_ANY;
		if (rank <= best_rank ||
		    !ike_conn_addrs_match(k, &local, &remote) ||
		    !ike_anchor_ok(&e->creds[i], anchor) ||
		    !accepts_chosen(k, sa))
			continue;
		best = k;
		best_rank = rank;
	}
	return best;
}

/* How well one side's proposed selectors fit a child's: 2 when every one
 * lies within ours (no narrowing), 1 when they overlap, 0 when not. */
static int
ts_fit(const struct ike_payload *peer, const struct ike_ts_cfg *cfg,
    size_t n_cfg, const struct ike_prefix *dyn)
{
	struct ike_ts ours[IKE_TS_MAX], x[IKE_TS_MAX];
	size_t i, n;

	for (i = 0; i < n_cfg; i++)
		ike_ts_from_cfg(&cfg[i], dyn, &ours[i]);
	n = ike_ts_narrow(peer->u.ts.ts, peer->u.ts.n_ts, ours, n_cfg, x,
	    IKE_TS_MAX);
	if (n == 0)
		return 0;
	return n == peer->u.ts.n_ts &&
	    memcmp(x, peer->u.ts.ts, n * sizeof(x[0])) == 0 ? 2 : 1;
}

const struct ike_child_cfg *
ike_child_cfg_select(const struct ike_sa *sa, const struct ike_msg *m,
    const struct ike_prefix *vip)
{
	const struct ike_payload *tsi = ike_msg_next(m, IKEV2_PL_TSI, NULL);
	const struct ike_payload *tsr = ike_msg_next(m, IKEV2_PL_TSR, NULL);
	const struct ike_conn_cfg *c = sa->conn;
	const struct ike_child_cfg *best = &c->children[0];
	struct ike_prefix lo, re;
	int fit, best_fit = 0;
	size_t i;

	if (tsi == NULL || tsr == NULL)
		return best;
	ike_sockaddr_prefix(&sa->local, &lo);
	ike_sockaddr_prefix(&sa->remote, &re);
	for (i = 0; i < c->n_children; i++) {
		const struct ike_child_cfg *ch = &c->children[i];
		int fi = ts_fit(tsi, ch->remote_ts, ch->n_remote_ts,
		    vip != NULL ? vip : &re);
		int fr = ts_fit(tsr, ch->local_ts, ch->n_local_ts, &lo);

		fit = fi && fr ? fi + fr : 0;
		if (fit > best_fit) {
			best = ch;
			best_fit = fit;
		}
	}
	return best;
}
