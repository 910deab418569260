/*
 * ike/pool.h — virtual IP pools of the responder (swanctl.conf pools { },
 * RFC 7296 §3.15.1 CFG_REPLY): which address a peer gets.
 *
 * A lease binds an address to a peer identity. It is ONLINE while an IKE
 * SA holds it; released, it goes OFFLINE and stays reserved for that
 * identity for the grace time, so a CCU that reconnects gets its old
 * address back. After the grace time the address is free again. When a
 * pool has no free address left, the oldest OFFLINE lease is handed to
 * the new peer even within its grace time ("sticky while the pool
 * allows"); only a pool whose every address is ONLINE is exhausted.
 *
 * Cost: lease, release and reconnect are O(1) (hashes by identity and by
 * address, a list of OFFLINE leases oldest first, a list of freed
 * addresses, and never-used addresses taken in order), memory is one
 * small record per address ever leased, nothing per address of the pool.
 */
#ifndef UIPSEC_IKE_POOL_H
#define UIPSEC_IKE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certs/certs.h"
#include "ike/config.h"

/* How long an OFFLINE lease stays reserved for its identity. */
#define IKE_POOL_GRACE_MS	(10 * 60 * 1000)

/* A pool serves at most this many addresses (an IPv6 /64 is cut to it). */
#define IKE_POOL_SIZE_MAX	(1ULL << 32)

struct ike_pools;

/* The lease state of cfg's pools (cfg borrowed for the pools' lifetime);
 * NULL: no memory. */
struct ike_pools *ike_pools_new(const struct ike_config *cfg);
/* Accepts NULL. */
void	 ike_pools_free(struct ike_pools *p);
/* Changes the grace time (tests; default IKE_POOL_GRACE_MS). */
void	 ike_pools_set_grace(struct ike_pools *p, uint64_t grace_ms);

enum ike_pool_result {
	IKE_POOL_OK,
	IKE_POOL_NONE,		/* c has no pool of that family */
	IKE_POOL_EXHAUSTED,	/* every address of those pools is online */
	IKE_POOL_NOMEM,
};

/* An address of `family` (AF_INET, AF_INET6) for identity id from the
 * first of c's pools of that family that has one, in *vip (plen = host):
 * the identity's OFFLINE lease if it has one, else a free address, else
 * the oldest OFFLINE lease of another identity. id is copied. */
enum ike_pool_result ike_pool_lease(struct ike_pools *p,
	    const struct ike_conn_cfg *c, int family, const struct certs_id *id,
	    uint64_t now_ms, struct ike_prefix *vip);
/* The lease of vip goes OFFLINE (kept for its identity for the grace
 * time). An address of no pool, or not online, is ignored. */
void	 ike_pool_release(struct ike_pools *p, const struct ike_prefix *vip,
	    uint64_t now_ms);
/* Frees OFFLINE leases past their grace time; returns when the next one
 * expires (UINT64_MAX: none). */
uint64_t ike_pools_expire(struct ike_pools *p, uint64_t now_ms);

/* For status and tests: addresses of the pool named name. */
struct ike_pool_stats {
	uint64_t	size;		/* addresses in the pool */
	uint64_t	online;		/* held by an IKE SA */
	uint64_t	offline;	/* reserved for an identity (grace) */
};
bool	 ike_pool_stats(const struct ike_pools *p, const char *name,
	    struct ike_pool_stats *st);
/* Text of a pool result for logs. */
const char *ike_pool_result_str(enum ike_pool_result r);

#endif
