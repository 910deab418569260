/* tools/uipsecd/dataplane.c — see dataplane.h. */
#include "dataplane.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/clock.h"
#include "ike/ike.h"
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

/* UDP GSO limits: the kernel's segment count (UDP_MAX_SEGMENTS) and what
 * one IPv4 datagram can carry before it is split (65535 - IP - UDP). */
#define DP_GSO_MAX_SEGS		64
#define DP_GSO_MAX_BYTES	65000
#define DP_GRO_BUF		65536
#define DP_GRO_MSGS		32

static int
out_init(struct dp_out *o, int fd, size_t buf_size)
{
	struct dp_out_batch *b = &o->batch;
	int zero = 0;
	unsigned i;

	b->buf_size = (buf_size + 63) & ~(size_t)63;
	if (posix_memalign((void **)&b->mem, 64, DP_BATCH * b->buf_size))
		return -1;
	for (i = 0; i < DP_BATCH; i++) {
		b->pkt[i].base = b->mem + i * b->buf_size;
		b->pkt[i].cap = b->buf_size;
	}
	/* Probing with size 0 (off) tells whether the kernel knows GSO. */
	o->gso = setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero)) == 0;
	return 0;
}

static int
in_init(struct dp_in *in, int fd, size_t buf_size)
{
	struct dp_in_batch *b = &in->batch;
	int one = 1;
	unsigned i;

	in->gro = setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) == 0;
	/* A GRO train is up to 64 KiB; pages are touched only as used. */
	b->nmsg = in->gro ? DP_GRO_MSGS : DP_BATCH;
	b->buf_size = in->gro ? DP_GRO_BUF : (buf_size + 63) & ~(size_t)63;
	if (posix_memalign((void **)&b->mem, 64, b->nmsg * b->buf_size))
		return -1;
	for (i = 0; i < b->nmsg; i++) {
		b->iov[i].iov_base = b->mem + i * b->buf_size;
		b->iov[i].iov_len = b->buf_size;
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
	if (out_init(&dp->out, udp_fd, ESP_HEADROOM + inner_mtu +
	    ESP_TAILROOM) < 0 ||
	    in_init(&dp->in, udp_fd, ESP_HEADROOM + inner_mtu + ESP_TAILROOM +
	    64) < 0) {
		log_err("data plane: out of memory");
		dp_free(dp);
		return -1;
	}
	log_debug("data plane: UDP GSO %s, GRO %s", dp->out.gso ? "on" : "off",
	    dp->in.gro ? "on" : "off");
	return 0;
}

void
dp_free(struct dp *dp)
{
	free(dp->out.batch.mem);
	free(dp->in.batch.mem);
	free(dp->out.unreach.pools);
	dp->out.batch.mem = dp->in.batch.mem = NULL;
	dp->out.unreach.pools = NULL;
	dp->out.unreach.n_pools = 0;
}

int
dp_unreachable_set(struct dp *dp, const struct dp_range *pools, size_t n,
    uint32_t per_s)
{
	struct dp_unreachable *u = &dp->out.unreach;
	struct dp_range *copy = NULL;

	if (n && per_s) {
		if (!(copy = calloc(n, sizeof(*copy))))
			return -1;
		memcpy(copy, pools, n * sizeof(*copy));
	}
	free(u->pools);
	u->pools = copy;
	u->n_pools = copy ? n : 0;
	icmp_ratelimit_init(&u->limit, per_s, clock_monotonic_ms());
	return 0;
}

static bool
in_pool(const struct dp_unreachable *u, int family, const uint8_t *addr)
{
	size_t i, len = family == AF_INET6 ? 16 : 4;

	for (i = 0; i < u->n_pools; i++)
		if (u->pools[i].family == family &&
		    memcmp(u->pools[i].first, addr, len) <= 0 &&
		    memcmp(addr, u->pools[i].last, len) <= 0)
			return true;
	return false;
}

/* A packet no SA carries, to an address of a pool: nobody holds that
 * address now (its CCU is offline), or a CHILD_SA leads there but not from
 * this source; tell the sender through the TUN (icmp_unreachable.h). */
static void
send_unreachable(struct dp *dp, const struct esp_pkt *pkt,
    const struct inner *in)
{
	struct dp_out *o = &dp->out;
	struct dp_unreachable *u = &o->unreach;
	enum icmp_unreachable_code code;
	size_t len;

	if (!in_pool(u, in->family, in->dst))
		return;
	code = sad_routes_dst(dp->sad, in->family, in->dst) ?
	    ICMP_UNREACHABLE_PROHIBITED : ICMP_UNREACHABLE_HOST;
	/* The token first: past the rate, a flood costs no error built. */
	if (!icmp_ratelimit_take(&u->limit, clock_monotonic_ms()) ||
	    !(len = icmp_unreachable_build(pkt->base + pkt->off, pkt->len,
	    code, u->ip_id, u->buf, sizeof(u->buf))))
		return;
	u->ip_id++;
	if (tun_write(dp->tun, u->buf, len) != (ssize_t)len) {
		log_ratelimited(&o->log.unreachable, LOG_WARN, "out: ICMP "
		    "unreachable to %s: %s", tun_name(dp->tun),
		    strerror(errno));
		return;
	}
	o->cnt.unreachable++;
}

/* Closes group g over packets [first, end): one datagram, or with GSO a
 * train cut every `seg` bytes (only the last may be shorter). */
static void
group_close(struct dp_out_batch *b, unsigned g, unsigned first, unsigned end,
    const union ike_sockaddr *to, size_t seg)
{
	struct msghdr *m = &b->msg[g].msg_hdr;
	struct cmsghdr *cm;
	uint16_t seg16 = (uint16_t)seg;

	memset(m, 0, sizeof(*m));
	m->msg_name = (void *)&to->sa;
	m->msg_namelen = ike_sockaddr_len(to);
	m->msg_iov = &b->iov[first];
	m->msg_iovlen = end - first;
	b->grp_pkts[g] = end - first;
	if (end - first == 1)
		return;
	m->msg_control = b->ctl[g].buf;
	m->msg_controllen = CMSG_SPACE(sizeof(seg16));
	cm = CMSG_FIRSTHDR(m);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg16));
	memcpy(CMSG_DATA(cm), &seg16, sizeof(seg16));
}

/* Packets [0, n) with their connections: into groups. Returns how many. */
static unsigned
group_packets(struct dp_out *o, unsigned n, struct sad_conn *const *conn,
    const size_t *inner_len)
{
	struct dp_out_batch *b = &o->batch;
	unsigned g = 0, i, first = 0;
	size_t seg = 0, total = 0, len;
	bool join;

	for (i = 0; i < n; i++) {
		len = b->iov[i].iov_len;
		join = o->gso && i > first && conn[i] == conn[first] &&
		    len <= seg && b->iov[i - 1].iov_len == seg &&
		    i - first < DP_GSO_MAX_SEGS &&
		    total + len <= DP_GSO_MAX_BYTES;
		if (!join) {
			if (i > 0)
				group_close(b, g++, first, i,
				    &conn[first]->remote, seg);
			first = i;
			seg = len;
			total = 0;
			b->grp_bytes[g] = 0;
		}
		total += len;
		b->grp_bytes[g] += inner_len[i];
	}
	group_close(b, g++, first, n, &conn[first]->remote, seg);
	return g;
}

/* Sends the groups msg[0..n); a group the kernel refuses is dropped, a
 * full socket buffer drops the rest of the batch (no queue grows in the
 * daemon). A GSO train refused as too big turns GSO off. */
static void
send_groups(struct dp *dp, unsigned n)
{
	struct dp_out *o = &dp->out;
	struct dp_out_batch *b = &o->batch;
	unsigned done = 0, i, lost;
	bool full;
	int r, err;

	while (done < n) {
		r = sendmmsg(dp->udp_fd, b->msg + done, n - done, 0);
		if (r > 0) {
			for (i = done; i < done + (unsigned)r; i++) {
				o->cnt.packets += b->grp_pkts[i];
				o->cnt.bytes += b->grp_bytes[i];
			}
			done += (unsigned)r;
			continue;
		}
		err = errno;	/* logging below may change errno */
		if (r < 0 && err == EINTR)
			continue;
		full = err == EAGAIN || err == ENOBUFS;
		lost = 0;
		for (i = done; i < (full ? n : done + 1); i++)
			lost += b->grp_pkts[i];
		log_ratelimited(&o->log.io, LOG_WARN, "out: sendmmsg: %s (%u "
		    "packets dropped)", strerror(err), lost);
		o->cnt.drop_io += lost;
		if (full)
			return;
		if ((err == EINVAL || err == EMSGSIZE || err == EIO) &&
		    b->grp_pkts[done] > 1 && o->gso) {
			log_warn("out: UDP GSO refused (%s): sending packet by "
			    "packet from now on", strerror(err));
			o->gso = false;
		}
		done++;
	}
}

unsigned
dp_tun_to_udp(struct dp *dp)
{
	struct dp_out *o = &dp->out;
	struct dp_out_batch *b = &o->batch;
	struct sad_conn *conn[DP_BATCH];
	size_t inner_len[DP_BATCH];
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
				log_ratelimited(&o->log.io, LOG_WARN, "out: "
				    "read from %s: %s", tun_name(dp->tun),
				    strerror(errno));
			break;
		}
		pkt->len = (size_t)r;
		if (!inner_parse(pkt->base + pkt->off, pkt->len, &in)) {
			o->cnt.drop_malformed++;
			log_ratelimited(&o->log.malformed, LOG_DEBUG, "out: "
			    "dropped a %zd-byte packet that is not IPv4/IPv6",
			    r);
			continue;
		}
		if (!(conn[n] = sad_lookup_out(dp->sad, in.family, in.src,
		    in.dst))) {
			o->cnt.drop_no_policy++;
			log_ratelimited(&o->log.no_policy, LOG_DEBUG, "out: no "
			    "connection's traffic selectors cover this packet");
			if (dp->acquire)
				dp->acquire(dp->ike_arg, in.family, in.src,
				    in.dst);
			send_unreachable(dp, pkt, &in);
			continue;
		}
		if ((st = esp_encap(conn[n]->out, pkt, in.nh)) != ESP_OK) {
			o->cnt.drop_esp++;
			log_ratelimited(&o->log.esp, LOG_WARN, "out: %s: SA "
			    "0x%08x: %s", conn[n]->name,
			    conn[n]->spi_out, esp_status_str(st));
			continue;
		}
		inner_len[n] = (size_t)r;
		b->iov[n].iov_base = pkt->base + pkt->off;
		b->iov[n].iov_len = pkt->len;
		n++;
	}
	if (n)
		send_groups(dp, group_packets(o, n, conn, inner_len));
	return reads;
}

/* One received ESP packet (UDP payload from SPI to ICV): to the TUN. */
static void
deliver_in(struct dp *dp, struct esp_pkt *pkt,
    const struct sockaddr_storage *sender)
{
	struct dp_in *d = &dp->in;
	struct sad_conn *conn;
	enum esp_status st;
	struct inner in;
	uint32_t spi = 0;
	uint8_t nh;
	char from[64];

	if (!esp_peek_spi(pkt->base, pkt->len, &spi) ||
	    !(conn = sad_lookup_in(dp->sad, spi))) {
		d->cnt.drop_no_sa++;
		log_ratelimited(&d->log.no_sa, LOG_INFO, "in: ESP from %s with "
		    "unknown SPI 0x%08x", sockaddr_str(sender, from,
		    sizeof(from)), spi);
		return;
	}
	if ((st = esp_decap(conn->in, pkt, &nh)) != ESP_OK) {
		d->cnt.drop_esp++;
		if (st != ESP_DROP_DUMMY)
			log_ratelimited(&d->log.esp, LOG_INFO, "in: %s: SA "
			    "0x%08x from %s: %s", conn->name, spi,
			    sockaddr_str(sender, from, sizeof(from)),
			    esp_status_str(st));
		return;
	}
	if (!inner_parse(pkt->base + pkt->off, pkt->len, &in) ||
	    in.nh != nh) {
		d->cnt.drop_malformed++;
		log_ratelimited(&d->log.malformed, LOG_INFO, "in: %s: inner "
		    "packet is not the IP version next header %u says",
		    conn->name, nh);
		return;
	}
	if (!sad_policy_in(conn, in.family, in.src, in.dst)) {
		d->cnt.drop_policy++;
		log_ratelimited(&d->log.policy, LOG_WARN, "in: %s: inner "
		    "addresses outside the traffic selectors (RFC 4301 "
		    "inbound check)", conn->name);
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
	if (dp->esp_moved && !ike_sockaddr_equal(&conn->remote, sender))
		dp->esp_moved(dp->ike_arg, spi, sender);
}

/* One UDP datagram as RFC 3948 §2 tells them apart. */
static void
classify_in(struct dp *dp, struct esp_pkt *pkt,
    const struct sockaddr_storage *sender)
{
	struct dp_in *d = &dp->in;
	char from[64];

	switch (esp_udp_classify(pkt->base, pkt->len)) {
	case ESP_UDP_ESP:
		deliver_in(dp, pkt, sender);
		break;
	case ESP_UDP_KEEPALIVE:
		d->cnt.keepalives++;
		break;
	case ESP_UDP_IKE:
		d->cnt.ike++;
		if (dp->ike_input) {
			dp->ike_input(dp->ike_arg, pkt->base +
			    ESP_UDP_NON_ESP_MARKER_LEN,
			    pkt->len - ESP_UDP_NON_ESP_MARKER_LEN, sender);
			break;
		}
		log_ratelimited(&d->log.ike, LOG_DEBUG, "in: IKE message from "
		    "%s ignored: manual keys only", sockaddr_str(sender, from,
		    sizeof(from)));
		break;
	case ESP_UDP_INVALID:
		d->cnt.drop_malformed++;
		break;
	}
}

/* The segment size of a GRO train (UDP_GRO control message), or 0. */
static size_t
gro_size(struct msghdr *m)
{
	struct cmsghdr *cm;
	int size;

	for (cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
			memcpy(&size, CMSG_DATA(cm), sizeof(size));
			return size > 0 ? (size_t)size : 0;
		}
	}
	return 0;
}

unsigned
dp_udp_to_tun(struct dp *dp)
{
	struct dp_in *d = &dp->in;
	struct dp_in_batch *b = &d->batch;
	struct esp_pkt pkt;
	size_t len, seg, at;
	unsigned i;
	int r;

	for (i = 0; i < b->nmsg; i++) {
		b->msg[i].msg_hdr.msg_name = &b->from[i];
		b->msg[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
		b->msg[i].msg_hdr.msg_control = d->gro ? b->ctl[i].buf : NULL;
		b->msg[i].msg_hdr.msg_controllen = d->gro ?
		    sizeof(b->ctl[i].buf) : 0;
	}
	r = recvmmsg(dp->udp_fd, b->msg, b->nmsg, MSG_DONTWAIT, NULL);
	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_ratelimited(&d->log.io, LOG_WARN, "in: recvmmsg: "
			    "%s", strerror(errno));
		return 0;
	}
	for (i = 0; i < (unsigned)r; i++) {
		len = b->msg[i].msg_len;
		if (b->msg[i].msg_hdr.msg_flags & MSG_TRUNC) {
			d->cnt.drop_malformed++;
			continue;
		}
		seg = d->gro ? gro_size(&b->msg[i].msg_hdr) : 0;
		if (seg == 0 || seg > len)
			seg = len;
		/* Each datagram of a train, decapsulated where it lies. */
		for (at = 0; at < len; at += seg) {
			pkt.base = (uint8_t *)b->iov[i].iov_base + at;
			pkt.len = pkt.cap = len - at < seg ? len - at : seg;
			pkt.off = 0;
			classify_in(dp, &pkt, &b->from[i]);
		}
		if (len == 0)
			d->cnt.drop_malformed++;
	}
	return (unsigned)r;
}
