/*
 * ike/pool.c — virtual IP pools (pool.h): addresses of a pool handed out
 * in order.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/pool.h"

struct ike_pools {
	const struct ike_config	*cfg;
	uint32_t		*next;		/* next host index per pool */
};

struct ike_pools *
ike_pools_new(const struct ike_config *cfg)
{
	struct ike_pools *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->cfg = cfg;
	p->next = calloc(cfg->n_pools ? cfg->n_pools : 1, sizeof(*p->next));
	if (p->next == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void
ike_pools_free(struct ike_pools *p)
{
	if (p == NULL)
		return;
	free(p->next);
	free(p);
}

bool
ike_pool_lease(struct ike_pools *p, const struct ike_conn_cfg *c,
    struct ike_prefix *vip)
{
	size_t i, n;
	uint32_t k;

	for (i = 0; i < p->cfg->n_pools; i++) {
		const struct ike_pool_cfg *pc = &p->cfg->pools[i];

		if (c->n_pools == 0 || strcmp(pc->name, c->pools[0]) != 0)
			continue;
		*vip = pc->first;
		n = pc->first.family == AF_INET6 ? 16 : 4;
		k = p->next[i]++;
		vip->addr[n - 1] = (uint8_t)(vip->addr[n - 1] + (k & 0xff));
		vip->addr[n - 2] = (uint8_t)(vip->addr[n - 2] + (k >> 8));
		vip->plen = (uint8_t)(n * 8);
		return memcmp(vip->addr, pc->last.addr, n) <= 0;
	}
	return false;
}
