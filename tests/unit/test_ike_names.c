/*
 * Names for log lines: RFC 7296 tokens for exchanges and notify types,
 * strongSwan's payload abbreviations, the one-line message summary, and
 * the cut-with-"..." rule of the line builder.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/message.h"
#include "ike/names.h"
#include "ike/text.h"
#include "ike_testlib.h"

Test(ike_names, numbers_to_names)
{
	cr_assert_str_eq(ike_exchange_name(IKEV2_EXCH_IKE_AUTH), "IKE_AUTH");
	cr_assert_null(ike_exchange_name(0));
	cr_assert_str_eq(ike_payload_name(IKEV2_PL_NONCE), "No");
	cr_assert_str_eq(ike_payload_name(IKEV2_PL_SKF), "SKF");
	cr_assert_null(ike_payload_name(IKEV2_PL_GSPM));
	cr_assert_str_eq(ike_notify_name(IKEV2_N_NO_PROPOSAL_CHOSEN),
	    "NO_PROPOSAL_CHOSEN");
	cr_assert_str_eq(ike_notify_name(IKEV2_N_SIGNATURE_HASH_ALGORITHMS),
	    "SIGNATURE_HASH_ALGORITHMS");
	cr_assert_null(ike_notify_name(16500));
}

Test(ike_names, message_summary)
{
	static const struct ike_header h = { .spi_i = IKE_TEST_SPI_I,
	    .exchange = IKEV2_EXCH_IKE_SA_INIT, .flags = IKEV2_FLAG_RESPONSE };
	static struct ike_msg m;
	static uint8_t buf[2048];
	struct ike_payload pl[16];
	char line[256];
	size_t n = ike_sample_outer(pl, 16), len;

	pl[5].u.notify.type = 16500;		/* a number without a name */
	len = ike_build_sample(buf, sizeof(buf), &h, pl, n);
	cr_assert_eq(ike_msg_parse(&m, buf, len), IKE_PARSE_OK);
	ike_msg_summary(&m, line, sizeof(line));
	cr_assert_str_eq(line, "IKE_SA_INIT response 0 [ N(COOKIE) SA KE No "
	    "N(NAT_DETECTION_SOURCE_IP) N(16500) CERTREQ V ]");
	ike_msg_summary(&m, line, 24);
	cr_assert_str_eq(line, "IKE_SA_INIT response...");
	m.hdr.exchange = 99;
	m.n_payloads = 0;
	ike_msg_summary(&m, line, sizeof(line));
	cr_assert_str_eq(line, "exchange 99 response 0 [ ]");
}

Test(ike_names, text_append_cuts_with_ellipsis)
{
	char out[8];
	size_t off = 0;

	ike_text_append(out, sizeof(out), &off, "%s", "abc");
	cr_assert_str_eq(out, "abc");
	cr_assert_eq(off, 3);
	ike_text_append(out, sizeof(out), &off, "%d", 1234);
	cr_assert_str_eq(out, "abc1234");
	ike_text_append(out, sizeof(out), &off, "x");
	cr_assert_str_eq(out, "abc1...");
	ike_text_append(out, sizeof(out), &off, "more");
	cr_assert_str_eq(out, "abc1...");
}
