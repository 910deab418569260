/*
 * ike/sa_index.h — IKE SAs by peer identity (the IDi/IDr the peer proved
 * at IKE_AUTH), for the uniqueness policy and INITIAL_CONTACT (RFC 7296
 * §2.4) and `uipsec status --id`: a hash whose cost does not grow with
 * the number of tunnels. Intrusive (struct ike_sa next_peer): adding an
 * SA allocates nothing but, now and then, a larger bucket array.
 */
#ifndef UIPSEC_IKE_SA_INDEX_H
#define UIPSEC_IKE_SA_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certs/certs.h"

struct ike_sa;

struct ike_peer_index {
	struct ike_sa	**b;
	size_t		  nb, n;
	uint8_t		  key[16];	/* SipHash key: peers choose IDs */
};

void	 ike_peer_index_init(struct ike_peer_index *x);
/* Frees the buckets, not the SAs. */
void	 ike_peer_index_free(struct ike_peer_index *x);
/* Indexes sa by its peer's identity (which must not change while
 * indexed); false if no memory or sa has none (sa then stays out of the
 * index, logged by the caller). */
bool	 ike_peer_index_add(struct ike_peer_index *x, struct ike_sa *sa);
/* Accepts an SA that is not indexed. */
void	 ike_peer_index_remove(struct ike_peer_index *x, struct ike_sa *sa);
/* The indexed SA after prev (NULL: the first) whose peer identity is id. */
struct ike_sa *ike_peer_index_next(const struct ike_peer_index *x,
	    const struct certs_id *id, const struct ike_sa *prev);

#endif
