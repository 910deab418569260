/*
 * ike/ts.h — traffic selectors: configured prefixes to the wire's address
 * ranges and back, and narrowing (RFC 7296 §2.9).
 */
#ifndef UIPSEC_IKE_TS_H
#define UIPSEC_IKE_TS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "ike/config.h"
#include "ike/message.h"

/* A configured selector as a range; `dynamic` becomes the host address
 * `dyn` (the outer address, or a virtual IP when not NULL). */
void	 ike_ts_from_cfg(const struct ike_ts_cfg *c,
	    const struct ike_prefix *dyn, struct ike_ts *out);
/* The whole address space of a family (what an initiator asking for a
 * virtual IP proposes as TSi). */
void	 ike_ts_any(int family, struct ike_ts *out);
/* The smallest prefix covering the range (exact for prefixes). */
void	 ike_ts_to_cfg(const struct ike_ts *t, struct ike_ts_cfg *out);
/* The host prefix of an address. */
void	 ike_prefix_from_sockaddr(const struct sockaddr_storage *a,
	    struct ike_prefix *out);

/* §2.9: every non-empty intersection of a received selector with one of
 * ours, in the received order, into out[0..cap). Returns the count. */
size_t	 ike_ts_narrow(const struct ike_ts *peer, size_t n_peer,
	    const struct ike_ts *ours, size_t n_ours, struct ike_ts *out,
	    size_t cap);

#endif
