/*
 * tun/tun_fake.c — a TUN stand-in for tests: an AF_UNIX SOCK_SEQPACKET
 * socketpair keeps packet boundaries as a TUN fd does; configuration is
 * recorded for the test to inspect.
 */
#include "tun/tun_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"

static int
fake_set_mtu(struct tun *t, unsigned mtu)
{
	t->fake->mtu = mtu;
	return 0;
}

static int
fake_set_up(struct tun *t)
{
	t->fake->up = true;
	return 0;
}

static int
fake_add_addr(struct tun *t, const struct tun_prefix *p)
{
	if (t->fake->naddrs == TUN_FAKE_MAX)
		return -1;
	t->fake->addrs[t->fake->naddrs++] = *p;
	return 0;
}

static int
fake_del_addr(struct tun *t, const struct tun_prefix *p)
{
	struct tun_fake_record *r = t->fake;
	unsigned i;

	for (i = 0; i < r->naddrs; i++) {
		if (r->addrs[i].family == p->family && r->addrs[i].len ==
		    p->len && !memcmp(r->addrs[i].addr, p->addr, 16)) {
			r->addrs[i] = r->addrs[--r->naddrs];
			return 0;
		}
	}
	return -1;
}

static int
fake_add_route(struct tun *t, const struct tun_prefix *p)
{
	if (t->fake->nroutes == TUN_FAKE_MAX)
		return -1;
	t->fake->routes[t->fake->nroutes++] = *p;
	return 0;
}

static void
fake_close(struct tun *t)
{
	close(t->fd);
	free(t->fake);
}

static const struct tun_ops fake_ops = {
	.set_mtu = fake_set_mtu,
	.set_up = fake_set_up,
	.add_addr = fake_add_addr,
	.del_addr = fake_del_addr,
	.add_route = fake_add_route,
	.close = fake_close,
};

int
tun_fake_open(struct tun **out, const char *name, int *peer_fd)
{
	struct tun *t;
	int sv[2];

	if (!(t = calloc(1, sizeof(*t))) ||
	    !(t->fake = calloc(1, sizeof(*t->fake)))) {
		free(t);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0, sv) < 0) {
		log_err("tun fake: socketpair: %s", strerror(errno));
		free(t->fake);
		free(t);
		return -1;
	}
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "fake0");
	t->fd = sv[0];
	t->ops = &fake_ops;
	/* Only the daemon's end is non-blocking. */
	fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) & ~O_NONBLOCK);
	*peer_fd = sv[1];
	*out = t;
	return 0;
}
