/*
 * ike/config_lifetime.c — the lifetime keys of swanctl.conf(5) with
 * strongSwan's defaults:
 *   IKE:   rekey_time 4h, reauth_time 0, over_time 10% of the longer of
 *          the two, rand_time = over_time;
 *   CHILD: rekey_time 1h, life_time rekey_time * 1.1 (to the
 *          millisecond), rand_time life_time - rekey_time; the same for
 *          _bytes and _packets (rekey 0 = none).
 * What they mean at run time is ike/lifetime.c's.
 */
#include <stdio.h>

#include "common/conf.h"
#include "ike/config_internal.h"

/* A time key: true if set (into *out). */
static bool
get_time(const struct conf_node *sec, const char *name, uint32_t *out,
    struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);
	const char *why;

	if (n == NULL)
		return false;
	if ((why = ikecfg_duration(n->value, out)) != NULL)
		ikecfg_bad(err, n, why);
	return why == NULL;
}

static bool
get_volume(const struct conf_node *sec, const char *name, uint64_t *out,
    struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);
	const char *why;

	if (n == NULL)
		return false;
	if ((why = ikecfg_volume(n->value, out)) != NULL)
		ikecfg_bad(err, n, why);
	return why == NULL;
}

void
ikecfg_ike_lifetimes(const struct conf_node *sec, struct ike_conn_cfg *c,
    struct conf_errors *err)
{
	uint32_t longer;

	c->rekey_time = IKE_DEFAULT_IKE_REKEY;
	c->reauth_time = 0;
	get_time(sec, "rekey_time", &c->rekey_time, err);
	get_time(sec, "reauth_time", &c->reauth_time, err);
	longer = c->rekey_time > c->reauth_time ? c->rekey_time :
	    c->reauth_time;
	if (!get_time(sec, "over_time", &c->over_time, err))
		c->over_time = longer / 10;
	if (!get_time(sec, "rand_time", &c->rand_time, err))
		c->rand_time = c->over_time;
}

/* life = rekey + 10% and rand = life - rekey unless set; a rand that
 * would reach below zero is cut to the rekey value. */
static void
volume_defaults(uint64_t rekey, uint64_t *life, bool life_set, uint64_t *rand,
    bool rand_set)
{
	if (!life_set)
		*life = rekey + rekey / 10;
	if (!rand_set)
		*rand = *life > rekey ? *life - rekey : 0;
	if (*rand > rekey)
		*rand = rekey;
}

void
ikecfg_child_lifetimes(const struct conf_node *sec, struct ike_child_cfg *c,
    struct conf_errors *err)
{
	uint32_t life = 0, rand = 0;
	bool life_set, rand_set;

	c->rekey_time = IKE_DEFAULT_CHILD_REKEY;
	get_time(sec, "rekey_time", &c->rekey_time, err);
	life_set = get_time(sec, "life_time", &life, err);
	rand_set = get_time(sec, "rand_time", &rand, err);
	/* In ms: with rekey_time 9s, whole seconds would make life_time
	 * 9s too, and the CHILD_SA would expire instead of rekeying. */
	c->life_time_ms = (uint64_t)life * 1000;
	c->rand_time_ms = (uint64_t)rand * 1000;
	volume_defaults((uint64_t)c->rekey_time * 1000, &c->life_time_ms,
	    life_set, &c->rand_time_ms, rand_set);

	get_volume(sec, "rekey_bytes", &c->rekey_bytes, err);
	life_set = get_volume(sec, "life_bytes", &c->life_bytes, err);
	rand_set = get_volume(sec, "rand_bytes", &c->rand_bytes, err);
	volume_defaults(c->rekey_bytes, &c->life_bytes, life_set,
	    &c->rand_bytes, rand_set);

	get_volume(sec, "rekey_packets", &c->rekey_packets, err);
	life_set = get_volume(sec, "life_packets", &c->life_packets, err);
	rand_set = get_volume(sec, "rand_packets", &c->rand_packets, err);
	volume_defaults(c->rekey_packets, &c->life_packets, life_set,
	    &c->rand_packets, rand_set);
}
