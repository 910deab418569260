/*
 * tools/uipsecd/daemon.h — bringing the configured tunnel up and down: the
 * SAs, the UDP socket, the TUN device with its MTU, addresses and routes,
 * and the event loop that joins them.
 */
#ifndef UIPSECD_DAEMON_H
#define UIPSECD_DAEMON_H

#include "config.h"
#include "dataplane.h"
#include "routes.h"
#include "sad.h"

struct control;
struct ike_glue;
struct keylog_out;

/* The TUN MTU with IKE connections only, unless tun.mtu says otherwise:
 * strongSwan's kernel-libipsec uses the same for its ipsec0. */
#define DAEMON_IKE_MTU	1400

struct daemon {
	struct cfg	*cfg;		/* borrowed */
	struct sad	 sad;
	struct tun	*tun;
	struct routes	 routes;	/* into tun, each once (routes.h) */
	int		 udp_fd;
	unsigned	 mtu;		/* of the TUN device */
	struct dp	 dp;
	struct control	*ctl;		/* control socket (control.h) or NULL */
	struct ike_glue	*ike;		/* IKE (ike_glue.h), or NULL */
	struct keylog_out *keylog;	/* keylog_out.h; NULL: none */
};

/* All or nothing: on failure everything set up so far is undone and -1
 * returned after a log line saying what failed. */
int	 daemon_setup(struct daemon *d, struct cfg *cfg);
/* The "up: ..." line, once the daemon serves (tunnel and control socket):
 * scripts wait for it and then talk to the control socket at once. */
void	 daemon_log_up(const struct daemon *d);
/* Runs until SIGTERM or SIGINT (logs statistics on SIGUSR1). Returns 0, or
 * -1 if the loop itself failed. */
int	 daemon_run(struct daemon *d);
/* Closes everything and wipes the keys of every SA. */
void	 daemon_teardown(struct daemon *d);
/* One line per direction and per connection, at info level. */
void	 daemon_log_stats(const struct daemon *d);

#endif
