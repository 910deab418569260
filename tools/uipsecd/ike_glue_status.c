/*
 * tools/uipsecd/ike_glue_status.c — `status` of IKE: each IKE SA from the
 * engine's snapshot (ike_engine_foreach), then its CHILD_SAs as the data
 * plane holds them, laid out as swanctl --list-sas (doc/control.md).
 */
#include "ike_glue_internal.h"

#include <stdio.h>
#include <string.h>

#include "control_status.h"
#include "daemon.h"
#include "udp.h"

struct walk {
	const struct ike_glue	*g;
	struct control_reply	*r;
	bool			 json;
	size_t			 n, i;
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

/* The CHILD_SAs of one IKE SA, from the engine's list of them: each found
 * by its SPI in the SA database, so a status costs O(tunnels), not
 * O(tunnels^2) as a walk of every child per IKE SA would. */
static void
children_of(const struct walk *w, const struct ike_sa_status *st)
{
	const struct glue_child *ch;
	struct status_times t;
	struct sad_conn *c;
	size_t i, n = 0, k = 0;

	for (i = 0; i < st->n_children; i++)
		n += sad_lookup_in(&w->g->d->sad, st->children[i].spi_in) != NULL;
	for (i = 0; i < st->n_children; i++) {
		if (!(c = sad_lookup_in(&w->g->d->sad, st->children[i].spi_in)))
			continue;
		ch = glue_child_of(c->cfg);
		t.age_s = (long long)((w->now - ch->installed_ms) / 1000);
		child_times(w, st, ch->k.in.spi, &t);
		status_child(w->r, c, w->json, ++k == n, &t);
	}
}

static void
count_sa(void *arg, const struct ike_sa_status *st)
{
	(void)st;
	((struct walk *)arg)->n++;
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

static void
one_sa(void *arg, const struct ike_sa_status *st)
{
	struct walk *w = arg;
	long long age = -1;

	if (st->established_ms)
		age = (long long)((w->now - st->established_ms) / 1000);
	if (w->json)
		sa_json(w, st, age);
	else
		sa_text(w, st, age);
	children_of(w, st);
	if (w->json)
		control_line(w->r, "  ]}%s", ++w->i == w->n ? "" : ",");
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
static void
conns(const struct walk *w)
{
	const struct ike_conn_cfg *c;
	const struct glue_conn *gc;
	struct conn_count cc;
	long long next;
	char name[6 * IKE_NAME_MAX];
	size_t i;

	for (i = 0; i < w->g->cfg->n_conns; i++) {
		c = &w->g->cfg->conns[i];
		gc = &w->g->conns[i];
		cc = (struct conn_count){ .name = c->name };
		ike_engine_foreach(w->g->e, count_conn, &cc);
		next = !gc->retry_ms ? -1 : gc->retry_ms <= w->now ? 0 :
		    (long long)((gc->retry_ms - w->now + 999) / 1000);
		if (w->json)
			control_line(w->r, "  {\"name\": \"%s\", \"ike_sas\": "
			    "%zu, \"held_down\": %s, \"failed_attempts\": %u, "
			    "\"next_attempt_s\": %lld}%s", status_json_str(
			    c->name, name, sizeof(name)), cc.n, gc->held_down ?
			    "true" : "false", gc->tries, next,
			    i + 1 == w->g->cfg->n_conns ? "" : ",");
		else if (!cc.n && gc->held_down)
			control_line(w->r, "%s: no IKE SA: held down (uipsec "
			    "down; uipsec up starts it)", c->name);
		else if (!cc.n && next >= 0)
			control_line(w->r, "%s: no IKE SA: %u failed set-up%s, "
			    "next attempt in %llds", c->name, gc->tries,
			    gc->tries == 1 ? "" : "s", next);
		else if (!cc.n)
			control_line(w->r, "%s: no IKE SA", c->name);
	}
}

void
ike_glue_status(const struct ike_glue *g, bool json, struct control_reply *r)
{
	struct walk w = { .g = g, .r = r, .json = json,
	    .now = ike_glue_now_ms() };

	if (json)
		control_line(r, " \"ike_sas\": [");
	if (g) {
		ike_engine_foreach(g->e, count_sa, &w);
		ike_engine_foreach(g->e, one_sa, &w);
	}
	if (json)
		control_line(r, " ],");
	if (json)
		control_line(r, " \"connections\": [");
	if (g)
		conns(&w);
	if (json)
		control_line(r, " ],");
}
