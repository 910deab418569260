/*
 * Liveness and abuse resistance of the IKE engine, two engines in one
 * process with a clock that is a variable (no sleeps): retransmission
 * timing (strongSwan's retransmit_* semantics, jitter, limit), the
 * message-ID window of 1 (RFC 7296 §2.3), half-open timeout, DPD only
 * when nothing arrived (§2.4), following a NAT mapping change (§2.23),
 * cookies and per-source limits (§2.6), IKE bytes and retransmits in the
 * status snapshot.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike_peer_testlib.h"

#define ECDSA_IKE	"aes256-sha256-ecp256"
#define ESP_DEFAULT	"aes256-sha1"

static void
up(void)
{
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(8);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
}

static void
settings(int who)
{
	if (!net.p[who].have_set)
		ike_settings_default(&net.p[who].set);
	net.p[who].have_set = true;
}

struct snap {
	int			n;
	struct ike_sa_status	st;	/* the last one */
	char			state[32];
};

static void
snap_fn(void *arg, const struct ike_sa_status *st)
{
	struct snap *s = arg;

	s->n++;
	s->st = *st;
	snprintf(s->state, sizeof(s->state), "%s", st->state);
}

static uint16_t
remote_port(int who)
{
	struct snap s = { 0 };

	ike_engine_foreach(net.p[who].e, snap_fn, &s);
	return ntohs(((struct sockaddr_in *)&s.st.remote)->sin_port);
}

static struct snap
snap(int who)
{
	struct snap s = { 0 };

	ike_engine_foreach(net.p[who].e, snap_fn, &s);
	return s;
}

/* ---- retransmission -------------------------------------------------- */

/* uipsec's defaults: 2 s, base 1.8, 3 retransmits, given up 23.7 s after
 * the first send (doc/ike-config.md: DPD within 2 minutes). */
Test(ike_live, default_schedule)
{
	static const uint64_t wait[] = { 2000, 3600, 6480, 11664 };
	struct ike_settings s;
	size_t i;

	ike_settings_default(&s);
	cr_assert_eq(ike_settings_give_up_ms(&s), 2000 + 3600 + 6480 + 11664);
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_drop();
	for (i = 0; i < 3; i++) {
		cr_assert_eq(ike_engine_next(net.p[PEER_A].e), net.now +
		    wait[i]);
		net_advance(wait[i] - 1);
		cr_assert_eq(net.n, 0, "early retransmit %zu", i + 1);
		net_advance(1);
		cr_assert_eq(net.n, 1, "retransmit %zu", i + 1);
		net_drop();
	}
	cr_assert_eq(snap(PEER_A).st.retransmits, 3);
	net_advance(wait[3]);
	cr_assert_eq(net.n, 0);
	cr_assert_str_eq(peer_state(PEER_A), "none");
	cr_assert_eq(net.p[PEER_A].n_failed, 1);
}

/* retransmit_limit caps each wait; jitter takes up to that share off. */
Test(ike_live, limit_and_jitter)
{
	struct ike_settings *s;
	uint64_t next;
	int i;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_A);
	s = &net.p[PEER_A].set;
	s->retransmit_timeout_ms = 4000;
	s->retransmit_tries = 10;
	s->retransmit_limit_ms = 10000;
	cr_assert_eq(ike_settings_give_up_ms(s), 4000 + 7200 + 9 * 10000);
	s->retransmit_jitter = 50;
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	for (i = 0; i < 8; i++) {
		net_drop();
		next = ike_engine_next(net.p[PEER_A].e) - net.now;
		if (i == 0)
			cr_assert(next > 2000 && next <= 4000, "%llu",
			    (unsigned long long)next);
		if (i >= 2)
			cr_assert(next >= 5000 && next <= 10000, "%llu",
			    (unsigned long long)next);
		net_advance(next);
		cr_assert_eq(net.n, 1);
	}
}

/* ---- message IDs (§2.3) ------------------------------------------------ */

/* A response that answers nothing outstanding (a late duplicate) and a
 * request outside the window change nothing and get no answer. */
Test(ike_live, stale_response_and_out_of_window_request)
{
	struct net_dgram req, resp;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.p[PEER_A].conn.dpd_delay = 10;
	peer_start();
	up();
	net_advance(10000);
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	req = net.q[0];
	net_step();
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, true);
	resp = net.q[0];
	net_step();
	cr_assert_eq(net.n, 0);
	/* The same response again, now stale: dropped, nothing sent. */
	net.q[net.n++] = resp;
	net_step();
	cr_assert_eq(net.n, 0);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	/* The request again: a retransmission, answered from the cache. */
	net.q[net.n++] = req;
	net_step();
	cr_assert_eq(net.n, 1);
	cr_assert_eq(net.q[0].len, resp.len);
	cr_assert_eq(memcmp(net.q[0].b, resp.b, resp.len), 0);
	net_drop();
	/* The request with a message ID two ahead (bytes 20..23): dropped
	 * before decryption, no answer, B unchanged. */
	req.b[23] = (uint8_t)(req.b[23] + 2);
	net.q[net.n++] = req;
	net_step();
	cr_assert_eq(net.n, 0);
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	/* The window still works: the next probe is answered. */
	net_advance(10000);
	net_run(4);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_A].n_down, 0);
}

/* ---- half-open --------------------------------------------------------- */

Test(ike_live, half_open_timeout_configurable)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_B);
	net.p[PEER_B].set.half_open_timeout_ms = 5000;
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	cr_assert_str_eq(peer_state(PEER_B), "IKE_SA_INIT_DONE");
	net_drop();		/* the response never arrives */
	net_advance(4999);
	cr_assert_str_eq(peer_state(PEER_B), "IKE_SA_INIT_DONE");
	net_advance(1);
	cr_assert_str_eq(peer_state(PEER_B), "none");
	cr_assert(strstr(net.p[PEER_B].why, "half-open") != NULL);
}

/* ---- DPD (§2.4) ------------------------------------------------------- */

/* ESP arriving on the CHILD_SA counts as life: no probe while it flows;
 * one dpd_delay after it stops, the probe goes out. */
Test(ike_live, dpd_only_when_idle)
{
	int i;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.p[PEER_A].conn.dpd_delay = 80;
	peer_start();
	up();
	for (i = 0; i < 40; i++) {	/* 200 s of traffic */
		net.p[PEER_A].counters.packets_in += 3;
		net_advance(5000);
		cr_assert_eq(net.n, 0, "probe during traffic at %d s", i * 5);
	}
	/* Traffic stops: a probe by dpd_delay + one poll step (10 s). */
	for (i = 0; i < 90 && net.n == 0; i++)
		net_advance(1000);
	cr_assert_eq(net.n, 1);
	cr_assert_geq(i, 80);
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_run(2);
	cr_assert_eq(net.p[PEER_A].n_down, 0);
	/* An idle SA: exactly one probe per dpd_delay. */
	net_advance(79999);
	cr_assert_eq(net.n, 0);
	net_advance(1);
	cr_assert_eq(net.n, 1);
}

/* Without io.child_counters (optional: `uipsec load` has none) DPD counts
 * IKE messages only: the engine's next deadline is the probe, not a poll
 * of counters it cannot read (which left ike_engine_next() in the past
 * after every tick: a busy loop). */
Test(ike_live, dpd_without_counters)
{
	uint64_t up_at, next;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.p[PEER_A].conn.dpd_delay = 80;
	net.p[PEER_A].no_counters = true;
	peer_start();
	up();
	up_at = net.now;
	next = ike_engine_next(net.p[PEER_A].e);
	cr_assert_geq(next, up_at + 80000, "next deadline %llu ms after set-up",
	    (unsigned long long)(next - up_at));
	net.now = next;
	ike_engine_tick(net.p[PEER_A].e, net.now);
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_run(2);
	cr_assert_gt(ike_engine_next(net.p[PEER_A].e), net.now);
	cr_assert_eq(net.p[PEER_A].n_down, 0);
}

/* With the defaults (dpd_delay 80 s, 3 retransmits from 2 s) a peer that
 * vanishes while idle is declared dead within 2 minutes. */
Test(ike_live, dead_peer_within_two_minutes)
{
	uint64_t gone;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.p[PEER_A].conn.dpd_delay = 80;
	peer_start();
	up();
	gone = net.now;
	ike_engine_free(net.p[PEER_B].e);
	net.p[PEER_B].e = NULL;
	while (net.p[PEER_A].n_down == 0) {
		net_advance(ike_engine_next(net.p[PEER_A].e) - net.now);
		while (net.n > 0)
			net_drop();
		cr_assert_lt(net.now - gone, 120000);
	}
	cr_assert(strstr(net.p[PEER_A].why, "peer dead") != NULL);
	cr_assert_leq(net.now - gone, 80000 + 23744);
}

/* uipsecd's dpd_delay default applies to the side that initiates (the
 * CCU) when swanctl.conf sets none: A probes, B (no peer address) never
 * does, and an explicit dpd_delay = 0 stays off. */
Test(ike_live, dpd_default_for_initiators)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_A);
	settings(PEER_B);
	net.p[PEER_A].set.dpd_delay_default = 80;
	net.p[PEER_B].set.dpd_delay_default = 80;
	peer_start();
	up();
	net_advance(79999);
	cr_assert_eq(net.n, 0);
	net_advance(1);
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	cr_assert_eq(net.q[0].to, PEER_B);
	net_run(2);
	net_advance(80000);
	cr_assert_eq(net.n, 1);
	cr_assert_eq(net.q[0].to, PEER_B);	/* still only A probes */
	net_run(2);
	net_free();
	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_A);
	net.p[PEER_A].set.dpd_delay_default = 80;
	net.p[PEER_A].conn.dpd_delay_set = true;	/* dpd_delay = 0 */
	peer_start();
	up();
	net_advance(200000);
	cr_assert_eq(net.n, 0);
}

/* ---- NAT mapping change (§2.23) --------------------------------------- */

/* The CCU's NAT picks a new port: B follows the next authenticated
 * request (and the daemon learns it for ESP); B's responses reach A. */
Test(ike_live, nat_mapping_change_followed)
{
	struct sockaddr_in *to;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.nat = true;
	net.p[PEER_A].conn.dpd_delay = 30;
	peer_start();
	up();
	net.nat_shift = 2000;		/* the NAT lost the mapping */
	net_advance(30000);		/* A's probe, from the new port */
	net_step();
	cr_assert_eq(net.p[PEER_B].n_moved, 1);
	to = (struct sockaddr_in *)&net.p[PEER_B].moved_to;
	cr_assert_eq(ntohs(to->sin_port), IKEV2_PORT_NATT + 2000);
	cr_assert_eq(remote_port(PEER_B), IKEV2_PORT_NATT + 2000);
	net_run(2);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_A].n_moved, 0);	/* B is not behind a NAT */
	/* ESP from yet another port (the data plane's report) moves it too. */
	to->sin_port = htons(IKEV2_PORT_NATT + 3000);
	ike_engine_peer_moved(net.p[PEER_B].e, snap(PEER_B).st.id,
	    &net.p[PEER_B].moved_to, net.now);
	cr_assert_eq(net.p[PEER_B].n_moved, 2);
	cr_assert_eq(remote_port(PEER_B), IKEV2_PORT_NATT + 3000);
}

/* The data plane's report names the tunnel by id, which an IKE SA rekey's
 * old SA and its successor share (§2.18): B follows the move on both
 * while it holds both (the old one until A's Delete). */
Test(ike_live, nat_mapping_change_moves_both_sas_of_a_rekey)
{
	struct sockaddr_in *to;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.nat = true;
	peer_start();
	up();
	cr_assert_eq(ike_engine_rekey(net.p[PEER_A].e, "fleet", true, net.now),
	    1);
	net_advance(0);
	/* CREATE_CHILD_SA { SA, Ni, KEi } --> <-- { SA, Nr, KEr } */
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_step();
	net.nat_shift = 3000;		/* the NAT's new mapping for A */
	to = (struct sockaddr_in *)&net.p[PEER_B].moved_to;
	*to = (struct sockaddr_in){ .sin_family = AF_INET,
	    .sin_port = htons(IKEV2_PORT_NATT + 3000) };
	inet_pton(AF_INET, "192.0.2.99", &to->sin_addr);
	ike_engine_peer_moved(net.p[PEER_B].e, snap(PEER_B).st.id,
	    &net.p[PEER_B].moved_to, net.now);
	cr_assert_eq(net.p[PEER_B].n_moved, 2);
	net_run(8);
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	cr_assert_eq(remote_port(PEER_B), IKEV2_PORT_NATT + 3000);
}

/* Without a NAT in front of the peer, its address is not followed. */
Test(ike_live, no_nat_no_follow)
{
	struct sockaddr_storage elsewhere;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.p[PEER_A].conn.encap = false;	/* no faked NAT either */
	net.p[PEER_B].conn.encap = false;
	peer_start();
	up();
	elsewhere = snap(PEER_B).st.remote;
	((struct sockaddr_in *)&elsewhere)->sin_port = htons(4711);
	ike_engine_peer_moved(net.p[PEER_B].e, snap(PEER_B).st.id, &elsewhere,
	    net.now);
	cr_assert_eq(net.p[PEER_B].n_moved, 0);
}

/* ---- cookies and limits (§2.6) ----------------------------------------- */

/* One half-open SA at B with cookie_threshold 1: the next IKE_SA_INIT is
 * answered with N(COOKIE) alone (no state at B), A retries with it first,
 * and that set-up completes. */
Test(ike_live, cookie_demanded_and_returned)
{
	struct snap s;
	size_t before;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_B);
	net.p[PEER_B].set.cookie_threshold = 1;
	peer_start();
	/* A first set-up stays half-open at B (its IKE_AUTH is lost). */
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	net_drop();
	cr_assert_eq(snap(PEER_B).n, 1);
	/* A second: B wants a cookie. */
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	before = net.q[0].len;
	net_step();
	cr_assert_eq(snap(PEER_B).n, 1, "B kept state without a cookie");
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, true);
	cr_assert_lt(net.q[0].len, 80);	/* N(COOKIE) alone */
	net_step();
	/* IKE_SA_INIT { N(COOKIE), SAi1, ... } --> */
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, false);
	cr_assert_eq(net.q[0].len, before + 4 + 4 + 17);
	cr_assert_eq(net.q[0].b[16], IKEV2_PL_NOTIFY);	/* first payload */
	net_run(6);
	s = snap(PEER_B);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(net.p[PEER_B].n_up, 1);
	cr_assert_eq(net.p[PEER_A].n_up, 1);
}

/* A forged or stale cookie is not accepted: B answers with a fresh one. */
Test(ike_live, forged_cookie_refused)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_B);
	net.p[PEER_B].set.cookie_threshold = 1;
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	net_drop();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	/* Flip one bit of the cookie A returns (after the N header). */
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, false);
	net.q[0].b[28 + 8 + 5] ^= 1;
	net_step();
	cr_assert_eq(snap(PEER_B).n, 1);
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, true);	/* another cookie */
	net_step();
	net_run(6);		/* A's second round succeeds */
	cr_assert_eq(net.p[PEER_A].n_up, 1);
}

/* B answers A's IKE_SA_INIT and a retransmission of it, both with
 * N(COOKIE): A retries each time with every other payload unchanged (KEi
 * too, §2.6), so both retries are the same message and B's answer to
 * either fits A's keys and AUTH octets. A new KEi per retry let B answer
 * one retry while A derived its keys from the next: IKE_AUTH then failed
 * its ICV check (`uipsec load` all at once, doc/load.md). */
Test(ike_live, cookie_retries_keep_their_payloads)
{
	static struct net_dgram first;
	size_t cookie_n = 4 + 4 + 17;	/* N(COOKIE) payload */

	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_B);
	net.p[PEER_B].set.cookie_threshold = 1;
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	net_drop();		/* one set-up half-open at B */
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	first = net.q[0];
	net_dup();		/* as if A had retransmitted it */
	net_step();
	net_step();		/* two N(COOKIE) answers for A */
	net_step();
	net_step();		/* two retries */
	cr_assert_eq(net.n, 2);
	/* IKE_SA_INIT { N(COOKIE), SAi1, KEi, Ni, ... } --> twice */
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, false);
	cr_assert_eq(net.q[0].len, first.len + cookie_n);
	cr_assert_arr_eq(net.q[0].b + IKEV2_HDR_LEN + cookie_n,
	    first.b + IKEV2_HDR_LEN, first.len - IKEV2_HDR_LEN,
	    "the retry changed a payload besides the cookie");
	cr_assert_eq(net.q[1].len, net.q[0].len);
	cr_assert_arr_eq(net.q[1].b, net.q[0].b, net.q[0].len);
	net_run(8);
	cr_assert_eq(net.p[PEER_A].n_up, 1, "%s", net.p[PEER_A].why);
	cr_assert_eq(net.p[PEER_B].n_up, 1);
	cr_assert_eq(net.p[PEER_A].n_failed, 0);
}

/* block_threshold: one source holds at most that many half-open SAs;
 * further requests from it go unanswered; a finished set-up frees one. */
Test(ike_live, block_threshold_per_source)
{
	int i;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_B);
	net.p[PEER_B].set.cookie_threshold = 0;
	net.p[PEER_B].set.block_threshold = 2;
	peer_start();
	for (i = 0; i < 2; i++) {
		cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet",
		    net.now), 0);
		net_step();
		net_drop();
	}
	cr_assert_eq(snap(PEER_B).n, 2);
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	cr_assert_eq(net.n, 0, "answered beyond block_threshold");
	cr_assert_eq(snap(PEER_B).n, 2);
	/* The half-open SAs time out; the source may try again. */
	net_advance(30000);
	cr_assert_eq(snap(PEER_B).n, 0);
	while (net.n > 0)
		net_drop();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	cr_assert_eq(net.n, 1);
}

/* half_open_max bounds the engine's half-open state from all sources. */
Test(ike_live, half_open_max)
{
	int i;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	settings(PEER_B);
	net.p[PEER_B].set.cookie_threshold = 0;
	net.p[PEER_B].set.block_threshold = 0;
	net.p[PEER_B].set.half_open_max = 3;
	peer_start();
	for (i = 0; i < 5; i++) {
		cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet",
		    net.now), 0);
		net_step();
		while (net.n > 0)
			net_drop();
	}
	cr_assert_eq(snap(PEER_B).n, 3);
}

/* ---- status ------------------------------------------------------------ */

/* IKE bytes per SA are what went over the wire, both ends agree, and a
 * retransmission counts. */
Test(ike_live, ike_bytes_match_the_wire)
{
	struct snap a, b;
	size_t wire_ab = 0, wire_ba = 0;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	while (net.n > 0) {
		if (net.q[0].to == PEER_B)
			wire_ab += net.q[0].len;
		else
			wire_ba += net.q[0].len;
		net_step();
	}
	a = snap(PEER_A);
	b = snap(PEER_B);
	cr_assert_eq(a.st.ike_bytes_out, wire_ab);
	cr_assert_eq(b.st.ike_bytes_in, wire_ab);
	cr_assert_eq(a.st.ike_bytes_in, wire_ba);
	cr_assert_eq(b.st.ike_bytes_out, wire_ba);
	cr_assert_neq(a.st.last_rx_ms, 0);
	cr_assert_eq(a.st.retransmits, 0);
}
