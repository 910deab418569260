/*
 * tools/uipsecd/ike_glue.h — uipsecd's IKE side: the engine of ike/ike.h
 * fed from a UDP socket on port 500 and, behind the non-ESP marker (RFC
 * 3948 §2.2), from the data plane's port-4500 socket; its timers run from
 * the event loop; its callbacks send (adding the marker on 4500), put
 * CHILD_SAs into the SA database with their narrowed selectors, and put
 * the virtual IP and routes onto the TUN device.
 */
#ifndef UIPSECD_IKE_GLUE_H
#define UIPSECD_IKE_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "control.h"
#include "ike/ike.h"

struct daemon;
struct cfg_ike;
struct control_reply;
struct ike_glue;

/* Starts the engine for set->ike with set's settings (borrowed for the
 * glue's life) on d, whose
 * data plane must be set up: opens UDP 500 on local (port replaced), and
 * hooks IKE on d->udp_fd. Returns NULL after a log line. */
struct ike_glue *ike_glue_new(struct daemon *d, const struct cfg_ike *set,
	    const struct sockaddr_storage *local);
/* Closes the engine (its CHILD_SAs leave the SA database). Accepts NULL. */
void	 ike_glue_free(struct ike_glue *g);
/* Sends a Delete for every IKE SA (SIGTERM/SIGINT); accepts NULL. */
void	 ike_glue_shutdown(struct ike_glue *g);

/* Sends the IKE messages queued since the last flush (ike_sendq.h: the
 * log first, then one sendmmsg per socket); the event loop calls it after
 * each turn. Accepts NULL. */
void	 ike_glue_flush(struct ike_glue *g);

/* Initiates every connection with a child whose start_action is start. */
void	 ike_glue_start(struct ike_glue *g);
/* The UDP 500 socket, to watch for EPOLLIN; ike_glue_read500 drains it. */
int	 ike_glue_fd(const struct ike_glue *g);
void	 ike_glue_read500(struct ike_glue *g);
/* The data plane's hook for IKE on port 4500 (marker removed). */
void	 ike_glue_input4500(void *g, const uint8_t *msg, size_t len,
	    const struct sockaddr_storage *from);
/* The signer threads' eventfd (signer.h), to watch for EPOLLIN; -1 when
 * the loop signs itself (g may be NULL). ike_glue_signed finishes the
 * IKE_AUTH responses whose AUTH is signed. */
int	 ike_glue_sign_fd(const struct ike_glue *g);
void	 ike_glue_signed(struct ike_glue *g);
/* Whether AUTH signatures wait that no signer thread has taken (g may be
 * NULL); ike_glue_sign_help signs one of them on the loop thread, for a
 * loop with nothing else to do (signer.h signer_help). */
bool	 ike_glue_sign_waiting(const struct ike_glue *g);
void	 ike_glue_sign_help(struct ike_glue *g);
/* epoll_wait's timeout in ms until the engine's next timer (-1: none; g
 * may be NULL), and the timers themselves, run when due. */
int	 ike_glue_timeout(const struct ike_glue *g);
void	 ike_glue_tick(struct ike_glue *g);

/* `status` (doc/control.md), streamed in parts; g may be NULL (no IKE:
 * no SAs). The filters of a request, parsed: false with q->error set. */
struct ike_status_filter {
	int		 peer_family;	/* 0: any remote address */
	uint8_t		 peer_addr[16];
	bool		 has_id;	/* remote identity matches id (pattern) */
	struct certs_id	 id;
	const char	*state;		/* NULL: any state */
	bool		 any;		/* one of the above is set */
};
bool	 ike_glue_status_filter(struct control_status_req *q,
	    struct ike_status_filter *f);
/* The IKE SAs that pass f, with their CHILD_SAs, from *pos on (0 at
 * first), about a part's worth; *written says whether JSON has an SA
 * object before (for its comma). True when the walk is complete. */
bool	 ike_glue_status_sas(const struct ike_glue *g,
	    const struct ike_status_filter *f, bool json, uint64_t *pos,
	    bool *written, struct control_reply *r);
/* Each connection: its IKE SAs, retries, held down (JSON: "connections"). */
void	 ike_glue_status_conns(const struct ike_glue *g, bool json,
	    struct control_reply *r);
/* Counts of the SAs that pass f, by state, their CHILD_SAs, and the
 * virtual IP pools (JSON: "summary" and "pools" members, comma after). */
void	 ike_glue_status_summary(const struct ike_glue *g,
	    const struct ike_status_filter *f, bool json,
	    struct control_reply *r);
/* `up`/`down`: a control.h code, the final line's text in msg. */
/* `rekey NAME [ike]`, `rekey NAME/CHILD` (child not NULL): a CONTROL_*
 * code, the final line's text in msg. */
int	 ike_glue_rekey(struct ike_glue *g, const char *name, const char *child,
	    bool ike, char *msg, size_t cap);
int	 ike_glue_up_down(struct ike_glue *g, const char *name, bool up,
	    char *msg, size_t cap);

/* Milliseconds on CLOCK_MONOTONIC: the engine's clock. */
uint64_t ike_glue_now_ms(void);

#endif
