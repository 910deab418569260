/*
 * Unit tests for uipsecd's control socket (tools/uipsecd/control.h,
 * doc/control.md): the version hello, commands and their final lines, and
 * what a bad client gets — a bad command, an overlong line, no hello, a
 * client that never reads, too many clients — each without harm to the
 * server or to a well-behaved client beside it.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tools/uipsecd/control.h"

static int status_lines;	/* how many data lines status writes */
static int status_part;		/* of them per part of the stream */
static struct control_status_req last_req;	/* as the handler saw it */
static char last_peer[64], last_id[128], last_state[32];

static int
fake_status(void *arg, struct control_status_req *q, struct control_reply *r)
{
	int i;

	(void)arg;
	last_req = *q;
	snprintf(last_peer, sizeof(last_peer), "%s", q->peer ? q->peer : "");
	snprintf(last_id, sizeof(last_id), "%s", q->id ? q->id : "");
	snprintf(last_state, sizeof(last_state), "%s", q->state ? q->state :
	    "");
	if (q->state && !strcmp(q->state, "BAD")) {
		snprintf(q->error, sizeof(q->error), "no such state");
		return CONTROL_BAD_REQUEST;
	}
	if (q->json) {
		control_line(r, "{\"conns\": []}");
		q->done = true;
		return CONTROL_OK;
	}
	for (i = 0; i < status_part && q->cursor < (uint64_t)status_lines;
	    i++, q->cursor++)
		control_line(r, "line %d of the status", (int)q->cursor);
	q->done = q->cursor == (uint64_t)status_lines;
	return CONTROL_OK;
}

static int
fake_up(void *arg, const char *name, char *msg, size_t cap)
{
	(void)arg;
	if (strcmp(name, "ccu"))
		return CONTROL_NOT_FOUND;
	snprintf(msg, cap, "initiating '%s'", name);
	return CONTROL_OK;
}

/* What rekey was asked: "NAME CHILD|- ike|children". */
static char last_rekey[128];

static int
fake_rekey(void *arg, const char *name, const char *child, bool ike,
    char *msg, size_t cap)
{
	(void)arg;
	snprintf(last_rekey, sizeof(last_rekey), "%s %s %s", name,
	    child ? child : "-", ike ? "ike" : "children");
	snprintf(msg, cap, "rekeying");
	return CONTROL_OK;
}

static const struct control_handlers handlers = {
	.status = fake_status, .up = fake_up, .down = NULL,
	.rekey = fake_rekey,
};

static struct control *srv;

static void
setup(void)
{
	status_lines = 2;
	status_part = 1000;
	cr_assert_not_null(srv = control_new(&handlers));
}

static void
teardown(void)
{
	control_close(srv);
}

TestSuite(control, .init = setup, .fini = teardown);

/* A connected client: our end of a socketpair, the other adopted. */
static int
client(void)
{
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(control_adopt(srv, sv[1]), 0);
	return sv[0];
}

/* Runs the server until fd has a final line ("NNN text\n") or is closed;
 * returns everything received (static buffer). */
static const char *
reply(int fd)
{
	static char buf[64 * 1024];
	size_t len = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	const char *last;
	ssize_t n;
	int i;

	for (i = 0; i < 500; i++) {
		control_run(srv);
		if (poll(&p, 1, 2) <= 0)
			continue;
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n < 0)
			continue;
		len += (size_t)n;
		buf[len] = '\0';
		if (len && buf[len - 1] == '\n') {
			buf[len - 1] = '\0';
			last = strrchr(buf, '\n');
			last = last ? last + 1 : buf;
			buf[len - 1] = '\n';
			if (strlen(last) > 4 && last[3] == ' ')
				break;
		}
	}
	buf[len] = '\0';
	return buf;
}

static const char *
say(int fd, const char *text)
{
	cr_assert_eq(send(fd, text, strlen(text), MSG_NOSIGNAL),
	    (ssize_t)strlen(text));
	return reply(fd);
}

/* True once the server has closed fd (after running it a little). */
static bool
closed_by_server(int fd)
{
	char b[256];
	int i;

	for (i = 0; i < 100; i++) {
		control_run(srv);
		if (recv(fd, b, sizeof(b), MSG_DONTWAIT) == 0)
			return true;
		usleep(1000);
	}
	return false;
}

Test(control, hello_then_commands)
{
	int fd = client();

	cr_assert_str_eq(say(fd, "uipsec-control 1\n"),
	    "200 uipsec-control 1 uipsecd\n");
	cr_assert_str_eq(say(fd, "status\n"),
	    "200-line 0 of the status\n200-line 1 of the status\n200 ok\n");
	cr_assert_str_eq(say(fd, "status --json\r\n"),
	    "200-{\"conns\": []}\n200 ok\n");
	cr_assert_str_eq(say(fd, "up ccu\n"), "200 initiating 'ccu'\n");
	cr_assert_str_eq(say(fd, "up nope\n"), "404 no such connection\n");
	cr_assert_str_eq(say(fd, "down ccu\n"), "404 no such connection\n");
	cr_assert_str_eq(say(fd, "quit\n"), "200 bye\n");
	cr_assert(closed_by_server(fd));
	close(fd);
}

Test(control, bad_commands_are_answered_and_the_session_goes_on)
{
	int fd = client();

	say(fd, "uipsec-control 1\n");
	cr_assert_str_eq(say(fd, "reboot\n"),
	    "400 unknown command (help lists them)\n");
	cr_assert_str_eq(say(fd, "up\n"), "400 usage: up NAME\n");
	cr_assert_str_eq(say(fd, "up a b c d e f g h i j k l m\n"),
	    "400 too many words\n");
	cr_assert_str_eq(say(fd, "up \"ccu\n"), "400 too many words\n");
	cr_assert_str_eq(say(fd, "status --yaml\n"), "400 usage: status "
	    "[--json] [--count] [--peer ADDR] [--id PATTERN] [--state STATE]\n");
	cr_assert_str_eq(say(fd, "status --peer\n"), "400 usage: status "
	    "[--json] [--count] [--peer ADDR] [--id PATTERN] [--state STATE]\n");
	cr_assert_str_eq(say(fd, "status --state BAD\n"),
	    "400 no such state\n");
	cr_assert_str_eq(say(fd, "\n"), "400 empty line\n");
	cr_assert_str_eq(say(fd, "up \033[2Jccu\n"),
	    "400 control character in line\n");
	cr_assert_str_eq(say(fd, "up ccu\n"), "200 initiating 'ccu'\n");
	close(fd);
}

/* rekey NAME [ike] | rekey NAME/CHILD (uipsec rekey NAME/CHILD, --child):
 * the child reaches the handler apart from the connection's name. */
Test(control, rekey_names_a_connection_or_one_child)
{
	static const char usage[] = "400 usage: rekey NAME [ike] | "
	    "rekey NAME/CHILD\n";
	static const char *bad[] = { "rekey\n", "rekey ccu/\n",
	    "rekey /web\n", "rekey ccu/web ike\n", "rekey ccu/a/b\n",
	    "rekey ccu children\n", "rekey ccu ike more\n" };
	int fd = client();
	size_t i;

	say(fd, "uipsec-control 1\n");
	cr_assert_str_eq(say(fd, "rekey ccu\n"), "200 rekeying\n");
	cr_assert_str_eq(last_rekey, "ccu - children");
	cr_assert_str_eq(say(fd, "rekey ccu ike\n"), "200 rekeying\n");
	cr_assert_str_eq(last_rekey, "ccu - ike");
	cr_assert_str_eq(say(fd, "rekey ccu/web\n"), "200 rekeying\n");
	cr_assert_str_eq(last_rekey, "ccu web children");
	last_rekey[0] = '\0';
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_str_eq(say(fd, bad[i]), usage, "%s", bad[i]);
	cr_assert_str_eq(last_rekey, "", "a bad line reached the handler");
	close(fd);
}

Test(control, pipelined_lines_get_answers_in_order)
{
	int fd = client();

	cr_assert_str_eq(say(fd, "uipsec-control 1\nup ccu\nup x\nquit\n"),
	    "200 uipsec-control 1 uipsecd\n200 initiating 'ccu'\n"
	    "404 no such connection\n200 bye\n");
	cr_assert(closed_by_server(fd));
	close(fd);
}

Test(control, version_first_or_the_session_ends)
{
	int a = client(), b = client(), d = client();

	cr_assert_str_eq(say(a, "status\n"),
	    "426 expected 'uipsec-control 1' first\n");
	cr_assert(closed_by_server(a));
	cr_assert_str_eq(say(b, "uipsec-control 2\n"),
	    "426 unsupported version: this uipsecd speaks uipsec-control 1\n");
	cr_assert(closed_by_server(b));
	cr_assert_str_eq(say(d, "uipsec-control 1\n"),
	    "200 uipsec-control 1 uipsecd\n");
	close(a);
	close(b);
	close(d);
}

Test(control, an_overlong_line_closes_only_that_client)
{
	char big[CONTROL_LINE_MAX + 100];
	int bad = client(), good = client();

	say(good, "uipsec-control 1\n");
	say(bad, "uipsec-control 1\n");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_str_eq(say(bad, big), "413 line longer than 511 bytes\n");
	cr_assert(closed_by_server(bad));
	cr_assert_str_eq(say(good, "up ccu\n"), "200 initiating 'ccu'\n");
	close(bad);
	close(good);
}

Test(control, a_line_of_the_maximum_length_is_served)
{
	char line[CONTROL_LINE_MAX + 1];
	int fd = client();

	say(fd, "uipsec-control 1\n");
	memcpy(line, "up ", 3);
	memset(line + 3, 'y', CONTROL_LINE_MAX - 4);
	line[CONTROL_LINE_MAX - 1] = '\n';
	line[CONTROL_LINE_MAX] = '\0';
	cr_assert_str_eq(say(fd, line), "404 no such connection\n");
	close(fd);
}

Test(control, a_huge_reply_is_cut_and_says_so)
{
	int fd = client();

	status_lines = CONTROL_REPLY_MAX / 20;	/* ~2 MB of lines */
	status_part = status_lines;		/* all in one part */
	say(fd, "uipsec-control 1\n");
	send(fd, "status\n", 7, 0);
	{
		static char all[CONTROL_REPLY_MAX + 4096];
		size_t len = 0;
		ssize_t n;
		int i;

		for (i = 0; i < 100000 && len < sizeof(all) - 1; i++) {
			control_run(srv);
			n = recv(fd, all + len, sizeof(all) - 1 - len,
			    MSG_DONTWAIT);
			if (n > 0)
				len += (size_t)n;
			all[len] = '\0';
			if (len > 5 && strstr(all + len - 64 > all ?
			    all + len - 64 : all, "\n507 "))
				break;
		}
		cr_assert_leq(len, CONTROL_REPLY_MAX);
		cr_assert_not_null(strstr(all, "\n507 reply cut at 1048576 "
		    "bytes\n"));
	}
	close(fd);
}

Test(control, a_client_that_never_reads_does_not_block_others)
{
	int lazy = client(), good = client(), i;
	char cmd[] = "status\n";

	status_lines = 20000;
	say(good, "uipsec-control 1\n");
	say(lazy, "uipsec-control 1\n");
	/* Many requests, never read: the server stops reading it. */
	for (i = 0; i < 50; i++) {
		send(lazy, cmd, strlen(cmd), MSG_DONTWAIT | MSG_NOSIGNAL);
		control_run(srv);
	}
	cr_assert_str_eq(say(good, "up ccu\n"), "200 initiating 'ccu'\n");
	close(lazy);
	control_run(srv);
	cr_assert_str_eq(say(good, "up ccu\n"), "200 initiating 'ccu'\n");
	close(good);
}

Test(control, idle_clients_are_closed_and_free_their_slot)
{
	int quiet = client(), half = client();
	char b[128] = "";
	ssize_t n = 0;
	int i;

	control_set_idle(srv, 1);
	say(quiet, "uipsec-control 1\n");
	/* Half a line, then nothing: the same as silence. */
	send(half, "uipsec-con", 10, 0);
	for (i = 0; i < 400 && n <= 0; i++) {
		control_run(srv);
		n = recv(quiet, b, sizeof(b) - 1, MSG_DONTWAIT);
		usleep(10000);
	}
	cr_assert_gt(n, 0, "not closed after 4 s");
	cr_assert_str_eq(b, "408 idle for 1 s\n");
	cr_assert(closed_by_server(quiet));
	cr_assert_str_eq(reply(half), "408 idle for 1 s\n");
	cr_assert(closed_by_server(half));
	close(quiet);
	close(half);
}

Test(control, too_many_clients_are_turned_away)
{
	int fds[CONTROL_CLIENTS_MAX], sv[2], i;
	char b[64] = "";

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		fds[i] = client();
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(control_adopt(srv, sv[1]), -1);
	cr_assert_gt(recv(sv[0], b, sizeof(b) - 1, 0), 0);
	cr_assert_str_eq(b, "503 too many clients\n");
	close(sv[0]);
	close(fds[0]);
	control_run(srv);
	fds[0] = client();
	cr_assert_str_eq(say(fds[0], "uipsec-control 1\n"),
	    "200 uipsec-control 1 uipsecd\n");
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		close(fds[i]);
}

/* control_open(path) must fail, and its log line name path and reason. */
static void
refused_open(const char *path)
{
	char line[256];
	FILE *f;
	int saved;

	cr_assert_not_null(f = tmpfile());
	fflush(stderr);
	cr_assert_geq(saved = dup(STDERR_FILENO), 0);
	cr_assert_geq(dup2(fileno(f), STDERR_FILENO), 0);
	cr_assert_null(control_open(path, &handlers));
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	cr_assert_not_null(fgets(line, sizeof(line), f));
	fclose(f);
	cr_assert_not_null(strstr(line, path), "%s", line);
	cr_assert_not_null(strstr(line, ": Address already in use"), "%s",
	    line);
}

Test(control, socket_file_is_private_and_stale_ones_are_replaced)
{
	char dir[] = "/tmp/test_control.XXXXXX", path[96];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *c;
	struct stat st;
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run/uipsecd.sock", dir);
	cr_assert_not_null(c = control_open(path, &handlers));
	cr_assert_eq(stat(path, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/run", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/run/uipsecd.sock", dir);
	/* A second daemon on the same path is refused, and says why (its
	 * log line is caught here: an expected "Address already in use"
	 * on the terminal has been taken for the cause of other failures). */
	refused_open(path);
	/* A real connection through the listener. */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	cr_assert_geq(fd = socket(AF_UNIX, SOCK_STREAM, 0), 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	control_close(srv);
	srv = c;
	cr_assert_str_eq(say(fd, "uipsec-control 1\n"),
	    "200 uipsec-control 1 uipsecd\n");
	close(fd);
	control_close(srv);
	srv = NULL;
	cr_assert_neq(stat(path, &st), 0, "removed on close");
	/* A stale socket file (no one listening) is replaced. */
	cr_assert_geq(fd = socket(AF_UNIX, SOCK_STREAM, 0), 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	cr_assert_not_null(srv = control_open(path, &handlers));
	control_close(srv);
	srv = NULL;
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
}

Test(control, status_options_reach_the_handler)
{
	int fd = client();

	say(fd, "uipsec-control 1\n");
	cr_assert_str_eq(say(fd, "status --count --peer 10.0.0.7 --id "
	    "\"C=DE, O=Fleet, CN=*\" --state ESTABLISHED --json\n"),
	    "200-{\"conns\": []}\n200 ok\n");
	cr_assert(last_req.json);
	cr_assert(last_req.count);
	cr_assert_str_eq(last_peer, "10.0.0.7");
	cr_assert_str_eq(last_id, "C=DE, O=Fleet, CN=*");
	cr_assert_str_eq(last_state, "ESTABLISHED");
	close(fd);
}

/* A status much larger than one reply streams in parts, each made once
 * the client has read the one before; every line arrives, then 200. */
Test(control, a_huge_status_streams_in_parts)
{
	static char all[4 * 1024 * 1024];
	size_t len = 0, lines = 0, i;
	int fd = client();
	ssize_t n;
	int k;

	status_lines = 100000;		/* ~2.6 MB */
	status_part = 500;
	say(fd, "uipsec-control 1\n");
	send(fd, "status\n", 7, 0);
	for (k = 0; k < 1000000 && len < sizeof(all) - 1; k++) {
		control_run(srv);
		n = recv(fd, all + len, sizeof(all) - 1 - len, MSG_DONTWAIT);
		if (n > 0)
			len += (size_t)n;
		all[len] = '\0';
		if (len > 8 && !strcmp(all + len - 7, "200 ok\n"))
			break;
	}
	cr_assert_gt(len, (size_t)CONTROL_REPLY_MAX);
	for (i = 0; i < len; i++)
		lines += all[i] == '\n';
	cr_assert_eq(lines, 100001);
	cr_assert_not_null(strstr(all, "200-line 99999 of the status\n200 ok\n"));
	close(fd);
}
