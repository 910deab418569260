/*
 * ike/ikev2_wire.h — every on-the-wire number of IKEv2 (RFC 7296 §3) and of
 * the extensions uipsec speaks, grouped as the RFC and the IANA "Internet
 * Key Exchange Version 2 (IKEv2) Parameters" registry group them.
 *
 * Constants only: no types, no functions. Names are the RFC's tokens with an
 * IKEV2_ prefix so that a grep for the RFC name finds the code.
 */
#ifndef UIPSEC_IKE_IKEV2_WIRE_H
#define UIPSEC_IKE_IKEV2_WIRE_H

/* UDP ports (RFC 7296 §2.23, RFC 3948 §2.2): 500, and 4500 with the 4-byte
 * non-ESP marker once NAT traversal has moved the SA. */
#define IKEV2_PORT			500
#define IKEV2_PORT_NATT			4500

/* IKE header (§3.1) */
#define IKEV2_HDR_LEN			28
#define IKEV2_SPI_LEN			8
#define IKEV2_VERSION_MAJOR		2
#define IKEV2_VERSION_MINOR		0
#define IKEV2_VERSION			(IKEV2_VERSION_MAJOR << 4 | IKEV2_VERSION_MINOR)

/* Exchange types (§3.1) */
#define IKEV2_EXCH_IKE_SA_INIT		34
#define IKEV2_EXCH_IKE_AUTH		35
#define IKEV2_EXCH_CREATE_CHILD_SA	36
#define IKEV2_EXCH_INFORMATIONAL	37
#define IKEV2_EXCH_IKE_SESSION_RESUME	38	/* RFC 5723 */
#define IKEV2_EXCH_IKE_INTERMEDIATE	43	/* RFC 9242 */

/* Header flags (§3.1); the other five bits are reserved: sent as zero,
 * ignored on receipt. */
#define IKEV2_FLAG_INITIATOR		0x08
#define IKEV2_FLAG_VERSION		0x10
#define IKEV2_FLAG_RESPONSE		0x20
#define IKEV2_FLAGS_KNOWN		(IKEV2_FLAG_INITIATOR | \
					 IKEV2_FLAG_VERSION | IKEV2_FLAG_RESPONSE)

/* Generic payload header (§3.2): Next Payload, C bit + 7 reserved bits,
 * Payload Length (including these 4 bytes). */
#define IKEV2_GENERIC_HDR_LEN		4
#define IKEV2_CRITICAL			0x80

/* Payload types (§3.2) */
#define IKEV2_PL_NONE			0
#define IKEV2_PL_SA			33
#define IKEV2_PL_KE			34
#define IKEV2_PL_IDI			35
#define IKEV2_PL_IDR			36
#define IKEV2_PL_CERT			37
#define IKEV2_PL_CERTREQ		38
#define IKEV2_PL_AUTH			39
#define IKEV2_PL_NONCE			40
#define IKEV2_PL_NOTIFY			41
#define IKEV2_PL_DELETE			42
#define IKEV2_PL_VENDOR			43
#define IKEV2_PL_TSI			44
#define IKEV2_PL_TSR			45
#define IKEV2_PL_SK			46
#define IKEV2_PL_CP			47
#define IKEV2_PL_EAP			48
#define IKEV2_PL_GSPM			49	/* RFC 6467 */
#define IKEV2_PL_SKF			53	/* RFC 7383 §2.5 */

/* Proposal substructure (§3.3.1) */
#define IKEV2_PROPOSAL_HDR_LEN		8
#define IKEV2_PROPOSAL_LAST		0
#define IKEV2_PROPOSAL_MORE		2

/* Protocol IDs (§3.3.1; also in Notify §3.10 and Delete §3.11) */
#define IKEV2_PROTO_NONE		0
#define IKEV2_PROTO_IKE			1
#define IKEV2_PROTO_AH			2
#define IKEV2_PROTO_ESP			3

/* SPI sizes (§3.3.1): 0 in IKE_SA_INIT, 8 for IKE rekey, 4 for AH/ESP. */
#define IKEV2_SPI_SIZE_CHILD		4
#define IKEV2_SPI_SIZE_IKE		8

/* Transform substructure (§3.3.2) */
#define IKEV2_TRANSFORM_HDR_LEN		8
#define IKEV2_TRANSFORM_LAST		0
#define IKEV2_TRANSFORM_MORE		3

/* Transform types (§3.3.2) */
#define IKEV2_XF_ENCR			1
#define IKEV2_XF_PRF			2
#define IKEV2_XF_INTEG			3
#define IKEV2_XF_DH			4	/* "Key Exchange Method", RFC 9370 */
#define IKEV2_XF_ESN			5
#define IKEV2_XF_TYPE_MAX		5

/* Transform type 1: encryption algorithms (§3.3.2, IANA) */
#define IKEV2_ENCR_DES_IV64		1
#define IKEV2_ENCR_DES			2
#define IKEV2_ENCR_3DES			3
#define IKEV2_ENCR_RC5			4
#define IKEV2_ENCR_IDEA			5
#define IKEV2_ENCR_CAST			6
#define IKEV2_ENCR_BLOWFISH		7
#define IKEV2_ENCR_3IDEA		8
#define IKEV2_ENCR_DES_IV32		9
#define IKEV2_ENCR_NULL			11
#define IKEV2_ENCR_AES_CBC		12	/* RFC 3602 */
#define IKEV2_ENCR_AES_CTR		13	/* RFC 3686 */
#define IKEV2_ENCR_AES_CCM_8		14	/* RFC 4309 */
#define IKEV2_ENCR_AES_CCM_12		15
#define IKEV2_ENCR_AES_CCM_16		16
#define IKEV2_ENCR_AES_GCM_8		18	/* RFC 4106, RFC 5282 */
#define IKEV2_ENCR_AES_GCM_12		19
#define IKEV2_ENCR_AES_GCM_16		20
#define IKEV2_ENCR_NULL_AUTH_AES_GMAC	21	/* RFC 4543 */
#define IKEV2_ENCR_CAMELLIA_CBC		23	/* RFC 5529 */
#define IKEV2_ENCR_CHACHA20_POLY1305	28	/* RFC 7634 */

/* Transform type 2: pseudorandom functions (§3.3.2) */
#define IKEV2_PRF_HMAC_MD5		1
#define IKEV2_PRF_HMAC_SHA1		2
#define IKEV2_PRF_HMAC_TIGER		3
#define IKEV2_PRF_AES128_XCBC		4	/* RFC 4434 */
#define IKEV2_PRF_HMAC_SHA2_256		5	/* RFC 4868 */
#define IKEV2_PRF_HMAC_SHA2_384		6
#define IKEV2_PRF_HMAC_SHA2_512		7
#define IKEV2_PRF_AES128_CMAC		8	/* RFC 4615 */

/* Transform type 3: integrity algorithms (§3.3.2); the RFC spells them
 * AUTH_*, not to be confused with the AUTH payload methods of §3.8. */
#define IKEV2_AUTH_NONE			0
#define IKEV2_AUTH_HMAC_MD5_96		1
#define IKEV2_AUTH_HMAC_SHA1_96		2
#define IKEV2_AUTH_DES_MAC		3
#define IKEV2_AUTH_KPDK_MD5		4
#define IKEV2_AUTH_AES_XCBC_96		5
#define IKEV2_AUTH_HMAC_MD5_128		6
#define IKEV2_AUTH_HMAC_SHA1_160	7
#define IKEV2_AUTH_AES_CMAC_96		8
#define IKEV2_AUTH_AES_128_GMAC		9
#define IKEV2_AUTH_AES_192_GMAC		10
#define IKEV2_AUTH_AES_256_GMAC		11
#define IKEV2_AUTH_HMAC_SHA2_256_128	12	/* RFC 4868 */
#define IKEV2_AUTH_HMAC_SHA2_384_192	13
#define IKEV2_AUTH_HMAC_SHA2_512_256	14

/* Transform type 4: Diffie-Hellman groups (§3.3.2, IANA) */
#define IKEV2_DH_NONE			0
#define IKEV2_DH_MODP768		1
#define IKEV2_DH_MODP1024		2
#define IKEV2_DH_MODP1536		5	/* RFC 3526 */
#define IKEV2_DH_MODP2048		14	/* RFC 3526 §3 */
#define IKEV2_DH_MODP3072		15
#define IKEV2_DH_MODP4096		16
#define IKEV2_DH_MODP6144		17
#define IKEV2_DH_MODP8192		18
#define IKEV2_DH_ECP256			19	/* RFC 5903 */
#define IKEV2_DH_ECP384			20
#define IKEV2_DH_ECP521			21
#define IKEV2_DH_MODP1024_S160		22	/* RFC 5114 */
#define IKEV2_DH_MODP2048_S224		23
#define IKEV2_DH_MODP2048_S256		24
#define IKEV2_DH_ECP192			25
#define IKEV2_DH_ECP224			26
#define IKEV2_DH_BRAINPOOL224		27	/* RFC 6954 */
#define IKEV2_DH_BRAINPOOL256		28
#define IKEV2_DH_BRAINPOOL384		29
#define IKEV2_DH_BRAINPOOL512		30
#define IKEV2_DH_CURVE25519		31	/* RFC 8031 */
#define IKEV2_DH_CURVE448		32

/* Transform type 5: extended sequence numbers (§3.3.2) */
#define IKEV2_ESN_NO			0
#define IKEV2_ESN_YES			1

/* Transform attributes (§3.3.5): AF bit set = TV format (2-byte value). */
#define IKEV2_ATTR_AF			0x8000
#define IKEV2_ATTR_TYPE_MASK		0x7fff
#define IKEV2_ATTR_KEY_LENGTH		14

/* Key Exchange payload (§3.4): DH group (2), reserved (2), data. */
#define IKEV2_KE_HDR_LEN		4

/* ID types (§3.5) */
#define IKEV2_ID_IPV4_ADDR		1
#define IKEV2_ID_FQDN			2
#define IKEV2_ID_RFC822_ADDR		3
#define IKEV2_ID_IPV6_ADDR		5
#define IKEV2_ID_DER_ASN1_DN		9
#define IKEV2_ID_DER_ASN1_GN		10
#define IKEV2_ID_KEY_ID			11
#define IKEV2_ID_FC_NAME		12	/* RFC 4595 */
#define IKEV2_ID_NULL			13	/* RFC 7619 */
#define IKEV2_ID_HDR_LEN		4	/* ID type, 3 reserved */

/* Certificate encodings (§3.6), for CERT and CERTREQ */
#define IKEV2_CERT_PKCS7_WRAPPED_X509	1
#define IKEV2_CERT_PGP			2
#define IKEV2_CERT_DNS_SIGNED_KEY	3
#define IKEV2_CERT_X509_SIGNATURE	4
#define IKEV2_CERT_KERBEROS_TOKEN	6
#define IKEV2_CERT_CRL			7
#define IKEV2_CERT_ARL			8
#define IKEV2_CERT_SPKI			9
#define IKEV2_CERT_X509_ATTRIBUTE	10
#define IKEV2_CERT_RAW_RSA_KEY		11	/* deprecated by RFC 7670 */
#define IKEV2_CERT_HASH_URL_X509	12
#define IKEV2_CERT_HASH_URL_X509_BUNDLE	13
#define IKEV2_CERT_RAW_PUBLIC_KEY	15	/* RFC 7670 */
/* CERTREQ with X509_SIGNATURE carries SHA-1 hashes of CA public keys (§3.7). */
#define IKEV2_CERTREQ_HASH_LEN		20

/* Authentication methods (§3.8) */
#define IKEV2_AUTH_METHOD_RSA_SIG		1
#define IKEV2_AUTH_METHOD_SHARED_KEY_MIC	2
#define IKEV2_AUTH_METHOD_DSS_SIG		3
#define IKEV2_AUTH_METHOD_ECDSA_256		9	/* RFC 4754 */
#define IKEV2_AUTH_METHOD_ECDSA_384		10
#define IKEV2_AUTH_METHOD_ECDSA_521		11
#define IKEV2_AUTH_METHOD_GSPAM		12	/* RFC 6467 */
#define IKEV2_AUTH_METHOD_NULL		13	/* RFC 7619 */
#define IKEV2_AUTH_METHOD_DIGITAL_SIGNATURE	14	/* RFC 7427 */
#define IKEV2_AUTH_HDR_LEN		4	/* AUTH payload: method, 3 reserved */

/* Hash algorithms of SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4, RFC 8420) */
#define IKEV2_HASH_SHA1			1
#define IKEV2_HASH_SHA2_256		2
#define IKEV2_HASH_SHA2_384		3
#define IKEV2_HASH_SHA2_512		4
#define IKEV2_HASH_IDENTITY		5	/* RFC 8420 */

/* Nonce payload (§3.9): 16 to 256 bytes of data. */
#define IKEV2_NONCE_MIN			16
#define IKEV2_NONCE_MAX			256

/* Notify payload (§3.10): protocol (1), SPI size (1), type (2). */
#define IKEV2_NOTIFY_HDR_LEN		4
/* Types below 16384 are errors, from 16384 on status (§3.10.1). */
#define IKEV2_N_ERROR_MAX		16383

/* Notify error types (§3.10.1) */
#define IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD	1
#define IKEV2_N_INVALID_IKE_SPI			4
#define IKEV2_N_INVALID_MAJOR_VERSION		5
#define IKEV2_N_INVALID_SYNTAX			7
#define IKEV2_N_INVALID_MESSAGE_ID		9
#define IKEV2_N_INVALID_SPI			11
#define IKEV2_N_NO_PROPOSAL_CHOSEN		14
#define IKEV2_N_INVALID_KE_PAYLOAD		17
#define IKEV2_N_AUTHENTICATION_FAILED		24
#define IKEV2_N_SINGLE_PAIR_REQUIRED		34
#define IKEV2_N_NO_ADDITIONAL_SAS		35
#define IKEV2_N_INTERNAL_ADDRESS_FAILURE	36
#define IKEV2_N_FAILED_CP_REQUIRED		37
#define IKEV2_N_TS_UNACCEPTABLE			38
#define IKEV2_N_INVALID_SELECTORS		39
#define IKEV2_N_TEMPORARY_FAILURE		43
#define IKEV2_N_CHILD_SA_NOT_FOUND		44

/* Notify status types (§3.10.1 and the RFCs named) */
#define IKEV2_N_INITIAL_CONTACT			16384
#define IKEV2_N_SET_WINDOW_SIZE			16385
#define IKEV2_N_ADDITIONAL_TS_POSSIBLE		16386
#define IKEV2_N_IPCOMP_SUPPORTED		16387
#define IKEV2_N_NAT_DETECTION_SOURCE_IP		16388	/* §2.23 */
#define IKEV2_N_NAT_DETECTION_DESTINATION_IP	16389
#define IKEV2_N_COOKIE				16390	/* §2.6 */
#define IKEV2_N_USE_TRANSPORT_MODE		16391
#define IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED	16392
#define IKEV2_N_REKEY_SA			16393
#define IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED	16394
#define IKEV2_N_NON_FIRST_FRAGMENTS_ALSO	16395
#define IKEV2_N_MOBIKE_SUPPORTED		16396	/* RFC 4555 */
#define IKEV2_N_MULTIPLE_AUTH_SUPPORTED		16404	/* RFC 4739 */
#define IKEV2_N_ANOTHER_AUTH_FOLLOWS		16405
#define IKEV2_N_REDIRECT_SUPPORTED		16406	/* RFC 5685 */
#define IKEV2_N_EAP_ONLY_AUTHENTICATION		16417	/* RFC 5998 */
#define IKEV2_N_CHILDLESS_IKEV2_SUPPORTED	16418	/* RFC 6023 */
#define IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED	16430	/* RFC 7383 §2.3 */
#define IKEV2_N_SIGNATURE_HASH_ALGORITHMS	16431	/* RFC 7427 §4 */
#define IKEV2_N_INTERMEDIATE_EXCHANGE_SUPPORTED	16438	/* RFC 9242 */

/* Notification data sizes the codec checks (§2.23, §2.6, §1.3). */
#define IKEV2_NATD_HASH_LEN		20	/* SHA-1(SPIs | IP | port) */
#define IKEV2_COOKIE_MAX		64

/* Delete payload (§3.11): protocol (1), SPI size (1), number of SPIs (2). */
#define IKEV2_DELETE_HDR_LEN		4

/* Traffic Selector payload (§3.13): number of TSs (1), reserved (3). */
#define IKEV2_TS_HDR_LEN		4
/* Traffic selector types (§3.13.1) and their selector lengths */
#define IKEV2_TS_IPV4_ADDR_RANGE	7
#define IKEV2_TS_IPV6_ADDR_RANGE	8
#define IKEV2_TS_IPV4_LEN		16
#define IKEV2_TS_IPV6_LEN		40
#define IKEV2_TS_MIN_LEN		8	/* type, proto, length, ports */

/* Encrypted payload (§3.14): IV, encrypted payloads, padding, pad length,
 * ICV. The Encrypted Fragment payload (RFC 7383 §2.5) puts fragment number
 * and total fragments (2 bytes each) in front of the IV. */
#define IKEV2_SKF_HDR_LEN		4

/* Configuration payload (§3.15): CFG type (1), reserved (3). */
#define IKEV2_CP_HDR_LEN		4
#define IKEV2_CFG_REQUEST		1
#define IKEV2_CFG_REPLY			2
#define IKEV2_CFG_SET			3
#define IKEV2_CFG_ACK			4
/* Configuration attributes (§3.15.1): R bit + 15-bit type, length, value. */
#define IKEV2_CFG_ATTR_HDR_LEN		4
#define IKEV2_CFG_ATTR_TYPE_MASK	0x7fff
#define IKEV2_CFG_INTERNAL_IP4_ADDRESS	1
#define IKEV2_CFG_INTERNAL_IP4_NETMASK	2
#define IKEV2_CFG_INTERNAL_IP4_DNS	3
#define IKEV2_CFG_INTERNAL_IP4_NBNS	4
#define IKEV2_CFG_INTERNAL_IP4_DHCP	6
#define IKEV2_CFG_APPLICATION_VERSION	7
#define IKEV2_CFG_INTERNAL_IP6_ADDRESS	8
#define IKEV2_CFG_INTERNAL_IP6_DNS	10
#define IKEV2_CFG_INTERNAL_IP6_DHCP	12
#define IKEV2_CFG_INTERNAL_IP4_SUBNET	13
#define IKEV2_CFG_SUPPORTED_ATTRIBUTES	14
#define IKEV2_CFG_INTERNAL_IP6_SUBNET	15

#endif
