/*
 * tools/keylog/keylog_text.c — uipsec's own key log (doc/keylog.md), one
 * record per line, fields separated by blanks:
 *
 *   IKE <SPIi> <SPIr> <ENCR> <INTEG> <SK_ei> <SK_er> <SK_ai> <SK_ar>
 *   ESP <src> <dst> <SPI> <ENCR> <INTEG> esn|noesn <encr key> <integ key>
 *
 * SPIs in hex as on the wire (16 and 8 digits), algorithms by strongSwan's
 * log names (AES_CBC_256, AES_GCM_16_256, HMAC_SHA1_96, NONE; unknown ones
 * by number: ENCR_<id>[_<bits>], INTEG_<id>), keys in hex, "-" for none
 * (an AEAD's integrity keys). An ESP line is one direction, src -> dst;
 * "*" for an address matches any. '#' starts a comment line.
 */
#include "tools/keylog/keylog_internal.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include <sodium.h>

#include "common/hex.h"

#define KL_NAME_MAX	48

static int
kl_text_algs(struct kl_ctx *c, const uint8_t *ef, size_t en,
    const uint8_t *af, size_t an, uint16_t *encr, uint16_t *bits,
    uint16_t *integ)
{
	size_t key_len;
	bool aead;

	if (kl_encr_by_name(ef, en, encr, bits, &key_len, &aead) < 0)
		return kl_error(c, "unknown encryption algorithm '%.*s'",
		    (int)(en < 40 ? en : 40), (const char *)ef);
	if (kl_integ_by_name(af, an, integ, &key_len) < 0)
		return kl_error(c, "unknown integrity algorithm '%.*s'",
		    (int)(an < 40 ? an : 40), (const char *)af);
	return 0;
}

/* The fields after the keyword: exactly `want` of them. */
static int
kl_text_fields(struct kl_ctx *c, struct buf_reader *r, const uint8_t **f,
    size_t *n, size_t want, const char *kind)
{
	size_t i;

	for (i = 0; i < want; i++)
		if (!kl_field(r, ' ', &f[i], &n[i]))
			return kl_error(c, "%s line: %zu fields, want %zu",
			    kind, i, want);
	if (!kl_at_end(r))
		return kl_error(c, "%s line: more than %zu fields", kind,
		    want);
	return 0;
}

static int
kl_text_ike(struct kl_ctx *c, struct buf_reader *r)
{
	const uint8_t *f[8];
	size_t n[8];
	struct keylog_ike k = { 0 };
	struct keylog_ike *rec;
	int ret = -1;

	if (kl_text_fields(c, r, f, n, 8, "IKE") < 0 ||
	    kl_hex_u64(c, f[0], n[0], 16, &k.spi_i, "SPIi") < 0 ||
	    kl_hex_u64(c, f[1], n[1], 16, &k.spi_r, "SPIr") < 0 ||
	    kl_text_algs(c, f[2], n[2], f[3], n[3], &k.encr, &k.encr_bits,
	    &k.integ) < 0 ||
	    kl_hex(c, f[4], n[4], k.sk_ei, sizeof(k.sk_ei), &k.encr_len,
	    "SK_ei") < 0 ||
	    kl_hex(c, f[5], n[5], k.sk_er, sizeof(k.sk_er), &n[5],
	    "SK_er") < 0 ||
	    kl_hex(c, f[6], n[6], k.sk_ai, sizeof(k.sk_ai), &k.integ_len,
	    "SK_ai") < 0 ||
	    kl_hex(c, f[7], n[7], k.sk_ar, sizeof(k.sk_ar), &n[7],
	    "SK_ar") < 0)
		goto out;
	if (n[5] != k.encr_len || n[7] != k.integ_len) {
		kl_error(c, "IKE keys of one kind differ in length");
		goto out;
	}
	if (kl_check_ike(c, &k) < 0 || (rec = kl_new_ike(c)) == NULL)
		goto out;
	*rec = k;
	ret = 0;
out:
	sodium_memzero(&k, sizeof(k));
	return ret;
}

static int
kl_text_esp(struct kl_ctx *c, struct buf_reader *r)
{
	const uint8_t *f[8];
	size_t n[8];
	struct keylog_esp k = { 0 };
	struct keylog_esp *rec;
	uint64_t spi;
	int sfam, dfam, ret = -1;

	if (kl_text_fields(c, r, f, n, 8, "ESP") < 0 ||
	    kl_addr(c, f[0], n[0], &sfam, k.src, "source") < 0 ||
	    kl_addr(c, f[1], n[1], &dfam, k.dst, "destination") < 0 ||
	    kl_hex_u64(c, f[2], n[2], 8, &spi, "SPI") < 0 ||
	    kl_text_algs(c, f[3], n[3], f[4], n[4], &k.encr, &k.encr_bits,
	    &k.integ) < 0 ||
	    kl_hex(c, f[6], n[6], k.encr_key, sizeof(k.encr_key),
	    &k.encr_len, "encryption key") < 0 ||
	    kl_hex(c, f[7], n[7], k.integ_key, sizeof(k.integ_key),
	    &k.integ_len, "integrity key") < 0)
		goto out;
	if (sfam != dfam) {
		kl_error(c, "source and destination of different families");
		goto out;
	}
	k.family = sfam;
	k.spi = (uint32_t)spi;
	if (kl_is(f[5], n[5], "esn"))
		k.esn = true;
	else if (!kl_is(f[5], n[5], "noesn")) {
		kl_error(c, "want esn or noesn, not '%.*s'",
		    (int)(n[5] < 40 ? n[5] : 40), (const char *)f[5]);
		goto out;
	}
	if (kl_check_esp(c, &k) < 0 || (rec = kl_new_esp(c)) == NULL)
		goto out;
	*rec = k;
	ret = 0;
out:
	sodium_memzero(&k, sizeof(k));
	return ret;
}

int
kl_text_line(struct kl_ctx *c, const uint8_t *p, size_t n)
{
	struct buf_reader r;
	const uint8_t *kw;
	size_t kn;

	buf_reader_init(&r, p, n);
	if (!kl_field(&r, ' ', &kw, &kn))
		return 0;
	if (kl_is(kw, kn, "IKE"))
		return kl_text_ike(c, &r);
	if (kl_is(kw, kn, "ESP"))
		return kl_text_esp(c, &r);
	return kl_error(c, "want an IKE or ESP line, not '%.*s'",
	    (int)(kn < 40 ? kn : 40), (const char *)kw);
}

/* Writers. Hex of a key, "-" for none, into out (wiped by the caller). */
static const char *
kl_hex_or_dash(const uint8_t *k, size_t len, char *out, size_t cap)
{
	if (len == 0)
		return "-";
	hex_encode(k, len, out, cap);
	return out;
}

int
keylog_format_ike(char *out, size_t cap, const struct keylog_ike *k)
{
	char encr[KL_NAME_MAX], integ[KL_NAME_MAX];
	char h[4][2 * KEYLOG_INTEG_KEY_MAX + 1];
	int n;

	kl_encr_name(k->encr, k->encr_bits, encr, sizeof(encr));
	kl_integ_name(k->integ, integ, sizeof(integ));
	n = snprintf(out, cap, "IKE %016" PRIx64 " %016" PRIx64
	    " %s %s %s %s %s %s", k->spi_i, k->spi_r, encr, integ,
	    kl_hex_or_dash(k->sk_ei, k->encr_len, h[0], sizeof(h[0])),
	    kl_hex_or_dash(k->sk_er, k->encr_len, h[1], sizeof(h[1])),
	    kl_hex_or_dash(k->sk_ai, k->integ_len, h[2], sizeof(h[2])),
	    kl_hex_or_dash(k->sk_ar, k->integ_len, h[3], sizeof(h[3])));
	sodium_memzero(h, sizeof(h));
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* A line of a key log: room for the longest record. */
#define KL_RECORD_MAX	1024

/* One record line into f; the stack copy wiped. */
static int
kl_write_line(FILE *f, char *line, int n)
{
	int ret = n < 0 || fprintf(f, "%s\n", line) < 0 ? -1 : 0;

	sodium_memzero(line, KL_RECORD_MAX);
	return ret;
}

int
keylog_write_ike(FILE *f, const struct keylog_ike *k)
{
	char line[KL_RECORD_MAX];

	return kl_write_line(f, line, keylog_format_ike(line, sizeof(line),
	    k));
}

/* An address as text, "*" for any. */
static const char *
kl_addr_text(int family, const uint8_t *a, char *out, size_t cap)
{
	if (family == 0 || inet_ntop(family, a, out, (socklen_t)cap) == NULL)
		return "*";
	return out;
}

int
keylog_format_esp(char *out, size_t cap, const struct keylog_esp *k)
{
	char encr[KL_NAME_MAX], integ[KL_NAME_MAX];
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char h[2][2 * KEYLOG_INTEG_KEY_MAX + 1];
	int n;

	kl_encr_name(k->encr, k->encr_bits, encr, sizeof(encr));
	kl_integ_name(k->integ, integ, sizeof(integ));
	n = snprintf(out, cap, "ESP %s %s %08" PRIx32 " %s %s %s %s %s",
	    kl_addr_text(k->family, k->src, src, sizeof(src)),
	    kl_addr_text(k->family, k->dst, dst, sizeof(dst)), k->spi,
	    encr, integ, k->esn ? "esn" : "noesn",
	    kl_hex_or_dash(k->encr_key, k->encr_len, h[0], sizeof(h[0])),
	    kl_hex_or_dash(k->integ_key, k->integ_len, h[1], sizeof(h[1])));
	sodium_memzero(h, sizeof(h));
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int
keylog_write_esp(FILE *f, const struct keylog_esp *k)
{
	char line[KL_RECORD_MAX];

	return kl_write_line(f, line, keylog_format_esp(line, sizeof(line),
	    k));
}
