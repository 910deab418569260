/*
 * ike/idle.c — what an established IKE SA lets go of once it is no longer
 * needed, so that an idle tunnel costs little memory on a concentrator
 * holding thousands.
 *
 * The cached last response (RFC 7296 §2.1) answers a retransmitted
 * request. After IKE_AUTH it is the largest thing an SA holds (certificates
 * and AUTH, ~1-2 KB). It goes as soon as the peer has shown that it got it:
 *  - by its next request: with a window of one (§2.3) the peer sends
 *    request N + 1 only once it has the response to N (engine.c calls
 *    ike_idle_drop_response() when one is authenticated);
 *  - by ESP on the CHILD_SA that the response created: the peer installed
 *    it, so it processed the response. The data plane's packet counter
 *    (io.child_counters, as DPD reads it) is looked at 1, 2, 4 and 8 s
 *    after the peer's request, then every IKE_RESPONSE_POLL_MAX_MS: a CCU
 *    that is set up in a storm sends its first packet when the others are
 *    up, maybe a minute later, and a doubling interval would keep its
 *    response for as long again (a few dozen reads per SA at most);
 *  - at the latest once nothing authenticated arrived for
 *    IKE_RESPONSE_KEEP_MS: a peer retransmits only while it has not got
 *    the response, and strongSwan's default schedule gives up after 165 s.
 * A request that still came with that message ID is then dropped as
 * outside the window (§2.2) rather than answered.
 */
#include "ike/engine_internal.h"

#define IKE_RESPONSE_POLL_MAX_MS	8000
#define POLLS_DOUBLING	3	/* reads at 1, 2, 4 s; then 8, 16, 24, ... */

/* When the counter of the response's CHILD_SA is read next. */
static uint64_t
poll_at(const struct ike_engine *e, const struct ike_sa *sa)
{
	uint64_t after;

	if (sa->resp_child == 0 || e->io.child_counters == NULL)
		return UINT64_MAX;
	after = sa->resp_polls < POLLS_DOUBLING ?
	    (uint64_t)1000 << sa->resp_polls :
	    (uint64_t)IKE_RESPONSE_POLL_MAX_MS *
	    (sa->resp_polls - POLLS_DOUBLING + 1);
	return sa->last_rx_ms + after;
}

uint64_t
ike_idle_next(const struct ike_engine *e, const struct ike_sa *sa)
{
	uint64_t keep = sa->last_rx_ms + IKE_RESPONSE_KEEP_MS;

	if (!sa->have_last_resp || sa->state != IKE_STATE_ESTABLISHED)
		return UINT64_MAX;
	return poll_at(e, sa) < keep ? poll_at(e, sa) : keep;
}

void
ike_idle_drop_response(struct ike_sa *sa)
{
	ike_msg_buf_free(&sa->last_resp);
	sa->have_last_resp = false;
	sa->resp_child = 0;
	sa->resp_polls = 0;
}

/* ESP from the peer on the CHILD_SA the cached response created. */
static bool
esp_proves_response(struct ike_engine *e, struct ike_sa *sa)
{
	const struct ike_child_sa *ch = ike_child_sa_by_in(sa, sa->resp_child);
	struct ike_child_counters c;

	if (ch == NULL || !ch->installed) {
		sa->resp_child = 0;	/* gone: wait for the time limit */
		return false;
	}
	return e->io.child_counters(e->io.arg, ch->spi_in, ch->spi_out,
	    &c) == 0 && c.packets_in > 0;
}

void
ike_idle_tick(struct ike_engine *e, struct ike_sa *sa)
{
	if (e->now_ms < ike_idle_next(e, sa))
		return;
	if (e->now_ms < sa->last_rx_ms + IKE_RESPONSE_KEEP_MS &&
	    !esp_proves_response(e, sa)) {
		/* The next read after now, also when this tick came late
		 * (a busy loop): at most the ~40 reads of IKE_RESPONSE_KEEP_MS. */
		do
			sa->resp_polls++;
		while (poll_at(e, sa) <= e->now_ms);
		return;
	}
	ike_idle_drop_response(sa);
}
