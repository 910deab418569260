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
/* A pool's addresses into p->first, p->last and p->subnet: a CIDR subnet,
 * or a range "first-last" taken as it is. Of a subnet shorter than /31
 * (/127) the network address is left out, and of an IPv4 one the broadcast
 * address too. */
const char *ikecfg_pool_range(const char *text, struct ike_pool_cfg *p);

/* An anti-replay window in packets: decimal, 0 (off) up to
 * ESP_REPLAY_WINDOW_MAX; rounded up to a multiple of 64, the data plane's
 * block (RFC 6479), so that strongSwan's default 32 reads as 64. */
const char *ikecfg_replay_window(const char *text, uint32_t *out);

/* A byte or packet count: decimal, optionally with k, m or g (powers of
 * 1024), as strongSwan's rekey_bytes / rekey_packets. */
const char *ikecfg_volume(const char *text, uint64_t *out);

/* config.c: the key (not a section) called name in sec, or NULL; and the
 * error "file:line: a.b.key: 'value' <what>" for it. */
const struct conf_node *ikecfg_key(const struct conf_node *sec,
	    const char *name);
void	 ikecfg_bad(struct conf_errors *err, const struct conf_node *n,
	    const char *what);

/* config_lifetime.c: the lifetime keys of a connection / child section
 * with strongSwan's defaults (swanctl.conf(5)); errors into err. */
void	 ikecfg_ike_lifetimes(const struct conf_node *sec,
	    struct ike_conn_cfg *c, struct conf_errors *err);
void	 ikecfg_child_lifetimes(const struct conf_node *sec,
	    struct ike_child_cfg *c, struct conf_errors *err);

#endif
