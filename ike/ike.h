/*
 * ike/ike.h — the one public header of libuipsec_ike (IKEv2, RFC 7296).
 *
 * The daemon-facing interface (connections from configuration, the IKE SA
 * manager with its exchanges and timers, what `uipsec status` reads) is
 * declared here as it is written; nothing outside ike/ should include the
 * headers below. What exists so far, each an internal building block that
 * ike/ and tests/ use directly:
 *
 *   ikev2_wire.h     every on-the-wire number of RFC 7296 §3 and extensions
 *   message.h        the message codec: IKE header and payloads <-> structs
 *   payload_sk.h     SK{}/SKF{} layout: IV, encrypted part, padding, ICV
 *   payload_rules.h  which payloads each exchange carries, how many, where
 *   prf.h, keys.h    prf, prf+, SKEYSEED, SK_*, CHILD_SA KEYMAT
 *   dh.h             DH groups 14, 19, 31 with peer value checks
 *   proposal.h       strongSwan proposal strings, selection, answer check
 *   transforms.h     keyword, name and key length of every transform
 *   names.h, text.h  names and one-line summaries for logs
 */
#ifndef UIPSEC_IKE_H
#define UIPSEC_IKE_H

#endif
