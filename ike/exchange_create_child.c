/*
 * ike/exchange_create_child.c — CREATE_CHILD_SA (RFC 7296 §1.3): additional
 * CHILD_SAs (§1.3.1: a connection's children after the first, which
 * IKE_AUTH made; the responder picks the child config by the selectors)
 * and rekeying a CHILD_SA (§1.3.3, §2.8), in both roles, with PFS when the
 * ESP proposals carry a DH group; simultaneous rekeys of one CHILD_SA
 * (§2.8.1). IKE SA rekeys (an SA payload for protocol IKE) go to
 * exchange_rekey_ike.c.
 *
 *   SK { [N(REKEY_SA, ESP, old SPI)], SA, Ni, [KEi], TSi, TSr } -->
 *            <-- SK { SA, Nr, [KEr], TSi, TSr }
 *   (or <-- SK { N(TEMPORARY_FAILURE | CHILD_SA_NOT_FOUND |
 *                  NO_PROPOSAL_CHOSEN | INVALID_KE_PAYLOAD |
 *                  TS_UNACCEPTABLE | NO_ADDITIONAL_SAS) })
 *
 * Make-before-break: the new CHILD_SA is installed (outbound takes over in
 * the data plane) before the old one's Delete is sent; the old inbound SA
 * stays until that Delete is answered, or until the peer's Delete arrives
 * when the peer rekeyed (§2.8: the rekey's initiator deletes the old SA).
 */
#include <openssl/rand.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/names.h"
#include "ike/prf.h"

int
ike_nonce_new(uint8_t *n, size_t len)
{
	return RAND_bytes(n, (int)len) == 1 ? 0 : -1;
}

size_t
ike_nonce_len(uint16_t prf)
{
	size_t n = ike_prf_len(prf) / 2;

	return n < 16 ? 16 : n > IKE_NONCE_LEN ? IKE_NONCE_LEN : n;
}

void
ike_nonce_payload(struct ike_payload *p, const uint8_t *n, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->type = IKEV2_PL_NONCE;
	p->u.nonce.p = n;
	p->u.nonce.len = len;
}

void
ike_ke_payload(struct ike_payload *p, const struct ike_dh *dh)
{
	memset(p, 0, sizeof(*p));
	p->type = IKEV2_PL_KE;
	p->u.ke.group = ike_dh_group(dh);
	p->u.ke.data = ike_dh_public(dh);
}

int
ike_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

void
ike_nonce_min(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    uint8_t *out, size_t *out_len)
{
	bool first = ike_nonce_cmp(a, alen, b, blen) <= 0;

	*out_len = first ? alen : blen;
	memcpy(out, first ? a : b, *out_len);
}

/* Error types lie below 16384, the first status type (§3.10.1). */
const struct ike_payload *
ike_error_notify(const struct ike_msg *m)
{
	size_t i;

	for (i = 0; i < m->n_payloads; i++)
		if (m->pl[i].type == IKEV2_PL_NOTIFY &&
		    m->pl[i].u.notify.type < IKEV2_N_INITIAL_CONTACT)
			return &m->pl[i];
	return NULL;
}

int
ike_ke_shared(struct ike_sa *sa, const struct ike_dh *dh,
    const struct ike_payload *ke, struct ike_dh_secret *gir)
{
	enum ike_dh_status st;

	if (ke == NULL || ke->u.ke.group != ike_dh_group(dh)) {
		log_err("%s[%llu]: CREATE_CHILD_SA without the KE of group %u",
		    ike_sa_name(sa), (unsigned long long)sa->id,
		    ike_dh_group(dh));
		return -1;
	}
	if ((st = ike_dh_shared(dh, ke->u.ke.data.p, ke->u.ke.data.len,
	    gir)) != IKE_DH_OK) {
		log_err("%s[%llu]: peer's KE refused: %s", ike_sa_name(sa),
		    (unsigned long long)sa->id, ike_dh_status_str(st));
		return -1;
	}
	return 0;
}

static void
spi_bytes(uint32_t spi, uint8_t out[4])
{
	buf_store_u32(out, spi);
}

/* Initiator: CREATE_CHILD_SA { [N(REKEY_SA)], SA, Ni, [KEi], TSi, TSr } -->
 * for a rekey of `old`, or (old NULL) an additional CHILD_SA of cfg. */
static int
child_create_send(struct ike_engine *e, struct ike_sa *sa,
    struct ike_child_sa *old, const struct ike_child_cfg *cfg, uint16_t group)
{
	struct ike_out *o = &e->tx;
	struct ike_payload extra[2], n = { .type = IKEV2_PL_NOTIFY };
	const struct ike_child_sa *like = old != NULL ? old : sa->children;
	struct ike_rekey *rk;
	uint8_t spi[4];

	if ((rk = calloc(1, sizeof(*rk))) == NULL)
		return -1;
	rk->old = old;
	rk->create = old == NULL ? cfg : NULL;
	rk->group = group;
	if ((rk->child = ike_child_sa_new(sa, cfg)) == NULL ||
	    ike_nonce_new(rk->ni, rk->ni_len = ike_nonce_len(sa->keys.prf)) ||
	    (group != 0 && ike_dh_new(&rk->dh, group) != IKE_DH_OK))
		goto fail;
	/* The virtual IP from IKE_AUTH's CFG_REPLY is every child's. */
	if (like != NULL && like != rk->child) {
		rk->child->has_vip = like->has_vip;
		rk->child->vip = like->vip;
	}
	ike_nonce_payload(&extra[0], rk->ni, rk->ni_len);
	if (rk->dh != NULL)
		ike_ke_payload(&extra[1], rk->dh);
	ike_out_begin(o, sa, IKEV2_EXCH_CREATE_CHILD_SA, false, 0);
	if (old != NULL) {
		spi_bytes(old->spi_in, spi);
		n.u.notify.type = IKEV2_N_REKEY_SA;
		n.u.notify.protocol = IKEV2_PROTO_ESP;
		n.u.notify.spi = (struct ike_view){ spi, 4 };
		if (!ike_out_add(o, &n))
			goto fail;
	}
	if (ike_child_propose(sa, rk->child, old, group != 0, extra,
	    rk->dh != NULL ? 2 : 1, o) != 0 || ike_out_send(e, sa, o) < 0)
		goto fail;
	if (old != NULL) {
		log_info("%s[%llu]: rekeying CHILD_SA %s %08x_i %08x_o%s",
		    ike_sa_name(sa), (unsigned long long)sa->id, cfg->name,
		    old->spi_in, old->spi_out, group != 0 ? " with PFS" : "");
		old->state = IKE_CHILD_REKEYING;
	} else {
		log_info("%s[%llu]: creating CHILD_SA %s%s", ike_sa_name(sa),
		    (unsigned long long)sa->id, cfg->name,
		    group != 0 ? " with PFS" : "");
	}
	sa->rekey = rk;
	return 0;
fail:
	if (rk->child != NULL)
		ike_child_sa_free(sa, rk->child);
	rk->child = NULL;
	ike_rekey_free(rk);
	return -1;
}

int
ike_rekey_child_start(struct ike_engine *e, struct ike_sa *sa,
    struct ike_child_sa *old)
{
	if (sa->state != IKE_STATE_ESTABLISHED || sa->req.active ||
	    sa->rekey != NULL || old->state != IKE_CHILD_INSTALLED)
		return -1;
	/* PFS: the first DH group of the ESP proposals (0: none). */
	return child_create_send(e, sa, old, old->cfg,
	    ike_proposals_first_group(&old->cfg->esp_proposals));
}

int
ike_child_create_start(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_child_cfg *cfg)
{
	if (sa->state != IKE_STATE_ESTABLISHED || sa->req.active ||
	    sa->rekey != NULL)
		return -1;
	return child_create_send(e, sa, NULL, cfg,
	    ike_proposals_first_group(&cfg->esp_proposals));
}

/* An error notify alone in the response to request m (§1.3, §2.21.2),
 * with the SPI of the CHILD_SA it concerns when there is one. */
static void
answer_error(struct ike_engine *e, struct ike_sa *sa, const struct ike_msg *m,
    uint16_t type, uint32_t spi, const void *data, size_t len)
{
	struct ike_out *o = &e->tx;
	struct ike_payload n = { .type = IKEV2_PL_NOTIFY };
	uint8_t s[4];

	spi_bytes(spi, s);
	n.u.notify.type = type;
	n.u.notify.protocol = IKEV2_PROTO_ESP;
	n.u.notify.spi = (struct ike_view){ s, spi != 0 ? 4 : 0 };
	n.u.notify.data = (struct ike_view){ data, len };
	ike_out_begin(o, sa, IKEV2_EXCH_CREATE_CHILD_SA, true, m->hdr.msg_id);
	ike_out_add(o, &n);
	ike_out_send(e, sa, o);
	log_info("%s[%llu]: CREATE_CHILD_SA refused: %s", ike_sa_name(sa),
	    (unsigned long long)sa->id, ike_notify_name(type) ?
	    ike_notify_name(type) : "error");
}

/* The CHILD_SA a REKEY_SA notify names: the SPI is the one its sender
 * receives on (§3.10.1), our outbound SPI. */
static struct ike_child_sa *
rekeyed_child(const struct ike_sa *sa, const struct ike_payload *n,
    uint32_t *spi)
{
	*spi = 0;
	if (n->u.notify.protocol != IKEV2_PROTO_ESP || n->u.notify.spi.len != 4)
		return NULL;
	*spi = (uint32_t)n->u.notify.spi.p[0] << 24 |
	    (uint32_t)n->u.notify.spi.p[1] << 16 |
	    (uint32_t)n->u.notify.spi.p[2] << 8 | n->u.notify.spi.p[3];
	return ike_child_sa_by_out(sa, *spi);
}

/* §2.8.1: we answer a rekey of `old` while our own rekey of it runs: keep
 * the lower nonce of the peer's exchange and what it made, to decide when
 * our answer comes. */
static void
note_collision(struct ike_sa *sa, struct ike_child_sa *old,
    struct ike_child_sa *made, const struct ike_view *ni, const uint8_t *nr,
    size_t nr_len)
{
	struct ike_rekey *rk = sa->rekey;

	if (rk == NULL || rk->old != old)
		return;
	rk->collision = true;
	rk->peer_child = made;
	ike_nonce_min(ni->p, ni->len, nr, nr_len, rk->peer_min,
	    &rk->peer_min_len);
	log_info("%s[%llu]: CHILD_SA %s rekeyed by both ends at once (§2.8.1)",
	    ike_sa_name(sa), (unsigned long long)sa->id, old->cfg->name);
}

/* Responder, a rekey: the CHILD_SA the REKEY_SA notify names, NULL when
 * refused (answered). */
static struct ike_child_sa *
rekey_old(struct ike_engine *e, struct ike_sa *sa, const struct ike_msg *m,
    const struct ike_payload *rekey)
{
	struct ike_child_sa *old;
	uint32_t spi;

	if ((old = rekeyed_child(sa, rekey, &spi)) == NULL) {
		answer_error(e, sa, m, IKEV2_N_CHILD_SA_NOT_FOUND, spi, NULL, 0);
		return NULL;
	}
	/* §2.25: a CHILD_SA on its way out is not rekeyed. */
	if (old->state == IKE_CHILD_DELETING || old->state == IKE_CHILD_REKEYED ||
	    old->delete_due) {
		answer_error(e, sa, m, IKEV2_N_TEMPORARY_FAILURE, spi, NULL, 0);
		return NULL;
	}
	return old;
}

/* Responder: the new CHILD_SA made (a rekey's successor, or with
 * `rekey` NULL an additional one whose child config the selectors
 * choose, §1.3.1), its keys installed, the answer sent. */
static void
child_create_respond(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m, const struct ike_payload *rekey)
{
	const struct ike_payload *no = ike_msg_next(m, IKEV2_PL_NONCE, NULL);
	const struct ike_payload *ke = ike_msg_next(m, IKEV2_PL_KE, NULL);
	struct ike_out *o = &e->tx;
	struct ike_child_sa *old = NULL, *ch = NULL;
	const struct ike_child_cfg *cfg;
	struct ike_payload extra[2];
	struct ike_dh *dh = NULL;
	struct ike_dh_secret gir;
	const struct ike_transform *dhx;
	struct ike_kdf_input in;
	uint8_t nr[IKE_NONCE_LEN];
	size_t nr_len = ike_nonce_len(sa->keys.prf);
	uint16_t err = 0, want = 0;

	memset(&gir, 0, sizeof(gir));
	if (rekey != NULL && (old = rekey_old(e, sa, m, rekey)) == NULL)
		return;
	if (no == NULL) {
		answer_error(e, sa, m, IKEV2_N_TEMPORARY_FAILURE, 0, NULL, 0);
		return;
	}
	if (old == NULL && sa->conn->n_children == 0) {
		answer_error(e, sa, m, IKEV2_N_NO_ADDITIONAL_SAS, 0, NULL, 0);
		return;
	}
	cfg = old != NULL ? old->cfg : ike_child_cfg_select(sa, m,
	    sa->vip_leased ? &sa->vip : NULL);
	if ((ch = ike_child_sa_new(sa, cfg)) == NULL ||
	    ike_nonce_new(nr, nr_len) != 0 ||
	    (ke != NULL && ike_dh_new(&dh, ke->u.ke.group) != IKE_DH_OK)) {
		err = IKEV2_N_TEMPORARY_FAILURE;
		goto out;
	}
	ch->has_vip = old != NULL ? old->has_vip : sa->vip_leased;
	ch->vip = old != NULL ? old->vip : sa->vip;
	ike_nonce_payload(&extra[0], nr, nr_len);
	if (dh != NULL)
		ike_ke_payload(&extra[1], dh);
	ike_out_begin(o, sa, IKEV2_EXCH_CREATE_CHILD_SA, true, m->hdr.msg_id);
	if ((err = ike_child_accept(sa, ch, m, ke != NULL ? ke->u.ke.group : 0,
	    extra, dh != NULL ? 2 : 1, o)) != 0)
		goto out;
	/* §1.3: the KE must be of the chosen group. */
	dhx = ike_chosen_get(&ch->chosen, IKEV2_XF_DH);
	if (dhx != NULL && (dh == NULL || dhx->id != ike_dh_group(dh))) {
		want = dhx->id;
		err = IKEV2_N_INVALID_KE_PAYLOAD;
		goto out;
	}
	if (dh != NULL && (dhx == NULL || ike_ke_shared(sa, dh, ke, &gir) != 0)) {
		err = IKEV2_N_NO_PROPOSAL_CHOSEN;
		goto out;
	}
	in = (struct ike_kdf_input){ .gir = { gir.b, gir.len },
	    .ni = no->u.nonce, .nr = { nr, nr_len } };
	/* A successor sends on the old pair until the peer deletes it. */
	ch->out_deferred = old != NULL;
	if (ike_child_install(e, sa, ch, &in, false) != 0) {
		err = IKEV2_N_TEMPORARY_FAILURE;
		goto out;
	}
	ike_lifetime_child_start(e, ch);
	if (ike_out_send(e, sa, o) < 0) {
		err = IKEV2_N_TEMPORARY_FAILURE;
		ike_child_remove(e, ch);
		goto out;
	}
	if (old == NULL) {
		log_info("%s[%llu]: CHILD_SA %s created by peer",
		    ike_sa_name(sa), (unsigned long long)sa->id, cfg->name);
		ch = NULL;
		goto out;
	}
	log_info("%s[%llu]: CHILD_SA %s %08x_i %08x_o rekeyed by peer",
	    ike_sa_name(sa), (unsigned long long)sa->id, old->cfg->name,
	    old->spi_in, old->spi_out);
	note_collision(sa, old, ch, &no->u.nonce, nr, nr_len);
	old->state = IKE_CHILD_REKEYED;	/* the peer deletes it (§2.8) */
	ch = NULL;
out:
	if (err != 0) {
		uint8_t g[2] = { (uint8_t)(want >> 8), (uint8_t)want };

		answer_error(e, sa, m, err, 0, g, want != 0 ? 2 : 0);
	}
	if (ch != NULL)
		ike_child_sa_free(sa, ch);
	ike_dh_free(dh);
	ike_dh_secret_wipe(&gir);
	sodium_memzero(nr, sizeof(nr));
}

void
ike_create_child_respond(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	const struct ike_payload *sap = ike_msg_next(m, IKEV2_PL_SA, NULL);
	const struct ike_payload *rekey = ike_msg_notify(m, IKEV2_N_REKEY_SA);

	if (sa->state != IKE_STATE_ESTABLISHED || sa->replaced) {
		/* §2.25: being deleted or rekeyed away. */
		answer_error(e, sa, m, IKEV2_N_TEMPORARY_FAILURE, 0, NULL, 0);
	} else if (sap != NULL && sap->u.sa.n_prop > 0 &&
	    sap->u.sa.prop[0].protocol == IKEV2_PROTO_IKE) {
		ike_rekey_ike_respond(e, sa, m);
	} else {
		child_create_respond(e, sa, m, rekey);
	}
}

/* Initiator: our additional CHILD_SA rk->create was refused: with
 * another DH group (§1.3) or later (TEMPORARY_FAILURE, §2.25) it is tried
 * again; anything else leaves the IKE SA without it. */
static void
child_create_refused(struct ike_engine *e, struct ike_sa *sa,
    struct ike_rekey *rk, uint16_t type, uint16_t group)
{
	const struct ike_child_cfg *cfg = rk->create;

	log_info("%s[%llu]: creating CHILD_SA %s refused: %s", ike_sa_name(sa),
	    (unsigned long long)sa->id, cfg->name,
	    ike_notify_name(type) ? ike_notify_name(type) : "error");
	if (group != 0 && group != rk->group) {
		child_create_send(e, sa, NULL, cfg, group);
	} else if (type == IKEV2_N_TEMPORARY_FAILURE) {
		sa->children_todo |= (uint8_t)(1u << (cfg - sa->conn->children));
		sa->retry_ms = e->now_ms + IKE_REKEY_RETRY_MS +
		    (uint64_t)(randombytes_uniform(IKE_REKEY_RETRY_MS));
	}
}

/* Initiator: our rekey of rk->old (or creation of rk->create) was
 * refused. */
static void
child_rekey_refused(struct ike_engine *e, struct ike_sa *sa,
    struct ike_rekey *rk, const struct ike_payload *n)
{
	uint16_t type = n->u.notify.type, group = 0;
	struct ike_child_sa *old = rk->old;

	if (type == IKEV2_N_INVALID_KE_PAYLOAD && n->u.notify.data.len == 2)
		group = (uint16_t)(n->u.notify.data.p[0] << 8 |
		    n->u.notify.data.p[1]);
	if (rk->create != NULL) {
		child_create_refused(e, sa, rk, type, group);
		return;
	}
	log_info("%s[%llu]: rekeying a CHILD_SA refused: %s", ike_sa_name(sa),
	    (unsigned long long)sa->id,
	    ike_notify_name(type) ? ike_notify_name(type) : "error");
	if (old == NULL)
		return;		/* deleted by the peer meanwhile */
	if (old->state == IKE_CHILD_REKEYING)
		old->state = IKE_CHILD_INSTALLED;
	if (type == IKEV2_N_CHILD_SA_NOT_FOUND) {
		/* §2.25: the peer has it no more. */
		ike_child_remove(e, old);
		ike_child_sa_free(sa, old);
	} else if (group != 0 && group != rk->group &&
	    old->state == IKE_CHILD_INSTALLED) {
		child_create_send(e, sa, old, old->cfg, group);	/* §1.3 */
	} else {
		sa->retry_ms = e->now_ms + IKE_REKEY_RETRY_MS +
		    (uint64_t)(randombytes_uniform(IKE_REKEY_RETRY_MS));
	}
}

/* Initiator: <-- SK { SA, Nr, [KEr], TSi, TSr } */
static void
child_rekey_done(struct ike_engine *e, struct ike_sa *sa, struct ike_rekey *rk,
    const struct ike_msg *m)
{
	const struct ike_payload *no = ike_msg_next(m, IKEV2_PL_NONCE, NULL);
	struct ike_child_sa *old = rk->old, *ch = rk->child, *loser;
	struct ike_dh_secret gir;
	struct ike_kdf_input in;
	uint8_t mine[IKEV2_NONCE_MAX];
	size_t mine_len;

	memset(&gir, 0, sizeof(gir));
	if (ch == NULL)
		return;
	if (no == NULL || ike_child_check_answer(sa, ch, m, rk->dh != NULL) != 0 ||
	    (rk->dh != NULL && ike_ke_shared(sa, rk->dh,
	    ike_msg_next(m, IKEV2_PL_KE, NULL), &gir) != 0)) {
		if (old != NULL && old->state == IKE_CHILD_REKEYING)
			old->state = IKE_CHILD_INSTALLED;
		ike_child_sa_free(sa, ch);
		sa->retry_ms = e->now_ms + IKE_REKEY_RETRY_MS;
		goto out;
	}
	/* §2.8.1: in a collision, the SA made with the lowest of the four
	 * nonces is deleted by the end that made it. Decided before it is
	 * installed: a redundant pair of ours never takes outbound traffic
	 * (make-before-break: the peer drops it once our Delete is
	 * answered); we send on the old pair until the peer deletes that,
	 * then on the peer's new one (ike_children_route). */
	loser = old;
	if (rk->collision) {
		ike_nonce_min(rk->ni, rk->ni_len, no->u.nonce.p,
		    no->u.nonce.len, mine, &mine_len);
		if (ike_nonce_cmp(mine, mine_len, rk->peer_min,
		    rk->peer_min_len) < 0) {
			loser = ch;	/* ours is redundant; the peer deletes old */
			ch->out_deferred = ch->delete_due = true;
		}
	}
	in = (struct ike_kdf_input){ .gir = { gir.b, gir.len },
	    .ni = { rk->ni, rk->ni_len }, .nr = no->u.nonce };
	if (ike_child_install(e, sa, ch, &in, true) != 0) {
		ike_child_sa_free(sa, ch);	/* the peer's copy: by expiry */
		if (old != NULL && old->state == IKE_CHILD_REKEYING)
			old->state = IKE_CHILD_INSTALLED;
		goto out;
	}
	ike_lifetime_child_start(e, ch);
	if (rk->create != NULL) {
		log_info("%s[%llu]: CHILD_SA %s created", ike_sa_name(sa),
		    (unsigned long long)sa->id, ch->cfg->name);
		goto out;
	}
	log_info("%s[%llu]: CHILD_SA %s rekeyed: %08x_i %08x_o -> %08x_i "
	    "%08x_o", ike_sa_name(sa), (unsigned long long)sa->id,
	    ch->cfg->name, old ? old->spi_in : 0, old ? old->spi_out : 0,
	    ch->spi_in, ch->spi_out);
	if (loser == ch)
		log_info("%s[%llu]: rekey collision lost: deleting our new "
		    "CHILD_SA %08x_i, never sent on", ike_sa_name(sa),
		    (unsigned long long)sa->id, ch->spi_in);
	else if (rk->collision)
		log_info("%s[%llu]: rekey collision won: the peer deletes its "
		    "new CHILD_SA", ike_sa_name(sa),
		    (unsigned long long)sa->id);
	if (old != NULL)
		old->state = IKE_CHILD_REKEYED;
	if (loser != NULL) {
		loser->delete_due = true;
		ike_info_delete_child(e, sa, loser);
	}
out:
	ike_dh_secret_wipe(&gir);
}

void
ike_create_child_process_response(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	struct ike_rekey *rk = sa->rekey;
	const struct ike_payload *n = ike_error_notify(m);

	ike_sa_request_done(sa);
	if (rk == NULL)
		return;
	if (rk->sa != NULL) {
		ike_rekey_ike_process_response(e, sa, m);
		return;
	}
	if (n != NULL) {
		ike_child_sa_free(sa, rk->child);
		sa->rekey = NULL;
		child_rekey_refused(e, sa, rk, n);
	} else {
		sa->rekey = NULL;
		child_rekey_done(e, sa, rk, m);
	}
	rk->child = NULL;
	ike_rekey_free(rk);
}
