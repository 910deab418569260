/*
 * ike/proposal.h — proposals: strongSwan's proposal strings parsed into
 * transform lists, selection of one algorithm per transform type (RFC 7296
 * §2.7, §3.3), the initiator's check of the answer, and the log text for
 * NO_PROPOSAL_CHOSEN.
 *
 * Selection follows strongSwan's default (charon.prefer_configured_proposals
 * = yes, docs.strongswan.org "Proposal Selection"): the first configured
 * proposal that one of the received proposals accepts, and within it the
 * first configured algorithm of each kind that the received proposal also
 * offers. One refinement: when the KE payload's group is acceptable in the
 * matching pair, it is chosen over the first configured group, sparing the
 * INVALID_KE_PAYLOAD round trip (RFC 7296 §1.2 leaves the choice to the
 * responder; strongSwan would ask for its own first group).
 */
#ifndef UIPSEC_IKE_PROPOSAL_H
#define UIPSEC_IKE_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/ikev2_wire.h"
#include "ike/message.h"

/* Capacities of a configured proposal set. */
#define IKE_PROPOSALS_MAX	8	/* comma-separated proposals */
#define IKE_PROPOSAL_XF_MAX	16	/* algorithms in one proposal */

/* One configured proposal, transforms grouped ENCR, INTEG, PRF, DH, ESN,
 * each group in configured (preference) order. Plain data: copyable. */
struct ike_proposal_cfg {
	size_t			n_xf;
	struct ike_transform	xf[IKE_PROPOSAL_XF_MAX];
};

struct ike_proposal_set {
	uint8_t			protocol;	/* IKEV2_PROTO_IKE or _ESP */
	size_t			n;
	struct ike_proposal_cfg	p[IKE_PROPOSALS_MAX];
};

/* The negotiated algorithms: one per transform type, indexed by type
 * (xf[IKEV2_XF_ENCR]...); a type that is absent has xf[t].type == 0. The
 * proposal number, protocol and SPI are those of the peer's proposal. */
struct ike_chosen {
	uint8_t			num;
	uint8_t			protocol;
	uint8_t			spi_size;
	uint64_t		spi;
	struct ike_transform	xf[IKEV2_XF_TYPE_MAX + 1];
};

/*
 * Parses a comma-separated list of strongSwan proposals for `protocol`:
 * "aes256-sha256-ecp256, aes256gcm16-prfsha256-x25519" (IKE) or
 * "aes256gcm16-esn-noesn, aes256-sha1" (ESP). As strongSwan does: an IKE
 * proposal without PRF takes the PRFs of its integrity algorithms; an AEAD
 * proposal drops integrity algorithms (after lending them as PRFs); an ESP
 * proposal without esn/noesn gets noesn; repeated keywords count once.
 * AEAD and classic ciphers cannot share a proposal. Returns 0, or -1 with
 * a message naming the proposal and keyword in err.
 */
int	 ike_proposals_parse(struct ike_proposal_set *set, uint8_t protocol,
	    const char *text, char *err, size_t errlen);

/* Fills out[0..set->n) with wire views of the set (numbered from 1, with
 * the given SPI), for an SA payload. out borrows from set. */
size_t	 ike_proposals_view(const struct ike_proposal_set *set,
	    uint8_t spi_size, uint64_t spi,
	    struct ike_proposal out[IKE_PROPOSALS_MAX]);

/* Responder (§2.7): chooses from the peer's proposals; ke_group is the KE
 * payload's group, or 0. False: NO_PROPOSAL_CHOSEN. */
bool	 ike_proposal_select(const struct ike_proposal_set *local,
	    const struct ike_proposal *remote, size_t n_remote,
	    uint16_t ke_group, struct ike_chosen *out);

/* Initiator (§2.7, §3.3.1): the responder's answer must be one proposal,
 * with one transform of each type, all from the proposal we sent under
 * its number. False with *why (static text) otherwise. */
bool	 ike_proposal_check_reply(const struct ike_proposal_set *offered,
	    const struct ike_proposal *reply, size_t n_reply,
	    struct ike_chosen *out, const char **why);

/* The first DH group of a set (the KE to send), or 0 if none. */
uint16_t ike_proposals_first_group(const struct ike_proposal_set *set);

/* The chosen algorithm of `type`, or NULL if absent. */
const struct ike_transform *ike_chosen_get(const struct ike_chosen *c,
	    uint8_t type);
/* Key lengths of the chosen encryption (with salt) and integrity (0 for
 * an AEAD) algorithms, for keys.h. */
void	 ike_chosen_key_lens(const struct ike_chosen *c, size_t *encr_len,
	    size_t *integ_len);
/* A one-proposal wire view of c, for the responder's SA payload; xf is
 * the storage it points into. Returns the number of transforms. */
size_t	 ike_chosen_view(const struct ike_chosen *c,
	    struct ike_transform xf[IKEV2_XF_TYPE_MAX], struct ike_proposal *out);

/* "IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048, IKE:..." as
 * strongSwan logs proposal lists; cut short with "..." if cap is small.
 * Returns out. */
const char *ike_proposals_format(const struct ike_proposal *p, size_t n,
	    char *out, size_t cap);
/* The NO_PROPOSAL_CHOSEN log text: "received <list>; configured <list>". */
const char *ike_proposal_mismatch(const struct ike_proposal_set *local,
	    const struct ike_proposal *remote, size_t n_remote, char *out,
	    size_t cap);

#endif
