/*
 * tools/uipsecd/ike_glue_internal.h — the glue's state, shared by
 * ike_glue.c (engine callbacks, sockets, timers) and ike_glue_status.c
 * (what `status` shows of it).
 */
#ifndef UIPSECD_IKE_GLUE_INTERNAL_H
#define UIPSECD_IKE_GLUE_INTERNAL_H

#include "config.h"
#include "ike_glue.h"
#include "sad.h"

/* One installed CHILD_SA as the data plane sees it; allocated per
 * CHILD_SA, listed in ike_glue.children. */
struct glue_child {
	struct glue_child *prev, *next;
	struct cfg_conn	 k;		/* sad_add borrows it until removal */
	char		 conn[IKE_NAME_MAX];
	uint64_t	 ike_id;
	uint64_t	 installed_ms;
	bool		 has_vip;	/* ours, put on the TUN for it */
	struct tun_prefix vip;
};

/* Per connection: set-up attempts and when to initiate again. */
struct glue_conn {
	unsigned	 tries;		/* failed set-ups in a row */
	uint64_t	 retry_ms;	/* 0: nothing scheduled */
	bool		 held_down;	/* `uipsec down`: no restarts */
	bool		 initiating;	/* we started the set-up under way */
};

struct ike_glue {
	struct daemon		*d;
	const struct ike_config	*cfg;
	struct glue_conn	*conns;		/* cfg->n_conns of them */
	struct ike_engine	*e;
	int			 fd500;
	struct sockaddr_storage	 local500, local4500;
	struct glue_child	*children;	/* newest first */
	uint8_t			 buf[65536];
};

#endif
