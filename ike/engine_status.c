/*
 * ike/engine_status.c — snapshots of the IKE SAs for `uipsec status`.
 */
#include <stdio.h>
#include <string.h>

#include "ike/engine_internal.h"
#include "ike/transforms.h"

struct foreach_ctx {
	const struct ike_engine *e;
	void	(*fn)(void *arg, const struct ike_sa_status *st);
	void	*arg;
	uint64_t now_ms;
};

static const char *const child_states[] = {
	[IKE_CHILD_CREATING] = "CREATING", [IKE_CHILD_INSTALLED] = "INSTALLED",
	[IKE_CHILD_REKEYING] = "REKEYING", [IKE_CHILD_REKEYED] = "REKEYED",
	[IKE_CHILD_DELETING] = "DELETING",
};

/* Lifetimes and CHILD_SAs (lifetime.c) for the countdowns. */
static void
lifetimes(const struct ike_sa *sa, struct ike_sa_status *st)
{
	const struct ike_child_sa *ch;
	struct ike_child_status *c;

	st->rekey_ms = sa->rekey_ms;
	st->reauth_ms = sa->reauth_ms;
	st->expire_ms = sa->expire_ms;
	for (ch = sa->children; ch != NULL &&
	    st->n_children < IKE_STATUS_CHILDREN_MAX; ch = ch->next) {
		c = &st->children[st->n_children++];
		c->name = ch->cfg->name;
		c->state = child_states[ch->state];
		c->spi_in = ch->spi_in;
		c->spi_out = ch->spi_out;
		c->installed_ms = ch->installed_ms;
		c->rekey_ms = ch->state == IKE_CHILD_INSTALLED ? ch->rekey_ms :
		    UINT64_MAX;
		c->expire_ms = ch->expire_ms;
		c->bytes = ch->bytes;
		c->packets = ch->packets;
	}
}

static void
algs_text(const struct ike_chosen *c, char *out, size_t cap)
{
	size_t t, n = 0;
	int k;

	out[0] = '\0';
	for (t = 1; t <= IKEV2_XF_TYPE_MAX && n < cap; t++) {
		if (c->xf[t].type == 0)
			continue;
		if (n > 0 && n + 1 < cap)
			out[n++] = '/';
		k = ike_transform_name(&c->xf[t], out + n, cap - n);
		n += k > 0 ? (size_t)k : 0;
	}
	if (n >= cap)
		out[cap - 1] = '\0';
}

static void
status_one(void *arg, struct ike_sa *sa)
{
	struct foreach_ctx *f = arg;
	struct ike_sa_status st;
	struct certs_id peer;

	memset(&st, 0, sizeof(st));
	st.id = sa->id;
	st.conn = ike_sa_name(sa);
	st.state = ike_state_name(sa->state);
	st.initiator = sa->initiator;
	st.spi_i = sa->spi_i;
	st.spi_r = sa->spi_r;
	ike_sockaddr_get(&sa->local, &st.local);
	ike_sockaddr_get(&sa->remote, &st.remote);
	if (sa->established_ms != 0)	/* IDs are known after IKE_AUTH */
		certs_id_format(&f->e->creds[sa->conn - f->e->cfg->conns].id,
		    st.local_id, sizeof(st.local_id));
	snprintf(st.remote_id, sizeof(st.remote_id), "%s",
	    ike_sa_peer_text(sa));
	st.peer_id = ike_sa_peer_id(sa, &peer) ? &peer : NULL;
	algs_text(&sa->chosen, st.algs, sizeof(st.algs));
	st.established_ms = sa->established_ms;
	st.ike_bytes_in = sa->bytes_in;
	st.ike_bytes_out = sa->bytes_out;
	st.retransmits = sa->retransmits;
	st.last_rx_ms = sa->last_rx_ms;
	st.nat_local = sa->nat_local;
	st.nat_remote = sa->nat_remote;
	st.now_ms = f->now_ms;
	lifetimes(sa, &st);
	f->fn(f->arg, &st);
}

void
ike_engine_foreach(const struct ike_engine *e,
    void (*fn)(void *arg, const struct ike_sa_status *st), void *arg)
{
	struct foreach_ctx f = { e, fn, arg, e->now_ms };

	ike_sa_table_each((struct ike_sa_table *)&e->sas, status_one, &f);
}

bool
ike_engine_foreach_part(const struct ike_engine *e, uint64_t *cursor,
    size_t budget, void (*fn)(void *arg, const struct ike_sa_status *st),
    void *arg)
{
	struct foreach_ctx f = { e, fn, arg, e->now_ms };

	*cursor = ike_sa_table_each_from((struct ike_sa_table *)&e->sas,
	    (size_t)*cursor, budget, status_one, &f);
	return *cursor == SIZE_MAX;
}
