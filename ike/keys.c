/*
 * ike/keys.c — SKEYSEED, SK_* and CHILD_SA KEYMAT (RFC 7296 §2.14, §2.17,
 * §2.18); see keys.h. The derived stream is cut straight into the key
 * fields in RFC order, then the stream and SKEYSEED are wiped.
 */
#include "ike/keys.h"

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "common/buf.h"

/* The most key material one derivation produces: 3 PRF keys, 2 integrity
 * keys and 2 encryption keys at their maxima. */
#define KEYMAT_MAX	(3 * IKE_PRF_MAX_LEN + 2 * IKE_INTEG_KEY_MAX + \
			 2 * IKE_ENCR_KEY_MAX)

/* Copies the next len bytes of the stream into dst. */
static void
take(uint8_t *dst, const uint8_t *stream, size_t *off, size_t len)
{
	memcpy(dst, stream + *off, len);
	*off += len;
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *     = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)                    (§2.14) */
static int
sa_keys_from_skeyseed(struct ike_sa_keys *k, struct ike_auth_keys *auth,
    const uint8_t *skeyseed, size_t skeyseed_len,
    const struct ike_kdf_input *in)
{
	uint8_t spis[16], stream[KEYMAT_MAX];
	struct ike_view seed[3] = { in->ni, in->nr, { spis, sizeof(spis) } };
	size_t total, off = 0;
	int ret = -1;

	buf_store_u32(spis, (uint32_t)(in->spi_i >> 32));
	buf_store_u32(spis + 4, (uint32_t)in->spi_i);
	buf_store_u32(spis + 8, (uint32_t)(in->spi_r >> 32));
	buf_store_u32(spis + 12, (uint32_t)in->spi_r);
	/* prf+ is a stream: leaving out SK_pi | SK_pr, its tail, changes
	 * nothing before. */
	total = (auth != NULL ? 3 : 1) * (size_t)k->prf_len +
	    2 * (size_t)k->integ_len + 2 * (size_t)k->encr_len;
	if (ike_prf_plus(k->prf, skeyseed, skeyseed_len, seed, 3, stream,
	    total) != 0)
		goto out;
	take(k->sk_d, stream, &off, k->prf_len);
	take(k->sk_ai, stream, &off, k->integ_len);
	take(k->sk_ar, stream, &off, k->integ_len);
	take(k->sk_ei, stream, &off, k->encr_len);
	take(k->sk_er, stream, &off, k->encr_len);
	if (auth != NULL) {
		take(auth->sk_pi, stream, &off, k->prf_len);
		take(auth->sk_pr, stream, &off, k->prf_len);
	}
	ret = 0;
out:
	sodium_memzero(stream, sizeof(stream));
	return ret;
}

static int
sa_keys_init(struct ike_sa_keys *k, uint16_t prf, size_t integ_len,
    size_t encr_len)
{
	ike_sa_keys_wipe(k);
	if (ike_prf_len(prf) == 0 || integ_len > IKE_INTEG_KEY_MAX ||
	    encr_len > IKE_ENCR_KEY_MAX)
		return -1;
	k->prf = prf;
	k->prf_len = (uint8_t)ike_prf_len(prf);
	k->integ_len = (uint8_t)integ_len;
	k->encr_len = (uint8_t)encr_len;
	return 0;
}

/* The last step of both IKE SA derivations: the keys from SKEYSEED if the
 * steps before succeeded, then SKEYSEED wiped, and k wiped on failure. */
static int
sa_keys_finish(struct ike_sa_keys *k, struct ike_auth_keys *auth, bool ok,
    uint8_t *skeyseed, size_t skeyseed_len, const struct ike_kdf_input *in)
{
	int ret = ok ? sa_keys_from_skeyseed(k, auth, skeyseed, skeyseed_len,
	    in) : -1;

	sodium_memzero(skeyseed, IKE_PRF_MAX_LEN);
	if (ret != 0) {
		ike_sa_keys_wipe(k);
		ike_auth_keys_wipe(auth);
	}
	return ret;
}

int
ike_sa_keys_derive(struct ike_sa_keys *k, struct ike_auth_keys *auth,
    uint16_t prf, size_t integ_len, size_t encr_len,
    const struct ike_kdf_input *in)
{
	uint8_t skeyseed[IKE_PRF_MAX_LEN], nonces[2 * 256];
	bool ok;

	ok = sa_keys_init(k, prf, integ_len, encr_len) == 0 &&
	    in->ni.len + in->nr.len <= sizeof(nonces);
	if (ok) {
		/* SKEYSEED = prf(Ni | Nr, g^ir): the nonces are the key. */
		memcpy(nonces, in->ni.p, in->ni.len);
		memcpy(nonces + in->ni.len, in->nr.p, in->nr.len);
		ok = ike_prf(prf, nonces, in->ni.len + in->nr.len, &in->gir, 1,
		    skeyseed) == 0;
	}
	return sa_keys_finish(k, auth, ok, skeyseed, k->prf_len, in);
}

int
ike_sa_keys_rekey(struct ike_sa_keys *k, const struct ike_sa_keys *old,
    uint16_t prf, size_t integ_len, size_t encr_len,
    const struct ike_kdf_input *in)
{
	uint8_t skeyseed[IKE_PRF_MAX_LEN];
	struct ike_view parts[3] = { in->gir, in->ni, in->nr };
	bool ok;

	if (k == old)
		return -1;
	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr): the exchange
	 * belongs to the old SA, so the old PRF makes it (§2.18). */
	ok = sa_keys_init(k, prf, integ_len, encr_len) == 0 &&
	    ike_prf(old->prf, old->sk_d, old->prf_len, parts, 3,
	    skeyseed) == 0;
	return sa_keys_finish(k, NULL, ok, skeyseed, old->prf_len, in);
}

int
ike_child_keys_derive(struct ike_child_keys *k, const struct ike_sa_keys *sa,
    size_t encr_len, size_t integ_len, const struct ike_kdf_input *in)
{
	uint8_t stream[2 * IKE_ENCR_KEY_MAX + 2 * IKE_INTEG_KEY_MAX];
	struct ike_view seed[3] = { in->gir, in->ni, in->nr };
	size_t off = 0;
	int ret = -1;

	ike_child_keys_wipe(k);
	if (encr_len > IKE_ENCR_KEY_MAX || integ_len > IKE_INTEG_KEY_MAX)
		goto out;
	k->encr_len = encr_len;
	k->integ_len = integ_len;
	/* KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) */
	if (ike_prf_plus(sa->prf, sa->sk_d, sa->prf_len, seed, 3, stream,
	    2 * (encr_len + integ_len)) != 0)
		goto out;
	take(k->encr_i, stream, &off, encr_len);
	take(k->integ_i, stream, &off, integ_len);
	take(k->encr_r, stream, &off, encr_len);
	take(k->integ_r, stream, &off, integ_len);
	ret = 0;
out:
	sodium_memzero(stream, sizeof(stream));
	if (ret != 0)
		ike_child_keys_wipe(k);
	return ret;
}

void
ike_sa_keys_wipe(struct ike_sa_keys *k)
{
	if (k != NULL)
		sodium_memzero(k, sizeof(*k));
}

void
ike_auth_keys_wipe(struct ike_auth_keys *k)
{
	if (k != NULL)
		sodium_memzero(k, sizeof(*k));
}

void
ike_child_keys_wipe(struct ike_child_keys *k)
{
	if (k != NULL)
		sodium_memzero(k, sizeof(*k));
}
