/*
 * tests/unit/test_trie.c — the routing trie (tools/uipsecd/trie.c) against
 * a naive scan: random IPv4 and IPv6 prefixes inserted and removed in
 * random order, every lookup compared with "the longest prefix holding the
 * address, newest first on a tie, first one accepted". Then the SA
 * database (sad.c) that uses it: many SAs, rekey overlap, removal, and
 * the heap its entries take.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/uipsecd/ike_glue_internal.h"
#include "tools/uipsecd/sad.h"
#include "tools/uipsecd/trie.h"

#define N_ENTRIES	3000

struct entry {
	struct tun_prefix	p;
	struct trie_link	l;
	unsigned long		seq;	/* insertion order: newest wins ties */
	bool			in;
	bool			rejected;	/* accept() says no */
};

static struct entry ents[N_ENTRIES];
static unsigned rng = 12345;

static unsigned
rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* Addresses from a small space so that prefixes nest and collide. */
static void
rand_addr(int family, uint8_t *a)
{
	unsigned i;

	memset(a, 0, 16);
	a[0] = family == AF_INET ? 10 : 0xfd;
	for (i = 1; i < (family == AF_INET ? 4u : 16u); i++)
		a[i] = (uint8_t)(rnd() % (i < 3 || i > 13 ? 4 : 1));
	if (rnd() % 4 == 0)
		a[rnd() % (family == AF_INET ? 4 : 16)] ^= (uint8_t)rnd();
}

static void
rand_prefix(struct tun_prefix *p)
{
	p->family = rnd() % 3 ? AF_INET : AF_INET6;
	rand_addr(p->family, p->addr);
	p->len = (uint8_t)(rnd() % ((p->family == AF_INET ? 32 : 128) + 1));
	if (rnd() % 3 == 0)	/* hosts are what a concentrator routes */
		p->len = p->family == AF_INET ? 32 : 128;
}

static bool
accept_entry(const struct trie_link *l, void *arg)
{
	(void)arg;
	return !((const struct entry *)l->owner)->rejected;
}

static struct entry *
naive(int family, const uint8_t *addr)
{
	struct entry *best = NULL;
	unsigned i;

	for (i = 0; i < N_ENTRIES; i++) {
		struct entry *e = &ents[i];

		if (!e->in || e->rejected ||
		    !tun_prefix_contains(&e->p, family, addr))
			continue;
		if (!best || e->p.len > best->p.len ||
		    (e->p.len == best->p.len && e->seq > best->seq))
			best = e;
	}
	return best;
}

static void
check_lookups(const struct trie *t, unsigned n)
{
	uint8_t a[16];
	struct trie_link *l;
	struct entry *want;
	int family;

	while (n--) {
		family = rnd() % 3 ? AF_INET : AF_INET6;
		rand_addr(family, a);
		want = naive(family, a);
		l = trie_lookup(t, family, a, accept_entry, NULL);
		cr_assert_eq(l ? l->owner : NULL, want,
		    "lookup differs from the scan");
	}
}

Test(trie, differential_against_scan)
{
	struct trie t = { 0 };
	unsigned long seq = 0;
	unsigned round, i, live = 0;

	for (i = 0; i < N_ENTRIES; i++) {
		rand_prefix(&ents[i].p);
		ents[i].l.owner = &ents[i];
		ents[i].rejected = rnd() % 8 == 0;
	}
	for (round = 0; round < 40000; round++) {
		struct entry *e = &ents[rnd() % N_ENTRIES];

		if (e->in) {
			trie_remove(&t, &e->l);
			e->in = false;
			live--;
		} else {
			if (rnd() % 4 == 0)
				rand_prefix(&e->p);
			cr_assert_eq(trie_insert(&t, &e->p, &e->l), 0);
			e->in = true;
			e->seq = ++seq;
			live++;
		}
		/* a path-compressed trie: at most a fork per entry */
		cr_assert_leq(t.nodes, 2 * live);
		if (round % 64 == 0)
			check_lookups(&t, 50);
	}
	check_lookups(&t, 5000);
	for (i = 0; i < N_ENTRIES; i++)
		if (ents[i].in) {
			trie_remove(&t, &ents[i].l);
			ents[i].in = false;
		}
	cr_assert_eq(t.nodes, 0);
	cr_assert_null(t.root[0]);
	cr_assert_null(t.root[1]);
	check_lookups(&t, 100);
	trie_free(&t);
}

Test(trie, default_route_and_host)
{
	struct trie t = { 0 };
	struct trie_link any = { .owner = &any }, host = { .owner = &host };
	struct tun_prefix p0 = { .family = AF_INET, .len = 0 };
	struct tun_prefix p32 = { .family = AF_INET, .len = 32 };
	uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };

	memcpy(p32.addr, a, 4);
	cr_assert_eq(trie_insert(&t, &p32, &host), 0);
	cr_assert_eq(trie_insert(&t, &p0, &any), 0);
	cr_assert_eq(trie_lookup(&t, AF_INET, a, NULL, NULL), &host);
	cr_assert_eq(trie_lookup(&t, AF_INET, b, NULL, NULL), &any);
	cr_assert_null(trie_lookup(&t, AF_INET6, a, NULL, NULL));
	trie_free(&t);
	cr_assert_null(host.node);
	cr_assert_null(any.node);
}

/* ---- the SA database on top ---- */

static void
ike_child(struct cfg_conn *k, uint32_t spi_in, unsigned host)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "ccu%u", host);
	k->file = "IKE";
	k->suite = ESP_SUITE_AES_CBC_HMAC_SHA1_96;
	k->aes_key_len = 256;
	k->replay_window = 64;
	k->in.spi = spi_in;
	k->out.spi = spi_in ^ 0x80000000u;
	k->in.enc_key_len = k->out.enc_key_len = 32;
	k->in.auth_key_len = k->out.auth_key_len = 20;
	k->nlocal_ts = 1;
	tun_prefix_parse("0.0.0.0/0", &k->local_ts[0]);
	k->nremote_ts = 1;
	k->remote_ts[0].family = AF_INET;
	k->remote_ts[0].len = 32;
	k->remote_ts[0].addr[0] = 10;
	k->remote_ts[0].addr[1] = 200;
	k->remote_ts[0].addr[2] = (uint8_t)(host >> 8);
	k->remote_ts[0].addr[3] = (uint8_t)host;
}

#define N_SAS	10000

Test(sad, ten_thousand_with_rekey_overlap)
{
	static struct cfg_conn ks[N_SAS], rekeyed[N_SAS];
	struct cfg cfg = { 0 };
	struct sad sad;
	uint8_t src[4] = { 192, 168, 0, 1 }, dst[4];
	struct sad_conn *c;
	unsigned i;

	cr_assert_eq(sad_build(&sad, &cfg), 0);
	for (i = 0; i < N_SAS; i++) {
		ike_child(&ks[i], 0x1000 + i, i);
		cr_assert_eq(sad_add(&sad, &ks[i], "svc", &ks[i], true), 0);
	}
	cr_assert_eq(sad.nconns, N_SAS);
	cr_assert_eq(sad_add(&sad, &ks[7], "svc", &ks[7], true), -1,
	    "a used SPI is refused");
	/* make-before-break: the new pair takes the traffic at once */
	for (i = 0; i < N_SAS; i += 2) {
		ike_child(&rekeyed[i], 0x100000 + i, i);
		cr_assert_eq(sad_add(&sad, &rekeyed[i], "svc", &rekeyed[i],
		    true), 0);
	}
	for (i = 0; i < N_SAS; i++) {
		memcpy(dst, ks[i].remote_ts[0].addr, 4);
		c = sad_lookup_out(&sad, AF_INET, src, dst);
		cr_assert_not_null(c);
		cr_assert_eq(c->owner, i % 2 ? &ks[i] : &rekeyed[i]);
		cr_assert_eq(sad_lookup_in(&sad, 0x1000 + i)->owner, &ks[i]);
	}
	for (i = 0; i < N_SAS; i += 2)
		cr_assert_eq(sad_remove(&sad, 0x1000 + i), &ks[i]);
	for (i = 0; i < N_SAS; i++) {
		memcpy(dst, ks[i].remote_ts[0].addr, 4);
		c = sad_lookup_out(&sad, AF_INET, src, dst);
		cr_assert_eq(c->owner, i % 2 ? &ks[i] : &rekeyed[i]);
		cr_assert_eq(sad_lookup_in(&sad, 0x1000 + i) != NULL, i % 2);
	}
	for (i = 0; i < N_SAS; i++) {
		sad_remove(&sad, 0x1000 + i);
		sad_remove(&sad, 0x100000 + i);
	}
	cr_assert_eq(sad.nconns, 0);
	cr_assert_eq(sad.routes.nodes, 0);
	memcpy(dst, ks[1].remote_ts[0].addr, 4);
	cr_assert_null(sad_lookup_out(&sad, AF_INET, src, dst));
	sad_free(&sad);
}

/* A rekey's responder: the new pair decrypts at once but takes outbound
 * traffic only when routed (after the peer's Delete of the old one). */
Test(sad, unrouted_until_sad_route)
{
	static struct cfg_conn old, fresh;
	struct cfg cfg = { 0 };
	struct sad sad;
	uint8_t src[4] = { 192, 168, 0, 1 }, dst[4];

	cr_assert_eq(sad_build(&sad, &cfg), 0);
	ike_child(&old, 0x2000, 5);
	ike_child(&fresh, 0x3000, 5);
	memcpy(dst, old.remote_ts[0].addr, 4);
	cr_assert_eq(sad_add(&sad, &old, "svc", &old, true), 0);
	cr_assert_eq(sad_add(&sad, &fresh, "svc", &fresh, false), 0);
	cr_assert_eq(sad_lookup_in(&sad, 0x3000)->owner, &fresh);
	cr_assert_eq(sad_lookup_out(&sad, AF_INET, src, dst)->owner, &old);
	cr_assert_eq(sad_route(&sad, 0x3000), 0);
	cr_assert_eq(sad_route(&sad, 0x3000), 0, "twice is harmless");
	cr_assert_eq(sad_lookup_out(&sad, AF_INET, src, dst)->owner, &fresh);
	cr_assert_eq(sad_remove(&sad, 0x2000), &old);
	cr_assert_eq(sad_lookup_out(&sad, AF_INET, src, dst)->owner, &fresh);
	cr_assert_eq(sad_route(&sad, 0x2000), -1);
	sad_remove(&sad, 0x3000);
	cr_assert_eq(sad.routes.nodes, 0);
	sad_free(&sad);
}

/* ---- memory per tunnel (issue 5: a concentrator holds thousands) ---- */

#define N_MEM	1000

static long
heap_in_use(void)
{
	return (long)mallinfo2().uordblks;
}

/* What the daemon keeps per IKE CHILD_SA besides its two ESP SAs: the SA
 * database's entry with its selectors, trie nodes, SPI table and conns[]
 * slots, and the glue's record (the entry's owner). Measured as the heap
 * of N entries less that of N bare ESP SA pairs like theirs. The bound is
 * what the records are meant to stay under (it was ~1.8 KB when every
 * entry held a copy of its cfg_conn). Under ASan mallinfo2 does not see
 * the sanitizer's heap and the figures come out 0. */
Test(sad, bytes_per_tunnel)
{
	static struct cfg_conn k;
	static struct esp_sa *sas[2 * N_MEM];
	struct cfg cfg = { 0 };
	struct sad sad;
	long before, with_sad, with_esp, per;
	unsigned i;

	cr_assert_eq(sad_build(&sad, &cfg), 0);
	ike_child(&k, 1, 0);	/* OpenSSL's caches are filled once */
	cr_assert_eq(sad_add(&sad, &k, "svc", &k, true), 0);
	sad_remove(&sad, 1);
	before = heap_in_use();
	for (i = 0; i < N_MEM; i++) {
		ike_child(&k, 0x1000 + i, i);
		cr_assert_eq(sad_add(&sad, &k, "svc", calloc(1,
		    sizeof(struct glue_child)), true), 0);
	}
	with_sad = heap_in_use() - before;
	for (i = 0; i < N_MEM; i++)
		free(sad_remove(&sad, 0x1000 + i));
	sad_free(&sad);
	before = heap_in_use();
	for (i = 0; i < N_MEM; i++) {
		struct esp_sa_config sc = { .spi = 0x1000 + i, .suite =
		    k.suite, .enc_key = k.in.enc_key, .enc_key_len = 32,
		    .auth_key = k.in.auth_key, .auth_key_len = 20 };

		cr_assert_eq(esp_sa_new(&sas[2 * i], &sc, ESP_DIR_OUT), ESP_OK);
		sc.replay_window = k.replay_window;
		cr_assert_eq(esp_sa_new(&sas[2 * i + 1], &sc, ESP_DIR_IN),
		    ESP_OK);
	}
	with_esp = heap_in_use() - before;
	for (i = 0; i < 2 * N_MEM; i++)
		esp_sa_free(sas[i]);
	per = (with_sad - with_esp) / N_MEM;
	cr_log_info("per tunnel: %ld bytes, of which the ESP SA pair %ld, "
	    "the daemon's records %ld (sad_conn %zu + selectors, glue_child "
	    "%zu)", with_sad / N_MEM, with_esp / N_MEM, per,
	    sizeof(struct sad_conn), sizeof(struct glue_child));
	cr_assert_leq(per, 512, "%ld bytes of records per tunnel", per);
}
