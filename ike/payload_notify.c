/*
 * ike/payload_notify.c — the informational payloads: Notify (RFC 7296
 * §3.10), Delete (§3.11) and Vendor ID (§3.12).
 *
 * Notify body:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 * ~                Security Parameter Index (SPI)                 ~
 * ~                       Notification Data                       ~
 * Delete body:
 * | Protocol ID   |   SPI Size    |          Num of SPIs          |
 * ~               Security Parameter Index(es) (SPI)              ~
 * Vendor ID body: opaque bytes.
 */
#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

/* Notification data the exchanges decode, with its allowed size; other
 * types carry whatever they carry. */
static const struct {
	uint16_t	type;
	uint16_t	min, max, unit;
} notify_data[] = {
	{ IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, 1, 1, 1 },	/* type byte */
	{ IKEV2_N_INVALID_KE_PAYLOAD, 2, 2, 1 },		/* group, §1.3 */
	{ IKEV2_N_NAT_DETECTION_SOURCE_IP, IKEV2_NATD_HASH_LEN,
	    IKEV2_NATD_HASH_LEN, 1 },				/* §2.23 */
	{ IKEV2_N_NAT_DETECTION_DESTINATION_IP, IKEV2_NATD_HASH_LEN,
	    IKEV2_NATD_HASH_LEN, 1 },
	{ IKEV2_N_COOKIE, 1, IKEV2_COOKIE_MAX, 1 },		/* §2.6 */
	{ IKEV2_N_SET_WINDOW_SIZE, 4, 4, 1 },			/* §2.3 */
	{ IKEV2_N_SIGNATURE_HASH_ALGORITHMS, 2, UINT16_MAX, 2 }, /* RFC 7427 §4 */
};

static bool
notify_ok(const struct ike_pl_notify *n)
{
	size_t i, len = n->data.len;

	if (n->spi.len != 0 && n->spi.len != IKEV2_SPI_SIZE_CHILD &&
	    n->spi.len != IKEV2_SPI_SIZE_IKE)
		return false;
	for (i = 0; i < sizeof(notify_data) / sizeof(notify_data[0]); i++)
		if (notify_data[i].type == n->type)
			return len >= notify_data[i].min &&
			    len <= notify_data[i].max &&
			    len % notify_data[i].unit == 0;
	return true;
}

enum ike_parse_status
ike_pl_notify_parse(struct ike_msg *m, struct ike_payload *p,
    struct buf_reader *r)
{
	struct ike_pl_notify *n = &p->u.notify;
	uint8_t spi_size;

	if (!buf_get_u8(r, &n->protocol) || !buf_get_u8(r, &spi_size) ||
	    !buf_get_u16(r, &n->type))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED, "truncated Notify");
	n->spi.len = spi_size;
	if (!buf_get_bytes(r, spi_size, &n->spi.p))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "Notify SPI Size exceeds the payload");
	ike_view_rest(r, &n->data);
	if (!notify_ok(n))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "Notify SPI or data has the wrong size for its type");
	return IKE_PARSE_OK;
}

bool
ike_pl_notify_build(struct buf_writer *w, const struct ike_payload *p)
{
	const struct ike_pl_notify *n = &p->u.notify;

	/* §3.10: with no SPI the Protocol ID is sent as zero. */
	return notify_ok(n) &&
	    buf_put_u8(w, n->spi.len ? n->protocol : IKEV2_PROTO_NONE) &&
	    buf_put_u8(w, (uint8_t)n->spi.len) && buf_put_u16(w, n->type) &&
	    buf_put_bytes(w, n->spi.p, n->spi.len) &&
	    buf_put_bytes(w, n->data.p, n->data.len);
}

/* §3.11: SPI Size is zero for IKE (the SPIs are in the header), four for
 * AH and ESP. */
static bool
delete_ok(const struct ike_pl_delete *d)
{
	switch (d->protocol) {
	case IKEV2_PROTO_IKE:
		if (d->spi_size != 0)
			return false;
		break;
	case IKEV2_PROTO_AH:
	case IKEV2_PROTO_ESP:
		if (d->spi_size != IKEV2_SPI_SIZE_CHILD)
			return false;
		break;
	default:
		return false;
	}
	return d->spis.len == (size_t)d->n_spi * d->spi_size;
}

enum ike_parse_status
ike_pl_delete_parse(struct ike_msg *m, struct ike_payload *p,
    struct buf_reader *r)
{
	struct ike_pl_delete *d = &p->u.del;

	if (!buf_get_u8(r, &d->protocol) || !buf_get_u8(r, &d->spi_size) ||
	    !buf_get_u16(r, &d->n_spi))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED, "truncated Delete");
	ike_view_rest(r, &d->spis);
	if (!delete_ok(d))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "Delete protocol, SPI Size and SPI count disagree");
	return IKE_PARSE_OK;
}

bool
ike_pl_delete_build(struct buf_writer *w, const struct ike_payload *p)
{
	const struct ike_pl_delete *d = &p->u.del;

	return delete_ok(d) && buf_put_u8(w, d->protocol) &&
	    buf_put_u8(w, d->spi_size) && buf_put_u16(w, d->n_spi) &&
	    buf_put_bytes(w, d->spis.p, d->spis.len);
}

enum ike_parse_status
ike_pl_vendor_parse(struct ike_msg *m, struct ike_payload *p,
    struct buf_reader *r)
{
	ike_view_rest(r, &p->u.vendor);
	return IKE_PARSE_OK;
}

bool
ike_pl_vendor_build(struct buf_writer *w, const struct ike_payload *p)
{
	return buf_put_bytes(w, p->u.vendor.p, p->u.vendor.len);
}
