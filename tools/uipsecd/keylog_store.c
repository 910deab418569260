/*
 * tools/uipsecd/keylog_store.c — see keylog_store.h. Three fixed hash
 * tables over the same records: by peer address (what `keys PEER` asks
 * and the per-peer cap walk), by key (an IKE SA's id, a CHILD_SA's
 * inbound SPI: what the engine names when an SA goes) and by the IKE SA
 * a record belongs to (what moves when the peer's NAT mapping changes).
 * Chains are short singly linked lists. A record is allocated at its
 * kind's size: the union's larger member only for a CHILD_SA.
 */
#include "keylog_store.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define KS_BUCKETS	4096		/* power of two */

/* The three chains a record is on. */
enum ks_chain { KS_PEER, KS_KEY, KS_IKE, KS_CHAINS };

struct ks_entry {
	struct ks_entry	*next[KS_CHAINS];
	uint64_t	 seq;
	uint64_t	 key;		/* IKE SA id, or inbound SPI */
	uint64_t	 ike_id;	/* the IKE SA (uipsec's id: kept by rekeys) */
	bool		 child;
	int		 family;
	uint8_t		 addr[16];
	uint16_t	 port;
	char		 label[KEYLOG_STORE_LABEL];
	union {
		struct keylog_ike ike;
		struct keylog_esp esp[2];	/* out, in */
	} k;
};

struct keylog_store {
	struct ks_entry	*by_peer[KS_BUCKETS];
	struct ks_entry	*by_key[KS_BUCKETS];
	struct ks_entry	*by_ike[KS_BUCKETS];
	uint64_t	 seq;
	size_t		 count;
};

struct keylog_store *
keylog_store_new(void)
{
	return calloc(1, sizeof(struct keylog_store));
}

static size_t
ks_peer_hash(int family, const uint8_t *addr)
{
	size_t len = family == AF_INET6 ? 16 : 4, i;
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (i = 0; i < len; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h & (KS_BUCKETS - 1);
}

static size_t
ks_key_hash(bool child, uint64_t key)
{
	return (size_t)(((key << 1 | child) * 0x9e3779b97f4a7c15ull) >> 52) &
	    (KS_BUCKETS - 1);
}

static bool
ks_same_addr(const struct ks_entry *e, int family, const uint8_t *addr)
{
	return e->family == family &&
	    !memcmp(e->addr, addr, family == AF_INET6 ? 16 : 4);
}

/* The head of the chain `c` that e is (or goes) on. */
static struct ks_entry **
ks_head(struct keylog_store *s, const struct ks_entry *e, enum ks_chain c)
{
	if (c == KS_PEER)
		return &s->by_peer[ks_peer_hash(e->family, e->addr)];
	if (c == KS_KEY)
		return &s->by_key[ks_key_hash(e->child, e->key)];
	return &s->by_ike[ks_key_hash(false, e->ike_id)];
}

static void
ks_link(struct keylog_store *s, struct ks_entry *e, enum ks_chain c)
{
	struct ks_entry **head = ks_head(s, e, c);

	e->next[c] = *head;
	*head = e;
}

static void
ks_unlink(struct keylog_store *s, struct ks_entry *e, enum ks_chain c)
{
	struct ks_entry **p;

	for (p = ks_head(s, e, c); *p; p = &(*p)->next[c]) {
		if (*p == e) {
			*p = e->next[c];
			return;
		}
	}
}

/* Bytes of a record: an IKE SA's is shorter than a CHILD_SA's. */
static size_t
ks_size(bool child)
{
	return offsetof(struct ks_entry, k) + (child ?
	    sizeof(struct keylog_esp[2]) : sizeof(struct keylog_ike));
}

static void
ks_drop(struct keylog_store *s, struct ks_entry *e)
{
	enum ks_chain c;

	for (c = 0; c < KS_CHAINS; c++)
		ks_unlink(s, e, c);
	sodium_memzero(e, ks_size(e->child));
	free(e);
	s->count--;
}

void
keylog_store_free(struct keylog_store *s)
{
	struct ks_entry *e, *next;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < KS_BUCKETS; i++) {
		for (e = s->by_peer[i]; e; e = next) {
			next = e->next[KS_PEER];
			sodium_memzero(e, ks_size(e->child));
			free(e);
		}
	}
	free(s);
}

/* The peer's address and port as a record keeps them. */
static void
ks_addr_of(const struct sockaddr_storage *remote, int *family,
    uint8_t addr[16], uint16_t *port)
{
	memset(addr, 0, 16);
	*family = remote->ss_family;
	if (remote->ss_family == AF_INET6) {
		memcpy(addr, &((const struct sockaddr_in6 *)remote)->
		    sin6_addr, 16);
		*port = ntohs(((const struct sockaddr_in6 *)remote)->
		    sin6_port);
	} else {
		memcpy(addr, &((const struct sockaddr_in *)remote)->
		    sin_addr, 4);
		*port = ntohs(((const struct sockaddr_in *)remote)->sin_port);
	}
}

void
keylog_store_moved(struct keylog_store *s, uint64_t ike_id,
    const struct sockaddr_storage *remote)
{
	struct ks_entry *e;
	uint8_t addr[16];
	uint16_t port;
	int family;

	if (!s)
		return;
	ks_addr_of(remote, &family, addr, &port);
	for (e = s->by_ike[ks_key_hash(false, ike_id)]; e; e = e->next[KS_IKE]) {
		if (e->ike_id != ike_id || (e->port == port &&
		    ks_same_addr(e, family, addr)))
			continue;
		ks_unlink(s, e, KS_PEER);
		ks_addr_of(remote, &e->family, e->addr, &e->port);
		ks_link(s, e, KS_PEER);
	}
}

/* A new record of IKE SA ike_id, whose peer is at remote now: linked into
 * every table, and the IKE SA's older records follow it there. */
static struct ks_entry *
ks_add(struct keylog_store *s, bool child, uint64_t key, uint64_t ike_id,
    const struct sockaddr_storage *remote, const char *label)
{
	struct ks_entry *e = calloc(1, ks_size(child));
	enum ks_chain c;

	if (!e)
		return NULL;
	keylog_store_moved(s, ike_id, remote);
	e->child = child;
	e->key = key;
	e->ike_id = ike_id;
	ks_addr_of(remote, &e->family, e->addr, &e->port);
	snprintf(e->label, sizeof(e->label), "%s", label);
	e->seq = ++s->seq;
	for (c = 0; c < KS_CHAINS; c++)
		ks_link(s, e, c);
	s->count++;
	return e;
}

/* IKE SAs of the same peer address and port as e, older than e. */
static bool
ks_older_ike(const struct ks_entry *x, const struct ks_entry *e)
{
	return !x->child && x != e && x->seq < e->seq && x->port == e->port &&
	    ks_same_addr(x, e->family, e->addr);
}

/* Keeps the newest KEYLOG_STORE_IKE_PER_PEER IKE SAs of e's peer. */
static void
ks_cap_peer(struct keylog_store *s, const struct ks_entry *e)
{
	struct ks_entry *x, *oldest;
	unsigned n;

	do {
		n = 0;
		oldest = NULL;
		for (x = s->by_peer[ks_peer_hash(e->family, e->addr)]; x;
		    x = x->next[KS_PEER]) {
			if (!ks_older_ike(x, e))
				continue;
			n++;
			if (!oldest || x->seq < oldest->seq)
				oldest = x;
		}
		if (n + 1 > KEYLOG_STORE_IKE_PER_PEER)
			ks_drop(s, oldest);
	} while (n + 1 > KEYLOG_STORE_IKE_PER_PEER);
}

int
keylog_store_ike(struct keylog_store *s, const struct keylog_ike *k,
    uint64_t ike_id, const struct sockaddr_storage *remote, const char *label)
{
	struct ks_entry *e = ks_add(s, false, ike_id, ike_id, remote, label);

	if (!e)
		return -1;
	e->k.ike = *k;
	ks_cap_peer(s, e);
	return 0;
}

int
keylog_store_child(struct keylog_store *s, const struct keylog_esp esp[2],
    uint64_t ike_id, const struct sockaddr_storage *remote, const char *label)
{
	struct ks_entry *e = ks_add(s, true, esp[1].spi, ike_id, remote,
	    label);

	if (!e)
		return -1;
	e->k.esp[0] = esp[0];
	e->k.esp[1] = esp[1];
	return 0;
}

static struct ks_entry *
ks_find(const struct keylog_store *s, bool child, uint64_t key)
{
	struct ks_entry *e;

	for (e = s->by_key[ks_key_hash(child, key)]; e; e = e->next[KS_KEY])
		if (e->child == child && e->key == key)
			return e;
	return NULL;
}

void
keylog_store_child_gone(struct keylog_store *s, uint32_t spi_in)
{
	struct ks_entry *e;

	if (s && (e = ks_find(s, true, spi_in)))
		ks_drop(s, e);
}

void
keylog_store_ike_gone(struct keylog_store *s, uint64_t ike_id)
{
	struct ks_entry *e, *x, *next;

	if (!s || !(e = ks_find(s, false, ike_id)))
		return;
	/* Its rekeyed predecessors went silently: they go with it. */
	for (x = s->by_peer[ks_peer_hash(e->family, e->addr)]; x; x = next) {
		next = x->next[KS_PEER];
		if (ks_older_ike(x, e))
			ks_drop(s, x);
	}
	ks_drop(s, e);
}

static int
ks_by_seq(const void *a, const void *b)
{
	const struct ks_entry *x = *(const struct ks_entry *const *)a;
	const struct ks_entry *y = *(const struct ks_entry *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
keylog_store_peer(const struct keylog_store *s, int family,
    const uint8_t *addr, uint64_t since, keylog_store_fn *fn, void *arg)
{
	const struct ks_entry *e, **all;
	size_t n = 0, i = 0;

	for (e = s->by_peer[ks_peer_hash(family, addr)]; e;
	    e = e->next[KS_PEER])
		n += e->seq > since && ks_same_addr(e, family, addr);
	if (n == 0)
		return 0;
	if (!(all = calloc(n, sizeof(*all))))
		return -1;
	/* A record that followed its IKE SA to this address went to the
	 * chain's head: order by number. */
	for (e = s->by_peer[ks_peer_hash(family, addr)]; e;
	    e = e->next[KS_PEER])
		if (e->seq > since && ks_same_addr(e, family, addr))
			all[i++] = e;
	qsort(all, n, sizeof(*all), ks_by_seq);
	for (i = 0; i < n; i++)
		fn(arg, all[i]->seq, all[i]->label, all[i]->child ? NULL :
		    &all[i]->k.ike, all[i]->child ? all[i]->k.esp : NULL);
	free(all);
	return (int)n;
}

uint64_t
keylog_store_seq(const struct keylog_store *s)
{
	return s->seq;
}

size_t
keylog_store_count(const struct keylog_store *s)
{
	return s->count;
}
