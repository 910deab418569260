/*
 * tools/keylog/keylog_charon.c — IKE and CHILD_SA keys recovered from
 * charon's debug log at ike = 4, chd = 4, mgr = 2, cfg = 1 (strongSwan
 * 5.9, filelog; any time stamp before the "NN[GRP] " tag). What is read:
 *
 *   NN[CFG] <c|7> selected proposal: IKE:AES_CBC_256/HMAC_SHA1_96/...
 *   NN[IKE] <c|7> Sk_ei secret => 32 bytes @ 0x...     (then hex rows
 *   NN[IKE] <c|7>    0: 0B 7E CB B5 ...  ascii            of 16 bytes)
 *   NN[MGR] <c|7> checkin IKEv2 SA c[7] with SPIs 62ae..._i 8ff3..._r
 *   NN[IKE] <c|7> establishing CHILD_SA c{3}            (we initiate it)
 *   NN[CFG] <c|7> selected proposal: ESP:AES_GCM_16_256/NO_EXT_SEQ
 *   NN[CHD] <c|7> CHILD_SA c{3} state change: CREATED => INSTALLING
 *   NN[CHD] <c|7> encryption initiator key => 36 bytes @ 0x...
 *   NN[CHD] <c|7> adding inbound ESP SA
 *   NN[CHD] <c|7>   SPI 0x523c6a35, src 172.29.7.2 dst 172.29.7.1
 *
 * NN is charon's thread: one thread handles one IKE SA from checkout to
 * checkin, so keys, dumps and the SPIs of that checkin are tied by it.
 * The IKE proposal (logged while IKE_SA_INIT is handled, maybe by another
 * thread than the keys) is tied to the IKE SA's unique ID, from the
 * "<name|ID>" tag (ike_name = yes) or, without it, from the MGR lines.
 * The IKE SA keys are complete at the next checkin with both SPIs — for
 * an IKE SA rekey that is the new SA's checkin (RFC 7296 §2.18). A
 * CHILD_SA's "initiator" keys protect what its initiator sends (§2.17);
 * this charon initiated it if it logged "establishing CHILD_SA" for it.
 * Unrelated lines are skipped; a key dump cut short is an error.
 */
#include "tools/keylog/keylog_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <sodium.h>

#include "common/hex.h"

#define KL_CH_THREADS_MAX	10000	/* thread numbers 0..9999 */
#define KL_CH_RECENT		64	/* proposals and children kept */

enum kl_ch_key { K_EI, K_ER, K_AI, K_AR, K_COUNT };

struct kl_ch_algs {
	bool		 known;
	uint16_t	 encr, bits, integ;
	bool		 aead, esn;
};

/* A hex dump in progress: `want` bytes into dst. */
struct kl_ch_dump {
	bool		 active;
	uint8_t		*dst;
	size_t		*len, want;
	uint8_t		*have, bit;	/* set in *have when complete */
	const char	*what;
};

struct kl_ch_child {
	unsigned	 id;		/* {N}; 0: none being installed */
	bool		 initiator;
	struct kl_ch_algs algs;
	uint8_t		 have;		/* 1 << K_* */
	uint8_t		 e[2][KEYLOG_ENCR_KEY_MAX];	/* i, r */
	uint8_t		 a[2][KEYLOG_INTEG_KEY_MAX];
	size_t		 elen[2], alen[2];
	int		 next_spi;	/* 1: inbound, 2: outbound */
	bool		 in_seen, out_seen;
	struct keylog_esp in, out;	/* SPI and addresses */
};

struct kl_ch_thread {
	unsigned	 sa;		/* IKE SA unique ID, from MGR lines */
	struct kl_ch_dump dump;
	bool		 ike_active;	/* keys derived, no checkin yet */
	uint8_t		 ike_have;
	struct keylog_ike ike;
	size_t		 ike_len[K_COUNT];
	struct kl_ch_algs ike_algs;
	struct kl_ch_algs last_ike;	/* the last IKE proposal it logged */
	struct kl_ch_child child;
};

struct kl_charon {
	struct kl_ch_thread **thr;	/* by thread number; each owned */
	size_t		 n_thr;
	struct { unsigned sa; struct kl_ch_algs algs; } prop[KL_CH_RECENT];
	unsigned	 n_prop;
	unsigned	 initiated[KL_CH_RECENT];	/* child IDs */
	unsigned	 n_init;
	char		 text[KL_LINE_MAX + 1];		/* the line */
	unsigned	 dump_line;	/* where the open dump began */
};

/* "NN[GRP] ": the thread tag, after any time stamp. Returns the offset of
 * the text after it, or 0 if the line has none. */
static size_t
kl_ch_tag(const uint8_t *p, size_t n, unsigned *thread, char grp[4])
{
	size_t j, k;

	for (j = 1; j + 5 < n && j < 64; j++) {
		if (p[j] != '[' || p[j - 1] < '0' || p[j - 1] > '9' ||
		    p[j + 4] != ']' || p[j + 5] != ' ')
			continue;
		for (k = 1; k <= 3; k++)
			if (p[j + k] < 'A' || p[j + k] > 'Z')
				break;
		if (k <= 3)
			continue;
		for (k = j, *thread = 0; k > 0 && p[k - 1] >= '0' &&
		    p[k - 1] <= '9' && j - k < 5; k--)
			;
		for (; k < j; k++)
			*thread = *thread * 10 + (unsigned)(p[k] - '0');
		memcpy(grp, p + j + 1, 3);
		grp[3] = '\0';
		return j + 6;
	}
	return 0;
}

bool
kl_charon_detect(const uint8_t *p, size_t n)
{
	unsigned thread;
	char grp[4];

	return kl_ch_tag(p, n, &thread, grp) > 0;
}

int
kl_charon_start(struct kl_ctx *c)
{
	if ((c->charon = calloc(1, sizeof(*c->charon))) == NULL)
		return kl_error(c, "out of memory");
	return 0;
}

static struct kl_ch_thread *
kl_ch_thread(struct kl_ctx *c, unsigned t)
{
	struct kl_charon *ch = c->charon;
	struct kl_ch_thread **p;
	size_t n;

	if (t >= KL_CH_THREADS_MAX) {
		kl_error(c, "thread number %u out of range", t);
		return NULL;
	}
	if (t >= ch->n_thr) {
		n = t + 16 < KL_CH_THREADS_MAX ? t + 16 : KL_CH_THREADS_MAX;
		if ((p = calloc(n, sizeof(*p))) == NULL) {
			kl_error(c, "out of memory");
			return NULL;
		}
		if (ch->thr != NULL)
			memcpy(p, ch->thr, ch->n_thr * sizeof(*p));
		free(ch->thr);
		ch->thr = p;
		ch->n_thr = n;
	}
	if (ch->thr[t] == NULL &&
	    (ch->thr[t] = calloc(1, sizeof(*ch->thr[t]))) == NULL)
		kl_error(c, "out of memory");
	return ch->thr[t];
}

/* "IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048" after the
 * colon: the encryption, integrity and ESN transforms (PRF and DH are not
 * needed for the keys). Unknown names leave the proposal unknown. */
static void
kl_ch_algs(const char *s, struct kl_ch_algs *a)
{
	struct buf_reader r;
	const uint8_t *f;
	size_t n, key_len;
	uint16_t id, bits;
	bool aead, encr = false;

	memset(a, 0, sizeof(*a));
	buf_reader_init(&r, s, strlen(s));
	while (kl_field(&r, '/', &f, &n)) {
		if (kl_is(f, n, "EXT_SEQ"))
			a->esn = true;
		else if (kl_is(f, n, "NO_EXT_SEQ"))
			;
		else if (!encr && kl_encr_by_name(f, n, &id, &bits, &key_len,
		    &aead) == 0 && key_len > 0) {
			a->encr = id;
			a->bits = bits;
			a->aead = aead;
			encr = true;
		} else if (kl_integ_by_name(f, n, &id, &key_len) == 0)
			a->integ = id;
	}
	a->known = encr;
}

static const struct kl_ch_algs *
kl_ch_prop(struct kl_charon *ch, unsigned sa)
{
	unsigned i;

	for (i = 0; i < KL_CH_RECENT && i < ch->n_prop; i++)
		if (ch->prop[(ch->n_prop - 1 - i) % KL_CH_RECENT].sa == sa)
			return &ch->prop[(ch->n_prop - 1 - i) %
			    KL_CH_RECENT].algs;
	return NULL;
}

static bool
kl_ch_initiated(struct kl_charon *ch, unsigned child)
{
	unsigned i;

	for (i = 0; i < KL_CH_RECENT && i < ch->n_init; i++)
		if (ch->initiated[i] == child)
			return true;
	return false;
}

/* "... => 32 bytes @ 0x...": a dump of that many bytes follows. */
static int
kl_ch_dump_start(struct kl_ctx *c, struct kl_ch_thread *t, const char *s,
    uint8_t *dst, size_t cap, size_t *len, uint8_t *have, uint8_t bit,
    const char *what)
{
	const char *arrow = strstr(s, "=> ");
	unsigned want;

	if (arrow == NULL || sscanf(arrow, "=> %u bytes", &want) != 1)
		return kl_error(c, "%s: no length", what);
	if (want > cap)
		return kl_error(c, "%s: %u bytes, more than %zu", what, want,
		    cap);
	*len = 0;
	*have &= (uint8_t)~bit;
	t->dump = (struct kl_ch_dump){ .active = want > 0, .dst = dst,
	    .len = len, .want = want, .have = have, .bit = bit,
	    .what = what };
	if (want == 0)
		*have |= bit;
	c->charon->dump_line = c->line;
	return 0;
}

/* "   16: D1 0D E0 91 ...  ascii": true if s is such a row (then its
 * bytes go into the open dump). */
static int
kl_ch_dump_row(struct kl_ctx *c, struct kl_ch_thread *t, const char *s,
    bool *row)
{
	struct kl_ch_dump *d = &t->dump;
	unsigned off, i;
	int used = -1;		/* stays so unless the ':' matched */
	char hx[3] = { 0, 0, 0 };

	*row = sscanf(s, " %u:%n", &off, &used) == 1 && used > 0 &&
	    s[used] == ' ';
	if (!*row)
		return 0;
	if (off != *d->len)
		return kl_error(c, "%s: row at offset %u, want %zu", d->what,
		    off, *d->len);
	s += used;
	for (i = 0; i < 16 && *d->len < d->want; i++, s += 3) {
		if (s[0] != ' ' || s[1] == '\0' || s[2] == '\0')
			break;
		hx[0] = s[1];
		hx[1] = s[2];
		if (hex_decode(hx, &d->dst[*d->len], 1) != 1)
			break;
		(*d->len)++;
	}
	sodium_memzero(hx, sizeof(hx));
	if (i == 0)
		return kl_error(c, "%s: a dump row without bytes", d->what);
	if (*d->len == d->want) {
		*d->have |= d->bit;
		d->active = false;
	} else if (i < 16)
		return kl_error(c, "%s: %zu of %zu bytes", d->what, *d->len,
		    d->want);
	return 0;
}

/* Sk_* secrets: a new derivation starts at Sk_d. */
static int
kl_ch_ike_key(struct kl_ctx *c, struct kl_ch_thread *t, unsigned sa,
    const char *s)
{
	static const char *const names[K_COUNT] = { "Sk_ei secret",
	    "Sk_er secret", "Sk_ai secret", "Sk_ar secret" };
	uint8_t *dst[K_COUNT] = { t->ike.sk_ei, t->ike.sk_er, t->ike.sk_ai,
	    t->ike.sk_ar };
	const struct kl_ch_algs *algs;
	unsigned k;

	if (strncmp(s, "Sk_d secret =>", 14) == 0) {
		sodium_memzero(&t->ike, sizeof(t->ike));
		t->ike_have = 0;
		/* A rekey's responder logs the proposal under the old SA
		 * and derives the keys under the new one: same thread. */
		algs = kl_ch_prop(c->charon, sa);
		t->ike_algs = algs != NULL ? *algs : t->last_ike;
		t->ike_active = true;
		return 0;
	}
	for (k = 0; k < K_COUNT; k++)
		if (strncmp(s, names[k], strlen(names[k])) == 0)
			break;
	if (k == K_COUNT || !t->ike_active)
		return 0;
	return kl_ch_dump_start(c, t, s, dst[k], k < K_AI ?
	    KEYLOG_ENCR_KEY_MAX : KEYLOG_INTEG_KEY_MAX, &t->ike_len[k],
	    &t->ike_have, (uint8_t)(1 << k), names[k]);
}

/* A checkin with both SPIs completes the IKE keys derived before it. */
static int
kl_ch_checkin(struct kl_ctx *c, struct kl_ch_thread *t, const char *s)
{
	struct kl_ch_algs *a = &t->ike_algs;
	const char *w = strstr(s, " with SPIs ");
	char si[17], sr[17];
	uint64_t spi_i, spi_r;
	uint8_t need = a->aead ? 0x3 : 0xf;
	struct keylog_ike *rec;

	if (strncmp(s, "checkin ", 8) != 0 || w == NULL || !t->ike_active ||
	    (t->ike_have & need) != need)
		return 0;
	if (sscanf(w, " with SPIs %16[0-9a-f]_i %16[0-9a-f]_r", si, sr) != 2 ||
	    kl_hex_u64(c, (const uint8_t *)si, strlen(si), 16, &spi_i,
	    "SPIi") < 0 ||
	    kl_hex_u64(c, (const uint8_t *)sr, strlen(sr), 16, &spi_r,
	    "SPIr") < 0)
		return kl_error(c, "checkin: SPIs not read");
	if (spi_r == 0)
		return 0;
	t->ike_active = false;
	if (!a->known)		/* an algorithm uipsec cannot name */
		return 0;
	t->ike.spi_i = spi_i;
	t->ike.spi_r = spi_r;
	t->ike.encr = a->encr;
	t->ike.encr_bits = a->bits;
	t->ike.integ = a->aead ? 0 : a->integ;
	t->ike.encr_len = t->ike_len[K_EI];
	t->ike.integ_len = a->aead ? 0 : t->ike_len[K_AI];
	if (t->ike_len[K_ER] != t->ike.encr_len ||
	    (!a->aead && t->ike_len[K_AR] != t->ike.integ_len))
		return kl_error(c, "IKE keys of one kind differ in length");
	if (kl_check_ike(c, &t->ike) < 0 || (rec = kl_new_ike(c)) == NULL)
		return -1;
	*rec = t->ike;
	sodium_memzero(&t->ike, sizeof(t->ike));
	return 0;
}

/* Both directions of a CHILD_SA once its keys and both SPIs are known. */
static int
kl_ch_child_done(struct kl_ctx *c, struct kl_ch_thread *t)
{
	struct kl_ch_child *ch = &t->child;
	uint8_t need = ch->algs.aead ? 0x3 : 0xf;
	struct keylog_esp *k[2];	/* in, out */
	int dir, from;

	if (ch->id == 0 || !ch->in_seen || !ch->out_seen ||
	    (ch->have & need) != need)
		return 0;
	if (!ch->algs.known) {
		ch->id = 0;
		return 0;
	}
	if (kl_new_esp(c) == NULL)
		return -1;
	if ((k[1] = kl_new_esp(c)) == NULL) {
		c->kl->n_esp--;
		return -1;
	}
	k[0] = &c->kl->esp[c->kl->n_esp - 2];	/* the array may have moved */
	*k[0] = ch->in;
	*k[1] = ch->out;
	for (dir = 0; dir < 2; dir++) {
		/* §2.17: the initiator's keys protect what it sends */
		from = (dir == 1) == ch->initiator ? 0 : 1;
		k[dir]->encr = ch->algs.encr;
		k[dir]->encr_bits = ch->algs.bits;
		k[dir]->integ = ch->algs.aead ? 0 : ch->algs.integ;
		k[dir]->esn = ch->algs.esn;
		k[dir]->encr_len = ch->elen[from];
		memcpy(k[dir]->encr_key, ch->e[from], ch->elen[from]);
		k[dir]->integ_len = ch->algs.aead ? 0 : ch->alen[from];
		memcpy(k[dir]->integ_key, ch->a[from], k[dir]->integ_len);
		if (kl_check_esp(c, k[dir]) < 0)
			return -1;
	}
	sodium_memzero(ch, sizeof(*ch));
	return 0;
}

/* "  SPI 0x523c6a35, src 172.29.7.2 dst 172.29.7.1" */
static int
kl_ch_spi(struct kl_ctx *c, struct kl_ch_thread *t, const char *s)
{
	struct kl_ch_child *ch = &t->child;
	struct keylog_esp *k = ch->next_spi == 1 ? &ch->in : &ch->out;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	unsigned spi;
	int sf, df;

	if (ch->next_spi == 0)
		return 0;
	if (sscanf(s, " SPI 0x%8x, src %45s dst %45s", &spi, src, dst) != 3)
		return kl_error(c, "ESP SA line: want SPI, src and dst");
	if (kl_addr(c, (const uint8_t *)src, strlen(src), &sf, k->src,
	    "src") < 0 || kl_addr(c, (const uint8_t *)dst, strlen(dst), &df,
	    k->dst, "dst") < 0)
		return -1;
	if (sf != df)
		return kl_error(c, "ESP SA: src and dst of different families");
	k->family = sf;
	k->spi = spi;
	*(ch->next_spi == 1 ? &ch->in_seen : &ch->out_seen) = true;
	ch->next_spi = 0;
	return kl_ch_child_done(c, t);
}

static int
kl_ch_chd(struct kl_ctx *c, struct kl_ch_thread *t, const char *s)
{
	static const char *const names[K_COUNT] = {
	    "encryption initiator key", "encryption responder key",
	    "integrity initiator key", "integrity responder key" };
	struct kl_ch_child *ch = &t->child;
	const char *p;
	unsigned id, k;

	if ((p = strstr(s, "state change: CREATED => INSTALLING")) != NULL &&
	    (p = strchr(s, '{')) != NULL && sscanf(p, "{%u}", &id) == 1) {
		struct kl_ch_algs algs = ch->algs;

		sodium_memzero(ch, sizeof(*ch));
		ch->algs = algs;
		ch->id = id;
		ch->initiator = kl_ch_initiated(c->charon, id);
		return 0;
	}
	if (ch->id == 0)
		return 0;
	for (k = 0; k < K_COUNT; k++)
		if (strncmp(s, names[k], strlen(names[k])) == 0)
			return kl_ch_dump_start(c, t, s, k < K_AI ?
			    ch->e[k] : ch->a[k - K_AI], k < K_AI ?
			    KEYLOG_ENCR_KEY_MAX : KEYLOG_INTEG_KEY_MAX, k < K_AI ?
			    &ch->elen[k] : &ch->alen[k - K_AI], &ch->have,
			    (uint8_t)(1 << k), names[k]);
	if (strcmp(s, "adding inbound ESP SA") == 0)
		ch->next_spi = 1;
	else if (!ch->out_seen && (strcmp(s, "adding outbound ESP SA") == 0 ||
	    strcmp(s, "registering outbound ESP SA") == 0))
		ch->next_spi = 2;
	else if (strncmp(s, "  SPI 0x", 8) == 0)
		return kl_ch_spi(c, t, s);
	return 0;
}

/* "<name|7> " (ike_name = yes): the IKE SA's unique ID; 0 if none. */
static unsigned
kl_ch_ctx(const char **s)
{
	const char *end, *bar;
	unsigned id = 0;

	if (**s != '<' || (end = strchr(*s, '>')) == NULL)
		return 0;
	for (bar = end; bar > *s && bar[-1] >= '0' && bar[-1] <= '9'; bar--)
		;
	for (; bar < end; bar++)
		id = id * 10 + (unsigned)(*bar - '0');
	*s = end[1] == ' ' ? end + 2 : end + 1;
	return id;
}

/* "... IKE_SA net[7] ..." in an untagged MGR line: the SA this thread
 * handles from now on. */
static void
kl_ch_mgr_sa(struct kl_ch_thread *t, const char *s)
{
	const char *b;
	unsigned id;

	if (strstr(s, "checked out") == NULL && strncmp(s, "created ", 8) != 0)
		return;
	if ((b = strrchr(s, '[')) != NULL && sscanf(b, "[%u]", &id) == 1)
		t->sa = id;
}

static int
kl_ch_message(struct kl_ctx *c, struct kl_ch_thread *t, const char *grp,
    const char *s)
{
	struct kl_charon *ch = c->charon;
	unsigned sa, id;
	const char *p;
	bool tagged;

	tagged = (sa = kl_ch_ctx(&s)) != 0;
	if (!tagged)
		sa = t->sa;
	if (strcmp(grp, "MGR") == 0) {
		if (!tagged)
			kl_ch_mgr_sa(t, s);
		return kl_ch_checkin(c, t, s);
	}
	if (strcmp(grp, "CFG") == 0 &&
	    strncmp(s, "selected proposal: IKE:", 23) == 0) {
		ch->prop[ch->n_prop % KL_CH_RECENT].sa = sa;
		kl_ch_algs(s + 23, &ch->prop[ch->n_prop % KL_CH_RECENT].algs);
		t->last_ike = ch->prop[ch->n_prop % KL_CH_RECENT].algs;
		ch->n_prop++;
		return 0;
	}
	if (strcmp(grp, "CFG") == 0 &&
	    strncmp(s, "selected proposal: ESP:", 23) == 0) {
		kl_ch_algs(s + 23, &t->child.algs);
		return 0;
	}
	if (strcmp(grp, "IKE") == 0 &&
	    strncmp(s, "establishing CHILD_SA ", 22) == 0 &&
	    (p = strchr(s, '{')) != NULL && sscanf(p, "{%u}", &id) == 1) {
		ch->initiated[ch->n_init++ % KL_CH_RECENT] = id;
		return 0;
	}
	if (strcmp(grp, "IKE") == 0 && strncmp(s, "Sk_", 3) == 0)
		return kl_ch_ike_key(c, t, sa, s);
	if (strcmp(grp, "CHD") == 0)
		return kl_ch_chd(c, t, s);
	return 0;
}

int
kl_charon_line(struct kl_ctx *c, const uint8_t *p, size_t n)
{
	struct kl_charon *ch = c->charon;
	struct kl_ch_thread *t;
	unsigned thread;
	char grp[4];
	const char *s;
	size_t off;
	bool row;

	if ((off = kl_ch_tag(p, n, &thread, grp)) == 0)
		return 0;	/* not a charon line (a wrapped message) */
	if ((t = kl_ch_thread(c, thread)) == NULL)
		return -1;
	memcpy(ch->text, p + off, n - off);
	ch->text[n - off] = '\0';
	s = ch->text;
	if (t->dump.active) {
		kl_ch_ctx(&s);
		if (kl_ch_dump_row(c, t, s, &row) < 0)
			return -1;
		if (!row)
			return kl_error(c, "%s: %zu of %zu bytes, then "
			    "another line", t->dump.what, *t->dump.len,
			    t->dump.want);
		if (t->dump.active)
			return 0;
		/* a complete key may complete a CHILD_SA */
		return kl_ch_child_done(c, t);
	}
	return kl_ch_message(c, t, grp, s);
}

int
kl_charon_finish(struct kl_ctx *c, bool ok)
{
	struct kl_charon *ch = c->charon;
	size_t i;
	int ret = ok ? 0 : -1;

	if (ch == NULL)
		return ret;
	for (i = 0; i < ch->n_thr; i++) {
		if (ch->thr[i] == NULL)
			continue;
		if (ret == 0 && ch->thr[i]->dump.active) {
			c->line = ch->dump_line;
			ret = kl_error(c, "%s: the log ends inside its dump",
			    ch->thr[i]->dump.what);
		}
		sodium_memzero(ch->thr[i], sizeof(*ch->thr[i]));
		free(ch->thr[i]);
	}
	free(ch->thr);
	sodium_memzero(ch, sizeof(*ch));
	free(ch);
	c->charon = NULL;
	return ret;
}
