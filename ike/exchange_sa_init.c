/*
 * ike/exchange_sa_init.c — IKE_SA_INIT (RFC 7296 §1.2):
 *
 *   HDR, SAi1, KEi, Ni, N(NAT_D_SRC), N(NAT_D_DST), N(SIG_HASH_ALGS) -->
 *                <-- HDR, SAr1, KEr, Nr, N(NAT_D...), CERTREQ, N(SIG_HASH_ALGS)
 *
 * Refusals stand alone and keep no state (§2.21.1): NO_PROPOSAL_CHOSEN, or
 * INVALID_KE_PAYLOAD naming the group we want (§1.2), with which the
 * initiator starts over. Then both ends derive SKEYSEED and SK_* (§2.14).
 */
#include <arpa/inet.h>
#include <openssl/rand.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/names.h"

/* RFC 7427 §4: the hashes we verify and sign with. */
static const uint8_t sig_hashes[] = { 0, IKEV2_HASH_SHA2_256,
	0, IKEV2_HASH_SHA2_384, 0, IKEV2_HASH_SHA2_512, 0, IKEV2_HASH_IDENTITY };

static void
prefix_to_sockaddr(const struct ike_prefix *p, uint16_t port,
    union ike_sockaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (p->family == AF_INET6) {
		out->v6.sin6_family = AF_INET6;
		memcpy(&out->v6.sin6_addr, p->addr, 16);
		out->v6.sin6_port = htons(port);
	} else {
		out->v4.sin_family = AF_INET;
		memcpy(&out->v4.sin_addr, p->addr, 4);
		out->v4.sin_port = htons(port);
	}
}

static bool
group_offered(const struct ike_proposal_set *set, uint16_t group)
{
	size_t i, j;

	for (i = 0; i < set->n; i++)
		for (j = 0; j < set->p[i].n_xf; j++)
			if (set->p[i].xf[j].type == IKEV2_XF_DH &&
			    set->p[i].xf[j].id == group)
				return true;
	return false;
}

/* The peer's hashes of SIGNATURE_HASH_ALGORITHMS as CERTS_HASH_BIT()s. */
static unsigned
peer_hashes(const struct ike_msg *m)
{
	const struct ike_payload *p;
	unsigned bits = 0;
	size_t i;

	p = ike_msg_notify(m, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	if (p == NULL)
		return 0;
	for (i = 0; i + 1 < p->u.notify.data.len; i += 2) {
		unsigned h = (unsigned)(p->u.notify.data.p[i] << 8 |
		    p->u.notify.data.p[i + 1]);
		if (h < 32)
			bits |= 1u << h;
	}
	return bits;
}

/* g^ir, then SKEYSEED and SK_* (§2.14); the DH key pair is dropped. */
static int
derive_keys(struct ike_sa *sa, const struct ike_pl_ke *peer, const char **why)
{
	struct ike_sa_setup *st = sa->setup;
	const struct ike_transform *prf = ike_chosen_get(&sa->chosen,
	    IKEV2_XF_PRF);
	struct ike_dh_secret gir;
	struct ike_kdf_input in;
	size_t encr_len, integ_len;
	enum ike_dh_status dst;
	int ret = -1;

	memset(&gir, 0, sizeof(gir));
	if ((dst = ike_dh_shared(st->dh, peer->data.p, peer->data.len,
	    &gir)) != IKE_DH_OK) {
		*why = ike_dh_status_str(dst);
		goto out;
	}
	ike_chosen_key_lens(&sa->chosen, &encr_len, &integ_len);
	in = (struct ike_kdf_input){ .gir = { gir.b, gir.len },
	    .ni = { st->ni, st->ni_len }, .nr = { st->nr, st->nr_len },
	    .spi_i = sa->spi_i, .spi_r = sa->spi_r };
	*why = "key derivation failed";
	if (prf == NULL || ike_sk_suite_init(&sa->suite, &sa->chosen) != 0 ||
	    ike_sa_keys_derive(&sa->keys, &st->auth, prf->id, integ_len,
	    encr_len, &in) != 0)
		goto out;
	sa->have_keys = true;
	ret = 0;
out:
	ike_dh_secret_wipe(&gir);
	ike_dh_free(st->dh);
	st->dh = NULL;
	return ret;
}

/* RFC 7383 §2.3: both roles announce fragmentation in IKE_SA_INIT, the
 * responder only to an initiator that did. */
static bool
add_frag(struct ike_out *o, bool announce)
{
	return !announce ||
	    ike_out_notify(o, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
}

static bool
add_common(struct ike_out *o, struct ike_sa *sa, uint64_t spi_r,
    const uint8_t *nonce, size_t nonce_len)
{
	struct ike_payload ke = { .type = IKEV2_PL_KE };
	struct ike_payload no = { .type = IKEV2_PL_NONCE };
	/* encap (swanctl.conf): a SOURCE hash that matches no address makes
	 * the peer see a NAT, so both sides carry ESP in UDP (§2.23), as
	 * strongSwan fakes it; uipsec's data plane has no other ESP. */
	struct sockaddr_storage fake = { .ss_family = sa->local.family };
	struct sockaddr_storage local, remote;
	const struct sockaddr_storage *src = sa->conn != NULL &&
	    sa->conn->encap ? &fake : ike_sockaddr_get(&sa->local, &local);

	ke.u.ke.group = sa->dh_group;
	ke.u.ke.data = ike_dh_public(sa->setup->dh);
	no.u.nonce.p = nonce;
	no.u.nonce.len = nonce_len;
	return ike_out_add(o, &ke) && ike_out_add(o, &no) &&
	    ike_natd_add(o, sa->spi_i, spi_r, src,
	    ike_sockaddr_get(&sa->remote, &remote)) &&
	    ike_out_notify(o, IKEV2_N_SIGNATURE_HASH_ALGORITHMS, sig_hashes,
	    sizeof(sig_hashes));
}

/* IKE_SA_INIT { SAi1, KEi, Ni, N(NAT_D)x2, N(SIG_HASH) } --> */
static int
send_request(struct ike_engine *e, struct ike_sa *sa, uint16_t group)
{
	struct ike_sa_setup *st = sa->setup;
	struct ike_out *o = &e->tx;
	struct ike_proposal view[IKE_PROPOSALS_MAX];
	struct ike_payload sap = { .type = IKEV2_PL_SA };
	long len;

	/* §2.6: the retry with a cookie carries every other payload
	 * unchanged, KEi too (a responder that answered the first of two
	 * retries must not see keys from the second); only another group
	 * (§1.2) needs a new key. */
	if (st->dh == NULL || ike_dh_group(st->dh) != group) {
		ike_dh_free(st->dh);
		st->dh = NULL;
		if (ike_dh_new(&st->dh, group) != IKE_DH_OK)
			return -1;
	}
	sa->dh_group = group;
	sa->next_req_id = 0;
	sap.u.sa.prop = view;
	sap.u.sa.n_prop = ike_proposals_view(&sa->conn->proposals, 0, 0, view);
	ike_out_begin(o, sa, IKEV2_EXCH_IKE_SA_INIT, false, 0);
	/* §2.6: a cookie the responder asked for goes first. */
	if ((st->cookie_len > 0 && !ike_out_notify(o, IKEV2_N_COOKIE,
	    st->cookie, st->cookie_len)) || !ike_out_add(o, &sap) ||
	    !add_common(o, sa, 0, st->ni, st->ni_len) ||
	    !add_frag(o, e->frag_size != 0) ||
	    (len = ike_out_send(e, sa, o)) < 0)
		return -1;
	return ike_msg_buf_set(&st->init_i, o->buf, (size_t)len, 0, NULL, 0);
}

int
ike_sa_init_initiate(struct ike_engine *e, const struct ike_conn_cfg *c,
    uint16_t group)
{
	struct ike_sa *sa;

	if (c->n_remote_addrs == 0) {
		log_err("%s: no remote_addrs to initiate to", c->name);
		return -1;
	}
	if ((sa = ike_sa_new(true, ++e->next_id, e->now_ms)) == NULL)
		return -1;
	sa->conn = c;
	prefix_to_sockaddr(&c->remote_addrs[0],
	    c->remote_port ? c->remote_port : IKEV2_PORT, &sa->remote);
	if (c->n_local_addrs > 0)
		prefix_to_sockaddr(&c->local_addrs[0],
		    c->local_port ? c->local_port : IKEV2_PORT, &sa->local);
	else
		sa->local.family = sa->remote.family;
	sa->setup->ni_len = IKE_NONCE_LEN;
	ike_sa_table_add(&e->sas, sa);
	ike_timers_touch(e, sa);
	if (RAND_bytes(sa->setup->ni, IKE_NONCE_LEN) != 1 ||
	    send_request(e, sa, group ? group : ike_proposals_first_group(&c->proposals)) != 0) {
		ike_sa_fail(e, sa, "cannot build IKE_SA_INIT request");
		return -1;
	}
	ike_sa_set_state(sa, IKE_STATE_SA_INIT_SENT);
	return 0;
}

/* <-- IKE_SA_INIT { SAr1, KEr, Nr, N(NAT_D)x2, CERTREQ, N(SIG_HASH) } */
static int
send_response(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa_setup *st = sa->setup;
	struct ike_out *o = &e->tx;
	struct ike_transform xf[IKEV2_XF_TYPE_MAX];
	struct ike_proposal prop;
	struct ike_payload sap = { .type = IKEV2_PL_SA };
	struct ike_payload cr = { .type = IKEV2_PL_CERTREQ };
	long len;

	ike_chosen_view(&sa->chosen, xf, &prop);
	sap.u.sa.prop = &prop;
	sap.u.sa.n_prop = 1;
	cr.u.cert.type = IKEV2_CERT_X509_SIGNATURE;
	cr.u.cert.data.p = e->certreq;
	cr.u.cert.data.len = e->certreq_len;
	ike_out_begin(o, sa, IKEV2_EXCH_IKE_SA_INIT, true, 0);
	if (!ike_out_add(o, &sap) ||
	    !add_common(o, sa, sa->spi_r, st->nr, st->nr_len) ||
	    !add_frag(o, e->frag_size != 0 && sa->peer_frag) ||
	    (e->certreq_len > 0 && !ike_out_add(o, &cr)))
		return -1;
	/* The keys need the public value, which add_common read: derive
	 * after building, before sending nothing else. */
	if ((len = ike_out_send(e, sa, o)) < 0)
		return -1;
	return ike_msg_buf_set(&st->init_r, o->buf, (size_t)len, 0, NULL, 0);
}

void
ike_sa_init_respond(struct ike_engine *e, const struct ike_msg *m,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote)
{
	const struct ike_payload *sap = ike_msg_next(m, IKEV2_PL_SA, NULL);
	const struct ike_payload *ke = ike_msg_next(m, IKEV2_PL_KE, NULL);
	const struct ike_payload *no = ike_msg_next(m, IKEV2_PL_NONCE, NULL);
	const struct ike_conn_cfg *c;
	const struct ike_transform *dh;
	struct ike_chosen chosen;
	struct ike_sa_setup *st;
	struct ike_sa *sa;
	const char *why;
	uint8_t want[2];

	c = ike_conn_for_init(e, &sap->u.sa, ke->u.ke.group, local, remote,
	    &chosen);
	if (c == NULL) {
		ike_send_init_error(e, m, local, remote,
		    IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	dh = ike_chosen_get(&chosen, IKEV2_XF_DH);
	if (dh == NULL || dh->id != ke->u.ke.group) {
		/* §1.2: tell the initiator which group to use. */
		want[0] = (uint8_t)(dh ? dh->id >> 8 : 0);
		want[1] = (uint8_t)(dh ? dh->id : 0);
		log_info("%s: KE group %u not acceptable, asking for %u",
		    c->name, ke->u.ke.group, dh ? dh->id : 0);
		ike_send_init_error(e, m, local, remote,
		    IKEV2_N_INVALID_KE_PAYLOAD, want, sizeof(want));
		return;
	}
	if ((sa = ike_sa_new(false, ++e->next_id, e->now_ms)) == NULL)
		return;
	sa->conn = c;
	sa->spi_i = m->hdr.spi_i;
	ike_sockaddr_set(&sa->local, local);
	ike_sockaddr_set(&sa->remote, remote);
	sa->chosen = chosen;
	sa->dh_group = dh->id;
	st = sa->setup;
	st->peer_hashes = peer_hashes(m);
	sa->peer_frag = ike_msg_notify(m,
	    IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	st->ni_len = no->u.nonce.len;
	memcpy(st->ni, no->u.nonce.p, st->ni_len);
	st->nr_len = IKE_NONCE_LEN;
	ike_natd_check(sa, m, local, remote);
	ike_sa_table_add(&e->sas, sa);
	ike_timers_touch(e, sa);
	if (RAND_bytes(st->nr, IKE_NONCE_LEN) != 1 ||
	    ike_dh_new(&st->dh, sa->dh_group) != IKE_DH_OK ||
	    ike_msg_buf_set(&st->init_i, m->raw.p, m->raw.len, 0, NULL,
	    0) != 0 ||
	    send_response(e, sa) != 0) {
		ike_sa_fail(e, sa, "cannot answer IKE_SA_INIT");
		return;
	}
	if (derive_keys(sa, &ke->u.ke, &why) != 0) {
		ike_sa_fail(e, sa, "IKE_SA_INIT: %s", why);
		return;
	}
	ike_report_ike_keys(e, sa);
	ike_sa_set_state(sa, IKE_STATE_SA_INIT_DONE);
	ike_half_open_sync(e, sa);	/* cookie.c counts it */
}

/* <-- N(INVALID_KE_PAYLOAD, group): start over with that group (§1.2). */
static void
retry_group(struct ike_engine *e, struct ike_sa *sa, const struct ike_payload *n)
{
	uint16_t group;

	if (n->u.notify.data.len != 2) {
		ike_sa_fail(e, sa, "INVALID_KE_PAYLOAD without a group");
		return;
	}
	group = (uint16_t)(n->u.notify.data.p[0] << 8 | n->u.notify.data.p[1]);
	if (group == sa->dh_group || !group_offered(&sa->conn->proposals, group)) {
		ike_sa_fail(e, sa, "peer wants DH group %u, which we did not offer",
		    group);
		return;
	}
	log_info("%s[%llu]: peer wants DH group %u, retrying", sa->conn->name,
	    (unsigned long long)sa->id, group);
	ike_sa_request_done(sa);
	if (send_request(e, sa, group) != 0)
		ike_sa_fail(e, sa, "cannot build IKE_SA_INIT request");
}

/* <-- N(COOKIE): the same request again with the cookie first (§2.6). A
 * responder that keeps asking is given up on after a few rounds. */
#define COOKIE_ROUNDS_MAX	3
static void
retry_cookie(struct ike_engine *e, struct ike_sa *sa, const struct ike_payload *n)
{
	struct ike_sa_setup *st = sa->setup;
	size_t len = n->u.notify.data.len;

	if (len == 0 || len > sizeof(st->cookie) ||
	    ++st->cookie_rounds > COOKIE_ROUNDS_MAX) {
		ike_sa_fail(e, sa, "COOKIE of %zu bytes, round %u: giving up",
		    len, st->cookie_rounds);
		return;
	}
	memcpy(st->cookie, n->u.notify.data.p, len);
	st->cookie_len = len;
	log_info("%s[%llu]: peer asks for a cookie (%zu bytes), retrying",
	    sa->conn->name, (unsigned long long)sa->id, len);
	ike_sa_request_done(sa);
	if (send_request(e, sa, sa->dh_group) != 0)
		ike_sa_fail(e, sa, "cannot build IKE_SA_INIT request");
}

static const struct ike_payload *
error_notify(const struct ike_msg *m)
{
	const struct ike_payload *p = NULL;

	while ((p = ike_msg_next(m, IKEV2_PL_NOTIFY, p)) != NULL)
		if (p->u.notify.type <= IKEV2_N_ERROR_MAX)
			return p;
	return NULL;
}

void
ike_sa_init_process_response(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	const struct ike_payload *n = error_notify(m), *sap, *ke, *no;
	struct ike_sa_setup *st = sa->setup;
	struct sockaddr_storage local, remote;
	const char *why = NULL;
	const char *name;

	if (n == NULL && (n = ike_msg_notify(m, IKEV2_N_COOKIE)) != NULL) {
		retry_cookie(e, sa, n);
		return;
	}
	if (n != NULL && n->u.notify.type == IKEV2_N_INVALID_KE_PAYLOAD) {
		retry_group(e, sa, n);
		return;
	}
	if (n != NULL) {
		name = ike_notify_name(n->u.notify.type);
		ike_sa_fail(e, sa, "IKE_SA_INIT refused by peer: %s",
		    name ? name : "error notify");
		return;
	}
	sap = ike_msg_next(m, IKEV2_PL_SA, NULL);
	ke = ike_msg_next(m, IKEV2_PL_KE, NULL);
	no = ike_msg_next(m, IKEV2_PL_NONCE, NULL);
	if (!ike_proposal_check_reply(&sa->conn->proposals, sap->u.sa.prop,
	    sap->u.sa.n_prop, &sa->chosen, &why) ||
	    ike_chosen_get(&sa->chosen, IKEV2_XF_DH) == NULL ||
	    ike_chosen_get(&sa->chosen, IKEV2_XF_DH)->id != sa->dh_group ||
	    ke->u.ke.group != sa->dh_group) {
		ike_sa_fail(e, sa, "IKE_SA_INIT response unacceptable: %s",
		    why ? why : "DH group differs from ours");
		return;
	}
	ike_sa_request_done(sa);
	sa->spi_r = m->hdr.spi_r;
	st->nr_len = no->u.nonce.len;
	memcpy(st->nr, no->u.nonce.p, st->nr_len);
	st->peer_hashes = peer_hashes(m);
	sa->peer_frag = e->frag_size != 0 && ike_msg_notify(m,
	    IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	ike_natd_check(sa, m, ike_sockaddr_get(&sa->local, &local),
	    ike_sockaddr_get(&sa->remote, &remote));
	if (ike_msg_buf_set(&st->init_r, m->raw.p, m->raw.len, 0, NULL,
	    0) != 0 ||
	    derive_keys(sa, &ke->u.ke, &why) != 0) {
		ike_sa_fail(e, sa, "IKE_SA_INIT: %s", why ? why : "no memory");
		return;
	}
	ike_report_ike_keys(e, sa);
	if (sa->nat_local || sa->nat_remote || sa->conn->encap) {
		/* §2.23: float to port 4500 for IKE_AUTH. */
		sa->natt = true;
		ike_addr_port(&sa->local, IKEV2_PORT_NATT);
		ike_addr_port(&sa->remote, IKEV2_PORT_NATT);
	}
	if (ike_auth_initiate(e, sa) != 0)
		ike_sa_fail(e, sa, "cannot build IKE_AUTH request");
}
