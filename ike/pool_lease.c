/*
 * ike/pool_lease.c — the responder's virtual IP for an IKE SA (RFC 7296
 * §3.15.1): the family the peer asks for in CP(CFG_REQUEST), leased from
 * the connection's pools for the peer's identity (pool.h), released when
 * the SA closes. Exhaustion refuses the CHILD_SA with
 * INTERNAL_ADDRESS_FAILURE (§3.10.1) and one log line.
 */
#include <stdio.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/pool.h"

/* The address families the request asks for, in its order (§3.15.1: an
 * empty INTERNAL_IP4/6_ADDRESS asks for any address of that family). */
static size_t
wanted(const struct ike_payload *cp, int fam[2])
{
	size_t i, n = 0;

	for (i = 0; i < cp->u.cp.n_attr && n < 2; i++) {
		int f = cp->u.cp.attr[i].type == IKEV2_CFG_INTERNAL_IP4_ADDRESS ?
		    AF_INET : cp->u.cp.attr[i].type ==
		    IKEV2_CFG_INTERNAL_IP6_ADDRESS ? AF_INET6 : 0;

		if (f != 0 && (n == 0 || fam[0] != f))
			fam[n++] = f;
	}
	return n;
}

uint16_t
ike_vip_lease(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_payload *cp)
{
	enum ike_pool_result r = IKE_POOL_NONE;
	char names[IKE_POOLS_MAX * (IKE_NAME_MAX + 2)];
	struct certs_id id;
	int fam[2];
	size_t i, len, n = wanted(cp, fam);

	if (sa->vip_leased)
		return 0;
	ike_sa_peer_id(sa, &id);	/* read at IKE_AUTH, before the CP */
	for (i = 0; i < n; i++) {
		r = ike_pool_lease(e->pools, sa->conn, fam[i], &id, e->now_ms,
		    &sa->vip);
		if (r == IKE_POOL_OK) {
			sa->vip_leased = true;
			return 0;
		}
		if (r == IKE_POOL_NOMEM)
			break;
	}
	if (n == 0)
		return 0;	/* no address asked for: none given */
	for (i = 0, len = 0; i < sa->conn->n_pools && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len,
		    "%s%s", i ? ", " : "", sa->conn->pools[i]);
	log_err("%s[%llu]: INTERNAL_ADDRESS_FAILURE for peer %s: %s (pools "
	    "%s)", ike_sa_name(sa), (unsigned long long)sa->id,
	    ike_sa_peer_text(sa), ike_pool_result_str(r), names);
	return IKEV2_N_INTERNAL_ADDRESS_FAILURE;
}

void
ike_vip_release(struct ike_engine *e, struct ike_sa *sa)
{
	if (!sa->vip_leased)
		return;
	ike_pool_release(e->pools, &sa->vip, e->now_ms);
	sa->vip_leased = false;
}

bool
ike_engine_pool_stats(const struct ike_engine *e, const char *name,
    uint64_t *size, uint64_t *online, uint64_t *offline)
{
	struct ike_pool_stats st;

	if (!ike_pool_stats(e->pools, name, &st))
		return false;
	*size = st.size;
	*online = st.online;
	*offline = st.offline;
	return true;
}
