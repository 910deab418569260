/*
 * Unit tests for ike/pool.c: virtual IP leases by identity — exhaustion,
 * reuse after the grace time, the same address on reconnect, the oldest
 * offline lease given away when the pool is full, CIDR and range pools,
 * IPv6, several pools per connection, and 10,000 leases.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ike/config.h"
#include "ike/config_internal.h"
#include "ike/pool.h"

#define GRACE	1000

static struct ike_pool_cfg pool_cfg[3];
static struct ike_config cfg;
static struct ike_conn_cfg conn;
static struct ike_pools *pools;

/* Pools named p0.. from addrs texts; the connection uses all of them. */
static void
setup(const char *a0, const char *a1, const char *a2)
{
	const char *addrs[3] = { a0, a1, a2 };
	size_t i;

	memset(&cfg, 0, sizeof(cfg));
	memset(&conn, 0, sizeof(conn));
	for (i = 0; i < 3 && addrs[i] != NULL; i++) {
		snprintf(pool_cfg[i].name, IKE_NAME_MAX, "p%zu", i);
		cr_assert_null(ikecfg_pool_range(addrs[i], &pool_cfg[i]), "%s",
		    addrs[i]);
		snprintf(conn.pools[i], IKE_NAME_MAX, "p%zu", i);
	}
	cfg.n_pools = conn.n_pools = i;
	cfg.pools = pool_cfg;
	cr_assert_not_null(pools = ike_pools_new(&cfg));
	ike_pools_set_grace(pools, GRACE);
}

static void
teardown(void)
{
	ike_pools_free(pools);
	pools = NULL;
}

TestSuite(pool, .fini = teardown);

static struct certs_id
id(unsigned n)
{
	struct certs_id i = { .type = CERTS_ID_FQDN };

	i.len = (size_t)snprintf((char *)i.data, sizeof(i.data),
	    "ccu-%u.fleet.example", n);
	return i;
}

/* Leases for identity n at now; returns the address as text ("" if
 * refused, r says why). */
static const char *
lease(unsigned n, int family, uint64_t now, enum ike_pool_result *r)
{
	static char text[INET6_ADDRSTRLEN];
	struct certs_id i = id(n);
	struct ike_prefix vip;
	enum ike_pool_result got;

	got = ike_pool_lease(pools, &conn, family, &i, now, &vip);
	if (r != NULL)
		*r = got;
	if (got != IKE_POOL_OK)
		return "";
	cr_assert_eq(vip.family, family);
	cr_assert_eq(vip.plen, family == AF_INET ? 32 : 128);
	inet_ntop(family, vip.addr, text, sizeof(text));
	return text;
}

static void
release(const char *addr, uint64_t now)
{
	struct ike_prefix vip = { 0 };

	vip.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	cr_assert_eq(inet_pton(vip.family, addr, vip.addr), 1);
	vip.plen = vip.family == AF_INET ? 32 : 128;
	ike_pool_release(pools, &vip, now);
}

static void
expect_stats(const char *name, uint64_t size, uint64_t online,
    uint64_t offline)
{
	struct ike_pool_stats st;

	cr_assert(ike_pool_stats(pools, name, &st));
	cr_expect_eq(st.size, size, "%s size %llu", name,
	    (unsigned long long)st.size);
	cr_expect_eq(st.online, online, "%s online %llu", name,
	    (unsigned long long)st.online);
	cr_expect_eq(st.offline, offline, "%s offline %llu", name,
	    (unsigned long long)st.offline);
}

Test(pool, range_exhausts_with_every_address_online)
{
	enum ike_pool_result r;

	setup("10.3.0.1-10.3.0.3", NULL, NULL);
	cr_assert_str_eq(lease(1, AF_INET, 0, NULL), "10.3.0.1");
	cr_assert_str_eq(lease(2, AF_INET, 0, NULL), "10.3.0.2");
	cr_assert_str_eq(lease(3, AF_INET, 0, NULL), "10.3.0.3");
	cr_assert_str_eq(lease(4, AF_INET, 0, &r), "");
	cr_assert_eq(r, IKE_POOL_EXHAUSTED);
	expect_stats("p0", 3, 3, 0);
	cr_assert_str_eq(lease(4, AF_INET6, 0, &r), "");
	cr_assert_eq(r, IKE_POOL_NONE);
}

Test(pool, reconnect_gets_the_same_address)
{
	setup("10.3.0.0/24", NULL, NULL);
	cr_assert_str_eq(lease(1, AF_INET, 0, NULL), "10.3.0.1");
	cr_assert_str_eq(lease(2, AF_INET, 0, NULL), "10.3.0.2");
	release("10.3.0.1", 10);
	expect_stats("p0", 254, 1, 1);
	cr_assert_str_eq(lease(3, AF_INET, 20, NULL), "10.3.0.3");
	cr_assert_str_eq(lease(1, AF_INET, 30, NULL), "10.3.0.1");
	expect_stats("p0", 254, 3, 0);
}

Test(pool, address_is_free_again_after_the_grace_time)
{
	setup("10.3.0.1-10.3.0.4", NULL, NULL);
	cr_assert_str_eq(lease(1, AF_INET, 0, NULL), "10.3.0.1");
	release("10.3.0.1", 100);
	cr_assert_eq(ike_pools_expire(pools, 100 + GRACE - 1), 100 + GRACE);
	expect_stats("p0", 4, 0, 1);
	cr_assert_eq(ike_pools_expire(pools, 100 + GRACE), UINT64_MAX);
	expect_stats("p0", 4, 0, 0);
	/* a freed address is reused before a never-used one */
	cr_assert_str_eq(lease(2, AF_INET, 2000, NULL), "10.3.0.1");
	cr_assert_str_eq(lease(1, AF_INET, 2000, NULL), "10.3.0.2");
}

Test(pool, full_pool_gives_the_oldest_offline_lease_away)
{
	enum ike_pool_result r;

	setup("10.3.0.1-10.3.0.3", NULL, NULL);
	cr_assert_str_eq(lease(1, AF_INET, 0, NULL), "10.3.0.1");
	cr_assert_str_eq(lease(2, AF_INET, 0, NULL), "10.3.0.2");
	cr_assert_str_eq(lease(3, AF_INET, 0, NULL), "10.3.0.3");
	release("10.3.0.2", 5);
	release("10.3.0.1", 6);
	cr_assert_str_eq(lease(4, AF_INET, 7, NULL), "10.3.0.2");
	cr_assert_str_eq(lease(1, AF_INET, 8, NULL), "10.3.0.1");
	cr_assert_str_eq(lease(2, AF_INET, 9, &r), "");
	cr_assert_eq(r, IKE_POOL_EXHAUSTED);
	/* releasing twice, or an address of no pool, changes nothing */
	release("10.3.0.3", 10);
	release("10.3.0.3", 11);
	release("10.9.0.1", 11);
	expect_stats("p0", 3, 2, 1);
}

Test(pool, cidr_sizes_leave_out_network_and_broadcast)
{
	setup("10.192.0.0/12", "fd00:10::/120", "10.5.0.0/31");
	expect_stats("p0", (1u << 20) - 2, 0, 0);
	expect_stats("p1", 255, 0, 0);
	expect_stats("p2", 2, 0, 0);
	cr_assert_str_eq(lease(1, AF_INET, 0, NULL), "10.192.0.1");
	cr_assert_str_eq(lease(1, AF_INET6, 0, NULL), "fd00:10::1");
}

Test(pool, ipv6_pools_are_cut_to_2_to_the_32)
{
	setup("fd00:1::/64", "fd00:2::ffff:ffff:ffff:fffe-fd00:3::5", NULL);
	expect_stats("p0", IKE_POOL_SIZE_MAX, 0, 0);
	expect_stats("p1", IKE_POOL_SIZE_MAX, 0, 0);
	cr_assert_str_eq(lease(1, AF_INET6, 0, NULL), "fd00:1::1");
	release("fd00:1::1", 1);
	cr_assert_str_eq(lease(1, AF_INET6, 2, NULL), "fd00:1::1");
}

Test(pool, carries_into_the_high_half_of_an_ipv6_address)
{
	unsigned i;

	setup("fd00:2::ffff:ffff:ffff:fffe-fd00:2:0:1::5", NULL, NULL);
	expect_stats("p0", 8, 0, 0);
	cr_assert_str_eq(lease(1, AF_INET6, 0, NULL),
	    "fd00:2::ffff:ffff:ffff:fffe");
	cr_assert_str_eq(lease(2, AF_INET6, 0, NULL),
	    "fd00:2::ffff:ffff:ffff:ffff");
	cr_assert_str_eq(lease(3, AF_INET6, 0, NULL), "fd00:2:0:1::");
	for (i = 4; i <= 8; i++)
		lease(i, AF_INET6, 0, NULL);
	release("fd00:2:0:1::", 1);
	expect_stats("p0", 8, 7, 1);
	cr_assert_str_eq(lease(3, AF_INET6, 2, NULL), "fd00:2:0:1::");
}

Test(pool, next_pool_of_the_connection_when_one_is_full)
{
	setup("10.3.0.1-10.3.0.1", "fd00:9::/126", "10.4.0.0/30");
	cr_assert_str_eq(lease(1, AF_INET, 0, NULL), "10.3.0.1");
	cr_assert_str_eq(lease(2, AF_INET, 0, NULL), "10.4.0.1");
	cr_assert_str_eq(lease(3, AF_INET6, 0, NULL), "fd00:9::1");
	release("10.4.0.1", 1);
	cr_assert_str_eq(lease(2, AF_INET, 2, NULL), "10.4.0.1");
	expect_stats("p0", 1, 1, 0);
	expect_stats("p2", 2, 1, 0);
}

/* 10,000 CCUs come, go and come back: each gets its own address again,
 * and the counters agree (the hashes grow on the way). */
Test(pool, ten_thousand_leases_are_sticky)
{
	static char addr[10000][INET6_ADDRSTRLEN];
	unsigned i;

	setup("10.192.0.0/12", NULL, NULL);
	for (i = 0; i < 10000; i++)
		snprintf(addr[i], sizeof(addr[i]), "%s",
		    lease(i, AF_INET, 0, NULL));
	expect_stats("p0", (1u << 20) - 2, 10000, 0);
	for (i = 0; i < 10000; i++)
		release(addr[i], 1);
	expect_stats("p0", (1u << 20) - 2, 0, 10000);
	for (i = 10000; i-- > 0;)
		cr_assert_str_eq(lease(i, AF_INET, 2, NULL), addr[i]);
	expect_stats("p0", (1u << 20) - 2, 10000, 0);
}
