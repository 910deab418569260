/*
 * tun/tun.h — the inner side of the tunnel: a Linux TUN device (layer-3
 * packets, IFF_TUN | IFF_NO_PI) with its MTU, addresses and routes set over
 * rtnetlink; or, for tests, a fake whose packets travel over a socketpair.
 * The one public header of libuipsec_tun.
 *
 * Packets are whole IPv4 or IPv6 datagrams, one per read or write. The fd is
 * non-blocking: tun_read() returns -1 with errno EAGAIN when drained.
 */
#ifndef UIPSEC_TUN_H
#define UIPSEC_TUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* An address with a prefix length: a TUN address, a route, or a traffic
 * selector. */
struct tun_prefix {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];	/* network order; IPv4 in the first 4 */
	uint8_t		len;		/* prefix length in bits */
};

/* "10.1.0.0/24", "fd00::1/64"; a bare address is a host (/32, /128).
 * Returns 0, or -1 if text is neither. */
int	 tun_prefix_parse(const char *text, struct tun_prefix *p);
/* Whether addr (4 or 16 bytes as family says) lies inside p. */
bool	 tun_prefix_contains(const struct tun_prefix *p, int family,
	    const uint8_t *addr);
/* Whether bits beyond the prefix length are zero ("10.1.0.0/24", not
 * "10.1.0.7/24"). */
bool	 tun_prefix_is_network(const struct tun_prefix *p);
/* "10.1.0.0/24" into out (cap >= 50 always suffices). */
const char *tun_prefix_str(const struct tun_prefix *p, char *out, size_t cap);

/* The inner MTU that keeps an ESP-in-UDP packet within the outer MTU: outer
 * MTU - outer IP header (20 or 40) - UDP (8) - esp_overhead (the suite's
 * esp_suite_overhead_max()). 0 if nothing fits. */
unsigned tun_mtu_inner(unsigned outer_mtu, int outer_family,
	    size_t esp_overhead);

struct tun;

/* Creates a TUN device (root or CAP_NET_ADMIN). name: the wanted interface
 * name, or NULL/"" for the kernel's choice (tunN). The device lives until
 * tun_close(). *out is owned by the caller. Returns 0, or -1 with a log. */
int	 tun_open(struct tun **out, const char *name);
/* A fake for tests, needing no privilege: packets the daemon writes come out
 * of *peer_fd, packets written to *peer_fd are read by the daemon (one
 * packet per message, SOCK_SEQPACKET). *peer_fd is owned by the caller;
 * configuration calls are recorded (tun_fake_record) instead of applied. */
int	 tun_fake_open(struct tun **out, const char *name, int *peer_fd);
/* Closes the device and frees t. Accepts NULL. */
void	 tun_close(struct tun *t);

int	 tun_fd(const struct tun *t);
const char *tun_name(const struct tun *t);	/* borrowed from t */
unsigned tun_mtu(const struct tun *t);		/* 0 until tun_set_mtu */

/* Configuration; each returns 0, or -1 with a log line naming the device. */
int	 tun_set_mtu(struct tun *t, unsigned mtu);
int	 tun_set_up(struct tun *t);
int	 tun_add_addr(struct tun *t, const struct tun_prefix *p);
/* Removes an address tun_add_addr gave (a virtual IP whose SA is gone). */
int	 tun_del_addr(struct tun *t, const struct tun_prefix *p);
int	 tun_add_route(struct tun *t, const struct tun_prefix *p);

/* One packet, non-blocking; as read(2)/write(2). */
ssize_t	 tun_read(struct tun *t, void *buf, size_t cap);
ssize_t	 tun_write(struct tun *t, const void *buf, size_t len);

/* What the fake was told (NULL for a real device). */
#define TUN_FAKE_MAX	8
struct tun_fake_record {
	unsigned		mtu;
	bool			up;
	unsigned		naddrs;
	unsigned		nroutes;
	struct tun_prefix	addrs[TUN_FAKE_MAX];
	struct tun_prefix	routes[TUN_FAKE_MAX];
};
const struct tun_fake_record *tun_fake_record(const struct tun *t);

#endif
