/*
 * esp/esp.h — the ESP data plane (RFC 4303, tunnel mode) and its UDP
 * encapsulation framing (RFC 3948). The one public header of libuipsec_esp.
 *
 * No sockets, no IKE, no allocation per packet: an SA is allocated once when
 * it is installed; esp_encap()/esp_decap() work in place on a caller-owned
 * buffer that has headroom in front and tailroom behind the packet.
 *
 * Inbound order (RFC 4303 §3.4, fixed): parse SPI/seq -> replay pre-check ->
 * ICV check in constant time -> decrypt -> padding and trailer check ->
 * replay window update. Nothing of the payload is interpreted before it is
 * authenticated.
 *
 * An SA is used by one thread at a time; different SAs are independent,
 * except that SAs sharing an esp_ctx_cache are used by one thread.
 */
#ifndef UIPSEC_ESP_H
#define UIPSEC_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room an encapsulating caller leaves around a packet in its buffer: front
 * for the ESP header and IV, back for padding, pad length, next header, ICV. */
#define ESP_HEADROOM	32
#define ESP_TAILROOM	64

/* Inbound anti-replay window, in packets (RFC 4303 §3.4.3, RFC 6479):
 * esp_sa_config.replay_window is 0 (no check) or a multiple of 64 up to
 * the maximum. The default is the 64 that §3.4.3 says SHOULD be the
 * default; it is kept inside the SA (no allocation of its own). Larger
 * windows, for paths that reorder more, cost (n / 64 rounded up to a
 * power of two, plus one) * 8 bytes per inbound SA. */
#define ESP_REPLAY_WINDOW_DEFAULT	64
#define ESP_REPLAY_WINDOW_MAX		65536

/* IP protocol numbers carried in the ESP next-header field. */
#define ESP_NH_IPV4	4
#define ESP_NH_IPV6	41
#define ESP_NH_NONE	59	/* dummy packet, RFC 4303 §2.6 */

enum esp_suite {
	ESP_SUITE_AES_CBC_HMAC_SHA1_96,		/* RFC 3602 + RFC 2404 */
	ESP_SUITE_AES_CBC_HMAC_SHA256_128,	/* RFC 3602 + RFC 4868 */
	ESP_SUITE_AES_GCM_16,			/* RFC 4106, 16-byte ICV */
	ESP_SUITE_CHACHA20_POLY1305,		/* RFC 7634 */
	ESP_SUITE_COUNT
};

enum esp_dir { ESP_DIR_IN, ESP_DIR_OUT };

/* Result of every data-plane call. Drops are values, not log lines: the
 * caller counts them (the SA's counters already do) and logs rate-limited. */
enum esp_status {
	ESP_OK = 0,
	ESP_DROP_MALFORMED,	/* too short, bad length, not a multiple of block */
	ESP_DROP_REPLAY,	/* duplicate or left of the window */
	ESP_DROP_AUTH,		/* ICV mismatch */
	ESP_DROP_PADDING,	/* pad bytes not 1,2,3,... (RFC 4303 §2.4) */
	ESP_DROP_DUMMY,		/* next header 59: valid, carries nothing */
	ESP_ERR_SEQ_EXHAUSTED,	/* outbound sequence space used up: rekey */
	ESP_ERR_NOSPACE,	/* caller's buffer lacks headroom/tailroom */
	ESP_ERR_CRYPTO,		/* the crypto library failed */
	ESP_ERR_CONFIG,		/* bad key length, suite or window */
	ESP_ERR_NOMEM,		/* allocation failed (SA set-up only) */
};

const char *esp_status_str(enum esp_status st);
/* The suite's strongSwan-style name without key length, for logs: "aes-sha1",
 * "aes-sha256", "aesgcm16", "chacha20poly1305" (parses back as AES-128). */
const char *esp_suite_name(enum esp_suite suite);
/* Parses a strongSwan ESP proposal token ("aes256-sha1", "aes256gcm16",
 * "chacha20poly1305", "aes256-sha256"; "-esn"/"-noesn" suffix sets *esn).
 * *key_len is the cipher key in bits (128/192/256; 256 for ChaCha20), as
 * IKEv2's Key Length attribute. Returns 0, or -1 if the token names no
 * supported suite (outputs untouched). */
int	 esp_suite_parse(const char *token, enum esp_suite *suite, int *key_len,
	    bool *esn);
/* Key bytes the suite takes: encryption (including the 4-byte salt of the
 * AEAD suites, RFC 4106 §8.1, RFC 7634 §4; 0 for a bad aes_key_len, in
 * bits as esp_suite_parse() gives it) and integrity (0 for AEAD). */
size_t	 esp_suite_enc_key_len(enum esp_suite suite, int aes_key_len);
size_t	 esp_suite_auth_key_len(enum esp_suite suite);
/* Worst-case bytes ESP adds to an inner packet (header, IV, padding,
 * trailer, ICV), for the TUN MTU: outer MTU - IP - UDP - this. */
size_t	 esp_suite_overhead_max(enum esp_suite suite);

/*
 * A cache of keyed cipher contexts, shared by many SAs (issue 5: memory per
 * idle tunnel). The OpenSSL contexts with their key schedules and the HMAC
 * pads are most of an SA's memory (~1.1 KB for aes256-sha1) yet only SAs
 * that carry traffic need them. An SA made with a cache keeps only its keys
 * (240 bytes of heap) and binds to one of the cache's slots when a packet
 * needs it; if all slots are taken, the least recently used one is taken
 * over (CLOCK: a slot used since the hand last passed gets a second
 * chance) and re-keyed in place: no allocation, ~1 us, and none at all
 * while an SA stays bound (a hot SA pays one store per packet). Slots are
 * re-keyed, never shared: another SA's key is never used, and a slot is
 * overwritten with a zero key when its SA is freed.
 *
 * Owned by the caller: one per data-plane thread (it is used by one thread
 * at a time, with its SAs), created before and freed after every SA that
 * names it. ChaCha20-Poly1305 SAs keep no context and never take a slot.
 * A slot changing suite or AES key length is freed and made anew (an
 * allocation, rare in a fleet with one proposal).
 */
struct esp_ctx_cache;

struct esp_ctx_cache_stats {
	size_t		slots;
	size_t		bound;		/* slots holding an SA's keys now */
	uint64_t	binds;		/* an SA took a slot: a cache miss */
	uint64_t	evictions;	/* ... from another SA */
};

/* Creates a cache of `slots` (>= 1) contexts, made on first use. *out is
 * owned by the caller; ESP_ERR_CONFIG for 0 slots, ESP_ERR_NOMEM. */
enum esp_status esp_ctx_cache_new(struct esp_ctx_cache **out, size_t slots);
/* Frees and wipes every context; no SA may still name the cache. Accepts
 * NULL. */
void	 esp_ctx_cache_free(struct esp_ctx_cache *cache);
const struct esp_ctx_cache_stats *esp_ctx_cache_stats(
	    const struct esp_ctx_cache *cache);	/* borrowed */

struct esp_sa_config {
	uint32_t	 spi;		/* network SPI, host order here */
	enum esp_suite	 suite;
	const uint8_t	*enc_key;	/* borrowed for the call; copied */
	size_t		 enc_key_len;
	const uint8_t	*auth_key;	/* CBC suites only */
	size_t		 auth_key_len;
	bool		 esn;		/* RFC 4303 §2.2.1 extended sequence numbers */
	uint32_t	 replay_window;	/* inbound; 0 disables; a multiple of 64 */
	/* Borrowed; must outlive the SA. NULL: the SA owns its contexts
	 * (~1.1 KB more per SA; tests and tools with a few SAs). */
	struct esp_ctx_cache *cache;
};

struct esp_sa_stats {
	uint64_t	packets;	/* authenticated in / sent out */
	uint64_t	bytes;		/* inner bytes */
	uint64_t	drop_auth;
	uint64_t	drop_replay;
	uint64_t	drop_malformed;
	uint64_t	drop_padding;
	uint64_t	drop_dummy;
};

struct esp_sa;

/* Allocates an SA; *out is owned by the caller and freed with esp_sa_free(),
 * which wipes every key. Keys in cfg are copied; cfg is borrowed. */
enum esp_status esp_sa_new(struct esp_sa **out, const struct esp_sa_config *cfg,
	    enum esp_dir dir);
void	 esp_sa_free(struct esp_sa *sa);		/* accepts NULL */
uint32_t esp_sa_spi(const struct esp_sa *sa);
enum esp_suite esp_sa_suite(const struct esp_sa *sa);
const struct esp_sa_stats *esp_sa_stats(const struct esp_sa *sa); /* borrowed */
/* Next outbound sequence number (64-bit; the low 32 bits go on the wire). */
uint64_t esp_sa_seq(const struct esp_sa *sa);

/*
 * A packet in a caller-owned buffer: bytes [off, off + len) of base[0, cap).
 * esp_encap() grows it into the headroom and tailroom; esp_decap() shrinks
 * it to the inner packet. Both work in place.
 */
struct esp_pkt {
	uint8_t		*base;
	size_t		 cap;
	size_t		 off;
	size_t		 len;
};

/* In: an inner IP packet. Out: the ESP packet from SPI to ICV. */
enum esp_status esp_encap(struct esp_sa *sa, struct esp_pkt *pkt,
	    uint8_t next_header);
/* In: an ESP packet from SPI to ICV. Out: the inner packet and its next
 * header (ESP_NH_IPV4 or ESP_NH_IPV6, or another protocol number). */
enum esp_status esp_decap(struct esp_sa *sa, struct esp_pkt *pkt,
	    uint8_t *next_header);

/* Reads the SPI of an ESP packet to find its SA. Returns false if shorter
 * than an ESP header. */
bool	 esp_peek_spi(const uint8_t *p, size_t len, uint32_t *spi);

/* RFC 3948 §2: what arrived in a UDP datagram on port 4500. */
enum esp_udp_kind {
	ESP_UDP_ESP,		/* an ESP packet (SPI != 0) */
	ESP_UDP_IKE,		/* non-ESP marker; IKE message follows it */
	ESP_UDP_KEEPALIVE,	/* NAT-keepalive, the single byte 0xFF */
	ESP_UDP_INVALID,
};
#define ESP_UDP_NON_ESP_MARKER_LEN	4
enum esp_udp_kind esp_udp_classify(const uint8_t *p, size_t len);

#endif
