/*
 * ike/sk.h — the cryptography of the Encrypted payload SK{} (RFC 7296
 * §3.14): AES-CBC with HMAC-SHA1-96 or HMAC-SHA2-256-128 (RFC 3602, 4868),
 * AES-GCM with a 16-octet ICV (RFC 5282) and ChaCha20-Poly1305 (RFC 7634),
 * on top of the SK{} layout of payload_sk.h.
 *
 * Authenticate before you parse: ike_sk_decrypt() checks the ICV (HMAC
 * compared in constant time; AEAD tags by OpenSSL's constant-time check)
 * before a single inner byte is interpreted, and only then hands the
 * plaintext to ike_msg_parse_inner().
 */
#ifndef UIPSEC_IKE_SK_H
#define UIPSEC_IKE_SK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/keys.h"
#include "ike/message.h"
#include "ike/payload_sk.h"
#include "ike/proposal.h"

/* Sizes of the negotiated SK{} protection. */
struct ike_sk_suite {
	uint16_t	encr;		/* IKEV2_ENCR_* */
	uint16_t	encr_bits;	/* AES key size; 256 for ChaCha20 */
	uint16_t	integ;		/* IKEV2_AUTH_*; NONE with an AEAD */
	/* In octets (one suite per IKE SA: kept small). */
	uint8_t		encr_key_len;	/* with the 4-octet salt of an AEAD */
	uint8_t		integ_key_len;
	uint8_t		iv_len;
	uint8_t		block_len;	/* 1 for the AEADs */
	uint8_t		icv_len;
	bool		aead;
};

/* One direction's keys, borrowed from a struct ike_sa_keys. */
struct ike_sk_keys {
	const uint8_t	*encr;
	const uint8_t	*integ;		/* NULL with an AEAD */
};

enum ike_sk_status {
	IKE_SK_OK = 0,
	IKE_SK_NO_SK,		/* no SK payload, or not the last one */
	IKE_SK_LAYOUT,		/* IV/ICV/block sizes do not fit */
	IKE_SK_AUTH,		/* ICV mismatch: nothing was parsed */
	IKE_SK_PADDING,		/* Pad Length overruns the plaintext */
	IKE_SK_INNER,		/* inner payloads refused by the parser */
	IKE_SK_CRYPTO,		/* OpenSSL failed, or no room */
};

const char *ike_sk_status_str(enum ike_sk_status st);

/* The suite of the chosen IKE transforms. -1 if uipsec cannot run it. */
int	 ike_sk_suite_init(struct ike_sk_suite *s, const struct ike_chosen *c);

/* Keys for messages that `initiator_sends` (SK_ei/SK_ai when the original
 * initiator sends, SK_er/SK_ar otherwise; §2.14). Borrowed from k. */
void	 ike_sk_keys_for(const struct ike_sa_keys *k, bool initiator_sends,
	    struct ike_sk_keys *out);

/* Starts SK{} as the last payload of message b; add inner payloads to
 * `inner`, then ike_sk_seal(). */
bool	 ike_sk_open(struct ike_builder *b, struct ike_builder *inner,
	    const struct ike_sk_suite *s);
/* Pads, finishes message b, fills a fresh IV, encrypts and writes the
 * ICV. Returns the message length, or -1. */
long	 ike_sk_seal(struct ike_builder *b, struct ike_builder *inner,
	    const struct ike_sk_suite *s, const struct ike_sk_keys *k);

/*
 * Authenticates and decrypts the SK payload of a parsed message m (SK must
 * be its last payload), then appends the inner payloads to m. plain
 * (cap bytes, caller-owned) receives the plaintext; m borrows it after a
 * successful call. *pst (may be NULL) gets the inner parse status when
 * IKE_SK_INNER is returned (IKE_PARSE_CRITICAL: m->error_type is set).
 */
enum ike_sk_status ike_sk_decrypt(struct ike_msg *m,
	    const struct ike_sk_suite *s, const struct ike_sk_keys *k,
	    uint8_t *plain, size_t cap, enum ike_parse_status *pst);
/*
 * RFC 7383 §2.6: authenticates and decrypts the SKF payload (the last of
 * m, returned in *skf) into plain (cap bytes); *len gets the fragment's
 * part of the inner payloads. Nothing is parsed: the caller keeps the
 * bytes until all fragments are there, then ike_msg_parse_inner().
 */
enum ike_sk_status ike_skf_decrypt(const struct ike_msg *m,
	    const struct ike_sk_suite *s, const struct ike_sk_keys *k,
	    uint8_t *plain, size_t cap, size_t *len,
	    const struct ike_payload **skf);

#endif
