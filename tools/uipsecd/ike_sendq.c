/* tools/uipsecd/ike_sendq.c — see ike_sendq.h. */
#include "ike_sendq.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "esp/esp.h"
#include "ike/ike.h"
#include "udp.h"

/* The largest UDP payload (65535 less the UDP header), marker included. */
#define SENDQ_MAX_LEN	(65535 - 8 - ESP_UDP_NON_ESP_MARKER_LEN)

void
ike_sendq_init(struct ike_sendq *q,
    void (*sent)(void *arg, const struct sockaddr_storage *to), void *arg)
{
	q->sent = sent;
	q->arg = arg;
	q->n = 0;
	q->used = 0;
}

/* Whether a datagram to `to` waits on a socket other than fd: sending
 * socket by socket could then reorder what goes to it. */
static bool
waits_elsewhere(const struct ike_sendq *q, int fd,
    const struct sockaddr_storage *to)
{
	unsigned i;

	for (i = 0; i < q->n; i++)
		if (q->msg[i].fd != fd && ike_addr_equal(&q->msg[i].to, to))
			return true;
	return false;
}

int
ike_sendq_add(struct ike_sendq *q, int fd, bool marker,
    const struct sockaddr_storage *to, const uint8_t *msg, size_t len)
{
	struct ike_sendq_msg *m;
	char name[64];

	if (len > SENDQ_MAX_LEN) {
		log_warn("ike: send to %s: a %zu-byte message does not fit a "
		    "UDP datagram", sockaddr_str(to, name, sizeof(name)), len);
		return -1;
	}
	if (q->n == IKE_SENDQ_MSGS || len > sizeof(q->bytes) - q->used ||
	    waits_elsewhere(q, fd, to))
		ike_sendq_flush(q);
	m = &q->msg[q->n++];
	m->to = *to;
	m->fd = fd;
	m->marker = marker;
	m->off = (uint32_t)q->used;
	m->len = (uint32_t)len;
	memcpy(q->bytes + q->used, msg, len);
	q->used += len;
	return 0;
}

/* Sends the queued datagrams of the socket of msg[first] (the earliest
 * not yet sent), in queue order, with as few sendmmsg calls as the
 * kernel allows: it stops a call at the first datagram it refuses, which
 * is then logged and skipped. Marks them taken (fd -1). */
static void
send_socket(struct ike_sendq *q, unsigned first)
{
	static const uint8_t marker[ESP_UDP_NON_ESP_MARKER_LEN];
	unsigned idx[IKE_SENDQ_MSGS], n = 0, done = 0, i;
	int fd = q->msg[first].fd, r;
	struct ike_sendq_msg *m;
	struct iovec *iov;
	char name[64];

	for (i = first; i < q->n; i++) {
		m = &q->msg[i];
		if (m->fd != fd)
			continue;
		m->fd = -1;
		iov = q->iov[n];
		iov[0].iov_base = (void *)marker;
		iov[0].iov_len = sizeof(marker);
		iov[1].iov_base = q->bytes + m->off;
		iov[1].iov_len = m->len;
		memset(&q->mh[n], 0, sizeof(q->mh[n]));
		q->mh[n].msg_hdr.msg_name = &m->to;
		q->mh[n].msg_hdr.msg_namelen = sockaddr_len(&m->to);
		q->mh[n].msg_hdr.msg_iov = m->marker ? iov : iov + 1;
		q->mh[n].msg_hdr.msg_iovlen = m->marker ? 2 : 1;
		idx[n++] = i;
	}
	while (done < n) {
		r = sendmmsg(fd, q->mh + done, n - done, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			log_warn("ike: send to %s: %s", sockaddr_str(
			    &q->msg[idx[done]].to, name, sizeof(name)),
			    strerror(errno));
			done++;
			continue;
		}
		for (i = done; q->sent && i < done + (unsigned)r; i++)
			q->sent(q->arg, &q->msg[idx[i]].to);
		done += (unsigned)r;
	}
}

void
ike_sendq_flush(struct ike_sendq *q)
{
	unsigned i;

	if (q->n == 0)
		return;
	/* The log (written in blocks, main.c) has what led to these
	 * messages before the peer can act on them: whoever reads both
	 * ends' logs, or a test that sees the peer react, finds our side's
	 * lines too. */
	fflush(stderr);
	for (i = 0; i < q->n; i++)
		if (q->msg[i].fd >= 0)
			send_socket(q, i);
	q->n = 0;
	q->used = 0;
}
