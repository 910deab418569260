/*
 * ike/dh.h — the Diffie-Hellman groups of IKEv2 behind one interface:
 * 14 (MODP-2048, RFC 3526 §3), 19 (ECP-256, RFC 5903) and 31 (Curve25519,
 * RFC 8031). Values are in Key Exchange payload encoding (RFC 7296 §3.4):
 * MODP zero-padded to the modulus length, ECP x | y (RFC 5903 §7), X25519
 * the 32-byte u-coordinate (RFC 8031 §2).
 *
 * The peer's value is checked before use: 1 < y < p-1 for MODP, a point on
 * the curve for ECP, and an all-zero X25519 result is refused.
 */
#ifndef UIPSEC_IKE_DH_H
#define UIPSEC_IKE_DH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/view.h"

#define IKE_DH_PUBLIC_MAX	256	/* MODP-2048 */
#define IKE_DH_SECRET_MAX	256

enum ike_dh_status {
	IKE_DH_OK = 0,
	IKE_DH_UNSUPPORTED,	/* uipsec does not implement the group */
	IKE_DH_BAD_LENGTH,	/* peer value is not the group's length */
	IKE_DH_BAD_VALUE,	/* out of range, not on the curve, zero result */
	IKE_DH_CRYPTO,		/* the crypto library failed */
};

/* g^ir (RFC 7296 §2.14): a secret, wiped by ike_dh_secret_wipe(). */
struct ike_dh_secret {
	uint8_t		b[IKE_DH_SECRET_MAX];
	size_t		len;
};

struct ike_dh;		/* one key pair of one group */

const char *ike_dh_status_str(enum ike_dh_status st);
/* Length of the group's public value, or 0 if unsupported. */
size_t	 ike_dh_public_len(uint16_t group);

/* A fresh key pair; *out is owned by the caller, freed (and wiped) with
 * ike_dh_free(). */
enum ike_dh_status ike_dh_new(struct ike_dh **out, uint16_t group);
/* A key pair from a given private value, for known-answer tests: the
 * big-endian exponent or scalar (MODP, ECP) or the 32-byte X25519 key. */
enum ike_dh_status ike_dh_new_private(struct ike_dh **out, uint16_t group,
	    const uint8_t *priv, size_t len);
void	 ike_dh_free(struct ike_dh *dh);	/* accepts NULL */

uint16_t ike_dh_group(const struct ike_dh *dh);
/* Our public value; borrowed until ike_dh_free(dh). */
struct ike_view ike_dh_public(const struct ike_dh *dh);
/* g^ir from the peer's public value (KE data, borrowed for the call). */
enum ike_dh_status ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer,
	    size_t len, struct ike_dh_secret *out);

void	 ike_dh_secret_wipe(struct ike_dh_secret *s);

#endif
