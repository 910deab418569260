/*
 * tools/uipsec/pcap_frag.c — IP reassembly for the packet view (pcap.h):
 * IKE and ESP-in-UDP datagrams larger than the path MTU arrive as IPv4
 * fragments (RFC 791 §3.2) or IPv6 fragments (RFC 8200 §4.5), and only the
 * whole datagram can be decrypted.
 *
 * A datagram is keyed by source, destination, identification (and for
 * IPv4 the protocol). Bounded, since a capture may hold anything:
 *   - at most PCAP_FRAG_DATAGRAMS datagrams in flight, PCAP_FRAG_PARTS
 *     fragments each, PCAP_FRAG_BYTES bytes held in all (the oldest
 *     datagram is dropped to make room);
 *   - a datagram not complete PCAP_FRAG_TIMEOUT_S seconds of capture time
 *     after its first fragment is dropped (RFC 791's timer; Linux waits 30 s
 *     too) — time as the capture says, so a file reads the same any day;
 *   - overlapping fragments drop the whole datagram (RFC 5722; RFC 8200
 *     §4.5; the same rule for IPv4 — an overlap is how fragment attacks
 *     disguise content); a fragment captured twice, byte for byte, is a
 *     duplicate and ignored;
 *   - every fragment but the last carries a multiple of 8 bytes, and the
 *     datagram fits its length field (65,535).
 * The reassembled datagram gets a fresh IP header (IPv4 without options,
 * IPv6 without the Fragment header) so the view parses it as any other.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/inet_csum.h"
#include "tools/uipsec/pcap.h"

struct frag_part {
	uint32_t	 off, len;
	uint8_t		*data;
};

struct frag_dgram {
	bool		 used;
	int		 family;
	uint8_t		 src[16], dst[16];
	uint8_t		 proto;		/* IPv4 protocol / IPv6 frag_nh */
	uint32_t	 id;
	struct timeval	 first;
	uint64_t	 age;		/* order of arrival, for eviction */
	uint32_t	 total;		/* payload length, once the last is in */
	bool		 have_last;
	unsigned	 n;
	struct frag_part part[PCAP_FRAG_PARTS];
};

struct pcap_frag {
	struct frag_dgram	 d[PCAP_FRAG_DATAGRAMS];
	size_t			 held;		/* bytes of fragment data */
	uint64_t		 age;
	struct pcap_frag_stats	 st;
	uint8_t			 out[40 + 65535];
};

struct pcap_frag *
pcap_frag_new(void)
{
	return calloc(1, sizeof(struct pcap_frag));
}

static void
dgram_drop(struct pcap_frag *f, struct frag_dgram *d)
{
	unsigned i;

	for (i = 0; i < d->n; i++) {
		f->held -= d->part[i].len;
		free(d->part[i].data);
	}
	memset(d, 0, sizeof(*d));
}

void
pcap_frag_free(struct pcap_frag *f)
{
	unsigned i;

	if (f == NULL)
		return;
	for (i = 0; i < PCAP_FRAG_DATAGRAMS; i++)
		if (f->d[i].used)
			dgram_drop(f, &f->d[i]);
	free(f);
}

void
pcap_frag_stats(const struct pcap_frag *f, struct pcap_frag_stats *out)
{
	unsigned i;

	*out = f->st;
	out->incomplete = 0;
	for (i = 0; i < PCAP_FRAG_DATAGRAMS; i++)
		out->incomplete += f->d[i].used;
}

/* Seconds of capture time from a to b (b earlier: 0). */
static uint64_t
elapsed_s(const struct timeval *a, const struct timeval *b)
{
	return b->tv_sec > a->tv_sec ? (uint64_t)(b->tv_sec - a->tv_sec) : 0;
}

static void
expire(struct pcap_frag *f, const struct timeval *now)
{
	unsigned i;

	for (i = 0; i < PCAP_FRAG_DATAGRAMS; i++) {
		if (f->d[i].used &&
		    elapsed_s(&f->d[i].first, now) > PCAP_FRAG_TIMEOUT_S) {
			dgram_drop(f, &f->d[i]);
			f->st.timed_out++;
		}
	}
}

static bool
same_dgram(const struct frag_dgram *d, const struct pcap_ip *ip,
    uint8_t proto)
{
	size_t alen = ip->family == AF_INET6 ? 16 : 4;

	return d->used && d->family == ip->family && d->id == ip->frag_id &&
	    d->proto == proto && !memcmp(d->src, ip->src, alen) &&
	    !memcmp(d->dst, ip->dst, alen);
}

static struct frag_dgram *
oldest(struct pcap_frag *f)
{
	struct frag_dgram *o = NULL;
	unsigned i;

	for (i = 0; i < PCAP_FRAG_DATAGRAMS; i++)
		if (f->d[i].used && (o == NULL || f->d[i].age < o->age))
			o = &f->d[i];
	return o;
}

/* The datagram of this fragment, a new one if none (evicting the oldest
 * when every slot is taken). */
static struct frag_dgram *
find_or_make(struct pcap_frag *f, const struct pcap_ip *ip, uint8_t proto,
    const struct timeval *ts)
{
	struct frag_dgram *d = NULL;
	unsigned i;

	for (i = 0; i < PCAP_FRAG_DATAGRAMS; i++) {
		if (same_dgram(&f->d[i], ip, proto))
			return &f->d[i];
		if (!f->d[i].used && d == NULL)
			d = &f->d[i];
	}
	if (d == NULL) {
		d = oldest(f);
		dgram_drop(f, d);
		f->st.evicted++;
	}
	d->used = true;
	d->family = ip->family;
	memcpy(d->src, ip->src, sizeof(d->src));
	memcpy(d->dst, ip->dst, sizeof(d->dst));
	d->proto = proto;
	d->id = ip->frag_id;
	d->first = *ts;
	d->age = ++f->age;
	return d;
}

/* 1: a byte-identical duplicate; -1: overlaps a fragment held; 0: new. */
static int
overlap(const struct frag_dgram *d, uint32_t off, uint32_t len,
    const uint8_t *data)
{
	unsigned i;

	for (i = 0; i < d->n; i++) {
		const struct frag_part *p = &d->part[i];

		if (off >= p->off + p->len || p->off >= off + len)
			continue;
		if (p->off == off && p->len == len &&
		    !memcmp(p->data, data, len))
			return 1;
		return -1;
	}
	return 0;
}

/* A fragment ending at `end` agrees with the datagram's end: the last
 * fragment (no More Fragments flag) says where it is, nothing lies beyond
 * it, and only the last one reaches it. */
static bool
fits_end(const struct frag_dgram *d, uint32_t end, bool more)
{
	unsigned i;

	if (more)
		return !d->have_last || end < d->total;
	if (d->have_last)
		return end == d->total;
	for (i = 0; i < d->n; i++)
		if (d->part[i].off + d->part[i].len >= end)
			return false;
	return true;
}

/* Complete: the last fragment is in and the parts cover [0, total). */
static bool
complete(const struct frag_dgram *d)
{
	uint32_t covered = 0;
	unsigned i;

	if (!d->have_last)
		return false;
	for (i = 0; i < d->n; i++)
		covered += d->part[i].len;
	return covered == d->total;	/* no overlaps: sums are exact */
}

/* The datagram with a fresh IP header into f->out; its length. */
static size_t
assemble(struct pcap_frag *f, const struct frag_dgram *d)
{
	struct buf_writer w;
	size_t hlen = d->family == AF_INET6 ? 40 : 20;
	unsigned i;

	buf_writer_init(&w, f->out, sizeof(f->out));
	if (d->family == AF_INET6) {
		buf_put_u32(&w, 6u << 28);
		buf_put_u16(&w, (uint16_t)d->total);
		buf_put_u8(&w, d->proto);
		buf_put_u8(&w, 64);
		buf_put_bytes(&w, d->src, 16);
		buf_put_bytes(&w, d->dst, 16);
	} else {
		buf_put_u8(&w, 0x45);
		buf_put_u8(&w, 0);
		buf_put_u16(&w, (uint16_t)(20 + d->total));
		buf_put_u16(&w, (uint16_t)d->id);
		buf_put_u16(&w, 0);		/* flags, offset: whole */
		buf_put_u8(&w, 64);
		buf_put_u8(&w, d->proto);
		buf_put_u16(&w, 0);
		buf_put_bytes(&w, d->src, 4);
		buf_put_bytes(&w, d->dst, 4);
		buf_store_u16(f->out + 10, inet_csum(f->out, 20));
	}
	for (i = 0; i < d->n; i++)
		memcpy(f->out + hlen + d->part[i].off, d->part[i].data,
		    d->part[i].len);
	return buf_writer_ok(&w) ? hlen + d->total : 0;
}

enum pcap_frag_result
pcap_frag_add(struct pcap_frag *f, const struct pcap_ip *ip,
    const struct timeval *ts, const uint8_t **out, size_t *out_len,
    unsigned *n_frags, const char **why)
{
	uint8_t proto = ip->family == AF_INET6 ? ip->frag_nh : ip->proto;
	uint32_t off = ip->frag_off, len = (uint32_t)ip->frag_len;
	uint32_t max = ip->family == AF_INET6 ? 65535 : 65515;
	struct frag_dgram *d;
	struct frag_part *p;
	size_t n;
	int o;

	expire(f, ts);
	if (ip->truncated) {
		*why = "fragment captured shorter than it was";
		return PCAP_FRAG_DROPPED;
	}
	if ((ip->frag_more && (len == 0 || len % 8 != 0)) ||
	    (uint64_t)off + len > max) {
		*why = "fragment length or offset out of bounds";
		f->st.bad++;
		return PCAP_FRAG_DROPPED;
	}
	d = find_or_make(f, ip, proto, ts);
	if ((o = overlap(d, off, len, ip->frag_data)) == 1) {
		*why = "duplicate fragment";
		return PCAP_FRAG_HELD;
	}
	if (o < 0) {
		*why = "overlapping fragments: datagram dropped";
		dgram_drop(f, d);
		f->st.overlaps++;
		return PCAP_FRAG_DROPPED;
	}
	if (!fits_end(d, off + len, ip->frag_more)) {
		*why = "fragments disagree on the datagram's end: dropped";
		dgram_drop(f, d);
		f->st.bad++;
		return PCAP_FRAG_DROPPED;
	}
	if (d->n == PCAP_FRAG_PARTS) {
		*why = "too many fragments: datagram dropped";
		dgram_drop(f, d);
		f->st.bad++;
		return PCAP_FRAG_DROPPED;
	}
	while (f->held + len > PCAP_FRAG_BYTES) {
		struct frag_dgram *x = oldest(f);

		if (x == d) {	/* this one alone is too big */
			*why = "fragments over the memory limit: dropped";
			dgram_drop(f, d);
			f->st.evicted++;
			return PCAP_FRAG_DROPPED;
		}
		dgram_drop(f, x);
		f->st.evicted++;
	}
	p = &d->part[d->n];
	if ((p->data = malloc(len ? len : 1)) == NULL) {
		*why = "out of memory";
		return PCAP_FRAG_DROPPED;
	}
	memcpy(p->data, ip->frag_data, len);
	p->off = off;
	p->len = len;
	d->n++;
	f->held += len;
	if (!ip->frag_more) {
		d->have_last = true;
		d->total = off + len;
	}
	if (!complete(d)) {
		*why = NULL;
		return PCAP_FRAG_HELD;
	}
	*n_frags = d->n;
	n = assemble(f, d);
	dgram_drop(f, d);
	if (n == 0) {
		*why = "reassembled datagram too long";
		f->st.bad++;
		return PCAP_FRAG_DROPPED;
	}
	f->st.reassembled++;
	*out = f->out;
	*out_len = n;
	return PCAP_FRAG_DONE;
}
