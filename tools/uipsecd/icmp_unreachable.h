/*
 * tools/uipsecd/icmp_unreachable.h — ICMP Destination Unreachable (RFC 792
 * with RFC 1812 §4.3.2 for IPv4, RFC 4443 §3.1 for IPv6) for a packet from
 * the TUN that no CHILD_SA carries although its destination lies in one of
 * our address pools: the CCU that address was leased to is not connected.
 * Without the error an app that tries to reach an offline CCU waits for its
 * own timeout (a TCP connect: minutes); with it, connect() fails at once
 * with EHOSTUNREACH and ping says "Destination Host Unreachable".
 *
 * The error goes back into the TUN with the unreachable address as its
 * source: the kernel takes a packet from the TUN whose source is one of its
 * own addresses for a martian, while the pool is routed into the TUN, so
 * this source passes its reverse-path filter (rp_filter).
 */
#ifndef UIPSECD_ICMP_UNREACHABLE_H
#define UIPSECD_ICMP_UNREACHABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest error built: RFC 4443 §2.4(c), the IPv6 minimum MTU (an IPv4
 * error stops at 576 bytes, RFC 1812 §4.3.2.3). */
#define ICMP_UNREACHABLE_MAX	1280

enum icmp_unreachable_code {
	/* Nobody holds the address: IPv4 code 1 (host unreachable), IPv6
	 * code 3 (address unreachable). */
	ICMP_UNREACHABLE_HOST,
	/* A CHILD_SA leads to the address but its selectors refuse the
	 * source: IPv4 code 13, IPv6 code 1 (administratively prohibited). */
	ICMP_UNREACHABLE_PROHIBITED,
};

/*
 * The error for the IP packet [pkt, pkt + len) into out[0..cap): as much
 * of the packet as the size limits above let it quote. ip_id: the IPv4
 * header's identification. Returns its length, or 0 when no error may be
 * sent (RFC 1812 §4.3.2.7, RFC 4443 §2.4(e)): the packet is itself an ICMP
 * error, is a fragment other than the first, goes to a multicast or
 * broadcast address, comes from an address that is not one host's
 * (unspecified, loopback, multicast, broadcast, class E), or cannot be read
 * as IPv4 or IPv6 up to its upper-layer header; or when cap is too small.
 */
size_t	icmp_unreachable_build(const uint8_t *pkt, size_t len,
	    enum icmp_unreachable_code code, uint16_t ip_id, uint8_t *out,
	    size_t cap);

/* At most per_s errors a second, in bursts of at most per_s (RFC 4443
 * §2.4(f)'s token bucket, RFC 1812 §4.3.2.8); per_s 0: none. */
struct icmp_ratelimit {
	uint64_t	milli_tokens;	/* a token is 1000 */
	uint64_t	last_ms;
	uint32_t	per_s;
};

void	icmp_ratelimit_init(struct icmp_ratelimit *rl, uint32_t per_s,
	    uint64_t now_ms);
/* Whether an error may go now; takes its token if so. */
bool	icmp_ratelimit_take(struct icmp_ratelimit *rl, uint64_t now_ms);

#endif
