/*
 * ike/pool.c — virtual IP pools with sticky leases (see pool.h for the
 * model). Leases are records on the heap, found through two hashes (by
 * pool and identity, by pool and address offset); OFFLINE leases of a
 * pool sit on a list oldest first, freed records on a free list that is
 * reused before a never-used address is taken.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ike/pool.h"

enum lease_state { LEASE_FREE, LEASE_ONLINE, LEASE_OFFLINE };

struct lease {
	struct lease	*id_next, *addr_next;	/* hash chains */
	struct lease	*prev, *next;		/* OFFLINE list or free list */
	uint64_t	 id_hash;
	uint64_t	 since_ms;		/* went OFFLINE */
	uint32_t	 offset;		/* from the pool's first address */
	uint32_t	 pool;			/* index in cfg->pools */
	uint8_t		 state;
	uint8_t		 id_type;
	uint16_t	 id_len;
	uint8_t		*id;			/* owned; NULL when FREE */
};

struct pool {
	uint64_t	 size, fresh;		/* fresh: next never-used offset */
	uint64_t	 online, offline;
	struct lease	*old, *young;		/* OFFLINE, oldest first */
	struct lease	*free;			/* addresses to reuse */
};

/* A chained hash that doubles when it holds more leases than buckets. */
struct htab {
	struct lease	**b;
	size_t		  nb, n;
	bool		  by_id;
};

struct ike_pools {
	const struct ike_config	*cfg;
	uint64_t		 grace_ms;
	struct pool		*pools;		/* one per cfg->pools[] */
	struct htab		 ids, addrs;
	uint8_t			 key[crypto_shorthash_KEYBYTES];
};

/* ---- hashes -------------------------------------------------------------- */

static struct lease **
chain_next(const struct htab *t, struct lease *l)
{
	return t->by_id ? &l->id_next : &l->addr_next;
}

static uint64_t
addr_hash(uint32_t pool, uint32_t offset)
{
	uint64_t h = (uint64_t)pool << 32 | offset;

	h ^= h >> 31;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static uint64_t
lease_hash(const struct htab *t, const struct lease *l)
{
	return t->by_id ? l->id_hash : addr_hash(l->pool, l->offset);
}

static bool
htab_grow(struct htab *t)
{
	size_t nb = t->nb ? t->nb * 2 : 64, i;
	struct lease **b = calloc(nb, sizeof(*b)), *l, *next;

	if (b == NULL)
		return false;
	for (i = 0; i < t->nb; i++)
		for (l = t->b[i]; l != NULL; l = next) {
			next = *chain_next(t, l);
			*chain_next(t, l) = b[lease_hash(t, l) & (nb - 1)];
			b[lease_hash(t, l) & (nb - 1)] = l;
		}
	free(t->b);
	t->b = b;
	t->nb = nb;
	return true;
}

static bool
htab_add(struct htab *t, struct lease *l)
{
	size_t i;

	if (t->n >= t->nb && !htab_grow(t))
		return false;
	i = lease_hash(t, l) & (t->nb - 1);
	*chain_next(t, l) = t->b[i];
	t->b[i] = l;
	t->n++;
	return true;
}

static void
htab_del(struct htab *t, struct lease *l)
{
	struct lease **pp;

	if (t->nb == 0)
		return;
	for (pp = &t->b[lease_hash(t, l) & (t->nb - 1)]; *pp != NULL;
	    pp = chain_next(t, *pp))
		if (*pp == l) {
			*pp = *chain_next(t, l);
			t->n--;
			return;
		}
}

static uint64_t
id_hash(const struct ike_pools *p, uint32_t pool, const struct certs_id *id)
{
	uint8_t buf[8 + CERTS_ID_MAX];
	uint64_t h;

	memcpy(buf, &pool, 4);
	buf[4] = (uint8_t)id->type;
	buf[5] = buf[6] = buf[7] = 0;
	memcpy(buf + 8, id->data, id->len);
	crypto_shorthash((uint8_t *)&h, buf, 8 + id->len, p->key);
	return h;
}

static bool
same_id(const struct lease *l, const struct certs_id *id)
{
	return l->id_type == (uint8_t)id->type && l->id_len == id->len &&
	    memcmp(l->id, id->data, id->len) == 0;
}

/* ---- addresses ----------------------------------------------------------- */

static size_t
addr_len(const struct ike_prefix *a)
{
	return a->family == AF_INET6 ? 16 : 4;
}

/* An address as a number (GCC/Clang's 128-bit integer: IPv6 pools). */
typedef unsigned __int128 u128;

static u128
addr_num(const struct ike_prefix *a)
{
	size_t i;
	u128 v = 0;

	for (i = 0; i < addr_len(a); i++)
		v = v << 8 | a->addr[i];
	return v;
}

static uint64_t
pool_size(const struct ike_pool_cfg *pc)
{
	u128 d = addr_num(&pc->last) - addr_num(&pc->first);

	return d >= IKE_POOL_SIZE_MAX - 1 ? IKE_POOL_SIZE_MAX :
	    (uint64_t)d + 1;
}

static void
offset_addr(const struct ike_pool_cfg *pc, uint32_t offset,
    struct ike_prefix *vip)
{
	u128 v = addr_num(&pc->first) + offset;
	size_t i = addr_len(&pc->first);

	*vip = pc->first;
	vip->plen = (uint8_t)(i * 8);
	for (; i-- > 0; v >>= 8)
		vip->addr[i] = (uint8_t)v;
}

/* The pool and offset of an address, or false. */
static bool
addr_offset(const struct ike_pools *p, const struct ike_prefix *a,
    uint32_t *pool, uint32_t *offset)
{
	size_t i;

	for (i = 0; i < p->cfg->n_pools; i++) {
		const struct ike_pool_cfg *pc = &p->cfg->pools[i];
		u128 d = addr_num(a) - addr_num(&pc->first);

		if (pc->first.family != a->family || d >= p->pools[i].size)
			continue;
		*pool = (uint32_t)i;
		*offset = (uint32_t)d;
		return true;
	}
	return false;
}

/* ---- lists --------------------------------------------------------------- */

static void
offline_unlink(struct pool *pl, struct lease *l)
{
	if (l->prev != NULL)
		l->prev->next = l->next;
	else
		pl->old = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	else
		pl->young = l->prev;
	l->prev = l->next = NULL;
	pl->offline--;
}

static void
offline_append(struct pool *pl, struct lease *l)
{
	l->next = NULL;
	l->prev = pl->young;
	if (pl->young != NULL)
		pl->young->next = l;
	else
		pl->old = l;
	pl->young = l;
	pl->offline++;
}

static void
give_back(struct pool *pl, struct lease *l)
{
	free(l->id);
	l->id = NULL;
	l->next = pl->free;
	pl->free = l;
}

/* An OFFLINE lease loses its identity and its address becomes free. */
static void
lease_forget(struct ike_pools *p, struct lease *l)
{
	struct pool *pl = &p->pools[l->pool];

	offline_unlink(pl, l);
	htab_del(&p->ids, l);
	htab_del(&p->addrs, l);
	l->state = LEASE_FREE;
	give_back(pl, l);
}

/* ---- the interface ------------------------------------------------------- */

struct ike_pools *
ike_pools_new(const struct ike_config *cfg)
{
	struct ike_pools *p = calloc(1, sizeof(*p));
	size_t i;

	if (p == NULL)
		return NULL;
	p->cfg = cfg;
	p->grace_ms = IKE_POOL_GRACE_MS;
	p->ids.by_id = true;
	crypto_shorthash_keygen(p->key);
	p->pools = calloc(cfg->n_pools ? cfg->n_pools : 1, sizeof(*p->pools));
	if (p->pools == NULL) {
		free(p);
		return NULL;
	}
	for (i = 0; i < cfg->n_pools; i++)
		p->pools[i].size = pool_size(&cfg->pools[i]);
	return p;
}

static void
free_list(struct lease *l)
{
	struct lease *next;

	for (; l != NULL; l = next) {
		next = l->next;
		free(l->id);
		free(l);
	}
}

void
ike_pools_free(struct ike_pools *p)
{
	size_t i, b;
	struct lease *l, *next;

	if (p == NULL)
		return;
	/* Every non-free lease is in the address hash; free ones on lists. */
	for (b = 0; b < p->addrs.nb; b++)
		for (l = p->addrs.b[b]; l != NULL; l = next) {
			next = l->addr_next;
			free(l->id);
			free(l);
		}
	for (i = 0; i < p->cfg->n_pools; i++)
		free_list(p->pools[i].free);
	free(p->ids.b);
	free(p->addrs.b);
	free(p->pools);
	free(p);
}

void
ike_pools_set_grace(struct ike_pools *p, uint64_t grace_ms)
{
	p->grace_ms = grace_ms;
}

/* The identity's OFFLINE lease in pool i, or NULL. */
static struct lease *
find_offline(const struct ike_pools *p, uint32_t i, const struct certs_id *id,
    uint64_t h)
{
	struct lease *l;

	if (p->ids.nb == 0)
		return NULL;
	for (l = p->ids.b[h & (p->ids.nb - 1)]; l != NULL; l = l->id_next)
		if (l->id_hash == h && l->pool == i &&
		    l->state == LEASE_OFFLINE && same_id(l, id))
			return l;
	return NULL;
}

/* A record for a free address of pool i (not yet hashed): a freed one, a
 * never-used one, or (the pool is full) the oldest OFFLINE lease, which
 * loses its identity. NULL: none, or *nomem. */
static struct lease *
take_free(struct ike_pools *p, uint32_t i, bool *nomem)
{
	struct pool *pl = &p->pools[i];
	struct lease *l;

	if (pl->free == NULL && pl->fresh < pl->size) {
		if ((l = calloc(1, sizeof(*l))) == NULL) {
			*nomem = true;
			return NULL;
		}
		l->pool = i;
		l->offset = (uint32_t)pl->fresh++;
		return l;
	}
	if (pl->free == NULL && pl->old != NULL)
		lease_forget(p, pl->old);
	if ((l = pl->free) != NULL)
		pl->free = l->next;
	return l;
}

static enum ike_pool_result
lease_in(struct ike_pools *p, uint32_t i, const struct certs_id *id,
    struct ike_prefix *vip)
{
	struct pool *pl = &p->pools[i];
	uint64_t h = id_hash(p, i, id);
	struct lease *l = find_offline(p, i, id, h);
	bool nomem = false;

	if (l != NULL) {		/* reconnect: the same address */
		offline_unlink(pl, l);
	} else {
		if ((l = take_free(p, i, &nomem)) == NULL)
			return nomem ? IKE_POOL_NOMEM : IKE_POOL_EXHAUSTED;
		l->id = malloc(id->len ? id->len : 1);
		l->id_hash = h;
		if (l->id == NULL || !htab_add(&p->ids, l)) {
			give_back(pl, l);
			return IKE_POOL_NOMEM;
		}
		if (!htab_add(&p->addrs, l)) {
			htab_del(&p->ids, l);
			give_back(pl, l);
			return IKE_POOL_NOMEM;
		}
		memcpy(l->id, id->data, id->len);
		l->id_type = (uint8_t)id->type;
		l->id_len = (uint16_t)id->len;
	}
	l->state = LEASE_ONLINE;
	pl->online++;
	offset_addr(&p->cfg->pools[i], l->offset, vip);
	return IKE_POOL_OK;
}

static const struct ike_pool_cfg *
pool_named(const struct ike_config *cfg, const char *name, uint32_t *i)
{
	for (*i = 0; *i < cfg->n_pools; (*i)++)
		if (strcmp(cfg->pools[*i].name, name) == 0)
			return &cfg->pools[*i];
	return NULL;
}

enum ike_pool_result
ike_pool_lease(struct ike_pools *p, const struct ike_conn_cfg *c, int family,
    const struct certs_id *id, uint64_t now_ms, struct ike_prefix *vip)
{
	enum ike_pool_result r = IKE_POOL_NONE, got;
	const struct ike_pool_cfg *pc;
	size_t k;
	uint32_t i;

	ike_pools_expire(p, now_ms);
	for (k = 0; k < c->n_pools; k++) {
		pc = pool_named(p->cfg, c->pools[k], &i);
		if (pc == NULL || pc->first.family != family)
			continue;
		if ((got = lease_in(p, i, id, vip)) == IKE_POOL_OK ||
		    got == IKE_POOL_NOMEM)
			return got;
		r = got;
	}
	return r;
}

void
ike_pool_release(struct ike_pools *p, const struct ike_prefix *vip,
    uint64_t now_ms)
{
	struct lease *l;
	uint32_t pool, offset;

	if (!addr_offset(p, vip, &pool, &offset) || p->addrs.nb == 0)
		return;
	for (l = p->addrs.b[addr_hash(pool, offset) & (p->addrs.nb - 1)];
	    l != NULL; l = l->addr_next)
		if (l->pool == pool && l->offset == offset)
			break;
	if (l == NULL || l->state != LEASE_ONLINE)
		return;
	l->state = LEASE_OFFLINE;
	l->since_ms = now_ms;
	p->pools[pool].online--;
	offline_append(&p->pools[pool], l);
}

uint64_t
ike_pools_expire(struct ike_pools *p, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;
	size_t i;

	for (i = 0; i < p->cfg->n_pools; i++) {
		struct pool *pl = &p->pools[i];

		while (pl->old != NULL && pl->old->since_ms + p->grace_ms <= now_ms)
			lease_forget(p, pl->old);
		if (pl->old != NULL && pl->old->since_ms + p->grace_ms < next)
			next = pl->old->since_ms + p->grace_ms;
	}
	return next;
}

bool
ike_pool_stats(const struct ike_pools *p, const char *name,
    struct ike_pool_stats *st)
{
	uint32_t i;

	if (pool_named(p->cfg, name, &i) == NULL)
		return false;
	st->size = p->pools[i].size;
	st->online = p->pools[i].online;
	st->offline = p->pools[i].offline;
	return true;
}

const char *
ike_pool_result_str(enum ike_pool_result r)
{
	switch (r) {
	case IKE_POOL_OK:		return "leased";
	case IKE_POOL_NONE:		return "no pool of that address family";
	case IKE_POOL_EXHAUSTED:	return "pool exhausted";
	default:			return "no memory";
	}
}
