/*
 * tools/uipsecd/dataplane.h — the fast path between the TUN device and the
 * UDP socket, one batch at a time, in place in preallocated buffers:
 *
 *   TUN -> read x<=64 -> policy (inner dst) -> esp_encap -> one sendmmsg
 *   UDP -> one recvmmsg -> classify (RFC 3948) -> SPI -> esp_decap ->
 *          inbound policy check (inner src, dst) -> write to TUN
 *
 * No allocation after dp_init(); every dropped packet is counted, and logged
 * at most once per interval per reason. The two directions share nothing
 * mutable, so each may run on its own thread.
 */
#ifndef UIPSECD_DATAPLANE_H
#define UIPSECD_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/log.h"
#include "esp/esp.h"
#include "sad.h"

#define DP_BATCH	64

struct tun;

/* Counters of one direction; drops by reason. */
struct dp_counters {
	uint64_t	packets;	/* delivered: sent to UDP / written to TUN */
	uint64_t	bytes;		/* inner bytes delivered */
	uint64_t	drop_malformed;	/* not an IP packet we can read */
	uint64_t	drop_no_policy;	/* out: no SA for the inner addresses */
	uint64_t	drop_no_sa;	/* in: unknown SPI */
	uint64_t	drop_policy;	/* in: inner addresses outside the TS */
	uint64_t	drop_esp;	/* encap/decap refused (see SA stats) */
	uint64_t	drop_io;	/* send or TUN write failed */
	uint64_t	keepalives;	/* in: RFC 3948 NAT-keepalives */
	uint64_t	ike;		/* in: non-ESP marker, not handled yet */
};

struct dp_log {
	struct log_ratelimit	malformed, no_policy, no_sa, policy, esp, io,
				ike;
};

/* One direction's preallocated batch. */
struct dp_batch {
	uint8_t			*mem;		/* DP_BATCH * buf_size */
	size_t			 buf_size;
	struct esp_pkt		 pkt[DP_BATCH];
	struct iovec		 iov[DP_BATCH];
	struct mmsghdr		 msg[DP_BATCH];
	struct sockaddr_storage	 from[DP_BATCH];
};

struct dp_dir {
	struct dp_batch		 batch;
	struct dp_counters	 cnt;
	struct dp_log		 log;
} __attribute__((aligned(64)));

struct dp {
	struct tun	*tun;		/* borrowed */
	int		 udp_fd;	/* borrowed */
	struct sad	*sad;		/* borrowed */
	struct dp_dir	 out;		/* TUN -> UDP */
	struct dp_dir	 in;		/* UDP -> TUN */
};

/* inner_mtu: the TUN MTU; buffers take it plus ESP head- and tailroom.
 * Returns 0, or -1 on allocation failure. */
int	 dp_init(struct dp *dp, struct tun *tun, int udp_fd, struct sad *sad,
	    unsigned inner_mtu);
void	 dp_free(struct dp *dp);

/* One batch each way. Return the packets taken in (read from TUN /
 * received from UDP); fewer than DP_BATCH means the source is drained. */
unsigned dp_tun_to_udp(struct dp *dp);
unsigned dp_udp_to_tun(struct dp *dp);

#endif
