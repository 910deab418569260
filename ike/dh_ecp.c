/*
 * ike/dh_ecp.c — group 19, the 256-bit random ECP group (RFC 5903 §3.1,
 * NIST P-256), with OpenSSL. The KE data is x | y, 32 bytes each, without
 * the SEC1 0x04 prefix (RFC 5903 §7); g^ir is the x-coordinate alone.
 */
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <string.h>

#include "ike/dh_internal.h"
#include "ike/ikev2_wire.h"

#define COORD_LEN	32
#define SEC1_LEN	(1 + 2 * COORD_LEN)	/* 0x04 | x | y */
#define CURVE		"prime256v1"

/* An EVP_PKEY from an uncompressed point and, for a key pair, the private
 * scalar. Caller frees. */
static EVP_PKEY *
pkey_from(const uint8_t *sec1, const BIGNUM *priv)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;

	if (bld == NULL || ctx == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    CURVE, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    sec1, SEC1_LEN) ||
	    (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
	    priv)) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* Our public point: d * G for a given scalar d, else a fresh key. */
static enum ike_dh_status
ecp_keygen(struct ike_dh *dh, const uint8_t *priv, size_t len)
{
	EC_GROUP *grp = NULL;
	EC_POINT *pt = NULL;
	BIGNUM *d = NULL;
	uint8_t sec1[SEC1_LEN];
	size_t n = 0;
	enum ike_dh_status st = IKE_DH_CRYPTO;

	if (priv == NULL) {
		dh->priv.pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		if (dh->priv.pkey == NULL ||
		    !EVP_PKEY_get_octet_string_param(dh->priv.pkey,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, sec1, sizeof(sec1), &n))
			goto out;
	} else {
		if (len != COORD_LEN) {
			st = IKE_DH_BAD_LENGTH;
			goto out;
		}
		grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
		pt = grp ? EC_POINT_new(grp) : NULL;
		d = BN_secure_new();
		if (pt == NULL || d == NULL || !BN_bin2bn(priv, COORD_LEN, d) ||
		    !EC_POINT_mul(grp, pt, d, NULL, NULL, NULL) ||
		    (n = EC_POINT_point2oct(grp, pt,
		    POINT_CONVERSION_UNCOMPRESSED, sec1, sizeof(sec1),
		    NULL)) != SEC1_LEN ||
		    (dh->priv.pkey = pkey_from(sec1, d)) == NULL)
			goto out;
	}
	if (n == SEC1_LEN && sec1[0] == POINT_CONVERSION_UNCOMPRESSED) {
		memcpy(dh->pub, sec1 + 1, 2 * COORD_LEN);
		st = IKE_DH_OK;
	}
out:
	BN_clear_free(d);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	ERR_clear_error();
	return st;
}

/* The peer's x | y names a point of the curve: both coordinates below p
 * and y^2 = x^3 - 3x + b (RFC 5903 §7; SP 800-56A §5.6.2.3.4). */
static bool
point_valid(const uint8_t *xy)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *pt = grp ? EC_POINT_new(grp) : NULL;
	BIGNUM *x = BN_bin2bn(xy, COORD_LEN, NULL);
	BIGNUM *y = BN_bin2bn(xy + COORD_LEN, COORD_LEN, NULL);
	BIGNUM *p = BN_new();
	bool ok;

	ok = pt && x && y && p && EC_GROUP_get_curve(grp, p, NULL, NULL, NULL) &&
	    BN_cmp(x, p) < 0 && BN_cmp(y, p) < 0 &&
	    EC_POINT_set_affine_coordinates(grp, pt, x, y, NULL) &&
	    EC_POINT_is_on_curve(grp, pt, NULL) == 1;
	BN_free(p);
	BN_free(y);
	BN_free(x);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	return ok;
}

static enum ike_dh_status
ecp_derive(const struct ike_dh *dh, const uint8_t *peer, uint8_t *out)
{
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t sec1[SEC1_LEN];
	size_t len = COORD_LEN;
	enum ike_dh_status st = IKE_DH_BAD_VALUE;

	if (!point_valid(peer))
		goto out;
	st = IKE_DH_CRYPTO;
	sec1[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(sec1 + 1, peer, 2 * COORD_LEN);
	if ((pkey = pkey_from(sec1, NULL)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->priv.pkey, NULL)) ==
	    NULL || EVP_PKEY_derive_init(ctx) <= 0 ||
	    EVP_PKEY_derive_set_peer(ctx, pkey) <= 0 ||
	    EVP_PKEY_derive(ctx, out, &len) <= 0 || len != COORD_LEN)
		goto out;
	st = IKE_DH_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return st;
}

static void
ecp_clear(struct ike_dh *dh)
{
	EVP_PKEY_free(dh->priv.pkey);
	dh->priv.pkey = NULL;
}

const struct dh_group ike_dh_ecp256 = {
	IKEV2_DH_ECP256, 2 * COORD_LEN, COORD_LEN,
	ecp_keygen, ecp_derive, ecp_clear,
};
