/*
 * The IKEv2 message codec as a whole (RFC 7296 §3.1, §3.2, §2.5): round
 * trips of every payload type, the header checks, unknown and critical
 * payloads, reserved bits, truncation at every length, the SK{} envelope.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/message.h"
#include "ike/payload_sk.h"
#include "ike_testlib.h"

static struct ike_msg msg;		/* too large for a comfortable stack */
static uint8_t buf[4096], buf2[4096];

static const struct ike_header hdr_init = {
	.spi_i = IKE_TEST_SPI_I, .exchange = IKEV2_EXCH_IKE_SA_INIT,
	.flags = IKEV2_FLAG_INITIATOR, .msg_id = 0,
};

/* IKE_SA_INIT { N(COOKIE), SA, KE, Ni, N(NATD_S), N(SIG_HASH), CERTREQ, V } */
Test(ike_message, outer_round_trip)
{
	struct ike_payload pl[16];
	size_t n = ike_sample_outer(pl, 16), len, len2, i;

	len = ike_build_sample(buf, sizeof(buf), &hdr_init, pl, n);
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK, "%s",
	    msg.error);
	cr_assert_eq(msg.hdr.spi_i, IKE_TEST_SPI_I);
	cr_assert_eq(msg.hdr.spi_r, 0);
	cr_assert_eq(msg.hdr.version, 0x20);
	cr_assert_eq(msg.hdr.exchange, IKEV2_EXCH_IKE_SA_INIT);
	cr_assert_eq(msg.hdr.flags, IKEV2_FLAG_INITIATOR);
	cr_assert_eq(msg.hdr.length, len);
	cr_assert_eq(msg.n_payloads, n);
	for (i = 0; i < n; i++) {
		ike_assert_payload_eq(&pl[i], &msg.pl[i]);
		cr_assert_not(msg.pl[i].in_sk);
	}
	/* Built again from what was parsed: the same bytes. */
	len2 = ike_build_sample(buf2, sizeof(buf2), &msg.hdr, msg.pl, n);
	cr_assert_eq(len2, len);
	cr_assert_arr_eq(buf2, buf, len);
}

/* IKE_AUTH inner chain { IDi, CERT, IDr, AUTH, CP, SA, TSi, TSr, N, D, EAP, V } */
Test(ike_message, inner_round_trip)
{
	struct ike_payload pl[16];
	struct ike_builder b;
	size_t n = ike_sample_inner(pl, 16), i;
	long len;

	ike_build_chain(&b, buf, sizeof(buf));
	for (i = 0; i < n; i++)
		cr_assert(ike_build_payload(&b, &pl[i]));
	len = ike_build_finish(&b);
	cr_assert_gt(len, 0);
	cr_assert_eq(b.first, IKEV2_PL_IDI);
	memset(&msg, 0, sizeof(msg));
	cr_assert_eq(ike_msg_parse_inner(&msg, b.first, buf, (size_t)len),
	    IKE_PARSE_OK, "%s", msg.error);
	cr_assert_eq(msg.n_payloads, n);
	for (i = 0; i < n; i++) {
		ike_assert_payload_eq(&pl[i], &msg.pl[i]);
		cr_assert(msg.pl[i].in_sk);
	}
	cr_assert_not_null(ike_msg_notify(&msg, IKEV2_N_REKEY_SA));
	cr_assert_null(ike_msg_notify(&msg, IKEV2_N_COOKIE));
	cr_assert_eq(ike_msg_next(&msg, IKEV2_PL_TSR, NULL), &msg.pl[7]);
	cr_assert_null(ike_msg_next(&msg, IKEV2_PL_TSR, &msg.pl[7]));
}

/* A chain built apart and kept (a responder's CHILD_SA part while its
 * AUTH is signed, exchange_auth.c), appended after the first payloads:
 * the same octets as the chain built in one go, at every split (the kept
 * part empty, or all of it). */
Test(ike_message, kept_chain_appended)
{
	static uint8_t whole[4096], part[4096];
	struct ike_payload pl[16];
	struct ike_builder b, t;
	struct ike_chain kept;
	size_t n = ike_sample_inner(pl, 16), i, k;
	long len, len2;

	ike_build_chain(&b, whole, sizeof(whole));
	for (i = 0; i < n; i++)
		cr_assert(ike_build_payload(&b, &pl[i]));
	cr_assert_gt(len = ike_build_finish(&b), 0);
	for (k = 0; k <= n; k++) {
		ike_build_chain(&t, part, sizeof(part));
		for (i = k; i < n; i++)
			cr_assert(ike_build_payload(&t, &pl[i]));
		cr_assert_eq(ike_chain_keep(&t, &kept), 0);
		memset(part, 0xee, sizeof(part));	/* kept is a copy */
		ike_build_chain(&b, buf, sizeof(buf));
		for (i = 0; i < k; i++)
			cr_assert(ike_build_payload(&b, &pl[i]));
		cr_assert(ike_build_append(&b, &kept));
		ike_chain_free(&kept);
		cr_assert_eq(len2 = ike_build_finish(&b), len, "split %zu", k);
		cr_assert_arr_eq(buf, whole, (size_t)len, "split %zu", k);
		cr_assert_eq(b.first, IKEV2_PL_IDI);
	}
	/* What follows the kept chain is linked from its last payload. */
	ike_build_chain(&t, part, sizeof(part));
	cr_assert(ike_build_payload(&t, &pl[0]));
	cr_assert_eq(ike_chain_keep(&t, &kept), 0);
	ike_build_chain(&b, buf, sizeof(buf));
	cr_assert(ike_build_append(&b, &kept));
	cr_assert(ike_build_payload(&b, &pl[1]));
	ike_chain_free(&kept);
	cr_assert_eq(buf[0], pl[1].type);
}

/* Known vector: an IKE_SA_INIT header with one empty-ish Vendor ID,
 * written out by hand from §3.1/§3.2. */
Test(ike_message, parses_hand_written_bytes)
{
	uint8_t in[64];
	size_t len = ike_unhex(
	    "0123456789abcdef" "0000000000000000"	/* SPIi, SPIr */
	    "2b" "20" "22" "08" "00000000"		/* V, 2.0, INIT, I */
	    "00000024"					/* length 36 */
	    "00" "00" "0008" "cafe0001", in, sizeof(in));

	cr_assert_eq(ike_msg_parse(&msg, in, len), IKE_PARSE_OK);
	cr_assert_eq(msg.n_payloads, 1);
	cr_assert_eq(msg.pl[0].type, IKEV2_PL_VENDOR);
	cr_assert_eq(msg.pl[0].u.vendor.len, 4);
	cr_assert_eq(msg.pl[0].u.vendor.p, in + 32);	/* zero copy */
}

Test(ike_message, header_checks)
{
	struct ike_payload pl[16];
	size_t n = ike_sample_outer(pl, 16);
	size_t len = ike_build_sample(buf, sizeof(buf), &hdr_init, pl, n);

	cr_assert_eq(ike_msg_parse(&msg, buf, 27), IKE_PARSE_MALFORMED);
	buf[17] = 0x30;				/* IKEv3: version checked first */
	cr_assert_eq(ike_msg_parse(&msg, buf, 27), IKE_PARSE_MALFORMED);
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_VERSION);
	buf[17] = 0x2f;				/* minor version is ignored */
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
	cr_assert_eq(ike_msg_parse(&msg, buf, len - 1), IKE_PARSE_MALFORMED);
	cr_assert_str_eq(msg.error, "Length field does not match the datagram");
	buf[len] = 0;				/* a byte more than Length */
	cr_assert_eq(ike_msg_parse(&msg, buf, len + 1), IKE_PARSE_MALFORMED);
	memset(buf, 0, 8);			/* SPIi must not be zero */
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_SYNTAX);
}

/* §3.1, §3.2: reserved bits are sent as zero and ignored on receipt. */
Test(ike_message, reserved_bits_ignored_and_cleared)
{
	uint8_t body[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t len = ike_wrap_payload(buf, sizeof(buf), IKEV2_PL_VENDOR, 0x7f,
	    body, sizeof(body));

	buf[19] |= 0xc7;			/* reserved header flag bits */
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
	cr_assert_eq(msg.hdr.flags, IKEV2_FLAG_INITIATOR);
	cr_assert_not(msg.pl[0].critical);
	cr_assert_eq(ike_build_sample(buf2, sizeof(buf2), &msg.hdr, msg.pl, 1),
	    len);
	cr_assert_eq(buf2[19], IKEV2_FLAG_INITIATOR);
	cr_assert_eq(buf2[IKEV2_HDR_LEN + 1], 0);
}

/* §2.5: unknown payloads are skipped unless critical. */
Test(ike_message, unknown_payloads)
{
	uint8_t body[4] = { 0 };
	size_t len;

	len = ike_wrap_payload(buf, sizeof(buf), 99, 0x00, body, sizeof(body));
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
	cr_assert_eq(msg.n_payloads, 0);
	cr_assert_eq(msg.n_skipped, 1);

	len = ike_wrap_payload(buf, sizeof(buf), 99, IKEV2_CRITICAL, body,
	    sizeof(body));
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_CRITICAL);
	cr_assert_eq(msg.error_type, 99);

	/* A known payload's critical bit changes nothing. */
	len = ike_wrap_payload(buf, sizeof(buf), IKEV2_PL_VENDOR,
	    IKEV2_CRITICAL, body, sizeof(body));
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
	cr_assert(msg.pl[0].critical);
}

/* Cut the datagram at every length, with the header's Length left as it
 * was and with it rewritten to the cut: never accepted, never a crash. */
static void
assert_every_truncation_fails(uint8_t *m, size_t len)
{
	size_t cut;

	for (cut = 0; cut < len; cut++) {
		cr_assert_neq(ike_msg_parse(&msg, m, cut), IKE_PARSE_OK,
		    "accepted a message cut to %zu of %zu bytes", cut, len);
		if (cut >= IKEV2_HDR_LEN) {
			buf_store_u32(m + 24, (uint32_t)cut);
			cr_assert_neq(ike_msg_parse(&msg, m, cut), IKE_PARSE_OK,
			    "accepted Length %zu of %zu", cut, len);
			buf_store_u32(m + 24, (uint32_t)len);
		}
	}
	cr_assert_eq(ike_msg_parse(&msg, m, len), IKE_PARSE_OK);
}

Test(ike_message, truncation_at_every_length)
{
	struct ike_payload pl[16];
	struct ike_header h = hdr_init;
	size_t n, len;

	n = ike_sample_outer(pl, 16);
	len = ike_build_sample(buf, sizeof(buf), &h, pl, n);
	assert_every_truncation_fails(buf, len);

	/* The inner chain carried as plain payloads of an (unchecked)
	 * message: every other payload type, cut the same way. */
	n = ike_sample_inner(pl, 16);
	h.exchange = IKEV2_EXCH_IKE_AUTH;
	len = ike_build_sample(buf, sizeof(buf), &h, pl, n);
	assert_every_truncation_fails(buf, len);
}

Test(ike_message, payload_length_checks)
{
	uint8_t body[8] = { 0 };
	size_t len = ike_wrap_payload(buf, sizeof(buf), IKEV2_PL_VENDOR, 0,
	    body, sizeof(body));

	buf_store_u16(buf + 30, 3);		/* below the generic header */
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_MALFORMED);
	buf_store_u16(buf + 30, 13);		/* past the message end */
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_MALFORMED);
	buf_store_u16(buf + 30, 11);		/* a byte after the chain */
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_MALFORMED);
	cr_assert_str_eq(msg.error, "bytes after the last payload");
	buf_store_u16(buf + 30, 12);
	buf[28] = IKEV2_PL_NONCE;		/* next payload: missing */
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_MALFORMED);
	cr_assert_eq(msg.error_type, IKEV2_PL_NONCE);
}

Test(ike_message, too_many_payloads)
{
	struct ike_payload pl[IKE_MSG_MAX_PAYLOADS + 1];
	static const uint8_t v[1] = { 'x' };
	size_t i, len;

	memset(pl, 0, sizeof(pl));
	for (i = 0; i <= IKE_MSG_MAX_PAYLOADS; i++) {
		pl[i].type = IKEV2_PL_VENDOR;
		pl[i].u.vendor.p = v;
		pl[i].u.vendor.len = 1;
	}
	len = ike_build_sample(buf, sizeof(buf), &hdr_init, pl,
	    IKE_MSG_MAX_PAYLOADS);
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
	len = ike_build_sample(buf, sizeof(buf), &hdr_init, pl,
	    IKE_MSG_MAX_PAYLOADS + 1);
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_TOO_MANY);
}

Test(ike_message, builder_overflow_and_bad_values)
{
	struct ike_payload pl[16];
	struct ike_builder b;
	size_t n = ike_sample_outer(pl, 16), i, full;

	full = ike_build_sample(buf, sizeof(buf), &hdr_init, pl, n);
	for (i = 0; i < full; i++) {		/* every short buffer */
		ike_build_msg(&b, buf2, i, &hdr_init);
		for (size_t j = 0; j < n; j++)
			ike_build_payload(&b, &pl[j]);
		cr_assert_eq(ike_build_finish(&b), -1);
	}
	pl[0].type = 99;			/* no codec: refused, sticky */
	ike_build_msg(&b, buf2, sizeof(buf2), &hdr_init);
	cr_assert_not(ike_build_payload(&b, &pl[0]));
	cr_assert_not(ike_build_payload(&b, &pl[1]));
	cr_assert_eq(ike_build_finish(&b), -1);
}

/* HDR, SK { IDi, AUTH } laid out for AES-CBC (IV 16, block 16) and
 * HMAC-SHA-256-128 (ICV 16), then split back as a receiver would. */
Test(ike_message, sk_envelope_layout)
{
	struct ike_payload pl[16];
	struct ike_header h = hdr_init;
	struct ike_builder b, in;
	struct ike_sk_layout lay;
	struct ike_sk_parts parts;
	const struct ike_payload *sk;
	size_t inner_len;
	long len;

	ike_sample_inner(pl, 16);
	h.exchange = IKEV2_EXCH_IKE_AUTH;
	h.msg_id = 1;
	ike_build_msg(&b, buf, sizeof(buf), &h);
	cr_assert(ike_sk_begin(&b, &in, 0, 0, 16));
	cr_assert(ike_build_payload(&in, &pl[0]));	/* IDi */
	cr_assert(ike_build_payload(&in, &pl[3]));	/* AUTH */
	cr_assert(ike_sk_end(&b, &in, 16, 16, &lay));
	cr_assert_not(ike_build_payload(&b, &pl[0]), "SK must be last");
	b.failed = false;
	len = ike_build_finish(&b);
	cr_assert_gt(len, 0);
	cr_assert_eq(lay.aad_len, IKEV2_HDR_LEN + 4);
	cr_assert_eq(lay.iv, buf + lay.aad_len);
	cr_assert_eq(lay.enc_len % 16, 0);
	cr_assert_eq(lay.integ_len, (size_t)len - 16);
	cr_assert_eq(lay.icv, buf + len - 16);
	cr_assert_eq(lay.enc[lay.enc_len - 1], lay.enc_len - in.w.len - 1);

	cr_assert_eq(ike_msg_parse(&msg, buf, (size_t)len), IKE_PARSE_OK);
	cr_assert_eq(msg.n_payloads, 1);
	sk = &msg.pl[0];
	cr_assert_eq(sk->type, IKEV2_PL_SK);
	cr_assert_eq(sk->u.sk.first_inner, IKEV2_PL_IDI);
	cr_assert(ike_sk_split(&msg, sk, 16, 16, 16, &parts));
	cr_assert_eq(parts.aad_len, lay.aad_len);
	cr_assert_eq(parts.integ_len, lay.integ_len);
	cr_assert_eq(parts.enc.p, lay.enc);
	cr_assert_eq(parts.enc.len, lay.enc_len);
	cr_assert_not(ike_sk_split(&msg, sk, 16, 32, 16, &parts));
	cr_assert_not(ike_sk_split(&msg, sk, 16, 16, 200, &parts));

	/* "Decryption" is the identity here: unpad and parse inside. */
	cr_assert(ike_sk_unpad(lay.enc, lay.enc_len, &inner_len));
	cr_assert_eq(inner_len, in.w.len);
	cr_assert_eq(ike_msg_parse_inner(&msg, sk->u.sk.first_inner, lay.enc,
	    inner_len), IKE_PARSE_OK);
	cr_assert_eq(msg.n_payloads, 3);
	ike_assert_payload_eq(&pl[0], &msg.pl[1]);
	ike_assert_payload_eq(&pl[3], &msg.pl[2]);
}

/* An empty INFORMATIONAL (liveness check, §1.4) is HDR, SK {} with Next
 * Payload 0; an AEAD has block size 1 and no padding. */
Test(ike_message, sk_empty_aead)
{
	struct ike_header h = hdr_init;
	struct ike_builder b, in;
	struct ike_sk_layout lay;
	size_t inner_len;
	long len;

	h.exchange = IKEV2_EXCH_INFORMATIONAL;
	ike_build_msg(&b, buf, sizeof(buf), &h);
	cr_assert(ike_sk_begin(&b, &in, 0, 0, 8));
	cr_assert(ike_sk_end(&b, &in, 1, 16, &lay));
	len = ike_build_finish(&b);
	cr_assert_eq(len, IKEV2_HDR_LEN + 4 + 8 + 1 + 16);
	cr_assert_eq(lay.enc_len, 1);
	cr_assert_eq(ike_msg_parse(&msg, buf, (size_t)len), IKE_PARSE_OK);
	cr_assert_eq(msg.pl[0].u.sk.first_inner, IKEV2_PL_NONE);
	cr_assert(ike_sk_unpad(lay.enc, lay.enc_len, &inner_len));
	cr_assert_eq(inner_len, 0);
	cr_assert_eq(ike_msg_parse_inner(&msg, IKEV2_PL_NONE, lay.enc, 0),
	    IKE_PARSE_OK);
}

/* RFC 7383 §2.5: SKF carries Fragment Number / Total Fragments in front of
 * the IV; both belong to the associated data. */
Test(ike_message, skf_layout_and_numbers)
{
	struct ike_header h = hdr_init;
	struct ike_builder b, in;
	struct ike_sk_layout lay;
	struct ike_sk_parts parts;
	static const uint8_t piece[20] = { 7 };
	long len;

	h.exchange = IKEV2_EXCH_IKE_AUTH;
	ike_build_msg(&b, buf, sizeof(buf), &h);
	cr_assert_not(ike_sk_begin(&b, &in, 3, 2, 16));
	ike_build_msg(&b, buf, sizeof(buf), &h);
	cr_assert(ike_sk_begin(&b, &in, 2, 3, 16));
	cr_assert(buf_put_bytes(&in.w, piece, sizeof(piece)));
	cr_assert(ike_sk_end(&b, &in, 16, 12, &lay));
	len = ike_build_finish(&b);
	cr_assert_eq(lay.aad_len, IKEV2_HDR_LEN + 8);
	cr_assert_eq(ike_msg_parse(&msg, buf, (size_t)len), IKE_PARSE_OK);
	cr_assert_eq(msg.pl[0].type, IKEV2_PL_SKF);
	cr_assert_eq(msg.pl[0].u.sk.frag_num, 2);
	cr_assert_eq(msg.pl[0].u.sk.frag_total, 3);
	cr_assert(ike_sk_split(&msg, &msg.pl[0], 16, 16, 12, &parts));
	cr_assert_eq(parts.aad_len, lay.aad_len);
	cr_assert_arr_eq(parts.enc.p, piece, sizeof(piece));

	buf[IKEV2_HDR_LEN + 4] = 0;		/* Fragment Number 0 */
	buf[IKEV2_HDR_LEN + 5] = 0;
	cr_assert_eq(ike_msg_parse(&msg, buf, (size_t)len), IKE_PARSE_SYNTAX);
}

Test(ike_message, sk_must_be_last_and_not_nested)
{
	static const uint8_t sk_body[4] = { 1, 2, 3, 4 };
	uint8_t inner[16];
	size_t len;

	/* SK, then another payload in the same message. */
	len = ike_wrap_payload(buf, sizeof(buf), IKEV2_PL_SK, 0, sk_body, 4);
	buf[IKEV2_HDR_LEN] = IKEV2_PL_VENDOR;
	cr_assert_eq(ike_msg_parse(&msg, buf, len), IKE_PARSE_OK);
	cr_assert_eq(msg.pl[0].u.sk.first_inner, IKEV2_PL_VENDOR);
	memcpy(buf + len, buf + IKEV2_HDR_LEN, 8);
	buf_store_u32(buf + 24, (uint32_t)(len + 8));
	cr_assert_eq(ike_msg_parse(&msg, buf, len + 8), IKE_PARSE_MALFORMED);
	cr_assert_str_eq(msg.error, "encrypted payload is not the last");
	/* SK inside SK. */
	memcpy(inner, "\x00\x00\x00\x08\x01\x02\x03\x04", 8);
	cr_assert_eq(ike_msg_parse_inner(&msg, IKEV2_PL_SK, inner, 8),
	    IKE_PARSE_SYNTAX);
	cr_assert(ike_sk_unpad((const uint8_t *)"\x07\x01", 2, &len));
	cr_assert_eq(len, 0);
	cr_assert_not(ike_sk_unpad((const uint8_t *)"\x01\x05", 2, &len));
	cr_assert_not(ike_sk_unpad(NULL, 0, &len));
}

/*
 * The fuzz seeds of tests/fuzz/corpus_ike, encoded by an independent
 * Python encoder (tests/fuzz/make_corpus_ike.py): valid-* messages and
 * inner-* SK{} chains must parse, and building them again from the parsed
 * structs must give the same bytes; IKE_SA_INIT ones must obey the rules.
 */
#include <dirent.h>
#include <stdio.h>

#include "ike/payload_rules.h"

static size_t
read_seed(const char *name, uint8_t *out, size_t cap)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus_ike/%s",
	    UIPSEC_SOURCE_DIR, name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	n = fread(out, 1, cap, f);
	fclose(f);
	return n;
}

static void
check_valid_seed(const char *name, const uint8_t *in, size_t len)
{
	struct ike_rule_violation v;
	size_t len2;

	cr_assert_eq(ike_msg_parse(&msg, in, len), IKE_PARSE_OK, "%s: %s",
	    name, msg.error);
	if (msg.n_skipped == 0) {
		len2 = ike_build_sample(buf2, sizeof(buf2), &msg.hdr, msg.pl,
		    msg.n_payloads);
		cr_assert_eq(len2, len, "%s", name);
		cr_assert_arr_eq(buf2, in, len, "%s rebuilt differently", name);
	}
	if (strncmp(name, "valid-ike_sa_init", 17) == 0)
		cr_assert(ike_payload_rules_check(&msg, &v), "%s: %s", name,
		    v.why);
}

static void
check_inner_seed(const char *name, const uint8_t *in, size_t len)
{
	struct ike_builder b;
	size_t i;

	memset(&msg, 0, sizeof(msg));
	cr_assert_eq(ike_msg_parse_inner(&msg, in[0], in + 1, len - 1),
	    IKE_PARSE_OK, "%s: %s", name, msg.error);
	ike_build_chain(&b, buf2, sizeof(buf2));
	for (i = 0; i < msg.n_payloads; i++)
		cr_assert(ike_build_payload(&b, &msg.pl[i]), "%s", name);
	cr_assert_eq(ike_build_finish(&b), (long)len - 1, "%s", name);
	cr_assert_eq(b.first, in[0]);
	cr_assert_arr_eq(buf2, in + 1, len - 1, "%s rebuilt differently",
	    name);
}

Test(ike_message, independent_encoder_seeds)
{
	DIR *d = opendir(UIPSEC_SOURCE_DIR "/tests/fuzz/corpus_ike");
	struct dirent *e;
	size_t len, n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		len = read_seed(e->d_name, buf, sizeof(buf));
		if (strncmp(e->d_name, "valid-", 6) == 0)
			check_valid_seed(e->d_name, buf, len);
		else if (strncmp(e->d_name, "inner-", 6) == 0)
			check_inner_seed(e->d_name, buf, len);
		else if (strncmp(e->d_name, "crit-", 5) == 0)
			cr_assert_eq(ike_msg_parse(&msg, buf, len),
			    IKE_PARSE_CRITICAL, "%s", e->d_name);
		else
			continue;
		n++;
	}
	closedir(d);
	cr_assert_geq(n, 12, "seeds missing");
}
