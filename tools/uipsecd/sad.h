/*
 * tools/uipsecd/sad.h — the daemon's SA and policy database (RFC 4301 §4.4):
 * for each configured connection an outbound and an inbound ESP SA, the
 * outbound choice by inner destination and the inbound policy check.
 * Manual SAs are built at start; IKE adds and removes CHILD_SAs between
 * batches (sad_add, sad_remove).
 */
#ifndef UIPSECD_SAD_H
#define UIPSECD_SAD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "esp/esp.h"

struct sad_conn {
	const struct cfg_conn	*cfg;		/* borrowed from the config */
	struct esp_sa		*out;
	struct esp_sa		*in;
};

/* Room for SAs added at run time (IKE CHILD_SAs) beside the manual ones. */
#define SAD_DYNAMIC_MAX	256

struct sad {
	struct sad_conn		*conns;
	unsigned		 nconns, cap;
	struct sad_conn		**by_spi;	/* open addressing, mask + 1 */
	uint32_t		 mask;
};

/* Creates every SA of cfg, which must outlive the sad. Returns 0, or -1
 * with a log line naming the connection. */
int	 sad_build(struct sad *sad, const struct cfg *cfg);
/* Adds the SA pair k describes (keys copied; k borrowed until removed).
 * Between data-plane batches only. 0, or -1 with a log line. */
int	 sad_add(struct sad *sad, const struct cfg_conn *k);
/* Removes the pair with this inbound SPI, wiping its keys; returns its
 * cfg_conn (for the caller to free), or NULL if there is none. Entries
 * move: sad_conn pointers are only good within one batch. */
const struct cfg_conn *sad_remove(struct sad *sad, uint32_t spi_in);
/* Frees every SA, wiping its keys. */
void	 sad_free(struct sad *sad);

/* Outbound (RFC 4301 §5.1): the connection whose remote_ts holds dst with
 * the longest prefix, if its local_ts also holds src; else NULL. Addresses
 * are 4 or 16 bytes as family says. */
struct sad_conn *sad_lookup_out(const struct sad *sad, int family,
	    const uint8_t *src, const uint8_t *dst);
/* Inbound: the connection whose inbound SA has this SPI, or NULL. */
struct sad_conn *sad_lookup_in(const struct sad *sad, uint32_t spi);
/* Inbound policy check after decryption (RFC 4301 §5.2): the inner packet
 * must come from the peer's remote_ts and go to our local_ts. */
bool	 sad_policy_in(const struct sad_conn *c, int family, const uint8_t *src,
	    const uint8_t *dst);

#endif
