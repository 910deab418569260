/*
 * ike/names.h — IKEv2 numbers as the RFCs name them, for one-line logs:
 * exchanges, payloads (strongSwan's short forms, so logs of both read
 * alike), notify types, and a summary of a parsed message.
 */
#ifndef UIPSEC_IKE_NAMES_H
#define UIPSEC_IKE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "ike/message.h"

/* "IKE_SA_INIT", ...; NULL for a number without a name. */
const char *ike_exchange_name(uint8_t exchange);
/* "SA", "KE", "No", "IDi", "N", "SK", ...; NULL if unknown. */
const char *ike_payload_name(uint8_t type);
/* "NO_PROPOSAL_CHOSEN", "NAT_DETECTION_SOURCE_IP", ...; NULL if unknown. */
const char *ike_notify_name(uint16_t type);

/* "IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) N(16430) ]":
 * exchange, direction, message ID and payloads in order (inner ones in
 * braces after SK once parsed: "[ SK { IDi AUTH } ]"; SKF(n/m) for a
 * fragment), unknown numbers in digits, cut with "..." to fit cap.
 * Returns out. */
const char *ike_msg_summary(const struct ike_msg *m, char *out, size_t cap);

#endif
