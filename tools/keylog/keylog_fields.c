/*
 * tools/keylog/keylog_fields.c — fields of a key log line, read through
 * common/buf.h: words, hex keys and SPIs, addresses, algorithm names.
 */
#include "tools/keylog/keylog_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <sodium.h>

#include "common/hex.h"
#include "ike/ikev2_wire.h"
#include "ike/transforms.h"

static bool
kl_blank(uint8_t ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static void
kl_skip_blanks(struct buf_reader *r)
{
	while (buf_remaining(r) > 0 && kl_blank(buf_cursor(r)[0]))
		buf_skip(r, 1);
}

bool
kl_at_end(struct buf_reader *r)
{
	kl_skip_blanks(r);
	return buf_remaining(r) == 0;
}

bool
kl_field(struct buf_reader *r, char sep, const uint8_t **f, size_t *n)
{
	const uint8_t *end;
	size_t len;

	if (kl_at_end(r))
		return false;
	end = memchr(buf_cursor(r), sep, buf_remaining(r));
	len = end != NULL ? (size_t)(end - buf_cursor(r)) : buf_remaining(r);
	if (!buf_get_bytes(r, len, f))
		return false;
	if (end != NULL)
		buf_skip(r, 1);
	while (len > 0 && kl_blank((*f)[len - 1]))
		len--;
	*n = len;
	return true;
}

bool
kl_is(const uint8_t *f, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(f, s, n) == 0;
}

int
kl_hex(struct kl_ctx *c, const uint8_t *f, size_t n, uint8_t *out,
    size_t cap, size_t *len, const char *what)
{
	char text[2 * KEYLOG_INTEG_KEY_MAX + 3];
	long got;

	*len = 0;
	if (n == 0 || kl_is(f, n, "-") || kl_is(f, n, "0x"))
		return 0;
	if (n >= sizeof(text))
		return kl_error(c, "%s: longer than %zu bytes", what, cap);
	memcpy(text, f, n);
	text[n] = '\0';
	got = hex_decode(text, out, cap);
	sodium_memzero(text, sizeof(text));
	if (got < 0)
		return kl_error(c, "%s: not hex of at most %zu bytes", what,
		    cap);
	*len = (size_t)got;
	return 0;
}

int
kl_hex_u64(struct kl_ctx *c, const uint8_t *f, size_t n, unsigned digits,
    uint64_t *v, const char *what)
{
	uint8_t b[8];
	size_t len, i;

	if (n > 2 && f[0] == '0' && (f[1] | 0x20) == 'x') {
		f += 2;
		n -= 2;
	}
	if (n != digits || kl_hex(c, f, n, b, sizeof(b), &len, what) < 0 ||
	    len * 2 != digits)
		return kl_error(c, "%s: want %u hex digits", what, digits);
	for (*v = 0, i = 0; i < len; i++)
		*v = *v << 8 | b[i];
	return 0;
}

int
kl_addr(struct kl_ctx *c, const uint8_t *f, size_t n, int *family,
    uint8_t addr[16], const char *what)
{
	char text[INET6_ADDRSTRLEN];

	memset(addr, 0, 16);
	*family = 0;
	if (kl_is(f, n, "*"))
		return 0;
	if (n == 0 || n >= sizeof(text))
		return kl_error(c, "%s: not an address", what);
	memcpy(text, f, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, text, addr) == 1)
		*family = AF_INET6;
	else
		return kl_error(c, "%s: '%s' is not an IPv4 or IPv6 address",
		    what, text);
	return 0;
}

/* "PREFIX_<id>" or "PREFIX_<id>_<bits>", numbers below 65536. */
static bool
kl_numeric_name(const uint8_t *f, size_t n, const char *prefix,
    uint16_t *id, uint16_t *bits)
{
	size_t plen = strlen(prefix), i;
	uint32_t v[2] = { 0, 0 };
	unsigned k = 0, digits = 0;

	if (n <= plen || memcmp(f, prefix, plen) != 0)
		return false;
	for (i = plen; i < n; i++) {
		if (f[i] == '_' && digits > 0 && k == 0 && bits != NULL) {
			k = 1;
			digits = 0;
		} else if (f[i] >= '0' && f[i] <= '9' && digits < 5) {
			v[k] = v[k] * 10 + (uint32_t)(f[i] - '0');
			digits++;
		} else
			return false;
	}
	if (digits == 0 || v[0] > UINT16_MAX || v[1] > UINT16_MAX)
		return false;
	*id = (uint16_t)v[0];
	if (bits != NULL)
		*bits = (uint16_t)v[1];
	return true;
}

int
kl_encr_by_name(const uint8_t *f, size_t n, uint16_t *id, uint16_t *bits,
    size_t *key_len, bool *aead)
{
	const struct ike_alg *a;

	a = ike_alg_by_name(IKEV2_XF_ENCR, (const char *)f, n);
	if (a != NULL) {
		*id = a->id;
		*bits = a->key_bits;
		*key_len = a->key_len;
		*aead = a->aead;
		return 0;
	}
	if (!kl_numeric_name(f, n, "ENCR_", id, bits))
		return -1;
	*key_len = 0;
	*aead = false;	/* unknown: keys are taken as given */
	return 0;
}

int
kl_integ_by_name(const uint8_t *f, size_t n, uint16_t *id, size_t *key_len)
{
	const struct ike_alg *a;

	a = ike_alg_by_name(IKEV2_XF_INTEG, (const char *)f, n);
	if (a != NULL) {
		*id = a->id;
		*key_len = a->key_len;
		return 0;
	}
	*key_len = 0;
	return kl_numeric_name(f, n, "INTEG_", id, NULL) ? 0 : -1;
}

static int
kl_check_keys(struct kl_ctx *c, uint16_t encr, uint16_t bits,
    uint16_t integ, size_t encr_len, size_t integ_len)
{
	struct ike_transform t = { .type = IKEV2_XF_ENCR, .id = encr,
	    .key_bits = bits };
	const struct ike_alg *a = ike_alg_find(&t);

	if (a != NULL && a->key_len != encr_len)
		return kl_error(c, "%s wants a %u-byte key, not %zu", a->name,
		    a->key_len, encr_len);
	if (a != NULL && a->aead && (integ != 0 || integ_len != 0))
		return kl_error(c, "%s is an AEAD: no integrity algorithm or "
		    "key", a->name);
	t = (struct ike_transform){ .type = IKEV2_XF_INTEG, .id = integ };
	if ((a = ike_alg_find(&t)) != NULL && a->key_len != integ_len)
		return kl_error(c, "%s wants a %u-byte key, not %zu", a->name,
		    a->key_len, integ_len);
	return 0;
}

int
kl_check_ike(struct kl_ctx *c, const struct keylog_ike *k)
{
	return kl_check_keys(c, k->encr, k->encr_bits, k->integ, k->encr_len,
	    k->integ_len);
}

int
kl_check_esp(struct kl_ctx *c, const struct keylog_esp *k)
{
	return kl_check_keys(c, k->encr, k->encr_bits, k->integ, k->encr_len,
	    k->integ_len);
}

void
kl_encr_name(uint16_t id, uint16_t bits, char *out, size_t cap)
{
	struct ike_transform t = { .type = IKEV2_XF_ENCR, .id = id,
	    .key_bits = bits };

	ike_transform_name(&t, out, cap);
}

void
kl_integ_name(uint16_t id, char *out, size_t cap)
{
	struct ike_transform t = { .type = IKEV2_XF_INTEG, .id = id };

	ike_transform_name(&t, out, cap);
}
