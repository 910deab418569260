/*
 * ike/sk.c — SK{} encryption and authentication; see sk.h.
 *
 * AES-CBC (RFC 3602 via RFC 7296 §3.14): random IV of one block, padding to
 * the block, ICV = HMAC truncated (RFC 2404, RFC 4868 §2.6) over the whole
 * message up to the ICV. AEADs (RFC 5282 §3-§5, RFC 7634 §3): nonce =
 * salt (last 4 key octets) | 8-octet IV, associated data = the message up
 * to the IV, 16-octet tag as ICV, no padding needed.
 *
 * The ciphers are fetched from OpenSSL's provider store once per process
 * and the HMACs are prf.c's (the same HMAC-SHA1/SHA2-256, untruncated):
 * EVP_aes_256_cbc() and HMAC() looked the implementation up again at every
 * message (doc/load.md, CPU per set-up).
 */
#include "ike/sk.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/prf.h"
#include "ike/transforms.h"

#define SK_SALT_LEN	4
#define SK_AEAD_IV_LEN	8
#define SK_AEAD_ICV_LEN	16
#define SK_AES_BLOCK	16
#define SK_HMAC_MAX	64

const char *
ike_sk_status_str(enum ike_sk_status st)
{
	switch (st) {
	case IKE_SK_OK:		return "ok";
	case IKE_SK_NO_SK:	return "no SK payload at the end";
	case IKE_SK_LAYOUT:	return "SK payload sizes do not fit the cipher";
	case IKE_SK_AUTH:	return "ICV mismatch";
	case IKE_SK_PADDING:	return "bad Pad Length";
	case IKE_SK_INNER:	return "inner payloads malformed";
	case IKE_SK_CRYPTO:	return "crypto failure";
	}
	return "?";
}

static int
sk_integ_init(struct ike_sk_suite *s, uint16_t integ)
{
	s->integ = integ;
	switch (integ) {
	case IKEV2_AUTH_HMAC_SHA1_96:
		s->integ_key_len = 20;
		s->icv_len = 12;
		return 0;
	case IKEV2_AUTH_HMAC_SHA2_256_128:
		s->integ_key_len = 32;
		s->icv_len = 16;
		return 0;
	default:
		return -1;
	}
}

int
ike_sk_suite_init(struct ike_sk_suite *s, const struct ike_chosen *c)
{
	const struct ike_transform *e = ike_chosen_get(c, IKEV2_XF_ENCR);
	const struct ike_transform *i = ike_chosen_get(c, IKEV2_XF_INTEG);

	memset(s, 0, sizeof(*s));
	if (e == NULL)
		return -1;
	s->encr = e->id;
	s->encr_bits = e->key_bits;
	switch (e->id) {
	case IKEV2_ENCR_AES_CBC:
		if (e->key_bits != 128 && e->key_bits != 192 &&
		    e->key_bits != 256)
			return -1;
		s->encr_key_len = e->key_bits / 8;
		s->iv_len = s->block_len = SK_AES_BLOCK;
		return i == NULL ? -1 : sk_integ_init(s, i->id);
	case IKEV2_ENCR_AES_GCM_16:
		if (e->key_bits != 128 && e->key_bits != 192 &&
		    e->key_bits != 256)
			return -1;
		s->encr_key_len = e->key_bits / 8 + SK_SALT_LEN;
		break;
	case IKEV2_ENCR_CHACHA20_POLY1305:
		s->encr_bits = 256;
		s->encr_key_len = 32 + SK_SALT_LEN;
		break;
	default:
		return -1;
	}
	if (i != NULL && i->id != IKEV2_AUTH_NONE)
		return -1;	/* §3.3: no integrity with a combined mode */
	s->aead = true;
	s->iv_len = SK_AEAD_IV_LEN;
	s->block_len = 1;
	s->icv_len = SK_AEAD_ICV_LEN;
	return 0;
}

void
ike_sk_keys_for(const struct ike_sa_keys *k, bool initiator_sends,
    struct ike_sk_keys *out)
{
	out->encr = initiator_sends ? k->sk_ei : k->sk_er;
	out->integ = k->integ_len == 0 ? NULL :
	    initiator_sends ? k->sk_ai : k->sk_ar;
}

/* The SK{} ciphers by OpenSSL name, fetched once (NULL where OpenSSL has
 * none); never freed, like a static. */
enum { SK_AES_CBC, SK_AES_GCM = 3, SK_CHACHA = 6, SK_N_CIPHERS };
static const char *const cipher_names[SK_N_CIPHERS] = {
	"AES-128-CBC", "AES-192-CBC", "AES-256-CBC",
	"AES-128-GCM", "AES-192-GCM", "AES-256-GCM", "ChaCha20-Poly1305",
};
static EVP_CIPHER *ciphers[SK_N_CIPHERS];
static CRYPTO_ONCE ciphers_once = CRYPTO_ONCE_STATIC_INIT;

static void
ciphers_init(void)
{
	size_t i;

	for (i = 0; i < SK_N_CIPHERS; i++)
		ciphers[i] = EVP_CIPHER_fetch(NULL, cipher_names[i], NULL);
}

static const EVP_CIPHER *
sk_cipher(const struct ike_sk_suite *s)
{
	int i = s->encr_bits == 128 ? 0 : s->encr_bits == 192 ? 1 : 2;

	if (!CRYPTO_THREAD_run_once(&ciphers_once, ciphers_init))
		return NULL;
	switch (s->encr) {
	case IKEV2_ENCR_AES_CBC:
		return ciphers[SK_AES_CBC + i];
	case IKEV2_ENCR_AES_GCM_16:
		return ciphers[SK_AES_GCM + i];
	default:
		return ciphers[SK_CHACHA];
	}
}

/* ICV = HMAC(SK_a, message[0..integ_len)) truncated to icv_len: the PRF
 * of the same hash computes it (RFC 2104 either way). */
static int
sk_hmac(const struct ike_sk_suite *s, const uint8_t *key, const uint8_t *msg,
    size_t len, uint8_t out[SK_HMAC_MAX])
{
	struct ike_view m = { msg, len };

	return ike_prf(s->integ == IKEV2_AUTH_HMAC_SHA1_96 ?
	    IKEV2_PRF_HMAC_SHA1 : IKEV2_PRF_HMAC_SHA2_256, key,
	    s->integ_key_len, &m, 1, out);
}

/*
 * One pass of the cipher over in[0..len) into out. With an AEAD, aad is
 * fed first and tag is written (encrypt) or checked (decrypt).
 */
static int
sk_cipher_run(const struct ike_sk_suite *s, const uint8_t *key,
    const uint8_t *iv, const uint8_t *aad, size_t aad_len, const uint8_t *in,
    size_t len, uint8_t *out, uint8_t *tag, int enc)
{
	uint8_t nonce[SK_SALT_LEN + SK_AEAD_IV_LEN];
	const uint8_t *civ = iv;
	EVP_CIPHER_CTX *ctx;
	int n, ret = -1;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (s->aead) {
		memcpy(nonce, key + s->encr_key_len - SK_SALT_LEN, SK_SALT_LEN);
		memcpy(nonce + SK_SALT_LEN, iv, SK_AEAD_IV_LEN);
		civ = nonce;
	}
	if (sk_cipher(s) == NULL ||
	    EVP_CipherInit_ex(ctx, sk_cipher(s), NULL, NULL, NULL, enc) != 1 ||
	    (s->aead && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
	    sizeof(nonce), NULL) != 1) ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, civ, enc) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)
		goto out;
	if (s->aead && (EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1 ||
	    (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
	    SK_AEAD_ICV_LEN, tag) != 1)))
		goto out;
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(ctx, out + n, &n) != 1)
		goto out;	/* decrypt: a wrong tag fails here */
	if (s->aead && enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
	    SK_AEAD_ICV_LEN, tag) != 1)
		goto out;
	ret = 0;
out:
	sodium_memzero(nonce, sizeof(nonce));
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

bool
ike_sk_open(struct ike_builder *b, struct ike_builder *inner,
    const struct ike_sk_suite *s)
{
	return ike_sk_begin(b, inner, 0, 0, s->iv_len);
}

long
ike_sk_seal(struct ike_builder *b, struct ike_builder *inner,
    const struct ike_sk_suite *s, const struct ike_sk_keys *k)
{
	uint8_t mac[SK_HMAC_MAX];
	struct ike_sk_layout l;
	long len;

	if (!ike_sk_end(b, inner, s->block_len, s->icv_len, &l) ||
	    (len = ike_build_finish(b)) < 0 ||
	    RAND_bytes(l.iv, (int)l.iv_len) != 1)
		return -1;
	if (s->aead)
		return sk_cipher_run(s, k->encr, l.iv, b->w.p, l.aad_len, l.enc,
		    l.enc_len, l.enc, l.icv, 1) == 0 ? len : -1;
	if (sk_cipher_run(s, k->encr, l.iv, NULL, 0, l.enc, l.enc_len, l.enc,
	    NULL, 1) != 0 || sk_hmac(s, k->integ, b->w.p, l.integ_len, mac) != 0)
		return -1;
	memcpy(l.icv, mac, l.icv_len);
	return len;
}

/* The SK (or SKF) payload must be the last one of the message (§3.14,
 * RFC 7383 §2.5). */
static const struct ike_payload *
sk_find(const struct ike_msg *m, uint8_t type)
{
	const struct ike_payload *p;

	if (m->n_payloads == 0)
		return NULL;
	p = &m->pl[m->n_payloads - 1];
	return p->type == type && !p->in_sk ? p : NULL;
}

/* Authenticates, then decrypts sk's body into plain; *inner_len: the
 * inner payload bytes in front of the padding. */
static enum ike_sk_status
sk_open(const struct ike_msg *m, const struct ike_payload *sk,
    const struct ike_sk_suite *s, const struct ike_sk_keys *k, uint8_t *plain,
    size_t cap, size_t *inner_len)
{
	struct ike_sk_parts parts;
	uint8_t mac[SK_HMAC_MAX];
	int rc;

	if (!ike_sk_split(m, sk, s->iv_len, s->block_len, s->icv_len, &parts))
		return IKE_SK_LAYOUT;
	if (parts.enc.len > cap)
		return IKE_SK_CRYPTO;
	if (!s->aead) {
		if (sk_hmac(s, k->integ, m->raw.p, parts.integ_len, mac) != 0)
			return IKE_SK_CRYPTO;
		if (sodium_memcmp(mac, parts.icv.p, s->icv_len) != 0)
			return IKE_SK_AUTH;
		rc = sk_cipher_run(s, k->encr, parts.iv.p, NULL, 0,
		    parts.enc.p, parts.enc.len, plain, NULL, 0);
	} else {
		memcpy(mac, parts.icv.p, s->icv_len);
		rc = sk_cipher_run(s, k->encr, parts.iv.p, m->raw.p,
		    parts.aad_len, parts.enc.p, parts.enc.len, plain, mac, 0);
		if (rc != 0) {
			sodium_memzero(plain, parts.enc.len);
			return IKE_SK_AUTH;
		}
	}
	if (rc != 0)
		return IKE_SK_CRYPTO;
	if (!ike_sk_unpad(plain, parts.enc.len, inner_len))
		return IKE_SK_PADDING;
	return IKE_SK_OK;
}

enum ike_sk_status
ike_sk_decrypt(struct ike_msg *m, const struct ike_sk_suite *s,
    const struct ike_sk_keys *k, uint8_t *plain, size_t cap,
    enum ike_parse_status *pst)
{
	const struct ike_payload *sk = sk_find(m, IKEV2_PL_SK);
	enum ike_parse_status st;
	enum ike_sk_status sst;
	size_t inner_len;

	if (sk == NULL)
		return IKE_SK_NO_SK;
	if ((sst = sk_open(m, sk, s, k, plain, cap, &inner_len)) != IKE_SK_OK)
		return sst;
	st = ike_msg_parse_inner(m, sk->u.sk.first_inner, plain, inner_len);
	if (pst != NULL)
		*pst = st;
	return st == IKE_PARSE_OK ? IKE_SK_OK : IKE_SK_INNER;
}

enum ike_sk_status
ike_skf_decrypt(const struct ike_msg *m, const struct ike_sk_suite *s,
    const struct ike_sk_keys *k, uint8_t *plain, size_t cap, size_t *len,
    const struct ike_payload **skf)
{
	if ((*skf = sk_find(m, IKEV2_PL_SKF)) == NULL)
		return IKE_SK_NO_SK;
	return sk_open(m, *skf, s, k, plain, cap, len);
}
