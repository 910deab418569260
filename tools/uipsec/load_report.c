/*
 * tools/uipsec/load_report.c — what a load run reports: set-ups per second
 * (CHILD_SAs installed over the time from the first initiation to the last
 * installation), latency percentiles (initiation to CHILD_SA installed, as
 * the initiator sees it), failures grouped by reason, ping results, CPU
 * seconds. A human-readable block, then one `result:` line of KEY=VALUE
 * for scripts (interop/scale.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

void
load_reason_add(struct load_stats *st, const char *why)
{
	unsigned i;

	for (i = 0; i < LOAD_REASONS && st->reasons[i].count; i++)
		if (!strcmp(st->reasons[i].text, why)) {
			st->reasons[i].count++;
			return;
		}
	if (i == LOAD_REASONS) {
		st->other_reasons++;
		return;
	}
	snprintf(st->reasons[i].text, sizeof(st->reasons[i].text), "%s", why);
	st->reasons[i].count = 1;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile (nearest rank) of n sorted values, in ms. */
static double
pct(const uint64_t *v, size_t n, unsigned p)
{
	size_t rank = (n * p + 99) / 100;

	return n ? (double)v[rank ? rank - 1 : 0] / 1000.0 : 0.0;
}

void
load_report(const struct load *l, double cpu_setup_s, double cpu_s)
{
	const struct load_stats *st = &l->st;
	uint64_t *lat = calloc(st->up ? st->up : 1, sizeof(*lat));
	double secs = st->up ? (double)(st->last_up_us - st->first_start_us) /
	    1e6 : 0.0;
	double rate = secs > 0 ? st->up / secs : 0.0;
	double p50, p90, p99, max;
	size_t n = 0;
	unsigned i;

	for (i = 0; lat && i < l->o.count; i++)
		if (l->ccus[i].up_us)
			lat[n++] = l->ccus[i].up_us - l->ccus[i].start_us;
	qsort(lat, n, sizeof(*lat), cmp_u64);
	p50 = pct(lat, n, 50);
	p90 = pct(lat, n, 90);
	p99 = pct(lat, n, 99);
	max = n ? lat[n - 1] / 1000.0 : 0.0;
	free(lat);
	printf("load: %u CCUs, %u up, %u failed; %.2f s from the first "
	    "initiation to the last CHILD_SA: %.1f set-ups/s\n", l->o.count,
	    st->up, st->failed, secs, rate);
	printf("set-up latency (ms): p50 %.1f, p90 %.1f, p99 %.1f, max %.1f\n",
	    p50, p90, p99, max);
	for (i = 0; i < LOAD_REASONS && st->reasons[i].count; i++)
		printf("failed: %u x %s\n", st->reasons[i].count,
		    st->reasons[i].text);
	if (st->other_reasons)
		printf("failed: %u x other reasons\n", st->other_reasons);
	if (l->o.ping.s_addr)
		printf("ping: %u of %u CCUs got their echo reply on their own "
		    "SA; %u packets on a wrong SA, %u bad\n", st->ping_ok,
		    st->up, st->ping_wrong_sa, st->ping_bad);
	if (l->o.teardown)
		printf("teardown: %u of %u IKE SAs deleted in %.2f s (Delete "
		    "answered)\n", st->down, st->up, (double)(st->down_end_us -
		    st->down_start_us) / 1e6);
	printf("cpu: %.2f s during set-up (%.2f ms per set-up), %.2f s in "
	    "all\n", cpu_setup_s, st->up ? 1000.0 * cpu_setup_s / st->up : 0.0,
	    cpu_s);
	printf("result: count=%u up=%u failed=%u seconds=%.3f rate=%.1f "
	    "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f ping_ok=%u wrong_sa=%u "
	    "down=%u cpu_setup_s=%.3f\n", l->o.count, st->up, st->failed, secs,
	    rate, p50, p90, p99, st->ping_ok, st->ping_wrong_sa, st->down,
	    cpu_setup_s);
	fflush(stdout);
}
