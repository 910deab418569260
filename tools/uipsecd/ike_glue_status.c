/*
 * tools/uipsecd/ike_glue_status.c — `status` of IKE: each IKE SA from the
 * engine's snapshot (ike_engine_foreach), then its CHILD_SAs as the data
 * plane holds them, laid out as swanctl --list-sas (doc/control.md).
 */
#include "ike_glue_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control_status.h"
#include "daemon.h"
#include "udp.h"

struct walk {
	const struct ike_glue	*g;
	struct control_reply	*r;
	bool			 json;
	const struct ike_status_filter *f;
	bool			 written;	/* an SA before (JSON comma) */
	uint64_t		 now;
};

/* Seconds from now to an engine deadline (same clock), -1 for none. */
static long long
secs_to(const struct walk *w, uint64_t at)
{
	if (at == UINT64_MAX)
		return -1;
	return at > w->now ? (long long)((at - w->now) / 1000) : 0;
}

static void
child_times(const struct walk *w, const struct ike_sa_status *st,
    uint32_t spi_in, struct status_times *t)
{
	size_t i;

	t->rekey_s = t->expire_s = -1;
	t->state = NULL;
	for (i = 0; i < st->n_children; i++)
		if (st->children[i].spi_in == spi_in) {
			t->rekey_s = secs_to(w, st->children[i].rekey_ms);
			t->expire_s = secs_to(w, st->children[i].expire_ms);
			t->state = st->children[i].state;
		}
}

/* The CHILD_SAs of the snapshot as the data plane holds them: found by
 * SPI, so listing one IKE SA costs the same whatever the number of
 * tunnels. */
static void
children_of(const struct walk *w, const struct ike_sa_status *st)
{
	struct sad_conn *c[IKE_STATUS_CHILDREN_MAX];
	struct status_times t;
	size_t i, n = 0, k;

	for (i = 0; i < st->n_children && i < IKE_STATUS_CHILDREN_MAX; i++)
		if ((c[n] = sad_lookup_in(&w->g->d->sad,
		    st->children[i].spi_in)) != NULL)
			n++;
	for (k = 0; k < n; k++) {
		for (i = 0; st->children[i].spi_in != c[k]->spi_in; i++)
			;
		t.age_s = (long long)((w->now - st->children[i].installed_ms) /
		    1000);
		child_times(w, st, c[k]->spi_in, &t);
		status_child(w->r, c[k], w->json, k + 1 == n, &t);
	}
}

static void
sa_text(struct walk *w, const struct ike_sa_status *st, long long age)
{
	char l[64], r[64], lid[256], rid[256], c1[48], c2[48], c3[48];

	control_line(w->r, "%s: #%llu, %s, IKEv2, %016llx_i%s %016llx_r%s",
	    st->conn, (unsigned long long)st->id, st->state,
	    (unsigned long long)st->spi_i, st->initiator ? "*" : "",
	    (unsigned long long)st->spi_r, st->initiator ? "" : "*");
	/* IDs are known once IKE_AUTH has carried them: %any until then. */
	control_line(w->r, "  local  '%s' @ %s", status_text_str(
	    st->local_id[0] ? st->local_id : "%any", lid, sizeof(lid)),
	    sockaddr_str(&st->local, l, sizeof(l)));
	control_line(w->r, "  remote '%s' @ %s", status_text_str(
	    st->remote_id[0] ? st->remote_id : "%any", rid, sizeof(rid)),
	    sockaddr_str(&st->remote, r, sizeof(r)));
	if (st->algs[0])
		control_line(w->r, "  %s", st->algs);
	if (age >= 0)
		control_line(w->r, "  established %llds ago%s%s%s", age,
		    countdown(", rekeying in ", secs_to(w, st->rekey_ms), c1,
		    sizeof(c1)), countdown(", reauth in ", secs_to(w,
		    st->reauth_ms), c2, sizeof(c2)), countdown(", expires in ",
		    secs_to(w, st->expire_ms), c3, sizeof(c3)));
	control_line(w->r, "  IKE %llu bytes in, %llu bytes out, %u "
	    "retransmit%s%s%s", (unsigned long long)st->ike_bytes_in,
	    (unsigned long long)st->ike_bytes_out, st->retransmits,
	    st->retransmits == 1 ? "" : "s",
	    st->nat_local ? ", we are behind a NAT" : "",
	    st->nat_remote ? ", peer behind a NAT" : "");
	if (st->last_rx_ms)
		control_line(w->r, "  last packet from the peer %llds ago",
		    (long long)((w->now - st->last_rx_ms) / 1000));
}

static void
sa_json(struct walk *w, const struct ike_sa_status *st, long long age)
{
	char l[64], r[64], lid[1600], rid[1600], name[6 * IKE_NAME_MAX];

	control_line(w->r, " {\"id\": %llu, \"name\": \"%s\", \"state\": "
	    "\"%s\", \"version\": 2, \"initiator\": %s, \"spi_i\": "
	    "\"%016llx\", \"spi_r\": \"%016llx\",", (unsigned long long)st->id,
	    status_json_str(st->conn, name, sizeof(name)), st->state,
	    st->initiator ? "true" : "false",
	    (unsigned long long)st->spi_i, (unsigned long long)st->spi_r);
	control_line(w->r, "  \"local\": \"%s\", \"local_id\": \"%s\",",
	    sockaddr_str(&st->local, l, sizeof(l)),
	    status_json_str(st->local_id, lid, sizeof(lid)));
	control_line(w->r, "  \"remote\": \"%s\", \"remote_id\": \"%s\",",
	    sockaddr_str(&st->remote, r, sizeof(r)),
	    status_json_str(st->remote_id, rid, sizeof(rid)));
	control_line(w->r, "  \"proposal\": \"%s\", \"established_s\": %lld, "
	    "\"bytes_in\": %llu, \"bytes_out\": %llu,",
	    st->algs, age, (unsigned long long)st->ike_bytes_in,
	    (unsigned long long)st->ike_bytes_out);
	control_line(w->r, "  \"retransmits\": %u, \"last_rx_s\": %lld, "
	    "\"nat_local\": %s, \"nat_remote\": %s,", st->retransmits,
	    st->last_rx_ms ? (long long)((w->now - st->last_rx_ms) / 1000) :
	    -1LL, st->nat_local ? "true" : "false",
	    st->nat_remote ? "true" : "false");
	control_line(w->r, "  \"rekey_s\": %lld, \"reauth_s\": %lld, "
	    "\"expire_s\": %lld,", secs_to(w, st->rekey_ms),
	    secs_to(w, st->reauth_ms), secs_to(w, st->expire_ms));
	control_line(w->r, "  \"child_sas\": [");
}

/* `--peer`, `--id`, `--state` (doc/control.md). */
static bool
passes(const struct ike_status_filter *f, const struct ike_sa_status *st)
{
	const uint8_t *ip = st->remote.ss_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)(const void *)&st->remote)->
	    sin6_addr.s6_addr : (const uint8_t *)&((const struct sockaddr_in *)
	    (const void *)&st->remote)->sin_addr;

	if (f->peer_family && (st->remote.ss_family != f->peer_family ||
	    memcmp(ip, f->peer_addr, f->peer_family == AF_INET6 ? 16 : 4)))
		return false;
	if (f->has_id && (!st->peer_id ||
	    certs_id_match(&f->id, st->peer_id) == CERTS_ID_MATCH_NONE))
		return false;
	return !f->state || !strcasecmp(f->state, st->state);
}

static void
one_sa(void *arg, const struct ike_sa_status *st)
{
	struct walk *w = arg;
	long long age = -1;

	if (!passes(w->f, st))
		return;
	if (st->established_ms)
		age = (long long)((w->now - st->established_ms) / 1000);
	if (w->json && w->written)
		control_line(w->r, " ,");
	w->written = true;
	if (w->json)
		sa_json(w, st, age);
	else
		sa_text(w, st, age);
	children_of(w, st);
	if (w->json)
		control_line(w->r, "  ]}");
}

bool
ike_glue_status_filter(struct control_status_req *q,
    struct ike_status_filter *f)
{
	struct certs_err err = { 0 };

	memset(f, 0, sizeof(*f));
	if (q->peer) {
		f->peer_family = strchr(q->peer, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(f->peer_family, q->peer, f->peer_addr) != 1) {
			snprintf(q->error, sizeof(q->error), "--peer: '%.64s' "
			    "is not an IPv4 or IPv6 address", q->peer);
			return false;
		}
	}
	if (q->id && certs_id_parse(q->id, &f->id, &err) != CERTS_OK) {
		snprintf(q->error, sizeof(q->error), "--id: %.120s",
		    err.reason);
		return false;
	}
	f->has_id = q->id != NULL;
	f->state = q->state;
	f->any = q->peer || q->id || q->state;
	return true;
}

/* IKE SAs per part of a streamed status: about 64 of them make ~64 KB
 * of text (CONTROL_CHUNK). */
#define SAS_PER_PART	64

bool
ike_glue_status_sas(const struct ike_glue *g,
    const struct ike_status_filter *f, bool json, uint64_t *pos,
    bool *written, struct control_reply *r)
{
	struct walk w = { .g = g, .r = r, .json = json, .f = f,
	    .written = *written, .now = ike_glue_now_ms() };
	bool done;

	if (!g)
		return true;
	done = ike_engine_foreach_part(g->e, pos, SAS_PER_PART, one_sa, &w);
	*written = w.written;
	return done;
}

struct conn_count {
	const char	*name;
	size_t		 n;
};

static void
count_conn(void *arg, const struct ike_sa_status *st)
{
	struct conn_count *cc = arg;

	cc->n += !strcmp(st->conn, cc->name);
}

/* Each configured connection: how many IKE SAs it has, and what the
 * daemon will do about one that has none (retries, `down`). */
void
ike_glue_status_conns(const struct ike_glue *g, bool json,
    struct control_reply *r)
{
	const struct ike_conn_cfg *c;
	const struct glue_conn *gc;
	struct conn_count cc;
	uint64_t now = ike_glue_now_ms();
	long long next;
	char name[6 * IKE_NAME_MAX];
	size_t i;

	if (json)
		control_line(r, " \"connections\": [");
	for (i = 0; g && i < g->cfg->n_conns; i++) {
		c = &g->cfg->conns[i];
		gc = &g->conns[i];
		cc = (struct conn_count){ .name = c->name };
		ike_engine_foreach(g->e, count_conn, &cc);
		next = !gc->retry_ms ? -1 : gc->retry_ms <= now ? 0 :
		    (long long)((gc->retry_ms - now + 999) / 1000);
		if (json)
			control_line(r, "  {\"name\": \"%s\", \"ike_sas\": "
			    "%zu, \"held_down\": %s, \"failed_attempts\": %u, "
			    "\"next_attempt_s\": %lld}%s", status_json_str(
			    c->name, name, sizeof(name)), cc.n, gc->held_down ?
			    "true" : "false", gc->tries, next,
			    i + 1 == g->cfg->n_conns ? "" : ",");
		else if (!cc.n && gc->held_down)
			control_line(r, "%s: no IKE SA: held down (uipsec "
			    "down; uipsec up starts it)", c->name);
		else if (!cc.n && next >= 0)
			control_line(r, "%s: no IKE SA: %u failed set-up%s, "
			    "next attempt in %llds", c->name, gc->tries,
			    gc->tries == 1 ? "" : "s", next);
		else if (!cc.n)
			control_line(r, "%s: no IKE SA", c->name);
	}
	if (json)
		control_line(r, " ],");
}

/* SAs that pass the filter, by state name (few distinct names). */
#define STATES_MAX	8
struct tally {
	const struct ike_status_filter *f;
	size_t		 total, shown, children;
	size_t		 n_states;
	const char	*state[STATES_MAX];
	size_t		 count[STATES_MAX];
};

static void
tally_one(void *arg, const struct ike_sa_status *st)
{
	struct tally *t = arg;
	size_t i;

	t->total++;
	if (!passes(t->f, st))
		return;
	t->shown++;
	for (i = 0; i < t->n_states && strcmp(t->state[i], st->state); i++)
		;
	if (i == t->n_states && i < STATES_MAX)
		t->state[t->n_states++] = st->state;
	if (i < STATES_MAX)
		t->count[i]++;
}

static void
pools_summary(const struct ike_glue *g, bool json, struct control_reply *r)
{
	uint64_t size, online, offline;
	char name[6 * IKE_NAME_MAX];
	size_t i;

	if (json)
		control_line(r, " \"pools\": [");
	for (i = 0; g && i < g->cfg->n_pools; i++) {
		if (!ike_engine_pool_stats(g->e, g->cfg->pools[i].name, &size,
		    &online, &offline))
			continue;
		if (json)
			control_line(r, "  {\"name\": \"%s\", \"size\": %llu, "
			    "\"online\": %llu, \"offline\": %llu}%s",
			    status_json_str(g->cfg->pools[i].name, name,
			    sizeof(name)), (unsigned long long)size,
			    (unsigned long long)online,
			    (unsigned long long)offline,
			    i + 1 == g->cfg->n_pools ? "" : ",");
		else
			control_line(r, "pool %s: %llu of %llu addresses "
			    "leased, %llu kept for reconnecting peers",
			    g->cfg->pools[i].name, (unsigned long long)online,
			    (unsigned long long)size,
			    (unsigned long long)offline);
	}
	if (json)
		control_line(r, " ],");
}

void
ike_glue_status_summary(const struct ike_glue *g,
    const struct ike_status_filter *f, bool json, struct control_reply *r)
{
	struct tally t = { .f = f };
	const struct glue_child *ch;
	char states[STATES_MAX * 40] = "";
	size_t i, len = 0;

	if (!g && !json)
		return;		/* no IKE: nothing to count */
	if (g)
		ike_engine_foreach(g->e, tally_one, &t);
	for (ch = g ? g->children : NULL; ch; ch = ch->next)
		t.children++;
	for (i = 0; i < t.n_states; i++)
		len += (size_t)snprintf(states + len, sizeof(states) - len,
		    json ? "%s\"%s\": %zu" : "%s%s %zu", i ? ", " : "",
		    t.state[i], t.count[i]);
	if (json)
		control_line(r, " \"summary\": {\"ike_sas\": %zu, \"shown\": "
		    "%zu, \"states\": {%s}, \"child_sas\": %zu},", t.total,
		    t.shown, states, t.children);
	else if (f->any)
		control_line(r, "summary: %zu of %zu IKE SAs match (%s); "
		    "%zu CHILD_SAs in all", t.shown, t.total,
		    states[0] ? states : "none", t.children);
	else
		control_line(r, "summary: %zu IKE SAs (%s), %zu CHILD_SAs",
		    t.total, states[0] ? states : "none", t.children);
	pools_summary(g, json, r);
}
