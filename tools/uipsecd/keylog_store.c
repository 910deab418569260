/*
 * tools/uipsecd/keylog_store.c — see keylog_store.h. Two fixed hash
 * tables over the same records: by peer address (what `keys PEER` asks
 * and the per-peer cap walk) and by key (an IKE SA's id, a CHILD_SA's
 * inbound SPI: what the engine names when an SA goes). Chains are short
 * singly linked lists, newest first. A record is allocated at its kind's
 * size: the union's larger member only for a CHILD_SA.
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

struct ks_entry {
	struct ks_entry	*next_peer, *next_key;
	uint64_t	 seq;
	uint64_t	 key;		/* IKE SA id, or inbound SPI */
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

static void
ks_chain_remove(struct ks_entry **head, struct ks_entry *e, bool peer)
{
	struct ks_entry **p;

	for (p = head; *p; p = peer ? &(*p)->next_peer : &(*p)->next_key) {
		if (*p == e) {
			*p = peer ? e->next_peer : e->next_key;
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
	ks_chain_remove(&s->by_peer[ks_peer_hash(e->family, e->addr)], e,
	    true);
	ks_chain_remove(&s->by_key[ks_key_hash(e->child, e->key)], e, false);
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
			next = e->next_peer;
			sodium_memzero(e, ks_size(e->child));
			free(e);
		}
	}
	free(s);
}

/* A new record for the peer at remote, linked into both tables. */
static struct ks_entry *
ks_add(struct keylog_store *s, bool child, uint64_t key,
    const struct sockaddr_storage *remote, const char *label)
{
	struct ks_entry *e = calloc(1, ks_size(child));
	size_t hp, hk;

	if (!e)
		return NULL;
	e->child = child;
	e->key = key;
	e->family = remote->ss_family;
	if (remote->ss_family == AF_INET6) {
		memcpy(e->addr, &((const struct sockaddr_in6 *)remote)->
		    sin6_addr, 16);
		e->port = ntohs(((const struct sockaddr_in6 *)remote)->
		    sin6_port);
	} else {
		memcpy(e->addr, &((const struct sockaddr_in *)remote)->
		    sin_addr, 4);
		e->port = ntohs(((const struct sockaddr_in *)remote)->sin_port);
	}
	snprintf(e->label, sizeof(e->label), "%s", label);
	e->seq = ++s->seq;
	hp = ks_peer_hash(e->family, e->addr);
	hk = ks_key_hash(child, key);
	e->next_peer = s->by_peer[hp];
	s->by_peer[hp] = e;
	e->next_key = s->by_key[hk];
	s->by_key[hk] = e;
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
		    x = x->next_peer) {
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
	struct ks_entry *e = ks_add(s, false, ike_id, remote, label);

	if (!e)
		return -1;
	e->k.ike = *k;
	ks_cap_peer(s, e);
	return 0;
}

int
keylog_store_child(struct keylog_store *s, const struct keylog_esp esp[2],
    const struct sockaddr_storage *remote, const char *label)
{
	struct ks_entry *e = ks_add(s, true, esp[1].spi, remote, label);

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

	for (e = s->by_key[ks_key_hash(child, key)]; e; e = e->next_key)
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
		next = x->next_peer;
		if (ks_older_ike(x, e))
			ks_drop(s, x);
	}
	ks_drop(s, e);
}

int
keylog_store_peer(const struct keylog_store *s, int family,
    const uint8_t *addr, uint64_t since, keylog_store_fn *fn, void *arg)
{
	const struct ks_entry *e, **all;
	size_t n = 0, i;

	for (e = s->by_peer[ks_peer_hash(family, addr)]; e; e = e->next_peer)
		n += e->seq > since && ks_same_addr(e, family, addr);
	if (n == 0)
		return 0;
	if (!(all = calloc(n, sizeof(*all))))
		return -1;
	i = n;	/* the chain is newest first: fill from the end */
	for (e = s->by_peer[ks_peer_hash(family, addr)]; e; e = e->next_peer)
		if (e->seq > since && ks_same_addr(e, family, addr))
			all[--i] = e;
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
