/*
 * ike/payload_sk.h — the layout of the Encrypted payload SK{} (RFC 7296
 * §3.14) and of the Encrypted Fragment payload SKF{} (RFC 7383 §2.5): where
 * the IV, the encrypted bytes and the ICV sit, what the padding is. No
 * cryptography here: the caller encrypts and authenticates in place.
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * |  (SKF only:) Fragment Number  |        Total Fragments        |
 * |                     Initialization Vector                     |
 * ~                    Encrypted IKE Payloads                     ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |             Padding (0-255 octets)            |
 * +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 * |                                               |  Pad Length   |
 * ~                    Integrity Checksum Data                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The ICV covers the message from its first byte up to the ICV (§3.14);
 * an AEAD takes the bytes before the IV as associated data (RFC 5282 §5.1,
 * RFC 7383 §2.5.3).
 */
#ifndef UIPSEC_IKE_PAYLOAD_SK_H
#define UIPSEC_IKE_PAYLOAD_SK_H

#include "ike/message.h"

/* Where to encrypt in a message being built (pointers into its buffer). */
struct ike_sk_layout {
	uint8_t	*iv;
	size_t	 iv_len;
	uint8_t	*enc;		/* inner payloads | padding | Pad Length */
	size_t	 enc_len;
	uint8_t	*icv;
	size_t	 icv_len;
	size_t	 aad_len;	/* message bytes before the IV */
	size_t	 integ_len;	/* message bytes before the ICV */
};

/* The parts of a received SK/SKF payload (views into the message). */
struct ike_sk_parts {
	struct ike_view	 iv;
	struct ike_view	 enc;
	struct ike_view	 icv;
	size_t		 aad_len;
	size_t		 integ_len;
};

/*
 * Opens SK{} (frag_total == 0) or SKF{} as the last payload of message b and
 * starts `inner`, a payload chain written in place after the IV. Add the
 * inner payloads with ike_build_payload(inner, ...) (a fragmenter may write
 * raw bytes to inner->w), then close with ike_sk_end(). The IV is zeroed.
 */
bool	 ike_sk_begin(struct ike_builder *b, struct ike_builder *inner,
	    uint16_t frag_num, uint16_t frag_total, size_t iv_len);
/* Appends padding to a multiple of block_len (1 for AEADs; at most 256),
 * Pad Length and a zeroed ICV of icv_len; fills in SK's Next Payload and
 * Length. Then ike_build_finish(b), then encrypt and authenticate. */
bool	 ike_sk_end(struct ike_builder *b, struct ike_builder *inner,
	    size_t block_len, size_t icv_len, struct ike_sk_layout *out);

/* Splits a parsed SK/SKF payload of message m for a cipher with these
 * lengths. False if the sizes do not fit (the message is then dropped). */
bool	 ike_sk_split(const struct ike_msg *m, const struct ike_payload *sk,
	    size_t iv_len, size_t block_len, size_t icv_len,
	    struct ike_sk_parts *out);
/* After decryption: the length of the inner payloads in front of the
 * padding and Pad Length, in *inner_len. False if Pad Length overruns. */
bool	 ike_sk_unpad(const uint8_t *plain, size_t len, size_t *inner_len);

#endif
