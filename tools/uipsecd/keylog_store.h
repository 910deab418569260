/*
 * tools/uipsecd/keylog_store.h — `keylog { trace = yes }`: the keys of the
 * daemon's live IKE SAs and CHILD_SAs kept in memory, by peer, so that
 * `uipsec trace PEER` can ask for them over the control socket (`keys`,
 * doc/control.md) instead of needing a key-log file written from the start.
 * Records are filed by the IKE SA they belong to, under its peer's address
 * now: when a NAT mapping changes (RFC 7296 §2.23) every record of that IKE
 * SA follows, so `keys NEWADDR` finds the SAs made before the move too.
 *
 * Every record gets a sequence number: a client asks for what is newer
 * than the last number it saw, so SAs made while it traces (rekeys) reach
 * it too. What is stored:
 *   - a CHILD_SA (both directions) from its install until it is removed;
 *   - an IKE SA from its keys until it closes. An IKE SA that was rekeyed
 *     goes silently (its successor carries on): such predecessors are
 *     dropped when a successor with the same peer address and port closes,
 *     and at most KEYLOG_STORE_IKE_PER_PEER IKE SAs are kept per peer
 *     address and port (the oldest goes).
 * About 0.9 KB per tunnel (896 B measured, test_keylog_store). Records are
 * wiped when they go.
 */
#ifndef UIPSECD_KEYLOG_STORE_H
#define UIPSECD_KEYLOG_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tools/keylog/keylog.h"

#define KEYLOG_STORE_IKE_PER_PEER	4
#define KEYLOG_STORE_LABEL		64

struct keylog_store;

/* NULL when out of memory. Caller frees with keylog_store_free. */
struct keylog_store *keylog_store_new(void);
void	 keylog_store_free(struct keylog_store *s);	/* wipes; accepts NULL */

/* Copies the keys; label ("conn[7] IKE SA") is copied, cut to fit. -1 when
 * out of memory (the SA is then not traceable; nothing else changes). */
int	 keylog_store_ike(struct keylog_store *s, const struct keylog_ike *k,
	    uint64_t ike_id, const struct sockaddr_storage *remote,
	    const char *label);
/* esp[0]: outbound, esp[1]: inbound (its SPI names the CHILD_SA); ike_id:
 * the IKE SA it belongs to. A new record of an IKE SA at another address
 * than its older ones moves them there (as keylog_store_moved). */
int	 keylog_store_child(struct keylog_store *s,
	    const struct keylog_esp esp[2], uint64_t ike_id,
	    const struct sockaddr_storage *remote, const char *label);
/* The peer of IKE SA ike_id is at remote now (ike_io.peer_moved): its
 * records are filed there. Accepts NULL s. */
void	 keylog_store_moved(struct keylog_store *s, uint64_t ike_id,
	    const struct sockaddr_storage *remote);
void	 keylog_store_child_gone(struct keylog_store *s, uint32_t spi_in);
void	 keylog_store_ike_gone(struct keylog_store *s, uint64_t ike_id);

/* A stored record, borrowed for the call: ike, or esp[2] (out, in). */
typedef void keylog_store_fn(void *arg, uint64_t seq, const char *label,
	    const struct keylog_ike *ike, const struct keylog_esp *esp);
/* Calls fn for every record of the peer at `addr` now (family AF_INET or
 * AF_INET6; any port) numbered above `since`, oldest first. Returns how
 * many, or -1 when out of memory. */
int	 keylog_store_peer(const struct keylog_store *s, int family,
	    const uint8_t *addr, uint64_t since, keylog_store_fn *fn,
	    void *arg);
/* The number of the newest record ever stored (0: none yet). */
uint64_t keylog_store_seq(const struct keylog_store *s);
/* Records held (for tests and status). */
size_t	 keylog_store_count(const struct keylog_store *s);

#endif
