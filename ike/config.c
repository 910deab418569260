/*
 * ike/config.c — connections, pools and authorities from a swanctl.conf-
 * syntax file (config.h, doc/ike-config.md). Every key uipsec supports
 * means what swanctl.conf(5) says; any other key, and any value uipsec
 * cannot honour, is an error "file:line: key: what is wrong". All errors
 * are collected before the file is refused.
 */
#include "ike/config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ike/config_internal.h"
#include "ike/ike.h"

static const struct conf_rule top_rules[] = {
	{ "connections", CONF_SECTION, false },
	{ "pools", CONF_SECTION, false },
	{ "authorities", CONF_SECTION, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule any_section[] = {
	{ "*", CONF_SECTION, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule conn_rules[] = {
	{ "version", CONF_KEY, false },
	{ "local_addrs", CONF_KEY, false },
	{ "remote_addrs", CONF_KEY, false },
	{ "local_port", CONF_KEY, false },
	{ "remote_port", CONF_KEY, false },
	{ "proposals", CONF_KEY, false },
	{ "vips", CONF_KEY, false },
	{ "pools", CONF_KEY, false },
	{ "dpd_delay", CONF_KEY, false },
	{ "rekey_time", CONF_KEY, false },
	{ "reauth_time", CONF_KEY, false },
	{ "over_time", CONF_KEY, false },
	{ "rand_time", CONF_KEY, false },
	{ "unique", CONF_KEY, false },
	{ "encap", CONF_KEY, false },
	{ "keyingtries", CONF_KEY, false },
	{ "local", CONF_SECTION, true },
	{ "remote", CONF_SECTION, false },
	{ "children", CONF_SECTION, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule local_rules[] = {
	{ "auth", CONF_KEY, false },
	{ "certs", CONF_KEY, true },
	{ "id", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule remote_rules[] = {
	{ "auth", CONF_KEY, false },
	{ "id", CONF_KEY, false },
	{ "cacerts", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule child_rules[] = {
	{ "local_ts", CONF_KEY, false },
	{ "remote_ts", CONF_KEY, false },
	{ "esp_proposals", CONF_KEY, false },
	{ "start_action", CONF_KEY, false },
	{ "rekey_time", CONF_KEY, false },
	{ "life_time", CONF_KEY, false },
	{ "rand_time", CONF_KEY, false },
	{ "rekey_bytes", CONF_KEY, false },
	{ "life_bytes", CONF_KEY, false },
	{ "rand_bytes", CONF_KEY, false },
	{ "rekey_packets", CONF_KEY, false },
	{ "life_packets", CONF_KEY, false },
	{ "rand_packets", CONF_KEY, false },
	{ "mode", CONF_KEY, false },
	{ "replay_window", CONF_KEY, false },
	{ "dpd_action", CONF_KEY, false },
	{ "close_action", CONF_KEY, false },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule pool_rules[] = {
	{ "addrs", CONF_KEY, true },
	{ NULL, CONF_KEY, false },
};
static const struct conf_rule authority_rules[] = {
	{ "cacert", CONF_KEY, true },
	{ NULL, CONF_KEY, false },
};

/* "file:line: a.b.key: 'value' <what>". */
void
ikecfg_bad(struct conf_errors *err, const struct conf_node *n, const char *what)
{
	char path[160];

	conf_err(err, n, "%s: '%s' %s", conf_path(n, path, sizeof(path)),
	    n->value, what);
}

/* The same with another parser's reason: "...: 'value': <why>". */
static void
bad_because(struct conf_errors *err, const struct conf_node *n,
    const char *why)
{
	char path[160];

	conf_err(err, n, "%s: '%s': %s", conf_path(n, path, sizeof(path)),
	    n->value, why);
}

const struct conf_node *
ikecfg_key(const struct conf_node *sec, const char *name)
{
	const struct conf_node *n = sec ? conf_find(sec, name) : NULL;

	return n && !conf_is_section(n) ? n : NULL;
}

static const struct conf_node *
section(const struct conf_node *sec, const char *name)
{
	const struct conf_node *n = sec ? conf_find(sec, name) : NULL;

	return n && conf_is_section(n) ? n : NULL;
}

static void
copy_name(char *out, const struct conf_node *n, struct conf_errors *err)
{
	char path[160];

	if (strlen(n->name) >= IKE_NAME_MAX)
		conf_err(err, n, "%s: name longer than %d characters",
		    conf_path(n, path, sizeof(path)), IKE_NAME_MAX - 1);
	snprintf(out, IKE_NAME_MAX, "%s", n->name);
}

static void
get_duration(const struct conf_node *sec, const char *name, uint32_t *out,
    struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);
	const char *why;

	if (n && (why = ikecfg_duration(n->value, out)))
		ikecfg_bad(err, n, why);
}

/* A count: decimal, as strongSwan's integers (keyingtries); default 1. */
static void
get_count(const struct conf_node *sec, const char *name, uint32_t *out,
    struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);

	*out = 1;
	if (n && (strspn(n->value, "0123456789") != strlen(n->value) ||
	    ikecfg_duration(n->value, out)))
		ikecfg_bad(err, n, "is not a number (0 = forever)");
}

static void
get_port(const struct conf_node *sec, const char *name, uint16_t *out,
    struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);
	uint32_t v;

	*out = IKE_DEFAULT_PORT;
	if (!n)
		return;
	/* A port is a number, not a time; the duration parser's digits-only
	 * rule is what we want, without its suffixes. */
	if (strspn(n->value, "0123456789") != strlen(n->value) ||
	    ikecfg_duration(n->value, &v) || v < 1 || v > 65535)
		ikecfg_bad(err, n, "is not a port number (1-65535)");
	else
		*out = (uint16_t)v;
}

/* One of names[] (NULL-terminated) by index, else the error `what`. */
static int
get_enum(const struct conf_node *sec, const char *name,
    const char *const *names, int dflt, const char *what,
    struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);
	int i;

	if (!n)
		return dflt;
	for (i = 0; names[i]; i++)
		if (!strcmp(n->value, names[i]))
			return i;
	ikecfg_bad(err, n, what);
	return dflt;
}

/* Expands the keyword "default" to def, as strongSwan does in a list. */
static void
get_proposals(const struct conf_node *sec, const char *name, uint8_t proto,
    const char *def, struct ike_proposal_set *out, struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);
	char text[1024] = "", item[256], why[256];
	const char *p = n ? n->value : def;
	size_t used = 0;
	int r;

	while ((r = conf_list_next(&p, item, sizeof(item))) == 1)
		used += (size_t)snprintf(text + used, used < sizeof(text) ?
		    sizeof(text) - used : 0, "%s%s", used ? ", " : "",
		    strcmp(item, "default") ? item : def);
	if (r < 0 || used >= sizeof(text)) {
		ikecfg_bad(err, n,
		    "is not a comma-separated list of proposals");
		return;
	}
	if (ike_proposals_parse(out, proto, text, why, sizeof(why)) < 0)
		bad_because(err, n, why);
}

/* local_addrs, remote_addrs: %any (none), or addresses and subnets. */
static void
get_addrs(const struct conf_node *sec, const char *name,
    struct ike_prefix *out, size_t *count, struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);
	const char *p = n ? n->value : NULL, *why;
	char item[128];
	int r;

	*count = 0;
	while ((r = conf_list_next(&p, item, sizeof(item))) == 1) {
		if (!strcmp(item, "%any") || !strcmp(item, "%any4") ||
		    !strcmp(item, "%any6"))
			continue;
		if (*count == IKE_ADDRS_MAX) {
			ikecfg_bad(err, n,
			    "lists too many addresses (at most 4)");
			return;
		}
		if ((why = ikecfg_prefix(item, &out[*count]))) {
			ikecfg_bad(err, n, why);
			return;
		}
		(*count)++;
	}
	if (r < 0)
		ikecfg_bad(err, n,
		    "is not a comma-separated list of addresses");
}

static void
get_ts(const struct conf_node *sec, const char *name, struct ike_ts_cfg *out,
    size_t *count, struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, name);
	const char *p = n ? n->value : "dynamic", *why;
	char item[128];
	int r;

	*count = 0;
	while ((r = conf_list_next(&p, item, sizeof(item))) == 1) {
		if (*count == IKE_TS_MAX) {
			ikecfg_bad(err, n,
			    "lists too many traffic selectors (at most "
			    "8)");
			return;
		}
		if ((why = ikecfg_ts(item, &out[*count]))) {
			ikecfg_bad(err, n, why);
			return;
		}
		(*count)++;
	}
	if (r < 0)
		ikecfg_bad(err, n, "is not a comma-separated list of traffic "
		    "selectors");
}

/* A list of files, relative to dir/subdir unless absolute, each readable. */
static size_t
get_files(const struct conf_node *n, const char *dir, const char *subdir,
    char out[][IKE_PATH_MAX], size_t max, struct conf_errors *err)
{
	const char *p = n ? n->value : NULL;
	char item[IKE_PATH_MAX], path[160];
	size_t count = 0;
	int r, len;

	while ((r = conf_list_next(&p, item, sizeof(item))) == 1) {
		if (count == max) {
			ikecfg_bad(err, n, "lists too many files (at most 4)");
			return count;
		}
		len = item[0] == '/' ?
		    snprintf(out[count], IKE_PATH_MAX, "%s", item) :
		    snprintf(out[count], IKE_PATH_MAX, "%s/%s/%s", dir, subdir,
		    item);
		if (len >= IKE_PATH_MAX) {
			ikecfg_bad(err, n, "makes too long a path");
			return count;
		}
		if (access(out[count], R_OK) < 0) {
			conf_err(err, n, "%s: cannot read '%s'",
			    conf_path(n, path, sizeof(path)), out[count]);
			return count;
		}
		count++;
	}
	if (r < 0)
		ikecfg_bad(err, n, "is not a comma-separated list of files");
	return count;
}

static void
get_auth(const struct conf_node *sec, struct ike_auth_side *side,
    bool local, const char *dir, struct conf_errors *err)
{
	static const char *const auths[] = { "pubkey", NULL };
	const struct conf_node *n;
	struct certs_err cerr;

	side->auth = (enum ike_auth_cfg)get_enum(sec, "auth", auths,
	    IKE_AUTH_CFG_PUBKEY, "is not supported: uipsec authenticates with "
	    "certificates only (auth = pubkey)", err);
	if ((n = ikecfg_key(sec, "id"))) {
		if (certs_id_parse(n->value, &side->id, &cerr) != CERTS_OK)
			bad_because(err, n, cerr.reason);
		else
			side->id_set = side->id.type != CERTS_ID_ANY;
	}
	if (local)
		side->n_certs = get_files(ikecfg_key(sec, "certs"), dir,
		    IKE_CRED_X509, side->certs, IKE_CERTS_MAX, err);
	else
		side->n_cacerts = get_files(ikecfg_key(sec, "cacerts"), dir,
		    IKE_CRED_X509CA, side->cacerts, IKE_CERTS_MAX, err);
}

static void
get_child(const struct conf_node *sec, struct ike_child_cfg *c,
    const char *file, struct conf_errors *err)
{
	static const char *const starts[] = { "none", "start", "trap", NULL };
	static const char *const modes[] = { "tunnel", NULL };
	static const char *const dpd_actions[] = { "clear", "restart", "trap",
		NULL };
	int dpd;
	static const char *const close_actions[] = { "none", "start", NULL };
	const struct conf_node *n;
	const char *why;

	conf_check(sec, child_rules, err);
	copy_name(c->name, sec, err);
	c->file = file;
	c->line = sec->line;
	get_ts(sec, "local_ts", c->local_ts, &c->n_local_ts, err);
	get_ts(sec, "remote_ts", c->remote_ts, &c->n_remote_ts, err);
	get_proposals(sec, "esp_proposals", IKEV2_PROTO_ESP,
	    IKE_DEFAULT_ESP_PROPOSALS, &c->esp_proposals, err);
	c->start_action = (enum ike_start_action)get_enum(sec, "start_action",
	    starts, IKE_START_NONE, "is not supported (none, start or trap)",
	    err);
	get_enum(sec, "mode", modes, 0, "is not supported: uipsec runs "
	    "tunnel mode only", err);
	dpd = get_enum(sec, "dpd_action", dpd_actions, 0,
	    "is not supported (clear, restart or trap)", err);
	c->dpd_restart = dpd == 1;
	c->dpd_trap = dpd == 2;
	c->close_start = get_enum(sec, "close_action", close_actions, 0,
	    "is not supported (none or start)", err) == 1;
	c->replay_window = ESP_REPLAY_WINDOW_DEFAULT;
	if ((n = ikecfg_key(sec, "replay_window")) != NULL &&
	    (why = ikecfg_replay_window(n->value, &c->replay_window)) != NULL)
		ikecfg_bad(err, n, why);
	ikecfg_child_lifetimes(sec, c, err);
}

/* start_action = start initiates: that needs one peer address to send
 * to (strongSwan would fail only when it tries). */
static void
check_start(const struct ike_conn_cfg *c, const struct conf_node *child,
    struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(child, "start_action");

	if (n && c->children[c->n_children - 1].start_action !=
	    IKE_START_NONE && !ike_conn_can_initiate(c))
		ikecfg_bad(err, n,
		    "needs a peer to initiate to: remote_addrs holds "
		    "no single address");
}

static void
get_vips(const struct conf_node *sec, struct ike_conn_cfg *c,
    struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, "vips");
	const char *p = n ? n->value : NULL, *why;
	char item[64];
	int r;

	while ((r = conf_list_next(&p, item, sizeof(item))) == 1) {
		if (c->n_vips == IKE_VIPS_MAX) {
			ikecfg_bad(err, n,
			    "lists too many addresses (at most 2)");
			return;
		}
		if ((why = ikecfg_prefix(item, &c->vips[c->n_vips])) ||
		    c->vips[c->n_vips].plen % 32 != 0 ||
		    c->vips[c->n_vips].plen == 0) {
			ikecfg_bad(err, n,
			    why ? why : "is not an address (0.0.0.0 or "
			    ":: to ask for any)");
			return;
		}
		c->n_vips++;
	}
	if (r < 0)
		ikecfg_bad(err, n,
		    "is not a comma-separated list of addresses");
}

static void
get_conn_pools(const struct conf_node *sec, struct ike_conn_cfg *c,
    const struct conf_node *pools, struct conf_errors *err)
{
	const struct conf_node *n = ikecfg_key(sec, "pools");
	const char *p = n ? n->value : NULL;
	char item[IKE_NAME_MAX], what[160];
	int r;

	while ((r = conf_list_next(&p, item, sizeof(item))) == 1) {
		if (c->n_pools == IKE_POOLS_MAX) {
			ikecfg_bad(err, n, "lists too many pools (at most 4)");
			return;
		}
		if (!section(pools, item)) {
			snprintf(what, sizeof(what), "names '%s', which is no "
			    "section of pools { }", item);
			ikecfg_bad(err, n, what);
			return;
		}
		snprintf(c->pools[c->n_pools++], IKE_NAME_MAX, "%s", item);
	}
	if (r < 0)
		ikecfg_bad(err, n,
		    "is not a comma-separated list of pool names");
}

static void
get_conn(const struct conf_node *sec, struct ike_conn_cfg *c,
    const struct ike_config *cfg, const struct conf_node *root,
    struct conf_errors *err)
{
	static const char *const uniques[] = { "no", "never", "replace",
	    "keep", NULL };
	static const char *const yes_only[] = { "yes", NULL };
	const struct conf_node *n, *children = section(sec, "children");
	const struct conf_node *version = ikecfg_key(sec, "version");
	unsigned before;
	bool remote_ok;

	conf_check(sec, conn_rules, err);
	copy_name(c->name, sec, err);
	c->file = cfg->file;
	c->line = sec->line;
	if (version && strcmp(version->value, "2"))
		ikecfg_bad(err, version,
		    "is not supported: uipsec speaks IKEv2 only "
		    "(version = 2)");
	get_addrs(sec, "local_addrs", c->local_addrs, &c->n_local_addrs, err);
	before = err->count;
	get_addrs(sec, "remote_addrs", c->remote_addrs, &c->n_remote_addrs,
	    err);
	remote_ok = err->count == before;
	get_port(sec, "local_port", &c->local_port, err);
	get_port(sec, "remote_port", &c->remote_port, err);
	get_proposals(sec, "proposals", IKEV2_PROTO_IKE, IKE_DEFAULT_PROPOSALS,
	    &c->proposals, err);
	get_vips(sec, c, err);
	get_conn_pools(sec, c, section(root, "pools"), err);
	get_duration(sec, "dpd_delay", &c->dpd_delay, err);
	c->dpd_delay_set = ikecfg_key(sec, "dpd_delay") != NULL;
	ikecfg_ike_lifetimes(sec, c, err);
	get_count(sec, "keyingtries", &c->keyingtries, err);
	c->unique = (enum ike_unique)get_enum(sec, "unique", uniques,
	    IKE_UNIQUE_NO, "is not one of no, never, replace, keep", err);
	c->encap = get_enum(sec, "encap", yes_only, 0, "is not supported: "
	    "uipsec carries ESP in UDP only (encap = yes)", err) == 0;
	if ((n = section(sec, "local"))) {
		conf_check(n, local_rules, err);
		get_auth(n, &c->local, true, cfg->swanctl_dir, err);
	}
	if ((n = section(sec, "remote"))) {
		conf_check(n, remote_rules, err);
		get_auth(n, &c->remote, false, cfg->swanctl_dir, err);
	}
	if (!children)
		return;
	conf_check(children, any_section, err);
	for (n = children->child; n; n = n->next) {
		if (!conf_is_section(n))
			continue;
		if (c->n_children == IKE_CHILDREN_MAX) {
			conf_err(err, n, "connection '%s': more than %d "
			    "children", c->name, IKE_CHILDREN_MAX);
			break;
		}
		get_child(n, &c->children[c->n_children++], cfg->file, err);
		if (remote_ok)
			check_start(c, n, err);
	}
}

static size_t
count_sections(const struct conf_node *sec)
{
	const struct conf_node *n;
	size_t count = 0;

	for (n = sec ? sec->child : NULL; n; n = n->next)
		count += conf_is_section(n);
	return count;
}

static void
get_pools(const struct conf_node *sec, struct ike_config *cfg,
    struct conf_errors *err)
{
	const struct conf_node *n, *addrs;
	struct ike_pool_cfg *p;
	const char *why;

	for (n = sec ? sec->child : NULL; n; n = n->next) {
		if (!conf_is_section(n))
			continue;
		p = &cfg->pools[cfg->n_pools++];
		conf_check(n, pool_rules, err);
		copy_name(p->name, n, err);
		p->file = cfg->file;
		p->line = n->line;
		if ((addrs = ikecfg_key(n, "addrs")) &&
		    (why = ikecfg_pool_range(addrs->value, p)))
			ikecfg_bad(err, addrs, why);
	}
}

static void
get_authorities(const struct conf_node *sec, struct ike_config *cfg,
    struct conf_errors *err)
{
	const struct conf_node *n;
	struct ike_authority_cfg *a;

	for (n = sec ? sec->child : NULL; n; n = n->next) {
		if (!conf_is_section(n))
			continue;
		a = &cfg->authorities[cfg->n_authorities++];
		conf_check(n, authority_rules, err);
		copy_name(a->name, n, err);
		a->file = cfg->file;
		a->line = n->line;
		get_files(ikecfg_key(n, "cacert"),
		    cfg->swanctl_dir, IKE_CRED_X509CA,
		    &a->cacert, 1, err);
	}
}

/* The credentials directory, made absolute so that the resolved paths in
 * the model (and the engine's own lookups in it) do not depend on the
 * working directory. */
static void
set_credentials(struct ike_config *cfg, const char *file, const char *dir)
{
	char given[IKE_PATH_MAX], abs[PATH_MAX];
	const char *slash = strrchr(file, '/');

	if (dir)
		snprintf(given, sizeof(given), "%s", dir);
	else if (!slash)
		snprintf(given, sizeof(given), ".");
	else if (slash == file)
		snprintf(given, sizeof(given), "/");
	else
		snprintf(given, sizeof(given), "%.*s", (int)(slash - file),
		    file);
	if (!realpath(given, abs) || strlen(abs) >= sizeof(cfg->swanctl_dir))
		memcpy(abs, given, sizeof(given));
	memcpy(cfg->swanctl_dir, abs, sizeof(cfg->swanctl_dir));
}

int
ike_config_from_tree(struct ike_config *cfg, const struct conf_node *root,
    const char *credentials, struct conf_errors *err)
{
	const struct conf_node *conns = section(root, "connections"), *n;
	const struct conf_node *pools = section(root, "pools");
	const struct conf_node *auths = section(root, "authorities");
	unsigned before = err->count;

	memset(cfg, 0, sizeof(*cfg));
	set_credentials(cfg, root->file ? root->file : "", credentials);
	cfg->file = strdup(root->file ? root->file : "");
	cfg->conns = calloc(count_sections(conns) + 1, sizeof(*cfg->conns));
	cfg->pools = calloc(count_sections(pools) + 1, sizeof(*cfg->pools));
	cfg->authorities = calloc(count_sections(auths) + 1,
	    sizeof(*cfg->authorities));
	if (!cfg->file || !cfg->conns || !cfg->pools || !cfg->authorities) {
		conf_err(err, NULL, "%s: out of memory", root->file);
		ike_config_free(cfg);
		return -1;
	}
	if (conns)
		conf_check(conns, any_section, err);
	if (pools)
		conf_check(pools, any_section, err);
	if (auths)
		conf_check(auths, any_section, err);
	get_pools(pools, cfg, err);
	get_authorities(auths, cfg, err);
	for (n = conns ? conns->child : NULL; n; n = n->next)
		if (conf_is_section(n))
			get_conn(n, &cfg->conns[cfg->n_conns++], cfg, root,
			    err);
	if (err->count != before) {
		ike_config_free(cfg);
		return -1;
	}
	return 0;
}

int
ike_config_parse(struct ike_config *cfg, const char *text, size_t len,
    const char *file, const char *credentials, struct conf_errors *err)
{
	struct conf_node *root = conf_parse(text, len, file, err);
	int ret = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (root && !conf_check(root, top_rules, err))
		ret = ike_config_from_tree(cfg, root, credentials, err);
	conf_free(root);
	return ret;
}

int
ike_config_read(struct ike_config *cfg, const char *path,
    const char *credentials, struct conf_errors *err)
{
	struct conf_node *root = conf_load(path, err);
	int ret = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (root && !conf_check(root, top_rules, err))
		ret = ike_config_from_tree(cfg, root, credentials, err);
	conf_free(root);
	return ret;
}

int
ike_config_load(struct ike_config *cfg, const char *path)
{
	struct conf_errors err = { 0 };
	unsigned i;

	if (ike_config_read(cfg, path, NULL, &err) == 0)
		return 0;
	for (i = 0; i < err.count && i < CONF_ERR_MAX; i++)
		log_err("%s", err.msg[i]);
	if (err.count > CONF_ERR_MAX)
		log_err("%s: %u more errors", path, err.count - CONF_ERR_MAX);
	return -1;
}

void
ike_config_free(struct ike_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->conns);
	free(cfg->pools);
	free(cfg->authorities);
	free(cfg->file);
	memset(cfg, 0, sizeof(*cfg));
}

bool
ike_conn_can_initiate(const struct ike_conn_cfg *c)
{
	size_t i;

	for (i = 0; i < c->n_remote_addrs; i++)
		if (c->remote_addrs[i].plen == (c->remote_addrs[i].family ==
		    AF_INET ? 32 : 128))
			return true;
	return false;
}

const struct ike_conn_cfg *
ike_config_find(const struct ike_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_conns; i++)
		if (!strcmp(cfg->conns[i].name, name))
			return &cfg->conns[i];
	return NULL;
}
