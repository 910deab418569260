/*
 * ike/unique.c — what happens to a peer's older IKE SAs when it
 * authenticates again (swanctl.conf `unique`, RFC 7296 §2.4
 * INITIAL_CONTACT), for the pair of identities (ours and the peer's):
 *
 *   never    nothing, even with INITIAL_CONTACT
 *   no       (default) the older SAs are deleted if the new IKE_AUTH
 *            carries INITIAL_CONTACT (the peer lost its state: §2.4 lets
 *            us delete them without waiting for timeouts; no Delete sent)
 *   replace  the older SAs are deleted (a Delete is sent to each, not
 *            waited for) before the new one is set up
 *   keep     the new SA is refused with AUTHENTICATION_FAILED while an
 *            older one is ESTABLISHED (as strongSwan does)
 *
 * Older SAs are found through the peer-identity index (sa_index.h), so
 * the check costs the same with 10 or 10,000 tunnels. Deleting them first
 * releases their virtual IP, which the new SA then gets back (pool.h).
 */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"

static bool
same_local_id(const struct ike_engine *e, const struct ike_sa *a,
    const struct ike_sa *b)
{
	const struct certs_id *x = &e->creds[a->conn - e->cfg->conns].id;
	const struct certs_id *y = &e->creds[b->conn - e->cfg->conns].id;

	return x->type == y->type && x->len == y->len &&
	    memcmp(x->data, y->data, x->len) == 0;
}

bool
ike_unique_check(struct ike_engine *e, struct ike_sa *sa,
    bool initial_contact)
{
	enum ike_unique u = sa->conn->unique;
	struct ike_sa *old, *next;
	struct certs_id id;
	char why[160];

	if (u == IKE_UNIQUE_NEVER || (u == IKE_UNIQUE_NO && !initial_contact) ||
	    !ike_sa_peer_id(sa, &id))
		return true;
	for (old = ike_peer_index_next(&e->peers, &id, NULL);
	    old != NULL; old = next) {
		next = ike_peer_index_next(&e->peers, &id, old);
		if (old == sa || old->state == IKE_STATE_CLOSED ||
		    !same_local_id(e, old, sa))
			continue;
		ike_timers_touch(e, old);
		if (u == IKE_UNIQUE_KEEP) {
			if (old->state != IKE_STATE_ESTABLISHED)
				continue;
			log_info("%s[%llu]: peer %s refused: IKE SA %llu of "
			    "the same identities exists (unique = keep)",
			    ike_sa_name(sa), (unsigned long long)sa->id,
			    ike_sa_peer_text(sa), (unsigned long long)old->id);
			return false;
		}
		snprintf(why, sizeof(why), "replaced by IKE SA %llu (%s)",
		    (unsigned long long)sa->id, u == IKE_UNIQUE_REPLACE ?
		    "unique = replace" : "INITIAL_CONTACT");
		log_info("%s[%llu]: peer %s: %s", ike_sa_name(old),
		    (unsigned long long)old->id, ike_sa_peer_text(old), why);
		if (u == IKE_UNIQUE_REPLACE && old->state == IKE_STATE_ESTABLISHED)
			ike_info_delete(e, old);	/* INFORMATIONAL { D } */
		ike_sa_close(e, old, IKE_SA_EVENT_DOWN, why);
	}
	return true;
}
