/*
 * certs/sigalg.c — signature algorithms of IKEv2 AUTH: the RFC 7427 §3
 * AlgorithmIdentifiers (RSA PKCS#1 v1.5 and RSASSA-PSS per RFC 4055,
 * ECDSA per RFC 5758, Ed25519 per RFC 8410/8420), and setting up an
 * OpenSSL sign or verify operation for one of them.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "certs/certs_internal.h"
#include "common/buf.h"

static const struct {
	enum certs_hash	 hash;
	int		 nid;
	const char	*name;
	int		 pkcs1_nid;	/* shaXWithRSAEncryption */
	int		 ecdsa_nid;	/* ecdsa-with-SHAX */
} hashes[] = {
	{ CERTS_HASH_SHA1, NID_sha1, "SHA-1", NID_sha1WithRSAEncryption,
	    NID_ecdsa_with_SHA1 },
	{ CERTS_HASH_SHA256, NID_sha256, "SHA-256", NID_sha256WithRSAEncryption,
	    NID_ecdsa_with_SHA256 },
	{ CERTS_HASH_SHA384, NID_sha384, "SHA-384", NID_sha384WithRSAEncryption,
	    NID_ecdsa_with_SHA384 },
	{ CERTS_HASH_SHA512, NID_sha512, "SHA-512", NID_sha512WithRSAEncryption,
	    NID_ecdsa_with_SHA512 },
};
#define NHASHES	(sizeof(hashes) / sizeof(hashes[0]))

const EVP_MD *
certs_hash_md(enum certs_hash hash)
{
	for (size_t i = 0; i < NHASHES; i++)
		if (hashes[i].hash == hash)
			return EVP_get_digestbynid(hashes[i].nid);
	return NULL;
}

const char *
certs_hash_name(enum certs_hash hash)
{
	if (hash == CERTS_HASH_IDENTITY)
		return "Identity";
	for (size_t i = 0; i < NHASHES; i++)
		if (hashes[i].hash == hash)
			return hashes[i].name;
	return "unknown hash";
}

const char *
certs_sigalg_name(const struct certs_sigalg *a, char *buf, size_t cap)
{
	static const char *const schemes[] = {
		[CERTS_SIG_RSA_PKCS1] = "RSA PKCS#1 v1.5",
		[CERTS_SIG_RSA_PSS] = "RSA-PSS", [CERTS_SIG_ECDSA] = "ECDSA",
		[CERTS_SIG_ED25519] = "Ed25519",
	};

	if (a->scheme == CERTS_SIG_ED25519)
		snprintf(buf, cap, "Ed25519");
	else
		snprintf(buf, cap, "%s with %s", schemes[a->scheme],
		    certs_hash_name(a->hash));
	return buf;
}

/* ---- encoding (what we send) ---- */

/* Writes an OID's content octets (X.690 §8.19) for a NID. */
static void
put_oid(struct buf_writer *w, int nid)
{
	const ASN1_OBJECT *obj = OBJ_nid2obj(nid);
	size_t len = obj ? OBJ_length(obj) : 0;

	buf_put_u8(w, 0x06);
	buf_put_u8(w, (uint8_t)len);
	if (len > 0)
		buf_put_bytes(w, OBJ_get0_data(obj), len);
}

/* A constructed TLV whose short-form length der_close() fills in; every
 * AlgorithmIdentifier here is far below 128 bytes. */
static uint8_t *
der_open(struct buf_writer *w, uint8_t tag)
{
	buf_put_u8(w, tag);
	return buf_reserve(w, 1);
}

static void
der_close(struct buf_writer *w, uint8_t *len_at)
{
	size_t n;

	if (len_at == NULL)
		return;
	n = (size_t)(w->p + w->len - len_at - 1);
	if (n >= 0x80)
		w->overflow = true;
	*len_at = (uint8_t)n;
}

/* AlgorithmIdentifier { hash OID, NULL } (RFC 4055 §2.1 sha*Identifier). */
static void
put_hash_algid(struct buf_writer *w, int nid)
{
	uint8_t *len = der_open(w, 0x30);

	put_oid(w, nid);
	buf_put_u8(w, 0x05);
	buf_put_u8(w, 0x00);
	der_close(w, len);
}

/* RFC 4055 §3.1 RSASSA-PSS-params: hash, MGF1 with the same hash, salt
 * as long as the hash; trailerField left at its default. */
static void
put_pss_params(struct buf_writer *w, int hash_nid, int salt)
{
	uint8_t *seq, *tag, *mgf;

	seq = der_open(w, 0x30);
	tag = der_open(w, 0xa0);
	put_hash_algid(w, hash_nid);
	der_close(w, tag);
	tag = der_open(w, 0xa1);
	mgf = der_open(w, 0x30);
	put_oid(w, NID_mgf1);
	put_hash_algid(w, hash_nid);
	der_close(w, mgf);
	der_close(w, tag);
	tag = der_open(w, 0xa2);
	buf_put_u8(w, 0x02);
	buf_put_u8(w, 0x01);
	buf_put_u8(w, (uint8_t)salt);
	der_close(w, tag);
	der_close(w, seq);
}

size_t
certs_sigalg_encode(const struct certs_sigalg *a, uint8_t *out, size_t cap)
{
	struct buf_writer w;
	const EVP_MD *md = certs_hash_md(a->hash);
	uint8_t *seq;
	size_t i;

	for (i = 0; i < NHASHES && hashes[i].hash != a->hash; i++)
		;
	if (a->scheme != CERTS_SIG_ED25519 && (i == NHASHES || md == NULL))
		return 0;
	buf_writer_init(&w, out, cap);
	seq = der_open(&w, 0x30);
	switch (a->scheme) {
	case CERTS_SIG_RSA_PKCS1:	/* RFC 4055 §5: NULL parameters */
		put_oid(&w, hashes[i].pkcs1_nid);
		buf_put_u8(&w, 0x05);
		buf_put_u8(&w, 0x00);
		break;
	case CERTS_SIG_RSA_PSS:
		put_oid(&w, NID_rsassaPss);
		put_pss_params(&w, hashes[i].nid, EVP_MD_get_size(md));
		break;
	case CERTS_SIG_ECDSA:		/* RFC 5758 §3.2: no parameters */
		put_oid(&w, hashes[i].ecdsa_nid);
		break;
	case CERTS_SIG_ED25519:		/* RFC 8410 §3: no parameters */
		put_oid(&w, NID_ED25519);
		break;
	}
	der_close(&w, seq);
	return buf_writer_ok(&w) ? w.len : 0;
}

/* ---- decoding (what a peer sent) ---- */

static bool
hash_of_nid(int nid, enum certs_hash *hash)
{
	for (size_t i = 0; i < NHASHES; i++)
		if (hashes[i].nid == nid) {
			*hash = hashes[i].hash;
			return true;
		}
	return false;
}

static bool
hash_of_algor(const X509_ALGOR *alg, enum certs_hash *hash)
{
	const ASN1_OBJECT *obj;
	int ptype;

	if (alg == NULL)	/* RFC 4055: the default is SHA-1 */
		return hash_of_nid(NID_sha1, hash);
	X509_ALGOR_get0(&obj, &ptype, NULL, alg);
	return (ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL) &&
	    hash_of_nid(OBJ_obj2nid(obj), hash);
}

static enum certs_status
decode_pss(const ASN1_TYPE *param, struct certs_sigalg *a,
    struct certs_err *err)
{
	RSA_PSS_PARAMS *pss = NULL;
	X509_ALGOR *mgf_hash = NULL;
	const ASN1_OBJECT *mgf;
	const void *pval;
	long salt = 20, trailer = 1;
	int ptype;
	bool ok;

	if (param == NULL || param->type != V_ASN1_SEQUENCE ||
	    (pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
	    param)) == NULL)
		return certs_fail(err, CERTS_ERR_PARSE,
		    "AUTH RSA-PSS parameters do not parse");
	if (pss->saltLength != NULL)
		salt = ASN1_INTEGER_get(pss->saltLength);
	if (pss->trailerField != NULL)
		trailer = ASN1_INTEGER_get(pss->trailerField);
	if (pss->maskGenAlgorithm != NULL) {
		/* MaskGenAlgorithm { id-mgf1, hash AlgorithmIdentifier } */
		X509_ALGOR_get0(&mgf, &ptype, &pval, pss->maskGenAlgorithm);
		if (OBJ_obj2nid(mgf) == NID_mgf1 && ptype == V_ASN1_SEQUENCE)
			mgf_hash = ASN1_TYPE_unpack_sequence(
			    ASN1_ITEM_rptr(X509_ALGOR),
			    pss->maskGenAlgorithm->parameter);
	}
	ok = hash_of_algor(pss->hashAlgorithm, &a->hash) &&
	    (pss->maskGenAlgorithm == NULL ?
	    hash_of_nid(NID_sha1, &a->mgf1_hash) :
	    mgf_hash != NULL && hash_of_algor(mgf_hash, &a->mgf1_hash)) &&
	    salt >= 0 && salt <= 1024 && trailer == 1;
	X509_ALGOR_free(mgf_hash);
	RSA_PSS_PARAMS_free(pss);
	ERR_clear_error();
	if (!ok)
		return certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "AUTH RSA-PSS parameters are not supported (hash, MGF1, salt "
		    "or trailer)");
	a->scheme = CERTS_SIG_RSA_PSS;
	a->salt_len = (int)salt;
	return CERTS_OK;
}

static bool
decode_simple(int nid, int ptype, struct certs_sigalg *a)
{
	for (size_t i = 0; i < NHASHES; i++) {
		if (nid == hashes[i].pkcs1_nid && (ptype == V_ASN1_NULL ||
		    ptype == V_ASN1_UNDEF)) {
			a->scheme = CERTS_SIG_RSA_PKCS1;
			a->hash = hashes[i].hash;
			return true;
		}
		if (nid == hashes[i].ecdsa_nid && ptype == V_ASN1_UNDEF) {
			a->scheme = CERTS_SIG_ECDSA;
			a->hash = hashes[i].hash;
			return true;
		}
	}
	if (nid == NID_ED25519 && ptype == V_ASN1_UNDEF) {
		a->scheme = CERTS_SIG_ED25519;
		a->hash = CERTS_HASH_IDENTITY;
		return true;
	}
	return false;
}

enum certs_status
certs_sigalg_decode(const uint8_t *der, size_t len, struct certs_sigalg *a,
    struct certs_err *err)
{
	const unsigned char *q = der;
	const ASN1_OBJECT *obj;
	const void *pval;
	X509_ALGOR *alg;
	enum certs_status st = CERTS_OK;
	char oid[64];
	int ptype, nid;

	memset(a, 0, sizeof(*a));
	alg = d2i_X509_ALGOR(NULL, &q, (long)len);
	if (alg == NULL || q != der + len) {
		X509_ALGOR_free(alg);
		ERR_clear_error();
		return certs_fail(err, CERTS_ERR_PARSE,
		    "AUTH AlgorithmIdentifier (%zu bytes) does not parse", len);
	}
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	nid = OBJ_obj2nid(obj);
	if (nid == NID_rsassaPss)
		st = decode_pss(ptype == V_ASN1_SEQUENCE ? alg->parameter :
		    NULL, a, err);
	else if (!decode_simple(nid, ptype, a)) {
		OBJ_obj2txt(oid, sizeof(oid), obj, 0);
		st = certs_fail(err, CERTS_ERR_UNSUPPORTED,
		    "AUTH signature algorithm %s is not supported", oid);
	}
	X509_ALGOR_free(alg);
	return st;
}

/* ---- OpenSSL operations ---- */

enum certs_status
certs_sigalg_init(EVP_MD_CTX *mctx, EVP_PKEY *pkey,
    const struct certs_sigalg *a, bool sign, struct certs_err *err)
{
	const EVP_MD *md = a->scheme == CERTS_SIG_ED25519 ? NULL :
	    certs_hash_md(a->hash);
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (a->scheme != CERTS_SIG_ED25519 && md == NULL)
		return certs_fail(err, CERTS_ERR_UNSUPPORTED, "no digest for %s",
		    certs_hash_name(a->hash));
	/* Our own keys are loaded in the default library context; peers'
	 * come from their certificates, parsed in certs_libctx() of their
	 * type: verifying there spares OpenSSL an export of every new key to
	 * the default context's provider. */
	ok = sign ? EVP_DigestSignInit(mctx, &pctx, md, NULL, pkey) :
	    EVP_DigestVerifyInit_ex(mctx, &pctx, md ? EVP_MD_get0_name(md) :
	    NULL, certs_pkey_libctx(pkey), NULL, pkey, NULL);
	if (ok == 1 && a->scheme == CERTS_SIG_RSA_PSS)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) == 1 &&
		    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx,
		    certs_hash_md(a->mgf1_hash)) == 1 &&
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, a->salt_len) == 1;
	if (ok != 1)
		return certs_fail_ossl(err, sign ? "EVP_DigestSignInit" :
		    "EVP_DigestVerifyInit");
	return CERTS_OK;
}
