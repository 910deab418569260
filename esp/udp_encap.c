/*
 * esp/udp_encap.c — what arrived on UDP port 4500 (RFC 3948 §2):
 *
 *   0xFF (one byte)              NAT-keepalive (§2.3)
 *   00 00 00 00 | IKE message    non-ESP marker (§2.2)
 *   SPI (non-zero) | seq | ...   ESP; at least the 8-byte header (§2.1)
 */
#include "esp/esp.h"

#include "common/buf.h"
#include "esp/esp_wire.h"

enum esp_udp_kind
esp_udp_classify(const uint8_t *p, size_t len)
{
	struct buf_reader r;
	uint32_t first;
	uint8_t b;

	buf_reader_init(&r, p, len);
	if (len == 1 && buf_get_u8(&r, &b) && b == ESP_UDP_KEEPALIVE_BYTE)
		return ESP_UDP_KEEPALIVE;
	if (!buf_get_u32(&r, &first))
		return ESP_UDP_INVALID;
	if (first == 0)
		return ESP_UDP_IKE;
	return len >= ESP_HDR_LEN ? ESP_UDP_ESP : ESP_UDP_INVALID;
}
