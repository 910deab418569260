/*
 * ike/payload_internal.h — the per-payload body codecs behind message.c.
 *
 * A parser gets the payload body (after the generic header) as a bounded
 * reader, fills p->u, and returns IKE_PARSE_OK or a failure recorded with
 * ike_msg_fail(). A builder appends the body for p->u to w and returns false
 * when it overflows or p->u holds a value the wire cannot carry.
 */
#ifndef UIPSEC_IKE_PAYLOAD_INTERNAL_H
#define UIPSEC_IKE_PAYLOAD_INTERNAL_H

#include "ike/message.h"

/* Records why parsing stopped (why: a static string) and returns st. */
enum ike_parse_status ike_msg_fail(struct ike_msg *m, enum ike_parse_status st,
	    const char *why);

/* Reads the rest of r as a view. */
void	 ike_view_rest(struct buf_reader *r, struct ike_view *v);

#define IKE_PAYLOAD_CODEC(name)						\
	enum ike_parse_status ike_pl_##name##_parse(struct ike_msg *m,	\
	    struct ike_payload *p, struct buf_reader *r);		\
	bool ike_pl_##name##_build(struct buf_writer *w,		\
	    const struct ike_payload *p)

IKE_PAYLOAD_CODEC(sa);		/* payload_sa.c */
IKE_PAYLOAD_CODEC(ke);		/* payload_ke.c */
IKE_PAYLOAD_CODEC(nonce);	/* payload_ke.c */
IKE_PAYLOAD_CODEC(id);		/* payload_id.c: IDi, IDr */
IKE_PAYLOAD_CODEC(auth);	/* payload_id.c */
IKE_PAYLOAD_CODEC(eap);		/* payload_id.c */
IKE_PAYLOAD_CODEC(cert);	/* payload_cert.c: CERT */
IKE_PAYLOAD_CODEC(certreq);	/* payload_cert.c */
IKE_PAYLOAD_CODEC(notify);	/* payload_notify.c */
IKE_PAYLOAD_CODEC(delete);	/* payload_notify.c */
IKE_PAYLOAD_CODEC(vendor);	/* payload_notify.c */
IKE_PAYLOAD_CODEC(ts);		/* payload_ts.c: TSi, TSr */
IKE_PAYLOAD_CODEC(cp);		/* payload_cp.c */
IKE_PAYLOAD_CODEC(sk);		/* payload_sk.c */
IKE_PAYLOAD_CODEC(skf);		/* payload_sk.c */

#endif
