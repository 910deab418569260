/*
 * tests/unit/ike_peer_testlib.h — two IKE engines in one process (strongSwan's
 * exchange_test_helper idea): each peer has a swanctl credential tree made
 * from the certs_pki fixture, a hand-built ike_config, and a fake network
 * that queues datagrams in memory, optionally through a NAT, and lets a
 * test drop or duplicate them. The clock is a variable.
 */
#ifndef UIPSEC_TESTS_IKE_PEER_TESTLIB_H
#define UIPSEC_TESTS_IKE_PEER_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/ike.h"

#define PEER_A	0	/* the CCU: initiator */
#define PEER_B	1	/* the concentrator: responder */
#define NET_QUEUE_MAX	48
#define PEER_KEY_MAX	64
#define PEER_CHILDREN_MAX	64

struct net_dgram {
	int			 to;
	struct sockaddr_storage	 src, dst;	/* as the receiver sees them */
	size_t			 len;
	uint8_t			 b[8192];
};

/* A CHILD_SA as the data plane received it, keys copied. */
struct peer_child {
	struct ike_child_install c;
	uint8_t	in_enc[PEER_KEY_MAX], in_auth[PEER_KEY_MAX];
	uint8_t	out_enc[PEER_KEY_MAX], out_auth[PEER_KEY_MAX];
	bool	removed;
	bool	routed;		/* takes outbound traffic */
	unsigned route_seq;	/* when it was routed: the newest sends */
};

/* io.sign (RFC 7296 §2.15, the responder's AUTH): none (the engine signs
 * at once), jobs kept for the test to finish (peer_sign_finish), refused
 * as by a full queue, or handed to sign_hook (uipsecd's signer). */
enum peer_sign { PEER_SIGN_NONE, PEER_SIGN_DEFER, PEER_SIGN_FULL,
	PEER_SIGN_HOOK };
#define PEER_SIGN_JOBS_MAX	8
struct peer_sign_job {
	uint64_t			 spi, ike_id;
	const struct certs_key		*key;
	struct certs_auth_params	 params;
	uint8_t				*octets;	/* owned */
	size_t				 len;
};

struct peer {
	struct ike_config	 cfg;
	struct ike_conn_cfg	 conn;
	struct ike_pool_cfg	 pool;
	struct ike_engine	*e;
	size_t			 n_children;
	struct peer_child	 child[PEER_CHILDREN_MAX];
	struct ike_child_counters counters;	/* what every CHILD_SA carried */
	int			 n_up, n_failed, n_down;
	char			 why[512];	/* last sa_event reason */
	size_t			 sent;		/* datagrams sent */
	size_t			 frag_size;	/* RFC 7383; 0 (default): off */
	bool			 have_set;	/* else the engine's defaults */
	struct ike_settings	 set;		/* (frag_size wins) */
	int			 n_moved;	/* peer_moved calls */
	struct sockaddr_storage	 moved_to;
	/* Many SAs: installs are counted in n_installed, not kept. */
	bool			 children_counted_only;
	size_t			 n_installed;
	unsigned		 route_seq;	/* routes so far */
	enum peer_sign		 sign;		/* set before peer_start() */
	bool			 no_counters;	/* io.child_counters NULL */
	int			(*sign_hook)(void *arg,
				    const struct ike_sign_job *job);
	void			*sign_arg;
	size_t			 n_jobs;	/* io.sign calls */
	struct peer_sign_job	 job[PEER_SIGN_JOBS_MAX];
};

struct net {
	struct peer		 p[2];
	bool			 nat;		/* A sits behind a NAT */
	uint16_t		 nat_shift;	/* its port mapping: +1000 */
	uint64_t		 now;
	size_t			 n;
	struct net_dgram	 q[NET_QUEUE_MAX];
};

extern struct net net;

/* Resets net; both peers get a connection "fleet" with these proposals
 * and certificates (PKI-relative paths of cert and key; A's default
 * ccu-ec, B's vpn-ec384). Call peer_start() after adjusting the config. */
void	 net_init(const char *ike, const char *esp);
void	 peer_credentials(int who, const char *cert, const char *key);
void	 peer_set_proposals(int who, const char *ike, const char *esp);
void	 peer_set_remote_id(int who, const char *id);
/* A asks for a virtual IPv4 address (vips = 0.0.0.0) with a `dynamic`
 * local_ts, as a CCU does; B gives it from its pool "vips"
 * (10.3.0.1-10.3.0.200) with a `dynamic` remote_ts. */
void	 peer_use_pool(void);
void	 peer_start(void);
/* Peer who loses every SA without a word (a CCU that reboots): its engine
 * is freed and started again with the same configuration. */
void	 peer_restart(int who);
void	 net_free(void);

/* Signs peer who's job i (as uipsecd's signer thread would) and hands the
 * result to its engine; with why, a failure instead. The job's octets
 * are freed: each job is finished once. */
void	 peer_sign_finish(int who, size_t i, const char *why);

/* Delivers the oldest queued datagram; false if none. */
bool	 net_step(void);
/* Drops / duplicates the oldest queued datagram. */
void	 net_drop(void);
void	 net_dup(void);
/* Delivers until the queue is empty (at most `max` datagrams). */
void	 net_run(size_t max);
/* Advances the clock and ticks both engines. */
void	 net_advance(uint64_t ms);

/* The state name of peer who's only IKE SA, or "none". */
const char *peer_state(int who);
/* The exchange type and response flag of the oldest queued datagram. */
uint8_t	 net_head_exchange(bool *response);
/* Fails the test unless the oldest queued datagram is of that exchange
 * and is a response (or a request). */
void	 net_expect_head(uint8_t exchange, bool response);

/* Fails the test unless both sides hold one CHILD_SA whose outbound half
 * is the other's inbound half (SPI, suite, keys, ESN). */
void	 assert_children_match(void);
/* The same for the CHILD_SAs not removed yet: one on each side. */
void	 assert_live_children_match(void);
/* CHILD_SAs installed, and not removed, on one side. */
size_t	 peer_live_children(int who);
/* The same for one child config (its name in the install). */
size_t	 peer_live_named(int who, const char *child);
/* Make-before-break (RFC 7296 §2.8): fails unless the pair each side
 * sends on now (as uipsecd's routes pick it: the newest routed one not
 * removed) is installed inbound, not removed, on the other side. */
void	 assert_outbound_received(void);
/* Fails unless each side holds exactly one live CHILD_SA of that child
 * config, the halves of the two match, and both take outbound traffic. */
void	 assert_live_pair(const char *child);

#endif
