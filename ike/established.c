/*
 * ike/established.c — how many IKE SAs of each connection are ESTABLISHED:
 * an initiator sends INITIAL_CONTACT (RFC 7296 §2.4, §3.10.1) in IKE_AUTH
 * only when no other one is, and asks for every IKE_AUTH it sends (the
 * load generator: thousands of connections in one engine), so the answer
 * is a counter per connection rather than a walk over every SA. Each SA
 * says whether it is counted, and ike_established_sync() follows its state
 * after every move into or out of ESTABLISHED (the state setter has no
 * engine), as ike_half_open_sync() does for half-open SAs.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"

int
ike_established_init(struct ike_engine *e)
{
	e->established = calloc(e->cfg->n_conns ? e->cfg->n_conns : 1,
	    sizeof(*e->established));
	return e->established != NULL ? 0 : -1;
}

void
ike_established_free(struct ike_engine *e)
{
	free(e->established);
	e->established = NULL;
}

/* An SA's connection does not change while it is counted: the responder
 * chooses it again at IKE_AUTH (exchange_auth.c select_conn) before the
 * SA is ESTABLISHED, and a rekeyed SA inherits it before (§2.18). */
void
ike_established_sync(struct ike_engine *e, struct ike_sa *sa)
{
	bool up = sa->state == IKE_STATE_ESTABLISHED && sa->conn != NULL;

	if (up == sa->established_counted)
		return;
	sa->established_counted = up;
	if (up)
		e->established[sa->conn - e->cfg->conns]++;
	else
		e->established[sa->conn - e->cfg->conns]--;
}

size_t
ike_established_count(const struct ike_engine *e,
    const struct ike_conn_cfg *c)
{
	return e->established[c - e->cfg->conns];
}

#ifndef NDEBUG
struct recount {
	const struct ike_engine	*e;
	size_t			*n;
};

static void
recount_one(void *arg, struct ike_sa *sa)
{
	struct recount *r = arg;
	bool up = sa->state == IKE_STATE_ESTABLISHED && sa->conn != NULL;

	if (sa->established_counted != up) {
		log_err("%s[%llu]: %s but %scounted as ESTABLISHED",
		    ike_sa_name(sa), (unsigned long long)sa->id,
		    ike_state_name(sa->state), up ? "not " : "");
		abort();
	}
	if (up)
		r->n[sa->conn - r->e->cfg->conns]++;
}

/* Builds without NDEBUG, after every event (engine.c reap): the counters
 * equal a count over every SA. */
void
ike_established_check(const struct ike_engine *e)
{
	size_t n_conns = e->cfg->n_conns, i;
	struct recount r = { e, calloc(n_conns ? n_conns : 1, sizeof(*r.n)) };

	if (r.n == NULL)
		return;
	ike_sa_table_each((struct ike_sa_table *)&e->sas, recount_one, &r);
	for (i = 0; i < n_conns; i++)
		if (r.n[i] != e->established[i]) {
			log_err("%s: %zu IKE SAs ESTABLISHED, counted %zu",
			    e->cfg->conns[i].name, r.n[i], e->established[i]);
			abort();
		}
	free(r.n);
}
#endif
