/*
 * libFuzzer harness over uipsecd's control server (tools/uipsecd/control.h)
 * as a client sees it: any bytes written to the socket. Properties: no
 * crash or leak; every byte the server sends is part of a reply line
 * "NNN-text" or "NNN text" (doc/control.md), and once it closes the
 * connection it sends nothing more.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/uipsecd/control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Streams two parts (the cursor counts them), so the server's chunked
 * replies are fuzzed too; a --state filter other than ESTABLISHED is
 * refused the way the daemon refuses an unknown state. */
static int
status(void *arg, struct control_status_req *q, struct control_reply *r)
{
	(void)arg;
	if (q->state != NULL && strcmp(q->state, "ESTABLISHED") != 0) {
		snprintf(q->error, sizeof(q->error), "unknown state");
		return 400;
	}
	control_line(r, "%s", q->json ? "{}" : "status line");
	if (++q->cursor == 2)
		q->done = true;
	return 200;
}

static int
up(void *arg, const char *name, char *msg, size_t cap)
{
	(void)arg;
	(void)msg;
	(void)cap;
	return name[0] == 'a' ? 200 : 404;
}

/* `keys ADDR [SINCE]`: a secret reply (wiped once sent), refused for
 * an address that does not start with a digit. */
static int
keys(void *arg, const char *peer, uint64_t since, struct control_reply *r,
    char *msg, size_t cap)
{
	(void)arg;
	if (peer[0] < '0' || peer[0] > '9') {
		snprintf(msg, cap, "not an address");
		return 400;
	}
	control_reply_secret(r);
	control_line(r, "# %llu ccu[1] CHILD_SA ccu", (unsigned long long)since);
	control_line(r, "ESP * * 00000001 NULL NONE noesn - -");
	snprintf(msg, cap, "ok seq %llu", (unsigned long long)since + 1);
	return 200;
}

/* Every complete line must look like a reply line; returns the bytes
 * checked (a partial last line stays for later). */
static size_t
check_lines(const char *buf, size_t len)
{
	size_t at = 0, end;

	while (at < len) {
		for (end = at; end < len && buf[end] != '\n'; end++)
			;
		if (end == len)
			break;
		if (end - at < 4 || buf[at] < '1' || buf[at] > '5' ||
		    (buf[at + 3] != '-' && buf[at + 3] != ' '))
			abort();
		at = end + 1;
	}
	return at;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct control_handlers h = {
		.status = status, .up = up, .down = up, .keys = keys,
	};
	static char out[1 << 16];
	struct control *c = control_new(&h);
	size_t len = 0, sent = 0, done;
	ssize_t n;
	int sv[2], i;

	if (!c || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		abort();
	if (control_adopt(c, sv[1]) < 0)
		abort();
	for (i = 0; i < 64 && (sent < size || i < 4); i++) {
		if (sent < size) {
			n = send(sv[0], data + sent, size - sent,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
		}
		control_run(c);
		n = recv(sv[0], out + len, sizeof(out) - len, MSG_DONTWAIT);
		if (n > 0)
			len += (size_t)n;
		done = check_lines(out, len);
		memmove(out, out + done, len - done);
		len -= done;
		if (len == sizeof(out))
			abort();	/* a line longer than any reply line */
	}
	close(sv[0]);
	control_run(c);
	control_close(c);
	return 0;
}
