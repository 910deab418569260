/*
 * ike/exchange_auth.c — IKE_AUTH with certificates (RFC 7296 §1.2, §2.15)
 * and the first CHILD_SA (exchange_child.c):
 *
 *   SK { IDi, CERT+, CERTREQ, AUTH, [CP(CFG_REQUEST)], SAi2, TSi, TSr } -->
 *        <-- SK { IDr, CERT+, AUTH, [CP(CFG_REPLY)], SAr2, TSi, TSr }
 *
 * The AUTH payload signs (§2.15)
 *   InitiatorSignedOctets = RealMessage1 | NonceRData | prf(SK_pi, IDi')
 *   ResponderSignedOctets = RealMessage2 | NonceIData | prf(SK_pr, IDr')
 * where ID' is the ID payload without its generic header. A refused peer
 * gets AUTHENTICATION_FAILED (§2.21.2): in the IKE_AUTH response from the
 * responder, in a separate INFORMATIONAL from the initiator.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"

static const struct ike_cred *
sa_cred(const struct ike_engine *e, const struct ike_sa *sa)
{
	return &e->creds[sa->conn - e->cfg->conns];
}

/* Our identity as logged: formatted at the first use of the credential
 * rather than at every set-up (a DN takes some 5 % of a responder's
 * set-up to format). */
static const char *
cred_id_text(struct ike_engine *e, const struct ike_sa *sa, char *buf,
    size_t cap)
{
	struct ike_cred *cr = &e->creds[sa->conn - e->cfg->conns];

	if (cr->id_text == NULL) {
		certs_id_format(&cr->id, buf, cap);
		cr->id_text = strdup(buf);
	}
	return cr->id_text != NULL ? cr->id_text : buf;
}

/* The signed octets of §2.15; *out is malloc'ed, caller frees. */
static int
auth_octets(const struct ike_sa *sa, bool of_initiator,
    struct ike_view id_body, uint8_t **out, size_t *out_len)
{
	const struct ike_sa_setup *st = sa->setup;
	const struct ike_msg_buf *msg = of_initiator ? &st->init_i : &st->init_r;
	const uint8_t *nonce = of_initiator ? st->nr : st->ni;
	size_t nonce_len = of_initiator ? st->nr_len : st->ni_len;
	const uint8_t *key = of_initiator ? st->auth.sk_pi : st->auth.sk_pr;
	size_t mac_len = sa->keys.prf_len;
	uint8_t *p;

	*out_len = msg->len + nonce_len + mac_len;
	if ((p = malloc(*out_len)) == NULL)
		return -1;
	memcpy(p, msg->p, msg->len);
	memcpy(p + msg->len, nonce, nonce_len);
	if (ike_prf(sa->keys.prf, key, sa->keys.prf_len, &id_body, 1,
	    p + msg->len + nonce_len) != 0) {
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

/* ID payload body (§3.5): ID Type, 3 reserved octets, data. */
static size_t
id_body(const struct certs_id *id, uint8_t *out)
{
	out[0] = (uint8_t)id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
}

static enum certs_status refuse(struct certs_err *err, enum certs_status st,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum certs_status
refuse(struct certs_err *err, enum certs_status st, const char *fmt, ...)
{
	va_list ap;

	err->status = st;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return st;
}

/* IDx, CERT+ (and the initiator's CERTREQ) of ours. */
static bool
add_id_cert(struct ike_engine *e, const struct ike_sa *sa, struct ike_out *o)
{
	const struct ike_cred *cr = sa_cred(e, sa);
	struct ike_payload id = { .type = sa->initiator ? IKEV2_PL_IDI :
	    IKEV2_PL_IDR }, cert = { .type = IKEV2_PL_CERT };
	size_t i;

	id.u.id.type = (uint8_t)cr->id.type;
	id.u.id.data.p = cr->id.data;
	id.u.id.data.len = cr->id.len;
	if (!ike_out_add(o, &id))
		return false;
	cert.u.cert.type = IKEV2_CERT_X509_SIGNATURE;
	for (i = 0; i < certs_chain_len(cr->chain); i++) {
		cert.u.cert.data.p = certs_cert_der(certs_chain_get(cr->chain,
		    i), &cert.u.cert.data.len);
		if (!ike_out_add(o, &cert))
			return false;
	}
	if (sa->initiator && e->certreq_len > 0) {
		struct ike_payload req = { .type = IKEV2_PL_CERTREQ };

		req.u.cert.type = IKEV2_CERT_X509_SIGNATURE;
		req.u.cert.data.p = e->certreq;
		req.u.cert.data.len = e->certreq_len;
		if (!ike_out_add(o, &req))
			return false;
	}
	return true;
}

static bool
add_auth(struct ike_out *o, uint8_t method, const uint8_t *data, size_t len)
{
	struct ike_payload auth = { .type = IKEV2_PL_AUTH };

	auth.u.auth.type = method;
	auth.u.auth.data.p = data;
	auth.u.auth.data.len = len;
	return ike_out_add(o, &auth);
}

/* What we sign (§2.15) and how: *octets malloc'ed, caller frees. */
static enum certs_status
our_octets(struct ike_engine *e, const struct ike_sa *sa,
    struct certs_auth_params *params, uint8_t **octets, size_t *octets_len,
    struct certs_err *err)
{
	const struct ike_cred *cr = sa_cred(e, sa);
	uint8_t body[4 + CERTS_ID_MAX];
	size_t n = id_body(&cr->id, body);
	enum certs_status st;

	if ((st = certs_auth_choose(cr->key, sa->setup->peer_hashes, false,
	    params, err)) != CERTS_OK)
		return st;
	if (auth_octets(sa, sa->initiator, (struct ike_view){ body, n },
	    octets, octets_len) != 0)
		return refuse(err, CERTS_ERR_INTERNAL, "no memory");
	return CERTS_OK;
}

/* Our AUTH, signed here and now, into data[CERTS_AUTH_DATA_MAX]. */
static enum certs_status
sign_now(struct ike_engine *e, const struct ike_sa *sa, uint8_t *method,
    uint8_t *data, size_t *len, struct certs_err *err)
{
	struct certs_auth_params params;
	uint8_t *octets = NULL;
	size_t octets_len;
	enum certs_status st;

	if ((st = our_octets(e, sa, &params, &octets, &octets_len, err)) ==
	    CERTS_OK)
		st = certs_auth_sign(sa_cred(e, sa)->key, &params, octets,
		    octets_len, data, CERTS_AUTH_DATA_MAX, len, err);
	*method = (uint8_t)params.method;
	free(octets);
	return st;
}

static enum certs_status
check_anchor(const struct ike_cred *cr, struct ike_anchor *anchor,
    struct certs_err *err)
{
	return ike_anchor_ok(cr, anchor) ? CERTS_OK : refuse(err,
	    CERTS_ERR_UNTRUSTED, "chain ends at %s, not at a CA of "
	    "remote.cacerts", ike_anchor_text(anchor));
}

/* Responder: the connection for this peer's identity and CA (RFC 7296
 * §2.15 leaves the choice to policy; strongSwan's rules, conn_select.c).
 * None: the one of IKE_SA_INIT stays and its checks below say why. */
static void
select_conn(struct ike_engine *e, struct ike_sa *sa, const struct certs_id *peer,
    struct ike_anchor *anchor)
{
	const struct ike_conn_cfg *k = ike_conn_for_auth(e, sa, peer, anchor);

	if (k == NULL || k == sa->conn)
		return;
	log_info("%s[%llu]: peer %s matches connection %s", sa->conn->name,
	    (unsigned long long)sa->id, ike_sa_peer_text(sa), k->name);
	sa->conn = k;
}

/* The peer's certificate chain (the store remembers chains it validated:
 * certs_verify_der), identity (against its certificate and our remote.id)
 * and AUTH signature. *ee: the peer's certificate, caller frees. */
#define PEER_CERTS_MAX	16
static enum certs_status
verify_peer(struct ike_engine *e, struct ike_sa *sa, const struct ike_msg *m,
    struct certs_cert **ee, struct certs_err *err)
{
	bool of_i = !sa->initiator;
	const struct ike_payload *id = ike_msg_next(m, of_i ? IKEV2_PL_IDI :
	    IKEV2_PL_IDR, NULL), *auth = ike_msg_next(m, IKEV2_PL_AUTH, NULL);
	const struct ike_payload *c = NULL;
	const struct ike_cred *cr;
	struct certs_der certs[PEER_CERTS_MAX];
	struct certs_verify_info info;
	struct ike_anchor anchor = { .info = &info };
	struct certs_id peer;
	char want[128];
	uint8_t *octets = NULL;
	size_t n = 0, octets_len;
	enum certs_status st;

	if (id == NULL || auth == NULL)
		return refuse(err, CERTS_ERR_PARSE, "no %s payload",
		    id == NULL ? "ID" : "AUTH");
	if ((st = certs_id_from_wire(id->u.id.type, id->u.id.data.p,
	    id->u.id.data.len, &peer, err)) != CERTS_OK)
		return st;
	if (ike_sa_set_peer(sa, &peer) != 0)
		return refuse(err, CERTS_ERR_INTERNAL, "no memory");
	while ((c = ike_msg_next(m, IKEV2_PL_CERT, c)) != NULL) {
		if (c->u.cert.type != IKEV2_CERT_X509_SIGNATURE)
			continue;
		if (n == PEER_CERTS_MAX)
			return refuse(err, CERTS_ERR_UNTRUSTED,
			    "peer %s sent more than %d certificates",
			    ike_sa_peer_text(sa), PEER_CERTS_MAX);
		certs[n].p = c->u.cert.data.p;
		certs[n++].len = c->u.cert.data.len;
	}
	if (n == 0)
		return refuse(err, CERTS_ERR_UNTRUSTED,
		    "peer %s sent no certificate", ike_sa_peer_text(sa));
	if ((st = certs_verify_der(e->store, certs, n, NULL, &info, ee,
	    err)) != CERTS_OK ||
	    (st = certs_cert_has_id(*ee, &peer, err)) != CERTS_OK)
		return st;
	if (!sa->initiator)
		select_conn(e, sa, &peer, &anchor);
	cr = sa_cred(e, sa);
	if ((st = check_anchor(cr, &anchor, err)) != CERTS_OK)
		return st;
	if (sa->conn->remote.id_set &&
	    certs_id_match(&sa->conn->remote.id, &peer) ==
	    CERTS_ID_MATCH_NONE) {
		certs_id_format(&sa->conn->remote.id, want, sizeof(want));
		return refuse(err, CERTS_ERR_IDENTITY,
		    "peer identity %.200s does not match remote.id %s",
		    ike_sa_peer_text(sa), want);
	}
	if (auth_octets(sa, of_i, id->body, &octets, &octets_len) != 0)
		return refuse(err, CERTS_ERR_INTERNAL, "no memory");
	st = certs_auth_verify(*ee, auth->u.auth.type, auth->u.auth.data.p,
	    auth->u.auth.data.len, octets, octets_len, 0, err);
	free(octets);
	return st;
}

static enum certs_status
verify_peer_chain(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m, struct certs_err *err)
{
	struct certs_cert *ee = NULL;
	enum certs_status st = verify_peer(e, sa, m, &ee, err);

	certs_cert_free(ee);
	return st;
}

/* §3.10.1: INITIAL_CONTACT says "this is the only IKE SA between us":
 * the peer may drop whatever it still holds from an earlier one (a CCU
 * that rebooted or lost its peer to DPD). Not while another of ours is up
 * (a reauthentication's make-before-break): sa itself, sending IKE_AUTH,
 * is not ESTABLISHED yet, so any counted one is another. */
static bool
initial_contact(struct ike_engine *e, const struct ike_sa *sa)
{
	return ike_established_count(e, sa->conn) == 0;
}

int
ike_auth_initiate(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_out *o = &e->tx;
	struct certs_err err = { 0 };
	uint8_t method, auth[CERTS_AUTH_DATA_MAX];
	size_t auth_len;

	ike_out_begin(o, sa, IKEV2_EXCH_IKE_AUTH, false, 0);
	if (sign_now(e, sa, &method, auth, &auth_len, &err) != CERTS_OK) {
		log_err("%s[%llu]: cannot sign AUTH: %s", ike_sa_name(sa),
		    (unsigned long long)sa->id, err.reason);
		return -1;
	}
	if (!add_id_cert(e, sa, o) || !add_auth(o, method, auth, auth_len))
		return -1;
	if ((initial_contact(e, sa) &&
	    !ike_out_notify(o, IKEV2_N_INITIAL_CONTACT, NULL, 0)) ||
	    ike_child_add_request(e, sa, o) != 0 || ike_out_send(e, sa, o) < 0)
		return -1;
	return ike_sa_set_state(sa, IKE_STATE_AUTH_SENT) ? 0 : -1;
}

static void
established(struct ike_engine *e, struct ike_sa *sa)
{
	const struct ike_sa_setup *st = sa->setup;
	struct ike_kdf_input in = { .ni = { st->ni, st->ni_len },
	    .nr = { st->nr, st->nr_len } };
	struct ike_child_sa *ch = sa->children;
	char ours[CERTS_NAME_MAX];

	sa->established_ms = sa->last_rx_ms = e->now_ms;
	ike_sa_set_state(sa, IKE_STATE_ESTABLISHED);
	ike_half_open_sync(e, sa);
	ike_established_sync(e, sa);
	if (!ike_peer_index_add(&e->peers, sa))
		log_err("%s[%llu]: no memory to index peer %s: unique and "
		    "INITIAL_CONTACT will not see this SA", ike_sa_name(sa),
		    (unsigned long long)sa->id, ike_sa_peer_text(sa));
	if (log_get_level() >= LOG_INFO)
		log_info("%s[%llu]: IKE SA established between %s and %s%s",
		    ike_sa_name(sa), (unsigned long long)sa->id,
		    cred_id_text(e, sa, ours, sizeof(ours)),
		    ike_sa_peer_text(sa), sa->natt ? " (NAT-T)" : "");
	if (ch != NULL && ike_child_install(e, sa, ch, &in, sa->initiator) != 0)
		log_err("%s[%llu]: CHILD_SA %s not installed", ike_sa_name(sa),
		    (unsigned long long)sa->id, ch->cfg->name);
	else if (ch != NULL)
		ike_lifetime_child_start(e, ch);
	if (ch != NULL && ch->installed && !sa->initiator)
		sa->resp_child = ch->spi_in;	/* idle.c: ESP on it */
	/* The nonces, IKE_SA_INIT messages and SK_pi/SK_pr were for the AUTH
	 * payloads (§2.15) and this CHILD_SA's keys (§2.17) only. */
	ike_sa_setup_done(sa);
	ike_lifetime_ike_start(e, sa);
	/* The other children by CREATE_CHILD_SA (§1.3.1), one at a time. */
	if (sa->initiator && sa->conn->n_children > 1)
		sa->children_todo = (uint8_t)(((1u << sa->conn->n_children) -
		    1) & ~1u);
	if (sa->reauth_of != 0)
		ike_reauth_done(e, sa);	/* make-before-break */
	if (e->io.sa_event != NULL)
		e->io.sa_event(e->io.arg, ike_sa_name(sa), sa->id,
		    IKE_SA_EVENT_UP, "");
}

/* <-- IKE_AUTH { N(AUTHENTICATION_FAILED) } */
static void
refuse_peer(struct ike_engine *e, struct ike_sa *sa, uint32_t msg_id,
    const char *why)
{
	struct ike_out *o = &e->tx;
	char fail[CERTS_REASON_MAX + 400];

	snprintf(fail, sizeof(fail), "AUTHENTICATION_FAILED: %s", why);
	ike_sa_fail_log(sa, fail);	/* before the peer can see it */
	ike_out_begin(o, sa, IKEV2_EXCH_IKE_AUTH, true, msg_id);
	ike_out_notify(o, IKEV2_N_AUTHENTICATION_FAILED, NULL, 0);
	ike_out_send(e, sa, o);
	ike_sa_close(e, sa, IKE_SA_EVENT_FAILED, fail);
}

/* unique (unique.c) before the response is built: deleting older SAs
 * sends requests through the engine's one message buffer. False: sa was
 * refused. */
static bool
unique_ok(struct ike_engine *e, struct ike_sa *sa)
{
	char why[CERTS_REASON_MAX + 300];

	if (ike_unique_check(e, sa, sa->setup->initial_contact))
		return true;
	snprintf(why, sizeof(why), "peer %s has an IKE SA already (unique = "
	    "keep)", ike_sa_peer_text(sa));
	refuse_peer(e, sa, sa->setup->resp_msg_id, why);
	return false;
}

/*
 * Our AUTH for the response: handed to io.sign when the daemon has one
 * (the SA waits in IKE_AUTH_SIGNING, other SAs go on), else signed here.
 * Either way ike_auth_signed() finishes the response.
 */
static void
sign_response(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sign_job job = { .ike_id = sa->id,
	    .spi = ike_sa_spi_ours(sa), .key = sa_cred(e, sa)->key };
	struct certs_err err = { 0 };
	uint8_t *octets = NULL, auth[CERTS_AUTH_DATA_MAX];
	size_t auth_len = 0;
	enum certs_status st;
	int queued = -1;

	st = our_octets(e, sa, &job.params, &octets, &job.octets_len, &err);
	sa->setup->auth_method = (uint8_t)job.params.method;
	job.octets = octets;
	if (st == CERTS_OK && e->io.sign != NULL)
		queued = e->io.sign(e->io.arg, &job);
	if (st == CERTS_OK && queued != 0)
		st = certs_auth_sign(job.key, &job.params, octets,
		    job.octets_len, auth, sizeof(auth), &auth_len, &err);
	free(octets);
	if (st == CERTS_OK && queued == 0) {
		if (ike_sa_set_state(sa, IKE_STATE_AUTH_SIGNING))
			ike_half_open_sync(e, sa);	/* authenticated */
		return;
	}
	ike_auth_signed(e, sa, auth, auth_len, st == CERTS_OK ? NULL :
	    err.reason);
}

/*
 * IKE_AUTH request { IDi, CERT+, [CERTREQ], AUTH, [CP], SAi2, TSi, TSr }:
 * the peer is verified, then everything of the response but IDr, CERT+
 * and AUTH (the CHILD_SA, its virtual IP) is made and kept, because the
 * request's buffer is reused once this event is handled while our AUTH
 * may be signed later. What we sign (§2.15) does not depend on the
 * response.
 */
void
ike_auth_respond(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	struct ike_out *o = &e->tx;
	struct certs_err err = { 0 };
	uint16_t child_err;
	char why[CERTS_REASON_MAX + 300];

	sa->natt = sa->nat_local || sa->nat_remote ||
	    (sa->conn != NULL && sa->conn->encap);
	if (verify_peer_chain(e, sa, m, &err) != CERTS_OK) {
		snprintf(why, sizeof(why), "peer %s refused (%s): %s",
		    sa->peer != NULL ? ike_sa_peer_text(sa) : "?",
		    certs_status_str(err.status), err.reason);
		refuse_peer(e, sa, m->hdr.msg_id, why);
		return;
	}
	sa->setup->resp_msg_id = m->hdr.msg_id;
	sa->setup->initial_contact = ike_msg_notify(m,
	    IKEV2_N_INITIAL_CONTACT) != NULL;
	if (!unique_ok(e, sa))
		return;
	ike_out_begin_chain(o);
	if ((child_err = ike_child_respond(e, sa, m, o)) != 0)
		ike_out_notify(o, child_err, NULL, 0);
	if (ike_chain_keep(&o->b, &sa->setup->resp_tail) != 0) {
		ike_sa_fail(e, sa, "cannot build IKE_AUTH response");
		return;
	}
	sign_response(e, sa);
}

/* <-- IKE_AUTH { IDr, CERT+, AUTH, [CP(CFG_REPLY)], SAr2, TSi, TSr } */
void
ike_auth_signed(struct ike_engine *e, struct ike_sa *sa,
    const uint8_t *auth_data, size_t len, const char *why)
{
	struct ike_sa_setup *st = sa->setup;
	struct ike_out *o = &e->tx;

	if (why != NULL) {
		ike_sa_fail(e, sa, "cannot sign AUTH: %s", why);
		return;
	}
	/* Another SA of this peer may have come up while ours was signed
	 * (the unique check saw established SAs only). */
	if (sa->state == IKE_STATE_AUTH_SIGNING && !unique_ok(e, sa))
		return;
	ike_out_begin(o, sa, IKEV2_EXCH_IKE_AUTH, true, st->resp_msg_id);
	if (!add_id_cert(e, sa, o) ||
	    !add_auth(o, st->auth_method, auth_data, len) ||
	    !ike_out_append(o, &st->resp_tail) || ike_out_send(e, sa, o) < 0) {
		ike_sa_fail(e, sa, "cannot send IKE_AUTH response");
		return;
	}
	established(e, sa);
}

void
ike_auth_process_response(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	struct certs_err err = { 0 };
	char fail[CERTS_REASON_MAX + 400];

	ike_sa_request_done(sa);
	if (ike_msg_notify(m, IKEV2_N_AUTHENTICATION_FAILED) != NULL) {
		ike_sa_fail(e, sa, "AUTHENTICATION_FAILED: the peer refused "
		    "our authentication");
		return;
	}
	if (verify_peer_chain(e, sa, m, &err) != CERTS_OK) {
		snprintf(fail, sizeof(fail), "AUTHENTICATION_FAILED: peer %s "
		    "refused (%s): %s", sa->peer != NULL ?
		    ike_sa_peer_text(sa) : "?", certs_status_str(err.status),
		    err.reason);
		ike_sa_fail_log(sa, fail);	/* before the peer can see it */
		/* INFORMATIONAL { N(AUTHENTICATION_FAILED) } --> */
		ike_info_notify(e, sa, IKEV2_N_AUTHENTICATION_FAILED);
		ike_sa_close(e, sa, IKE_SA_EVENT_FAILED, fail);
		return;
	}
	ike_child_process_response(e, sa, m);	/* -1: IKE SA without one */
	established(e, sa);
}
