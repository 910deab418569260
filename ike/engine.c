/*
 * ike/engine.c — the IKE engine of ike.h: receives datagrams, finds their
 * IKE SA, enforces message IDs (§2.2), answers retransmitted requests from
 * the cached response (§2.1), authenticates and decrypts SK{} before
 * parsing it, checks the payload rules, and hands each message to its
 * exchange. Timers: retransmission of the outstanding request
 * (retransmit.c), liveness (dpd.c), half-open SAs and reassembly.
 *
 * Message IDs (§2.3, a window of 1 both ways): a request with the ID
 * after the last one answered is new; one with the ID just answered is a
 * retransmission and gets the cached response again, without being
 * processed again; any other request ID, and a response that is not to
 * the outstanding request (stale, duplicated, or never asked for), is
 * dropped before it is decrypted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/names.h"
#include "ike/payload_rules.h"
#include "ike/pool.h"

struct ike_engine *
ike_engine_new(const struct ike_config *cfg, const struct ike_io *io,
    uint64_t now_ms)
{
	struct ike_engine *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->cfg = cfg;
	e->io = *io;
	e->now_ms = now_ms;
	ike_settings_default(&e->set);
	e->frag_size = e->set.fragment_size;
	ike_peer_index_init(&e->peers);
	if (ike_sa_table_init(&e->sas) != 0) {
		free(e);
		return NULL;
	}
	e->pools = ike_pools_new(cfg);
	if (e->pools == NULL || ike_cookies_init(&e->cookies, now_ms) != 0 ||
	    ike_established_init(e) != 0 || ike_creds_load(e) != 0) {
		ike_engine_free(e);
		return NULL;
	}
	return e;
}

void
ike_engine_set_fragment_size(struct ike_engine *e, size_t size)
{
	e->frag_size = e->set.fragment_size = size;
}

static void
free_one(void *arg, struct ike_sa *sa)
{
	struct ike_engine *e = arg;

	sa->state = IKE_STATE_CLOSED;	/* no longer half-open */
	ike_half_open_sync(e, sa);
	ike_timers_remove(e, sa);
	ike_sa_table_remove(&e->sas, sa);
	ike_sa_free(sa);
}

void
ike_engine_free(struct ike_engine *e)
{
	if (e == NULL)
		return;
	ike_sa_table_each(&e->sas, free_one, e);
	ike_timers_free(e);
	ike_resp_store_free(&e->responses);	/* after the SAs */
	ike_creds_free(e);
	ike_cookies_wipe(&e->cookies);
	ike_pools_free(e->pools);
	ike_established_free(e);
	ike_peer_index_free(&e->peers);
	ike_sa_table_free(&e->sas);
	free(e);
}

/* SAs that closed during an event are freed once it is handled: those on
 * the list ike_sa_close() keeps, so the cost does not grow with the number
 * of SAs. One that is not in the table (a rekey's SA still being made)
 * belongs to its rekey. Then the SAs the event changed are filed at their
 * new deadlines (timers.c). */
static void
reap(struct ike_engine *e)
{
	struct ike_sa *sa;

	while ((sa = e->closed) != NULL) {
		e->closed = sa->next_closed;
		if (ike_sa_table_find(&e->sas, ike_sa_spi_ours(sa)) == sa)
			free_one(e, sa);
	}
	ike_timers_refile(e);
#ifndef NDEBUG
	ike_established_check(e);
#endif
}

static void
log_rx(const struct ike_sa *sa, const struct ike_msg *m)
{
	char s[256];

	if (log_get_level() < LOG_INFO)
		return;	/* the summary is not free (uipsec load logs errors) */
	log_info("%s[%llu]: received %s", sa != NULL ? ike_sa_name(sa) : "-",
	    sa != NULL ? (unsigned long long)sa->id : 0ULL,
	    ike_msg_summary(m, s, sizeof(s)));
}

/* IKE_SA_INIT request: new, or a retransmission of one we answered. */
static void
input_init_request(struct ike_engine *e, const struct ike_header *h,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote,
    const uint8_t *msg, size_t len)
{
	struct ike_msg *m = &e->rx;
	struct ike_sa *sa = ike_sa_table_find_init(&e->sas, h->spi_i, remote);
	struct ike_rule_violation v;
	enum ike_parse_status st;
	uint8_t type;

	if (sa != NULL) {
		ike_timers_touch(e, sa);
		sa->bytes_in += len;
		if (sa->have_last_resp && sa->last_resp.msg_id == 0)
			ike_msg_buf_send(e, sa, &sa->last_resp);
		return;
	}
	if ((st = ike_msg_parse(m, msg, len)) != IKE_PARSE_OK) {
		log_info("IKE_SA_INIT request dropped: %s (%s)",
		    ike_parse_status_str(st), m->error ? m->error : "");
		if (st == IKE_PARSE_CRITICAL) {
			type = m->error_type;
			ike_send_init_error(e, m, local, remote,
			    IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, &type, 1);
		}
		return;
	}
	log_rx(NULL, m);
	if (!ike_payload_rules_check(m, &v)) {
		log_info("IKE_SA_INIT request dropped: %s %s",
		    ike_payload_name(v.payload) ? ike_payload_name(v.payload) :
		    "payload", v.why);
		return;
	}
	if (!ike_cookie_admit(e, m, local, remote))
		return;
	ike_sa_init_respond(e, m, local, remote);
	if ((sa = ike_sa_table_find_init(&e->sas, h->spi_i, remote)) != NULL)
		sa->bytes_in += len;
}

/* An error notify alone in an encrypted response to a request (§2.21.2). */
static void
answer_error(struct ike_engine *e, struct ike_sa *sa, const struct ike_msg *m,
    uint16_t type, const void *data, size_t len)
{
	struct ike_out *o = &e->tx;

	ike_out_begin(o, sa, m->hdr.exchange, true, m->hdr.msg_id);
	ike_out_notify(o, type, data, len);
	ike_out_send(e, sa, o);
}

/* A message whose last payload is SKF{} (RFC 7383 §2.5); *num: its
 * Fragment Number. */
static bool
skf_num(const struct ike_msg *m, unsigned *num)
{
	const struct ike_payload *p;

	if (m->n_payloads == 0)
		return false;
	p = &m->pl[m->n_payloads - 1];
	if (p->type != IKEV2_PL_SKF || p->in_sk)
		return false;
	*num = p->u.sk.frag_num;
	return true;
}

static bool
is_skf(const struct ike_msg *m)
{
	unsigned num;

	return skf_num(m, &num);
}

/* SK{} or SKF{}: authenticate, decrypt, parse inner payloads, check the rules.
 * False when the message was dropped or answered with an error. */
static bool
open_sk(struct ike_engine *e, struct ike_sa *sa, struct ike_msg *m,
    bool request)
{
	struct ike_rule_violation v;
	enum ike_parse_status pst = IKE_PARSE_OK;
	enum ike_sk_status st;
	struct ike_sk_keys k;
	uint8_t type;

	ike_sk_keys_for(&sa->keys, (m->hdr.flags & IKEV2_FLAG_INITIATOR) != 0,
	    &k);
	if (is_skf(m)) {
		switch (ike_frag_input(e, sa, m, &k, &pst)) {
		case IKE_FRAG_PENDING:
			return false;
		case IKE_FRAG_DONE:
			st = IKE_SK_OK;
			break;
		default:
			if (pst == IKE_PARSE_OK)
				return false;
			st = IKE_SK_INNER;
			break;
		}
	} else {
		st = ike_sk_decrypt(m, &sa->suite, &k, e->rx_plain,
		    sizeof(e->rx_plain), &pst);
	}
	if (st == IKE_SK_INNER && pst == IKE_PARSE_CRITICAL && request) {
		type = m->error_type;
		answer_error(e, sa, m, IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD,
		    &type, 1);
		return false;
	}
	if (st != IKE_SK_OK) {
		log_info("%s[%llu]: message %u dropped: %s", ike_sa_name(sa),
		    (unsigned long long)sa->id, m->hdr.msg_id,
		    ike_sk_status_str(st));
		return false;
	}
	log_rx(sa, m);
	if (ike_payload_rules_check(m, &v))
		return true;
	if (request)
		answer_error(e, sa, m, IKEV2_N_INVALID_SYNTAX, NULL, 0);
	ike_sa_fail(e, sa, "INVALID_SYNTAX: %s%s%s",
	    ike_payload_name(v.payload) ? ike_payload_name(v.payload) : "",
	    ike_payload_name(v.payload) ? " " : "", v.why);
	return false;
}

static void
dispatch_request(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	switch (m->hdr.exchange) {
	case IKEV2_EXCH_IKE_AUTH:
		if (!sa->initiator && sa->state == IKE_STATE_SA_INIT_DONE)
			ike_auth_respond(e, sa, m);
		break;
	case IKEV2_EXCH_INFORMATIONAL:
		if (sa->state == IKE_STATE_ESTABLISHED ||
		    sa->state == IKE_STATE_DELETING ||
		    sa->state == IKE_STATE_AUTH_SENT ||
		    sa->state == IKE_STATE_SA_INIT_DONE)
			ike_info_respond(e, sa, m);
		break;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		if (sa->state == IKE_STATE_ESTABLISHED ||
		    sa->state == IKE_STATE_DELETING)
			ike_create_child_respond(e, sa, m);
		break;
	default:
		break;
	}
}

static void
dispatch_response(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	if (m->hdr.exchange != sa->req.exchange)
		return;
	switch (m->hdr.exchange) {
	case IKEV2_EXCH_IKE_AUTH:
		if (sa->state == IKE_STATE_AUTH_SENT)
			ike_auth_process_response(e, sa, m);
		break;
	case IKEV2_EXCH_INFORMATIONAL:
		ike_info_process_response(e, sa, m);
		break;
	case IKEV2_EXCH_CREATE_CHILD_SA:
		ike_create_child_process_response(e, sa, m);
		break;
	default:
		break;
	}
}

/* No local address configured: the daemon picks one when sending. */
static bool
addr_unspecified(const union ike_sockaddr *a)
{
	static const uint8_t zero[16];

	if (a->family == AF_INET6)
		return memcmp(&a->v6.sin6_addr, zero, 16) == 0;
	return memcmp(&a->v4.sin_addr, zero, 4) == 0;
}

static void
input_sa(struct ike_engine *e, struct ike_sa *sa, const struct ike_header *h,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote,
    const uint8_t *msg, size_t len)
{
	struct ike_msg *m = &e->rx;
	bool request = !(h->flags & IKEV2_FLAG_RESPONSE);
	struct ike_rule_violation v;

	ike_timers_touch(e, sa);
	sa->bytes_in += len;
	if (request && sa->have_last_resp && h->msg_id == sa->last_resp.msg_id &&
	    h->msg_id + 1 == sa->peer_req_id) {
		/* §2.1: a retransmitted request gets the same response; one
		 * sent in fragments, once: on fragment 1 (RFC 7383 §2.6.1). */
		unsigned num = 1;

		if (ike_msg_parse(m, msg, len) != IKE_PARSE_OK ||
		    (skf_num(m, &num) && num != 1))
			return;
		log_info("%s[%llu]: request %u retransmitted, resending response",
		    ike_sa_name(sa), (unsigned long long)sa->id, h->msg_id);
		ike_msg_buf_send(e, sa, &sa->last_resp);
		return;
	}
	if (request && sa->state == IKE_STATE_AUTH_SIGNING) {
		/* Our IKE_AUTH response is not made yet (its AUTH is being
		 * signed): the peer's retransmission gets it once it is. */
		log_debug("%s[%llu]: request %u while our AUTH is signed: "
		    "dropped", ike_sa_name(sa), (unsigned long long)sa->id,
		    h->msg_id);
		return;
	}
	if (request && h->msg_id != sa->peer_req_id) {
		log_debug("%s[%llu]: request %u outside the window (expected "
		    "%u): dropped", ike_sa_name(sa), (unsigned long long)sa->id,
		    h->msg_id, sa->peer_req_id);
		return;
	}
	if (!request && (!sa->req.active || h->msg_id != sa->req.msg.msg_id)) {
		log_debug("%s[%llu]: response %u is to no outstanding request: "
		    "dropped", ike_sa_name(sa), (unsigned long long)sa->id,
		    h->msg_id);
		return;
	}
	if (ike_msg_parse(m, msg, len) != IKE_PARSE_OK) {
		log_info("%s[%llu]: message dropped: %s", ike_sa_name(sa),
		    (unsigned long long)sa->id, m->error ? m->error : "");
		return;
	}
	if (h->exchange == IKEV2_EXCH_IKE_SA_INIT) {
		log_rx(sa, m);
		if (sa->state != IKE_STATE_SA_INIT_SENT)
			return;
		if (addr_unspecified(&sa->local))	/* local_addrs = %any */
			ike_sockaddr_set(&sa->local, local);
		if (!ike_payload_rules_check(m, &v) &&
		    ike_msg_notify(m, IKEV2_N_INVALID_KE_PAYLOAD) == NULL) {
			log_info("%s[%llu]: IKE_SA_INIT response dropped: %s",
			    ike_sa_name(sa), (unsigned long long)sa->id, v.why);
			return;
		}
		ike_sa_init_process_response(e, sa, m);
		return;
	}
	if (!sa->have_keys || !open_sk(e, sa, m, request))
		return;
	if (request)	/* §2.3: so the peer has the last response */
		ike_idle_drop_response(sa);
	sa->last_rx_ms = e->now_ms;
	ike_sockaddr_set(&sa->local, local);
	if (sa->state == IKE_STATE_ESTABLISHED)
		ike_peer_follow(e, sa, remote);	/* authenticated (§2.23) */
	else if (request)	/* IKE_AUTH floated to port 4500 */
		ike_sockaddr_set(&sa->remote, remote);
	if (request)
		dispatch_request(e, sa, m);
	else
		dispatch_response(e, sa, m);
}

void
ike_engine_input(struct ike_engine *e, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *msg, size_t len,
    uint64_t now_ms)
{
	struct ike_header h;
	struct ike_sa *sa;
	const char *why = NULL;

	e->now_ms = now_ms;
	if (ike_header_parse(&h, msg, len, &why) != IKE_PARSE_OK) {
		log_debug("IKE datagram dropped: %s", why ? why : "bad header");
		return;
	}
	if (h.exchange == IKEV2_EXCH_IKE_SA_INIT &&
	    !(h.flags & IKEV2_FLAG_RESPONSE)) {
		input_init_request(e, &h, local, remote, msg, len);
	} else if ((sa = ike_sa_table_find(&e->sas,
	    (h.flags & IKEV2_FLAG_INITIATOR) ? h.spi_r : h.spi_i)) == NULL) {
		log_info("message for unknown IKE SA %016llx_i %016llx_r dropped",
		    (unsigned long long)h.spi_i, (unsigned long long)h.spi_r);
	} else if (sa->state != IKE_STATE_CLOSED) {
		input_sa(e, sa, &h, local, remote, msg, len);
	}
	reap(e);
}

void
ike_engine_sign_done(struct ike_engine *e, uint64_t spi, uint64_t ike_id,
    const uint8_t *auth_data, size_t len, const char *why, uint64_t now_ms)
{
	struct ike_sa *sa = ike_sa_table_find(&e->sas, spi);

	e->now_ms = now_ms;
	if (sa == NULL || sa->id != ike_id ||
	    sa->state != IKE_STATE_AUTH_SIGNING) {
		log_info("IKE SA %llu went away while its AUTH was signed: "
		    "signature dropped", (unsigned long long)ike_id);
		return;
	}
	ike_timers_touch(e, sa);
	ike_auth_signed(e, sa, auth_data, len, why);
	reap(e);
}

static void
tick_one(struct ike_engine *e, struct ike_sa *sa)
{
	if (sa->state == IKE_STATE_CLOSED)
		return;
	ike_frag_tick(e, sa);
	ike_idle_tick(e, sa);
	if (sa->state == IKE_STATE_SA_INIT_DONE &&
	    e->now_ms >= sa->created_ms + e->set.half_open_timeout_ms) {
		ike_sa_fail(e, sa, "half-open IKE SA: no IKE_AUTH within %u s",
		    e->set.half_open_timeout_ms / 1000);
		return;
	}
	if (ike_lifetime_tick(e, sa))
		return;
	ike_dpd_tick(e, sa);
	ike_request_tick(e, sa);
}

void
ike_engine_tick(struct ike_engine *e, uint64_t now_ms)
{
	e->now_ms = now_ms;
	ike_timers_tick(e, tick_one);	/* only the SAs that are due */
	reap(e);
}

uint64_t
ike_engine_next(struct ike_engine *e)
{
	return ike_timers_next(e);
}

int
ike_engine_initiate(struct ike_engine *e, const char *conn, uint64_t now_ms)
{
	const struct ike_conn_cfg *c = ike_config_find(e->cfg, conn);
	int ret;

	e->now_ms = now_ms;
	if (c == NULL)
		return -1;
	ret = ike_sa_init_initiate(e, c, 0);
	reap(e);
	return ret;
}

struct terminate_ctx {
	struct ike_engine		*e;
	const struct ike_conn_cfg	*c;
};

/* A Delete for sa if it is up (and its window free), else closed now. */
static void
terminate_sa(struct ike_engine *e, struct ike_sa *sa)
{
	if (sa->state == IKE_STATE_CLOSED || sa->state == IKE_STATE_DELETING)
		return;
	ike_timers_touch(e, sa);
	if (sa->state != IKE_STATE_ESTABLISHED || ike_info_delete(e, sa) != 0)
		ike_sa_close(e, sa, IKE_SA_EVENT_DOWN, "terminated");
}

static void
terminate_one(void *arg, struct ike_sa *sa)
{
	struct terminate_ctx *t = arg;

	if (sa->conn == t->c)
		terminate_sa(t->e, sa);
}

int
ike_engine_terminate(struct ike_engine *e, const char *conn, uint64_t now_ms)
{
	struct terminate_ctx t = { e, ike_config_find(e->cfg, conn) };

	e->now_ms = now_ms;
	if (t.c == NULL)
		return -1;
	ike_sa_table_each(&e->sas, terminate_one, &t);
	reap(e);
	return 0;
}

/* By the table's index by id: no walk over every SA. */
int
ike_engine_terminate_id(struct ike_engine *e, uint64_t ike_id,
    uint64_t now_ms)
{
	struct ike_sa *sa;
	int ret = -1;

	e->now_ms = now_ms;
	for (sa = ike_sa_table_next_id(&e->sas, ike_id, NULL); sa != NULL;
	    sa = ike_sa_table_next_id(&e->sas, ike_id, sa)) {
		if (sa->state != IKE_STATE_CLOSED)
			ret = 0;
		terminate_sa(e, sa);
	}
	reap(e);
	return ret;
}
