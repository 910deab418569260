/*
 * tools/uipsec/load.h — `uipsec load`: one process acting as many CCUs
 * against a concentrator (by analogy with strongSwan's load-tester plugin),
 * shared by its files:
 *   load.c         the command line: `load pki` and `load run`
 *   load_pki.c     a test PKI: N end-entity certificates from one CA
 *   load_run.c     one IKE engine (ike/ike.h) with a connection per CCU,
 *                  its sockets and the phases of a run
 *   load_ping.c    an ICMP echo through each CCU's own CHILD_SA (esp/)
 *   load_report.c  set-ups per second, latency percentiles, failures, CPU
 *
 * Each CCU has its own outer IPv4 address (FIRST + index): the namespace
 * routes the whole range to itself (`ip route add local NET dev lo`), so
 * two sockets (ports 500 and 4500, IP_PKTINFO) serve every CCU.
 */
#ifndef UIPSEC_TOOLS_LOAD_H
#define UIPSEC_TOOLS_LOAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "esp/esp.h"
#include "ike/ike.h"

#define LOAD_NAME_FMT	"ccu%05u"	/* certificate, CN and connection */
#define LOAD_SUBDIR	"load"		/* CADIR/load/{x509,private}/ */
#define LOAD_REASONS	16		/* distinct failure reasons kept */
/* Retransmissions of a load test: a CCU retransmits after 2 s (ike.h), but
 * a thousand set-ups at once queue for seconds at the concentrator, and a
 * request sent again before the first was answered only lengthens that
 * queue (and an IKE_SA_INIT sent again races its cookie retry, RFC 7296
 * §2.6). A lost datagram then costs 10 s instead of 2. */
#define LOAD_REXMIT_MS		10000
#define LOAD_REXMIT_TRIES	5

struct load_opts {
	const char	*pki;		/* CA directory with CADIR/load/ */
	unsigned	 count;
	double		 rate;		/* set-ups started per second; 0: all */
	unsigned	 window;	/* set-ups under way at most; 0: any */
	struct in_addr	 first;		/* the first CCU's outer address */
	struct in_addr	 remote;	/* the concentrator */
	struct in_addr	 ping;		/* inner address to ping; 0: none */
	const char	*remote_id;	/* NULL: any certificate of the CA */
	const char	*remote_ts;
	const char	*proposals, *esp_proposals;
	bool		 vip;		/* ask for a virtual IP */
	unsigned	 timeout_s;	/* for all set-ups */
	unsigned	 rexmit_ms;	/* first retransmission (RFC 7296 §2.1) */
	unsigned	 rexmit_tries;	/* retransmissions before giving up */
	unsigned	 hold_s;	/* tunnels held before teardown */
	bool		 teardown;
	bool		 verbose;
};

enum load_state { LOAD_IDLE, LOAD_CONNECTING, LOAD_UP, LOAD_FAILED,
	LOAD_DOWN };

struct load_ccu {
	enum load_state		 state;
	uint64_t		 ike_id;	/* its IKE SA's (sa_event UP) */
	uint64_t		 start_us, up_us;
	struct esp_sa		*in, *out;	/* the first CHILD_SA */
	uint32_t		 spi_in;
	struct sockaddr_storage	 local, remote;	/* outer, ports 4500 */
	uint8_t			 inner[4];	/* our inner address (TSi) */
	bool			 ping_ok;
	uint64_t		 ping_sent_us;	/* last echo request */
};

struct load_reason {
	char		text[120];
	unsigned	count;
};

struct load_stats {
	unsigned	 up, failed, down, ping_ok, ping_wrong_sa, ping_bad;
	uint64_t	 first_start_us, last_up_us, down_start_us, down_end_us;
	struct load_reason reasons[LOAD_REASONS];
	unsigned	 other_reasons;	/* beyond LOAD_REASONS distinct ones */
};

struct load {
	struct load_opts	 o;
	struct ike_config	 cfg;
	struct ike_engine	*e;
	struct load_ccu		*ccus;
	int			 fd500, fd4500;
	struct load_stats	 st;
	uint8_t			 buf[65536 + ESP_HEADROOM + ESP_TAILROOM];
};

int	 load_pki(int argc, char **argv);		/* load_pki.c */
int	 load_run(const struct load_opts *o);		/* load_run.c */

uint64_t load_now_us(void);
/* The CCU whose outer address is a (network order), or NULL. */
struct load_ccu *load_ccu_by_addr(struct load *l, const struct in_addr *a);
/* Sends a datagram from local to remote (IP_PKTINFO picks the source). */
int	 load_send(struct load *l, int fd, const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote, const void *p, size_t len,
	    const void *prefix, size_t prefix_len);

/* load_ping.c: an echo request through c's CHILD_SA; an ESP packet that
 * arrived for c (checked: its SPI, its ICV, the echo reply inside). */
int	 load_ping_send(struct load *l, struct load_ccu *c);
void	 load_esp_input(struct load *l, struct load_ccu *c, uint8_t *p,
	    size_t len);

/* load_report.c */
void	 load_reason_add(struct load_stats *st, const char *why);
void	 load_report(const struct load *l, double cpu_setup_s, double cpu_s);

#endif
