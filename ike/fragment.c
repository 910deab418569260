/*
 * ike/fragment.c — receiving IKE fragments (RFC 7383 §2.6): every SKF{}
 * is authenticated and decrypted on its own before its bytes are kept;
 * once all Total Fragments are there, their plaintext, in order, is the
 * inner payload chain of the whole message. Memory is bounded
 * (IKE_FRAG_MAX fragments, IKE_FRAG_BYTES_MAX bytes) and an incomplete
 * message is dropped after IKE_FRAG_TIMEOUT_MS (engine.c's timer).
 * Sending fragments is engine_msg.c's.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"
#include "ike/ikev2_wire.h"

static enum ike_frag_result
frag_drop(struct ike_sa *sa, const struct ike_msg *m, const char *why,
    unsigned num, unsigned total)
{
	log_info("%s[%llu]: fragment %u/%u of message %u dropped: %s",
	    ike_sa_name(sa), (unsigned long long)sa->id, num, total,
	    m->hdr.msg_id, why);
	return IKE_FRAG_DROPPED;
}

enum ike_frag_result
ike_frag_input(struct ike_engine *e, struct ike_sa *sa, struct ike_msg *m,
    const struct ike_sk_keys *k, enum ike_parse_status *pst)
{
	struct ike_frag_rx *f;
	const struct ike_payload *skf = NULL;
	bool response = (m->hdr.flags & IKEV2_FLAG_RESPONSE) != 0;
	enum ike_sk_status st;
	unsigned num, total, i;
	size_t len, off;

	if (e->frag_size == 0 || !sa->peer_frag)
		return frag_drop(sa, m, "fragmentation not negotiated", 0, 0);
	/* §2.6: authenticate before anything of it is kept. */
	st = ike_skf_decrypt(m, &sa->suite, k, e->rx_plain, IKE_MSG_MAX, &len,
	    &skf);
	num = skf != NULL ? skf->u.sk.frag_num : 0;
	total = skf != NULL ? skf->u.sk.frag_total : 0;
	if (st != IKE_SK_OK)
		return frag_drop(sa, m, ike_sk_status_str(st), num, total);
	if (total > IKE_FRAG_MAX)
		return frag_drop(sa, m, "too many fragments", num, total);
	if ((f = sa->frag_rx) != NULL && (f->msg_id != m->hdr.msg_id ||
	    f->response != response || total > f->total)) {
		ike_frag_rx_free(sa);	/* §2.6: a newer set replaces it */
		f = NULL;
	}
	if (f != NULL && total < f->total)
		return frag_drop(sa, m, "fewer fragments than before", num,
		    total);
	if (f != NULL && f->plain[num - 1] != NULL)
		return frag_drop(sa, m, "duplicate", num, total);
	if (f != NULL && f->bytes + len > IKE_FRAG_BYTES_MAX) {
		ike_frag_rx_free(sa);
		return frag_drop(sa, m, "message too large", num, total);
	}
	if (f == NULL) {
		if ((f = calloc(1, sizeof(*f))) == NULL)
			return frag_drop(sa, m, "out of memory", num, total);
		sa->frag_rx = f;
		f->response = response;
		f->msg_id = m->hdr.msg_id;
		f->total = (uint16_t)total;
		f->started_ms = e->now_ms;
	}
	if ((f->plain[num - 1] = malloc(len ? len : 1)) == NULL) {
		ike_frag_rx_free(sa);
		return frag_drop(sa, m, "out of memory", num, total);
	}
	memcpy(f->plain[num - 1], e->rx_plain, len);
	sodium_memzero(e->rx_plain, len);
	f->len[num - 1] = (uint16_t)len;
	f->bytes += len;
	f->have++;
	if (num == 1)
		f->first = skf->u.sk.first_inner;
	log_info("%s[%llu]: received fragment %u/%u of message %u (%zu bytes)",
	    ike_sa_name(sa), (unsigned long long)sa->id, num, total,
	    m->hdr.msg_id, m->raw.len);
	if (f->have < f->total)
		return IKE_FRAG_PENDING;
	for (i = 0, off = 0; i < f->total; i++) {
		memcpy(e->rx_plain + off, f->plain[i], f->len[i]);
		off += f->len[i];
	}
	*pst = ike_msg_parse_inner(m, f->first, e->rx_plain, off);
	ike_frag_rx_free(sa);
	return *pst == IKE_PARSE_OK ? IKE_FRAG_DONE : IKE_FRAG_DROPPED;
}

void
ike_frag_tick(struct ike_engine *e, struct ike_sa *sa)
{
	const struct ike_frag_rx *f = sa->frag_rx;

	if (f == NULL || e->now_ms < f->started_ms + IKE_FRAG_TIMEOUT_MS)
		return;
	log_info("%s[%llu]: message %u: %u of %u fragments after %u s, "
	    "dropped", ike_sa_name(sa), (unsigned long long)sa->id,
	    f->msg_id, f->have, f->total, IKE_FRAG_TIMEOUT_MS / 1000);
	ike_frag_rx_free(sa);
}
