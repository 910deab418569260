/*
 * tools/uipsec/trace.c — `uipsec trace PEER --keys KEYLOG [-i IFACE]
 * [--count N] [--seconds N] [--summary]`: the view of `uipsec pcap`, live,
 * for one peer of the running uipsecd (doc/pcap.md).
 *
 * Design: capture on the daemon's outer interface (the one routing to
 * PEER unless -i says otherwise) with a BPF filter for PEER's IKE and ESP
 * packets, and take the keys from the daemon's key-log file (uipsecd's
 * key-log setting, doc/keylog.md), re-read whenever it grows, so SAs made
 * or rekeyed while tracing decrypt too. Nothing is asked of the daemon:
 * trace works with the keys on disk, needs root for the capture only.
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

#include "commands.h"
#include "tools/uipsec/pcap_capture.h"

#define TRACE_USAGE "usage: uipsec trace PEER --keys KEYLOG [-i IFACE] " \
	"[--count N] [--seconds N] [--summary] [--quiet]\n"

struct trace_keys {
	const char	*path;
	struct keylog	 kl;
	off_t		 size;
	struct timespec	 mtime;
};

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
		{ "count", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 't' },
		{ "summary", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "i:k:c:t:sqh", opts, NULL)) != -1) {
		switch (o) {
		case 'i': a->iface = optarg; break;
		case 'k': t->path = optarg; break;
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
	if (optind + 1 != argc || t->path == NULL) {
		fputs(TRACE_USAGE, stderr);
		return 2;
	}
	a->peer = argv[optind];
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
	keys_refresh(&t, NULL);
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
	a.run.before_frame = keys_refresh;
	a.run.arg = &t;
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
