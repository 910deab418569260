/*
 * tools/uipsec/pcap.h — the packet view shared by `uipsec pcap` and
 * `uipsec trace` (doc/pcap.md): classify captured frames (link layer, IP,
 * UDP 500/4500, raw ESP), decrypt and verify IKE messages (ike_decode) and
 * ESP packets (esp/esp.h) with keys from a key log, print one line per
 * packet and the summaries. libpcap stays in pcap.c/trace.c and
 * pcap_capture.c; everything here works on bytes, so unit tests and the
 * fuzz harness drive it directly.
 */
#ifndef UIPSEC_TOOLS_PCAP_H
#define UIPSEC_TOOLS_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include "tools/keylog/keylog.h"

/* Link types, as libpcap's pcap_datalink() reports them (DLT_*). */
#define PCAP_LINK_NULL		0	/* BSD loopback, host byte order */
#define PCAP_LINK_ETHERNET	1
#define PCAP_LINK_RAW		12	/* LINKTYPE_RAW (101) on disk */
#define PCAP_LINK_LOOP		108	/* OpenBSD loopback, network order */
#define PCAP_LINK_SLL		113	/* Linux cooked v1 */
#define PCAP_LINK_IPV4		228
#define PCAP_LINK_IPV6		229
#define PCAP_LINK_SLL2		276	/* Linux cooked v2 */

bool	 pcap_link_supported(int linktype);

/* What one IP datagram carries. */
enum pcap_kind {
	PCAP_OTHER,		/* IP, but no IPsec */
	PCAP_IKE,		/* data: the IKE message (no non-ESP marker) */
	PCAP_ESP,		/* data: SPI to ICV (raw or in UDP 4500) */
	PCAP_KEEPALIVE,		/* RFC 3948 §2.3: UDP 4500, the byte 0xFF */
	PCAP_IP_FRAGMENT,	/* not reassembled: reported only */
	PCAP_TRUNCATED,		/* captured shorter than the datagram */
	PCAP_MALFORMED,		/* a length that does not fit */
	PCAP_NOT_IP,		/* ARP, unknown link type... */
};

/* An IPv4/IPv6 header chain (RFC 791, RFC 8200 §4) up to the transport. */
struct pcap_ip {
	int		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 src[16], dst[16];
	uint8_t		 proto;		/* transport: 17, 50, 6, 1, 58... */
	size_t		 total;		/* the datagram's own length field */
	const uint8_t	*l4;		/* transport header and after */
	size_t		 l4_len;	/* captured bytes of it */
	bool		 fragment;	/* not the whole datagram */
	uint32_t	 frag_id;
	uint16_t	 frag_off;	/* in bytes */
	bool		 frag_more;
	/* A fragment's data (after the IPv4 header / the IPv6 Fragment
	 * header) to the datagram's end or the capture's, and for IPv6 the
	 * Fragment header's Next Header (RFC 8200 §4.5). */
	const uint8_t	*frag_data;
	size_t		 frag_len;
	uint8_t		 frag_nh;
	bool		 truncated;	/* caplen < total */
};

/* Parses an IP datagram of `len` captured bytes. 0, or -1 with *why. */
int	 pcap_ip_parse(const uint8_t *p, size_t len, struct pcap_ip *ip,
	    const char **why);

struct pcap_pkt {
	enum pcap_kind	 kind;
	struct pcap_ip	 ip;
	bool		 udp;
	uint16_t	 sport, dport;
	const uint8_t	*data;		/* borrowed from the frame */
	size_t		 len;
	const char	*why;		/* MALFORMED, TRUNCATED, NOT_IP */
};

/* Classifies one captured frame of `linktype`; always fills out. */
void	 pcap_classify(int linktype, const uint8_t *frame, size_t caplen,
	    struct pcap_pkt *out);

/*
 * IP reassembly of UDP and ESP fragments (pcap_frag.c): bounded in
 * datagrams, fragments and bytes held, with a timeout in capture time;
 * overlapping fragments drop their datagram.
 */
#define PCAP_FRAG_DATAGRAMS	64		/* in flight */
#define PCAP_FRAG_PARTS		128		/* fragments per datagram */
#define PCAP_FRAG_BYTES		(1024 * 1024)	/* held in all */
#define PCAP_FRAG_TIMEOUT_S	30

struct pcap_frag;
struct pcap_frag_stats {
	uint64_t	 reassembled;
	uint64_t	 overlaps;	/* datagrams dropped for overlaps */
	uint64_t	 timed_out;
	uint64_t	 evicted;	/* dropped to stay in the limits */
	uint64_t	 bad;		/* lengths, offsets, too many parts */
	uint64_t	 incomplete;	/* still waiting (at the end) */
};
enum pcap_frag_result {
	PCAP_FRAG_HELD,		/* kept (or a duplicate): more to come */
	PCAP_FRAG_DONE,		/* *out: the whole datagram */
	PCAP_FRAG_DROPPED,	/* *why; the datagram is given up */
};

/* NULL when out of memory. Caller frees with pcap_frag_free. */
struct pcap_frag *pcap_frag_new(void);
void	 pcap_frag_free(struct pcap_frag *f);	/* accepts NULL */
/* One fragment (ip->fragment, from pcap_ip_parse) captured at ts. DONE:
 * *out and *out_len hold the reassembled datagram, a fresh IP header
 * first, borrowed until the next call, *n_frags how many fragments made
 * it. HELD: *why NULL, or a note ("duplicate fragment"). DROPPED: *why. */
enum pcap_frag_result pcap_frag_add(struct pcap_frag *f,
	    const struct pcap_ip *ip, const struct timeval *ts,
	    const uint8_t **out, size_t *out_len, unsigned *n_frags,
	    const char **why);
void	 pcap_frag_stats(const struct pcap_frag *f,
	    struct pcap_frag_stats *out);

/* UDP GSO (UDP_SEGMENT): a sender's capture on a GSO-capable device
 * (veth, some NICs) shows one datagram that the kernel splits into
 * equal segments later. For ESP in UDP the segment size shows itself:
 * the next segment starts with the same SPI and the next sequence number.
 * The segment length, or 0 if p[0, len) is one ESP packet. */
size_t	 pcap_gso_segment_len(const uint8_t *p, size_t len);

/* "10.1.0.1 > 10.2.0.1 ICMP echo request id 7 seq 1 len 84": one line
 * about an IP packet (an ESP packet's inner one) into out. */
void	 pcap_inner_summary(const uint8_t *p, size_t len, char *out,
	    size_t cap);
/* "192.0.2.1" or "[2001:db8::1]" (with port: "192.0.2.1:500"). */
void	 pcap_addr_str(int family, const uint8_t *a, int port, char *out,
	    size_t cap);

/*
 * The view: one per capture. Keys are borrowed (kl may grow between
 * packets: call pcap_view_keys_changed). Lines go to `out`.
 */
struct pcap_view;

#define PCAP_VIEW_QUIET		0x1	/* no per-packet lines */
#define PCAP_VIEW_ALL		0x2	/* also lines for non-IPsec packets */

/* A decrypted inner packet (ESP), borrowed for the call. */
typedef void pcap_inner_fn(void *arg, const struct timeval *ts,
	    const uint8_t *p, size_t len);

/* NULL on allocation failure. Caller frees with pcap_view_free. */
struct pcap_view *pcap_view_new(const struct keylog *kl, FILE *out,
	    unsigned flags);
void	 pcap_view_free(struct pcap_view *v);	/* wipes; accepts NULL */
void	 pcap_view_on_inner(struct pcap_view *v, pcap_inner_fn *fn,
	    void *arg);
void	 pcap_view_keys_changed(struct pcap_view *v, const struct keylog *kl);
/* One frame: caplen bytes captured of wirelen on the wire. */
void	 pcap_view_frame(struct pcap_view *v, int linktype,
	    const struct timeval *ts, const uint8_t *frame, size_t caplen,
	    size_t wirelen);
/* `uipsec trace` without a key log: fn is called before an encrypted IKE
 * message or an ESP packet whose SA has no keys in the key log is
 * handled; it may fetch them and call pcap_view_keys_changed, and the
 * packet is then decrypted with them. `sa` names the SA: the initiator's
 * IKE SPI, or the ESP SPI. */
typedef void pcap_keys_fn(void *arg, struct pcap_view *v, uint64_t sa);
void	 pcap_view_on_missing_keys(struct pcap_view *v, pcap_keys_fn *fn,
	    void *arg);
/* True once a packet of an SA without keys was seen (trace re-reads). */
bool	 pcap_view_missing_keys(struct pcap_view *v);
/* Totals, per IKE SA and per ESP SA (doc/pcap.md). */
void	 pcap_view_summary(const struct pcap_view *v, FILE *out);
/* True if every IKE message and ESP packet seen was verified (ok). */
bool	 pcap_view_all_ok(const struct pcap_view *v);

/* pcap_view's parts (pcap_esp.c, pcap_ike.c), one set of state each. */
struct pcap_esp;
struct pcap_ike;
struct pcap_esp *pcap_esp_new(void);
void	 pcap_esp_free(struct pcap_esp *e);
void	 pcap_esp_keys_changed(struct pcap_esp *e, const struct keylog *kl);
/* Decrypts and verifies one ESP packet (its bytes are copied); prints
 * "ESP spi 0x.. seq N <inner summary> <verdict>" to out (out may be NULL).
 * Returns true if ok; *inner and *inner_len then borrow the inner packet until
 * the next call. *unknown: no keys for its SPI. */
bool	 pcap_esp_packet(struct pcap_esp *e, const struct keylog *kl,
	    const struct pcap_pkt *pkt, FILE *out, const uint8_t **inner,
	    size_t *inner_len, bool *unknown);
void	 pcap_esp_summary(const struct pcap_esp *e, const struct keylog *kl,
	    FILE *out);

struct pcap_ike *pcap_ike_new(void);
void	 pcap_ike_free(struct pcap_ike *s);
/* Decodes one IKE message and prints "IKE <summary> <verdict>" to out
 * (may be NULL). true if verified (an unencrypted message: parsed);
 * *unknown when it is encrypted and its IKE SA has no keys. */
bool	 pcap_ike_packet(struct pcap_ike *s, const struct keylog *kl,
	    const struct pcap_pkt *pkt, FILE *out, bool *unknown);
void	 pcap_ike_summary(const struct pcap_ike *s, FILE *out);

#endif
