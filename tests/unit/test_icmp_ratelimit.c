/*
 * The token bucket of uipsecd's ICMP errors (icmp_unreachable.h): a burst
 * of per_s, then one per 1000/per_s ms, on a clock the test drives. The
 * errors themselves are checked against scapy (tests/scapy/icmp_check.py).
 */
#include <criterion/criterion.h>

#include "tools/uipsecd/icmp_unreachable.h"

static unsigned
take_all(struct icmp_ratelimit *rl, uint64_t now)
{
	unsigned n = 0;

	while (n < 1000000 && icmp_ratelimit_take(rl, now))
		n++;
	return n;
}

Test(icmp_ratelimit, a_full_burst_then_the_rate)
{
	struct icmp_ratelimit rl;

	icmp_ratelimit_init(&rl, 100, 5000);
	cr_assert_eq(take_all(&rl, 5000), 100);
	cr_assert_not(icmp_ratelimit_take(&rl, 5009), "0.9 of a token");
	cr_assert(icmp_ratelimit_take(&rl, 5010));
	cr_assert_not(icmp_ratelimit_take(&rl, 5010));
	/* A long quiet spell refills to the burst, not beyond. */
	cr_assert_eq(take_all(&rl, 60000), 100);
}

Test(icmp_ratelimit, fractions_add_up)
{
	struct icmp_ratelimit rl;
	unsigned n = 0, t;

	icmp_ratelimit_init(&rl, 3, 0);
	cr_assert_eq(take_all(&rl, 0), 3);
	/* 3 a second asked for every millisecond over 10 s: 30 more. */
	for (t = 1; t <= 10000; t++)
		n += icmp_ratelimit_take(&rl, t);
	cr_assert_eq(n, 30);
}

Test(icmp_ratelimit, none_at_zero_and_a_clock_that_steps_back)
{
	struct icmp_ratelimit rl;

	icmp_ratelimit_init(&rl, 0, 0);
	cr_assert_not(icmp_ratelimit_take(&rl, 0));
	cr_assert_not(icmp_ratelimit_take(&rl, 100000));
	icmp_ratelimit_init(&rl, 10, 1000);
	cr_assert_eq(take_all(&rl, 1000), 10);
	cr_assert_not(icmp_ratelimit_take(&rl, 500), "no tokens from the past");
	cr_assert_not(icmp_ratelimit_take(&rl, 1099));
	cr_assert(icmp_ratelimit_take(&rl, 1100));
}
