/*
 * tools/uipsecd/routes.h — the routes uipsecd sends into its TUN device
 * (manual connections' and trapped children's remote_ts, the responder's
 * address pools, each CHILD_SA's remote_ts), each requested from the kernel
 * once: a prefix that a route we added already holds (the same prefix or a
 * shorter one containing it; there is one device) is not requested again.
 * So a concentrator routes its pools at start-up and then asks for no
 * route per CCU, whose selector is its virtual IP out of a pool.
 *
 * What was added sits in a prefix trie (trie.h, the one the outbound SA
 * lookup uses), so the check costs one lookup, not a scan of the routes.
 * Routes are never taken away while the device lives, as before: a route
 * into the TUN whose SA is gone sends packets to the data plane, which
 * drops them (or starts a trapped set-up) instead of leaking them onto
 * another link.
 */
#ifndef UIPSECD_ROUTES_H
#define UIPSECD_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/config.h"
#include "trie.h"
#include "tun/tun.h"

struct route;

struct routes {
	struct tun	*tun;		/* borrowed */
	struct trie	 added;		/* a struct route per prefix added */
	struct route	*list;		/* the same, for routes_readd/free */
	uint64_t	 requested;	/* route requests sent (status) */
	uint64_t	 covered;	/* asked for, held by one added */
};

/* Starts empty on t (borrowed until routes_free). */
void	 routes_init(struct routes *r, struct tun *t);
/* p into the TUN unless a route added already holds it. 0, or -1 when the
 * request failed (the tun's log line says why; asked again next time) or
 * memory ran out. */
int	 routes_add(struct routes *r, const struct tun_prefix *p);
/* The pools that connections of ike lease from, once at start-up: every
 * CCU's virtual IP, its CHILD_SA's remote_ts, then lies inside a route
 * already there. A pool given as a subnet goes in as written (its network
 * and broadcast addresses are nobody's); one given as a range as the
 * fewest prefixes that hold exactly its addresses, since a covering
 * prefix could take addresses that live on another link (a range carved
 * out of a LAN's subnet). A prefix the kernel refuses (IPv6 disabled) is
 * logged and not fatal: the CHILD_SAs inside it then ask for their own
 * routes, as before pools were routed. */
void	 routes_add_pools(struct routes *r, const struct ike_config *ike);
/* Whether routes_add_pools() routes the pool called name: a connection
 * leases from it. */
bool	 routes_pool_routed(const struct ike_config *ike, const char *name);
/* The kernel dropped every route of family on the device: Linux does so
 * for IPv4 when the device's last IPv4 address goes (a virtual IP, with
 * its SA). Requests each one added of that family again. */
void	 routes_readd(struct routes *r, int family);
/* Forgets the routes (the kernel drops them with the device). */
void	 routes_free(struct routes *r);

/* The fewest prefixes that hold exactly the addresses first..last (4 or
 * 16 bytes as family says; first <= last), in address order, into
 * out[0..cap). Returns how many there are (at most 62 for IPv4,
 * ROUTES_RANGE_MAX for IPv6), which may exceed cap: then cap were
 * written. */
#define ROUTES_RANGE_MAX	254
size_t	 routes_range_prefixes(int family, const uint8_t *first,
	    const uint8_t *last, struct tun_prefix *out, size_t cap);

#endif
