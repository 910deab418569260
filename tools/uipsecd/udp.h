/*
 * tools/uipsecd/udp.h — the outer side: one UDP socket carrying ESP in UDP
 * (RFC 3948) and, later, IKE behind the non-ESP marker.
 */
#ifndef UIPSECD_UDP_H
#define UIPSECD_UDP_H

#include <sys/socket.h>

socklen_t sockaddr_len(const struct sockaddr_storage *ss);
/* "192.0.2.1:4500" or "[2001:db8::1]:4500" into out. */
const char *sockaddr_str(const struct sockaddr_storage *ss, char *out,
	    size_t cap);

/* A non-blocking UDP socket bound to local. Returns the fd, or -1 with a
 * log line. */
int	 udp_open(const struct sockaddr_storage *local);
/* The MTU of the route from local to remote (the outer MTU), or 0 with a
 * log line if there is no route. */
unsigned udp_path_mtu(const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote);

#endif
