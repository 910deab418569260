/*
 * ike/child_sa.c — the CHILD_SAs of an IKE SA (RFC 7296 §1.3): a short
 * list on the heap, oldest first, searched by SPI; see ike_sa.h.
 */
#include <sodium.h>
#include <stdlib.h>

#include "ike/ike_sa.h"

struct ike_child_sa *
ike_child_sa_new(struct ike_sa *sa, const struct ike_child_cfg *cfg)
{
	struct ike_child_sa *ch = calloc(1, sizeof(*ch)), **p;

	if (ch == NULL)
		return NULL;
	ch->cfg = cfg;
	ch->state = IKE_CHILD_CREATING;
	for (p = &sa->children; *p != NULL; p = &(*p)->next)
		;
	*p = ch;
	return ch;
}

void
ike_child_sa_free(struct ike_sa *sa, struct ike_child_sa *ch)
{
	struct ike_child_sa **p;

	if (ch == NULL)
		return;
	if (sa->rekey != NULL) {	/* a rekey running may name it */
		if (sa->rekey->old == ch)
			sa->rekey->old = NULL;
		if (sa->rekey->child == ch)
			sa->rekey->child = NULL;
		if (sa->rekey->peer_child == ch)
			sa->rekey->peer_child = NULL;
	}
	for (p = &sa->children; *p != NULL; p = &(*p)->next)
		if (*p == ch) {
			*p = ch->next;
			break;
		}
	free(ch->ts);
	sodium_memzero(ch, sizeof(*ch));
	free(ch);
}

struct ike_child_sa *
ike_child_sa_by_in(const struct ike_sa *sa, uint32_t spi_in)
{
	struct ike_child_sa *ch;

	for (ch = sa->children; ch != NULL; ch = ch->next)
		if (ch->spi_in == spi_in)
			return ch;
	return NULL;
}

struct ike_child_sa *
ike_child_sa_by_out(const struct ike_sa *sa, uint32_t spi_out)
{
	struct ike_child_sa *ch;

	for (ch = sa->children; ch != NULL; ch = ch->next)
		if (ch->spi_out == spi_out)
			return ch;
	return NULL;
}
