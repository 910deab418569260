/*
 * ike/dh_ecp.c — group 19, the 256-bit random ECP group (RFC 5903 §3.1,
 * NIST P-256), with OpenSSL. The KE data is x | y, 32 bytes each, without
 * the SEC1 0x04 prefix (RFC 5903 §7); g^ir is the x-coordinate alone.
 *
 * The arithmetic is OpenSSL's EC_POINT_mul on one EC_GROUP built once per
 * process, the routine ECDH itself ends in (constant time for a secret
 * scalar: ecp_nistz256 or the Montgomery ladder). The EVP route it
 * replaces (EVP_PKEY_Q_keygen, EVP_PKEY_fromdata, EVP_PKEY_derive) built a
 * new group and fetched the key manager for every key, and
 * EVP_PKEY_derive_set_peer checked the peer's point with a second full
 * scalar multiplication (by the group order): two thirds of the ECDH time
 * of a set-up under perf (doc/load.md). The peer's point is checked here as
 * SP 800-56A §5.6.2.3.4 asks for an ephemeral key on a curve of prime order
 * (cofactor 1): coordinates below p, on the curve, and a result that is not
 * the point at infinity.
 */
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <string.h>

#include "ike/dh_internal.h"
#include "ike/ikev2_wire.h"

#define COORD_LEN	32
#define SEC1_LEN	(1 + 2 * COORD_LEN)	/* 0x04 | x | y */

/* The curve and its field prime, read-only once built. */
static struct {
	EC_GROUP	*grp;
	BIGNUM		*p;
} p256;
static CRYPTO_ONCE p256_once = CRYPTO_ONCE_STATIC_INIT;

static void
p256_init(void)
{
	p256.grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	p256.p = BN_new();
	if (p256.grp == NULL || p256.p == NULL ||
	    !EC_GROUP_get_curve(p256.grp, p256.p, NULL, NULL, NULL)) {
		EC_GROUP_free(p256.grp);
		BN_free(p256.p);
		p256.grp = NULL;
		p256.p = NULL;
	}
}

static const EC_GROUP *
curve(void)
{
	if (!CRYPTO_THREAD_run_once(&p256_once, p256_init))
		return NULL;
	return p256.grp;
}

/* Our public point: d * G for a given scalar d, else a fresh d in
 * [1, n-1]. */
static enum ike_dh_status
ecp_keygen(struct ike_dh *dh, const uint8_t *priv, size_t len)
{
	const EC_GROUP *grp = curve();
	EC_POINT *pt = NULL;
	BIGNUM *d = BN_secure_new();
	uint8_t sec1[SEC1_LEN];
	enum ike_dh_status st = IKE_DH_CRYPTO;

	if (grp == NULL || d == NULL || (pt = EC_POINT_new(grp)) == NULL)
		goto out;
	if (priv == NULL) {
		do {
			if (!BN_priv_rand_range(d, EC_GROUP_get0_order(grp)))
				goto out;
		} while (BN_is_zero(d));
	} else if (len != COORD_LEN) {
		st = IKE_DH_BAD_LENGTH;
		goto out;
	} else if (!BN_bin2bn(priv, COORD_LEN, d)) {
		goto out;
	}
	BN_set_flags(d, BN_FLG_CONSTTIME);
	if (!EC_POINT_mul(grp, pt, d, NULL, NULL, NULL) ||
	    EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, sec1,
	    sizeof(sec1), NULL) != SEC1_LEN)
		goto out;
	memcpy(dh->pub, sec1 + 1, 2 * COORD_LEN);
	dh->priv.x = d;
	d = NULL;
	st = IKE_DH_OK;
out:
	BN_clear_free(d);
	EC_POINT_free(pt);
	ERR_clear_error();
	return st;
}

/* The peer's x | y as a point of the curve into pt: both coordinates below
 * p and y^2 = x^3 - 3x + b (RFC 5903 §7; SP 800-56A §5.6.2.3.4). */
static bool
point_set(const EC_GROUP *grp, const uint8_t *xy, EC_POINT *pt)
{
	BIGNUM *x = BN_bin2bn(xy, COORD_LEN, NULL);
	BIGNUM *y = BN_bin2bn(xy + COORD_LEN, COORD_LEN, NULL);
	bool ok;

	ok = x && y && BN_cmp(x, p256.p) < 0 && BN_cmp(y, p256.p) < 0 &&
	    EC_POINT_set_affine_coordinates(grp, pt, x, y, NULL) &&
	    EC_POINT_is_on_curve(grp, pt, NULL) == 1;
	BN_free(y);
	BN_free(x);
	return ok;
}

static enum ike_dh_status
ecp_derive(const struct ike_dh *dh, const uint8_t *peer, uint8_t *out)
{
	const EC_GROUP *grp = curve();
	EC_POINT *pt = grp ? EC_POINT_new(grp) : NULL;
	EC_POINT *z = grp ? EC_POINT_new(grp) : NULL;
	BIGNUM *x = BN_secure_new();
	enum ike_dh_status st = IKE_DH_CRYPTO;

	if (pt == NULL || z == NULL || x == NULL)
		goto out;
	if (!point_set(grp, peer, pt)) {
		st = IKE_DH_BAD_VALUE;
		goto out;
	}
	/* g^ir = d * Q; its x-coordinate is the shared secret (§7). */
	if (!EC_POINT_mul(grp, z, NULL, pt, dh->priv.x, NULL))
		goto out;
	if (EC_POINT_is_at_infinity(grp, z)) {
		st = IKE_DH_BAD_VALUE;
		goto out;
	}
	if (EC_POINT_get_affine_coordinates(grp, z, x, NULL, NULL) &&
	    BN_bn2binpad(x, out, COORD_LEN) == COORD_LEN)
		st = IKE_DH_OK;
out:
	BN_clear_free(x);
	EC_POINT_clear_free(z);
	EC_POINT_free(pt);
	ERR_clear_error();
	return st;
}

static void
ecp_clear(struct ike_dh *dh)
{
	BN_clear_free(dh->priv.x);
	dh->priv.x = NULL;
}

const struct dh_group ike_dh_ecp256 = {
	IKEV2_DH_ECP256, 2 * COORD_LEN, COORD_LEN,
	ecp_keygen, ecp_derive, ecp_clear,
};
