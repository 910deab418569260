/*
 * Proposals: strongSwan proposal strings (docs.strongswan.org "Algorithm
 * Proposals"), responder selection (RFC 7296 §2.7, strongSwan's
 * prefer-configured order), the initiator's check of the answer, and the
 * NO_PROPOSAL_CHOSEN log text in strongSwan's notation.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/proposal.h"

static char err[256], text[1024];

static void
assert_parses_to(uint8_t protocol, const char *in, const char *want)
{
	struct ike_proposal_set set;
	struct ike_proposal view[IKE_PROPOSALS_MAX];
	size_t n;

	cr_assert_eq(ike_proposals_parse(&set, protocol, in, err, sizeof(err)),
	    0, "'%s': %s", in, err);
	n = ike_proposals_view(&set, 0, 0, view);
	ike_proposals_format(view, n, text, sizeof(text));
	cr_assert_str_eq(text, want, "'%s'", in);
}

Test(ike_proposal, parses_the_issue_proposals)
{
	assert_parses_to(IKEV2_PROTO_IKE, "aes256-sha1-modp2048",
	    "IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048");
	assert_parses_to(IKEV2_PROTO_IKE, "aes256-sha256-ecp256",
	    "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256");
	assert_parses_to(IKEV2_PROTO_IKE, "aes256gcm16-prfsha256-x25519",
	    "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519");
	assert_parses_to(IKEV2_PROTO_IKE, "chacha20poly1305-prfsha256-x25519",
	    "IKE:CHACHA20_POLY1305_256/PRF_HMAC_SHA2_256/CURVE_25519");
	assert_parses_to(IKEV2_PROTO_ESP, "aes256-sha1",
	    "ESP:AES_CBC_256/HMAC_SHA1_96/NO_EXT_SEQ");
	assert_parses_to(IKEV2_PROTO_ESP, "aes256gcm16",
	    "ESP:AES_GCM_16_256/NO_EXT_SEQ");
	assert_parses_to(IKEV2_PROTO_ESP, "chacha20poly1305",
	    "ESP:CHACHA20_POLY1305_256/NO_EXT_SEQ");
	assert_parses_to(IKEV2_PROTO_ESP, "aes256-sha1-esn",
	    "ESP:AES_CBC_256/HMAC_SHA1_96/EXT_SEQ");
	assert_parses_to(IKEV2_PROTO_ESP, "aes256gcm16-esn-noesn",
	    "ESP:AES_GCM_16_256/EXT_SEQ/NO_EXT_SEQ");
	assert_parses_to(IKEV2_PROTO_ESP, "chacha20poly1305-noesn",
	    "ESP:CHACHA20_POLY1305_256/NO_EXT_SEQ");
}

Test(ike_proposal, strongswan_completions)
{
	/* Several of a kind, in preference order; two proposals. */
	assert_parses_to(IKEV2_PROTO_IKE, "aes256-aes128-sha256-sha1-ecp256-"
	    "modp2048, aes256gcm16-prfsha384-x25519",
	    "IKE:AES_CBC_256/AES_CBC_128/HMAC_SHA2_256_128/HMAC_SHA1_96/"
	    "PRF_HMAC_SHA2_256/PRF_HMAC_SHA1/ECP_256/MODP_2048, "
	    "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519");
	/* An AEAD proposal lends its integrity keyword as PRF, then drops
	 * it; the keyword order does not matter. */
	assert_parses_to(IKEV2_PROTO_IKE, "x25519-sha256-aes256gcm16",
	    "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519");
	assert_parses_to(IKEV2_PROTO_ESP, "aes256gcm16-sha256",
	    "ESP:AES_GCM_16_256/NO_EXT_SEQ");
	/* Aliases and repeats. */
	assert_parses_to(IKEV2_PROTO_IKE, "aes256gcm128-prfsha256-curve25519",
	    "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519");
	assert_parses_to(IKEV2_PROTO_IKE, "aes256-aes256-sha-sha1-modp2048",
	    "IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048");
	/* PFS group in an ESP proposal; spaces around commas. */
	assert_parses_to(IKEV2_PROTO_ESP, " aes256-sha1-modp2048 ,aes128-sha256 ",
	    "ESP:AES_CBC_256/HMAC_SHA1_96/MODP_2048/NO_EXT_SEQ, "
	    "ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ");
}

Test(ike_proposal, refusals_name_what_is_wrong)
{
	static const struct {
		uint8_t		 protocol;
		const char	*in;
		const char	*says;
	} bad[] = {
		{ IKEV2_PROTO_IKE, "aes256-sha1", "needs a DH group" },
		{ IKEV2_PROTO_IKE, "aes256gcm16-x25519", "needs a PRF" },
		{ IKEV2_PROTO_IKE, "aes256-modp2048", "integrity" },
		{ IKEV2_PROTO_IKE, "aes256-aes256gcm16-sha1-modp2048",
		    "mixes AEAD" },
		{ IKEV2_PROTO_IKE, "3des-sha1-modp2048", "'3des'" },
		{ IKEV2_PROTO_IKE, "aes256-sha1-modp1024", "'modp1024'" },
		{ IKEV2_PROTO_IKE, "aes256-sha1-ecp256-esn", "'esn'" },
		{ IKEV2_PROTO_IKE, "default", "'default'" },
		{ IKEV2_PROTO_IKE, "sha1-modp2048", "no encryption" },
		{ IKEV2_PROTO_ESP, "aes256-prfsha1", "'prfsha1'" },
		{ IKEV2_PROTO_ESP, "aes256-sha384", "'sha384'" },
		{ IKEV2_PROTO_ESP, "", "empty proposal" },
		{ IKEV2_PROTO_ESP, "aes256gcm16,", "empty proposal" },
		{ IKEV2_PROTO_ESP, "aes256--sha1", "empty keyword" },
		{ IKEV2_PROTO_ESP, "aes256-sha1-", "empty keyword" },
		{ IKEV2_PROTO_ESP, "AES256-sha1", "'AES256'" },
		{ IKEV2_PROTO_ESP, "aes256gcm16,aes256gcm16,aes256gcm16,"
		    "aes256gcm16,aes256gcm16,aes256gcm16,aes256gcm16,"
		    "aes256gcm16,aes256gcm16", "more than 8 proposals" },
		{ IKEV2_PROTO_AH, "sha1", "protocol 2" },
	};
	struct ike_proposal_set set;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(ike_proposals_parse(&set, bad[i].protocol,
		    bad[i].in, err, sizeof(err)), -1, "'%s' accepted",
		    bad[i].in);
		cr_expect_not_null(strstr(err, bad[i].says), "'%s': \"%s\"",
		    bad[i].in, err);
	}
}

static struct ike_proposal_set local, peer;
static struct ike_proposal remote[IKE_PROPOSALS_MAX];

static size_t
setup(uint8_t protocol, const char *mine, const char *theirs, uint8_t spi_size,
    uint64_t spi)
{
	cr_assert_eq(ike_proposals_parse(&local, protocol, mine, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(ike_proposals_parse(&peer, protocol, theirs, err,
	    sizeof(err)), 0, "%s", err);
	return ike_proposals_view(&peer, spi_size, spi, remote);
}

static const char *
chosen_text(const struct ike_chosen *c)
{
	struct ike_transform xf[IKEV2_XF_TYPE_MAX];
	struct ike_proposal p;

	ike_chosen_view(c, xf, &p);
	return ike_proposals_format(&p, 1, text, sizeof(text));
}

/* strongSwan's order: the first configured proposal the peer accepts,
 * even when the peer listed another first. */
Test(ike_proposal, responder_prefers_configured_order)
{
	struct ike_chosen c;
	size_t n = setup(IKEV2_PROTO_IKE,
	    "aes256-sha256-ecp256, aes256gcm16-prfsha256-x25519",
	    "aes256gcm16-prfsha256-x25519, aes256-sha256-ecp256", 0, 0);

	cr_assert(ike_proposal_select(&local, remote, n, 0, &c));
	cr_assert_eq(c.num, 2);
	cr_assert_str_eq(chosen_text(&c),
	    "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256");

	/* Within a proposal, the first configured algorithm of each kind. */
	n = setup(IKEV2_PROTO_IKE, "aes128-aes256-sha1-sha256-modp2048",
	    "aes256-aes128-sha256-sha1-modp2048", 0, 0);
	cr_assert(ike_proposal_select(&local, remote, n, 0, &c));
	cr_assert_str_eq(chosen_text(&c),
	    "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048");
}

/* The KE payload's group wins when both sides take it. */
Test(ike_proposal, ke_group_hint)
{
	struct ike_chosen c;
	size_t n = setup(IKEV2_PROTO_IKE, "aes256-sha256-ecp256-modp2048",
	    "aes256-sha256-modp2048-ecp256", 0, 0);

	cr_assert(ike_proposal_select(&local, remote, n, 0, &c));
	cr_assert_eq(ike_chosen_get(&c, IKEV2_XF_DH)->id, IKEV2_DH_ECP256);
	cr_assert(ike_proposal_select(&local, remote, n, IKEV2_DH_MODP2048,
	    &c));
	cr_assert_eq(ike_chosen_get(&c, IKEV2_XF_DH)->id, IKEV2_DH_MODP2048);
	cr_assert(ike_proposal_select(&local, remote, n, IKEV2_DH_CURVE25519,
	    &c));
	cr_assert_eq(ike_chosen_get(&c, IKEV2_XF_DH)->id, IKEV2_DH_ECP256);
}

Test(ike_proposal, no_proposal_chosen_log_text)
{
	struct ike_chosen c;
	char line[512];
	size_t n = setup(IKEV2_PROTO_IKE, "aes256-sha1-modp2048",
	    "aes128-sha256-ecp256", 0, 0);

	cr_assert_not(ike_proposal_select(&local, remote, n, 0, &c));
	ike_proposal_mismatch(&local, remote, n, line, sizeof(line));
	cr_assert_str_eq(line, "received IKE:AES_CBC_128/HMAC_SHA2_256_128/"
	    "PRF_HMAC_SHA2_256/ECP_256; configured IKE:AES_CBC_256/"
	    "HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048");
	ike_proposal_mismatch(&local, remote, n, line, 24);
	cr_assert_eq(strlen(line), 23);
	cr_assert_str_eq(line + 20, "...");
}

/* What the peer sends and we do not know: a transform with an unknown
 * attribute is skipped (§3.3.6), an unknown transform type makes the whole
 * proposal unacceptable; unknown algorithms print by number. */
Test(ike_proposal, unknown_transforms)
{
	struct ike_transform xf[] = {
		{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_CBC, 256, true },
		{ IKEV2_XF_ENCR, 99, 0, false },
		{ IKEV2_XF_INTEG, IKEV2_AUTH_HMAC_SHA1_96, 0, false },
		{ IKEV2_XF_PRF, IKEV2_PRF_HMAC_SHA1, 0, false },
		{ IKEV2_XF_DH, IKEV2_DH_MODP2048, 0, false },
		{ 6, 1, 0, false },
	};
	struct ike_proposal r = { 1, IKEV2_PROTO_IKE, 0, 0, xf, 5 };
	struct ike_chosen c;

	setup(IKEV2_PROTO_IKE, "aes256-sha1-modp2048", "aes256-sha1-modp2048",
	    0, 0);
	cr_assert_not(ike_proposal_select(&local, &r, 1, 0, &c));
	xf[0].unknown_attr = false;
	cr_assert(ike_proposal_select(&local, &r, 1, 0, &c));
	r.n_xf = 6;
	cr_assert_not(ike_proposal_select(&local, &r, 1, 0, &c));
	ike_proposals_format(&r, 1, text, sizeof(text));
	cr_assert_str_eq(text, "IKE:AES_CBC_256/ENCR_99/HMAC_SHA1_96/"
	    "PRF_HMAC_SHA1/MODP_2048");
}

/* ESP: SPI and number come from the peer; ESN, PFS groups, INTEG NONE. */
Test(ike_proposal, esp_selection)
{
	struct ike_transform xf[] = {
		{ IKEV2_XF_ENCR, IKEV2_ENCR_AES_GCM_16, 256, false },
		{ IKEV2_XF_INTEG, IKEV2_AUTH_NONE, 0, false },
		{ IKEV2_XF_DH, IKEV2_DH_ECP256, 0, false },
		{ IKEV2_XF_DH, IKEV2_DH_NONE, 0, false },
		{ IKEV2_XF_ESN, IKEV2_ESN_YES, 0, false },
		{ IKEV2_XF_ESN, IKEV2_ESN_NO, 0, false },
	};
	struct ike_proposal r = { 1, IKEV2_PROTO_ESP, 4, 0xc001d00d, xf, 6 };
	struct ike_chosen c;
	size_t n, encr, integ;

	n = setup(IKEV2_PROTO_ESP, "aes256-sha1, aes256gcm16",
	    "aes256gcm16-esn-noesn", 4, 0xc001d00d);
	cr_assert(ike_proposal_select(&local, remote, n, 0, &c));
	cr_assert(c.num == 1 && c.spi_size == 4 && c.spi == 0xc001d00d);
	cr_assert_str_eq(chosen_text(&c), "ESP:AES_GCM_16_256/NO_EXT_SEQ");
	ike_chosen_key_lens(&c, &encr, &integ);
	cr_assert(encr == 36 && integ == 0);

	/* The peer's INTEG NONE and DH NONE are echoed; no PFS here. */
	cr_assert(ike_proposal_select(&local, &r, 1, 0, &c));
	cr_assert_str_eq(chosen_text(&c), "ESP:AES_GCM_16_256/NONE/NONE/"
	    "NO_EXT_SEQ");
	r.n_xf = 3;				/* PFS required: no match */
	cr_assert_not(ike_proposal_select(&local, &r, 1, 0, &c));

	/* An IKE proposal never matches an ESP set. */
	r.protocol = IKEV2_PROTO_IKE;
	r.n_xf = 6;
	cr_assert_not(ike_proposal_select(&local, &r, 1, 0, &c));

	n = setup(IKEV2_PROTO_ESP, "aes256-sha1", "aes256-sha1", 4, 1);
	cr_assert(ike_proposal_select(&local, remote, n, 0, &c));
	ike_chosen_key_lens(&c, &encr, &integ);
	cr_assert(encr == 32 && integ == 20);
}

Test(ike_proposal, key_lengths)
{
	static const struct {
		const char	*p;
		size_t		 encr, integ;
	} k[] = {
		{ "aes256-sha256-ecp256", 32, 32 },
		{ "aes128-sha1-ecp256", 16, 20 },
		{ "aes256-sha512-ecp256", 32, 64 },
		{ "aes128gcm16-prfsha256-ecp256", 20, 0 },
		{ "chacha20poly1305-prfsha256-x25519", 36, 0 },
	};
	struct ike_chosen c;
	size_t i, n, encr, integ;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		n = setup(IKEV2_PROTO_IKE, k[i].p, k[i].p, 0, 0);
		cr_assert(ike_proposal_select(&local, remote, n, 0, &c));
		ike_chosen_key_lens(&c, &encr, &integ);
		cr_assert(encr == k[i].encr && integ == k[i].integ, "%s",
		    k[i].p);
	}
}

/* The initiator accepts one proposal whose transforms it offered under
 * that number, one per type. */
Test(ike_proposal, initiator_checks_the_answer)
{
	struct ike_transform xf[IKEV2_XF_TYPE_MAX], bad[8];
	struct ike_proposal reply;
	struct ike_chosen c, got;
	const char *why;
	size_t n;

	n = setup(IKEV2_PROTO_IKE, "aes256-aes128-sha256-ecp256-x25519, "
	    "aes256gcm16-prfsha256-x25519", "aes256gcm16-prfsha256-x25519", 0,
	    0);
	cr_assert(ike_proposal_select(&local, remote, n, 0, &c));
	c.num = 2;				/* our second proposal */
	ike_chosen_view(&c, xf, &reply);
	cr_assert(ike_proposal_check_reply(&local, &reply, 1, &got, &why),
	    "%s", why);
	cr_assert_str_eq(chosen_text(&got),
	    "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519");

	reply.num = 1;				/* not what proposal 1 had */
	cr_assert_not(ike_proposal_check_reply(&local, &reply, 1, &got, &why));
	cr_assert_str_eq(why, "the answer chose algorithms that were not "
	    "offered");
	reply.num = 3;
	cr_assert_not(ike_proposal_check_reply(&local, &reply, 1, &got, &why));
	reply.num = 2;
	cr_assert_not(ike_proposal_check_reply(&local, &reply, 2, &got, &why));
	cr_assert_str_eq(why, "the answer must hold exactly one proposal");

	/* Two encryption algorithms in the answer. */
	memcpy(bad, xf, sizeof(xf));
	bad[reply.n_xf] = bad[0];
	reply.xf = bad;
	reply.n_xf++;
	cr_assert_not(ike_proposal_check_reply(&local, &reply, 1, &got, &why));
	cr_assert_str_eq(why, "the answer must hold one transform per type");
	/* A DH group missing from the answer. */
	reply.n_xf -= 2;
	cr_assert_not(ike_proposal_check_reply(&local, &reply, 1, &got, &why));
}
