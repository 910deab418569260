/*
 * Rekeying between two in-process engines (ike_peer_testlib) on a clock of
 * our own: CHILD_SA rekey (RFC 7296 §1.3.3) started by either end, with and
 * without PFS; IKE SA rekey (§1.3.2, §2.18) by either end; both ends at
 * once (§2.8.1, §2.8.2); reauthentication; soft and hard lifetimes by
 * time, bytes and packets. After each, both ends must hold exactly one
 * CHILD_SA whose halves match, and no tunnel may have gone down.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike_peer_testlib.h"

#define IKE_PROPS	"aes256-sha256-ecp256"
#define ESP_PROPS	"aes256-sha1"

static void
teardown(void)
{
	net_free();
}

TestSuite(ike_rekey, .fini = teardown, .timeout = 60);

static struct ike_child_cfg *
child_cfg(int who)
{
	return &net.p[who].conn.children[0];
}

static void
up(void)
{
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(16);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	assert_live_children_match();
}

/* Nothing went down, one IKE SA and one matching CHILD_SA each. */
static void
settled(size_t installs)
{
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_A].n_down + net.p[PEER_B].n_down, 0, "%s",
	    net.p[PEER_A].why);
	assert_live_children_match();
	cr_assert_eq(net.p[PEER_A].n_children, installs);
	cr_assert_eq(net.p[PEER_B].n_children, installs);
}

/* With pool, A asks for a virtual IP and B gives it: B's TSr of the
 * rekey is that address, which A's `dynamic` local_ts stands for. */
static void
child_rekey_by(int who, const char *esp, bool pool)
{
	net_init(IKE_PROPS, esp);
	if (pool)
		peer_use_pool();
	child_cfg(who)->rekey_time = 60;
	up();
	net_advance(59000);
	cr_assert_eq(net.n, 0);
	net_advance(1000);
	/* CREATE_CHILD_SA { N(REKEY_SA), SA, Ni, [KEi], TSi, TSr } --> */
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_step();
	/* <-- { SA, Nr, [KEr], TSi, TSr }: the responder has both pairs and
	 * sends on the old one until the peer deletes it */
	cr_assert_eq(peer_live_children(1 - who), 2);
	cr_assert_not(net.p[1 - who].child[1].routed);
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, true);
	net_step();
	/* make-before-break: the initiator too, until the Delete is done */
	cr_assert_eq(peer_live_children(who), 2);
	/* INFORMATIONAL { D(ESP, old) } --> and its answer */
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_run(4);
	settled(2);
}

Test(ike_rekey, child_by_initiator)
{
	child_rekey_by(PEER_A, ESP_PROPS, false);
}

Test(ike_rekey, child_by_responder)
{
	child_rekey_by(PEER_B, ESP_PROPS, false);
}

Test(ike_rekey, child_of_a_virtual_ip_by_initiator)
{
	child_rekey_by(PEER_A, ESP_PROPS, true);
}

Test(ike_rekey, child_of_a_virtual_ip_by_responder)
{
	child_rekey_by(PEER_B, ESP_PROPS, true);
}

Test(ike_rekey, child_with_pfs)
{
	child_rekey_by(PEER_A, "aes256-sha1-ecp256", false);
}

Test(ike_rekey, child_with_pfs_by_responder)
{
	child_rekey_by(PEER_B, "aes256gcm16-modp2048", false);
}

Test(ike_rekey, child_pfs_mismatch_refused)
{
	net_init(IKE_PROPS, "aes256-sha1-ecp256");
	peer_set_proposals(PEER_B, IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_A)->rekey_time = 60;
	child_cfg(PEER_A)->life_time_ms = 600000;
	up();
	net_advance(60000);
	net_run(4);	/* NO_PROPOSAL_CHOSEN: the old one stays */
	cr_assert_eq(peer_live_children(PEER_A), 1);
	cr_assert_eq(net.p[PEER_A].n_down, 0);
	net_advance(30000);	/* tried again later */
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_run(4);
	assert_live_children_match();
}

Test(ike_rekey, child_collision)
{
	net_init(IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_A)->rekey_time = child_cfg(PEER_B)->rekey_time = 60;
	up();
	net_advance(60000);
	cr_assert_eq(net.n, 2, "both rekey at once");
	net_run(16);
	/* Two new pairs were made; the redundant one and the old are gone. */
	settled(3);
}

Test(ike_rekey, child_collision_many)
{
	int i;

	net_init(IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_A)->rekey_time = child_cfg(PEER_B)->rekey_time = 60;
	up();
	for (i = 0; i < 5; i++) {
		net_advance(60000);
		net_run(16);
		assert_live_children_match();
	}
	cr_assert_eq(net.p[PEER_A].n_down + net.p[PEER_B].n_down, 0);
}

/* rekey_time 5s with the defaults the configuration gives it (life 5.5 s,
 * rand 0.5 s): every CHILD_SA is rekeyed before its hard lifetime, none
 * expires (before, life_time was 5 s too and they expired instead). */
Test(ike_rekey, child_short_rekey_time)
{
	int i, t;

	net_init(IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_A)->rekey_time = 5;
	child_cfg(PEER_A)->life_time_ms = 5500;
	child_cfg(PEER_A)->rand_time_ms = 500;
	up();
	for (i = 0; i < 10; i++) {
		for (t = 0; t < 50 && net.n == 0; t++)
			net_advance(100);
		net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
		net_run(8);
		assert_live_children_match();
	}
	settled(11);
}

/* Make-before-break in collisions too (§2.8.1): at every step of many
 * collisions (either end's nonce the lowest), what each end sends on is
 * what the other receives on. The loser's redundant pair never takes
 * traffic: it used to, and the peer dropped what came on it once it had
 * answered the loser's Delete. */
Test(ike_rekey, child_collision_make_before_break)
{
	int i;

	net_init(IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_A)->rekey_time = child_cfg(PEER_B)->rekey_time = 60;
	up();
	for (i = 0; i < 24; i++) {
		net_advance(60000);
		cr_assert_eq(net.n, 2, "both rekey at once");
		while (net_step())
			assert_outbound_received();
		assert_live_children_match();
	}
	cr_assert_eq(net.p[PEER_A].n_down + net.p[PEER_B].n_down, 0);
}

/* The peer identity (text and data) of a peer's only IKE SA. */
struct peer_ident {
	size_t		n;
	char		text[256];
	struct certs_id	id;
};

static void
ident_fn(void *arg, const struct ike_sa_status *st)
{
	struct peer_ident *p = arg;

	p->n++;
	snprintf(p->text, sizeof(p->text), "%s", st->remote_id);
	cr_assert_not_null(st->peer_id);
	p->id = *st->peer_id;
}

static void
peer_ident(int who, struct peer_ident *p)
{
	memset(p, 0, sizeof(*p));
	ike_engine_foreach(net.p[who].e, ident_fn, p);
	cr_assert_eq(p->n, 1);
	cr_assert_neq(p->text[0], '\0');
}

/* The new IKE SA has its predecessor's peer identity (copied, with its
 * text). */
static void
assert_same_ident(int who, const struct peer_ident *before)
{
	struct peer_ident after;

	peer_ident(who, &after);
	cr_assert_str_eq(after.text, before->text);
	cr_assert_eq(after.id.type, before->id.type);
	cr_assert_eq(after.id.len, before->id.len);
	cr_assert_arr_eq(after.id.data, before->id.data, before->id.len);
}

static void
ike_rekey_by(int who)
{
	struct peer_ident a, b;

	net_init(IKE_PROPS, ESP_PROPS);
	net.p[who].conn.rekey_time = 100;
	net.p[who].conn.over_time = 10;
	child_cfg(who)->rekey_time = 150;
	up();
	peer_ident(PEER_A, &a);
	peer_ident(PEER_B, &b);
	net_advance(100000);
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_run(8);	/* rekey, then Delete of the old IKE SA */
	settled(1);	/* the CHILD_SA moved, not reinstalled */
	assert_same_ident(PEER_A, &a);
	assert_same_ident(PEER_B, &b);
	/* The new IKE SA's keys work on both ends: a CHILD_SA rekey over it
	 * (KEYMAT from the new SK_d). */
	net_advance(50000);
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_run(8);
	settled(2);
}

Test(ike_rekey, ike_by_initiator)
{
	ike_rekey_by(PEER_A);
}

Test(ike_rekey, ike_by_responder)
{
	ike_rekey_by(PEER_B);
}

/* The old IKE SA's Delete is answered but the answer is lost: the peer
 * has deleted that SA and cannot answer the retransmits (§1.4.1). The
 * old SA is given up after them without a word to the connection; the
 * new one carries the tunnel. */
Test(ike_rekey, ike_delete_response_lost)
{
	int i;

	net_init(IKE_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.rekey_time = 100;
	net.p[PEER_A].conn.over_time = 10;
	child_cfg(PEER_A)->rekey_time = 300;
	up();
	net_advance(100000);
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_step();
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, true);
	net_step();
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);	/* D(IKE) of the old */
	net_step();
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, true);
	net_drop();
	for (i = 0; i < 60; i++) {	/* the retransmits reach nobody */
		net_advance(1000);
		net_run(4);
	}
	settled(1);	/* one IKE SA each (peer_state), nothing went down */
	for (i = 0; i < 45; i++) {	/* the new IKE SA rekeys in turn */
		net_advance(1000);
		net_run(8);
	}
	settled(1);
}

Test(ike_rekey, ike_collision)
{
	net_init(IKE_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.rekey_time = net.p[PEER_B].conn.rekey_time = 100;
	net.p[PEER_A].conn.over_time = net.p[PEER_B].conn.over_time = 10;
	child_cfg(PEER_A)->rekey_time = 150;
	up();
	net_advance(100000);
	cr_assert_eq(net.n, 2, "both rekey at once");
	net_run(16);
	settled(1);
	net_advance(50000);
	net_run(8);
	settled(2);
}

static void
count_established(void *arg, const struct ike_sa_status *st)
{
	if (strcmp(st->state, "ESTABLISHED") == 0)
		(*(int *)arg)++;
}

static int
established_sas(int who)
{
	int n = 0;

	ike_engine_foreach(net.p[who].e, count_established, &n);
	return n;
}

/* §2.8.2 with an answer lost: both ends rekey the IKE SA at once, and one
 * end's answer to the other's request does not arrive. The end that got
 * its answer decides; when it wins it deletes the old SA at once, so the
 * other end can no longer retransmit its request there and never learns
 * of the SA the winner made for it. The winner must not keep that SA for
 * long (it waited a minute for a Delete that never comes). Who wins
 * depends on the random nonces: 8 runs, each answer lost in turn. */
Test(ike_rekey, ike_collision_answer_lost)
{
	int run, i;

	for (run = 0; run < 8; run++) {
		if (run > 0)
			net_free();
		net_init(IKE_PROPS, ESP_PROPS);
		net.p[PEER_A].conn.rekey_time = 100;
		net.p[PEER_B].conn.rekey_time = 100;
		net.p[PEER_A].conn.over_time = net.p[PEER_B].conn.over_time =
		    10;
		child_cfg(PEER_A)->rekey_time = 150;
		up();
		net_advance(100000);
		cr_assert_eq(net.n, 2, "both rekey at once");
		net_step();
		net_step();	/* both requests in, both answers queued */
		net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, true);
		if (run % 2)
			net_step();
		net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, true);
		net_drop();
		net_run(16);
		for (i = 0; i < 15; i++) {
			net_advance(1000);
			net_run(16);
		}
		cr_assert_eq(established_sas(PEER_A), 1, "run %d: A holds %d "
		    "IKE SAs", run, established_sas(PEER_A));
		cr_assert_eq(established_sas(PEER_B), 1, "run %d: B holds %d "
		    "IKE SAs", run, established_sas(PEER_B));
		for (i = 0; i < 60; i++) {	/* Deletes answered or given up */
			net_advance(1000);
			net_run(16);
		}
		/* one IKE SA each (none left deleting), one CHILD_SA pair */
		cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
		cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
		assert_live_children_match();
		/* the tunnel never went down at either end: the SA the
		 * loser deletes is not the tunnel (exchange_info.c) */
		cr_assert_eq(net.p[PEER_A].n_down, 0, "run %d: A down (%s)",
		    run, net.p[PEER_A].why);
		cr_assert_eq(net.p[PEER_B].n_down, 0, "run %d: B down (%s)",
		    run, net.p[PEER_B].why);
	}
}

Test(ike_rekey, reauth)
{
	net_init(IKE_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.reauth_time = 100;
	net.p[PEER_A].conn.over_time = 10;
	up();
	net_advance(100000);
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, false);
	net_run(16);
	/* A new IKE SA with its own CHILD_SA, then the old one deleted: the
	 * CCU's tunnel never went down; the concentrator saw a Delete. */
	cr_assert_eq(net.p[PEER_A].n_up, 2);
	cr_assert_eq(net.p[PEER_A].n_down, 0);
	cr_assert_eq(net.p[PEER_B].n_down, 1);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	assert_live_children_match();
}

/* An IKE SA rekey ends while a reauthentication's new IKE SA is being set
 * up, and the old SA's Delete is lost: A holds the old SA (DELETING) and
 * its rekeyed successor (ESTABLISHED), both of the tunnel's id (§2.18),
 * when the new SA is up. The reauthentication replaces the successor, the
 * one that carries the tunnel (lifetime.c find_id), so one IKE SA stays. */
Test(ike_rekey, reauth_replaces_the_sa_an_ike_rekey_made_meanwhile)
{
	bool response;
	int i;

	net_init(IKE_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.reauth_time = 100;
	net.p[PEER_A].conn.over_time = 10;
	up();
	net_advance(100000);
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, false);
	net_drop();		/* the new SA's IKE_SA_INIT: resent later */
	cr_assert_eq(ike_engine_rekey(net.p[PEER_A].e, "fleet", true, net.now),
	    1);
	net_advance(0);
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_step();
	net_step();		/* A: the successor is up, the old SA deletes */
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_drop();
	/* The new SA's set-up; every Delete of the old SA lost meanwhile. */
	net_advance(5000);
	for (i = 0; i < 32 && net.n > 0; i++) {
		if (net_head_exchange(&response) == IKEV2_EXCH_INFORMATIONAL &&
		    !response && net.p[PEER_A].n_up < 2)
			net_drop();
		else
			net_step();
	}
	cr_assert_eq(net.p[PEER_A].n_up, 2, "the new SA is up");
	net_advance(60000);	/* the old SA's Delete given up or answered */
	net_run(16);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	assert_live_children_match();
}

Test(ike_rekey, child_by_bytes)
{
	net_init(IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_A)->rekey_bytes = 1000;
	child_cfg(PEER_A)->life_bytes = 100000;
	up();
	net.p[PEER_A].counters.bytes_out = 500;
	net_advance(1000);
	cr_assert_eq(net.n, 0);
	net.p[PEER_A].counters.bytes_in = 1000;
	net_advance(1000);
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net.p[PEER_A].counters = (struct ike_child_counters){ 0 };
	net_run(8);
	settled(2);
}

Test(ike_rekey, child_by_packets)
{
	net_init(IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_B)->rekey_packets = 10;
	up();
	net.p[PEER_B].counters.packets_out = 10;
	net_advance(1000);
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net.p[PEER_B].counters = (struct ike_child_counters){ 0 };
	net_run(8);
	settled(2);
}

Test(ike_rekey, child_hard_expiry)
{
	net_init(IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_A)->life_time_ms = 30000;
	up();
	net_advance(29999);
	cr_assert_eq(peer_live_children(PEER_A), 1);
	net_advance(1);
	/* gone from the data plane at once, then Deleted with the peer */
	cr_assert_eq(peer_live_children(PEER_A), 0);
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_run(4);
	cr_assert_eq(peer_live_children(PEER_B), 0);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
}

Test(ike_rekey, child_hard_expiry_by_packets)
{
	net_init(IKE_PROPS, ESP_PROPS);
	child_cfg(PEER_A)->life_packets = 100;
	up();
	net.p[PEER_A].counters.packets_in = 100;
	net_advance(1000);
	cr_assert_eq(peer_live_children(PEER_A), 0);
	net_run(4);
	cr_assert_eq(peer_live_children(PEER_B), 0);
}

Test(ike_rekey, ike_hard_expiry)
{
	net_init(IKE_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.rekey_time = 100;
	net.p[PEER_A].conn.over_time = 10;
	up();
	net_advance(100000);
	net_drop();	/* the rekey request is lost, and its retransmits */
	net_advance(4000);
	net_drop();
	net_advance(6000);	/* over_time: the IKE SA goes */
	cr_assert_eq(net.p[PEER_A].n_down, 1);
	cr_assert_eq(peer_live_children(PEER_A), 0);
}

struct times {
	uint64_t	 now, rekey, expire, child_rekey, child_expire;
	size_t		 n_children;
};

static void
times_fn(void *arg, const struct ike_sa_status *st)
{
	struct times *t = arg;

	t->now = st->now_ms;
	t->rekey = st->rekey_ms;
	t->expire = st->expire_ms;
	t->n_children = st->n_children;
	t->child_rekey = st->children[0].rekey_ms;
	t->child_expire = st->children[0].expire_ms;
}

/* What `uipsec status` counts down from: no jitter when rand is 0, the
 * defaults' relations (life = rekey + over / life_time). */
Test(ike_rekey, status_countdowns)
{
	struct times t = { 0 };

	net_init(IKE_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.rekey_time = 100;
	net.p[PEER_A].conn.over_time = 10;
	child_cfg(PEER_A)->rekey_time = 60;
	child_cfg(PEER_A)->life_time_ms = 66000;
	up();
	ike_engine_foreach(net.p[PEER_A].e, times_fn, &t);
	cr_assert_eq(t.n_children, 1);
	cr_assert_eq(t.rekey - t.now, 100000);
	cr_assert_eq(t.expire - t.now, 110000);
	cr_assert_eq(t.child_rekey - t.now, 60000);
	cr_assert_eq(t.child_expire - t.now, 66000);
	/* with rand_time, the rekey comes earlier by at most that */
	child_cfg(PEER_A)->rand_time_ms = 6000;
	net_advance(60000);
	net_run(8);
	ike_engine_foreach(net.p[PEER_A].e, times_fn, &t);
	cr_assert_geq(t.child_rekey - t.now, 54000);
	cr_assert_leq(t.child_rekey - t.now, 60000);
	/* none configured on B: nothing to count down */
	ike_engine_foreach(net.p[PEER_B].e, times_fn, &t);
	cr_assert_eq(t.rekey, UINT64_MAX);
	cr_assert_eq(t.child_expire, UINT64_MAX);
}
