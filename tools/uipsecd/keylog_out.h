/*
 * tools/uipsecd/keylog_out.h — uipsecd's opt-in key log: every IKE SA and
 * CHILD_SA as it is made, in uipsec's format and in Wireshark's tables
 * (tools/keylog, doc/keylog.md). Whoever reads these files can decrypt
 * the traffic: opening one logs a warning.
 */
#ifndef UIPSECD_KEYLOG_OUT_H
#define UIPSECD_KEYLOG_OUT_H

#include "config.h"
#include "ike/ike.h"

struct keylog_out;

/* Opens what cfg names (appending; new files mode 0600). NULL and a log
 * line if a file cannot be opened. Caller frees with keylog_out_close. */
struct keylog_out *keylog_out_open(const struct cfg_keylog *cfg);
/* Accepts NULL. */
void	 keylog_out_close(struct keylog_out *o);
/* One IKE SA (ike_io.ike_keys) or one CHILD_SA, both directions
 * (ike_io.child_install). o may be NULL (no key log): nothing happens.
 * A write error is logged once per file. */
void	 keylog_out_ike(struct keylog_out *o, const struct ike_keys_report *k);
void	 keylog_out_child(struct keylog_out *o,
	    const struct ike_child_install *c);

/* keylog { trace = yes } (keylog_store.h): the keys of live SAs are also
 * kept in memory; these drop them when the SA goes (o may be NULL). */
void	 keylog_out_child_gone(struct keylog_out *o, uint32_t spi_in);
void	 keylog_out_ike_gone(struct keylog_out *o, uint64_t ike_id);
/* ike_io.peer_moved: the records of IKE SA ike_id are filed under the
 * peer's new address, so that `keys NEWADDR` finds them all. */
void	 keylog_out_peer_moved(struct keylog_out *o, uint64_t ike_id,
	    const struct sockaddr_storage *remote);

/* The control command `keys PEER [SINCE]` (doc/control.md): the records of
 * peer's live SAs numbered above since, as lines of uipsec's key log, each
 * after a comment "# SEQ conn[id] WHAT"; msg gets "ok seq N" (N: the
 * newest number, for the next SINCE). Refused (403) unless trace = yes;
 * a warning is logged whenever keys are handed out. Returns the code. */
struct control_reply;
int	 keylog_out_keys(struct keylog_out *o, const char *peer,
	    uint64_t since, struct control_reply *r, char *msg, size_t cap);

#endif
