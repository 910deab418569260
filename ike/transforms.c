/*
 * ike/transforms.c — the transform table; see transforms.h. Keywords are
 * strongSwan's (docs.strongswan.org "IKEv2 Cipher Suites"); where a keyword
 * has aliases, the first row of a transform is the one printed.
 */
#include "ike/transforms.h"

#include <stdio.h>
#include <string.h>

#include "ike/ikev2_wire.h"

#define IKE	IKE_ALG_IKE
#define ESP	IKE_ALG_ESP
#define BOTH	(IKE_ALG_IKE | IKE_ALG_ESP)

static const struct ike_alg algs[] = {
	/* ENCR: key_len is the key plus, for AEADs, the 4-byte salt
	 * (RFC 5282 §7.1, RFC 4106 §8.1, RFC 7634 §4). */
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CBC, 128, "aes128", "AES_CBC_128",
	    16, false, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CBC, 192, "aes192", "AES_CBC_192",
	    24, false, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CBC, 256, "aes256", "AES_CBC_256",
	    32, false, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_16, 128, "aes128gcm16",
	    "AES_GCM_16_128", 20, true, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_16, 128, "aes128gcm128", NULL,
	    20, true, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_16, 192, "aes192gcm16",
	    "AES_GCM_16_192", 28, true, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_16, 192, "aes192gcm128", NULL,
	    28, true, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_16, 256, "aes256gcm16",
	    "AES_GCM_16_256", 36, true, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_16, 256, "aes256gcm128", NULL,
	    36, true, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_CHACHA20_POLY1305, 0, "chacha20poly1305",
	    "CHACHA20_POLY1305_256", 36, true, BOTH },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_3DES, 0, NULL, "3DES_CBC", 24, false, 0 },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CTR, 128, NULL, "AES_CTR_128", 20,
	    false, 0 },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CTR, 256, NULL, "AES_CTR_256", 36,
	    false, 0 },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_8, 256, NULL, "AES_GCM_8_256", 36,
	    true, 0 },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_12, 256, NULL, "AES_GCM_12_256",
	    36, true, 0 },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CCM_16, 256, NULL, "AES_CCM_16_256",
	    35, true, 0 },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_NULL, 0, NULL, "NULL", 0, false, 0 },
	/* INTEG: key_len is the HMAC key, the hash length (RFC 2404,
	 * RFC 4868 §2.1.1). */
	{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0, "sha1", "HMAC_SHA1_96",
	    20, false, BOTH },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0, "sha", NULL, 20, false,
	    BOTH },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0, "sha256",
	    "HMAC_SHA2_256_128", 32, false, BOTH },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0, "sha2_256", NULL,
	    32, false, BOTH },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_SHA2_384_192, 0, "sha384",
	    "HMAC_SHA2_384_192", 48, false, IKE },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_SHA2_512_256, 0, "sha512",
	    "HMAC_SHA2_512_256", 64, false, IKE },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_NONE, 0, NULL, "NONE", 0, false, 0 },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_MD5_96, 0, NULL, "HMAC_MD5_96", 16,
	    false, 0 },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_AES_XCBC_96, 0, NULL, "AES_XCBC_96", 16,
	    false, 0 },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_AES_CMAC_96, 0, NULL, "AES_CMAC_96", 16,
	    false, 0 },
	/* PRF: key_len is the output length (§2.14). */
	{ IKEV2_XF_PRF, IKEV2_PRF_HMAC_SHA1, 0, "prfsha1", "PRF_HMAC_SHA1",
	    20, false, IKE },
	{ IKEV2_XF_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, "prfsha256",
	    "PRF_HMAC_SHA2_256", 32, false, IKE },
	{ IKEV2_XF_PRF, IKEV2_PRF_HMAC_SHA2_384, 0, "prfsha384",
	    "PRF_HMAC_SHA2_384", 48, false, IKE },
	{ IKEV2_XF_PRF, IKEV2_PRF_HMAC_SHA2_512, 0, "prfsha512",
	    "PRF_HMAC_SHA2_512", 64, false, IKE },
	{ IKEV2_XF_PRF, IKEV2_PRF_HMAC_MD5, 0, NULL, "PRF_HMAC_MD5", 16,
	    false, 0 },
	{ IKEV2_XF_PRF, IKEV2_PRF_AES128_XCBC, 0, NULL, "PRF_AES128_XCBC", 16,
	    false, 0 },
	{ IKEV2_XF_PRF, IKEV2_PRF_AES128_CMAC, 0, NULL, "PRF_AES128_CMAC", 16,
	    false, 0 },
	/* DH groups (dh.h) */
	{ IKEV2_XF_DH, IKEV2_DH_MODP2048, 0, "modp2048", "MODP_2048", 0,
	    false, BOTH },
	{ IKEV2_XF_DH, IKEV2_DH_ECP256, 0, "ecp256", "ECP_256", 0, false,
	    BOTH },
	{ IKEV2_XF_DH, IKEV2_DH_CURVE25519, 0, "x25519", "CURVE_25519", 0,
	    false, BOTH },
	{ IKEV2_XF_DH, IKEV2_DH_CURVE25519, 0, "curve25519", NULL, 0, false,
	    BOTH },
	{ IKEV2_XF_DH, IKEV2_DH_NONE, 0, NULL, "NONE", 0, false, 0 },
	{ IKEV2_XF_DH, IKEV2_DH_MODP1024, 0, NULL, "MODP_1024", 0, false, 0 },
	{ IKEV2_XF_DH, IKEV2_DH_MODP1536, 0, NULL, "MODP_1536", 0, false, 0 },
	{ IKEV2_XF_DH, IKEV2_DH_MODP3072, 0, NULL, "MODP_3072", 0, false, 0 },
	{ IKEV2_XF_DH, IKEV2_DH_MODP4096, 0, NULL, "MODP_4096", 0, false, 0 },
	{ IKEV2_XF_DH, IKEV2_DH_MODP8192, 0, NULL, "MODP_8192", 0, false, 0 },
	{ IKEV2_XF_DH, IKEV2_DH_ECP384, 0, NULL, "ECP_384", 0, false, 0 },
	{ IKEV2_XF_DH, IKEV2_DH_ECP521, 0, NULL, "ECP_521", 0, false, 0 },
	{ IKEV2_XF_DH, IKEV2_DH_CURVE448, 0, NULL, "CURVE_448", 0, false, 0 },
	/* ESN (ESP only) */
	{ IKEV2_XF_ESN, IKEV2_ESN_NO, 0, "noesn", "NO_EXT_SEQ", 0, false,
	    ESP },
	{ IKEV2_XF_ESN, IKEV2_ESN_YES, 0, "esn", "EXT_SEQ", 0, false, ESP },
};

#define N_ALGS	(sizeof(algs) / sizeof(algs[0]))

const struct ike_alg *
ike_alg_find(const struct ike_transform *t)
{
	size_t i;

	for (i = 0; i < N_ALGS; i++)
		if (algs[i].type == t->type && algs[i].id == t->id &&
		    algs[i].key_bits == t->key_bits)
			return &algs[i];
	return NULL;
}

const struct ike_alg *
ike_alg_by_token(const char *token, size_t len, uint8_t where)
{
	size_t i;

	for (i = 0; i < N_ALGS; i++)
		if (algs[i].token != NULL && (algs[i].where & where) &&
		    strlen(algs[i].token) == len &&
		    memcmp(algs[i].token, token, len) == 0)
			return &algs[i];
	return NULL;
}

const struct ike_alg *
ike_alg_by_name(uint8_t type, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_ALGS; i++)
		if (algs[i].name != NULL && (type == 0 || algs[i].type == type) &&
		    strlen(algs[i].name) == len &&
		    memcmp(algs[i].name, name, len) == 0)
			return &algs[i];
	return NULL;
}

int
ike_transform_name(const struct ike_transform *t, char *out, size_t cap)
{
	static const char *const type_names[] = { "UNKNOWN", "ENCR", "PRF",
	    "INTEG", "DH", "ESN" };
	const struct ike_alg *a = ike_alg_find(t);
	const char *type;

	if (a != NULL)
		return snprintf(out, cap, "%s", a->name);
	type = t->type <= IKEV2_XF_TYPE_MAX ? type_names[t->type] :
	    type_names[0];
	if (t->key_bits)
		return snprintf(out, cap, "%s_%u_%u", type, t->id, t->key_bits);
	return snprintf(out, cap, "%s_%u", type, t->id);
}
