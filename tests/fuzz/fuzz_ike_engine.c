/*
 * tests/fuzz/fuzz_ike_engine.c — libFuzzer harness over the IKE engine's
 * exchanges (ike/exchange_*.c), not only its parser: two engines, a CCU
 * (initiator) and a concentrator (responder), talk over an in-memory
 * network; the fuzzer's message goes to one of them at a chosen point of
 * an exchange.
 *
 * Most of what a peer can send arrives inside SK{} (RFC 7296 §3.14),
 * which a fuzzer cannot forge: the engine authenticates before it parses.
 * So the harness runs IKE_SA_INIT (and IKE_AUTH) for real, takes the new
 * IKE SA's keys from the engine's key report (io.ike_keys, what a key log
 * gets) and seals the fuzzer's bytes as the inner payload chain of an
 * SK{} or SKF{} (RFC 7383) with them, as an authenticated peer would.
 *
 * Properties: no crash, no out-of-bounds access, no undefined behaviour,
 * no leak (ASan/UBSan/LSan), whatever the peer sends and whenever; each
 * input ends with the clock run past every retransmission and timeout,
 * and no timer may stay due after a tick (a busy loop in the daemon).
 *
 * Input: byte 0 the scenario (enum scenario), byte 1 the exchange type
 * and flags to use (encrypted scenarios), byte 2 the first inner payload
 * type, byte 3 SK{} or SKF{} n of m; the rest is the message (raw
 * scenarios) or the inner payload chain (encrypted ones).
 *
 * Credentials: the unit tests' PKI (tests/certs/make_pki.sh) in
 * $UIPSEC_TEST_PKI, its int/ tree as swanctl directory of both. Seeds:
 * FUZZ_IKE_SEEDS=DIR writes a new corpus (seed_corpus() below);
 * FUZZ_IKE_LOG=1 keeps the engines' info lines.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "common/log.h"
#include "ike/ike.h"
#include "ike/ikev2_wire.h"
#include "ike/message.h"
#include "ike/payload_sk.h"
#include "ike/sk.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum scenario {
	RESP_RAW,		/* any datagram to the responder */
	INIT_RAW_REPLY,		/* to the initiator waiting for IKE_SA_INIT */
	RESP_AUTH,		/* SK{} as the IKE_AUTH request */
	INIT_AUTH_REPLY,	/* SK{} as the IKE_AUTH response */
	RESP_REQUEST,		/* SK{} request to an established responder */
	INIT_REQUEST,		/* SK{} request to an established initiator */
	INIT_REPLY,		/* SK{} response to the initiator's request */
	RESP_REPLY,		/* SK{} response to the responder's request */
	N_SCENARIOS
};

#define CCU	0
#define CONC	1
#define QUEUE_MAX	32
#define MSG_MAX		8192
#define KEY_MAX		64

struct dgram {
	int			 to;
	struct sockaddr_storage	 src, dst;
	size_t			 len;
	uint8_t			 b[MSG_MAX];
};

/* The keys of an engine's newest IKE SA, copied from its key report. */
struct sa_keys {
	bool		 have;
	uint64_t	 spi_i, spi_r;
	uint16_t	 encr, encr_bits, integ;
	uint8_t		 sk_ei[KEY_MAX], sk_er[KEY_MAX];
	uint8_t		 sk_ai[KEY_MAX], sk_ar[KEY_MAX];
};

struct side {
	struct ike_config	 cfg;
	struct ike_engine	*e;
	struct sockaddr_storage	 addr;
	/* Where it sent last (port 4500 after a NAT-T switch, §2.23): the
	 * fuzzer's messages come from there. */
	struct sockaddr_storage	 sent_from, sent_to;
	struct sa_keys		 keys;
};

static struct side side[2];
static const char *seed_dir;	/* FUZZ_IKE_SEEDS: make the seed corpus */
static void	seed_dump(const uint8_t *p, size_t len);
static struct dgram queue[QUEUE_MAX];
static size_t n_queued;
static uint64_t now = 1000000;	/* runs on from one input to the next */

static const char ccu_conf[] =
    "connections {\n"
    "  ccu {\n"
    "    local_addrs = 10.0.0.1\n"
    "    remote_addrs = 10.0.0.2\n"
    "    proposals = aes256-sha256-x25519\n"
    "    vips = 0.0.0.0\n"
    "    dpd_delay = 60s\n"
    "    rekey_time = 8m\n"
    "    local { certs = ccu-ec.pem }\n"
    "    remote { id = \"C=DE, O=uipsec test, CN=vpn-ec384\" }\n"
    "    children { home { remote_ts = 10.10.2.0/24\n"
    "      esp_proposals = aes256-sha1, aes256gcm16 } }\n"
    "  }\n"
    "}\n";

static const char conc_conf[] =
    "connections {\n"
    "  fleet {\n"
    "    local_addrs = 10.0.0.2\n"
    "    proposals = aes256-sha256-x25519, aes256gcm16-prfsha256-ecp256\n"
    "    pools = ccus\n"
    "    unique = replace\n"
    "    local { certs = vpn-ec384.pem }\n"
    "    remote { id = \"C=DE, O=uipsec test, CN=*\" }\n"
    "    children { home { local_ts = 10.10.2.0/24\n"
    "      rekey_time = 4m\n"
    "      esp_proposals = aes256-sha1, aes256gcm16 } }\n"
    "  }\n"
    "}\n"
    "pools { ccus { addrs = 10.10.1.0/24 } }\n";

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_ike_engine: %s\n", what);
	abort();	/* libFuzzer keeps the input */
}

static void
addr4(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

static int
side_of(void *arg)
{
	return (int)((struct side *)arg - side);
}

/* The network: a queue; when full, datagrams are lost (as on a wire). */
static int
io_send(void *arg, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *msg, size_t len)
{
	struct side *from = arg;
	struct dgram *d;

	from->sent_from = *local;
	from->sent_to = *remote;
	if (seed_dir != NULL)
		seed_dump(msg, len);
	if (n_queued == QUEUE_MAX || len > MSG_MAX)
		return 0;
	d = &queue[n_queued++];
	d->to = 1 - side_of(arg);
	d->src = *local;
	d->dst = *remote;
	d->len = len;
	memcpy(d->b, msg, len);
	return 0;
}

static int
io_child_install(void *arg, const struct ike_child_install *c)
{
	(void)arg;
	(void)c;
	return 0;
}

static void
io_child_remove(void *arg, uint32_t spi_in, uint32_t spi_out)
{
	(void)arg;
	(void)spi_in;
	(void)spi_out;
}

/* No ESP flows in this network: counters that never move (DPD and the
 * cached response's release read them, as uipsecd's data plane answers). */
static int
io_child_counters(void *arg, uint32_t spi_in, uint32_t spi_out,
    struct ike_child_counters *out)
{
	(void)arg;
	(void)spi_in;
	(void)spi_out;
	memset(out, 0, sizeof(*out));
	return 0;
}

static void
copy_key(uint8_t *dst, const uint8_t *src, size_t len)
{
	if (src != NULL && len <= KEY_MAX)
		memcpy(dst, src, len);
}

static void
io_ike_keys(void *arg, const struct ike_keys_report *k)
{
	struct sa_keys *s = &side[side_of(arg)].keys;

	s->have = k->encr_len <= KEY_MAX && k->integ_len <= KEY_MAX;
	s->spi_i = k->spi_i;
	s->spi_r = k->spi_r;
	s->encr = k->encr;
	s->encr_bits = k->encr_bits;
	s->integ = k->integ;
	copy_key(s->sk_ei, k->sk_ei, k->encr_len);
	copy_key(s->sk_er, k->sk_er, k->encr_len);
	copy_key(s->sk_ai, k->sk_ai, k->integ_len);
	copy_key(s->sk_ar, k->sk_ar, k->integ_len);
}

/* Delivers queued datagrams, oldest first, until none is left or `max`
 * went through. */
static void
run(size_t max)
{
	struct dgram d;

	while (n_queued > 0 && max-- > 0) {
		d = queue[0];
		memmove(&queue[0], &queue[1], --n_queued * sizeof(queue[0]));
		ike_engine_input(side[d.to].e, &d.dst, &d.src, d.b, d.len, now);
	}
}

/* Drops the oldest queued datagram (a request the fuzzer answers). */
static void
drop(void)
{
	if (n_queued > 0)
		memmove(&queue[0], &queue[1], --n_queued * sizeof(queue[0]));
}

/* Runs both engines' clocks until neither has a deadline left or ten
 * simulated minutes have passed: retransmissions, give-ups, the half-open
 * timeout, DPD, and the rekeys the configurations make short (the
 * concentrator's CHILD_SAs at 4 minutes, the CCU's IKE SA at 8). */
static void
run_clock(void)
{
	uint64_t end = now + 600 * 1000, next;
	int i, rounds = 0;

	while (rounds++ < 200) {
		next = UINT64_MAX;
		for (i = 0; i < 2; i++)
			if (ike_engine_next(side[i].e) < next)
				next = ike_engine_next(side[i].e);
		if (next == UINT64_MAX || next > end)
			break;
		now = next > now ? next : now;
		for (i = 0; i < 2; i++) {
			ike_engine_tick(side[i].e, now);
			/* A deadline a tick does not move is a busy loop in
			 * the daemon (its epoll timeout stays 0). */
			if (ike_engine_next(side[i].e) <= now)
				die("a timer stays due after the tick");
		}
		run(8);
	}
}

/* Both engines, made once: loading credentials costs more than most
 * inputs (OpenSSL 3.0's key decoders). */
static void
start(void)
{
	struct ike_io io = { .send = io_send,
	    .child_install = io_child_install,
	    .child_remove = io_child_remove,
	    .child_counters = io_child_counters, .ike_keys = io_ike_keys };
	int i;

	n_queued = 0;
	for (i = 0; i < 2; i++) {
		memset(&side[i].keys, 0, sizeof(side[i].keys));
		if (side[i].e != NULL)
			continue;
		io.arg = &side[i];
		if ((side[i].e = ike_engine_new(&side[i].cfg, &io, now)) == NULL)
			die("an engine refused its configuration");
	}
}

static void
count_sa(void *arg, const struct ike_sa_status *st)
{
	(void)st;
	++*(size_t *)arg;
}

/* Ends the input: both sides delete what they have, the clock runs past
 * every retransmission and timeout. Engines left with an IKE SA or an
 * address leased to one are made anew for the next input, so that inputs
 * do not build on each other (the CCU's address, kept for its identity in
 * the pool's grace time, is the same at every input). */
static void
stop(void)
{
	uint64_t size, online = 1, offline;
	size_t n = 0;
	int i;

	run_clock();
	ike_engine_terminate(side[CCU].e, "ccu", now);
	ike_engine_terminate(side[CONC].e, "fleet", now);
	run(QUEUE_MAX);
	run_clock();
	n_queued = 0;
	for (i = 0; i < 2; i++)
		ike_engine_foreach(side[i].e, count_sa, &n);
	if (n == 0 && ike_engine_pool_stats(side[CONC].e, "ccus", &size,
	    &online, &offline) && online == 0)
		return;
	for (i = 0; i < 2; i++) {
		ike_engine_free(side[i].e);
		side[i].e = NULL;
	}
}

/* The SK{} suite and the keys of messages the original initiator sends
 * (from_initiator) or the responder sends, of the IKE SA k (§2.14). */
static int
sk_of(const struct sa_keys *k, bool from_initiator, struct ike_sk_suite *s,
    struct ike_sk_keys *sk)
{
	struct ike_chosen c = { 0 };

	c.xf[IKEV2_XF_ENCR] = (struct ike_transform){ .type = IKEV2_XF_ENCR,
	    .id = k->encr, .key_bits = k->encr_bits };
	if (k->integ)
		c.xf[IKEV2_XF_INTEG] = (struct ike_transform){
		    .type = IKEV2_XF_INTEG, .id = k->integ };
	sk->encr = from_initiator ? k->sk_ei : k->sk_er;
	sk->integ = k->integ ? (from_initiator ? k->sk_ai : k->sk_ar) : NULL;
	return ike_sk_suite_init(s, &c);
}

/* Seals `inner` (its first payload of type `first`) in SK{} — or SKF{}
 * fragment num of total — of a message with header h, with the keys of
 * the sender: the original initiator's (SK_ei/SK_ai) or the responder's.
 * The message goes to side `to`. */
static void
send_sealed(int to, const struct sa_keys *k, const struct ike_header *h,
    bool from_initiator, uint8_t first, uint16_t num, uint16_t total,
    const uint8_t *inner, size_t len)
{
	struct ike_sk_suite s;
	struct ike_sk_keys sk;
	struct ike_builder b, in;
	struct dgram *d;
	long n;

	if (sk_of(k, from_initiator, &s, &sk) != 0 || n_queued == QUEUE_MAX)
		return;
	d = &queue[n_queued];
	ike_build_msg(&b, d->b, sizeof(d->b), h);
	if (!ike_sk_begin(&b, &in, num, total, s.iv_len) ||
	    !buf_put_bytes(&in.w, inner, len))
		return;
	in.first = first;
	if ((n = ike_sk_seal(&b, &in, &s, &sk)) < 0)
		return;
	d->to = to;
	d->src = side[1 - to].sent_from;
	d->dst = side[1 - to].sent_to;
	d->len = (size_t)n;
	n_queued++;
}

/* The header of a message of the IKE SA whose keys are k. Byte `sel`
 * picks the exchange (mostly the usual one, `usual`) and whether the
 * fuzzer's flags replace the right ones. */
static struct ike_header
header(const struct sa_keys *k, uint8_t sel, uint8_t usual, uint8_t flags,
    uint32_t msg_id)
{
	static const uint8_t exchanges[] = { IKEV2_EXCH_IKE_SA_INIT,
	    IKEV2_EXCH_IKE_AUTH, IKEV2_EXCH_CREATE_CHILD_SA,
	    IKEV2_EXCH_INFORMATIONAL, IKEV2_EXCH_IKE_INTERMEDIATE, 0 };
	struct ike_header h = { .spi_i = k->spi_i, .spi_r = k->spi_r,
	    .version = 0x20, .exchange = usual, .flags = flags,
	    .msg_id = msg_id };

	if (sel & 0x80)
		h.exchange = exchanges[(sel >> 4) % sizeof(exchanges)];
	if (sel & 0x08)
		h.flags = sel & IKEV2_FLAGS_KNOWN;
	if (sel & 0x04)
		h.msg_id += sel & 0x03;
	return h;
}

/* IKE_SA_INIT between the two, for real; the initiator's IKE_AUTH
 * request is left queued. False if it did not get that far. */
static bool
sa_init(void)
{
	if (ike_engine_initiate(side[CCU].e, "ccu", now) != 0)
		return false;
	run(2);
	return side[CCU].keys.have && side[CONC].keys.have && n_queued > 0;
}

/* Both exchanges of a set-up, for real: an established IKE SA. */
static bool
establish(void)
{
	if (!sa_init())
		return false;
	run(8);
	return n_queued == 0;
}

/* Side who rekeys its CHILD_SAs (or with ike, its IKE SA) now: the
 * engine starts the exchange at its next tick. */
static void
rekey(int who, bool ike)
{
	ike_engine_rekey(side[who].e, who == CCU ? "ccu" : "fleet", ike, now);
	ike_engine_tick(side[who].e, now);
}

/* The initiator's request, answered by the fuzzer: 0 rekeys the
 * CHILD_SA, 1 the IKE SA, 2 deletes the IKE SA, 3 probes (DPD). */
static bool
initiator_request(uint8_t which)
{
	switch (which % 4) {
	case 0:
	case 1:
		rekey(CCU, which % 4);
		break;
	case 2:
		ike_engine_terminate(side[CCU].e, "ccu", now);
		break;
	default:
		/* RFC 7296 §2.4: an idle SA is probed after dpd_delay; the
		 * clock runs until the probe is queued. */
		for (int i = 0; i < 100 && n_queued == 0; i++) {
			uint64_t next = ike_engine_next(side[CCU].e);

			if (next == UINT64_MAX)
				return false;
			now = next > now ? next : now;
			ike_engine_tick(side[CCU].e, now);
		}
	}
	return n_queued > 0;
}

/*
 * The seed corpus (tests/fuzz/corpus_ike_engine): with FUZZ_IKE_SEEDS=DIR
 * the harness runs a whole life of an IKE SA (set-up, CHILD_SA and IKE SA
 * rekeys by either side, delete) without fragmentation and writes each
 * message as the input of the scenario that would send it: the outer
 * message for IKE_SA_INIT, the decrypted inner payload chain otherwise.
 */
static unsigned seed_action;	/* initiator_request()'s choice, now */
static unsigned n_seeds;

static void
seed_write(enum scenario sc, uint8_t sel, uint8_t first, const uint8_t *p,
    size_t len)
{
	uint8_t head[4] = { (uint8_t)sc, sel, first, 0 };
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%u-%02u", seed_dir, (unsigned)sc,
	    n_seeds++);
	if ((f = fopen(path, "w")) == NULL || fwrite(head, 1, 4, f) != 4 ||
	    fwrite(p, 1, len, f) != len || fclose(f) != 0)
		die("cannot write a seed");
}

/* The inner payload chain of message m (SK{} its last payload), in
 * plain: its length, or 0 if it does not decrypt with either side's
 * keys. */
static size_t
seed_inner(struct ike_msg *m, uint8_t *plain, size_t cap)
{
	const struct ike_payload *skp = &m->pl[m->n_payloads - 1];
	bool from_init = m->hdr.flags & IKEV2_FLAG_INITIATOR;
	struct ike_sk_parts parts;
	struct ike_sk_suite s;
	struct ike_sk_keys sk;
	size_t len;
	int i;

	for (i = 0; i < 2; i++) {
		struct sa_keys *k = &side[i].keys;

		if (!k->have || k->spi_i != m->hdr.spi_i ||
		    k->spi_r != m->hdr.spi_r || sk_of(k, from_init, &s, &sk) != 0 ||
		    !ike_sk_split(m, skp, s.iv_len, s.block_len, s.icv_len,
		    &parts) || parts.enc.len > cap ||
		    ike_sk_decrypt(m, &s, &sk, plain, cap, NULL) != IKE_SK_OK ||
		    !ike_sk_unpad(plain, parts.enc.len, &len))
			continue;
		return len;
	}
	return 0;
}

static void
seed_dump(const uint8_t *p, size_t len)
{
	static struct ike_msg m;
	static uint8_t plain[MSG_MAX];
	bool resp, from_init;
	uint8_t first, sel;
	size_t n;

	if (ike_msg_parse(&m, p, len) != IKE_PARSE_OK)
		return;
	resp = m.hdr.flags & IKEV2_FLAG_RESPONSE;
	from_init = m.hdr.flags & IKEV2_FLAG_INITIATOR;
	if (m.hdr.exchange == IKEV2_EXCH_IKE_SA_INIT) {
		seed_write(resp ? INIT_RAW_REPLY : RESP_RAW, 0, 0, p, len);
		return;
	}
	if (m.n_payloads == 0 || m.pl[m.n_payloads - 1].type != IKEV2_PL_SK)
		return;
	first = m.pl[m.n_payloads - 1].u.sk.first_inner;
	if ((n = seed_inner(&m, plain, sizeof(plain))) == 0)
		return;
	/* header()'s choice of CREATE_CHILD_SA: exchanges[2] */
	sel = m.hdr.exchange == IKEV2_EXCH_CREATE_CHILD_SA ? 0xa0 : 0;
	if (m.hdr.exchange == IKEV2_EXCH_IKE_AUTH)
		seed_write(resp ? INIT_AUTH_REPLY : RESP_AUTH, 0, first, plain,
		    n);
	else if (!resp)
		seed_write(from_init ? RESP_REQUEST : INIT_REQUEST, sel, first,
		    plain, n);
	else if (!from_init)
		seed_write(INIT_REPLY, (uint8_t)seed_action, first, plain, n);
	else
		seed_write(RESP_REPLY, (uint8_t)(seed_action & 1), first, plain,
		    n);
}

static void
seed_corpus(void)
{
	start();
	ike_engine_set_fragment_size(side[CCU].e, 0);
	ike_engine_set_fragment_size(side[CONC].e, 0);
	if (!establish())
		die("no IKE SA for the seeds");
	for (seed_action = 0; seed_action < 2; seed_action++) {
		rekey(CCU, seed_action);
		run(QUEUE_MAX);
		rekey(CONC, seed_action);
		run(QUEUE_MAX);
	}
	seed_action = 2;
	ike_engine_terminate(side[CCU].e, "ccu", now);
	run(QUEUE_MAX);
	fprintf(stderr, "fuzz_ike_engine: %u seeds in %s\n", n_seeds, seed_dir);
}

static void
scenario(enum scenario sc, uint8_t sel, uint8_t first, uint8_t frag,
    const uint8_t *p, size_t len)
{
	struct sa_keys *ki = &side[CCU].keys;
	struct ike_header h;
	uint16_t num = 0, total = 0;
	uint8_t spi_i[8];
	struct dgram *d;

	if (frag & 0x80) {		/* SKF{}: fragment num of total */
		total = (uint16_t)((frag & 0x07) + 1);
		num = (uint16_t)(((frag >> 3) & 0x07) % total + 1);
	}
	switch (sc) {
	case RESP_RAW:
		if (len > MSG_MAX)
			return;
		d = &queue[n_queued++];
		d->to = CONC;
		d->src = side[CCU].addr;
		d->dst = side[CONC].addr;
		memcpy(d->b, p, len);
		d->len = len;
		break;
	case INIT_RAW_REPLY:
		/* The fuzzer's IKE_SA_INIT response, under the SPI the
		 * initiator chose (§3.1), so that it reaches the SA. */
		if (ike_engine_initiate(side[CCU].e, "ccu", now) != 0 ||
		    n_queued != 1 || len > MSG_MAX)
			return;
		d = &queue[0];
		memcpy(spi_i, d->b, sizeof(spi_i));
		d->to = CCU;
		d->src = side[CONC].addr;
		d->dst = side[CCU].addr;
		memcpy(d->b, p, len);
		if (len >= sizeof(spi_i))
			memcpy(d->b, spi_i, sizeof(spi_i));
		d->len = len;
		break;
	case RESP_AUTH:
		if (!sa_init())
			return;
		drop();
		h = header(ki, sel, IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR,
		    1);
		send_sealed(CONC, ki, &h, true, first, num, total, p, len);
		break;
	case INIT_AUTH_REPLY:
		if (!sa_init())
			return;
		drop();
		h = header(ki, sel, IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_RESPONSE,
		    1);
		send_sealed(CCU, ki, &h, false, first, num, total, p, len);
		break;
	case RESP_REQUEST:
		if (!establish())
			return;
		h = header(ki, sel, IKEV2_EXCH_INFORMATIONAL,
		    IKEV2_FLAG_INITIATOR, 2);
		send_sealed(CONC, ki, &h, true, first, num, total, p, len);
		break;
	case INIT_REQUEST:
		if (!establish())
			return;
		h = header(ki, sel, IKEV2_EXCH_INFORMATIONAL, 0, 0);
		send_sealed(CCU, ki, &h, false, first, num, total, p, len);
		break;
	case INIT_REPLY:
		if (!establish() || !initiator_request(sel))
			return;
		drop();
		h = header(ki, sel & 0x8f, (sel % 4) < 2 ?
		    IKEV2_EXCH_CREATE_CHILD_SA : IKEV2_EXCH_INFORMATIONAL,
		    IKEV2_FLAG_RESPONSE, 2);
		send_sealed(CCU, ki, &h, false, first, num, total, p, len);
		break;
	case RESP_REPLY:
		if (!establish())
			return;
		rekey(CONC, sel & 1);
		if (n_queued == 0)
			return;
		drop();
		h = header(ki, sel & 0x8e, IKEV2_EXCH_CREATE_CHILD_SA,
		    IKEV2_FLAG_INITIATOR | IKEV2_FLAG_RESPONSE, 0);
		send_sealed(CONC, ki, &h, true, first, num, total, p, len);
		break;
	default:
		return;
	}
	run(QUEUE_MAX);
}

static void
load(struct side *s, const char *name, const char *text, const char *creds)
{
	struct conf_errors err = { 0 };

	if (ike_config_parse(&s->cfg, text, strlen(text), name, creds,
	    &err) != 0)
		die(err.count ? err.msg[0] : "a swanctl.conf does not load");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *pki = getenv("UIPSEC_TEST_PKI");
	char creds[4096];

	(void)argc;
	(void)argv;
	if (pki == NULL)
		die("set UIPSEC_TEST_PKI to the test PKI (tests/certs)");
	snprintf(creds, sizeof(creds), "%s/int", pki);
	load(&side[CCU], "ccu.conf", ccu_conf, creds);
	load(&side[CONC], "conc.conf", conc_conf, creds);
	addr4(&side[CCU].addr, "10.0.0.1", 500);
	addr4(&side[CONC].addr, "10.0.0.2", 500);
	if (getenv("FUZZ_IKE_LOG") == NULL)
		log_set_level(LOG_ERR);
	if ((seed_dir = getenv("FUZZ_IKE_SEEDS")) != NULL) {
		seed_corpus();
		exit(0);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	start();
	scenario((enum scenario)(data[0] % N_SCENARIOS), data[1], data[2],
	    data[3], data + 4, size - 4);
	stop();
	return 0;
}
