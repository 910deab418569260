/* tools/uipsecd/dataplane.c — see dataplane.h. */
#include "dataplane.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "tun/tun.h"
#include "udp.h"

/* The addresses of an inner packet, read through the bounded reader. */
struct inner {
	int		 family;
	uint8_t		 nh;		/* ESP next header for this version */
	const uint8_t	*src;
	const uint8_t	*dst;
};

/* IPv4 (RFC 791): version/IHL, 11 bytes, source, destination.
 * IPv6 (RFC 8200): version/class/flow/length/next/hops (8), source, dest. */
static bool
inner_parse(const uint8_t *p, size_t len, struct inner *in)
{
	struct buf_reader r;
	uint8_t vihl;

	buf_reader_init(&r, p, len);
	if (!buf_get_u8(&r, &vihl))
		return false;
	switch (vihl >> 4) {
	case 4:
		in->family = AF_INET;
		in->nh = ESP_NH_IPV4;
		return (vihl & 0x0f) >= 5 && buf_skip(&r, 11) &&
		    buf_get_bytes(&r, 4, &in->src) &&
		    buf_get_bytes(&r, 4, &in->dst);
	case 6:
		in->family = AF_INET6;
		in->nh = ESP_NH_IPV6;
		return buf_skip(&r, 7) && buf_get_bytes(&r, 16, &in->src) &&
		    buf_get_bytes(&r, 16, &in->dst);
	default:
		return false;
	}
}

static int
batch_init(struct dp_batch *b, size_t buf_size)
{
	unsigned i;

	memset(b, 0, sizeof(*b));
	b->buf_size = (buf_size + 63) & ~(size_t)63;
	if (posix_memalign((void **)&b->mem, 64, DP_BATCH * b->buf_size))
		return -1;
	for (i = 0; i < DP_BATCH; i++) {
		b->pkt[i].base = b->mem + i * b->buf_size;
		b->pkt[i].cap = b->buf_size;
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

int
dp_init(struct dp *dp, struct tun *tun, int udp_fd, struct sad *sad,
    unsigned inner_mtu)
{
	memset(dp, 0, sizeof(*dp));
	dp->tun = tun;
	dp->udp_fd = udp_fd;
	dp->sad = sad;
	/* Outbound: headroom, the inner packet, tailroom. Inbound: the
	 * largest ESP packet such an inner packet becomes, and then some. */
	if (batch_init(&dp->out.batch, ESP_HEADROOM + inner_mtu +
	    ESP_TAILROOM) < 0 ||
	    batch_init(&dp->in.batch, ESP_HEADROOM + inner_mtu +
	    ESP_TAILROOM + 64) < 0) {
		log_err("data plane: out of memory");
		dp_free(dp);
		return -1;
	}
	return 0;
}

void
dp_free(struct dp *dp)
{
	free(dp->out.batch.mem);
	free(dp->in.batch.mem);
	dp->out.batch.mem = dp->in.batch.mem = NULL;
}

/* Sends msg[0..n); a message the kernel refuses is dropped, a full socket
 * buffer drops the rest of the batch (no queue grows in the daemon). */
static void
send_batch(struct dp *dp, unsigned n, const size_t *inner_len)
{
	struct dp_dir *d = &dp->out;
	unsigned done = 0, i;
	int r;

	while (done < n) {
		r = sendmmsg(dp->udp_fd, d->batch.msg + done, n - done, 0);
		if (r > 0) {
			for (i = done; i < done + (unsigned)r; i++)
				d->cnt.bytes += inner_len[i];
			d->cnt.packets += (unsigned)r;
			done += (unsigned)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		log_ratelimited(&d->log.io, LOG_WARN, "out: sendmmsg: %s (%u "
		    "packets dropped)", strerror(errno), errno == EAGAIN ?
		    n - done : 1);
		if (errno == EAGAIN || errno == ENOBUFS) {
			d->cnt.drop_io += n - done;
			return;
		}
		d->cnt.drop_io++;
		done++;
	}
}

unsigned
dp_tun_to_udp(struct dp *dp)
{
	struct dp_dir *d = &dp->out;
	struct dp_batch *b = &d->batch;
	size_t inner_len[DP_BATCH];
	struct sad_conn *conn;
	struct esp_pkt *pkt;
	struct inner in;
	enum esp_status st;
	unsigned reads, n = 0;
	ssize_t r;

	for (reads = 0; reads < DP_BATCH; reads++) {
		pkt = &b->pkt[n];
		pkt->off = ESP_HEADROOM;
		r = tun_read(dp->tun, pkt->base + pkt->off,
		    b->buf_size - ESP_HEADROOM - ESP_TAILROOM);
		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_ratelimited(&d->log.io, LOG_WARN, "out: "
				    "read from %s: %s", tun_name(dp->tun),
				    strerror(errno));
			break;
		}
		pkt->len = (size_t)r;
		if (!inner_parse(pkt->base + pkt->off, pkt->len, &in)) {
			d->cnt.drop_malformed++;
			log_ratelimited(&d->log.malformed, LOG_DEBUG, "out: "
			    "dropped a %zd-byte packet that is not IPv4/IPv6",
			    r);
			continue;
		}
		if (!(conn = sad_lookup_out(dp->sad, in.family, in.src,
		    in.dst))) {
			d->cnt.drop_no_policy++;
			log_ratelimited(&d->log.no_policy, LOG_DEBUG, "out: no "
			    "connection's traffic selectors cover this packet");
			continue;
		}
		if ((st = esp_encap(conn->out, pkt, in.nh)) != ESP_OK) {
			d->cnt.drop_esp++;
			log_ratelimited(&d->log.esp, LOG_WARN, "out: %s: SA "
			    "0x%08x: %s", conn->cfg->name, conn->cfg->out.spi,
			    esp_status_str(st));
			continue;
		}
		inner_len[n] = (size_t)r;
		b->iov[n].iov_base = pkt->base + pkt->off;
		b->iov[n].iov_len = pkt->len;
		b->msg[n].msg_hdr.msg_name = (void *)&conn->cfg->remote;
		b->msg[n].msg_hdr.msg_namelen = sockaddr_len(&conn->cfg->remote);
		n++;
	}
	if (n)
		send_batch(dp, n, inner_len);
	return reads;
}

/* One received ESP packet (UDP payload from SPI to ICV): to the TUN. */
static void
deliver_in(struct dp *dp, struct esp_pkt *pkt, unsigned i)
{
	struct dp_dir *d = &dp->in;
	struct sad_conn *conn;
	enum esp_status st;
	struct inner in;
	uint32_t spi;
	uint8_t nh;
	char from[64];

	if (!esp_peek_spi(pkt->base, pkt->len, &spi) ||
	    !(conn = sad_lookup_in(dp->sad, spi))) {
		d->cnt.drop_no_sa++;
		log_ratelimited(&d->log.no_sa, LOG_INFO, "in: ESP from %s with "
		    "unknown SPI 0x%08x", sockaddr_str(&d->batch.from[i], from,
		    sizeof(from)), spi);
		return;
	}
	if ((st = esp_decap(conn->in, pkt, &nh)) != ESP_OK) {
		d->cnt.drop_esp++;
		if (st != ESP_DROP_DUMMY)
			log_ratelimited(&d->log.esp, LOG_INFO, "in: %s: SA "
			    "0x%08x from %s: %s", conn->cfg->name, spi,
			    sockaddr_str(&d->batch.from[i], from, sizeof(from)),
			    esp_status_str(st));
		return;
	}
	if (!inner_parse(pkt->base + pkt->off, pkt->len, &in) ||
	    in.nh != nh) {
		d->cnt.drop_malformed++;
		log_ratelimited(&d->log.malformed, LOG_INFO, "in: %s: inner "
		    "packet is not the IP version next header %u says",
		    conn->cfg->name, nh);
		return;
	}
	if (!sad_policy_in(conn, in.family, in.src, in.dst)) {
		d->cnt.drop_policy++;
		log_ratelimited(&d->log.policy, LOG_WARN, "in: %s: inner "
		    "addresses outside the traffic selectors (RFC 4301 "
		    "inbound check)", conn->cfg->name);
		return;
	}
	if (tun_write(dp->tun, pkt->base + pkt->off, pkt->len) !=
	    (ssize_t)pkt->len) {
		d->cnt.drop_io++;
		log_ratelimited(&d->log.io, LOG_WARN, "in: write to %s: %s",
		    tun_name(dp->tun), strerror(errno));
		return;
	}
	d->cnt.packets++;
	d->cnt.bytes += pkt->len;
}

unsigned
dp_udp_to_tun(struct dp *dp)
{
	struct dp_dir *d = &dp->in;
	struct dp_batch *b = &d->batch;
	struct esp_pkt *pkt;
	unsigned i;
	char from[64];
	int r;

	for (i = 0; i < DP_BATCH; i++) {
		b->iov[i].iov_base = b->pkt[i].base;
		b->iov[i].iov_len = b->buf_size;
		b->msg[i].msg_hdr.msg_name = &b->from[i];
		b->msg[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
	}
	r = recvmmsg(dp->udp_fd, b->msg, DP_BATCH, MSG_DONTWAIT, NULL);
	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_ratelimited(&d->log.io, LOG_WARN, "in: recvmmsg: "
			    "%s", strerror(errno));
		return 0;
	}
	for (i = 0; i < (unsigned)r; i++) {
		pkt = &b->pkt[i];
		pkt->off = 0;
		pkt->len = b->msg[i].msg_len;
		if (b->msg[i].msg_hdr.msg_flags & MSG_TRUNC) {
			d->cnt.drop_malformed++;
			continue;
		}
		switch (esp_udp_classify(pkt->base, pkt->len)) {
		case ESP_UDP_ESP:
			deliver_in(dp, pkt, i);
			break;
		case ESP_UDP_KEEPALIVE:
			d->cnt.keepalives++;
			break;
		case ESP_UDP_IKE:
			d->cnt.ike++;
			log_ratelimited(&d->log.ike, LOG_DEBUG, "in: IKE "
			    "message from %s ignored: manual keys only",
			    sockaddr_str(&b->from[i], from, sizeof(from)));
			break;
		case ESP_UDP_INVALID:
			d->cnt.drop_malformed++;
			break;
		}
	}
	return (unsigned)r;
}
