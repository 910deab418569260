/*
 * ike/resp_store.c: responses packed into chunks mapped apart from the
 * heap; a chunk goes back to the system once its last response is
 * released, the chunk being filled is reused when it empties, and what
 * does not fit a chunk is refused (the caller uses malloc).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "ike/resp_store.h"

#define N	200
#define LEN	1500	/* an ECDSA IKE_AUTH response, roughly */

static struct ike_resp_store st;
static uint8_t *msg[N];

static void
fill(void)
{
	size_t i;

	for (i = 0; i < N; i++) {
		msg[i] = ike_resp_store_alloc(&st, LEN);
		cr_assert_not_null(msg[i]);
		cr_assert_eq((uintptr_t)msg[i] % 8, 0);
		memset(msg[i], (int)(i & 0xff), LEN);
	}
}

static void
check(size_t from, size_t to)
{
	size_t i, j;

	for (i = from; i < to; i++)
		for (j = 0; j < LEN; j++)
			cr_assert_eq(msg[i][j], i & 0xff, "message %zu", i);
}

static void
teardown(void)
{
	ike_resp_store_free(&st);
	cr_assert_eq(st.chunks, 0);
}

TestSuite(ike_resp_store, .fini = teardown);

Test(ike_resp_store, packs_and_gives_chunks_back_as_they_empty)
{
	size_t per_chunk = (IKE_RESP_CHUNK - 16) / (LEN + 4 + 8), full, i;

	fill();
	check(0, N);
	/* packed: no more chunks than the bytes need, plus one */
	cr_assert_leq(st.chunks, N / per_chunk + 1, "%zu chunks", st.chunks);
	full = st.chunks;
	/* the older half goes (dropped in the order they were made) */
	for (i = 0; i < N / 2; i++)
		ike_resp_store_release(msg[i]);
	cr_assert_lt(st.chunks, full);
	cr_assert_geq(st.chunks, full - N / 2 / per_chunk);
	check(N / 2, N);
	for (i = N / 2; i < N; i++)
		ike_resp_store_release(msg[i]);
	cr_assert_eq(st.chunks, 1, "the chunk being filled stays");
	fill();			/* and is filled again first */
	cr_assert_eq(st.chunks, full);
	for (i = 0; i < N; i++)
		ike_resp_store_release(msg[i]);
}

/* One response still kept holds its chunk, and only its chunk. */
Test(ike_resp_store, a_kept_response_holds_its_chunk)
{
	size_t i;

	fill();
	for (i = 1; i < N; i++)
		ike_resp_store_release(msg[i]);
	cr_assert_eq(st.chunks, 2, "msg[0]'s chunk and the current one");
	check(0, 1);
	ike_resp_store_release(msg[0]);
	cr_assert_eq(st.chunks, 1);
}

Test(ike_resp_store, too_large_for_a_chunk_is_refused)
{
	uint8_t *p;

	cr_assert_null(ike_resp_store_alloc(&st, IKE_RESP_CHUNK));
	cr_assert_null(ike_resp_store_alloc(&st, SIZE_MAX - 4));
	p = ike_resp_store_alloc(&st, 0);
	cr_assert_not_null(p);
	ike_resp_store_release(p);
	ike_resp_store_release(NULL);
}
