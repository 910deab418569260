/* tools/uipsecd/routes.c — see routes.h. */
#include "routes.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"

/* One route added, on its prefix in the trie and on the list. */
struct route {
	struct trie_link	 link;
	struct tun_prefix	 p;
	struct route		*next;
};

void
routes_init(struct routes *r, struct tun *t)
{
	memset(r, 0, sizeof(*r));
	r->tun = t;
}

/* trie_lookup's filter: a route holds the asked prefix if it is no
 * longer (it then contains the asked prefix's address, so all of it). */
static bool
holds(const struct trie_link *l, void *len)
{
	const struct route *rt = l->owner;

	return rt->p.len <= *(const uint8_t *)len;
}

int
routes_add(struct routes *r, const struct tun_prefix *p)
{
	uint8_t len = p->len;
	struct route *rt;

	if (trie_lookup(&r->added, p->family, p->addr, holds, &len)) {
		r->covered++;
		return 0;
	}
	r->requested++;
	if (tun_add_route(r->tun, p) < 0)
		return -1;
	if ((rt = calloc(1, sizeof(*rt))) != NULL) {
		rt->link.owner = rt;
		rt->p = *p;
	}
	if (!rt || trie_insert(&r->added, p, &rt->link) < 0) {
		/* Routed, only not remembered: asked for again next time. */
		log_warn("tun %s: no memory to remember a route",
		    tun_name(r->tun));
		free(rt);
		return -1;
	}
	rt->next = r->list;
	r->list = rt;
	return 0;
}

void
routes_readd(struct routes *r, int family)
{
	const struct route *rt;

	for (rt = r->list; rt; rt = rt->next)
		if (rt->p.family == family) {
			r->requested++;
			tun_add_route(r->tun, &rt->p);
		}
}

void
routes_free(struct routes *r)
{
	struct route *rt, *next;

	trie_free(&r->added);
	for (rt = r->list; rt; rt = next) {
		next = rt->next;
		free(rt);
	}
	r->list = NULL;
}

bool
routes_pool_routed(const struct ike_config *ike, const char *name)
{
	size_t i, j;

	for (i = 0; i < ike->n_conns; i++)
		for (j = 0; j < ike->conns[i].n_pools; j++)
			if (!strcmp(ike->conns[i].pools[j], name))
				return true;
	return false;
}

void
routes_add_pools(struct routes *r, const struct ike_config *ike)
{
	struct tun_prefix p[ROUTES_RANGE_MAX];
	const struct ike_pool_cfg *pc;
	size_t i, j, n;

	for (i = 0; i < ike->n_pools; i++) {
		pc = &ike->pools[i];
		if (!routes_pool_routed(ike, pc->name))
			continue;
		if (pc->subnet.family) {
			n = 1;
			p[0].family = pc->subnet.family;
			memcpy(p[0].addr, pc->subnet.addr, sizeof(p[0].addr));
			p[0].len = pc->subnet.plen;
		} else
			n = routes_range_prefixes(pc->first.family,
			    pc->first.addr, pc->last.addr, p, ROUTES_RANGE_MAX);
		for (j = 0; j < n; j++)
			routes_add(r, &p[j]);
	}
}

typedef unsigned __int128 u128;

static u128
addr_num(const uint8_t *a, size_t n)
{
	u128 v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | a[i];
	return v;
}

/* The low k bits set (k <= 128). */
static u128
low_bits(unsigned k)
{
	return k >= 128 ? ~(u128)0 : ((u128)1 << k) - 1;
}

size_t
routes_range_prefixes(int family, const uint8_t *first, const uint8_t *last,
    struct tun_prefix *out, size_t cap)
{
	unsigned bits = family == AF_INET6 ? 128 : 32, k;
	size_t n = bits / 8, count = 0, i;
	u128 lo = addr_num(first, n), hi = addr_num(last, n), v;

	for (;;) {
		/* The largest block that starts at lo (aligned) and ends by
		 * hi: grown one bit at a time while both hold. */
		for (k = 0; k < bits && !(lo & low_bits(k + 1)) &&
		    (lo | low_bits(k + 1)) <= hi; k++)
			;
		if (count < cap) {
			memset(&out[count], 0, sizeof(out[count]));
			out[count].family = family;
			out[count].len = (uint8_t)(bits - k);
			for (i = n, v = lo; i-- > 0; v >>= 8)
				out[count].addr[i] = (uint8_t)v;
		}
		count++;
		if ((lo | low_bits(k)) >= hi)
			return count;
		lo = (lo | low_bits(k)) + 1;
	}
}
