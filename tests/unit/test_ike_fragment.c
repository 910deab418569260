/*
 * IKE fragmentation (RFC 7383) between two engines (ike_peer_testlib):
 * RSA certificates make IKE_AUTH large, a fragment size of 576 splits it
 * both ways into SKF{} datagrams that fit; a tampered fragment is dropped
 * before it is kept (§2.6); fragments out of order and duplicated; a lost
 * response fragment recovered by retransmission (§2.6.1); no fragments
 * when one side does not announce IKEV2_FRAGMENTATION_SUPPORTED.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <string.h>

#include "ike/ike_sa.h"
#include "ike/ikev2_wire.h"
#include "ike_peer_testlib.h"
#include "ike_testlib.h"

#define FRAG	576
/* IPv4 and UDP headers (no NAT here: port 500, no non-ESP marker). */
#define FRAG_MSG_MAX	(FRAG - 20 - 8)

static void
teardown(void)
{
	net_free();
}

TestSuite(ike_fragment, .fini = teardown, .timeout = 60);

static void
rsa_peers(size_t frag_a, size_t frag_b)
{
	net_init("aes256-sha1-modp2048", "aes256-sha1");
	peer_credentials(PEER_A, "int/x509/ccu-rsa.pem", "int/private/ccu-rsa.pem");
	peer_credentials(PEER_B, "int/x509/vpn-rsa4096.pem",
	    "int/private/vpn-rsa4096.pem");
	net.p[PEER_A].frag_size = frag_a;
	net.p[PEER_B].frag_size = frag_b;
	peer_start();
}

/* IKE_SA_INIT both ways; A's IKE_AUTH request is then on the wire. */
static void
sa_init(void)
{
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	cr_assert_str_eq(peer_state(PEER_A), "IKE_AUTH_SENT");
}

/* Every queued datagram is an SKF{} fragment of `total` of one message
 * that fits FRAG; returns total and the bytes queued. */
static unsigned
queued_fragments(size_t *bytes)
{
	unsigned total = 0;
	size_t i;

	*bytes = 0;
	cr_assert_gt(net.n, 0);
	for (i = 0; i < net.n; i++) {
		const uint8_t *b = net.q[i].b;

		cr_assert_eq(b[16], IKEV2_PL_SKF, "datagram %zu not SKF", i);
		cr_assert_leq(net.q[i].len, FRAG_MSG_MAX);
		cr_assert_eq((size_t)(b[IKEV2_HDR_LEN + 4] << 8 |
		    b[IKEV2_HDR_LEN + 5]), i + 1, "fragment number");
		total = (unsigned)(b[IKEV2_HDR_LEN + 6] << 8 |
		    b[IKEV2_HDR_LEN + 7]);
		*bytes += net.q[i].len;
	}
	cr_assert_eq(total, net.n);
	return total;
}

static void
established(void)
{
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_A].n_up, 1);
	cr_assert_eq(net.p[PEER_B].n_up, 1);
	assert_children_match();
}

Test(ike_fragment, ike_auth_fragmented_both_ways)
{
	unsigned nreq, nresp;
	size_t breq, bresp, i;

	rsa_peers(FRAG, FRAG);
	sa_init();
	nreq = queued_fragments(&breq);
	cr_assert_gt(nreq, 1);
	for (i = 0; i < nreq; i++)
		net_step();
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	nresp = queued_fragments(&bresp);
	cr_assert_gt(nresp, 1);
	net_run(nresp);
	established();
	cr_log_info("IKE_AUTH at %d: request %u fragments %zu bytes, response "
	    "%u fragments %zu bytes", FRAG, nreq, breq, nresp, bresp);
	printf("IKE_AUTH at %d: request %u fragments %zu bytes, response "
	    "%u fragments %zu bytes\n", FRAG, nreq, breq, nresp, bresp);
}

/* §2.6: a fragment that fails its ICV is not kept; the retransmitted
 * set completes the message. */
Test(ike_fragment, tampered_fragment_dropped)
{
	size_t bytes, n;

	rsa_peers(FRAG, FRAG);
	sa_init();
	n = queued_fragments(&bytes);
	net.q[1].b[net.q[1].len - 1] ^= 0x01;	/* in fragment 2's ICV */
	net_run(n);
	cr_assert_str_eq(peer_state(PEER_B), "IKE_SA_INIT_DONE");
	net_advance(4000);			/* A resends every fragment */
	cr_assert_eq(net.n, n);
	net_run(64);
	established();
}

/* Fragments in reverse order, one of them twice. */
Test(ike_fragment, out_of_order_and_duplicate)
{
	struct net_dgram tmp;
	size_t bytes, n, i;

	rsa_peers(FRAG, FRAG);
	sa_init();
	n = queued_fragments(&bytes);
	for (i = 0; i < n / 2; i++) {
		tmp = net.q[i];
		net.q[i] = net.q[n - 1 - i];
		net.q[n - 1 - i] = tmp;
	}
	net_dup();				/* the last fragment, twice */
	for (i = 0; i < n + 1; i++)
		net_step();
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	net_run(64);
	established();
}

/* A response fragment lost: A retransmits its fragments, B resends its
 * whole response once, on fragment 1 (§2.6.1), not once per fragment. */
Test(ike_fragment, lost_response_fragment)
{
	size_t bytes, nreq, nresp, sent;

	rsa_peers(FRAG, FRAG);
	sa_init();
	nreq = queued_fragments(&bytes);
	while (nreq-- > 0)
		net_step();
	nresp = queued_fragments(&bytes);
	net_drop();				/* response fragment 1 */
	while (net.n > 0)
		net_step();
	cr_assert_str_eq(peer_state(PEER_A), "IKE_AUTH_SENT");
	sent = net.p[PEER_B].sent;
	net_advance(4000);
	net_run(64);
	established();
	cr_assert_eq(net.p[PEER_B].sent - sent, nresp);
}

/* B does not announce IKEV2_FRAGMENTATION_SUPPORTED: IKE_AUTH goes out
 * whole, larger than FRAG. */
Test(ike_fragment, not_negotiated)
{
	rsa_peers(FRAG, 0);
	sa_init();
	cr_assert_eq(net.n, 1);
	cr_assert_eq(net.q[0].b[16], IKEV2_PL_SK);
	cr_assert_gt(net.q[0].len, FRAG_MSG_MAX);
	net_run(4);
	established();
}
