/*
 * certs/key.c — private keys: loading (PEM/DER, PKCS#8 or traditional,
 * encrypted with a passphrase from a file) and the key policy every key,
 * ours or a peer's, must pass: RSA 2048..4096, ECDSA P-256/P-384/P-521,
 * Ed25519.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>

#include "certs/certs_internal.h"

#define RSA_BITS_MIN	2048
#define RSA_BITS_MAX	4096

static const struct {
	const char		*group;		/* OpenSSL's group name */
	enum certs_key_type	 type;
	const char		*text;
} ec_groups[] = {
	{ "prime256v1",	CERTS_KEY_ECDSA_P256,	"ECDSA P-256" },
	{ "secp384r1",	CERTS_KEY_ECDSA_P384,	"ECDSA P-384" },
	{ "secp521r1",	CERTS_KEY_ECDSA_P521,	"ECDSA P-521" },
};

enum certs_status
certs_pkey_check(const EVP_PKEY *pkey, const char *whose,
    enum certs_key_type *type, struct certs_err *err)
{
	char group[64] = "";
	int bits;

	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		bits = EVP_PKEY_get_bits(pkey);
		if (bits < RSA_BITS_MIN || bits > RSA_BITS_MAX)
			return certs_fail(err, CERTS_ERR_KEY,
			    "%s is RSA %d: only RSA %d..%d is accepted", whose,
			    bits, RSA_BITS_MIN, RSA_BITS_MAX);
		*type = CERTS_KEY_RSA;
		return CERTS_OK;
	case EVP_PKEY_EC:
		EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL);
		for (size_t i = 0; i < sizeof(ec_groups) / sizeof(ec_groups[0]);
		    i++)
			if (!strcmp(group, ec_groups[i].group)) {
				*type = ec_groups[i].type;
				return CERTS_OK;
			}
		return certs_fail(err, CERTS_ERR_KEY,
		    "%s is on curve %s: only P-256, P-384 and P-521 are "
		    "accepted", whose, group[0] ? group : "(explicit params)");
	case EVP_PKEY_ED25519:
		*type = CERTS_KEY_ED25519;
		return CERTS_OK;
	default:
		return certs_fail(err, CERTS_ERR_KEY,
		    "%s is a %s key: only RSA, ECDSA and Ed25519 are accepted",
		    whose, EVP_PKEY_get0_type_name(pkey) ?
		    EVP_PKEY_get0_type_name(pkey) : "unknown");
	}
}

const char *
certs_pkey_describe(const EVP_PKEY *pkey, char *buf, size_t cap)
{
	enum certs_key_type type = CERTS_KEY_RSA;

	if (certs_pkey_check(pkey, "key", &type, NULL) != CERTS_OK) {
		snprintf(buf, cap, "%s %d",
		    EVP_PKEY_get0_type_name(pkey) ?
		    EVP_PKEY_get0_type_name(pkey) : "unknown",
		    EVP_PKEY_get_bits(pkey));
		return buf;
	}
	if (type == CERTS_KEY_RSA)
		snprintf(buf, cap, "RSA %d", EVP_PKEY_get_bits(pkey));
	else if (type == CERTS_KEY_ED25519)
		snprintf(buf, cap, "Ed25519");
	else
		snprintf(buf, cap, "%s", ec_groups[type - CERTS_KEY_ECDSA_P256].text);
	return buf;
}

/* The first line of the passphrase file, in a buffer the caller wipes. */
static enum certs_status
read_passphrase(const char *path, uint8_t **buf, size_t *buflen,
    size_t *passlen, struct certs_err *err)
{
	enum certs_status st;

	if ((st = certs_read_file(path, buf, buflen, err)) != CERTS_OK)
		return st;
	*passlen = strcspn((char *)*buf, "\r\n");
	if (*passlen == 0) {
		certs_buf_free(*buf, *buflen + 1);
		*buf = NULL;
		return certs_fail(err, CERTS_ERR_KEY,
		    "passphrase file %s is empty", path);
	}
	return CERTS_OK;
}

static bool
looks_encrypted(const uint8_t *buf, size_t len)
{
	return memmem(buf, len, "ENCRYPTED", 9) != NULL;
}

static enum certs_status
decode_key(const uint8_t *buf, size_t len, const char *path,
    const uint8_t *pass, size_t passlen, EVP_PKEY **pkey,
    struct certs_err *err)
{
	OSSL_DECODER_CTX *dctx;
	const unsigned char *data = buf;
	size_t left = len;
	int ok;

	*pkey = NULL;
	dctx = OSSL_DECODER_CTX_new_for_pkey(pkey, NULL, NULL, NULL,
	    OSSL_KEYMGMT_SELECT_KEYPAIR, NULL, NULL);
	if (dctx == NULL)
		return certs_fail_ossl(err, "OSSL_DECODER_CTX_new_for_pkey");
	/* Without a passphrase an empty one is set, so an encrypted key
	 * fails instead of prompting on a terminal. */
	ok = OSSL_DECODER_CTX_set_passphrase(dctx, pass ? pass :
	    (const unsigned char *)"", passlen) &&
	    OSSL_DECODER_from_data(dctx, &data, &left);
	OSSL_DECODER_CTX_free(dctx);
	ERR_clear_error();
	if (ok && *pkey != NULL)
		return CERTS_OK;
	EVP_PKEY_free(*pkey);
	*pkey = NULL;
	if (looks_encrypted(buf, len) && pass == NULL)
		return certs_fail(err, CERTS_ERR_KEY,
		    "private key %s is encrypted: a passphrase file is needed",
		    path);
	if (looks_encrypted(buf, len))
		return certs_fail(err, CERTS_ERR_KEY,
		    "cannot decrypt private key %s: wrong passphrase?", path);
	return certs_fail(err, CERTS_ERR_PARSE,
	    "%s holds no private key in PEM or DER", path);
}

enum certs_status
certs_key_load(const char *path, const char *passphrase_file,
    struct certs_key **out, struct certs_err *err)
{
	uint8_t *buf = NULL, *pass = NULL;
	size_t len = 0, passbuf = 0, passlen = 0;
	EVP_PKEY *pkey = NULL;
	enum certs_key_type type;
	enum certs_status st;
	char whose[300];

	*out = NULL;
	if ((st = certs_read_file(path, &buf, &len, err)) != CERTS_OK)
		goto out;
	if (passphrase_file != NULL && (st = read_passphrase(passphrase_file,
	    &pass, &passbuf, &passlen, err)) != CERTS_OK)
		goto out;
	if ((st = decode_key(buf, len, path, pass, passlen, &pkey, err)) !=
	    CERTS_OK)
		goto out;
	snprintf(whose, sizeof(whose), "private key %s", path);
	if ((st = certs_pkey_check(pkey, whose, &type, err)) != CERTS_OK)
		goto out;
	if ((*out = calloc(1, sizeof(**out))) == NULL) {
		st = certs_fail(err, CERTS_ERR_INTERNAL, "out of memory");
		goto out;
	}
	(*out)->pkey = pkey;
	(*out)->type = type;
	pkey = NULL;
	st = certs_ok(err);
out:
	EVP_PKEY_free(pkey);
	certs_buf_free(buf, len + 1);
	certs_buf_free(pass, passbuf + 1);
	return st;
}

void
certs_key_free(struct certs_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);	/* clears the private parts */
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

struct certs_key *
certs_key_share(const struct certs_key *key)
{
	struct certs_key *k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	if (!EVP_PKEY_up_ref(key->pkey)) {
		free(k);
		return NULL;
	}
	k->pkey = key->pkey;
	k->type = key->type;
	return k;
}

enum certs_key_type
certs_key_type(const struct certs_key *key)
{
	return key->type;
}

const char *
certs_key_describe(const struct certs_key *key, char *buf, size_t cap)
{
	return certs_pkey_describe(key->pkey, buf, cap);
}

bool
certs_key_matches_cert(const struct certs_key *key,
    const struct certs_cert *cert)
{
	const EVP_PKEY *pub = X509_get0_pubkey(cert->x509);

	return pub != NULL && EVP_PKEY_eq(key->pkey, pub) == 1;
}
