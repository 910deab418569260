/* Helpers of the certs/ tests; see certs_testlib.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "certs_testlib.h"

#define RING	16

static char *
ring_slot(void)
{
	static char bufs[RING][4096];
	static unsigned next;

	return bufs[next++ % RING];
}

const char *
pki_path(const char *rel)
{
	const char *dir = getenv("UIPSEC_TEST_PKI");
	char *p = ring_slot();

	cr_assert_not_null(dir, "UIPSEC_TEST_PKI is not set (run under ctest, "
	    "fixture certs_pki)");
	snprintf(p, 4096, "%s/%s", dir, rel);
	return p;
}

struct certs_cert *
pki_cert(const char *rel)
{
	struct certs_cert *c = NULL;
	struct certs_err err;

	cr_assert_eq(certs_cert_load(pki_path(rel), &c, &err), CERTS_OK,
	    "loading %s: %s", rel, err.reason);
	return c;
}

struct certs_key *
pki_key(const char *rel)
{
	struct certs_key *k = NULL;
	struct certs_err err;

	cr_assert_eq(certs_key_load(pki_path(rel), NULL, &k, &err), CERTS_OK,
	    "loading %s: %s", rel, err.reason);
	return k;
}

struct certs_chain *
pki_chain(const char *rel, ...)
{
	struct certs_chain *chain;
	struct certs_err err;
	va_list ap;

	cr_assert_eq(certs_chain_new(&chain, &err), CERTS_OK);
	va_start(ap, rel);
	for (; rel != NULL; rel = va_arg(ap, const char *))
		cr_assert_eq(certs_chain_add(chain, pki_cert(rel), &err),
		    CERTS_OK);
	va_end(ap);
	return chain;
}

struct certs_store *
pki_trust(void)
{
	struct certs_store *s;
	struct certs_err err;

	cr_assert_eq(certs_store_new(&s, &err), CERTS_OK);
	cr_assert_eq(certs_store_load_dir(s, pki_path("trust"), &err),
	    CERTS_OK, "%s", err.reason);
	return s;
}

struct certs_store *
pki_root_store(bool with_fleet_ca, const char *crl)
{
	struct certs_store *s;
	struct certs_err err;

	cr_assert_eq(certs_store_new(&s, &err), CERTS_OK);
	cr_assert_eq(certs_store_add_anchor_file(s,
	    pki_path("root/x509ca/test-root-ca.pem"), &err), CERTS_OK);
	if (with_fleet_ca)
		cr_assert_eq(certs_store_add_intermediate_file(s,
		    pki_path("int/ca/cert.pem"), &err), CERTS_OK);
	if (crl != NULL)
		cr_assert_eq(certs_store_add_crl_file(s, pki_path(crl), &err),
		    CERTS_OK, "%s", err.reason);
	return s;
}

static char tmp[256];

static void
tmp_cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
}

const char *
tmp_dir(void)
{
	if (tmp[0] == '\0') {
		snprintf(tmp, sizeof(tmp), "/tmp/uipsec-certs-test.XXXXXX");
		cr_assert_not_null(mkdtemp(tmp));
		atexit(tmp_cleanup);
	}
	return tmp;
}

const char *
tmp_write(const char *name, const void *data, size_t len)
{
	char *p = ring_slot();
	FILE *f;

	snprintf(p, 4096, "%s/%s", tmp_dir(), name);
	cr_assert_not_null(f = fopen(p, "wb"));
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	return p;
}

long
read_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return (long)n;
}

int
run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void
expect_refusal(const struct certs_err *err, enum certs_status st, ...)
{
	const char *want;
	va_list ap;

	cr_assert_eq(err->status, st, "status %s, want %s: %s",
	    certs_status_str(err->status), certs_status_str(st), err->reason);
	va_start(ap, st);
	while ((want = va_arg(ap, const char *)) != NULL)
		cr_assert_not_null(strstr(err->reason, want),
		    "reason \"%s\" lacks \"%s\"", err->reason, want);
	va_end(ap);
}
