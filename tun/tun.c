/* tun/tun.c — backend dispatch, prefixes and the inner MTU; see tun.h. */
#include "tun/tun_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"

#define IPV4_HDR_LEN	20
#define IPV6_HDR_LEN	40
#define UDP_HDR_LEN	8

int
tun_prefix_parse(const char *text, struct tun_prefix *p)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long len, max;
	char *end;

	memset(p, 0, sizeof(*p));
	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, p->addr) == 1)
		p->family = AF_INET6;
	else
		return -1;
	max = p->family == AF_INET ? 32 : 128;
	len = max;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		len = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || len > max)
			return -1;
	}
	p->len = (uint8_t)len;
	return 0;
}

/* Whether the first bits of a and b agree. */
static bool
bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((a[full] ^ b[full]) & mask) == 0;
}

bool
tun_prefix_contains(const struct tun_prefix *p, int family,
    const uint8_t *addr)
{
	return p->family == family && bits_equal(p->addr, addr, p->len);
}

bool
tun_prefix_is_network(const struct tun_prefix *p)
{
	struct tun_prefix net = *p;
	unsigned i, bytes = p->family == AF_INET ? 4 : 16;

	for (i = 0; i < bytes; i++) {
		if (i * 8 >= p->len)
			net.addr[i] = 0;
		else if (i * 8 + 8 > p->len)
			net.addr[i] &= (uint8_t)(0xff << (8 - (p->len - i * 8)));
	}
	return memcmp(net.addr, p->addr, bytes) == 0;
}

const char *
tun_prefix_str(const struct tun_prefix *p, char *out, size_t cap)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	snprintf(out, cap, "%s/%u", addr, p->len);
	return out;
}

unsigned
tun_mtu_inner(unsigned outer_mtu, int outer_family, size_t esp_overhead)
{
	size_t cost = (outer_family == AF_INET6 ? IPV6_HDR_LEN : IPV4_HDR_LEN) +
	    UDP_HDR_LEN + esp_overhead;

	return outer_mtu > cost ? outer_mtu - (unsigned)cost : 0;
}

void
tun_close(struct tun *t)
{
	if (!t)
		return;
	t->ops->close(t);
	free(t);
}

int
tun_fd(const struct tun *t)
{
	return t->fd;
}

const char *
tun_name(const struct tun *t)
{
	return t->name;
}

unsigned
tun_mtu(const struct tun *t)
{
	return t->mtu;
}

int
tun_set_mtu(struct tun *t, unsigned mtu)
{
	if (t->ops->set_mtu(t, mtu) < 0)
		return -1;
	t->mtu = mtu;
	return 0;
}

int
tun_set_up(struct tun *t)
{
	return t->ops->set_up(t);
}

int
tun_add_addr(struct tun *t, const struct tun_prefix *p)
{
	return t->ops->add_addr(t, p);
}

int
tun_del_addr(struct tun *t, const struct tun_prefix *p)
{
	return t->ops->del_addr(t, p);
}

int
tun_add_route(struct tun *t, const struct tun_prefix *p)
{
	return t->ops->add_route(t, p);
}

ssize_t
tun_read(struct tun *t, void *buf, size_t cap)
{
	return read(t->fd, buf, cap);
}

ssize_t
tun_write(struct tun *t, const void *buf, size_t len)
{
	return write(t->fd, buf, len);
}

const struct tun_fake_record *
tun_fake_record(const struct tun *t)
{
	return t->fake;
}
