/*
 * tools/uipsec/pcap_esp.c — captured ESP packets through esp/'s own inbound
 * path (RFC 4303 §3.4: replay pre-check, ICV in constant time, decrypt,
 * trailer, window update), one inbound SA per key-log record made on its
 * first packet, each with its own replay window: a packet captured twice
 * is a replay here as it would be at the receiver. Per SA: packets,
 * bytes, the sequence numbers seen and the gaps between them.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "esp/esp.h"
#include "ike/ike.h"
#include "tools/uipsec/pcap.h"

/* The largest UDP payload or IP datagram, with room for esp_decap. */
#define ESP_PKT_MAX	65536

struct esp_state {
	struct esp_sa	*sa;		/* made on the first packet */
	bool		 unusable;	/* its suite or keys do not load */
	bool		 any;		/* a packet authenticated */
	uint64_t	 seen, ok, bad_icv, replay, bad_other;
	uint64_t	 outer_bytes, inner_bytes;
	uint64_t	 min_seq, max_seq;	/* extended, of ok packets */
};

/* Packets whose SPI no key-log record names. */
struct esp_unknown {
	uint32_t	 spi;
	int		 family;
	uint8_t		 src[16], dst[16];
	uint64_t	 packets, bytes;
};

struct pcap_esp {
	struct esp_state	*st;		/* parallel to keylog.esp[] */
	size_t			 n_st;
	struct esp_unknown	*unk;
	size_t			 n_unk;
	uint8_t			 buf[ESP_PKT_MAX];
};

struct pcap_esp *
pcap_esp_new(void)
{
	return calloc(1, sizeof(struct pcap_esp));
}

void
pcap_esp_free(struct pcap_esp *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n_st; i++)
		esp_sa_free(e->st[i].sa);	/* wipes its keys */
	free(e->st);
	free(e->unk);
	free(e);
}

/* Records are appended (a re-read key file): grow the parallel array. */
void
pcap_esp_keys_changed(struct pcap_esp *e, const struct keylog *kl)
{
	struct esp_state *st;

	if (kl->n_esp <= e->n_st)
		return;
	if ((st = realloc(e->st, kl->n_esp * sizeof(*st))) == NULL)
		return;
	memset(st + e->n_st, 0, (kl->n_esp - e->n_st) * sizeof(*st));
	e->st = st;
	e->n_st = kl->n_esp;
}

/* A capture is judged with a wide window (doc/pcap.md: 4096 packets), not
 * the data plane's default of 64: memory does not count here. */
#define PCAP_REPLAY_WINDOW	4096

static struct esp_sa *
state_sa(struct esp_state *s, const struct keylog_esp *k)
{
	struct esp_sa_config cfg = {
		.spi = k->spi, .enc_key = k->encr_key,
		.enc_key_len = k->encr_len, .auth_key = k->integ_key,
		.auth_key_len = k->integ_len, .esn = k->esn,
		.replay_window = PCAP_REPLAY_WINDOW,
	};

	if (s->sa != NULL || s->unusable)
		return s->sa;
	if (ike_esp_suite(k->encr, k->integ, &cfg.suite) != 0 ||
	    esp_sa_new(&s->sa, &cfg, ESP_DIR_IN) != ESP_OK) {
		s->sa = NULL;
		s->unusable = true;
	}
	return s->sa;
}

/* The 64-bit number nearest to the highest one seen with these low 32
 * bits (RFC 4303 Appendix A's idea, for counting gaps only). */
static uint64_t
seq_extend(const struct esp_state *s, uint32_t lo)
{
	uint32_t d = lo - (uint32_t)s->max_seq;

	if (!s->any)
		return lo;
	if (d < 0x80000000u)
		return s->max_seq + d;
	d = 0u - d;
	return d <= s->max_seq ? s->max_seq - d : lo;
}

static void
count_unknown(struct pcap_esp *e, const struct pcap_pkt *pkt, uint32_t spi)
{
	struct esp_unknown *u;
	size_t i;

	for (i = 0; i < e->n_unk; i++)
		if (e->unk[i].spi == spi && e->unk[i].family == pkt->ip.family &&
		    !memcmp(e->unk[i].src, pkt->ip.src, 16) &&
		    !memcmp(e->unk[i].dst, pkt->ip.dst, 16))
			break;
	if (i == e->n_unk) {
		if ((u = realloc(e->unk, (i + 1) * sizeof(*u))) == NULL)
			return;
		e->unk = u;
		memset(&u[i], 0, sizeof(u[i]));
		u[i].spi = spi;
		u[i].family = pkt->ip.family;
		memcpy(u[i].src, pkt->ip.src, 16);
		memcpy(u[i].dst, pkt->ip.dst, 16);
		e->n_unk++;
	}
	e->unk[i].packets++;
	e->unk[i].bytes += pkt->ip.total;
}

static const char *
verdict(enum esp_status st)
{
	switch (st) {
	case ESP_OK:		return "ok";
	case ESP_DROP_AUTH:	return "bad ICV";
	case ESP_DROP_REPLAY:	return "replay";
	case ESP_DROP_PADDING:	return "bad padding";
	case ESP_DROP_MALFORMED: return "malformed";
	default:		return esp_status_str(st);
	}
}

static void
count(struct esp_state *s, enum esp_status st, uint64_t seq, size_t outer,
    size_t inner)
{
	s->seen++;
	s->outer_bytes += outer;
	switch (st) {
	case ESP_OK:
	case ESP_DROP_DUMMY:
		s->ok++;
		s->inner_bytes += inner;
		if (!s->any || seq < s->min_seq)
			s->min_seq = seq;
		if (!s->any || seq > s->max_seq)
			s->max_seq = seq;
		s->any = true;
		return;
	case ESP_DROP_AUTH:
		s->bad_icv++;
		return;
	case ESP_DROP_REPLAY:
		s->replay++;
		return;
	default:
		s->bad_other++;
	}
}

bool
pcap_esp_packet(struct pcap_esp *e, const struct keylog *kl,
    const struct pcap_pkt *pkt, FILE *out, const uint8_t **inner,
    size_t *inner_len, bool *unknown)
{
	const struct keylog_esp *k;
	struct esp_state *s;
	struct esp_pkt ep;
	struct buf_reader r;
	enum esp_status st;
	uint32_t spi, seq_lo;
	uint64_t seq;
	uint8_t nh;
	char line[256];

	*unknown = false;
	buf_reader_init(&r, pkt->data, pkt->len);
	if (!buf_get_u32(&r, &spi) || !buf_get_u32(&r, &seq_lo)) {
		if (out)
			fprintf(out, "ESP %zu bytes malformed\n", pkt->len);
		return false;
	}
	if (out)
		fprintf(out, "ESP spi 0x%08x seq %u ", spi, seq_lo);
	k = keylog_find_esp(kl, spi, pkt->ip.family, pkt->ip.src,
	    pkt->ip.dst);
	if (k == NULL || (size_t)(k - kl->esp) >= e->n_st) {
		count_unknown(e, pkt, spi);
		*unknown = true;
		if (out)
			fprintf(out, "unknown SPI\n");
		return false;
	}
	s = &e->st[k - kl->esp];
	if (state_sa(s, k) == NULL || pkt->len > sizeof(e->buf)) {
		s->seen++;
		s->bad_other++;
		if (out)
			fprintf(out, "%s\n", s->unusable ? "unsupported suite" :
			    "too large");
		return false;
	}
	memcpy(e->buf, pkt->data, pkt->len);
	ep = (struct esp_pkt){ .base = e->buf, .cap = sizeof(e->buf),
	    .len = pkt->len };
	seq = seq_extend(s, seq_lo);
	st = esp_decap(s->sa, &ep, &nh);
	count(s, st, seq, pkt->ip.total, st == ESP_OK ? ep.len : 0);
	if (st == ESP_DROP_DUMMY) {
		if (out)
			fprintf(out, "dummy (next header 59) ok\n");
		return true;
	}
	if (st != ESP_OK) {
		if (out)
			fprintf(out, "%s\n", verdict(st));
		return false;
	}
	if (out && (nh == ESP_NH_IPV4 || nh == ESP_NH_IPV6)) {
		pcap_inner_summary(e->buf + ep.off, ep.len, line, sizeof(line));
		fprintf(out, "%s ok\n", line);
	} else if (out) {
		fprintf(out, "next header %u len %zu ok\n", nh, ep.len);
	}
	*inner = nh == ESP_NH_IPV4 || nh == ESP_NH_IPV6 ? e->buf + ep.off :
	    NULL;
	*inner_len = *inner != NULL ? ep.len : 0;
	return true;
}

static void
summary_sa(const struct esp_state *s, const struct keylog_esp *k, FILE *out)
{
	char src[64] = "*", dst[64] = "*";
	enum esp_suite suite;
	uint64_t span, gaps;

	if (k->family != 0) {
		pcap_addr_str(k->family, k->src, -1, src, sizeof(src));
		pcap_addr_str(k->family, k->dst, -1, dst, sizeof(dst));
	}
	span = s->any ? s->max_seq - s->min_seq + 1 : 0;
	gaps = span > s->ok ? span - s->ok : 0;
	fprintf(out, "  ESP SA 0x%08x %s > %s %s%s: %llu packets, %llu ok, "
	    "%llu inner bytes, %llu outer bytes, seq %llu..%llu, gaps %llu, "
	    "bad ICV %llu, replay %llu, other %llu\n", k->spi, src, dst,
	    ike_esp_suite(k->encr, k->integ, &suite) == 0 ?
	    esp_suite_name(suite) : "unsupported", k->esn ? "-esn" : "",
	    (unsigned long long)s->seen, (unsigned long long)s->ok,
	    (unsigned long long)s->inner_bytes,
	    (unsigned long long)s->outer_bytes,
	    (unsigned long long)s->min_seq, (unsigned long long)s->max_seq,
	    (unsigned long long)gaps, (unsigned long long)s->bad_icv,
	    (unsigned long long)s->replay, (unsigned long long)s->bad_other);
}

void
pcap_esp_summary(const struct pcap_esp *e, const struct keylog *kl,
    FILE *out)
{
	char src[64], dst[64];

	for (size_t i = 0; i < e->n_st && i < kl->n_esp; i++)
		if (e->st[i].seen > 0)
			summary_sa(&e->st[i], &kl->esp[i], out);
	for (size_t i = 0; i < e->n_unk; i++) {
		const struct esp_unknown *u = &e->unk[i];

		pcap_addr_str(u->family, u->src, -1, src, sizeof(src));
		pcap_addr_str(u->family, u->dst, -1, dst, sizeof(dst));
		fprintf(out, "  ESP SA 0x%08x %s > %s: %llu packets, %llu outer "
		    "bytes, unknown SPI (no keys)\n", u->spi, src, dst,
		    (unsigned long long)u->packets,
		    (unsigned long long)u->bytes);
	}
}
