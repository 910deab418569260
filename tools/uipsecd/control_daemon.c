/*
 * tools/uipsecd/control_daemon.c — the control socket's handlers for a
 * running daemon: `status` walks the IKE SAs (ike_glue.h, when IKE runs)
 * and the SA database; `up`/`down` go to the IKE engine. Manual SAs are
 * always up: `down` of one is refused rather than pretended.
 */
#include "control_status.h"

#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "ike_glue.h"
#include "keylog_out.h"
#include "tun/tun.h"

static void
manual_children(const struct daemon *d, bool json, struct control_reply *r)
{
	unsigned i, last = 0, n = 0;

	for (i = 0; i < d->sad.nconns; i++)	/* manual: no owner */
		if (!d->sad.conns[i]->owner)
			last = i, n++;
	if (json)
		control_line(r, " \"manual_sas\": [");
	else if (n)
		control_line(r, "manual SAs (%u):", n);
	for (i = 0; i < d->sad.nconns; i++)
		if (!d->sad.conns[i]->owner)
			status_child(r, d->sad.conns[i], json, i == last,
			    NULL);
	if (json)
		control_line(r, " ],");
}

/* A streamed status (control.h): the cursor holds the phase, whether an
 * SA object went out already (JSON commas) and the engine's place. */
enum { PHASE_HEAD, PHASE_SAS, PHASE_TAIL };
#define PHASE_SHIFT	60
#define WRITTEN_BIT	(1ULL << 59)

static void
status_tail(struct daemon *d, const struct control_status_req *q,
    const struct ike_status_filter *f, struct control_reply *r)
{
	const char *tun = d->tun ? tun_name(d->tun) : "-";

	if (q->json && !q->count)
		control_line(r, " ],");
	/* A filter is about IKE SAs: what is not one is left out. */
	if (!q->count && !f->any) {
		ike_glue_status_conns(d->ike, q->json, r);
		manual_children(d, q->json, r);
	}
	ike_glue_status_summary(d->ike, f, q->json, r);
	if (q->json)
		control_line(r, " \"dataplane\": {");
	if (q->json || (!q->count && !f->any))
		status_dataplane(r, &d->dp, tun, d->mtu, q->json);
	if (q->json)
		control_line(r, " }}");
}

static int
d_status(void *arg, struct control_status_req *q, struct control_reply *r)
{
	struct daemon *d = arg;
	struct ike_status_filter f;
	unsigned phase = (unsigned)(q->cursor >> PHASE_SHIFT);
	uint64_t pos = q->cursor & (WRITTEN_BIT - 1);
	bool written = q->cursor & WRITTEN_BIT;

	if (!ike_glue_status_filter(q, &f))
		return CONTROL_BAD_REQUEST;
	if (phase == PHASE_HEAD) {
		if (q->json)
			control_line(r, "{\"version\": %d,", CONTROL_VERSION);
		if (q->json && !q->count)
			control_line(r, " \"ike_sas\": [");
		phase = q->count ? PHASE_TAIL : PHASE_SAS;
	} else if (phase == PHASE_SAS) {
		if (ike_glue_status_sas(d->ike, &f, q->json, &pos, &written, r))
			phase = PHASE_TAIL;
	} else {
		status_tail(d, q, &f, r);
		q->done = true;
	}
	q->cursor = (uint64_t)phase << PHASE_SHIFT |
	    (written ? WRITTEN_BIT : 0) | pos;
	return CONTROL_OK;
}

static const struct cfg_conn *
manual_conn(const struct daemon *d, const char *name)
{
	unsigned i;

	for (i = 0; i < d->cfg->nconns; i++)
		if (!strcmp(d->cfg->conns[i].name, name))
			return &d->cfg->conns[i];
	return NULL;
}

static int
up_down(struct daemon *d, const char *name, bool up, char *msg, size_t cap)
{
	if (manual_conn(d, name)) {
		snprintf(msg, cap, "'%s' is manually keyed: %s", name, up ?
		    "it is always up" : "it cannot be taken down at run time");
		return up ? CONTROL_OK : CONTROL_CONFLICT;
	}
	if (!d->ike) {
		snprintf(msg, cap, "no connection '%s' (no IKE configured)",
		    name);
		return CONTROL_NOT_FOUND;
	}
	return ike_glue_up_down(d->ike, name, up, msg, cap);
}

static int
d_up(void *arg, const char *name, char *msg, size_t cap)
{
	return up_down(arg, name, true, msg, cap);
}

static int
d_down(void *arg, const char *name, char *msg, size_t cap)
{
	return up_down(arg, name, false, msg, cap);
}

static int
d_rekey(void *arg, const char *name, const char *child, bool ike, char *msg,
    size_t cap)
{
	struct daemon *d = arg;

	if (!d->ike || manual_conn(d, name)) {
		snprintf(msg, cap, "no IKE connection '%s'", name);
		return CONTROL_NOT_FOUND;
	}
	return ike_glue_rekey(d->ike, name, child, ike, msg, cap);
}

static int
d_keys(void *arg, const char *peer, uint64_t since, struct control_reply *r,
    char *msg, size_t cap)
{
	struct daemon *d = arg;

	return keylog_out_keys(d->keylog, peer, since, r, msg, cap);
}

int
daemon_control_open(struct daemon *d, const char *path)
{
	struct control_handlers h = {
		.arg = d, .status = d_status, .up = d_up, .down = d_down,
		.rekey = d_rekey, .keys = d_keys,
	};

	d->ctl = control_open(path, &h);
	return d->ctl ? 0 : -1;
}
