/*
 * uipsecd's data plane between two fake TUNs over loopback UDP, no root
 * needed. Peer A's ESP goes to a socket the test holds ("the wire"), which
 * forwards, drops, replays or tampers before handing it to peer B; B sends
 * straight back to A.
 *
 *   fake TUN A -> dp A -> wire (test) -> dp B -> fake TUN B
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tools/uipsecd/config.h"
#include "tools/uipsecd/dataplane.h"
#include "tools/uipsecd/sad.h"
#include "tools/uipsecd/udp.h"
#include "tun/tun.h"

#define K32	"0x000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"
#define K20	"0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"

struct peer {
	struct cfg	*cfg;
	struct sad	 sad;
	struct tun	*tun;
	int		 tun_peer;	/* the test's end of the fake TUN */
	int		 udp;
	struct dp	 dp;
};

static struct peer A, B;
static int wire;			/* where A's ESP goes */

#define CONF_FMT \
    "tun { name = %s }\n" \
    "manual {\n" \
    "  t {\n" \
    "    local_addrs = 127.0.0.1\n" \
    "    remote_addrs = 127.0.0.1\n" \
    "    local_ts = %s\n" \
    "    remote_ts = %s\n" \
    "    esp_proposals = aes256-sha1-esn\n" \
    "    replay_window = 64\n" \
    "    out {\n      spi = %s\n      enc_key = " K32 "\n" \
    "      auth_key = " K20 "\n    }\n" \
    "    in {\n      spi = %s\n      enc_key = " K32 "\n" \
    "      auth_key = " K20 "\n    }\n" \
    "  }\n" \
    "}\n"

static in_port_t
bound_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return sin.sin_port;
}

static void
set_port(struct sockaddr_storage *ss, in_port_t port)
{
	((struct sockaddr_in *)ss)->sin_port = port;
}

static void
peer_up(struct peer *p, const char *name, const char *lts, const char *rts,
    const char *out_spi, const char *in_spi)
{
	struct conf_errors err = { 0 };
	char text[2048];

	snprintf(text, sizeof(text), CONF_FMT, name, lts, rts, out_spi, in_spi);
	p->cfg = cfg_parse(text, strlen(text), name, &err);
	cr_assert_not_null(p->cfg, "%s", err.msg[0]);
	set_port(&p->cfg->conns[0].local, 0);	/* any free port */
	cr_assert_eq(sad_build(&p->sad, p->cfg), 0);
	cr_assert_eq(tun_fake_open(&p->tun, name, &p->tun_peer), 0);
	p->udp = udp_open(&p->cfg->conns[0].local);
	cr_assert_geq(p->udp, 0);
	cr_assert_eq(dp_init(&p->dp, p->tun, p->udp, &p->sad, 1400), 0);
}

static void
setup(void)
{
	struct sockaddr_in any = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	/* A: 10.10.0.0/16 may send, more than B accepts (10.10.1.0/24). */
	peer_up(&A, "ta", "10.10.0.0/16, fd00:1::/64",
	    "10.10.2.0/24, fd00:2::/64", "0x1001", "0x2001");
	peer_up(&B, "tb", "10.10.2.0/24, fd00:2::/64",
	    "10.10.1.0/24, fd00:1::/64", "0x2001", "0x1001");
	wire = socket(AF_INET, SOCK_DGRAM, 0);
	cr_assert_eq(bind(wire, (struct sockaddr *)&any, sizeof(any)), 0);
	/* the SA database's entries hold their own outer addresses */
	A.sad.conns[0]->remote.v4.sin_port = bound_port(wire);
	B.sad.conns[0]->remote.v4.sin_port = bound_port(A.udp);
}

static void
peer_down(struct peer *p)
{
	dp_free(&p->dp);
	close(p->udp);
	close(p->tun_peer);
	tun_close(p->tun);
	sad_free(&p->sad);
	cfg_free(p->cfg);
}

static void
teardown(void)
{
	peer_down(&A);
	peer_down(&B);
	close(wire);
}

/* An IPv4/UDP packet src -> dst with `len` bytes of payload, numbered. */
static size_t
ipv4_packet(uint8_t *p, const char *src, const char *dst, size_t len,
    uint8_t mark)
{
	size_t total = 20 + 8 + len;

	memset(p, 0, total);
	p[0] = 0x45;
	p[2] = (uint8_t)(total >> 8);
	p[3] = (uint8_t)total;
	p[8] = 64;
	p[9] = 17;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	memset(p + 28, mark, len);
	return total;
}

static size_t
ipv6_packet(uint8_t *p, const char *src, const char *dst)
{
	memset(p, 0, 48);
	p[0] = 0x60;
	p[5] = 8;		/* payload length */
	p[6] = 17;
	p[7] = 64;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
	return 48;
}

static bool
readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 1000) == 1;
}

/* Wire -> B: takes one datagram off the wire, hands it to B as is. */
static ssize_t
wire_take(uint8_t *buf, size_t cap)
{
	cr_assert(readable(wire), "nothing on the wire");
	return recv(wire, buf, cap, 0);
}

static void
wire_give(const uint8_t *buf, size_t len)
{
	struct sockaddr_storage to = B.cfg->conns[0].local;

	set_port(&to, bound_port(B.udp));
	cr_assert_eq(sendto(wire, buf, len, 0, (struct sockaddr *)&to,
	    sizeof(struct sockaddr_in)), (ssize_t)len);
	cr_assert(readable(B.udp));
	cr_assert_eq(dp_udp_to_tun(&B.dp), 1);
}

static void
forward_one(void)
{
	uint8_t buf[2048];
	ssize_t n = wire_take(buf, sizeof(buf));

	wire_give(buf, (size_t)n);
}

TestSuite(dataplane, .init = setup, .fini = teardown);

Test(dataplane, a_batch_arrives_whole_and_in_order)
{
	uint8_t pkt[1500], got[2048];
	unsigned i, moved = 0;
	size_t len;

	for (i = 0; i < 100; i++) {
		len = ipv4_packet(pkt, "10.10.1.1", "10.10.2.1", 100 + i,
		    (uint8_t)i);
		cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	}
	/* 100 queued: one full batch, then the rest and "drained". */
	cr_assert_eq(dp_tun_to_udp(&A.dp), DP_BATCH);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 100 - DP_BATCH);
	for (i = 0; i < 100; i++)
		forward_one();
	for (i = 0; i < 100; i++) {
		len = ipv4_packet(pkt, "10.10.1.1", "10.10.2.1", 100 + i,
		    (uint8_t)i);
		cr_assert_eq(read(B.tun_peer, got, sizeof(got)), (ssize_t)len,
		    "packet %u", i);
		cr_assert_arr_eq(got, pkt, len);
		moved++;
	}
	cr_assert_eq(A.dp.out.cnt.packets, 100);
	cr_assert_eq(B.dp.in.cnt.packets, moved);
	cr_assert_eq(esp_sa_stats(B.sad.conns[0]->in)->packets, 100);
	/* each side's SA took one of its cache's contexts, once */
	cr_assert_eq(esp_ctx_cache_stats(A.sad.cache)->bound, 1);
	cr_assert_eq(esp_ctx_cache_stats(A.sad.cache)->binds, 1);
	cr_assert_eq(esp_ctx_cache_stats(B.sad.cache)->binds, 1);
}

Test(dataplane, ipv6_inner_and_the_way_back)
{
	uint8_t pkt[1500], got[2048];
	size_t len;

	len = ipv6_packet(pkt, "fd00:1::1", "fd00:2::1");
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 1);
	forward_one();
	cr_assert_eq(read(B.tun_peer, got, sizeof(got)), (ssize_t)len);
	cr_assert_arr_eq(got, pkt, len);

	/* B -> A goes straight to A's socket. */
	len = ipv4_packet(pkt, "10.10.2.1", "10.10.1.1", 10, 7);
	cr_assert_eq(write(B.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(dp_tun_to_udp(&B.dp), 1);
	cr_assert(readable(A.udp));
	cr_assert_eq(dp_udp_to_tun(&A.dp), 1);
	cr_assert_eq(read(A.tun_peer, got, sizeof(got)), (ssize_t)len);
	cr_assert_arr_eq(got, pkt, len);
}

Test(dataplane, outbound_without_policy_is_dropped)
{
	uint8_t pkt[1500], junk[3] = { 0x45, 0, 0 };
	size_t len;

	len = ipv4_packet(pkt, "10.10.1.1", "10.99.0.1", 10, 0);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	/* Source outside local_ts: no policy either. */
	len = ipv4_packet(pkt, "10.11.0.1", "10.10.2.1", 10, 0);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(write(A.tun_peer, junk, sizeof(junk)), 3);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 3);
	cr_assert_eq(A.dp.out.cnt.drop_no_policy, 2);
	cr_assert_eq(A.dp.out.cnt.drop_malformed, 1);
	cr_assert_eq(A.dp.out.cnt.packets, 0);
	cr_assert_eq(recv(wire, pkt, sizeof(pkt), MSG_DONTWAIT), -1);
}

static struct dp_range
range4(const char *first, const char *last)
{
	struct dp_range r = { .family = AF_INET };

	inet_pton(AF_INET, first, r.first);
	inet_pton(AF_INET, last, r.last);
	return r;
}

/* What A's data plane wrote back into its TUN now, or -1. */
static ssize_t
tun_back(uint8_t *buf, size_t cap)
{
	return recv(A.tun_peer, buf, cap, MSG_DONTWAIT);
}

/* A pool address that no SA carries is answered through the TUN (the
 * format is icmp_check.py's, against scapy); at most per_s a second. */
Test(dataplane, pool_address_without_sa_is_answered_unreachable)
{
	const struct dp_range pools[] = {
		range4("10.99.0.1", "10.99.255.254"),
		range4("10.10.2.0", "10.10.2.255"),	/* B's side, has an SA */
	};
	uint8_t pkt[1500], got[2048], addr[4];
	size_t len;

	cr_assert_eq(dp_unreachable_set(&A.dp, pools, 2, 2), 0);
	len = ipv4_packet(pkt, "10.10.1.1", "10.99.0.1", 10, 1);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 1);
	cr_assert_eq(tun_back(got, sizeof(got)), (ssize_t)(28 + len));
	cr_assert_eq(got[9], 1);			/* ICMP */
	inet_pton(AF_INET, "10.99.0.1", addr);
	cr_assert_arr_eq(got + 12, addr, 4);		/* from the address */
	cr_assert_arr_eq(got + 16, pkt + 12, 4);	/* to the sender */
	cr_assert_eq(got[20], 3);
	cr_assert_eq(got[21], 1, "host unreachable");
	cr_assert_arr_eq(got + 28, pkt, len);

	/* The SA to 10.10.2.0/24 does not take this source. */
	len = ipv4_packet(pkt, "10.11.0.1", "10.10.2.1", 10, 2);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 1);
	cr_assert_eq(tun_back(got, sizeof(got)), (ssize_t)(28 + len));
	cr_assert_eq(got[21], 13, "administratively prohibited");

	/* Outside the pools: dropped unanswered; the third error within a
	 * second at 2 a second: none. */
	len = ipv4_packet(pkt, "10.10.1.1", "10.98.0.1", 10, 3);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	len = ipv4_packet(pkt, "10.10.1.1", "10.99.0.2", 10, 4);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 2);
	cr_assert_eq(tun_back(got, sizeof(got)), -1);
	cr_assert_eq(A.dp.out.cnt.drop_no_policy, 4);
	cr_assert_eq(A.dp.out.cnt.unreachable, 2);
	cr_assert_eq(A.dp.out.cnt.packets, 0);
	cr_assert_eq(recv(wire, pkt, sizeof(pkt), MSG_DONTWAIT), -1);

	/* 0 a second: none at all. */
	cr_assert_eq(dp_unreachable_set(&A.dp, pools, 2, 0), 0);
	len = ipv4_packet(pkt, "10.10.1.1", "10.99.0.3", 10, 5);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 1);
	cr_assert_eq(tun_back(got, sizeof(got)), -1);
	cr_assert_eq(A.dp.out.cnt.unreachable, 2);
}

/* RFC 4301 §5.2: A may send from 10.10.7.1 (its local_ts is a /16), B's
 * remote_ts is 10.10.1.0/24: authenticated, decrypted, and still dropped. */
Test(dataplane, inbound_policy_check_after_decryption)
{
	uint8_t pkt[1500];
	size_t len;

	len = ipv4_packet(pkt, "10.10.7.1", "10.10.2.1", 10, 0);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 1);
	forward_one();
	cr_assert_eq(B.dp.in.cnt.drop_policy, 1);
	cr_assert_eq(esp_sa_stats(B.sad.conns[0]->in)->packets, 1);
	cr_assert_eq(recv(B.tun_peer, pkt, sizeof(pkt), MSG_DONTWAIT), -1);
}

Test(dataplane, tampered_replayed_unknown_and_non_esp)
{
	uint8_t pkt[1500], esp[2048];
	static const uint8_t keepalive[] = { 0xff };
	static const uint8_t ike[] = { 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t len;
	ssize_t n;

	len = ipv4_packet(pkt, "10.10.1.1", "10.10.2.1", 10, 0);
	cr_assert_eq(write(A.tun_peer, pkt, len), (ssize_t)len);
	cr_assert_eq(dp_tun_to_udp(&A.dp), 1);
	n = wire_take(esp, sizeof(esp));

	esp[n - 1] ^= 1;			/* the ICV */
	wire_give(esp, (size_t)n);
	cr_assert_eq(esp_sa_stats(B.sad.conns[0]->in)->drop_auth, 1);
	esp[n - 1] ^= 1;
	wire_give(esp, (size_t)n);		/* intact: delivered */
	wire_give(esp, (size_t)n);		/* again: a replay */
	cr_assert_eq(esp_sa_stats(B.sad.conns[0]->in)->drop_replay, 1);
	cr_assert_eq(B.dp.in.cnt.packets, 1);
	cr_assert_eq(B.dp.in.cnt.drop_esp, 2);

	esp[3] ^= 0x40;				/* SPI 0x1001 -> 0x1041 */
	wire_give(esp, (size_t)n);
	cr_assert_eq(B.dp.in.cnt.drop_no_sa, 1);
	wire_give(keepalive, sizeof(keepalive));
	cr_assert_eq(B.dp.in.cnt.keepalives, 1);
	wire_give(ike, sizeof(ike));
	cr_assert_eq(B.dp.in.cnt.ike, 1);
	wire_give(esp, 3);			/* shorter than any header */
	cr_assert_eq(B.dp.in.cnt.drop_malformed, 1);
	cr_assert_eq(B.dp.in.cnt.packets, 1);
}

/* Equal-sized packets B -> A: with UDP GSO they leave as trains, with GRO
 * they may arrive as trains; either way each is split, checked and
 * delivered on its own, in order. */
Test(dataplane, gso_and_gro_trains_arrive_packet_by_packet)
{
	uint8_t pkt[1500], got[2048];
	unsigned i, round, calls = 0;
	size_t len;

	cr_assert(B.dp.out.gso, "this kernel has UDP GSO (Linux 4.18)");
	/* Rounds of 50: the fake TUN's socketpair holds only so much. */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 50; i++) {
			len = ipv4_packet(pkt, "10.10.2.1", "10.10.1.1", 1000,
			    (uint8_t)(round * 50 + i));
			cr_assert_eq(write(B.tun_peer, pkt, len), (ssize_t)len);
		}
		cr_assert_eq(dp_tun_to_udp(&B.dp), 50);
		while (A.dp.in.cnt.packets < 50 * (round + 1) &&
		    readable(A.udp)) {
			dp_udp_to_tun(&A.dp);
			calls++;
		}
		cr_assert_eq(A.dp.in.cnt.packets, 50 * (round + 1));
		for (i = 0; i < 50; i++) {
			len = ipv4_packet(pkt, "10.10.2.1", "10.10.1.1", 1000,
			    (uint8_t)(round * 50 + i));
			cr_assert_eq(read(A.tun_peer, got, sizeof(got)),
			    (ssize_t)len);
			cr_assert_arr_eq(got, pkt, len, "packet %u",
			    round * 50 + i);
		}
	}
	cr_assert_eq(B.dp.out.cnt.packets, 150);
	cr_log_info("150 packets in %u recvmmsg calls (GRO %s)", calls,
	    A.dp.in.gro ? "on" : "off");
}
