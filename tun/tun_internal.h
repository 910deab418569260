/*
 * tun/tun_internal.h — the backend plug point and the rtnetlink message
 * builders, shared by the tun/ sources and the unit tests only.
 */
#ifndef UIPSEC_TUN_INTERNAL_H
#define UIPSEC_TUN_INTERNAL_H

#include <net/if.h>

#include "tun/tun.h"

/* A backend: the kernel's TUN device, or the socketpair fake. Data moves by
 * read(2)/write(2) on t->fd for both, so the fast path has no indirection. */
struct tun_ops {
	int	(*set_mtu)(struct tun *t, unsigned mtu);
	int	(*set_up)(struct tun *t);
	int	(*add_addr)(struct tun *t, const struct tun_prefix *p);
	int	(*del_addr)(struct tun *t, const struct tun_prefix *p);
	int	(*add_route)(struct tun *t, const struct tun_prefix *p);
	void	(*close)(struct tun *t);
};

struct tun {
	const struct tun_ops	*ops;
	int			 fd;
	unsigned		 ifindex;	/* 0 for the fake */
	int			 rtnl_fd;	/* rtnl_request(); -1: none */
	unsigned		 mtu;
	char			 name[IFNAMSIZ];
	struct tun_fake_record	*fake;		/* NULL for a real device */
};

/*
 * rtnetlink requests (rtnetlink(7)), written with the bounded writer into
 * buf[0..cap). Each returns the message length, or 0 if it does not fit.
 * All ask for an ACK (NLM_F_ACK) so that rtnl_request() learns the result.
 */
/* RTM_NEWLINK: set the MTU (if mtu != 0) and/or IFF_UP (if up). */
size_t	 rtnl_build_link(uint8_t *buf, size_t cap, uint32_t seq,
	    unsigned ifindex, unsigned mtu, bool up);
/* RTM_NEWADDR: p->addr/p->len on the interface (IPv6 without DAD). */
size_t	 rtnl_build_addr(uint8_t *buf, size_t cap, uint32_t seq,
	    unsigned ifindex, const struct tun_prefix *p);
/* RTM_DELADDR of the same address. */
size_t	 rtnl_build_del_addr(uint8_t *buf, size_t cap, uint32_t seq,
	    unsigned ifindex, const struct tun_prefix *p);
/* RTM_NEWROUTE: p (host bits cleared) via the interface, main table. */
size_t	 rtnl_build_route(uint8_t *buf, size_t cap, uint32_t seq,
	    unsigned ifindex, const struct tun_prefix *p);
/* Scans a reply for the NLMSG_ERROR answering seq. Returns 1 and sets *error
 * (0 for an ACK, else a negative errno) if found, 0 if not, -1 if the reply
 * is malformed. */
int	 rtnl_parse_ack(const uint8_t *p, size_t len, uint32_t seq, int *error);
/* Sends one request on the NETLINK_ROUTE socket *fd and waits for its ACK.
 * The socket is opened on first use (*fd < 0) and kept for the next
 * request: a socket and a close per request cost a concentrator 2 % of its
 * CPU while every CHILD_SA asked for a route. After a send or receive
 * error it is closed (*fd = -1) and the next request opens a new one.
 * Returns 0 or a negative errno. */
int	 rtnl_request(int *fd, const uint8_t *msg, size_t len, uint32_t seq);

#endif
