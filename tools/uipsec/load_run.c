/*
 * tools/uipsec/load_run.c — `uipsec load run`: one IKE engine (ike/ike.h)
 * with a connection per CCU, generated as swanctl.conf text, on two UDP
 * sockets. One engine rather than one per CCU: an engine carries ~120 KB
 * of scratch buffers, so 10,000 engines would cost over a gigabyte before
 * the first packet, while one engine's SAs are found by SPI hash.
 *
 * A run has four phases: set-up (at --rate, or all at once), ping (one
 * ICMP echo through each CHILD_SA), hold, teardown (a Delete for each IKE
 * SA, RFC 7296 §1.4.1). The engine's timers run every TICK_US; that is
 * also the resolution of retransmissions here.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "common/log.h"
#include "load.h"

#define TICK_US		20000
#define BURST		100	/* set-ups started between two reads */
#define PING_TRIES	3
#define PING_WAIT_US	1000000		/* quiet before sending again */
#define PING_TRY_MAX_US	30000000
#define DOWN_WAIT_S	30

uint64_t
load_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

struct load_ccu *
load_ccu_by_addr(struct load *l, const struct in_addr *a)
{
	uint32_t i = ntohl(a->s_addr) - ntohl(l->o.first.s_addr);

	return i < l->o.count ? &l->ccus[i] : NULL;
}

/* The CCU of a connection name (LOAD_NAME_FMT, from 1), or NULL. */
static struct load_ccu *
ccu_by_name(struct load *l, const char *conn)
{
	unsigned i;

	if (sscanf(conn, "ccu%u", &i) != 1 || i < 1 || i > l->o.count)
		return NULL;
	return &l->ccus[i - 1];
}

static void
ccu_name(const struct load *l, const struct load_ccu *c, char *out,
    size_t cap)
{
	snprintf(out, cap, LOAD_NAME_FMT, (unsigned)(c - l->ccus) + 1);
}

int
load_send(struct load *l, int fd, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const void *p, size_t len,
    const void *prefix, size_t prefix_len)
{
	union {
		struct cmsghdr	align;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} u;
	struct iovec iov[2] = {
		{ .iov_base = (void *)prefix, .iov_len = prefix_len },
		{ .iov_base = (void *)p, .iov_len = len },
	};
	struct msghdr mh = {
		.msg_name = (void *)remote,
		.msg_namelen = sizeof(struct sockaddr_in),
		.msg_iov = prefix_len ? iov : &iov[1],
		.msg_iovlen = prefix_len ? 2 : 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct in_pktinfo pi = { 0 };

	(void)l;
	pi.ipi_spec_dst = ((const struct sockaddr_in *)local)->sin_addr;
	memset(u.buf, 0, sizeof(u.buf));
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return sendmsg(fd, &mh, 0) < 0 ? -1 : 0;
}

/* ---- the engine's callbacks ---- */

static int
io_send(void *arg, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *msg, size_t len)
{
	static const uint8_t marker[ESP_UDP_NON_ESP_MARKER_LEN];
	struct load *l = arg;
	bool natt = ((const struct sockaddr_in *)local)->sin_port !=
	    htons(IKE_DEFAULT_PORT);

	if (local->ss_family != AF_INET)
		return -1;
	return load_send(l, natt ? l->fd4500 : l->fd500, local, remote, msg,
	    len, marker, natt ? sizeof(marker) : 0);
}

static int
io_child_install(void *arg, const struct ike_child_install *ci)
{
	struct load *l = arg;
	struct load_ccu *c = ccu_by_name(l, ci->conn);

	if (!c || c->in)	/* the first CHILD_SA is the one tested */
		return c ? 0 : -1;
	if (esp_sa_new(&c->in, &ci->in, ESP_DIR_IN) != ESP_OK ||
	    esp_sa_new(&c->out, &ci->out, ESP_DIR_OUT) != ESP_OK) {
		esp_sa_free(c->in);
		c->in = NULL;
		return -1;
	}
	c->spi_in = ci->in.spi;
	c->local = ci->local;
	c->remote = ci->remote;
	memcpy(c->inner, ci->n_local_ts ? ci->local_ts[0].prefix.addr :
	    (const uint8_t *)&((const struct sockaddr_in *)&ci->local)->sin_addr,
	    4);
	if (c->state == LOAD_CONNECTING) {
		c->state = LOAD_UP;
		c->up_us = load_now_us();
		l->st.up++;
		l->st.last_up_us = c->up_us;
	}
	return 0;
}

static void
io_child_remove(void *arg, uint32_t spi_in, uint32_t spi_out)
{
	struct load *l = arg;
	unsigned i;

	(void)spi_out;
	for (i = 0; i < l->o.count; i++)
		if (l->ccus[i].in && l->ccus[i].spi_in == spi_in) {
			esp_sa_free(l->ccus[i].in);
			esp_sa_free(l->ccus[i].out);
			l->ccus[i].in = l->ccus[i].out = NULL;
			return;
		}
}

static void
io_sa_event(void *arg, const char *conn, uint64_t ike_id,
    enum ike_sa_event ev, const char *why)
{
	struct load *l = arg;
	struct load_ccu *c = ccu_by_name(l, conn);

	if (!c)
		return;
	if (ev == IKE_SA_EVENT_UP)
		c->ike_id = ike_id;	/* phase_teardown ends it by that */
	else if (ev == IKE_SA_EVENT_FAILED && c->state == LOAD_CONNECTING) {
		c->state = LOAD_FAILED;
		l->st.failed++;
		load_reason_add(&l->st, why);
	} else if (ev == IKE_SA_EVENT_DOWN && c->state == LOAD_UP) {
		c->state = LOAD_DOWN;
		l->st.down++;
	}
}

/* ---- configuration ---- */

/* swanctl.conf text with a connection per CCU; NULL if out of memory. */
static char *
config_text(const struct load_opts *o, const char *pki, size_t *len)
{
	char addr[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN], *text = NULL;
	struct in_addr a;
	FILE *f = open_memstream(&text, len);
	unsigned i;

	if (!f)
		return NULL;
	inet_ntop(AF_INET, &o->remote, remote, sizeof(remote));
	fprintf(f, "connections {\n");
	for (i = 1; i <= o->count; i++) {
		a.s_addr = htonl(ntohl(o->first.s_addr) + i - 1);
		inet_ntop(AF_INET, &a, addr, sizeof(addr));
		fprintf(f, " " LOAD_NAME_FMT " {\n  local_addrs = %s\n"
		    "  remote_addrs = %s\n  proposals = %s\n%s"
		    "  local {\n   auth = pubkey\n   certs = %s/" LOAD_SUBDIR
		    "/x509/" LOAD_NAME_FMT ".pem\n  }\n"
		    "  remote {\n   auth = pubkey\n", i, addr, remote,
		    o->proposals, o->vip ? "  vips = 0.0.0.0\n" : "", pki, i);
		if (o->remote_id)
			fprintf(f, "   id = \"%s\"\n", o->remote_id);
		fprintf(f, "  }\n  children {\n   c {\n    remote_ts = %s\n"
		    "    esp_proposals = %s\n   }\n  }\n }\n", o->remote_ts,
		    o->esp_proposals);
	}
	fprintf(f, "}\n");
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int
load_config(struct load *l)
{
	char pki[PATH_MAX], *text;
	struct conf_errors err = { 0 };
	size_t len = 0;
	unsigned i;
	int rc;

	if (!realpath(l->o.pki, pki)) {
		fprintf(stderr, "uipsec load run: %s: %s\n", l->o.pki,
		    strerror(errno));
		return -1;
	}
	if (!(text = config_text(&l->o, pki, &len))) {
		fprintf(stderr, "uipsec load run: out of memory\n");
		return -1;
	}
	rc = ike_config_parse(&l->cfg, text, len, "load", pki, &err);
	free(text);
	for (i = 0; rc != 0 && i < err.count; i++)
		fprintf(stderr, "uipsec load run: %s\n", err.msg[i]);
	return rc;
}

/* ---- sockets ---- */

static int
udp_socket(uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(port),
	};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
	int size = 64 << 20;

	if (fd < 0)
		return -1;
	/* Thousands of answers at once: room for them (root may force). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		fprintf(stderr, "uipsec load run: UDP port %u: %s\n", port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* One datagram of fd into l->buf: its length (or -1), sender and the
 * address it was sent to. */
static ssize_t
recv_one(struct load *l, int fd, struct sockaddr_storage *from,
    struct sockaddr_storage *to)
{
	union {
		struct cmsghdr	align;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} u;
	struct iovec iov = { .iov_base = l->buf, .iov_len = sizeof(l->buf) };
	struct msghdr mh = {
		.msg_name = from, .msg_namelen = sizeof(*from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	struct in_pktinfo pi;
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

	if (n < 0 || from->ss_family != AF_INET)
		return -1;
	memset(to, 0, sizeof(*to));
	to->ss_family = AF_INET;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in *)to)->sin_addr = pi.ipi_addr;
		}
	return n;
}

static void
drain(struct load *l, int fd, uint16_t port)
{
	struct sockaddr_storage from, to;
	struct load_ccu *c;
	ssize_t n;
	int i;

	for (i = 0; i < 256 && (n = recv_one(l, fd, &from, &to)) >= 0; i++) {
		((struct sockaddr_in *)&to)->sin_port = htons(port);
		if (port == IKE_DEFAULT_PORT) {
			ike_engine_input(l->e, &to, &from, l->buf, (size_t)n,
			    load_now_us() / 1000);
			continue;
		}
		switch (esp_udp_classify(l->buf, (size_t)n)) {
		case ESP_UDP_IKE:
			ike_engine_input(l->e, &to, &from,
			    l->buf + ESP_UDP_NON_ESP_MARKER_LEN,
			    (size_t)n - ESP_UDP_NON_ESP_MARKER_LEN,
			    load_now_us() / 1000);
			break;
		case ESP_UDP_ESP:
			c = load_ccu_by_addr(l,
			    &((struct sockaddr_in *)&to)->sin_addr);
			if (c)
				load_esp_input(l, c, l->buf, (size_t)n);
			else
				l->st.ping_bad++;
			break;
		default:
			break;
		}
	}
}

/* Reads what arrives until until_us (or at most one tick), running the
 * engine's timers on the way. */
static void
pump(struct load *l, uint64_t until_us, uint64_t *tick_us)
{
	struct pollfd pfd[2] = {
		{ .fd = l->fd500, .events = POLLIN },
		{ .fd = l->fd4500, .events = POLLIN },
	};
	uint64_t now = load_now_us();
	int wait_ms = until_us > now ? (int)((until_us - now) / 1000) : 0;

	if (wait_ms > TICK_US / 1000)
		wait_ms = TICK_US / 1000;
	if (poll(pfd, 2, wait_ms) > 0) {
		drain(l, l->fd500, IKE_DEFAULT_PORT);
		drain(l, l->fd4500, IKEV2_PORT_NATT);
	}
	now = load_now_us();
	if (now >= *tick_us + TICK_US) {
		ike_engine_tick(l->e, now / 1000);
		*tick_us = now;
	}
}

/* ---- phases ---- */

static void
initiate(struct load *l, struct load_ccu *c)
{
	char name[IKE_NAME_MAX];

	ccu_name(l, c, name, sizeof(name));
	c->state = LOAD_CONNECTING;
	c->start_us = load_now_us();
	if (!l->st.first_start_us)
		l->st.first_start_us = c->start_us;
	if (ike_engine_initiate(l->e, name, c->start_us / 1000) != 0) {
		c->state = LOAD_FAILED;
		l->st.failed++;
		load_reason_add(&l->st, "cannot initiate");
	}
}

static void
phase_setup(struct load *l, uint64_t *tick)
{
	uint64_t t0 = load_now_us(), end = t0 + l->o.timeout_s * 1000000ULL;
	uint64_t now, due;
	unsigned next = 0, burst;
	char why[64];

	while ((now = load_now_us()) < end) {
		due = l->o.rate ? (uint64_t)((now - t0) * l->o.rate / 1e6) + 1 :
		    l->o.count;
		/* at most window under way: started, neither up nor failed */
		if (l->o.window && due > (uint64_t)l->st.up + l->st.failed +
		    l->o.window)
			due = (uint64_t)l->st.up + l->st.failed + l->o.window;
		for (burst = 0; next < l->o.count && next < due &&
		    burst < BURST; burst++)
			initiate(l, &l->ccus[next++]);
		if (next == l->o.count && l->st.up + l->st.failed == l->o.count)
			break;
		pump(l, next < due ? now : now + TICK_US, tick);
	}
	snprintf(why, sizeof(why), "no CHILD_SA within %u s", l->o.timeout_s);
	for (; next < l->o.count; next++)
		l->ccus[next].state = LOAD_CONNECTING;
	for (next = 0; next < l->o.count; next++)
		if (l->ccus[next].state == LOAD_CONNECTING) {
			l->ccus[next].state = LOAD_FAILED;
			l->st.failed++;
			load_reason_add(&l->st, why);
		}
}

/* A try ends once every CCU has its reply, or when no reply came for
 * PING_WAIT_US: a responder that still works through the burst is not sent
 * it again (10,000 echoes at once queue for seconds on a busy one, and a
 * second copy of every echo still queued only made its socket drop more). */
static void
phase_ping(struct load *l, uint64_t *tick)
{
	unsigned i, try, sent, ok;
	uint64_t quiet, end;

	for (try = 0; try < PING_TRIES; try++) {
		for (i = sent = 0; i < l->o.count; i++)
			if (l->ccus[i].state == LOAD_UP && !l->ccus[i].ping_ok &&
			    load_ping_send(l, &l->ccus[i]) == 0)
				sent++;
		if (!sent)
			break;
		ok = l->st.ping_ok;
		quiet = load_now_us() + PING_WAIT_US;
		end = load_now_us() + PING_TRY_MAX_US;
		while (load_now_us() < quiet && load_now_us() < end &&
		    l->st.ping_ok < l->st.up) {
			pump(l, quiet, tick);
			if (l->st.ping_ok != ok) {
				ok = l->st.ping_ok;
				quiet = load_now_us() + PING_WAIT_US;
			}
		}
	}
}

static void
count_sa(void *arg, const struct ike_sa_status *st)
{
	(void)st;
	(*(unsigned *)arg)++;
}

/* IKE SAs the engine still has (a Delete waits for its response). */
static unsigned
engine_sas(const struct load *l)
{
	unsigned n = 0;

	ike_engine_foreach(l->e, count_sa, &n);
	return n;
}

/* Each CCU's tunnel by its id: by name, the engine would look at every
 * SA for each CCU's (O(N^2): seconds at 10,000). */
static void
phase_teardown(struct load *l, uint64_t *tick)
{
	uint64_t until;
	unsigned i, up = 0;

	l->st.down_start_us = load_now_us();
	for (i = 0; i < l->o.count; i++) {
		if (l->ccus[i].state != LOAD_UP)
			continue;
		up++;
		ike_engine_terminate_id(l->e, l->ccus[i].ike_id,
		    load_now_us() / 1000);
		if (up % BURST == 0)
			pump(l, load_now_us(), tick);
	}
	for (until = load_now_us() + DOWN_WAIT_S * 1000000ULL;
	    load_now_us() < until && (l->st.down < up || engine_sas(l));)
		pump(l, until, tick);
	l->st.down_end_us = load_now_us();
}

static void
load_free(struct load *l)
{
	unsigned i;

	ike_engine_free(l->e);
	ike_config_free(&l->cfg);
	for (i = 0; l->ccus && i < l->o.count; i++) {
		esp_sa_free(l->ccus[i].in);
		esp_sa_free(l->ccus[i].out);
	}
	free(l->ccus);
	if (l->fd500 >= 0)
		close(l->fd500);
	if (l->fd4500 >= 0)
		close(l->fd4500);
	free(l);
}

int
load_run(const struct load_opts *o)
{
	struct ike_io io = {
		.send = io_send, .child_install = io_child_install,
		.child_remove = io_child_remove, .sa_event = io_sa_event,
	};
	struct load *l = calloc(1, sizeof(*l));
	struct ike_settings set;
	uint64_t tick = 0, until;
	double cpu0, cpu_setup;
	int rc = 1;

	if (!l)
		return 1;
	l->o = *o;
	l->fd500 = l->fd4500 = -1;
	io.arg = l;
	log_set_level(o->verbose ? LOG_INFO : LOG_ERR);
	if (!(l->ccus = calloc(o->count, sizeof(*l->ccus))) ||
	    load_config(l) != 0 ||
	    (l->fd500 = udp_socket(IKE_DEFAULT_PORT)) < 0 ||
	    (l->fd4500 = udp_socket(IKEV2_PORT_NATT)) < 0 ||
	    !(l->e = ike_engine_new(&l->cfg, &io, load_now_us() / 1000)))
		goto out;
	ike_settings_default(&set);
	set.retransmit_timeout_ms = o->rexmit_ms;
	set.retransmit_tries = o->rexmit_tries;
	ike_engine_set_settings(l->e, &set);
	cpu0 = cpu_seconds();
	phase_setup(l, &tick);
	cpu_setup = cpu_seconds() - cpu0;
	if (o->ping.s_addr)
		phase_ping(l, &tick);
	/* Scripts read the concentrator's status while the tunnels are up. */
	printf("holding %u tunnels for %u s\n", l->st.up, o->hold_s);
	fflush(stdout);
	for (until = load_now_us() + o->hold_s * 1000000ULL;
	    load_now_us() < until;)
		pump(l, until, &tick);
	if (o->teardown)
		phase_teardown(l, &tick);
	load_report(l, cpu_setup, cpu_seconds());
	rc = l->st.failed || (o->ping.s_addr && l->st.ping_ok < l->st.up) ||
	    (o->teardown && l->st.down < l->st.up) ? 1 : 0;
out:
	load_free(l);
	return rc;
}
