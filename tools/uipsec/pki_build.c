/*
 * tools/uipsec/pki_build.c — making keys and certificates: key types,
 * random serials (RFC 5280 §4.1.2.2: positive, at most 20 octets; ours
 * are 16 random octets), the extensions of each profile, and the digest
 * a CA key signs with (SHA-256 or better, never SHA-1).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "pki.h"

static const struct {
	const char	*name;
	const char	*alg;		/* EVP_PKEY_Q_keygen type */
	const char	*param;		/* curve name */
	size_t		 bits;
} key_types[] = {
	{ "rsa2048",	"RSA",		NULL,		2048 },
	{ "rsa3072",	"RSA",		NULL,		3072 },
	{ "rsa4096",	"RSA",		NULL,		4096 },
	{ "ecdsa256",	"EC",		"P-256",	0 },
	{ "ecdsa384",	"EC",		"P-384",	0 },
	{ "ecdsa521",	"EC",		"P-521",	0 },
	{ "ed25519",	"ED25519",	NULL,		0 },
};

EVP_PKEY *
pki_keygen(const char *type)
{
	EVP_PKEY *key = NULL;

	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++) {
		if (strcmp(type, key_types[i].name))
			continue;
		if (key_types[i].bits)
			key = EVP_PKEY_Q_keygen(NULL, NULL, key_types[i].alg,
			    key_types[i].bits);
		else if (key_types[i].param)
			key = EVP_PKEY_Q_keygen(NULL, NULL, key_types[i].alg,
			    key_types[i].param);
		else
			key = EVP_PKEY_Q_keygen(NULL, NULL, key_types[i].alg);
		if (key == NULL)
			fprintf(stderr, "uipsec pki: generating a %s key "
			    "failed\n", type);
		return key;
	}
	fprintf(stderr, "uipsec pki: unknown key type '%s' (rsa2048 rsa3072 "
	    "rsa4096 ecdsa256 ecdsa384 ecdsa521 ed25519)\n", type);
	return NULL;
}

const EVP_MD *
pki_sign_md(EVP_PKEY *ca_key)
{
	enum certs_key_type type;

	if (certs_pkey_check(ca_key, "CA key", &type, NULL) != CERTS_OK)
		return EVP_sha256();
	switch (type) {
	case CERTS_KEY_ECDSA_P384:
		return EVP_sha384();
	case CERTS_KEY_ECDSA_P521:
		return EVP_sha512();
	case CERTS_KEY_ED25519:
		return NULL;
	default:
		return EVP_sha256();
	}
}

static int
random_serial(X509 *x)
{
	unsigned char b[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return 0;
	b[0] = (unsigned char)((b[0] & 0x7f) | 0x40);	/* positive, 16 octets */
	ok = (bn = BN_bin2bn(b, sizeof(b), NULL)) != NULL &&
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = ext != NULL && X509_add_ext(x, ext, -1);

	X509_EXTENSION_free(ext);
	if (!ok)
		fprintf(stderr, "uipsec pki: extension %s = %s refused\n",
		    OBJ_nid2sn(nid), value);
	return ok;
}

/* RFC 5280 §4.2 and RFC 4945 §5.1.3: a CA signs certificates and CRLs;
 * an end entity signs (IKE AUTH) and says what for: ipsecIKE, plus
 * serverAuth for a concentrator and clientAuth for a CCU, which strongSwan,
 * Windows and macOS peers look for. */
static int
add_profile(X509 *x, X509V3_CTX *ctx, const struct pki_template *t,
    bool self_signed)
{
	char bc[64];

	if (!add_ext(x, ctx, NID_subject_key_identifier, "hash") ||
	    (!self_signed && !add_ext(x, ctx, NID_authority_key_identifier,
	    "keyid:always")))
		return 0;
	if (t->profile == PKI_PROFILE_CA) {
		if (t->pathlen >= 0)
			snprintf(bc, sizeof(bc), "critical,CA:TRUE,pathlen:%d",
			    t->pathlen);
		else
			snprintf(bc, sizeof(bc), "critical,CA:TRUE");
		return add_ext(x, ctx, NID_basic_constraints, bc) &&
		    add_ext(x, ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign");
	}
	return add_ext(x, ctx, NID_basic_constraints, "CA:FALSE") &&
	    add_ext(x, ctx, NID_key_usage, "critical,digitalSignature") &&
	    add_ext(x, ctx, NID_ext_key_usage,
	    t->profile == PKI_PROFILE_CCU ? "clientAuth,ipsecIKE" :
	    "serverAuth,ipsecIKE") &&
	    (t->sans == NULL || t->sans[0] == '\0' ||
	    add_ext(x, ctx, NID_subject_alt_name, t->sans));
}

X509 *
pki_build_cert(const struct pki_template *t, EVP_PKEY *pubkey, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	const unsigned char *q = t->subject_der;
	X509_NAME *subject = d2i_X509_NAME(NULL, &q, (long)t->subject_len);
	X509 *x = X509_new();
	X509V3_CTX ctx;

	if (subject == NULL || x == NULL || !X509_set_version(x, X509_VERSION_3) ||
	    !random_serial(x) || !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
	    subject) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), t->not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), t->not_after) ||
	    !X509_set_pubkey(x, pubkey))
		goto fail;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if (!add_profile(x, &ctx, t, issuer == NULL) ||
	    !X509_sign(x, issuer_key, pki_sign_md(issuer_key)))
		goto fail;
	X509_NAME_free(subject);
	return x;
fail:
	fprintf(stderr, "uipsec pki: building the certificate failed: %s\n",
	    ERR_reason_error_string(ERR_peek_last_error()) ?
	    ERR_reason_error_string(ERR_peek_last_error()) : "see above");
	ERR_clear_error();
	X509_NAME_free(subject);
	X509_free(x);
	return NULL;
}

/* The CA's DN without its CN, then CN=NAME: one fleet, one naming. */
int
pki_subject_der(X509 *cacert, const char *dn, const char *name, uint8_t *der,
    size_t cap, size_t *len)
{
	X509_NAME *base = X509_NAME_dup(X509_get_subject_name(cacert));
	char text[CERTS_NAME_MAX + 160], base_text[CERTS_NAME_MAX];
	struct certs_err err;
	int i;

	if (base == NULL)
		return -1;
	while ((i = X509_NAME_get_index_by_NID(base, NID_commonName, -1)) >= 0)
		X509_NAME_ENTRY_free(X509_NAME_delete_entry(base, i));
	text[0] = '\0';
	if (dn != NULL)
		snprintf(text, sizeof(text), "%s", dn);
	else if (X509_NAME_entry_count(base) > 0)
		snprintf(text, sizeof(text), "%s, CN=%s",
		    certs_name_str(base, base_text, sizeof(base_text)), name);
	else
		snprintf(text, sizeof(text), "CN=%s", name);
	X509_NAME_free(base);
	if (certs_dn_parse(text, der, cap, len, &err) != CERTS_OK) {
		pki_err("issue", &err);
		return -1;
	}
	return 0;
}
