/*
 * ike/keys.h — IKE SA and CHILD_SA key material (RFC 7296 §2.14, §2.17,
 * §2.18), held in secret structs that only ike_*_keys_wipe() clears: call
 * it before the memory is freed or reused.
 */
#ifndef UIPSEC_IKE_KEYS_H
#define UIPSEC_IKE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "ike/prf.h"
#include "ike/view.h"

/* Longest keys: an integrity key is at most a SHA-512 block output; an
 * encryption key at most AES-256 plus the 4-byte salt of GCM (RFC 5282
 * §7.1) or ChaCha20-Poly1305 (RFC 7634 §4). */
#define IKE_INTEG_KEY_MAX	64
#define IKE_ENCR_KEY_MAX	36

/* What an IKE SA keeps for its life (one per SA on a concentrator holding
 * thousands: lengths in octets). */
struct ike_sa_keys {
	uint16_t	prf;		/* PRF transform, for AUTH and rekeys */
	uint8_t		prf_len;	/* SK_d, SK_pi, SK_pr */
	uint8_t		integ_len;	/* SK_ai, SK_ar (0 with an AEAD) */
	uint8_t		encr_len;	/* SK_ei, SK_er */
	uint8_t		sk_d[IKE_PRF_MAX_LEN];
	uint8_t		sk_ai[IKE_INTEG_KEY_MAX];
	uint8_t		sk_ar[IKE_INTEG_KEY_MAX];
	uint8_t		sk_ei[IKE_ENCR_KEY_MAX];
	uint8_t		sk_er[IKE_ENCR_KEY_MAX];
};

/* SK_pi and SK_pr (prf_len octets each): for the AUTH payloads of
 * IKE_AUTH only (§2.15), so they live apart from the SA's lasting keys. */
struct ike_auth_keys {
	uint8_t		sk_pi[IKE_PRF_MAX_LEN];
	uint8_t		sk_pr[IKE_PRF_MAX_LEN];
};

/* Keys of one CHILD_SA: "i" protects traffic from the initiator of the
 * exchange that created it, "r" the other direction (§2.17). */
struct ike_child_keys {
	size_t		encr_len;
	size_t		integ_len;
	uint8_t		encr_i[IKE_ENCR_KEY_MAX];
	uint8_t		integ_i[IKE_INTEG_KEY_MAX];
	uint8_t		encr_r[IKE_ENCR_KEY_MAX];
	uint8_t		integ_r[IKE_INTEG_KEY_MAX];
};

/* The inputs both ends agree on in IKE_SA_INIT (or CREATE_CHILD_SA). All
 * borrowed for the call. */
struct ike_kdf_input {
	struct ike_view	 gir;		/* DH shared secret, §2.14 encoding */
	struct ike_view	 ni;
	struct ike_view	 nr;
	uint64_t	 spi_i;
	uint64_t	 spi_r;
};

/* New IKE SA (§2.14):
 *   SKEYSEED = prf(Ni | Nr, g^ir)
 *   {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *       = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * SK_pi and SK_pr go to *auth. Returns 0, or -1 (k and auth wiped) for an
 * unknown PRF, lengths over the maxima above, or a crypto failure. */
int	 ike_sa_keys_derive(struct ike_sa_keys *k, struct ike_auth_keys *auth,
	    uint16_t prf, size_t integ_len, size_t encr_len,
	    const struct ike_kdf_input *in);

/* Rekeyed IKE SA (§2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)
 * with the old SA's PRF, then the keys as above with the new PRF, nonces
 * and SPIs; SK_pi and SK_pr, which no AUTH payload of a rekeyed SA uses,
 * are not made. k and old are different structs. */
int	 ike_sa_keys_rekey(struct ike_sa_keys *k, const struct ike_sa_keys *old,
	    uint16_t prf, size_t integ_len, size_t encr_len,
	    const struct ike_kdf_input *in);

/* CHILD_SA (§2.17): KEYMAT = prf+(SK_d, Ni | Nr), or with PFS
 * prf+(SK_d, g^ir (new) | Ni | Nr) when in->gir is not empty; taken in the
 * order encr_i, integ_i, encr_r, integ_r. SPIs in `in` are not used. */
int	 ike_child_keys_derive(struct ike_child_keys *k,
	    const struct ike_sa_keys *sa, size_t encr_len, size_t integ_len,
	    const struct ike_kdf_input *in);

void	 ike_sa_keys_wipe(struct ike_sa_keys *k);
void	 ike_auth_keys_wipe(struct ike_auth_keys *k);
void	 ike_child_keys_wipe(struct ike_child_keys *k);

#endif
