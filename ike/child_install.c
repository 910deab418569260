/*
 * ike/child_install.c — CHILD_SA keys (RFC 7296 §2.17) mapped onto the
 * ESP data plane: KEYMAT = prf+(SK_d, Ni | Nr) taken as initiator->responder
 * encryption and integrity keys, then responder->initiator ones.
 */
#include <sodium.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"

int
ike_esp_suite(uint16_t encr, uint16_t integ, enum esp_suite *out)
{
	if (encr == IKEV2_ENCR_AES_CBC && integ == IKEV2_AUTH_HMAC_SHA1_96)
		*out = ESP_SUITE_AES_CBC_HMAC_SHA1_96;
	else if (encr == IKEV2_ENCR_AES_CBC &&
	    integ == IKEV2_AUTH_HMAC_SHA2_256_128)
		*out = ESP_SUITE_AES_CBC_HMAC_SHA256_128;
	else if (encr == IKEV2_ENCR_AES_GCM_16 && integ == IKEV2_AUTH_NONE)
		*out = ESP_SUITE_AES_GCM_16;
	else if (encr == IKEV2_ENCR_CHACHA20_POLY1305 &&
	    integ == IKEV2_AUTH_NONE)
		*out = ESP_SUITE_CHACHA20_POLY1305;
	else
		return -1;
	return 0;
}

/* The data plane's suite for the chosen ESP transforms, or -1. */
static int
esp_suite_of(const struct ike_chosen *c, enum esp_suite *out)
{
	const struct ike_transform *e = ike_chosen_get(c, IKEV2_XF_ENCR);
	const struct ike_transform *i = ike_chosen_get(c, IKEV2_XF_INTEG);

	if (e == NULL)
		return -1;
	return ike_esp_suite(e->id, i != NULL ? i->id : IKEV2_AUTH_NONE, out);
}

static void
dir_config(struct esp_sa_config *d, uint32_t spi, enum esp_suite suite,
    bool esn, const struct ike_child_keys *k, bool initiator_to_responder,
    uint32_t replay_window)
{
	d->spi = spi;
	d->suite = suite;
	d->esn = esn;
	d->enc_key = initiator_to_responder ? k->encr_i : k->encr_r;
	d->enc_key_len = k->encr_len;
	d->auth_key = k->integ_len == 0 ? NULL :
	    initiator_to_responder ? k->integ_i : k->integ_r;
	d->auth_key_len = k->integ_len;
	d->replay_window = replay_window;
}

int
ike_child_install(struct ike_engine *e, struct ike_sa *sa,
    struct ike_child_sa *ch, const struct ike_kdf_input *in, bool initiator)
{
	struct ike_child_install c, *inst = &c;
	const struct ike_transform *esn = ike_chosen_get(&ch->chosen,
	    IKEV2_XF_ESN);
	struct ike_child_keys k;
	enum esp_suite suite;
	size_t encr_len, integ_len;
	bool use_esn = esn != NULL && esn->id == IKEV2_ESN_YES;
	int ret = -1;

	memset(&k, 0, sizeof(k));
	memset(&c, 0, sizeof(c));
	if (esp_suite_of(&ch->chosen, &suite) != 0) {
		log_err("%s[%llu]: ESP transforms without a data-plane suite",
		    ike_sa_name(sa), (unsigned long long)sa->id);
		return -1;
	}
	ike_chosen_key_lens(&ch->chosen, &encr_len, &integ_len);
	if (ike_child_keys_derive(&k, &sa->keys, encr_len, integ_len, in) != 0)
		goto out;
	inst->conn = ike_sa_name(sa);
	inst->child = ch->cfg->name;
	inst->ike_id = sa->id;
	ike_sockaddr_get(&sa->local, &inst->local);
	ike_sockaddr_get(&sa->remote, &inst->remote);
	inst->udp_encap = sa->natt;
	inst->nat_local = sa->nat_local;
	inst->n_local_ts = ch->n_local_ts;
	inst->n_remote_ts = ch->n_remote_ts;
	memcpy(inst->local_ts, ch->ts, ch->n_local_ts * sizeof(*ch->ts));
	memcpy(inst->remote_ts, ch->ts + ch->n_local_ts,
	    ch->n_remote_ts * sizeof(*ch->ts));
	inst->has_vip = ch->has_vip;
	inst->vip = ch->vip;
	/* Inbound is what the peer sends: i->r keys when we responded to
	 * the exchange that made it (§2.17). */
	dir_config(&inst->in, ch->spi_in, suite, use_esn, &k, !initiator,
	    ch->cfg->replay_window);
	dir_config(&inst->out, ch->spi_out, suite, use_esn, &k, initiator, 0);
	ch->out_deferred = ch->out_deferred && e->io.child_route != NULL;
	inst->outbound_later = ch->out_deferred;
	if (e->io.child_install != NULL &&
	    e->io.child_install(e->io.arg, inst) != 0)
		goto out;
	ch->installed = true;
	ch->state = IKE_CHILD_INSTALLED;
	ch->installed_ms = e->now_ms;
	log_info("%s[%llu]: CHILD_SA %s installed, SPIs %08x_i %08x_o%s",
	    ike_sa_name(sa), (unsigned long long)sa->id, inst->child,
	    ch->spi_in, ch->spi_out, inst->udp_encap ? ", ESP in UDP" : "");
	ret = 0;
out:
	/* The callee copied the keys; ours go. */
	ike_child_keys_wipe(&k);
	return ret;
}

void
ike_child_remove(struct ike_engine *e, struct ike_child_sa *ch)
{
	if (!ch->installed)
		return;
	ch->installed = false;
	if (e->io.child_remove != NULL)
		e->io.child_remove(e->io.arg, ch->spi_in, ch->spi_out);
}

bool
ike_child_route_pending(const struct ike_child_sa *ch)
{
	return ch->installed && ch->out_deferred && !ch->delete_due &&
	    ch->state != IKE_CHILD_DELETING;
}

void
ike_children_route(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_child_sa *ch;

	for (ch = sa->children; ch != NULL; ch = ch->next) {
		if (!ike_child_route_pending(ch))
			continue;
		ch->out_deferred = false;
		log_info("%s[%llu]: CHILD_SA %s %08x_i %08x_o takes outbound "
		    "traffic", ike_sa_name(sa), (unsigned long long)sa->id,
		    ch->cfg->name, ch->spi_in, ch->spi_out);
		e->io.child_route(e->io.arg, ch->spi_in, ch->spi_out);
	}
}

void
ike_children_remove(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_child_sa *ch;

	for (ch = sa->children; ch != NULL; ch = ch->next)
		ike_child_remove(e, ch);
}
