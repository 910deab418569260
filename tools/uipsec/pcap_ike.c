/*
 * tools/uipsec/pcap_ike.c — captured IKE messages through ike_decode()
 * with the keys of their IKE SA: one line each, SKF{} fragments (RFC 7383)
 * verified one by one and their plaintext reassembled once all are there.
 * Per IKE SA: messages and IP bytes per exchange, and retransmissions
 * (RFC 7296 §2.1: the same message sent again, byte for byte).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike.h"
#include "tools/uipsec/pcap.h"

#define IKE_EXCH_SLOTS	8	/* distinct exchange types counted per SA */
#define IKE_FRAGS_MAX	64	/* fragments of one message kept */
#define IKE_MSG_BYTES	65536

/* A message seen, to recognise its retransmission. */
struct ike_seen {
	uint32_t	 msg_id, len;
	uint16_t	 frag_num;
	bool		 response;
	uint8_t		 digest[16];
};

/* The fragments of one message being collected (RFC 7383 §2.6). */
struct ike_frags {
	bool		 active;
	bool		 response;
	uint32_t	 msg_id;
	uint16_t	 total, have;
	uint8_t		 first;
	uint8_t		*part[IKE_FRAGS_MAX];	/* plaintext: wiped */
	size_t		 len[IKE_FRAGS_MAX];
};

struct ike_exch_count {
	uint8_t		 exchange;
	uint64_t	 msgs, bytes;
};

struct ike_sa_state {
	uint64_t		 spi_i, spi_r;
	struct ike_exch_count	 exch[IKE_EXCH_SLOTS];
	uint64_t		 msgs, ok, retransmits, bad;
	struct ike_seen		*seen;
	size_t			 n_seen;
	struct ike_frags	 frags;
};

struct pcap_ike {
	struct ike_sa_state	*sa;
	size_t			 n_sa;
	uint8_t			 plain[IKE_MSG_BYTES];
};

struct pcap_ike *
pcap_ike_new(void)
{
	return calloc(1, sizeof(struct pcap_ike));
}

static void
frags_free(struct ike_frags *f)
{
	for (size_t i = 0; i < IKE_FRAGS_MAX; i++) {
		if (f->part[i] != NULL)
			sodium_memzero(f->part[i], f->len[i]);
		free(f->part[i]);
	}
	memset(f, 0, sizeof(*f));
}

void
pcap_ike_free(struct pcap_ike *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_sa; i++) {
		frags_free(&s->sa[i].frags);
		free(s->sa[i].seen);
	}
	free(s->sa);
	free(s);
}

/* By the initiator's SPI, which every message of the SA carries. */
static struct ike_sa_state *
sa_state(struct pcap_ike *s, const struct ike_decoded *d)
{
	struct ike_sa_state *sa;
	size_t i;

	for (i = 0; i < s->n_sa; i++)
		if (s->sa[i].spi_i == d->spi_i)
			break;
	if (i == s->n_sa) {
		if ((sa = realloc(s->sa, (i + 1) * sizeof(*sa))) == NULL)
			return NULL;
		s->sa = sa;
		memset(&sa[i], 0, sizeof(sa[i]));
		sa[i].spi_i = d->spi_i;
		s->n_sa++;
	}
	if (s->sa[i].spi_r == 0)
		s->sa[i].spi_r = d->spi_r;
	return &s->sa[i];
}

static void
count_exchange(struct ike_sa_state *sa, uint8_t exchange, size_t bytes)
{
	for (size_t i = 0; i < IKE_EXCH_SLOTS; i++) {
		struct ike_exch_count *c = &sa->exch[i];

		if (c->msgs != 0 && c->exchange != exchange)
			continue;
		c->exchange = exchange;
		c->msgs++;
		c->bytes += bytes;
		return;
	}
}

/* True if these very bytes were seen before in this SA; remembers them. */
static bool
retransmission(struct ike_sa_state *sa, const struct ike_decoded *d,
    const uint8_t *msg, size_t len)
{
	struct ike_seen now = { .msg_id = d->msg_id, .len = (uint32_t)len,
	    .frag_num = d->frag_num, .response = d->response }, *seen;

	crypto_generichash(now.digest, sizeof(now.digest), msg, len, NULL, 0);
	for (size_t i = 0; i < sa->n_seen; i++) {
		const struct ike_seen *o = &sa->seen[i];

		if (o->msg_id == now.msg_id && o->response == now.response &&
		    o->frag_num == now.frag_num && o->len == now.len &&
		    !memcmp(o->digest, now.digest, sizeof(now.digest)))
			return true;
	}
	if ((seen = realloc(sa->seen, (sa->n_seen + 1) * sizeof(*seen))) ==
	    NULL)
		return false;
	sa->seen = seen;
	sa->seen[sa->n_seen++] = now;
	return false;
}

/* Keeps a verified fragment's plaintext; once the message is complete,
 * prints its reassembled payload chain. */
static void
fragment_keep(struct ike_sa_state *sa, struct ike_decoded *d,
    const uint8_t *plain, size_t len, FILE *out)
{
	struct ike_frags *f = &sa->frags;
	enum ike_decode_status st;
	uint8_t *all;
	size_t n = 0, i;

	if (d->frag_num == 0 || d->frag_num > d->frag_total ||
	    d->frag_total > IKE_FRAGS_MAX)
		return;
	if (f->active && (f->msg_id != d->msg_id ||
	    f->response != d->response || f->total != d->frag_total))
		frags_free(f);
	if (f->part[d->frag_num - 1] != NULL)
		return;				/* a retransmitted fragment */
	if ((f->part[d->frag_num - 1] = malloc(len ? len : 1)) == NULL)
		return;
	memcpy(f->part[d->frag_num - 1], plain, len);
	f->len[d->frag_num - 1] = len;
	f->active = true;
	f->msg_id = d->msg_id;
	f->response = d->response;
	f->total = d->frag_total;
	if (d->frag_num == 1)
		f->first = d->frag_first;
	if (++f->have < f->total)
		return;
	for (i = 0; i < f->total; i++)
		n += f->len[i];
	if ((all = malloc(n ? n : 1)) != NULL) {
		for (n = 0, i = 0; i < f->total; i++) {
			memcpy(all + n, f->part[i], f->len[i]);
			n += f->len[i];
		}
		st = ike_decode_chain(f->first, all, n, d);
		if (out)
			fprintf(out, " reassembled %u fragments: %s%s", f->total,
			    d->summary, st == IKE_DECODE_OK ? "" :
			    " (inner payloads malformed)");
		sodium_memzero(all, n);
		free(all);
	}
	frags_free(f);
}

bool
pcap_ike_packet(struct pcap_ike *s, const struct keylog *kl,
    const struct pcap_pkt *pkt, FILE *out, bool *unknown)
{
	const struct keylog_ike *k;
	struct ike_decode_keys keys, *kp = NULL;
	struct ike_sa_state *sa;
	struct ike_decoded d;
	enum ike_decode_status st;
	size_t plain_len = 0;
	bool again;

	*unknown = false;
	if (ike_decode_header(pkt->data, pkt->len, &d) != 0) {
		if (out)
			fprintf(out, "IKE %zu bytes malformed: %s\n", pkt->len,
			    d.why);
		return false;
	}
	if ((k = keylog_find_ike(kl, d.spi_i, d.spi_r)) != NULL) {
		keys = (struct ike_decode_keys){ .encr = k->encr,
		    .encr_bits = k->encr_bits, .integ = k->integ,
		    .sk_ei = k->sk_ei, .sk_er = k->sk_er, .sk_ai = k->sk_ai,
		    .sk_ar = k->sk_ar, .encr_len = k->encr_len,
		    .integ_len = k->integ_len };
		kp = &keys;
	}
	st = ike_decode(pkt->data, pkt->len, kp, s->plain, sizeof(s->plain),
	    &plain_len, &d);
	if ((sa = sa_state(s, &d)) == NULL)
		return false;
	again = retransmission(sa, &d, pkt->data, pkt->len);
	sa->msgs++;
	sa->retransmits += again;
	count_exchange(sa, d.exchange, pkt->ip.total);
	if (st == IKE_DECODE_OK)
		sa->ok++;
	else
		sa->bad++;
	*unknown = st == IKE_DECODE_NO_KEYS;
	if (out)
		fprintf(out, "IKE %016llx/%016llx %s %s%s", (unsigned long long)
		    d.spi_i, (unsigned long long)d.spi_r,
		    d.initiator ? "initiator" : "responder", d.summary,
		    again ? " retransmission" : "");
	if (st == IKE_DECODE_OK && d.frag_total != 0 && !again)
		fragment_keep(sa, &d, s->plain, plain_len, out);
	sodium_memzero(s->plain, plain_len);
	if (out && st == IKE_DECODE_NO_KEYS)
		fprintf(out, " unknown SPI\n");
	else if (out && st != IKE_DECODE_OK && st != IKE_DECODE_BAD_ICV &&
	    d.why != NULL)
		fprintf(out, " %s (%s)\n", ike_decode_status_str(st), d.why);
	else if (out)
		fprintf(out, " %s\n", ike_decode_status_str(st));
	return st == IKE_DECODE_OK;
}

void
pcap_ike_summary(const struct pcap_ike *s, FILE *out)
{
	for (size_t i = 0; i < s->n_sa; i++) {
		const struct ike_sa_state *sa = &s->sa[i];

		fprintf(out, "  IKE SA %016llx/%016llx: %llu messages, %llu ok, "
		    "%llu retransmissions, %llu not verified;",
		    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
		    (unsigned long long)sa->msgs, (unsigned long long)sa->ok,
		    (unsigned long long)sa->retransmits,
		    (unsigned long long)sa->bad);
		for (size_t j = 0; j < IKE_EXCH_SLOTS && sa->exch[j].msgs; j++) {
			const char *name =
			    ike_decode_exchange_name(sa->exch[j].exchange);

			if (name != NULL)
				fprintf(out, " %s", name);
			else
				fprintf(out, " exchange %u",
				    sa->exch[j].exchange);
			fprintf(out, " %llu msgs %llu bytes",
			    (unsigned long long)sa->exch[j].msgs,
			    (unsigned long long)sa->exch[j].bytes);
		}
		fprintf(out, "\n");
	}
}
