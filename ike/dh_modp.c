/*
 * ike/dh_modp.c — group 14, the 2048-bit MODP group of RFC 3526 §3
 * (generator 2), with OpenSSL's constant-time modular exponentiation.
 *
 * The private exponent has 256 bits, twice the ~110-bit strength of the
 * group (RFC 3526 §8 asks for at least twice). Public value and g^ir are
 * 256 bytes, zero-padded (RFC 7296 §3.4, §2.14).
 */
#include <openssl/bn.h>
#include <openssl/err.h>

#include "ike/dh_internal.h"
#include "ike/ikev2_wire.h"

#define MODP_LEN	256
#define EXP_BITS	256

/* y = base^x mod p, written zero-padded to out. */
static enum ike_dh_status
modp_exp(const BIGNUM *base, const BIGNUM *x, const BIGNUM *p, BN_CTX *ctx,
    uint8_t *out)
{
	BIGNUM *y = BN_secure_new();
	enum ike_dh_status st = IKE_DH_CRYPTO;

	if (y != NULL && BN_mod_exp_mont_consttime(y, base, x, p, ctx, NULL) &&
	    BN_bn2binpad(y, out, MODP_LEN) == MODP_LEN)
		st = IKE_DH_OK;
	BN_clear_free(y);
	return st;
}

static enum ike_dh_status
modp_keygen(struct ike_dh *dh, const uint8_t *priv, size_t len)
{
	BN_CTX *ctx = BN_CTX_secure_new();
	BIGNUM *p = BN_get_rfc3526_prime_2048(NULL), *g = BN_new();
	enum ike_dh_status st = IKE_DH_CRYPTO;

	dh->priv.x = BN_secure_new();
	if (ctx == NULL || p == NULL || g == NULL || dh->priv.x == NULL ||
	    !BN_set_word(g, 2))
		goto out;
	if (priv == NULL) {
		if (!BN_priv_rand_ex(dh->priv.x, EXP_BITS, BN_RAND_TOP_ONE,
		    BN_RAND_BOTTOM_ANY, 0, ctx))
			goto out;
	} else if (len > MODP_LEN || !BN_bin2bn(priv, (int)len, dh->priv.x) ||
	    BN_is_zero(dh->priv.x)) {
		st = IKE_DH_BAD_VALUE;
		goto out;
	}
	BN_set_flags(dh->priv.x, BN_FLG_CONSTTIME);
	st = modp_exp(g, dh->priv.x, p, ctx, dh->pub);
out:
	BN_free(g);
	BN_free(p);
	BN_CTX_free(ctx);
	return st;
}

static enum ike_dh_status
modp_derive(const struct ike_dh *dh, const uint8_t *peer, uint8_t *out)
{
	BN_CTX *ctx = BN_CTX_secure_new();
	BIGNUM *p = BN_get_rfc3526_prime_2048(NULL), *y = BN_new();
	BIGNUM *pm1 = BN_new();
	enum ike_dh_status st = IKE_DH_CRYPTO;

	if (ctx == NULL || p == NULL || y == NULL || pm1 == NULL ||
	    !BN_bin2bn(peer, MODP_LEN, y) || !BN_sub(pm1, p, BN_value_one()))
		goto out;
	/* 1 < y < p-1: 0, 1 and p-1 would force the secret (RFC 7296 §2.14
	 * is silent; NIST SP 800-56A §5.6.2.3.1 asks for the range check). */
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0) {
		st = IKE_DH_BAD_VALUE;
		goto out;
	}
	st = modp_exp(y, dh->priv.x, p, ctx, out);
out:
	BN_free(pm1);
	BN_free(y);
	BN_free(p);
	BN_CTX_free(ctx);
	ERR_clear_error();
	return st;
}

static void
modp_clear(struct ike_dh *dh)
{
	BN_clear_free(dh->priv.x);
	dh->priv.x = NULL;
}

const struct dh_group ike_dh_modp2048 = {
	IKEV2_DH_MODP2048, MODP_LEN, MODP_LEN,
	modp_keygen, modp_derive, modp_clear,
};
