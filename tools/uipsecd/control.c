/*
 * tools/uipsecd/control.c — see control.h and doc/control.md. One inner
 * epoll set holds the listener, a 1-second timerfd (idle clients) and the
 * clients. A client is read only while it has no reply pending, so what it
 * does not read bounds what it costs: one line in, one reply out.
 */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"

#define TAG_LISTEN	((uint64_t)1)
#define TAG_TIMER	((uint64_t)2)

struct control_reply {
	char	*buf;
	size_t	 len, cap;
	bool	 truncated;
	bool	 secret;	/* holds keys: wiped when sent */
};

struct client {
	int			 fd;
	char			 in[CONTROL_LINE_MAX];
	size_t			 in_len;
	struct control_reply	 out;
	size_t			 out_off;
	/* A status reply being streamed: its request and the filter words
	 * it borrows. */
	bool			 streaming;
	struct control_status_req st;
	char			 st_words[CONTROL_LINE_MAX];
	bool			 hello;		/* version agreed */
	bool			 closing;	/* close once out is sent */
	time_t			 last;		/* last line, monotonic */
};

struct control {
	int				 ep, listen_fd, timer_fd;
	char				 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct control_handlers		 h;
	struct client			*clients[CONTROL_CLIENTS_MAX];
	unsigned			 idle_secs;
};

static time_t
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Room kept at the end of every reply for its final line. */
#define FINAL_MAX	640

/* Appends raw text up to limit bytes in all; false once that is full. */
static bool
reply_add(struct control_reply *r, const char *text, size_t len, size_t limit)
{
	size_t cap;
	char *p;

	if (r->len + len > limit) {
		r->truncated = true;
		return false;
	}
	if (r->len + len > r->cap) {
		cap = r->cap ? r->cap : 4096;
		while (cap < r->len + len)
			cap *= 2;
		if (!(p = r->secret ? malloc(cap) : realloc(r->buf, cap))) {
			r->truncated = true;
			return false;
		}
		if (r->secret && r->buf) {	/* no unwiped copy left */
			memcpy(p, r->buf, r->len);
			sodium_memzero(r->buf, r->cap);
			free(r->buf);
		}
		r->buf = p;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, text, len);
	r->len += len;
	return true;
}

void
control_line(struct control_reply *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (r->truncated)
		return;
	memcpy(line, "200-", 4);
	va_start(ap, fmt);
	n = vsnprintf(line + 4, sizeof(line) - 5, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		if ((size_t)n > sizeof(line) - 6)
			n = (int)sizeof(line) - 6;	/* cut an overlong line */
		line[4 + n] = '\n';
		reply_add(r, line, (size_t)n + 5, CONTROL_REPLY_MAX -
		    FINAL_MAX);
	}
	if (r->secret)
		sodium_memzero(line, sizeof(line));
}

void
control_reply_secret(struct control_reply *r)
{
	r->secret = true;
}

size_t
control_reply_len(const struct control_reply *r)
{
	return r->len;
}

static void	reply_end(struct control_reply *r, int code, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

/* The final line; a reply cut short ends in 507 whatever was asked. */
static void
reply_end(struct control_reply *r, int code, const char *fmt, ...)
{
	char line[FINAL_MAX];
	va_list ap;
	int n;

	if (r->truncated) {
		n = snprintf(line, sizeof(line), "%03d reply cut at %d bytes",
		    CONTROL_REPLY_TOO_BIG, CONTROL_REPLY_MAX);
	} else {
		n = snprintf(line, sizeof(line), "%03d ", code);
		va_start(ap, fmt);
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	r->truncated = false;
	reply_add(r, line, (size_t)n, CONTROL_REPLY_MAX);
}

static int
watch(struct control *c, int fd, uint32_t events, uint64_t tag, int op)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(c->ep, op, fd, &ev);
}

static void
client_free(struct control *c, struct client *cl)
{
	unsigned i;

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i] == cl)
			c->clients[i] = NULL;
	epoll_ctl(c->ep, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	if (cl->out.secret)
		sodium_memzero(cl->out.buf, cl->out.cap);
	free(cl->out.buf);
	free(cl);
}

/* Sends what it can of the pending reply. Returns false if the client is
 * gone (freed). */
static bool
client_flush(struct control *c, struct client *cl)
{
	ssize_t n;

	/* What the command did is in the log (written in blocks, main.c)
	 * before the client has the answer and reads it. */
	fflush(stderr);
	while (cl->out_off < cl->out.len) {
		n = send(cl->fd, cl->out.buf + cl->out_off,
		    cl->out.len - cl->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			watch(c, cl->fd, EPOLLOUT, (uint64_t)(uintptr_t)cl,
			    EPOLL_CTL_MOD);
			return true;
		}
		if (n <= 0) {
			client_free(c, cl);
			return false;
		}
		cl->out_off += (size_t)n;
	}
	if (cl->out.secret) {
		sodium_memzero(cl->out.buf, cl->out.cap);
		cl->out.secret = false;
	}
	cl->out.len = cl->out_off = 0;
	if (cl->closing) {
		client_free(c, cl);
		return false;
	}
	watch(c, cl->fd, EPOLLIN, (uint64_t)(uintptr_t)cl, EPOLL_CTL_MOD);
	return true;
}

#define WORDS_MAX	12

/* Words of a command line, split on blanks; a word in double quotes may
 * hold blanks ("C=DE, O=Fleet, CN=*"). -1: too many words, or an
 * unterminated quote. */
static int
split(char *line, char *argv[WORDS_MAX])
{
	int argc = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == WORDS_MAX)
			return -1;
		if (*p == '"') {
			argv[argc++] = ++p;
			if (!(p = strchr(p, '"')))
				return -1;
			*p++ = '\0';
			continue;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

static void
hello(struct client *cl, const char *line)
{
	static const char prefix[] = "uipsec-control ";

	if (strncmp(line, prefix, sizeof(prefix) - 1) ||
	    !line[sizeof(prefix) - 1]) {
		reply_end(&cl->out, CONTROL_VERSION_ERR, "expected "
		    "'uipsec-control %d' first", CONTROL_VERSION);
		cl->closing = true;
	} else if (strcmp(line + sizeof(prefix) - 1, "1")) {
		reply_end(&cl->out, CONTROL_VERSION_ERR, "unsupported version:"
		    " this uipsecd speaks uipsec-control %d", CONTROL_VERSION);
		cl->closing = true;
	} else {
		cl->hello = true;
		reply_end(&cl->out, CONTROL_OK, "uipsec-control %d uipsecd",
		    CONTROL_VERSION);
	}
}

static void
up_down(struct control *c, struct client *cl, int argc, char **argv)
{
	int (*fn)(void *, const char *, char *, size_t) =
	    argv[0][0] == 'u' ? c->h.up : c->h.down;
	char msg[256] = "";
	int code;

	if (argc != 2) {
		reply_end(&cl->out, CONTROL_BAD_REQUEST, "usage: %s NAME",
		    argv[0]);
		return;
	}
	code = fn ? fn(c->h.arg, argv[1], msg, sizeof(msg)) :
	    CONTROL_NOT_FOUND;
	reply_end(&cl->out, code, "%s", msg[0] ? msg : code == CONTROL_OK ?
	    "ok" : "no such connection");
}

#define STATUS_USAGE	"usage: status [--json] [--count] [--peer ADDR] " \
			"[--id PATTERN] [--state STATE]"

/* The next part of a streamed status reply; its final line after the
 * last part. */
static void
status_more(struct control *c, struct client *cl)
{
	int code = CONTROL_OK;

	/* A part may come out empty (everything in it filtered away). */
	while (c->h.status && code == CONTROL_OK && !cl->st.done &&
	    cl->out.len == 0)
		code = c->h.status(c->h.arg, &cl->st, &cl->out);
	cl->last = now_secs();
	if (code != CONTROL_OK) {
		cl->streaming = false;
		reply_end(&cl->out, code, "%s", cl->st.error[0] ?
		    cl->st.error : "refused");
	} else if (cl->st.done || !c->h.status) {
		cl->streaming = false;
		reply_end(&cl->out, CONTROL_OK, "ok");
	}
}

/* Options as words; values are copied with the client (the line they
 * came from is gone by the next part). */
static void
status_start(struct control *c, struct client *cl, int argc, char **argv)
{
	const char **val;
	size_t used = 0, len;
	int i;

	memset(&cl->st, 0, sizeof(cl->st));
	for (i = 1; i < argc; i++) {
		val = !strcmp(argv[i], "--peer") ? &cl->st.peer :
		    !strcmp(argv[i], "--id") ? &cl->st.id :
		    !strcmp(argv[i], "--state") ? &cl->st.state : NULL;
		if (!strcmp(argv[i], "--json")) {
			cl->st.json = true;
		} else if (!strcmp(argv[i], "--count")) {
			cl->st.count = true;
		} else if (val && i + 1 < argc) {
			len = strlen(argv[++i]) + 1;
			memcpy(cl->st_words + used, argv[i], len);
			*val = cl->st_words + used;
			used += len;	/* all words fit: they came in one line */
		} else {
			reply_end(&cl->out, CONTROL_BAD_REQUEST, STATUS_USAGE);
			return;
		}
	}
	cl->streaming = true;
	status_more(c, cl);
}

#define REKEY_USAGE	"usage: rekey NAME [ike] | rekey NAME/CHILD"

/* rekey NAME [ike], or rekey NAME/CHILD: one child config's CHILD_SAs. */
static void
rekey(struct control *c, struct client *cl, int argc, char **argv)
{
	char msg[256] = "", *child = argc > 1 ? strchr(argv[1], '/') : NULL;
	int code;

	if (argc < 2 || argc > 3 || (argc == 3 && (strcmp(argv[2], "ike") ||
	    child)) || (child && (child == argv[1] || !child[1] ||
	    strchr(child + 1, '/')))) {
		reply_end(&cl->out, CONTROL_BAD_REQUEST, REKEY_USAGE);
		return;
	}
	if (child)
		*child++ = '\0';	/* argv[1] is ours: split in place */
	code = c->h.rekey ? c->h.rekey(c->h.arg, argv[1], child, argc == 3,
	    msg, sizeof(msg)) : CONTROL_NOT_FOUND;
	reply_end(&cl->out, code, "%s", msg[0] ? msg : code == CONTROL_OK ?
	    "ok" : "no such connection");
}

#define KEYS_USAGE	"usage: keys ADDRESS [SINCE]"

/* keys ADDR [SINCE]: refused unless the daemon keeps keys for trace. */
static void
keys(struct control *c, struct client *cl, int argc, char **argv)
{
	char msg[256] = "", *end = NULL;
	unsigned long long since = 0;
	int code;

	if (argc == 3) {
		errno = 0;
		since = strtoull(argv[2], &end, 10);
	}
	if (argc < 2 || argc > 3 || (argc == 3 && (errno || end == argv[2] ||
	    *end || argv[2][0] == '-'))) {
		reply_end(&cl->out, CONTROL_BAD_REQUEST, KEYS_USAGE);
		return;
	}
	code = c->h.keys ? c->h.keys(c->h.arg, argv[1], since, &cl->out, msg,
	    sizeof(msg)) : CONTROL_FORBIDDEN;
	reply_end(&cl->out, code, "%s", msg[0] ? msg : "keys are not handed "
	    "out here");
}

static void
command(struct control *c, struct client *cl, char *line)
{
	char *argv[WORDS_MAX];
	int argc = split(line, argv);

	if (argc <= 0) {
		reply_end(&cl->out, CONTROL_BAD_REQUEST, "%s", argc ?
		    "too many words" : "empty line");
	} else if (!strcmp(argv[0], "status")) {
		status_start(c, cl, argc, argv);
	} else if (!strcmp(argv[0], "up") || !strcmp(argv[0], "down")) {
		up_down(c, cl, argc, argv);
	} else if (!strcmp(argv[0], "rekey")) {
		rekey(c, cl, argc, argv);
	} else if (!strcmp(argv[0], "keys")) {
		keys(c, cl, argc, argv);
	} else if (!strcmp(argv[0], "help") && argc == 1) {
		control_line(&cl->out, "status [--json] [--count] [--peer ADDR] "
		    "[--id PATTERN] [--state STATE]");
		control_line(&cl->out, "                  IKE and CHILD SAs, "
		    "manual SAs, data plane counters");
		control_line(&cl->out, "up NAME           initiate a "
		    "connection");
		control_line(&cl->out, "down NAME         close a connection");
		control_line(&cl->out, "rekey NAME [ike]  rekey its CHILD_SAs "
		    "(or its IKE SA)");
		control_line(&cl->out, "rekey NAME/CHILD  rekey the CHILD_SAs "
		    "of one child");
		control_line(&cl->out, "keys ADDR [SINCE] the keys of a peer's "
		    "SAs, for uipsec trace (keylog.trace)");
		control_line(&cl->out, "quit              close this session");
		reply_end(&cl->out, CONTROL_OK, "ok");
	} else if (!strcmp(argv[0], "quit") && argc == 1) {
		reply_end(&cl->out, CONTROL_OK, "bye");
		cl->closing = true;
	} else {
		reply_end(&cl->out, CONTROL_BAD_REQUEST, "unknown command "
		    "(help lists them)");
	}
}

/* One line, newline removed. Refuses control characters rather than
 * echo them into a terminal or a log. */
static void
client_line(struct control *c, struct client *cl, char *line)
{
	size_t len = strlen(line), i;

	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	for (i = 0; i < len; i++) {
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f) {
			reply_end(&cl->out, CONTROL_BAD_REQUEST, "control "
			    "character in line");
			return;
		}
	}
	cl->last = now_secs();
	if (!cl->hello)
		hello(cl, line);
	else
		command(c, cl, line);
}

/* Handles buffered complete lines until a reply is pending. */
static void
client_process(struct control *c, struct client *cl)
{
	char line[CONTROL_LINE_MAX];
	char *nl;
	size_t len;

	while (!cl->out.len && !cl->closing && !cl->streaming &&
	    (nl = memchr(cl->in, '\n', cl->in_len))) {
		len = (size_t)(nl - cl->in);
		memcpy(line, cl->in, len);
		line[len] = '\0';
		memmove(cl->in, nl + 1, cl->in_len - len - 1);
		cl->in_len -= len + 1;
		if (memchr(line, '\0', len))
			reply_end(&cl->out, CONTROL_BAD_REQUEST, "NUL in line");
		else
			client_line(c, cl, line);
	}
	if (!cl->out.len && !cl->streaming && cl->in_len == sizeof(cl->in)) {
		reply_end(&cl->out, CONTROL_TOO_LONG, "line longer than %d "
		    "bytes", CONTROL_LINE_MAX - 1);
		cl->closing = true;
	}
}

/* Answers buffered lines and sends the replies until the client has to
 * read or to write more. */
static void
client_pump(struct control *c, struct client *cl)
{
	for (;;) {
		if (cl->out.len == 0 && cl->streaming)
			status_more(c, cl);
		else if (cl->out.len == 0)
			client_process(c, cl);
		if (!cl->out.len)
			return;
		if (!client_flush(c, cl) || cl->out.len)
			return;		/* freed, or waiting for EPOLLOUT */
	}
}

static void
client_readable(struct control *c, struct client *cl)
{
	ssize_t n;

	n = recv(cl->fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len,
	    MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		client_free(c, cl);
		return;
	}
	cl->in_len += (size_t)n;
	client_pump(c, cl);
}

static void
client_writable(struct control *c, struct client *cl)
{
	if (client_flush(c, cl) && !cl->out.len)
		client_pump(c, cl);
}

/* A refusal that needs no client state: one line, best effort. */
static void
refuse(int fd, int code, const char *text)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%03d %s\n", code, text);

	if (send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control: refusal not sent: %s", strerror(errno));
	close(fd);
}

int
control_adopt(struct control *c, int fd)
{
	struct client *cl;
	unsigned i;

	for (i = 0; i < CONTROL_CLIENTS_MAX && c->clients[i]; i++)
		;
	if (i == CONTROL_CLIENTS_MAX) {
		refuse(fd, CONTROL_UNAVAILABLE, "too many clients");
		return -1;
	}
	if (!(cl = calloc(1, sizeof(*cl)))) {
		close(fd);
		return -1;
	}
	cl->fd = fd;
	cl->last = now_secs();
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    watch(c, fd, EPOLLIN, (uint64_t)(uintptr_t)cl, EPOLL_CTL_ADD) < 0) {
		close(fd);
		free(cl);
		return -1;
	}
	c->clients[i] = cl;
	return 0;
}

/* Root, or the user the daemon runs as (tests): the socket's mode says
 * the same, this holds even if someone loosens it. */
static bool
peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	    (cred.uid == 0 || cred.uid == geteuid());
}

static void
accept_all(struct control *c)
{
	int fd;

	while ((fd = accept4(c->listen_fd, NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (!peer_allowed(fd)) {
			log_warn("control: refused a client that is not root");
			refuse(fd, CONTROL_FORBIDDEN, "root only");
			continue;
		}
		control_adopt(c, fd);
	}
}

static void
reap_idle(struct control *c)
{
	time_t now = now_secs();
	struct client *cl;
	uint64_t ticks;
	unsigned i;

	if (read(c->timer_fd, &ticks, sizeof(ticks)) < 0)
		return;
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		cl = c->clients[i];
		if (!cl || now - cl->last < (time_t)c->idle_secs)
			continue;
		if (cl->out.len) {	/* not reading its reply: just go */
			client_free(c, cl);
			continue;
		}
		reply_end(&cl->out, CONTROL_IDLE, "idle for %u s",
		    c->idle_secs);
		cl->closing = true;
		client_flush(c, cl);
	}
}

static bool
client_known(const struct control *c, const struct client *cl)
{
	unsigned i;

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i] == cl)
			return true;
	return false;
}

void
control_run(struct control *c)
{
	struct epoll_event ev[CONTROL_CLIENTS_MAX + 2];
	struct client *cl;
	int n, i;

	n = epoll_wait(c->ep, ev, CONTROL_CLIENTS_MAX + 2, 0);
	for (i = 0; i < n; i++) {
		if (ev[i].data.u64 == TAG_LISTEN) {
			accept_all(c);
		} else if (ev[i].data.u64 == TAG_TIMER) {
			reap_idle(c);
		} else {
			cl = (struct client *)(uintptr_t)ev[i].data.u64;
			/* Freed earlier in this batch? Then not in the table. */
			if (!client_known(c, cl))
				continue;
			if (ev[i].events & EPOLLOUT)
				client_writable(c, cl);
			else
				client_readable(c, cl);
		}
	}
}

struct control *
control_new(const struct control_handlers *h)
{
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };
	struct control *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->h = *h;
	c->listen_fd = -1;
	c->idle_secs = CONTROL_IDLE_SECS;
	c->ep = epoll_create1(EPOLL_CLOEXEC);
	c->timer_fd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->ep < 0 || c->timer_fd < 0 ||
	    timerfd_settime(c->timer_fd, 0, &its, NULL) < 0 ||
	    watch(c, c->timer_fd, EPOLLIN, TAG_TIMER, EPOLL_CTL_ADD) < 0) {
		log_err("control: %s", strerror(errno));
		control_close(c);
		return NULL;
	}
	return c;
}

/* A socket file at path that no daemon answers on is left over from a
 * crash: remove it. One that answers is another uipsecd: refuse. */
static int
clear_stale(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, r;

	if (lstat(sun->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (r == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(sun->sun_path);
}

static int
make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if (!(slash = strrchr(dir, '/')) || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

struct control *
control_open(const char *path, const struct control_handlers *h)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *c;
	mode_t old;
	int r;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("control: socket path too long: %s", path);
		return NULL;
	}
	if (!(c = control_new(h)))
		return NULL;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (make_parent(path) < 0 || clear_stale(&sun) < 0 ||
	    (c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0) {
		log_err("control: %s: %s", path, strerror(errno));
		control_close(c);
		return NULL;
	}
	old = umask(0177);	/* born 0600: no window with a looser mode */
	r = bind(c->listen_fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0 || chmod(path, 0600) < 0 || listen(c->listen_fd, 8) < 0 ||
	    watch(c, c->listen_fd, EPOLLIN, TAG_LISTEN, EPOLL_CTL_ADD) < 0) {
		log_err("control: %s: %s", path, strerror(errno));
		control_close(c);
		return NULL;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	return c;
}

void
control_set_idle(struct control *c, unsigned secs)
{
	c->idle_secs = secs;
}

int
control_fd(const struct control *c)
{
	return c->ep;
}

void
control_close(struct control *c)
{
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i])
			client_free(c, c->clients[i]);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	if (c->path[0])
		unlink(c->path);
	if (c->timer_fd >= 0)
		close(c->timer_fd);
	if (c->ep >= 0)
		close(c->ep);
	free(c);
}
