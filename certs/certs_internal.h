/*
 * certs/certs_internal.h — what the files of certs/ share, with OpenSSL
 * types: the structs behind the opaque handles and small helpers. Used by
 * certs/ itself, its unit tests and the CA side of `uipsec pki`; the daemon
 * and ike/ use certs.h only.
 */
#ifndef UIPSEC_CERTS_INTERNAL_H
#define UIPSEC_CERTS_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certs/certs.h"
#include "common/buf.h"

struct certs_cert {
	X509		*x509;
	uint8_t		*der;		/* i2d of x509, for CERT payloads */
	size_t		 der_len;
};

struct certs_chain {
	struct certs_cert **v;
	size_t		 n;
	size_t		 cap;
};

struct certs_key {
	EVP_PKEY	*pkey;
	enum certs_key_type type;
};

/* A chain that passed certs_verify_der() (verify_cache.c). */
struct certs_verified {
	struct certs_chain *sent;	/* as the peer sent it; NULL: unused */
	STACK_OF(X509)	*path;		/* validated: end entity .. anchor */
	STACK_OF(X509_CRL) *crls;	/* the store's CRLs of the path's issuers */
	int64_t		 from, until;	/* the result holds in [from, until) */
	bool		 strict;
	struct certs_verify_info info;
	uint64_t	 used;		/* for least-recently-used replacement */
};

/* A CRL that passed OpenSSL's check with this issuer for a subject of
 * this kind (crl_once.c); both referenced. */
struct certs_crl_seen {
	X509_CRL	*crl;		/* NULL: unused */
	X509		*issuer;
	bool		 ca;		/* the subject was a CA (scope) */
};

#define CERTS_CRL_SEEN_MAX	16
struct certs_crl_memo {
	X509_STORE_CTX_check_crl_fn openssl_check_crl;
	struct certs_crl_seen seen[CERTS_CRL_SEEN_MAX];
	size_t		 next;
};

struct certs_store {
	X509_STORE	*x509;		/* anchors and CRLs */
	struct certs_crl_memo *crl_memo; /* its check_crl hook's memory */
	STACK_OF(X509)	*anchors;	/* the same anchors, for CERTREQ */
	STACK_OF(X509)	*intermediates;
	struct certs_verified verified[CERTS_VERIFIED_MAX];
	uint64_t	 verified_clock;
};

/* Forgets every remembered chain and CRL check (the store changed, or
 * is freed). */
void		 certs_verified_flush(struct certs_store *store);

/* What certs_verify_path() tells its OpenSSL callbacks (the context's
 * app data). */
struct certs_verify_ctx {
	bool		 strict;
	int		 code;		/* first refusal, X509_V_ERR_* */
	X509		*cert;		/* the certificate it is about */
	X509_CRL	*crl;		/* the CRL, for CRL refusals */
	struct certs_crl_memo *crl_memo;
	bool		 in_check_crl;	/* inside OpenSSL's check_crl */
	unsigned	 crl_complaints; /* there, other than update times */
};

/* crl_once.c: sets store's check_crl hook to certs_crl_check_once(),
 * which remembers in *out (caller frees with certs_crl_memo_free()).
 * The hook needs a struct certs_verify_ctx as app data. */
enum certs_status certs_crl_memo_new(X509_STORE *store,
	    struct certs_crl_memo **out, struct certs_err *err);
void		 certs_crl_memo_flush(struct certs_crl_memo *m);
void		 certs_crl_memo_free(struct certs_crl_memo *m);
int		 certs_crl_check_once(X509_STORE_CTX *ctx, X509_CRL *crl);
/* X509_V_ERR_CRL_HAS_EXPIRED or _NOT_YET_VALID. */
bool		 certs_crl_time_error(int e);

/* certs_verify(); on success *path (if not NULL) gets the validated path,
 * end entity first, anchor last (caller frees: sk_X509_pop_free). */
enum certs_status certs_verify_path(const struct certs_store *store,
	    const struct certs_chain *chain, const struct certs_verify_opts *opts,
	    struct certs_verify_info *info, STACK_OF(X509) **path,
	    struct certs_err *err);

/* Sets err (if not NULL) to st and the formatted reason; returns st. */
enum certs_status certs_fail(struct certs_err *err, enum certs_status st,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets err (if not NULL) to CERTS_OK with an empty reason; returns CERTS_OK. */
enum certs_status certs_ok(struct certs_err *err);
/* certs_fail(CERTS_ERR_INTERNAL) naming what failed and OpenSSL's reason;
 * drains OpenSSL's error queue. */
enum certs_status certs_fail_ossl(struct certs_err *err, const char *what);

/* The key types we accept, by a certificate's SubjectPublicKeyInfo
 * algorithm (RFC 5280 §4.1.2.7); OTHER: any other, or not read. */
enum certs_spki_type {
	CERTS_SPKI_RSA,
	CERTS_SPKI_RSA_PSS,
	CERTS_SPKI_EC,
	CERTS_SPKI_ED25519,
	CERTS_SPKI_OTHER,
};

/* spki.c: the key type of the DER certificate der[0..len), read with the
 * bounded reader (the certificate is not checked otherwise). */
enum certs_spki_type certs_spki_type(const uint8_t *der, size_t len);

/* The library context a certificate with a key of that type is parsed in
 * (libctx.c: the default provider with only that type's key decoder),
 * or NULL for OTHER or if it could not be set up (then the default
 * context). Made once, lives as long as the process. */
OSSL_LIB_CTX	*certs_libctx(enum certs_spki_type type);
/* The one of those contexts pkey's provider belongs to, else NULL. */
OSSL_LIB_CTX	*certs_pkey_libctx(const EVP_PKEY *pkey);

/* der.c: one DER TLV with a low tag number and a definite length of at
 * most 64 KiB in its shortest form; *contents views its contents (the
 * reader moves past it). certs_der_expect() wants the tag `want`. */
bool		 certs_der_tlv(struct buf_reader *r, uint8_t *tag,
	    struct buf_reader *contents);
bool		 certs_der_expect(struct buf_reader *r, uint8_t want,
	    struct buf_reader *contents);

/* Wraps x509 (ownership passes to the result, also on failure, when it is
 * freed). Returns NULL on allocation failure. */
struct certs_cert *certs_cert_wrap(X509 *x509);

/* Reads a whole file into a fresh buffer (*buf: caller frees with
 * certs_buf_free(), which wipes it: files may hold keys or passphrases). */
enum certs_status certs_read_file(const char *path, uint8_t **buf, size_t *len,
	    struct certs_err *err);
void		 certs_buf_free(uint8_t *buf, size_t len);

/* Parses every certificate in buf (PEM, several allowed, or one DER) and
 * hands each to add(ctx, x509) which takes ownership. `what` names the
 * source in reasons. Refuses a buffer with no certificate. */
enum certs_status certs_parse_certs(const uint8_t *buf, size_t len,
	    const char *what,
	    enum certs_status (*add)(void *ctx, X509 *x509, struct certs_err *),
	    void *ctx, struct certs_err *err);

/* certs_dn_format() without OpenSSL: walks the DER and returns true with
 * *len the length wanted, or false (buf then undefined) for what it leaves
 * to OpenSSL: BER, types other than the strings of RFC 5280 §4.1.2.4,
 * characters OpenSSL refuses, values over 1,020 octets in UTF-8, OIDs
 * whose dotted form has over 63 characters. */
bool		 certs_dn_walk(const uint8_t *der, size_t len, char *buf,
	    size_t cap, size_t *out);
/* Is der[0..len) one Name, as d2i_X509_NAME takes it (nothing after)?
 * The walk answers when it can, OpenSSL otherwise. */
bool		 certs_dn_valid(const uint8_t *der, size_t len);
/* certs_dn_format() through d2i_X509_NAME (its fallback). */
size_t		 certs_dn_format_ossl(const uint8_t *der, size_t len,
	    char *buf, size_t cap);

/* Text of an X509_NAME (certs_dn_format): returns the length wanted, or
 * buf itself. */
size_t		 certs_name_text(const X509_NAME *name, char *buf, size_t cap);
const char	*certs_name_str(const X509_NAME *name, char *buf, size_t cap);
/* A time as "2026-03-01 00:00 UTC" into buf; returns buf. */
const char	*certs_time_str(const ASN1_TIME *t, char *buf, size_t cap);
/* A serial number as "0x1f" (lower-case hex, no leading zeros). */
const char	*certs_serial_str(const ASN1_INTEGER *serial, char *buf,
	    size_t cap);

/* Classifies a public or private key against our policy (RSA 2048..4096,
 * P-256/P-384/P-521, Ed25519); `whose` names it in the reason. */
enum certs_status certs_pkey_check(const EVP_PKEY *pkey, const char *whose,
	    enum certs_key_type *type, struct certs_err *err);
/* "RSA 2048", "ECDSA P-256", "Ed25519" into buf. */
const char	*certs_pkey_describe(const EVP_PKEY *pkey, char *buf,
	    size_t cap);

/* CRL reasons (RFC 5280 §5.3.1): name of a code ("unknown" if none),
 * code of a name (-1 if none), code of an entry (-1 if it has none). */
const char	*certs_crl_reason_name(int code);
int		 certs_crl_reason_parse(const char *name);
int		 certs_crl_entry_reason(const X509_REVOKED *rev);
/* CERTS_ERR_REVOKED with who revoked x (crl may be NULL), when and why. */
enum certs_status certs_crl_refuse(X509_CRL *crl, X509 *x,
	    struct certs_err *err);

/* certs_id_match(), with wildcards in the pattern honoured or, when
 * wildcards is false, taken literally (for identities a peer sent). */
enum certs_id_match certs_id_compare(const struct certs_id *pattern,
	    const struct certs_id *id, bool wildcards);

/* A signature algorithm of AUTH (RFC 7427 §3 and the classic methods). */
enum certs_sig_scheme {
	CERTS_SIG_RSA_PKCS1,
	CERTS_SIG_RSA_PSS,
	CERTS_SIG_ECDSA,
	CERTS_SIG_ED25519,
};

struct certs_sigalg {
	enum certs_sig_scheme	scheme;
	enum certs_hash		hash;		/* IDENTITY for Ed25519 */
	enum certs_hash		mgf1_hash;	/* PSS */
	int			salt_len;	/* PSS, octets */
};

/* The DER AlgorithmIdentifier into out[0..cap); returns its length, 0 if
 * it does not fit or the algorithm has none. PSS: MGF1 and salt follow the
 * hash (salt_len and mgf1_hash are ignored). */
size_t		 certs_sigalg_encode(const struct certs_sigalg *a, uint8_t *out,
	    size_t cap);
/* Parses one DER AlgorithmIdentifier (all of der[0..len)). */
enum certs_status certs_sigalg_decode(const uint8_t *der, size_t len,
	    struct certs_sigalg *a, struct certs_err *err);
/* EVP_DigestSignInit/EVP_DigestVerifyInit on mctx for a with pkey
 * (borrowed; referenced by mctx until it is freed). */
enum certs_status certs_sigalg_init(EVP_MD_CTX *mctx, EVP_PKEY *pkey,
	    const struct certs_sigalg *a, bool sign, struct certs_err *err);
/* "RSA-PSS with SHA-256", "Ed25519" into buf; returns buf. */
const char	*certs_sigalg_name(const struct certs_sigalg *a, char *buf,
	    size_t cap);

/* The classic AUTH methods 1, 9, 10, 11: the key type they need and
 * their algorithm; false for other methods. */
bool		 certs_classic_method(uint8_t method, enum certs_key_type *key,
	    struct certs_sigalg *a);
/* Octets of r (and of s) in an RFC 4754 signature for that curve; 0 if
 * the key is not ECDSA. */
size_t		 certs_ecdsa_half(enum certs_key_type key);

/* The subjectAltNames as "dns:a.example, ip:10.0.0.1, email:x@y" into
 * buf; returns the length written. */
size_t		 certs_cert_altnames_text(const struct certs_cert *cert,
	    char *buf, size_t cap);

/* Digest of a hash ID; NULL for IDENTITY and unknown IDs. */
const EVP_MD	*certs_hash_md(enum certs_hash hash);
const char	*certs_hash_name(enum certs_hash hash);

#endif
