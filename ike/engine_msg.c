/*
 * ike/engine_msg.c — sending: building a message with or without SK{},
 * sealing, handing it to the daemon, arming retransmission of requests and
 * caching responses (RFC 7296 §2.1); and the end of an SA.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/names.h"

const char *
ike_sa_name(const struct ike_sa *sa)
{
	return sa->conn != NULL ? sa->conn->name : "(responder)";
}

void
ike_out_begin(struct ike_out *o, const struct ike_sa *sa, uint8_t exchange,
    bool response, uint32_t msg_id)
{
	struct ike_header h = {
		.spi_i = sa->spi_i, .spi_r = sa->spi_r, .exchange = exchange,
		.flags = (uint8_t)((sa->initiator ? IKEV2_FLAG_INITIATOR : 0) |
		    (response ? IKEV2_FLAG_RESPONSE : 0)),
		.msg_id = response ? msg_id : sa->next_req_id,
	};

	o->exchange = exchange;
	o->response = response;
	o->msg_id = h.msg_id;
	o->encrypted = sa->have_keys && exchange != IKEV2_EXCH_IKE_SA_INIT;
	ike_build_msg(&o->b, o->buf, sizeof(o->buf), &h);
	if (o->encrypted)
		ike_sk_open(&o->b, &o->inner, &sa->suite);
}

bool
ike_out_add(struct ike_out *o, const struct ike_payload *p)
{
	return ike_build_payload(o->encrypted ? &o->inner : &o->b, p);
}

bool
ike_out_notify(struct ike_out *o, uint16_t type, const void *data, size_t len)
{
	struct ike_payload p = { .type = IKEV2_PL_NOTIFY };

	p.u.notify.type = type;
	p.u.notify.data.p = data;
	p.u.notify.data.len = len;
	return ike_out_add(o, &p);
}

long
ike_out_send(struct ike_engine *e, struct ike_sa *sa, struct ike_out *o)
{
	struct ike_sk_keys k;
	long len;

	if (o->encrypted) {
		ike_sk_keys_for(&sa->keys, sa->initiator, &k);
		len = ike_sk_seal(&o->b, &o->inner, &sa->suite, &k);
	} else {
		len = ike_build_finish(&o->b);
	}
	if (len < 0) {
		log_err("%s[%llu]: cannot build %s %s (too large?)",
		    ike_sa_name(sa), (unsigned long long)sa->id,
		    ike_exchange_name(o->exchange),
		    o->response ? "response" : "request");
		return -1;
	}
	if (o->response) {
		if (ike_msg_buf_set(&sa->last_resp, o->buf, (size_t)len,
		    o->msg_id) != 0)
			return -1;
		sa->have_last_resp = true;
		sa->peer_req_id = o->msg_id + 1;
	} else {
		if (ike_sa_request_arm(sa, o->exchange, o->buf, (size_t)len,
		    o->msg_id, e->now_ms) != 0)
			return -1;
		sa->next_req_id++;
	}
	sa->bytes_out += (uint64_t)len;
	log_info("%s[%llu]: sending %s %s %u (%ld bytes)", ike_sa_name(sa),
	    (unsigned long long)sa->id, ike_exchange_name(o->exchange),
	    o->response ? "response" : "request", o->msg_id, len);
	e->io.send(e->io.arg, &sa->local, &sa->remote, o->buf, (size_t)len);
	return len;
}

void
ike_send_init_error(struct ike_engine *e, const struct ike_msg *req,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote,
    uint16_t type, const void *data, size_t len)
{
	struct ike_out *o = &e->tx;
	struct ike_header h = {
		.spi_i = req->hdr.spi_i, .exchange = IKEV2_EXCH_IKE_SA_INIT,
		.flags = IKEV2_FLAG_RESPONSE, .msg_id = req->hdr.msg_id,
	};
	struct ike_payload p = { .type = IKEV2_PL_NOTIFY };
	long n;

	/* §1.2, §2.21.1: the error stands alone; SPIr stays zero. */
	p.u.notify.type = type;
	p.u.notify.data.p = data;
	p.u.notify.data.len = len;
	ike_build_msg(&o->b, o->buf, sizeof(o->buf), &h);
	ike_build_payload(&o->b, &p);
	if ((n = ike_build_finish(&o->b)) > 0)
		e->io.send(e->io.arg, local, remote, o->buf, (size_t)n);
}

void
ike_sa_close(struct ike_engine *e, struct ike_sa *sa, enum ike_sa_event ev,
    const char *why)
{
	if (sa->state == IKE_STATE_CLOSED)
		return;
	ike_child_remove(e, sa);
	ike_sa_request_done(sa);
	ike_sa_set_state(sa, IKE_STATE_CLOSED);
	if (e->io.sa_event != NULL)
		e->io.sa_event(e->io.arg, ike_sa_name(sa), sa->id, ev, why);
}

void
ike_sa_fail(struct ike_engine *e, struct ike_sa *sa, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sa->why, sizeof(sa->why), fmt, ap);
	va_end(ap);
	log_err("%s[%llu]: %s", ike_sa_name(sa), (unsigned long long)sa->id,
	    sa->why);
	ike_sa_close(e, sa, IKE_SA_EVENT_FAILED, sa->why);
}
