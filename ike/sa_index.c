/*
 * ike/sa_index.c — IKE SAs by peer identity; see sa_index.h. A chained
 * hash (SipHash of type and data) that doubles when it holds more SAs
 * than buckets.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_sa.h"
#include "ike/sa_index.h"

void
ike_peer_index_init(struct ike_peer_index *x)
{
	memset(x, 0, sizeof(*x));
	randombytes_buf(x->key, sizeof(x->key));
}

void
ike_peer_index_free(struct ike_peer_index *x)
{
	free(x->b);
	memset(x, 0, sizeof(*x));
}

static uint64_t
hash_of(const struct ike_peer_index *x, uint8_t type, const uint8_t *data,
    size_t len)
{
	uint8_t buf[1 + CERTS_ID_MAX];
	uint64_t h;

	buf[0] = type;
	memcpy(buf + 1, data, len);
	crypto_shorthash((uint8_t *)&h, buf, 1 + len, x->key);
	return h;
}

static uint64_t
id_hash(const struct ike_peer_index *x, const struct certs_id *id)
{
	return hash_of(x, (uint8_t)id->type, id->data, id->len);
}

/* An indexed SA has its peer's identity (ike_peer_index_add). */
static uint64_t
sa_hash(const struct ike_peer_index *x, const struct ike_sa *sa)
{
	return hash_of(x, sa->peer->type, sa->peer->b, sa->peer->len);
}

static bool
grow(struct ike_peer_index *x)
{
	size_t nb = x->nb ? x->nb * 2 : 256, i, k;
	struct ike_sa **b = calloc(nb, sizeof(*b)), *sa, *next;

	if (b == NULL)
		return false;
	for (i = 0; i < x->nb; i++)
		for (sa = x->b[i]; sa != NULL; sa = next) {
			next = sa->next_peer;
			k = sa_hash(x, sa) & (nb - 1);
			sa->next_peer = b[k];
			b[k] = sa;
		}
	free(x->b);
	x->b = b;
	x->nb = nb;
	return true;
}

bool
ike_peer_index_add(struct ike_peer_index *x, struct ike_sa *sa)
{
	size_t k;

	if (sa->in_peer_index)
		return true;
	if (sa->peer == NULL)
		return false;
	if (x->n >= x->nb && !grow(x))
		return false;
	k = sa_hash(x, sa) & (x->nb - 1);
	sa->next_peer = x->b[k];
	x->b[k] = sa;
	sa->in_peer_index = true;
	x->n++;
	return true;
}

void
ike_peer_index_remove(struct ike_peer_index *x, struct ike_sa *sa)
{
	struct ike_sa **pp;

	if (!sa->in_peer_index)
		return;
	for (pp = &x->b[sa_hash(x, sa) & (x->nb - 1)]; *pp != NULL;
	    pp = &(*pp)->next_peer)
		if (*pp == sa) {
			*pp = sa->next_peer;
			break;
		}
	sa->next_peer = NULL;
	sa->in_peer_index = false;
	x->n--;
}

struct ike_sa *
ike_peer_index_next(const struct ike_peer_index *x, const struct certs_id *id,
    const struct ike_sa *prev)
{
	struct ike_sa *sa;

	if (x->nb == 0)
		return NULL;
	sa = prev != NULL ? prev->next_peer :
	    x->b[id_hash(x, id) & (x->nb - 1)];
	for (; sa != NULL; sa = sa->next_peer)
		if (ike_sa_peer_is(sa, id))
			return sa;
	return NULL;
}
