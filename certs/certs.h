/*
 * certs/certs.h — X.509 for IKEv2 peers, the one public header of
 * libuipsec_certs (OpenSSL 3 underneath; no OpenSSL type leaks out of here).
 *
 *   - load certificates (PEM or DER), chains and private keys (RSA 2048-4096,
 *     ECDSA P-256/P-384/P-521, Ed25519; encrypted PEM with a passphrase file);
 *   - validate a peer's chain against trust anchors, intermediates and CRLs
 *     (RFC 5280 path validation by OpenSSL; our policy on top: key usage,
 *     extended key usage per RFC 4945 §5.1.3, strict or lenient CRLs);
 *   - identities as in IKEv2 ID payloads (RFC 7296 §3.5), parsed from text
 *     and matched against a certificate's subject and subjectAltNames the way
 *     strongSwan does, so the same `id =` strings work on both;
 *   - sign and verify the AUTH octets (RFC 7296 §2.15) with auth methods 1,
 *     9, 10, 11 and 14 (RFC 7427), and the CA key hashes of CERTREQ (§3.7).
 *
 * Errors are values. Every call that can refuse fills a `struct certs_err`
 * (when the caller passes one; NULL is allowed) with a status to branch on and
 * a reason a person can act on, e.g. "certificate for C=DE, CN=ccu-0042
 * expired 2026-03-01 00:00 UTC", and returns the same status. Nothing here
 * logs; the caller decides which peer the line is about.
 *
 * Ownership is stated on every function taking or returning a pointer.
 * Every free function accepts NULL. Key material and file buffers holding
 * keys or passphrases are wiped before they are freed.
 */
#ifndef UIPSEC_CERTS_H
#define UIPSEC_CERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- errors ------------------------------------------------------------ */

enum certs_status {
	CERTS_OK = 0,
	CERTS_ERR_IO,		/* a file could not be read or written */
	CERTS_ERR_PARSE,	/* not a certificate/key/CRL/ID: garbage, truncated */
	CERTS_ERR_KEY,		/* key type or size refused; wrong passphrase */
	CERTS_ERR_UNTRUSTED,	/* no path to a trust anchor */
	CERTS_ERR_EXPIRED,	/* a certificate of the chain has expired */
	CERTS_ERR_NOT_YET_VALID,
	CERTS_ERR_REVOKED,	/* listed on its issuer's CRL */
	CERTS_ERR_CRL,		/* CRL missing/stale (strict mode) or bad */
	CERTS_ERR_USAGE,	/* key usage, extended key usage, CA constraints */
	CERTS_ERR_SIGNATURE,	/* a certificate's or the AUTH signature is wrong */
	CERTS_ERR_IDENTITY,	/* the identity is not in the certificate */
	CERTS_ERR_UNSUPPORTED,	/* algorithm, auth method or ID type we refuse */
	CERTS_ERR_INTERNAL,	/* OpenSSL or memory failure */
};

#define CERTS_REASON_MAX	384

struct certs_err {
	enum certs_status	status;
	char			reason[CERTS_REASON_MAX];
};

/* Static string naming the status ("expired", "revoked", ...). */
const char	*certs_status_str(enum certs_status st);

/* ---- certificates and chains -------------------------------------------- */

struct certs_cert;	/* one X.509 certificate, immutable once loaded */
struct certs_chain;	/* [0] the end entity, then intermediates, any order */

/* Parses one DER certificate (an IKE CERT payload, encoding 4). The bytes
 * are borrowed for the call and copied; trailing bytes are refused.
 * *out is owned by the caller: certs_cert_free(). */
enum certs_status certs_cert_from_der(const uint8_t *der, size_t len,
	    struct certs_cert **out, struct certs_err *err);
/* Loads the first certificate of a PEM or DER file. *out: caller frees. */
enum certs_status certs_cert_load(const char *path, struct certs_cert **out,
	    struct certs_err *err);
void		 certs_cert_free(struct certs_cert *cert);

/* The DER encoding, to send in a CERT payload; borrowed, valid until
 * certs_cert_free(cert). */
const uint8_t	*certs_cert_der(const struct certs_cert *cert, size_t *len);
/* Subject/issuer DN as text ("C=DE, O=eQ-3, CN=ccu-0042") into buf; returns
 * the length it wanted (as snprintf). */
size_t		 certs_cert_subject(const struct certs_cert *cert, char *buf,
	    size_t cap);
size_t		 certs_cert_issuer(const struct certs_cert *cert, char *buf,
	    size_t cap);
bool		 certs_cert_is_ca(const struct certs_cert *cert);

/* An empty chain; *out: caller frees with certs_chain_free(). */
enum certs_status certs_chain_new(struct certs_chain **out,
	    struct certs_err *err);
/* Appends a certificate; the chain takes ownership of cert (also on
 * failure, when it frees it). The first one added is the end entity. */
enum certs_status certs_chain_add(struct certs_chain *chain,
	    struct certs_cert *cert, struct certs_err *err);
/* Parses and appends one DER certificate (bytes borrowed for the call). */
enum certs_status certs_chain_add_der(struct certs_chain *chain,
	    const uint8_t *der, size_t len, struct certs_err *err);
/* Loads every certificate of a PEM file (or the one of a DER file), end
 * entity first, as our own chain to send. *out: caller frees. */
enum certs_status certs_chain_load(const char *path, struct certs_chain **out,
	    struct certs_err *err);
void		 certs_chain_free(struct certs_chain *chain);
size_t		 certs_chain_len(const struct certs_chain *chain);
/* The i-th certificate (0 = end entity), or NULL; borrowed from the chain. */
const struct certs_cert *certs_chain_get(const struct certs_chain *chain,
	    size_t i);

/* ---- private keys -------------------------------------------------------- */

enum certs_key_type {
	CERTS_KEY_RSA,		/* 2048..4096 bits */
	CERTS_KEY_ECDSA_P256,
	CERTS_KEY_ECDSA_P384,
	CERTS_KEY_ECDSA_P521,
	CERTS_KEY_ED25519,
};

struct certs_key;

/* Loads a private key (PKCS#8 or traditional PEM, or DER). If the key is
 * encrypted, passphrase_file names a file whose first line is the
 * passphrase (NULL: the key must not be encrypted). The file contents and
 * the passphrase are wiped after use. Refuses RSA under 2048 or over 4096
 * bits and curves other than P-256/P-384/P-521. *out: caller frees with
 * certs_key_free(), which wipes the key. */
enum certs_status certs_key_load(const char *path, const char *passphrase_file,
	    struct certs_key **out, struct certs_err *err);
void		 certs_key_free(struct certs_key *key);
/* A second handle on the same key (freed on its own with certs_key_free()):
 * OpenSSL keeps what a key's first signature computes (an RSA key's
 * Montgomery contexts and blinding) with the key, so handles that share it
 * pay for that once. NULL if out of memory. */
struct certs_key *certs_key_share(const struct certs_key *key);
enum certs_key_type certs_key_type(const struct certs_key *key);
/* "RSA 3072", "ECDSA P-256", "Ed25519" (static string for all but RSA:
 * written into buf, which is returned). */
const char	*certs_key_describe(const struct certs_key *key, char *buf,
	    size_t cap);
/* True if the certificate carries the public half of key (both borrowed). */
bool		 certs_key_matches_cert(const struct certs_key *key,
	    const struct certs_cert *cert);

/* ---- trust store and chain validation ------------------------------------ */

struct certs_store;	/* trust anchors, known intermediates, CRLs */

enum certs_status certs_store_new(struct certs_store **out,
	    struct certs_err *err);
void		 certs_store_free(struct certs_store *store);
/* Every certificate in the file (PEM bundle or DER) becomes a trust anchor,
 * as a file in swanctl's x509ca/ does. A trust anchor need not be
 * self-signed: the path ends at the first configured anchor. */
enum certs_status certs_store_add_anchor_file(struct certs_store *store,
	    const char *path, struct certs_err *err);
/* Adds a trust anchor; cert is borrowed (the store keeps its own reference). */
enum certs_status certs_store_add_anchor(struct certs_store *store,
	    const struct certs_cert *cert, struct certs_err *err);
/* Intermediate CA certificates, untrusted, used to build paths when the
 * peer does not send them. */
enum certs_status certs_store_add_intermediate_file(struct certs_store *store,
	    const char *path, struct certs_err *err);
/* A CRL (PEM or DER). Its signature is checked when it is first used with
 * an issuer certificate, not again while the store stays as it is. */
enum certs_status certs_store_add_crl_file(struct certs_store *store,
	    const char *path, struct certs_err *err);
/* Loads a swanctl-style tree (see doc/pki.md): DIR/x509ca/ -> anchors,
 * DIR/x509/ -> the CA certificates among them as intermediates (end-entity
 * certificates there are skipped), DIR/x509crl/ -> CRLs. Missing
 * subdirectories are fine; an unreadable or unparsable file is an error. */
enum certs_status certs_store_load_dir(struct certs_store *store,
	    const char *dir, struct certs_err *err);
size_t		 certs_store_anchor_count(const struct certs_store *store);
/* Appends to our own chain (borrowed from the caller, which keeps owning
 * it) the store's intermediates between its last certificate and a trust
 * anchor, in order, so the CERT payloads carry what the peer needs; the
 * anchor itself is not sent (RFC 7296 §3.6 leaves it to the peer). */
enum certs_status certs_store_complete_chain(const struct certs_store *store,
	    struct certs_chain *chain, struct certs_err *err);

struct certs_verify_opts {
	time_t	at;		/* validation time; 0 = now */
	bool	crl_strict;	/* refuse a certificate whose issuer's CRL is
				 * missing or past its nextUpdate; by default
				 * (as strongSwan without `revocation = strict`)
				 * such a certificate is accepted, but one a
				 * CRL lists as revoked never is. */
};

/* What a successful validation found (optional output). The trust
 * anchor's subject is kept as its DER (copied: the info outlives the
 * path); its text is made only when asked for (certs_verify_anchor). */
#define CERTS_NAME_MAX	256
#define CERTS_ANCHOR_DER_MAX	512
struct certs_verify_info {
	size_t	depth;			/* certificates in the path, anchor included */
	uint8_t	anchor_dn[CERTS_ANCHOR_DER_MAX]; /* DER (or text) */
	size_t	anchor_dn_len;		/* 0: no anchor */
	bool	anchor_is_text;		/* a longer DER: the text kept */
};

/*
 * Validates chain[0] (the peer's end-entity certificate) with the chain's
 * other certificates and the store's intermediates as untrusted helpers,
 * up to a trust anchor of the store: signatures (at least 112-bit security:
 * no SHA-1, no RSA under 2048), validity times, CA constraints, CRLs of
 * every issuer, then the end-entity policy of RFC 4945 §5.1.3: keyUsage, if
 * present, must allow digitalSignature (or nonRepudiation); extendedKeyUsage,
 * if present, must list ipsecIKE, anyExtendedKeyUsage, serverAuth or
 * clientAuth. opts may be NULL (now, lenient CRLs); info may be NULL.
 * Everything is borrowed for the call.
 */
enum certs_status certs_verify(const struct certs_store *store,
	    const struct certs_chain *chain, const struct certs_verify_opts *opts,
	    struct certs_verify_info *info, struct certs_err *err);
/* The trust anchor's subject DN as text (certs_dn_format; "" if none)
 * into buf, CERTS_NAME_MAX for the text earlier versions kept; returns
 * buf. */
const char	*certs_verify_anchor(const struct certs_verify_info *info,
	    char *buf, size_t cap);

/*
 * A peer's chain as the DER certificates of its CERT payloads (end entity
 * first; bytes borrowed for the call), validated as certs_verify() does.
 * The store remembers the last CERTS_VERIFIED_MAX chains that passed, by
 * their bytes: the same chain again (a CCU meets its concentrator's
 * certificate at every reconnect, `uipsec load` thousands of times) is not
 * parsed and path-validated again, but its validity times and, in strict
 * mode, those of its issuers' CRLs are compared with the validation time
 * again and every certificate of its path is looked up again in those
 * CRLs; on any doubt the whole validation runs and gives its reason. A
 * store that gains an anchor, an intermediate or a CRL forgets what it
 * remembered. *ee: the end entity (caller frees with certs_cert_free()).
 */
struct certs_der {
	const uint8_t	*p;
	size_t		 len;
};
#define CERTS_VERIFIED_MAX	16
enum certs_status certs_verify_der(struct certs_store *store,
	    const struct certs_der *certs, size_t n,
	    const struct certs_verify_opts *opts, struct certs_verify_info *info,
	    struct certs_cert **ee, struct certs_err *err);

/* ---- distinguished names and identities ---------------------------------- */

/*
 * DN text, strongSwan's form: "C=DE, O=eQ-3 Fleet, CN=ccu-0042" or
 * "/C=DE/O=eQ-3 Fleet/CN=ccu-0042", RDNs in the order of the certificate
 * (the reverse of RFC 4514's order; this is the order strongSwan, OpenSSL's
 * one-line form and most configs use). Attribute values take RFC 4514
 * escapes (\, \+ \\ \XX) and "#hex" DER; '+' joins multi-valued RDNs.
 * Attribute names are strongSwan's (C ST L O OU CN SN(=surname)
 * serialNumber G I T UID D N ID dnQualifier pseudonym dmdName postalCode
 * street E/Email/emailAddress UN DC) or dotted OIDs. Values are encoded as
 * strongSwan does: PrintableString if they fit, else UTF8String; emails as
 * IA5String. The DER goes to der[0..cap).
 */
enum certs_status certs_dn_parse(const char *text, uint8_t *der, size_t cap,
	    size_t *len, struct certs_err *err);
/* DER DN to the text above; returns the length wanted (as snprintf), or 0
 * and "(invalid DN)" if the DER does not parse. */
size_t		 certs_dn_format(const uint8_t *der, size_t len, char *buf,
	    size_t cap);

/* IKEv2 Identification types (RFC 7296 §3.5); ANY is strongSwan's %any and
 * never goes on the wire. */
enum certs_id_type {
	CERTS_ID_ANY		= 0,
	CERTS_ID_IPV4_ADDR	= 1,
	CERTS_ID_FQDN		= 2,
	CERTS_ID_RFC822_ADDR	= 3,
	CERTS_ID_IPV6_ADDR	= 5,
	CERTS_ID_DER_ASN1_DN	= 9,
	CERTS_ID_KEY_ID		= 11,
};

#define CERTS_ID_MAX	512

/* A value type: the ID payload's type and data, no allocation. */
struct certs_id {
	enum certs_id_type	type;
	size_t			len;
	uint8_t			data[CERTS_ID_MAX];
};

/*
 * Parses an identity as strongSwan parses `id =` (docs: "Identity Parsing"):
 * contains '=' -> DN; "@#hex" -> KEY_ID; "@@x" -> RFC822 x; "@x" -> FQDN x;
 * other strings with '@' -> RFC822; "", "%any", "%any6", "*", "0.0.0.0",
 * "::" -> ANY; an IPv4/IPv6 address -> IPV4/IPV6; anything else -> FQDN.
 * Explicit prefixes: "ipv4:", "ipv6:", "fqdn:"/"dns:", "email:"/"rfc822:"/
 * "userfqdn:", "asn1dn:", "keyid:" (value as text, or "#hex" as bytes).
 */
enum certs_status certs_id_parse(const char *text, struct certs_id *out,
	    struct certs_err *err);
/* From an ID payload (type octet and data, borrowed for the call): checks
 * that the data fits the type (4/16 octets for addresses, a DER Name with no
 * trailing bytes, printable text without NUL for FQDN/RFC822). */
enum certs_status certs_id_from_wire(uint8_t type, const uint8_t *data,
	    size_t len, struct certs_id *out, struct certs_err *err);
/* Text as strongSwan prints it (DN form above, "@#hex" for KEY_ID, %any);
 * returns the length wanted (as snprintf). */
size_t		 certs_id_format(const struct certs_id *id, char *buf,
	    size_t cap);
/* The certificate's subject DN as an identity (strongSwan's default id). */
void		 certs_cert_subject_id(const struct certs_cert *cert,
	    struct certs_id *out);

/* How well an identity matches, ordered as strongSwan orders matches so a
 * configuration ranks peers the same way: DNs lose one point per wildcard
 * RDN, down to MAX_WILDCARDS. */
enum certs_id_match {
	CERTS_ID_MATCH_NONE		= 0,
	CERTS_ID_MATCH_ANY		= 1,
	CERTS_ID_MATCH_MAX_WILDCARDS	= 2,
	CERTS_ID_MATCH_ONE_WILDCARD	= 19,
	CERTS_ID_MATCH_PERFECT		= 20,
};

/*
 * Matches a configured pattern against a concrete identity. Wildcards live
 * only in the pattern: %any; an RDN value "*" ("C=DE, O=eQ-3, CN=*"); a
 * leading '*' in FQDN or RFC822 ("*.fleet.example", "*@fleet.example").
 * DNs are compared as DER: same RDNs in the same order, values compared
 * after conversion to UTF-8, ASCII case ignored (RFC 5280 §7.1), whatever
 * string type encodes them. FQDNs and emails ignore ASCII case.
 */
enum certs_id_match certs_id_match(const struct certs_id *pattern,
	    const struct certs_id *id);
/*
 * Does the certificate prove this (concrete, peer-sent) identity? It must
 * be the subject DN or one subjectAltName (dNSName, rfc822Name, iPAddress,
 * directoryName), or for KEY_ID the subjectKeyIdentifier or the SHA-1 of
 * the public key; characters like '*' are literal here, never wildcards
 * (RFC 7296 §3.5: the ID is the peer's claim; the certificate vouches for
 * it). The CN of the subject is not an FQDN (as strongSwan, unlike TLS).
 * Returns CERTS_OK or CERTS_ERR_IDENTITY with the reason.
 */
enum certs_status certs_cert_has_id(const struct certs_cert *cert,
	    const struct certs_id *id, struct certs_err *err);
/* The best match of a configured pattern among the certificate's subject
 * and subjectAltNames (to pick our own certificate for a configured id). */
enum certs_id_match certs_cert_match_id(const struct certs_cert *cert,
	    const struct certs_id *pattern);

/* ---- IKEv2 AUTH signatures ----------------------------------------------- */

/* Auth Method of the AUTH payload (RFC 7296 §3.8, RFC 7427 §3). */
enum certs_auth_method {
	CERTS_AUTH_RSA_SIG		= 1,	/* PKCS#1 v1.5 SHA-1; interop only */
	CERTS_AUTH_ECDSA_SHA256_P256	= 9,	/* RFC 4754: r||s, 64 octets */
	CERTS_AUTH_ECDSA_SHA384_P384	= 10,	/* 96 octets */
	CERTS_AUTH_ECDSA_SHA512_P521	= 11,	/* 132 octets */
	CERTS_AUTH_DIGITAL_SIGNATURE	= 14,	/* RFC 7427 */
};

/* Hash Algorithm IDs of SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4, RFC 8420). */
enum certs_hash {
	CERTS_HASH_SHA1		= 1,	/* never signed with by us */
	CERTS_HASH_SHA256	= 2,
	CERTS_HASH_SHA384	= 3,
	CERTS_HASH_SHA512	= 4,
	CERTS_HASH_IDENTITY	= 5,	/* Ed25519: the octets are signed as is */
};
#define CERTS_HASH_BIT(h)	(1u << (h))
/* The set we announce in our SIGNATURE_HASH_ALGORITHMS notify. */
#define CERTS_HASHES_SUPPORTED	(CERTS_HASH_BIT(CERTS_HASH_SHA256) | \
	CERTS_HASH_BIT(CERTS_HASH_SHA384) | CERTS_HASH_BIT(CERTS_HASH_SHA512) | \
	CERTS_HASH_BIT(CERTS_HASH_IDENTITY))

struct certs_auth_params {
	enum certs_auth_method	method;
	enum certs_hash		hash;		/* method 14 only */
	bool			rsa_pss;	/* method 14 with RSA: RSASSA-PSS,
						 * MGF1 with the same hash, salt
						 * as long as the hash */
};

/*
 * Picks how to sign with key: if the peer announced hashes (peer_hashes,
 * a CERTS_HASH_BIT() set; 0 if it sent no SIGNATURE_HASH_ALGORITHMS), method
 * 14 with the hash that fits the key (SHA-256 for RSA and P-256, SHA-384
 * for P-384, SHA-512 for P-521, IDENTITY for Ed25519; else the strongest
 * both know); otherwise the classic method of the key (1 for RSA, 9/10/11
 * for ECDSA). Ed25519 without RFC 7427 is refused. rsa_pss chooses PSS for
 * RSA keys under method 14.
 */
enum certs_status certs_auth_choose(const struct certs_key *key,
	    unsigned peer_hashes, bool rsa_pss, struct certs_auth_params *out,
	    struct certs_err *err);

/* Room for any Authentication Data we produce or accept: the RFC 7427
 * length octet, an AlgorithmIdentifier and an RSA-4096 signature fit. */
#define CERTS_AUTH_DATA_MAX	1024

/*
 * Signs the AUTH octets (RFC 7296 §2.15: the message, the peer's nonce and
 * prf(SK_p, ID')) and writes the AUTH payload's Authentication Data to
 * auth_data[0..cap) (for method 14: ASN.1 length, AlgorithmIdentifier,
 * signature). All pointers are borrowed for the call.
 */
enum certs_status certs_auth_sign(const struct certs_key *key,
	    const struct certs_auth_params *params, const uint8_t *octets,
	    size_t octets_len, uint8_t *auth_data, size_t cap, size_t *auth_len,
	    struct certs_err *err);

/* Accept method 1 (SHA-1); off by default. */
#define CERTS_AUTH_ALLOW_SHA1	0x1u

/*
 * Verifies Authentication Data of the given method against the public key
 * of cert (the peer's validated end-entity certificate) over the AUTH
 * octets. Method and key must agree (9/10/11 need that curve; 14's
 * AlgorithmIdentifier must fit the key); method 14 accepts RSA PKCS#1 v1.5
 * and RSA-PSS, ECDSA (DER signature) with SHA-256/384/512, and Ed25519.
 * ECDSA signatures with a high s are accepted (X9.62 does not forbid
 * them, OpenSSL and strongSwan accept them, and AUTH is not used as an
 * identifier, so malleability does not matter). All pointers borrowed.
 */
enum certs_status certs_auth_verify(const struct certs_cert *cert,
	    uint8_t method, const uint8_t *auth_data, size_t auth_len,
	    const uint8_t *octets, size_t octets_len, unsigned flags,
	    struct certs_err *err);

/* ---- CERTREQ (RFC 7296 §3.7) --------------------------------------------- */

#define CERTS_KEYHASH_LEN	20

/* SHA-1 of the certificate's DER SubjectPublicKeyInfo. */
void		 certs_cert_keyhash(const struct certs_cert *cert,
	    uint8_t out[CERTS_KEYHASH_LEN]);
/* The Certification Authority field of our CERTREQ: the key hashes of all
 * trust anchors, concatenated, into out[0..cap). */
enum certs_status certs_store_certreq(const struct certs_store *store,
	    uint8_t *out, size_t cap, size_t *len, struct certs_err *err);
/* Does a received CERTREQ's Certification Authority field (borrowed) list
 * this key hash? A field that is not a multiple of 20 octets lists none. */
bool		 certs_certreq_lists(const uint8_t *field, size_t len,
	    const uint8_t hash[CERTS_KEYHASH_LEN]);

#endif
