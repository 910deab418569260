/*
 * tools/uipsec/ctl.h — the client side of uipsecd's control socket
 * (doc/control.md, protocol "uipsec-control 1"), shared by `uipsec status`,
 * `uipsec up` and `uipsec down`.
 */
#ifndef UIPSEC_TOOLS_CTL_H
#define UIPSEC_TOOLS_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tools/uipsecd/control.h"

#define CTL_SOCKET_DEFAULT	CONTROL_SOCKET	/* uipsecd's default */

struct ctl;

/* Connects and agrees on the version. NULL after a message on stderr. */
struct ctl *ctl_open(const char *path);
void	 ctl_close(struct ctl *c);	/* accepts NULL */
/* Sends one command line; writes each data line (prefix removed) to out,
 * and the final line's text to msg. Returns its code (200 = ok), or -1
 * if the daemon went away or spoke something else. */
int	 ctl_command(struct ctl *c, const char *cmd, FILE *out, char *msg,
	    size_t cap);

/* The same, each data line (prefix and newline removed, borrowed for the
 * call) to fn. With secret set (keys), every buffer a line passed through
 * is wiped afterwards. */
int	 ctl_command_lines(struct ctl *c, const char *cmd,
	    void (*fn)(void *arg, const char *line), void *arg, char *msg,
	    size_t cap);
void	 ctl_secret(struct ctl *c);

/* `uipsec up|down NAME [-s SOCKET]` share their whole body. */
int	 ctl_up_down(int argc, char **argv, const char *verb);
/* One command to the daemon at sock: its data lines and final text to
 * stdout, or "uipsec VERB: text" to stderr. The exit status: 0 or 1. */
int	 ctl_say(const char *sock, const char *verb, const char *cmd);
/* A connection or child name the control protocol can carry as a word. */
bool	 ctl_name_ok(const char *name);

#endif
