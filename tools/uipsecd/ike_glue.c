/*
 * tools/uipsecd/ike_glue.c — see ike_glue.h. The engine owns no socket and
 * no clock; here it gets both, and its CHILD_SAs become entries of the SA
 * database (sad.h) described by a cfg_conn of our own, one per CHILD_SA.
 */
#include "ike_glue_internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/clock.h"
#include "common/log.h"
#include "control_status.h"
#include "daemon.h"
#include "keylog_out.h"
#include "tun/tun.h"
#include "udp.h"

uint64_t
ike_glue_now_ms(void)
{
	return clock_monotonic_ms();
}

static uint16_t
port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)ss)->sin6_port :
	    ((const struct sockaddr_in *)ss)->sin_port);
}

static void
set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

/* ike_io.send: port 500 as it is; other ports (4500) through the data
 * plane's socket behind the non-ESP marker (RFC 3948 §2.2). Queued: the
 * event loop sends a turn's messages together (ike_sendq.h). */
static int
io_send(void *arg, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *msg, size_t len)
{
	struct ike_glue *g = arg;
	bool natt = port_of(local) != port_of(&g->local500);
	uint64_t now = ike_glue_now_ms();
	int r;

	if (g->sendq.n == 0)
		g->sendq_since_ms = now;
	r = ike_sendq_add(&g->sendq, natt ? g->d->udp_fd : g->fd500, natt,
	    remote, msg, len);
	/* A busy concentrator's turn reads up to 64 requests, an IKE_AUTH
	 * ~1.5 ms of work each: answers held for the whole turn would reach
	 * their peers up to ~0.1 s late and leave them idle meanwhile. What
	 * has waited a millisecond leaves with this one. */
	if (now != g->sendq_since_ms)
		ike_sendq_flush(&g->sendq);
	return r;
}

/* The send queue's report of each datagram the kernel took. */
static void
io_sent(void *arg, const struct sockaddr_storage *to)
{
	glue_keepalive_sent(arg, to, ike_glue_now_ms());
}

void
ike_glue_flush(struct ike_glue *g)
{
	if (g)
		ike_sendq_flush(&g->sendq);
}

/* Key bits as the suite names them (status), from the key length. */
static int
aes_bits(enum esp_suite suite, size_t enc_key_len)
{
	if (suite == ESP_SUITE_AES_GCM_16 || suite == ESP_SUITE_CHACHA20_POLY1305)
		return (int)(enc_key_len - 4) * 8;	/* salt */
	return (int)enc_key_len * 8;
}

static int
copy_sa(struct cfg_sa *to, const struct esp_sa_config *from)
{
	if (from->enc_key_len > sizeof(to->enc_key) ||
	    from->auth_key_len > sizeof(to->auth_key))
		return -1;
	to->spi = from->spi;
	memcpy(to->enc_key, from->enc_key, from->enc_key_len);
	to->enc_key_len = from->enc_key_len;
	if (from->auth_key_len)
		memcpy(to->auth_key, from->auth_key, from->auth_key_len);
	to->auth_key_len = from->auth_key_len;
	return 0;
}

unsigned
glue_copy_ts(struct tun_prefix *to, const struct ike_ts_cfg *from, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < CFG_MAX_TS; i++) {
		to[i].family = from[i].prefix.family;
		memcpy(to[i].addr, from[i].prefix.addr, sizeof(to[i].addr));
		to[i].len = from[i].prefix.plen;
	}
	return (unsigned)i;
}

static const uint8_t *
outer_addr(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
	return (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
}

static bool
ts_holds(const struct tun_prefix *ts, unsigned n, const struct tun_prefix *a)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (tun_prefix_contains(&ts[i], a->family, a->addr))
			return true;
	return false;
}

/* The virtual IP on the TUN, and routes for what the peer protects (k:
 * the CHILD_SA as the SA database got it). */
static void
tun_for_child(struct ike_glue *g, const struct ike_child_install *c,
    const struct cfg_conn *k, struct glue_child *ch)
{
	struct tun_prefix vip;
	char text[64];
	unsigned i;

	vip.family = c->vip.family;
	memcpy(vip.addr, c->vip.addr, sizeof(vip.addr));
	vip.len = c->vip.family == AF_INET ? 32 : 128;
	/* Ours only if our selectors hold it: a responder knows the address
	 * it gave from its pool, which belongs on the peer's side. */
	if (c->has_vip && ts_holds(k->local_ts, k->nlocal_ts, &vip)) {
		ch->has_vip = true;
		ch->vip = vip;
		if (tun_add_addr(g->d->tun, &vip) == 0)
			log_info("%s: virtual IP %s on %s", c->conn,
			    tun_prefix_str(&vip, text, sizeof(text)),
			    tun_name(g->d->tun));
	}
	/* A selector that holds the peer itself (0.0.0.0/0) would route the
	 * ESP packets into their own tunnel: left to the administrator. */
	for (i = 0; i < k->nremote_ts; i++) {
		if (tun_prefix_contains(&k->remote_ts[i], k->remote.ss_family,
		    outer_addr(&k->remote))) {
			log_warn("%s: remote_ts %s holds the peer's address: not "
			    "routed into %s (it would loop)", c->conn,
			    tun_prefix_str(&k->remote_ts[i], text,
			    sizeof(text)), tun_name(g->d->tun));
			continue;
		}
		/* Inside a pool (routed at start-up) or a selector routed
		 * before: no request (routes.h). */
		routes_add(&g->d->routes, &k->remote_ts[i]);
	}
}

/* The description of a CHILD_SA for the SA database, read by sad_add and
 * then wiped; the entry borrows the config's child name instead of k's. */
static int
child_desc(struct cfg_conn *k, const struct ike_child_install *c)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", c->child);
	k->file = "IKE";
	k->local = c->local;
	k->remote = c->remote;
	k->nlocal_ts = glue_copy_ts(k->local_ts, c->local_ts, c->n_local_ts);
	k->nremote_ts = glue_copy_ts(k->remote_ts, c->remote_ts,
	    c->n_remote_ts);
	k->suite = c->in.suite;
	k->aes_key_len = aes_bits(c->in.suite, c->in.enc_key_len);
	k->esn = c->in.esn;
	k->replay_window = c->in.replay_window;
	return copy_sa(&k->in, &c->in) == 0 && copy_sa(&k->out, &c->out) == 0 ?
	    0 : -1;
}

static int
io_child_install(void *arg, const struct ike_child_install *c)
{
	struct ike_glue *g = arg;
	struct glue_child *ch;
	struct cfg_conn k;
	int ret = -1;

	if (!c->udp_encap) {
		log_err("%s: CHILD_SA %s without UDP encapsulation: uipsec "
		    "carries ESP in UDP only", c->conn, c->child);
		return -1;
	}
	if (!(ch = calloc(1, sizeof(*ch)))) {
		log_err("%s: no memory for CHILD_SA %s", c->conn, c->child);
		return -1;
	}
	if (child_desc(&k, c) == 0 && sad_add(&g->d->sad, &k, c->child, ch,
	    !c->outbound_later) == 0) {
		ch->sa = sad_lookup_in(&g->d->sad, c->in.spi);
		ch->conn = c->conn;
		ch->ike_id = c->ike_id;
		ch->ka_sent_ms = ike_glue_now_ms();
		ch->nat_local = c->nat_local;
		g->n_nat_children += ch->nat_local;
		ch->next = g->children;
		if (g->children)
			g->children->prev = ch;
		g->children = ch;
		tun_for_child(g, c, &k, ch);
		keylog_out_child(g->d->keylog, c);
		ret = 0;
	}
	sodium_memzero(&k, sizeof(k));	/* the SAs hold their own keys */
	if (ret < 0)
		free(ch);
	return ret;
}

/* Whether another CHILD_SA still uses this virtual IP. */
static bool
vip_in_use(const struct ike_glue *g, const struct tun_prefix *vip)
{
	const struct glue_child *ch;

	for (ch = g->children; ch; ch = ch->next)
		if (ch->has_vip && ch->vip.family == vip->family &&
		    !memcmp(ch->vip.addr, vip->addr, 16))
			return true;
	return false;
}

/* Whether an IPv4 address stays on the TUN: configured, or a virtual IP
 * of a CHILD_SA. */
static bool
ipv4_addr_left(const struct ike_glue *g)
{
	const struct cfg_tun *tc = &g->d->cfg->tun;
	const struct glue_child *ch;
	unsigned i;

	for (i = 0; i < tc->naddrs; i++)
		if (tc->addrs[i].family == AF_INET)
			return true;
	for (ch = g->children; ch; ch = ch->next)
		if (ch->has_vip && ch->vip.family == AF_INET)
			return true;
	return false;
}

/* ch is out of the SA database: off the list, its virtual IP off the TUN
 * unless another CHILD_SA still has it, freed. With the device's last IPv4
 * address, Linux drops its IPv4 routes too (fib_disable_ip): they go back,
 * since each was requested once (routes.h) and traps need theirs. */
static void
child_gone(struct ike_glue *g, struct glue_child *ch)
{
	char text[64];

	if (ch->prev)
		ch->prev->next = ch->next;
	else
		g->children = ch->next;
	if (ch->next)
		ch->next->prev = ch->prev;
	g->n_nat_children -= ch->nat_local;
	if (ch->has_vip && !vip_in_use(g, &ch->vip) &&
	    tun_del_addr(g->d->tun, &ch->vip) == 0) {
		log_info("%s: virtual IP %s off %s", ch->conn,
		    tun_prefix_str(&ch->vip, text, sizeof(text)),
		    tun_name(g->d->tun));
		if (ch->vip.family == AF_INET && !ipv4_addr_left(g))
			routes_readd(&g->d->routes, AF_INET);
	}
	free(ch);
}

/* The engine removes only CHILD_SAs it installed through io_child_install,
 * so the entry's owner is one of our glue_child records. */
static void
io_child_remove(void *arg, uint32_t spi_in, uint32_t spi_out)
{
	struct ike_glue *g = arg;
	struct glue_child *ch = sad_remove(&g->d->sad, spi_in);

	(void)spi_out;
	keylog_out_child_gone(g->d->keylog, spi_in);
	if (ch)
		child_gone(g, ch);
}

/* ike_io.peer_moved: the IKE SA follows a peer behind a NAT to a new
 * address or port (RFC 7296 §2.23); its CHILD_SAs send there too. */
static void
io_peer_moved(void *arg, uint64_t ike_id, const struct sockaddr_storage *to)
{
	struct ike_glue *g = arg;
	struct sockaddr_storage was;
	struct glue_child *ch;
	char from[64], now[64];

	keylog_out_peer_moved(g->d->keylog, ike_id, to);
	for (ch = g->children; ch; ch = ch->next) {
		if (ch->ike_id != ike_id)
			continue;
		ike_sockaddr_get(&ch->sa->remote, &was);
		log_info("%s: peer moved from %s to %s (NAT mapping changed)",
		    ch->conn, sockaddr_str(&was, from, sizeof(from)),
		    sockaddr_str(to, now, sizeof(now)));
		/* the data plane reads it per batch */
		ike_sockaddr_set(&ch->sa->remote, to);
		memset(&ch->refused, 0, sizeof(ch->refused));
	}
}

/* The data plane's hook: a valid ESP packet (authenticated, not a replay)
 * from another address than its SA sends to. The engine decides whether
 * to follow; an address it refused is not asked about again. */
static void
dp_esp_moved(void *arg, uint32_t spi_in, const struct sockaddr_storage *from)
{
	struct ike_glue *g = arg;
	struct sad_conn *c = sad_lookup_in(&g->d->sad, spi_in);
	struct glue_child *ch;

	if (!c || !(ch = c->owner))
		return;		/* a manual SA: its peer is configured */
	if (ike_sockaddr_equal(&ch->refused, from))
		return;
	ike_engine_peer_moved(g->e, ch->ike_id, from, ike_glue_now_ms());
	if (!ike_sockaddr_equal(&c->remote, from))
		ike_sockaddr_set(&ch->refused, from);
}

/* ike_io.child_route: a rekey's responder switches outbound now. */
static void
io_child_route(void *arg, uint32_t spi_in, uint32_t spi_out)
{
	struct ike_glue *g = arg;

	(void)spi_out;
	sad_route(&g->d->sad, spi_in);
}

/* ike_io.child_counters: what the pair carried, for rekey_bytes/packets. */
static int
io_child_counters(void *arg, uint32_t spi_in, uint32_t spi_out,
    struct ike_child_counters *out)
{
	struct ike_glue *g = arg;
	const struct sad_conn *c = sad_lookup_in(&g->d->sad, spi_in);
	const struct esp_sa_stats *in, *o;

	(void)spi_out;
	if (!c)
		return -1;
	in = esp_sa_stats(c->in);
	o = esp_sa_stats(c->out);
	*out = (struct ike_child_counters){ .bytes_in = in->bytes,
	    .bytes_out = o->bytes, .packets_in = in->packets,
	    .packets_out = o->packets };
	return 0;
}

/* Whether any child of c asks to be restarted after this going-down:
 * the engine's "peer dead" (DPD, RFC 7296 §2.4) is dpd_action's case,
 * every other close by the peer close_action's. */
static bool
wants_restart(const struct ike_conn_cfg *c, const char *why)
{
	bool dead = !strncmp(why, "peer dead", 9);
	size_t i;

	for (i = 0; i < c->n_children; i++)
		if (dead ? c->children[i].dpd_restart :
		    c->children[i].close_start)
			return true;
	return false;
}

/* Schedules the next set-up of a connection, or says why there is none.
 * Never initiates from inside the engine's callback: ike_glue_tick does. */
static void
io_sa_event(void *arg, const char *conn, uint64_t ike_id,
    enum ike_sa_event ev, const char *why)
{
	struct ike_glue *g = arg;
	const struct ike_conn_cfg *c = ike_config_find(g->cfg, conn);
	struct glue_conn *gc;
	uint64_t delay;
	unsigned i;

	if (ev != IKE_SA_EVENT_UP)
		keylog_out_ike_gone(g->d->keylog, ike_id);
	if (!c)
		return;
	gc = &g->conns[c - g->cfg->conns];
	if (ev == IKE_SA_EVENT_UP) {
		gc->tries = 0;
		gc->initiating = false;
		return;
	}
	/* Only we can start again, and only toward a known peer. */
	if (gc->held_down || !ike_conn_can_initiate(c))
		return;
	if (ev == IKE_SA_EVENT_DOWN) {
		if (wants_restart(c, why)) {
			log_info("%s[%llu]: down (%s): initiating again", conn,
			    (unsigned long long)ike_id, why);
			gc->retry_ms = ike_glue_now_ms();
		} else if (glue_trap_wanted(c, !strncmp(why, "peer dead", 9))) {
			glue_trap_set(g, c);
		}
		return;
	}
	if (!gc->initiating)	/* a set-up the peer started failed */
		return;
	gc->tries++;
	if (c->keyingtries && gc->tries >= c->keyingtries) {
		log_warn("%s[%llu]: failed: %s; giving up after %u attempt%s",
		    conn, (unsigned long long)ike_id, why, gc->tries,
		    gc->tries == 1 ? "" : "s");
		gc->tries = 0;
		gc->initiating = false;
		if (glue_trap_wanted(c, true))
			glue_trap_set(g, c);
		return;
	}
	/* Exponential backoff: reconnect_min, doubling, at most
	 * reconnect_max, less a random tenth so that a fleet of CCUs
	 * that lost the same concentrator does not return in step. */
	delay = g->set->reconnect_min_ms;
	for (i = 1; i < gc->tries && delay < g->set->reconnect_max_ms; i++)
		delay *= 2;
	if (delay > g->set->reconnect_max_ms)
		delay = g->set->reconnect_max_ms;
	delay -= randombytes_uniform((uint32_t)(delay / 10) + 1);
	log_warn("%s[%llu]: failed: %s; attempt %u, next in %llu.%llu s", conn,
	    (unsigned long long)ike_id, why, gc->tries + 1,
	    (unsigned long long)delay / 1000,
	    (unsigned long long)delay % 1000 / 100);
	gc->retry_ms = ike_glue_now_ms() + delay;
}

/* ike_io.sign: our IKE_AUTH response's AUTH, to a signer thread if it
 * is worth one (else -1: the engine signs it now). */
static int
io_sign(void *arg, const struct ike_sign_job *job)
{
	struct ike_glue *g = arg;

	if (!signer_worth(job->key))
		return -1;
	return signer_submit(g->signer, job);
}

static void
io_ike_keys(void *arg, const struct ike_keys_report *k)
{
	struct ike_glue *g = arg;

	keylog_out_ike(g->d->keylog, k);
}

struct ike_glue *
ike_glue_new(struct daemon *d, const struct cfg_ike *set,
    const struct sockaddr_storage *local)
{
	const struct ike_config *cfg = &set->ike;
	struct ike_io io = {
		.send = io_send, .child_install = io_child_install,
		.child_remove = io_child_remove, .sa_event = io_sa_event,
		.ike_keys = io_ike_keys,
		.child_counters = io_child_counters, .child_route = io_child_route,
		.peer_moved = io_peer_moved,
	};
	struct ike_glue *g = calloc(1, sizeof(*g));
	unsigned threads;

	if (!g) {
		log_err("ike: out of memory");
		return NULL;
	}
	g->d = d;
	g->cfg = cfg;
	g->set = set;
	g->local500 = *local;
	set_port(&g->local500, IKE_DEFAULT_PORT);
	g->local4500 = *local;
	set_port(&g->local4500, IKEV2_PORT_NATT);
	ike_sendq_init(&g->sendq, io_sent, g);
	io.arg = g;
	threads = set->sign_threads < 0 ? signer_default_threads() :
	    (unsigned)set->sign_threads;
	if (threads > 0)
		io.sign = io_sign;
	if (!(g->conns = calloc(cfg->n_conns ? cfg->n_conns : 1,
	    sizeof(*g->conns))) ||
	    (g->fd500 = udp_open(&g->local500)) < 0 ||
	    (threads > 0 && !(g->signer = signer_new(threads))) ||
	    !(g->e = ike_engine_new(cfg, &io, ike_glue_now_ms()))) {
		ike_glue_free(g);
		return NULL;
	}
	ike_engine_set_settings(g->e, &set->set);
	if (threads > 0)
		log_info("ike: %u signer thread%s for our IKE_AUTH responses",
		    threads, threads == 1 ? "" : "s");
	d->dp.ike_input = ike_glue_input4500;
	d->dp.esp_moved = dp_esp_moved;
	d->dp.acquire = glue_trap_acquire;
	d->dp.ike_arg = g;
	return g;
}

/*
 * Shutting down: tell every peer with a Delete of its IKE SA (RFC 7296
 * §1.4.1), so a concentrator frees the CCU's SAs at once instead of waiting
 * for DPD. Best effort, as strongSwan does: the daemon does not wait for the
 * responses.
 */
void
ike_glue_shutdown(struct ike_glue *g)
{
	uint64_t now = ike_glue_now_ms();
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->cfg->n_conns; i++)
		ike_engine_terminate(g->e, g->cfg->conns[i].name, now);
	ike_glue_flush(g);
}

void
ike_glue_free(struct ike_glue *g)
{
	if (!g)
		return;
	signer_free(g->signer);	/* its jobs borrow the engine's keys */
	ike_engine_free(g->e);
	while (g->children) {
		sad_remove(&g->d->sad, g->children->sa->spi_in);
		child_gone(g, g->children);
	}
	if (g->d->dp.ike_arg == g) {
		g->d->dp.ike_input = NULL;
		g->d->dp.esp_moved = NULL;
		g->d->dp.acquire = NULL;
		g->d->dp.ike_arg = NULL;
	}
	if (g->fd500 > 0)
		close(g->fd500);
	free(g->conns);
	sodium_memzero(g->buf, sizeof(g->buf));
	free(g);
}

/* Every set-up we start goes through here: it is ours to retry. */
int
glue_initiate(struct ike_glue *g, const struct ike_conn_cfg *c, uint64_t now)
{
	g->conns[c - g->cfg->conns].initiating = true;
	return ike_engine_initiate(g->e, c->name, now);
}

void
ike_glue_start(struct ike_glue *g)
{
	const struct ike_conn_cfg *c;
	size_t i, j;

	for (i = 0; i < g->cfg->n_conns; i++) {
		c = &g->cfg->conns[i];
		for (j = 0; j < c->n_children; j++)
			if (c->children[j].start_action == IKE_START_START)
				break;
		if (j < c->n_children)
			glue_initiate(g, c, ike_glue_now_ms());
		else if (glue_trap_wanted(c, false))
			glue_trap_set(g, c);
	}
}

int
ike_glue_fd(const struct ike_glue *g)
{
	return g->fd500;
}

void
ike_glue_read500(struct ike_glue *g)
{
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {	/* a batch, then the others' turn */
		flen = sizeof(from);
		n = recvfrom(g->fd500, g->buf, sizeof(g->buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &flen);
		if (n < 0)
			return;
		ike_engine_input(g->e, &g->local500, &from, g->buf, (size_t)n,
		    ike_glue_now_ms());
	}
}

void
ike_glue_input4500(void *arg, const uint8_t *msg, size_t len,
    const struct sockaddr_storage *from)
{
	struct ike_glue *g = arg;

	ike_engine_input(g->e, &g->local4500, from, msg, len,
	    ike_glue_now_ms());
}

int
ike_glue_sign_fd(const struct ike_glue *g)
{
	return g && g->signer ? signer_fd(g->signer) : -1;
}

void
ike_glue_signed(struct ike_glue *g)
{
	signer_collect(g->signer, g->e, ike_glue_now_ms());
}

bool
ike_glue_sign_waiting(const struct ike_glue *g)
{
	return g && g->signer && signer_waiting(g->signer);
}

void
ike_glue_sign_help(struct ike_glue *g)
{
	if (g && g->signer)
		(void)signer_help(g->signer, g->e, ike_glue_now_ms());
}

/* The earliest of the engine's timers and our scheduled set-ups. */
static uint64_t
next_deadline(const struct ike_glue *g)
{
	uint64_t next = ike_engine_next(g->e), ka = glue_keepalive_next(g);
	size_t i;

	if (ka < next)
		next = ka;
	for (i = 0; i < g->cfg->n_conns; i++)
		if (g->conns[i].retry_ms && g->conns[i].retry_ms < next)
			next = g->conns[i].retry_ms;
	return next;
}

/*
 * With 10,000 tunnels some SA has a timer due every few milliseconds
 * (DPD, the reads of ike/idle.c, retransmissions). When the engine found
 * them by walking every SA, ticking after every event loop wake-up spent
 * ~90 % of uipsecd's CPU in those walks while a burst of ESP overflowed
 * the UDP socket (doc/load.md, "Echo replies missing at 10,000 tunnels").
 * The engine now keeps its SAs in a deadline heap (ike/timers.c: next is
 * O(1), a tick visits the due SAs only); IKE's timers count in seconds,
 * so they still run in batches, at most every GLUE_TICK_MS, and the wait
 * is never shorter than what is left of that: fewer wake-ups.
 */
#define GLUE_TICK_MS	50

int
ike_glue_timeout(const struct ike_glue *g)
{
	uint64_t next, now;

	if (!g || (next = next_deadline(g)) == UINT64_MAX)
		return -1;
	if (next < g->tick_ms + GLUE_TICK_MS)
		next = g->tick_ms + GLUE_TICK_MS;
	now = ike_glue_now_ms();
	if (next <= now)
		return 0;
	return next - now > 60000 ? 60000 : (int)(next - now);
}

void
ike_glue_tick(struct ike_glue *g)
{
	uint64_t now;
	size_t i;

	if (!g)
		return;
	now = ike_glue_now_ms();
	if (now < g->tick_ms + GLUE_TICK_MS)
		return;
	g->tick_ms = now;
	if (ike_engine_next(g->e) <= now)
		ike_engine_tick(g->e, now);
	/* The IKE messages queued so far count as traffic to their peers
	 * (glue_keepalive_sent) before a keepalive is found due. */
	if (g->n_nat_children)
		ike_glue_flush(g);
	glue_keepalive_tick(g, now);
	for (i = 0; i < g->cfg->n_conns; i++) {
		if (!g->conns[i].retry_ms || g->conns[i].retry_ms > now)
			continue;
		g->conns[i].retry_ms = 0;
		glue_initiate(g, &g->cfg->conns[i], now);
	}
}

int
ike_glue_up_down(struct ike_glue *g, const char *name, bool up, char *msg,
    size_t cap)
{
	const struct ike_conn_cfg *c = ike_config_find(g->cfg, name);
	uint64_t now = ike_glue_now_ms();
	int n;

	if (!c) {
		snprintf(msg, cap, "no connection '%s'", name);
		return CONTROL_NOT_FOUND;
	}
	/* down holds a connection down (no retries, no restarts) until up. */
	if (g->conns[c - g->cfg->conns].trapped)
		g->n_trapped--;
	g->conns[c - g->cfg->conns] = (struct glue_conn){ .held_down = !up };
	n = up ? glue_initiate(g, c, now) :
	    ike_engine_terminate(g->e, name, now);
	ike_glue_flush(g);	/* out before the client has the answer */
	if (n < 0) {
		snprintf(msg, cap, "%s '%s' refused (see the log)", up ?
		    "initiating" : "closing", name);
		return CONTROL_CONFLICT;
	}
	snprintf(msg, cap, "%s '%s'", up ? "initiating" : "closing", name);
	return CONTROL_OK;
}

int
ike_glue_rekey(struct ike_glue *g, const char *name, const char *child,
    bool ike, char *msg, size_t cap)
{
	uint64_t now = ike_glue_now_ms();
	int n = child ? ike_engine_rekey_child(g->e, name, child, now) :
	    ike_engine_rekey(g->e, name, ike, now);

	ike_glue_flush(g);	/* out before the client has the answer */
	if (n < 0 && child && ike_config_find(g->cfg, name)) {
		snprintf(msg, cap, "connection '%s' has no child '%s'", name,
		    child);
		return CONTROL_NOT_FOUND;
	}
	if (n < 0) {
		snprintf(msg, cap, "no connection '%s'", name);
		return CONTROL_NOT_FOUND;
	}
	if (n == 0) {
		snprintf(msg, cap, "'%s%s%s' has no established %s", name,
		    child ? "/" : "", child ? child : "",
		    ike ? "IKE SA" : "CHILD_SA");
		return CONTROL_CONFLICT;
	}
	snprintf(msg, cap, "rekeying %d %s of '%s%s%s'", n, ike ?
	    "IKE SA(s)" : "CHILD_SA(s)", name, child ? "/" : "",
	    child ? child : "");
	return CONTROL_OK;
}
