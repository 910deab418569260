/*
 * ike/dh_x25519.c — group 31, Curve25519 (RFC 8031, RFC 7748 §6.1) with
 * libsodium. Public value and secret are 32 bytes; an all-zero secret (a
 * small-order peer point) is refused (RFC 8031 §2, RFC 7748 §6.1).
 */
#include <sodium.h>
#include <string.h>

#include "ike/dh_internal.h"
#include "ike/ikev2_wire.h"

static enum ike_dh_status
x25519_keygen(struct ike_dh *dh, const uint8_t *priv, size_t len)
{
	if (priv == NULL)
		randombytes_buf(dh->priv.x25519, sizeof(dh->priv.x25519));
	else if (len == sizeof(dh->priv.x25519))
		memcpy(dh->priv.x25519, priv, len);
	else
		return IKE_DH_BAD_LENGTH;
	if (crypto_scalarmult_base(dh->pub, dh->priv.x25519) != 0)
		return IKE_DH_CRYPTO;
	return IKE_DH_OK;
}

static enum ike_dh_status
x25519_derive(const struct ike_dh *dh, const uint8_t *peer, uint8_t *out)
{
	/* libsodium returns -1 exactly for the all-zero result. */
	if (crypto_scalarmult(out, dh->priv.x25519, peer) != 0)
		return IKE_DH_BAD_VALUE;
	return IKE_DH_OK;
}

static void
x25519_clear(struct ike_dh *dh)
{
	sodium_memzero(dh->priv.x25519, sizeof(dh->priv.x25519));
}

const struct dh_group ike_dh_x25519 = {
	IKEV2_DH_CURVE25519, crypto_scalarmult_BYTES, crypto_scalarmult_BYTES,
	x25519_keygen, x25519_derive, x25519_clear,
};
