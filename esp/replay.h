/*
 * esp/replay.h — the inbound anti-replay window (RFC 4303 §3.4.3) as a
 * ring of 64-bit blocks (RFC 6479), and ESN high-bit inference (RFC 4303
 * Appendix A2.2).
 *
 * Split in two, so that nothing an attacker sends moves the window before
 * the ICV is checked: esp_replay_check() before, esp_replay_update() after.
 * Sequence numbers are full 64-bit values (high bits 0 without ESN).
 */
#ifndef UIPSEC_ESP_REPLAY_H
#define UIPSEC_ESP_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "esp/esp.h"		/* ESP_REPLAY_WINDOW_MAX */

/* Blocks kept inside the struct: the ring of a window up to 64 packets
 * (RFC 4303 §3.4.3's default) needs two, so the default costs no
 * allocation of its own (issue 5: bytes per idle SA). */
#define ESP_REPLAY_INLINE_BLOCKS	2

struct esp_replay {
	uint64_t	 top;		/* highest authenticated seq; 0: none */
	uint32_t	 window;	/* W in packets; 0: no replay check */
	uint32_t	 mask;		/* blocks in the ring - 1 */
	uint64_t	*bitmap;	/* a power of two of blocks: small[] or
					 * owned */
	uint64_t	 small[ESP_REPLAY_INLINE_BLOCKS];
};

/* window: 0, or a multiple of 64 up to ESP_REPLAY_WINDOW_MAX. Returns 0, or
 * -1 on a bad window or allocation failure. Free with esp_replay_free().
 * A small window points into the struct itself: it is not moved after
 * init. */
int	 esp_replay_init(struct esp_replay *r, uint32_t window);
void	 esp_replay_free(struct esp_replay *r);

/* RFC 4303 A2.2: the 64-bit sequence number a received low half stands
 * for, given the window. false if it falls outside the 64-bit space
 * (before the first subspace or past the last). Without ESN: seq_lo. */
bool	 esp_replay_infer(const struct esp_replay *r, uint32_t seq_lo,
	    bool esn, uint64_t *seq);
/* Pre-ICV: false if seq is 0, left of the window, or already seen. */
bool	 esp_replay_check(const struct esp_replay *r, uint64_t seq);
/* Post-ICV: marks seq seen and slides the window; false (and nothing
 * changes) if the check fails now. */
bool	 esp_replay_update(struct esp_replay *r, uint64_t seq);

#endif
