/*
 * ike/idle.c — what an established IKE SA lets go of once the peer has
 * been quiet for a while, so that an idle tunnel costs little memory on a
 * concentrator holding thousands.
 *
 * The cached last response (RFC 7296 §2.1) answers a retransmitted
 * request. After IKE_AUTH it is the largest thing an SA holds (certificates
 * and AUTH, ~2 KB). A peer retransmits only while it has not got the
 * response; strongSwan's default schedule gives up after 165 s. Once
 * nothing authenticated arrived for IKE_RESPONSE_KEEP_MS the peer cannot
 * be retransmitting any more, and the cache is dropped; a request that
 * still came with that message ID would then be dropped as outside the
 * window (§2.2) rather than answered.
 */
#include "ike/engine_internal.h"

uint64_t
ike_idle_next(const struct ike_sa *sa)
{
	if (!sa->have_last_resp || sa->state != IKE_STATE_ESTABLISHED)
		return UINT64_MAX;
	return sa->last_rx_ms + IKE_RESPONSE_KEEP_MS;
}

void
ike_idle_tick(struct ike_engine *e, struct ike_sa *sa)
{
	if (e->now_ms < ike_idle_next(sa))
		return;
	ike_msg_buf_free(&sa->last_resp);
	sa->have_last_resp = false;
}
