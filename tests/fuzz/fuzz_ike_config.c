/*
 * libFuzzer harness over the IKE connection loader (ike/config.c) on top of
 * the settings parser. Properties: no crash or leak on any input; refused
 * exactly when something was reported, and then left empty; every message
 * names the file; a loaded model stays within its bounds, names and paths
 * NUL-terminated. Credentials come from a directory that does not exist,
 * so the run never depends on files (certs keys are reported, not read).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/config.h"
#include "ike/ike.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_conn(const struct ike_conn_cfg *c)
{
	size_t i;

	if (memchr(c->name, '\0', sizeof(c->name)) == NULL ||
	    c->n_local_addrs > IKE_ADDRS_MAX ||
	    c->n_remote_addrs > IKE_ADDRS_MAX || c->n_vips > IKE_VIPS_MAX ||
	    c->n_pools > IKE_POOLS_MAX || c->n_children > IKE_CHILDREN_MAX ||
	    c->local.n_certs > IKE_CERTS_MAX ||
	    c->remote.n_cacerts > IKE_CERTS_MAX || c->proposals.n == 0 ||
	    c->proposals.n > IKE_PROPOSALS_MAX)
		abort();
	for (i = 0; i < c->n_children; i++)
		if (c->children[i].n_local_ts == 0 ||
		    c->children[i].n_local_ts > IKE_TS_MAX ||
		    c->children[i].n_remote_ts > IKE_TS_MAX ||
		    c->children[i].esp_proposals.n == 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors err = { 0 };
	struct ike_config cfg;
	unsigned i;
	int r;

	r = ike_config_parse(&cfg, (const char *)data, size, "fuzz.conf",
	    "/nonexistent-uipsec-fuzz", &err);
	if ((r == 0) != (err.count == 0))
		abort();	/* refused exactly when something was reported */
	for (i = 0; i < err.count && i < CONF_ERR_MAX; i++)
		if (strncmp(err.msg[i], "fuzz.conf", 9) != 0)
			abort();
	if (r != 0 && (cfg.n_conns || cfg.conns || cfg.pools))
		abort();	/* a refused file leaves nothing behind */
	for (i = 0; r == 0 && i < cfg.n_conns; i++)
		check_conn(&cfg.conns[i]);
	ike_config_free(&cfg);
	return 0;
}
