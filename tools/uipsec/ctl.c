/*
 * tools/uipsec/ctl.c — see ctl.h. Replies are lines "CODE-data" until one
 * "CODE text" ends them (doc/control.md); anything else is a protocol
 * error, reported rather than guessed at.
 */
#include "ctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

struct ctl {
	FILE	*f;
	char	*line;
	size_t	 cap;
	bool	 secret;		/* lines carry keys: wipe */
	char	 buf[BUFSIZ];		/* the stream's buffer */
};

void
ctl_close(struct ctl *c)
{
	if (!c)
		return;
	if (c->f)
		fclose(c->f);
	if (c->line)
		sodium_memzero(c->line, c->cap);
	free(c->line);
	sodium_memzero(c->buf, sizeof(c->buf));
	free(c);
}

void
ctl_secret(struct ctl *c)
{
	c->secret = true;
}

/* The next reply line without its newline, or NULL. */
static const char *
next_line(struct ctl *c)
{
	ssize_t n = getline(&c->line, &c->cap, c->f);

	if (n <= 0)
		return NULL;
	if (c->line[n - 1] == '\n')
		c->line[n - 1] = '\0';
	return c->line;
}

static void
to_file(void *arg, const char *line)
{
	fprintf(arg, "%s\n", line);
}

int
ctl_command(struct ctl *c, const char *cmd, FILE *out, char *msg, size_t cap)
{
	return ctl_command_lines(c, cmd, out ? to_file : NULL, out, msg, cap);
}

int
ctl_command_lines(struct ctl *c, const char *cmd,
    void (*fn)(void *arg, const char *line), void *arg, char *msg, size_t cap)
{
	const char *l;
	int code;

	if (fprintf(c->f, "%s\n", cmd) < 0 || fflush(c->f) != 0)
		return -1;
	while ((l = next_line(c))) {
		if (strlen(l) < 4 || l[0] < '1' || l[0] > '5' ||
		    (l[3] != '-' && l[3] != ' '))
			break;
		code = atoi(l);
		if (l[3] == ' ') {
			snprintf(msg, cap, "%s", l + 4);
			return code;
		}
		if (fn)
			fn(arg, l + 4);
		if (c->secret)
			sodium_memzero(c->line, c->cap);
	}
	snprintf(msg, cap, "%s", l ? "not a uipsec-control reply" :
	    "the daemon closed the connection");
	return -1;
}

struct ctl *
ctl_open(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 30 };
	struct ctl *c = calloc(1, sizeof(*c));
	char msg[256];
	int fd, code;

	if (!c || strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "uipsec: %s: %s\n", path, c ?
		    "socket path too long" : strerror(ENOMEM));
		free(c);
		return NULL;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    !(c->f = fdopen(fd, "r+"))) {
		fprintf(stderr, "uipsec: cannot reach uipsecd at %s: %s%s\n",
		    path, strerror(errno), errno == EACCES ? " (root only)" :
		    errno == ENOENT ? " (is uipsecd running? -s names "
		    "another socket)" : "");
		if (fd >= 0)
			close(fd);
		ctl_close(c);
		return NULL;
	}
	setvbuf(c->f, c->buf, _IOFBF, sizeof(c->buf));
	if ((code = ctl_command(c, "uipsec-control 1", NULL, msg,
	    sizeof(msg))) != 200) {
		fprintf(stderr, "uipsec: %s: %s\n", path, msg);
		ctl_close(c);
		return NULL;
	}
	return c;
}

bool
ctl_name_ok(const char *name)
{
	return name[0] != '\0' && strlen(name) <= 256 &&
	    !strpbrk(name, " \t\n");
}

int
ctl_say(const char *sock, const char *verb, const char *cmd)
{
	struct ctl *c;
	char msg[600];
	int code;

	if (!(c = ctl_open(sock)))
		return 1;
	code = ctl_command(c, cmd, stdout, msg, sizeof(msg));
	ctl_close(c);
	if (code != 200) {
		fprintf(stderr, "uipsec %s: %s\n", verb, msg);
		return 1;
	}
	printf("%s\n", msg);
	return 0;
}

int
ctl_up_down(int argc, char **argv, const char *verb)
{
	const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = CTL_SOCKET_DEFAULT;
	char cmd[600];
	int o;

	while ((o = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		if (o == 's') {
			sock = optarg;
			continue;
		}
		fprintf(o == 'h' ? stdout : stderr, "usage: uipsec %s NAME "
		    "[-s SOCKET]\n", verb);
		return o == 'h' ? 0 : 2;
	}
	if (optind != argc - 1 || !ctl_name_ok(argv[optind])) {
		fprintf(stderr, "usage: uipsec %s NAME [-s SOCKET]\n", verb);
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "%s %s", verb, argv[optind]);
	return ctl_say(sock, verb, cmd);
}
