/*
 * SK{} protection (RFC 7296 §3.14, RFC 5282, RFC 7634): every IKE suite of
 * issue 4 round-trips a full inner chain; any flipped bit in the header,
 * IV, ciphertext or ICV is refused before an inner payload is parsed; the
 * other direction's keys do not open a message.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/proposal.h"
#include "ike/sk.h"
#include "ike_testlib.h"

struct sk_case { char proposal[48]; size_t icv; };	/* no pointers: params are copied */

static struct sk_case cases[] = {
	{ "aes256-sha1-modp2048", 12 },
	{ "aes256-sha256-ecp256", 16 },
	{ "aes256gcm16-prfsha256-x25519", 16 },
	{ "chacha20poly1305-prfsha256-x25519", 16 },
};

struct sk_fixture {
	struct ike_sk_suite	suite;
	struct ike_sa_keys	keys;
	uint8_t			msg[4096];
	size_t			len;
	size_t			n_inner;
	struct ike_payload	inner[IKE_MSG_MAX_PAYLOADS];
};

static void
fixture(struct sk_fixture *f, const char *proposal)
{
	struct ike_proposal_set set;
	struct ike_proposal view[IKE_PROPOSALS_MAX];
	struct ike_chosen c;
	struct ike_header h = { .spi_i = IKE_TEST_SPI_I,
	    .spi_r = IKE_TEST_SPI_R, .exchange = IKEV2_EXCH_IKE_AUTH,
	    .flags = IKEV2_FLAG_INITIATOR, .msg_id = 1 };
	struct ike_builder b, in;
	char err[128];
	size_t i, n, encr_len, integ_len;
	long len;

	memset(f, 0, sizeof(*f));
	cr_assert_eq(ike_proposals_parse(&set, IKEV2_PROTO_IKE, proposal, err,
	    sizeof(err)), 0, "%s", err);
	n = ike_proposals_view(&set, 0, 0, view);
	cr_assert(ike_proposal_select(&set, view, n, 0, &c));
	cr_assert_eq(ike_sk_suite_init(&f->suite, &c), 0);
	ike_chosen_key_lens(&c, &encr_len, &integ_len);
	cr_assert_eq(encr_len, f->suite.encr_key_len);
	cr_assert_eq(integ_len, f->suite.integ_key_len);
	f->keys.encr_len = (uint8_t)encr_len;
	f->keys.integ_len = (uint8_t)integ_len;
	for (i = 0; i < IKE_ENCR_KEY_MAX; i++) {
		f->keys.sk_ei[i] = (uint8_t)(0x10 + i);
		f->keys.sk_er[i] = (uint8_t)(0x80 + i);
	}
	for (i = 0; i < IKE_INTEG_KEY_MAX; i++) {
		f->keys.sk_ai[i] = (uint8_t)(0x40 + i);
		f->keys.sk_ar[i] = (uint8_t)(0xc0 + i);
	}
	f->n_inner = ike_sample_inner(f->inner, IKE_MSG_MAX_PAYLOADS);
	ike_build_msg(&b, f->msg, sizeof(f->msg), &h);
	cr_assert(ike_sk_open(&b, &in, &f->suite));
	for (i = 0; i < f->n_inner; i++)
		cr_assert(ike_build_payload(&in, &f->inner[i]));
	struct ike_sk_keys k;
	ike_sk_keys_for(&f->keys, true, &k);
	len = ike_sk_seal(&b, &in, &f->suite, &k);
	cr_assert_gt(len, 0);
	f->len = (size_t)len;
}

static enum ike_sk_status
open_msg(struct sk_fixture *f, struct ike_msg *m, bool initiator_sent)
{
	static uint8_t plain[4096];
	struct ike_sk_keys k;

	cr_assert_eq(ike_msg_parse(m, f->msg, f->len), IKE_PARSE_OK, "%s",
	    m->error);
	ike_sk_keys_for(&f->keys, initiator_sent, &k);
	return ike_sk_decrypt(m, &f->suite, &k, plain, sizeof(plain), NULL);
}

ParameterizedTestParameters(ike_sk, roundtrip)
{
	return cr_make_param_array(struct sk_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct sk_case *tc, ike_sk, roundtrip)
{
	static struct sk_fixture f;
	static struct ike_msg m;
	size_t i;

	fixture(&f, tc->proposal);
	cr_assert_eq(f.suite.icv_len, tc->icv);
	cr_assert_eq(open_msg(&f, &m, true), IKE_SK_OK);
	cr_assert_eq(m.n_payloads, 1 + f.n_inner);
	for (i = 0; i < f.n_inner; i++) {
		cr_assert(m.pl[1 + i].in_sk);
		ike_assert_payload_eq(&f.inner[i], &m.pl[1 + i]);
	}
}

ParameterizedTestParameters(ike_sk, tamper)
{
	return cr_make_param_array(struct sk_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

/* A flipped bit anywhere the ICV covers is refused with nothing parsed:
 * bytes 0..27 are the header (the SPIs and message ID are authenticated
 * too), then the SK header, IV, ciphertext and the ICV itself. Only the
 * Length fields are left out: the outer parser refuses those first. */
ParameterizedTest(struct sk_case *tc, ike_sk, tamper)
{
	static struct sk_fixture f;
	static struct ike_msg m;
	size_t pos;

	fixture(&f, tc->proposal);
	for (pos = 0; pos < f.len; pos++) {
		if ((pos >= 24 && pos < 28) || pos == 30 || pos == 31 ||
		    pos == 17)
			continue;	/* Length fields; version byte */
		f.msg[pos] ^= 0x01;
		if (ike_msg_parse(&m, f.msg, f.len) == IKE_PARSE_OK) {
			enum ike_sk_status st = open_msg(&f, &m, true);
			cr_assert(st == IKE_SK_AUTH || st == IKE_SK_LAYOUT ||
			    st == IKE_SK_NO_SK, "byte %zu: %s", pos,
			    ike_sk_status_str(st));
			cr_assert_eq(m.n_payloads, 1, "byte %zu parsed", pos);
		}
		f.msg[pos] ^= 0x01;
	}
	cr_assert_eq(open_msg(&f, &m, true), IKE_SK_OK);
}

/* The responder's keys (SK_er/SK_ar) do not open the initiator's message. */
Test(ike_sk, wrong_direction)
{
	static struct sk_fixture f;
	static struct ike_msg m;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fixture(&f, cases[i].proposal);
		cr_assert_eq(open_msg(&f, &m, false), IKE_SK_AUTH);
		cr_assert_eq(m.n_payloads, 1);
	}
}

static void
hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

/* python3-cryptography (tests/vectors/ike_sk_check.py) verifies the ICV,
 * decrypts and finds the inner payloads we built: an independent reading
 * of RFC 7296 §3.14, RFC 5282 and RFC 7634. */
Test(ike_sk, python_cryptography_decrypts)
{
	static struct sk_fixture f;
	static char cmd[16384], m[9000], ek[80], ak[140], in[4096];
	static uint8_t chain[2048];
	struct ike_builder b;
	size_t i, j;
	long n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fixture(&f, cases[i].proposal);
		ike_build_chain(&b, chain, sizeof(chain));
		for (j = 0; j < f.n_inner; j++)
			cr_assert(ike_build_payload(&b, &f.inner[j]));
		n = ike_build_finish(&b);
		cr_assert_gt(n, 0);
		hex(in, chain, (size_t)n);
		hex(m, f.msg, f.len);
		hex(ek, f.keys.sk_ei, f.keys.encr_len);
		hex(ak, f.keys.sk_ai, f.keys.integ_len);
		snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/vectors/"
		    "ike_sk_check.py %u %u %u %s %s %s %s", UIPSEC_SOURCE_DIR,
		    f.suite.encr, f.suite.encr_bits, f.suite.integ, ek,
		    f.keys.integ_len ? ak : "-", m, in);
		cr_assert_eq(system(cmd), 0, "%s", cases[i].proposal);
	}
}

/* Two seals of the same content differ (fresh IV each time). */
Test(ike_sk, fresh_iv)
{
	static struct sk_fixture a, b;

	fixture(&a, cases[0].proposal);
	fixture(&b, cases[0].proposal);
	cr_assert_eq(a.len, b.len);
	cr_assert_neq(memcmp(a.msg, b.msg, a.len), 0);
}
