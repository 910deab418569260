/*
 * Unit tests for tun/: prefixes, the inner MTU, the rtnetlink messages
 * (against byte layouts written out from rtnetlink(7)), the socketpair
 * fake, and, when run as root, a real TUN device in a private network
 * namespace checked through the kernel's own view of it.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "tun/tun_internal.h"

struct prefix_case {
	char	text[48];
	int	family;		/* 0: must be refused */
	uint8_t	len;
	char	canon[48];
};

ParameterizedTestParameters(tun, prefix_parse)
{
	static struct prefix_case cases[] = {
		{ "10.10.1.0/24", AF_INET, 24, "10.10.1.0/24" },
		{ "192.0.2.1", AF_INET, 32, "192.0.2.1/32" },
		{ "0.0.0.0/0", AF_INET, 0, "0.0.0.0/0" },
		{ "fd00::1/64", AF_INET6, 64, "fd00::1/64" },
		{ "2001:db8::", AF_INET6, 128, "2001:db8::/128" },
		{ "10.10.1.0/33", 0, 0, "" },
		{ "fd00::/129", 0, 0, "" },
		{ "10.10.1.0/", 0, 0, "" },
		{ "10.10.1.0/-1", 0, 0, "" },
		{ "10.10.1.0/24x", 0, 0, "" },
		{ "10.10.1/24", 0, 0, "" },
		{ "/24", 0, 0, "" },
		{ "", 0, 0, "" },
		{ "host.example", 0, 0, "" },
	};

	return cr_make_param_array(struct prefix_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct prefix_case *c, tun, prefix_parse)
{
	struct tun_prefix p;
	char out[64];

	if (!c->family) {
		cr_assert_eq(tun_prefix_parse(c->text, &p), -1, "%s", c->text);
		return;
	}
	cr_assert_eq(tun_prefix_parse(c->text, &p), 0, "%s", c->text);
	cr_assert_eq(p.family, c->family);
	cr_assert_eq(p.len, c->len);
	cr_assert_str_eq(tun_prefix_str(&p, out, sizeof(out)), c->canon);
}

Test(tun, prefix_contains_and_network)
{
	struct tun_prefix p;
	uint8_t a4[4], a6[16];

	cr_assert_eq(tun_prefix_parse("10.10.0.0/15", &p), 0);
	cr_assert(tun_prefix_is_network(&p));
	inet_pton(AF_INET, "10.11.255.1", a4);
	cr_assert(tun_prefix_contains(&p, AF_INET, a4));
	inet_pton(AF_INET, "10.12.0.1", a4);
	cr_assert_not(tun_prefix_contains(&p, AF_INET, a4));
	inet_pton(AF_INET6, "a0b::1", a6);	/* same first bytes, other family */
	cr_assert_not(tun_prefix_contains(&p, AF_INET6, a6));

	cr_assert_eq(tun_prefix_parse("10.10.1.7/24", &p), 0);
	cr_assert_not(tun_prefix_is_network(&p));
	cr_assert_eq(tun_prefix_parse("0.0.0.0/0", &p), 0);
	inet_pton(AF_INET, "203.0.113.9", a4);
	cr_assert(tun_prefix_contains(&p, AF_INET, a4));

	cr_assert_eq(tun_prefix_parse("fd00:1::/33", &p), 0);
	inet_pton(AF_INET6, "fd00:1:7fff::5", a6);
	cr_assert(tun_prefix_contains(&p, AF_INET6, a6));
	inet_pton(AF_INET6, "fd00:1:8000::5", a6);
	cr_assert_not(tun_prefix_contains(&p, AF_INET6, a6));
}

Test(tun, inner_mtu)
{
	/* 1500 - 20 (IPv4) - 8 (UDP) - 70 */
	cr_assert_eq(tun_mtu_inner(1500, AF_INET, 70), 1402);
	cr_assert_eq(tun_mtu_inner(1500, AF_INET6, 70), 1382);
	cr_assert_eq(tun_mtu_inner(60, AF_INET, 70), 0);
}

/* rtnetlink(7): RTM_NEWADDR for 10.10.1.1/32 on ifindex 7, sequence 9. */
Test(tun, rtnl_addr_message_layout)
{
	static const uint8_t want[] = {
		/* nlmsghdr: len 40, RTM_NEWADDR (20),
		 * REQUEST|ACK|REPLACE|CREATE (0x0505), seq 9, pid 0 */
		40, 0, 0, 0, 20, 0, 0x05, 0x05, 9, 0, 0, 0, 0, 0, 0, 0,
		/* ifaddrmsg: AF_INET, /32, flags 0, scope 0, index 7 */
		2, 32, 0, 0, 7, 0, 0, 0,
		/* IFA_LOCAL (2), IFA_ADDRESS (1): 10.10.1.1 */
		8, 0, 2, 0, 10, 10, 1, 1,
		8, 0, 1, 0, 10, 10, 1, 1,
	};
	struct tun_prefix p;
	uint8_t buf[128];
	size_t n;

	cr_assert_eq(tun_prefix_parse("10.10.1.1/32", &p), 0);
	n = rtnl_build_addr(buf, sizeof(buf), 9, 7, &p);
	cr_assert_eq(n, sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want));
	/* Too small a buffer: nothing, not a truncated message. */
	cr_assert_eq(rtnl_build_addr(buf, 39, 9, 7, &p), 0);
	/* Its removal: RTM_DELADDR (21), REQUEST|ACK (0x0005) only. */
	cr_assert_eq(rtnl_build_del_addr(buf, sizeof(buf), 9, 7, &p),
	    sizeof(want));
	cr_assert_eq(buf[4], 21);
	cr_assert_eq(buf[6], 0x05);
	cr_assert_eq(buf[7], 0x00);
	cr_assert_arr_eq(buf + 8, want + 8, sizeof(want) - 8);
}

/* RTM_NEWROUTE for 10.10.2.9/24 (host bits cleared) via ifindex 3. */
Test(tun, rtnl_route_message_layout)
{
	static const uint8_t want[] = {
		/* len 44, RTM_NEWROUTE (24), REQUEST|ACK|REPLACE|CREATE */
		44, 0, 0, 0, 24, 0, 0x05, 0x05, 1, 0, 0, 0, 0, 0, 0, 0,
		/* rtmsg: AF_INET, dst_len 24, src_len 0, tos 0, table main
		 * (254), proto static (4), scope link (253), unicast (1),
		 * flags 0 */
		2, 24, 0, 0, 254, 4, 253, 1, 0, 0, 0, 0,
		/* RTA_DST (1) 10.10.2.0, RTA_OIF (4) 3 */
		8, 0, 1, 0, 10, 10, 2, 0,
		8, 0, 4, 0, 3, 0, 0, 0,
	};
	struct tun_prefix p;
	uint8_t buf[128];

	cr_assert_eq(tun_prefix_parse("10.10.2.9/24", &p), 0);
	cr_assert_eq(rtnl_build_route(buf, sizeof(buf), 1, 3, &p),
	    sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want));
}

/* RTM_NEWLINK setting MTU 1400 and IFF_UP on ifindex 5. */
Test(tun, rtnl_link_message_layout)
{
	static const uint8_t want[] = {
		/* len 40, RTM_NEWLINK (16), REQUEST|ACK */
		40, 0, 0, 0, 16, 0, 0x05, 0x00, 2, 0, 0, 0, 0, 0, 0, 0,
		/* ifinfomsg: AF_UNSPEC, pad, type 0, index 5, flags IFF_UP,
		 * change IFF_UP */
		0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0,
		/* IFLA_MTU (4) 1400 */
		8, 0, 4, 0, 0x78, 0x05, 0, 0,
	};
	uint8_t buf[128];

	cr_assert_eq(rtnl_build_link(buf, sizeof(buf), 2, 5, 1400, true),
	    sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want));
}

Test(tun, rtnl_ack_parsing)
{
	/* Two messages: an unrelated NLMSG_DONE, then NLMSG_ERROR seq 4
	 * with error -EEXIST (-17) and the echoed request header. */
	static const uint8_t reply[] = {
		20, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0,
		36, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0,
		0xef, 0xff, 0xff, 0xff,
		16, 0, 0, 0, 20, 0, 5, 5, 4, 0, 0, 0, 0, 0, 0, 0,
	};
	int error = 0;

	cr_assert_eq(rtnl_parse_ack(reply, sizeof(reply), 4, &error), 1);
	cr_assert_eq(error, -EEXIST);
	cr_assert_eq(rtnl_parse_ack(reply, sizeof(reply), 5, &error), 0);
	/* A length running past the datagram is malformed. */
	cr_assert_eq(rtnl_parse_ack(reply, 30, 4, &error), -1);
	/* A length below the header size is malformed, not a loop. */
	cr_assert_eq(rtnl_parse_ack((const uint8_t[]){ 4, 0, 0, 0, 2, 0,
	    0, 0, 4, 0, 0, 0, 0, 0, 0, 0 }, 16, 4, &error), -1);
}

Test(tun, fake_moves_packets_and_records_config)
{
	const struct tun_fake_record *rec;
	uint8_t in[] = { 0x45, 1, 2, 3, 4 }, buf[64];
	struct tun_prefix p;
	struct tun *t;
	int peer;

	cr_assert_eq(tun_fake_open(&t, "f0", &peer), 0);
	cr_assert_str_eq(tun_name(t), "f0");
	cr_assert_eq(tun_read(t, buf, sizeof(buf)), -1);
	cr_assert_eq(errno, EAGAIN);
	cr_assert_eq(write(peer, in, sizeof(in)), (ssize_t)sizeof(in));
	cr_assert_eq(write(peer, in, 2), 2);
	cr_assert_eq(tun_read(t, buf, sizeof(buf)), (ssize_t)sizeof(in));
	cr_assert_arr_eq(buf, in, sizeof(in));
	cr_assert_eq(tun_read(t, buf, sizeof(buf)), 2);	/* boundaries kept */
	cr_assert_eq(tun_write(t, in, 3), 3);
	cr_assert_eq(read(peer, buf, sizeof(buf)), 3);

	cr_assert_eq(tun_set_mtu(t, 1400), 0);
	cr_assert_eq(tun_set_up(t), 0);
	tun_prefix_parse("10.1.0.1/32", &p);
	cr_assert_eq(tun_add_addr(t, &p), 0);
	tun_prefix_parse("10.2.0.0/16", &p);
	cr_assert_eq(tun_add_route(t, &p), 0);
	rec = tun_fake_record(t);
	cr_assert_eq(tun_mtu(t), 1400);
	cr_assert(rec->up && rec->mtu == 1400);
	cr_assert_eq(rec->naddrs, 1);
	tun_prefix_parse("10.1.0.1/32", &p);
	cr_assert_eq(tun_del_addr(t, &p), 0);
	cr_assert_eq(rec->naddrs, 0);
	cr_assert_eq(tun_del_addr(t, &p), -1);
	cr_assert_eq(rec->nroutes, 1);
	cr_assert_eq(rec->routes[0].len, 16);
	tun_close(t);
	close(peer);
}

static int
ioctl_ifr(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	rc = ioctl(fd, req, ifr);
	close(fd);
	return rc;
}

static bool
has_address(const char *ifname, int family, const char *text)
{
	struct ifaddrs *ifa, *i;
	char addr[INET6_ADDRSTRLEN];
	bool found = false;

	cr_assert_eq(getifaddrs(&ifa), 0);
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family ||
		    strcmp(i->ifa_name, ifname))
			continue;
		inet_ntop(family, family == AF_INET ?
		    (void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr :
		    (void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
		    addr, sizeof(addr));
		found |= !strcmp(addr, text);
	}
	freeifaddrs(ifa);
	return found;
}

/* Root only: a real device in a namespace of this test process alone. */
Test(tun, real_device_in_private_netns)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_in src;
	socklen_t slen = sizeof(src);
	struct tun_prefix p;
	struct ifreq ifr;
	uint8_t pkt[2048];
	struct tun *t;
	ssize_t n = -1;
	int s, tries, rtnl_fd;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0)
		cr_skip_test("needs root to create a network namespace");
	cr_assert_eq(tun_open(&t, "utest%d"), 0);
	cr_assert_str_eq(tun_name(t), "utest0");
	cr_assert_eq(tun_set_mtu(t, 1400), 0);
	rtnl_fd = t->rtnl_fd;
	cr_assert_geq(rtnl_fd, 0, "the rtnetlink socket is kept");
	cr_assert_eq(tun_set_up(t), 0);
	tun_prefix_parse("10.99.0.1/32", &p);
	cr_assert_eq(tun_add_addr(t, &p), 0);
	tun_prefix_parse("10.99.1.77/24", &p);	/* host bits: cleared */
	cr_assert_eq(tun_add_route(t, &p), 0);
	tun_prefix_parse("fd00:99::1/128", &p);
	cr_assert_eq(tun_add_addr(t, &p), 0);
	tun_prefix_parse("fd00:98::/64", &p);
	cr_assert_eq(tun_add_route(t, &p), 0);

	cr_assert_eq(ioctl_ifr("utest0", SIOCGIFMTU, &ifr), 0);
	cr_assert_eq(ifr.ifr_mtu, 1400);
	cr_assert_eq(ioctl_ifr("utest0", SIOCGIFFLAGS, &ifr), 0);
	cr_assert(ifr.ifr_flags & IFF_UP);
	cr_assert(has_address("utest0", AF_INET, "10.99.0.1"));
	cr_assert(has_address("utest0", AF_INET6, "fd00:99::1"));
	/* A virtual IP comes and goes. */
	tun_prefix_parse("10.98.0.5/32", &p);
	cr_assert_eq(tun_add_addr(t, &p), 0);
	cr_assert(has_address("utest0", AF_INET, "10.98.0.5"));
	cr_assert_eq(tun_del_addr(t, &p), 0);
	cr_assert_not(has_address("utest0", AF_INET, "10.98.0.5"));
	cr_assert_neq(tun_del_addr(t, &p), 0, "gone already");
	/* A refused request leaves the socket in use; every request went
	 * through the one opened first. */
	cr_assert_eq(t->rtnl_fd, rtnl_fd);

	/* The route sends 10.99.1.0/24 into the device, from its address. */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "10.99.1.5", &dst.sin_addr);
	cr_assert_eq(connect(s, (struct sockaddr *)&dst, sizeof(dst)), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&src, &slen), 0);
	cr_assert_eq(src.sin_addr.s_addr, inet_addr("10.99.0.1"));
	cr_assert_eq(send(s, "ping", 4, 0), 4);
	for (tries = 0; tries < 100; tries++) {
		n = tun_read(t, pkt, sizeof(pkt));
		if (n > 0 && pkt[0] >> 4 == 4)
			break;			/* skip IPv6 chatter */
		usleep(10000);
	}
	cr_assert_eq(n, 20 + 8 + 4);
	cr_assert_arr_eq(pkt + 16, &dst.sin_addr, 4);
	close(s);
	tun_close(t);
}
