/*
 * tools/uipsecd/control.h — the control socket: a UNIX stream socket
 * (default /run/uipsec/uipsecd.sock, mode 0600, root only) speaking the
 * line protocol of doc/control.md, version 1:
 *
 *   C: uipsec-control 1            the client's version, first
 *   S: 200 uipsec-control 1 uipsecd
 *   C: status [--json] [--count] [--peer ADDR] [--id PATTERN] [--state S]
 *      | up NAME | down NAME | rekey NAME [ike] | keys ADDR [SINCE]
 *      | help | quit
 *   S: 200-data line               zero or more
 *   S: CODE text                   final line: 200 ok, 4xx/5xx refused
 *
 * Served from the daemon's epoll loop through one pollable fd (an inner
 * epoll set with the listener, the clients and an idle timer), never
 * blocking: bounded lines in, one bounded reply out at a time per client
 * (a client that does not read stops being read; a status reply is
 * streamed in parts of CONTROL_CHUNK bytes, each made when the client has
 * read the one before, so no reply is held whole), a few clients at most,
 * idle ones dropped. A bad client costs its own connection only.
 */
#ifndef UIPSECD_CONTROL_H
#define UIPSECD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_SOCKET		"/run/uipsec/uipsecd.sock"
#define CONTROL_VERSION		1
#define CONTROL_LINE_MAX	512		/* a command, with its newline */
#define CONTROL_REPLY_MAX	(1024 * 1024)	/* one reply, all lines */
#define CONTROL_CLIENTS_MAX	8
#define CONTROL_IDLE_SECS	30

/* Reply codes (the final line; doc/control.md). */
enum control_code {
	CONTROL_OK		= 200,
	CONTROL_BAD_REQUEST	= 400,	/* unknown command, bad arguments */
	CONTROL_FORBIDDEN	= 403,	/* peer is not root (or our user) */
	CONTROL_NOT_FOUND	= 404,	/* no such connection */
	CONTROL_CONFLICT	= 409,	/* e.g. down of a manual connection */
	CONTROL_IDLE		= 408,	/* closed: nothing sent for too long */
	CONTROL_TOO_LONG	= 413,	/* line over CONTROL_LINE_MAX: closed */
	CONTROL_VERSION_ERR	= 426,	/* no or unsupported hello: closed */
	CONTROL_UNAVAILABLE	= 503,	/* too many clients: closed */
	CONTROL_REPLY_TOO_BIG	= 507,	/* reply cut at CONTROL_REPLY_MAX */
};

/* A reply being built by a handler: data lines, bounded. */
struct control_reply;
/* Adds one data line (no newline in fmt). Lines past CONTROL_REPLY_MAX
 * are dropped and the reply ends in 507. */
void	 control_line(struct control_reply *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The reply carries keys (`keys`): its buffer is wiped once sent, and
 * never left behind unwiped when it grows. */
void	 control_reply_secret(struct control_reply *r);
/* Bytes in the reply so far (a streaming handler stops near
 * CONTROL_CHUNK). */
size_t	 control_reply_len(const struct control_reply *r);

/* A part of a streamed reply: the handler stops adding lines once the
 * reply holds this much, and is called again when the client has read
 * it. */
#define CONTROL_CHUNK		(64 * 1024)

/* `status [--json] [--count] [--peer ADDR] [--id PATTERN] [--state STATE]`
 * (doc/control.md): the filters are applied by the handler, in the daemon.
 * Strings are borrowed from the server for the whole stream. */
struct control_status_req {
	bool		 json;
	bool		 count;		/* the summary only */
	const char	*peer, *id, *state;	/* NULL: no filter */
	uint64_t	 cursor;	/* the handler's place: 0 at the start */
	bool		 done;		/* set by the handler after the last part */
	char		 error[160];	/* a refusal's text (code not 200) */
};

/* What the daemon answers. up/down return a code and put the final line's
 * text in msg. status writes the next part of its reply (about
 * CONTROL_CHUNK bytes), sets q->done after the last, and returns 200, or a
 * refusal (400 with q->error) before writing anything. All borrowed for
 * the server's life. */
struct control_handlers {
	void	*arg;
	int	(*status)(void *arg, struct control_status_req *q,
		    struct control_reply *r);
	int	(*up)(void *arg, const char *name, char *msg, size_t cap);
	int	(*down)(void *arg, const char *name, char *msg, size_t cap);
	/* rekey NAME [ike] | rekey NAME/CHILD: the CHILD_SAs (child NULL:
	 * all of them, else those of that child config), or the IKE SA
	 * (RFC 7296 §1.3). */
	int	(*rekey)(void *arg, const char *name, const char *child,
		    bool ike, char *msg, size_t cap);
	/* keys ADDR [SINCE]: the keys of a peer's live SAs for `uipsec
	 * trace` (keylog_out.h); data lines into r, the final text in msg. */
	int	(*keys)(void *arg, const char *peer, uint64_t since,
		    struct control_reply *r, char *msg, size_t cap);
};

struct control;

/* Binds path (creating its directory 0700 if missing, replacing a stale
 * socket, refusing if a daemon answers there), mode 0600. NULL after a
 * log line on failure. Caller frees with control_close. */
struct control *control_open(const char *path,
	    const struct control_handlers *h);
/* For tests: a server without a listener; clients come by control_adopt. */
struct control *control_new(const struct control_handlers *h);
/* How long a client may stay silent before it is closed (408); for tests,
 * the default is CONTROL_IDLE_SECS. */
void	 control_set_idle(struct control *c, unsigned secs);
/* Serves an already connected stream socket (gets owned). 0 or -1. */
int	 control_adopt(struct control *c, int fd);
/* The fd to watch for EPOLLIN; call control_run when it is readable. */
int	 control_fd(const struct control *c);
/* Handles every ready event without blocking. */
void	 control_run(struct control *c);
/* Closes every client and the listener, unlinks the socket. Accepts NULL. */
void	 control_close(struct control *c);

#endif
