/*
 * tools/uipsecd/control_status.h — the daemon's answers on the control
 * socket: `status` text and JSON of the data plane (control_status.c), and
 * the handlers that join control.h to a running daemon (control_daemon.c).
 */
#ifndef UIPSECD_CONTROL_STATUS_H
#define UIPSECD_CONTROL_STATUS_H

#include <stdbool.h>

#include "control.h"
#include "dataplane.h"
#include "sad.h"

struct daemon;

/* "AES_CBC_256/HMAC_SHA1_96/ESN", as strongSwan names ESP algorithms. */
const char *status_suite(enum esp_suite suite, int aes_bits, bool esn,
	    char *out, size_t cap);
/* Of an SA installed by IKE: its age in seconds (rekey times join when
 * the engine rekeys). */
/* Seconds since a CHILD_SA was installed, and until its rekey and its
 * hard expiry (-1: none). */
struct status_times {
	long long	age_s;
	long long	rekey_s, expire_s;
	const char	*state;		/* NULL: INSTALLED */
};
/* "<what><secs>s" into out, or "" when secs < 0 (none). */
const char *countdown(const char *what, long long secs, char *out,
	    size_t cap);
/* One SA pair: its SPIs, suite, counters and selectors. t: NULL for a
 * manual SA. last: no comma after it (JSON). */
void	 status_child(struct control_reply *r, const struct sad_conn *c,
	    bool json, bool last, const struct status_times *t);
/* text as the body of a JSON string (quotes, backslashes and control
 * characters escaped), or for a terminal (control characters as '?'):
 * IDs come from peers. Into out; returns out. */
const char *status_json_str(const char *text, char *out, size_t cap);
const char *status_text_str(const char *text, char *out, size_t cap);
/* The data plane's counters both ways (JSON: members of an object). */
void	 status_dataplane(struct control_reply *r, const struct dp *dp,
	    const char *tun, unsigned mtu, bool json);

/* Opens the control socket at path for d (d->ctl). 0, or -1 logged. */
int	 daemon_control_open(struct daemon *d, const char *path);

#endif
