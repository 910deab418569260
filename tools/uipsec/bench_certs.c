/*
 * tools/uipsec/bench_certs.c — `uipsec bench certs`: the certificate work
 * of one IKE_AUTH, as the concentrator does it for a CCU it has not seen
 * (certs_verify_der of a new chain, the identity check, certs_auth_verify)
 * and as either side signs (certs_auth_sign), over the CCUs that
 * `uipsec load pki` made. CPU time per operation, so that load from other
 * processes does not count; run it under `valgrind --tool=callgrind
 * --toggle-collect=bench_certs_verify_round` for instruction counts.
 *
 * A benchmark, not a test: it fails only when something does not work
 * (a chain or signature refused).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "bench.h"
#include "certs/certs.h"
#include "load.h"

#define BENCH_CERTS_OCTETS	400	/* ~ IKE_SA_INIT + nonce + prf(ID) */

struct bench_ccu {
	struct certs_cert	*cert;
	struct certs_key	*key;
	struct certs_id		 id;
	struct certs_auth_params params;
	uint8_t			 auth[CERTS_AUTH_DATA_MAX];
	size_t			 auth_len;
};

struct bench_certs {
	struct certs_store	*store;
	struct bench_ccu	*ccu;
	size_t			 n;
	uint8_t			 octets[BENCH_CERTS_OCTETS];
};

static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
bench_certs_usage(FILE *out)
{
	fprintf(out,
	    "usage: uipsec bench certs --dir CADIR [--count N] [--rounds R]\n"
	    "  CPU per IKE_AUTH certificate operation, over the CCUs of\n"
	    "  `uipsec load pki --dir CADIR` (the store: CADIR as uipsecd "
	    "loads it).\n"
	    "  --count N   CCUs ccu00001..N (default 100; more than %d: every\n"
	    "              chain is new to the store's memory of chains)\n"
	    "  --rounds R  passes over them (default 5)\n", CERTS_VERIFIED_MAX);
}

static int
load_ccu(const char *dir, unsigned i, const uint8_t *octets,
    struct bench_ccu *c)
{
	char cert[4200], key[4200];
	struct certs_err err;

	snprintf(cert, sizeof(cert), "%s/" LOAD_SUBDIR "/x509/ccu%05u.pem",
	    dir, i);
	snprintf(key, sizeof(key), "%s/" LOAD_SUBDIR "/private/ccu%05u.pem",
	    dir, i);
	if (certs_cert_load(cert, &c->cert, &err) != CERTS_OK ||
	    certs_key_load(key, NULL, &c->key, &err) != CERTS_OK ||
	    certs_auth_choose(c->key, CERTS_HASHES_SUPPORTED, false,
	    &c->params, &err) != CERTS_OK ||
	    certs_auth_sign(c->key, &c->params, octets, BENCH_CERTS_OCTETS,
	    c->auth, sizeof(c->auth), &c->auth_len, &err) != CERTS_OK) {
		fprintf(stderr, "bench certs: ccu%05u: %s\n", i, err.reason);
		return -1;
	}
	certs_cert_subject_id(c->cert, &c->id);
	return 0;
}

static void
bench_certs_free(struct bench_certs *b)
{
	for (size_t i = 0; b->ccu != NULL && i < b->n; i++) {
		certs_cert_free(b->ccu[i].cert);
		certs_key_free(b->ccu[i].key);
	}
	free(b->ccu);
	certs_store_free(b->store);
}

static int
bench_certs_load(const char *dir, unsigned count, struct bench_certs *b)
{
	struct certs_err err;

	for (size_t i = 0; i < sizeof(b->octets); i++)
		b->octets[i] = (uint8_t)(i * 7 + 1);
	if (certs_store_new(&b->store, &err) != CERTS_OK ||
	    certs_store_load_dir(b->store, dir, &err) != CERTS_OK) {
		fprintf(stderr, "bench certs: %s: %s\n", dir, err.reason);
		return -1;
	}
	if ((b->ccu = calloc(count, sizeof(*b->ccu))) == NULL) {
		fprintf(stderr, "bench certs: out of memory\n");
		return -1;
	}
	for (b->n = 0; b->n < count; b->n++)
		if (load_ccu(dir, (unsigned)b->n + 1, b->octets,
		    &b->ccu[b->n]) < 0)
			return -1;
	return 0;
}

/* What the responder does with a new CCU's IKE_AUTH: its chain, its
 * identity, its AUTH (exchange_auth.c). Non-static: callgrind's
 * --toggle-collect names it. */
int	bench_certs_verify_round(struct bench_certs *b);
int
bench_certs_verify_round(struct bench_certs *b)
{
	struct certs_verify_info info;
	struct certs_cert *ee;
	struct certs_err err;
	struct certs_der der;
	enum certs_status st;

	for (size_t i = 0; i < b->n; i++) {
		der.p = certs_cert_der(b->ccu[i].cert, &der.len);
		st = certs_verify_der(b->store, &der, 1, NULL, &info, &ee,
		    &err);
		if (st == CERTS_OK)
			st = certs_cert_has_id(ee, &b->ccu[i].id, &err);
		if (st == CERTS_OK)
			st = certs_auth_verify(ee,
			    (uint8_t)b->ccu[i].params.method, b->ccu[i].auth,
			    b->ccu[i].auth_len, b->octets, sizeof(b->octets), 0,
			    &err);
		certs_cert_free(ee);
		if (st != CERTS_OK) {
			fprintf(stderr, "bench certs: ccu%05zu refused: %s\n",
			    i + 1, err.reason);
			return -1;
		}
	}
	return 0;
}

/* What either side does once per set-up with its own key. */
int	bench_certs_sign_round(struct bench_certs *b);
int
bench_certs_sign_round(struct bench_certs *b)
{
	uint8_t auth[CERTS_AUTH_DATA_MAX];
	struct certs_err err;
	size_t len;

	for (size_t i = 0; i < b->n; i++)
		if (certs_auth_sign(b->ccu[i].key, &b->ccu[i].params,
		    b->octets, sizeof(b->octets), auth, sizeof(auth), &len,
		    &err) != CERTS_OK) {
			fprintf(stderr, "bench certs: signing: %s\n",
			    err.reason);
			return -1;
		}
	return 0;
}

static int
bench_certs_time(const char *what, int (*round)(struct bench_certs *),
    struct bench_certs *b, unsigned rounds)
{
	uint64_t t0, t;

	if (round(b) < 0)	/* warm-up */
		return -1;
	t0 = cpu_ns();
	for (unsigned r = 0; r < rounds; r++)
		if (round(b) < 0)
			return -1;
	t = cpu_ns() - t0;
	printf("%-44s %8zu %10.1f\n", what, b->n * rounds,
	    (double)t / 1e3 / (double)(b->n * rounds));
	return 0;
}

static int
parse_count(const char *opt, const char *arg, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || *end || n < 1 || n > max) {
		fprintf(stderr, "bench certs: --%s wants 1..%u, not '%s'\n",
		    opt, max, arg);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

int
bench_certs_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_certs b = { 0 };
	const char *dir = NULL;
	unsigned count = 100, rounds = 5;
	int ch, ret = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			if (parse_count("count", optarg, 99999, &count) < 0)
				return 2;
			break;
		case 'r':
			if (parse_count("rounds", optarg, 100000, &rounds) < 0)
				return 2;
			break;
		case 'h':
			bench_certs_usage(stdout);
			return 0;
		default:
			bench_certs_usage(stderr);
			return 2;
		}
	}
	if (dir == NULL || optind != argc) {
		bench_certs_usage(stderr);
		return 2;
	}
	if (bench_certs_load(dir, count, &b) == 0) {
		printf("uipsec bench certs: %u CCUs of %s, %u rounds (%s)\n\n"
		    "%-44s %8s %10s\n", count, dir, rounds,
		    OpenSSL_version(OPENSSL_VERSION), "operation", "ops",
		    "CPU us/op");
		if (bench_certs_time("new CCU: chain + identity + AUTH verify",
		    bench_certs_verify_round, &b, rounds) == 0 &&
		    bench_certs_time("AUTH sign (own key)",
		    bench_certs_sign_round, &b, rounds) == 0)
			ret = 0;
	}
	bench_certs_free(&b);
	return ret;
}
