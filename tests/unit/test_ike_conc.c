/*
 * The responder as a concentrator, two engines in one process
 * (ike_peer_testlib): the connection chosen at IKE_AUTH by the peer's
 * identity among several with the same addresses (exact beats wildcard
 * beats %any), the child chosen by traffic selectors among all children,
 * a CCU that reconnects after losing its state under each `unique`
 * policy, and its virtual IP: the same one again, or refused with
 * INTERNAL_ADDRESS_FAILURE when the pool is exhausted; INITIAL_CONTACT
 * (RFC 7296 §2.4) from the CCU exactly when it has no other IKE SA of the
 * connection ESTABLISHED, seen by what B (unique = no) does with it.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "certs/certs_internal.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike_peer_testlib.h"

#define ECDSA_IKE	"aes256-sha256-ecp256"
#define ESP_DEFAULT	"aes256-sha1"

static void
teardown(void)
{
	net_free();
}

TestSuite(ike_conc, .fini = teardown, .timeout = 60);

struct count_ctx {
	int		 established;
	const char	*conn;		/* of the last one seen */
};

static void
count_fn(void *arg, const struct ike_sa_status *st)
{
	struct count_ctx *c = arg;

	if (strcmp(st->state, "ESTABLISHED") == 0)
		c->established++;
	c->conn = st->conn;
}

static struct count_ctx
count(int who)
{
	struct count_ctx c = { 0, "" };

	ike_engine_foreach(net.p[who].e, count_fn, &c);
	return c;
}

static void
connect_a(void)
{
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(20);
}

/* B has conns[] (copies of its "fleet" connection) with these names and
 * remote.id patterns (NULL: none set). */
static struct ike_conn_cfg conns[4];

static void
responder_conns(const char *const names[], const char *const ids[], size_t n)
{
	struct peer *b = &net.p[PEER_B];
	size_t i;

	for (i = 0; i < n; i++) {
		conns[i] = b->conn;
		snprintf(conns[i].name, IKE_NAME_MAX, "%s", names[i]);
		conns[i].remote.id_set = ids[i] != NULL;
		if (ids[i] != NULL)
			cr_assert_eq(certs_id_parse(ids[i], &conns[i].remote.id,
			    NULL), CERTS_OK);
	}
	b->cfg.conns = conns;
	b->cfg.n_conns = n;
}

Test(ike_conc, connection_chosen_by_idi_best_match)
{
	static const char *const names[] = { "any", "other-fleet", "fleet-wild",
	    "ccu-ec" };
	static const char *const ids[] = { NULL, "C=DE, O=Other, CN=*",
	    "C=DE, O=uipsec test, CN=*", "C=DE, O=uipsec test, CN=ccu-ec" };

	net_init(ECDSA_IKE, ESP_DEFAULT);
	responder_conns(names, ids, 4);
	peer_start();
	connect_a();
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	cr_assert_str_eq(count(PEER_B).conn, "ccu-ec");
	/* counted under the connection IKE_AUTH chose (established.c) */
	cr_assert_eq(ike_established_count(net.p[PEER_B].e, &conns[0]), 0);
	cr_assert_eq(ike_established_count(net.p[PEER_B].e, &conns[3]), 1);
}

/* Connections whose certificates' keys are one file share one key
 * (ike/credentials.c), and each still signs: the CCU chosen by the last
 * connection verifies its AUTH. */
Test(ike_conc, connections_with_one_key_file_share_it)
{
	static const char *const names[] = { "other-fleet", "other-too",
	    "ccu-ec" };
	static const char *const ids[] = { "C=DE, O=Other, CN=*",
	    "C=DE, O=Other, CN=x", "C=DE, O=uipsec test, CN=ccu-ec" };
	const struct ike_cred *cr;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	responder_conns(names, ids, 3);
	peer_start();
	cr = net.p[PEER_B].e->creds;
	cr_assert_eq(cr[0].key->pkey, cr[1].key->pkey, "not shared");
	cr_assert_eq(cr[0].key->pkey, cr[2].key->pkey, "not shared");
	cr_assert_neq(cr[0].key, cr[2].key, "one handle for two connections");
	connect_a();
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(count(PEER_B).conn, "ccu-ec");
}

Test(ike_conc, wildcard_connection_beats_any)
{
	static const char *const names[] = { "any", "other-fleet", "fleet-wild" };
	static const char *const ids[] = { NULL, "C=DE, O=Other, CN=*",
	    "C=DE, O=uipsec test, CN=*" };

	net_init(ECDSA_IKE, ESP_DEFAULT);
	responder_conns(names, ids, 3);
	peer_start();
	connect_a();
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	cr_assert_str_eq(count(PEER_B).conn, "fleet-wild");
}

Test(ike_conc, no_connection_for_the_identity_is_refused)
{
	static const char *const names[] = { "other-fleet", "ccu-0001" };
	static const char *const ids[] = { "C=DE, O=Other, CN=*",
	    "C=DE, O=uipsec test, CN=ccu-0001" };

	net_init(ECDSA_IKE, ESP_DEFAULT);
	responder_conns(names, ids, 2);
	peer_start();
	connect_a();
	cr_assert_eq(net.p[PEER_B].n_failed, 1);
	cr_assert(strstr(net.p[PEER_B].why, "does not match remote.id"), "%s",
	    net.p[PEER_B].why);
}

Test(ike_conc, child_chosen_by_traffic_selectors)
{
	struct ike_conn_cfg *b;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	b = &net.p[PEER_B].conn;
	b->children[1] = b->children[0];
	b->n_children = 2;
	snprintf(b->children[0].name, IKE_NAME_MAX, "elsewhere");
	b->children[0].local_ts[0].prefix.addr[1] = 8;	/* 10.8.0.0/16 */
	b->children[0].remote_ts[0].prefix.addr[1] = 9;	/* 10.9.0.0/16 */
	snprintf(b->children[1].name, IKE_NAME_MAX, "ccu-net");
	peer_start();
	connect_a();
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_B].n_children, 1);
	cr_assert_str_eq(net.p[PEER_B].child[0].c.child, "ccu-net");
	assert_children_match();
}

/* A CCU with a virtual IP loses its state and comes back. */
static void
reconnect(enum ike_unique u)
{
	struct ike_conn_cfg *b;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	b = &net.p[PEER_B].conn;
	peer_use_pool();
	b->unique = u;
	peer_start();
	connect_a();
	cr_assert_eq(count(PEER_B).established, 1);
	cr_assert_eq(net.p[PEER_A].child[0].c.vip.addr[3], 1);
	peer_restart(PEER_A);
	net.p[PEER_A].n_children = 0;
	connect_a();
}

/* The CCU restarted: its IKE_AUTH carries INITIAL_CONTACT, and B drops
 * the SA it still held (with unique = no, INITIAL_CONTACT is the only
 * reason it would: no Delete came, no time passed). */
Test(ike_conc, initial_contact_after_restart_replaces_the_old_sa)
{
	reconnect(IKE_UNIQUE_NO);
	cr_assert_eq(count(PEER_B).established, 1);
	cr_assert_eq(net.p[PEER_B].n_down, 1);
}

/* A second IKE SA of the connection while the first is up (as a
 * reauthentication's make-before-break): no INITIAL_CONTACT, both stay;
 * with the older ones DELETING (their Deletes lost), it is sent again and
 * B drops both. */
Test(ike_conc, initial_contact_only_without_another_established_sa)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	connect_a();
	connect_a();
	cr_assert_eq(count(PEER_A).established, 2);
	cr_assert_eq(count(PEER_B).established, 2);
	cr_assert_eq(net.p[PEER_B].n_down, 0);
	/* INFORMATIONAL { D } --> for both, lost */
	cr_assert_eq(ike_engine_terminate(net.p[PEER_A].e, "fleet", net.now),
	    0);
	cr_assert_eq(net.n, 2);
	net_drop();
	net_drop();
	cr_assert_eq(count(PEER_A).established, 0);
	connect_a();
	cr_assert_eq(count(PEER_B).established, 1);
	cr_assert_eq(net.p[PEER_B].n_down, 2);
}

struct ids_ctx {
	uint64_t	 id[4];
	int		 n;
};

static void
ids_fn(void *arg, const struct ike_sa_status *st)
{
	struct ids_ctx *c = arg;

	if (c->n < 4 && strcmp(st->state, "ESTABLISHED") == 0)
		c->id[c->n++] = st->id;
}

/* `uipsec load` ends each CCU's tunnel by its id (the table's index by
 * id): that one goes, with a Delete the peer answers; the other stays. */
Test(ike_conc, terminate_by_id_ends_that_tunnel_only)
{
	struct ids_ctx a = { .n = 0 }, left = { .n = 0 };

	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	connect_a();
	connect_a();
	ike_engine_foreach(net.p[PEER_A].e, ids_fn, &a);
	cr_assert_eq(a.n, 2);
	cr_assert_eq(ike_engine_terminate_id(net.p[PEER_A].e, a.id[0],
	    net.now), 0);
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_run(4);
	ike_engine_foreach(net.p[PEER_A].e, ids_fn, &left);
	cr_assert_eq(left.n, 1);
	cr_assert_eq(left.id[0], a.id[1]);
	cr_assert_eq(count(PEER_B).established, 1);
	cr_assert_eq(net.p[PEER_B].n_down, 1);
	cr_assert_eq(ike_engine_terminate_id(net.p[PEER_A].e, a.id[0],
	    net.now), -1, "gone");
	cr_assert_eq(ike_engine_terminate_id(net.p[PEER_A].e, 999, net.now),
	    -1);
}

Test(ike_conc, unique_never_keeps_both)
{
	reconnect(IKE_UNIQUE_NEVER);
	cr_assert_eq(count(PEER_B).established, 2);
	cr_assert_eq(net.p[PEER_B].n_down, 0);
	/* the first SA holds 10.3.0.1: the second CCU gets another */
	cr_assert_eq(net.p[PEER_A].child[0].c.vip.addr[3], 2);
}

Test(ike_conc, unique_replace_deletes_the_old_sa_and_keeps_the_address)
{
	reconnect(IKE_UNIQUE_REPLACE);
	cr_assert_eq(count(PEER_B).established, 1);
	cr_assert_eq(net.p[PEER_B].n_down, 1);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_A].child[0].c.vip.addr[3], 1);
}

Test(ike_conc, unique_keep_refuses_the_new_sa)
{
	reconnect(IKE_UNIQUE_KEEP);
	cr_assert_eq(count(PEER_B).established, 1);
	cr_assert_eq(net.p[PEER_B].n_failed, 1);
	cr_assert(strstr(net.p[PEER_B].why, "unique = keep"), "%s",
	    net.p[PEER_B].why);
	cr_assert_eq(net.p[PEER_A].n_failed, 1);
}

Test(ike_conc, exhausted_pool_refuses_the_child_with_internal_address_failure)
{
	struct ike_conn_cfg *b;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	b = &net.p[PEER_B].conn;
	peer_use_pool();
	net.p[PEER_B].pool.last = net.p[PEER_B].pool.first;	/* one address */
	b->unique = IKE_UNIQUE_NEVER;
	peer_start();
	connect_a();
	cr_assert_eq(net.p[PEER_B].n_children, 1);
	peer_restart(PEER_A);
	net.p[PEER_A].n_children = 0;
	connect_a();
	/* RFC 7296 §3.10.1: the IKE SA stands, without a CHILD_SA */
	cr_assert_eq(net.p[PEER_B].n_children, 1);
	cr_assert_eq(net.p[PEER_A].n_children, 0);
}
