/*
 * ike/prf.h — the IKEv2 pseudorandom functions and prf+ (RFC 7296 §2.13):
 * PRF_HMAC_SHA1 (RFC 2104), PRF_HMAC_SHA2_256/384/512 (RFC 4868), through
 * OpenSSL's EVP_MAC. Every temporary is wiped before returning.
 */
#ifndef UIPSEC_IKE_PRF_H
#define UIPSEC_IKE_PRF_H

#include <stddef.h>
#include <stdint.h>

#include "ike/view.h"

#define IKE_PRF_MAX_LEN		64	/* SHA-512 */
#define IKE_PRF_PLUS_MAX_BLOCKS	255	/* the counter is one octet */

/* Output length of PRF transform `prf` (also its preferred key length,
 * §2.14), or 0 if uipsec does not implement it. */
size_t	 ike_prf_len(uint16_t prf);

/* out = prf(key, parts[0] | parts[1] | ...); out has ike_prf_len(prf)
 * bytes. Returns 0, or -1 for an unknown PRF or a crypto failure. */
int	 ike_prf(uint16_t prf, const uint8_t *key, size_t key_len,
	    const struct ike_view *parts, size_t n_parts, uint8_t *out);

/* prf+ (§2.13): out = T1 | T2 | ... cut to out_len, where
 *   T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n),
 * and S is seed[0] | seed[1] | .... Returns -1 when out_len needs more
 * than 255 blocks, for an unknown PRF, or on a crypto failure. */
int	 ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len,
	    const struct ike_view *seed, size_t n_seed, uint8_t *out,
	    size_t out_len);

#endif
