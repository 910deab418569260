/*
 * ike/engine_msg.c — sending: building a message with or without SK{},
 * sealing, handing it to the daemon, arming retransmission of requests and
 * caching responses (RFC 7296 §2.1); and the end of an SA.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "common/log.h"
#include "ike/payload_sk.h"
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
	o->hdr = h;
	ike_build_msg(&o->b, o->buf, sizeof(o->buf), &h);
	if (o->encrypted)
		ike_sk_open(&o->b, &o->inner, &sa->suite);
}

void
ike_out_begin_chain(struct ike_out *o)
{
	memset(&o->hdr, 0, sizeof(o->hdr));
	o->encrypted = false;
	ike_build_chain(&o->b, o->buf, sizeof(o->buf));
}

bool
ike_out_add(struct ike_out *o, const struct ike_payload *p)
{
	return ike_build_payload(o->encrypted ? &o->inner : &o->b, p);
}

bool
ike_out_append(struct ike_out *o, const struct ike_chain *c)
{
	return ike_build_append(o->encrypted ? &o->inner : &o->b, c);
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

void
ike_msg_buf_send(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg_buf *b)
{
	struct sockaddr_storage local, remote;
	size_t off = 0;
	unsigned i;

	ike_timers_touch(e, sa);
	sa->bytes_out += b->len;	/* every datagram, for status */
	ike_sockaddr_get(&sa->local, &local);
	ike_sockaddr_get(&sa->remote, &remote);
	if (b->n_frags == 0) {
		e->io.send(e->io.arg, &local, &remote, b->p, b->len);
		return;
	}
	for (i = 0; i < b->n_frags; i++) {	/* RFC 7383 §2.6.1: all */
		e->io.send(e->io.arg, &local, &remote, b->p + off,
		    ike_msg_buf_frag_len(b, i));
		off += ike_msg_buf_frag_len(b, i);
	}
}

/* The largest IKE message that fits the fragment size as an IP datagram
 * (RFC 7383 §2.5.1): less IP and UDP headers, and the non-ESP marker on
 * port 4500 (RFC 3948 §2.2). 0: do not fragment. */
static size_t
frag_msg_max(const struct ike_engine *e, const struct ike_sa *sa)
{
	size_t hdr = (sa->remote.family == AF_INET6 ? 40 : 20) + 8 +
	    (sa->natt ? 4 : 0);

	if (e->frag_size == 0 || !sa->peer_frag || e->frag_size <= hdr + 256)
		return 0;
	return e->frag_size - hdr;
}

/*
 * RFC 7383 §2.5: the inner payloads of o, already written, split over
 * SKF{} payloads of messages with o's header, each sealed on its own.
 * Fragment 1 carries the type of the first inner payload, the others
 * Next Payload 0 (§2.5). The fragments go back to back into e->tx_frags
 * with their lengths in frag_len[*n]. Total length, or -1.
 */
static long
fragment(struct ike_engine *e, struct ike_sa *sa, struct ike_out *o,
    const struct ike_sk_keys *k, size_t max, uint16_t *frag_len,
    unsigned *n_frags)
{
	const struct ike_sk_suite *s = &sa->suite;
	size_t inner_len = o->inner.w.len, chunk, over, off = 0, total_len = 0;
	struct ike_builder fb, inner;
	unsigned total, i;
	uint8_t first = o->inner.first;
	long n;

	/* Per fragment: header, SKF header, IV, ICV, Pad Length; the
	 * encrypted part a whole number of blocks. */
	over = IKEV2_HDR_LEN + IKEV2_GENERIC_HDR_LEN + IKEV2_SKF_HDR_LEN +
	    s->iv_len + s->icv_len;
	if (max <= over + s->block_len || inner_len > sizeof(e->tx_plain))
		return -1;
	chunk = (max - over) / s->block_len * s->block_len - 1;
	total = (unsigned)((inner_len + chunk - 1) / chunk);
	if (total == 0 || total > IKE_FRAG_MAX)
		return -1;
	memcpy(e->tx_plain, o->inner.w.p, inner_len);
	for (i = 1; i <= total; i++) {
		size_t len = inner_len - off < chunk ? inner_len - off : chunk;

		ike_build_msg(&fb, e->tx_frags + total_len,
		    sizeof(e->tx_frags) - total_len, &o->hdr);
		if (!ike_sk_begin(&fb, &inner, (uint16_t)i, (uint16_t)total,
		    s->iv_len) || !buf_put_bytes(&inner.w, e->tx_plain + off,
		    len))
			return -1;
		inner.first = i == 1 ? first : IKEV2_PL_NONE;
		if ((n = ike_sk_seal(&fb, &inner, s, k)) < 0)
			return -1;
		frag_len[i - 1] = (uint16_t)n;
		total_len += (size_t)n;
		off += len;
	}
	sodium_memzero(e->tx_plain, inner_len);
	*n_frags = total;
	return (long)total_len;
}

long
ike_out_send(struct ike_engine *e, struct ike_sa *sa, struct ike_out *o)
{
	uint16_t frag_len[IKE_FRAG_MAX];
	unsigned n_frags = 0;
	const struct ike_msg_buf *kept;
	const uint8_t *msg = o->buf;
	struct ike_sk_keys k;

	ike_timers_touch(e, sa);	/* a request armed, a response kept */
	size_t max;
	long len;

	if (o->encrypted) {
		ike_sk_keys_for(&sa->keys, sa->initiator, &k);
		max = frag_msg_max(e, sa);
		/* Upper bound of the SK{} message: padding, Pad Length, ICV. */
		if (max != 0 && (size_t)(o->inner.w.p - o->buf) +
		    o->inner.w.len + sa->suite.block_len + sa->suite.icv_len >
		    max) {
			len = fragment(e, sa, o, &k, max, frag_len, &n_frags);
			msg = e->tx_frags;
		} else {
			len = ike_sk_seal(&o->b, &o->inner, &sa->suite, &k);
		}
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
	kept = o->response ? &sa->last_resp : &sa->req.msg;
	if (o->response) {
		if (ike_msg_buf_set_stored(&e->responses, &sa->last_resp,
		    msg, (size_t)len, o->msg_id, frag_len, n_frags) != 0)
			return -1;
		sa->have_last_resp = true;
		sa->resp_child = 0;	/* idle.c */
		sa->resp_polls = 0;
		sa->peer_req_id = o->msg_id + 1;
	} else {
		if (ike_request_arm(e, sa, o->exchange, msg, (size_t)len,
		    o->msg_id, frag_len, n_frags) != 0)
			return -1;
		sa->next_req_id++;
	}
	if (n_frags != 0)
		log_info("%s[%llu]: sending %s %s %u as %u fragments (%ld "
		    "bytes)", ike_sa_name(sa), (unsigned long long)sa->id,
		    ike_exchange_name(o->exchange),
		    o->response ? "response" : "request", o->msg_id,
		    n_frags, len);
	else
		log_info("%s[%llu]: sending %s %s %u (%ld bytes)",
		    ike_sa_name(sa), (unsigned long long)sa->id,
		    ike_exchange_name(o->exchange),
		    o->response ? "response" : "request", o->msg_id, len);
	ike_msg_buf_send(e, sa, kept);
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
ike_report_ike_keys(struct ike_engine *e, const struct ike_sa *sa)
{
	struct ike_keys_report r;
	struct sockaddr_storage remote;

	if (e->io.ike_keys == NULL || !sa->have_keys)
		return;
	ike_sockaddr_get(&sa->remote, &remote);
	r = (struct ike_keys_report){ .conn = ike_sa_name(sa),
	    .ike_id = sa->id, .spi_i = sa->spi_i, .spi_r = sa->spi_r,
	    .remote = &remote, .encr = sa->suite.encr,
	    .encr_bits = sa->suite.encr_bits,
	    .integ = sa->suite.integ, .prf = sa->keys.prf,
	    .sk_ei = sa->keys.sk_ei, .sk_er = sa->keys.sk_er,
	    .sk_ai = sa->keys.sk_ai, .sk_ar = sa->keys.sk_ar,
	    .encr_len = sa->keys.encr_len, .integ_len = sa->keys.integ_len };
	e->io.ike_keys(e->io.arg, &r);
}

void
ike_sa_close(struct ike_engine *e, struct ike_sa *sa, enum ike_sa_event ev,
    const char *why)
{
	if (sa->state == IKE_STATE_CLOSED)
		return;
	ike_timers_touch(e, sa);
	ike_children_remove(e, sa);
	ike_sa_request_done(sa);
	ike_vip_release(e, sa);
	ike_peer_index_remove(&e->peers, sa);
	ike_sa_set_state(sa, IKE_STATE_CLOSED);
	ike_half_open_sync(e, sa);
	ike_established_sync(e, sa);
	sa->next_closed = e->closed;
	e->closed = sa;
	/* A rekeyed or reauthenticated SA goes silently: its successor
	 * carries the tunnel. */
	if (e->io.sa_event != NULL && !sa->replaced)
		e->io.sa_event(e->io.arg, ike_sa_name(sa), sa->id, ev, why);
}

void
ike_sa_fail_log(const struct ike_sa *sa, const char *why)
{
	log_err("%s[%llu]: %s", ike_sa_name(sa), (unsigned long long)sa->id,
	    why);
}

void
ike_sa_fail(struct ike_engine *e, struct ike_sa *sa, const char *fmt, ...)
{
	char why[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ike_sa_fail_log(sa, why);
	ike_sa_close(e, sa, IKE_SA_EVENT_FAILED, why);
}
