/*
 * tools/uipsecd/keylog_cfg.c — the `keylog` section of uipsecd's file:
 * opt-in key logs for decrypting captures (doc/keylog.md). Without the
 * section no key is ever written.
 *
 *   keylog {
 *     file = keys.log            # uipsec's key log, relative to this file
 *     wireshark_dir = wireshark  # ikev2_decryption_table and esp_sa here
 *     trace = yes                # keys of live SAs for `uipsec trace`
 *   }
 *
 * At least one of the three; the files are appended to, created mode
 * 0600; trace keeps the keys of live SAs in memory and hands them out on
 * the control socket (root only) to `uipsec trace`.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

static const struct conf_rule keylog_rules[] = {
	{ "file", CONF_KEY, false },
	{ "wireshark_dir", CONF_KEY, false },
	{ "trace", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};

static int
keylog_path(const struct conf_node *sec, const char *name, char *out,
    size_t cap, struct conf_errors *err)
{
	const struct conf_node *n = conf_find(sec, name);

	if (n == NULL || conf_is_section(n))
		return 0;
	if (n->value[0] == '\0' ||
	    cfg_path_relative(sec->file, n->value, out, cap) < 0) {
		conf_err(err, n, "keylog.%s: '%s' is not a usable path", name,
		    n->value);
		return -1;
	}
	return 1;
}

/* trace = yes|no: 1, 0 (absent or no), -1 after an error. */
static int
keylog_trace(const struct conf_node *sec, struct conf_errors *err)
{
	const struct conf_node *n = conf_find(sec, "trace");

	if (n == NULL || conf_is_section(n) || !strcmp(n->value, "no"))
		return 0;
	if (!strcmp(n->value, "yes"))
		return 1;
	conf_err(err, n, "keylog.trace: want yes or no, not '%s'", n->value);
	return -1;
}

void
cfg_keylog_get(const struct conf_node *root, struct cfg *cfg,
    struct conf_errors *err)
{
	const struct conf_node *sec = conf_find(root, "keylog");
	struct cfg_keylog *k;
	int a, b, t;

	if (!sec || !conf_is_section(sec) ||
	    conf_check(sec, keylog_rules, err))
		return;
	if (!(k = calloc(1, sizeof(*k)))) {
		conf_err(err, sec, "out of memory");
		return;
	}
	a = keylog_path(sec, "file", k->file, sizeof(k->file), err);
	b = keylog_path(sec, "wireshark_dir", k->wireshark_dir,
	    sizeof(k->wireshark_dir), err);
	t = keylog_trace(sec, err);
	if (a == 0 && b == 0 && t == 0)
		conf_err(err, sec, "keylog: give file, wireshark_dir, "
		    "trace = yes, or several");
	if (a <= 0 && b <= 0 && t <= 0) {
		free(k);
		return;
	}
	k->trace = t > 0;
	cfg->keylog = k;
}
