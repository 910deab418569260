/*
 * tools/uipsecd/trie.c — see trie.h. A path-compressed binary trie: every
 * node is a prefix (key and length); a node with entries is a prefix some
 * SA routes, one without is a fork that two longer prefixes share. So the
 * trie holds at most two nodes per distinct prefix, and a walk from the
 * root to the longest match visits one node per fork on the way. Host
 * prefixes have a node each but no fork: they hang in struct trie's hash
 * table instead of the tree.
 */
#include "trie.h"

#include <stdlib.h>
#include <string.h>

struct trie_node {
	uint8_t			 key[16];	/* bits past len are zero */
	uint8_t			 len;
	uint8_t			 fam;		/* index of root[] */
	union {
		struct {			/* in the tree */
			struct trie_node *child[2], *parent;
		};
		struct trie_node *next_host;	/* in a host bucket */
	};
	struct trie_link	*head;		/* entries, newest first */
};

static unsigned
max_bits(unsigned fam)
{
	return fam ? 128 : 32;
}

static unsigned
bit_at(const uint8_t *key, unsigned i)
{
	return (key[i / 8] >> (7 - i % 8)) & 1;
}

/* How many leading bits of a and b agree, up to max. */
static unsigned
common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned i = 0;
	uint8_t x;

	while (i + 8 <= max && a[i / 8] == b[i / 8])
		i += 8;
	if (i >= max)
		return max;
	for (x = a[i / 8] ^ b[i / 8]; i < max && !(x & 0x80); x <<= 1)
		i++;
	return i;
}

static void
mask_key(uint8_t *key, const uint8_t *addr, unsigned len, unsigned bits)
{
	unsigned i;

	memset(key, 0, 16);
	memcpy(key, addr, bits / 8);
	for (i = len; i < bits; i++)
		key[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static struct trie_node *
node_new(struct trie *t, const uint8_t *key, unsigned len, unsigned fam,
    struct trie_node *parent)
{
	struct trie_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	mask_key(n->key, key, len, max_bits(fam));
	n->len = (uint8_t)len;
	n->fam = (uint8_t)fam;
	n->parent = parent;
	t->nodes++;
	return n;
}

static void
attach(struct trie_node *n, struct trie_link *l)
{
	l->node = n;
	l->prev = NULL;
	l->next = n->head;
	if (n->head)
		n->head->prev = l;
	n->head = l;
}

/* FNV-1a over a host address, for its bucket. */
static struct trie_node **
host_bucket(const struct trie *t, unsigned fam, const uint8_t *addr)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < max_bits(fam) / 8; i++)
		h = (h ^ addr[i]) * 16777619u;
	return &t->hosts[fam][h & t->host_mask[fam]];
}

static struct trie_node *
host_find(const struct trie *t, unsigned fam, const uint8_t *addr)
{
	struct trie_node *n;

	if (!t->hosts[fam])
		return NULL;
	for (n = *host_bucket(t, fam, addr); n; n = n->next_host)
		if (!memcmp(n->key, addr, max_bits(fam) / 8))
			return n;
	return NULL;
}

/* Room for one more host: the buckets double when there would be more
 * hosts than buckets (a chain is one entry long on average). */
static int
host_reserve(struct trie *t, unsigned fam)
{
	size_t size = t->hosts[fam] ? (size_t)t->host_mask[fam] + 1 : 0, i;
	size_t grown = size ? 2 * size : 16;
	struct trie_node **old = t->hosts[fam], *n, *next, **b;

	if (t->nhosts[fam] < size)
		return 0;
	if (!(t->hosts[fam] = calloc(grown, sizeof(*old)))) {
		t->hosts[fam] = old;
		return -1;
	}
	t->host_mask[fam] = (uint32_t)grown - 1;
	for (i = 0; i < size; i++)
		for (n = old[i]; n; n = next) {
			next = n->next_host;
			b = host_bucket(t, fam, n->key);
			n->next_host = *b;
			*b = n;
		}
	free(old);
	return 0;
}

static int
host_insert(struct trie *t, unsigned fam, const uint8_t *key,
    struct trie_link *l)
{
	struct trie_node *n = host_find(t, fam, key), **b;

	if (!n) {
		if (host_reserve(t, fam) < 0 ||
		    !(n = node_new(t, key, max_bits(fam), fam, NULL)))
			return -1;
		b = host_bucket(t, fam, key);
		n->next_host = *b;
		*b = n;
		t->nhosts[fam]++;
	}
	attach(n, l);
	return 0;
}

/* Frees host node n if no entry is left on it. */
static void
host_prune(struct trie *t, struct trie_node *n)
{
	struct trie_node **b;

	if (n->head)
		return;
	for (b = host_bucket(t, n->fam, n->key); *b != n; b = &(*b)->next_host)
		;
	*b = n->next_host;
	t->nhosts[n->fam]--;
	t->nodes--;
	free(n);
}

int
trie_insert(struct trie *t, const struct tun_prefix *p, struct trie_link *l)
{
	unsigned fam = p->family == AF_INET6, bits = max_bits(fam);
	unsigned len = p->len > bits ? bits : p->len, c;
	struct trie_node **link = &t->root[fam], *parent = NULL, *n, *m, *g;
	uint8_t key[16];

	mask_key(key, p->addr, len, bits);
	if (len == bits)
		return host_insert(t, fam, key, l);
	for (;;) {
		if (!(n = *link)) {
			if (!(m = node_new(t, key, len, fam, parent)))
				return -1;
			*link = m;
			attach(m, l);
			return 0;
		}
		c = common_bits(key, n->key, len < n->len ? len : n->len);
		if (c == n->len && c == len) {
			attach(n, l);
			return 0;
		}
		if (c < n->len)
			break;
		parent = n;		/* n is a shorter prefix of key */
		link = &n->child[bit_at(key, n->len)];
	}
	/* key and n part at bit c: key itself is the fork (c == len), or a
	 * fork node of length c takes both. */
	if (!(m = node_new(t, key, len, fam, parent)))
		return -1;
	if (c == len) {
		m->child[bit_at(n->key, len)] = n;
		n->parent = m;
		*link = m;
	} else {
		if (!(g = node_new(t, key, c, fam, parent))) {
			free(m);
			t->nodes--;
			return -1;
		}
		g->child[bit_at(key, c)] = m;
		g->child[bit_at(n->key, c)] = n;
		m->parent = n->parent = g;
		*link = g;
	}
	attach(m, l);
	return 0;
}

/* Frees n and the forks above it that no longer fork or route. */
static void
prune(struct trie *t, struct trie_node *n)
{
	struct trie_node *p, *c, **slot;

	while (n && !n->head && !(n->child[0] && n->child[1])) {
		c = n->child[0] ? n->child[0] : n->child[1];
		p = n->parent;
		slot = p ? &p->child[p->child[1] == n] : &t->root[n->fam];
		*slot = c;
		if (c)
			c->parent = p;
		free(n);
		t->nodes--;
		n = c ? NULL : p;	/* p lost a child: it may go too */
	}
}

void
trie_remove(struct trie *t, struct trie_link *l)
{
	struct trie_node *n = l->node;

	if (!n)
		return;
	if (l->prev)
		l->prev->next = l->next;
	else
		n->head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	l->prev = l->next = NULL;
	l->node = NULL;
	if (n->len == max_bits(n->fam))
		host_prune(t, n);
	else
		prune(t, n);
}

struct trie_link *
trie_lookup(const struct trie *t, int family, const uint8_t *addr,
    bool (*accept)(const struct trie_link *l, void *arg), void *arg)
{
	const struct trie_node *hits[129], *n;
	unsigned fam = family == AF_INET6, k = 0;
	struct trie_link *l;

	if ((n = host_find(t, fam, addr)) != NULL)
		for (l = n->head; l; l = l->next)
			if (!accept || accept(l, arg))
				return l;
	/* the tree holds prefixes shorter than a host only */
	for (n = t->root[fam]; n; n = n->child[bit_at(addr, n->len)]) {
		if (common_bits(addr, n->key, n->len) < n->len)
			break;
		if (n->head)
			hits[k++] = n;
	}
	while (k-- > 0)
		for (l = hits[k]->head; l; l = l->next)
			if (!accept || accept(l, arg))
				return l;
	return NULL;
}

/* Frees n, its entries unlinked. */
static void
free_one(struct trie_node *n)
{
	struct trie_link *l;

	for (l = n->head; l; l = l->next)
		l->node = NULL;
	free(n);
}

static void
free_tree(struct trie_node *n)
{
	if (!n)
		return;
	free_tree(n->child[0]);
	free_tree(n->child[1]);
	free_one(n);
}

void
trie_free(struct trie *t)
{
	struct trie_node *n, *next;
	unsigned fam;
	size_t i;

	for (fam = 0; fam < 2; fam++) {
		free_tree(t->root[fam]);
		for (i = 0; t->hosts[fam] && i <= t->host_mask[fam]; i++)
			for (n = t->hosts[fam][i]; n; n = next) {
				next = n->next_host;
				free_one(n);
			}
		free(t->hosts[fam]);
	}
	memset(t, 0, sizeof(*t));
}
