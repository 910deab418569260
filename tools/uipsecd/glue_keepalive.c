/*
 * tools/uipsecd/glue_keepalive.c — NAT keepalives (RFC 3948 §2.3): a UDP
 * datagram of one 0xFF byte to the peer's port 4500 that keeps the NAT's
 * mapping alive. Only the side behind the NAT sends them (the engine says
 * so per CHILD_SA: ike_child_install.nat_local), and only when nothing
 * else went to that peer for keep_alive (strongSwan's charon.keep_alive):
 * ESP packets (the outbound SA's counter, read every keep_alive / 4), IKE
 * messages (glue_keepalive_sent, from the glue's send) and keepalives.
 */
#include "ike_glue_internal.h"

#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "daemon.h"
#include "udp.h"

#define KA_POLLS	4

static uint64_t
poll_step(const struct ike_glue *g)
{
	uint64_t step = g->set->keep_alive_ms / KA_POLLS;

	return step < 1000 ? 1000 : step;
}

void
glue_keepalive_sent(struct ike_glue *g, const struct sockaddr_storage *to,
    uint64_t now)
{
	struct glue_child *ch;

	if (g->n_nat_children == 0)
		return;
	for (ch = g->children; ch; ch = ch->next)
		if (ch->nat_local && ike_sockaddr_equal(&ch->sa->remote, to))
			ch->ka_sent_ms = now;
}

static uint64_t
child_next(const struct ike_glue *g, const struct glue_child *ch)
{
	uint64_t due = ch->ka_sent_ms + g->set->keep_alive_ms;
	uint64_t poll = (ch->ka_poll_ms > ch->ka_sent_ms ? ch->ka_poll_ms :
	    ch->ka_sent_ms) + poll_step(g);

	return poll < due ? poll : due;
}

uint64_t
glue_keepalive_next(const struct ike_glue *g)
{
	uint64_t next = UINT64_MAX, t;
	const struct glue_child *ch;

	if (!g->set->keep_alive_ms || g->n_nat_children == 0)
		return next;
	for (ch = g->children; ch; ch = ch->next)
		if (ch->nat_local && (t = child_next(g, ch)) < next)
			next = t;
	return next;
}

static void
send_keepalive(struct ike_glue *g, struct glue_child *ch)
{
	static const uint8_t ff = 0xff;	/* RFC 3948 §2.3 */
	const union ike_sockaddr *a = &ch->sa->remote;
	struct sockaddr_storage ss;
	char to[64];

	if (sendto(g->d->udp_fd, &ff, 1, MSG_DONTWAIT, &a->sa,
	    ike_sockaddr_len(a)) < 0) {
		ike_sockaddr_get(a, &ss);
		log_warn("%s: NAT keepalive to %s: %s", ch->conn,
		    sockaddr_str(&ss, to, sizeof(to)), strerror(errno));
	}
}

void
glue_keepalive_tick(struct ike_glue *g, uint64_t now)
{
	struct sockaddr_storage to;
	struct glue_child *ch;
	uint64_t out;

	if (!g->set->keep_alive_ms || g->n_nat_children == 0)
		return;
	for (ch = g->children; ch; ch = ch->next) {
		if (!ch->nat_local || now < child_next(g, ch))
			continue;
		ch->ka_poll_ms = now;
		if ((out = esp_sa_stats(ch->sa->out)->packets) !=
		    ch->ka_out_seen) {
			ch->ka_out_seen = out;	/* ESP went out: alive */
			ch->ka_sent_ms = now;
			continue;
		}
		if (now < ch->ka_sent_ms + g->set->keep_alive_ms)
			continue;
		send_keepalive(g, ch);
		/* Every child to this peer counts it (one per peer). */
		ike_sockaddr_get(&ch->sa->remote, &to);
		glue_keepalive_sent(g, &to, now);
	}
}
