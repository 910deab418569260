/*
 * tools/keylog/keylog_uat.c — Wireshark's key tables ("UAT" files) as
 * Wireshark 4.0 reads them and strongSwan's save-keys plugin writes them:
 *
 *   ikev2_decryption_table (one IKE SA a line):
 *     SPIi,SPIr,SK_ei,SK_er,"encr",SK_ai,SK_ar,"integ"
 *     (hex without quotes; AEAD: SK_a* empty, integ "NONE [RFC4306]")
 *   esp_sa (one direction a line):
 *     "IPv4|IPv6","src","dst","0xSPI","encr","0xKEY","auth","0xKEY"
 *     (addresses may be "*"; AEAD: auth "NULL")
 *
 * The algorithm strings are the values of Wireshark's UAT enums, checked
 * against tshark 4.0 here (an unknown one is refused as "invalid value").
 * Wireshark 4.0 has no ChaCha20-Poly1305 and no ESN in these tables:
 * such SAs are written as a comment saying so. A field is either "quoted"
 * (escapes \\, \" and \xNN) or bare up to the next comma.
 */
#include "tools/keylog/keylog_internal.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <sodium.h>

#include "common/hex.h"
#include "ike/ikev2_wire.h"

#define KL_UAT_FIELD_MAX	160

struct kl_uat_alg {
	uint16_t	 id, bits;	/* bits 0: taken from the key length */
	const char	*name;
};

/* Wireshark's IKEv2 table (packet-isakmp.c's UAT enums). */
static const struct kl_uat_alg uat_ike_encr[] = {
	{ IKEV2_ENCR_3DES, 0, "3DES [RFC2451]" },
	{ IKEV2_ENCR_NULL, 0, "NULL [RFC2410]" },
	{ IKEV2_ENCR_AES_CBC, 128, "AES-CBC-128 [RFC3602]" },
	{ IKEV2_ENCR_AES_CBC, 192, "AES-CBC-192 [RFC3602]" },
	{ IKEV2_ENCR_AES_CBC, 256, "AES-CBC-256 [RFC3602]" },
	{ IKEV2_ENCR_AES_CTR, 128, "AES-CTR-128 [RFC5930]" },
	{ IKEV2_ENCR_AES_CTR, 192, "AES-CTR-192 [RFC5930]" },
	{ IKEV2_ENCR_AES_CTR, 256, "AES-CTR-256 [RFC5930]" },
	{ IKEV2_ENCR_AES_GCM_8, 128, "AES-GCM-128 with 8 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_GCM_8, 192, "AES-GCM-192 with 8 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_GCM_8, 256, "AES-GCM-256 with 8 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_GCM_12, 128,
	    "AES-GCM-128 with 12 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_GCM_12, 192,
	    "AES-GCM-192 with 12 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_GCM_12, 256,
	    "AES-GCM-256 with 12 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_GCM_16, 128,
	    "AES-GCM-128 with 16 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_GCM_16, 192,
	    "AES-GCM-192 with 16 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_GCM_16, 256,
	    "AES-GCM-256 with 16 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_8, 128, "AES-CCM-128 with 8 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_8, 192, "AES-CCM-192 with 8 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_8, 256, "AES-CCM-256 with 8 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_12, 128,
	    "AES-CCM-128 with 12 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_12, 192,
	    "AES-CCM-192 with 12 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_12, 256,
	    "AES-CCM-256 with 12 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_16, 128,
	    "AES-CCM-128 with 16 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_16, 192,
	    "AES-CCM-192 with 16 octet ICV [RFC5282]" },
	{ IKEV2_ENCR_AES_CCM_16, 256,
	    "AES-CCM-256 with 16 octet ICV [RFC5282]" },
};
static const struct kl_uat_alg uat_ike_integ[] = {
	{ IKEV2_AUTH_NONE, 0, "NONE [RFC4306]" },
	{ IKEV2_AUTH_HMAC_MD5_96, 0, "HMAC_MD5_96 [RFC2403]" },
	{ IKEV2_AUTH_HMAC_SHA1_96, 0, "HMAC_SHA1_96 [RFC2404]" },
	{ IKEV2_AUTH_HMAC_MD5_128, 0, "HMAC_MD5_128 [RFC4595]" },
	{ IKEV2_AUTH_HMAC_SHA1_160, 0, "HMAC_SHA1_160 [RFC4595]" },
	{ IKEV2_AUTH_HMAC_SHA2_256_128, 0, "HMAC_SHA2_256_128 [RFC4868]" },
	{ IKEV2_AUTH_HMAC_SHA2_384_192, 0, "HMAC_SHA2_384_192 [RFC4868]" },
	{ IKEV2_AUTH_HMAC_SHA2_512_256, 0, "HMAC_SHA2_512_256 [RFC4868]" },
};
/* Wireshark's ESP table (packet-ipsec.c). Key sizes come from the keys;
 * "AES-GCM [RFC4106]" takes its ICV length from an "ANY n bit" auth. */
#define KL_UAT_GCM_LEGACY	0xffff
static const struct kl_uat_alg uat_esp_encr[] = {
	{ IKEV2_ENCR_NULL, 0, "NULL" },
	{ IKEV2_ENCR_AES_CBC, 0, "AES-CBC [RFC3602]" },
	{ IKEV2_ENCR_AES_GCM_16, 0, "AES-GCM with 16 octet ICV [RFC4106]" },
	{ IKEV2_ENCR_AES_GCM_12, 0, "AES-GCM with 12 octet ICV [RFC4106]" },
	{ IKEV2_ENCR_AES_GCM_8, 0, "AES-GCM with 8 octet ICV [RFC4106]" },
	{ IKEV2_ENCR_AES_CTR, 0, "AES-CTR [RFC3686]" },
	{ IKEV2_ENCR_3DES, 0, "TripleDES-CBC [RFC2451]" },
	{ IKEV2_ENCR_DES, 0, "DES-CBC [RFC2405]" },
	{ IKEV2_ENCR_CAST, 0, "CAST5-CBC [RFC2144]" },
	{ IKEV2_ENCR_BLOWFISH, 0, "BLOWFISH-CBC [RFC2451]" },
	{ KL_UAT_GCM_LEGACY, 0, "AES-GCM [RFC4106]" },
};
static const struct kl_uat_alg uat_esp_auth[] = {
	{ IKEV2_AUTH_NONE, 0, "NULL" },
	{ IKEV2_AUTH_HMAC_SHA1_96, 0, "HMAC-SHA-1-96 [RFC2404]" },
	{ IKEV2_AUTH_HMAC_SHA2_256_128, 0, "HMAC-SHA-256-128 [RFC4868]" },
	{ IKEV2_AUTH_HMAC_SHA2_384_192, 0, "HMAC-SHA-384-192 [RFC4868]" },
	{ IKEV2_AUTH_HMAC_SHA2_512_256, 0, "HMAC-SHA-512-256 [RFC4868]" },
	{ IKEV2_AUTH_HMAC_MD5_96, 0, "HMAC-MD5-96 [RFC2403]" },
	/* no checking: bits is the ICV length, for legacy AES-GCM */
	{ IKEV2_AUTH_NONE, 64, "ANY 64 bit authentication [no checking]" },
	{ IKEV2_AUTH_NONE, 96, "ANY 96 bit authentication [no checking]" },
	{ IKEV2_AUTH_NONE, 128, "ANY 128 bit authentication [no checking]" },
	{ IKEV2_AUTH_NONE, 192, "ANY 192 bit authentication [no checking]" },
	{ IKEV2_AUTH_NONE, 256, "ANY 256 bit authentication [no checking]" },
};
/*
 * ESN (RFC 4303 §2.2.1): Wireshark 4.0's esp_sa has no field for it (8
 * fields; a 9th is discarded) and checks every ICV over 32-bit sequence
 * numbers. Decryption does not depend on the high half, so an ESN SA is
 * still written: with HMAC as "ANY n bit authentication [no checking]"
 * (tshark decrypts and shows the ICV unchecked rather than bad; read
 * back, that row is the HMAC of that ICV and key length, with ESN), with
 * AES-GCM as it is (tshark decrypts and reports the ICV bad; read back,
 * the ESN flag is lost). A comment line above says so. `uipsec pcap`
 * verifies both with uipsec's own key log. ChaCha20-Poly1305 (RFC 7634)
 * has no name in either of Wireshark 4.0's tables: a comment line only.
 */
struct kl_uat_esn {
	uint16_t	 integ;
	uint16_t	 icv_bits;
	size_t		 key_len;
};
static const struct kl_uat_esn uat_esn[] = {
	{ IKEV2_AUTH_HMAC_SHA1_96, 96, 20 },
	{ IKEV2_AUTH_HMAC_SHA2_256_128, 128, 32 },
	{ IKEV2_AUTH_HMAC_SHA2_384_192, 192, 48 },
	{ IKEV2_AUTH_HMAC_SHA2_512_256, 256, 64 },
};
#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* By name (case-insensitively: strongSwan writes "TripleDes-CBC"). */
static const struct kl_uat_alg *
kl_uat_by_name(const struct kl_uat_alg *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

static const struct kl_uat_alg *
kl_uat_by_id(const struct kl_uat_alg *t, size_t n, uint16_t id,
    uint16_t bits)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].id == id && (t[i].bits == 0 || t[i].bits == bits))
			return &t[i];
	return NULL;
}

/* The next field, unquoted and unescaped into out (NUL-terminated; wiped
 * by the caller: keys pass through it); *more: a comma followed it. */
static int
kl_uat_field(struct kl_ctx *c, struct buf_reader *r, char *out,
    unsigned idx, bool *more)
{
	size_t len = 0;
	uint8_t ch, x[2];
	bool quoted;

	while (buf_remaining(r) > 0 && buf_cursor(r)[0] == ' ')
		buf_skip(r, 1);
	*more = false;
	quoted = buf_remaining(r) > 0 && buf_cursor(r)[0] == '"';
	if (quoted)
		buf_skip(r, 1);
	for (;;) {
		if (!buf_get_u8(r, &ch)) {
			if (quoted)
				return kl_error(c, "field %u: no closing "
				    "quote", idx);
			break;
		}
		if (!quoted && ch == ',') {
			*more = true;
			break;
		}
		if (quoted && ch == '"') {
			while (buf_remaining(r) > 0 &&
			    buf_cursor(r)[0] == ' ')
				buf_skip(r, 1);
			if (buf_get_u8(r, &ch) && ch != ',')
				return kl_error(c, "field %u: text after the "
				    "closing quote", idx);
			*more = ch == ',';
			break;
		}
		if (quoted && ch == '\\') {
			if (!buf_get_u8(r, &ch))
				return kl_error(c, "field %u: escape at the "
				    "end", idx);
			if (ch == 'x') {
				char hx[3] = { 0, 0, 0 };

				if (!buf_copy_bytes(r, x, 2))
					return kl_error(c, "field %u: short "
					    "\\x escape", idx);
				hx[0] = (char)x[0];
				hx[1] = (char)x[1];
				if (hex_decode(hx, &ch, 1) != 1)
					return kl_error(c, "field %u: bad \\x "
					    "escape", idx);
			}
		}
		if (len + 1 >= KL_UAT_FIELD_MAX)
			return kl_error(c, "field %u: longer than %d bytes",
			    idx, KL_UAT_FIELD_MAX - 1);
		out[len++] = (char)ch;
	}
	out[len] = '\0';
	return 0;
}

/* Reads `want` fields (more are ignored: later Wireshark versions add
 * columns) into f. */
static int
kl_uat_fields(struct kl_ctx *c, const uint8_t *p, size_t n,
    char f[][KL_UAT_FIELD_MAX], unsigned want)
{
	struct buf_reader r;
	unsigned i;
	bool more = true;

	buf_reader_init(&r, p, n);
	for (i = 0; i < want; i++) {
		if (!more)
			return kl_error(c, "%u fields, want %u", i, want);
		if (kl_uat_field(c, &r, f[i], i + 1, &more) < 0)
			return -1;
	}
	return 0;
}

static int
kl_uat_key(struct kl_ctx *c, const char *f, uint8_t *out, size_t cap,
    size_t *len, const char *what)
{
	return kl_hex(c, (const uint8_t *)f, strlen(f), out, cap, len, what);
}

int
kl_uat_ike_line(struct kl_ctx *c, const uint8_t *p, size_t n)
{
	char f[8][KL_UAT_FIELD_MAX];
	struct keylog_ike k = { 0 };
	struct keylog_ike *rec;
	const struct kl_uat_alg *e, *a;
	size_t er_len, ar_len;
	int ret = -1;

	if (kl_uat_fields(c, p, n, f, 8) < 0 ||
	    kl_hex_u64(c, (uint8_t *)f[0], strlen(f[0]), 16, &k.spi_i,
	    "SPIi") < 0 ||
	    kl_hex_u64(c, (uint8_t *)f[1], strlen(f[1]), 16, &k.spi_r,
	    "SPIr") < 0 ||
	    kl_uat_key(c, f[2], k.sk_ei, sizeof(k.sk_ei), &k.encr_len,
	    "SK_ei") < 0 ||
	    kl_uat_key(c, f[3], k.sk_er, sizeof(k.sk_er), &er_len,
	    "SK_er") < 0 ||
	    kl_uat_key(c, f[5], k.sk_ai, sizeof(k.sk_ai), &k.integ_len,
	    "SK_ai") < 0 ||
	    kl_uat_key(c, f[6], k.sk_ar, sizeof(k.sk_ar), &ar_len,
	    "SK_ar") < 0)
		goto out;
	if ((e = kl_uat_by_name(uat_ike_encr, N(uat_ike_encr), f[4])) ==
	    NULL || (a = kl_uat_by_name(uat_ike_integ, N(uat_ike_integ),
	    f[7])) == NULL) {
		kl_error(c, "unknown algorithm '%s'", e == NULL ? f[4] : f[7]);
		goto out;
	}
	if (er_len != k.encr_len || ar_len != k.integ_len) {
		kl_error(c, "IKE keys of one kind differ in length");
		goto out;
	}
	k.encr = e->id;
	k.encr_bits = e->bits;
	k.integ = a->id;
	if (kl_check_ike(c, &k) < 0 || (rec = kl_new_ike(c)) == NULL)
		goto out;
	*rec = k;
	ret = 0;
out:
	sodium_memzero(f, sizeof(f));
	sodium_memzero(&k, sizeof(k));
	return ret;
}

/* ESP key sizes: AES key plus, for CTR and GCM, the 4-byte salt. */
static uint16_t
kl_uat_esp_bits(uint16_t encr, size_t key_len)
{
	if (encr == IKEV2_ENCR_AES_CBC)
		return (uint16_t)(key_len * 8);
	if (encr == IKEV2_ENCR_AES_CTR || encr == IKEV2_ENCR_AES_GCM_8 ||
	    encr == IKEV2_ENCR_AES_GCM_12 || encr == IKEV2_ENCR_AES_GCM_16)
		return key_len > 4 ? (uint16_t)((key_len - 4) * 8) : 0;
	return 0;
}

static int
kl_uat_esp_algs(struct kl_ctx *c, const char *ename, const char *aname,
    struct keylog_esp *k)
{
	const struct kl_uat_alg *e, *a;
	size_t i;

	if ((e = kl_uat_by_name(uat_esp_encr, N(uat_esp_encr), ename)) ==
	    NULL)
		return kl_error(c, "unknown encryption algorithm '%s'", ename);
	if ((a = kl_uat_by_name(uat_esp_auth, N(uat_esp_auth), aname)) ==
	    NULL)
		return kl_error(c, "unknown authentication algorithm '%s'",
		    aname);
	k->encr = e->id;
	k->integ = a->id;
	if (e->id == KL_UAT_GCM_LEGACY) {
		/* strongSwan's save-keys: the ICV length is the auth's */
		k->encr = a->bits == 64 ? IKEV2_ENCR_AES_GCM_8 :
		    a->bits == 96 ? IKEV2_ENCR_AES_GCM_12 :
		    a->bits == 128 ? IKEV2_ENCR_AES_GCM_16 : 0;
		if (k->encr == 0)
			return kl_error(c, "AES-GCM [RFC4106] wants an \"ANY "
			    "64|96|128 bit\" authentication");
	} else if (a->bits != 0) {
		/* what uipsec writes for an HMAC with ESN (above) */
		for (i = 0; i < N(uat_esn); i++)
			if (uat_esn[i].icv_bits == a->bits &&
			    uat_esn[i].key_len == k->integ_len)
				break;
		if (e->id == IKEV2_ENCR_NULL || i == N(uat_esn))
			return kl_error(c, "'%s' checks nothing: no key log "
			    "record", aname);
		k->integ = uat_esn[i].integ;
		k->esn = true;
	}
	k->encr_bits = kl_uat_esp_bits(k->encr, k->encr_len);
	return 0;
}

int
kl_uat_esp_line(struct kl_ctx *c, const uint8_t *p, size_t n)
{
	char f[8][KL_UAT_FIELD_MAX];
	struct keylog_esp k = { 0 };
	struct keylog_esp *rec;
	uint64_t spi;
	int family, sfam, dfam, ret = -1;

	if (kl_uat_fields(c, p, n, f, 8) < 0)
		goto out;
	if (strcmp(f[0], "IPv4") == 0)
		family = AF_INET;
	else if (strcmp(f[0], "IPv6") == 0)
		family = AF_INET6;
	else {
		kl_error(c, "protocol '%s': want IPv4 or IPv6", f[0]);
		goto out;
	}
	if (kl_addr(c, (uint8_t *)f[1], strlen(f[1]), &sfam, k.src,
	    "source") < 0 ||
	    kl_addr(c, (uint8_t *)f[2], strlen(f[2]), &dfam, k.dst,
	    "destination") < 0 ||
	    kl_hex_u64(c, (uint8_t *)f[3], strlen(f[3]), 8, &spi, "SPI") < 0 ||
	    kl_uat_key(c, f[5], k.encr_key, sizeof(k.encr_key), &k.encr_len,
	    "encryption key") < 0 ||
	    kl_uat_key(c, f[7], k.integ_key, sizeof(k.integ_key),
	    &k.integ_len, "authentication key") < 0 ||
	    kl_uat_esp_algs(c, f[4], f[6], &k) < 0)
		goto out;
	if ((sfam != 0 && sfam != family) || (dfam != 0 && dfam != family)) {
		kl_error(c, "address not of protocol %s", f[0]);
		goto out;
	}
	/* A wildcard on either side: match by SPI alone. */
	k.family = sfam != 0 && dfam != 0 ? family : 0;
	k.spi = (uint32_t)spi;
	if (kl_check_esp(c, &k) < 0 || (rec = kl_new_esp(c)) == NULL)
		goto out;
	*rec = k;
	ret = 0;
out:
	sodium_memzero(f, sizeof(f));
	sodium_memzero(&k, sizeof(k));
	return ret;
}

/* Writers. */
int
keylog_write_wireshark_ike(FILE *f, const struct keylog_ike *k)
{
	const struct kl_uat_alg *e, *a;
	char h[4][2 * KEYLOG_INTEG_KEY_MAX + 1];
	char name[48];
	int n;

	e = kl_uat_by_id(uat_ike_encr, N(uat_ike_encr), k->encr,
	    k->encr_bits);
	a = kl_uat_by_id(uat_ike_integ, N(uat_ike_integ), k->integ, 0);
	if (e == NULL || a == NULL) {
		if (e == NULL)
			kl_encr_name(k->encr, k->encr_bits, name,
			    sizeof(name));
		else
			kl_integ_name(k->integ, name, sizeof(name));
		n = fprintf(f, "# %016" PRIx64 ",%016" PRIx64 ": %s has no "
		    "name in Wireshark 4.0\n", k->spi_i, k->spi_r, name);
		return n < 0 ? -1 : 0;
	}
	hex_encode(k->sk_ei, k->encr_len, h[0], sizeof(h[0]));
	hex_encode(k->sk_er, k->encr_len, h[1], sizeof(h[1]));
	hex_encode(k->sk_ai, k->integ_len, h[2], sizeof(h[2]));
	hex_encode(k->sk_ar, k->integ_len, h[3], sizeof(h[3]));
	n = fprintf(f, "%016" PRIx64 ",%016" PRIx64 ",%s,%s,\"%s\",%s,%s,"
	    "\"%s\"\n", k->spi_i, k->spi_r, h[0], h[1], e->name, h[2], h[3],
	    a->name);
	sodium_memzero(h, sizeof(h));
	return n < 0 ? -1 : 0;
}

/* An ESN SA: the comment line above its row, and for an HMAC the "no
 * checking" authentication of its ICV length into *a (see uat_esn). */
static int
kl_uat_esn_row(FILE *f, const struct keylog_esp *k,
    const struct kl_uat_alg **a)
{
	size_t i, j;

	for (i = 0; i < N(uat_esn) && uat_esn[i].integ != k->integ; i++)
		;
	if (i == N(uat_esn))
		return fprintf(f, "# SPI 0x%08" PRIx32 " has ESN: Wireshark 4.0 "
		    "has none and reports its ICVs bad (uipsec pcap checks "
		    "them)\n", k->spi) < 0 ? -1 : 0;
	for (j = 0; j < N(uat_esp_auth); j++)
		if (uat_esp_auth[j].bits == uat_esn[i].icv_bits)
			*a = &uat_esp_auth[j];
	return fprintf(f, "# SPI 0x%08" PRIx32 " has ESN: Wireshark 4.0 has "
	    "none, its ICVs are left unchecked (uipsec pcap checks them)\n",
	    k->spi) < 0 ? -1 : 0;
}

int
keylog_write_wireshark_esp(FILE *f, const struct keylog_esp *k)
{
	const struct kl_uat_alg *e, *a;
	char h[2][2 * KEYLOG_INTEG_KEY_MAX + 1];
	char src[INET6_ADDRSTRLEN] = "*", dst[INET6_ADDRSTRLEN] = "*";
	char name[48];
	int n;

	e = kl_uat_by_id(uat_esp_encr, N(uat_esp_encr), k->encr, 0);
	a = kl_uat_by_id(uat_esp_auth, N(uat_esp_auth), k->integ, 0);
	if (e == NULL || a == NULL) {
		if (e == NULL)
			kl_encr_name(k->encr, k->encr_bits, name,
			    sizeof(name));
		else
			kl_integ_name(k->integ, name, sizeof(name));
		n = fprintf(f, "# SPI 0x%08" PRIx32 ": %s has no name in "
		    "Wireshark 4.0\n", k->spi, name);
		return n < 0 ? -1 : 0;
	}
	if (k->family != 0) {
		inet_ntop(k->family, k->src, src, sizeof(src));
		inet_ntop(k->family, k->dst, dst, sizeof(dst));
	}
	if (k->esn && kl_uat_esn_row(f, k, &a) < 0)
		return -1;
	hex_encode(k->encr_key, k->encr_len, h[0], sizeof(h[0]));
	hex_encode(k->integ_key, k->integ_len, h[1], sizeof(h[1]));
	n = fprintf(f, "\"%s\",\"%s\",\"%s\",\"0x%08" PRIx32 "\",\"%s\","
	    "\"0x%s\",\"%s\",\"0x%s\"\n",
	    k->family == AF_INET6 ? "IPv6" : "IPv4", src, dst, k->spi,
	    e->name, h[0], a->name, h[1]);
	sodium_memzero(h, sizeof(h));
	return n < 0 ? -1 : 0;
}
