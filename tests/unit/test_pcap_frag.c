/*
 * tests/unit/test_pcap_frag.c — IP reassembly for `uipsec pcap`
 * (tools/uipsec/pcap_frag.c): IPv4 and IPv6 fragments of an IKE datagram
 * in any order give back the datagram, which classifies as IKE with the
 * same bytes; a duplicate is ignored; overlapping fragments, lengths that
 * are not multiples of 8, fragments past 65,535 and disagreeing ends drop
 * the datagram; datagrams time out by capture time; the limits on
 * datagrams in flight and bytes held evict the oldest.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "tools/uipsec/pcap.h"

#define DGRAM	3000	/* UDP datagram: header + IKE message */

static uint8_t udp[32 * 1024];	/* the datagram, room for more */

/* A UDP datagram 500 -> 500 holding an IKE header and a pattern. */
static void
make_udp(void)
{
	size_t i;

	memset(udp, 0, sizeof(udp));
	udp[0] = 0x01; udp[1] = 0xf4; udp[2] = 0x01; udp[3] = 0xf4;
	udp[4] = (uint8_t)(DGRAM >> 8); udp[5] = (uint8_t)DGRAM;
	for (i = 0; i < 8; i++)
		udp[8 + i] = (uint8_t)(i + 1);		/* SPIi */
	udp[8 + 17] = 0x20;				/* version 2.0 */
	udp[8 + 18] = 34;				/* IKE_SA_INIT */
	udp[8 + 19] = 0x08;				/* I */
	udp[8 + 24] = (uint8_t)((DGRAM - 8) >> 24);
	udp[8 + 25] = (uint8_t)((DGRAM - 8) >> 16);
	udp[8 + 26] = (uint8_t)((DGRAM - 8) >> 8);
	udp[8 + 27] = (uint8_t)(DGRAM - 8);
	for (i = 36; i < DGRAM; i++)
		udp[i] = (uint8_t)(i * 7);
}

/* One fragment of udp[off, off+len) with identification id. */
static size_t
frag(uint8_t *out, int family, uint32_t id, size_t off, size_t len,
    bool more)
{
	if (family == AF_INET) {
		memset(out, 0, 20);
		out[0] = 0x45;
		out[2] = (uint8_t)((20 + len) >> 8);
		out[3] = (uint8_t)(20 + len);
		out[4] = (uint8_t)(id >> 8);
		out[5] = (uint8_t)id;
		out[6] = (uint8_t)((more ? 0x20 : 0) | (off / 8) >> 8);
		out[7] = (uint8_t)(off / 8);
		out[8] = 64;
		out[9] = 17;
		inet_pton(AF_INET, "192.0.2.1", out + 12);
		inet_pton(AF_INET, "192.0.2.2", out + 16);
		memcpy(out + 20, udp + off, len);
		return 20 + len;
	}
	memset(out, 0, 48);
	out[0] = 0x60;
	out[4] = (uint8_t)((8 + len) >> 8);
	out[5] = (uint8_t)(8 + len);
	out[6] = 44;					/* Fragment */
	out[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", out + 8);
	inet_pton(AF_INET6, "2001:db8::2", out + 24);
	out[40] = 17;
	out[42] = (uint8_t)(off >> 8);
	out[43] = (uint8_t)((off & 0xf8) | (more ? 1 : 0));
	out[44] = (uint8_t)(id >> 24);
	out[45] = (uint8_t)(id >> 16);
	out[46] = (uint8_t)(id >> 8);
	out[47] = (uint8_t)id;
	memcpy(out + 48, udp + off, len);
	return 48 + len;
}

struct fr {
	size_t		 off, len;
	bool		 more;
	unsigned	 sec;		/* capture time */
};

static struct pcap_frag *f;

static void
setup(void)
{
	make_udp();
	cr_assert((f = pcap_frag_new()) != NULL);
}

static void
teardown(void)
{
	pcap_frag_free(f);
}

TestSuite(pcap_frag, .init = setup, .fini = teardown);

/* Feeds one fragment; returns the result, the datagram in *out. */
static enum pcap_frag_result
feed(int family, uint32_t id, const struct fr *x, const uint8_t **out,
    size_t *out_len, const char **why)
{
	static uint8_t b[2][DGRAM + 64];
	static int w;
	struct timeval ts = { .tv_sec = 1000 + x->sec };
	struct pcap_ip ip;
	unsigned n;
	size_t len;

	w ^= 1;	/* the last frame stays readable: the view borrows it */
	len = frag(b[w], family, id, x->off, x->len, x->more);
	cr_assert_eq(pcap_ip_parse(b[w], len, &ip, why), 0);
	cr_assert(ip.fragment);
	return pcap_frag_add(f, &ip, &ts, out, out_len, &n, why);
}

static void
whole_in_any_order(int family)
{
	/* 1480-byte fragments (a 1500-byte MTU), last one first */
	const struct fr parts[] = {
		{ 2960, DGRAM - 2960, false, 0 }, { 0, 1480, true, 0 },
		{ 1480, 1480, true, 1 },
	};
	const uint8_t *out = NULL;
	const char *why;
	size_t len = 0, i;
	struct pcap_pkt pkt;
	struct pcap_frag_stats st;

	for (i = 0; i < 3; i++)
		cr_assert_eq(feed(family, 77, &parts[i], &out, &len, &why),
		    i < 2 ? PCAP_FRAG_HELD : PCAP_FRAG_DONE, "part %zu", i);
	cr_assert_eq(len, (family == AF_INET ? 20u : 40u) + DGRAM);
	pcap_classify(PCAP_LINK_RAW, out, len, &pkt);
	cr_assert_eq(pkt.kind, PCAP_IKE);
	cr_assert_eq(pkt.ip.family, family);
	cr_assert_eq(pkt.sport, 500);
	cr_assert_eq(pkt.len, DGRAM - 8);
	cr_assert(!memcmp(pkt.data, udp + 8, DGRAM - 8));
	pcap_frag_stats(f, &st);
	cr_expect_eq(st.reassembled, 1);
	cr_expect_eq(st.incomplete, 0);
}

Test(pcap_frag, ipv4_in_any_order)
{
	whole_in_any_order(AF_INET);
}

Test(pcap_frag, ipv6_in_any_order)
{
	whole_in_any_order(AF_INET6);
}

Test(pcap_frag, duplicate_ignored_overlap_drops)
{
	const struct fr a = { 0, 1480, true, 0 }, b = { 1480, 1520, false, 0 };
	const struct fr over = { 1472, 1528, false, 0 };
	const uint8_t *out;
	const char *why;
	size_t len;
	struct pcap_frag_stats st;

	cr_assert_eq(feed(AF_INET, 1, &a, &out, &len, &why), PCAP_FRAG_HELD);
	cr_assert_eq(feed(AF_INET, 1, &a, &out, &len, &why), PCAP_FRAG_HELD);
	cr_expect_str_eq(why, "duplicate fragment");
	cr_assert_eq(feed(AF_INET, 1, &b, &out, &len, &why), PCAP_FRAG_DONE);
	/* the same with an overlapping second part: all dropped */
	cr_assert_eq(feed(AF_INET6, 2, &a, &out, &len, &why), PCAP_FRAG_HELD);
	cr_assert_eq(feed(AF_INET6, 2, &over, &out, &len, &why),
	    PCAP_FRAG_DROPPED);
	cr_expect(strstr(why, "overlapping") != NULL);
	/* what follows of it does not complete the dropped one */
	cr_assert_eq(feed(AF_INET6, 2, &b, &out, &len, &why), PCAP_FRAG_HELD);
	pcap_frag_stats(f, &st);
	cr_expect_eq(st.overlaps, 1);
	cr_expect_eq(st.reassembled, 1);
	cr_expect_eq(st.incomplete, 1);
}

Test(pcap_frag, bad_lengths_and_ends)
{
	const struct fr odd = { 0, 1001, true, 0 };
	const struct fr last = { 1480, 1520, false, 0 };
	const struct fr other_end = { 1480, 1000, false, 0 };
	const struct fr beyond = { 2960, 40, true, 0 };
	const uint8_t *out;
	const char *why;
	size_t len;
	struct pcap_ip ip;
	struct timeval ts = { 0 };
	unsigned n;

	cr_assert_eq(feed(AF_INET, 3, &odd, &out, &len, &why),
	    PCAP_FRAG_DROPPED);
	/* two last fragments that disagree */
	cr_assert_eq(feed(AF_INET, 4, &last, &out, &len, &why), PCAP_FRAG_HELD);
	cr_assert_eq(feed(AF_INET, 4, &other_end, &out, &len, &why),
	    PCAP_FRAG_DROPPED);
	/* a fragment beyond the end the last one gave */
	cr_assert_eq(feed(AF_INET, 5, &last, &out, &len, &why), PCAP_FRAG_HELD);
	cr_assert_eq(feed(AF_INET, 5, &beyond, &out, &len, &why),
	    PCAP_FRAG_DROPPED);
	/* past 65,535 bytes */
	memset(&ip, 0, sizeof(ip));
	ip.family = AF_INET;
	ip.fragment = true;
	ip.frag_off = 65528;
	ip.frag_more = false;
	ip.frag_len = 100;
	ip.frag_data = udp;
	ip.proto = 17;
	cr_assert_eq(pcap_frag_add(f, &ip, &ts, &out, &len, &n, &why),
	    PCAP_FRAG_DROPPED);
	/* a fragment captured shorter than it was */
	ip.frag_off = 0;
	ip.truncated = true;
	cr_assert_eq(pcap_frag_add(f, &ip, &ts, &out, &len, &n, &why),
	    PCAP_FRAG_DROPPED);
}

Test(pcap_frag, timeout_by_capture_time)
{
	const struct fr a = { 0, 1480, true, 0 };
	const struct fr b = { 1480, 1520, false, PCAP_FRAG_TIMEOUT_S + 1 };
	const struct fr b_soon = { 1480, 1520, false, PCAP_FRAG_TIMEOUT_S };
	const uint8_t *out;
	const char *why;
	size_t len;
	struct pcap_frag_stats st;

	cr_assert_eq(feed(AF_INET, 6, &a, &out, &len, &why), PCAP_FRAG_HELD);
	cr_assert_eq(feed(AF_INET, 6, &b, &out, &len, &why), PCAP_FRAG_HELD);
	pcap_frag_stats(f, &st);
	cr_expect_eq(st.timed_out, 1);
	cr_expect_eq(st.reassembled, 0);
	/* within the timeout it completes */
	cr_assert_eq(feed(AF_INET, 7, &a, &out, &len, &why), PCAP_FRAG_HELD);
	cr_assert_eq(feed(AF_INET, 7, &b_soon, &out, &len, &why),
	    PCAP_FRAG_DONE);
}

Test(pcap_frag, limits_evict_the_oldest)
{
	const struct fr a = { 0, 1480, true, 0 }, b = { 1480, 1520, false, 0 };
	const uint8_t *out;
	const char *why;
	size_t len;
	uint32_t id;
	struct pcap_frag_stats st;

	/* one datagram more than may be in flight: the first goes */
	for (id = 100; id <= 100 + PCAP_FRAG_DATAGRAMS; id++)
		cr_assert_eq(feed(AF_INET, id, &a, &out, &len, &why),
		    PCAP_FRAG_HELD);
	pcap_frag_stats(f, &st);
	cr_expect_eq(st.evicted, 1);
	cr_expect_eq(st.incomplete, PCAP_FRAG_DATAGRAMS);
	cr_assert_eq(feed(AF_INET, 101, &b, &out, &len, &why), PCAP_FRAG_DONE);
	/* the evicted one's rest starts anew and stays incomplete */
	cr_assert_eq(feed(AF_INET, 100, &b, &out, &len, &why), PCAP_FRAG_HELD);
	/* bytes: PCAP_FRAG_BYTES / 1480 fragments at most are held */
	pcap_frag_free(f);
	cr_assert((f = pcap_frag_new()) != NULL);
	for (id = 0; id < PCAP_FRAG_DATAGRAMS; id++) {
		struct fr p = { 0, 1480, true, 0 };
		size_t k;

		for (k = 0; k < 20; k++, p.off += 1480)
			feed(AF_INET6, id, &p, &out, &len, &why);
	}
	pcap_frag_stats(f, &st);
	cr_expect(st.evicted > 0);
	cr_expect(st.incomplete * 20 * 1480 <= PCAP_FRAG_BYTES + 20 * 1480);
}
