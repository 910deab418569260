/*
 * tools/uipsec/pcap_capture.h — libpcap around the packet view (pcap.h):
 * open a capture file or a live interface, stream its frames into a view
 * (never loading a capture whole), write decrypted inner packets to a new
 * pcap file. Shared by `uipsec pcap` and `uipsec trace`.
 */
#ifndef UIPSEC_TOOLS_PCAP_CAPTURE_H
#define UIPSEC_TOOLS_PCAP_CAPTURE_H

#include <pcap/pcap.h>

#include "tools/uipsec/pcap.h"

struct pcap_run_opts {
	uint64_t	 count;		/* frames; 0: no limit */
	uint64_t	 seconds;	/* live only; 0: no limit */
	/* Called before each frame (NULL: none): `uipsec trace` re-reads
	 * the key log there when it has changed. */
	void		(*before_frame)(void *arg, struct pcap_view *v);
	void		*arg;
};

/* A capture file (pcap or pcapng) or, with live, an interface, with an
 * optional BPF filter. NULL with a one-line reason in err. Caller closes
 * with pcap_close(). */
pcap_t	*pcap_source_open(const char *name, bool live, const char *filter,
	    char *err, size_t errlen);

/* Streams every frame of p into v until the end of the file, a limit, an
 * error or SIGINT/SIGTERM. 0 at the end or a limit; -1 with the reason in
 * err when the capture is cut short or corrupt (the frames read before
 * are in v). */
int	 pcap_run(pcap_t *p, struct pcap_view *v,
	    const struct pcap_run_opts *opts, char *err, size_t errlen);

/* Decrypted inner packets as a raw-IP (LINKTYPE_RAW) pcap file any tool
 * reads; they keep the timestamps of their ESP packets. */
struct pcap_inner_out;
struct pcap_inner_out *pcap_inner_open(const char *path, char *err,
	    size_t errlen);
/* Installs the writer on v (v borrows it until pcap_inner_close). */
void	 pcap_inner_attach(struct pcap_inner_out *o, struct pcap_view *v);
/* Flushes and closes; -1 if a write failed. Accepts NULL. */
int	 pcap_inner_close(struct pcap_inner_out *o);

#endif
