/*
 * tests/scapy/icmp_tool.c — icmp_unreachable_build() for icmp_check.py:
 * reads lines "CODE HEX" (CODE: host or prohibited, HEX: an IP packet) and
 * answers each with one line, the ICMP error in hex or "-" when none may
 * be sent. The IPv4 identification is the line number.
 */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "tools/uipsecd/icmp_unreachable.h"

#define LINE_MAX_	(2 * 65536 + 64)

int
main(void)
{
	static char line[LINE_MAX_], out_hex[2 * ICMP_UNREACHABLE_MAX + 1];
	static uint8_t pkt[65536], out[ICMP_UNREACHABLE_MAX];
	enum icmp_unreachable_code code;
	char *hex;
	long len;
	size_t n;
	unsigned lineno = 0;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!(hex = strchr(line, ' '))) {
			fprintf(stderr, "icmp_tool: want \"CODE HEX\"\n");
			return 2;
		}
		*hex++ = '\0';
		code = !strcmp(line, "host") ? ICMP_UNREACHABLE_HOST :
		    ICMP_UNREACHABLE_PROHIBITED;
		if ((len = hex_decode(hex, pkt, sizeof(pkt))) < 0) {
			fprintf(stderr, "icmp_tool: bad hex\n");
			return 2;
		}
		n = icmp_unreachable_build(pkt, (size_t)len, code,
		    (uint16_t)++lineno, out, sizeof(out));
		if (n == 0) {
			puts("-");
		} else {
			hex_encode(out, n, out_hex, sizeof(out_hex));
			puts(out_hex);
		}
		fflush(stdout);
	}
	return 0;
}
