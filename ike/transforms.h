/*
 * ike/transforms.h — what uipsec knows about each transform (RFC 7296
 * §3.3.2): its strongSwan keyword, its name in strongSwan's log style, its
 * key material length, and whether uipsec implements it for IKE and/or
 * ESP. One table in transforms.c.
 */
#ifndef UIPSEC_IKE_TRANSFORMS_H
#define UIPSEC_IKE_TRANSFORMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/message.h"

#define IKE_ALG_IKE	0x01	/* implemented for the IKE SA */
#define IKE_ALG_ESP	0x02	/* implemented for ESP CHILD_SAs */

struct ike_alg {
	uint8_t		 type;		/* IKEV2_XF_* */
	uint16_t	 id;
	uint16_t	 key_bits;	/* Key Length attribute; 0: none sent */
	const char	*token;		/* strongSwan keyword; NULL: name only */
	const char	*name;		/* as strongSwan logs it */
	uint8_t		 key_len;	/* encryption key incl. salt, integrity
					 * key, or PRF output, in bytes */
	bool		 aead;
	uint8_t		 where;		/* IKE_ALG_IKE | IKE_ALG_ESP; 0: name
					 * only, for logging what peers offer */
};

/* The entry for a transform as it appears on the wire, or NULL. */
const struct ike_alg *ike_alg_find(const struct ike_transform *t);
/* The entry for a strongSwan keyword (len bytes of token) implemented
 * `where`, or NULL. */
const struct ike_alg *ike_alg_by_token(const char *token, size_t len,
	    uint8_t where);

/* The entry whose log name (len bytes, as ike_transform_name() writes it
 * for a known transform) is `name`, of transform type `type` (IKEV2_XF_*;
 * 0: any type), or NULL. For key logs and charon's "selected proposal". */
const struct ike_alg *ike_alg_by_name(uint8_t type, const char *name,
	    size_t len);

/* Appends the transform's log name to out (strongSwan style, e.g.
 * "AES_CBC_256", "PRF_HMAC_SHA2_256", "ECP_256"; unknown ones as
 * "ENCR_99"). Returns the characters snprintf would have written. */
int	 ike_transform_name(const struct ike_transform *t, char *out,
	    size_t cap);

#endif
