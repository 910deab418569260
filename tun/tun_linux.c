/*
 * tun/tun_linux.c — the kernel backend: /dev/net/tun (Documentation/
 * networking/tuntap.rst) configured over rtnetlink.
 */
#include "tun/tun_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "common/log.h"

#define TUN_CLONE_DEV	"/dev/net/tun"

static uint32_t rtnl_seq;

static int
linux_request(struct tun *t, const char *what, uint8_t *msg, size_t len,
    uint32_t seq)
{
	int error = rtnl_request(&t->rtnl_fd, msg, len, seq);

	if (error) {
		log_err("tun %s: %s failed: %s", t->name, what,
		    strerror(-error));
		return -1;
	}
	return 0;
}

static int
linux_set_mtu(struct tun *t, unsigned mtu)
{
	uint8_t msg[128];
	uint32_t seq = ++rtnl_seq;

	return linux_request(t, "setting the MTU", msg,
	    rtnl_build_link(msg, sizeof(msg), seq, t->ifindex, mtu, false), seq);
}

static int
linux_set_up(struct tun *t)
{
	uint8_t msg[128];
	uint32_t seq = ++rtnl_seq;

	return linux_request(t, "bringing the link up", msg,
	    rtnl_build_link(msg, sizeof(msg), seq, t->ifindex, 0, true), seq);
}

static int
linux_add_addr(struct tun *t, const struct tun_prefix *p)
{
	uint8_t msg[128];
	uint32_t seq = ++rtnl_seq;

	return linux_request(t, "adding an address", msg,
	    rtnl_build_addr(msg, sizeof(msg), seq, t->ifindex, p), seq);
}

static int
linux_del_addr(struct tun *t, const struct tun_prefix *p)
{
	uint8_t msg[128];
	uint32_t seq = ++rtnl_seq;

	return linux_request(t, "removing an address", msg,
	    rtnl_build_del_addr(msg, sizeof(msg), seq, t->ifindex, p), seq);
}

static int
linux_add_route(struct tun *t, const struct tun_prefix *p)
{
	uint8_t msg[128];
	uint32_t seq = ++rtnl_seq;

	return linux_request(t, "adding a route", msg,
	    rtnl_build_route(msg, sizeof(msg), seq, t->ifindex, p), seq);
}

static void
linux_close(struct tun *t)
{
	close(t->fd);
	if (t->rtnl_fd >= 0)
		close(t->rtnl_fd);
}

static const struct tun_ops linux_ops = {
	.set_mtu = linux_set_mtu,
	.set_up = linux_set_up,
	.add_addr = linux_add_addr,
	.del_addr = linux_del_addr,
	.add_route = linux_add_route,
	.close = linux_close,
};

int
tun_open(struct tun **out, const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	struct tun *t;

	if (name && strlen(name) >= IFNAMSIZ) {
		log_err("tun: interface name '%s' is longer than %d", name,
		    IFNAMSIZ - 1);
		return -1;
	}
	if (!(t = calloc(1, sizeof(*t)))) {
		log_err("tun: out of memory");
		return -1;
	}
	if (name)
		memcpy(ifr.ifr_name, name, strlen(name));
	t->fd = open(TUN_CLONE_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		log_err("tun: cannot open %s: %s", TUN_CLONE_DEV,
		    strerror(errno));
		free(t);
		return -1;
	}
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		log_err("tun %s: TUNSETIFF failed: %s", name ? name : "",
		    strerror(errno));
		close(t->fd);
		free(t);
		return -1;
	}
	memcpy(t->name, ifr.ifr_name, IFNAMSIZ - 1);
	t->ifindex = if_nametoindex(t->name);
	t->rtnl_fd = -1;
	t->ops = &linux_ops;
	*out = t;
	return 0;
}
