/*
 * tools/uipsecd/config.h — uipsecd's configuration: the TUN device, the
 * manually keyed SAs and where the IKE connections are, read from a file in strongSwan's settings syntax
 * (common/conf.h). Loading validates everything it can without touching the
 * system: a config that loads is one the daemon can run in full.
 */
#ifndef UIPSECD_CONFIG_H
#define UIPSECD_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/conf.h"
#include "esp/esp.h"
#include "ike/config.h"
#include "ike/ike.h"
#include "signer.h"
#include "tun/tun.h"

#define CFG_MAX_ADDRS	8	/* tun.addrs */
#define CFG_MAX_TS	8	/* local_ts, remote_ts per connection */
#define CFG_MAX_CONNS	1024
#define CFG_KEY_MAX	64	/* enough for every suite's enc or auth key */
#define CFG_NAME_MAX	64

struct cfg_tun {
	char			name[IFNAMSIZ];
	struct tun_prefix	addrs[CFG_MAX_ADDRS];
	unsigned		naddrs;
	unsigned		mtu;		/* 0: auto, from the path */
};

/* One direction's SA; keys are secret: wiped by cfg_free(). */
struct cfg_sa {
	uint32_t	spi;
	uint8_t		enc_key[CFG_KEY_MAX];
	size_t		enc_key_len;
	uint8_t		auth_key[CFG_KEY_MAX];
	size_t		auth_key_len;
};

struct cfg_conn {
	char			 name[CFG_NAME_MAX];
	const char		*file;		/* borrowed from the config */
	unsigned		 line;
	struct sockaddr_storage	 local;		/* outer address and port */
	struct sockaddr_storage	 remote;
	struct tun_prefix	 local_ts[CFG_MAX_TS];
	unsigned		 nlocal_ts;
	struct tun_prefix	 remote_ts[CFG_MAX_TS];
	unsigned		 nremote_ts;
	char			 proposal[32];	/* esp_proposals, for messages */
	enum esp_suite		 suite;
	int			 aes_key_len;	/* bits, from esp_suite_parse */
	bool			 esn;
	uint32_t		 replay_window;
	struct cfg_sa		 out;
	struct cfg_sa		 in;
};

/* The `ike` section (ike_cfg.c): where the swanctl.conf and the
 * credentials are, and the connections loaded from it. */
struct cfg_ike {
	char			swanctl_conf[256];
	char			swanctl_dir[256];	/* "": the conf's dir */
	struct ike_config	ike;
	/* strongswan.conf's charon.* names (doc/ike-config.md): the
	 * engine's settings, NAT keepalives (keep_alive, RFC 3948 §2.3)
	 * and the backoff of set-ups we retry ourselves. */
	struct ike_settings	set;
	uint32_t		keep_alive_ms;		/* 0: none */
	uint32_t		reconnect_min_ms, reconnect_max_ms;
	/* Threads that sign our IKE_AUTH responses (signer.h); -1: one
	 * per CPU but the loop's; 0: the event loop signs. */
	int			sign_threads;
};
/* Defaults of the daemon's own settings. */
#define CFG_KEEP_ALIVE_MS	40000
#define CFG_DPD_DELAY_S		80	/* ike_settings.dpd_delay_default */
#define CFG_RECONNECT_MIN_MS	5000
#define CFG_RECONNECT_MAX_MS	300000

/* The `keylog` section (keylog_cfg.c): opt-in key logs, off without it. */
struct cfg_keylog {
	char		file[256];		/* uipsec's key log; "": none */
	char		wireshark_dir[256];	/* UAT files; "": none */
	/* trace = yes: the keys of live SAs are kept in memory and handed
	 * to `uipsec trace` over the control socket (keylog_store.c). */
	bool		trace;
};

/* dataplane.cipher_contexts: keyed cipher contexts (esp.h esp_ctx_cache)
 * that every SA shares: tunnels that carry traffic at once take turns
 * beyond that many SAs. A used one costs ~1 KB (aes256-sha1), an idle
 * tunnel none; 0: each SA keeps its own (~1.1 KB per SA). */
#define CFG_CONTEXTS		256
#define CFG_CONTEXTS_MAX	1048576

/* dataplane.icmp_unreachable: at most so many ICMP Destination Unreachable
 * a second for packets to a pool address that no SA carries (an offline
 * CCU's: icmp_unreachable.h); 0: such packets are dropped unanswered. */
#define CFG_UNREACHABLE		100
#define CFG_UNREACHABLE_MAX	1000000

struct cfg {
	char		*file;
	struct cfg_tun	 tun;
	unsigned	 cipher_contexts;
	uint32_t	 icmp_unreachable;
	struct cfg_conn	*conns;		/* manual; may be none with ike */
	unsigned	 nconns;
	struct cfg_ike	*ike;		/* NULL: manual keys only */
	struct cfg_keylog *keylog;	/* NULL: no key log (the default) */
};

/* Reads and validates path. Returns the config (caller frees with
 * cfg_free), or NULL after adding every problem found to *err, each as
 * "file:line: what is wrong". */
struct cfg *cfg_load(const char *path, struct conf_errors *err);
/* As cfg_load, from text (for tests); file names it in messages. */
struct cfg *cfg_parse(const char *text, size_t len, const char *file,
	    struct conf_errors *err);
/* Wipes every key and frees. Accepts NULL. */
void	 cfg_free(struct cfg *cfg);
/* The `ike` section of root into cfg->ike (ike_cfg.c); errors to err. */
void	 cfg_ike_get(const struct conf_node *root, struct cfg *cfg,
	    struct conf_errors *err);
void	 cfg_ike_free(struct cfg *cfg);
/* The `keylog` section of root into cfg->keylog (keylog_cfg.c). */
void	 cfg_keylog_get(const struct conf_node *root, struct cfg *cfg,
	    struct conf_errors *err);
/* name relative to the directory of file, unless absolute, into out
 * (cap bytes); -1 if it does not fit. */
int	 cfg_path_relative(const char *file, const char *name, char *out,
	    size_t cap);

#endif
