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
