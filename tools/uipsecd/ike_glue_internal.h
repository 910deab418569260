/*
 * tools/uipsecd/ike_glue_internal.h — the glue's state, shared by
 * ike_glue.c (engine callbacks, sockets, timers) and ike_glue_status.c
 * (what `status` shows of it).
 */
#ifndef UIPSECD_IKE_GLUE_INTERNAL_H
#define UIPSECD_IKE_GLUE_INTERNAL_H

#include "config.h"
#include "ike_glue.h"
#include "ike_sendq.h"
#include "sad.h"
#include "signer.h"

/* One installed CHILD_SA: what the glue keeps beside its SA database
 * entry (sa, whose owner it is), allocated per CHILD_SA and listed in
 * ike_glue.children. Small: a concentrator holds thousands. */
struct glue_child {
	struct glue_child *prev, *next;
	struct sad_conn	*sa;
	const char	*conn;		/* the config's name */
	uint64_t	 ike_id;
	/* RFC 3948 §2.3 NAT keepalives, when we are behind the NAT: the
	 * outbound packet count last seen, and when something (ESP, IKE or
	 * a keepalive) last went to the peer, to within a poll step. */
	uint64_t	 ka_out_seen;
	uint64_t	 ka_sent_ms, ka_poll_ms;
	bool		 nat_local;
	bool		 has_vip;	/* ours, put on the TUN for it */
	struct tun_prefix vip;
	/* A valid ESP packet came from here and the engine did not follow
	 * (the peer is not behind a NAT): not asked again. */
	union ike_sockaddr	 refused;
};

/* Per connection: set-up attempts and when to initiate again. */
struct glue_conn {
	unsigned	 tries;		/* failed set-ups in a row */
	uint64_t	 retry_ms;	/* 0: nothing scheduled */
	bool		 held_down;	/* `uipsec down`: no restarts */
	bool		 initiating;	/* we started the set-up under way */
	/* start_action or dpd_action = trap: the next outbound packet
	 * for its traffic selectors starts a set-up (glue_trap.c). */
	bool		 trapped;
};

struct ike_glue {
	struct daemon		*d;
	const struct ike_config	*cfg;
	const struct cfg_ike	*set;		/* keep_alive, reconnect */
	unsigned		 n_trapped;
	/* CHILD_SAs with nat_local: the keepalive walks are skipped while
	 * there are none (a concentrator is not behind a NAT, and must not
	 * walk every tunnel on each IKE message it sends). */
	size_t			 n_nat_children;
	struct glue_conn	*conns;		/* cfg->n_conns of them */
	struct ike_engine	*e;
	struct signer		*signer;	/* signer.h; NULL: the loop signs */
	uint64_t		 tick_ms;	/* last ike_glue_tick() run */
	int			 fd500;
	struct sockaddr_storage	 local500, local4500;
	struct glue_child	*children;	/* newest first */
	struct ike_sendq	 sendq;		/* io_send's, until flushed */
	uint64_t		 sendq_since_ms; /* its oldest message's time */
	uint8_t			 buf[65536];
};

/* glue_keepalive.c: NAT keepalives (RFC 3948 §2.3) from the side behind
 * the NAT, only when nothing else went to the peer for keep_alive. */
void	 glue_keepalive_sent(struct ike_glue *g,
	    const struct sockaddr_storage *to, uint64_t now);
void	 glue_keepalive_tick(struct ike_glue *g, uint64_t now);
uint64_t glue_keepalive_next(const struct ike_glue *g);

/* glue_trap.c: trap policies (start_action/dpd_action = trap). Routes the
 * trapped children's remote_ts into the TUN; the data plane's packets
 * without an SA come to glue_trap_acquire, which starts the set-up. */
void	 glue_trap_set(struct ike_glue *g, const struct ike_conn_cfg *c);
/* Whether c traps: a child with start_action = trap, or (after_dpd: its
 * peer was found dead) one with dpd_action = trap. */
bool	 glue_trap_wanted(const struct ike_conn_cfg *c, bool after_dpd);
void	 glue_trap_acquire(void *g, int family, const uint8_t *src,
	    const uint8_t *dst);

/* ike_glue.c: a set-up we start (and therefore retry); n selectors as
 * TUN prefixes. */
int	 glue_initiate(struct ike_glue *g, const struct ike_conn_cfg *c,
	    uint64_t now);
unsigned glue_copy_ts(struct tun_prefix *to, const struct ike_ts_cfg *from,
	    size_t n);

#endif
