/*
 * ike/lifetime.c — soft and hard lifetimes of IKE and CHILD SAs with
 * swanctl.conf(5) semantics (defaults in config_lifetime.c):
 *
 *   CHILD_SA: rekey at rekey_time - random(rand_time), or when the data
 *   plane counted rekey_bytes - random(rand_bytes) / rekey_packets -
 *   random(rand_packets) in either direction; deleted at life_time /
 *   life_bytes / life_packets (hard: it leaves the data plane at once).
 *   IKE SA: rekey at rekey_time - random(rand_time), reauthenticate at
 *   reauth_time - random(rand_time) (make-before-break: a new IKE SA from
 *   IKE_SA_INIT on, then the old one deleted), deleted over_time after
 *   the first of the two if neither happened.
 *
 * The random part spreads the rekeys of many tunnels and makes collisions
 * between two ends with equal settings rare (RFC 7296 §2.8.1). Requests
 * go out only when the SA's window is free (§2.3); what is due then waits
 * for the next tick.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"

/* The data plane's counters are read this often while limits apply. */
#define IKE_COUNTERS_POLL_MS	1000

/* Uniform in [0, range]. */
static uint64_t
jitter(uint64_t range)
{
	uint64_t r;

	if (range == 0)
		return 0;
	if (range < UINT32_MAX)
		return randombytes_uniform((uint32_t)range + 1);
	randombytes_buf(&r, sizeof(r));
	return r % range;
}

/* now + t - random(r), all in ms; UINT64_MAX when t is 0. */
static uint64_t
soft_deadline(uint64_t now, uint64_t t, uint64_t r)
{
	if (t == 0)
		return UINT64_MAX;
	return now + t - jitter(r < t ? r : t - 1);
}

void
ike_lifetime_child_start(struct ike_engine *e, struct ike_child_sa *ch)
{
	const struct ike_child_cfg *c = ch->cfg;

	ch->rekey_ms = soft_deadline(e->now_ms, (uint64_t)c->rekey_time * 1000,
	    c->rand_time_ms);
	ch->expire_ms = c->life_time_ms ? e->now_ms + c->life_time_ms :
	    UINT64_MAX;
	ch->rekey_bytes = c->rekey_bytes ? c->rekey_bytes -
	    jitter(c->rand_bytes < c->rekey_bytes ? c->rand_bytes : 0) : 0;
	ch->life_bytes = c->life_bytes;
	ch->rekey_packets = c->rekey_packets ? c->rekey_packets -
	    jitter(c->rand_packets < c->rekey_packets ? c->rand_packets : 0) : 0;
	ch->life_packets = c->life_packets;
	ch->bytes = ch->packets = 0;
}

void
ike_lifetime_ike_start(struct ike_engine *e, struct ike_sa *sa)
{
	const struct ike_conn_cfg *c = sa->conn;
	uint64_t rand;
	uint32_t first;

	sa->rekey_ms = sa->reauth_ms = sa->expire_ms = UINT64_MAX;
	if (c == NULL)
		return;
	rand = (uint64_t)c->rand_time * 1000;
	sa->rekey_ms = soft_deadline(e->now_ms, (uint64_t)c->rekey_time * 1000,
	    rand);
	/* Only the end that can reach the other reauthenticates. */
	if (sa->initiator && ike_conn_can_initiate(c))
		sa->reauth_ms = soft_deadline(e->now_ms,
		    (uint64_t)c->reauth_time * 1000, rand);
	first = c->rekey_time;
	if (c->reauth_time != 0 && (first == 0 || c->reauth_time < first))
		first = c->reauth_time;
	if (first != 0)
		sa->expire_ms = e->now_ms +
		    ((uint64_t)first + c->over_time) * 1000;
}

static bool
has_volume_limits(const struct ike_child_sa *ch)
{
	return ch->rekey_bytes || ch->life_bytes || ch->rekey_packets ||
	    ch->life_packets;
}

static void
read_counters(struct ike_engine *e, struct ike_child_sa *ch)
{
	struct ike_child_counters k;

	if (e->io.child_counters == NULL || !ch->installed ||
	    !has_volume_limits(ch) ||
	    e->io.child_counters(e->io.arg, ch->spi_in, ch->spi_out, &k) != 0)
		return;
	ch->bytes = k.bytes_in > k.bytes_out ? k.bytes_in : k.bytes_out;
	ch->packets = k.packets_in > k.packets_out ? k.packets_in :
	    k.packets_out;
}

static bool
child_hard_due(const struct ike_child_sa *ch, uint64_t now)
{
	return now >= ch->expire_ms ||
	    (ch->life_bytes && ch->bytes >= ch->life_bytes) ||
	    (ch->life_packets && ch->packets >= ch->life_packets);
}

static bool
child_soft_due(const struct ike_child_sa *ch, uint64_t now)
{
	return ch->state == IKE_CHILD_INSTALLED && !ch->delete_due &&
	    (now >= ch->rekey_ms ||
	    (ch->rekey_bytes && ch->bytes >= ch->rekey_bytes) ||
	    (ch->rekey_packets && ch->packets >= ch->rekey_packets));
}

/* Hard lifetime: out of the data plane now, Deleted when the window is
 * free (RFC 7296 §1.4.1). */
static void
children_expire(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_child_sa *ch;

	for (ch = sa->children; ch != NULL; ch = ch->next) {
		if (ike_child_route_pending(ch) &&
		    e->now_ms >= ch->installed_ms + IKE_ROUTE_DEFER_MS)
			ike_children_route(e, sa);
		read_counters(e, ch);
		if (!ch->installed || !child_hard_due(ch, e->now_ms))
			continue;
		log_info("%s[%llu]: CHILD_SA %s %08x_i %08x_o expired (hard "
		    "lifetime: %llu bytes, %llu packets)", ike_sa_name(sa),
		    (unsigned long long)sa->id, ch->cfg->name, ch->spi_in,
		    ch->spi_out, (unsigned long long)ch->bytes,
		    (unsigned long long)ch->packets);
		ike_child_remove(e, ch);
		ch->expire_ms = UINT64_MAX;
		if (ch->state != IKE_CHILD_DELETING)
			ch->delete_due = true;
	}
}

/* The SA that carries tunnel id (the table's index by id): not CLOSED
 * and, of an IKE SA rekey's old SA and its successor (which share the id,
 * §2.18), the one not replaced; NULL if none. */
static struct ike_sa *
find_id(struct ike_engine *e, uint64_t id)
{
	struct ike_sa *sa, *found = NULL;

	for (sa = ike_sa_table_next_id(&e->sas, id, NULL); sa != NULL;
	    sa = ike_sa_table_next_id(&e->sas, id, sa))
		if (sa->state != IKE_STATE_CLOSED &&
		    (found == NULL || found->replaced))
			found = sa;
	return found;
}

/* Reauthentication: a new IKE SA with IKE_AUTH and its CHILD_SA; when it
 * is up, exchange_auth.c calls ike_reauth_done and this one goes. */
static bool
reauth_start(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa *n;

	sa->reauth_ms = UINT64_MAX;	/* once; over_time ends it else */
	log_info("%s[%llu]: reauthenticating: a new IKE SA first",
	    ike_sa_name(sa), (unsigned long long)sa->id);
	if (ike_sa_init_initiate(e, sa->conn, 0) != 0 ||
	    (n = find_id(e, e->next_id)) == NULL)
		return false;
	n->reauth_of = sa->id;
	return true;
}

void
ike_reauth_done(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa *old = find_id(e, sa->reauth_of);

	if (old == NULL || old == sa || old->conn != sa->conn ||
	    old->state != IKE_STATE_ESTABLISHED)
		return;
	log_info("%s[%llu]: reauthenticated as IKE SA %llu: deleting this one",
	    ike_sa_name(old), (unsigned long long)old->id,
	    (unsigned long long)sa->id);
	ike_timers_touch(e, old);
	old->replaced = old->delete_due = true;
	if (!old->req.active)
		ike_info_delete(e, old);
}

/* The next of the connection's children still to create (§1.3.1). */
static bool
create_next_child(struct ike_engine *e, struct ike_sa *sa)
{
	unsigned i;

	for (i = 0; i < sa->conn->n_children; i++)
		if (sa->children_todo & (1u << i)) {
			sa->children_todo &= (uint8_t)~(1u << i);
			return ike_child_create_start(e, sa,
			    &sa->conn->children[i]) == 0;
		}
	sa->children_todo = 0;
	return false;
}

static bool
start_due(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_child_sa *ch;
	uint64_t now = e->now_ms;

	if (sa->delete_due)
		return ike_info_delete(e, sa) == 0;
	for (ch = sa->children; ch != NULL; ch = ch->next)
		if (ch->delete_due)
			return ike_info_delete_child(e, sa, ch) == 0;
	if (sa->replaced || sa->rekey != NULL || now < sa->retry_ms)
		return false;
	if (sa->children_todo != 0)
		return create_next_child(e, sa);
	if (now >= sa->reauth_ms)
		return reauth_start(e, sa);
	if (now >= sa->rekey_ms) {
		if (ike_rekey_ike_start(e, sa) == 0)
			return true;
		sa->retry_ms = now + IKE_REKEY_RETRY_MS;
		return false;
	}
	for (ch = sa->children; ch != NULL; ch = ch->next)
		if (child_soft_due(ch, now)) {
			if (ike_rekey_child_start(e, sa, ch) == 0)
				return true;
			sa->retry_ms = now + IKE_REKEY_RETRY_MS;
			return false;
		}
	return false;
}

bool
ike_lifetime_tick(struct ike_engine *e, struct ike_sa *sa)
{
	static const char expired[] = "IKE SA expired (over_time passed "
	    "without rekey or reauthentication)";

	if (sa->state != IKE_STATE_ESTABLISHED)
		return false;
	if (e->now_ms >= sa->expire_ms) {
		if (!sa->replaced)
			log_info("%s[%llu]: %s", ike_sa_name(sa),
			    (unsigned long long)sa->id, expired);
		sa->expire_ms = UINT64_MAX;
		if (sa->req.active || ike_info_delete(e, sa) != 0)
			ike_sa_close(e, sa, IKE_SA_EVENT_DOWN, expired);
		return true;
	}
	children_expire(e, sa);
	return !sa->req.active && start_due(e, sa);
}

static void
earliest(uint64_t *next, uint64_t t)
{
	if (t < *next)
		*next = t;
}

uint64_t
ike_lifetime_next(const struct ike_engine *e, const struct ike_sa *sa)
{
	const struct ike_child_sa *ch;
	uint64_t next = UINT64_MAX, soft = UINT64_MAX;

	if (sa->state != IKE_STATE_ESTABLISHED)
		return UINT64_MAX;
	earliest(&next, sa->expire_ms);
	bool busy = sa->req.active, rekeys = !sa->replaced && sa->rekey == NULL;

	for (ch = sa->children; ch != NULL; ch = ch->next) {
		if (ch->installed)
			earliest(&next, ch->expire_ms);
		if (ike_child_route_pending(ch))
			earliest(&next, ch->installed_ms + IKE_ROUTE_DEFER_MS);
		if (ch->installed && has_volume_limits(ch) &&
		    e->io.child_counters != NULL)
			earliest(&next, e->now_ms + IKE_COUNTERS_POLL_MS);
		if (ch->delete_due && !busy)
			earliest(&next, e->now_ms);
		if (rekeys && ch->state == IKE_CHILD_INSTALLED && !ch->delete_due)
			earliest(&soft, ch->rekey_ms);
	}
	if (sa->delete_due && !busy)
		earliest(&next, e->now_ms);
	if (rekeys) {
		if (sa->children_todo != 0)
			earliest(&soft, e->now_ms);
		earliest(&soft, sa->rekey_ms);
		earliest(&soft, sa->reauth_ms);
	}
	/* Requests wait for a free window and for a refused rekey's retry. */
	if (!busy && soft != UINT64_MAX)
		earliest(&next, soft > sa->retry_ms ? soft : sa->retry_ms);
	return next;
}

struct rekey_ctx {
	const char	*conn;
	const char	*child;		/* NULL: every child */
	bool		 ike;
	uint64_t	 now;
	int		 n;
};

static void
rekey_one(void *arg, struct ike_sa *sa)
{
	struct rekey_ctx *r = arg;
	struct ike_child_sa *ch;

	if (sa->conn == NULL || strcmp(sa->conn->name, r->conn) != 0 ||
	    sa->state != IKE_STATE_ESTABLISHED || sa->replaced)
		return;
	sa->retry_ms = 0;
	if (r->ike) {
		sa->rekey_ms = r->now;
		r->n++;
		return;
	}
	for (ch = sa->children; ch != NULL; ch = ch->next)
		if (ch->state == IKE_CHILD_INSTALLED && (r->child == NULL ||
		    strcmp(ch->cfg->name, r->child) == 0)) {
			ch->rekey_ms = r->now;
			r->n++;
		}
}

static int
rekey_now(struct ike_engine *e, struct rekey_ctx *r)
{
	const struct ike_conn_cfg *c = ike_config_find(e->cfg, r->conn);
	size_t i;

	e->now_ms = r->now;
	if (c == NULL)
		return -1;
	for (i = 0; r->child != NULL && i < c->n_children; i++)
		if (strcmp(c->children[i].name, r->child) == 0)
			break;
	if (r->child != NULL && i == c->n_children)
		return -1;
	ike_sa_table_each(&e->sas, rekey_one, r);
	ike_timers_touch_all(e);	/* rekey times moved to now */
	ike_timers_refile(e);
	return r->n;
}

int
ike_engine_rekey(struct ike_engine *e, const char *conn, bool ike,
    uint64_t now_ms)
{
	struct rekey_ctx r = { conn, NULL, ike, now_ms, 0 };

	return rekey_now(e, &r);
}

int
ike_engine_rekey_child(struct ike_engine *e, const char *conn,
    const char *child, uint64_t now_ms)
{
	struct rekey_ctx r = { conn, child, false, now_ms, 0 };

	return rekey_now(e, &r);
}
