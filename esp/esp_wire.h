/*
 * esp/esp_wire.h — ESP wire constants (RFC 4303 §2, RFC 3948 §2).
 *
 * RFC 4303 §2, Figure 1 (top level) and §2.1 with an explicit IV:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
 * |               Security Parameters Index (SPI)                 | ^Int.
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
 * |                      Sequence Number                          | |ered
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | ----
 * |                    IV (CBC: 16, GCM/ChaCha20: 8)              | |   ^
 * ~                                                               ~ |   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
 * |                 Payload Data (inner IP packet)                | |Conf.
 * ~                                                               ~ |Cov-
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |ered*
 * |               |     Padding (0-255 bytes: 1, 2, 3, ...)       | |   |
 * +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
 * |                               |  Pad Length   | Next Header   | v   v
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ------
 * |         Integrity Check Value (ICV, variable)                 |
 * ~                                                               ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * With ESN (§2.2.1) only the low 32 bits of the 64-bit sequence number are
 * sent; the high 32 bits are covered by the ICV (appended after the
 * payload for HMAC, RFC 4303 §3.3.2.1; inside the AAD for the AEADs,
 * RFC 4106 §5, RFC 7634 §2.1). *The IV of the AEAD suites is in the clear.
 *
 * RFC 3948 §2 (UDP 4500): a datagram is an ESP packet when its first four
 * bytes (the SPI) are non-zero; four zero bytes, the non-ESP marker, precede
 * an IKE message; the single byte 0xFF is a NAT-keepalive (§2.3).
 */
#ifndef UIPSEC_ESP_WIRE_H
#define UIPSEC_ESP_WIRE_H

#define ESP_HDR_LEN		8	/* SPI + sequence number */
#define ESP_TRAILER_LEN		2	/* pad length + next header */
#define ESP_SEQ_HI_LEN		4	/* ESN high bits, never sent */
#define ESP_PAD_MAX		255

#define ESP_AES_BLOCK		16
#define ESP_CBC_IV_LEN		16	/* RFC 3602 §3: one cipher block */
#define ESP_AEAD_IV_LEN		8	/* RFC 4106 §3.1, RFC 7634 §2 */
#define ESP_AEAD_ALIGN		4	/* RFC 4303 §2.4: 4-byte alignment */
#define ESP_SALT_LEN		4	/* RFC 4106 §8.1, RFC 7634 §4 */
#define ESP_AEAD_NONCE_LEN	12	/* salt || IV */

#define ESP_ICV_SHA1_96		12	/* RFC 2404 §3 */
#define ESP_ICV_SHA256_128	16	/* RFC 4868 §2.3 */
#define ESP_ICV_AEAD		16	/* RFC 4106 §6 (ICV 16), RFC 7634 §2 */
#define ESP_ICV_MAX		16

#define ESP_AES_KEY_MAX		32
#define ESP_CHACHA_KEY_LEN	32
#define ESP_SHA1_KEY_LEN	20	/* RFC 2404 §3 */
#define ESP_SHA256_KEY_LEN	32	/* RFC 4868 §2.1.1 */
#define ESP_AUTH_KEY_MAX	32

#define ESP_SEQ_MAX_NOESN	0xffffffffULL	/* RFC 4303 §3.3.3 */

#define ESP_UDP_KEEPALIVE_BYTE	0xff	/* RFC 3948 §2.3 */

#endif
