/*
 * tests/unit/test_uipsecd_sendq.c — uipsecd's IKE send queue
 * (tools/uipsecd/ike_sendq.h) on loopback sockets: nothing leaves before a
 * flush or a full queue; each datagram reaches its own destination from its
 * own socket (behind the non-ESP marker where asked), in queue order; a
 * datagram to one destination on another socket flushes first; a refused
 * datagram is logged naming its peer and the others still go; the log is
 * written before the datagrams leave.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "tools/uipsecd/ike_sendq.h"

/* Two sending sockets (as port 500 and 4500), two receivers. */
static int snd[2], rcv[2];
static struct sockaddr_storage to[2];
static struct ike_sendq q;

/* What the queue reported sent, in order: the receivers' indexes. */
static int sent_to[2 * IKE_SENDQ_MSGS];
static unsigned n_sent;

static void
on_sent(void *arg, const struct sockaddr_storage *ss)
{
	unsigned i;

	cr_assert_eq(arg, &q);
	cr_assert_lt(n_sent, sizeof(sent_to) / sizeof(sent_to[0]));
	for (i = 0; i < 2; i++)
		if (memcmp(ss, &to[i], sizeof(struct sockaddr_in)) == 0)
			break;
	sent_to[n_sent++] = (int)i;
}

static int
udp_loopback(struct sockaddr_storage *where)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)where;
	socklen_t len = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert_geq(fd, 0);
	memset(where, 0, sizeof(*where));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	return fd;
}

static void
setup(void)
{
	struct sockaddr_storage ignored;
	int i;

	for (i = 0; i < 2; i++) {
		snd[i] = udp_loopback(&ignored);
		rcv[i] = udp_loopback(&to[i]);
	}
	ike_sendq_init(&q, on_sent, &q);
	n_sent = 0;
}

static void
teardown(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		close(snd[i]);
		close(rcv[i]);
	}
}

TestSuite(sendq, .init = setup, .fini = teardown);

static void
add(int s, bool marker, int r, const char *text)
{
	cr_assert_eq(ike_sendq_add(&q, snd[s], marker, &to[r],
	    (const uint8_t *)text, strlen(text)), 0);
}

/* The next datagram waiting at receiver r (loopback delivers within the
 * send call, so nothing waiting means nothing was sent): its text, and
 * which sender it came from in *from. NULL when none waits. */
static const char *
take(int r, int *from)
{
	static char text[2048];
	struct sockaddr_storage src, s;
	socklen_t len = sizeof(src);
	ssize_t n;
	int i;

	n = recvfrom(rcv[r], text, sizeof(text) - 1, MSG_DONTWAIT,
	    (struct sockaddr *)&src, &len);
	if (n < 0) {
		cr_assert(errno == EAGAIN || errno == EWOULDBLOCK);
		return NULL;
	}
	text[n] = '\0';
	*from = -1;
	for (i = 0; i < 2; i++) {
		len = sizeof(s);
		getsockname(snd[i], (struct sockaddr *)&s, &len);
		if (memcmp(&s, &src, sizeof(struct sockaddr_in)) == 0)
			*from = i;
	}
	return text;
}

static void
expect(int r, int from, const char *text)
{
	const char *got;
	int f;

	cr_assert_not_null(got = take(r, &f), "receiver %d: nothing, wanted "
	    "\"%s\"", r, text);
	cr_assert_str_eq(got, text);
	cr_assert_eq(f, from, "\"%s\" came from sender %d", text, f);
}

static void
expect_none(int r)
{
	int f;

	cr_assert_null(take(r, &f), "receiver %d has a datagram", r);
}

Test(sendq, nothing_leaves_before_the_flush_then_all_in_order)
{
	add(0, false, 0, "one");
	add(0, false, 1, "two");
	add(0, false, 0, "three");
	expect_none(0);
	expect_none(1);
	cr_assert_eq(n_sent, 0);
	ike_sendq_flush(&q);
	expect(0, 0, "one");
	expect(0, 0, "three");
	expect(1, 0, "two");
	expect_none(0);
	cr_assert_eq(n_sent, 3);
	cr_assert_eq(sent_to[0], 0);
	cr_assert_eq(sent_to[1], 1);
	cr_assert_eq(sent_to[2], 0);
	ike_sendq_flush(&q);	/* empty: nothing again */
	expect_none(0);
	cr_assert_eq(n_sent, 3);
}

Test(sendq, each_socket_sends_its_own_with_the_marker_where_asked)
{
	static const char natt[] = "\0\0\0\0natt";
	char got[64];
	ssize_t n;

	add(0, false, 0, "plain");
	add(1, true, 1, "natt");
	add(0, false, 0, "plain again");
	ike_sendq_flush(&q);
	expect(0, 0, "plain");
	expect(0, 0, "plain again");
	n = recv(rcv[1], got, sizeof(got), MSG_DONTWAIT);
	cr_assert_eq(n, (ssize_t)sizeof(natt) - 1);
	cr_assert_eq(memcmp(got, natt, sizeof(natt) - 1), 0);
}

Test(sendq, one_destination_on_two_sockets_keeps_its_order)
{
	add(0, false, 0, "first, on socket 0");
	add(1, false, 1, "elsewhere, on socket 1");
	expect_none(0);
	/* Sending socket by socket would put this one before the first. */
	add(1, false, 0, "second, on socket 1");
	expect(0, 0, "first, on socket 0");
	expect(1, 1, "elsewhere, on socket 1");
	expect_none(0);
	ike_sendq_flush(&q);
	expect(0, 1, "second, on socket 1");
}

Test(sendq, a_full_queue_is_flushed_before_the_next_message)
{
	char text[16];
	unsigned i;

	for (i = 0; i < IKE_SENDQ_MSGS; i++) {
		snprintf(text, sizeof(text), "m%u", i);
		add(0, false, 0, text);
	}
	expect_none(0);
	add(0, false, 0, "the one more");
	cr_assert_eq(n_sent, IKE_SENDQ_MSGS);
	for (i = 0; i < IKE_SENDQ_MSGS; i++) {
		snprintf(text, sizeof(text), "m%u", i);
		expect(0, 0, text);
	}
	expect_none(0);
	ike_sendq_flush(&q);
	expect(0, 0, "the one more");
}

Test(sendq, full_byte_space_is_flushed_before_the_next_message)
{
	static uint8_t big[40000];
	unsigned i, fit = IKE_SENDQ_BYTES / sizeof(big);

	/* Counted by the reports: the kernel takes them even where the
	 * receiver's buffer would not hold them all. */
	for (i = 0; i < fit; i++)
		cr_assert_eq(ike_sendq_add(&q, snd[0], false, &to[0], big,
		    sizeof(big)), 0);
	cr_assert_eq(n_sent, 0);
	cr_assert_eq(ike_sendq_add(&q, snd[0], false, &to[0], big,
	    sizeof(big)), 0);
	cr_assert_eq(n_sent, fit);
	ike_sendq_flush(&q);
	cr_assert_eq(n_sent, fit + 1);
}

/* The log (stderr, in blocks as uipsecd has it) goes to a file while the
 * queue is flushed; the file's text after it, in out. */
static void
flush_logged(char *out, size_t cap)
{
	static char block[4096];
	FILE *f = tmpfile();
	size_t n;
	int saved;

	cr_assert_not_null(f);
	fflush(stderr);
	setvbuf(stderr, block, _IOFBF, sizeof(block));
	saved = dup(STDERR_FILENO);
	cr_assert_geq(saved, 0);
	cr_assert_geq(dup2(fileno(f), STDERR_FILENO), 0);
	log_info("before the flush");
	ike_sendq_flush(&q);
	/* In the file already: the flush wrote the log (before its sends;
	 * without it the line would still sit in the block). */
	rewind(f);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	cr_assert_not_null(strstr(out, "before the flush"), "%s", out);
	fflush(stderr);
	rewind(f);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	dup2(saved, STDERR_FILENO);
	close(saved);
	setvbuf(stderr, NULL, _IONBF, 0);
	fclose(f);
}

Test(sendq, a_refused_datagram_is_logged_naming_its_peer_and_the_rest_go)
{
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6,
	    .sin6_port = htons(500) };
	struct sockaddr_storage bad = { 0 };
	char log[1024];

	/* An IPv6 destination on an IPv4 socket: EAFNOSUPPORT. */
	inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr);
	memcpy(&bad, &v6, sizeof(v6));
	add(0, false, 0, "before");
	cr_assert_eq(ike_sendq_add(&q, snd[0], false, &bad,
	    (const uint8_t *)"lost", 4), 0);
	add(0, false, 0, "after");
	flush_logged(log, sizeof(log));
	expect(0, 0, "before");
	expect(0, 0, "after");
	cr_assert_eq(n_sent, 2);
	cr_assert_not_null(strstr(log, "ike: send to [2001:db8::1]:500: "),
	    "%s", log);
	cr_assert_not_null(strstr(log, strerror(EAFNOSUPPORT)), "%s", log);
}

Test(sendq, a_message_no_datagram_holds_is_refused)
{
	static uint8_t huge[65536];

	cr_assert_eq(ike_sendq_add(&q, snd[0], false, &to[0], huge,
	    sizeof(huge)), -1);
	ike_sendq_flush(&q);
	expect_none(0);
	cr_assert_eq(n_sent, 0);
}
