/*
 * ike/engine_internal.h — what the engine's files share: the engine
 * struct, credentials per connection, the outgoing-message helper and the
 * entry points of each exchange (initiator-build, responder-process,
 * responder-build, initiator-process).
 */
#ifndef UIPSEC_IKE_ENGINE_INTERNAL_H
#define UIPSEC_IKE_ENGINE_INTERNAL_H

#include "certs/certs.h"
#include "ike/ike.h"
#include "ike/ike_sa.h"
#include "ike/message.h"
#include "ike/sa_index.h"

/* Our credentials for one connection (from the swanctl tree). */
struct ike_cred {
	struct certs_chain	*chain;		/* ours, intermediates appended */
	struct certs_key	*key;
	struct certs_id		 id;		/* what we send in IDi/IDr */
	char			*id_text;	/* id as logged, once needed */
	size_t			 n_cas;		/* remote.cacerts subjects */
	char			 cas[IKE_CERTS_MAX][CERTS_NAME_MAX];
};

/* A message being built: header, then outer payloads or (once keys
 * exist) SK{ inner payloads }. */
struct ike_out {
	struct ike_builder	 b, inner;
	bool			 encrypted;
	bool			 response;
	uint8_t			 exchange;
	uint32_t		 msg_id;
	struct ike_header	 hdr;		/* again for each fragment */
	uint8_t			 buf[IKE_MSG_MAX];
};

/* RFC 7296 §2.6, cookie.c: the responder's secret (the previous one is
 * still accepted until the next change) and its half-open SAs, in all and
 * per source address (hashed with a random key into counters). */
#define IKE_COOKIE_SECRET_LEN	32
#define IKE_COOKIE_ROTATE_MS	(5 * 60 * 1000)
#define IKE_HALF_OPEN_BUCKETS	4096
struct ike_cookies {
	uint8_t		 secret[2][IKE_COOKIE_SECRET_LEN];
	uint8_t		 version;		/* of secret[version & 1] */
	bool		 have_prev;
	uint64_t	 rotated_ms;
	uint8_t		 src_key[16];		/* crypto_shorthash */
	unsigned	 half_open;
	uint16_t	 per_src[IKE_HALF_OPEN_BUCKETS];
};

/* timers.c: the SAs by deadline (a min-heap, slot i's SA has timer_pos
 * i + 1) and our SPIs of the SAs the current event changed, refiled once
 * it is handled (all: too many to list, or the heap could not grow). */
#define IKE_TIMERS_TOUCHED_MAX	64
struct ike_timer_slot {
	uint64_t	 due;
	struct ike_sa	*sa;
};
struct ike_timers {
	struct ike_timer_slot	*h;
	size_t			 n, cap;
	uint64_t		 touched[IKE_TIMERS_TOUCHED_MAX];
	unsigned		 n_touched;
	bool			 all, retry;
	const struct ike_sa	*ticking;	/* refiled by the tick itself */
};

struct ike_engine {
	const struct ike_config	*cfg;
	struct ike_io		 io;
	struct ike_sa_table	 sas;
	struct ike_peer_index	 peers;		/* established, by peer ID */
	size_t			*established;	/* per cfg->conns[] */
	struct ike_sa		*closed;	/* closed in this event */
	struct ike_timers	 timers;	/* timers.c */
	uint64_t		 next_id;
	uint64_t		 now_ms;
	struct certs_store	*store;
	struct ike_cred		*creds;		/* one per cfg->conns[] */
	uint8_t			 certreq[CERTS_KEYHASH_LEN * 16];
	size_t			 certreq_len;
	struct ike_pools	*pools;		/* pool.h */
	/* RFC 7383 §2.5.1: largest IP datagram of an encrypted message
	 * before it is sent as SKF{} fragments; 0: no fragmentation. */
	size_t			 frag_size;
	struct ike_settings	 set;
	struct ike_cookies	 cookies;	/* §2.6, cookie.c */
	/* Every SA's last_resp (§2.1), apart from the heap (resp_store.h). */
	struct ike_resp_store	 responses;
	/* Scratch for one received message and one being built
	 * (single-threaded; an exchange finishes one before the next). */
	struct ike_msg		 rx;
	struct ike_out		 tx;
	uint8_t			 rx_plain[IKE_FRAG_BYTES_MAX];
	uint8_t			 tx_plain[IKE_MSG_MAX];	/* to fragment */
	uint8_t			 tx_frags[IKE_MSG_MAX * 2];
};


/* Starts a request (next message ID of ours) or the response to msg_id. */
void	 ike_out_begin(struct ike_out *o, const struct ike_sa *sa,
	    uint8_t exchange, bool response, uint32_t msg_id);
/* Starts a bare payload chain (no header, no SK{}), to be kept with
 * ike_chain_keep(o->b) and appended to a message later. */
void	 ike_out_begin_chain(struct ike_out *o);
bool	 ike_out_add(struct ike_out *o, const struct ike_payload *p);
/* Appends a kept chain's payloads (inside SK{} once keys exist). */
bool	 ike_out_append(struct ike_out *o, const struct ike_chain *c);
bool	 ike_out_notify(struct ike_out *o, uint16_t type, const void *data,
	    size_t len);
/* Seals and sends: a request is armed for retransmission, a response is
 * cached for a retransmitted request. The length (o->buf keeps the
 * message), or -1 (logged). */
long	 ike_out_send(struct ike_engine *e, struct ike_sa *sa,
	    struct ike_out *o);
/* fragment.c — an SKF{} message received for sa (RFC 7383 §2.6). DONE:
 * it was the last fragment and m now holds the whole message's inner
 * payloads; PENDING: kept; DROPPED: logged (*pst says why when the
 * inner payloads of the whole message did not parse). */
enum ike_frag_result { IKE_FRAG_PENDING, IKE_FRAG_DONE, IKE_FRAG_DROPPED };
enum ike_frag_result ike_frag_input(struct ike_engine *e, struct ike_sa *sa,
	    struct ike_msg *m, const struct ike_sk_keys *k,
	    enum ike_parse_status *pst);
/* Drops an incomplete message after IKE_FRAG_TIMEOUT_MS. */
void	 ike_frag_tick(struct ike_engine *e, struct ike_sa *sa);

/* timers.c. The earliest time ike_engine_tick() has anything to do for
 * sa (UINT64_MAX: never). touch: sa changed in this event (its deadline
 * may have moved); touch_all: every SA did (settings); refile: at the end
 * of each event (engine.c reap), files the touched SAs again; tick: calls
 * tick once for each SA that is due, then refiles those; remove: sa is
 * freed. */
uint64_t ike_timer_due(const struct ike_engine *e, const struct ike_sa *sa);
void	 ike_timers_touch(struct ike_engine *e, const struct ike_sa *sa);
void	 ike_timers_touch_all(struct ike_engine *e);
void	 ike_timers_refile(struct ike_engine *e);
void	 ike_timers_tick(struct ike_engine *e,
	    void (*tick)(struct ike_engine *e, struct ike_sa *sa));
uint64_t ike_timers_next(const struct ike_engine *e);
void	 ike_timers_remove(struct ike_engine *e, struct ike_sa *sa);
void	 ike_timers_free(struct ike_engine *e);

/* Sends a kept message: its one datagram, or all its fragments. */
void	 ike_msg_buf_send(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg_buf *b);
/* An unencrypted error response to an IKE_SA_INIT request, no SA kept. */
void	 ike_send_init_error(struct ike_engine *e, const struct ike_msg *req,
	    const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote, uint16_t type,
	    const void *data, size_t len);

/* Failure or end of an SA: logs why, tells the daemon, removes its
 * CHILD_SA, moves it to CLOSED (freed after the current event). */
void	 ike_sa_fail(struct ike_engine *e, struct ike_sa *sa,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	 ike_sa_close(struct ike_engine *e, struct ike_sa *sa,
	    enum ike_sa_event ev, const char *why);
/* ike_sa_fail's log line alone: for a failure that still sends the peer
 * its refusal, logged before that goes out (the peer may act on it at
 * once), then ike_sa_close(.., IKE_SA_EVENT_FAILED, why). */
void	 ike_sa_fail_log(const struct ike_sa *sa, const char *why);
const char *ike_sa_name(const struct ike_sa *sa);
/* Hands the keys of sa (just derived) to io.ike_keys, if set. */
void	 ike_report_ike_keys(struct ike_engine *e, const struct ike_sa *sa);

/* retransmit.c (RFC 7296 §2.1): the outstanding request, kept and timed
 * by e->set; tick: resend it when due, or end the SA after the last try. */
int	 ike_request_arm(struct ike_engine *e, struct ike_sa *sa,
	    uint8_t exchange, const uint8_t *msg, size_t len, uint32_t msg_id,
	    const uint16_t *frag_len, unsigned n_frags);
void	 ike_request_tick(struct ike_engine *e, struct ike_sa *sa);

/* cookie.c (RFC 7296 §2.6). Before answering an IKE_SA_INIT request:
 * true to go on; false when it was answered with N(COOKIE) or dropped
 * (a per-source or global limit). */
int	 ike_cookies_init(struct ike_cookies *c, uint64_t now_ms);
void	 ike_cookies_wipe(struct ike_cookies *c);
bool	 ike_cookie_admit(struct ike_engine *e, const struct ike_msg *m,
	    const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote);
/* Half-open accounting of a responder SA: counts it while it is in
 * IKE_SA_INIT_DONE, forgets it once it is not (or is freed). */
void	 ike_half_open_sync(struct ike_engine *e, struct ike_sa *sa);

/* established.c: the IKE SAs in ESTABLISHED of each connection (for
 * INITIAL_CONTACT). sync: after each move of sa into or out of
 * ESTABLISHED; count: of connection c (one of e->cfg->conns); check
 * (without NDEBUG): aborts unless the counts equal a walk over all SAs. */
int	 ike_established_init(struct ike_engine *e);
void	 ike_established_free(struct ike_engine *e);
void	 ike_established_sync(struct ike_engine *e, struct ike_sa *sa);
size_t	 ike_established_count(const struct ike_engine *e,
	    const struct ike_conn_cfg *c);
#ifndef NDEBUG
void	 ike_established_check(const struct ike_engine *e);
#endif

/* dpd.c (RFC 7296 §2.4): when sa is due a liveness check (UINT64_MAX:
 * never), and the check itself: a probe only if nothing arrived, IKE or
 * ESP, in dpd_delay. */
uint64_t ike_dpd_deadline(const struct ike_engine *e, const struct ike_sa *sa);
void	 ike_dpd_tick(struct ike_engine *e, struct ike_sa *sa);
/* An authenticated message or valid ESP from `remote`: a peer behind a
 * NAT that moved is followed (§2.23); tells the daemon. */
void	 ike_peer_follow(struct ike_engine *e, struct ike_sa *sa,
	    const struct sockaddr_storage *remote);

/* exchange_sa_init.c */
int	 ike_sa_init_initiate(struct ike_engine *e, const struct ike_conn_cfg *c,
	    uint16_t group);
void	 ike_sa_init_respond(struct ike_engine *e, const struct ike_msg *m,
	    const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote);
void	 ike_sa_init_process_response(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m);

/* idle.c: the cached response of an established SA is dropped once the
 * peer has shown it got it (ESP on the CHILD_SA it created, polled here;
 * its next request: ike_idle_drop_response()) or has been quiet long. */
uint64_t ike_idle_next(const struct ike_engine *e, const struct ike_sa *sa);
void	 ike_idle_tick(struct ike_engine *e, struct ike_sa *sa);
void	 ike_idle_drop_response(struct ike_sa *sa);

/* conn_select.c: which connection (and child) a responder uses. */
const struct ike_conn_cfg *ike_conn_for_init(struct ike_engine *e,
	    const struct ike_pl_sa *sa, uint16_t group,
	    const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote, struct ike_chosen *c);
bool	 ike_conn_addrs_match(const struct ike_conn_cfg *c,
	    const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote);
/* The trust anchor a peer's chain ended at (info borrowed); its DN text
 * is made on first need: remote.cacerts are compared as text, and most
 * connections have none. */
struct ike_anchor {
	const struct certs_verify_info *info;
	bool		 made;
	char		 text[CERTS_NAME_MAX];
};
const char *ike_anchor_text(struct ike_anchor *a);
/* Is the anchor one of cr's remote.cacerts (any, if it has none)? */
bool	 ike_anchor_ok(const struct ike_cred *cr, struct ike_anchor *a);
/* At IKE_AUTH: the connection for the authenticated peer identity whose
 * chain ends at anchor, or NULL if none accepts it. */
const struct ike_conn_cfg *ike_conn_for_auth(const struct ike_engine *e,
	    const struct ike_sa *sa, const struct certs_id *peer,
	    struct ike_anchor *anchor);
/* The child of sa->conn whose selectors fit the request's TSi/TSr best
 * (vip: the peer's virtual IP, for `dynamic`); children[0] if none fits
 * (its narrowing then refuses with TS_UNACCEPTABLE). */
const struct ike_child_cfg *ike_child_cfg_select(const struct ike_sa *sa,
	    const struct ike_msg *m, const struct ike_prefix *vip);

/* pool_lease.c: the responder's virtual IP for sa (sa->vip) from the
 * pools of sa->conn, for the families CP(CFG_REQUEST) cp asks for: 0 (also
 * when it asks for none), or INTERNAL_ADDRESS_FAILURE (logged). */
uint16_t ike_vip_lease(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_payload *cp);
/* Back to the pool (kept for the peer's identity for the grace time). */
void	 ike_vip_release(struct ike_engine *e, struct ike_sa *sa);

/* unique.c (RFC 7296 §2.4, swanctl.conf unique): responder, peer just
 * authenticated; deletes older SAs of the same identities as the policy
 * says. False: refuse sa (unique = keep and an older one is up). */
bool	 ike_unique_check(struct ike_engine *e, struct ike_sa *sa,
	    bool initial_contact);

/* exchange_auth.c */
int	 ike_auth_initiate(struct ike_engine *e, struct ike_sa *sa);
void	 ike_auth_respond(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m);
/* ike_engine_sign_done() for an SA in IKE_AUTH_SIGNING. */
void	 ike_auth_signed(struct ike_engine *e, struct ike_sa *sa,
	    const uint8_t *auth_data, size_t len, const char *why);
void	 ike_auth_process_response(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m);

/* exchange_child.c: SA and TS payloads of a CHILD_SA. Initiator: ch gets
 * a fresh inbound SPI; SA (with DH transforms only when pfs), the extra
 * payloads (Ni, KEi), TSi, TSr: the configured selectors, or those of
 * `old` when rekeying it (§2.8). */
int	 ike_child_propose(struct ike_sa *sa, struct ike_child_sa *ch,
	    const struct ike_child_sa *old, bool pfs,
	    const struct ike_payload *extra, size_t n_extra, struct ike_out *o);
/* Responder: chooses a proposal (with the KE's group when not 0), narrows
 * the selectors (§2.9), adds SAr, the extra payloads, TSi, TSr. 0, or the
 * error notify type to send instead (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE). */
uint16_t ike_child_accept(struct ike_sa *sa, struct ike_child_sa *ch,
	    const struct ike_msg *m, uint16_t ke_group,
	    const struct ike_payload *extra, size_t n_extra, struct ike_out *o);
/* Initiator: checks the answer against what ike_child_propose offered. */
int	 ike_child_check_answer(struct ike_sa *sa, struct ike_child_sa *ch,
	    const struct ike_msg *m, bool pfs);
/* IKE_AUTH's CHILD_SA (the connection's first child) with CP for a
 * virtual IP: request; response (0 or an error notify type: the CHILD_SA
 * then is not kept); and the initiator's check (-1: none kept). */
int	 ike_child_add_request(struct ike_engine *e, struct ike_sa *sa,
	    struct ike_out *o);
uint16_t ike_child_respond(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m, struct ike_out *o);
int	 ike_child_process_response(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m);
/* child_install.c: keys (§2.17) from the nonces (and g^ir) of the exchange
 * that made ch, to the daemon's child_install; initiator: whether we
 * initiated that exchange. */
int	 ike_child_install(struct ike_engine *e, struct ike_sa *sa,
	    struct ike_child_sa *ch, const struct ike_kdf_input *in,
	    bool initiator);
/* Out of the data plane (ch stays listed); all of sa's children. */
void	 ike_child_remove(struct ike_engine *e, struct ike_child_sa *ch);
void	 ike_children_remove(struct ike_engine *e, struct ike_sa *sa);
/* Pairs installed with outbound_later (a rekey we answered) take outbound
 * traffic: the peer deleted the old pair, so it has the new one. Never a
 * pair being deleted (a collision's redundant one, §2.8.1). */
void	 ike_children_route(struct ike_engine *e, struct ike_sa *sa);
/* Whether ch waits to take outbound traffic (and will). */
bool	 ike_child_route_pending(const struct ike_child_sa *ch);
/* ... or at the latest this long after their installation. */
#define IKE_ROUTE_DEFER_MS	10000

/* exchange_create_child.c: CREATE_CHILD_SA (§1.3) — additional CHILD_SAs
 * (§1.3.1) and CHILD_SA rekey
 * (REKEY_SA, with PFS when the ESP proposals carry a DH group) in both
 * roles, collisions by the nonce rule (§2.8.1); IKE SA rekeys go to
 * exchange_rekey_ike.c. Start: -1 if the SA is busy (try again later). */
int	 ike_rekey_child_start(struct ike_engine *e, struct ike_sa *sa,
	    struct ike_child_sa *old);
/* An additional CHILD_SA of cfg (one of sa->conn's children), §1.3.1;
 * -1 if the SA is busy. */
int	 ike_child_create_start(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_child_cfg *cfg);
void	 ike_create_child_respond(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m);
void	 ike_create_child_process_response(struct ike_engine *e,
	    struct ike_sa *sa, const struct ike_msg *m);
/* Shared with exchange_rekey_ike.c: a fresh nonce; Nonce and KE payloads;
 * §2.8.1's order of nonces (octet by octet, a prefix is lower); the lower
 * nonce of an exchange; the error notify of a response (type < 16384),
 * or NULL; g^ir from the peer's KE. */
int	 ike_nonce_new(uint8_t *n, size_t len);
/* The nonce length for a PRF (§2.10: at least 128 bits and half the PRF
 * key): 16 bytes for HMAC-SHA1/SHA-256, 32 for SHA-512. Rekeys send no
 * more than that: each CREATE_CHILD_SA message is 16 bytes shorter than
 * with IKE_NONCE_LEN. */
size_t	 ike_nonce_len(uint16_t prf);
void	 ike_nonce_payload(struct ike_payload *p, const uint8_t *n, size_t len);
void	 ike_ke_payload(struct ike_payload *p, const struct ike_dh *dh);
int	 ike_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
	    size_t blen);
void	 ike_nonce_min(const uint8_t *a, size_t alen, const uint8_t *b,
	    size_t blen, uint8_t *out, size_t *out_len);
const struct ike_payload *ike_error_notify(const struct ike_msg *m);
int	 ike_ke_shared(struct ike_sa *sa, const struct ike_dh *dh,
	    const struct ike_payload *ke, struct ike_dh_secret *gir);
/* A refused rekey is tried again in IKE_REKEY_RETRY_MS (plus jitter). */
#define IKE_REKEY_RETRY_MS	10000

/* exchange_rekey_ike.c: IKE SA rekey (§1.3.2, §2.18): the CHILD_SAs move
 * to the new SA, the old one is deleted; collisions (§2.8.2). */
int	 ike_rekey_ike_start(struct ike_engine *e, struct ike_sa *sa);
void	 ike_rekey_ike_respond(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m);
void	 ike_rekey_ike_process_response(struct ike_engine *e,
	    struct ike_sa *sa, const struct ike_msg *m);
/* The peer deletes sa while a collision is undecided: its new SA gets the
 * CHILD_SAs (and sa is marked replaced). */
void	 ike_rekey_ike_peer_deletes(struct ike_engine *e, struct ike_sa *sa);
/* Whether sa is the IKE SA we made for the peer's request in an IKE rekey
 * collision (§2.8.2) that our own rekey of the same SA has not settled
 * yet: the peer deleting it lost, and the tunnel stays on the old SA. */
bool	 ike_rekey_ike_collision_sa(struct ike_engine *e,
	    const struct ike_sa *sa);

/* lifetime.c: soft (rekey, reauth) and hard (expiry) lifetimes by time,
 * bytes and packets, with jitter (swanctl.conf(5) semantics). */
void	 ike_lifetime_child_start(struct ike_engine *e, struct ike_child_sa *ch);
void	 ike_lifetime_ike_start(struct ike_engine *e, struct ike_sa *sa);
/* Acts on what is due for sa (rekey, reauth, delete, expiry); true if it
 * sent a request or closed sa. */
bool	 ike_lifetime_tick(struct ike_engine *e, struct ike_sa *sa);
uint64_t ike_lifetime_next(const struct ike_engine *e, const struct ike_sa *sa);
/* sa (sa->reauth_of set) is up: the IKE SA it reauthenticates goes. */
void	 ike_reauth_done(struct ike_engine *e, struct ike_sa *sa);

/* exchange_info.c */
/* INFORMATIONAL { D(ESP, ch's inbound SPI) } -->; ch becomes DELETING and
 * leaves the data plane when the answer comes. -1: the SA is busy. */
int	 ike_info_delete_child(struct ike_engine *e, struct ike_sa *sa,
	    struct ike_child_sa *ch);
void	 ike_info_respond(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m);
void	 ike_info_process_response(struct ike_engine *e, struct ike_sa *sa,
	    const struct ike_msg *m);
int	 ike_info_delete(struct ike_engine *e, struct ike_sa *sa);
int	 ike_info_liveness(struct ike_engine *e, struct ike_sa *sa);
int	 ike_info_notify(struct ike_engine *e, struct ike_sa *sa,
	    uint16_t type);

/* nat_detect.c (RFC 7296 §2.23) */
bool	 ike_natd_add(struct ike_out *o, uint64_t spi_i, uint64_t spi_r,
	    const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote);
/* Sets sa->nat_local / nat_remote from the message's NAT-D notifies. */
void	 ike_natd_check(struct ike_sa *sa, const struct ike_msg *m,
	    const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote);
void	 ike_addr_port(union ike_sockaddr *a, uint16_t port);

/* credentials.c */
int	 ike_creds_load(struct ike_engine *e);
void	 ike_creds_free(struct ike_engine *e);

#endif
