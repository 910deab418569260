/*
 * ike/nat_detect.c — NAT detection (RFC 7296 §2.23):
 *
 *   NAT_DETECTION_SOURCE_IP      = SHA-1(SPIi | SPIr | source IP | port)
 *   NAT_DETECTION_DESTINATION_IP = SHA-1(SPIi | SPIr | dest IP | port)
 *
 * SPIr is zero in the IKE_SA_INIT request. If no received SOURCE hash
 * matches the address the message came from, the peer is behind a NAT; if
 * the DESTINATION hash does not match our address, we are.
 */
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"

static size_t
addr_bytes(const struct sockaddr_storage *a, const uint8_t **ip,
    uint16_t *port)
{
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)a;

		*ip = s->sin6_addr.s6_addr;
		*port = s->sin6_port;	/* network order, as hashed */
		return 16;
	}
	const struct sockaddr_in *s = (const void *)a;

	*ip = (const uint8_t *)&s->sin_addr;
	*port = s->sin_port;
	return 4;
}

void
ike_addr_port(union ike_sockaddr *a, uint16_t port)
{
	if (a->family == AF_INET6)
		a->v6.sin6_port = htons(port);
	else
		a->v4.sin_port = htons(port);
}

/* SHA-1, fetched from OpenSSL's provider store once rather than looked up
 * by EVP_sha1() at each of the four hashes of a set-up; never freed. */
static EVP_MD *sha1;
static CRYPTO_ONCE sha1_once = CRYPTO_ONCE_STATIC_INIT;

static void
sha1_init(void)
{
	sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
}

static void
natd_hash(uint64_t spi_i, uint64_t spi_r, const struct sockaddr_storage *a,
    uint8_t out[IKEV2_NATD_HASH_LEN])
{
	uint8_t in[8 + 8 + 16 + 2];
	const uint8_t *ip;
	uint16_t port;
	size_t n = addr_bytes(a, &ip, &port);
	unsigned olen;
	int i;

	for (i = 0; i < 8; i++) {
		in[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		in[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	memcpy(in + 16, ip, n);
	memcpy(in + 16 + n, &port, 2);
	if (!CRYPTO_THREAD_run_once(&sha1_once, sha1_init) || sha1 == NULL ||
	    EVP_Digest(in, 16 + n + 2, out, &olen, sha1, NULL) != 1)
		memset(out, 0, IKEV2_NATD_HASH_LEN);	/* then: "NAT" */
}

bool
ike_natd_add(struct ike_out *o, uint64_t spi_i, uint64_t spi_r,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote)
{
	uint8_t h[IKEV2_NATD_HASH_LEN];

	natd_hash(spi_i, spi_r, local, h);
	if (!ike_out_notify(o, IKEV2_N_NAT_DETECTION_SOURCE_IP, h, sizeof(h)))
		return false;
	natd_hash(spi_i, spi_r, remote, h);
	return ike_out_notify(o, IKEV2_N_NAT_DETECTION_DESTINATION_IP, h,
	    sizeof(h));
}

/* Does any NAT-D notify of ntype carry the hash of addr? */
static bool
natd_match(const struct ike_msg *m, uint16_t ntype, uint64_t spi_i,
    uint64_t spi_r, const struct sockaddr_storage *addr, bool *seen)
{
	const struct ike_payload *p = NULL;
	uint8_t h[IKEV2_NATD_HASH_LEN];

	natd_hash(spi_i, spi_r, addr, h);
	while ((p = ike_msg_next(m, IKEV2_PL_NOTIFY, p)) != NULL) {
		if (p->u.notify.type != ntype)
			continue;
		*seen = true;
		if (p->u.notify.data.len == sizeof(h) &&
		    memcmp(p->u.notify.data.p, h, sizeof(h)) == 0)
			return true;
	}
	return false;
}

void
ike_natd_check(struct ike_sa *sa, const struct ike_msg *m,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote)
{
	uint64_t spi_r = m->hdr.spi_r;	/* 0 in the request */
	bool src_seen = false, dst_seen = false;
	bool src_ok = natd_match(m, IKEV2_N_NAT_DETECTION_SOURCE_IP,
	    m->hdr.spi_i, spi_r, remote, &src_seen);
	bool dst_ok = natd_match(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP,
	    m->hdr.spi_i, spi_r, local, &dst_seen);

	/* No NAT-D at all: the peer does not do NAT-T (§2.23). */
	sa->nat_remote = src_seen && !src_ok;
	sa->nat_local = dst_seen && !dst_ok;
}
