/*
 * The responder's AUTH signed later (io.sign, as uipsecd's signer threads
 * do): two engines in one process (ike_peer_testlib) whose responder keeps
 * each signature job for the test to finish, in order, out of order,
 * after the SA went away, or with a failure. Meanwhile the SA waits in
 * IKE_AUTH_SIGNING: a retransmitted IKE_AUTH request is not answered
 * (there is no response yet) and no timer fails it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike_peer_testlib.h"

#define ECDSA_IKE	"aes256-sha256-ecp256"
#define RSA_IKE		"aes256-sha1-modp2048"
#define ESP_DEFAULT	"aes256-sha1"

static void
teardown(void)
{
	net_free();
}

TestSuite(ike_sign, .fini = teardown, .timeout = 60);

static void
start_deferred(const char *ike)
{
	net_init(ike, ESP_DEFAULT);
	net.p[PEER_B].sign = PEER_SIGN_DEFER;
}

/* IKE_SA_INIT, then the IKE_AUTH request: B verified A and handed its
 * AUTH to io.sign; nothing is on the wire. */
static void
until_signing(void)
{
	size_t jobs = net.p[PEER_B].n_jobs, sent = net.p[PEER_B].sent;

	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(3);
	cr_assert_str_eq(peer_state(PEER_B), "IKE_AUTH_SIGNING");
	cr_assert_str_eq(peer_state(PEER_A), "IKE_AUTH_SENT");
	cr_assert_eq(net.p[PEER_B].n_jobs, jobs + 1);
	cr_assert_eq(net.p[PEER_B].sent, sent + 1, "only IKE_SA_INIT answered");
	cr_assert_eq(net.p[PEER_B].n_up, 0);
}

/* <-- IKE_AUTH { IDr, CERT+, AUTH, SAr2, TSi, TSr } once signed. */
static void
finish_and_establish(size_t job)
{
	peer_sign_finish(PEER_B, job, NULL);
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	net_expect_head(IKEV2_EXCH_IKE_AUTH, true);
	net_run(2);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_A].n_up, 1);
	cr_assert_eq(net.p[PEER_B].n_up, 1);
	assert_children_match();
}

Test(ike_sign, deferred_ecdsa)
{
	start_deferred(ECDSA_IKE);
	peer_start();
	until_signing();
	finish_and_establish(0);
}

/* RSA (the case io.sign is for), with a virtual IP from B's pool: the
 * CP(CFG_REPLY) and CHILD_SA payloads were built before the wait, from
 * a request buffer that has since been reused. */
Test(ike_sign, deferred_rsa_with_virtual_ip)
{
	start_deferred(RSA_IKE);
	peer_credentials(PEER_A, "int/x509/ccu-rsa.pem",
	    "int/private/ccu-rsa.pem");
	peer_credentials(PEER_B, "int/x509/vpn-rsa4096.pem",
	    "int/private/vpn-rsa4096.pem");
	peer_use_pool();
	peer_start();
	until_signing();
	finish_and_establish(0);
	cr_assert(net.p[PEER_A].child[0].c.has_vip);
	cr_assert_eq(net.p[PEER_A].child[0].c.vip.addr[3], 1);
}

/* §2.1: A retransmits its IKE_AUTH request (and the network duplicates
 * it) while B signs: B has no response to resend and does not process the
 * request again. The one response, once signed, ends the exchange. */
Test(ike_sign, retransmitted_request_while_signing)
{
	size_t sent;

	start_deferred(ECDSA_IKE);
	peer_start();
	until_signing();
	sent = net.p[PEER_B].sent;
	net_advance(ike_engine_next(net.p[PEER_A].e) - net.now);
	net_expect_head(IKEV2_EXCH_IKE_AUTH, false);	/* retransmit 1 */
	net_dup();
	net_run(2);
	cr_assert_eq(net.p[PEER_B].sent, sent, "B answered a request twice");
	cr_assert_eq(net.p[PEER_B].n_jobs, 1, "B signed again");
	cr_assert_str_eq(peer_state(PEER_B), "IKE_AUTH_SIGNING");
	finish_and_establish(0);
	cr_assert_eq(net.p[PEER_B].sent, sent + 1);
}

/* B's timers while it signs: the half-open timeout (30 s) is for SAs that
 * have not authenticated; this one has and only waits for us. */
Test(ike_sign, no_timeout_while_signing)
{
	start_deferred(ECDSA_IKE);
	peer_start();
	until_signing();
	net.now += 120000;
	ike_engine_tick(net.p[PEER_B].e, net.now);	/* B only: A would give up */
	cr_assert_str_eq(peer_state(PEER_B), "IKE_AUTH_SIGNING");
	cr_assert_eq(net.p[PEER_B].n_failed, 0);
	cr_assert_eq(net.n, 0);
	finish_and_establish(0);
}

/* The SA is terminated while it signs; its signature arrives later and
 * finds nothing. A second set-up meanwhile is not disturbed by the stale
 * job and comes up with its own. */
Test(ike_sign, terminated_while_signing)
{
	size_t sent;

	start_deferred(ECDSA_IKE);
	peer_start();
	until_signing();
	cr_assert_eq(ike_engine_terminate(net.p[PEER_B].e, "fleet", net.now), 0);
	cr_assert_str_eq(peer_state(PEER_B), "none");
	cr_assert_eq(net.p[PEER_B].n_down, 1);
	sent = net.p[PEER_B].sent;
	peer_sign_finish(PEER_B, 0, NULL);
	cr_assert_eq(net.p[PEER_B].sent, sent, "an answer for a gone SA");
	cr_assert_eq(net.n, 0);

	peer_restart(PEER_A);	/* its SA would wait for a response */
	until_signing();
	finish_and_establish(1);
}

/* The signer could not sign: the SA fails with its reason, the peer gets
 * nothing (as when the engine cannot sign itself). */
Test(ike_sign, signature_failed)
{
	size_t sent;

	start_deferred(ECDSA_IKE);
	peer_start();
	until_signing();
	sent = net.p[PEER_B].sent;
	peer_sign_finish(PEER_B, 0, "key unusable");
	cr_assert_str_eq(peer_state(PEER_B), "none");
	cr_assert_eq(net.p[PEER_B].n_failed, 1);
	cr_assert(strstr(net.p[PEER_B].why, "cannot sign AUTH: key unusable"),
	    "%s", net.p[PEER_B].why);
	cr_assert_eq(net.p[PEER_B].sent, sent);
}

/* A full queue (io.sign refuses): the engine signs at once, as without. */
Test(ike_sign, full_queue_signs_at_once)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.p[PEER_B].sign = PEER_SIGN_FULL;
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(4);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_B].n_jobs, 0);
	assert_children_match();
}

/* Engine freed with a job outstanding (uipsecd joins its signer threads
 * first): the kept response part is freed with the SA (ASan build). */
Test(ike_sign, freed_while_signing)
{
	start_deferred(ECDSA_IKE);
	peer_start();
	until_signing();
	net_free();
}

struct count_ctx {
	int	 established, signing;
};

static void
count_fn(void *arg, const struct ike_sa_status *st)
{
	struct count_ctx *c = arg;

	c->established += strcmp(st->state, "ESTABLISHED") == 0;
	c->signing += strcmp(st->state, "IKE_AUTH_SIGNING") == 0;
}

static struct count_ctx
count(int who)
{
	struct count_ctx c = { 0, 0 };

	ike_engine_foreach(net.p[who].e, count_fn, &c);
	return c;
}

/* Each of A's CHILD_SAs has its other half at B: SPIs and keys. */
static void
assert_all_paired(void)
{
	const struct peer *a = &net.p[PEER_A], *b = &net.p[PEER_B];
	size_t i, j, found;

	for (i = 0; i < a->n_children; i++) {
		for (found = 0, j = 0; j < b->n_children; j++)
			found += a->child[i].c.out.spi == b->child[j].c.in.spi &&
			    a->child[i].c.in.spi == b->child[j].c.out.spi &&
			    memcmp(a->child[i].out_enc, b->child[j].in_enc,
			    PEER_KEY_MAX) == 0 &&
			    memcmp(a->child[i].in_enc, b->child[j].out_enc,
			    PEER_KEY_MAX) == 0;
		cr_assert_eq(found, 1, "A's CHILD_SA %zu has no match at B", i);
	}
}

/* Three set-ups at once, their signatures finished out of order: each
 * response goes to its own SA (unique = never: all three stay). */
Test(ike_sign, out_of_order)
{
	static const size_t order[] = { 2, 0, 1 };
	size_t i;

	start_deferred(ECDSA_IKE);
	net.p[PEER_B].conn.unique = IKE_UNIQUE_NEVER;
	peer_start();
	for (i = 0; i < 3; i++)
		cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet",
		    net.now), 0);
	net_run(12);
	cr_assert_eq(net.p[PEER_B].n_jobs, 3);
	cr_assert_eq(count(PEER_B).signing, 3);
	for (i = 0; i < 3; i++) {
		peer_sign_finish(PEER_B, order[i], NULL);
		cr_assert_eq(count(PEER_B).established, (int)i + 1);
		net_run(2);
		cr_assert_eq(count(PEER_A).established, (int)i + 1);
	}
	cr_assert_eq(net.p[PEER_A].n_children, 3);
	cr_assert_eq(net.p[PEER_B].n_children, 3);
	assert_all_paired();
}

/* Two set-ups of one peer signed at once, unique = keep: the first to
 * finish is up; the second is refused then (the check when it was
 * verified saw no established SA), with AUTHENTICATION_FAILED. */
Test(ike_sign, unique_keep_rechecked)
{
	start_deferred(ECDSA_IKE);
	net.p[PEER_B].conn.unique = IKE_UNIQUE_KEEP;
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(8);
	cr_assert_eq(count(PEER_B).signing, 2);
	peer_sign_finish(PEER_B, 1, NULL);
	peer_sign_finish(PEER_B, 0, NULL);
	cr_assert_eq(count(PEER_B).established, 1);
	cr_assert_eq(count(PEER_B).signing, 0);
	cr_assert_eq(net.p[PEER_B].n_failed, 1);
	cr_assert(strstr(net.p[PEER_B].why, "unique = keep"), "%s",
	    net.p[PEER_B].why);
	net_run(4);
	cr_assert_eq(count(PEER_A).established, 1);
	cr_assert_eq(net.p[PEER_A].n_failed, 1);
}
