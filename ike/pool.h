/*
 * ike/pool.h — virtual IP pools of the responder (swanctl.conf pools { },
 * RFC 7296 §3.15.1 CFG_REPLY): which address a peer gets.
 */
#ifndef UIPSEC_IKE_POOL_H
#define UIPSEC_IKE_POOL_H

#include <stdbool.h>

#include "ike/config.h"

struct ike_pools;

/* The lease state of cfg's pools (cfg borrowed for the pools' lifetime);
 * NULL: no memory. */
struct ike_pools *ike_pools_new(const struct ike_config *cfg);
/* Accepts NULL. */
void	 ike_pools_free(struct ike_pools *p);

/* A virtual IP for a peer of connection c from its first pool, in *vip;
 * false: the pool is exhausted or c has none. */
bool	 ike_pool_lease(struct ike_pools *p, const struct ike_conn_cfg *c,
	    struct ike_prefix *vip);

#endif
