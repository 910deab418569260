/*
 * tests/fuzz/fuzz_ike_message.c — libFuzzer harness over the IKEv2 message
 * parser (ike/message.h) and what stands on it: the payload rules, the
 * SK{} split and unpadding, the inner-chain parser, and the builder.
 *
 * Besides "no crash, no out-of-bounds read" (ASan) it checks one property:
 * whatever the parser accepts, the builder writes back into a message the
 * parser accepts again with the same header and payload types — except a
 * traffic selector of an unknown type, which cannot be built.
 *
 * The input is a datagram; its first byte also serves as the first payload
 * type when the same bytes are parsed as an SK{} plaintext chain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/message.h"
#include "ike/payload_rules.h"
#include "ike/payload_sk.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_msg msg, again;
static uint8_t out[65536 + 64];

static bool
buildable(const struct ike_msg *m)
{
	size_t i, k;

	for (i = 0; i < m->n_payloads; i++)
		if (m->pl[i].type == IKEV2_PL_TSI ||
		    m->pl[i].type == IKEV2_PL_TSR)
			for (k = 0; k < m->pl[i].u.ts.n_ts; k++)
				if (m->pl[i].u.ts.ts[k].type !=
				    IKEV2_TS_IPV4_ADDR_RANGE &&
				    m->pl[i].u.ts.ts[k].type !=
				    IKEV2_TS_IPV6_ADDR_RANGE)
					return false;
	return true;
}

static void
round_trip(const struct ike_msg *m)
{
	struct ike_builder b;
	size_t i;
	long len;

	ike_build_msg(&b, out, sizeof(out), &m->hdr);
	for (i = 0; i < m->n_payloads; i++)
		ike_build_payload(&b, &m->pl[i]);
	len = ike_build_finish(&b);
	if (len < 0) {
		if (buildable(m))
			abort();	/* parsed but cannot be built again */
		return;
	}
	if (ike_msg_parse(&again, out, (size_t)len) != IKE_PARSE_OK ||
	    again.n_payloads != m->n_payloads ||
	    again.hdr.exchange != m->hdr.exchange ||
	    again.hdr.msg_id != m->hdr.msg_id)
		abort();
	for (i = 0; i < m->n_payloads; i++)
		if (again.pl[i].type != m->pl[i].type)
			abort();
}

/* The SK{} path with a few cipher shapes: CBC (IV 16, block 16, ICV 12 or
 * 16) and AEAD (IV 8, block 1, ICV 16); "decryption" is the identity. */
static void
encrypted(struct ike_msg *m)
{
	static const size_t shapes[][3] = { { 16, 16, 12 }, { 16, 16, 16 },
	    { 8, 1, 16 } };
	const struct ike_payload *sk = &m->pl[m->n_payloads - 1];
	struct ike_sk_parts parts;
	struct ike_rule_violation v;
	size_t i, inner;

	if (sk->type != IKEV2_PL_SK && sk->type != IKEV2_PL_SKF)
		return;
	for (i = 0; i < 3; i++) {
		if (!ike_sk_split(m, sk, shapes[i][0], shapes[i][1],
		    shapes[i][2], &parts) ||
		    !ike_sk_unpad(parts.enc.p, parts.enc.len, &inner))
			continue;
		if (parts.aad_len > m->raw.len ||
		    parts.integ_len + parts.icv.len != m->raw.len)
			abort();
		if (ike_msg_parse_inner(m, sk->u.sk.first_inner, parts.enc.p,
		    inner) == IKE_PARSE_OK)
			ike_payload_rules_check(m, &v);
		return;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_rule_violation v;

	if (ike_msg_parse(&msg, data, size) == IKE_PARSE_OK) {
		ike_payload_rules_check(&msg, &v);
		round_trip(&msg);
		if (msg.n_payloads > 0)
			encrypted(&msg);
	}
	if (size > 0) {
		memset(&msg, 0, sizeof(msg));
		if (ike_msg_parse_inner(&msg, data[0], data + 1, size - 1) ==
		    IKE_PARSE_OK)
			ike_payload_rules_check(&msg, &v);
	}
	return 0;
}
