/*
 * Unit tests for the `ike` section of uipsecd's own file (ike_cfg.c,
 * doc/control.md "Daemon configuration"): the swanctl.conf it names is
 * found relative to the daemon's file, loaded with its credentials
 * directory, and its errors keep their own file and line.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/uipsecd/config.h"

static char dir[] = "/tmp/test_conf_ike.XXXXXX";

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static const char swanctl[] =
    "connections {\n"
    "  ccu {\n"
    "    local {\n"
    "      certs = ccu.pem\n"
    "    }\n"
    "  }\n"
    "}\n";

static void
setup(void)
{
	char path[128];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/creds", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/creds/x509", dir);
	mkdir(path, 0700);
	put("creds/x509/ccu.pem", "not parsed here\n");
	put("swanctl.conf", swanctl);
}

static void
teardown(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(conf_ike_section, .init = setup, .fini = teardown);

/* Loads uipsecd.conf with the given ike section body. */
static struct cfg *
load(const char *ike_body, struct conf_errors *err)
{
	char text[512], path[128];

	snprintf(text, sizeof(text), "tun {\n  name = uipsec0\n}\nike {\n%s}\n",
	    ike_body);
	put("uipsecd.conf", text);
	snprintf(path, sizeof(path), "%s/uipsecd.conf", dir);
	memset(err, 0, sizeof(*err));
	return cfg_load(path, err);
}

Test(conf_ike_section, relative_paths_from_the_daemons_file)
{
	struct conf_errors err;
	struct cfg *cfg;
	char want[128];

	cfg = load("  swanctl_conf = swanctl.conf\n  swanctl_dir = creds\n",
	    &err);
	cr_assert_not_null(cfg, "%s", err.msg[0]);
	cr_assert_eq(cfg->nconns, 0, "no manual connections needed");
	cr_assert_not_null(cfg->ike);
	cr_assert_eq(cfg->ike->ike.n_conns, 1);
	snprintf(want, sizeof(want), "%s/creds/x509/ccu.pem", dir);
	cr_assert_str_eq(cfg->ike->ike.conns[0].local.certs[0], want);
	snprintf(want, sizeof(want), "%s/swanctl.conf", dir);
	cr_assert_str_eq(cfg->ike->swanctl_conf, want);
	cfg_free(cfg);
}

Test(conf_ike_section, swanctl_errors_keep_their_file_and_line)
{
	struct conf_errors err;
	char want[160];

	/* Without swanctl_dir the tree is the swanctl.conf's directory,
	 * which has no x509/ccu.pem. */
	cr_assert_null(load("  swanctl_conf = swanctl.conf\n", &err));
	snprintf(want, sizeof(want), "%s/swanctl.conf:4: connections.ccu."
	    "local.certs: cannot read '%s/x509/ccu.pem'", dir, dir);
	cr_assert_str_eq(err.msg[0], want);
}

Test(conf_ike_section, bad_ike_sections)
{
	struct conf_errors err;
	char want[160];

	cr_assert_null(load("  swanctl_dir = creds\n", &err));
	snprintf(want, sizeof(want), "%s/uipsecd.conf:4: section 'ike' lacks "
	    "key 'swanctl_conf'", dir);
	cr_assert_str_eq(err.msg[0], want);
	cr_assert_null(load("  swanctl_conf = swanctl.conf\n  conns = x\n",
	    &err));
	snprintf(want, sizeof(want), "%s/uipsecd.conf:6: unknown key "
	    "'ike.conns'", dir);
	cr_assert_str_eq(err.msg[0], want);
	cr_assert_null(load("  swanctl_conf = none.conf\n", &err));
	snprintf(want, sizeof(want), "%s/none.conf: cannot open: No such file "
	    "or directory", dir);
	cr_assert_str_eq(err.msg[0], want);
	put("empty.conf", "pools {\n}\n");
	cr_assert_null(load("  swanctl_conf = empty.conf\n", &err));
	snprintf(want, sizeof(want), "%s/uipsecd.conf:4: ike: %s/empty.conf "
	    "defines no connections", dir, dir);
	cr_assert_str_eq(err.msg[0], want);
}

/* strongswan.conf's retransmission and DoS settings, keep_alive and the
 * reconnect backoff: uipsec's defaults, then every key set. */
Test(conf_ike_section, settings)
{
	struct conf_errors err;
	struct cfg *cfg;
	const struct cfg_ike *k;

	cfg = load("  swanctl_conf = swanctl.conf\n  swanctl_dir = creds\n",
	    &err);
	cr_assert_not_null(cfg, "%s", err.msg[0]);
	k = cfg->ike;
	cr_assert_eq(k->set.retransmit_timeout_ms, 2000);
	cr_assert_float_eq(k->set.retransmit_base, 1.8, 1e-9);
	cr_assert_eq(k->set.retransmit_tries, 3);
	cr_assert_eq(k->set.fragment_size, 1280);
	cr_assert_eq(k->set.cookie_threshold, 10);
	cr_assert_eq(k->set.block_threshold, 5);
	cr_assert_eq(k->keep_alive_ms, 40000);
	cr_assert_eq(k->set.dpd_delay_default, 80);
	cr_assert_eq(k->sign_threads, -1);	/* signer_default_threads() */
	cfg_free(cfg);
	cfg = load("  swanctl_conf = swanctl.conf\n  swanctl_dir = creds\n"
	    "  retransmit_timeout = 4.0\n  retransmit_base = 2\n"
	    "  retransmit_tries = 5\n  retransmit_jitter = 20\n"
	    "  retransmit_limit = 60s\n  half_open_timeout = 1m\n"
	    "  fragment_size = 576\n  cookie_threshold = 3\n"
	    "  block_threshold = 2\n  init_limit_half_open = 100\n"
	    "  keep_alive = 20s\n  reconnect_min = 2\n  reconnect_max = 10m\n"
	    "  dpd_delay = 5m\n  sign_threads = 0\n",
	    &err);
	cr_assert_not_null(cfg, "%s", err.msg[0]);
	k = cfg->ike;
	cr_assert_eq(k->set.retransmit_timeout_ms, 4000);
	cr_assert_float_eq(k->set.retransmit_base, 2.0, 1e-9);
	cr_assert_eq(k->set.retransmit_tries, 5);
	cr_assert_eq(k->set.retransmit_jitter, 20);
	cr_assert_eq(k->set.retransmit_limit_ms, 60000);
	cr_assert_eq(k->set.half_open_timeout_ms, 60000);
	cr_assert_eq(k->set.fragment_size, 576);
	cr_assert_eq(k->set.cookie_threshold, 3);
	cr_assert_eq(k->set.block_threshold, 2);
	cr_assert_eq(k->set.half_open_max, 100);
	cr_assert_eq(k->keep_alive_ms, 20000);
	cr_assert_eq(k->reconnect_min_ms, 2000);
	cr_assert_eq(k->reconnect_max_ms, 600000);
	cr_assert_eq(k->set.dpd_delay_default, 300);
	cr_assert_eq(k->sign_threads, 0);
	cfg_free(cfg);
}

Test(conf_ike_section, bad_settings)
{
	struct conf_errors err;
	char want[200];

	cr_assert_null(load("  swanctl_conf = swanctl.conf\n  swanctl_dir = "
	    "creds\n  retransmit_tries = many\n", &err));
	snprintf(want, sizeof(want), "%s/uipsecd.conf:7: ike: "
	    "retransmit_tries = 'many': not a number in [0, 30]", dir);
	cr_assert_str_eq(err.msg[0], want);
	cr_assert_null(load("  swanctl_conf = swanctl.conf\n  swanctl_dir = "
	    "creds\n  fragment_size = 300\n", &err));
	snprintf(want, sizeof(want), "%s/uipsecd.conf:7: ike: fragment_size "
	    "below 576 (RFC 7383 §2.5.1; 0 turns it off)", dir);
	cr_assert_str_eq(err.msg[0], want);
	cr_assert_null(load("  swanctl_conf = swanctl.conf\n  swanctl_dir = "
	    "creds\n  sign_threads = 65\n", &err));
	snprintf(want, sizeof(want), "%s/uipsecd.conf:7: ike: sign_threads "
	    "= '65': not a number in [0, 64]", dir);
	cr_assert_str_eq(err.msg[0], want);
}
