/*
 * ike/dh.c — the group table and the interface of dh.h.
 */
#include "ike/dh.h"

#include <sodium.h>
#include <stdlib.h>

#include "ike/dh_internal.h"

static const struct dh_group *const groups[] = {
	&ike_dh_modp2048, &ike_dh_ecp256, &ike_dh_x25519,
};

static const struct dh_group *
group_find(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i]->id == id)
			return groups[i];
	return NULL;
}

const char *
ike_dh_status_str(enum ike_dh_status st)
{
	switch (st) {
	case IKE_DH_OK:			return "ok";
	case IKE_DH_UNSUPPORTED:	return "unsupported group";
	case IKE_DH_BAD_LENGTH:		return "public value has the wrong length";
	case IKE_DH_BAD_VALUE:		return "invalid public value";
	case IKE_DH_CRYPTO:		return "crypto library failure";
	}
	return "?";
}

size_t
ike_dh_public_len(uint16_t group)
{
	const struct dh_group *g = group_find(group);

	return g ? g->pub_len : 0;
}

enum ike_dh_status
ike_dh_new_private(struct ike_dh **out, uint16_t group, const uint8_t *priv,
    size_t len)
{
	const struct dh_group *g = group_find(group);
	enum ike_dh_status st;
	struct ike_dh *dh;

	*out = NULL;
	if (g == NULL)
		return IKE_DH_UNSUPPORTED;
	if (sodium_init() < 0 || (dh = calloc(1, sizeof(*dh))) == NULL)
		return IKE_DH_CRYPTO;
	dh->g = g;
	if ((st = g->keygen(dh, priv, len)) != IKE_DH_OK) {
		ike_dh_free(dh);
		return st;
	}
	*out = dh;
	return IKE_DH_OK;
}

enum ike_dh_status
ike_dh_new(struct ike_dh **out, uint16_t group)
{
	return ike_dh_new_private(out, group, NULL, 0);
}

void
ike_dh_free(struct ike_dh *dh)
{
	if (dh == NULL)
		return;
	dh->g->clear(dh);
	sodium_memzero(dh, sizeof(*dh));
	free(dh);
}

uint16_t
ike_dh_group(const struct ike_dh *dh)
{
	return dh->g->id;
}

struct ike_view
ike_dh_public(const struct ike_dh *dh)
{
	struct ike_view v = { dh->pub, dh->g->pub_len };

	return v;
}

enum ike_dh_status
ike_dh_shared(const struct ike_dh *dh, const uint8_t *peer, size_t len,
    struct ike_dh_secret *out)
{
	enum ike_dh_status st;

	ike_dh_secret_wipe(out);
	if (len != dh->g->pub_len)
		return IKE_DH_BAD_LENGTH;
	if ((st = dh->g->derive(dh, peer, out->b)) != IKE_DH_OK) {
		ike_dh_secret_wipe(out);
		return st;
	}
	out->len = dh->g->secret_len;
	return IKE_DH_OK;
}

void
ike_dh_secret_wipe(struct ike_dh_secret *s)
{
	sodium_memzero(s, sizeof(*s));
}
