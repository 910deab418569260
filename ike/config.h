/*
 * ike/config.h — connections as swanctl.conf(5) describes them, the model the
 * IKE engine runs from. Loaded from a file in strongSwan's syntax by
 * ike_config_load() (ike/config.c); every supported key means what it means
 * in strongSwan, so one file can drive both; an unsupported key or value is an
 * error naming file, line and key.
 *
 *   connections { NAME { local_addrs remote_addrs local_port remote_port
 *       version proposals vips pools dpd_delay rekey_time reauth_time
 *       over_time rand_time unique encap keyingtries
 *       local { auth certs id } remote { auth id cacerts }
 *       children { NAME { local_ts remote_ts esp_proposals start_action
 *           rekey_time life_time rand_time rekey_bytes life_bytes
 *           rand_bytes rekey_packets life_packets rand_packets
 *           dpd_action close_action } } } }
 *   pools { NAME { addrs } }
 *   authorities { NAME { cacert } }
 *
 * All of it is plain values owned by struct ike_config: no pointers into the
 * parsed text survive ike_config_load(). Defaults, value syntax and the
 * credentials directory are described in doc/ike-config.md.
 *
 * Credentials live where swanctl keeps them, under one directory (swanctl's
 * SWANCTL_DIR; by default the directory of the swanctl.conf itself):
 *   x509/     our certificates; local.certs names files here
 *   x509ca/   trust anchors; remote.cacerts and authorities' cacert here
 *   x509crl/  CRLs
 *   private/  our private keys (as certs_key_load() reads them)
 * An absolute path in local.certs or cacerts is taken as it is. The paths
 * in this model are resolved already (credentials dir + subdirectory).
 */
#ifndef UIPSEC_IKE_CONFIG_H
#define UIPSEC_IKE_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "certs/certs.h"
#include "common/conf.h"
#include "ike/proposal.h"

#define IKE_NAME_MAX		64
#define IKE_PATH_MAX		256
#define IKE_ADDRS_MAX		4
#define IKE_TS_MAX		8
#define IKE_CHILDREN_MAX	4
#define IKE_CERTS_MAX		4
#define IKE_VIPS_MAX		2
#define IKE_POOLS_MAX		4

/* Subdirectories of the credentials directory, as swanctl names them. */
#define IKE_CRED_X509		"x509"
#define IKE_CRED_X509CA		"x509ca"
#define IKE_CRED_X509CRL	"x509crl"
#define IKE_CRED_PRIVATE	"private"

/* Defaults (swanctl.conf(5) where uipsec supports strongSwan's value; the
 * proposals are strongSwan's defaults cut to the algorithms uipsec has). */
#define IKE_DEFAULT_PORT		500
#define IKE_DEFAULT_IKE_REKEY		(4 * 3600)	/* 4h */
#define IKE_DEFAULT_CHILD_REKEY		3600		/* 1h */
#define IKE_DEFAULT_PROPOSALS \
	"aes256-sha256-ecp256-x25519-modp2048, " \
	"aes256gcm16-chacha20poly1305-prfsha256-ecp256-x25519-modp2048"
#define IKE_DEFAULT_ESP_PROPOSALS \
	"aes256gcm16-chacha20poly1305, aes256-sha256-sha1"

/* An address prefix: family AF_INET or AF_INET6, prefix length in bits. A
 * host is a /32 or /128; "0.0.0.0/0" is any IPv4, "::/0" any IPv6. */
struct ike_prefix {
	int		family;
	uint8_t		addr[16];
	uint8_t		plen;
};

/* A traffic selector as configured (RFC 7296 §3.13.1): an address range
 * given as a prefix (or dynamic: the peer's outer address or virtual IP),
 * protocol 0 = any, ports [port_lo, port_hi]. */
struct ike_ts_cfg {
	bool			dynamic;	/* "dynamic" */
	struct ike_prefix	prefix;
	uint8_t			proto;
	uint16_t		port_lo, port_hi;
};

enum ike_start_action { IKE_START_NONE, IKE_START_START, IKE_START_TRAP };
enum ike_unique { IKE_UNIQUE_NO, IKE_UNIQUE_NEVER, IKE_UNIQUE_REPLACE,
	IKE_UNIQUE_KEEP };
enum ike_auth_cfg { IKE_AUTH_CFG_PUBKEY };	/* "pubkey"; only certificates */

struct ike_child_cfg {
	char			 name[IKE_NAME_MAX];
	size_t			 n_local_ts, n_remote_ts;
	struct ike_ts_cfg	 local_ts[IKE_TS_MAX];
	struct ike_ts_cfg	 remote_ts[IKE_TS_MAX];
	struct ike_proposal_set	 esp_proposals;	/* IKE_DEFAULT_ESP_PROPOSALS */
	enum ike_start_action	 start_action;
	/* What the daemon does when the IKE SA goes: the peer found dead
	 * (dpd_action = restart) or closed by the peer (close_action =
	 * start): initiate again; the peer found dead with dpd_action =
	 * trap: initiate on the next packet for the traffic selectors (as
	 * start_action = trap does from the start). Default: leave it down. */
	bool			 dpd_restart, close_start, dpd_trap;
	/* Inbound anti-replay window in packets (RFC 4303 §3.4.3): 0 (off)
	 * or a multiple of 64; ESP_REPLAY_WINDOW_DEFAULT (64). */
	uint32_t		 replay_window;
	/* Lifetimes (swanctl.conf(5), ike/lifetime.c): rekey at rekey_x
	 * less a random part of rand_x, delete at life_x; 0 = never. Life
	 * and rand times in milliseconds: their defaults are a tenth of
	 * rekey_time, less than a second when it is under 10 s. */
	uint32_t		 rekey_time;	/* seconds; default 1h */
	uint64_t		 life_time_ms;	/* default rekey_time * 1.1 */
	uint64_t		 rand_time_ms;	/* default life - rekey_time */
	uint64_t		 rekey_bytes, life_bytes, rand_bytes;
	uint64_t		 rekey_packets, life_packets, rand_packets;
	const char		*file;		/* where it was defined */
	unsigned		 line;
};

/* One side's authentication round (swanctl.conf local{}/remote{}). */
struct ike_auth_side {
	enum ike_auth_cfg	 auth;
	struct certs_id		 id;		/* ANY when not configured */
	bool			 id_set;
	size_t			 n_certs;	/* local: our certificate files */
	char			 certs[IKE_CERTS_MAX][IKE_PATH_MAX];
	size_t			 n_cacerts;	/* remote: anchors for this peer */
	char			 cacerts[IKE_CERTS_MAX][IKE_PATH_MAX];
};

struct ike_conn_cfg {
	char			 name[IKE_NAME_MAX];
	size_t			 n_local_addrs, n_remote_addrs;
	struct ike_prefix	 local_addrs[IKE_ADDRS_MAX];	/* %any: none */
	struct ike_prefix	 remote_addrs[IKE_ADDRS_MAX];
	uint16_t		 local_port, remote_port;	/* default 500 */
	struct ike_proposal_set	 proposals;	/* IKE_DEFAULT_PROPOSALS */
	size_t			 n_vips;	/* vips: 0.0.0.0 / :: request */
	struct ike_prefix	 vips[IKE_VIPS_MAX];
	size_t			 n_pools;	/* names in ike_config.pools */
	char			 pools[IKE_POOLS_MAX][IKE_NAME_MAX];
	uint32_t		 dpd_delay;	/* seconds; 0 = off */
	bool			 dpd_delay_set;	/* else the engine's default */
	uint32_t		 keyingtries;	/* set-up attempts; 0 = forever */
	/* IKE SA lifetimes (ike/lifetime.c), seconds, 0 = never: rekey or
	 * reauthenticate at rekey_time / reauth_time less a random part of
	 * rand_time (default over_time); delete over_time later if that did
	 * not happen (default 10% of the longer of the two). */
	uint32_t		 rekey_time;	/* default 4h */
	uint32_t		 reauth_time;	/* default 0 */
	uint32_t		 over_time, rand_time;
	enum ike_unique		 unique;
	/* encap (swanctl.conf): force ESP in UDP by faking NAT detection
	 * (RFC 7296 §2.23) when no NAT is found. uipsec's data plane carries
	 * ESP in UDP only, so the default here is yes and "no" is refused. */
	bool			 encap;
	struct ike_auth_side	 local, remote;
	size_t			 n_children;
	struct ike_child_cfg	 children[IKE_CHILDREN_MAX];
	const char		*file;
	unsigned		 line;
};

struct ike_pool_cfg {
	char			 name[IKE_NAME_MAX];
	struct ike_prefix	 first, last;	/* inclusive range, plen = host */
	/* addrs given as a subnet: that subnet (uipsecd routes it into its
	 * TUN as it is); family 0 when given as a range first-last. */
	struct ike_prefix	 subnet;
	const char		*file;
	unsigned		 line;
};

/* authorities { NAME { cacert } }: one more trust anchor. */
struct ike_authority_cfg {
	char			 name[IKE_NAME_MAX];
	char			 cacert[IKE_PATH_MAX];	/* resolved path */
	const char		*file;
	unsigned		 line;
};

struct ike_config {
	size_t			 n_conns;
	struct ike_conn_cfg	*conns;		/* owned */
	size_t			 n_pools;
	struct ike_pool_cfg	*pools;		/* owned */
	char			*file;		/* owned; conns point to it */
	/* swanctl credential tree (x509/, x509ca/, x509crl/, private/):
	 * the credentials argument of ike_config_read(), or the directory
	 * of `file` (never empty after loading; not a swanctl.conf key). */
	char			 swanctl_dir[IKE_PATH_MAX];
	size_t			 n_authorities;
	struct ike_authority_cfg *authorities;	/* owned */
};

/*
 * ike_config_load() (ike.h) logs; these report into *err instead, every
 * problem as "file:line: key: what is wrong", for tests and for callers
 * that print errors themselves. credentials: the credentials directory,
 * or NULL for the directory the file is in. Return 0, or -1 with cfg
 * emptied (nothing to free).
 */
int	 ike_config_read(struct ike_config *cfg, const char *path,
	    const char *credentials, struct conf_errors *err);
int	 ike_config_parse(struct ike_config *cfg, const char *text, size_t len,
	    const char *file, const char *credentials, struct conf_errors *err);
/* From a tree already parsed (e.g. sections of a larger file): only the
 * sections connections, pools and authorities of root are read; others
 * are the caller's to check. */
int	 ike_config_from_tree(struct ike_config *cfg,
	    const struct conf_node *root, const char *credentials,
	    struct conf_errors *err);

/* Whether c has a single peer address to initiate to. */
bool	 ike_conn_can_initiate(const struct ike_conn_cfg *c);

/* The connection called name, or NULL. */
const struct ike_conn_cfg *ike_config_find(const struct ike_config *cfg,
	    const char *name);

#endif
