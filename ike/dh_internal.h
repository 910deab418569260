/*
 * ike/dh_internal.h — one implementation per group behind dh.h; dh.c holds
 * the table and the shared checks.
 */
#ifndef UIPSEC_IKE_DH_INTERNAL_H
#define UIPSEC_IKE_DH_INTERNAL_H

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "ike/dh.h"

struct dh_group;

struct ike_dh {
	const struct dh_group	*g;
	uint8_t			 pub[IKE_DH_PUBLIC_MAX];
	union {
		BIGNUM		*x;		/* MODP exponent, ECP scalar */
		uint8_t		 x25519[32];
	} priv;
};

struct dh_group {
	uint16_t	 id;
	size_t		 pub_len;
	size_t		 secret_len;
	/* Sets dh->priv and dh->pub; priv NULL: a random private value. */
	enum ike_dh_status (*keygen)(struct ike_dh *dh, const uint8_t *priv,
		    size_t len);
	/* peer has pub_len bytes; out gets secret_len bytes. */
	enum ike_dh_status (*derive)(const struct ike_dh *dh,
		    const uint8_t *peer, uint8_t *out);
	void		(*clear)(struct ike_dh *dh);
};

extern const struct dh_group ike_dh_modp2048;	/* dh_modp.c */
extern const struct dh_group ike_dh_ecp256;	/* dh_ecp.c */
extern const struct dh_group ike_dh_x25519;	/* dh_x25519.c */

#endif
