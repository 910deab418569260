/*
 * tools/uipsec/bench.h — internals of `uipsec bench`, shared by bench.c (the
 * command line and the table), bench_esp.c (ESP encap/decap) and bench_raw.c
 * (the same cipher and MAC called directly, the floor ESP is measured against).
 *
 * Every measurement runs in rounds of BENCH_BATCH packets, each in its own
 * buffer slot, as a recvmmsg batch would arrive. Work a round needs that ESP
 * does not do per packet (restoring ciphertext that decap overwrote, a fresh
 * inbound SA) happens outside the timed part of the round. The ESP and raw
 * sides of a row run in alternating slices, so that load from elsewhere on
 * the machine falls on both alike and the ratio stays meaningful.
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
	/* Packet i of a batch goes through SA i % sas; slots > 0: the SAs
	 * share an esp_ctx_cache of that many slots (fewer slots than SAs:
	 * every packet re-keys a slot); 0: each SA owns its contexts. */
	size_t		 sas;		/* 1..BENCH_BATCH */
	size_t		 slots;
};

struct bench_rate {
	uint64_t	 packets;
	uint64_t	 ns;		/* timed nanoseconds */
};

enum bench_op { BENCH_ENCAP, BENCH_DECAP };

/* One round: prepares untimed, processes BENCH_BATCH packets, adds the
 * nanoseconds of the processing to *ns. Returns 0, or -1 (already logged). */
typedef int (*bench_round_fn)(void *arg, uint64_t *ns);

/* One side of a comparison: a prepared batch, the round that processes it,
 * and what it measured. arg is owned by the side's module (freed by its
 * bench_*_free()). */
struct bench_side {
	bench_round_fn	 round;
	void		*arg;
	struct bench_rate rate;
};

uint64_t bench_now_ns(void);
/* Fills an inner IPv4/UDP packet of `size` bytes at p (size >= 20). */
void	 bench_fill_inner(uint8_t *p, size_t size, uint32_t id);

/* Prepare a side for c and op; on success the caller frees it with the
 * matching bench_*_free(), which accepts a side that failed to prepare. */
int	 bench_esp_new(const struct bench_case *c, enum bench_op op,
	    struct bench_side *side);
void	 bench_esp_free(struct bench_side *side);
int	 bench_raw_new(const struct bench_case *c, enum bench_op op,
	    struct bench_side *side);
void	 bench_raw_free(struct bench_side *side);
/* The library the raw side calls for the suite ("OpenSSL", "libsodium"). */
const char *bench_raw_library(enum esp_suite suite);

/* `uipsec bench certs ...` (bench_certs.c): argv[0] is "certs". */
int	 bench_certs_main(int argc, char **argv);

#endif
