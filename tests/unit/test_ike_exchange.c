/*
 * Two IKE engines talking through an in-memory network (ike_peer_testlib):
 * IKE_SA_INIT, IKE_AUTH with certificates from the certs_pki fixture, the
 * first CHILD_SA, INFORMATIONAL Delete; the state of both sides after every
 * step; the refusals of RFC 7296 (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD,
 * AUTHENTICATION_FAILED); loss, retransmission and duplicates (§2.1); NAT
 * detection (§2.23); virtual IPs (§3.15).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "certs_testlib.h"
#include "ike/ikev2_wire.h"
#include "ike_peer_testlib.h"
#include "ike_testlib.h"

#define ECDSA_IKE	"aes256-sha256-ecp256"
#define ESP_DEFAULT	"aes256-sha1"

static void
teardown(void)
{
	net_free();
}

TestSuite(ike_exchange, .fini = teardown, .timeout = 60);

/* The full set-up, one message at a time. */
static void
handshake(void)
{
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	cr_assert_str_eq(peer_state(PEER_A), "IKE_SA_INIT_SENT");
	/* IKE_SA_INIT { SAi1, KEi, Ni, N(NAT_D)x2, N(SIG_HASH) } --> */
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, false);
	net_step();
	cr_assert_str_eq(peer_state(PEER_B), "IKE_SA_INIT_DONE");
	/* <-- IKE_SA_INIT { SAr1, KEr, Nr, N(NAT_D)x2, CERTREQ, N(SIG_HASH) } */
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, true);
	net_step();
	cr_assert_str_eq(peer_state(PEER_A), "IKE_AUTH_SENT");
	/* IKE_AUTH { IDi, CERT+, CERTREQ, AUTH, SAi2, TSi, TSr } --> */
	net_expect_head(IKEV2_EXCH_IKE_AUTH, false);
	net_step();
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	/* <-- IKE_AUTH { IDr, CERT+, AUTH, SAr2, TSi, TSr } */
	net_expect_head(IKEV2_EXCH_IKE_AUTH, true);
	net_step();
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_eq(net.n, 0);
	cr_assert_eq(net.p[PEER_A].n_up, 1);
	cr_assert_eq(net.p[PEER_B].n_up, 1);
}

Test(ike_exchange, establish_and_delete)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	handshake();
	assert_children_match();
	cr_assert_eq(net.p[PEER_A].child[0].c.out.suite,
	    ESP_SUITE_AES_CBC_HMAC_SHA1_96);
	cr_assert(!net.p[PEER_A].child[0].c.udp_encap);
	cr_assert_eq(ike_engine_next(net.p[PEER_A].e), UINT64_MAX);

	cr_assert_eq(ike_engine_terminate(net.p[PEER_A].e, "fleet", net.now), 0);
	cr_assert_str_eq(peer_state(PEER_A), "DELETING");
	/* INFORMATIONAL { D(IKE) } --> */
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_step();
	cr_assert_str_eq(peer_state(PEER_B), "none");
	cr_assert(net.p[PEER_B].child[0].removed);
	/* <-- INFORMATIONAL { } */
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, true);
	net_step();
	cr_assert_str_eq(peer_state(PEER_A), "none");
	cr_assert(net.p[PEER_A].child[0].removed);
	cr_assert_eq(net.p[PEER_A].n_down, 1);
	cr_assert_eq(net.p[PEER_B].n_down, 1);
}

/* Every IKE proposal of issue 4 with every ESP suite. */
Test(ike_exchange, proposal_matrix)
{
	static const char *const ike[] = { "aes256-sha1-modp2048",
	    "aes256-sha256-ecp256", "aes256gcm16-prfsha256-x25519",
	    "chacha20poly1305-prfsha256-x25519" };
	static const struct { const char *esp; enum esp_suite suite;
	    bool esn; } esp[] = {
		{ "aes256-sha1", ESP_SUITE_AES_CBC_HMAC_SHA1_96, false },
		{ "aes256gcm16", ESP_SUITE_AES_GCM_16, false },
		{ "chacha20poly1305", ESP_SUITE_CHACHA20_POLY1305, false },
		{ "aes256-sha1-esn", ESP_SUITE_AES_CBC_HMAC_SHA1_96, true },
		{ "aes256gcm16-esn", ESP_SUITE_AES_GCM_16, true },
	};
	size_t i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < sizeof(esp) / sizeof(esp[0]); j++) {
			net_init(ike[i], esp[j].esp);
			peer_start();
			handshake();
			assert_children_match();
			cr_assert_eq(net.p[PEER_A].child[0].c.out.suite,
			    esp[j].suite, "%s %s", ike[i], esp[j].esp);
			cr_assert_eq(net.p[PEER_A].child[0].c.out.esn,
			    esp[j].esn);
		}
}

/* The responder wants another group: INVALID_KE_PAYLOAD, then a retry. */
Test(ike_exchange, invalid_ke_retry)
{
	net_init("aes256-sha256-ecp256-modp2048", ESP_DEFAULT);
	peer_set_proposals(PEER_B, "aes256-sha256-modp2048", ESP_DEFAULT);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	/* IKE_SA_INIT { SAi1, KEi(ECP_256), Ni } --> */
	net_step();
	cr_assert_str_eq(peer_state(PEER_B), "none");	/* no state kept */
	/* <-- IKE_SA_INIT { N(INVALID_KE_PAYLOAD, 14) } */
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, true);
	net_step();
	cr_assert_str_eq(peer_state(PEER_A), "IKE_SA_INIT_SENT");
	/* IKE_SA_INIT { SAi1, KEi(MODP_2048), Ni } --> and on to the end */
	net_expect_head(IKEV2_EXCH_IKE_SA_INIT, false);
	net_run(8);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	assert_children_match();
}

Test(ike_exchange, no_proposal_chosen)
{
	net_init("aes256-sha1-modp2048", ESP_DEFAULT);
	peer_set_proposals(PEER_B, "chacha20poly1305-prfsha256-x25519",
	    ESP_DEFAULT);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	/* IKE_SA_INIT --> ; <-- IKE_SA_INIT { N(NO_PROPOSAL_CHOSEN) } */
	net_run(4);
	cr_assert_str_eq(peer_state(PEER_A), "none");
	cr_assert_str_eq(peer_state(PEER_B), "none");
	cr_assert_eq(net.p[PEER_A].n_failed, 1);
	cr_assert(strstr(net.p[PEER_A].why, "NO_PROPOSAL_CHOSEN") != NULL,
	    "%s", net.p[PEER_A].why);
}

/* ESP proposals that do not meet: the IKE SA stands, no CHILD_SA. */
Test(ike_exchange, child_no_proposal)
{
	net_init(ECDSA_IKE, "aes256-sha1");
	peer_set_proposals(PEER_B, ECDSA_IKE, "chacha20poly1305");
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_run(8);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_A].n_children, 0);
	cr_assert_eq(net.p[PEER_B].n_children, 0);
}

/* A refusal by the responder: AUTHENTICATION_FAILED on both sides, and the
 * responder's reason from certs/. */
static void
refused_by_responder(const char *reason)
{
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	/* IKE_AUTH { IDi, CERT, AUTH, SAi2, TSi, TSr } --> */
	net_step();
	cr_assert_str_eq(peer_state(PEER_B), "none");
	cr_assert_eq(net.p[PEER_B].n_failed, 1);
	cr_assert(strstr(net.p[PEER_B].why, "AUTHENTICATION_FAILED") != NULL);
	cr_assert(strstr(net.p[PEER_B].why, reason) != NULL, "%s",
	    net.p[PEER_B].why);
	/* <-- IKE_AUTH { N(AUTHENTICATION_FAILED) } */
	net_expect_head(IKEV2_EXCH_IKE_AUTH, true);
	net_step();
	cr_assert_str_eq(peer_state(PEER_A), "none");
	cr_assert_eq(net.p[PEER_A].n_failed, 1);
	cr_assert(strstr(net.p[PEER_A].why, "AUTHENTICATION_FAILED") != NULL);
	cr_assert_eq(net.p[PEER_A].n_children + net.p[PEER_B].n_children, 0);
}

Test(ike_exchange, wrong_ca)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_credentials(PEER_A, "other/x509/stranger.pem",
	    "other/private/stranger.pem");
	peer_start();
	refused_by_responder("untrusted");
}

Test(ike_exchange, revoked)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_credentials(PEER_A, "odd/revoked.pem",
	    "int/ca/revoked/revoked-*.private.pem");
	peer_start();
	refused_by_responder("revoked");
}

Test(ike_exchange, wrong_id)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_set_remote_id(PEER_B, "C=DE, O=uipsec test, CN=ccu-0001");
	peer_start();
	refused_by_responder("does not match remote.id");
}

/* remote.cacerts: the chain must end at one of them (compared as DN
 * text; the text of the anchor is made only for connections that have
 * remote.cacerts and for the refusal). */
static void
remote_cacert(int who, const char *path)
{
	struct ike_conn_cfg *c = &net.p[who].conn;

	snprintf(c->remote.cacerts[c->remote.n_cacerts++],
	    sizeof(c->remote.cacerts[0]), "%s", path);
}

Test(ike_exchange, remote_cacerts_accept_their_anchor)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	remote_cacert(PEER_B, pki_path("other/x509ca/other-ca.pem"));
	remote_cacert(PEER_B, "test-root-ca.pem");
	peer_start();
	handshake();
}

Test(ike_exchange, remote_cacerts_refuse_another_anchor)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	remote_cacert(PEER_B, pki_path("other/x509ca/other-ca.pem"));
	peer_start();
	refused_by_responder("chain ends at C=DE, O=uipsec test, "
	    "CN=Test Root CA, not at a CA of remote.cacerts");
}

Test(ike_exchange, wildcard_id_accepted)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_set_remote_id(PEER_B, "C=DE, O=uipsec test, CN=*");
	peer_set_remote_id(PEER_A, "C=DE, O=uipsec test, CN=vpn-ec384");
	peer_start();
	handshake();
}

/* The initiator refuses the responder: INFORMATIONAL { N(AUTH_FAILED) }. */
Test(ike_exchange, refused_by_initiator)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_set_remote_id(PEER_A, "vpn2.fleet.test");
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	net_step();
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	/* <-- IKE_AUTH { IDr, CERT, AUTH, SAr2, TSi, TSr } */
	net_step();
	cr_assert_str_eq(peer_state(PEER_A), "none");
	cr_assert(strstr(net.p[PEER_A].why, "does not match remote.id") != NULL,
	    "%s", net.p[PEER_A].why);
	/* INFORMATIONAL { N(AUTHENTICATION_FAILED) } --> */
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_step();
	cr_assert_str_eq(peer_state(PEER_B), "none");
	cr_assert(strstr(net.p[PEER_B].why, "AUTHENTICATION_FAILED") != NULL);
	cr_assert(net.p[PEER_B].child[0].removed);
}

/* strongSwan's retransmission defaults (timeout 4 s, base 1.8, 5 tries)
 * instead of uipsec's: the same semantics, other numbers. */
static void
strongswan_timing(int who)
{
	ike_settings_default(&net.p[who].set);
	net.p[who].set.retransmit_timeout_ms = 4000;
	net.p[who].set.retransmit_tries = 5;
	net.p[who].have_set = true;
}

/* A lost IKE_AUTH request is sent again after 4 s (strongSwan's timeout). */
Test(ike_exchange, lost_request_retransmitted)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	strongswan_timing(PEER_A);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	net_expect_head(IKEV2_EXCH_IKE_AUTH, false);
	net_drop();
	cr_assert_eq(ike_engine_next(net.p[PEER_A].e), net.now + 4000);
	net_advance(3999);
	cr_assert_eq(net.n, 0);
	net_advance(1);
	/* IKE_AUTH { ... } --> (retransmit 1) */
	net_expect_head(IKEV2_EXCH_IKE_AUTH, false);
	cr_assert_eq(ike_engine_next(net.p[PEER_A].e), net.now + 7200);
	net_run(4);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
	assert_children_match();
}

/* A lost response: the retransmitted request gets the cached response. */
Test(ike_exchange, duplicate_request_gets_cached_response)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	net_step();		/* IKE_AUTH request: B established */
	net_expect_head(IKEV2_EXCH_IKE_AUTH, true);
	net_drop();		/* its response is lost */
	net_advance(4000);	/* A retransmits */
	net_dup();		/* and the network duplicates it */
	net_step();
	net_step();
	cr_assert_eq(net.n, 2);	/* two identical cached responses */
	cr_assert_eq(net.q[0].len, net.q[1].len);
	cr_assert_eq(memcmp(net.q[0].b, net.q[1].b, net.q[0].len), 0);
	net_run(4);		/* the second is ignored by A */
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_eq(net.p[PEER_B].n_children, 1);
	cr_assert_eq(net.p[PEER_A].n_children, 1);
	assert_children_match();
}

/* A retransmitted IKE_SA_INIT request finds the SA it created. */
Test(ike_exchange, duplicate_sa_init)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_dup();
	net_step();
	net_step();
	cr_assert_eq(net.n, 2);
	cr_assert_eq(memcmp(net.q[0].b, net.q[1].b, net.q[0].len), 0);
	net_run(8);
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	cr_assert_str_eq(peer_state(PEER_B), "ESTABLISHED");
}

/* Nobody answers: 5 retransmits (4, 7.2, 13, 23.3, 42 s), then failure. */
Test(ike_exchange, retransmits_give_up)
{
	static const uint64_t wait[] = { 4000, 7200, 12960, 23328, 41990,
	    75582 };
	size_t i;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	strongswan_timing(PEER_A);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_drop();
	for (i = 0; i < 5; i++) {
		net_advance(wait[i] + 1);
		cr_assert_eq(net.n, 1, "retransmit %zu", i + 1);
		net_drop();
	}
	cr_assert_str_eq(peer_state(PEER_A), "IKE_SA_INIT_SENT");
	net_advance(wait[5] + 1);
	cr_assert_eq(net.n, 0);
	cr_assert_str_eq(peer_state(PEER_A), "none");
	cr_assert(strstr(net.p[PEER_A].why, "no response") != NULL);
}

/* A behind a NAT: both detect it (§2.23), A floats to 4500 for IKE_AUTH,
 * the CHILD_SA is UDP-encapsulated on both sides. */
Test(ike_exchange, nat_traversal)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.nat = true;
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_step();
	net_expect_head(IKEV2_EXCH_IKE_AUTH, false);
	cr_assert_eq(ntohs(((struct sockaddr_in *)&net.q[0].dst)->sin_port),
	    IKEV2_PORT_NATT);
	net_run(4);
	assert_children_match();
	cr_assert(net.p[PEER_A].child[0].c.udp_encap);
	cr_assert(net.p[PEER_B].child[0].c.udp_encap);
	cr_assert_eq(ntohs(((struct sockaddr_in *)&net.p[PEER_B].child[0].c.
	    remote)->sin_port), IKEV2_PORT_NATT + 1000);	/* A's NAT */
}

/* A asks for a virtual IP; B hands out the first of its pool and narrows
 * TSi to it (§2.9, §3.15). */
Test(ike_exchange, virtual_ip_and_narrowing)
{
	struct ike_conn_cfg *b;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	b = &net.p[PEER_B].conn;
	peer_use_pool();
	b->children[0].local_ts[0].prefix.plen = 24;	/* 10.2.0.0/24 */
	peer_start();
	handshake();
	assert_children_match();
	cr_assert(net.p[PEER_A].child[0].c.has_vip);
	cr_assert_eq(net.p[PEER_A].child[0].c.vip.addr[3], 1);
	cr_assert_eq(net.p[PEER_A].child[0].c.local_ts[0].prefix.plen, 32);
	cr_assert_eq(net.p[PEER_A].child[0].c.local_ts[0].prefix.addr[2], 0);
	cr_assert_eq(net.p[PEER_A].child[0].c.local_ts[0].prefix.addr[0], 10);
	cr_assert_eq(net.p[PEER_A].child[0].c.local_ts[0].prefix.addr[1], 3);
	cr_assert_eq(net.p[PEER_A].child[0].c.remote_ts[0].prefix.plen, 24);
	cr_assert_eq(net.p[PEER_B].child[0].c.remote_ts[0].prefix.plen, 32);
}

/* dpd_delay: an idle SA checks liveness with an empty INFORMATIONAL; a
 * peer that stops answering is declared dead after the retransmits. */
Test(ike_exchange, liveness_and_dead_peer)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.p[PEER_A].conn.dpd_delay = 30;
	peer_start();
	handshake();
	net_advance(29999);
	cr_assert_eq(net.n, 0);
	net_advance(1);
	/* INFORMATIONAL { } --> ; <-- INFORMATIONAL { } */
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, false);
	net_step();
	net_expect_head(IKEV2_EXCH_INFORMATIONAL, true);
	net_step();
	cr_assert_str_eq(peer_state(PEER_A), "ESTABLISHED");
	/* B vanishes: every check and retransmit is lost. */
	ike_engine_free(net.p[PEER_B].e);
	net.p[PEER_B].e = NULL;
	net_advance(30000);
	while (net.n > 0) {
		net_drop();
		net_advance(ike_engine_next(net.p[PEER_A].e) - net.now);
	}
	cr_assert_str_eq(peer_state(PEER_A), "none");
	cr_assert_eq(net.p[PEER_A].n_down, 1);
	cr_assert(strstr(net.p[PEER_A].why, "peer dead") != NULL);
	cr_assert(net.p[PEER_A].child[0].removed);
}

/* §2.5: an unknown payload with the critical bit in IKE_SA_INIT gets
 * UNSUPPORTED_CRITICAL_PAYLOAD naming its type; no state is kept. */
Test(ike_exchange, unsupported_critical_payload)
{
	static uint8_t msg[256], body[4] = { 1, 2, 3, 4 };
	static struct ike_msg m;
	struct sockaddr_storage a, b;
	const struct ike_payload *n;
	size_t len;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.ss_family = b.ss_family = AF_INET;
	((struct sockaddr_in *)&a)->sin_port = htons(500);
	((struct sockaddr_in *)&b)->sin_port = htons(500);
	len = ike_wrap_payload(msg, sizeof(msg), 200, IKEV2_CRITICAL, body, 4);
	ike_engine_input(net.p[PEER_B].e, &b, &a, msg, len, net.now);
	cr_assert_eq(net.n, 1);
	cr_assert_eq(ike_msg_parse(&m, net.q[0].b, net.q[0].len), IKE_PARSE_OK);
	n = ike_msg_notify(&m, IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	cr_assert_not_null(n);
	cr_assert_eq(n->u.notify.data.len, 1);
	cr_assert_eq(n->u.notify.data.p[0], 200);
	cr_assert_str_eq(peer_state(PEER_B), "none");
}

/* A responder SA whose IKE_AUTH never comes is dropped after 30 s. */
Test(ike_exchange, half_open_timeout)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	peer_start();
	cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet", net.now), 0);
	net_step();
	net_drop();
	cr_assert_str_eq(peer_state(PEER_B), "IKE_SA_INIT_DONE");
	cr_assert_eq(ike_engine_next(net.p[PEER_B].e), net.now + 30000);
	net_advance(30000);
	cr_assert_str_eq(peer_state(PEER_B), "none");
	cr_assert(strstr(net.p[PEER_B].why, "half-open") != NULL);
}

/* RSA end entities on both sides (RFC 7427 method 14, PKCS#1 v1.5 with
 * SHA-256 as the peer announced SIGNATURE_HASH_ALGORITHMS), MODP-2048. */
Test(ike_exchange, rsa_certificates)
{
	net_init("aes256-sha1-modp2048", ESP_DEFAULT);
	peer_credentials(PEER_A, "int/x509/ccu-rsa.pem", "int/private/ccu-rsa.pem");
	peer_credentials(PEER_B, "int/x509/vpn-rsa4096.pem",
	    "int/private/vpn-rsa4096.pem");
	peer_start();
	handshake();
	assert_children_match();
}

static void
prefix6(struct ike_prefix *p, const char *ip, uint8_t plen)
{
	memset(p, 0, sizeof(*p));
	p->family = AF_INET6;
	p->plen = plen;
	cr_assert_eq(inet_pton(AF_INET6, ip, p->addr), 1);
}

/* IPv6 outside and inside: NAT-D over 16-octet addresses (no NAT found),
 * IPv6 traffic selectors narrowed to the responder's smaller range. */
Test(ike_exchange, ipv6)
{
	struct ike_conn_cfg *a, *b;

	net_init(ECDSA_IKE, ESP_DEFAULT);
	a = &net.p[PEER_A].conn;
	b = &net.p[PEER_B].conn;
	prefix6(&a->local_addrs[0], "2001:db8::1", 128);
	prefix6(&a->remote_addrs[0], "2001:db8::2", 128);
	prefix6(&b->local_addrs[0], "2001:db8::2", 128);
	prefix6(&a->children[0].local_ts[0].prefix, "fd00:1::", 32);
	prefix6(&a->children[0].remote_ts[0].prefix, "fd00:2::", 32);
	prefix6(&b->children[0].local_ts[0].prefix, "fd00:2:5::", 48);
	prefix6(&b->children[0].remote_ts[0].prefix, "fd00:1::", 32);
	peer_start();
	handshake();
	assert_children_match();
	cr_assert(!net.p[PEER_A].child[0].c.udp_encap);
	cr_assert_eq(net.p[PEER_A].child[0].c.remote.ss_family, AF_INET6);
	cr_assert_eq(net.p[PEER_A].child[0].c.remote_ts[0].prefix.plen, 48);
	cr_assert_eq(net.p[PEER_A].child[0].c.remote_ts[0].prefix.addr[5], 5);
	cr_assert_eq(net.p[PEER_A].child[0].c.local_ts[0].prefix.plen, 32);
}

/* encap = yes without a NAT: the faked NAT_DETECTION_SOURCE_IP hash makes
 * the responder see one, both float to 4500 and use ESP in UDP. */
Test(ike_exchange, forced_encapsulation)
{
	net_init(ECDSA_IKE, ESP_DEFAULT);
	net.p[PEER_A].conn.encap = true;
	peer_start();
	handshake();
	assert_children_match();
	cr_assert(net.p[PEER_A].child[0].c.udp_encap);
	cr_assert(net.p[PEER_B].child[0].c.udp_encap);
	cr_assert_eq(ntohs(((struct sockaddr_in *)&net.p[PEER_B].child[0].c.
	    local)->sin_port), IKEV2_PORT_NATT);
}
