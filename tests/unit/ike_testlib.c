/* tests/unit/ike_testlib.c — see ike_testlib.h. */
#include "ike_testlib.h"

#include <criterion/criterion.h>
#include <string.h>

#include "common/hex.h"
#include "ike/ikev2_wire.h"

size_t
ike_unhex(const char *hex, uint8_t *out, size_t cap)
{
	long n = hex_decode(hex, out, cap);

	cr_assert_geq(n, 0, "bad test hex: %s", hex);
	return (size_t)n;
}

static struct ike_view
view(const void *p, size_t len)
{
	struct ike_view v = { p, len };

	return v;
}

static const uint8_t nonce[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
    31, 32 };
static const uint8_t ke_data[64] = { 0xaa, 0xbb, [63] = 0xcc };
static const uint8_t natd[20] = { 0x11, [19] = 0x22 };
static const uint8_t ca_hashes[40] = { 0x33, [39] = 0x44 };
static const uint8_t vid[16] = "uipsec-test-vid";
static const uint8_t cookie[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
static const uint8_t dn[] = { 0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06,
    0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x61 };
static const uint8_t cert[48] = { 0x30, 0x82, [47] = 0x01 };
static const uint8_t sig[72] = { 0x0f, [71] = 0x5a };
static const uint8_t esp_spi[4] = { 0xc0, 0x01, 0xd0, 0x0d };
static const uint8_t del_spis[8] = { 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe };
static const uint8_t eap[8] = { 2, 7, 0, 8, 1, 'a', 'b', 'c' };
static const uint8_t ip4[4] = { 10, 9, 8, 7 };
static const uint8_t hashes[4] = { 0, 2, 0, 3 };

static const struct ike_transform xf_ike1[] = {
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CBC, 256, false },
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CBC, 128, false },
	{ IKEV2_XF_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, false },
	{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_SHA2_256_128, 0, false },
	{ IKEV2_XF_DH, IKEV2_DH_ECP256, 0, false },
	{ IKEV2_XF_DH, IKEV2_DH_MODP2048, 0, false },
};
static const struct ike_transform xf_ike2[] = {
	{ IKEV2_XF_ENCR, IKEV2_ENCR_CHACHA20_POLY1305, 0, false },
	{ IKEV2_XF_PRF, IKEV2_PRF_HMAC_SHA2_256, 0, false },
	{ IKEV2_XF_DH, IKEV2_DH_CURVE25519, 0, false },
};
static const struct ike_proposal prop_ike[] = {
	{ 1, IKEV2_PROTO_IKE, 0, 0, xf_ike1, 6 },
	{ 2, IKEV2_PROTO_IKE, 8, 0x1122334455667788ULL, xf_ike2, 3 },
};
static const struct ike_transform xf_esp[] = {
	{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_16, 256, false },
	{ IKEV2_XF_ESN, IKEV2_ESN_NO, 0, false },
	{ IKEV2_XF_ESN, IKEV2_ESN_YES, 0, false },
};
static const struct ike_proposal prop_esp[] = {
	{ 1, IKEV2_PROTO_ESP, 4, 0xc001d00d, xf_esp, 3 },
};
static const struct ike_ts ts_i[] = {
	{ IKEV2_TS_IPV4_ADDR_RANGE, 0, 0, 65535, { 10, 0, 0, 1 },
	    { 10, 0, 0, 1 } },
	{ IKEV2_TS_IPV6_ADDR_RANGE, 17, 500, 4500, { 0xfd, [15] = 1 },
	    { 0xfd, [14] = 0xff, [15] = 0xff } },
};
static const struct ike_ts ts_r[] = {
	{ IKEV2_TS_IPV4_ADDR_RANGE, 6, 80, 80, { 192, 168, 1, 0 },
	    { 192, 168, 1, 255 } },
};
static const struct ike_cfg_attr cfg[] = {
	{ IKEV2_CFG_INTERNAL_IP4_ADDRESS, { NULL, 0 } },
	{ IKEV2_CFG_INTERNAL_IP6_ADDRESS, { NULL, 0 } },
	{ IKEV2_CFG_INTERNAL_IP4_DNS, { ip4, 4 } },
	{ IKEV2_CFG_APPLICATION_VERSION, { vid, 6 } },
};

static struct ike_payload
notify(uint16_t type, const void *data, size_t len)
{
	struct ike_payload p = { .type = IKEV2_PL_NOTIFY };

	p.u.notify.type = type;
	p.u.notify.data = view(data, len);
	return p;
}

size_t
ike_sample_outer(struct ike_payload *pl, size_t cap)
{
	size_t n = 0;

	cr_assert_geq(cap, 8);
	memset(pl, 0, cap * sizeof(*pl));
	pl[n++] = notify(IKEV2_N_COOKIE, cookie, sizeof(cookie));
	pl[n].type = IKEV2_PL_SA;
	pl[n].u.sa.prop = prop_ike;
	pl[n++].u.sa.n_prop = 2;
	pl[n].type = IKEV2_PL_KE;
	pl[n].u.ke.group = IKEV2_DH_ECP256;
	pl[n++].u.ke.data = view(ke_data, sizeof(ke_data));
	pl[n].type = IKEV2_PL_NONCE;
	pl[n++].u.nonce = view(nonce, sizeof(nonce));
	pl[n++] = notify(IKEV2_N_NAT_DETECTION_SOURCE_IP, natd, sizeof(natd));
	pl[n++] = notify(IKEV2_N_SIGNATURE_HASH_ALGORITHMS, hashes,
	    sizeof(hashes));
	pl[n].type = IKEV2_PL_CERTREQ;
	pl[n].u.cert.type = IKEV2_CERT_X509_SIGNATURE;
	pl[n++].u.cert.data = view(ca_hashes, sizeof(ca_hashes));
	pl[n].type = IKEV2_PL_VENDOR;
	pl[n++].u.vendor = view(vid, sizeof(vid));
	return n;
}

size_t
ike_sample_inner(struct ike_payload *pl, size_t cap)
{
	size_t n = 0;

	cr_assert_geq(cap, 14);
	memset(pl, 0, cap * sizeof(*pl));
	pl[n].type = IKEV2_PL_IDI;
	pl[n].u.id.type = IKEV2_ID_DER_ASN1_DN;
	pl[n++].u.id.data = view(dn, sizeof(dn));
	pl[n].type = IKEV2_PL_CERT;
	pl[n].u.cert.type = IKEV2_CERT_X509_SIGNATURE;
	pl[n++].u.cert.data = view(cert, sizeof(cert));
	pl[n].type = IKEV2_PL_IDR;
	pl[n].u.id.type = IKEV2_ID_IPV4_ADDR;
	pl[n++].u.id.data = view(ip4, sizeof(ip4));
	pl[n].type = IKEV2_PL_AUTH;
	pl[n].u.auth.type = IKEV2_AUTH_METHOD_DIGITAL_SIGNATURE;
	pl[n++].u.auth.data = view(sig, sizeof(sig));
	pl[n].type = IKEV2_PL_CP;
	pl[n].u.cp.cfg_type = IKEV2_CFG_REQUEST;
	pl[n].u.cp.attr = cfg;
	pl[n++].u.cp.n_attr = 4;
	pl[n].type = IKEV2_PL_SA;
	pl[n].u.sa.prop = prop_esp;
	pl[n++].u.sa.n_prop = 1;
	pl[n].type = IKEV2_PL_TSI;
	pl[n].u.ts.ts = ts_i;
	pl[n++].u.ts.n_ts = 2;
	pl[n].type = IKEV2_PL_TSR;
	pl[n].u.ts.ts = ts_r;
	pl[n++].u.ts.n_ts = 1;
	pl[n] = notify(IKEV2_N_REKEY_SA, NULL, 0);
	pl[n].u.notify.protocol = IKEV2_PROTO_ESP;
	pl[n++].u.notify.spi = view(esp_spi, sizeof(esp_spi));
	pl[n].type = IKEV2_PL_DELETE;
	pl[n].u.del.protocol = IKEV2_PROTO_ESP;
	pl[n].u.del.spi_size = 4;
	pl[n].u.del.n_spi = 2;
	pl[n++].u.del.spis = view(del_spis, sizeof(del_spis));
	pl[n].type = IKEV2_PL_EAP;
	pl[n++].u.eap = view(eap, sizeof(eap));
	pl[n].type = IKEV2_PL_VENDOR;
	pl[n].critical = true;
	pl[n++].u.vendor = view(vid, 4);
	return n;
}

static void
assert_view_eq(struct ike_view want, struct ike_view got, const char *what)
{
	cr_assert_eq(got.len, want.len, "%s: length %zu, want %zu", what,
	    got.len, want.len);
	if (want.len)
		cr_assert_arr_eq(got.p, want.p, want.len, "%s differs", what);
}

static void
assert_sa_eq(const struct ike_pl_sa *want, const struct ike_pl_sa *got)
{
	const struct ike_proposal *a, *b;
	size_t i, j;

	cr_assert_eq(got->n_prop, want->n_prop);
	for (i = 0; i < want->n_prop; i++) {
		a = &want->prop[i];
		b = &got->prop[i];
		cr_assert(a->num == b->num && a->protocol == b->protocol &&
		    a->spi_size == b->spi_size && a->spi == b->spi &&
		    a->n_xf == b->n_xf, "proposal %zu differs", i);
		for (j = 0; j < a->n_xf; j++)
			cr_assert(a->xf[j].type == b->xf[j].type &&
			    a->xf[j].id == b->xf[j].id &&
			    a->xf[j].key_bits == b->xf[j].key_bits &&
			    a->xf[j].unknown_attr == b->xf[j].unknown_attr,
			    "proposal %zu transform %zu differs", i, j);
	}
}

static void
assert_ts_eq(const struct ike_pl_ts *want, const struct ike_pl_ts *got)
{
	const struct ike_ts *a, *b;
	size_t i, alen;

	cr_assert_eq(got->n_ts, want->n_ts);
	for (i = 0; i < want->n_ts; i++) {
		a = &want->ts[i];
		b = &got->ts[i];
		alen = a->type == IKEV2_TS_IPV4_ADDR_RANGE ? 4 : 16;
		cr_assert(a->type == b->type && a->ip_proto == b->ip_proto &&
		    a->start_port == b->start_port &&
		    a->end_port == b->end_port, "selector %zu differs", i);
		cr_assert_arr_eq(a->start_addr, b->start_addr, alen);
		cr_assert_arr_eq(a->end_addr, b->end_addr, alen);
	}
}

static void
assert_cp_eq(const struct ike_pl_cp *want, const struct ike_pl_cp *got)
{
	size_t i;

	cr_assert_eq(got->cfg_type, want->cfg_type);
	cr_assert_eq(got->n_attr, want->n_attr);
	for (i = 0; i < want->n_attr; i++) {
		cr_assert_eq(got->attr[i].type, want->attr[i].type);
		assert_view_eq(want->attr[i].value, got->attr[i].value,
		    "attribute value");
	}
}

void
ike_assert_payload_eq(const struct ike_payload *want,
    const struct ike_payload *got)
{
	cr_assert_eq(got->type, want->type);
	cr_assert_eq(got->critical, want->critical);
	switch (want->type) {
	case IKEV2_PL_SA:
		assert_sa_eq(&want->u.sa, &got->u.sa);
		break;
	case IKEV2_PL_KE:
		cr_assert_eq(got->u.ke.group, want->u.ke.group);
		assert_view_eq(want->u.ke.data, got->u.ke.data, "KE data");
		break;
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
	case IKEV2_PL_AUTH:
		cr_assert_eq(got->u.id.type, want->u.id.type);
		assert_view_eq(want->u.id.data, got->u.id.data, "data");
		break;
	case IKEV2_PL_NONCE:
	case IKEV2_PL_VENDOR:
	case IKEV2_PL_EAP:
		assert_view_eq(want->u.nonce, got->u.nonce, "opaque body");
		break;
	case IKEV2_PL_NOTIFY:
		cr_assert_eq(got->u.notify.type, want->u.notify.type);
		if (want->u.notify.spi.len)
			cr_assert_eq(got->u.notify.protocol,
			    want->u.notify.protocol);
		assert_view_eq(want->u.notify.spi, got->u.notify.spi, "SPI");
		assert_view_eq(want->u.notify.data, got->u.notify.data, "data");
		break;
	case IKEV2_PL_DELETE:
		cr_assert(got->u.del.protocol == want->u.del.protocol &&
		    got->u.del.spi_size == want->u.del.spi_size &&
		    got->u.del.n_spi == want->u.del.n_spi);
		assert_view_eq(want->u.del.spis, got->u.del.spis, "SPIs");
		break;
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
		assert_ts_eq(&want->u.ts, &got->u.ts);
		break;
	case IKEV2_PL_CP:
		assert_cp_eq(&want->u.cp, &got->u.cp);
		break;
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF:
		cr_assert(got->u.sk.first_inner == want->u.sk.first_inner &&
		    got->u.sk.frag_num == want->u.sk.frag_num &&
		    got->u.sk.frag_total == want->u.sk.frag_total);
		assert_view_eq(want->u.sk.data, got->u.sk.data, "SK data");
		break;
	default:
		cr_assert_fail("no comparison for payload type %u",
		    want->type);
	}
}

size_t
ike_wrap_payload(uint8_t *out, size_t cap, uint8_t type, uint8_t flags,
    const uint8_t *body, size_t len)
{
	struct buf_writer w;

	buf_writer_init(&w, out, cap);
	buf_put_u64(&w, IKE_TEST_SPI_I);
	buf_put_u64(&w, 0);
	buf_put_u8(&w, type);
	buf_put_u8(&w, IKEV2_VERSION);
	buf_put_u8(&w, IKEV2_EXCH_IKE_SA_INIT);
	buf_put_u8(&w, IKEV2_FLAG_INITIATOR);
	buf_put_u32(&w, 0);
	buf_put_u32(&w, (uint32_t)(IKEV2_HDR_LEN + 4 + len));
	buf_put_u8(&w, IKEV2_PL_NONE);
	buf_put_u8(&w, flags);
	buf_put_u16(&w, (uint16_t)(4 + len));
	buf_put_bytes(&w, body, len);
	cr_assert(buf_writer_ok(&w));
	return w.len;
}

size_t
ike_build_sample(uint8_t *out, size_t cap, const struct ike_header *h,
    const struct ike_payload *pl, size_t n)
{
	struct ike_builder b;
	size_t i;
	long len;

	ike_build_msg(&b, out, cap, h);
	for (i = 0; i < n; i++)
		cr_assert(ike_build_payload(&b, &pl[i]),
		    "building payload %zu (type %u) failed", i, pl[i].type);
	len = ike_build_finish(&b);
	cr_assert_gt(len, 0);
	return (size_t)len;
}
