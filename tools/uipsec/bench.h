/*
 * tools/uipsec/bench.h — internals of `uipsec bench`, shared by bench.c (the
 * command line and the table), bench_esp.c (ESP encap/decap) and bench_raw.c
 * (the same cipher and MAC called directly, the floor ESP is measured against).
 *
 * Every measurement runs in rounds of BENCH_BATCH packets, each in its own
 * buffer slot, as a recvmmsg batch would arrive. Work a round needs that ESP
 * does not do per packet (restoring ciphertext that decap overwrote, a fresh
 * inbound SA) happens outside the timed part of the round.
 */
#ifndef UIPSEC_TOOLS_BENCH_H
#define UIPSEC_TOOLS_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "esp/esp.h"

#define BENCH_BATCH	64
#define BENCH_SIZE_MIN	20	/* an IPv4 header */
#define BENCH_SIZE_MAX	9000

struct bench_case {
	const char	*name;		/* the strongSwan token asked for */
	enum esp_suite	 suite;
	int		 key_len;	/* as esp_suite_parse() returns it */
	bool		 esn;
	size_t		 size;		/* inner packet bytes */
	double		 seconds;	/* timed seconds per measurement */
};

struct bench_rate {
	uint64_t	 packets;
	uint64_t	 ns;		/* timed nanoseconds */
};

/* One round: prepares untimed, processes BENCH_BATCH packets, adds the
 * nanoseconds of the processing to *ns. Returns 0, or -1 (already logged). */
typedef int (*bench_round_fn)(void *arg, uint64_t *ns);

uint64_t bench_now_ns(void);
/* Runs one warm-up round, then rounds until c->seconds are timed. */
int	 bench_run(const struct bench_case *c, bench_round_fn fn, void *arg,
	    struct bench_rate *rate);
/* Fills an inner IPv4/UDP packet of `size` bytes at p (size >= 20). */
void	 bench_fill_inner(uint8_t *p, size_t size, uint32_t id);

int	 bench_esp_encap(const struct bench_case *c, struct bench_rate *rate);
int	 bench_esp_decap(const struct bench_case *c, struct bench_rate *rate);

/* The library bench_raw_* calls for the suite ("OpenSSL" or "libsodium"). */
const char *bench_raw_library(enum esp_suite suite);
int	 bench_raw_encrypt(const struct bench_case *c, struct bench_rate *rate);
int	 bench_raw_decrypt(const struct bench_case *c, struct bench_rate *rate);

#endif
