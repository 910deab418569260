/* tools/uipsecd/udp.c — see udp.h. */
#include "udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

/* Room for bursts without letting a flood queue without bound: the kernel
 * doubles this and drops beyond it; nothing queues in the daemon. A
 * concentrator's fleet sends at once (10,000 CCUs pinging or answering DPD
 * after an outage): a small datagram takes ~1 KB of it (skb truesize), so
 * 16 MB hold 10,000 while the daemon is busy elsewhere (with 4 MB, a
 * burst of 10,000 echoes lost ~5,000, doc/load.md). It costs nothing
 * while nothing queues. */
#define UDP_SOCKBUF	(8 << 20)

socklen_t
sockaddr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
}

const char *
sockaddr_str(const struct sockaddr_storage *ss, char *out, size_t cap)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	char addr[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		snprintf(out, cap, "[%s]:%u", addr, ntohs(s6->sin6_port));
	} else {
		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		snprintf(out, cap, "%s:%u", addr, ntohs(s4->sin_port));
	}
	return out;
}

int
udp_open(const struct sockaddr_storage *local)
{
	int fd, size = UDP_SOCKBUF, on = 1;
	char name[64];

	fd = socket(local->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_UDP);
	if (fd < 0) {
		log_err("udp: socket: %s", strerror(errno));
		return -1;
	}
	if (local->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	/* SO_*BUFFORCE passes net.core.*mem_max for root; else best effort. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (bind(fd, (const struct sockaddr *)local, sockaddr_len(local)) < 0) {
		log_err("udp: cannot bind %s: %s", sockaddr_str(local, name,
		    sizeof(name)), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

unsigned
udp_path_mtu(const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote)
{
	struct sockaddr_storage any = *local;
	int fd, mtu = 0;
	socklen_t len = sizeof(mtu);
	char name[64];

	/* Port 0: probe without colliding with the daemon's own socket. */
	if (any.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&any)->sin6_port = 0;
	else
		((struct sockaddr_in *)&any)->sin_port = 0;
	fd = socket(remote->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0 ||
	    bind(fd, (struct sockaddr *)&any, sockaddr_len(&any)) < 0 ||
	    connect(fd, (const struct sockaddr *)remote,
	    sockaddr_len(remote)) < 0 ||
	    getsockopt(fd, remote->ss_family == AF_INET6 ? IPPROTO_IPV6 :
	    IPPROTO_IP, remote->ss_family == AF_INET6 ? IPV6_MTU : IP_MTU,
	    &mtu, &len) < 0) {
		log_err("udp: no route to %s: %s", sockaddr_str(remote, name,
		    sizeof(name)), strerror(errno));
		mtu = 0;
	}
	if (fd >= 0)
		close(fd);
	return mtu > 0 ? (unsigned)mtu : 0;
}
