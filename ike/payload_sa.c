/*
 * ike/payload_sa.c — the Security Association payload (RFC 7296 §3.3):
 * proposals, transforms and transform attributes.
 *
 * Proposal substructure (§3.3.1):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |         Proposal Length       |
 * | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 * ~                        SPI (variable)                         ~
 * ~                        <Transforms>                           ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Transform substructure (§3.3.2):
 * | Last Substruc |   RESERVED    |        Transform Length       |
 * |Transform Type |   RESERVED    |          Transform ID         |
 * ~                      Transform Attributes                     ~
 * Data attribute (§3.3.5): AF=1 is TV (type, 2-byte value), AF=0 is TLV.
 * |A|       Attribute Type        |    AF=0  Attribute Length     |
 * |                               |    AF=1  Attribute Value      |
 */
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

/* Attributes of one transform: only Key Length (TV) is defined for IKEv2;
 * anything else makes the transform unusable but not the message invalid
 * (§3.3.6: the responder rejects that transform). */
static enum ike_parse_status
parse_attributes(struct ike_msg *m, struct buf_reader *r,
    struct ike_transform *t)
{
	uint16_t type, val;

	while (buf_remaining(r) > 0) {
		if (!buf_get_u16(r, &type) || !buf_get_u16(r, &val))
			return ike_msg_fail(m, IKE_PARSE_MALFORMED,
			    "truncated transform attribute");
		if (!(type & IKEV2_ATTR_AF)) {
			if (!buf_skip(r, val))
				return ike_msg_fail(m, IKE_PARSE_MALFORMED,
				    "attribute length outside the transform");
			t->unknown_attr = true;
		} else if ((type & IKEV2_ATTR_TYPE_MASK) ==
		    IKEV2_ATTR_KEY_LENGTH && t->key_bits == 0 && val != 0) {
			t->key_bits = val;
		} else {
			t->unknown_attr = true;
		}
	}
	return IKE_PARSE_OK;
}

static enum ike_parse_status
parse_transform(struct ike_msg *m, struct buf_reader *r, bool last)
{
	struct ike_transform *t;
	struct buf_reader body;
	uint8_t more;
	uint16_t len;

	if (m->n_xf == IKE_MSG_MAX_TRANSFORMS)
		return ike_msg_fail(m, IKE_PARSE_TOO_MANY, "too many transforms");
	t = &m->xf[m->n_xf];
	memset(t, 0, sizeof(*t));
	if (!buf_get_u8(r, &more) || !buf_skip(r, 1) || !buf_get_u16(r, &len))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "truncated transform header");
	if (len < IKEV2_TRANSFORM_HDR_LEN || !buf_sub(r, len - 4, &body))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "Transform Length outside the proposal");
	if (more != (last ? IKEV2_TRANSFORM_LAST : IKEV2_TRANSFORM_MORE))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "Last Substruc disagrees with Num Transforms");
	/* 4 bytes are there: len >= 8 */
	buf_get_u8(&body, &t->type);
	buf_skip(&body, 1);
	buf_get_u16(&body, &t->id);
	m->n_xf++;
	return parse_attributes(m, &body, t);
}

static enum ike_parse_status
parse_proposal(struct ike_msg *m, struct buf_reader *r, uint8_t *num)
{
	struct ike_proposal *pr;
	enum ike_parse_status st;
	uint8_t n_xf, i;
	uint32_t spi4;

	if (m->n_prop == IKE_MSG_MAX_PROPOSALS)
		return ike_msg_fail(m, IKE_PARSE_TOO_MANY, "too many proposals");
	pr = &m->prop[m->n_prop];
	memset(pr, 0, sizeof(*pr));
	if (!buf_get_u8(r, &pr->num) || !buf_get_u8(r, &pr->protocol) ||
	    !buf_get_u8(r, &pr->spi_size) || !buf_get_u8(r, &n_xf))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "truncated proposal header");
	/* The first proposal may carry any number in a response (the one
	 * accepted, §3.3.1); after it, each is one more than the last. */
	if (pr->num == 0 || (*num != 0 && pr->num != (uint8_t)(*num + 1)))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "proposal numbers do not count up by one");
	*num = pr->num;
	if (pr->spi_size == IKEV2_SPI_SIZE_CHILD) {
		if (!buf_get_u32(r, &spi4))
			return ike_msg_fail(m, IKE_PARSE_MALFORMED,
			    "truncated proposal SPI");
		pr->spi = spi4;
	} else if (pr->spi_size == IKEV2_SPI_SIZE_IKE) {
		if (!buf_get_u64(r, &pr->spi))
			return ike_msg_fail(m, IKE_PARSE_MALFORMED,
			    "truncated proposal SPI");
	} else if (pr->spi_size != 0) {
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "proposal SPI Size is not 0, 4 or 8");
	}
	if (n_xf == 0)
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "proposal without transforms");
	pr->xf = &m->xf[m->n_xf];
	for (i = 0; i < n_xf; i++)
		if ((st = parse_transform(m, r, i + 1 == n_xf)) != IKE_PARSE_OK)
			return st;
	if (buf_remaining(r) != 0)
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "bytes after the last transform of a proposal");
	pr->n_xf = n_xf;
	m->n_prop++;
	return IKE_PARSE_OK;
}

enum ike_parse_status
ike_pl_sa_parse(struct ike_msg *m, struct ike_payload *p, struct buf_reader *r)
{
	struct buf_reader body;
	enum ike_parse_status st;
	uint8_t more = IKEV2_PROPOSAL_MORE, num = 0;
	uint16_t len;

	p->u.sa.prop = &m->prop[m->n_prop];
	while (more == IKEV2_PROPOSAL_MORE) {
		if (!buf_get_u8(r, &more) || !buf_skip(r, 1) ||
		    !buf_get_u16(r, &len))
			return ike_msg_fail(m, IKE_PARSE_MALFORMED,
			    "truncated proposal");
		if (len < IKEV2_PROPOSAL_HDR_LEN || !buf_sub(r, len - 4, &body))
			return ike_msg_fail(m, IKE_PARSE_MALFORMED,
			    "Proposal Length outside the SA payload");
		if (more != IKEV2_PROPOSAL_MORE && more != IKEV2_PROPOSAL_LAST)
			return ike_msg_fail(m, IKE_PARSE_SYNTAX,
			    "proposal Last Substruc is not 0 or 2");
		if ((st = parse_proposal(m, &body, &num)) != IKE_PARSE_OK)
			return st;
		p->u.sa.n_prop++;
	}
	if (buf_remaining(r) != 0)
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "bytes after the last proposal");
	return IKE_PARSE_OK;
}

static bool
build_transform(struct buf_writer *w, const struct ike_transform *t,
    bool last)
{
	size_t start = w->len;
	uint8_t *len_at;

	buf_put_u8(w, last ? IKEV2_TRANSFORM_LAST : IKEV2_TRANSFORM_MORE);
	buf_put_u8(w, 0);
	len_at = buf_reserve(w, 2);
	buf_put_u8(w, t->type);
	buf_put_u8(w, 0);
	buf_put_u16(w, t->id);
	if (t->key_bits != 0) {
		buf_put_u16(w, IKEV2_ATTR_AF | IKEV2_ATTR_KEY_LENGTH);
		buf_put_u16(w, t->key_bits);
	}
	if (len_at == NULL)
		return false;
	buf_store_u16(len_at, (uint16_t)(w->len - start));
	return true;
}

static bool
build_proposal(struct buf_writer *w, const struct ike_proposal *pr, bool last)
{
	size_t start = w->len, i;
	uint8_t *len_at;

	if (pr->n_xf == 0 || pr->n_xf > UINT8_MAX)
		return false;
	buf_put_u8(w, last ? IKEV2_PROPOSAL_LAST : IKEV2_PROPOSAL_MORE);
	buf_put_u8(w, 0);
	len_at = buf_reserve(w, 2);
	buf_put_u8(w, pr->num);
	buf_put_u8(w, pr->protocol);
	buf_put_u8(w, pr->spi_size);
	buf_put_u8(w, (uint8_t)pr->n_xf);
	if (pr->spi_size == IKEV2_SPI_SIZE_CHILD)
		buf_put_u32(w, (uint32_t)pr->spi);
	else if (pr->spi_size == IKEV2_SPI_SIZE_IKE)
		buf_put_u64(w, pr->spi);
	else if (pr->spi_size != 0)
		return false;
	for (i = 0; i < pr->n_xf; i++)
		if (!build_transform(w, &pr->xf[i], i + 1 == pr->n_xf))
			return false;
	if (len_at == NULL || w->len - start > UINT16_MAX)
		return false;
	buf_store_u16(len_at, (uint16_t)(w->len - start));
	return true;
}

bool
ike_pl_sa_build(struct buf_writer *w, const struct ike_payload *p)
{
	size_t i;

	if (p->u.sa.n_prop == 0)
		return false;
	for (i = 0; i < p->u.sa.n_prop; i++)
		if (!build_proposal(w, &p->u.sa.prop[i],
		    i + 1 == p->u.sa.n_prop))
			return false;
	return true;
}
