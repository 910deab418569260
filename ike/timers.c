/*
 * ike/timers.c — when each IKE SA next needs ike_engine_tick(), in a
 * binary min-heap, so that ike_engine_next() costs the same with 10 or
 * 10,000 SAs and a tick visits only the SAs that are due (a concentrator
 * that walked every SA per event spent its time there instead of reading
 * its socket: doc/load.md).
 *
 * An SA's filed deadline may be early (its tick then does nothing and it
 * is filed again) but never late. Each entry point of the engine notes the
 * SAs it changed (ike_timers_touch: the SA a message is for, every SA
 * something is sent for or that closes, SAs made or changed by another
 * SA's exchange) and reap() refiles them once the event is handled.
 * Builds without NDEBUG check after every event that no SA's filed
 * deadline is later than the one computed from its fields.
 */
#include <stdlib.h>

#include "common/log.h"
#include "ike/engine_internal.h"

/* The earliest time anything of sa is due (UINT64_MAX: nothing):
 * retransmission, liveness, the cached response, lifetimes, reassembly,
 * a half-open SA. */
uint64_t
ike_timer_due(const struct ike_engine *e, const struct ike_sa *sa)
{
	uint64_t next = UINT64_MAX, t;

	if (sa->state == IKE_STATE_CLOSED)
		return UINT64_MAX;
	if (sa->req.active)
		next = sa->req.deadline_ms;
	if ((t = ike_dpd_deadline(e, sa)) < next)
		next = t;
	if ((t = ike_idle_next(e, sa)) < next)
		next = t;
	if ((t = ike_lifetime_next(e, sa)) < next)
		next = t;
	if (sa->frag_rx != NULL &&
	    (t = sa->frag_rx->started_ms + IKE_FRAG_TIMEOUT_MS) < next)
		next = t;
	if (sa->state == IKE_STATE_SA_INIT_DONE &&
	    (t = sa->created_ms + e->set.half_open_timeout_ms) < next)
		next = t;
	return next;
}

static void
place(struct ike_timers *t, size_t i, struct ike_timer_slot s)
{
	t->h[i] = s;
	s.sa->timer_pos = (uint32_t)i + 1;
}

static void
sift_up(struct ike_timers *t, size_t i, struct ike_timer_slot s)
{
	while (i > 0 && t->h[(i - 1) / 2].due > s.due) {
		place(t, i, t->h[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(t, i, s);
}

static void
sift_down(struct ike_timers *t, size_t i, struct ike_timer_slot s)
{
	size_t c;

	while ((c = 2 * i + 1) < t->n) {
		if (c + 1 < t->n && t->h[c + 1].due < t->h[c].due)
			c++;
		if (t->h[c].due >= s.due)
			break;
		place(t, i, t->h[c]);
		i = c;
	}
	place(t, i, s);
}

/* Takes the slot at i out of the heap (the SA's timer_pos cleared). */
static struct ike_timer_slot
take(struct ike_timers *t, size_t i)
{
	struct ike_timer_slot s = t->h[i], last = t->h[--t->n];

	s.sa->timer_pos = 0;
	if (i < t->n) {
		if (i > 0 && t->h[(i - 1) / 2].due > last.due)
			sift_up(t, i, last);
		else
			sift_down(t, i, last);
	}
	return s;
}

void
ike_timers_remove(struct ike_engine *e, struct ike_sa *sa)
{
	if (sa->timer_pos != 0)
		take(&e->timers, sa->timer_pos - 1);
}

/* Files sa at its deadline; -1 if the heap could not grow (the engine then
 * refiles everything at the next event rather than lose sa's deadline). */
static int
refile(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_timers *t = &e->timers;
	struct ike_timer_slot s = { ike_timer_due(e, sa), sa }, *h;
	size_t cap;

	if (sa->timer_pos != 0) {
		if (s.due == UINT64_MAX) {
			take(t, sa->timer_pos - 1);
		} else if (s.due < t->h[sa->timer_pos - 1].due) {
			sift_up(t, sa->timer_pos - 1, s);
		} else {
			sift_down(t, sa->timer_pos - 1, s);
		}
		return 0;
	}
	if (s.due == UINT64_MAX)
		return 0;
	if (t->n == t->cap) {	/* grows with the SA table */
		cap = t->cap != 0 ? t->cap * 2 : 64;
		if (cap > UINT32_MAX - 1 ||
		    (h = realloc(t->h, cap * sizeof(*h))) == NULL)
			return -1;
		t->h = h;
		t->cap = cap;
	}
	sift_up(t, t->n++, s);
	return 0;
}

void
ike_timers_touch(struct ike_engine *e, const struct ike_sa *sa)
{
	struct ike_timers *t = &e->timers;
	uint64_t spi = ike_sa_spi_ours(sa);

	if (sa == t->ticking ||
	    (t->n_touched > 0 && t->touched[t->n_touched - 1] == spi))
		return;
	if (t->n_touched < IKE_TIMERS_TOUCHED_MAX)
		t->touched[t->n_touched++] = spi;
	else
		t->all = true;
}

void
ike_timers_touch_all(struct ike_engine *e)
{
	e->timers.all = true;
}

static void
refile_one(void *arg, struct ike_sa *sa)
{
	struct ike_engine *e = arg;

	if (refile(e, sa) != 0)
		e->timers.retry = true;
}

#ifndef NDEBUG
static void
check_one(void *arg, struct ike_sa *sa)
{
	struct ike_engine *e = arg;
	uint64_t due = ike_timer_due(e, sa);
	uint64_t filed = sa->timer_pos != 0 ?
	    e->timers.h[sa->timer_pos - 1].due : UINT64_MAX;

	if (filed > due && !e->timers.retry) {
		log_err("%s[%llu]: timer filed at %llu, due at %llu",
		    ike_sa_name(sa), (unsigned long long)sa->id,
		    (unsigned long long)filed, (unsigned long long)due);
		abort();
	}
}
#endif

void
ike_timers_refile(struct ike_engine *e)
{
	struct ike_timers *t = &e->timers;
	struct ike_sa *sa;
	unsigned i;

	if (t->all || t->retry) {
		t->all = t->retry = false;
		ike_sa_table_each(&e->sas, refile_one, e);
	} else {
		for (i = 0; i < t->n_touched; i++)
			if ((sa = ike_sa_table_find(&e->sas,
			    t->touched[i])) != NULL)
				refile_one(e, sa);
	}
	t->n_touched = 0;
#ifndef NDEBUG
	ike_sa_table_each(&e->sas, check_one, e);
#endif
}

void
ike_timers_tick(struct ike_engine *e,
    void (*tick)(struct ike_engine *e, struct ike_sa *sa))
{
	struct ike_timers *t = &e->timers;
	struct ike_timer_slot s;
	size_t n, i;

	/* The due SAs leave the heap for the slots past its end, are ticked
	 * once each (a tick may find nothing to do: an early deadline), then
	 * filed again at their new deadlines. Nothing else moves in the heap
	 * meanwhile: other SAs a tick changes are refiled by reap(). */
	n = t->n;
	while (t->n > 0 && t->h[0].due <= e->now_ms) {
		s = take(t, 0);
		t->h[t->n] = s;
	}
	for (i = t->n; i < n; i++) {
		t->ticking = t->h[i].sa;
		tick(e, t->h[i].sa);
	}
	t->ticking = NULL;
	for (i = t->n; i < n; i++)	/* each refile takes slot t->n <= i */
		refile_one(e, t->h[i].sa);
}

uint64_t
ike_timers_next(const struct ike_engine *e)
{
	return e->timers.n > 0 ? e->timers.h[0].due : UINT64_MAX;
}

void
ike_timers_free(struct ike_engine *e)
{
	free(e->timers.h);
	e->timers.h = NULL;
	e->timers.n = e->timers.cap = 0;
}
