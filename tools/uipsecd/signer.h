/*
 * tools/uipsecd/signer.h — the responder's AUTH signatures (ike.h io.sign,
 * RFC 7296 §2.15) on worker threads, so that the event loop goes on with
 * other peers meanwhile: with RSA-2048 identities the signature is most of
 * a set-up's CPU (doc/load.md). A bounded queue of jobs, each with a copy
 * of the octets to sign; finished jobs come back to the loop through an
 * eventfd. Only the workers sign; only the loop thread touches the engine.
 */
#ifndef UIPSECD_SIGNER_H
#define UIPSECD_SIGNER_H

#include <stdbool.h>
#include <stddef.h>

#include "ike/ike.h"

struct signer;

/* Jobs that may wait per thread: beyond, io.sign refuses and the engine
 * signs on the loop thread (it never drops one). Few: a thread that falls
 * behind (CPUs busy) makes the loop sign, rather than set-ups wait. */
#define SIGNER_QUEUE_PER_THREAD	4
#define SIGNER_THREADS_MAX	64
/* The workers' nice value (a thread's own on Linux, setpriority(2)):
 * they take CPU the loop (IKE, the ESP data plane) and other processes
 * leave; on a busy machine the queue fills and the loop signs instead. */
#define SIGNER_NICE		10

/* Whether a signature with key is worth a worker: RSA, ECDSA P-384 and
 * P-521 (0.5-1.6 ms here); a P-256 or Ed25519 one (35-70 us) costs less
 * than handing it over and back, which made P-256 set-ups ~5-10 % slower
 * (doc/load.md, session 8): the loop signs those. */
bool	 signer_worth(const struct certs_key *key);
/* The default number of threads: one per CPU the process may run on
 * (its affinity) but the loop's; 0 on a single CPU (the loop signs). */
unsigned signer_default_threads(void);
/* Starts `threads` workers (1..SIGNER_THREADS_MAX). NULL after a log
 * line. Caller frees with signer_free(). */
struct signer *signer_new(unsigned threads);
/* Readable (EPOLLIN) when finished jobs wait for signer_collect(). */
int	 signer_fd(const struct signer *s);
/* ike_io.sign: queues a copy of the job; 0, or -1 when the queue is full
 * (or no memory). */
int	 signer_submit(struct signer *s, const struct ike_sign_job *job);
/* Whether jobs wait that no worker has taken yet. */
bool	 signer_waiting(struct signer *s);
/* The loop has nothing else to do: it takes a job no worker has taken
 * yet, signs it and hands it to ike_engine_sign_done(e) itself, rather
 * than wait idle while a worker waits for a CPU (on a machine whose
 * other CPUs are busy, the workers' nice value keeps them waiting).
 * Returns whether there was one. Loop thread only. */
bool	 signer_help(struct signer *s, struct ike_engine *e, uint64_t now_ms);
/* Hands each finished job to ike_engine_sign_done(e), in the order they
 * finished. Loop thread only. */
void	 signer_collect(struct signer *s, struct ike_engine *e,
	    uint64_t now_ms);
/* Stops the workers (each finishes the job it is signing) and joins
 * them; jobs not handed back are dropped. Before the engine whose keys
 * the jobs borrow is freed. Accepts NULL. */
void	 signer_free(struct signer *s);

#endif
