/*
 * tools/uipsecd/ike_sendq.h — IKE datagrams of one event loop turn, sent
 * together: the glue's send queues a copy of each message, and the loop
 * flushes the queue once per turn (and wherever a message must leave at
 * once; the glue also when its oldest message has waited a millisecond):
 * one fflush of the log, then one sendmmsg per socket, instead of an fflush
 * and a sendmsg per message.
 *
 * Promises kept from sending one by one:
 *  - the log has every line written before a message on disk before the
 *    peer can see that message (the log is flushed before any send);
 *  - the datagrams to one destination leave in the order they were queued
 *    (each socket's in order; a destination that already waits on another
 *    socket flushes the queue first);
 *  - a datagram the kernel refuses is logged naming its destination, and
 *    the others still go; each one sent is reported to `sent`.
 * Preallocated and bounded: no allocation per message; a full queue is
 * flushed before the next message is taken.
 */
#ifndef UIPSECD_IKE_SENDQ_H
#define UIPSECD_IKE_SENDQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>


/* A concentrator's turn reads up to 64 datagrams per socket; 64 answers
 * of a few KiB each fit. The byte space holds any one UDP datagram. */
#define IKE_SENDQ_MSGS	64
#define IKE_SENDQ_BYTES	(192 * 1024)

struct ike_sendq_msg {
	struct sockaddr_storage	 to;
	int			 fd;
	bool			 marker;	/* non-ESP marker first */
	uint32_t		 off, len;	/* in ike_sendq.bytes */
};

struct ike_sendq {
	/* Called for each datagram the kernel took (the glue's NAT
	 * keepalive bookkeeping); may be NULL. */
	void			(*sent)(void *arg,
				    const struct sockaddr_storage *to);
	void			*arg;
	unsigned		 n;
	size_t			 used;
	struct ike_sendq_msg	 msg[IKE_SENDQ_MSGS];
	struct mmsghdr		 mh[IKE_SENDQ_MSGS];
	struct iovec		 iov[IKE_SENDQ_MSGS][2];
	uint8_t			 bytes[IKE_SENDQ_BYTES];
};

/* An empty queue reporting to sent(arg, to) (sent may be NULL). */
void	 ike_sendq_init(struct ike_sendq *q,
	    void (*sent)(void *arg, const struct sockaddr_storage *to),
	    void *arg);
/* Queues a copy of msg (len bytes; after the non-ESP marker of RFC 3948
 * §2.2 when marker) for fd to send to `to`; flushes first when the queue
 * is full or `to` waits on another socket. Returns 0, or -1 with a log
 * line for a message larger than any datagram. */
int	 ike_sendq_add(struct ike_sendq *q, int fd, bool marker,
	    const struct sockaddr_storage *to, const uint8_t *msg,
	    size_t len);
/* Flushes the log (stderr), then sends every queued datagram: one
 * sendmmsg per socket, in queue order. Empties the queue. */
void	 ike_sendq_flush(struct ike_sendq *q);

#endif
