/*
 * ike/ike_sa.c — the IKE SA object, its one state setter and the SA table;
 * see ike_sa.h (retransmission timing: retransmit.c).
 */
#include "ike/ike_sa.h"

#include <netinet/in.h>
#include <openssl/rand.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/ts.h"

static const char *const state_names[IKE_STATE_COUNT] = {
	[IKE_STATE_IDLE]		= "IDLE",
	[IKE_STATE_SA_INIT_SENT]	= "IKE_SA_INIT_SENT",
	[IKE_STATE_SA_INIT_DONE]	= "IKE_SA_INIT_DONE",
	[IKE_STATE_AUTH_SENT]		= "IKE_AUTH_SENT",
	[IKE_STATE_AUTH_SIGNING]	= "IKE_AUTH_SIGNING",
	[IKE_STATE_ESTABLISHED]		= "ESTABLISHED",
	[IKE_STATE_DELETING]		= "DELETING",
	[IKE_STATE_CLOSED]		= "CLOSED",
};

/* Allowed moves, as bits of the target state. CLOSED is reachable from
 * everywhere (failure, timeout, delete). */
#define TO(s)	(1u << (s))
static const unsigned state_moves[IKE_STATE_COUNT] = {
	[IKE_STATE_IDLE]	 = TO(IKE_STATE_SA_INIT_SENT) |
	    TO(IKE_STATE_SA_INIT_DONE) | TO(IKE_STATE_ESTABLISHED),
	[IKE_STATE_SA_INIT_SENT] = TO(IKE_STATE_AUTH_SENT),
	[IKE_STATE_SA_INIT_DONE] = TO(IKE_STATE_ESTABLISHED) |
	    TO(IKE_STATE_AUTH_SIGNING),
	[IKE_STATE_AUTH_SENT]	 = TO(IKE_STATE_ESTABLISHED),
	[IKE_STATE_AUTH_SIGNING] = TO(IKE_STATE_ESTABLISHED),
	[IKE_STATE_ESTABLISHED]	 = TO(IKE_STATE_DELETING),
	[IKE_STATE_DELETING]	 = 0,
	[IKE_STATE_CLOSED]	 = 0,
};

const char *
ike_state_name(enum ike_state st)
{
	return st < IKE_STATE_COUNT ? state_names[st] : "?";
}

static const char *
sa_conn_name(const struct ike_sa *sa)
{
	return sa->conn != NULL ? sa->conn->name : "(unmatched)";
}

bool
ike_sa_set_state(struct ike_sa *sa, enum ike_state st)
{
	unsigned ok = state_moves[sa->state] | TO(IKE_STATE_CLOSED);

	if (st >= IKE_STATE_COUNT || sa->state == IKE_STATE_CLOSED ||
	    !(ok & TO(st))) {
		log_err("%s[%llu]: refused state change %s -> %s",
		    sa_conn_name(sa), (unsigned long long)sa->id,
		    ike_state_name(sa->state), ike_state_name(st));
		return false;
	}
	log_info("%s[%llu]: %s -> %s", sa_conn_name(sa),
	    (unsigned long long)sa->id, ike_state_name(sa->state),
	    ike_state_name(st));
	sa->state = st;
	return true;
}

struct ike_sa *
ike_sa_new(bool initiator, uint64_t id, uint64_t now_ms)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	uint64_t spi = 0;

	if (sa == NULL || (sa->setup = calloc(1, sizeof(*sa->setup))) == NULL) {
		free(sa);
		return NULL;
	}
	while (spi == 0)	/* §3.1: an SPI is never zero */
		if (RAND_bytes((uint8_t *)&spi, sizeof(spi)) != 1) {
			free(sa->setup);
			free(sa);
			return NULL;
		}
	sa->initiator = initiator;
	sa->id = id;
	sa->created_ms = now_ms;
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	return sa;
}

void
ike_sa_setup_done(struct ike_sa *sa)
{
	struct ike_sa_setup *st = sa->setup;

	if (st == NULL)
		return;
	ike_dh_free(st->dh);
	ike_msg_buf_free(&st->init_i);
	ike_msg_buf_free(&st->init_r);
	ike_chain_free(&st->resp_tail);
	sodium_memzero(st, sizeof(*st));	/* nonces, SK_pi, SK_pr */
	free(st);
	sa->setup = NULL;
}

const char *
ike_sa_peer_text(const struct ike_sa *sa)
{
	return sa->peer != NULL ? (const char *)sa->peer->b + sa->peer->len :
	    "";
}

bool
ike_sa_peer_id(const struct ike_sa *sa, struct certs_id *out)
{
	memset(out, 0, sizeof(*out));
	if (sa->peer == NULL)
		return false;
	out->type = (enum certs_id_type)sa->peer->type;
	out->len = sa->peer->len;
	memcpy(out->data, sa->peer->b, sa->peer->len);
	return true;
}

bool
ike_sa_peer_is(const struct ike_sa *sa, const struct certs_id *id)
{
	return sa->peer != NULL && sa->peer->type == (uint8_t)id->type &&
	    sa->peer->len == id->len &&
	    memcmp(sa->peer->b, id->data, id->len) == 0;
}

int
ike_sa_set_peer(struct ike_sa *sa, const struct certs_id *id)
{
	char text[2 * CERTS_ID_MAX + 3];	/* most texts: formatted once */
	size_t text_len = certs_id_format(id, text, sizeof(text)) + 1;
	struct ike_peer_ident *p;

	free(sa->peer);
	sa->peer = NULL;
	if (id->len > UINT16_MAX ||
	    (p = malloc(sizeof(*p) + id->len + text_len)) == NULL)
		return -1;
	p->type = (uint8_t)id->type;
	p->len = (uint16_t)id->len;
	memcpy(p->b, id->data, id->len);
	if (text_len <= sizeof(text))
		memcpy(p->b + id->len, text, text_len);
	else
		certs_id_format(id, (char *)p->b + id->len, text_len);
	sa->peer = p;
	return 0;
}

int
ike_sa_copy_peer(struct ike_sa *n, const struct ike_sa *old)
{
	const struct ike_peer_ident *p = old->peer;
	size_t size;

	free(n->peer);
	n->peer = NULL;
	if (p == NULL)
		return 0;
	/* Data and text as they are: the text is made once per identity. */
	size = sizeof(*p) + p->len + strlen((const char *)p->b + p->len) + 1;
	if ((n->peer = malloc(size)) == NULL)
		return -1;
	memcpy(n->peer, p, size);
	return 0;
}

void
ike_sockaddr_set(union ike_sockaddr *a, const struct sockaddr_storage *ss)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET6)
		memcpy(&a->v6, ss, sizeof(a->v6));
	else if (ss->ss_family == AF_INET)
		memcpy(&a->v4, ss, sizeof(a->v4));
	else
		a->family = ss->ss_family;
}

struct sockaddr_storage *
ike_sockaddr_get(const union ike_sockaddr *a, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out, a, sizeof(*a));
	return out;
}

socklen_t
ike_sockaddr_len(const union ike_sockaddr *a)
{
	return a->family == AF_INET6 ? sizeof(a->v6) : sizeof(a->v4);
}

bool
ike_sockaddr_equal(const union ike_sockaddr *a,
    const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	if (a->family != ss->ss_family)
		return false;
	if (a->family == AF_INET6)
		return a->v6.sin6_port == s6->sin6_port &&
		    memcmp(&a->v6.sin6_addr, &s6->sin6_addr, 16) == 0;
	return a->family != AF_INET || (a->v4.sin_port == s4->sin_port &&
	    a->v4.sin_addr.s_addr == s4->sin_addr.s_addr);
}

void
ike_sockaddr_prefix(const union ike_sockaddr *a, struct ike_prefix *out)
{
	struct sockaddr_storage ss;

	ike_prefix_from_sockaddr(ike_sockaddr_get(a, &ss), out);
}

uint64_t
ike_sa_spi_ours(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

void
ike_msg_buf_free(struct ike_msg_buf *b)
{
	if (b->stored)
		ike_resp_store_release(b->p);
	else
		free(b->p);
	b->p = NULL;
	b->len = 0;
	b->n_frags = 0;
	b->stored = false;
}

static int
msg_buf_set(struct ike_resp_store *store, struct ike_msg_buf *b,
    const uint8_t *msg, size_t len, uint32_t msg_id, const uint16_t *frag_len,
    unsigned n_frags)
{
	size_t table = n_frags * sizeof(*frag_len);
	uint8_t *p = NULL;
	bool stored;

	if (len > UINT32_MAX || n_frags > IKE_FRAG_MAX)
		return -1;
	stored = store != NULL &&
	    (p = ike_resp_store_alloc(store, len + table)) != NULL;
	if (!stored && (p = malloc(len + table ? len + table : 1)) == NULL)
		return -1;
	memcpy(p, msg, len);
	if (n_frags > 0)
		memcpy(p + len, frag_len, table);
	ike_msg_buf_free(b);
	b->p = p;
	b->len = (uint32_t)len;
	b->msg_id = msg_id;
	b->n_frags = (uint8_t)n_frags;
	b->stored = stored;
	return 0;
}

int
ike_msg_buf_set(struct ike_msg_buf *b, const uint8_t *msg, size_t len,
    uint32_t msg_id, const uint16_t *frag_len, unsigned n_frags)
{
	return msg_buf_set(NULL, b, msg, len, msg_id, frag_len, n_frags);
}

int
ike_msg_buf_set_stored(struct ike_resp_store *store, struct ike_msg_buf *b,
    const uint8_t *msg, size_t len, uint32_t msg_id, const uint16_t *frag_len,
    unsigned n_frags)
{
	return msg_buf_set(store, b, msg, len, msg_id, frag_len, n_frags);
}

size_t
ike_msg_buf_frag_len(const struct ike_msg_buf *b, unsigned i)
{
	uint16_t n;

	memcpy(&n, b->p + b->len + i * sizeof(n), sizeof(n));	/* unaligned */
	return n;
}

void
ike_frag_rx_free(struct ike_sa *sa)
{
	struct ike_frag_rx *f = sa->frag_rx;
	unsigned i;

	if (f == NULL)
		return;
	for (i = 0; i < IKE_FRAG_MAX; i++) {
		if (f->plain[i] != NULL) {
			sodium_memzero(f->plain[i], f->len[i]);
			free(f->plain[i]);
		}
	}
	free(f);
	sa->frag_rx = NULL;
}

void
ike_rekey_free(struct ike_rekey *rk)
{
	if (rk == NULL)
		return;
	ike_dh_free(rk->dh);
	ike_sa_free(rk->sa);
	sodium_memzero(rk, sizeof(*rk));
	free(rk);
}

void
ike_sa_free(struct ike_sa *sa)
{
	if (sa == NULL)
		return;
	ike_sa_setup_done(sa);
	ike_sa_keys_wipe(&sa->keys);
	ike_msg_buf_free(&sa->req.msg);
	ike_msg_buf_free(&sa->last_resp);
	ike_frag_rx_free(sa);
	free(sa->peer);
	ike_rekey_free(sa->rekey);
	sa->rekey = NULL;	/* ike_child_sa_free looks at it */
	while (sa->children != NULL)
		ike_child_sa_free(sa, sa->children);
	sodium_memzero(sa, sizeof(*sa));
	free(sa);
}

void
ike_sa_request_done(struct ike_sa *sa)
{
	sa->req.active = false;
	ike_msg_buf_free(&sa->req.msg);
}

/* ---- table --------------------------------------------------------------- */

static size_t
bucket(const struct ike_sa_table *t, uint64_t spi)
{
	spi ^= spi >> 29;
	spi *= 0xbf58476d1ce4e5b9ULL;	/* SPIs are random; mix anyway */
	return (size_t)(spi >> 32) & (t->nb - 1);
}

int
ike_sa_table_init(struct ike_sa_table *t)
{
	memset(t, 0, sizeof(*t));
	t->ours = calloc(IKE_SA_BUCKETS, sizeof(*t->ours));
	t->init = calloc(IKE_SA_BUCKETS, sizeof(*t->init));
	t->ids = calloc(IKE_SA_BUCKETS, sizeof(*t->ids));
	t->nb = IKE_SA_BUCKETS;
	if (t->ours == NULL || t->init == NULL || t->ids == NULL) {
		ike_sa_table_free(t);
		return -1;
	}
	return 0;
}

void
ike_sa_table_free(struct ike_sa_table *t)
{
	free(t->ours);
	free(t->init);
	free(t->ids);
	memset(t, 0, sizeof(*t));
}

static void
link_sa(struct ike_sa_table *t, struct ike_sa *sa)
{
	size_t b = bucket(t, ike_sa_spi_ours(sa));

	sa->next_ours = t->ours[b];
	t->ours[b] = sa;
	if (!sa->initiator) {
		b = bucket(t, sa->spi_i);
		sa->next_init = t->init[b];
		t->init[b] = sa;
	}
	b = bucket(t, sa->id);
	sa->next_id = t->ids[b];
	t->ids[b] = sa;
}

/* Twice the buckets, every SA linked again; false (table unchanged) if
 * there is no memory for them. */
static bool
grow(struct ike_sa_table *t)
{
	struct ike_sa_table n = { .nb = t->nb * 2 };
	struct ike_sa *sa, *next;
	size_t b;

	n.ours = calloc(n.nb, sizeof(*n.ours));
	n.init = calloc(n.nb, sizeof(*n.init));
	n.ids = calloc(n.nb, sizeof(*n.ids));
	if (n.ours == NULL || n.init == NULL || n.ids == NULL) {
		ike_sa_table_free(&n);
		return false;
	}
	for (b = 0; b < t->nb; b++)
		for (sa = t->ours[b]; sa != NULL; sa = next) {
			next = sa->next_ours;
			link_sa(&n, sa);
		}
	n.n = t->n;
	ike_sa_table_free(t);
	*t = n;
	return true;
}

void
ike_sa_table_add(struct ike_sa_table *t, struct ike_sa *sa)
{
	if (t->n >= t->nb)
		grow(t);	/* else longer chains: still correct */
	link_sa(t, sa);
	t->n++;
}

/* The chain link of each of the table's hashes. */
static struct ike_sa **
link_ours(struct ike_sa *sa)
{
	return &sa->next_ours;
}

static struct ike_sa **
link_init(struct ike_sa *sa)
{
	return &sa->next_init;
}

static struct ike_sa **
link_id(struct ike_sa *sa)
{
	return &sa->next_id;
}

static void
unlink_from(struct ike_sa **head, struct ike_sa *sa,
    struct ike_sa **(*next)(struct ike_sa *))
{
	struct ike_sa **pp;

	for (pp = head; *pp != NULL; pp = next(*pp))
		if (*pp == sa) {
			*pp = *next(sa);
			return;
		}
}

void
ike_sa_table_remove(struct ike_sa_table *t, struct ike_sa *sa)
{
	unlink_from(&t->ours[bucket(t, ike_sa_spi_ours(sa))], sa, link_ours);
	if (!sa->initiator)
		unlink_from(&t->init[bucket(t, sa->spi_i)], sa, link_init);
	unlink_from(&t->ids[bucket(t, sa->id)], sa, link_id);
	t->n--;
}

struct ike_sa *
ike_sa_table_find(const struct ike_sa_table *t, uint64_t ours)
{
	struct ike_sa *sa;

	for (sa = t->ours[bucket(t, ours)]; sa != NULL; sa = sa->next_ours)
		if (ike_sa_spi_ours(sa) == ours)
			return sa;
	return NULL;
}

struct ike_sa *
ike_sa_table_next_id(const struct ike_sa_table *t, uint64_t id,
    const struct ike_sa *prev)
{
	struct ike_sa *sa;

	sa = prev != NULL ? prev->next_id : t->ids[bucket(t, id)];
	for (; sa != NULL; sa = sa->next_id)
		if (sa->id == id)
			return sa;
	return NULL;
}

/* Family, address and port only: what follows in a sockaddr_storage is
 * whatever the daemon's receive buffer held. */
bool
ike_addr_equal(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	return a4->sin_port == b4->sin_port &&
	    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
}

struct ike_sa *
ike_sa_table_find_init(const struct ike_sa_table *t, uint64_t spi_i,
    const struct sockaddr_storage *remote)
{
	struct sockaddr_storage r;
	struct ike_sa *sa;

	for (sa = t->init[bucket(t, spi_i)]; sa != NULL; sa = sa->next_init)
		if (sa->spi_i == spi_i &&
		    ike_addr_equal(ike_sockaddr_get(&sa->remote, &r), remote))
			return sa;
	return NULL;
}

void
ike_sa_table_each(struct ike_sa_table *t,
    void (*fn)(void *arg, struct ike_sa *sa), void *arg)
{
	struct ike_sa *sa, *next;
	size_t b;

	for (b = 0; b < t->nb; b++)
		for (sa = t->ours[b]; sa != NULL; sa = next) {
			next = sa->next_ours;
			fn(arg, sa);
		}
}

size_t
ike_sa_table_each_from(struct ike_sa_table *t, size_t from, size_t budget,
    void (*fn)(void *arg, struct ike_sa *sa), void *arg)
{
	struct ike_sa *sa, *next;
	size_t b, seen = 0;

	for (b = from; b < t->nb && seen < budget; b++)
		for (sa = t->ours[b]; sa != NULL; sa = next, seen++) {
			next = sa->next_ours;
			fn(arg, sa);
		}
	return b < t->nb ? b : SIZE_MAX;
}
