/*
 * ike/config_internal.h — the value parsers of ike/config.c (swanctl.conf
 * value syntax), exposed for tests. Each returns NULL on success or a
 * static text saying what is wrong with the value.
 */
#ifndef UIPSEC_IKE_CONFIG_INTERNAL_H
#define UIPSEC_IKE_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ike/config.h"

/* strongswan.conf(5) time: decimal seconds, or with s, m, h, d. */
const char *ikecfg_duration(const char *text, uint32_t *secs);
/* An address ("192.0.2.1", a host prefix) or a CIDR network
 * ("10.1.0.0/16"; host bits must be clear). */
const char *ikecfg_prefix(const char *text, struct ike_prefix *out);
/* A traffic selector: "dynamic" or a prefix, then optionally
 * "[proto]", "[proto/port]" or "[proto/lo-hi]" (names tcp udp icmp
 * ipv6-icmp sctp gre or a number; %any for either part). */
const char *ikecfg_ts(const char *text, struct ike_ts_cfg *out);
/* A pool: a CIDR subnet, or a range "first-last" taken as it is. Of a
 * subnet shorter than /31 (/127) the network address is left out, and of
 * an IPv4 one the broadcast address too. */
const char *ikecfg_pool_range(const char *text, struct ike_prefix *first,
	    struct ike_prefix *last);

#endif
