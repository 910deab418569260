/*
 * ike/retransmit.c — retransmission of the outstanding request (RFC 7296
 * §2.1: only the initiator of an exchange retransmits; the responder
 * answers a repeated request from its cached response, engine.c) with
 * strongSwan's timing (strongswan.conf(5), charon.retransmit_*):
 *
 *   retransmit n (n = 1, 2, ...) is sent  timeout * base^(n-1)  after the
 *   previous send, less a random share of at most `jitter` percent of that,
 *   and never later than `limit`; after `tries` retransmits the exchange is
 *   given up  timeout * base^tries  (same jitter and limit) later.
 */
#include <stdio.h>

#include <sodium.h>

#include "common/log.h"
#include "ike/engine_internal.h"

void
ike_settings_default(struct ike_settings *s)
{
	*s = (struct ike_settings){
		.retransmit_timeout_ms = IKE_SET_RETRANSMIT_TIMEOUT_MS,
		.retransmit_base = IKE_SET_RETRANSMIT_BASE,
		.retransmit_tries = IKE_SET_RETRANSMIT_TRIES,
		.half_open_timeout_ms = IKE_SET_HALF_OPEN_TIMEOUT_MS,
		.fragment_size = IKE_FRAG_SIZE_DEFAULT,
		.cookie_threshold = IKE_SET_COOKIE_THRESHOLD,
		.block_threshold = IKE_SET_BLOCK_THRESHOLD,
		.half_open_max = IKE_SET_HALF_OPEN_MAX,
	};
}

void
ike_engine_set_settings(struct ike_engine *e, const struct ike_settings *s)
{
	e->set = *s;
	if (e->set.retransmit_jitter > 100)
		e->set.retransmit_jitter = 100;
	if (e->set.retransmit_base < 1.0)
		e->set.retransmit_base = 1.0;
	e->frag_size = s->fragment_size;
	ike_timers_touch_all(e);	/* half-open timeout, DPD default */
	ike_timers_refile(e);
}

/* The wait after send n (0: the first send), before jitter. */
static uint64_t
wait_ms(const struct ike_settings *s, unsigned n)
{
	double d = s->retransmit_timeout_ms;

	while (n-- > 0 && d < 1e12)
		d *= s->retransmit_base;
	if (s->retransmit_limit_ms != 0 && d > s->retransmit_limit_ms)
		d = s->retransmit_limit_ms;
	return (uint64_t)d;
}

uint64_t
ike_settings_give_up_ms(const struct ike_settings *s)
{
	uint64_t t = 0;
	unsigned n;

	for (n = 0; n <= s->retransmit_tries; n++)
		t += wait_ms(s, n);
	return t;
}

/* strongSwan: timeout - random(0, jitter% * timeout). */
static uint64_t
jittered(const struct ike_settings *s, unsigned n)
{
	uint64_t d = wait_ms(s, n), cut;

	if (s->retransmit_jitter == 0 || d == 0)
		return d;
	cut = d * s->retransmit_jitter / 100;
	if (cut > UINT32_MAX - 1)
		cut = UINT32_MAX - 1;
	return d - randombytes_uniform((uint32_t)cut + 1);
}

int
ike_request_arm(struct ike_engine *e, struct ike_sa *sa, uint8_t exchange,
    const uint8_t *msg, size_t len, uint32_t msg_id, const uint16_t *frag_len,
    unsigned n_frags)
{
	ike_timers_touch(e, sa);
	if (ike_msg_buf_set(&sa->req.msg, msg, len, msg_id, frag_len,
	    n_frags) != 0)
		return -1;
	sa->req.exchange = exchange;
	sa->req.active = true;
	sa->req.tries = 0;
	sa->req.deadline_ms = e->now_ms + jittered(&e->set, 0);
	return 0;
}

void
ike_request_tick(struct ike_engine *e, struct ike_sa *sa)
{
	char why[160];

	if (!sa->req.active || e->now_ms < sa->req.deadline_ms)
		return;
	if (sa->req.tries >= e->set.retransmit_tries) {
		/* A rekeyed or reauthenticated SA's Delete: the peer usually
		 * deleted the SA on the first copy and only its response was
		 * lost; it cannot answer again (§1.4.1). Its successor carries
		 * the tunnel, so this says nothing about the peer. */
		if (sa->replaced && sa->state == IKE_STATE_DELETING) {
			snprintf(why, sizeof(why), "Delete of the "
			    "replaced IKE SA not answered after %u retransmits "
			    "(the peer may have deleted it already): closed",
			    sa->req.tries);
			log_info("%s[%llu]: %s", ike_sa_name(sa),
			    (unsigned long long)sa->id, why);
			ike_sa_close(e, sa, IKE_SA_EVENT_DOWN, why);
			return;
		}
		if (sa->state == IKE_STATE_ESTABLISHED ||
		    sa->state == IKE_STATE_DELETING) {
			snprintf(why, sizeof(why), "peer dead: no "
			    "response after %u retransmits", sa->req.tries);
			log_info("%s[%llu]: %s", ike_sa_name(sa),
			    (unsigned long long)sa->id, why);
			ike_sa_close(e, sa, IKE_SA_EVENT_DOWN, why);
			return;
		}
		ike_sa_fail(e, sa, "no response after %u retransmits, giving up",
		    sa->req.tries);
		return;
	}
	sa->req.tries++;
	sa->retransmits++;
	sa->req.deadline_ms = e->now_ms + jittered(&e->set, sa->req.tries);
	log_info("%s[%llu]: retransmit %u of request %u", ike_sa_name(sa),
	    (unsigned long long)sa->id, sa->req.tries, sa->req.msg.msg_id);
	ike_msg_buf_send(e, sa, &sa->req.msg);
}
