/*
 * tools/uipsecd/trie.c — see trie.h. A path-compressed binary trie: every
 * node is a prefix (key and length); a node with entries is a prefix some
 * SA routes, one without is a fork that two longer prefixes share. So the
 * trie holds at most two nodes per distinct prefix, and a walk from the
 * root to the longest match visits one node per fork on the way.
 */
#include "trie.h"

#include <stdlib.h>
#include <string.h>

struct trie_node {
	uint8_t			 key[16];	/* bits past len are zero */
	uint8_t			 len;
	uint8_t			 fam;		/* index of root[] */
	struct trie_node	*child[2], *parent;
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

int
trie_insert(struct trie *t, const struct tun_prefix *p, struct trie_link *l)
{
	unsigned fam = p->family == AF_INET6, bits = max_bits(fam);
	unsigned len = p->len > bits ? bits : p->len, c;
	struct trie_node **link = &t->root[fam], *parent = NULL, *n, *m, *g;
	uint8_t key[16];

	mask_key(key, p->addr, len, bits);
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
	prune(t, n);
}

struct trie_link *
trie_lookup(const struct trie *t, int family, const uint8_t *addr,
    bool (*accept)(const struct trie_link *l, void *arg), void *arg)
{
	const struct trie_node *hits[129], *n;
	unsigned fam = family == AF_INET6, bits = max_bits(fam), k = 0;
	struct trie_link *l;

	for (n = t->root[fam]; n; n = n->child[bit_at(addr, n->len)]) {
		if (common_bits(addr, n->key, n->len) < n->len)
			break;
		if (n->head)
			hits[k++] = n;
		if (n->len == bits)
			break;
	}
	while (k-- > 0)
		for (l = hits[k]->head; l; l = l->next)
			if (!accept || accept(l, arg))
				return l;
	return NULL;
}

static void
free_node(struct trie_node *n)
{
	struct trie_link *l;

	if (!n)
		return;
	free_node(n->child[0]);
	free_node(n->child[1]);
	for (l = n->head; l; l = l->next)
		l->node = NULL;
	free(n);
}

void
trie_free(struct trie *t)
{
	free_node(t->root[0]);
	free_node(t->root[1]);
	memset(t, 0, sizeof(*t));
}
