/*
 * ike/payload_cert.c — Certificate (RFC 7296 §3.6) and Certificate Request
 * (§3.7) payloads: an encoding byte and data, no reserved bytes.
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Cert Encoding |                                               |
 * +-+-+-+-+-+-+-+-+  Certificate Data / Certification Authority   ~
 * What a certificate means is certs/' business; the codec only frames it.
 */
#include "ike/ikev2_wire.h"
#include "ike/payload_internal.h"

static enum ike_parse_status
parse_cert(struct ike_msg *m, struct buf_reader *r, struct ike_pl_typed *c)
{
	if (!buf_get_u8(r, &c->type))
		return ike_msg_fail(m, IKE_PARSE_MALFORMED,
		    "missing Cert Encoding");
	ike_view_rest(r, &c->data);
	return IKE_PARSE_OK;
}

static bool
build_cert(struct buf_writer *w, const struct ike_pl_typed *c)
{
	return buf_put_u8(w, c->type) &&
	    buf_put_bytes(w, c->data.p, c->data.len);
}

enum ike_parse_status
ike_pl_cert_parse(struct ike_msg *m, struct ike_payload *p,
    struct buf_reader *r)
{
	enum ike_parse_status st;

	if ((st = parse_cert(m, r, &p->u.cert)) != IKE_PARSE_OK)
		return st;
	if (p->u.cert.data.len == 0)
		return ike_msg_fail(m, IKE_PARSE_SYNTAX, "empty CERT");
	return IKE_PARSE_OK;
}

bool
ike_pl_cert_build(struct buf_writer *w, const struct ike_payload *p)
{
	return p->u.cert.data.len > 0 && build_cert(w, &p->u.cert);
}

/* For X.509, the Certification Authority field is a list of SHA-1 hashes
 * of CA public keys (§3.7). */
static bool
certreq_ok(const struct ike_pl_typed *c)
{
	return c->type != IKEV2_CERT_X509_SIGNATURE ||
	    c->data.len % IKEV2_CERTREQ_HASH_LEN == 0;
}

enum ike_parse_status
ike_pl_certreq_parse(struct ike_msg *m, struct ike_payload *p,
    struct buf_reader *r)
{
	enum ike_parse_status st;

	if ((st = parse_cert(m, r, &p->u.cert)) != IKE_PARSE_OK)
		return st;
	if (!certreq_ok(&p->u.cert))
		return ike_msg_fail(m, IKE_PARSE_SYNTAX,
		    "CERTREQ is not a list of 20-byte hashes");
	return IKE_PARSE_OK;
}

bool
ike_pl_certreq_build(struct buf_writer *w, const struct ike_payload *p)
{
	return certreq_ok(&p->u.cert) && build_cert(w, &p->u.cert);
}
