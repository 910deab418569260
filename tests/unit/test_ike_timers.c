/*
 * The engine's deadline heap (ike/timers.c) and its other indexes against
 * a walk over every SA: two engines in one process (ike_peer_testlib)
 * driven by seeded random events — set-ups, datagrams delivered, dropped
 * or duplicated, time passing (retransmissions, DPD, half-open SAs,
 * cached responses, lifetimes: rekeys and reauthentication), ESP
 * arriving, `uipsec rekey`, terminate, a peer that restarts, the CCU's
 * NAT mapping changing — and after every step, for each engine:
 * - ike_engine_next() equals the earliest deadline any of its SAs has (a
 *   later one would be a timer missed; an earlier one a wasted tick);
 * - the ESTABLISHED SAs counted per connection (established.c, which
 *   INITIAL_CONTACT asks) equal a count over every SA;
 * - the table's index by id (lifetime.c's reauthentication, dpd.c's
 *   ike_engine_peer_moved) lists exactly the SAs of each id;
 * and ike_engine_peer_moved() for a random id moves exactly the SAs a
 * walk says it should.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ike/engine_internal.h"
#include "ike_peer_testlib.h"

#define ECDSA_IKE	"aes256-sha256-ecp256"
#define ESP_DEFAULT	"aes256-sha1"
#define STEPS		1500
#define MAX_SAS		6

static void
teardown(void)
{
	net_free();
}

TestSuite(ike_timers, .fini = teardown, .timeout = 240);

static uint64_t rng;
/* SAs nat_moves() saw moved (test_ike_rekey moves both SAs of one id). */
static size_t moved;

/* xorshift64: the same events for the same seed on every machine. */
static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

struct walk {
	const struct ike_engine	*e;
	uint64_t		 next;
	size_t			 n;
};

static void
walk_one(void *arg, struct ike_sa *sa)
{
	struct walk *w = arg;
	uint64_t t = ike_timer_due(w->e, sa);

	if (t < w->next)
		w->next = t;
	w->n++;
}

/* The earliest deadline of all of e's SAs, the old way; *n: SAs. */
static uint64_t
brute_next(struct ike_engine *e, size_t *n)
{
	struct walk w = { e, UINT64_MAX, 0 };

	ike_sa_table_each(&e->sas, walk_one, &w);
	*n = w.n;
	return w.next;
}

/* Every SA of e, by walk (at most SAS_MAX). */
#define SAS_MAX	64
struct all_sas {
	struct ike_sa	*sa[SAS_MAX];
	size_t		 n;
};

static void
list_one(void *arg, struct ike_sa *sa)
{
	struct all_sas *a = arg;

	cr_assert_lt(a->n, SAS_MAX, "more SAs than the test expects");
	a->sa[a->n++] = sa;
}

static void
list_sas(struct ike_engine *e, struct all_sas *a)
{
	a->n = 0;
	ike_sa_table_each(&e->sas, list_one, a);
}

/* established.c's counts against the walk's. */
static void
check_established(const struct ike_engine *e, const struct all_sas *a,
    const char *ctx)
{
	size_t c, i, n;

	for (c = 0; c < e->cfg->n_conns; c++) {
		for (i = n = 0; i < a->n; i++)
			n += a->sa[i]->conn == &e->cfg->conns[c] &&
			    a->sa[i]->state == IKE_STATE_ESTABLISHED;
		cr_assert_eq(ike_established_count(e, &e->cfg->conns[c]), n,
		    "%s: connection %s: %zu ESTABLISHED, counted %zu", ctx,
		    e->cfg->conns[c].name, n,
		    ike_established_count(e, &e->cfg->conns[c]));
	}
}

/* The index by id lists, for each id given so far (and one more), the
 * SAs of that id the walk found, each once. */
static void
check_ids(const struct ike_engine *e, const struct all_sas *a,
    const char *ctx)
{
	const struct ike_sa *sa;
	uint64_t id;
	size_t i, walked, indexed;

	for (id = 0; id <= e->next_id + 1; id++) {
		for (i = walked = 0; i < a->n; i++)
			walked += a->sa[i]->id == id;
		indexed = 0;
		for (sa = ike_sa_table_next_id(&e->sas, id, NULL); sa != NULL;
		    sa = ike_sa_table_next_id(&e->sas, id, sa)) {
			cr_assert_eq(sa->id, id);
			for (i = 0; i < a->n && a->sa[i] != sa; i++)
				;
			cr_assert_lt(i, a->n, "%s: id %llu: indexed SA not in "
			    "the table", ctx, (unsigned long long)id);
			indexed++;
		}
		cr_assert_eq(indexed, walked, "%s: id %llu: %zu SAs, %zu "
		    "indexed", ctx, (unsigned long long)id, walked, indexed);
	}
}

static void
check(unsigned seed, int step, const char *what)
{
	struct all_sas a;
	char ctx[160];
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		struct ike_engine *e = net.p[i].e;
		uint64_t want = brute_next(e, &n);

		snprintf(ctx, sizeof(ctx), "seed %u step %d (%s) peer %d",
		    seed, step, what, i);
		cr_assert_eq(ike_engine_next(e), want,
		    "%s, %zu SAs, now %llu: heap %llu, walk %llu", ctx, n,
		    (unsigned long long)net.now,
		    (unsigned long long)ike_engine_next(e),
		    (unsigned long long)want);
		list_sas(e, &a);
		check_established(e, &a, ctx);
		check_ids(e, &a, ctx);
	}
}

/* The CCU's NAT maps it to another port; the data plane of `who` sees
 * ESP of a random IKE SA id from there: ike_engine_peer_moved() must move
 * the ESTABLISHED SAs of that id toward a peer behind a NAT (§2.23) and
 * no other, as a walk picks them. */
static void
nat_moves(int who)
{
	struct ike_engine *e = net.p[who].e;
	struct sockaddr_storage to, before[SAS_MAX], now;
	struct sockaddr_in *in = (struct sockaddr_in *)&to;
	struct all_sas a;
	uint64_t id;
	bool moves;
	size_t i, n = 0;

	net.nat_shift = (uint16_t)(1000 + rnd(64));
	memset(&to, 0, sizeof(to));
	in->sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.99", &in->sin_addr);
	in->sin_port = htons((uint16_t)(4500 + net.nat_shift));
	list_sas(e, &a);
	/* Mostly the id of an SA that exists; now and then any. */
	id = a.n > 0 && rnd(4) != 0 ? a.sa[rnd((uint32_t)a.n)]->id :
	    rnd((uint32_t)e->next_id + 2);
	for (i = 0; i < a.n; i++)
		ike_sockaddr_get(&a.sa[i]->remote, &before[i]);
	ike_engine_peer_moved(e, id, &to, net.now);
	for (i = 0; i < a.n; i++) {
		const struct ike_sa *sa = a.sa[i];

		moves = sa->id == id && sa->state == IKE_STATE_ESTABLISHED &&
		    sa->nat_remote;
		n += moves;
		ike_sockaddr_get(&sa->remote, &now);
		cr_assert(ike_addr_equal(&now, moves ? &to : &before[i]),
		    "peer %d: IKE SA %llu (%s) %s by a move of %llu", who,
		    (unsigned long long)sa->id, ike_state_name(sa->state),
		    moves ? "not moved" : "moved",
		    (unsigned long long)id);
	}
	moved += n;
}

static size_t
sas(int who)
{
	size_t n;

	brute_next(net.p[who].e, &n);
	return n;
}

/* To the earliest deadline of either engine (if within max ms). */
static void
advance_to_next(uint64_t max)
{
	uint64_t a = ike_engine_next(net.p[PEER_A].e);
	uint64_t b = ike_engine_next(net.p[PEER_B].e);
	uint64_t t = a < b ? a : b;

	if (t <= net.now)
		net_advance(0);
	else if (t - net.now <= max)
		net_advance(t - net.now);
	else
		net_advance(max);
}

static const char *
step_once(void)
{
	uint32_t r = rnd(1000);
	int who = (int)rnd(2);

	if (net.n > NET_QUEUE_MAX - 12) {	/* keep the wire from filling */
		net_step();
		return "deliver (full)";
	}
	if (r < 600) {
		if (net.n == 0)
			return "nothing queued";
		if (r < 30)
			net_drop();
		else if (r < 45)
			net_dup();
		else
			net_step();
		return r < 30 ? "drop" : r < 45 ? "duplicate" : "deliver";
	}
	if (r < 650) {
		if (sas(PEER_A) >= MAX_SAS)
			return "enough SAs";
		ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now);
		return "initiate";
	}
	if (r < 800) {
		advance_to_next(60000);
		return "to the next deadline";
	}
	if (r < 880) {
		net_advance(r < 870 ? rnd(3000) : rnd(120000));
		return "time passes";
	}
	if (r < 950) {
		net.p[who].counters.packets_in += 1 + rnd(5);
		net.p[who].counters.bytes_in += 100;
		net_advance(0);
		return "ESP arrives";
	}
	if (r < 975) {
		ike_engine_rekey(net.p[who].e, "fleet", rnd(2) == 0, net.now);
		return "uipsec rekey";
	}
	if (r < 985) {
		ike_engine_terminate(net.p[who].e, "fleet", net.now);
		return "terminate";
	}
	if (r < 990) {
		peer_restart(PEER_A);	/* the CCU reboots */
		return "restart";
	}
	if (r < 998) {
		nat_moves(who);
		return "NAT mapping moves";
	}
	return "nothing";
}

static void
run(unsigned seed, bool reauth)
{
	struct ike_conn_cfg *a, *b;
	const char *what;
	int i;

	rng = 0x9e3779b97f4a7c15ULL ^ seed;
	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.nat = true;		/* the CCU behind a NAT that may move */
	a = &net.p[PEER_A].conn;
	b = &net.p[PEER_B].conn;
	a->dpd_delay = 20;		/* DPD probes and their polls */
	b->dpd_delay = 30;
	a->rekey_time = reauth ? 0 : 90;	/* IKE SA rekeys */
	a->reauth_time = reauth ? 40 : 0;
	a->over_time = a->rand_time = 10;
	a->children[0].rekey_time = 60;		/* CHILD_SA rekeys */
	a->children[0].life_time_ms = 70000;
	a->children[0].rand_time_ms = 5000;
	b->children[0].rekey_time = 80;
	b->children[0].life_time_ms = 95000;
	b->children[0].rand_time_ms = 5000;
	net.p[PEER_A].children_counted_only = true;
	net.p[PEER_B].children_counted_only = true;
	for (i = 0; i < 2; i++) {
		ike_settings_default(&net.p[i].set);
		net.p[i].set.half_open_timeout_ms = 8000;
		net.p[i].set.retransmit_timeout_ms = 1000;
		net.p[i].have_set = true;
	}
	peer_start();
	check(seed, -1, "start");
	for (i = 0; i < STEPS; i++) {
		what = step_once();
		check(seed, i, what);
	}
	net_free();
}

Test(ike_timers, heap_equals_walk_rekey)
{
	unsigned seed;

	moved = 0;
	for (seed = 1; seed <= 3; seed++)
		run(seed, false);
	/* The moves reached SAs (fixed seeds: always or never). */
	cr_assert_gt(moved, 0, "no SA moved");
}

Test(ike_timers, heap_equals_walk_reauth)
{
	unsigned seed;

	moved = 0;
	for (seed = 11; seed <= 13; seed++)
		run(seed, true);
	cr_assert_gt(moved, 0, "no SA moved");
}
