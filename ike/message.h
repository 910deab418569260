/*
 * ike/message.h — the IKEv2 message codec (RFC 7296 §3): the IKE header and
 * every payload, parsed into plain structs and built back from them.
 *
 * Validate, then process. ike_msg_parse() decodes and checks every length,
 * count and range of the header and of the payloads outside SK{}; nothing
 * here interprets a payload's meaning. Reserved bits and fields are ignored
 * on receipt and written as zero (§2.5, §3.2). An unknown payload type is
 * skipped unless its critical bit is set, which yields IKE_PARSE_CRITICAL so
 * that the exchange can answer UNSUPPORTED_CRITICAL_PAYLOAD (§2.5).
 *
 * Zero copy, no allocation. Byte strings in the parsed structs (nonces, KE
 * data, IDs, certificates, SK{} contents...) are views into the message
 * buffer, borrowed until that buffer is reused. Lists (proposals,
 * transforms, traffic selectors, configuration attributes) live in fixed
 * arrays inside struct ike_msg, so a struct ike_msg must not be copied or
 * moved after parsing: its payloads point into itself. A message needing
 * more than the capacities below is refused with IKE_PARSE_TOO_MANY.
 *
 * The encrypted payload is parsed in two steps (authenticate before you
 * parse): ike_msg_parse() records SK (or SKF) with its body as a view;
 * after the ICV has been verified and the body decrypted, the caller hands
 * the plaintext to ike_msg_parse_inner(), which appends the inner payloads
 * with in_sk set. Which payloads an exchange may carry is checked afterwards
 * by ike_payload_rules_check() (payload_rules.h).
 */
#ifndef UIPSEC_IKE_MESSAGE_H
#define UIPSEC_IKE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "ike/view.h"

/* Capacities of one message (limits, not estimates). strongSwan's default
 * IKE proposal set is 2 proposals of ~30 transforms; an IKE_AUTH message
 * with a 3-certificate chain and ten notifies has about 20 payloads. */
#define IKE_MSG_MAX_PAYLOADS	40
#define IKE_MSG_MAX_PROPOSALS	32
#define IKE_MSG_MAX_TRANSFORMS	160
#define IKE_MSG_MAX_TS		32
#define IKE_MSG_MAX_CFG_ATTRS	32

enum ike_parse_status {
	IKE_PARSE_OK = 0,
	IKE_PARSE_MALFORMED,	/* truncated, or a length disagrees with its container */
	IKE_PARSE_SYNTAX,	/* a field outside what the RFC allows (INVALID_SYNTAX) */
	IKE_PARSE_VERSION,	/* major version is not 2 (INVALID_MAJOR_VERSION, §2.5) */
	IKE_PARSE_CRITICAL,	/* unknown critical payload (UNSUPPORTED_CRITICAL_PAYLOAD) */
	IKE_PARSE_TOO_MANY,	/* more than a capacity above */
};

/* IKE header (§3.1). */
struct ike_header {
	uint64_t	spi_i;
	uint64_t	spi_r;
	uint8_t		next_payload;
	uint8_t		version;	/* major << 4 | minor, as on the wire */
	uint8_t		exchange;	/* IKEV2_EXCH_* */
	uint8_t		flags;		/* IKEV2_FLAG_*; reserved bits cleared */
	uint32_t	msg_id;
	uint32_t	length;
};

/* Transform substructure (§3.3.2) with its attributes (§3.3.5). */
struct ike_transform {
	uint8_t		type;		/* IKEV2_XF_* */
	uint16_t	id;
	uint16_t	key_bits;	/* Key Length attribute; 0 = absent */
	bool		unknown_attr;	/* an attribute we do not know: the
					 * transform must be rejected (§3.3.6) */
};

/* Proposal substructure (§3.3.1). */
struct ike_proposal {
	uint8_t		 num;
	uint8_t		 protocol;	/* IKEV2_PROTO_* */
	uint8_t		 spi_size;	/* 0, 4 or 8 */
	uint64_t	 spi;
	const struct ike_transform *xf;
	size_t		 n_xf;
};

/* Traffic selector (§3.13.1). Unknown selector types keep only `type`
 * and cannot be built. */
struct ike_ts {
	uint8_t		type;		/* IKEV2_TS_IPV4/IPV6_ADDR_RANGE */
	uint8_t		ip_proto;	/* 0 = any */
	uint16_t	start_port;
	uint16_t	end_port;
	uint8_t		start_addr[16];	/* 4 bytes used for IPv4 */
	uint8_t		end_addr[16];
};

/* Configuration attribute (§3.15.1). */
struct ike_cfg_attr {
	uint16_t	type;		/* IKEV2_CFG_*; R bit cleared */
	struct ike_view	value;
};

struct ike_pl_sa {
	const struct ike_proposal *prop;
	size_t		 n_prop;
};

struct ike_pl_ke {			/* §3.4 */
	uint16_t	group;
	struct ike_view	data;
};

struct ike_pl_typed {			/* ID §3.5, AUTH §3.8, CERT §3.6, CERTREQ §3.7 */
	uint8_t		type;		/* ID type / auth method / cert encoding */
	struct ike_view	data;
};

struct ike_pl_notify {			/* §3.10 */
	uint8_t		protocol;
	uint16_t	type;		/* IKEV2_N_* */
	struct ike_view	spi;		/* 0, 4 or 8 bytes */
	struct ike_view	data;
};

struct ike_pl_delete {			/* §3.11 */
	uint8_t		protocol;
	uint8_t		spi_size;	/* 0 for IKE, 4 for AH/ESP */
	uint16_t	n_spi;
	struct ike_view	spis;		/* n_spi * spi_size bytes */
};

struct ike_pl_ts {			/* §3.13 */
	const struct ike_ts *ts;
	size_t		 n_ts;
};

struct ike_pl_cp {			/* §3.15 */
	uint8_t		 cfg_type;	/* IKEV2_CFG_REQUEST... */
	const struct ike_cfg_attr *attr;
	size_t		 n_attr;
};

struct ike_pl_sk {			/* §3.14, RFC 7383 §2.5 */
	uint8_t		first_inner;	/* Next Payload: first payload inside */
	uint16_t	frag_num;	/* SKF only; 0 for SK */
	uint16_t	frag_total;
	struct ike_view	data;		/* IV | encrypted | ICV */
};

struct ike_payload {
	uint8_t		type;		/* IKEV2_PL_* */
	bool		critical;	/* as received; written as given */
	bool		in_sk;		/* came out of SK{} */
	struct ike_view	body;		/* after the generic header (parsed only) */
	union {
		struct ike_pl_sa	sa;
		struct ike_pl_ke	ke;
		struct ike_pl_typed	id;	/* IDi, IDr */
		struct ike_pl_typed	cert;	/* CERT, CERTREQ */
		struct ike_pl_typed	auth;
		struct ike_view		nonce;
		struct ike_pl_notify	notify;
		struct ike_pl_delete	del;
		struct ike_view		vendor;
		struct ike_pl_ts	ts;	/* TSi, TSr */
		struct ike_pl_sk	sk;	/* SK, SKF */
		struct ike_pl_cp	cp;
		struct ike_view		eap;
	} u;
};

struct ike_msg {
	struct ike_header	 hdr;
	struct ike_view		 raw;		/* the whole message, borrowed */
	size_t			 n_payloads;
	struct ike_payload	 pl[IKE_MSG_MAX_PAYLOADS];
	size_t			 n_skipped;	/* unknown non-critical payloads */
	/* Why parsing stopped, for the log line: a static string, and the
	 * payload type being parsed (0: the header). With IKE_PARSE_CRITICAL,
	 * error_type is the unsupported payload type to report. */
	const char		*error;
	uint8_t			 error_type;
	/* Storage the payloads' lists point into. */
	size_t			 n_prop, n_xf, n_ts, n_attr;
	struct ike_proposal	 prop[IKE_MSG_MAX_PROPOSALS];
	struct ike_transform	 xf[IKE_MSG_MAX_TRANSFORMS];
	struct ike_ts		 ts[IKE_MSG_MAX_TS];
	struct ike_cfg_attr	 attr[IKE_MSG_MAX_CFG_ATTRS];
};

const char *ike_parse_status_str(enum ike_parse_status st);

/* Decodes the 28-byte header of a datagram of `len` bytes; checks the major
 * version, the Length field against len, and a nonzero SPIi. *why (may be
 * NULL) gets a static reason on failure. */
enum ike_parse_status ike_header_parse(struct ike_header *h, const uint8_t *p,
	    size_t len, const char **why);

/* Parses a whole datagram (without the non-ESP marker). p is borrowed for as
 * long as m is used. On failure m->error says why. */
enum ike_parse_status ike_msg_parse(struct ike_msg *m, const uint8_t *p,
	    size_t len);

/* Parses the decrypted inner payload chain of SK{} (first payload type from
 * SK's Next Payload, padding already removed) and appends it to m with
 * in_sk set. p is borrowed for as long as m is used. */
enum ike_parse_status ike_msg_parse_inner(struct ike_msg *m, uint8_t first,
	    const uint8_t *p, size_t len);

/* The next payload of `type` after `prev` (NULL: from the start), or NULL.
 * Borrowed from m. */
const struct ike_payload *ike_msg_next(const struct ike_msg *m, uint8_t type,
	    const struct ike_payload *prev);
/* The first Notify of `ntype`, or NULL. */
const struct ike_payload *ike_msg_notify(const struct ike_msg *m,
	    uint16_t ntype);

/*
 * Builder: a message (header + payload chain) or a bare payload chain (the
 * plaintext of SK{}) written into a caller-owned buffer. Each payload's Next
 * Payload field is patched when the following one is added. Failures
 * (overflow, a value that cannot be encoded) are sticky; finish reports them.
 */
struct ike_builder {
	struct buf_writer	 w;
	uint8_t			*next_at;	/* Next Payload field to patch */
	uint8_t			*len_at;	/* IKE header Length; NULL: chain */
	size_t			 sk_off;	/* open SK{}: its header and IV */
	size_t			 sk_iv_off;	/* (payload_sk.c) */
	uint8_t			 first;		/* type of the first payload */
	bool			 sealed;	/* SK/SKF written: it must be last */
	bool			 failed;
};

/* Starts a message with header h. Next Payload and Length are filled in;
 * the version is always 2.0 (§3.1) and reserved flag bits are cleared. */
void	 ike_build_msg(struct ike_builder *b, void *buf, size_t cap,
	    const struct ike_header *h);
/* Starts a bare chain. */
void	 ike_build_chain(struct ike_builder *b, void *buf, size_t cap);
/* Appends one payload from its struct (p->body is not used). SK and SKF
 * close the chain: their Next Payload is u.sk.first_inner. */
bool	 ike_build_payload(struct ike_builder *b, const struct ike_payload *p);
/* Writes the header's Length. Returns the bytes written, or -1. */
long	 ike_build_finish(struct ike_builder *b);

/* A bare chain kept to be appended to a message later (a response whose
 * first payloads wait for something, exchange_auth.c): its payloads'
 * octets, the type of the first, and where the last one's Next Payload
 * field is. */
struct ike_chain {
	uint8_t		*p;		/* owned */
	size_t		 len;
	size_t		 last_next;	/* offset of the last Next Payload */
	uint8_t		 first;		/* IKEV2_PL_NONE: empty */
};
/* A copy of the chain built in b (ike_build_chain, not failed) into *out:
 * 0, or -1 (no memory, or b failed). */
int	 ike_chain_keep(const struct ike_builder *b, struct ike_chain *out);
/* Appends c's payloads to b as if each was added with ike_build_payload. */
bool	 ike_build_append(struct ike_builder *b, const struct ike_chain *c);
/* Frees c's octets; accepts an empty chain. */
void	 ike_chain_free(struct ike_chain *c);

#endif
