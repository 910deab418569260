/*
 * ike/cookie.c — the responder's defence against IKE_SA_INIT floods (RFC
 * 7296 §2.6) with strongSwan's knobs (cookie_threshold, block_threshold,
 * init_limit_half_open as half_open_max):
 *
 *   - a responder SA is "half-open" from its IKE_SA_INIT response until
 *     IKE_AUTH completes; the engine counts them, in all and per source
 *     address (a keyed hash into IKE_HALF_OPEN_BUCKETS counters: bounded
 *     memory, and a flood cannot aim at another source's bucket);
 *   - past half_open_max, or block_threshold from one address, new
 *     requests are dropped without an answer;
 *   - past cookie_threshold, a request must carry N(COOKIE) first, else it
 *     is answered with N(COOKIE) alone and no state is kept:
 *         Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>)
 *     Hash: keyed BLAKE2b, 16 bytes. The secret changes every
 *     IKE_COOKIE_ROTATE_MS; cookies of the previous one stay valid until
 *     the next change, so an initiator caught by a change is not refused.
 */
#include <string.h>

#include <sodium.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"

#define COOKIE_HASH_LEN	16
#define COOKIE_LEN	(1 + COOKIE_HASH_LEN)

static struct log_ratelimit rl_block, rl_limit, rl_cookie;

int
ike_cookies_init(struct ike_cookies *c, uint64_t now_ms)
{
	if (sodium_init() < 0)
		return -1;
	memset(c, 0, sizeof(*c));
	randombytes_buf(c->secret[0], sizeof(c->secret[0]));
	randombytes_buf(c->src_key, sizeof(c->src_key));
	c->rotated_ms = now_ms;
	return 0;
}

void
ike_cookies_wipe(struct ike_cookies *c)
{
	sodium_memzero(c, sizeof(*c));
}

static void
rotate(struct ike_cookies *c, uint64_t now_ms)
{
	if (now_ms < c->rotated_ms + IKE_COOKIE_ROTATE_MS)
		return;
	c->version++;
	randombytes_buf(c->secret[c->version & 1], IKE_COOKIE_SECRET_LEN);
	c->have_prev = true;
	c->rotated_ms = now_ms;
}

static const uint8_t *
addr_bytes(const struct sockaddr_storage *a, size_t *len)
{
	if (a->ss_family == AF_INET6) {
		*len = 16;
		return ((const struct sockaddr_in6 *)(const void *)a)->
		    sin6_addr.s6_addr;
	}
	*len = 4;
	return (const uint8_t *)&((const struct sockaddr_in *)
	    (const void *)a)->sin_addr;
}

/* The cookie of secret `version` for this request into out[COOKIE_LEN]. */
static void
cookie_make(const struct ike_cookies *c, uint8_t version,
    const struct ike_view *ni, const struct sockaddr_storage *remote,
    uint64_t spi_i, uint8_t *out)
{
	crypto_generichash_state st;
	const uint8_t *ip;
	uint8_t spi[8];
	size_t ip_len, i;

	for (i = 0; i < 8; i++)
		spi[i] = (uint8_t)(spi_i >> (56 - 8 * i));
	ip = addr_bytes(remote, &ip_len);
	crypto_generichash_init(&st, c->secret[version & 1],
	    IKE_COOKIE_SECRET_LEN, COOKIE_HASH_LEN);
	crypto_generichash_update(&st, ni->p, ni->len);
	crypto_generichash_update(&st, ip, ip_len);
	crypto_generichash_update(&st, spi, sizeof(spi));
	out[0] = version;
	crypto_generichash_final(&st, out + 1, COOKIE_HASH_LEN);
}

static bool
cookie_valid(const struct ike_cookies *c, const struct ike_payload *n,
    const struct ike_view *ni, const struct sockaddr_storage *remote,
    uint64_t spi_i)
{
	uint8_t want[COOKIE_LEN];
	uint8_t v;

	if (n == NULL || n->u.notify.data.len != COOKIE_LEN)
		return false;
	v = n->u.notify.data.p[0];
	if (v != c->version && !(c->have_prev &&
	    v == (uint8_t)(c->version - 1)))
		return false;
	cookie_make(c, v, ni, remote, spi_i, want);
	return sodium_memcmp(want, n->u.notify.data.p, COOKIE_LEN) == 0;
}

static size_t
src_bucket(const struct ike_cookies *c, const struct sockaddr_storage *a)
{
	uint8_t h[crypto_shorthash_BYTES];
	const uint8_t *ip;
	size_t len;

	ip = addr_bytes(a, &len);
	crypto_shorthash(h, ip, len, c->src_key);
	return ((size_t)h[0] << 8 | h[1]) % IKE_HALF_OPEN_BUCKETS;
}

bool
ike_cookie_admit(struct ike_engine *e, const struct ike_msg *m,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote)
{
	struct ike_cookies *c = &e->cookies;
	const struct ike_payload *no = ike_msg_next(m, IKEV2_PL_NONCE, NULL);
	const struct ike_payload *n = ike_msg_notify(m, IKEV2_N_COOKIE);
	uint8_t cookie[COOKIE_LEN];

	rotate(c, e->now_ms);
	if (e->set.half_open_max != 0 && c->half_open >= e->set.half_open_max) {
		log_ratelimited(&rl_limit, LOG_WARN, "IKE_SA_INIT request "
		    "dropped: %u half-open IKE SAs (half_open_max)",
		    c->half_open);
		return false;
	}
	if (e->set.block_threshold != 0 &&
	    c->per_src[src_bucket(c, remote)] >= e->set.block_threshold) {
		log_ratelimited(&rl_block, LOG_WARN, "IKE_SA_INIT request "
		    "dropped: %u half-open IKE SAs from this source "
		    "(block_threshold)", e->set.block_threshold);
		return false;
	}
	if (e->set.cookie_threshold == 0 ||
	    c->half_open < e->set.cookie_threshold || no == NULL ||
	    cookie_valid(c, n, &no->u.nonce, remote, m->hdr.spi_i))
		return true;
	/* <-- N(COOKIE) alone, no state kept (§2.6) */
	log_ratelimited(&rl_cookie, LOG_INFO, "%u half-open IKE SAs: asking "
	    "for a cookie%s", c->half_open, n ? " (the one sent was stale)" :
	    "");
	cookie_make(c, c->version, &no->u.nonce, remote, m->hdr.spi_i, cookie);
	ike_send_init_error(e, m, local, remote, IKEV2_N_COOKIE, cookie,
	    sizeof(cookie));
	return false;
}

void
ike_half_open_sync(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_cookies *c = &e->cookies;
	bool half = !sa->initiator && sa->state == IKE_STATE_SA_INIT_DONE;
	struct sockaddr_storage remote;
	size_t b;

	if (half == sa->half_open)
		return;
	sa->half_open = half;
	if (half)
		sa->half_open_bucket = (uint16_t)src_bucket(c,
		    ike_sockaddr_get(&sa->remote, &remote));
	b = sa->half_open_bucket;
	if (half) {
		c->half_open++;
		if (c->per_src[b] < UINT16_MAX)
			c->per_src[b]++;
	} else {
		c->half_open--;
		if (c->per_src[b] > 0)
			c->per_src[b]--;
	}
}
