/*
 * Memory per established idle IKE SA on the responder (the concentrator
 * goal: <= 4 KB per tunnel, doc/ike-config.md): N CCUs set up an IKE SA
 * with a virtual IP and a CHILD_SA each, and the responder's heap growth
 * (mallinfo2, bytes in use) per SA must stay under a bound that catches
 * regressions. The figure is printed. The initiator (one engine playing
 * every CCU) is started afresh, with no SA, before each measurement, so
 * that only the responder's growth is counted; CTest turns glibc's tcache
 * off (tests/CMakeLists.txt), whose freed chunks mallinfo2 would count.
 */
#include <criterion/criterion.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ike/ike_sa.h"
#include "ike/ikev2_wire.h"
#include "ike_peer_testlib.h"

#define ECDSA_IKE	"aes256-sha256-ecp256"
#define ESP_DEFAULT	"aes256-sha1"
#define N_SAS		200
/* The goal is 4 KB per tunnel for the whole daemon; the engine's share
 * was 3.5 KB and is ~1.3 KB now: the bound sits just above, to catch
 * regressions. Lower it as the SA shrinks. */
#define BYTES_PER_SA_MAX	1536

static void
teardown(void)
{
	net_free();
}

TestSuite(ike_memory, .fini = teardown, .timeout = 300);

/* The responder alone, past every set-up timer; what it sends (nothing
 * for a quiet concentrator) is dropped. */
static void
idle(uint64_t *now)
{
	*now += 10 * 60 * 1000;
	ike_engine_tick(net.p[PEER_B].e, *now);
	net.n = 0;
}

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

Test(ike_memory, bytes_per_established_idle_sa)
{
	struct ike_conn_cfg *b;
	size_t before, held, after, i, per_sa, per_sa_held;

	log_set_level(LOG_ERR);		/* 4 set-up log lines per SA */
	net_init(ECDSA_IKE, ESP_DEFAULT);
	b = &net.p[PEER_B].conn;
	peer_use_pool();
	net.p[PEER_B].pool.last.addr[2] = 0x10;		/* 10.3.16.200 */
	b->unique = IKE_UNIQUE_NEVER;	/* one initiator plays N CCUs */
	net.p[PEER_A].children_counted_only = true;
	net.p[PEER_B].children_counted_only = true;
	peer_start();
	/* one first, so that one-time allocations are not counted */
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(20);
	peer_restart(PEER_A);
	idle(&net.now);
	before = heap_in_use();
	for (i = 1; i <= N_SAS; i++) {
		cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet",
		    net.now), 0);
		net_run(20);
		cr_assert_eq(net.p[PEER_B].n_installed, i + 1);
	}
	peer_restart(PEER_A);
	/* Each SA still keeps its IKE_AUTH response (§2.1), but not on the
	 * heap (ike/resp_store.h), where a response dropped later would
	 * leave a hole between the SAs' records. */
	held = heap_in_use();
	idle(&net.now);
	after = heap_in_use();
	cr_assert_eq(net.p[PEER_B].n_up, N_SAS + 1);
	per_sa = after > before ? (after - before) / N_SAS : 0;
	per_sa_held = held > before ? (held - before) / N_SAS : 0;
	fprintf(stderr, "ike_memory: %zu bytes of heap per established idle "
	    "IKE SA (responder, with virtual IP and one CHILD_SA; %d SAs), "
	    "%zu while the IKE_AUTH responses are kept\n", per_sa, N_SAS,
	    per_sa_held);
	cr_assert_leq(per_sa, BYTES_PER_SA_MAX, "%zu bytes per SA", per_sa);
	cr_assert_leq(per_sa_held, BYTES_PER_SA_MAX, "%zu bytes per SA with "
	    "its response", per_sa_held);
}

/* A's IKE_AUTH request as B received it, to be sent again. */
static struct net_dgram auth_req;

static void
up_keeping_auth_request(void)
{
	bool response;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();		/* IKE_SA_INIT request, */
	net_step();		/* response */
	cr_assert_eq(net_head_exchange(&response), IKEV2_EXCH_IKE_AUTH);
	cr_assert_not(response);
	auth_req = net.q[0];
	net_run(4);
	cr_assert_eq(net.p[PEER_B].n_up, 1);
}

/* The IKE_AUTH request once more: did B answer it from its cache? */
static bool
answered_again(void)
{
	size_t sent = net.p[PEER_B].sent;

	net.n = 0;
	ike_engine_input(net.p[PEER_B].e, &auth_req.dst, &auth_req.src,
	    auth_req.b, auth_req.len, net.now);
	net.n = 0;
	return net.p[PEER_B].sent > sent;
}

/* The cached IKE_AUTH response (§2.1) goes once ESP on the CHILD_SA it
 * created shows that the peer has it, not only after minutes of quiet. */
Test(ike_memory, auth_response_dropped_once_esp_arrives)
{
	up_keeping_auth_request();
	cr_assert(answered_again());
	net_advance(5000);
	cr_assert(answered_again(), "no ESP yet: the response is kept");
	net.p[PEER_B].counters.packets_in = 1;	/* the CCU's first packet */
	net_advance(5000);
	cr_assert_not(answered_again(), "ESP arrived: the response is gone");
}

/* A CCU set up early in a storm sends its first packet only when the
 * others are up, a minute later here: its response goes within a read
 * interval (8 s), not after as long again (a doubling interval would
 * read at 64 s and then at 128 s). */
Test(ike_memory, auth_response_dropped_soon_after_late_esp)
{
	int s;

	up_keeping_auth_request();
	for (s = 0; s < 70; s++)
		net_advance(1000);
	cr_assert(answered_again(), "no ESP yet: the response is kept");
	net.p[PEER_B].counters.packets_in = 1;
	for (s = 0; s < 9; s++)
		net_advance(1000);
	cr_assert_not(answered_again(), "ESP arrived: the response is gone");
}

/* A tick that comes late (a busy loop, a stalled machine) reads the
 * counter once and files the next read after now: ike_engine_next() in
 * the past would make the daemon's loop spin through every missed read. */
Test(ike_memory, auth_response_read_late_then_next_read_ahead)
{
	up_keeping_auth_request();
	net_advance(30000);
	cr_assert_gt(ike_engine_next(net.p[PEER_B].e), net.now,
	    "next deadline %lld ms from now",
	    (long long)(ike_engine_next(net.p[PEER_B].e) - net.now));
	cr_assert(answered_again(), "no ESP yet: the response is kept");
}

/* ... and once the peer's next exchange shows it (§2.3: a window of one):
 * a request with the old message ID is then outside the window. */
Test(ike_memory, auth_response_dropped_by_next_request)
{
	up_keeping_auth_request();
	cr_assert_eq(ike_engine_rekey(net.p[PEER_A].e, "fleet", false,
	    net.now), 1);
	net_advance(0);
	net_run(8);		/* CREATE_CHILD_SA, then A deletes the old */
	cr_assert_not(answered_again());
}

/* Without ESP it stays for IKE_RESPONSE_KEEP_MS of quiet. */
Test(ike_memory, auth_response_kept_while_peer_may_retransmit)
{
	up_keeping_auth_request();
	net_advance(60 * 1000);
	net.n = 0;
	net_advance(60 * 1000);
	cr_assert(answered_again());
	net.n = 0;
	net_advance(IKE_RESPONSE_KEEP_MS);
	cr_assert_not(answered_again());
}
