/*
 * ike/ike.h — the one public header of libuipsec_ike (IKEv2, RFC 7296).
 *
 * The daemon-facing interface (connections from configuration, the IKE SA
 * engine with its exchanges and timers, what `uipsec status` reads) is
 * declared below (a draft: refine it as the engine is written); nothing
 * outside ike/ should include the internal headers listed here. What exists so far, each an internal building block that
 * ike/ and tests/ use directly:
 *
 *   ikev2_wire.h     every on-the-wire number of RFC 7296 §3 and extensions
 *   message.h        the message codec: IKE header and payloads <-> structs
 *   payload_sk.h     SK{}/SKF{} layout: IV, encrypted part, padding, ICV
 *   payload_rules.h  which payloads each exchange carries, how many, where
 *   prf.h, keys.h    prf, prf+, SKEYSEED, SK_*, CHILD_SA KEYMAT
 *   dh.h             DH groups 14, 19, 31 with peer value checks
 *   proposal.h       strongSwan proposal strings, selection, answer check
 *   transforms.h     keyword, name and key length of every transform
 *   names.h, text.h  names and one-line summaries for logs
 *   sk.h             SK{} encryption and ICV (AES-CBC+HMAC, GCM, ChaCha20)
 *   ike_sa.h         the IKE SA, its state setter, the SA table
 *   ts.h             traffic selectors and narrowing
 *   engine_internal.h  the engine's files: exchange_sa_init.c,
 *                    exchange_auth.c, exchange_child.c, exchange_info.c,
 *                    nat_detect.c, child_install.c, credentials.c,
 *                    fragment.c (RFC 7383 reassembly), child_sa.c (the
 *                    CHILD_SAs of an IKE SA), exchange_create_child.c
 *                    (CREATE_CHILD_SA, CHILD_SA rekey), exchange_rekey_ike.c
 *                    (IKE SA rekey), lifetime.c (rekey/expiry timers)
 */
#ifndef UIPSEC_IKE_H
#define UIPSEC_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "esp/esp.h"
#include "ike/config.h"

/*
 * The engine: every IKE SA of this daemon, their exchanges and timers. It
 * owns no socket and no clock: the daemon hands it datagrams and the time,
 * and it answers through the callbacks of struct ike_io. Single-threaded.
 */
struct ike_engine;

enum ike_sa_event {
	IKE_SA_EVENT_UP,	/* IKE_AUTH done, first CHILD_SA installed */
	IKE_SA_EVENT_FAILED,	/* set-up refused or timed out */
	IKE_SA_EVENT_DOWN,	/* deleted by either side, or the peer is dead */
};

/* A CHILD_SA pair ready for the data plane (RFC 7296 §2.17): keys are
 * borrowed for the duration of the callback; the callee copies them. */
struct ike_child_install {
	const char		*conn, *child;	/* config names */
	uint64_t		 ike_id;	/* the IKE SA it belongs to */
	struct esp_sa_config	 in, out;	/* SPIs: in = ours, out = peer's */
	struct sockaddr_storage	 local, remote;	/* outer addresses and ports */
	bool			 udp_encap;	/* ESP in UDP (RFC 3948) */
	size_t			 n_local_ts, n_remote_ts;
	struct ike_ts_cfg	 local_ts[IKE_TS_MAX];	/* narrowed, as agreed */
	struct ike_ts_cfg	 remote_ts[IKE_TS_MAX];
	bool			 has_vip;	/* our virtual IP from CFG_REPLY */
	struct ike_prefix	 vip;
	/* The responder of a rekey: decrypt with the new pair at once, but
	 * keep sending on the old one until child_route (the initiator may
	 * not have the new inbound SA yet). Only when child_route is set. */
	bool			 outbound_later;
	/* We are behind a NAT (§2.23): NAT keepalives are ours to send
	 * (RFC 3948 §2.3). */
	bool			 nat_local;
};

/* The keys of a new IKE SA (made by IKE_SA_INIT or an IKE SA rekey), for a
 * key log (Wireshark's ikev2_decryption_table): borrowed for the call. The
 * transform IDs are IANA's (RFC 7296 §3.3.2); integ is 0 with an AEAD. */
struct ike_keys_report {
	const char	*conn;
	uint64_t	 ike_id;
	uint64_t	 spi_i, spi_r;		/* as on the wire */
	const struct sockaddr_storage *remote;	/* the peer, now */
	uint16_t	 encr, encr_bits, integ, prf;
	const uint8_t	*sk_ei, *sk_er, *sk_ai, *sk_ar;
	size_t		 encr_len;		/* with an AEAD's salt */
	size_t		 integ_len;		/* 0 with an AEAD */
};

/* What a CHILD_SA carried so far, for rekey_bytes / rekey_packets. */
struct ike_child_counters {
	uint64_t	 bytes_in, bytes_out;		/* ESP payload bytes */
	uint64_t	 packets_in, packets_out;
};

/* Our AUTH signature as a responder (RFC 7296 §2.15: RealMessage2 |
 * NonceIData | prf(SK_pr, IDr')), for io.sign to make off the engine's
 * thread: with RSA-2048 it is most of a set-up's CPU. Borrowed for the
 * io.sign call (copy octets); key stays valid until ike_engine_free() and
 * may be used from another thread while the engine runs (certs_auth_sign
 * keeps no state in it). */
struct ike_sign_job {
	uint64_t			 ike_id;	/* the IKE SA, for logs */
	uint64_t			 spi;		/* ours: the SA's key */
	const struct certs_key		*key;
	struct certs_auth_params	 params;
	const uint8_t			*octets;
	size_t				 octets_len;
};

struct ike_io {
	void	*arg;
	/* Sends one IKE message (from the IKE header on) from local to remote;
	 * the daemon adds the non-ESP marker on port 4500 (RFC 3948 §2.2). */
	int	(*send)(void *arg, const struct sockaddr_storage *local,
		    const struct sockaddr_storage *remote, const uint8_t *msg,
		    size_t len);
	/* Installs both directions of a CHILD_SA; 0 or -1 (then the engine
	 * deletes the CHILD_SA with the peer). */
	int	(*child_install)(void *arg, const struct ike_child_install *c);
	/* Removes a CHILD_SA by our inbound SPI and the peer's outbound SPI. */
	void	(*child_remove)(void *arg, uint32_t spi_in, uint32_t spi_out);
	/* Rekeying (RFC 7296 §2.8) is make-before-break: the engine installs
	 * the new CHILD_SA while the old one is still installed, with the
	 * same selectors. From then on outbound traffic must take the newest
	 * pair; the old inbound SA keeps decrypting until child_remove. */
	/* Optional (NULL: byte and packet lifetimes are not enforced, and
	 * DPD counts IKE messages only): the counters of the pair with these
	 * SPIs; 0, or -1 if unknown. Called from the engine's timer, about
	 * once a second while limits apply, and by DPD (packets_in: the peer
	 * is alive, no probe; RFC 7296 §2.4). */
	int	(*child_counters)(void *arg, uint32_t spi_in, uint32_t spi_out,
		    struct ike_child_counters *out);
	/* Optional (NULL: every pair takes outbound traffic when installed):
	 * a pair installed with outbound_later takes it now. */
	void	(*child_route)(void *arg, uint32_t spi_in, uint32_t spi_out);
	/* Optional (NULL: none): an IKE SA came up, failed or went away; why
	 * is a one-line reason (borrowed for the call; "" when up). */
	void	(*sa_event)(void *arg, const char *conn, uint64_t ike_id,
		    enum ike_sa_event ev, const char *why);
	/* Optional (NULL: none): keys of a new IKE SA, once derived. CHILD_SA
	 * keys reach the daemon through child_install. */
	void	(*ike_keys)(void *arg, const struct ike_keys_report *k);
	/* Optional: the peer behind a NAT now sends from `remote` (RFC 7296
	 * §2.23): the CHILD_SAs of IKE SA ike_id send there from now on. */
	void	(*peer_moved)(void *arg, uint64_t ike_id,
		    const struct sockaddr_storage *remote);
	/* Optional (NULL: the engine signs itself, at once): takes a
	 * responder's AUTH signature to make later, 0; -1 if it cannot (a
	 * full queue: the engine signs itself). The result comes back
	 * through ike_engine_sign_done(), never from inside this call;
	 * meanwhile the SA waits in IKE_AUTH_SIGNING and other SAs go on. */
	int	(*sign)(void *arg, const struct ike_sign_job *job);
};

/* cfg is borrowed for the engine's life; io is copied. Credentials come
 * from a swanctl tree (swanctl(8)): cfg->swanctl_dir, or when empty the
 * directory of cfg->file. local.certs are files in DIR/x509/ (or absolute
 * paths); the private key is the one in DIR/private/ that matches that
 * certificate; DIR/x509ca/ are trust anchors, CA certificates in DIR/x509/
 * intermediates, DIR/x509crl/ CRLs; remote.cacerts (DIR/x509ca/ or
 * absolute) restrict which anchor a peer may chain to. Returns NULL and
 * logs why on failure (credentials that do not load). Caller frees. */
struct ike_engine *ike_engine_new(const struct ike_config *cfg,
	    const struct ike_io *io, uint64_t now_ms);
void	 ike_engine_free(struct ike_engine *e);	/* wipes; accepts NULL */
/* RFC 7383: encrypted messages whose IP datagram would exceed `size`
 * bytes go out as SKF{} fragments when both ends announced support in
 * IKE_SA_INIT. Default IKE_FRAG_SIZE_DEFAULT (1280); 0 turns
 * fragmentation off (no IKEV2_FRAGMENTATION_SUPPORTED is sent). */
void	 ike_engine_set_fragment_size(struct ike_engine *e, size_t size);

/*
 * The engine's global settings, named and meant as in strongswan.conf(5)
 * (charon.*); the defaults are uipsec's own, chosen for a CCU on a metered
 * link (doc/ike-config.md explains the arithmetic).
 *
 * Retransmission (RFC 7296 §2.1): retransmit n (1, 2, ...) goes out
 * timeout * base^(n-1) after the previous send, less a random 0..jitter %
 * of that, at most limit; after `tries` retransmits and timeout * base^tries
 * more the exchange has failed (set-up: failed; established: peer dead).
 *
 * DoS resistance (RFC 7296 §2.6): with cookie_threshold responder SAs
 * half-open (IKE_SA_INIT answered, no IKE_AUTH yet) new IKE_SA_INIT
 * requests must return a COOKIE; one source address may hold at most
 * block_threshold half-open SAs and the engine at most half_open_max;
 * requests beyond are dropped. 0 disables each limit.
 */
struct ike_settings {
	uint32_t	retransmit_timeout_ms;
	double		retransmit_base;
	unsigned	retransmit_tries;
	unsigned	retransmit_jitter;	/* percent, 0..100 */
	uint32_t	retransmit_limit_ms;	/* 0: no limit */
	uint32_t	half_open_timeout_ms;
	size_t		fragment_size;		/* as set_fragment_size */
	unsigned	cookie_threshold;
	unsigned	block_threshold;
	unsigned	half_open_max;
	/* dpd_delay (seconds) of connections that initiate (one peer
	 * address) and do not set dpd_delay in swanctl.conf: the CCU probes,
	 * the concentrator does not. 0: only what swanctl.conf says. */
	uint32_t	dpd_delay_default;
};
#define IKE_SET_RETRANSMIT_TIMEOUT_MS	2000
#define IKE_SET_RETRANSMIT_BASE		1.8
#define IKE_SET_RETRANSMIT_TRIES	3
#define IKE_SET_HALF_OPEN_TIMEOUT_MS	30000
#define IKE_SET_COOKIE_THRESHOLD	10
#define IKE_SET_BLOCK_THRESHOLD		5
#define IKE_SET_HALF_OPEN_MAX		4096
void	 ike_settings_default(struct ike_settings *s);
/* Copies s into the engine; it applies to requests sent from now on.
 * The engine starts with ike_settings_default() (dpd_delay_default 0). */
void	 ike_engine_set_settings(struct ike_engine *e,
	    const struct ike_settings *s);
/* How long after the first send an exchange is given up (all tries). */
uint64_t ike_settings_give_up_ms(const struct ike_settings *s);

/* One datagram received on an IKE port (the non-ESP marker already
 * removed). Never fails loudly: bad input is logged and dropped. */
void	 ike_engine_input(struct ike_engine *e,
	    const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote, const uint8_t *msg,
	    size_t len, uint64_t now_ms);
/* The signature of io.sign's job (spi, ike_id as in the job): the Authentication
 * Data (certs_auth_sign's auth_data, borrowed for the call), or why is
 * not NULL and says why there is none (the SA fails). The SA's IKE_AUTH
 * response goes out and it is established; if the SA went away
 * meanwhile (terminated, shut down, timed out) nothing happens. */
void	 ike_engine_sign_done(struct ike_engine *e, uint64_t spi,
	    uint64_t ike_id, const uint8_t *auth_data, size_t len,
	    const char *why, uint64_t now_ms);
/* Timers (retransmission, DPD, rekey): call at or after ike_engine_next()
 * returns; returns the next deadline in ms, or UINT64_MAX for none. */
void	 ike_engine_tick(struct ike_engine *e, uint64_t now_ms);
uint64_t ike_engine_next(struct ike_engine *e);

/* Family, address and port equal (nothing else of the storage). */
bool	 ike_addr_equal(const struct sockaddr_storage *a,
	    const struct sockaddr_storage *b);

/* An address and port, IPv4 or IPv6: the part of a sockaddr_storage these
 * use (28 octets rather than 128), for what keeps many of them (two per
 * IKE SA, two per SA pair in uipsecd's data plane). Converted at the
 * edges, where interfaces speak sockaddr_storage. */
union ike_sockaddr {
	sa_family_t		family;
	struct sockaddr		sa;	/* for sendto() and the like */
	struct sockaddr_in	v4;
	struct sockaddr_in6	v6;
};
/* *a from a storage holding AF_INET or AF_INET6 (anything else: family
 * kept, address zero). */
void	 ike_sockaddr_set(union ike_sockaddr *a,
	    const struct sockaddr_storage *ss);
/* *a as a storage in *out (zero beyond it); returns out. */
struct sockaddr_storage *ike_sockaddr_get(const union ike_sockaddr *a,
	    struct sockaddr_storage *out);
/* Its length as a socket address (sendmsg's msg_namelen). */
socklen_t ike_sockaddr_len(const union ike_sockaddr *a);
/* Family, address and port of *a and *ss equal (as ike_addr_equal). */
bool	 ike_sockaddr_equal(const union ike_sockaddr *a,
	    const struct sockaddr_storage *ss);

/* The data plane saw a valid ESP packet of IKE SA ike_id from a new
 * address or port: if the peer is behind a NAT (§2.23) the IKE SA follows
 * it, and io.peer_moved is called. */
void	 ike_engine_peer_moved(struct ike_engine *e, uint64_t ike_id,
	    const struct sockaddr_storage *remote, uint64_t now_ms);

/* Control (uipsec up/down): 0, or -1 if no such connection. */
int	 ike_engine_initiate(struct ike_engine *e, const char *conn,
	    uint64_t now_ms);
int	 ike_engine_terminate(struct ike_engine *e, const char *conn,
	    uint64_t now_ms);
/* The same for the IKE SAs of one tunnel (sa_event's ike_id: an IKE SA
 * and its rekeyed successor), at a cost that does not grow with the
 * number of tunnels (`uipsec load` ends each CCU's so): 0, or -1 if there
 * is none. */
int	 ike_engine_terminate_id(struct ike_engine *e, uint64_t ike_id,
	    uint64_t now_ms);
/* Rekey now (swanctl --rekey): the IKE SA (ike) or every CHILD_SA of the
 * connection's established IKE SAs, as soon as each SA's window is free.
 * The number of SAs asked, or -1 if no such connection. */
int	 ike_engine_rekey(struct ike_engine *e, const char *conn, bool ike,
	    uint64_t now_ms);
/* The same for the CHILD_SAs of one child config of the connection
 * (swanctl --rekey --child): -1 if the connection has no such child. */
int	 ike_engine_rekey_child(struct ike_engine *e, const char *conn,
	    const char *child, uint64_t now_ms);

/* For `uipsec status`: calls fn once per IKE SA with a snapshot. */
/* Every child of a connection, and each one's successor while it is
 * rekeyed. */
#define IKE_STATUS_CHILDREN_MAX	(2 * IKE_CHILDREN_MAX)
struct ike_sa_status {
	uint64_t		 id;
	const char		*conn;
	const char		*state;		/* RFC-named state */
	bool			 initiator;
	uint64_t		 spi_i, spi_r;
	struct sockaddr_storage	 local, remote;
	char			 local_id[256], remote_id[256];
	const struct certs_id	*peer_id;	/* NULL before IKE_AUTH */
	char			 algs[128];	/* "AES_CBC_256/HMAC_SHA1_96/..." */
	uint64_t		 established_ms;	/* 0 = not yet */
	/* IKE messages (UDP payload without the non-ESP marker) of this
	 * SA, every datagram: retransmissions and fragments included. */
	uint64_t		 ike_bytes_in, ike_bytes_out;
	unsigned		 retransmits;	/* requests sent again */
	uint64_t		 last_rx_ms;	/* last authenticated message or
						 * ESP packet seen; 0: none */
	bool			 nat_local, nat_remote;	/* §2.23 */
	/* Lifetimes (engine clock, ms; UINT64_MAX: none): rekey, reauth,
	 * hard expiry of the IKE SA, and of its CHILD_SAs. */
	uint64_t		 now_ms;
	uint64_t		 rekey_ms, reauth_ms, expire_ms;
	size_t			 n_children;
	struct ike_child_status {
		const char	*name;
		const char	*state;
		uint32_t	 spi_in, spi_out;
		uint64_t	 installed_ms, rekey_ms, expire_ms;
		uint64_t	 bytes, packets;	/* as last read */
	} children[IKE_STATUS_CHILDREN_MAX];
};
void	 ike_engine_foreach(const struct ike_engine *e,
	    void (*fn)(void *arg, const struct ike_sa_status *st), void *arg);
/* The same in parts, for a status that streams: starts at *cursor (0 the
 * first time), reports about `budget` SAs, updates *cursor and returns
 * true once the walk is complete. SAs that come or go between parts may
 * be missed; none is reported twice. */
bool	 ike_engine_foreach_part(const struct ike_engine *e, uint64_t *cursor,
	    size_t budget, void (*fn)(void *arg, const struct ike_sa_status *st),
	    void *arg);

/* For status: addresses of the pool `name` (pools { }): in the pool,
 * leased to an IKE SA, and kept for an identity that went away (its grace
 * time). False if there is no such pool. */
bool	 ike_engine_pool_stats(const struct ike_engine *e, const char *name,
	    uint64_t *size, uint64_t *online, uint64_t *offline);

/* Loads connections from a swanctl.conf-syntax file. Returns 0, or -1 after
 * logging every error as "file:line: what is wrong". cfg is owned by the
 * caller and freed with ike_config_free (accepts NULL members). */
int	 ike_config_load(struct ike_config *cfg, const char *path);
void	 ike_config_free(struct ike_config *cfg);

/*
 * Decoding captured IKE messages (uipsec pcap/trace, ike/decode.c): a
 * message seen on the wire, with the keys of its IKE SA from a key log,
 * authenticated and decrypted as the engine would, and summarised in one
 * line. Stateless; nothing here touches an engine.
 */
#define IKE_DECODE_SUMMARY_MAX	512

/* One IKE SA's SK{} keys (RFC 7296 §2.14), borrowed for the call. IANA
 * transform IDs; integ is 0 and sk_ai/sk_ar NULL with an AEAD. */
struct ike_decode_keys {
	uint16_t	 encr, encr_bits, integ;
	const uint8_t	*sk_ei, *sk_er, *sk_ai, *sk_ar;
	size_t		 encr_len, integ_len;	/* encr with an AEAD's salt */
};

enum ike_decode_status {
	IKE_DECODE_OK = 0,	/* parsed; SK{}/SKF{} authenticated, decrypted */
	IKE_DECODE_NO_KEYS,	/* encrypted, no keys given: outer part only */
	IKE_DECODE_MALFORMED,	/* header or payloads do not parse */
	IKE_DECODE_BAD_ICV,	/* SK{}/SKF{} ICV mismatch: nothing inside read */
	IKE_DECODE_BAD_SK,	/* authenticated, but padding/inner payloads bad */
	IKE_DECODE_UNSUPPORTED,	/* keys of a suite uipsec cannot run */
};

struct ike_decoded {
	uint64_t	 spi_i, spi_r;
	uint8_t		 exchange;	/* IKEV2_EXCH_* number */
	uint32_t	 msg_id, length;
	bool		 initiator;	/* I flag: sent by the original initiator */
	bool		 response;	/* R flag */
	bool		 encrypted;	/* carries SK{} or SKF{} */
	uint16_t	 frag_num, frag_total;	/* SKF{} n of m; 0 otherwise */
	uint8_t		 frag_first;	/* SKF{} 1: the first inner payload */
	/* "IKE_AUTH request 1 [ SK { IDi CERT AUTH SA TSi TSr } ]" */
	char		 summary[IKE_DECODE_SUMMARY_MAX];
	const char	*why;		/* static reason when not OK */
};

const char *ike_decode_status_str(enum ike_decode_status st);
/* "IKE_AUTH", ... (RFC 7296 §3.1); NULL for a number without a name. */
const char *ike_decode_exchange_name(uint8_t exchange);

/* The header of a datagram (non-ESP marker removed) into out (summary
 * empty). 0, or -1 with out->why if it is no IKEv2 header. */
int	 ike_decode_header(const uint8_t *msg, size_t len,
	    struct ike_decoded *out);
/*
 * Decodes a whole message; keys may be NULL. With keys, SK{} is
 * authenticated, then decrypted and its inner payloads parsed; an SKF{}
 * fragment (RFC 7383) is authenticated and decrypted, and its part of the
 * inner payload chain is left in plain[0, *plain_len) for the caller to
 * reassemble (ike_decode_chain). plain (cap bytes, caller-owned; the
 * message length is enough) gets plaintext: wipe it afterwards.
 */
enum ike_decode_status ike_decode(const uint8_t *msg, size_t len,
	    const struct ike_decode_keys *keys, uint8_t *plain, size_t cap,
	    size_t *plain_len, struct ike_decoded *out);
/* A reassembled inner payload chain (first payload type `first`, from
 * SKF 1) of the message whose header is in d: d->summary becomes
 * "EXCHANGE request N [ SKF { ... } ]". OK or MALFORMED. */
enum ike_decode_status ike_decode_chain(uint8_t first, const uint8_t *p,
	    size_t len, struct ike_decoded *d);

/* The data plane's suite for negotiated ESP transforms (IANA IDs; integ
 * IKEV2_AUTH_NONE with an AEAD). 0, or -1 if esp/ has no such suite. */
int	 ike_esp_suite(uint16_t encr, uint16_t integ, enum esp_suite *out);

#endif
