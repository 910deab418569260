/*
 * ike/exchange_child.c — the SA and TS payloads of a CHILD_SA, as IKE_AUTH
 * (RFC 7296 §1.2) and CREATE_CHILD_SA (§1.3.1) carry them: ESP proposals,
 * traffic selectors with narrowing (§2.9); and for IKE_AUTH the virtual IP
 * of the configuration payload (§3.15).
 *
 *   ... [CP(CFG_REQUEST)], SAi2, TSi, TSr } -->
 *          <-- ... [CP(CFG_REPLY)], SAr2, TSi, TSr }
 */
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"
#include "ike/ts.h"

static uint32_t
new_spi(void)
{
	uint32_t spi = 0;

	/* SPIs 1..255 are reserved by IANA (RFC 4303 §2.1). */
	while (spi < 256)
		if (RAND_bytes((uint8_t *)&spi, sizeof(spi)) != 1)
			return 0;
	return spi;
}

/* Selectors of one side: configured ones, `dynamic` = dyn. */
static size_t
cfg_ts(const struct ike_ts_cfg *c, size_t n, const struct ike_prefix *dyn,
    struct ike_ts *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		ike_ts_from_cfg(&c[i], dyn, &out[i]);
	return n;
}

/* What a `dynamic` selector of ch stands for, ours in *lo and the peer's
 * in *re: the outer addresses, except for the virtual IP (RFC 7296
 * §2.19), the peer's when we leased it from a pool, ours when we got it
 * in a CFG_REPLY (a CCU in its concentrator's CHILD_SA rekey). */
static void
dynamic_prefixes(const struct ike_sa *sa, const struct ike_child_sa *ch,
    struct ike_prefix *lo, struct ike_prefix *re)
{
	ike_sockaddr_prefix(&sa->local, lo);
	ike_sockaddr_prefix(&sa->remote, re);
	if (ch->has_vip && sa->vip_leased)
		*re = ch->vip;
	else if (ch->has_vip)
		*lo = ch->vip;
}

static bool
add_ts(struct ike_out *o, uint8_t type, const struct ike_ts *ts, size_t n)
{
	struct ike_payload p = { .type = type };

	p.u.ts.ts = ts;
	p.u.ts.n_ts = n;
	return ike_out_add(o, &p);
}

/* CP(CFG_REQUEST) { INTERNAL_IP4_ADDRESS / INTERNAL_IP6_ADDRESS } */
static bool
add_cp_request(struct ike_out *o, const struct ike_conn_cfg *c)
{
	struct ike_cfg_attr attr[2];
	struct ike_payload p = { .type = IKEV2_PL_CP };
	size_t i;

	for (i = 0; i < c->n_vips && i < 2; i++) {
		attr[i].type = c->vips[i].family == AF_INET6 ?
		    IKEV2_CFG_INTERNAL_IP6_ADDRESS : IKEV2_CFG_INTERNAL_IP4_ADDRESS;
		attr[i].value.p = NULL;		/* any address (§3.15.1) */
		attr[i].value.len = 0;
	}
	p.u.cp.cfg_type = IKEV2_CFG_REQUEST;
	p.u.cp.attr = attr;
	p.u.cp.n_attr = i;
	return ike_out_add(o, &p);
}

/* set without its DH transforms: IKE_AUTH creates its CHILD_SA with the
 * IKE SA's keys, never a KE of its own (§1.2), as strongSwan strips them. */
static void
without_dh(const struct ike_proposal_set *set, struct ike_proposal_set *out)
{
	size_t i, j;

	*out = *set;
	for (i = 0; i < set->n; i++) {
		out->p[i].n_xf = 0;
		for (j = 0; j < set->p[i].n_xf; j++)
			if (set->p[i].xf[j].type != IKEV2_XF_DH)
				out->p[i].xf[out->p[i].n_xf++] = set->p[i].xf[j];
	}
}

/* The ESP proposals of ch as offered and accepted in this exchange. */
static void
esp_set(const struct ike_child_cfg *cfg, bool pfs, struct ike_proposal_set *out)
{
	if (pfs)
		*out = cfg->esp_proposals;
	else
		without_dh(&cfg->esp_proposals, out);
}

/* SA, then the extra payloads (Nonce, KE of CREATE_CHILD_SA), in order. */
static bool
add_sa_extra(struct ike_out *o, const struct ike_payload *sap,
    const struct ike_payload *extra, size_t n_extra)
{
	size_t i;

	if (!ike_out_add(o, sap))
		return false;
	for (i = 0; i < n_extra; i++)
		if (!ike_out_add(o, &extra[i]))
			return false;
	return true;
}

int
ike_child_propose(struct ike_sa *sa, struct ike_child_sa *ch,
    const struct ike_child_sa *old, bool pfs,
    const struct ike_payload *extra, size_t n_extra, struct ike_out *o)
{
	const struct ike_conn_cfg *c = sa->conn;
	struct ike_proposal_set set;
	struct ike_proposal view[IKE_PROPOSALS_MAX];
	struct ike_payload sap = { .type = IKEV2_PL_SA };
	struct ike_ts tsi[IKE_TS_MAX], tsr[IKE_TS_MAX];
	struct ike_prefix lo, re;
	size_t n_i, n_r, i;

	if ((ch->spi_in = new_spi()) == 0)
		return -1;
	if (old != NULL) {	/* §2.8: the same selectors as the old SA */
		n_i = old->n_local_ts;
		n_r = old->n_remote_ts;
		for (i = 0; i < n_i; i++)
			ike_ts_from_cfg(&old->ts[i], NULL, &tsi[i]);
		for (i = 0; i < n_r; i++)
			ike_ts_from_cfg(&old->ts[n_i + i], NULL, &tsr[i]);
	} else {
		dynamic_prefixes(sa, ch, &lo, &re);
		n_i = cfg_ts(ch->cfg->local_ts, ch->cfg->n_local_ts, &lo, tsi);
		if (c->n_vips > 0) {	/* our address is the pool's choice */
			ike_ts_any(c->vips[0].family, &tsi[0]);
			n_i = 1;
		}
		n_r = cfg_ts(ch->cfg->remote_ts, ch->cfg->n_remote_ts, &re,
		    tsr);
	}
	esp_set(ch->cfg, pfs, &set);
	sap.u.sa.prop = view;
	sap.u.sa.n_prop = ike_proposals_view(&set, IKEV2_SPI_SIZE_CHILD,
	    ch->spi_in, view);
	if (!add_sa_extra(o, &sap, extra, n_extra) ||
	    !add_ts(o, IKEV2_PL_TSI, tsi, n_i) ||
	    !add_ts(o, IKEV2_PL_TSR, tsr, n_r))
		return -1;
	return 0;
}

int
ike_child_add_request(struct ike_engine *e, struct ike_sa *sa,
    struct ike_out *o)
{
	const struct ike_conn_cfg *c = sa->conn;
	struct ike_child_sa *ch;

	(void)e;
	if (c->n_children == 0)
		return 0;	/* childless (RFC 6023 would say so first) */
	if ((ch = ike_child_sa_new(sa, &c->children[0])) == NULL)
		return -1;
	if (c->n_vips > 0 && !add_cp_request(o, c))
		return -1;
	return ike_child_propose(sa, ch, NULL, false, NULL, 0, o);
}

static bool
add_cp_reply(struct ike_out *o, const struct ike_prefix *vip)
{
	struct ike_payload p = { .type = IKEV2_PL_CP };
	struct ike_cfg_attr attr;
	uint8_t v6[17];

	if (vip->family == AF_INET6) {
		memcpy(v6, vip->addr, 16);
		v6[16] = 128;	/* prefix length (§3.15.1) */
		attr.type = IKEV2_CFG_INTERNAL_IP6_ADDRESS;
		attr.value = (struct ike_view){ v6, 17 };
	} else {
		attr.type = IKEV2_CFG_INTERNAL_IP4_ADDRESS;
		attr.value = (struct ike_view){ vip->addr, 4 };
	}
	p.u.cp.cfg_type = IKEV2_CFG_REPLY;
	p.u.cp.attr = &attr;
	p.u.cp.n_attr = 1;
	return ike_out_add(o, &p);
}

static bool
keep_ts(struct ike_child_sa *ch, const struct ike_ts *loc, size_t nl,
    const struct ike_ts *rem, size_t nr)
{
	struct ike_ts_cfg *ts = calloc(nl + nr ? nl + nr : 1, sizeof(*ts));
	size_t i;

	if (ts == NULL)
		return false;
	free(ch->ts);
	ch->ts = ts;
	ch->n_local_ts = (uint8_t)nl;
	ch->n_remote_ts = (uint8_t)nr;
	for (i = 0; i < nl; i++)
		ike_ts_to_cfg(&loc[i], &ts[i]);
	for (i = 0; i < nr; i++)
		ike_ts_to_cfg(&rem[i], &ts[nl + i]);
	return true;
}

uint16_t
ike_child_accept(struct ike_sa *sa, struct ike_child_sa *ch,
    const struct ike_msg *m, uint16_t ke_group,
    const struct ike_payload *extra, size_t n_extra, struct ike_out *o)
{
	const struct ike_payload *sap = ike_msg_next(m, IKEV2_PL_SA, NULL);
	const struct ike_payload *tsi = ike_msg_next(m, IKEV2_PL_TSI, NULL);
	const struct ike_payload *tsr = ike_msg_next(m, IKEV2_PL_TSR, NULL);
	const struct ike_child_cfg *cfg = ch->cfg;
	struct ike_ts our_i[IKE_TS_MAX], our_r[IKE_TS_MAX];
	struct ike_ts ni[IKE_TS_MAX], nr[IKE_TS_MAX];
	struct ike_transform xf[IKEV2_XF_TYPE_MAX];
	struct ike_payload sar = { .type = IKEV2_PL_SA };
	struct ike_proposal_set set;
	struct ike_proposal prop;
	struct ike_prefix lo, re;
	size_t n_i, n_r;
	char text[512];

	if (sap == NULL || tsi == NULL || tsr == NULL)
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	esp_set(cfg, ke_group != 0, &set);
	if (!ike_proposal_select(&set, sap->u.sa.prop, sap->u.sa.n_prop,
	    ke_group, &ch->chosen) ||
	    ch->chosen.spi_size != IKEV2_SPI_SIZE_CHILD) {
		log_err("%s[%llu]: NO_PROPOSAL_CHOSEN for CHILD_SA %s: %s",
		    ike_sa_name(sa), (unsigned long long)sa->id, cfg->name,
		    ike_proposal_mismatch(&set, sap->u.sa.prop,
		    sap->u.sa.n_prop, text, sizeof(text)));
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	}
	dynamic_prefixes(sa, ch, &lo, &re);
	n_i = ike_ts_narrow(tsi->u.ts.ts, tsi->u.ts.n_ts, our_i,
	    cfg_ts(cfg->remote_ts, cfg->n_remote_ts, &re, our_i), ni,
	    IKE_TS_MAX);
	n_r = ike_ts_narrow(tsr->u.ts.ts, tsr->u.ts.n_ts, our_r,
	    cfg_ts(cfg->local_ts, cfg->n_local_ts, &lo, our_r), nr, IKE_TS_MAX);
	if (n_i == 0 || n_r == 0) {
		log_err("%s[%llu]: TS_UNACCEPTABLE for CHILD_SA %s",
		    ike_sa_name(sa), (unsigned long long)sa->id, cfg->name);
		return IKEV2_N_TS_UNACCEPTABLE;
	}
	ch->spi_out = (uint32_t)ch->chosen.spi;
	if ((ch->spi_in = new_spi()) == 0)
		return IKEV2_N_TEMPORARY_FAILURE;
	ike_chosen_view(&ch->chosen, xf, &prop);
	prop.spi = ch->spi_in;		/* ours in the answer (§3.3.1) */
	sar.u.sa.prop = &prop;
	sar.u.sa.n_prop = 1;
	if (!keep_ts(ch, nr, n_r, ni, n_i) || !add_sa_extra(o, &sar, extra, n_extra) ||
	    !add_ts(o, IKEV2_PL_TSI, ni, n_i) || !add_ts(o, IKEV2_PL_TSR, nr, n_r))
		return IKEV2_N_TEMPORARY_FAILURE;
	return 0;
}

uint16_t
ike_child_respond(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m, struct ike_out *o)
{
	const struct ike_payload *cp = ike_msg_next(m, IKEV2_PL_CP, NULL);
	const struct ike_conn_cfg *c = sa->conn;
	struct ike_child_sa *ch;
	uint16_t err;

	if (ike_msg_next(m, IKEV2_PL_SA, NULL) == NULL)
		return 0;	/* childless */
	if (c->n_children == 0)
		return IKEV2_N_NO_PROPOSAL_CHOSEN;
	if (cp != NULL && cp->u.cp.cfg_type == IKEV2_CFG_REQUEST &&
	    c->n_pools > 0 && (err = ike_vip_lease(e, sa, cp)) != 0)
		return err;
	if ((ch = ike_child_sa_new(sa, ike_child_cfg_select(sa, m,
	    sa->vip_leased ? &sa->vip : NULL))) == NULL)
		return IKEV2_N_TEMPORARY_FAILURE;
	ch->has_vip = sa->vip_leased;
	ch->vip = sa->vip;
	if ((err = ike_child_accept(sa, ch, m, 0, NULL, 0, o)) == 0 &&
	    ch->has_vip && !add_cp_reply(o, &ch->vip))
		err = IKEV2_N_TEMPORARY_FAILURE;
	if (err != 0)
		ike_child_sa_free(sa, ch);
	return err;
}

static void
read_cp_reply(struct ike_child_sa *ch, const struct ike_payload *cp)
{
	struct ike_prefix *v = &ch->vip;
	size_t i;

	for (i = 0; cp != NULL && i < cp->u.cp.n_attr; i++) {
		const struct ike_cfg_attr *a = &cp->u.cp.attr[i];

		if (a->type == IKEV2_CFG_INTERNAL_IP4_ADDRESS && a->value.len == 4) {
			memset(v, 0, sizeof(*v));
			v->family = AF_INET;
			memcpy(v->addr, a->value.p, 4);
			v->plen = 32;
			ch->has_vip = true;
		} else if (a->type == IKEV2_CFG_INTERNAL_IP6_ADDRESS &&
		    a->value.len == 17) {
			memset(v, 0, sizeof(*v));
			v->family = AF_INET6;
			memcpy(v->addr, a->value.p, 16);
			v->plen = 128;
			ch->has_vip = true;
		}
	}
}

/* Initiator (§2.9): each selector of the answer must lie within one we
 * proposed (TSi: ours or, with a virtual IP, any; TSr: remote_ts). */
static bool
ts_within(const struct ike_sa *sa, const struct ike_child_sa *ch,
    const struct ike_payload *got, bool tsi)
{
	const struct ike_child_cfg *cfg = ch->cfg;
	struct ike_ts ours[IKE_TS_MAX], x;
	struct ike_prefix lo, re;
	size_t i, n;

	dynamic_prefixes(sa, ch, &lo, &re);
	if (tsi && sa->conn->n_vips > 0) {
		ike_ts_any(sa->conn->vips[0].family, &ours[0]);
		n = 1;
	} else {
		n = cfg_ts(tsi ? cfg->local_ts : cfg->remote_ts,
		    tsi ? cfg->n_local_ts : cfg->n_remote_ts, tsi ? &lo : &re,
		    ours);
	}
	for (i = 0; i < got->u.ts.n_ts; i++)
		if (ike_ts_narrow(&got->u.ts.ts[i], 1, ours, n, &x, 1) != 1 ||
		    memcmp(&x, &got->u.ts.ts[i], sizeof(x)) != 0)
			return false;
	return got->u.ts.n_ts > 0;
}

int
ike_child_check_answer(struct ike_sa *sa, struct ike_child_sa *ch,
    const struct ike_msg *m, bool pfs)
{
	const struct ike_payload *sap = ike_msg_next(m, IKEV2_PL_SA, NULL);
	const struct ike_payload *tsi = ike_msg_next(m, IKEV2_PL_TSI, NULL);
	const struct ike_payload *tsr = ike_msg_next(m, IKEV2_PL_TSR, NULL);
	struct ike_proposal_set set;
	const char *why = "no SA/TSi/TSr";

	esp_set(ch->cfg, pfs, &set);
	if (sap == NULL || tsi == NULL || tsr == NULL ||
	    !ike_proposal_check_reply(&set, sap->u.sa.prop, sap->u.sa.n_prop,
	    &ch->chosen, &why) || ch->chosen.spi_size != IKEV2_SPI_SIZE_CHILD) {
		log_err("%s[%llu]: CHILD_SA %s not created: %s", ike_sa_name(sa),
		    (unsigned long long)sa->id, ch->cfg->name, why);
		return -1;
	}
	if (!ts_within(sa, ch, tsi, true) || !ts_within(sa, ch, tsr, false)) {
		log_err("%s[%llu]: CHILD_SA %s not created: the responder's "
		    "selectors are not within ours (§2.9)", ike_sa_name(sa),
		    (unsigned long long)sa->id, ch->cfg->name);
		return -1;
	}
	ch->spi_out = (uint32_t)ch->chosen.spi;
	return keep_ts(ch, tsi->u.ts.ts,
	    tsi->u.ts.n_ts < IKE_TS_MAX ? tsi->u.ts.n_ts : IKE_TS_MAX,
	    tsr->u.ts.ts, tsr->u.ts.n_ts < IKE_TS_MAX ? tsr->u.ts.n_ts :
	    IKE_TS_MAX) ? 0 : -1;
}

int
ike_child_process_response(struct ike_engine *e, struct ike_sa *sa,
    const struct ike_msg *m)
{
	struct ike_child_sa *ch = sa->children;

	(void)e;
	if (ch == NULL)
		return -1;
	read_cp_reply(ch, ike_msg_next(m, IKEV2_PL_CP, NULL));
	if (ike_child_check_answer(sa, ch, m, false) != 0) {
		ike_child_sa_free(sa, ch);	/* the IKE SA stays without */
		return -1;
	}
	return 0;
}
