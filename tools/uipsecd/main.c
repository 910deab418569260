/*
 * tools/uipsecd/main.c — `uipsecd [-v] [-s SOCKET] [--check-config] CONFIG`:
 * the uipsec daemon: manually keyed SAs (README.md, "Configuration") and
 * IKEv2 connections from a swanctl.conf (doc/ike-config.md), controlled
 * over a UNIX socket (doc/control.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "config.h"
#include "control.h"
#include "control_status.h"
#include "daemon.h"
#include "ike_glue.h"
#include "sad.h"

static void
usage(FILE *out)
{
	fprintf(out, "usage: uipsecd [-v] [-q] [-s SOCKET] [--check-config] "
	    "CONFIG\n"
	    "  --check-config  validate CONFIG and its keys, then exit\n"
	    "  -s, --socket    control socket (default " CONTROL_SOCKET ")\n"
	    "  -v, --verbose   debug logging\n"
	    "  -q, --quiet     warnings and errors only\n");
}

/* Every problem in the file, each as "file:line: what". */
static struct cfg *
load(const char *path)
{
	struct conf_errors err = { 0 };
	struct cfg *cfg = cfg_load(path, &err);
	struct stat st;
	unsigned i;

	for (i = 0; i < err.count && i < CONF_ERR_MAX; i++)
		log_err("%s", err.msg[i]);
	if (err.count > CONF_ERR_MAX)
		log_err("%s: %u more errors", path, err.count - CONF_ERR_MAX);
	if (!cfg)
		log_err("%s: not started: the configuration has %u error%s",
		    path, err.count, err.count == 1 ? "" : "s");
	else if (cfg->nconns && stat(path, &st) == 0 && (st.st_mode & 077))
		log_warn("%s holds keys but is readable by others (mode %03o): "
		    "chmod 600", path, (unsigned)(st.st_mode & 0777));
	return cfg;
}

/* The SAs are built as the daemon would, so that the ESP library's own
 * checks (key lengths, window) run too, without touching the system. */
static int
check_config(struct cfg *cfg)
{
	struct sad sad = { 0 };

	struct ike_engine *e;
	struct ike_io io = { 0 };
	size_t n_ike = cfg->ike ? cfg->ike->ike.n_conns : 0;

	if (sad_build(&sad, cfg) < 0)
		return 1;
	sad_free(&sad);
	/* The engine loads every certificate and key as it would to run. */
	if (cfg->ike && !(e = ike_engine_new(&cfg->ike->ike, &io, 0)))
		return 1;
	if (cfg->ike)
		ike_engine_free(e);
	printf("%s: OK, %u manual connection%s, %zu IKE connection%s\n",
	    cfg->file, cfg->nconns, cfg->nconns == 1 ? "" : "s", n_ike,
	    n_ike == 1 ? "" : "s");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check-config", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char logbuf[1 << 16];
	struct daemon d;
	struct cfg *cfg;
	const char *sock = CONTROL_SOCKET;
	int c, check = 0, ret;

	/* Logs in blocks: the event loop flushes them before it waits (and
	 * exit does), so they are never older than the current batch of
	 * events, but a set-up's dozen lines no longer cost a write(2) each. */
	setvbuf(stderr, logbuf, _IOFBF, sizeof(logbuf));

	/* Before any other OpenSSL call: no openssl.cnf (the daemon's crypto
	 * is fixed by its own config) and no error-string tables, which would
	 * page in about a megabyte that the data plane never reads. */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	while ((c = getopt_long(argc, argv, "cvqs:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': check = 1; break;
		case 'v': log_set_level(LOG_DEBUG); break;
		case 'q': log_set_level(LOG_WARN); break;
		case 's': sock = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (!(cfg = load(argv[optind])))
		return 1;
	if (check) {
		ret = check_config(cfg);
		cfg_free(cfg);
		return ret;
	}
	if (daemon_setup(&d, cfg) < 0 || daemon_control_open(&d, sock) < 0) {
		daemon_teardown(&d);
		log_err("%s: not started", cfg->file);
		cfg_free(cfg);
		return 1;
	}
	daemon_log_up(&d);
	if (d.ike)
		ike_glue_start(d.ike);
	ret = daemon_run(&d) < 0 ? 1 : 0;
	daemon_log_stats(&d);
	daemon_teardown(&d);
	cfg_free(cfg);
	return ret;
}
