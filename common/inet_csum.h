/*
 * common/inet_csum.h — the Internet checksum (RFC 1071): the ones'
 * complement of the ones' complement sum of 16-bit words in network order,
 * as IPv4 headers, ICMP and ICMPv6 (RFC 4443 §2.3, over a pseudo-header)
 * carry it. A message whose checksum field is right sums to 0.
 */
#ifndef UIPSEC_COMMON_INET_CSUM_H
#define UIPSEC_COMMON_INET_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Adds [p, p + len) to a running sum (start with 0); every part but the
 * last must have an even length. */
uint32_t inet_csum_add(uint32_t sum, const uint8_t *p, size_t len);
/* The checksum of what was summed. */
uint16_t inet_csum_fold(uint32_t sum);
/* The checksum of [p, p + len). */
uint16_t inet_csum(const uint8_t *p, size_t len);

#endif
