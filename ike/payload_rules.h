/*
 * ike/payload_rules.h — which payloads each exchange may carry (RFC 7296
 * §1.2–§1.5, §2.6, §2.16, RFC 6023), how many, and whether inside SK{}.
 * The rules live in one static table in payload_rules.c.
 *
 * Run the check on a complete message: for the encrypted exchanges, after
 * SK{} was authenticated, decrypted and its payloads appended with
 * ike_msg_parse_inner(). A violation is answered with INVALID_SYNTAX in an
 * authenticated exchange (§2.21.2/§2.21.3) and dropped in IKE_SA_INIT.
 */
#ifndef UIPSEC_IKE_PAYLOAD_RULES_H
#define UIPSEC_IKE_PAYLOAD_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "ike/message.h"

struct ike_rule_violation {
	uint8_t		 payload;	/* offending or missing type; 0: none */
	const char	*why;		/* static text for the log line */
};

/* True if m obeys the rules of its exchange type and direction (the R
 * flag). Otherwise false with *v saying which payload and why. */
bool	 ike_payload_rules_check(const struct ike_msg *m,
	    struct ike_rule_violation *v);

#endif
