/* tests/unit/ike_peer_testlib.c — see ike_peer_testlib.h. */
#include "ike_peer_testlib.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs_testlib.h"

struct net net;

static void
prefix4(struct ike_prefix *p, const char *ip, uint8_t plen)
{
	memset(p, 0, sizeof(*p));
	p->family = AF_INET;
	p->plen = plen;
	inet_pton(AF_INET, ip, p->addr);
}

static int
peer_of(void *arg)
{
	return (int)((struct peer *)arg - net.p);
}

/* What the NAT in front of A does: A's 10.0.0.1:p <-> 192.0.2.99:p+shift
 * (1000 unless a test changes the mapping). */
static void
nat_out(struct sockaddr_storage *s)
{
	struct sockaddr_in *a = (struct sockaddr_in *)s;

	inet_pton(AF_INET, "192.0.2.99", &a->sin_addr);
	a->sin_port = htons((uint16_t)(ntohs(a->sin_port) + net.nat_shift));
}

static void
nat_in(struct sockaddr_storage *s)
{
	struct sockaddr_in *a = (struct sockaddr_in *)s;

	inet_pton(AF_INET, "10.0.0.1", &a->sin_addr);
	a->sin_port = htons((uint16_t)(ntohs(a->sin_port) - net.nat_shift));
}

static int
io_send(void *arg, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *msg, size_t len)
{
	int from = peer_of(arg);
	struct net_dgram *d;

	cr_assert_lt(net.n, NET_QUEUE_MAX, "network queue full");
	cr_assert_leq(len, sizeof(d->b));
	d = &net.q[net.n++];
	d->to = 1 - from;
	d->src = *local;
	d->dst = *remote;
	if (net.nat && from == PEER_A)
		nat_out(&d->src);
	if (net.nat && from == PEER_B)
		nat_in(&d->dst);
	memcpy(d->b, msg, len);
	d->len = len;
	net.p[from].sent++;
	return 0;
}

static int
io_sign(void *arg, const struct ike_sign_job *job)
{
	struct peer *p = arg;
	struct peer_sign_job *j;

	if (p->sign == PEER_SIGN_FULL)
		return -1;
	if (p->sign == PEER_SIGN_HOOK)
		return p->sign_hook(p->sign_arg, job);
	cr_assert_lt(p->n_jobs, PEER_SIGN_JOBS_MAX);
	j = &p->job[p->n_jobs++];
	j->spi = job->spi;
	j->ike_id = job->ike_id;
	j->key = job->key;
	j->params = job->params;
	j->len = job->octets_len;
	cr_assert_not_null(j->octets = malloc(j->len));
	memcpy(j->octets, job->octets, j->len);
	return 0;
}

void
peer_sign_finish(int who, size_t i, const char *why)
{
	struct peer *p = &net.p[who];
	struct peer_sign_job *j = &p->job[i];
	uint8_t auth[CERTS_AUTH_DATA_MAX];
	size_t len = 0;

	cr_assert_lt(i, p->n_jobs);
	cr_assert_not_null(j->octets, "job %zu finished twice", i);
	if (why == NULL)
		cr_assert_eq(certs_auth_sign(j->key, &j->params, j->octets,
		    j->len, auth, sizeof(auth), &len, NULL), CERTS_OK);
	free(j->octets);
	j->octets = NULL;
	ike_engine_sign_done(p->e, j->spi, j->ike_id, auth, len, why, net.now);
}

static void
copy_key(uint8_t *dst, const uint8_t *src, size_t len)
{
	cr_assert_leq(len, PEER_KEY_MAX);
	if (len > 0)
		memcpy(dst, src, len);
}

static int
io_child_install(void *arg, const struct ike_child_install *c)
{
	struct peer *p = arg;
	struct peer_child *pc;

	if (p->children_counted_only) {
		p->n_installed++;
		return 0;
	}
	cr_assert_lt(p->n_children, PEER_CHILDREN_MAX);
	pc = &p->child[p->n_children++];
	pc->c = *c;
	pc->routed = !c->outbound_later;
	if (pc->routed)
		pc->route_seq = ++p->route_seq;
	copy_key(pc->in_enc, c->in.enc_key, c->in.enc_key_len);
	copy_key(pc->in_auth, c->in.auth_key, c->in.auth_key_len);
	copy_key(pc->out_enc, c->out.enc_key, c->out.enc_key_len);
	copy_key(pc->out_auth, c->out.auth_key, c->out.auth_key_len);
	return 0;
}

static void
io_child_remove(void *arg, uint32_t spi_in, uint32_t spi_out)
{
	struct peer *p = arg;
	size_t i;

	for (i = 0; i < p->n_children; i++)
		if (p->child[i].c.in.spi == spi_in &&
		    p->child[i].c.out.spi == spi_out)
			p->child[i].removed = true;
}

static void
io_child_route(void *arg, uint32_t spi_in, uint32_t spi_out)
{
	struct peer *p = arg;
	size_t i;

	for (i = 0; i < p->n_children; i++)
		if (p->child[i].c.in.spi == spi_in &&
		    p->child[i].c.out.spi == spi_out) {
			p->child[i].routed = true;
			p->child[i].route_seq = ++p->route_seq;
		}
}

static int
io_child_counters(void *arg, uint32_t spi_in, uint32_t spi_out,
    struct ike_child_counters *out)
{
	(void)spi_in;
	(void)spi_out;
	*out = ((struct peer *)arg)->counters;
	return 0;
}

static void
io_sa_event(void *arg, const char *conn, uint64_t id, enum ike_sa_event ev,
    const char *why)
{
	struct peer *p = arg;

	(void)conn;
	(void)id;
	if (ev == IKE_SA_EVENT_UP)
		p->n_up++;
	else if (ev == IKE_SA_EVENT_FAILED)
		p->n_failed++;
	else
		p->n_down++;
	snprintf(p->why, sizeof(p->why), "%s", why);
}

static void
io_peer_moved(void *arg, uint64_t id, const struct sockaddr_storage *remote)
{
	struct peer *p = arg;

	(void)id;
	p->n_moved++;
	p->moved_to = *remote;
}

/* A swanctl tree: the root as anchor, the Fleet CA as intermediate, both
 * CRLs, our certificate and a private/ with two keys (ours and one more,
 * so the engine must match them). */
static void
make_tree(int who, const char *cert, const char *key)
{
	const char *pki = pki_path(".");

	cr_assert_eq(run("d=%s/peer%d; rm -rf $d; mkdir -p $d/x509ca $d/x509 "
	    "$d/x509crl $d/private && cp %s/root/x509ca/*.pem $d/x509ca/ && "
	    "cp %s/int/ca/cert.pem $d/x509/fleet-ca.pem && "
	    "cp %s/root/x509crl/*.crl %s/int/x509crl/*.crl $d/x509crl/ && "
	    "cp %s/%s $d/x509/me.pem && cp %s/int/private/ccu-rsa.pem "
	    "$d/private/a-other.pem && cp %s/%s $d/private/me.pem",
	    tmp_dir(), who, pki, pki, pki, pki, pki, cert, pki, pki, key), 0);
	snprintf(net.p[who].cfg.swanctl_dir, IKE_PATH_MAX, "%s/peer%d",
	    tmp_dir(), who);
}

void
peer_credentials(int who, const char *cert, const char *key)
{
	make_tree(who, cert, key);
}

void
peer_set_proposals(int who, const char *ike, const char *esp)
{
	struct ike_conn_cfg *c = &net.p[who].conn;
	char err[160];

	cr_assert_eq(ike_proposals_parse(&c->proposals, IKEV2_PROTO_IKE, ike,
	    err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ike_proposals_parse(&c->children[0].esp_proposals,
	    IKEV2_PROTO_ESP, esp, err, sizeof(err)), 0, "%s", err);
}

void
peer_set_remote_id(int who, const char *id)
{
	struct ike_conn_cfg *c = &net.p[who].conn;

	cr_assert_eq(certs_id_parse(id, &c->remote.id, NULL), CERTS_OK);
	c->remote.id_set = true;
}

void
peer_use_pool(void)
{
	struct ike_conn_cfg *a = &net.p[PEER_A].conn, *b = &net.p[PEER_B].conn;

	a->n_vips = 1;
	a->vips[0].family = AF_INET;
	a->children[0].local_ts[0].dynamic = true;
	b->n_pools = 1;
	snprintf(b->pools[0], IKE_NAME_MAX, "vips");
	b->children[0].remote_ts[0].dynamic = true;
}

static void
conn_init(int who, const char *ike, const char *esp)
{
	struct peer *p = &net.p[who];
	struct ike_conn_cfg *c = &p->conn;
	struct ike_child_cfg *ch = &c->children[0];
	const char *me = who == PEER_A ? "10.0.0.1" : "10.0.0.2";
	const char *other = who == PEER_A ? "10.0.0.2" : "10.0.0.1";

	snprintf(c->name, sizeof(c->name), "fleet");
	c->n_local_addrs = 1;
	prefix4(&c->local_addrs[0], me, 32);
	if (who == PEER_A) {	/* the concentrator accepts anyone */
		c->n_remote_addrs = 1;
		prefix4(&c->remote_addrs[0], other, 32);
	}
	c->local_port = c->remote_port = 500;
	c->n_children = 1;
	snprintf(ch->name, sizeof(ch->name), "net");
	ch->replay_window = ESP_REPLAY_WINDOW_DEFAULT;
	ch->n_local_ts = ch->n_remote_ts = 1;
	prefix4(&ch->local_ts[0].prefix, who == PEER_A ? "10.1.0.0" :
	    "10.2.0.0", 16);
	prefix4(&ch->remote_ts[0].prefix, who == PEER_A ? "10.2.0.0" :
	    "10.1.0.0", 16);
	c->n_local_addrs = 1;
	snprintf(c->local.certs[0], IKE_PATH_MAX, "me.pem");
	c->local.n_certs = 1;
	peer_set_proposals(who, ike, esp);
	p->cfg.n_conns = 1;
	p->cfg.conns = c;
	snprintf(p->pool.name, sizeof(p->pool.name), "vips");
	prefix4(&p->pool.first, "10.3.0.1", 32);
	prefix4(&p->pool.last, "10.3.0.200", 32);
	p->cfg.n_pools = 1;
	p->cfg.pools = &p->pool;
}

void
net_init(const char *ike, const char *esp)
{
	net_free();
	memset(&net, 0, sizeof(net));
	net.now = 1000000;
	net.nat_shift = 1000;
	conn_init(PEER_A, ike, esp);
	conn_init(PEER_B, ike, esp);
	make_tree(PEER_A, "int/x509/ccu-ec.pem", "int/private/ccu-ec.pem");
	make_tree(PEER_B, "int/x509/vpn-ec384.pem", "int/private/vpn-ec384.pem");
}

static void
engine_start(int i)
{
	struct ike_io io = { .arg = &net.p[i], .send = io_send,
	    .child_install = io_child_install,
	    .child_remove = io_child_remove, .sa_event = io_sa_event,
	    .child_counters = io_child_counters,
	    .child_route = io_child_route,
	    .peer_moved = io_peer_moved };

	if (net.p[i].sign != PEER_SIGN_NONE)
		io.sign = io_sign;
	if (net.p[i].no_counters)
		io.child_counters = NULL;

	net.p[i].e = ike_engine_new(&net.p[i].cfg, &io, net.now);
	cr_assert_not_null(net.p[i].e, "peer %d: engine refused", i);
	if (net.p[i].have_set)
		ike_engine_set_settings(net.p[i].e, &net.p[i].set);
	ike_engine_set_fragment_size(net.p[i].e, net.p[i].frag_size);
}

void
peer_start(void)
{
	engine_start(PEER_A);
	engine_start(PEER_B);
}

void
peer_restart(int who)
{
	ike_engine_free(net.p[who].e);
	engine_start(who);
}

void
net_free(void)
{
	size_t i, j;

	ike_engine_free(net.p[0].e);
	ike_engine_free(net.p[1].e);
	net.p[0].e = net.p[1].e = NULL;
	for (i = 0; i < 2; i++)
		for (j = 0; j < net.p[i].n_jobs; j++) {
			free(net.p[i].job[j].octets);
			net.p[i].job[j].octets = NULL;
		}
}

static void
pop(struct net_dgram *d)
{
	cr_assert_gt(net.n, 0, "nothing on the wire");
	*d = net.q[0];
	memmove(&net.q[0], &net.q[1], (net.n - 1) * sizeof(net.q[0]));
	net.n--;
}

bool
net_step(void)
{
	static struct net_dgram d;

	if (net.n == 0)
		return false;
	pop(&d);
	ike_engine_input(net.p[d.to].e, &d.dst, &d.src, d.b, d.len, net.now);
	return true;
}

void
net_drop(void)
{
	static struct net_dgram d;

	pop(&d);
}

void
net_dup(void)
{
	cr_assert_gt(net.n, 0);
	cr_assert_lt(net.n, NET_QUEUE_MAX);
	memmove(&net.q[1], &net.q[0], net.n * sizeof(net.q[0]));
	net.n++;
}

void
net_run(size_t max)
{
	while (max-- > 0 && net_step())
		;
	cr_assert_eq(net.n, 0, "still talking");
}

void
net_advance(uint64_t ms)
{
	int i;

	net.now += ms;
	for (i = 0; i < 2; i++)
		if (net.p[i].e != NULL)
			ike_engine_tick(net.p[i].e, net.now);
}

struct state_ctx { const char *state; int n; };

static void
state_fn(void *arg, const struct ike_sa_status *st)
{
	struct state_ctx *s = arg;

	s->state = st->state;
	s->n++;
}

const char *
peer_state(int who)
{
	struct state_ctx s = { "none", 0 };

	ike_engine_foreach(net.p[who].e, state_fn, &s);
	cr_assert_leq(s.n, 1, "peer %d has %d IKE SAs", who, s.n);
	return s.state;
}

uint8_t
net_head_exchange(bool *response)
{
	cr_assert_gt(net.n, 0, "nothing on the wire");
	*response = (net.q[0].b[19] & 0x20) != 0;
	return net.q[0].b[18];
}

void
net_expect_head(uint8_t exchange, bool response)
{
	bool r;

	cr_assert_eq(net_head_exchange(&r), exchange);
	cr_assert_eq(r, response);
}

static void
assert_half(const struct peer_child *a, const struct peer_child *b)
{
	cr_assert_eq(a->c.out.spi, b->c.in.spi);
	cr_assert_eq(a->c.out.suite, b->c.in.suite);
	cr_assert_eq(a->c.out.esn, b->c.in.esn);
	cr_assert_eq(a->c.out.enc_key_len, b->c.in.enc_key_len);
	cr_assert_eq(a->c.out.auth_key_len, b->c.in.auth_key_len);
	cr_assert_eq(memcmp(a->out_enc, b->in_enc, a->c.out.enc_key_len), 0);
	cr_assert_eq(memcmp(a->out_auth, b->in_auth, a->c.out.auth_key_len), 0);
}

void
assert_children_match(void)
{
	const struct peer_child *a = &net.p[PEER_A].child[0];
	const struct peer_child *b = &net.p[PEER_B].child[0];

	cr_assert_eq(net.p[PEER_A].n_children, 1);
	cr_assert_eq(net.p[PEER_B].n_children, 1);
	assert_half(a, b);
	assert_half(b, a);
	/* The two directions never share keys. */
	cr_assert_neq(memcmp(a->out_enc, a->in_enc, a->c.out.enc_key_len), 0);
	cr_assert_neq(a->c.in.spi, a->c.out.spi);
}

size_t
peer_live_children(int who)
{
	size_t i, n = 0;

	for (i = 0; i < net.p[who].n_children; i++)
		n += !net.p[who].child[i].removed;
	return n;
}

/* The first live CHILD_SA of one side (of child config `name` unless
 * NULL), or NULL. */
static const struct peer_child *
live_named(int who, const char *name, size_t *n)
{
	const struct peer_child *first = NULL, *pc;
	size_t i;

	*n = 0;
	for (i = 0; i < net.p[who].n_children; i++) {
		pc = &net.p[who].child[i];
		if (pc->removed || (name != NULL && strcmp(pc->c.child, name)))
			continue;
		if ((*n)++ == 0)
			first = pc;
	}
	return first;
}

static const struct peer_child *
live_child(int who)
{
	size_t n;

	return live_named(who, NULL, &n);
}

size_t
peer_live_named(int who, const char *child)
{
	size_t n;

	live_named(who, child, &n);
	return n;
}

void
assert_live_pair(const char *child)
{
	const struct peer_child *a, *b;
	size_t na, nb;

	a = live_named(PEER_A, child, &na);
	b = live_named(PEER_B, child, &nb);
	cr_assert_eq(na, 1, "A holds %zu CHILD_SAs %s", na, child);
	cr_assert_eq(nb, 1, "B holds %zu CHILD_SAs %s", nb, child);
	assert_half(a, b);
	assert_half(b, a);
	cr_assert(a->routed && b->routed, "CHILD_SA %s left without outbound "
	    "traffic", child);
}

void
assert_live_children_match(void)
{
	cr_assert_eq(peer_live_children(PEER_A), 1, "A holds %zu CHILD_SAs",
	    peer_live_children(PEER_A));
	cr_assert_eq(peer_live_children(PEER_B), 1, "B holds %zu CHILD_SAs",
	    peer_live_children(PEER_B));
	assert_half(live_child(PEER_A), live_child(PEER_B));
	assert_half(live_child(PEER_B), live_child(PEER_A));
	cr_assert(live_child(PEER_A)->routed && live_child(PEER_B)->routed,
	    "a CHILD_SA left without outbound traffic");
}

void
assert_outbound_received(void)
{
	const struct peer_child *out, *pc;
	size_t i, j;
	int who;

	for (who = 0; who < 2; who++) {
		out = NULL;
		for (i = 0; i < net.p[who].n_children; i++) {
			pc = &net.p[who].child[i];
			if (pc->routed && !pc->removed &&
			    (out == NULL || pc->route_seq > out->route_seq))
				out = pc;
		}
		if (out == NULL)
			continue;
		for (j = 0; j < net.p[1 - who].n_children; j++) {
			pc = &net.p[1 - who].child[j];
			if (!pc->removed && pc->c.in.spi == out->c.out.spi)
				break;
		}
		cr_assert_lt(j, net.p[1 - who].n_children, "peer %d sends on "
		    "%08x, which its peer no longer (or not yet) receives on",
		    who, out->c.out.spi);
	}
}
