/*
 * Anti-replay window (RFC 4303 §3.4.3, RFC 6479) and ESN inference (RFC
 * 4303 Appendix A2.2): numbered vectors, one step each, in the manner of
 * WireGuard's counter self-test. A step that goes wrong names its number.
 */
#include <criterion/criterion.h>

#include "esp/replay.h"

#define W	128

/* recv = what decap does: the pre-check, then (ICV fine) the update. */
static bool
recv(struct esp_replay *r, uint64_t seq)
{
	return esp_replay_check(r, seq) && esp_replay_update(r, seq);
}

struct step {
	uint64_t	 seq;
	bool		 ok;
};

static void
run_steps(struct esp_replay *r, const struct step *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(recv(r, s[i].seq), s[i].ok,
		    "step %zu: seq %llu should be %s", i + 1,
		    (unsigned long long)s[i].seq,
		    s[i].ok ? "accepted" : "dropped");
}

Test(replay, window_vectors)
{
	static const struct step steps[] = {
		/*  1 */ { 0, false },		/* seq 0 is never sent */
		/*  2 */ { 1, true },
		/*  3 */ { 1, false },		/* duplicate */
		/*  4 */ { 9, true },
		/*  5 */ { 8, true },		/* late, inside */
		/*  6 */ { 7, true },
		/*  7 */ { 7, false },
		/*  8 */ { W, true },		/* window is [1, W] */
		/*  9 */ { 1, false },
		/* 10 */ { 2, true },
		/* 11 */ { W + 1, true },	/* slides by one: [2, W+1] */
		/* 12 */ { 1, false },		/* now left of the window */
		/* 13 */ { 2, false },		/* duplicate at the edge */
		/* 14 */ { 3, true },
		/* 15 */ { W + 1 + 3 * W, true },	/* far ahead: 513 */
		/* 16 */ { W + 1, false },	/* far behind now */
		/* 17 */ { 513 - W + 1, true },	/* left edge, 386 */
		/* 18 */ { 513 - W, false },	/* one past it */
		/* 19 */ { 386, false },
		/* 20 */ { 512, true },
		/* 21 */ { 513, false },
		/* 22 */ { 514, true },
		/* 23 */ { 514 - 256, false },	/* same ring slot, too old */
		/* 24 */ { 514 + 64, true },	/* one block on: 578 */
		/* 25 */ { 514, false },	/* its bit survived the slide */
		/* 26 */ { 515, true },
		/* 27 */ { 578 - W + 1, true },	/* 451: bit cleared, not seen */
		/* 28 */ { 578 + 10000, true },
		/* 29 */ { 578, false },
		/* 30 */ { 10578 - 1, true },
		/* 31 */ { UINT64_MAX, true },	/* the last ESN seq */
		/* 32 */ { UINT64_MAX, false },
		/* 33 */ { UINT64_MAX - W + 1, true },
		/* 34 */ { UINT64_MAX - W, false },
	};
	struct esp_replay r;

	cr_assert_eq(esp_replay_init(&r, W), 0);
	run_steps(&r, steps, sizeof(steps) / sizeof(steps[0]));
	esp_replay_free(&r);
}

Test(replay, every_seq_in_a_stream_once)
{
	struct esp_replay r;

	cr_assert_eq(esp_replay_init(&r, 4096), 0);
	for (uint64_t s = 1; s <= 20000; s += 2)
		cr_assert(recv(&r, s), "seq %llu", (unsigned long long)s);
	/* The evens inside the window arrive late, once each. */
	for (uint64_t s = 20000; s > 20000 - 4096; s -= 2) {
		cr_assert(recv(&r, s), "late seq %llu", (unsigned long long)s);
		cr_assert_not(recv(&r, s), "dup seq %llu",
		    (unsigned long long)s);
	}
	cr_assert_not(recv(&r, 20000 - 4096));
	esp_replay_free(&r);
}

Test(replay, check_does_not_mark)
{
	struct esp_replay r;

	cr_assert_eq(esp_replay_init(&r, 64), 0);
	cr_assert(esp_replay_check(&r, 5));
	cr_assert(esp_replay_check(&r, 5));	/* forged packet: no effect */
	cr_assert_eq(r.top, 0);
	cr_assert(esp_replay_update(&r, 5));
	cr_assert_not(esp_replay_check(&r, 5));
	cr_assert_not(esp_replay_update(&r, 5));
	esp_replay_free(&r);
}

Test(replay, window_off_accepts_duplicates_not_zero)
{
	struct esp_replay r;

	cr_assert_eq(esp_replay_init(&r, 0), 0);
	cr_assert(recv(&r, 7));
	cr_assert(recv(&r, 7));
	cr_assert(recv(&r, 1));
	cr_assert_not(recv(&r, 0));
	esp_replay_free(&r);
}

Test(replay, bad_windows_refused)
{
	struct esp_replay r;

	cr_assert_eq(esp_replay_init(&r, 100), -1);
	cr_assert_eq(esp_replay_init(&r, ESP_REPLAY_WINDOW_MAX + 64), -1);
	cr_assert_eq(esp_replay_init(&r, ESP_REPLAY_WINDOW_MAX), 0);
	esp_replay_free(&r);
}

struct infer_step {
	uint64_t	 top;
	uint32_t	 seq_lo;
	bool		 ok;
	uint64_t	 seq;
};

Test(replay, esn_inference_vectors)
{
	static const struct infer_step steps[] = {
		/* 1: nothing seen yet */
		{ 0, 1, true, 1 },
		/* 2: case B at the start: no subspace before the first */
		{ 0, 0xffffffff, false, 0 },
		/* 3-6: case B, T = 2^32 + 16, window spans two subspaces */
		{ 0x100000010, 0xffffffa0, true, 0x0ffffffa0 },
		{ 0x100000010, 5, true, 0x100000005 },
		{ 0x100000010, 0x20, true, 0x100000020 },
		{ 0x100000010, 0x80000000, true, 0x180000000 },
		/* 7-9: case A, T = 2^32 + 4096 */
		{ 0x100001000, 4000, true, 0x100000fa0 },
		{ 0x100001000, 4096 - W + 1, true, 0x100000000 + 4096 - W + 1 },
		{ 0x100001000, 4096 - W, true, 0x200000000 + 4096 - W },
		/* 10: case A past the last subspace */
		{ 0xfffffffffffffff0, 0x10, false, 0 },
		/* 11: T = 2^64 - 1 itself */
		{ UINT64_MAX, 0xffffffff, true, UINT64_MAX },
		/* 12-13: case A exactly at Tl = W - 1: window [0, W - 1] */
		{ W - 1, 0, true, 0 },
		{ W - 1, 0xffffffff, true, 0xffffffff },
	};
	struct esp_replay r;
	uint64_t seq;

	cr_assert_eq(esp_replay_init(&r, W), 0);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		r.top = steps[i].top;
		seq = 0;
		cr_expect_eq(esp_replay_infer(&r, steps[i].seq_lo, true, &seq),
		    steps[i].ok, "step %zu: infer", i + 1);
		if (steps[i].ok)
			cr_expect_eq(seq, steps[i].seq,
			    "step %zu: got %#llx, want %#llx", i + 1,
			    (unsigned long long)seq,
			    (unsigned long long)steps[i].seq);
	}
	/* Without ESN the low half is the sequence number. */
	r.top = 0x100000010;
	cr_assert(esp_replay_infer(&r, 0xfffffff0, false, &seq));
	cr_assert_eq(seq, 0xfffffff0);
	esp_replay_free(&r);
}

/* A stream crossing 2^32 with reordering around the rollover. */
Test(replay, esn_high_bit_rollover)
{
	static const uint32_t lo[] = { 0xfffffff8, 0x00000002, 0xfffffff9,
	    0xfffffff8, 0x00000001, 0x00000002, 0xffffff00 };
	static const struct { bool ok; uint64_t seq; } want[] = {
		{ true, 0x0fffffff8 }, { true, 0x100000002 },
		{ true, 0x0fffffff9 }, { false, 0x0fffffff8 },
		{ true, 0x100000001 }, { false, 0x100000002 },
		/* below the window's bottom: read as the next subspace */
		{ true, 0x1ffffff00 },
	};
	struct esp_replay r;
	uint64_t seq;

	cr_assert_eq(esp_replay_init(&r, W), 0);
	r.top = 0xfffffff0;
	for (size_t i = 0; i < sizeof(lo) / sizeof(lo[0]); i++) {
		cr_assert(esp_replay_infer(&r, lo[i], true, &seq));
		cr_expect_eq(seq, want[i].seq, "step %zu: seq %#llx", i + 1,
		    (unsigned long long)seq);
		cr_expect_eq(recv(&r, seq), want[i].ok, "step %zu", i + 1);
	}
	esp_replay_free(&r);
}
