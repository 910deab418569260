/*
 * The engine's deadline heap (ike/timers.c) against a walk over every SA:
 * two engines in one process (ike_peer_testlib) driven by seeded random
 * events — set-ups, datagrams delivered, dropped or duplicated, time
 * passing (retransmissions, DPD, half-open SAs, cached responses,
 * lifetimes: rekeys and reauthentication), ESP arriving, `uipsec rekey`,
 * terminate, a peer that restarts — and after every step
 * ike_engine_next() of each engine must equal the earliest deadline any
 * of its SAs has (a later one would be a timer missed; an earlier one a
 * wasted tick).
 */
#include <criterion/criterion.h>
#include <stdio.h>

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

static void
check(unsigned seed, int step, const char *what)
{
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		struct ike_engine *e = net.p[i].e;
		uint64_t want = brute_next(e, &n);

		cr_assert_eq(ike_engine_next(e), want,
		    "seed %u step %d (%s) peer %d, %zu SAs, now %llu: heap "
		    "%llu, walk %llu", seed, step, what, i, n,
		    (unsigned long long)net.now,
		    (unsigned long long)ike_engine_next(e),
		    (unsigned long long)want);
	}
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

	for (seed = 1; seed <= 3; seed++)
		run(seed, false);
}

Test(ike_timers, heap_equals_walk_reauth)
{
	unsigned seed;

	for (seed = 11; seed <= 13; seed++)
		run(seed, true);
}
