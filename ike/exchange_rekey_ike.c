/*
 * ike/exchange_rekey_ike.c — rekeying the IKE SA (RFC 7296 §1.3.2, §2.18):
 *
 *   SK { SA(IKE, new SPIi), Ni, KEi } -->
 *              <-- SK { SA(IKE, new SPIr), Nr, KEr }
 *
 * on the old IKE SA; the new one takes the old one's peer, identities and
 * CHILD_SAs, starts its message IDs at 0 and keeps the old one's number
 * (uipsec's IKE SA id names the tunnel, not one set of keys). The rekey's
 * initiator then deletes the old SA, which goes without a DOWN event.
 * Both ends rekeying at once (§2.8.2): the new SA made with the lowest of
 * the four nonces is deleted by the end that made it; the other one
 * takes the CHILD_SAs.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/names.h"

/* What a rekeyed SA carries over from the old one (§2.18). */
static void
inherit(struct ike_sa *n, const struct ike_sa *old, uint64_t now_ms)
{
	n->conn = old->conn;
	n->local = old->local;
	n->remote = old->remote;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->natt = old->natt;
	if (ike_sa_copy_peer(n, old) != 0)
		log_err("%s[%llu]: no memory for the peer's identity: unique "
		    "will not see the rekeyed SA", ike_sa_name(old),
		    (unsigned long long)old->id);
	n->peer_frag = old->peer_frag;
	n->established_ms = n->last_rx_ms = now_ms;
}

static void
move_children(struct ike_sa *from, struct ike_sa *to)
{
	struct ike_child_sa **p;

	for (p = &to->children; *p != NULL; p = &(*p)->next)
		;
	*p = from->children;
	from->children = NULL;
	to->children_todo |= from->children_todo;
	from->children_todo = 0;
	from->replaced = true;
	/* The peer's virtual IP goes with its CHILD_SAs (pool_lease.c). */
	if (from->vip_leased) {
		to->vip = from->vip;
		to->vip_leased = true;
		from->vip_leased = false;
	}
}

/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), then SK_* (§2.18). */
static int
derive(struct ike_sa *n, const struct ike_sa *old, const struct ike_dh *dh,
    const struct ike_payload *ke)
{
	const struct ike_transform *prf = ike_chosen_get(&n->chosen,
	    IKEV2_XF_PRF);
	struct ike_dh_secret gir;
	struct ike_kdf_input in;
	size_t encr_len, integ_len;
	int ret = -1;

	memset(&gir, 0, sizeof(gir));
	if (prf == NULL || ike_ke_shared(n, dh, ke, &gir) != 0)
		goto out;
	ike_chosen_key_lens(&n->chosen, &encr_len, &integ_len);
	in = (struct ike_kdf_input){ .gir = { gir.b, gir.len },
	    .ni = { n->setup->ni, n->setup->ni_len },
	    .nr = { n->setup->nr, n->setup->nr_len },
	    .spi_i = n->spi_i, .spi_r = n->spi_r };
	if (ike_sk_suite_init(&n->suite, &n->chosen) != 0 ||
	    ike_sa_keys_rekey(&n->keys, &old->keys, prf->id, integ_len,
	    encr_len, &in) != 0)
		goto out;
	n->have_keys = true;
	ret = 0;
out:
	ike_dh_secret_wipe(&gir);
	return ret;
}

/* The new SA joins the table, established, with its own lifetimes; its
 * nonces have served (§2.18). */
static void
established(struct ike_engine *e, struct ike_sa *n, const struct ike_sa *old)
{
	ike_sa_setup_done(n);
	inherit(n, old, e->now_ms);
	n->dh_group = ike_chosen_get(&n->chosen, IKEV2_XF_DH)->id;
	ike_sa_table_add(&e->sas, n);
	ike_timers_touch(e, n);
	ike_sa_set_state(n, IKE_STATE_ESTABLISHED);
	ike_established_sync(e, n);
	ike_peer_index_add(&e->peers, n);	/* unique, INITIAL_CONTACT */
	ike_report_ike_keys(e, n);
	ike_lifetime_ike_start(e, n);
	log_info("%s[%llu]: IKE SA rekeyed: %016llx_i %016llx_r -> %016llx_i "
	    "%016llx_r", ike_sa_name(n), (unsigned long long)n->id,
	    (unsigned long long)old->spi_i, (unsigned long long)old->spi_r,
	    (unsigned long long)n->spi_i, (unsigned long long)n->spi_r);
}

/* §2.10: long enough for every PRF we offer. */
static size_t
offered_nonce_len(const struct ike_proposal_set *set)
{
	size_t i, j, n = 16;

	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->p[i].n_xf; j++)
			if (set->p[i].xf[j].type == IKEV2_XF_PRF &&
			    ike_nonce_len(set->p[i].xf[j].id) > n)
				n = ike_nonce_len(set->p[i].xf[j].id);
	return n;
}

int
ike_rekey_ike_start(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_out *o = &e->tx;
	struct ike_proposal view[IKE_PROPOSALS_MAX];
	struct ike_payload sap = { .type = IKEV2_PL_SA }, no, ke;
	struct ike_rekey *rk;
	struct ike_sa *n;

	if (sa->state != IKE_STATE_ESTABLISHED || sa->req.active ||
	    sa->rekey != NULL || sa->replaced || sa->conn == NULL)
		return -1;
	if ((rk = calloc(1, sizeof(*rk))) == NULL)
		return -1;
	rk->group = sa->dh_group;
	if ((rk->sa = n = ike_sa_new(true, sa->id, e->now_ms)) == NULL ||
	    ike_nonce_new(rk->ni, rk->ni_len =
	    offered_nonce_len(&sa->conn->proposals)) != 0 ||
	    ike_dh_new(&rk->dh, rk->group) != IKE_DH_OK)
		goto fail;
	sap.u.sa.prop = view;
	sap.u.sa.n_prop = ike_proposals_view(&sa->conn->proposals,
	    IKEV2_SPI_SIZE_IKE, n->spi_i, view);
	ike_nonce_payload(&no, rk->ni, rk->ni_len);
	ike_ke_payload(&ke, rk->dh);
	ike_out_begin(o, sa, IKEV2_EXCH_CREATE_CHILD_SA, false, 0);
	if (!ike_out_add(o, &sap) || !ike_out_add(o, &no) ||
	    !ike_out_add(o, &ke) || ike_out_send(e, sa, o) < 0)
		goto fail;
	log_info("%s[%llu]: rekeying IKE SA", ike_sa_name(sa),
	    (unsigned long long)sa->id);
	sa->rekey = rk;
	return 0;
fail:
	ike_rekey_free(rk);
	return -1;
}

static void
answer_error(struct ike_engine *e, struct ike_sa *sa, const struct ike_msg *m,
    uint16_t type, uint16_t group)
{
	struct ike_out *o = &e->tx;
	uint8_t g[2] = { (uint8_t)(group >> 8), (uint8_t)group };

	ike_out_begin(o, sa, IKEV2_EXCH_CREATE_CHILD_SA, true, m->hdr.msg_id);
	ike_out_notify(o, type, g, group != 0 ? 2 : 0);
	ike_out_send(e, sa, o);
	log_info("%s[%llu]: IKE SA rekey refused: %s", ike_sa_name(sa),
	    (unsigned long long)sa->id, ike_notify_name(type) ?
	    ike_notify_name(type) : "error");
}

/* Responder: SA, Nr, KEr; the new SA made from the peer's proposal. */
void
ike_rekey_ike_respond(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	const struct ike_payload *sap = ike_msg_next(m, IKEV2_PL_SA, NULL);
	const struct ike_payload *no = ike_msg_next(m, IKEV2_PL_NONCE, NULL);
	const struct ike_payload *ke = ike_msg_next(m, IKEV2_PL_KE, NULL);
	struct ike_out *o = &e->tx;
	struct ike_transform xf[IKEV2_XF_TYPE_MAX];
	struct ike_payload sar = { .type = IKEV2_PL_SA }, nr, ker;
	struct ike_proposal prop;
	const struct ike_transform *dhx;
	struct ike_rekey *rk = sa->rekey;
	struct ike_dh *dh = NULL;
	struct ike_sa_setup *st;
	struct ike_sa *n = NULL;

	/* §2.25: not while one of our CHILD_SA rekeys runs. */
	if (rk != NULL && rk->sa == NULL) {
		answer_error(e, sa, m, IKEV2_N_TEMPORARY_FAILURE, 0);
		return;
	}
	if (no == NULL || ke == NULL || sa->conn == NULL ||
	    (n = ike_sa_new(false, sa->id, e->now_ms)) == NULL)
		goto refuse;
	if (!ike_proposal_select(&sa->conn->proposals, sap->u.sa.prop,
	    sap->u.sa.n_prop, ke->u.ke.group, &n->chosen) ||
	    n->chosen.spi_size != IKEV2_SPI_SIZE_IKE ||
	    (dhx = ike_chosen_get(&n->chosen, IKEV2_XF_DH)) == NULL) {
		answer_error(e, sa, m, IKEV2_N_NO_PROPOSAL_CHOSEN, 0);
		goto out;
	}
	if (dhx->id != ke->u.ke.group) {
		answer_error(e, sa, m, IKEV2_N_INVALID_KE_PAYLOAD, dhx->id);
		goto out;
	}
	n->spi_i = n->chosen.spi;
	st = n->setup;
	st->ni_len = no->u.nonce.len < sizeof(st->ni) ? no->u.nonce.len :
	    sizeof(st->ni);
	memcpy(st->ni, no->u.nonce.p, st->ni_len);
	st->nr_len = ike_nonce_len(ike_chosen_get(&n->chosen, IKEV2_XF_PRF) ?
	    ike_chosen_get(&n->chosen, IKEV2_XF_PRF)->id : 0);
	if (ike_nonce_new(st->nr, st->nr_len) != 0 ||
	    ike_dh_new(&dh, dhx->id) != IKE_DH_OK || derive(n, sa, dh, ke) != 0)
		goto refuse;
	ike_chosen_view(&n->chosen, xf, &prop);
	prop.spi = n->spi_r;		/* ours in the answer (§3.3.1) */
	sar.u.sa.prop = &prop;
	sar.u.sa.n_prop = 1;
	ike_nonce_payload(&nr, st->nr, st->nr_len);
	ike_ke_payload(&ker, dh);
	ike_out_begin(o, sa, IKEV2_EXCH_CREATE_CHILD_SA, true, m->hdr.msg_id);
	if (!ike_out_add(o, &sar) || !ike_out_add(o, &nr) ||
	    !ike_out_add(o, &ker) || ike_out_send(e, sa, o) < 0)
		goto refuse;
	if (rk != NULL)		/* before established() drops them */
		ike_nonce_min(st->ni, st->ni_len, st->nr, st->nr_len,
		    rk->peer_min, &rk->peer_min_len);
	established(e, n, sa);
	if (rk != NULL) {
		/* §2.8.2: ours runs too; the answer to it decides. */
		rk->collision = true;
		rk->peer_sa_spi = n->spi_r;
		log_info("%s[%llu]: IKE SA rekeyed by both ends at once "
		    "(§2.8.2)", ike_sa_name(sa), (unsigned long long)sa->id);
	} else {
		move_children(sa, n);	/* the peer deletes the old SA */
		sa->expire_ms = e->now_ms + IKE_REKEY_RETRY_MS * 6;
	}
	n = NULL;
	goto out;
refuse:
	answer_error(e, sa, m, IKEV2_N_TEMPORARY_FAILURE, 0);
out:
	ike_dh_free(dh);
	ike_sa_free(n);
}

/* The IKE SA the peer made in a collision, if it still lives. */
static struct ike_sa *
peer_sa(struct ike_engine *e, const struct ike_rekey *rk)
{
	struct ike_sa *p = rk->collision ?
	    ike_sa_table_find(&e->sas, rk->peer_sa_spi) : NULL;

	if (p != NULL)	/* its children, its lifetime may change */
		ike_timers_touch(e, p);
	return p != NULL && p->state == IKE_STATE_ESTABLISHED ? p : NULL;
}

/* Our rekey failed; in a collision the peer's new SA takes over. */
static void
rekey_refused(struct ike_engine *e, struct ike_sa *sa, struct ike_rekey *rk,
    const struct ike_payload *n)
{
	struct ike_sa *p = peer_sa(e, rk);
	uint16_t group = 0;

	log_info("%s[%llu]: rekeying IKE SA refused: %s", ike_sa_name(sa),
	    (unsigned long long)sa->id, n != NULL && ike_notify_name(
	    n->u.notify.type) ? ike_notify_name(n->u.notify.type) : "bad answer");
	if (p != NULL) {
		move_children(sa, p);	/* the peer deletes the old SA */
		sa->expire_ms = e->now_ms + IKE_REKEY_RETRY_MS * 6;
		return;
	}
	if (n != NULL && n->u.notify.type == IKEV2_N_INVALID_KE_PAYLOAD &&
	    n->u.notify.data.len == 2)
		group = (uint16_t)(n->u.notify.data.p[0] << 8 |
		    n->u.notify.data.p[1]);
	if (group != 0 && group != sa->dh_group) {
		sa->dh_group = group;	/* §1.3: the peer's group, once */
		if (ike_rekey_ike_start(e, sa) == 0)
			return;
	}
	sa->retry_ms = e->now_ms + IKE_REKEY_RETRY_MS +
	    randombytes_uniform(IKE_REKEY_RETRY_MS);
}

/* Initiator: the answer to our rekey (sa->rekey, taken over here). */
void
ike_rekey_ike_process_response(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	const struct ike_payload *sap = ike_msg_next(m, IKEV2_PL_SA, NULL);
	const struct ike_payload *no = ike_msg_next(m, IKEV2_PL_NONCE, NULL);
	const struct ike_payload *err = ike_error_notify(m);
	struct ike_rekey *rk = sa->rekey;
	struct ike_sa *n = rk->sa, *p;
	struct ike_sa_setup *st;
	uint8_t mine[IKEV2_NONCE_MAX];
	size_t mine_len;
	const char *why = "no SA/Nonce";

	sa->rekey = NULL;
	if (err != NULL || sap == NULL || no == NULL ||
	    !ike_proposal_check_reply(&sa->conn->proposals, sap->u.sa.prop,
	    sap->u.sa.n_prop, &n->chosen, &why) ||
	    n->chosen.spi_size != IKEV2_SPI_SIZE_IKE ||
	    ike_chosen_get(&n->chosen, IKEV2_XF_DH) == NULL ||
	    ike_chosen_get(&n->chosen, IKEV2_XF_DH)->id != rk->group) {
		if (err == NULL)
			log_err("%s[%llu]: IKE SA rekey answer refused: %s",
			    ike_sa_name(sa), (unsigned long long)sa->id, why);
		rekey_refused(e, sa, rk, err);
		goto out;
	}
	n->spi_r = n->chosen.spi;
	st = n->setup;
	st->ni_len = rk->ni_len;
	memcpy(st->ni, rk->ni, st->ni_len);
	st->nr_len = no->u.nonce.len < sizeof(st->nr) ? no->u.nonce.len :
	    sizeof(st->nr);
	memcpy(st->nr, no->u.nonce.p, st->nr_len);
	if (derive(n, sa, rk->dh, ike_msg_next(m, IKEV2_PL_KE, NULL)) != 0) {
		rekey_refused(e, sa, rk, NULL);
		goto out;
	}
	ike_nonce_min(st->ni, st->ni_len, st->nr, st->nr_len, mine, &mine_len);
	rk->sa = NULL;
	established(e, n, sa);
	p = peer_sa(e, rk);
	if (p != NULL && ike_nonce_cmp(mine, mine_len, rk->peer_min,
	    rk->peer_min_len) < 0) {
		/* §2.8.2: ours is redundant: ours goes, the peer's stays and
		 * the peer deletes the old one. */
		log_info("%s[%llu]: IKE rekey collision lost: deleting our new "
		    "IKE SA", ike_sa_name(sa), (unsigned long long)sa->id);
		move_children(sa, p);
		n->replaced = n->delete_due = true;
		sa->expire_ms = e->now_ms + IKE_REKEY_RETRY_MS * 6;
		ike_info_delete(e, n);
		goto out;
	}
	if (p != NULL) {
		log_info("%s[%llu]: IKE rekey collision won: the peer deletes "
		    "its new IKE SA", ike_sa_name(sa),
		    (unsigned long long)sa->id);
		p->replaced = true;
		/* The peer deletes p as soon as our answer to its request
		 * is in. If that answer was lost, the old SA the peer would
		 * retransmit its request on is deleted just below, and the
		 * peer never learns of p (strongSwan then drops its rekey):
		 * we delete p ourselves if it is still here after a retry
		 * interval. */
		p->expire_ms = e->now_ms + IKE_REKEY_RETRY_MS;
	}
	move_children(sa, n);
	sa->delete_due = true;
	ike_info_delete(e, sa);		/* §1.3.2: the initiator deletes */
out:
	ike_rekey_free(rk);
}

void
ike_rekey_ike_peer_deletes(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa *p;

	if (sa->rekey == NULL || (p = peer_sa(e, sa->rekey)) == NULL ||
	    sa->children == NULL)
		return;
	/* §2.8.2: the peer won and deletes the old SA before our answer:
	 * its new SA takes the CHILD_SAs. */
	move_children(sa, p);
}

bool
ike_rekey_ike_collision_sa(struct ike_engine *e, const struct ike_sa *sa)
{
	const struct ike_sa *o;

	if (sa->children != NULL)
		return false;
	for (o = ike_sa_table_next_id(&e->sas, sa->id, NULL); o != NULL;
	    o = ike_sa_table_next_id(&e->sas, sa->id, o))
		if (o != sa && o->state == IKE_STATE_ESTABLISHED &&
		    o->rekey != NULL && o->rekey->collision &&
		    o->rekey->peer_sa_spi == ike_sa_spi_ours(sa))
			return true;
	return false;
}
