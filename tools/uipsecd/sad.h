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

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "esp/esp.h"
#include "trie.h"

struct sad_conn {
	const struct cfg_conn	*cfg;		/* borrowed from the config */
	struct esp_sa		*out;
	struct esp_sa		*in;
	unsigned		 idx;		/* in sad.conns */
	struct trie_link	 routes[CFG_MAX_TS];	/* cfg->remote_ts */
};

struct sad {
	struct sad_conn		**conns;	/* nconns of them, any order */
	unsigned		 nconns, cap;
	struct sad_conn		**by_spi;	/* open addressing, mask + 1 */
	uint32_t		 mask;
	struct trie		 routes;	/* remote_ts -> sad_conn */
};

/* Creates every SA of cfg, which must outlive the sad. Returns 0, or -1
 * with a log line naming the connection. */
int	 sad_build(struct sad *sad, const struct cfg *cfg);
/* Adds the SA pair k describes (keys copied; k borrowed until removed).
 * Between data-plane batches only. Outbound, it takes over from an older
 * pair with the same remote_ts (make-before-break rekeying, RFC 7296
 * §2.8) — at once when routed, else when sad_route() is called (a rekey's
 * responder: the peer may not have the new inbound SA yet). 0, or -1 with
 * a log line. */
int	 sad_add(struct sad *sad, const struct cfg_conn *k, bool routed);
/* Outbound traffic to the remote_ts of the pair with this inbound SPI
 * takes this pair from now on. 0, or -1 (none, or no memory). */
int	 sad_route(struct sad *sad, uint32_t spi_in);
/* Removes the pair with this inbound SPI, wiping its keys; returns its
 * cfg_conn (for the caller to free), or NULL if there is none. The other
 * entries stay where they are; their order in conns[] changes. */
const struct cfg_conn *sad_remove(struct sad *sad, uint32_t spi_in);
/* Frees every SA, wiping its keys. */
void	 sad_free(struct sad *sad);

/* Outbound (RFC 4301 §5.1): of the connections whose remote_ts holds dst
 * and whose local_ts holds src, the one with the longest remote prefix
 * (the newest on a tie); else NULL. Addresses are 4 or 16 bytes as family
 * says. Allocates nothing. */
struct sad_conn *sad_lookup_out(const struct sad *sad, int family,
	    const uint8_t *src, const uint8_t *dst);
/* Inbound: the connection whose inbound SA has this SPI, or NULL. */
struct sad_conn *sad_lookup_in(const struct sad *sad, uint32_t spi);
/* Inbound policy check after decryption (RFC 4301 §5.2): the inner packet
 * must come from the peer's remote_ts and go to our local_ts. */
bool	 sad_policy_in(const struct sad_conn *c, int family, const uint8_t *src,
	    const uint8_t *dst);

#endif
