/*
 * tools/uipsec/load_ping.c — one ICMP echo (RFC 792) through each CCU's
 * CHILD_SA: built here, sealed with the CCU's outbound SA (esp/), sent in
 * UDP to the concentrator's port 4500 (RFC 3948). The reply must come back
 * to that CCU's own outer address, under its own inbound SPI, authenticate
 * with its keys and be the echo reply to its own request: a packet for one
 * CCU on another's SA counts as wrong.
 */
#include <arpa/inet.h>
#include <string.h>

#include "common/buf.h"
#include "common/inet_csum.h"
#include "load.h"

#define IP_HDR_LEN	20
#define ICMP_LEN	16	/* header, then the CCU's index and a tag */
#define ICMP_ECHO	8
#define ICMP_ECHOREPLY	0
#define ICMP_TAG	0x6c6f6164	/* "load" */

static size_t
build_echo(uint8_t *p, size_t cap, const uint8_t *src, const uint8_t *dst,
    uint32_t index)
{
	struct buf_writer w;

	buf_writer_init(&w, p, cap);
	buf_put_u8(&w, 0x45);			/* IPv4, 5 words */
	buf_put_u8(&w, 0);
	buf_put_u16(&w, IP_HDR_LEN + ICMP_LEN);
	buf_put_u16(&w, (uint16_t)index);	/* identification */
	buf_put_u16(&w, 0);
	buf_put_u8(&w, 64);			/* TTL */
	buf_put_u8(&w, IPPROTO_ICMP);
	buf_put_u16(&w, 0);			/* checksum, below */
	buf_put_bytes(&w, src, 4);
	buf_put_bytes(&w, dst, 4);
	buf_put_u8(&w, ICMP_ECHO);
	buf_put_u8(&w, 0);
	buf_put_u16(&w, 0);			/* checksum, below */
	buf_put_u16(&w, (uint16_t)(index >> 16));	/* identifier */
	buf_put_u16(&w, (uint16_t)index);		/* sequence */
	buf_put_u32(&w, index);
	buf_put_u32(&w, ICMP_TAG);
	if (!buf_writer_ok(&w))
		return 0;
	buf_store_u16(p + 10, inet_csum(p, IP_HDR_LEN));
	buf_store_u16(p + IP_HDR_LEN + 2, inet_csum(p + IP_HDR_LEN, ICMP_LEN));
	return IP_HDR_LEN + ICMP_LEN;
}

int
load_ping_send(struct load *l, struct load_ccu *c)
{
	struct esp_pkt pkt = {
		.base = l->buf, .cap = sizeof(l->buf), .off = ESP_HEADROOM,
	};

	if (!c->out)
		return -1;
	pkt.len = build_echo(l->buf + pkt.off, sizeof(l->buf) - pkt.off -
	    ESP_TAILROOM, c->inner, (const uint8_t *)&l->o.ping,
	    (uint32_t)(c - l->ccus));
	if (!pkt.len || esp_encap(c->out, &pkt, ESP_NH_IPV4) != ESP_OK)
		return -1;
	c->ping_sent_us = load_now_us();
	return load_send(l, l->fd4500, &c->local, &c->remote,
	    pkt.base + pkt.off, pkt.len, NULL, 0);
}

/* Whether p is the echo reply from the pinged address to c. */
static bool
is_our_reply(const struct load *l, const struct load_ccu *c, const uint8_t *p,
    size_t len)
{
	struct buf_reader r;
	const uint8_t *src, *dst;
	uint8_t vihl, proto, type;
	uint32_t index, tag;

	buf_reader_init(&r, p, len);
	if (!buf_get_u8(&r, &vihl) || vihl != 0x45 || !buf_skip(&r, 8) ||
	    !buf_get_u8(&r, &proto) || !buf_skip(&r, 2) ||
	    !buf_get_bytes(&r, 4, &src) || !buf_get_bytes(&r, 4, &dst) ||
	    !buf_get_u8(&r, &type) || !buf_skip(&r, 7) ||
	    !buf_get_u32(&r, &index) || !buf_get_u32(&r, &tag))
		return false;
	return proto == IPPROTO_ICMP && type == ICMP_ECHOREPLY &&
	    tag == ICMP_TAG && index == (uint32_t)(c - l->ccus) &&
	    !memcmp(src, &l->o.ping, 4) && !memcmp(dst, c->inner, 4) &&
	    inet_csum(p + IP_HDR_LEN, len - IP_HDR_LEN) == 0;
}

void
load_esp_input(struct load *l, struct load_ccu *c, uint8_t *p, size_t len)
{
	struct esp_pkt pkt = { .base = p, .cap = len, .off = 0, .len = len };
	uint8_t nh;
	uint32_t spi;

	if (!esp_peek_spi(p, len, &spi) || !c->in || spi != c->spi_in) {
		l->st.ping_wrong_sa++;		/* not this CCU's SA */
		return;
	}
	if (esp_decap(c->in, &pkt, &nh) != ESP_OK || nh != ESP_NH_IPV4 ||
	    !is_our_reply(l, c, pkt.base + pkt.off, pkt.len)) {
		l->st.ping_bad++;
		return;
	}
	if (!c->ping_ok) {
		c->ping_ok = true;
		l->st.ping_ok++;
	}
}
