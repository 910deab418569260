/*
 * tools/uipsecd/sad.h — the daemon's SA and policy database (RFC 4301 §4.4):
 * for each configured connection an outbound and an inbound ESP SA, the
 * outbound choice by inner destination and the inbound policy check.
 * Manual SAs are built at start; IKE adds and removes CHILD_SAs between
 * batches (sad_add, sad_remove). Lookups do not grow with the number of
 * SAs: inbound by SPI in a hash table, outbound by longest-prefix match
 * in a trie of every SA's remote_ts (trie.h). No fixed limit on SAs.
 */
#ifndef UIPSECD_SAD_H
#define UIPSECD_SAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"
#include "esp/esp.h"
#include "ike/ike.h"
#include "trie.h"

/*
 * One SA pair as the data plane needs it, allocated with its selectors:
 * what describes it (a cfg_conn, with the keys) is read by sad_build or
 * sad_add and not kept — a concentrator holds thousands of these. ts[]
 * holds the nlocal_ts local selectors, then the nremote_ts remote ones;
 * routes[] (after them) hangs each remote one on the trie.
 */
struct sad_conn {
	struct esp_sa		*out;
	struct esp_sa		*in;
	const char		*name;		/* borrowed (the config's) */
	void			*owner;		/* sad_add's; NULL: manual SA */
	union ike_sockaddr		 local;
	union ike_sockaddr		 remote;	/* where out sends (may move) */
	uint32_t		 spi_in, spi_out;
	unsigned		 idx;		/* in sad.conns */
	uint16_t		 aes_key_len;	/* bits, for status */
	uint8_t			 suite;		/* enum esp_suite */
	bool			 esn;
	uint8_t			 nlocal_ts, nremote_ts;
	const struct tun_prefix	*local_ts, *remote_ts;	/* into ts[] */
	struct trie_link	*routes;	/* nremote_ts, after ts[] */
	struct tun_prefix	 ts[];
};

struct sad {
	/* The keyed cipher contexts every SA of the sad binds when it
	 * carries a packet (NULL: each SA has its own). */
	struct esp_ctx_cache	*cache;
	struct sad_conn		**conns;	/* nconns of them, any order */
	unsigned		 nconns, cap;
	struct sad_conn		**by_spi;	/* open addressing, mask + 1 */
	uint32_t		 mask;
	struct trie		 routes;	/* remote_ts -> sad_conn */
};

/* Creates the context cache (cfg->cipher_contexts) and every SA of cfg,
 * which must outlive the sad (the entries borrow the connections' names).
 * Returns 0, or -1 with a log line naming the connection. */
int	 sad_build(struct sad *sad, const struct cfg *cfg);
/* Adds the SA pair k describes: k is read during the call only (keys
 * copied into the SAs; the caller wipes its copy); name is borrowed until
 * removal; owner is the caller's, for sad_remove to return (not NULL).
 * Between data-plane batches only. Outbound, it takes over from an older
 * pair with the same remote_ts (make-before-break rekeying, RFC 7296
 * §2.8) — at once when routed, else when sad_route() is called (a rekey's
 * responder: the peer may not have the new inbound SA yet). 0, or -1 with
 * a log line. */
int	 sad_add(struct sad *sad, const struct cfg_conn *k, const char *name,
	    void *owner, bool routed);
/* Outbound traffic to the remote_ts of the pair with this inbound SPI
 * takes this pair from now on. 0, or -1 (none, or no memory). */
int	 sad_route(struct sad *sad, uint32_t spi_in);
/* Removes the pair with this inbound SPI, wiping its keys; returns its
 * owner, or NULL if there is none (or it is a manual SA). The other
 * entries stay where they are; their order in conns[] changes. */
void	*sad_remove(struct sad *sad, uint32_t spi_in);
/* Frees every SA, wiping its keys, then the context cache. */
void	 sad_free(struct sad *sad);

/* Outbound (RFC 4301 §5.1): of the connections whose remote_ts holds dst
 * and whose local_ts holds src, the one with the longest remote prefix
 * (the newest on a tie); else NULL. Addresses are 4 or 16 bytes as family
 * says. Allocates nothing. */
struct sad_conn *sad_lookup_out(const struct sad *sad, int family,
	    const uint8_t *src, const uint8_t *dst);
/* Whether some connection's remote_ts holds dst, whatever the source. */
bool	 sad_routes_dst(const struct sad *sad, int family, const uint8_t *dst);
/* Inbound: the connection whose inbound SA has this SPI, or NULL. */
struct sad_conn *sad_lookup_in(const struct sad *sad, uint32_t spi);
/* Inbound policy check after decryption (RFC 4301 §5.2): the inner packet
 * must come from the peer's remote_ts and go to our local_ts. */
bool	 sad_policy_in(const struct sad_conn *c, int family, const uint8_t *src,
	    const uint8_t *dst);


#endif
