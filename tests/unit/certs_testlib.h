/* Helpers of the certs/ tests: paths into the test PKI that
 * tests/certs/make_pki.sh made (UIPSEC_TEST_PKI), loading, and running
 * the openssl CLI as the independent side. */
#ifndef UIPSEC_TESTS_CERTS_TESTLIB_H
#define UIPSEC_TESTS_CERTS_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certs/certs.h"

/* "DIR/rel" in one of a ring of static buffers (valid for 16 calls). */
const char	*pki_path(const char *rel);
/* Loaders that fail the test on error; callers free. */
struct certs_cert *pki_cert(const char *rel);
struct certs_key *pki_key(const char *rel);
/* A chain of files (end entity first), NULL-terminated. */
struct certs_chain *pki_chain(const char *rel, ...);
/* The concentrator's tree: DIR/trust (root anchor, Fleet CA, both CRLs). */
struct certs_store *pki_trust(void);
/* Built by hand: the root anchor, the Fleet CA as an intermediate if
 * with_fleet_ca, and the CRL file rel (or none). */
struct certs_store *pki_root_store(bool with_fleet_ca, const char *crl);

/* A fresh temporary directory for a test's files, removed at exit. */
const char	*tmp_dir(void);
/* Writes len bytes to tmp_dir()/name; returns the path (static ring). */
const char	*tmp_write(const char *name, const void *data, size_t len);
/* Reads a file into buf (up to cap); returns its length or -1. */
long		 read_file(const char *path, uint8_t *buf, size_t cap);
/* Runs a shell command line (printf-style); returns its exit status. */
int		 run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Asserts err says st and its reason contains each NULL-terminated
 * substring. */
void		 expect_refusal(const struct certs_err *err,
	    enum certs_status st, ...);

#endif
