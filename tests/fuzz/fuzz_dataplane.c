/*
 * tests/fuzz/fuzz_dataplane.c — libFuzzer harness over uipsecd's data plane
 * (tools/uipsecd/dataplane.h): every packet from the network and from the
 * TUN device, through the real batch functions dp_udp_to_tun() and
 * dp_tun_to_udp(), over loopback UDP and a fake TUN. Four manual SA pairs,
 * one per suite, share one keyed cipher context, so switching between them
 * re-keys it (esp_ctx_cache): AES-256-CBC/HMAC-SHA1 with ESN and a window
 * of 64, AES-128-GCM with a window of 64, ChaCha20-Poly1305 with ESN and a
 * window of 1024, AES-256-CBC/HMAC-SHA256 with no window. The ESN SAs start
 * 2^14 packets below 2^32, so the high half of the sequence number moves
 * (RFC 4303 §2.2.1, Appendix A) during a run.
 *
 * The first byte picks the mode; its bit 7 sends the datagrams from
 * another port than the SA's peer (a NAT mapping that moved):
 *   0  the rest is one UDP datagram as received: RFC 3948 §2 classifying
 *      (keepalive, non-ESP marker), SPI lookup, ICV rejection
 *   1  [segment size] the rest, sent with UDP GSO as a datagram train that
 *      arrives as one GRO buffer: the split into datagrams
 *   2  [conn/seq] [next header] an inner packet, sealed with esp_encap()
 *      by the peer's outbound SA so that it authenticates: next header,
 *      replay window, inner IP header, inbound policy (RFC 4301 §5.2),
 *      the TUN write. Next header 0 means the one of the IP version.
 *   3  [conn/seq] an ESP payload with its own trailer (pad, pad length,
 *      next header; cut to the cipher's block), sealed by the suite
 *      itself: the trailer checks of RFC 4303 §2.4
 *   4  [conn] [inner length - 20] the rest cut into inner packets, each
 *      sealed as in 2, sent as one GSO train
 *   5  records [u16 length][packet] read from the TUN: inner address
 *      parsing, outbound policy, ICMP Destination Unreachable for the
 *      pools, ESP encapsulation, GSO grouping, sendmmsg
 * conn/seq: bits 0-1 the connection; bits 2-7 mostly the next sequence
 * number, else an older one (a replay, inside or left of the window) or
 * one further on (the window slides).
 *
 * Properties, besides no crash, UB or leak: nothing is read past a
 * received datagram (the rest of the receive buffer is poisoned); what
 * reaches the TUN from UDP is exactly an inner packet the peer sealed, and
 * nothing does in the unauthenticated modes 0 and 1; every datagram sent
 * opens with the peer's inbound SA to a packet read from the TUN, in
 * order, one for each counted as sent; every ICMP error written to the TUN
 * has right checksums and quotes the start of a packet read from it.
 */
#include <arpa/inet.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/hex.h"
#include "common/inet_csum.h"
#include "esp/aead.h"
#include "esp/esp_internal.h"
#include "tools/uipsecd/config.h"
#include "tools/uipsecd/dataplane.h"
#include "tools/uipsecd/sad.h"
#include "tools/uipsecd/udp.h"
#include "tun/tun.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCONN		4
#define INNER_MTU	1400
#define MAX_RECORDS	DP_BATCH
#define WIRE_MAX	65507		/* the largest UDP payload */
#define ESN_START	((1ULL << 32) - (1U << 14))

enum mode {
	MODE_RAW, MODE_RAW_TRAIN, MODE_ENCAP, MODE_SEAL, MODE_TRAIN, MODE_TUN,
	NMODES
};

static const struct {
	const char	*proposal;
	unsigned	 window;
} suites[NCONN] = {
	{ "aes256-sha1-esn", 64 },
	{ "aes128gcm16", 64 },
	{ "chacha20poly1305-esn", 1024 },
	{ "aes256-sha256", 0 },
};

/* The peer's side of connection c: its outbound SA (whose sequence
 * counter is the next one to send), the suite's context to seal raw
 * payloads with, and its inbound SA for what our data plane sends; our
 * side of it. */
struct peer_conn {
	struct esp_sa			*out, *in;
	struct sad_conn			*ours;
	const struct esp_aead_ops	*ops;
	void				*seal_ctx;
	struct esp_keys			 keys;
	uint32_t			 spi_in;	/* ours */
	bool				 esn;
};

static struct {
	struct cfg		*cfg;
	struct sad		 sad;
	struct tun		*tun;
	int			 tun_peer;
	int			 udp;
	struct dp		 dp;
	int			 peer, moved;	/* the peer's sockets */
	struct sockaddr_in	 to;		/* our data plane's socket */
	struct peer_conn	 pc[NCONN];
} fz;

static uint8_t wire[WIRE_MAX + ESP_HEADROOM + ESP_TAILROOM];
static uint8_t scratch[WIRE_MAX + ESP_HEADROOM + ESP_TAILROOM];
static volatile uint8_t touched;

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "fuzz_dataplane: %s\n", what);
	abort();
}

/* Key bytes of connection c, direction d, kind k: no two keys alike. */
static void
put_key(char *p, size_t cap, unsigned c, unsigned d, unsigned k,
    size_t len)
{
	uint8_t key[CFG_KEY_MAX];

	for (size_t i = 0; i < len; i++)
		key[i] = (uint8_t)((c << 6 | d << 5 | k << 4) + i);
	hex_encode(key, len, p, cap);
}

/* The `out` (d 0) or `in` (d 1) section of connection c. */
static size_t
conf_sa(char *p, size_t cap, unsigned c, unsigned d, uint32_t spi)
{
	char enc[2 * CFG_KEY_MAX + 1], auth[2 * CFG_KEY_MAX + 1];
	enum esp_suite suite;
	size_t auth_len;
	int bits;
	bool esn;

	if (esp_suite_parse(suites[c].proposal, &suite, &bits, &esn) < 0)
		die(suites[c].proposal);
	auth_len = esp_suite_auth_key_len(suite);
	put_key(enc, sizeof(enc), c, d, 0, esp_suite_enc_key_len(suite, bits));
	put_key(auth, sizeof(auth), c, d, 1, auth_len);
	return (size_t)snprintf(p, cap, "    %s {\n      spi = %u\n"
	    "      enc_key = 0x%s\n%s%s%s    }\n", d ? "in" : "out", spi, enc,
	    auth_len ? "      auth_key = 0x" : "", auth_len ? auth : "",
	    auth_len ? "\n" : "");
}

/* Connection c carries 10.0.0.0/16 and fd00::/64 (ours) to and from
 * 10.c+1.0.0/16 and fd0c+1::/64; out SPI 0x1000 + c, in 0x2000 + c. */
static struct cfg *
fuzz_cfg(void)
{
	static char text[8192];
	struct conf_errors err = { 0 };
	size_t n;
	struct cfg *cfg;

	n = (size_t)snprintf(text, sizeof(text), "tun { name = fz0 }\n"
	    "dataplane { cipher_contexts = 1 }\nmanual {\n");
	for (unsigned c = 0; c < NCONN; c++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  c%u {\n"
		    "    local_addrs = 127.0.0.1\n"
		    "    remote_addrs = 127.0.0.1\n"
		    "    local_ts = 10.0.0.0/16, fd00::/64\n"
		    "    remote_ts = 10.%u.0.0/16, fd0%u::/64\n"
		    "    esp_proposals = %s\n    replay_window = %u\n", c,
		    c + 1, c + 1, suites[c].proposal, suites[c].window);
		n += conf_sa(text + n, sizeof(text) - n, c, 0, 0x1000 + c);
		n += conf_sa(text + n, sizeof(text) - n, c, 1, 0x2000 + c);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  }\n");
	}
	snprintf(text + n, sizeof(text) - n, "}\n");
	if ((cfg = cfg_parse(text, strlen(text), "fuzz", &err)) == NULL)
		die(err.msg[0]);
	return cfg;
}

/* The peer's SAs mirror ours: its out is our in, and the other way. */
static void
peer_conn_init(struct peer_conn *p, const struct cfg_conn *k)
{
	size_t salt = esp_suite_auth_key_len(k->suite) ? 0 : ESP_SALT_LEN;
	struct esp_sa_config out = { .spi = k->in.spi, .suite = k->suite,
	    .enc_key = k->in.enc_key, .enc_key_len = k->in.enc_key_len,
	    .auth_key = k->in.auth_key, .auth_key_len = k->in.auth_key_len,
	    .esn = k->esn };
	struct esp_sa_config in = { .spi = k->out.spi, .suite = k->suite,
	    .enc_key = k->out.enc_key, .enc_key_len = k->out.enc_key_len,
	    .auth_key = k->out.auth_key, .auth_key_len = k->out.auth_key_len,
	    .esn = k->esn, .replay_window = ESP_REPLAY_WINDOW_DEFAULT };

	if (esp_sa_new(&p->out, &out, ESP_DIR_OUT) != ESP_OK ||
	    esp_sa_new(&p->in, &in, ESP_DIR_IN) != ESP_OK)
		die("peer SA");
	p->spi_in = k->in.spi;
	p->esn = k->esn;
	/* The keys as the suite takes them, to seal raw payloads: an AEAD
	 * suite's enc_key ends in its salt (RFC 4106 §8.1, RFC 7634 §4). */
	p->ops = esp_suite_ops(k->suite);
	p->keys.enc_len = (uint8_t)(k->in.enc_key_len - salt);
	memcpy(p->keys.enc, k->in.enc_key, p->keys.enc_len);
	memcpy(p->keys.salt, k->in.enc_key + p->keys.enc_len, salt);
	p->keys.auth_len = (uint8_t)k->in.auth_key_len;
	memcpy(p->keys.auth, k->in.auth_key, p->keys.auth_len);
	if (p->ops->new != NULL &&
	    (p->seal_ctx = p->ops->new(&p->keys, true)) == NULL)
		die("seal context");
}

/* A UDP socket on 127.0.0.1, any port (in *bound), roomy enough for a
 * batch of ours. */
static int
loopback_socket(struct sockaddr_in *bound)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd, size = 1 << 20;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)bound, &len) < 0)
		die("loopback socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

/* IKE behind the non-ESP marker: the message must lie inside the
 * datagram (ASan sees every byte). */
static void
ike_input(void *arg, const uint8_t *msg, size_t len,
    const struct sockaddr_storage *from)
{
	(void)arg;
	(void)from;
	for (size_t i = 0; i < len; i++)
		touched ^= msg[i];
}

/* Only a packet that authenticated moves an SA, and only an SA of ours. */
static void
esp_moved(void *arg, uint32_t spi_in, const struct sockaddr_storage *from)
{
	(void)arg;
	(void)from;
	if (sad_lookup_in(&fz.sad, spi_in) == NULL)
		die("esp_moved for an SPI we do not have");
}

/* The addresses of a packet no SA carries lie inside it. */
static void
acquire(void *arg, int family, const uint8_t *src, const uint8_t *dst)
{
	size_t len = family == AF_INET6 ? 16 : 4;

	(void)arg;
	for (size_t i = 0; i < len; i++)
		touched ^= src[i] ^ dst[i];
}

static struct dp_range
range(int family, const char *first, const char *last)
{
	struct dp_range r = { .family = family };

	inet_pton(family, first, r.first);
	inet_pton(family, last, r.last);
	return r;
}

/* Once, before the first input: the data plane as the daemon runs it,
 * with the fuzz connections, a fake TUN, loopback sockets and pools to
 * answer unreachable with no rate limit to speak of; the peer's SAs. */
static void
setup(void)
{
	/* An address nobody holds, and connection 0's side (an SA leads
	 * there: administratively prohibited for other sources). */
	const struct dp_range pools[] = {
		range(AF_INET, "10.9.0.0", "10.9.255.255"),
		range(AF_INET, "10.1.0.0", "10.1.255.255"),
		range(AF_INET6, "fd09::", "fd09::ffff:ffff:ffff:ffff"),
		range(AF_INET6, "fd01::", "fd01::ffff:ffff:ffff:ffff"),
	};
	struct sockaddr_in peer, moved;
	socklen_t len = sizeof(fz.to);
	struct sad_conn *sc;

	log_set_level(LOG_ERR);
	fz.cfg = fuzz_cfg();
	((struct sockaddr_in *)&fz.cfg->conns[0].local)->sin_port = 0;
	if (sad_build(&fz.sad, fz.cfg) < 0 ||
	    tun_fake_open(&fz.tun, "fz0", &fz.tun_peer) < 0 ||
	    (fz.udp = udp_open(&fz.cfg->conns[0].local)) < 0 ||
	    dp_init(&fz.dp, fz.tun, fz.udp, &fz.sad, INNER_MTU) < 0 ||
	    dp_unreachable_set(&fz.dp, pools, sizeof(pools) / sizeof(pools[0]),
	    CFG_UNREACHABLE_MAX) < 0)
		die("data plane set-up");
	fz.dp.ike_input = ike_input;
	fz.dp.esp_moved = esp_moved;
	fz.dp.acquire = acquire;
	if (getsockname(fz.udp, (struct sockaddr *)&fz.to, &len) < 0)
		die("getsockname");
	fz.peer = loopback_socket(&peer);
	fz.moved = loopback_socket(&moved);
	for (unsigned c = 0; c < NCONN; c++) {
		peer_conn_init(&fz.pc[c], &fz.cfg->conns[c]);
		sc = fz.pc[c].ours = sad_lookup_in(&fz.sad, fz.pc[c].spi_in);
		sc->remote.v4 = peer;
		if (fz.pc[c].esn) {
			esp_sa_test_set_seq(fz.pc[c].out, ESN_START);
			esp_sa_test_set_seq(sc->out, ESN_START);
		}
	}
}

/*
 * The sequence number of the peer's next packet on p, from ctl (0..63):
 * mostly the next one; 32..47 one up to 75 back (a replay, inside or left
 * of the window); 48..63 one up to 1024 ahead. The counter moves past it.
 * A 32-bit counter jumps only in its lower half, so a run never uses it
 * up (RFC 4303 §3.3.3).
 */
static uint64_t
pick_seq(struct peer_conn *p, unsigned ctl)
{
	uint64_t next = esp_sa_seq(p->out), seq = next;

	if (ctl >= 32 && ctl < 48)
		seq = next > 1 + (ctl - 32) * 5 ? next - 1 - (ctl - 32) * 5 : 0;
	else if (ctl >= 48 && (p->esn || next < 1ULL << 31))
		seq = next + (uint64_t)(ctl - 47) * 64;
	return seq;
}

/* After a packet with seq: the peer's counter is past it. */
static void
peer_sent(struct peer_conn *p, uint64_t next, uint64_t seq)
{
	esp_sa_test_set_seq(p->out, seq + 1 > next ? seq + 1 : next);
}

/* inner[0..len) sealed by the peer with sequence number seq into
 * out[0..cap); returns the ESP packet's length, 0 if it may not fit. */
static size_t
peer_encap(struct peer_conn *p, uint64_t seq, uint8_t nh,
    const uint8_t *inner, size_t len, uint8_t *out, size_t cap)
{
	struct esp_pkt pkt = { scratch, sizeof(scratch), ESP_HEADROOM, len };
	uint64_t next = esp_sa_seq(p->out);

	if (len + ESP_HEADROOM + ESP_TAILROOM > cap)
		return 0;
	memcpy(scratch + ESP_HEADROOM, inner, len);
	esp_sa_test_set_seq(p->out, seq);
	if (esp_encap(p->out, &pkt, nh) != ESP_OK)
		die("peer esp_encap");
	peer_sent(p, next, seq);
	memcpy(out, pkt.base + pkt.off, pkt.len);
	return pkt.len;
}

/* SPI | seq | IV | plain | ICV into wire, plain (with the trailer in it,
 * whole cipher blocks) sealed by the suite as esp_encap() would
 * (esp/aead.h): it authenticates whatever the trailer says. */
static size_t
peer_seal(struct peer_conn *p, uint64_t seq, const uint8_t *plain,
    size_t len)
{
	const struct esp_aead_ops *ops = p->ops;
	struct esp_aad aad = { .len = ESP_HDR_LEN };
	struct buf_writer w;
	uint8_t *hdr, *iv, *data, *icv;
	uint64_t next = esp_sa_seq(p->out);

	buf_writer_init(&w, wire, WIRE_MAX);
	hdr = buf_reserve(&w, ESP_HDR_LEN);
	iv = buf_reserve(&w, ops->iv_len);
	data = buf_reserve(&w, len);
	icv = buf_reserve(&w, ops->icv_len);
	if (!buf_writer_ok(&w))
		return 0;
	buf_store_u32(hdr, p->spi_in);
	buf_store_u32(hdr + 4, (uint32_t)seq);
	memcpy(aad.b, hdr, ESP_HDR_LEN);
	if (p->esn) {
		buf_store_u32(aad.b + ESP_HDR_LEN, (uint32_t)(seq >> 32));
		aad.len += ESP_SEQ_HI_LEN;
	}
	memset(iv, 0, ops->iv_len);
	buf_store_u32(iv, (uint32_t)seq);
	memcpy(data, plain, len);
	if (ops->seal(p->seal_ctx, &p->keys, &aad, iv, data, len, icv) !=
	    ESP_OK)
		die("peer seal");
	peer_sent(p, next, seq);
	return w.len;
}

/*
 * Sends wire[0..len) to our data plane, as a GSO train cut every seg bytes
 * (made larger where more than UDP_MAX_SEGMENTS, 64, would be cut) when seg
 * is not 0 and len > seg, and has it taken in. Only the bytes sent are
 * addressable in the receive buffer the first datagram lands in, so a read
 * past them is an ASan report; with GRO the train lands there whole,
 * without it each datagram lies at the start of a buffer of its own.
 * false if the kernel refused to send it.
 */
static bool
deliver(size_t len, size_t seg, bool moved)
{
	struct dp_in_batch *b = &fz.dp.in.batch;
	union dp_cmsg ctl;
	uint16_t seg16;
	struct iovec iov = { wire, len };
	struct msghdr m = { .msg_name = &fz.to, .msg_namelen = sizeof(fz.to),
	    .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct pollfd pfd = { .fd = fz.udp, .events = POLLIN };

	if (seg != 0 && seg < (len + 63) / 64)
		seg = (len + 63) / 64;
	if (seg != 0 && len > seg) {
		seg16 = (uint16_t)seg;
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(seg16));
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(seg16));
		memcpy(CMSG_DATA(cm), &seg16, sizeof(seg16));
	}
	ASAN_UNPOISON_MEMORY_REGION(b->mem, b->buf_size);
	if (len < b->buf_size)		/* else truncated, and dropped */
		ASAN_POISON_MEMORY_REGION(b->mem + len, b->buf_size - len);
	if (sendmsg(moved ? fz.moved : fz.peer, &m, 0) != (ssize_t)len)
		return false;
	if (poll(&pfd, 1, 1000) != 1)
		die("a datagram sent on loopback did not arrive");
	while (dp_udp_to_tun(&fz.dp) > 0)
		;
	return true;
}

/* What our inbound SA of p dropped as forged, malformed or replayed. */
static uint64_t
drops_forged(const struct peer_conn *p)
{
	const struct esp_sa_stats *st = esp_sa_stats(p->ours->in);

	return st->drop_auth + st->drop_malformed + st->drop_replay;
}

/* Delivers what the peer sealed on p. If it never sent these sequence
 * numbers before, our SA may not drop them as forged, malformed or
 * replayed: that would be a key, a nonce, a shared cipher context or the
 * ESN inference gone wrong. */
static void
deliver_sealed(const struct peer_conn *p, size_t len, size_t seg,
    bool moved, bool fresh)
{
	uint64_t drops = drops_forged(p);

	if (deliver(len, seg, moved) && fresh && drops_forged(p) != drops)
		die("a packet sealed with a fresh sequence number was dropped "
		    "as forged, malformed or replayed");
}

/* Packets the data plane wrote into the TUN: each must be one of want[]
 * (NULL: none may come), in order. */
static void
expect_tun(const uint8_t *const *want, const size_t *want_len, unsigned n)
{
	static uint8_t got[WIRE_MAX];
	unsigned at = 0;
	ssize_t r;

	while ((r = recv(fz.tun_peer, got, sizeof(got), MSG_DONTWAIT)) >= 0) {
		if (want == NULL)
			die("an unauthenticated packet reached the TUN");
		while (at < n && (want_len[at] != (size_t)r ||
		    memcmp(want[at], got, (size_t)r) != 0))
			at++;
		if (at++ == n)
			die("the TUN got a packet the peer did not seal");
	}
}

/* Mode 2: byte 1 conn/seq, byte 2 next header (0: the IP version's). */
static void
run_encap(const uint8_t *data, size_t size, bool moved)
{
	struct peer_conn *p;
	const uint8_t *inner = data + 2;
	size_t inner_len = size - 2, len;
	uint64_t seq;
	bool fresh;
	uint8_t nh;

	if (size < 2)
		return;
	p = &fz.pc[data[0] & 3];
	nh = data[1] ? data[1] : inner_len && inner[0] >> 4 == 6 ?
	    ESP_NH_IPV6 : ESP_NH_IPV4;
	seq = pick_seq(p, data[0] >> 2);
	fresh = seq >= esp_sa_seq(p->out);
	if ((len = peer_encap(p, seq, nh, inner, inner_len, wire,
	    WIRE_MAX)) == 0)
		return;
	deliver_sealed(p, len, 0, moved, fresh);
	expect_tun(&inner, &inner_len, 1);
}

/* Mode 3: byte 1 conn/seq, then the plaintext with its trailer; what
 * reaches the TUN is the plaintext less padding, pad length and next
 * header, if they are right (RFC 4303 §2.4). */
static void
run_seal(const uint8_t *data, size_t size, bool moved)
{
	struct peer_conn *p;
	const uint8_t *plain = data + 1;
	size_t cut, inner_len = 0, len;
	uint64_t seq;
	bool fresh;

	if (size < 1)
		return;
	p = &fz.pc[data[0] & 3];
	/* Shorter than a trailer it is malformed: mode 0's. */
	if ((cut = (size - 1) - (size - 1) % p->ops->align) < ESP_TRAILER_LEN)
		return;
	seq = pick_seq(p, data[0] >> 2);
	fresh = seq >= esp_sa_seq(p->out);
	if ((len = peer_seal(p, seq, plain, cut)) == 0)
		return;
	deliver_sealed(p, len, 0, moved, fresh);
	if (cut - ESP_TRAILER_LEN >= plain[cut - 2])
		inner_len = cut - ESP_TRAILER_LEN - plain[cut - 2];
	expect_tun(&plain, &inner_len, 1);
}

/* Mode 4: byte 1 conn, byte 2 inner length - 20; the rest cut so, each
 * piece sealed with the next sequence number, all one GSO train cut at the
 * first ESP packet's length (only the last may be shorter). */
static void
run_train(const uint8_t *data, size_t size, bool moved)
{
	const uint8_t *inner[DP_BATCH];
	size_t inner_len[DP_BATCH], piece, at = 2, len = 0, seg = 0, n;
	struct peer_conn *p;
	unsigned i;
	uint8_t nh;

	if (size < 2)
		return;
	p = &fz.pc[data[0] & 3];
	piece = 20 + (size_t)data[1];
	for (i = 0; i < DP_BATCH && at < size; i++) {
		inner[i] = data + at;
		inner_len[i] = size - at < piece ? size - at : piece;
		nh = inner[i][0] >> 4 == 6 ? ESP_NH_IPV6 : ESP_NH_IPV4;
		if ((n = peer_encap(p, esp_sa_seq(p->out), nh, inner[i],
		    inner_len[i], wire + len, sizeof(wire) - len)) == 0)
			break;
		if (seg == 0)
			seg = n;
		len += n;
		at += inner_len[i];
	}
	if (i == 0)
		return;
	deliver_sealed(p, len, seg, moved, true);
	expect_tun(inner, inner_len, i);
}

/* Our inbound SA's peer for what went out on SA spi, or NULL. */
static struct peer_conn *
peer_by_spi_out(uint32_t spi)
{
	for (unsigned c = 0; c < NCONN; c++)
		if (esp_sa_spi(fz.pc[c].in) == spi)
			return &fz.pc[c];
	return NULL;
}

/* What our data plane sent (the peer socket's queue): every datagram
 * opens with the peer's inbound SA to the next of rec[] it carried, the
 * IP version's next header with it, and there are as many as counted. */
static void
check_sent(const uint8_t *const *rec, const size_t *rec_len, unsigned n,
    uint64_t counted)
{
	struct esp_pkt pkt;
	struct peer_conn *p;
	unsigned at = 0;
	uint32_t spi;
	uint8_t nh;
	ssize_t r;

	while ((r = recv(fz.peer, scratch, sizeof(scratch), MSG_DONTWAIT)) >=
	    0) {
		pkt = (struct esp_pkt){ scratch, sizeof(scratch), 0,
		    (size_t)r };
		if (!esp_peek_spi(scratch, pkt.len, &spi) ||
		    (p = peer_by_spi_out(spi)) == NULL ||
		    esp_decap(p->in, &pkt, &nh) != ESP_OK)
			die("a datagram sent does not open with the peer's SA");
		if (nh != (scratch[pkt.off] >> 4 == 6 ? ESP_NH_IPV6 :
		    ESP_NH_IPV4))
			die("next header is not the inner IP version");
		while (at < n && (rec_len[at] != pkt.len ||
		    memcmp(rec[at], scratch + pkt.off, pkt.len) != 0))
			at++;
		if (at++ == n)
			die("sent a packet the TUN did not give, or out of order");
		if (counted-- == 0)
			die("more datagrams sent than counted");
	}
	if (counted != 0)
		die("a datagram counted as sent did not arrive");
}

/*
 * Where the quote starts in an ICMP error our data plane wrote into the
 * TUN (icmp_unreachable.h), or 0 if it is not a right one: Destination
 * Unreachable, IPv4 with header and ICMP checksums right (RFC 791, RFC
 * 792) within 576 bytes (RFC 1812 §4.3.2.3), or IPv6 with the ICMPv6
 * checksum over the pseudo-header right (RFC 4443 §2.3) within 1280 bytes
 * (§2.4(c)). A right checksum sums to 0 (common/inet_csum.h).
 */
static size_t
icmp_quote_at(const uint8_t *e, size_t len)
{
	uint8_t pseudo[8] = { 0 }, vihl;
	uint16_t total, plen;
	struct buf_reader r;
	uint32_t sum;

	buf_reader_init(&r, e, len);
	if (!buf_get_u8(&r, &vihl) || !buf_skip(&r, 1))
		return 0;
	if (vihl == 0x45)
		return len >= 20 + 8 && len <= 576 &&
		    buf_get_u16(&r, &total) && total == len &&
		    e[9] == IPPROTO_ICMP && e[20] == 3 &&
		    inet_csum(e, 20) == 0 && inet_csum(e + 20, len - 20) == 0 ?
		    20 + 8 : 0;
	if (vihl >> 4 != 6 || len < 40 + 8 || len > ICMP_UNREACHABLE_MAX ||
	    !buf_skip(&r, 2) || !buf_get_u16(&r, &plen) ||
	    40 + (size_t)plen != len || e[6] != IPPROTO_ICMPV6 || e[40] != 1)
		return 0;
	buf_store_u32(pseudo, plen);
	pseudo[7] = IPPROTO_ICMPV6;
	sum = inet_csum_add(0, e + 8, 32);	/* source, destination */
	sum = inet_csum_add(sum, pseudo, sizeof(pseudo));
	sum = inet_csum_add(sum, e + 40, plen);
	return inet_csum_fold(sum) == 0 ? 40 + 8 : 0;
}

/* Every packet our data plane wrote into the TUN while taking rec[] from
 * it is an ICMP error quoting the start of one of them. */
static void
check_unreachable(const uint8_t *const *rec, const size_t *rec_len,
    unsigned n)
{
	static uint8_t e[WIRE_MAX];
	size_t at, len;
	ssize_t r;
	unsigned i;

	while ((r = recv(fz.tun_peer, e, sizeof(e), MSG_DONTWAIT)) >= 0) {
		len = (size_t)r;
		if ((at = icmp_quote_at(e, len)) == 0)
			die("the TUN got something other than a right ICMP "
			    "Destination Unreachable");
		for (i = 0; i < n; i++)
			if (len - at <= rec_len[i] &&
			    memcmp(rec[i], e + at, len - at) == 0)
				break;
		if (i == n)
			die("an ICMP error quotes no packet read from the TUN");
	}
}

/* Mode 5: records [u16 length][packet] (the length cut to what is left
 * and to the MTU) written to the TUN, then one batch after another. */
static void
run_tun(const uint8_t *data, size_t size)
{
	const uint8_t *rec[MAX_RECORDS];
	size_t rec_len[MAX_RECORDS];
	uint64_t sent = fz.dp.out.cnt.packets;
	struct buf_reader r;
	unsigned n = 0;
	uint16_t len;

	buf_reader_init(&r, data, size);
	while (n < MAX_RECORDS && buf_get_u16(&r, &len)) {
		rec_len[n] = len;
		if (rec_len[n] > buf_remaining(&r))
			rec_len[n] = buf_remaining(&r);
		if (rec_len[n] > INNER_MTU)
			rec_len[n] = INNER_MTU;
		if (!buf_get_bytes(&r, rec_len[n], &rec[n]) ||
		    write(fz.tun_peer, rec[n], rec_len[n]) !=
		    (ssize_t)rec_len[n])
			break;
		n++;
	}
	while (dp_tun_to_udp(&fz.dp) == DP_BATCH)
		;
	check_sent(rec, rec_len, n, fz.dp.out.cnt.packets - sent);
	check_unreachable(rec, rec_len, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	size_t len = size > 1 ? size - 1 : 0;
	bool moved;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1 || len > WIRE_MAX)
		return 0;
	moved = data[0] & 0x80;
	switch ((data[0] & 0x7f) % NMODES) {
	case MODE_RAW:
		memcpy(wire, data + 1, len);
		deliver(len, 0, moved);
		expect_tun(NULL, NULL, 0);
		break;
	case MODE_RAW_TRAIN:
		if (len < 1)
			break;
		memcpy(wire, data + 2, len - 1);
		deliver(len - 1, data[1] ? data[1] : 1, moved);
		expect_tun(NULL, NULL, 0);
		break;
	case MODE_ENCAP:
		run_encap(data + 1, len, moved);
		break;
	case MODE_SEAL:
		run_seal(data + 1, len, moved);
		break;
	case MODE_TRAIN:
		run_train(data + 1, len, moved);
		break;
	case MODE_TUN:
		run_tun(data + 1, len);
		break;
	}
	/* Nothing is left for the next input. */
	while (recv(fz.peer, scratch, sizeof(scratch), MSG_DONTWAIT) >= 0 ||
	    recv(fz.moved, scratch, sizeof(scratch), MSG_DONTWAIT) >= 0 ||
	    recv(fz.tun_peer, scratch, sizeof(scratch), MSG_DONTWAIT) >= 0)
		;
	return 0;
}
