/*
 * tools/uipsecd/ike_cfg.c — the `ike` section of uipsecd's own file, which
 * points at a swanctl.conf (kept pure swanctl syntax, so that the same
 * file can drive strongSwan) and at the credentials tree:
 *
 *   ike {
 *     swanctl_conf = swanctl.conf   # relative to this file's directory
 *     swanctl_dir = /etc/swanctl    # default: the swanctl.conf's directory
 *   }
 *
 * The swanctl.conf is loaded here, so that a configuration that loads is
 * one the daemon can run; its errors carry its own file and line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike.h"

static const struct conf_rule ike_rules[] = {
	{ "swanctl_conf", CONF_KEY, true },
	{ "swanctl_dir", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};

int
cfg_path_relative(const char *file, const char *name, char *out, size_t cap)
{
	const char *slash = strrchr(file, '/');
	int n;

	if (name[0] == '/' || !slash)
		n = snprintf(out, cap, "%s", name);
	else
		n = snprintf(out, cap, "%.*s/%s", (int)(slash - file), file,
		    name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static const char *
value(const struct conf_node *sec, const char *name)
{
	const struct conf_node *n = conf_find(sec, name);

	return n && !conf_is_section(n) ? n->value : NULL;
}

void
cfg_ike_get(const struct conf_node *root, struct cfg *cfg,
    struct conf_errors *err)
{
	const struct conf_node *sec = conf_find(root, "ike");
	const char *conf, *dir;
	struct cfg_ike *ike;

	if (!sec || !conf_is_section(sec) || conf_check(sec, ike_rules, err))
		return;
	if (!(ike = calloc(1, sizeof(*ike)))) {
		conf_err(err, sec, "out of memory");
		return;
	}
	conf = value(sec, "swanctl_conf");
	dir = value(sec, "swanctl_dir");
	if (cfg_path_relative(sec->file, conf, ike->swanctl_conf,
	    sizeof(ike->swanctl_conf)) < 0 || (dir && cfg_path_relative(sec->file,
	    dir, ike->swanctl_dir, sizeof(ike->swanctl_dir)) < 0)) {
		conf_err(err, sec, "ike: path too long");
		free(ike);
		return;
	}
	if (ike_config_read(&ike->ike, ike->swanctl_conf, dir ?
	    ike->swanctl_dir : NULL, err) < 0) {
		free(ike);
		return;
	}
	if (ike->ike.n_conns == 0)
		conf_err(err, sec, "ike: %s defines no connections",
		    ike->swanctl_conf);
	cfg->ike = ike;
}

void
cfg_ike_free(struct cfg *cfg)
{
	if (!cfg->ike)
		return;
	ike_config_free(&cfg->ike->ike);
	free(cfg->ike);
	cfg->ike = NULL;
}
