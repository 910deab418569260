/*
 * tools/uipsec/pcap_view.c — one captured frame at a time: classify it,
 * hand IKE to pcap_ike.c and ESP to pcap_esp.c, print the line
 * "TIME SRC > DST WHAT VERDICT", count it for the summary.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "ike/ike.h"
#include "ike/ikev2_wire.h"
#include "tools/uipsec/pcap.h"

struct pcap_counts {
	uint64_t	frames, ike, ike_ok, esp, esp_ok, keepalive;
	uint64_t	fragments, truncated, malformed, other, not_ip;
};

struct pcap_view {
	const struct keylog	*kl;		/* borrowed */
	FILE			*out;
	unsigned		 flags;
	struct pcap_esp		*esp;
	struct pcap_ike		*ike;
	struct pcap_frag	*frag;
	pcap_inner_fn		*inner_fn;
	void			*inner_arg;
	bool			 missing_keys;
	pcap_keys_fn		*keys_fn;
	void			*keys_arg;
	struct pcap_counts	 n;
};

struct pcap_view *
pcap_view_new(const struct keylog *kl, FILE *out, unsigned flags)
{
	struct pcap_view *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	v->kl = kl;
	v->out = out;
	v->flags = flags;
	v->esp = pcap_esp_new();
	v->ike = pcap_ike_new();
	v->frag = pcap_frag_new();
	if (v->esp == NULL || v->ike == NULL || v->frag == NULL) {
		pcap_view_free(v);
		return NULL;
	}
	pcap_esp_keys_changed(v->esp, kl);
	return v;
}

void
pcap_view_free(struct pcap_view *v)
{
	if (v == NULL)
		return;
	pcap_esp_free(v->esp);
	pcap_ike_free(v->ike);
	pcap_frag_free(v->frag);
	free(v);
}

void
pcap_view_on_inner(struct pcap_view *v, pcap_inner_fn *fn, void *arg)
{
	v->inner_fn = fn;
	v->inner_arg = arg;
}

void
pcap_view_keys_changed(struct pcap_view *v, const struct keylog *kl)
{
	v->kl = kl;
	v->missing_keys = false;
	pcap_esp_keys_changed(v->esp, kl);
}

void
pcap_view_on_missing_keys(struct pcap_view *v, pcap_keys_fn *fn, void *arg)
{
	v->keys_fn = fn;
	v->keys_arg = arg;
}

/* Before an IKE message or ESP packet: keys the key log lacks may be
 * fetched now (trace asks the daemon). IKE_SA_INIT is not encrypted. */
static void
keys_check(struct pcap_view *v, const struct pcap_pkt *pkt)
{
	struct ike_decoded d;
	struct buf_reader r;
	uint32_t spi;

	if (v->keys_fn == NULL)
		return;
	if (pkt->kind == PCAP_IKE) {
		if (ike_decode_header(pkt->data, pkt->len, &d) == 0 &&
		    d.exchange != IKEV2_EXCH_IKE_SA_INIT &&
		    keylog_find_ike(v->kl, d.spi_i, d.spi_r) == NULL)
			v->keys_fn(v->keys_arg, v, d.spi_i);
		return;
	}
	buf_reader_init(&r, pkt->data, pkt->len);
	if (pkt->kind == PCAP_ESP && buf_get_u32(&r, &spi) &&
	    keylog_find_esp(v->kl, spi, pkt->ip.family, pkt->ip.src,
	    pkt->ip.dst) == NULL)
		v->keys_fn(v->keys_arg, v, spi);
}

bool
pcap_view_missing_keys(struct pcap_view *v)
{
	return v->missing_keys;
}

/* "12:00:01.000250 192.0.2.1:4500 > 192.0.2.2:4500 " (UTC). */
static void
line_start(FILE *out, const struct timeval *ts, const struct pcap_pkt *pkt)
{
	char src[64], dst[64];
	struct tm tm;
	time_t t = ts->tv_sec;

	gmtime_r(&t, &tm);
	fprintf(out, "%02d:%02d:%02d.%06ld ", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (long)ts->tv_usec);
	if (pkt->kind == PCAP_NOT_IP) {
		fprintf(out, "- ");
		return;
	}
	pcap_addr_str(pkt->ip.family, pkt->ip.src, pkt->udp ? pkt->sport : -1,
	    src, sizeof(src));
	pcap_addr_str(pkt->ip.family, pkt->ip.dst, pkt->udp ? pkt->dport : -1,
	    dst, sizeof(dst));
	fprintf(out, "%s > %s ", src, dst);
}

static void
esp_one(struct pcap_view *v, const struct timeval *ts,
    const struct pcap_pkt *pkt, FILE *out)
{
	const uint8_t *inner = NULL;
	size_t inner_len = 0;
	bool unknown;

	v->n.esp++;
	if (pcap_esp_packet(v->esp, v->kl, pkt, out, &inner, &inner_len,
	    &unknown)) {
		v->n.esp_ok++;
		if (inner != NULL && v->inner_fn != NULL)
			v->inner_fn(v->inner_arg, ts, inner, inner_len);
	}
	v->missing_keys |= unknown;
}

/* An ESP packet, or the segments of a UDP GSO datagram one by one. */
static void
frame_esp(struct pcap_view *v, const struct timeval *ts,
    const struct pcap_pkt *pkt, FILE *out)
{
	struct pcap_pkt seg = *pkt;
	size_t k = pkt->udp ? pcap_gso_segment_len(pkt->data, pkt->len) : 0;
	size_t hdrs = pkt->ip.total - pkt->len, n, i;

	if (k == 0) {
		esp_one(v, ts, pkt, out);
		return;
	}
	n = (pkt->len + k - 1) / k;
	for (i = 0; i < n; i++) {
		seg.data = pkt->data + i * k;
		seg.len = i + 1 < n ? k : pkt->len - i * k;
		seg.ip.total = hdrs + seg.len;	/* as each goes on the wire */
		if (out && i > 0)
			line_start(out, ts, pkt);
		if (out)
			fprintf(out, "[GSO %zu/%zu] ", i + 1, n);
		esp_one(v, ts, &seg, out);
	}
}

/* What one datagram (a frame's, or one reassembled) is: its line's
 * rest, its counts. */
static void
packet(struct pcap_view *v, const struct timeval *ts, struct pcap_pkt *pkt,
    FILE *out);

/* A fragment: held until its datagram is complete, which is then shown
 * on a line of its own, "[IP n fragments]" before what it carries. */
static void
fragment(struct pcap_view *v, const struct timeval *ts,
    const struct pcap_pkt *pkt, FILE *out)
{
	struct pcap_pkt whole;
	const uint8_t *dg = NULL;
	const char *why = NULL;
	size_t dg_len = 0;
	unsigned n = 0;
	enum pcap_frag_result r;

	v->n.fragments++;
	r = pcap_frag_add(v->frag, &pkt->ip, ts, &dg, &dg_len, &n, &why);
	if (out)
		fprintf(out, "IP fragment id %u offset %u%s proto %u%s%s%s\n",
		    pkt->ip.frag_id, pkt->ip.frag_off, pkt->ip.frag_more ?
		    "+" : "", pkt->ip.proto, why ? " (" : "", why ? why : "",
		    why ? ")" : "");
	if (r != PCAP_FRAG_DONE)
		return;
	pcap_classify(PCAP_LINK_RAW, dg, dg_len, &whole);
	keys_check(v, &whole);
	if (out) {
		line_start(out, ts, &whole);
		fprintf(out, "[IP %u fragments] ", n);
	}
	packet(v, ts, &whole, out);
}

void
pcap_view_frame(struct pcap_view *v, int linktype, const struct timeval *ts,
    const uint8_t *frame, size_t caplen, size_t wirelen)
{
	struct pcap_pkt pkt;
	FILE *out = (v->flags & PCAP_VIEW_QUIET) ? NULL : v->out;

	v->n.frames++;
	pcap_classify(linktype, frame, caplen, &pkt);
	if (pkt.kind == PCAP_TRUNCATED && caplen < wirelen)
		pkt.why = "captured shorter than the frame (snap length)";
	keys_check(v, &pkt);
	if (out && ((pkt.kind != PCAP_OTHER && pkt.kind != PCAP_NOT_IP) ||
	    (v->flags & PCAP_VIEW_ALL)))
		line_start(out, ts, &pkt);
	if (pkt.kind == PCAP_IP_FRAGMENT)
		fragment(v, ts, &pkt, out);
	else
		packet(v, ts, &pkt, out);
}

static void
packet(struct pcap_view *v, const struct timeval *ts, struct pcap_pkt *pkt,
    FILE *out)
{
	bool unknown;

	switch (pkt->kind) {
	case PCAP_IKE:
		v->n.ike++;
		v->n.ike_ok += pcap_ike_packet(v->ike, v->kl, pkt, out,
		    &unknown);
		v->missing_keys |= unknown;
		return;
	case PCAP_ESP:
		frame_esp(v, ts, pkt, out);
		return;
	case PCAP_KEEPALIVE:
		v->n.keepalive++;
		if (out)
			fprintf(out, "NAT keepalive\n");
		return;
	case PCAP_IP_FRAGMENT:	/* a reassembled datagram never is one */
	case PCAP_MALFORMED:
		v->n.malformed++;
		if (out)
			fprintf(out, "malformed: %s\n", pkt->why ? pkt->why :
			    "fragment in a fragment");
		return;
	case PCAP_TRUNCATED:
		v->n.truncated++;
		if (out)
			fprintf(out, "truncated: %s\n", pkt->why);
		return;
	case PCAP_OTHER:
		v->n.other++;
		if (out && (v->flags & PCAP_VIEW_ALL))
			fprintf(out, "IP proto %u, not IPsec\n", pkt->ip.proto);
		return;
	case PCAP_NOT_IP:
		v->n.not_ip++;
		if (out && (v->flags & PCAP_VIEW_ALL))
			fprintf(out, "%s\n", pkt->why);
		return;
	}
}

void
pcap_view_summary(const struct pcap_view *v, FILE *out)
{
	const struct pcap_counts *n = &v->n;

	fprintf(out, "summary: %llu frames: %llu IKE (%llu ok), %llu ESP "
	    "(%llu ok), %llu keepalives, %llu IP fragments, %llu truncated, "
	    "%llu malformed, %llu other IP, %llu not IP\n",
	    (unsigned long long)n->frames, (unsigned long long)n->ike,
	    (unsigned long long)n->ike_ok, (unsigned long long)n->esp,
	    (unsigned long long)n->esp_ok, (unsigned long long)n->keepalive,
	    (unsigned long long)n->fragments, (unsigned long long)n->truncated,
	    (unsigned long long)n->malformed, (unsigned long long)n->other,
	    (unsigned long long)n->not_ip);
	if (n->fragments) {
		struct pcap_frag_stats f;

		pcap_frag_stats(v->frag, &f);
		fprintf(out, "  IP fragments: %llu datagrams reassembled, "
		    "dropped: %llu overlapping, %llu timed out, %llu over the "
		    "limits, %llu malformed; %llu incomplete\n",
		    (unsigned long long)f.reassembled,
		    (unsigned long long)f.overlaps,
		    (unsigned long long)f.timed_out,
		    (unsigned long long)f.evicted, (unsigned long long)f.bad,
		    (unsigned long long)f.incomplete);
	}
	pcap_ike_summary(v->ike, out);
	pcap_esp_summary(v->esp, v->kl, out);
}

bool
pcap_view_all_ok(const struct pcap_view *v)
{
	struct pcap_frag_stats f;

	/* A fragmented datagram given up was not verified either. */
	pcap_frag_stats(v->frag, &f);
	return v->n.ike == v->n.ike_ok && v->n.esp == v->n.esp_ok &&
	    v->n.truncated == 0 && v->n.malformed == 0 && f.overlaps == 0 &&
	    f.timed_out == 0 && f.evicted == 0 && f.bad == 0 &&
	    f.incomplete == 0;
}
