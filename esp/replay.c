/*
 * esp/replay.c — RFC 6479 anti-replay window and RFC 4303 Appendix A ESN
 * inference. See replay.h.
 *
 * The ring holds n blocks of 64 bits, n a power of two with (n - 1) * 64 >=
 * W, so the bit of any sequence number in [top - W + 1, top] is
 * bitmap[(seq / 64) % n] bit (seq % 64), and moving top only has to zero
 * the blocks it enters (RFC 6479 §2.3).
 */
#include "esp/replay.h"

#include <stdlib.h>

#define BLOCK_BITS	64

/* With replay checking off, ESN inference still needs a window: take the
 * widest that keeps the choice unambiguous, i.e. the nearest subspace. */
#define INFER_WINDOW_OFF	0x80000000u

int
esp_replay_init(struct esp_replay *r, uint32_t window)
{
	uint32_t blocks = 1;

	*r = (struct esp_replay){ .window = window };
	if (window % BLOCK_BITS != 0 || window > ESP_REPLAY_WINDOW_MAX)
		return -1;
	while ((blocks - 1) * BLOCK_BITS < window)
		blocks <<= 1;
	if (blocks <= ESP_REPLAY_INLINE_BLOCKS)
		r->bitmap = r->small;
	else if ((r->bitmap = calloc(blocks, sizeof(*r->bitmap))) == NULL)
		return -1;
	r->mask = blocks - 1;
	return 0;
}

void
esp_replay_free(struct esp_replay *r)
{
	if (r->bitmap != r->small)
		free(r->bitmap);
	r->bitmap = NULL;
}

/*
 * RFC 4303 A2.2, with T = top (Th, Tl its halves) and W the window:
 *   Case A, Tl >= W - 1 (window inside one subspace):
 *     Seql >= Tl - W + 1 ? Seqh = Th : Seqh = Th + 1
 *   Case B, Tl < W - 1 (window spans two subspaces):
 *     Seql >= Tl - W + 1 (mod 2^32) ? Seqh = Th - 1 : Seqh = Th
 */
bool
esp_replay_infer(const struct esp_replay *r, uint32_t seq_lo, bool esn,
    uint64_t *seq)
{
	uint32_t th = (uint32_t)(r->top >> 32), tl = (uint32_t)r->top;
	uint32_t w = r->window ? r->window : INFER_WINDOW_OFF;
	uint32_t bottom = tl - w + 1;		/* mod 2^32 */
	uint32_t sh;

	if (!esn) {
		*seq = seq_lo;
		return true;
	}
	if (tl >= w - 1) {
		if (seq_lo >= bottom)
			sh = th;
		else if (th == UINT32_MAX)
			return false;
		else
			sh = th + 1;
	} else {
		if (seq_lo < bottom)
			sh = th;
		else if (th == 0)
			return false;
		else
			sh = th - 1;
	}
	*seq = (uint64_t)sh << 32 | seq_lo;
	return true;
}

static bool
bit_seen(const struct esp_replay *r, uint64_t seq)
{
	return r->bitmap[(seq / BLOCK_BITS) & r->mask] >> (seq % BLOCK_BITS) &
	    1;
}

bool
esp_replay_check(const struct esp_replay *r, uint64_t seq)
{
	if (seq == 0)			/* RFC 4303 §3.3.3: the first is 1 */
		return false;
	if (r->window == 0 || seq > r->top)
		return true;
	if (r->top - seq >= r->window)
		return false;
	return !bit_seen(r, seq);
}

bool
esp_replay_update(struct esp_replay *r, uint64_t seq)
{
	uint64_t from, to;

	if (!esp_replay_check(r, seq))
		return false;
	if (seq > r->top) {
		/* Zero the blocks top moves into, at most the whole ring. */
		from = r->top / BLOCK_BITS;
		to = seq / BLOCK_BITS;
		if (to - from > (uint64_t)r->mask + 1)
			from = to - r->mask - 1;
		while (from++ < to)
			r->bitmap[from & r->mask] = 0;
		r->top = seq;
	}
	r->bitmap[(seq / BLOCK_BITS) & r->mask] |= 1ULL << (seq % BLOCK_BITS);
	return true;
}
