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

#endif
