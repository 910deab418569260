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

/* Initiates every connection with a child whose start_action is start. */
void	 ike_glue_start(struct ike_glue *g);
/* The UDP 500 socket, to watch for EPOLLIN; ike_glue_read500 drains it. */
int	 ike_glue_fd(const struct ike_glue *g);
void	 ike_glue_read500(struct ike_glue *g);
/* The data plane's hook for IKE on port 4500 (marker removed). */
void	 ike_glue_input4500(void *g, const uint8_t *msg, size_t len,
	    const struct sockaddr_storage *from);
/* epoll_wait's timeout in ms until the engine's next timer (-1: none; g
 * may be NULL), and the timers themselves, run when due. */
int	 ike_glue_timeout(const struct ike_glue *g);
void	 ike_glue_tick(struct ike_glue *g);

/* `status`: IKE SAs with their CHILD_SAs (g may be NULL: nothing, or an
 * empty list in JSON). */
void	 ike_glue_status(const struct ike_glue *g, bool json,
	    struct control_reply *r);
/* `up`/`down`: a control.h code, the final line's text in msg. */
/* `rekey NAME [ike]`: a CONTROL_* code, the final line's text in msg. */
int	 ike_glue_rekey(struct ike_glue *g, const char *name, bool ike,
	    char *msg, size_t cap);
int	 ike_glue_up_down(struct ike_glue *g, const char *name, bool up,
	    char *msg, size_t cap);

/* Milliseconds on CLOCK_MONOTONIC: the engine's clock. */
uint64_t ike_glue_now_ms(void);

#endif
