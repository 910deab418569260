/*
 * tools/uipsecd/loop.c — the event loop: epoll over the TUN fd, the UDP
 * socket, a signalfd, the control socket, IKE's port 500 and the signer
 * threads' eventfd (signatures done, signer.h), with IKE's
 * next timer as the timeout. Level-triggered: each wake-up moves one batch per
 * ready source, so neither direction starves the other; the IKE messages a
 * turn produced are sent together at its end.
 */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/log.h"
#include "control.h"
#include "ike_glue.h"
#include "tun/tun.h"

enum { EV_TUN, EV_UDP, EV_SIGNAL, EV_CONTROL, EV_IKE, EV_SIGNED };

static int
watch(int ep, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Returns 1 to stop, 0 to go on. */
static int
on_signal(struct daemon *d, int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGUSR1) {
		daemon_log_stats(d);
		return 0;
	}
	if (si.ssi_signo == SIGHUP) {
		log_warn("SIGHUP: reloading the configuration is not supported; "
		    "restart uipsecd to apply changes");
		return 0;
	}
	log_info("%s: shutting down", strsignal((int)si.ssi_signo));
	return 1;
}

int
daemon_run(struct daemon *d)
{
	struct epoll_event ev[6];
	int ep = -1, sfd = -1, n, i, ret = -1, stop = 0;
	bool help;
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0 ||
	    (ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    watch(ep, tun_fd(d->tun), EV_TUN) < 0 ||
	    watch(ep, d->udp_fd, EV_UDP) < 0 ||
	    watch(ep, sfd, EV_SIGNAL) < 0 ||
	    (d->ctl && watch(ep, control_fd(d->ctl), EV_CONTROL) < 0) ||
	    (d->ike && watch(ep, ike_glue_fd(d->ike), EV_IKE) < 0) ||
	    (ike_glue_sign_fd(d->ike) >= 0 &&
	    watch(ep, ike_glue_sign_fd(d->ike), EV_SIGNED) < 0)) {
		log_err("event loop: %s", strerror(errno));
		goto out;
	}
	while (!stop) {
		/* IKE timers (retransmission, DPD, rekey) bound the wait.
		 * Before it, what this turn did leaves: its IKE messages
		 * together (the log first, ike_sendq.h), and the rest of
		 * the log (main.c). */
		ike_glue_flush(d->ike);
		fflush(stderr);
		/* An AUTH signature waiting for a signer thread: look for
		 * work without waiting, and sign it here if there is none. */
		help = ike_glue_sign_waiting(d->ike);
		n = epoll_wait(ep, ev, 6, help ? 0 : ike_glue_timeout(d->ike));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("event loop: epoll_wait: %s", strerror(errno));
			goto out;
		}
		for (i = 0; i < n; i++) {
			switch (ev[i].data.u64) {
			case EV_TUN:
				/* ESP to a peer follows the IKE message
				 * that set up its SA (the peer's SPI). */
				ike_glue_flush(d->ike);
				dp_tun_to_udp(&d->dp);
				break;
			case EV_UDP:
				dp_udp_to_tun(&d->dp);
				break;
			case EV_SIGNAL:
				stop = on_signal(d, sfd);
				break;
			case EV_CONTROL:
				control_run(d->ctl);
				break;
			case EV_IKE:
				ike_glue_read500(d->ike);
				break;
			case EV_SIGNED:
				ike_glue_signed(d->ike);
				break;
			}
		}
		if (n == 0 && help)
			ike_glue_sign_help(d->ike);
		ike_glue_tick(d->ike);
	}
	ike_glue_shutdown(d->ike);
	ret = 0;
out:
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	return ret;
}
