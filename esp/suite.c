/*
 * esp/suite.c — the suite table: names, strongSwan proposal tokens, key
 * lengths and overhead. Key lengths in proposals are in bits (IKEv2 Key
 * Length attribute, RFC 7296 §3.3.5), as strongSwan spells them.
 */
#include "esp/aead.h"

#include <string.h>

struct suite_info {
	const char			*name;
	const struct esp_aead_ops	*ops;
	size_t				 auth_key_len;	/* bytes; 0: AEAD */
	bool				 aes;		/* 128/192/256 keys */
};

static const struct suite_info suites[ESP_SUITE_COUNT] = {
	[ESP_SUITE_AES_CBC_HMAC_SHA1_96] = { "aes-sha1",
	    &esp_aead_cbc_hmac_sha1_96, ESP_SHA1_KEY_LEN, true },
	[ESP_SUITE_AES_CBC_HMAC_SHA256_128] = { "aes-sha256",
	    &esp_aead_cbc_hmac_sha256_128, ESP_SHA256_KEY_LEN, true },
	[ESP_SUITE_AES_GCM_16] = { "aesgcm16",
	    &esp_aead_aes_gcm_16, 0, true },
	[ESP_SUITE_CHACHA20_POLY1305] = { "chacha20poly1305",
	    &esp_aead_chacha20_poly1305, 0, false },
};

static const struct suite_info *
suite_info(enum esp_suite suite)
{
	if ((unsigned)suite >= ESP_SUITE_COUNT)
		return NULL;
	return &suites[suite];
}

const struct esp_aead_ops *
esp_suite_ops(enum esp_suite suite)
{
	const struct suite_info *si = suite_info(suite);

	return si ? si->ops : NULL;
}

const char *
esp_suite_name(enum esp_suite suite)
{
	const struct suite_info *si = suite_info(suite);

	return si ? si->name : "unknown";
}

size_t
esp_suite_enc_key_len(enum esp_suite suite, int aes_key_len)
{
	const struct suite_info *si = suite_info(suite);
	size_t salt;

	if (si == NULL)
		return 0;
	salt = si->auth_key_len ? 0 : ESP_SALT_LEN;
	if (!si->aes)
		return ESP_CHACHA_KEY_LEN + salt;
	if (aes_key_len != 128 && aes_key_len != 192 && aes_key_len != 256)
		return 0;
	return (size_t)aes_key_len / 8 + salt;
}

size_t
esp_suite_auth_key_len(enum esp_suite suite)
{
	const struct suite_info *si = suite_info(suite);

	return si ? si->auth_key_len : 0;
}

/* Header, IV, at most align-1 pad bytes, trailer and ICV. */
size_t
esp_suite_overhead_max(enum esp_suite suite)
{
	const struct esp_aead_ops *ops = esp_suite_ops(suite);

	if (ops == NULL)
		return 0;
	return ESP_HDR_LEN + ops->iv_len + ops->align - 1 + ESP_TRAILER_LEN +
	    ops->icv_len;
}

size_t
esp_aad_aead(const struct esp_aad *aad, uint8_t *out)
{
	/* SPI || seq_hi || seq_lo */
	memcpy(out, aad->b, 4);
	if (aad->len == ESP_HDR_LEN) {
		memcpy(&out[4], &aad->b[4], 4);
		return ESP_HDR_LEN;
	}
	memcpy(&out[4], &aad->b[ESP_HDR_LEN], ESP_SEQ_HI_LEN);
	memcpy(&out[8], &aad->b[4], 4);
	return ESP_HDR_LEN + ESP_SEQ_HI_LEN;
}

/* Proposal tokens, strongSwan style: an encryption token, an integrity
 * token for the CBC suites only, then an optional "esn"/"noesn". */
struct token {
	const char	*name;
	enum esp_suite	 suite;		/* with integrity: the CBC suite */
	int		 key_len;
	bool		 aead;
};

static const struct token enc_tokens[] = {
	{ "aes", ESP_SUITE_AES_CBC_HMAC_SHA1_96, 128, false },
	{ "aes128", ESP_SUITE_AES_CBC_HMAC_SHA1_96, 128, false },
	{ "aes192", ESP_SUITE_AES_CBC_HMAC_SHA1_96, 192, false },
	{ "aes256", ESP_SUITE_AES_CBC_HMAC_SHA1_96, 256, false },
	{ "aesgcm16", ESP_SUITE_AES_GCM_16, 128, true },
	{ "aes128gcm16", ESP_SUITE_AES_GCM_16, 128, true },
	{ "aes192gcm16", ESP_SUITE_AES_GCM_16, 192, true },
	{ "aes256gcm16", ESP_SUITE_AES_GCM_16, 256, true },
	{ "aes128gcm128", ESP_SUITE_AES_GCM_16, 128, true },
	{ "aes192gcm128", ESP_SUITE_AES_GCM_16, 192, true },
	{ "aes256gcm128", ESP_SUITE_AES_GCM_16, 256, true },
	{ "chacha20poly1305", ESP_SUITE_CHACHA20_POLY1305, 256, true },
};

static const struct token integ_tokens[] = {
	{ "sha1", ESP_SUITE_AES_CBC_HMAC_SHA1_96, 0, false },
	{ "sha256", ESP_SUITE_AES_CBC_HMAC_SHA256_128, 0, false },
};

static const struct token *
token_find(const struct token *t, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && strncmp(t[i].name, s, len) == 0)
			return &t[i];
	return NULL;
}

/* The next '-'-separated word of *s: its start and length; moves *s. */
static size_t
next_word(const char **s, const char **word)
{
	const char *dash = strchr(*s, '-');
	size_t len = dash ? (size_t)(dash - *s) : strlen(*s);

	*word = *s;
	*s += len + (dash ? 1 : 0);
	return len;
}

int
esp_suite_parse(const char *token, enum esp_suite *suite, int *key_len,
    bool *esn)
{
	const struct token *enc, *integ = NULL;
	const char *s = token, *w;
	size_t len;
	bool e = false;

	/* No empty words: "aes256-sha1-", "aes256--sha1". */
	if (token == NULL || *token == '\0' || strstr(token, "--") != NULL ||
	    token[strlen(token) - 1] == '-')
		return -1;
	len = next_word(&s, &w);
	if ((enc = token_find(enc_tokens, sizeof(enc_tokens) /
	    sizeof(enc_tokens[0]), w, len)) == NULL)
		return -1;
	if (!enc->aead) {
		len = next_word(&s, &w);
		if ((integ = token_find(integ_tokens, sizeof(integ_tokens) /
		    sizeof(integ_tokens[0]), w, len)) == NULL)
			return -1;
	}
	if (*s != '\0') {
		len = next_word(&s, &w);
		if (len == 3 && strncmp(w, "esn", 3) == 0)
			e = true;
		else if (!(len == 5 && strncmp(w, "noesn", 5) == 0))
			return -1;
		if (*s != '\0')
			return -1;
	}
	*suite = integ ? integ->suite : enc->suite;
	*key_len = enc->key_len;
	*esn = e;
	return 0;
}
