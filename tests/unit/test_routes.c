/*
 * tests/unit/test_routes.c — the routes uipsecd sends into its TUN
 * (tools/uipsecd/routes.c), on the fake device, which records each route
 * request: a pool costs one request at start-up (a range: its exact cover)
 * and a CHILD_SA inside it none; a selector outside every pool costs one,
 * once; a failed request is asked again. The range cover is checked
 * against a brute-force walk over every address near the range.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ike/config_internal.h"
#include "tools/uipsecd/routes.h"

static struct tun_prefix
pfx(const char *text)
{
	struct tun_prefix p;

	cr_assert_eq(tun_prefix_parse(text, &p), 0, "%s", text);
	return p;
}

static const char *
str(const struct tun_prefix *p)
{
	static char out[4][64];
	static unsigned i;

	return tun_prefix_str(p, out[i++ % 4], sizeof(out[0]));
}

/* The cover of first..last as text, "a/n b/m ...". */
static size_t
cover(const char *first, const char *last, char *text, size_t cap)
{
	struct tun_prefix a = pfx(first), b = pfx(last), out[ROUTES_RANGE_MAX];
	size_t n, i, at = 0;

	n = routes_range_prefixes(a.family, a.addr, b.addr, out,
	    ROUTES_RANGE_MAX);
	text[0] = '\0';
	for (i = 0; i < n && i < ROUTES_RANGE_MAX; i++)
		at += (size_t)snprintf(text + at, cap - at, "%s%s", i ? " " : "",
		    str(&out[i]));
	return n;
}

Test(routes, range_cover_examples)
{
	char t[8192];

	cr_assert_eq(cover("10.0.0.10", "10.0.0.20", t, sizeof(t)), 4);
	cr_assert_str_eq(t, "10.0.0.10/31 10.0.0.12/30 10.0.0.16/30 "
	    "10.0.0.20/32");
	cr_assert_eq(cover("10.0.0.0", "10.0.0.255", t, sizeof(t)), 1);
	cr_assert_str_eq(t, "10.0.0.0/24");
	cr_assert_eq(cover("10.0.0.7", "10.0.0.7", t, sizeof(t)), 1);
	cr_assert_str_eq(t, "10.0.0.7/32");
	cr_assert_eq(cover("0.0.0.0", "255.255.255.255", t, sizeof(t)), 1);
	cr_assert_str_eq(t, "0.0.0.0/0");
	/* The worst case: every length from /1 to /31 on both ends. */
	cr_assert_eq(cover("0.0.0.1", "255.255.255.254", t, sizeof(t)), 62);
	cr_assert_eq(cover("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", t,
	    sizeof(t)), 1);
	cr_assert_str_eq(t, "::/0");
	cr_assert_eq(cover("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", t,
	    sizeof(t)), ROUTES_RANGE_MAX);
	cr_assert_eq(cover("fd00::10", "fd00::1f", t, sizeof(t)), 1);
	cr_assert_str_eq(t, "fd00::10/124");
	cr_assert_eq(cover("fd00::ffff", "fd00::1:0", t, sizeof(t)), 2);
	cr_assert_str_eq(t, "fd00::ffff/128 fd00::1:0/128");
}

static uint32_t
v4(const struct tun_prefix *p)
{
	return (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 |
	    (uint32_t)p->addr[2] << 8 | p->addr[3];
}

/* Random ranges inside 10.0.0.0/20: each address from 16 below to 16
 * above lies in exactly one prefix if in the range, in none otherwise;
 * every prefix is a network; no two neighbours could merge into one. */
Test(routes, range_cover_is_exact_and_fewest)
{
	struct tun_prefix out[ROUTES_RANGE_MAX];
	uint32_t lo, hi, a, base = 0x0a000000, rng = 7, m1, m2;
	uint8_t first[4], last[4], addr[4];
	unsigned round, held;
	size_t n, i;

	for (round = 0; round < 500; round++) {
		rng = rng * 1103515245u + 12345u;
		lo = base + 16 + (rng >> 8) % 4000;
		rng = rng * 1103515245u + 12345u;
		hi = lo + (rng >> 8) % (round % 2 ? 40 : 4000);
		a = htonl(lo), memcpy(first, &a, 4);
		a = htonl(hi), memcpy(last, &a, 4);
		n = routes_range_prefixes(AF_INET, first, last, out,
		    ROUTES_RANGE_MAX);
		cr_assert(n >= 1 && n <= 62);
		for (i = 0; i < n; i++) {
			cr_assert(tun_prefix_is_network(&out[i]), "%s",
			    str(&out[i]));
			if (i == 0 || out[i].len != out[i - 1].len ||
			    out[i].len == 0)
				continue;
			/* Equal neighbours that are two halves of one
			 * prefix would be one route fewer. */
			m1 = v4(&out[i - 1]) >> (32 - out[i].len);
			m2 = v4(&out[i]) >> (32 - out[i].len);
			cr_assert_not((m1 >> 1) == (m2 >> 1) && m1 != m2,
			    "%s and %s merge", str(&out[i - 1]),
			    str(&out[i]));
		}
		for (a = lo - 16; a <= hi + 16; a++) {
			uint32_t be = htonl(a);

			memcpy(addr, &be, 4);
			for (held = 0, i = 0; i < n; i++)
				held += tun_prefix_contains(&out[i], AF_INET,
				    addr);
			cr_assert_eq(held, a >= lo && a <= hi,
			    "%u.%u.%u.%u in %u prefixes", addr[0], addr[1],
			    addr[2], addr[3], held);
		}
	}
}

/* A concentrator's connection with three pools; a fourth no connection
 * names. */
static const char *const pool_addrs[][2] = {
	{ "wide", "10.200.0.0/16" },
	{ "range", "10.5.0.10-10.5.0.20" },
	{ "v6", "fd00:1::/64" },
	{ "unused", "10.77.0.0/16" },
};

struct fixture {
	struct ike_config	 ike;
	struct ike_conn_cfg	 conn;
	struct ike_pool_cfg	 pools[4];
	struct tun		*tun;
	int			 peer;
	struct routes		 r;
	const struct tun_fake_record *rec;
};

static void
fixture_up(struct fixture *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 4; i++) {
		snprintf(f->pools[i].name, IKE_NAME_MAX, "%s", pool_addrs[i][0]);
		cr_assert_null(ikecfg_pool_range(pool_addrs[i][1],
		    &f->pools[i]));
		if (i < 3)
			snprintf(f->conn.pools[f->conn.n_pools++],
			    IKE_NAME_MAX, "%s", pool_addrs[i][0]);
	}
	f->ike.conns = &f->conn;
	f->ike.n_conns = 1;
	f->ike.pools = f->pools;
	f->ike.n_pools = 4;
	cr_assert_eq(tun_fake_open(&f->tun, "f0", &f->peer), 0);
	f->rec = tun_fake_record(f->tun);
	routes_init(&f->r, f->tun);
}

static void
fixture_down(struct fixture *f)
{
	routes_free(&f->r);
	tun_close(f->tun);
	close(f->peer);
}

/* A request for p: 1 if routes_add asked the device, 0 if not. */
static unsigned
asked(struct fixture *f, const char *p)
{
	struct tun_prefix x = pfx(p);
	unsigned before = f->rec->nroutes;

	cr_assert_eq(routes_add(&f->r, &x), 0, "%s", p);
	return f->rec->nroutes - before;
}

Test(routes, pools_once_children_inside_none)
{
	struct fixture f;
	char vip[32];
	unsigned i, n;

	fixture_up(&f);
	routes_add_pools(&f.r, &f.ike);
	n = f.rec->nroutes;
	cr_assert_eq(n, 1 + 4 + 1, "the subnet, the range's 4, the v6 /64: "
	    "not the unused pool");
	cr_assert_str_eq(str(&f.rec->routes[0]), "10.200.0.0/16");
	cr_assert_str_eq(str(&f.rec->routes[1]), "10.5.0.10/31");
	cr_assert_str_eq(str(&f.rec->routes[4]), "10.5.0.20/32");
	cr_assert_str_eq(str(&f.rec->routes[5]), "fd00:1::/64");
	cr_assert_eq(f.r.requested, n);

	/* A thousand CCUs' virtual IPs, each a CHILD_SA's remote_ts. */
	for (i = 0; i < 1000; i++) {
		snprintf(vip, sizeof(vip), "10.200.%u.%u/32", i / 250,
		    i % 250 + 1);
		cr_assert_eq(asked(&f, vip), 0, "%s", vip);
	}
	cr_assert_eq(asked(&f, "10.5.0.13/32"), 0, "inside the range");
	cr_assert_eq(asked(&f, "fd00:1::7/128"), 0);
	cr_assert_eq(f.rec->nroutes, n);
	cr_assert_eq(f.r.covered, 1002);

	/* Outside every pool: one request, then none. */
	cr_assert_eq(asked(&f, "10.5.0.21/32"), 1, "just past the range");
	cr_assert_eq(asked(&f, "10.5.0.21/32"), 0);
	cr_assert_eq(asked(&f, "fd00:2::/64"), 1);
	cr_assert_eq(f.r.requested, n + 2);
	fixture_down(&f);
}

Test(routes, shorter_holds_longer_not_the_reverse)
{
	struct fixture f;

	fixture_up(&f);
	cr_assert_eq(asked(&f, "192.168.5.0/24"), 1);
	cr_assert_eq(asked(&f, "192.168.5.0/24"), 0, "the same again");
	cr_assert_eq(asked(&f, "192.168.5.77/24"), 0, "host bits set");
	cr_assert_eq(asked(&f, "192.168.5.128/25"), 0);
	cr_assert_eq(asked(&f, "192.168.5.9/32"), 0);
	cr_assert_eq(asked(&f, "192.168.4.0/24"), 1, "a neighbour");
	cr_assert_eq(asked(&f, "192.168.0.0/16"), 1, "longer ones do not hold "
	    "a shorter one");
	cr_assert_eq(asked(&f, "10.9.0.7/32"), 1);
	cr_assert_eq(asked(&f, "10.9.0.7/24"), 1, "the /32 does not hold it");
	cr_assert_eq(asked(&f, "192.168.200.0/24"), 0, "the /16 holds it");
	cr_assert_eq(asked(&f, "0.0.0.0/0"), 1);
	cr_assert_eq(asked(&f, "172.16.0.0/12"), 0);
	cr_assert_eq(asked(&f, "::/0"), 1, "a family of its own");
	fixture_down(&f);
}

Test(routes, failed_request_is_asked_again_and_readd)
{
	struct tun_prefix p;
	struct fixture f;
	char text[32];
	unsigned i;

	fixture_up(&f);
	/* The fake refuses once it holds TUN_FAKE_MAX routes. */
	for (i = 0; i < TUN_FAKE_MAX; i++) {
		snprintf(text, sizeof(text), "10.%u.0.0/16", i);
		cr_assert_eq(asked(&f, text), 1);
	}
	p = pfx("172.16.0.0/12");
	cr_assert_eq(routes_add(&f.r, &p), -1);
	cr_assert_eq(routes_add(&f.r, &p), -1, "not taken as added");
	cr_assert_eq(f.r.requested, TUN_FAKE_MAX + 2);
	fixture_down(&f);

	fixture_up(&f);
	cr_assert_eq(asked(&f, "10.1.0.0/16"), 1);
	cr_assert_eq(asked(&f, "fd00::/64"), 1);
	cr_assert_eq(asked(&f, "10.2.0.0/16"), 1);
	/* The device lost its IPv4 routes: those two go in again. */
	routes_readd(&f.r, AF_INET);
	cr_assert_eq(f.rec->nroutes, 5);
	cr_assert_eq(f.rec->routes[3].family, AF_INET);
	cr_assert_eq(f.rec->routes[4].family, AF_INET);
	cr_assert_eq(asked(&f, "10.2.3.0/24"), 0, "still remembered");
	fixture_down(&f);
}

/* A pool whose route the kernel refused leaves its CHILD_SAs to ask for
 * their own, as before pools were routed. */
Test(routes, refused_pool_children_ask)
{
	struct tun_prefix p;
	struct fixture f;
	char text[32];
	uint64_t before;
	unsigned i;

	fixture_up(&f);
	for (i = 0; i < TUN_FAKE_MAX - 1; i++) {
		snprintf(text, sizeof(text), "172.16.%u.0/24", i);
		cr_assert_eq(asked(&f, text), 1);
	}
	routes_add_pools(&f.r, &f.ike);	/* room for the first pool only */
	cr_assert_str_eq(str(&f.rec->routes[TUN_FAKE_MAX - 1]),
	    "10.200.0.0/16");
	cr_assert_eq(asked(&f, "10.200.3.4/32"), 0);
	before = f.r.requested;
	p = pfx("10.5.0.13/32");
	cr_assert_eq(routes_add(&f.r, &p), -1);
	cr_assert_eq(f.r.requested, before + 1, "asked for, not taken as held");
	fixture_down(&f);
}
