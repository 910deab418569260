/*
 * `uipsec pcap`'s packet view (tools/uipsec/pcap.h) without libpcap:
 * the classifier over every supported link type, IPv4/IPv6 (extension
 * headers, fragments), UDP 500/4500 (non-ESP marker, keepalive) and raw
 * ESP; every prefix of a frame classified without reading past it; ESP of
 * every suite, with and without ESN, decrypted to the identical inner
 * packet with verdicts ok / replay / bad ICV / unknown SPI and the gap
 * count; an IKE message's SK{} opened with its keys (inner payload chain),
 * refused when tampered, "unknown SPI" without keys, retransmissions.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike.h"
#include "ike/ikev2_wire.h"
#include "ike/proposal.h"
#include "ike/sk.h"
#include "ike_testlib.h"
#include "test_esp_util.h"
#include "tools/uipsec/pcap.h"

#define SRC4	"192.0.2.1"
#define DST4	"192.0.2.2"

/* IPv4 (RFC 791) or IPv6 (RFC 8200) around a transport of proto. */
static size_t
ip_wrap(uint8_t *out, int family, uint8_t proto, const uint8_t *l4,
    size_t len)
{
	size_t h = family == AF_INET ? 20 : 40;

	memset(out, 0, h);
	if (family == AF_INET) {
		out[0] = 0x45;
		out[2] = (uint8_t)((h + len) >> 8);
		out[3] = (uint8_t)(h + len);
		out[8] = 64;
		out[9] = proto;
		inet_pton(AF_INET, SRC4, out + 12);
		inet_pton(AF_INET, DST4, out + 16);
	} else {
		out[0] = 0x60;
		out[4] = (uint8_t)(len >> 8);
		out[5] = (uint8_t)len;
		out[6] = proto;
		out[7] = 64;
		inet_pton(AF_INET6, "2001:db8::1", out + 8);
		inet_pton(AF_INET6, "2001:db8::2", out + 24);
	}
	memcpy(out + h, l4, len);
	return h + len;
}

static size_t
udp_wrap(uint8_t *out, int family, uint16_t sport, uint16_t dport,
    const uint8_t *p, size_t len)
{
	uint8_t l4[70000];

	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	l4[4] = (uint8_t)((len + 8) >> 8);
	l4[5] = (uint8_t)(len + 8);
	l4[6] = l4[7] = 0;
	memcpy(l4 + 8, p, len);
	return ip_wrap(out, family, 17, l4, len + 8);
}

static const uint8_t ike_hdr[28] = {
	1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, 28,
};

static struct pcap_pkt
classify(int link, const uint8_t *f, size_t len)
{
	struct pcap_pkt pkt;

	pcap_classify(link, f, len, &pkt);
	return pkt;
}

Test(pcap_classify, ike_on_500_and_4500)
{
	static uint8_t f[2048], marked[32];
	struct pcap_pkt pkt;
	size_t n;

	n = udp_wrap(f, AF_INET, 500, 500, ike_hdr, sizeof(ike_hdr));
	pkt = classify(PCAP_LINK_RAW, f, n);
	cr_assert_eq(pkt.kind, PCAP_IKE);
	cr_assert_eq(pkt.len, 28);
	cr_assert_eq(pkt.sport, 500);
	memcpy(marked + 4, ike_hdr, sizeof(ike_hdr));	/* non-ESP marker */
	n = udp_wrap(f, AF_INET6, 4500, 4500, marked, 32);
	pkt = classify(PCAP_LINK_IPV6, f, n);
	cr_assert_eq(pkt.kind, PCAP_IKE);
	cr_assert_eq(pkt.len, 28);
	cr_assert_eq(pkt.data[0], 1);
	cr_assert_eq(pkt.ip.family, AF_INET6);
}

Test(pcap_classify, esp_keepalive_and_other)
{
	static uint8_t f[2048];
	static const uint8_t esp[32] = { 0xc0, 1, 2, 3, 0, 0, 0, 1 };
	static const uint8_t ka[1] = { 0xff };
	size_t n;

	n = udp_wrap(f, AF_INET, 4500, 4500, esp, sizeof(esp));
	cr_assert_eq(classify(PCAP_LINK_RAW, f, n).kind, PCAP_ESP);
	n = ip_wrap(f, AF_INET, 50, esp, sizeof(esp));
	cr_assert_eq(classify(PCAP_LINK_IPV4, f, n).kind, PCAP_ESP);
	cr_assert_eq(classify(PCAP_LINK_IPV4, f, n).len, sizeof(esp));
	n = udp_wrap(f, AF_INET, 4500, 4500, ka, 1);
	cr_assert_eq(classify(PCAP_LINK_RAW, f, n).kind, PCAP_KEEPALIVE);
	n = udp_wrap(f, AF_INET, 53, 53, esp, sizeof(esp));
	cr_assert_eq(classify(PCAP_LINK_RAW, f, n).kind, PCAP_OTHER);
}

/* The same IPv4 ESP datagram behind every link header uipsec reads. */
Test(pcap_classify, link_types)
{
	static const uint8_t esp[24] = { 0xc0, 1, 2, 3, 0, 0, 0, 9 };
	static uint8_t ip[128], f[256];
	static const uint8_t eth_vlan[18] = { [12] = 0x81, [13] = 0x00,
	    [16] = 0x08, [17] = 0x00 };
	static const uint8_t sll[16] = { [14] = 0x08, [15] = 0x00 };
	static const uint8_t sll2[20] = { [0] = 0x08, [1] = 0x00 };
	static const uint8_t null_le[4] = { 2, 0, 0, 0 };
	static const uint8_t loop_be[4] = { 0, 0, 0, 2 };
	static const struct { int link; const uint8_t *h; size_t len; } l[] = {
		{ PCAP_LINK_ETHERNET, eth_vlan, sizeof(eth_vlan) },
		{ PCAP_LINK_ETHERNET, eth_vlan + 4, 14 },	/* untagged */
		{ PCAP_LINK_SLL, sll, sizeof(sll) },
		{ PCAP_LINK_SLL2, sll2, sizeof(sll2) },
		{ PCAP_LINK_NULL, null_le, 4 },
		{ PCAP_LINK_LOOP, loop_be, 4 },
	};
	uint8_t untagged[14] = { [12] = 0x08, [13] = 0x00 };
	size_t n = ip_wrap(ip, AF_INET, 50, esp, sizeof(esp));

	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
		const uint8_t *h = i == 1 ? untagged : l[i].h;

		memcpy(f, h, l[i].len);
		memcpy(f + l[i].len, ip, n);
		struct pcap_pkt pkt = classify(l[i].link, f, l[i].len + n);
		cr_assert_eq(pkt.kind, PCAP_ESP, "link %d (%zu)", l[i].link, i);
		cr_assert_eq(pkt.len, sizeof(esp));
		/* An ARP frame is not IP. */
		if (l[i].link == PCAP_LINK_ETHERNET) {
			f[12] = 0x08;
			f[13] = 0x06;
			cr_assert_eq(classify(l[i].link, f, l[i].len + n).kind,
			    PCAP_NOT_IP);
		}
	}
	cr_assert_eq(classify(147, ip, n).kind, PCAP_NOT_IP);
	cr_assert_not(pcap_link_supported(147));
}

Test(pcap_classify, ipv6_extension_headers_and_fragments)
{
	static uint8_t l4[64], f[256];
	size_t n;

	/* Hop-by-Hop (8 bytes) then ESP. */
	memset(l4, 0, sizeof(l4));
	l4[0] = 50;
	l4[8] = 0xc0;
	n = ip_wrap(f, AF_INET6, 0, l4, 40);
	struct pcap_pkt pkt = classify(PCAP_LINK_RAW, f, n);
	cr_assert_eq(pkt.kind, PCAP_ESP);
	cr_assert_eq(pkt.len, 32);
	/* Fragment header, offset 8: reported, not decoded. */
	memset(l4, 0, sizeof(l4));
	l4[0] = 17;
	l4[3] = 8;
	n = ip_wrap(f, AF_INET6, 44, l4, 40);
	pkt = classify(PCAP_LINK_RAW, f, n);
	cr_assert_eq(pkt.kind, PCAP_IP_FRAGMENT);
	cr_assert_eq(pkt.ip.frag_off, 8);
	/* IPv4 first fragment (MF) of a UDP datagram. */
	n = udp_wrap(f, AF_INET, 4500, 4500, l4, 40);
	f[6] = 0x20;
	cr_assert_eq(classify(PCAP_LINK_RAW, f, n).kind, PCAP_IP_FRAGMENT);
}

Test(pcap_classify, truncated_and_malformed)
{
	static uint8_t f[2048], body[600];
	struct pcap_pkt pkt;
	size_t n = udp_wrap(f, AF_INET, 4500, 4500, body, sizeof(body));

	body[0] = 0xc0;
	n = udp_wrap(f, AF_INET, 4500, 4500, body, sizeof(body));
	pkt = classify(PCAP_LINK_RAW, f, 100);		/* snap length 100 */
	cr_assert_eq(pkt.kind, PCAP_TRUNCATED);
	f[5] = 0xff;		/* UDP longer than IP says: malformed */
	f[24] = 0xff;
	f[25] = 0xff;
	cr_assert_eq(classify(PCAP_LINK_RAW, f, n).kind, PCAP_MALFORMED);
	f[0] = 0x43;		/* IHL 3 */
	cr_assert_eq(classify(PCAP_LINK_RAW, f, n).kind, PCAP_MALFORMED);
	f[0] = 0x55;		/* version 5 */
	cr_assert_eq(classify(PCAP_LINK_RAW, f, n).kind, PCAP_MALFORMED);
}

/* Every prefix of every frame: no read past it (ASan), no kind that
 * claims bytes beyond it. */
Test(pcap_classify, every_prefix)
{
	static uint8_t f[2048], marked[32];
	const int links[] = { PCAP_LINK_RAW, PCAP_LINK_ETHERNET,
	    PCAP_LINK_SLL, PCAP_LINK_SLL2, PCAP_LINK_NULL };
	size_t n;

	memcpy(marked + 4, ike_hdr, sizeof(ike_hdr));
	n = udp_wrap(f, AF_INET6, 4500, 4500, marked, sizeof(marked));
	for (size_t l = 0; l < sizeof(links) / sizeof(links[0]); l++)
		for (size_t i = 0; i <= n; i++) {
			uint8_t *copy = malloc(i ? i : 1);

			memcpy(copy, f, i);
			struct pcap_pkt pkt = classify(links[l], copy, i);
			if (pkt.data != NULL)
				cr_assert_leq(pkt.data + pkt.len, copy + i);
			free(copy);
		}
}

/* ---- The view: ESP ---- */

#define SPI	0xc0ffee01u

struct inner_seen {
	size_t	 n;
	uint8_t	 last[2048];
	size_t	 last_len;
};

static void
on_inner(void *arg, const struct timeval *ts, const uint8_t *p, size_t len)
{
	struct inner_seen *s = arg;

	(void)ts;
	cr_assert_leq(len, sizeof(s->last));
	memcpy(s->last, p, len);
	s->last_len = len;
	s->n++;
}

/* A key-log record filled by hand (tools/keylog finds it by SPI). */
static struct keylog_esp esp_rec;

static void
esp_record(enum esp_suite suite, bool esn, const uint8_t *enc, size_t enc_len,
    const uint8_t *auth, size_t auth_len)
{
	static const uint16_t encr[] = { IKEV2_ENCR_AES_CBC, IKEV2_ENCR_AES_CBC,
	    IKEV2_ENCR_AES_GCM_16, IKEV2_ENCR_CHACHA20_POLY1305 };
	static const uint16_t integ[] = { IKEV2_AUTH_HMAC_SHA1_96,
	    IKEV2_AUTH_HMAC_SHA2_256_128, 0, 0 };

	memset(&esp_rec, 0, sizeof(esp_rec));
	esp_rec.spi = SPI;
	esp_rec.encr = encr[suite];
	esp_rec.encr_bits = 256;
	esp_rec.integ = integ[suite];
	esp_rec.esn = esn;
	esp_rec.encr_len = enc_len;
	esp_rec.integ_len = auth_len;
	memcpy(esp_rec.encr_key, enc, enc_len);
	if (auth_len)
		memcpy(esp_rec.integ_key, auth, auth_len);
}

/* One raw-IP frame through the view. */
static void
view_frame(struct pcap_view *v, const uint8_t *f, size_t n)
{
	static const struct timeval ts = { 1700000000, 250 };

	pcap_view_frame(v, PCAP_LINK_RAW, &ts, f, n, n);
}

Test(pcap_view, esp_every_suite)
{
	static uint8_t buf[TEST_BUF_LEN], inner[200], f[4096];
	static uint8_t enc[36], auth[32];
	char out[16384];

	for (int s = 0; s < ESP_SUITE_COUNT; s++) {
		for (int esn = 0; esn <= 1; esn++) {
			size_t enc_len = esp_suite_enc_key_len(s, 256);
			size_t auth_len = esp_suite_auth_key_len(s);
			struct keylog kl = { .n_esp = 1, .esp = &esp_rec };
			struct inner_seen seen = { 0 };
			struct esp_sa *tx;
			struct esp_pkt p;
			struct pcap_view *v;
			FILE *mem = fmemopen(out, sizeof(out), "w");
			size_t n;

			for (size_t i = 0; i < sizeof(enc); i++)
				enc[i] = (uint8_t)(i * 3 + s);
			for (size_t i = 0; i < sizeof(auth); i++)
				auth[i] = (uint8_t)(i * 5 + esn);
			esp_record(s, esn, enc, enc_len, auth, auth_len);
			tx = test_sa_keys(s, esn, ESP_DIR_OUT, SPI, 0, enc,
			    enc_len, auth, auth_len);
			v = pcap_view_new(&kl, mem, 0);
			pcap_view_on_inner(v, on_inner, &seen);
			for (int k = 0; k < 5; k++) {
				test_inner(inner, 100 + k, ESP_NH_IPV4,
				    (uint8_t)k);
				p = test_encap(tx, buf, inner, 100 + k,
				    ESP_NH_IPV4);
				if (k == 2)	/* seq 3 lost: a gap */
					continue;
				n = udp_wrap(f, AF_INET, 4500, 4500,
				    p.base + p.off, p.len);
				view_frame(v, f, n);
				cr_assert_eq(seen.last_len, 100u + k);
				cr_assert_eq(memcmp(seen.last, inner,
				    seen.last_len), 0, "suite %d esn %d", s,
				    esn);
				if (k == 4)	/* again: a replay */
					view_frame(v, f, n);
			}
			/* seq 6 with a flipped bit: bad ICV, window kept. */
			p = test_encap(tx, buf, inner, 100, ESP_NH_IPV4);
			n = udp_wrap(f, AF_INET, 4500, 4500, p.base + p.off,
			    p.len);
			f[n - 1] ^= 1;
			view_frame(v, f, n);
			cr_assert_eq(seen.n, 4);
			pcap_view_summary(v, mem);
			cr_assert_not(pcap_view_all_ok(v));
			fclose(mem);
			cr_assert(strstr(out, "ok\n"), "%s", out);
			cr_assert(strstr(out, "seq 5 "), "%s", out);
			cr_assert(strstr(out, "replay\n"), "%s", out);
			cr_assert(strstr(out, "bad ICV\n"), "%s", out);
			cr_assert(strstr(out, "4 ok"), "%s", out);
			cr_assert(strstr(out, "seq 1..5, gaps 1,"), "%s", out);
			pcap_view_free(v);
			esp_sa_free(tx);
		}
	}
}

Test(pcap_view, esp_unknown_spi)
{
	static uint8_t f[256];
	static const uint8_t esp[40] = { 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1 };
	struct keylog kl = { 0 };
	char out[4096];
	FILE *mem = fmemopen(out, sizeof(out), "w");
	struct pcap_view *v = pcap_view_new(&kl, mem, 0);
	size_t n = ip_wrap(f, AF_INET, 50, esp, sizeof(esp));

	view_frame(v, f, n);
	cr_assert(pcap_view_missing_keys(v));
	pcap_view_summary(v, mem);
	fclose(mem);
	cr_assert(strstr(out, "192.0.2.1 > 192.0.2.2 ESP spi 0xdeadbeef seq 1 "
	    "unknown SPI\n"), "%s", out);
	cr_assert(strstr(out, "unknown SPI (no keys)"), "%s", out);
	pcap_view_free(v);
}

/* ---- The view: IKE ---- */

static struct keylog_ike ike_rec;

/* An IKE_AUTH request of the sample inner chain sealed with proposal. */
static size_t
sealed_ike_auth(const char *proposal, uint8_t *msg, size_t cap)
{
	struct ike_proposal_set set;
	struct ike_proposal view[IKE_PROPOSALS_MAX];
	struct ike_chosen c;
	struct ike_sk_suite suite;
	struct ike_header h = { .spi_i = IKE_TEST_SPI_I,
	    .spi_r = IKE_TEST_SPI_R, .exchange = IKEV2_EXCH_IKE_AUTH,
	    .flags = IKEV2_FLAG_INITIATOR, .msg_id = 1 };
	struct ike_payload inner[IKE_MSG_MAX_PAYLOADS];
	struct ike_builder b, in;
	struct ike_sk_keys k;
	char err[128];
	size_t n, i;
	long len;

	cr_assert_eq(ike_proposals_parse(&set, IKEV2_PROTO_IKE, proposal, err,
	    sizeof(err)), 0, "%s", err);
	n = ike_proposals_view(&set, 0, 0, view);
	cr_assert(ike_proposal_select(&set, view, n, 0, &c));
	cr_assert_eq(ike_sk_suite_init(&suite, &c), 0);
	memset(&ike_rec, 0, sizeof(ike_rec));
	ike_rec.spi_i = IKE_TEST_SPI_I;
	ike_rec.spi_r = IKE_TEST_SPI_R;
	ike_rec.encr = suite.encr;
	ike_rec.encr_bits = suite.encr_bits;
	ike_rec.integ = suite.integ;
	ike_rec.encr_len = suite.encr_key_len;
	ike_rec.integ_len = suite.integ_key_len;
	for (i = 0; i < KEYLOG_ENCR_KEY_MAX; i++) {
		ike_rec.sk_ei[i] = (uint8_t)(0x10 + i);
		ike_rec.sk_er[i] = (uint8_t)(0x80 + i);
	}
	for (i = 0; i < KEYLOG_INTEG_KEY_MAX; i++) {
		ike_rec.sk_ai[i] = (uint8_t)(0x40 + i);
		ike_rec.sk_ar[i] = (uint8_t)(0xc0 + i);
	}
	n = ike_sample_inner(inner, IKE_MSG_MAX_PAYLOADS);
	ike_build_msg(&b, msg, cap, &h);
	cr_assert(ike_sk_open(&b, &in, &suite));
	for (i = 0; i < n; i++)
		cr_assert(ike_build_payload(&in, &inner[i]));
	k.encr = ike_rec.sk_ei;
	k.integ = suite.aead ? NULL : ike_rec.sk_ai;
	len = ike_sk_seal(&b, &in, &suite, &k);
	cr_assert_gt(len, 0);
	return (size_t)len;
}

static const char *proposals[] = {
	"aes256-sha1-modp2048", "aes256-sha256-ecp256",
	"aes256gcm16-prfsha256-x25519", "chacha20poly1305-prfsha256-x25519",
};

Test(pcap_view, ike_sk_opened_tampered_and_without_keys)
{
	static uint8_t msg[4096], marked[4100], f[8192];
	char out[16384];

	for (size_t s = 0; s < sizeof(proposals) / sizeof(proposals[0]); s++) {
		size_t len = sealed_ike_auth(proposals[s], msg, sizeof(msg)), n;
		struct keylog kl = { .n_ike = 1, .ike = &ike_rec };
		struct keylog none = { 0 };
		FILE *mem = fmemopen(out, sizeof(out), "w");
		struct pcap_view *v = pcap_view_new(&kl, mem, 0);

		memset(marked, 0, 4);
		memcpy(marked + 4, msg, len);
		n = udp_wrap(f, AF_INET, 4500, 4500, marked, len + 4);
		view_frame(v, f, n);
		view_frame(v, f, n);			/* retransmitted */
		f[n - 1] ^= 0x80;			/* ICV */
		view_frame(v, f, n);
		pcap_view_keys_changed(v, &none);
		f[n - 1] ^= 0x80;
		view_frame(v, f, n);
		pcap_view_summary(v, mem);
		fclose(mem);
		cr_assert(strstr(out, "192.0.2.1:4500 > 192.0.2.2:4500 IKE "
		    "0123456789abcdef/fedcba9876543210 initiator IKE_AUTH "
		    "request 1 [ SK { IDi CERT IDr AUTH CP SA TSi TSr"), "%s",
		    out);
		cr_assert(strstr(out, "} ] ok\n"), "%s", out);
		cr_assert(strstr(out, "} ] retransmission ok\n"), "%s", out);
		cr_assert(strstr(out, "[ SK ] bad ICV\n"), "%s: %s",
		    proposals[s], out);
		cr_assert(strstr(out, "[ SK ] retransmission unknown SPI\n"),
		    "%s", out);
		cr_assert(strstr(out, "4 messages, 2 ok, 2 retransmissions"),
		    "%s", out);
		cr_assert(strstr(out, "IKE_AUTH 4 msgs"), "%s", out);
		pcap_view_free(v);
	}
}

/* ike_decode on its own: the header, a plain IKE_SA_INIT, and an SK{}
 * message whose keys are of a suite esp/ike cannot run. */
Test(ike_decode, plain_header_and_unsupported)
{
	static uint8_t msg[4096], plain[4096];
	struct ike_decoded d;
	struct ike_decode_keys k = { .encr = IKEV2_ENCR_3DES };
	size_t len = sealed_ike_auth(proposals[0], msg, sizeof(msg)), pl;

	cr_assert_eq(ike_decode_header(msg, 10, &d), -1);
	cr_assert_not_null(d.why);
	cr_assert_eq(ike_decode(ike_hdr, sizeof(ike_hdr), NULL, plain,
	    sizeof(plain), &pl, &d), IKE_DECODE_OK);
	cr_assert_str_eq(d.summary, "IKE_SA_INIT request 0 [ ]");
	cr_assert(d.initiator);
	cr_assert_eq(ike_decode(msg, len, &k, plain, sizeof(plain), &pl, &d),
	    IKE_DECODE_UNSUPPORTED);
	cr_assert(d.encrypted);
	cr_assert_eq(d.msg_id, 1);
	cr_assert_eq(d.exchange, IKEV2_EXCH_IKE_AUTH);
}

/* A sender's capture of a UDP GSO datagram: three ESP packets back to
 * back in one UDP payload, split at the segment size and each verified. */
Test(pcap_view, esp_udp_gso_segments)
{
	static uint8_t buf[TEST_BUF_LEN], inner[100], gso[1024], f[2048];
	static uint8_t enc[36];
	struct keylog kl = { .n_esp = 1, .esp = &esp_rec };
	struct inner_seen seen = { 0 };
	char out[8192];
	FILE *mem = fmemopen(out, sizeof(out), "w");
	struct esp_sa *tx;
	struct pcap_view *v;
	struct esp_pkt p;
	size_t n = 0, seg = 0;

	esp_record(ESP_SUITE_AES_GCM_16, false, enc, 36, NULL, 0);
	tx = test_sa_keys(ESP_SUITE_AES_GCM_16, false, ESP_DIR_OUT, SPI, 0,
	    enc, 36, NULL, 0);
	for (int k = 0; k < 3; k++) {
		test_inner(inner, k < 2 ? 100 : 60, ESP_NH_IPV4, (uint8_t)k);
		p = test_encap(tx, buf, inner, k < 2 ? 100 : 60, ESP_NH_IPV4);
		memcpy(gso + n, p.base + p.off, p.len);
		n += p.len;
		seg = k == 0 ? p.len : seg;
	}
	cr_assert_eq(pcap_gso_segment_len(gso, n), seg);
	cr_assert_eq(pcap_gso_segment_len(gso, seg), 0);	/* one packet */
	v = pcap_view_new(&kl, mem, 0);
	pcap_view_on_inner(v, on_inner, &seen);
	n = udp_wrap(f, AF_INET, 4500, 4500, gso, n);
	view_frame(v, f, n);
	fclose(mem);
	cr_assert_eq(seen.n, 3, "%s", out);
	cr_assert_eq(seen.last_len, 60);
	cr_assert_eq(memcmp(seen.last, inner, 60), 0);
	cr_assert(strstr(out, "[GSO 3/3] ESP spi 0xc0ffee01 seq 3 "), "%s", out);
	pcap_view_free(v);
	esp_sa_free(tx);
}
