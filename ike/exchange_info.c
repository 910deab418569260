/*
 * ike/exchange_info.c — INFORMATIONAL (RFC 7296 §1.4, §1.5): Delete of the
 * IKE SA or of a CHILD_SA, error notifies, and the empty request that
 * checks liveness (§2.4).
 *
 *   SK { [D(IKE) | D(ESP, SPIs)] [N(error)] } -->
 *                  <-- SK { [D(ESP, our SPIs)] }
 */
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/names.h"

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
	return ike_sa_set_state(sa, IKE_STATE_DELETING) ? 0 : -1;
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

/* Does a Delete(ESP) list the peer's inbound SPI of our CHILD_SA? */
static bool
deletes_child(const struct ike_sa *sa, const struct ike_pl_delete *d)
{
	size_t i;

	if (d->protocol != IKEV2_PROTO_ESP || d->spi_size != 4)
		return false;
	for (i = 0; i + 4 <= d->spis.len; i += 4) {
		const uint8_t *p = d->spis.p + i;
		uint32_t spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];

		if (sa->child.installed && spi == sa->child.spi_out)
			return true;
	}
	return false;
}

void
ike_info_respond(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	struct ike_out *o = &e->tx;
	const struct ike_payload *d = NULL, *n;
	struct ike_payload our = { .type = IKEV2_PL_DELETE };
	uint8_t spi[4];
	bool delete_ike = false;
	const char *name;

	ike_out_begin(o, sa, IKEV2_EXCH_INFORMATIONAL, true, m->hdr.msg_id);
	while ((d = ike_msg_next(m, IKEV2_PL_DELETE, d)) != NULL) {
		if (d->u.del.protocol == IKEV2_PROTO_IKE)
			delete_ike = true;
		else if (deletes_child(sa, &d->u.del)) {
			/* §1.4.1: answer with our inbound SPI of the pair. */
			spi[0] = (uint8_t)(sa->child.spi_in >> 24);
			spi[1] = (uint8_t)(sa->child.spi_in >> 16);
			spi[2] = (uint8_t)(sa->child.spi_in >> 8);
			spi[3] = (uint8_t)sa->child.spi_in;
			our.u.del = (struct ike_pl_delete){ .protocol =
			    IKEV2_PROTO_ESP, .spi_size = 4, .n_spi = 1,
			    .spis = { spi, 4 } };
			ike_out_add(o, &our);
			ike_child_remove(e, sa);
			log_info("%s[%llu]: CHILD_SA deleted by peer",
			    ike_sa_name(sa), (unsigned long long)sa->id);
		}
	}
	ike_out_send(e, sa, o);
	n = ike_msg_notify(m, IKEV2_N_AUTHENTICATION_FAILED);
	if (n != NULL) {
		name = ike_notify_name(n->u.notify.type);
		ike_sa_fail(e, sa, "%s: the peer refused our authentication",
		    name);
	} else if (delete_ike) {
		log_info("%s[%llu]: IKE SA deleted by peer", ike_sa_name(sa),
		    (unsigned long long)sa->id);
		ike_sa_close(e, sa, IKE_SA_EVENT_DOWN, "deleted by peer");
	}
}

void
ike_info_process_response(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	(void)m;
	ike_sa_request_done(sa);
	if (sa->state == IKE_STATE_DELETING) {
		log_info("%s[%llu]: IKE SA deleted", ike_sa_name(sa),
		    (unsigned long long)sa->id);
		ike_sa_close(e, sa, IKE_SA_EVENT_DOWN, "deleted");
	}
}
