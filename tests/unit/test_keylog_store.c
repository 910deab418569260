/*
 * tests/unit/test_keylog_store.c — keylog { trace = yes }: the keys of
 * live SAs kept by peer (tools/uipsecd/keylog_store.h) and handed out by
 * the control command `keys ADDR [SINCE]` (keylog_out_keys, control.c):
 * what a client gets reads back as the same keys, only what is newer than
 * SINCE, nothing of an SA that went, rekeyed IKE SAs bounded per peer, and
 * a refusal (403) unless the configuration asks for it.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "ike/ikev2_wire.h"
#include "tools/keylog/keylog.h"
#include "tools/uipsecd/control.h"
#include "tools/uipsecd/keylog_out.h"
#include "tools/uipsecd/keylog_store.h"

static struct sockaddr_storage
addr4(const char *a, uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s = (struct sockaddr_in *)&ss;

	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	cr_assert_eq(inet_pton(AF_INET, a, &s->sin_addr), 1);
	return ss;
}

static struct keylog_ike
ike_rec(uint64_t spi_i)
{
	struct keylog_ike k = { .spi_i = spi_i, .spi_r = ~spi_i,
	    .encr = IKEV2_ENCR_AES_CBC, .encr_bits = 256,
	    .integ = IKEV2_AUTH_HMAC_SHA2_256_128, .encr_len = 32,
	    .integ_len = 32 };

	memset(k.sk_ei, (int)(spi_i & 0xff), 32);
	memset(k.sk_ar, 0x5a, 32);
	return k;
}

/* What keylog_store_peer hands out, as a list. */
struct seen {
	unsigned	 n;
	uint64_t	 seq[16];
	uint64_t	 spi[16];	/* IKE: spi_i; CHILD_SA: inbound SPI */
};

static void
collect(void *arg, uint64_t seq, const char *label,
    const struct keylog_ike *ike, const struct keylog_esp *esp)
{
	struct seen *s = arg;

	cr_assert(label[0] != '\0');
	cr_assert(s->n < 16);
	s->seq[s->n] = seq;
	s->spi[s->n++] = ike ? ike->spi_i : esp[1].spi;
}

static struct seen
peer(const struct keylog_store *st, const char *a, uint64_t since)
{
	struct seen s = { 0 };
	uint8_t b[4];

	inet_pton(AF_INET, a, b);
	cr_assert(keylog_store_peer(st, AF_INET, b, since, collect, &s) >= 0);
	return s;
}

Test(keylog_store, by_peer_oldest_first_and_since)
{
	struct keylog_store *st = keylog_store_new();
	struct sockaddr_storage p1 = addr4("192.0.2.1", 4500);
	struct sockaddr_storage p2 = addr4("192.0.2.2", 4500);
	struct keylog_ike k = ike_rec(0x11);
	struct keylog_esp e[2] = { { .spi = 0xc1 }, { .spi = 0xc2 } };
	struct seen s;

	cr_assert(st != NULL);
	cr_assert_eq(keylog_store_ike(st, &k, 1, &p1, "a[1] IKE SA"), 0);
	k = ike_rec(0x22);
	cr_assert_eq(keylog_store_ike(st, &k, 2, &p2, "b[2] IKE SA"), 0);
	cr_assert_eq(keylog_store_child(st, e, 1, &p1, "a[1] CHILD_SA c"), 0);
	s = peer(st, "192.0.2.1", 0);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.spi[0], 0x11);
	cr_expect_eq(s.spi[1], 0xc2);
	cr_expect(s.seq[0] < s.seq[1]);
	/* only what is newer */
	s = peer(st, "192.0.2.1", s.seq[0]);
	cr_assert_eq(s.n, 1);
	cr_expect_eq(s.spi[0], 0xc2);
	cr_expect_eq(peer(st, "192.0.2.1", keylog_store_seq(st)).n, 0);
	cr_expect_eq(peer(st, "192.0.2.3", 0).n, 0);
	/* an SA that went is gone */
	keylog_store_child_gone(st, 0xc1);	/* outbound SPI: not a key */
	cr_expect_eq(peer(st, "192.0.2.1", 0).n, 2);
	keylog_store_child_gone(st, 0xc2);
	cr_expect_eq(peer(st, "192.0.2.1", 0).n, 1);
	keylog_store_ike_gone(st, 1);
	cr_expect_eq(peer(st, "192.0.2.1", 0).n, 0);
	cr_expect_eq(keylog_store_count(st), 1);
	keylog_store_free(st);
}

Test(keylog_store, rekeyed_ike_sas_are_bounded_and_go_with_the_last)
{
	struct keylog_store *st = keylog_store_new();
	struct sockaddr_storage p = addr4("192.0.2.1", 4500);
	struct sockaddr_storage other = addr4("192.0.2.1", 4501);
	struct keylog_ike k;
	struct seen s;
	uint64_t i;

	/* ten IKE SA rekeys: each predecessor goes silently */
	for (i = 1; i <= 10; i++) {
		k = ike_rec(i);
		cr_assert_eq(keylog_store_ike(st, &k, i, &p, "a IKE SA"), 0);
	}
	/* another peer behind the same NAT address */
	k = ike_rec(0x99);
	cr_assert_eq(keylog_store_ike(st, &k, 99, &other, "b IKE SA"), 0);
	s = peer(st, "192.0.2.1", 0);
	cr_assert_eq(s.n, KEYLOG_STORE_IKE_PER_PEER + 1);
	cr_expect_eq(s.spi[0], 10 - KEYLOG_STORE_IKE_PER_PEER + 1);
	/* the last one closes: its predecessors go, the other peer stays */
	keylog_store_ike_gone(st, 10);
	s = peer(st, "192.0.2.1", 0);
	cr_assert_eq(s.n, 1);
	cr_expect_eq(s.spi[0], 0x99);
	keylog_store_free(st);
}

/* RFC 7296 §2.23: the peer's NAT mapping changes. Its IKE SA's records
 * (IKE SA, CHILD_SA, and those of a rekey after the move) are all found
 * under the new address, none under the old; another peer behind the old
 * address keeps its own. Either news moves them: ike_io.peer_moved
 * (keylog_store_moved) or a new record of the IKE SA from there. */
Test(keylog_store, records_follow_their_ike_sa_to_a_new_address)
{
	struct keylog_store *st = keylog_store_new();
	struct sockaddr_storage was = addr4("192.0.2.1", 4500);
	struct sockaddr_storage now = addr4("198.51.100.7", 61000);
	struct sockaddr_storage then = addr4("203.0.113.9", 4500);
	struct sockaddr_storage other = addr4("192.0.2.1", 4501);
	struct keylog_esp e[2] = { { .spi = 0xc1 }, { .spi = 0xc2 } };
	struct keylog_ike k = ike_rec(0x11);
	struct seen s;

	cr_assert(st != NULL);
	cr_assert_eq(keylog_store_ike(st, &k, 7, &was, "a[7] IKE SA"), 0);
	cr_assert_eq(keylog_store_child(st, e, 7, &was, "a[7] CHILD_SA c"), 0);
	k = ike_rec(0x99);
	cr_assert_eq(keylog_store_ike(st, &k, 8, &other, "b[8] IKE SA"), 0);
	keylog_store_moved(st, 7, &now);
	s = peer(st, "198.51.100.7", 0);
	cr_assert_eq(s.n, 2, "the SAs made before the move");
	cr_expect_eq(s.spi[0], 0x11);
	cr_expect_eq(s.spi[1], 0xc2);
	s = peer(st, "192.0.2.1", 0);
	cr_assert_eq(s.n, 1, "only the other peer is left there");
	cr_expect_eq(s.spi[0], 0x99);
	/* a CHILD_SA rekey from the new address: oldest first, since works */
	e[1].spi = 0xd2;
	cr_assert_eq(keylog_store_child(st, e, 7, &now, "a[7] CHILD_SA c"), 0);
	s = peer(st, "198.51.100.7", 0);
	cr_assert_eq(s.n, 3);
	cr_expect_eq(s.spi[2], 0xd2);
	cr_expect(s.seq[0] < s.seq[1] && s.seq[1] < s.seq[2]);
	cr_expect_eq(peer(st, "198.51.100.7", s.seq[1]).n, 1);
	/* an IKE SA rekey reported from a third address takes all along */
	k = ike_rec(0x12);
	cr_assert_eq(keylog_store_ike(st, &k, 7, &then, "a[7] IKE SA"), 0);
	cr_expect_eq(peer(st, "198.51.100.7", 0).n, 0);
	s = peer(st, "203.0.113.9", 0);
	cr_assert_eq(s.n, 4);
	cr_expect_eq(s.spi[3], 0x12);
	/* they still go when their SA does */
	keylog_store_child_gone(st, 0xc2);
	keylog_store_child_gone(st, 0xd2);
	keylog_store_ike_gone(st, 7);
	cr_expect_eq(peer(st, "203.0.113.9", 0).n, 0);
	cr_expect_eq(keylog_store_count(st), 1);
	keylog_store_moved(st, 42, &now);	/* nothing of that SA: no-op */
	keylog_store_moved(NULL, 7, &now);
	cr_expect_eq(keylog_store_count(st), 1);
	keylog_store_free(st);
}

/* What keylog { trace = yes } costs per tunnel: one IKE SA and one
 * CHILD_SA kept (doc/keylog.md: 896 B measured). */
Test(keylog_store, bytes_per_tunnel)
{
	struct keylog_store *st = keylog_store_new();
	struct keylog_esp e[2] = { { .spi = 0 }, { .spi = 0 } };
	struct keylog_ike k;
	struct sockaddr_storage p;
	size_t before, after, per;
	char a[32];
	uint32_t i;

	cr_assert(st != NULL);
	before = mallinfo2().uordblks;
	for (i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "10.%u.%u.1", i / 250, i % 250);
		p = addr4(a, 4500);
		k = ike_rec(i + 1);
		e[1].spi = i + 1;
		cr_assert_eq(keylog_store_ike(st, &k, i + 1, &p,
		    "ccu[1] IKE SA"), 0);
		cr_assert_eq(keylog_store_child(st, e, i + 1, &p,
		    "ccu[1] CHILD_SA ccu"), 0);
	}
	after = mallinfo2().uordblks;
	per = (after - before) / 1000;
	cr_log_info("keylog trace store: %zu bytes per tunnel", per);
	cr_expect(per <= 1024, "%zu bytes per tunnel", per);
	for (i = 0; i < 1000; i++) {
		keylog_store_child_gone(st, i + 1);
		keylog_store_ike_gone(st, i + 1);
	}
	cr_expect_eq(keylog_store_count(st), 0);
	keylog_store_free(st);
}

/* The daemon side of `keys`: keylog_out behind a control server. */
static struct control *srv;
static struct keylog_out *ko;

static int
h_keys(void *arg, const char *p, uint64_t since, struct control_reply *r,
    char *msg, size_t cap)
{
	(void)arg;
	return keylog_out_keys(ko, p, since, r, msg, cap);
}

static const struct control_handlers handlers = { .keys = h_keys };

/* Sends a line, runs the server until the final line is in. */
static const char *
say(int fd, const char *text)
{
	static char buf[16 * 1024];
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;
	int i;

	cr_assert_eq(send(fd, text, strlen(text), 0), (ssize_t)strlen(text));
	for (i = 0; i < 1000; i++) {
		control_run(srv);
		if (poll(&pf, 1, 2) <= 0)
			continue;
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, MSG_DONTWAIT);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (buf[len - 1] == '\n' && (len < 5 || buf[3] == ' ' ||
		    strstr(buf, "\n200 ") || strstr(buf, "\n4")))
			break;
	}
	buf[len] = '\0';
	return buf;
}

/* Data lines of a reply into kl, as uipsec trace reads them. */
static void
read_reply(const char *rep, struct keylog *kl)
{
	char line[2048], err[256];
	const char *p = rep, *nl;
	unsigned no = 0;

	while ((nl = strchr(p, '\n')) != NULL) {
		if (!strncmp(p, "200-", 4)) {
			snprintf(line, sizeof(line), "%.*s", (int)(nl - p - 4),
			    p + 4);
			cr_assert_eq(keylog_read_line(kl, line, strlen(line),
			    "reply", ++no, err, sizeof(err)), 0, "%s", err);
		}
		p = nl + 1;
	}
}

Test(keylog_store, keys_command_hands_out_what_reads_back)
{
	struct cfg_keylog kc = { .trace = true };
	uint8_t ei[32], er[32], ai[32], ar[32], ein[36], eout[36];
	struct ike_child_install c = { .conn = "ccu", .child = "svc",
	    .ike_id = 7, .udp_encap = true };
	struct sockaddr_storage rem = addr4("192.0.2.2", 4500);
	struct ike_keys_report r = { .conn = "ccu", .ike_id = 7,
	    .spi_i = 0x1122334455667788ULL, .spi_r = 0x99aabbccddeeff00ULL,
	    .remote = &rem, .encr = IKEV2_ENCR_AES_CBC, .encr_bits = 256,
	    .integ = IKEV2_AUTH_HMAC_SHA2_256_128, .sk_ei = ei, .sk_er = er,
	    .sk_ai = ai, .sk_ar = ar, .encr_len = 32, .integ_len = 32 };
	struct keylog kl = { 0 };
	const struct keylog_esp *e;
	const char *rep;
	unsigned long long seq;
	int sv[2];

	memset(ei, 1, 32);
	memset(er, 2, 32);
	memset(ai, 3, 32);
	memset(ar, 4, 32);
	memset(ein, 5, 36);
	memset(eout, 6, 36);
	c.local = addr4("192.0.2.1", 4500);
	c.remote = rem;
	c.in = (struct esp_sa_config){ .spi = 0xc0000001,
	    .suite = ESP_SUITE_AES_GCM_16, .enc_key = ein, .enc_key_len = 36,
	    .esn = true };
	c.out = (struct esp_sa_config){ .spi = 0xc0000002,
	    .suite = ESP_SUITE_AES_GCM_16, .enc_key = eout, .enc_key_len = 36,
	    .esn = true };
	cr_assert((ko = keylog_out_open(&kc)) != NULL);
	cr_assert((srv = control_new(&handlers)) != NULL);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(control_adopt(srv, sv[1]), 0);
	cr_assert_str_eq(say(sv[0], "uipsec-control 1\n"),
	    "200 uipsec-control 1 uipsecd\n");
	cr_assert_str_eq(say(sv[0], "keys 192.0.2.2\n"), "200 ok seq 0\n");
	cr_expect(!strncmp(say(sv[0], "keys 192.0.2.2 x\n"), "400 ", 4));
	cr_expect(!strncmp(say(sv[0], "keys nope\n"), "400 ", 4));

	keylog_out_ike(ko, &r);
	keylog_out_child(ko, &c);
	rep = say(sv[0], "keys 192.0.2.2\n");
	cr_expect(strstr(rep, "200-# 1 ccu[7] IKE SA\n") != NULL, "%s", rep);
	cr_expect(strstr(rep, "\n200 ok seq 2\n") != NULL, "%s", rep);
	read_reply(rep, &kl);
	cr_assert_eq(kl.n_ike, 1);
	cr_expect(!memcmp(kl.ike[0].sk_ar, ar, 32));
	cr_assert_eq(kl.n_esp, 2);
	e = keylog_find_esp(&kl, 0xc0000001, 0, NULL, NULL);
	cr_assert(e != NULL);
	cr_expect(e->esn);
	cr_expect(!memcmp(e->encr_key, ein, 36));
	cr_expect(!memcmp(e->src, &((struct sockaddr_in *)&rem)->sin_addr, 4));
	/* a rekey later: only the new CHILD_SA after SINCE */
	cr_assert_eq(sscanf(strstr(rep, "200 ok seq"), "200 ok seq %llu",
	    &seq), 1);
	c.in.spi = 0xc0000003;
	c.out.spi = 0xc0000004;
	keylog_out_child(ko, &c);
	keylog_out_child_gone(ko, 0xc0000001);
	rep = say(sv[0], "keys 192.0.2.2 2\n");
	cr_expect(strstr(rep, "c0000003") && strstr(rep, "c0000004") &&
	    !strstr(rep, "c0000001") && !strstr(rep, "IKE "), "%s", rep);
	cr_expect(strstr(rep, "\n200 ok seq 3\n") != NULL, "%s", rep);
	keylog_free(&kl);
	close(sv[0]);
	control_close(srv);
	keylog_out_close(ko);

	/* without trace = yes: refused, whatever it holds */
	kc.trace = false;
	snprintf(kc.file, sizeof(kc.file), "/dev/null");
	cr_assert((ko = keylog_out_open(&kc)) != NULL);
	cr_assert((srv = control_new(&handlers)) != NULL);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(control_adopt(srv, sv[1]), 0);
	say(sv[0], "uipsec-control 1\n");
	keylog_out_ike(ko, &r);
	rep = say(sv[0], "keys 192.0.2.2\n");
	cr_expect(!strncmp(rep, "403 keys are not handed out", 27), "%s", rep);
	close(sv[0]);
	control_close(srv);
	keylog_out_close(ko);
	ko = NULL;
	/* a daemon without a key log at all */
	cr_assert((srv = control_new(&handlers)) != NULL);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(control_adopt(srv, sv[1]), 0);
	say(sv[0], "uipsec-control 1\n");
	cr_expect(!strncmp(say(sv[0], "keys 192.0.2.2\n"), "403 ", 4));
	close(sv[0]);
	control_close(srv);
}
