/*
 * tools/uipsec/trace.c — `uipsec trace PEER [--keys KEYLOG | --socket SOCKET]
 * [-i IFACE] [--count N] [--seconds N] [--summary]`: the view of `uipsec
 * pcap`, live, for one peer of the running uipsecd (doc/pcap.md).
 *
 * Design: capture on the daemon's outer interface (the one routing to
 * PEER unless -i says otherwise) with a BPF filter for PEER's IKE and ESP
 * packets. Keys come from the running daemon over its control socket
 * (`keys PEER SINCE`, which uipsecd answers only with keylog { trace =
 * yes }): all of the peer's live SAs at the start, then, whenever a packet
 * of an SA without keys shows up (a rekey, a new CHILD_SA), what is newer
 * than the last answer — asked before that packet is shown, so it
 * decrypts. Or, with --keys, from a key-log file, re-read whenever it
 * grows. Either way SAs made or rekeyed while tracing decrypt too.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <time.h>

#include "commands.h"
#include "tools/uipsec/ctl.h"
#include "tools/uipsec/pcap_capture.h"

#define TRACE_USAGE "usage: uipsec trace PEER [--keys KEYLOG | --socket SOCKET] " \
	"[-i IFACE] [--count N] [--seconds N]\n" \
	"       [--summary] [--quiet]\n"

/* An SA without keys is asked for again only after this long: a packet
 * of an SA the daemon does not know (a stray SPI) costs one question a
 * second, not one per packet. */
#define TRACE_ASK_AGAIN_MS	1000
#define TRACE_ASKED		8

struct trace_keys {
	const char	*path;		/* --keys; NULL: from the daemon */
	const char	*sock, *peer;
	struct keylog	 kl;
	off_t		 size;
	struct timespec	 mtime;
	uint64_t	 since;		/* the daemon's last record number */
	unsigned	 lines;		/* received, for error messages */
	bool		 bad_line;	/* one was reported */
	struct {
		uint64_t	 sa, at_ms;
	} asked[TRACE_ASKED];
	unsigned	 next_asked;
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
daemon_line(void *arg, const char *line)
{
	struct trace_keys *t = arg;
	char err[256];

	if (keylog_read_line(&t->kl, line, strlen(line), "uipsecd",
	    ++t->lines, err, sizeof(err)) != 0 && !t->bad_line) {
		fprintf(stderr, "uipsec trace: %s\n", err);
		t->bad_line = true;
	}
}

/* `keys PEER SINCE` on a connection of its own (the daemon drops idle
 * ones): the new records appended to t->kl. 0, or -1 after a message. */
static int
daemon_fetch(struct trace_keys *t, struct pcap_view *v)
{
	size_t n_ike = t->kl.n_ike, n_esp = t->kl.n_esp;
	char cmd[128], msg[300];
	unsigned long long seq;
	struct ctl *c;
	int code;

	if (!(c = ctl_open(t->sock)))
		return -1;
	ctl_secret(c);
	snprintf(cmd, sizeof(cmd), "keys %s %llu", t->peer,
	    (unsigned long long)t->since);
	code = ctl_command_lines(c, cmd, daemon_line, t, msg, sizeof(msg));
	ctl_close(c);
	if (code != 200) {
		fprintf(stderr, "uipsec trace: uipsecd: %s%s\n", msg,
		    code == 403 ? " (or give --keys KEYLOG)" : "");
		return -1;
	}
	if (sscanf(msg, "ok seq %llu", &seq) == 1)
		t->since = seq;
	if (v != NULL && (t->kl.n_ike != n_ike || t->kl.n_esp != n_esp))
		pcap_view_keys_changed(v, &t->kl);
	return 0;
}

/* The view met a packet of an SA without keys: ask the daemon, unless
 * this SA was asked about a moment ago. */
static void
daemon_missing(void *arg, struct pcap_view *v, uint64_t sa)
{
	struct trace_keys *t = arg;
	uint64_t now = mono_ms();
	unsigned i;

	for (i = 0; i < TRACE_ASKED; i++)
		if (t->asked[i].at_ms && t->asked[i].sa == sa &&
		    now - t->asked[i].at_ms < TRACE_ASK_AGAIN_MS)
			return;
	t->asked[t->next_asked].sa = sa;
	t->asked[t->next_asked].at_ms = now;
	t->next_asked = (t->next_asked + 1) % TRACE_ASKED;
	daemon_fetch(t, v);
}

/* Re-reads the key log when it changed since the last read: the new
 * records of SAs made meanwhile are appended (pcap_esp.c keeps its
 * per-SA state by record index). */
static void
keys_refresh(void *arg, struct pcap_view *v)
{
	struct trace_keys *t = arg;
	struct keylog fresh = { 0 };
	struct stat st;
	char err[512];

	if (stat(t->path, &st) != 0 || (st.st_size == t->size &&
	    st.st_mtim.tv_sec == t->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == t->mtime.tv_nsec))
		return;
	if (keylog_read(&fresh, t->path, err, sizeof(err)) != 0) {
		fprintf(stderr, "uipsec trace: %s (keeping the keys read "
		    "before)\n", err);
		keylog_free(&fresh);
		return;
	}
	t->size = st.st_size;
	t->mtime = st.st_mtim;
	keylog_free(&t->kl);
	t->kl = fresh;
	if (v != NULL)
		pcap_view_keys_changed(v, &t->kl);
}

/* The interface holding the local address the kernel picks for peer. */
static int
route_iface(const struct addrinfo *peer, char *ifname, size_t cap)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	struct ifaddrs *ifs, *i;
	int fd, rc = -1;

	if ((fd = socket(peer->ai_family, SOCK_DGRAM, 0)) < 0)
		return -1;
	if (connect(fd, peer->ai_addr, peer->ai_addrlen) != 0 ||
	    getsockname(fd, (struct sockaddr *)&local, &len) != 0 ||
	    getifaddrs(&ifs) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	for (i = ifs; i != NULL && rc != 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family !=
		    local.ss_family)
			continue;
		if ((local.ss_family == AF_INET && !memcmp(
		    &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
		    &((struct sockaddr_in *)&local)->sin_addr, 4)) ||
		    (local.ss_family == AF_INET6 && !memcmp(
		    &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
		    &((struct sockaddr_in6 *)&local)->sin6_addr, 16))) {
			snprintf(ifname, cap, "%s", i->ifa_name);
			rc = 0;
		}
	}
	freeifaddrs(ifs);
	return rc;
}

struct trace_args {
	const char	*peer, *iface;
	bool		 summary;
	unsigned	 flags;
	struct pcap_run_opts run;
};

static int
parse_args(int argc, char **argv, struct trace_args *a, struct trace_keys *t)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "keys", required_argument, NULL, 'k' },
		{ "socket", required_argument, NULL, 'S' },
		{ "count", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 't' },
		{ "summary", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	t->sock = CTL_SOCKET_DEFAULT;
	while ((o = getopt_long(argc, argv, "i:k:c:t:sqh", opts, NULL)) != -1) {
		switch (o) {
		case 'i': a->iface = optarg; break;
		case 'k': t->path = optarg; break;
		case 'S': t->sock = optarg; break;
		case 'c': a->run.count = strtoull(optarg, NULL, 10); break;
		case 't': a->run.seconds = strtoull(optarg, NULL, 10); break;
		case 's': a->summary = true; break;
		case 'q': a->flags |= PCAP_VIEW_QUIET; break;
		case 'h':
			fputs(TRACE_USAGE, stdout);
			return -1;
		default:
			fputs(TRACE_USAGE, stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs(TRACE_USAGE, stderr);
		return 2;
	}
	a->peer = t->peer = argv[optind];
	return 0;
}

int
cmd_trace(int argc, char **argv)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *peer = NULL;
	struct trace_args a = { 0 };
	struct trace_keys t = { 0 };
	struct pcap_view *v = NULL;
	char ifname[IF_NAMESIZE + 1], filter[256], err[PCAP_ERRBUF_SIZE + 256];
	pcap_t *p = NULL;
	int rc;

	if ((rc = parse_args(argc, argv, &a, &t)) != 0)
		return rc < 0 ? 0 : rc;
	rc = 1;
	if (getaddrinfo(a.peer, "500", &hints, &peer) != 0) {
		fprintf(stderr, "uipsec trace: %s: not an IP address\n",
		    a.peer);
		return 2;
	}
	if (a.iface == NULL && route_iface(peer, ifname, sizeof(ifname)) != 0) {
		fprintf(stderr, "uipsec trace: no interface routes to %s "
		    "(give -i)\n", a.peer);
		goto out;
	}
	if (t.path != NULL)
		keys_refresh(&t, NULL);
	else if (daemon_fetch(&t, NULL) != 0)
		goto out;
	/* The peer's IKE (500, 4500), ESP in UDP and raw ESP, both ways. */
	snprintf(filter, sizeof(filter), "host %s and (udp port 500 or udp "
	    "port 4500 or ip proto 50 or ip6 proto 50)", a.peer);
	if ((p = pcap_source_open(a.iface ? a.iface : ifname, true, filter,
	    err, sizeof(err))) == NULL ||
	    (v = pcap_view_new(&t.kl, stdout, a.flags)) == NULL) {
		fprintf(stderr, "uipsec trace: %s\n", p ? "out of memory" : err);
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);	/* live: a line at a time */
	if (t.path != NULL) {
		a.run.before_frame = keys_refresh;
		a.run.arg = &t;
	} else {
		pcap_view_on_missing_keys(v, daemon_missing, &t);
	}
	rc = 0;
	if (pcap_run(p, v, &a.run, err, sizeof(err)) != 0) {
		fprintf(stderr, "uipsec trace: %s\n", err);
		rc = 1;
	}
	if (a.summary)
		pcap_view_summary(v, stdout);
out:
	pcap_view_free(v);
	if (p != NULL)
		pcap_close(p);
	freeaddrinfo(peer);
	keylog_free(&t.kl);
	return rc;
}
