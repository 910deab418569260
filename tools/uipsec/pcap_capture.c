/*
 * tools/uipsec/pcap_capture.c — see pcap_capture.h. Frames come one at a
 * time from pcap_next_ex(), so a capture of any size runs in the memory of
 * one frame plus the view's per-SA state.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/uipsec/pcap_capture.h"

#define LIVE_SNAPLEN	65535
#define LIVE_TIMEOUT_MS	250	/* limits and signals are checked this often */

static volatile sig_atomic_t stop_requested;
static pcap_t *running;		/* the capture pcap_run() reads */

/* libpcap retries a poll() a signal interrupted; pcap_breakloop() wakes
 * it (libpcap 1.10) and makes pcap_next_ex() return PCAP_ERROR_BREAK. */
static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (running != NULL)
		pcap_breakloop(running);
}

static pcap_t *
live_open(const char *iface, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, perr);

	if (p == NULL) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		return NULL;
	}
	/* Not immediate mode: the timeout makes pcap_next_ex() return now
	 * and then, so --seconds ends a capture that sees no packets. */
	if (pcap_set_snaplen(p, LIVE_SNAPLEN) != 0 ||
	    pcap_set_timeout(p, LIVE_TIMEOUT_MS) != 0 ||
	    pcap_activate(p) < 0) {
		snprintf(err, errlen, "%s: %s", iface, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	return p;
}

pcap_t *
pcap_source_open(const char *name, bool live, const char *filter, char *err,
    size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p;

	if (live)
		p = live_open(name, err, errlen);
	else if ((p = pcap_open_offline(name, perr)) == NULL)
		snprintf(err, errlen, "%s: %s", name, perr);
	if (p == NULL)
		return NULL;
	if (!pcap_link_supported(pcap_datalink(p))) {
		snprintf(err, errlen, "%s: link type %s (%d) not supported",
		    name, pcap_datalink_val_to_name(pcap_datalink(p)) ?
		    pcap_datalink_val_to_name(pcap_datalink(p)) : "?",
		    pcap_datalink(p));
		pcap_close(p);
		return NULL;
	}
	if (filter == NULL)
		return p;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(p, &prog) != 0) {
		snprintf(err, errlen, "filter '%s': %s", filter, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	pcap_freecode(&prog);
	return p;
}

static uint64_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

int
pcap_run(pcap_t *p, struct pcap_view *v, const struct pcap_run_opts *opts,
    char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pcap_pkthdr *h;
	const u_char *frame;
	uint64_t frames = 0, start = now_s();
	int link = pcap_datalink(p), rc;

	running = p;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_requested) {
		if (opts->seconds != 0 && now_s() - start >= opts->seconds)
			break;
		if (opts->count != 0 && frames >= opts->count)
			break;
		rc = pcap_next_ex(p, &h, &frame);
		if (rc == 0)		/* live: the timeout passed */
			continue;
		if (rc == PCAP_ERROR_BREAK)
			break;		/* end of the file, or a signal */
		if (rc != 1) {
			snprintf(err, errlen, "after %llu frames: %s",
			    (unsigned long long)frames, pcap_geterr(p));
			running = NULL;
			return -1;
		}
		if (opts->before_frame != NULL)
			opts->before_frame(opts->arg, v);
		frames++;
		pcap_view_frame(v, link, &h->ts, frame, h->caplen, h->len);
	}
	running = NULL;
	return 0;
}

struct pcap_inner_out {
	pcap_t		*dead;
	pcap_dumper_t	*dump;
};

struct pcap_inner_out *
pcap_inner_open(const char *path, char *err, size_t errlen)
{
	struct pcap_inner_out *o = calloc(1, sizeof(*o));

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((o->dead = pcap_open_dead(DLT_RAW, LIVE_SNAPLEN)) == NULL ||
	    (o->dump = pcap_dump_open(o->dead, path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, o->dead ?
		    pcap_geterr(o->dead) : "pcap_open_dead failed");
		pcap_inner_close(o);
		return NULL;
	}
	return o;
}

static void
inner_write(void *arg, const struct timeval *ts, const uint8_t *p, size_t len)
{
	struct pcap_inner_out *o = arg;
	struct pcap_pkthdr h = { .ts = *ts, .caplen = (bpf_u_int32)len,
	    .len = (bpf_u_int32)len };

	pcap_dump((u_char *)o->dump, &h, p);
}

void
pcap_inner_attach(struct pcap_inner_out *o, struct pcap_view *v)
{
	pcap_view_on_inner(v, inner_write, o);
}

int
pcap_inner_close(struct pcap_inner_out *o)
{
	int rc = 0;

	if (o == NULL)
		return 0;
	if (o->dump != NULL) {
		rc = pcap_dump_flush(o->dump);
		pcap_dump_close(o->dump);
	}
	if (o->dead != NULL)
		pcap_close(o->dead);
	free(o);
	return rc == 0 ? 0 : -1;
}
