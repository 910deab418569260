/*
 * tools/uipsecd/trie.h — longest-prefix match over IPv4 and IPv6 prefixes
 * (a path-compressed binary trie, one per family), for the outbound SA
 * choice by inner destination (RFC 4301 §4.4.1: the SPD lookup, here over
 * the remote traffic selectors of every installed CHILD_SA), and for the
 * routes into the TUN already added (routes.h).
 *
 * The caller owns the entries: a struct trie_link embedded in its own
 * record is hung on the node of its prefix, so one prefix carries any
 * number of entries (two CHILD_SAs while one is rekeyed: RFC 7296 §2.8),
 * newest first. Nodes are allocated on insert and freed on remove; a
 * lookup allocates nothing and costs a hash probe plus at most one step
 * per prefix bit.
 */
#ifndef UIPSECD_TRIE_H
#define UIPSECD_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "tun/tun.h"

struct trie_node;

/* Embedded in the caller's record; owner is the caller's (the record, to
 * find it back from a lookup), the other fields are the trie's. */
struct trie_link {
	void			*owner;
	struct trie_link	*prev, *next;	/* same prefix, newest first */
	struct trie_node	*node;		/* NULL: not in a trie */
};

struct trie {
	struct trie_node	*root[2];	/* IPv4, IPv6 */
	/* Host prefixes (/32, /128: each CCU's virtual IP, most of what a
	 * concentrator routes) are not in the tree, where each would cost a
	 * fork beside its node, but in a chained hash table per family:
	 * the longest possible match, looked up first. */
	struct trie_node	**hosts[2];
	uint32_t		 host_mask[2];	/* buckets - 1 */
	size_t			 nhosts[2];
	size_t			 nodes;		/* for tests and status */
};

/* Hangs l (not in a trie yet; borrowed until trie_remove) on prefix p:
 * the bits past p->len are ignored. 0, or -1 when out of memory. */
int	 trie_insert(struct trie *t, const struct tun_prefix *p,
	    struct trie_link *l);
/* Takes l off its prefix; nodes left without entries go. Accepts a link
 * that is in no trie. */
void	 trie_remove(struct trie *t, struct trie_link *l);
/* The entries whose prefix holds addr (4 or 16 bytes as family says),
 * longest prefix first and, on one prefix, newest first: the first for
 * which accept returns true (accept NULL: the first), or NULL. */
struct trie_link *trie_lookup(const struct trie *t, int family,
	    const uint8_t *addr,
	    bool (*accept)(const struct trie_link *l, void *arg), void *arg);
/* Frees every node (the entries stay the caller's, unlinked). */
void	 trie_free(struct trie *t);

#endif
