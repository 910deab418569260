/*
 * Additional CHILD_SAs between two in-process engines (ike_peer_testlib),
 * on a clock of our own: a connection with several children brings up the
 * first in IKE_AUTH and the others with CREATE_CHILD_SA without REKEY_SA
 * (RFC 7296 §1.3.1); the responder picks the child config by the traffic
 * selectors; with and without PFS (§1.3: INVALID_KE_PAYLOAD names the
 * group); refusals leave the IKE SA with what it has; each CHILD_SA then
 * rekeys and expires on its own, and an IKE SA rekey or reauthentication
 * keeps them all.
 */
#include <arpa/inet.h>
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

TestSuite(ike_children, .fini = teardown, .timeout = 60);

static void
prefix4(struct ike_prefix *p, const char *ip, uint8_t plen)
{
	memset(p, 0, sizeof(*p));
	p->family = AF_INET;
	p->plen = plen;
	cr_assert_eq(inet_pton(AF_INET, ip, p->addr), 1);
}

/* Child config `name` for who: local and remote selectors (A's view; B
 * gets them mirrored), ESP proposals. Appended to who's connection. */
static struct ike_child_cfg *
add_child(int who, const char *name, const char *a_local,
    const char *a_remote, const char *esp)
{
	struct ike_conn_cfg *c = &net.p[who].conn;
	struct ike_child_cfg *ch = &c->children[c->n_children++];
	char err[160];

	*ch = c->children[0];
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	prefix4(&ch->local_ts[0].prefix, who == PEER_A ? a_local : a_remote,
	    16);
	prefix4(&ch->remote_ts[0].prefix, who == PEER_A ? a_remote : a_local,
	    16);
	cr_assert_eq(ike_proposals_parse(&ch->esp_proposals, IKEV2_PROTO_ESP,
	    esp, err, sizeof(err)), 0, "%s", err);
	return ch;
}

static struct ike_child_cfg *
child_named(int who, const char *name)
{
	struct ike_conn_cfg *c = &net.p[who].conn;
	size_t i;

	for (i = 0; i < c->n_children; i++)
		if (strcmp(c->children[i].name, name) == 0)
			return &c->children[i];
	cr_assert_fail("no child %s", name);
	return NULL;
}

/* IKE_AUTH with the first child, then one CREATE_CHILD_SA per further
 * child of A (each sent once the one before is answered). */
static void
up(size_t more)
{
	size_t i;

	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(16);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	for (i = 0; i < more; i++) {
		net_advance(0);
		/* CREATE_CHILD_SA { SA, Ni, [KEi], TSi, TSr } --> */
		net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
		net_step();
		/* <-- { SA, Nr, [KEr], TSi, TSr } */
		net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, true);
		net_step();
	}
	net_advance(0);
	cr_assert_eq(net.n, 0, "nothing more to create");
}

static void
nothing_went_down(void)
{
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_A].n_down + net.p[PEER_B].n_down, 0, "%s",
	    net.p[PEER_A].why);
}

/* The installed pair of child `name` on one side: its inbound SPI. */
static uint32_t
spi_in_of(int who, const char *name)
{
	size_t i;

	for (i = 0; i < net.p[who].n_children; i++)
		if (!net.p[who].child[i].removed &&
		    strcmp(net.p[who].child[i].c.child, name) == 0)
			return net.p[who].child[i].c.in.spi;
	return 0;
}

/* B lists its children the other way round: what IKE_AUTH and
 * CREATE_CHILD_SA make is chosen by the selectors, not the order. */
static void
three_children(const char *esp_a, const char *esp_b)
{
	net_init(IKE_PROPS, ESP_PROPS);
	add_child(PEER_B, "mgmt", "10.5.0.0", "10.6.0.0", esp_b);
	add_child(PEER_B, "web", "10.1.0.0", "10.4.0.0", esp_b);
	add_child(PEER_A, "web", "10.1.0.0", "10.4.0.0", esp_a);
	add_child(PEER_A, "mgmt", "10.5.0.0", "10.6.0.0", esp_a);
}

Test(ike_children, created_after_ike_auth)
{
	three_children(ESP_PROPS, ESP_PROPS);
	up(2);
	nothing_went_down();
	assert_live_pair("net");
	assert_live_pair("web");
	assert_live_pair("mgmt");
	cr_assert_eq(net.p[PEER_A].n_up, 1);
	cr_assert_eq(net.p[PEER_B].n_up, 1);
	/* the responder's are sent on at once: no old pair to wait for */
	cr_assert_eq(net.p[PEER_B].n_children, 3);
}

Test(ike_children, with_pfs)
{
	three_children("aes256-sha1-ecp256", "aes256-sha1-ecp256");
	up(2);
	nothing_went_down();
	assert_live_pair("web");
	assert_live_pair("mgmt");
}

/* A's first group is not B's choice: INVALID_KE_PAYLOAD(19), and the
 * request again with a KE of group 19. */
Test(ike_children, pfs_other_group)
{
	net_init(IKE_PROPS, ESP_PROPS);
	add_child(PEER_B, "web", "10.1.0.0", "10.4.0.0", "aes256-sha1-ecp256");
	add_child(PEER_A, "web", "10.1.0.0", "10.4.0.0",
	    "aes256-sha1-modp2048-ecp256");
	up(2);
	nothing_went_down();
	assert_live_pair("net");
	assert_live_pair("web");
}

/* PFS asked, none configured on B: NO_PROPOSAL_CHOSEN; a child B does not
 * have: TS_UNACCEPTABLE. Neither is tried again, the rest stays. */
Test(ike_children, refused_stays_without)
{
	net_init(IKE_PROPS, ESP_PROPS);
	add_child(PEER_B, "web", "10.1.0.0", "10.4.0.0", ESP_PROPS);
	add_child(PEER_A, "web", "10.1.0.0", "10.4.0.0", "aes256-sha1-ecp256");
	add_child(PEER_A, "other", "10.7.0.0", "10.8.0.0", ESP_PROPS);
	up(2);
	net_advance(60000);
	cr_assert_eq(net.n, 0, "refused CHILD_SAs are not asked for again");
	nothing_went_down();
	assert_live_pair("net");
	cr_assert_eq(peer_live_named(PEER_A, "web"), 0);
	cr_assert_eq(peer_live_named(PEER_A, "other"), 0);
	cr_assert_eq(peer_live_children(PEER_B), 1);
}

/* The inbound SPIs of A's net, web and mgmt. */
struct three_spis {
	uint32_t	net, web, mgmt;
};

static struct three_spis
spis_now(void)
{
	return (struct three_spis){ spi_in_of(PEER_A, "net"),
	    spi_in_of(PEER_A, "web"), spi_in_of(PEER_A, "mgmt") };
}

/* A rekey of web has just been sent: it runs, and web alone has new
 * SPIs, every pair matching on both ends. */
static void
only_web_rekeyed(struct three_spis was)
{
	struct three_spis now;

	/* CREATE_CHILD_SA { N(REKEY_SA), SA, Ni, TSi, TSr }, then Delete */
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_run(8);
	net_advance(0);
	cr_assert_eq(net.n, 0, "one rekey only");
	nothing_went_down();
	assert_live_pair("net");
	assert_live_pair("web");
	assert_live_pair("mgmt");
	now = spis_now();
	cr_assert_eq(now.net, was.net, "net was not rekeyed");
	cr_assert_eq(now.mgmt, was.mgmt, "mgmt was not rekeyed");
	cr_assert_neq(now.web, was.web, "web was rekeyed");
	cr_assert_eq(net.p[PEER_A].n_children, 4);
	cr_assert_eq(net.p[PEER_B].n_children, 4);
}

/* Each CHILD_SA rekeys on its own clock, by either end. */
static void
rekey_one_by(int who)
{
	struct three_spis was;

	three_children(ESP_PROPS, ESP_PROPS);
	child_named(who, "web")->rekey_time = 60;
	up(2);
	was = spis_now();
	net_advance(60000);
	only_web_rekeyed(was);
}

Test(ike_children, rekey_one_by_initiator)
{
	rekey_one_by(PEER_A);
}

Test(ike_children, rekey_one_by_responder)
{
	rekey_one_by(PEER_B);
}

/* `uipsec rekey NAME/CHILD` (swanctl --rekey --child): only that child's
 * CHILD_SA is rekeyed, from either end; a child the connection does not
 * have is refused. */
static void
rekey_command_by(int who)
{
	struct three_spis was;

	three_children(ESP_PROPS, ESP_PROPS);
	up(2);
	was = spis_now();
	cr_assert_eq(ike_engine_rekey_child(net.p[who].e, "fleet", "nope",
	    net.now), -1);
	cr_assert_eq(ike_engine_rekey_child(net.p[who].e, "other", "web",
	    net.now), -1);
	cr_assert_eq(net.n, 0);
	cr_assert_eq(ike_engine_rekey_child(net.p[who].e, "fleet", "web",
	    net.now), 1);
	net_advance(0);
	only_web_rekeyed(was);
}

Test(ike_children, rekey_command_one_child_by_initiator)
{
	rekey_command_by(PEER_A);
}

Test(ike_children, rekey_command_one_child_by_responder)
{
	rekey_command_by(PEER_B);
}

/* A hard lifetime ends one CHILD_SA (gone from both ends), not the
 * others. */
Test(ike_children, expires_alone)
{
	three_children(ESP_PROPS, ESP_PROPS);
	child_named(PEER_A, "mgmt")->rekey_time = 0;
	child_named(PEER_A, "mgmt")->life_time_ms = 30000;
	up(2);
	net_advance(30000);
	cr_assert_eq(peer_live_named(PEER_A, "mgmt"), 0);
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);	/* D(ESP, mgmt) */
	net_run(4);
	nothing_went_down();
	cr_assert_eq(peer_live_named(PEER_B, "mgmt"), 0);
	assert_live_pair("net");
	assert_live_pair("web");
}

/* An IKE SA rekey moves every CHILD_SA; they rekey over the new SA. */
Test(ike_children, ike_rekey_keeps_all)
{
	three_children(ESP_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.rekey_time = 100;
	net.p[PEER_A].conn.over_time = 10;
	child_named(PEER_A, "mgmt")->rekey_time = 150;
	up(2);
	net_advance(100000);
	net_expect_head(IKEV2_EXCH_CREATE_CHILD_SA, false);
	net_run(8);
	nothing_went_down();
	cr_assert_eq(net.p[PEER_A].n_children, 3, "moved, not reinstalled");
	net_advance(50000);
	net_run(8);
	nothing_went_down();
	assert_live_pair("net");
	assert_live_pair("web");
	assert_live_pair("mgmt");
	cr_assert_eq(net.p[PEER_A].n_children, 4);
}

/* Reauthentication makes a new IKE SA with all children again before the
 * old one goes. */
Test(ike_children, reauth_makes_all)
{
	three_children(ESP_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.reauth_time = 100;
	net.p[PEER_A].conn.over_time = 10;
	up(2);
	net_advance(100000);
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, false);
	net_run(16);
	net_advance(0);
	net_run(8);
	net_advance(0);
	net_run(8);
	cr_assert_eq(net.p[PEER_A].n_down, 0);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	assert_live_pair("net");
	assert_live_pair("web");
	assert_live_pair("mgmt");
}

struct sa_count {
	size_t	n_sa, n_children;
};

static void
count_sa(void *arg, const struct ike_sa_status *st)
{
	struct sa_count *c = arg;

	if (strcmp(st->state, "ESTABLISHED") != 0)
		return;
	c->n_sa++;
	c->n_children += st->n_children;
}

/* Each side lists one established IKE SA holding `children` CHILD_SAs. */
static void
assert_filed_under_one(size_t children)
{
	struct sa_count c;
	int who;

	for (who = 0; who < 2; who++) {
		memset(&c, 0, sizeof(c));
		ike_engine_foreach(net.p[who].e, count_sa, &c);
		cr_assert_eq(c.n_sa, 1, "peer %d: %zu IKE SAs", who, c.n_sa);
		cr_assert_eq(c.n_children, children, "peer %d: %zu children",
		    who, c.n_children);
	}
}

/* A's CREATE_CHILD_SA (an additional child, or with `rekey` a rekey of
 * the first) crosses B's IKE SA rekey on the wire, delivered in either
 * order. A refuses the IKE rekey while its own exchange runs (§2.25,
 * TEMPORARY_FAILURE); B answers A's; B rekeys again later. Every CHILD_SA
 * must end up on the one live IKE SA of each side (the data plane files
 * them by its id) and go when that SA is closed. */
static void
child_exchange_crosses_ike_rekey(bool rekey, bool a_first)
{
	struct net_dgram t;
	int i;

	three_children(ESP_PROPS, ESP_PROPS);
	net.p[PEER_A].conn.over_time = net.p[PEER_B].conn.over_time = 10;
	if (rekey)
		up(2);
	else {
		peer_start();
		cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet",
		    net.now), 0);
		net_run(16);	/* "web" and "mgmt" still to create */
	}
	if (rekey)
		cr_assert_eq(ike_engine_rekey(net.p[PEER_A].e, "fleet", false,
		    net.now), 3);
	cr_assert_eq(ike_engine_rekey(net.p[PEER_B].e, "fleet", true,
	    net.now), 1);
	net_advance(0);
	/* CREATE_CHILD_SA { [N(REKEY_SA)], SA, Ni, TSi, TSr } --> from A,
	 * <-- CREATE_CHILD_SA { SA(IKE), Ni, KEi } from B */
	cr_assert_eq(net.n, 2);
	if (!a_first) {
		t = net.q[0];
		net.q[0] = net.q[1];
		net.q[1] = t;
	}
	for (i = 0; i < 40; i++) {	/* B's rekey retried, A's rekeys done */
		net_advance(1000);
		net_run(16);
	}
	nothing_went_down();
	assert_live_pair("net");
	assert_live_pair("web");
	assert_live_pair("mgmt");
	assert_filed_under_one(3);
	cr_assert_eq(ike_engine_terminate(net.p[PEER_B].e, "fleet", net.now),
	    0);
	net_run(16);
	net_advance(0);
	cr_assert_eq(peer_live_children(PEER_A), 0);
	cr_assert_eq(peer_live_children(PEER_B), 0);
}

Test(ike_children, create_crosses_ike_rekey)
{
	child_exchange_crosses_ike_rekey(false, true);
}

Test(ike_children, create_crosses_ike_rekey_other_order)
{
	child_exchange_crosses_ike_rekey(false, false);
}

Test(ike_children, rekey_crosses_ike_rekey)
{
	child_exchange_crosses_ike_rekey(true, true);
}

Test(ike_children, rekey_crosses_ike_rekey_other_order)
{
	child_exchange_crosses_ike_rekey(true, false);
}
