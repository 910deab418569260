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
#include "tun/tun.h"

static bool
is_manual(const struct daemon *d, const struct sad_conn *c)
{
	return d->cfg->nconns && c->cfg >= d->cfg->conns &&
	    c->cfg < d->cfg->conns + d->cfg->nconns;
}

static void
manual_children(const struct daemon *d, bool json, struct control_reply *r)
{
	unsigned i, last = 0, n = 0;

	for (i = 0; i < d->sad.nconns; i++)
		if (is_manual(d, d->sad.conns[i]))
			last = i, n++;
	if (json)
		control_line(r, " \"manual_sas\": [");
	else if (n)
		control_line(r, "manual SAs (%u):", n);
	for (i = 0; i < d->sad.nconns; i++)
		if (is_manual(d, d->sad.conns[i]))
			status_child(r, d->sad.conns[i], json, i == last,
			    NULL);
	if (json)
		control_line(r, " ],");
}

static void
d_status(void *arg, bool json, struct control_reply *r)
{
	struct daemon *d = arg;
	const char *tun = d->tun ? tun_name(d->tun) : "-";

	if (json)
		control_line(r, "{\"version\": %d,", CONTROL_VERSION);
	ike_glue_status(d->ike, json, r);
	manual_children(d, json, r);
	if (json)
		control_line(r, " \"dataplane\": {");
	status_dataplane(r, &d->dp, tun, d->mtu, json);
	if (json)
		control_line(r, " }}");
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
d_rekey(void *arg, const char *name, bool ike, char *msg, size_t cap)
{
	struct daemon *d = arg;

	if (!d->ike || manual_conn(d, name)) {
		snprintf(msg, cap, "no IKE connection '%s'", name);
		return CONTROL_NOT_FOUND;
	}
	return ike_glue_rekey(d->ike, name, ike, msg, cap);
}

int
daemon_control_open(struct daemon *d, const char *path)
{
	struct control_handlers h = {
		.arg = d, .status = d_status, .up = d_up, .down = d_down,
		.rekey = d_rekey,
	};

	d->ctl = control_open(path, &h);
	return d->ctl ? 0 : -1;
}
