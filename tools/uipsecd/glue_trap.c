/*
 * tools/uipsecd/glue_trap.c — trap policies (swanctl.conf start_action =
 * trap, dpd_action = trap): no tunnel is kept up, but the first outbound
 * packet that one would carry starts the set-up, as strongSwan's kernel
 * acquire does. Here the TUN device is the trap: the trapped children's
 * remote_ts are routed into it, so such a packet reaches the data plane,
 * which finds no SA for it and hands its addresses to glue_trap_acquire.
 * The packet itself is dropped (the application retransmits, as with an
 * acquire); once the set-up is under way the connection is no longer
 * trapped, so a flood of packets starts one set-up, not many.
 */
#include "ike_glue_internal.h"

#include <string.h>

#include "common/log.h"
#include "daemon.h"
#include "tun/tun.h"

bool
glue_trap_wanted(const struct ike_conn_cfg *c, bool after_dpd)
{
	size_t i;

	for (i = 0; i < c->n_children; i++)
		if (c->children[i].start_action == IKE_START_TRAP ||
		    (after_dpd && c->children[i].dpd_trap))
			return true;
	return false;
}

/* The peer's outer address inside a selector would loop (ike_glue.c
 * says the same for installed CHILD_SAs). */
static bool
holds_peer(const struct ike_conn_cfg *c, const struct tun_prefix *p)
{
	return c->n_remote_addrs > 0 &&
	    tun_prefix_contains(p, c->remote_addrs[0].family,
	    c->remote_addrs[0].addr);
}

void
glue_trap_set(struct ike_glue *g, const struct ike_conn_cfg *c)
{
	struct glue_conn *gc = &g->conns[c - g->cfg->conns];
	struct tun_prefix p;
	size_t i, j;

	if (gc->trapped || gc->held_down)
		return;
	gc->trapped = true;
	g->n_trapped++;
	for (i = 0; i < c->n_children; i++)
		for (j = 0; j < c->children[i].n_remote_ts; j++) {
			if (c->children[i].remote_ts[j].dynamic)
				continue;
			glue_copy_ts(&p, &c->children[i].remote_ts[j], 1);
			if (!holds_peer(c, &p))
				routes_add(&g->d->routes, &p);
		}
	log_info("%s: trapped: the next packet for its traffic selectors "
	    "starts it", c->name);
}

static bool
ts_match(const struct ike_ts_cfg *ts, size_t n, int family,
    const uint8_t *addr)
{
	struct tun_prefix p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ts[i].dynamic)
			return true;	/* our address or virtual IP */
		glue_copy_ts(&p, &ts[i], 1);
		if (tun_prefix_contains(&p, family, addr))
			return true;
	}
	return false;
}

void
glue_trap_acquire(void *arg, int family, const uint8_t *src,
    const uint8_t *dst)
{
	struct ike_glue *g = arg;
	const struct ike_conn_cfg *c;
	const struct ike_child_cfg *ch;
	size_t i, j;

	if (!g->n_trapped)
		return;
	for (i = 0; i < g->cfg->n_conns; i++) {
		c = &g->cfg->conns[i];
		if (!g->conns[i].trapped)
			continue;
		for (j = 0; j < c->n_children; j++) {
			ch = &c->children[j];
			if (!ts_match(ch->remote_ts, ch->n_remote_ts, family,
			    dst) || !ts_match(ch->local_ts, ch->n_local_ts,
			    family, src))
				continue;
			g->conns[i].trapped = false;
			g->n_trapped--;
			log_info("%s: acquire: a packet for child %s, "
			    "initiating", c->name, ch->name);
			glue_initiate(g, c, ike_glue_now_ms());
			return;
		}
	}
}
