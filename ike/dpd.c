/*
 * ike/dpd.c — liveness (RFC 7296 §2.4) and following a peer behind a NAT
 * (§2.23).
 *
 * Dead peer detection as strongSwan's dpd_delay: an empty INFORMATIONAL
 * request goes out only when nothing arrived from the peer for dpd_delay,
 * neither an authenticated IKE message nor an ESP packet of its CHILD_SA;
 * no response after the retransmissions (retransmit.c) means the peer is
 * dead. The ESP counter is read every dpd_delay / DPD_POLLS (at least
 * 1 s), so traffic that stops is noticed within dpd_delay + that step.
 */
#include "common/log.h"
#include "ike/engine_internal.h"

#define DPD_POLLS	8

static bool
has_child(const struct ike_sa *sa)
{
	const struct ike_child_sa *ch;

	for (ch = sa->children; ch != NULL; ch = ch->next)
		if (ch->installed)
			return true;
	return false;
}

/* ESP packets received on all its CHILD_SAs: a change means life. */
static uint64_t
esp_rx(struct ike_engine *e, const struct ike_sa *sa)
{
	const struct ike_child_sa *ch;
	struct ike_child_counters c;
	uint64_t n = 0;

	for (ch = sa->children; ch != NULL; ch = ch->next)
		if (ch->installed && e->io.child_counters(e->io.arg,
		    ch->spi_in, ch->spi_out, &c) == 0)
			n += c.packets_in;
	return n;
}

/* swanctl.conf's dpd_delay, or for a connection that initiates and does
 * not set it, the engine's default (the CCU probes, the concentrator,
 * which hears the CCU's probes, never needs to). In ms; 0: off. */
static uint64_t
dpd_ms(const struct ike_engine *e, const struct ike_sa *sa)
{
	const struct ike_conn_cfg *c = sa->conn;

	if (c->dpd_delay != 0 || c->dpd_delay_set ||
	    !ike_conn_can_initiate(c))
		return (uint64_t)c->dpd_delay * 1000;
	return (uint64_t)e->set.dpd_delay_default * 1000;
}

static uint64_t
poll_step(const struct ike_engine *e, const struct ike_sa *sa)
{
	uint64_t step = dpd_ms(e, sa) / DPD_POLLS;

	return step < 1000 ? 1000 : step;
}

uint64_t
ike_dpd_deadline(const struct ike_engine *e, const struct ike_sa *sa)
{
	uint64_t due, polled;

	if (sa->state != IKE_STATE_ESTABLISHED || sa->req.active ||
	    sa->conn == NULL || dpd_ms(e, sa) == 0)
		return UINT64_MAX;
	due = sa->last_rx_ms + dpd_ms(e, sa);
	/* The ESP counter needs no look before the last IKE message. */
	polled = sa->dpd_poll_ms > sa->last_rx_ms ? sa->dpd_poll_ms :
	    sa->last_rx_ms;
	if (e->io.child_counters != NULL && has_child(sa) &&
	    polled + poll_step(e, sa) < due)
		due = polled + poll_step(e, sa);
	return due;
}

void
ike_dpd_tick(struct ike_engine *e, struct ike_sa *sa)
{
	uint64_t n;

	if (e->now_ms < ike_dpd_deadline(e, sa))
		return;
	if (e->io.child_counters != NULL && has_child(sa)) {
		sa->dpd_poll_ms = e->now_ms;
		n = esp_rx(e, sa);
		if (n != sa->esp_rx_seen) {
			sa->esp_rx_seen = n;	/* it talks: no probe */
			sa->last_rx_ms = e->now_ms;
			return;
		}
	}
	if (e->now_ms < sa->last_rx_ms + dpd_ms(e, sa))
		return;
	/* INFORMATIONAL { } --> */
	log_info("%s[%llu]: nothing from the peer for %llu s: liveness check",
	    ike_sa_name(sa), (unsigned long long)sa->id,
	    (unsigned long long)dpd_ms(e, sa) / 1000);
	ike_info_liveness(e, sa);
}

/* §2.23: "if the packet is ... authenticated ... from a peer behind a NAT,
 * use the address and port of the most recent such message". Only toward
 * a peer behind a NAT (ours is a fixed address), and only once the SA is
 * up (before, the address is what IKE_SA_INIT used). */
void
ike_peer_follow(struct ike_engine *e, struct ike_sa *sa,
    const struct sockaddr_storage *remote)
{
	struct sockaddr_storage now;

	if (!sa->nat_remote ||
	    ike_addr_equal(ike_sockaddr_get(&sa->remote, &now), remote) ||
	    remote->ss_family != sa->remote.family)
		return;
	log_info("%s[%llu]: the peer's NAT mapping changed: following it",
	    ike_sa_name(sa), (unsigned long long)sa->id);
	ike_sockaddr_set(&sa->remote, remote);
	if (e->io.peer_moved != NULL && sa->state == IKE_STATE_ESTABLISHED)
		e->io.peer_moved(e->io.arg, sa->id, remote);
}

/* The SAs of tunnel ike_id (the table's index by id: an IKE SA rekey's
 * old SA and its successor share it, §2.18). */
void
ike_engine_peer_moved(struct ike_engine *e, uint64_t ike_id,
    const struct sockaddr_storage *remote, uint64_t now_ms)
{
	struct ike_sa *sa;

	e->now_ms = now_ms;
	for (sa = ike_sa_table_next_id(&e->sas, ike_id, NULL); sa != NULL;
	    sa = ike_sa_table_next_id(&e->sas, ike_id, sa))
		if (sa->state == IKE_STATE_ESTABLISHED)
			ike_peer_follow(e, sa, remote);
	ike_timers_refile(e);
}
