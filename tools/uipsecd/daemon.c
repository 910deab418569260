/* tools/uipsecd/daemon.c — set-up and tear-down; see daemon.h. */
#include "daemon.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "control.h"
#include "ike/ikev2_wire.h"
#include "ike_glue.h"
#include "keylog_out.h"
#include "tun/tun.h"
#include "udp.h"

/* The TUN MTU: configured, or the least that every connection's path
 * allows once its ESP overhead is paid (RFC 3948 adds UDP). */
static unsigned
pick_mtu(const struct cfg *cfg)
{
	unsigned i, outer, inner, mtu = 0;
	const struct cfg_conn *c;

	if (!cfg->nconns)	/* IKE only: paths are not known yet */
		return cfg->tun.mtu ? cfg->tun.mtu : DAEMON_IKE_MTU;

	for (i = 0; i < cfg->nconns; i++) {
		c = &cfg->conns[i];
		if (!(outer = udp_path_mtu(&c->local, &c->remote)))
			return 0;
		inner = tun_mtu_inner(outer, c->remote.ss_family,
		    esp_suite_overhead_max(c->suite));
		if (cfg->tun.mtu && cfg->tun.mtu > inner)
			log_warn("connection '%s': tun mtu %u exceeds the %u "
			    "its path (MTU %u) carries unfragmented", c->name,
			    cfg->tun.mtu, inner, outer);
		if (!mtu || inner < mtu)
			mtu = inner;
	}
	if (cfg->tun.mtu)
		return cfg->tun.mtu;
	if (mtu < 576)
		log_err("tun: path MTU leaves only %u bytes for inner packets",
		    mtu);
	return mtu < 576 ? 0 : mtu;
}

static int
tun_configure(struct daemon *d)
{
	const struct cfg *cfg = d->cfg;
	unsigned i, j;

	if (tun_open(&d->tun, cfg->tun.name) < 0 ||
	    tun_set_mtu(d->tun, d->mtu) < 0)
		return -1;
	routes_init(&d->routes, d->tun);
	for (i = 0; i < cfg->tun.naddrs; i++)
		if (tun_add_addr(d->tun, &cfg->tun.addrs[i]) < 0)
			return -1;
	if (tun_set_up(d->tun) < 0)
		return -1;
	/* Routes need the link up; they send each remote_ts into the TUN. */
	for (i = 0; i < cfg->nconns; i++)
		for (j = 0; j < cfg->conns[i].nremote_ts; j++)
			if (routes_add(&d->routes,
			    &cfg->conns[i].remote_ts[j]) < 0)
				return -1;
	if (cfg->ike)
		routes_add_pools(&d->routes, &cfg->ike->ike);
	return 0;
}

/* The ESP/NAT-T socket's address: the manual connections', else the
 * IKE connections' first local address when it is one host, else any. */
static void
esp_local(const struct cfg *cfg, struct sockaddr_storage *ss)
{
	const struct ike_prefix *p = NULL;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	if (cfg->nconns) {
		*ss = cfg->conns[0].local;
		return;
	}
	memset(ss, 0, sizeof(*ss));
	if (cfg->ike->ike.conns[0].n_local_addrs)
		p = &cfg->ike->ike.conns[0].local_addrs[0];
	if (p && p->family == AF_INET6 && p->plen == 128) {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, p->addr, 16);
		s6->sin6_port = htons(IKEV2_PORT_NATT);
		return;
	}
	s4->sin_family = AF_INET;
	if (p && p->family == AF_INET && p->plen == 32)
		memcpy(&s4->sin_addr, p->addr, 4);
	s4->sin_port = htons(IKEV2_PORT_NATT);
}

/* The pools routed into the TUN: a packet to one of their addresses that
 * no SA carries is answered with an ICMP Destination Unreachable. */
static int
unreachable_setup(struct daemon *d)
{
	const struct ike_config *ike;
	const struct ike_pool_cfg *pc;
	struct dp_range *r;
	size_t i, n = 0;
	int rc;

	if (!d->cfg->ike || !d->cfg->ike->ike.n_pools)
		return 0;
	ike = &d->cfg->ike->ike;
	if (!(r = calloc(ike->n_pools, sizeof(*r))))
		return -1;
	for (i = 0; i < ike->n_pools; i++) {
		pc = &ike->pools[i];
		if (!routes_pool_routed(ike, pc->name))
			continue;
		/* first..last leave out a subnet's network and broadcast
		 * addresses (RFC 1812 §4.3.2.7: no error for a broadcast) */
		r[n].family = pc->first.family;
		memcpy(r[n].first, pc->first.addr, sizeof(r[n].first));
		memcpy(r[n].last, pc->last.addr, sizeof(r[n].last));
		n++;
	}
	rc = dp_unreachable_set(&d->dp, r, n, d->cfg->icmp_unreachable);
	free(r);
	if (rc < 0)
		log_err("data plane: out of memory");
	return rc;
}

int
daemon_setup(struct daemon *d, struct cfg *cfg)
{
	struct sockaddr_storage ss;

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->udp_fd = -1;
	esp_local(cfg, &ss);
	if (sad_build(&d->sad, cfg) < 0 ||
	    (d->udp_fd = udp_open(&ss)) < 0 ||
	    !(d->mtu = pick_mtu(cfg)) ||
	    tun_configure(d) < 0 ||
	    dp_init(&d->dp, d->tun, d->udp_fd, &d->sad, d->mtu) < 0 ||
	    unreachable_setup(d) < 0 ||
	    (cfg->keylog && !(d->keylog = keylog_out_open(cfg->keylog))) ||
	    (cfg->ike && !(d->ike = ike_glue_new(d, cfg->ike, &ss)))) {
		daemon_teardown(d);
		return -1;
	}
	return 0;
}

void
daemon_log_up(const struct daemon *d)
{
	const struct cfg *cfg = d->cfg;
	struct sockaddr_storage ss;
	char local[64];

	esp_local(cfg, &ss);
	log_info("up: %s mtu %u, UDP %s, %u manual connection%s, %zu IKE "
	    "connection%s", tun_name(d->tun), d->mtu, sockaddr_str(&ss, local,
	    sizeof(local)), cfg->nconns, cfg->nconns == 1 ? "" : "s",
	    cfg->ike ? cfg->ike->ike.n_conns : 0, cfg->ike &&
	    cfg->ike->ike.n_conns == 1 ? "" : "s");
}

void
daemon_teardown(struct daemon *d)
{
	control_close(d->ctl);
	d->ctl = NULL;
	ike_glue_free(d->ike);	/* its SAs leave the sad first */
	d->ike = NULL;
	keylog_out_close(d->keylog);
	d->keylog = NULL;
	dp_free(&d->dp);
	routes_free(&d->routes);
	tun_close(d->tun);
	d->tun = NULL;
	if (d->udp_fd >= 0)
		close(d->udp_fd);
	d->udp_fd = -1;
	sad_free(&d->sad);
}

static void
log_counters(const char *dir, const struct dp_counters *c)
{
	log_info("%s: %llu packets, %llu bytes; dropped: malformed %llu, "
	    "no policy %llu, unknown SPI %llu, policy %llu, ESP %llu, I/O %llu;"
	    " keepalives %llu, IKE %llu; ICMP unreachable sent %llu", dir,
	    (unsigned long long)c->packets, (unsigned long long)c->bytes,
	    (unsigned long long)c->drop_malformed,
	    (unsigned long long)c->drop_no_policy,
	    (unsigned long long)c->drop_no_sa,
	    (unsigned long long)c->drop_policy,
	    (unsigned long long)c->drop_esp, (unsigned long long)c->drop_io,
	    (unsigned long long)c->keepalives, (unsigned long long)c->ike,
	    (unsigned long long)c->unreachable);
}

void
daemon_log_stats(const struct daemon *d)
{
	const struct esp_ctx_cache_stats *s;
	const struct esp_sa_stats *o, *i;
	const struct sad_conn *c;
	unsigned n;

	log_counters("out (tun->udp)", &d->dp.out.cnt);
	log_counters("in (udp->tun)", &d->dp.in.cnt);
	log_info("routes into %s: %llu requested, %llu asked for inside one "
	    "added", tun_name(d->tun), (unsigned long long)d->routes.requested,
	    (unsigned long long)d->routes.covered);
	if (d->sad.cache) {
		s = esp_ctx_cache_stats(d->sad.cache);
		log_info("cipher contexts: %zu of %zu bound; %llu binds "
		    "(misses), %llu evictions", s->bound, s->slots,
		    (unsigned long long)s->binds,
		    (unsigned long long)s->evictions);
	}
	for (n = 0; n < d->sad.nconns; n++) {
		c = d->sad.conns[n];
		o = esp_sa_stats(c->out);
		i = esp_sa_stats(c->in);
		log_info("%s: out SA 0x%08x %llu packets; in SA 0x%08x %llu "
		    "packets, dropped: auth %llu, replay %llu, malformed %llu, "
		    "padding %llu", c->name, c->spi_out,
		    (unsigned long long)o->packets, c->spi_in,
		    (unsigned long long)i->packets,
		    (unsigned long long)i->drop_auth,
		    (unsigned long long)i->drop_replay,
		    (unsigned long long)i->drop_malformed,
		    (unsigned long long)i->drop_padding);
	}
}
