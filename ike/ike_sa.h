/*
 * ike/ike_sa.h — the IKE SA object (RFC 7296 §2): SPIs, role, negotiated
 * algorithms and keys, the IKE_SA_INIT messages the AUTH payloads sign,
 * message IDs (§2.2), the outstanding request with its retransmission
 * state and the cached last response (§2.1), and its CHILD_SAs (§1.3), each
 * on the heap so that an idle IKE SA carries only those it has.
 *
 * States (one setter, ike_sa_set_state(), refuses any move not listed):
 *
 *   IDLE --I: IKE_SA_INIT request sent--> SA_INIT_SENT --I: IKE_AUTH sent--> AUTH_SENT
 *   IDLE --R: IKE_SA_INIT answered-----> SA_INIT_DONE
 *   IDLE --made by an IKE SA rekey (CREATE_CHILD_SA, §1.3.2)--> ESTABLISHED
 *   AUTH_SENT, SA_INIT_DONE --AUTH ok--> ESTABLISHED --Delete sent--> DELETING
 *   SA_INIT_DONE --R: peer's AUTH ok, ours handed to io.sign--> AUTH_SIGNING
 *   AUTH_SIGNING --signed, IKE_AUTH response sent--> ESTABLISHED
 *   any --failure, timeout, Delete done--> CLOSED (then freed)
 */
#ifndef UIPSEC_IKE_IKE_SA_H
#define UIPSEC_IKE_IKE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ike/config.h"
#include "ike/ike.h"
#include "ike/dh.h"
#include "ike/ikev2_wire.h"
#include "ike/keys.h"
#include "ike/message.h"
#include "ike/proposal.h"
#include "ike/resp_store.h"
#include "ike/sk.h"

enum ike_state {
	IKE_STATE_IDLE,
	IKE_STATE_SA_INIT_SENT,
	IKE_STATE_SA_INIT_DONE,
	IKE_STATE_AUTH_SENT,
	IKE_STATE_AUTH_SIGNING,	/* R: our AUTH being signed (io.sign) */
	IKE_STATE_ESTABLISHED,
	IKE_STATE_DELETING,
	IKE_STATE_CLOSED,
	IKE_STATE_COUNT
};

/* How long a cached response is kept after the peer's last message
 * (idle.c): longer than strongSwan's whole retransmission schedule. */
#define IKE_RESPONSE_KEEP_MS	(5 * 60 * 1000)

#define IKE_NONCE_LEN		32	/* §2.10: at least half the PRF key */
#define IKE_MSG_MAX		8192	/* largest message we build */

/* RFC 7383: IKE fragmentation. The default fragment size is the IP
 * datagram strongSwan uses (§2.5.1); reassembly is bounded (§2.6). */
#define IKE_FRAG_SIZE_DEFAULT	1280
#define IKE_FRAG_MAX		32	/* fragments of one message */
#define IKE_FRAG_BYTES_MAX	65536	/* plaintext of one message */
#define IKE_FRAG_TIMEOUT_MS	30000	/* incomplete message dropped */

/* A message we keep: the request until its response arrives, the last
 * response for a retransmitted request (§2.1). */
struct ike_msg_buf {
	/* Owned: the message; sent as RFC 7383 fragments (§2.5), its
	 * n_frags datagrams back to back, then their lengths (uint16_t
	 * each, ike_msg_buf_frag_len()). 0: p is one datagram. */
	uint8_t		*p;
	uint32_t	 len;		/* of the message(s) */
	uint32_t	 msg_id;
	uint8_t		 n_frags;
	bool		 stored;	/* p is in a resp_store.h chunk */
};

/* One message being reassembled from SKF{} fragments (RFC 7383 §2.6):
 * each fragment is authenticated and decrypted before it is kept. On the
 * heap with the first fragment: an SA that never gets one (most) carries
 * no room for 32. */
struct ike_frag_rx {
	bool		 response;
	uint32_t	 msg_id;
	uint16_t	 total;
	uint16_t	 have;
	uint8_t		 first;		/* Next Payload of fragment 1 */
	size_t		 bytes;
	uint64_t	 started_ms;
	uint8_t		*plain[IKE_FRAG_MAX];	/* owned, by number - 1 */
	uint16_t	 len[IKE_FRAG_MAX];
};

/* The identity the peer proved at IKE_AUTH, at its size: a certs_id's
 * type and data, then its text for logs (NUL-terminated). */
struct ike_peer_ident {
	uint8_t		 type;		/* enum certs_id_type */
	uint16_t	 len;		/* of the data */
	uint8_t		 b[];		/* data, then text */
};

struct ike_request {
	struct ike_msg_buf	msg;
	uint8_t			exchange;
	bool			active;
	uint8_t			tries;		/* retransmits so far */
	uint64_t		deadline_ms;
};

/*
 * One CHILD_SA (RFC 7296 §1.3, §2.8). Its life:
 *
 *   CREATING --keys installed--> INSTALLED --we send CREATE_CHILD_SA
 *   (REKEY_SA)--> REKEYING --successor installed--> REKEYED (outbound
 *   moved to the successor; inbound kept until our Delete is answered, or
 *   the peer's Delete arrives) --> freed.
 *   INSTALLED --the peer rekeyed it--> REKEYED; --Delete sent--> DELETING.
 */
enum ike_child_state {
	IKE_CHILD_CREATING,
	IKE_CHILD_INSTALLED,
	IKE_CHILD_REKEYING,
	IKE_CHILD_REKEYED,
	IKE_CHILD_DELETING,
};

struct ike_child_sa {
	struct ike_child_sa	*next;
	const struct ike_child_cfg *cfg;
	/* What was agreed (§2.9, §3.15), kept for the data plane and for
	 * rekeys: our selectors then the peer's, as many as agreed (owned;
	 * a CCU has one each), and the virtual IP. */
	struct ike_ts_cfg	*ts;
	uint32_t		 spi_in, spi_out;
	uint8_t			 state;		/* enum ike_child_state */
	bool			 installed;	/* in the data plane */
	bool			 delete_due;	/* ours to Delete when free */
	bool			 out_deferred;	/* outbound waits (rekey resp.) */
	uint8_t			 n_local_ts, n_remote_ts;
	bool			 has_vip;
	struct ike_chosen	 chosen;
	struct ike_prefix	 vip;
	uint64_t		 installed_ms;
	/* Lifetimes (lifetime.c), jitter applied; 0 / UINT64_MAX: none. */
	uint64_t		 rekey_ms, expire_ms;
	uint64_t		 rekey_bytes, life_bytes;
	uint64_t		 rekey_packets, life_packets;
	uint64_t		 bytes, packets;	/* last read, larger dir */
};

/*
 * A CREATE_CHILD_SA exchange we started (§1.3.1, §1.3.2, §1.3.3), on the
 * heap while it runs: what it replaces, what it makes, our nonce and KE;
 * and a collision (§2.8.1, §2.8.2): the peer rekeyed the same SA meanwhile.
 */
struct ike_rekey {
	struct ike_child_sa	*old, *child;	/* CHILD_SA rekey */
	const struct ike_child_cfg *create;	/* an additional CHILD_SA */
	struct ike_sa		*sa;		/* IKE SA rekey: the new SA */
	struct ike_dh		*dh;		/* KEi; NULL without PFS */
	uint16_t		 group;
	uint8_t			 ni[IKE_NONCE_LEN];
	size_t			 ni_len;
	bool			 collision;
	uint8_t			 peer_min[IKEV2_NONCE_MAX];	/* lower nonce of */
	size_t			 peer_min_len;			/* its exchange */
	struct ike_child_sa	*peer_child;	/* what the peer's made */
	uint64_t		 peer_sa_spi;	/* our SPI of the IKE SA it made */
};

/*
 * What only the set-up of an IKE SA needs: IKE_SA_INIT and IKE_AUTH, or
 * the CREATE_CHILD_SA that makes a rekeyed SA (§1.3.2). On the heap from
 * ike_sa_new() until the SA is established (ike_sa_setup_done()): an
 * established SA keeps SK_d, SK_a and SK_e, never its nonces, the
 * IKE_SA_INIT messages or SK_pi/SK_pr, which served the AUTH payloads
 * (§2.15) and the first CHILD_SA's keys (§2.17) only; a rekey or a
 * reauthentication brings nonces of its own (§2.18, §2.8.3).
 */
struct ike_sa_setup {
	struct ike_dh		*dh;		/* owned until keys exist */
	uint8_t			 ni[IKEV2_NONCE_MAX], nr[IKEV2_NONCE_MAX];
	size_t			 ni_len, nr_len;
	struct ike_msg_buf	 init_i, init_r;	/* raw, for AUTH (§2.15) */
	struct ike_auth_keys	 auth;		/* SK_pi, SK_pr */
	unsigned		 peer_hashes;	/* SIGNATURE_HASH_ALGORITHMS */
	uint8_t			 cookie[IKEV2_COOKIE_MAX];	/* §2.6 (I) */
	size_t			 cookie_len;
	uint8_t			 cookie_rounds;	/* N(COOKIE) answers (I) */
	/* Responder, IKE_AUTH (exchange_auth.c): the response's payloads
	 * after AUTH, built from the request (whose buffer does not outlive
	 * its event), kept while our AUTH is signed (AUTH_SIGNING); its
	 * message ID, our AUTH method, and whether the request carried
	 * INITIAL_CONTACT (unique.c). */
	struct ike_chain	 resp_tail;
	uint32_t		 resp_msg_id;
	uint8_t			 auth_method;
	bool			 initial_contact;
};

/*
 * An IKE SA. Held by the thousand on a concentrator, so it is kept small
 * (doc/load.md, test_ike_memory): what only the set-up needs is in
 * *setup, the peer's identity and a message being reassembled on the
 * heap at their size, keys at the suite's lengths.
 */
struct ike_sa {
	uint64_t		 id;
	uint64_t		 spi_i, spi_r;
	const struct ike_conn_cfg *conn;	/* NULL until chosen (R) */
	uint8_t			 state;		/* enum ike_state */
	bool			 initiator;
	bool			 nat_local, nat_remote;	/* §2.23 */
	bool			 natt;		/* moved to port 4500 */
	bool			 have_keys;
	bool			 peer_frag;	/* IKEV2_FRAGMENTATION_SUPPORTED */
	bool			 have_last_resp;
	uint16_t		 dh_group;	/* of IKE_SA_INIT; IKE SA rekeys */
	/* cookie.c: counted half-open (R), in its source's bucket. */
	uint16_t		 half_open_bucket;
	bool			 half_open;
	/* Rekeying (exchange_rekey_*.c, lifetime.c): rekeyed, it goes
	 * without a word; ours to Delete when free. */
	bool			 replaced, delete_due;
	/* Responder: the virtual IP leased to the peer (pool.h, vip below),
	 * released when the SA closes (pool_lease.c). An IKE SA rekey moves
	 * it to the new SA (vip_leased cleared on the old one). */
	bool			 vip_leased;
	/* In the index by peer identity (sa_index.h), once ESTABLISHED. */
	bool			 in_peer_index;
	/* Counted in its connection's ESTABLISHED SAs (established.c). */
	bool			 established_counted;
	/* idle.c: reads of the counter of resp_child, our inbound SPI of
	 * the CHILD_SA that last_resp created (0: none), whose ESP shows
	 * that the peer got last_resp. */
	uint8_t			 resp_polls;
	/* Initiator: children of sa->conn (bit i: children[i]) still to
	 * create with CREATE_CHILD_SA (§1.3.1) after IKE_AUTH made the first. */
	uint8_t			 children_todo;
	uint32_t		 resp_child;
	/* timers.c: 1 + its slot in the engine's deadline heap; 0: none. */
	uint32_t		 timer_pos;
	union ike_sockaddr	 local, remote;	/* ike_sockaddr_get() */

	struct ike_sa_setup	*setup;		/* owned; NULL once established */

	/* IKE_SA_INIT */
	struct ike_chosen	 chosen;
	struct ike_sk_suite	 suite;
	struct ike_sa_keys	 keys;
	unsigned		 retransmits;	/* all requests, for status */
	struct ike_frag_rx	*frag_rx;	/* owned; NULL: none under way */

	/* IKE_AUTH: the identity the peer proved (owned, NULL until read;
	 * ike_sa_peer_id()), and its text for logs (ike_sa_peer_text()).
	 * Ours is formatted from the connection's credentials when shown: an
	 * SA keeps no copy. */
	struct ike_peer_ident	*peer;
	struct ike_child_sa	*children;	/* owned list, oldest first */

	/* Message IDs (§2.2) and retransmission (§2.1). */
	uint32_t		 next_req_id;	/* our next request */
	uint32_t		 peer_req_id;	/* the peer's next request */
	struct ike_request	 req;
	struct ike_msg_buf	 last_resp;	/* for peer_req_id - 1 */

	/* Liveness (dpd.c) */
	uint64_t		 esp_rx_seen;	/* ESP packets in, DPD */
	uint64_t		 dpd_poll_ms;	/* last look at them */

	/* Rekeying (exchange_rekey_*.c, lifetime.c). */
	struct ike_rekey	*rekey;		/* owned; our exchange running */
	uint64_t		 reauth_of;	/* id of the SA this one replaces */
	uint64_t		 rekey_ms, reauth_ms, expire_ms;	/* IKE SA */
	uint64_t		 retry_ms;	/* rekey refused: try again */

	uint64_t		 created_ms, established_ms;
	uint64_t		 last_rx_ms;	/* last authenticated message */
	uint64_t		 bytes_in, bytes_out;
	struct ike_sa		*next_ours, *next_init;	/* table chains */
	struct ike_sa		*next_id;	/* ... and by id */
	struct ike_prefix	 vip;		/* vip_leased */
	struct ike_sa		*next_peer;	/* in_peer_index */
	/* SAs closed during an event, freed after it (engine.c reap). */
	struct ike_sa		*next_closed;
};

const char *ike_state_name(enum ike_state st);

/* A new SA in IDLE with a fresh random SPI of ours and its set-up state;
 * caller frees. */
struct ike_sa *ike_sa_new(bool initiator, uint64_t id, uint64_t now_ms);
/* Wipes keys, nonces, DH; frees kept messages. Accepts NULL. */
void	 ike_sa_free(struct ike_sa *sa);
/* The SA is established: what only its set-up needed goes (wiped). */
void	 ike_sa_setup_done(struct ike_sa *sa);
/* A new CHILD_SA for cfg, appended to sa's list in CREATING; NULL: no
 * memory. Owned by sa. */
struct ike_child_sa *ike_child_sa_new(struct ike_sa *sa,
	    const struct ike_child_cfg *cfg);
/* Unlinks and frees ch (the caller removed it from the data plane). */
void	 ike_child_sa_free(struct ike_sa *sa, struct ike_child_sa *ch);
/* The CHILD_SA with this inbound SPI (ours) / outbound SPI (the peer's
 * inbound), or NULL. */
struct ike_child_sa *ike_child_sa_by_in(const struct ike_sa *sa,
	    uint32_t spi_in);
struct ike_child_sa *ike_child_sa_by_out(const struct ike_sa *sa,
	    uint32_t spi_out);
/* The peer's identity as text ("" until IDi/IDr was read). */
const char *ike_sa_peer_text(const struct ike_sa *sa);
/* The peer's identity into *out; false (out empty) until it was read. */
bool	 ike_sa_peer_id(const struct ike_sa *sa, struct certs_id *out);
/* Whether the peer's identity is id (false until it was read). */
bool	 ike_sa_peer_is(const struct ike_sa *sa, const struct certs_id *id);
/* Sets the peer's identity (copied) and its text; -1: no memory (the SA
 * then has none). */
int	 ike_sa_set_peer(struct ike_sa *sa, const struct certs_id *id);
/* n gets a copy of old's peer identity; -1: no memory. */
int	 ike_sa_copy_peer(struct ike_sa *n, const struct ike_sa *old);
/* The host prefix of *a (ts.h's ike_prefix_from_sockaddr). */
void	 ike_sockaddr_prefix(const union ike_sockaddr *a,
	    struct ike_prefix *out);
/* Our SPI and the peer's, by role. */
uint64_t ike_sa_spi_ours(const struct ike_sa *sa);

/* The one state setter: logs "conn[id]: OLD -> NEW"; false (state kept,
 * logged as an error) if the move is not in the diagram above. */
bool	 ike_sa_set_state(struct ike_sa *sa, enum ike_state st);

/* Keeps a copy of msg in *b (replacing what was there): one datagram, or
 * (n_frags > 0) that many fragments of these lengths back to back. -1: no
 * memory (b unchanged). */
int	 ike_msg_buf_set(struct ike_msg_buf *b, const uint8_t *msg,
	    size_t len, uint32_t msg_id, const uint16_t *frag_len,
	    unsigned n_frags);
/* The same, the copy in store (resp_store.h) if it fits a chunk: for the
 * responses kept for a retransmitted request. */
int	 ike_msg_buf_set_stored(struct ike_resp_store *store,
	    struct ike_msg_buf *b, const uint8_t *msg, size_t len,
	    uint32_t msg_id, const uint16_t *frag_len, unsigned n_frags);
/* The length of fragment i (< b->n_frags). */
size_t	 ike_msg_buf_frag_len(const struct ike_msg_buf *b, unsigned i);
void	 ike_msg_buf_free(struct ike_msg_buf *b);
/* Drops the message being reassembled, if any (wiping its plaintext). */
void	 ike_frag_rx_free(struct ike_sa *sa);

/* The outstanding request is answered (or abandoned): not resent. The
 * timing of retransmissions is the engine's (retransmit.c). */
void	 ike_sa_request_done(struct ike_sa *sa);

/* Frees a rekey exchange's state (a new IKE SA not yet in the table with
 * it). Accepts NULL. */
void	 ike_rekey_free(struct ike_rekey *rk);

/*
 * The engine's SA table: hashed by our SPI, for responders also by the
 * initiator's SPI and address so that a retransmitted IKE_SA_INIT request
 * finds the SA it created (§2.1), and by id (the tunnel's number, which an
 * IKE SA rekey hands on: the old SA and its successor share it, §2.18):
 * what the data plane and reauthentication name an SA by. The
 * bucket arrays double when the table holds more SAs than buckets, so a
 * lookup costs the same with 10 or 100,000 SAs (if memory for a larger
 * array is short, the table stays as it is and only its chains grow).
 */
#define IKE_SA_BUCKETS	1024		/* to begin with */
struct ike_sa_table {
	struct ike_sa	**ours, **init, **ids;	/* owned, nb each */
	size_t		  nb, n;
};

/* 0, or -1 if no memory. */
int	 ike_sa_table_init(struct ike_sa_table *t);
/* Frees the buckets (not the SAs); accepts an empty table. */
void	 ike_sa_table_free(struct ike_sa_table *t);
void	 ike_sa_table_add(struct ike_sa_table *t, struct ike_sa *sa);
/* Unlinks sa (not freed). */
void	 ike_sa_table_remove(struct ike_sa_table *t, struct ike_sa *sa);
struct ike_sa *ike_sa_table_find(const struct ike_sa_table *t, uint64_t ours);
/* A responder SA by the initiator's SPI and address. */
struct ike_sa *ike_sa_table_find_init(const struct ike_sa_table *t,
	    uint64_t spi_i, const struct sockaddr_storage *remote);
/* The SA after prev (NULL: the first) whose id is id, in no particular
 * order. */
struct ike_sa *ike_sa_table_next_id(const struct ike_sa_table *t,
	    uint64_t id, const struct ike_sa *prev);
/* Calls fn for each SA; fn may remove and free the one it is given. */
void	 ike_sa_table_each(struct ike_sa_table *t,
	    void (*fn)(void *arg, struct ike_sa *sa), void *arg);
/* The same in parts: from table slot `from` on, whole slots until at least
 * budget SAs were visited; returns the slot to go on from, SIZE_MAX when
 * the walk is complete. (If the table grows between parts, SAs may be
 * visited twice or missed.) */
size_t	 ike_sa_table_each_from(struct ike_sa_table *t, size_t from,
	    size_t budget, void (*fn)(void *arg, struct ike_sa *sa), void *arg);

#endif
