/*
 * ike/exchange_info.c — INFORMATIONAL (RFC 7296 §1.4, §1.5): Delete of the
 * IKE SA or of a CHILD_SA, error notifies, and the empty request that
 * checks liveness (§2.4).
 *
 *   SK { [D(IKE) | D(ESP, SPIs)] [N(error)] } -->
 *                  <-- SK { [D(ESP, our SPIs)] }
 */
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/names.h"

/* SPIs answered in one Delete(ESP): a peer deletes the few CHILD_SAs of
 * one IKE SA; more than this are deleted but not listed back. */
#define IKE_DELETE_SPIS_MAX	16

static int
send_request(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_payload *p)
{
	struct ike_out *o = &e->tx;

	ike_out_begin(o, sa, IKEV2_EXCH_INFORMATIONAL, false, 0);
	if (p != NULL && !ike_out_add(o, p))
		return -1;
	return ike_out_send(e, sa, o) < 0 ? -1 : 0;
}

/* INFORMATIONAL { D(IKE) } --> */
int
ike_info_delete(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_payload d = { .type = IKEV2_PL_DELETE };

	d.u.del.protocol = IKEV2_PROTO_IKE;
	if (sa->req.active || send_request(e, sa, &d) != 0)
		return -1;	/* one exchange at a time (window 1, §2.3) */
	if (!ike_sa_set_state(sa, IKE_STATE_DELETING))
		return -1;
	ike_established_sync(e, sa);	/* not up for INITIAL_CONTACT */
	return 0;
}

/* INFORMATIONAL { D(ESP, SPI) } --> */
int
ike_info_delete_child(struct ike_engine *e, struct ike_sa *sa,
    struct ike_child_sa *ch)
{
	struct ike_payload d = { .type = IKEV2_PL_DELETE };
	uint8_t spi[4];

	buf_store_u32(spi, ch->spi_in);
	d.u.del = (struct ike_pl_delete){ .protocol = IKEV2_PROTO_ESP,
	    .spi_size = 4, .n_spi = 1, .spis = { spi, 4 } };
	if (sa->req.active || sa->state != IKE_STATE_ESTABLISHED ||
	    send_request(e, sa, &d) != 0)
		return -1;	/* delete_due: lifetime.c sends it later */
	ch->delete_due = false;
	ch->state = IKE_CHILD_DELETING;
	return 0;
}

/* Our Delete of CHILD_SAs was answered: their inbound SAs go now. */
static void
deleted_children(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_child_sa *ch, *next;

	for (ch = sa->children; ch != NULL; ch = next) {
		next = ch->next;
		if (ch->state != IKE_CHILD_DELETING)
			continue;
		log_info("%s[%llu]: CHILD_SA %s %08x_i %08x_o deleted",
		    ike_sa_name(sa), (unsigned long long)sa->id, ch->cfg->name,
		    ch->spi_in, ch->spi_out);
		ike_child_remove(e, ch);
		ike_child_sa_free(sa, ch);
	}
}

/* INFORMATIONAL { } --> */
int
ike_info_liveness(struct ike_engine *e, struct ike_sa *sa)
{
	return sa->req.active ? -1 : send_request(e, sa, NULL);
}

/* INFORMATIONAL { N(type) } --> */
int
ike_info_notify(struct ike_engine *e, struct ike_sa *sa, uint16_t type)
{
	struct ike_payload n = { .type = IKEV2_PL_NOTIFY };

	n.u.notify.type = type;
	ike_sa_request_done(sa);
	return send_request(e, sa, &n);
}

/* §1.4.1: a Delete(ESP) lists the SPIs the peer receives on, our
 * outbound ones; each CHILD_SA found goes, and our inbound SPI of the pair
 * goes into the answer (`spis`, room for IKE_DELETE_SPIS_MAX). */
static size_t
delete_children(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_pl_delete *d, uint8_t *spis, size_t n)
{
	struct ike_child_sa *ch;
	size_t i;

	if (d->protocol != IKEV2_PROTO_ESP || d->spi_size != 4)
		return n;
	for (i = 0; i + 4 <= d->spis.len; i += 4) {
		const uint8_t *p = d->spis.p + i;
		uint32_t spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];

		if ((ch = ike_child_sa_by_out(sa, spi)) == NULL)
			continue;
		if (n < IKE_DELETE_SPIS_MAX) {
			buf_store_u32(spis + 4 * n, ch->spi_in);
			n++;
		}
		log_info("%s[%llu]: CHILD_SA %s %08x_i %08x_o deleted by peer",
		    ike_sa_name(sa), (unsigned long long)sa->id, ch->cfg->name,
		    ch->spi_in, ch->spi_out);
		ike_child_remove(e, ch);
		ike_child_sa_free(sa, ch);
	}
	return n;
}

void
ike_info_respond(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	struct ike_out *o = &e->tx;
	const struct ike_payload *d = NULL, *n;
	struct ike_payload our = { .type = IKEV2_PL_DELETE };
	uint8_t spis[4 * IKE_DELETE_SPIS_MAX];
	size_t n_spi = 0;
	bool delete_ike = false;
	const char *name;

	ike_out_begin(o, sa, IKEV2_EXCH_INFORMATIONAL, true, m->hdr.msg_id);
	while ((d = ike_msg_next(m, IKEV2_PL_DELETE, d)) != NULL) {
		if (d->u.del.protocol == IKEV2_PROTO_IKE)
			delete_ike = true;
		else
			n_spi = delete_children(e, sa, &d->u.del, spis, n_spi);
	}
	ike_children_route(e, sa);
	if (n_spi > 0 && !delete_ike) {
		our.u.del = (struct ike_pl_delete){ .protocol = IKEV2_PROTO_ESP,
		    .spi_size = 4, .n_spi = (uint16_t)n_spi,
		    .spis = { spis, 4 * n_spi } };
		ike_out_add(o, &our);
	}
	ike_out_send(e, sa, o);
	n = ike_msg_notify(m, IKEV2_N_AUTHENTICATION_FAILED);
	if (n != NULL) {
		name = ike_notify_name(n->u.notify.type);
		ike_sa_fail(e, sa, "%s: the peer refused our authentication",
		    name);
	} else if (delete_ike) {
		ike_rekey_ike_peer_deletes(e, sa);
		if (ike_rekey_ike_collision_sa(e, sa)) {
			/* §2.8.2: the peer lost the collision and deletes
			 * its redundant SA before our own answer is in (it
			 * was lost or is late); the old SA carries on. */
			log_info("%s[%llu]: IKE SA the peer made in a rekey "
			    "collision deleted by peer (§2.8.2)",
			    ike_sa_name(sa), (unsigned long long)sa->id);
			sa->replaced = true;
		} else
			log_info("%s[%llu]: IKE SA deleted by peer",
			    ike_sa_name(sa), (unsigned long long)sa->id);
		ike_sa_close(e, sa, IKE_SA_EVENT_DOWN, "deleted by peer");
	}
}

void
ike_info_process_response(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	(void)m;
	ike_sa_request_done(sa);
	deleted_children(e, sa);
	if (sa->state == IKE_STATE_DELETING) {
		log_info("%s[%llu]: IKE SA deleted", ike_sa_name(sa),
		    (unsigned long long)sa->id);
		ike_sa_close(e, sa, IKE_SA_EVENT_DOWN, "deleted");
	}
}
