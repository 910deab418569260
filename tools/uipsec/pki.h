/*
 * tools/uipsec/pki.h — what the files of `uipsec pki` share: the CA
 * directory (layout in doc/pki.md), key generation, certificate building,
 * and small option parsers. The CA side uses OpenSSL directly and the
 * certs/ internals; verification goes through certs.h exactly as the
 * daemon's does.
 */
#ifndef UIPSEC_TOOLS_PKI_H
#define UIPSEC_TOOLS_PKI_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "certs/certs_internal.h"

/* Sub-subcommands, one file each. */
int	pki_init_ca(int argc, char **argv);
int	pki_issue(int argc, char **argv);
int	pki_revoke(int argc, char **argv);
int	pki_crl(int argc, char **argv);
int	pki_show(int argc, char **argv);
int	pki_verify(int argc, char **argv);

/* ---- the CA directory ---- */

/* A CA loaded from its directory: DIR/ca/cert.pem, DIR/ca/key.pem. */
struct pki_ca {
	char		 dir[2048];
	X509		*cert;
	EVP_PKEY	*key;		/* wiped by pki_ca_close() */
	char		 name[128];	/* file name stem of its own files */
};

/* Loads the CA of dir; the key is decrypted with passphrase_file (may be
 * NULL). Prints the reason and returns -1 on failure. */
int	pki_ca_open(struct pki_ca *ca, const char *dir,
	    const char *passphrase_file);
void	pki_ca_close(struct pki_ca *ca);
/* Opens the CA of dir, runs fn(ca, arg), closes it; fn's exit status, or
 * 1 if the CA does not open. */
int	pki_ca_run(const char *dir, const char *passphrase_file,
	    int (*fn)(struct pki_ca *, const void *), const void *arg);

/* One line of DIR/ca/index.txt: a certificate this CA issued. */
struct pki_entry {
	char	serial[80];	/* "0x…", as certs_serial_str() */
	char	status;		/* 'V' valid, 'R' revoked */
	time_t	not_after;
	time_t	revoked_at;	/* 0 unless revoked */
	int	reason;		/* CRL reason code, -1 none */
	char	name[128];
	char	subject[CERTS_NAME_MAX];
};

/* Reads every entry of the index into *out (caller frees); -1 on error. */
int	pki_index_read(const char *dir, struct pki_entry **out, size_t *n);
/* Rewrites the index atomically. */
int	pki_index_write(const char *dir, const struct pki_entry *v, size_t n);
/* Appends one entry for a certificate just issued. */
int	pki_index_add(const char *dir, X509 *cert, const char *name);

/* Writes a new file (refusing to overwrite one that exists unless
 * replace) with mode, via a temporary and rename. Prints why on failure. */
int	pki_write_file(const char *path, const void *data, size_t len,
	    int mode, bool replace);
/* PEM of a certificate / a CRL / a private key (PKCS#8, encrypted with
 * AES-256-CBC if passphrase_file is not NULL; wiped buffers) to path. */
int	pki_write_cert(const char *path, X509 *cert, bool replace);
int	pki_write_crl(const char *path, X509_CRL *crl);
int	pki_write_key(const char *path, EVP_PKEY *key,
	    const char *passphrase_file);
int	pki_mkdirs(const char *dir);	/* DIR and its swanctl subdirs */
/* An ASN1_TIME as time_t (0 if it does not parse). */
time_t	pki_asn1_time(const ASN1_TIME *t);

/* ---- CRLs ---- */

#define PKI_CRL_LIFETIME	(15 * 86400L)	/* as strongSwan's pki */

/* Signs a fresh CRL of everything the index lists as revoked, valid for
 * lifetime seconds, with the next CRL number, to DIR/x509crl/NAME.crl. */
int	pki_crl_write(struct pki_ca *ca, long lifetime);

/* ---- building ---- */

/* A fresh private key: rsa2048 rsa3072 rsa4096 ecdsa256 ecdsa384
 * ecdsa521 ed25519. NULL (and a message) for an unknown type. */
EVP_PKEY *pki_keygen(const char *type);
/* The digest a CA key signs with: SHA-256 (RSA, P-256), SHA-384 (P-384),
 * SHA-512 (P-521), none (Ed25519, which signs the message itself). */
const EVP_MD *pki_sign_md(EVP_PKEY *ca_key);

enum pki_profile { PKI_PROFILE_CA, PKI_PROFILE_CCU, PKI_PROFILE_CONCENTRATOR };

struct pki_template {
	enum pki_profile profile;
	const uint8_t	*subject_der;	/* DN, certs_dn_parse() */
	size_t		 subject_len;
	const char	*sans;		/* "DNS:a,IP:1.2.3.4,email:x" or NULL */
	time_t		 not_before;
	time_t		 not_after;
	int		 pathlen;	/* CA: -1 for none */
};

/* Builds and signs a certificate for pubkey (borrowed) from the template;
 * issuer NULL means self-signed with issuer_key. NULL (and a message) on
 * failure; caller frees. */
X509	*pki_build_cert(const struct pki_template *t, EVP_PKEY *pubkey,
	    X509 *issuer, EVP_PKEY *issuer_key);

/* The subject of a certificate NAME of cacert's fleet: dn if not NULL,
 * else the CA's DN without its CN, then CN=NAME. DER into der; 0 or -1
 * (and a message). */
int	pki_subject_der(X509 *cacert, const char *dn, const char *name,
	    uint8_t *der, size_t cap, size_t *len);

/* ---- option values ---- */

/* "30d", "12h", "5y", "90m", "3600s" (or a bare number of days) to
 * seconds; -1 if malformed. */
long	pki_parse_duration(const char *s);
/* "2026-03-01" or "2026-03-01T12:00:00Z" (UTC) to time_t; -1 if bad. */
time_t	pki_parse_date(const char *s);
/* "dns:x", "email:x", "ip:x" (strongSwan's --san syntax too: a bare
 * name with '@' is an email, one that parses as an address is an IP,
 * else a DNS name) appended to buf as OpenSSL's "DNS:x" list. */
int	pki_add_san(char *buf, size_t cap, const char *san);
/* A file name stem from a name: lower case, [a-z0-9._-], others '-'. */
void	pki_slug(const char *in, char *out, size_t cap);

/* Prints "uipsec pki CMD: reason" for a failed certs call. */
void	pki_err(const char *cmd, const struct certs_err *err);

#endif
