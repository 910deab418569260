/*
 * tun/rtnl.c — the few rtnetlink requests a TUN device needs (rtnetlink(7)):
 * link MTU and IFF_UP, an address, a route. Messages are written with the
 * bounded writer; netlink fields are in host byte order, so they go in as
 * native-order bytes rather than through the network-order buf_put_u*.
 *
 *   struct nlmsghdr | family header (ifinfomsg, ifaddrmsg, rtmsg) |
 *   attributes: { u16 rta_len, u16 rta_type, payload, pad to 4 }...
 */
#include "tun/tun_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "common/buf.h"

#define RTNL_REPLY_MAX	8192

static size_t
addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* Starts a request: room for the nlmsghdr, filled in by rtnl_end(). */
static uint8_t *
rtnl_begin(struct buf_writer *w, void *buf, size_t cap)
{
	buf_writer_init(w, buf, cap);
	return buf_reserve(w, NLMSG_HDRLEN);
}

static size_t
rtnl_end(struct buf_writer *w, uint8_t *hdr, uint16_t type, uint16_t flags,
    uint32_t seq)
{
	struct nlmsghdr nh = {
		.nlmsg_len = (uint32_t)w->len,
		.nlmsg_type = type,
		.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags),
		.nlmsg_seq = seq,
	};

	if (!hdr || !buf_writer_ok(w))
		return 0;
	memcpy(hdr, &nh, sizeof(nh));
	return w->len;
}

/* One attribute, padded to RTA_ALIGNTO. */
static void
rtnl_put_attr(struct buf_writer *w, uint16_t type, const void *data,
    size_t len)
{
	struct rtattr rta = {
		.rta_len = (unsigned short)RTA_LENGTH(len),
		.rta_type = type,
	};

	buf_put_bytes(w, &rta, sizeof(rta));
	buf_put_bytes(w, data, len);
	buf_put_zero(w, RTA_ALIGN(len) - len);
}

size_t
rtnl_build_link(uint8_t *buf, size_t cap, uint32_t seq, unsigned ifindex,
    unsigned mtu, bool up)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = (int)ifindex,
		.ifi_flags = up ? IFF_UP : 0,
		.ifi_change = up ? IFF_UP : 0,
	};
	struct buf_writer w;
	uint32_t mtu32 = mtu;
	uint8_t *hdr;

	hdr = rtnl_begin(&w, buf, cap);
	buf_put_bytes(&w, &ifi, sizeof(ifi));
	if (mtu)
		rtnl_put_attr(&w, IFLA_MTU, &mtu32, sizeof(mtu32));
	return rtnl_end(&w, hdr, RTM_NEWLINK, 0, seq);
}

/* RTM_NEWADDR (create or replace) or RTM_DELADDR of one address. */
static size_t
build_addr(uint8_t *buf, size_t cap, uint32_t seq, unsigned ifindex,
    const struct tun_prefix *p, uint16_t type)
{
	struct ifaddrmsg ifa = {
		.ifa_family = (uint8_t)p->family,
		.ifa_prefixlen = p->len,
		/* A TUN link has no neighbours to collide with: skip IPv6
		 * duplicate address detection so the address works at once. */
		.ifa_flags = p->family == AF_INET6 ? IFA_F_NODAD : 0,
		.ifa_scope = RT_SCOPE_UNIVERSE,
		.ifa_index = ifindex,
	};
	struct buf_writer w;
	uint8_t *hdr;

	hdr = rtnl_begin(&w, buf, cap);
	buf_put_bytes(&w, &ifa, sizeof(ifa));
	rtnl_put_attr(&w, IFA_LOCAL, p->addr, addr_len(p->family));
	rtnl_put_attr(&w, IFA_ADDRESS, p->addr, addr_len(p->family));
	return rtnl_end(&w, hdr, type, type == RTM_NEWADDR ?
	    NLM_F_CREATE | NLM_F_REPLACE : 0, seq);
}

size_t
rtnl_build_addr(uint8_t *buf, size_t cap, uint32_t seq, unsigned ifindex,
    const struct tun_prefix *p)
{
	return build_addr(buf, cap, seq, ifindex, p, RTM_NEWADDR);
}

size_t
rtnl_build_del_addr(uint8_t *buf, size_t cap, uint32_t seq, unsigned ifindex,
    const struct tun_prefix *p)
{
	return build_addr(buf, cap, seq, ifindex, p, RTM_DELADDR);
}

size_t
rtnl_build_route(uint8_t *buf, size_t cap, uint32_t seq, unsigned ifindex,
    const struct tun_prefix *p)
{
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)p->family,
		.rtm_dst_len = p->len,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_STATIC,
		.rtm_scope = RT_SCOPE_LINK,
		.rtm_type = RTN_UNICAST,
	};
	uint8_t dst[16] = { 0 };
	uint32_t oif = ifindex;
	struct buf_writer w;
	unsigned i;
	uint8_t *hdr;

	/* The kernel refuses a destination with host bits set. */
	for (i = 0; i < addr_len(p->family) && i * 8 < p->len; i++)
		dst[i] = p->addr[i] & (uint8_t)(p->len >= i * 8 + 8 ?
		    0xff : 0xff << (8 - (p->len - i * 8)));
	hdr = rtnl_begin(&w, buf, cap);
	buf_put_bytes(&w, &rtm, sizeof(rtm));
	rtnl_put_attr(&w, RTA_DST, dst, addr_len(p->family));
	rtnl_put_attr(&w, RTA_OIF, &oif, sizeof(oif));
	return rtnl_end(&w, hdr, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
	    seq);
}

int
rtnl_parse_ack(const uint8_t *p, size_t len, uint32_t seq, int *error)
{
	struct buf_reader r, body;
	struct nlmsghdr nh;
	int32_t err;

	buf_reader_init(&r, p, len);
	while (buf_remaining(&r) > 0) {
		if (!buf_copy_bytes(&r, &nh, sizeof(nh)) ||
		    nh.nlmsg_len < sizeof(nh) ||
		    !buf_sub(&r, nh.nlmsg_len - sizeof(nh), &body))
			return -1;
		/* Messages are 4-byte aligned; the last may lack padding. */
		buf_skip(&r, NLMSG_ALIGN(nh.nlmsg_len) - nh.nlmsg_len);
		if (nh.nlmsg_type != NLMSG_ERROR || nh.nlmsg_seq != seq)
			continue;
		if (!buf_copy_bytes(&body, &err, sizeof(err)))
			return -1;
		*error = err;
		return 1;
	}
	return 0;
}

int
rtnl_request(int *fd, const uint8_t *msg, size_t len, uint32_t seq)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t reply[RTNL_REPLY_MAX];
	int error = -EIO, found = 0;
	ssize_t n;

	if (len == 0)
		return -EMSGSIZE;
	if (*fd < 0 && (*fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) < 0)
		return -errno;
	if (sendto(*fd, msg, len, 0, (struct sockaddr *)&kernel,
	    sizeof(kernel)) != (ssize_t)len) {
		error = -errno;
		goto broken;
	}
	/* One request at a time, each waiting for its ACK; a message that
	 * does not answer seq is skipped. */
	while (found == 0) {
		n = recv(*fd, reply, sizeof(reply), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = n < 0 ? -errno : -EIO;
			goto broken;
		}
		found = rtnl_parse_ack(reply, (size_t)n, seq, &error);
		if (found < 0) {
			error = -EBADMSG;
			goto broken;
		}
	}
	return error;
broken:
	/* The socket's state is unknown (a reply may be half read): the
	 * next request starts on a fresh one. */
	close(*fd);
	*fd = -1;
	return error;
}
