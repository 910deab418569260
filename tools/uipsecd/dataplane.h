/*
 * tools/uipsecd/dataplane.h — the fast path between the TUN device and the
 * UDP socket, one batch at a time, in place in preallocated buffers:
 *
 *   TUN -> read x<=64 -> policy (inner dst) -> esp_encap -> one sendmmsg
 *          (runs of equal-sized packets to one peer as one UDP GSO send)
 *   UDP -> one recvmmsg (UDP GRO trains split again) -> classify (RFC
 *          3948) -> SPI -> esp_decap -> inbound policy check (inner src,
 *          dst) -> write to TUN
 *
 * No allocation after dp_init() and dp_unreachable_set() (start-up); every
 * dropped packet is counted, and logged at most once per interval per
 * reason. Both directions run on one thread:
 * their SAs share one cache of keyed cipher contexts (sad.h).
 */
#ifndef UIPSECD_DATAPLANE_H
#define UIPSECD_DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/log.h"
#include "esp/esp.h"
#include "icmp_unreachable.h"
#include "sad.h"

#define DP_BATCH	64

struct tun;

/* Counters of one direction; drops by reason. */
struct dp_counters {
	uint64_t	packets;	/* delivered: sent to UDP / written to TUN */
	uint64_t	bytes;		/* inner bytes delivered */
	uint64_t	drop_malformed;	/* not an IP packet we can read */
	uint64_t	drop_no_policy;	/* out: no SA for the inner addresses */
	uint64_t	unreachable;	/* out: ICMP errors for those, to TUN */
	uint64_t	drop_no_sa;	/* in: unknown SPI */
	uint64_t	drop_policy;	/* in: inner addresses outside the TS */
	uint64_t	drop_esp;	/* encap/decap refused (see SA stats) */
	uint64_t	drop_io;	/* send or TUN write failed */
	uint64_t	keepalives;	/* in: RFC 3948 NAT-keepalives */
	uint64_t	ike;		/* in: non-ESP marker, not handled yet */
};

struct dp_log {
	struct log_ratelimit	malformed, no_policy, no_sa, policy, esp, io,
				ike, unreachable;
};

/* An address range (first..last, network order: 4 or 16 bytes as family
 * says). */
struct dp_range {
	int		family;
	uint8_t		first[16], last[16];
};

/* ICMP Destination Unreachable for outbound packets that no SA carries to
 * an address of one of these ranges, the pools (icmp_unreachable.h). */
struct dp_unreachable {
	struct dp_range		*pools;		/* owned; NULL: none */
	size_t			 n_pools;
	struct icmp_ratelimit	 limit;
	uint16_t		 ip_id;
	uint8_t			 buf[ICMP_UNREACHABLE_MAX];
};

/* A control-message buffer for one UDP_SEGMENT (u16) or UDP_GRO (int). */
union dp_cmsg {
	char		buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr	align;
};

/* Outbound: DP_BATCH packets read from the TUN, encapsulated in place and
 * sent as GSO groups (UDP_SEGMENT): runs of equal-sized packets to one peer
 * go down the stack as one datagram train, split by the kernel at the end. */
struct dp_out_batch {
	uint8_t			*mem;		/* DP_BATCH * buf_size */
	size_t			 buf_size;
	struct esp_pkt		 pkt[DP_BATCH];
	struct iovec		 iov[DP_BATCH];	/* one per packet */
	struct mmsghdr		 msg[DP_BATCH];	/* one per group */
	union dp_cmsg		 ctl[DP_BATCH];
	unsigned		 grp_pkts[DP_BATCH];
	size_t			 grp_bytes[DP_BATCH];	/* inner bytes */
};

/* Inbound: up to DP_BATCH datagrams per recvmmsg; with UDP_GRO each may be
 * a train of equal-sized datagrams (so the buffers are 64 KiB). */
struct dp_in_batch {
	uint8_t			*mem;		/* nmsg * buf_size */
	size_t			 buf_size;
	unsigned		 nmsg;
	struct iovec		 iov[DP_BATCH];
	struct mmsghdr		 msg[DP_BATCH];
	struct sockaddr_storage	 from[DP_BATCH];
	union dp_cmsg		 ctl[DP_BATCH];
};

struct dp_out {
	struct dp_out_batch	 batch;
	struct dp_counters	 cnt;
	struct dp_log		 log;
	struct dp_unreachable	 unreach;
	bool			 gso;		/* UDP_SEGMENT works here */
} __attribute__((aligned(64)));

struct dp_in {
	struct dp_in_batch	 batch;
	struct dp_counters	 cnt;
	struct dp_log		 log;
	bool			 gro;		/* UDP_GRO is on */
} __attribute__((aligned(64)));

struct dp {
	struct tun	*tun;		/* borrowed */
	int		 udp_fd;	/* borrowed */
	struct sad	*sad;		/* borrowed */
	struct dp_out	 out;		/* TUN -> UDP */
	struct dp_in	 in;		/* UDP -> TUN */
	/* IKE on the ESP port (after the non-ESP marker, RFC 3948 §2.2)
	 * goes here; NULL: counted and dropped (manual keys only). */
	void		(*ike_input)(void *arg, const uint8_t *msg, size_t len,
			    const struct sockaddr_storage *from);
	/* Optional (IKE), with ike_arg: a valid ESP packet (authenticated,
	 * inside the replay window and the selectors) of the SA with this
	 * inbound SPI came from another address than the SA sends to (a NAT
	 * mapping that changed, RFC 7296 §2.23); the hook may change the
	 * SA's cfg->remote. */
	void		(*esp_moved)(void *arg, uint32_t spi_in,
			    const struct sockaddr_storage *from);
	/* Optional: an outbound packet that no SA covers (addresses 4 or
	 * 16 bytes as family says), for trap policies (an acquire). */
	void		(*acquire)(void *arg, int family, const uint8_t *src,
			    const uint8_t *dst);
	void		*ike_arg;
};

/* inner_mtu: the TUN MTU; buffers take it plus ESP head- and tailroom.
 * Turns UDP GSO and GRO on where the kernel has them (Linux 4.18, 5.0).
 * Returns 0, or -1 on allocation failure. */
int	 dp_init(struct dp *dp, struct tun *tun, int udp_fd, struct sad *sad,
	    unsigned inner_mtu);
void	 dp_free(struct dp *dp);
/* Answers packets into pools[0..n) that no SA carries with an ICMP
 * Destination Unreachable, at most per_s a second (0: none); replaces
 * what an earlier call set. 0, or -1 when out of memory (nothing set). */
int	 dp_unreachable_set(struct dp *dp, const struct dp_range *pools,
	    size_t n, uint32_t per_s);

/* One batch each way. Return the packets taken in (read from TUN /
 * received from UDP); fewer than DP_BATCH means the source is drained. */
unsigned dp_tun_to_udp(struct dp *dp);
unsigned dp_udp_to_tun(struct dp *dp);

#endif
