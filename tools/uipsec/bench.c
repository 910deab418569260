/*
 * tools/uipsec/bench.c — `uipsec bench`: ESP encap and decap throughput per
 * suite and inner packet size, each beside the raw speed of the same cipher
 * and MAC measured in the same run (bench_raw.c), and the ratio ESP/raw.
 *
 * A benchmark, not a test: it fails only when something does not work (an
 * encap error, a decap that does not return ESP_OK and the original packet).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "bench.h"
#include "commands.h"

#define BENCH_MAX_CASES	16
#define BENCH_SLICES	16	/* turns each side takes per row */

/* ESN on: what uipsec proposes, and the costlier AAD/ICV input. */
static const char *const bench_default_suites[] = {
	"aes256-sha1-esn", "aes256-sha256-esn", "aes256gcm16-esn",
	"chacha20poly1305-esn",
};
static const size_t bench_default_sizes[] = { 64, 512, 1400 };

struct bench_opts {
	double		 seconds;
	size_t		 sas, slots;
	struct bench_case suites[BENCH_MAX_CASES];	/* size unset */
	size_t		 nsuites;
	size_t		 sizes[BENCH_MAX_CASES];
	size_t		 nsizes;
};

uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The ESP and raw sides take turns, BENCH_SLICES each, until both have
 * c->seconds timed; each first runs one untimed warm-up round. */
static int
bench_run_pair(const struct bench_case *c, struct bench_side *esp,
    struct bench_side *raw)
{
	struct bench_side *sides[] = { esp, raw };
	uint64_t warmup = 0, budget = (uint64_t)(c->seconds * 1e9);

	for (size_t i = 0; i < 2; i++)
		if (sides[i]->round(sides[i]->arg, &warmup) < 0)
			return -1;
	for (uint64_t k = 1; k <= BENCH_SLICES; k++)
		for (size_t i = 0; i < 2; i++)
			while (sides[i]->rate.ns < budget * k / BENCH_SLICES) {
				if (sides[i]->round(sides[i]->arg,
				    &sides[i]->rate.ns) < 0)
					return -1;
				sides[i]->rate.packets += BENCH_BATCH;
			}
	return 0;
}

/* IPv4 header, then UDP if it fits, then a byte pattern. Checksums stay
 * zero: ESP does not read the inner packet. */
void
bench_fill_inner(uint8_t *p, size_t size, uint32_t id)
{
	static const uint8_t ip[20] = {
		0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0,
		10, 99, 0, 1, 10, 99, 0, 2,
	};

	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(i + id);
	memcpy(p, ip, sizeof(ip));
	p[2] = (uint8_t)(size >> 8);
	p[3] = (uint8_t)size;
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
}

static double
bench_mbps(const struct bench_rate *r, size_t size)
{
	return r->ns ? (double)r->packets * (double)size * 1e3 / (double)r->ns
	    : 0;
}

static double
bench_kpps(const struct bench_rate *r)
{
	return r->ns ? (double)r->packets * 1e6 / (double)r->ns : 0;
}

static void
bench_row(const struct bench_case *c, const char *op,
    const struct bench_rate *esp, const struct bench_rate *raw)
{
	double ratio = bench_kpps(raw) > 0 ? bench_kpps(esp) / bench_kpps(raw)
	    : 0;

	printf("%-22s %5zu  %-5s %10.1f %10.1f %10.1f %10.1f %7.2f  %s\n",
	    c->name, c->size, op, bench_mbps(esp, c->size),
	    bench_kpps(esp), bench_mbps(raw, c->size), bench_kpps(raw), ratio,
	    bench_raw_library(c->suite));
	fflush(stdout);
}

static int
bench_case_run(const struct bench_case *c)
{
	static const char *const op_names[] = { "encap", "decap" };
	struct bench_side esp, raw;
	int ret = 0;

	for (enum bench_op op = BENCH_ENCAP; ret == 0 && op <= BENCH_DECAP;
	    op++) {
		esp = raw = (struct bench_side){ 0 };
		ret = -1;
		if (bench_esp_new(c, op, &esp) == 0 &&
		    bench_raw_new(c, op, &raw) == 0 &&
		    bench_run_pair(c, &esp, &raw) == 0) {
			bench_row(c, op_names[op], &esp.rate, &raw.rate);
			ret = 0;
		}
		bench_esp_free(&esp);
		bench_raw_free(&raw);
	}
	return ret;
}

static void
bench_usage(FILE *out)
{
	fprintf(out,
	    "usage: uipsec bench [--seconds S] [--size BYTES]... "
	    "[--suite TOKEN]... [--sas N] [--slots M]\n"
	    "       uipsec bench certs --help   (certificate work of IKE_AUTH)\n"
	    "  ESP encap/decap throughput of inner IPv4 packets beside the raw\n"
	    "  cipher+MAC of the same suite on same-size buffers.\n"
	    "  --seconds S     timed seconds per measurement (default 0.5)\n"
	    "  --size BYTES    inner packet size, %d..%d (default 64, 512, "
	    "1400)\n"
	    "  --suite TOKEN   strongSwan ESP token, e.g. aes256-sha1-esn "
	    "(default: all)\n"
	    "  --sas N         packets round-robin through N SAs, 1..%d "
	    "(default 1)\n"
	    "  --slots M       the SAs share a context cache of M slots "
	    "(default: none,\n"
	    "                  each SA owns its contexts); M < N re-keys a "
	    "slot per packet\n", BENCH_SIZE_MIN, BENCH_SIZE_MAX, BENCH_BATCH);
}

static int
bench_add_suite(struct bench_opts *o, const char *token)
{
	struct bench_case *c = &o->suites[o->nsuites];

	if (o->nsuites == BENCH_MAX_CASES) {
		fprintf(stderr, "bench: more than %d --suite\n",
		    BENCH_MAX_CASES);
		return -1;
	}
	*c = (struct bench_case){ .name = token };
	if (esp_suite_parse(token, &c->suite, &c->key_len, &c->esn) < 0) {
		fprintf(stderr, "bench: unknown suite '%s'\n", token);
		return -1;
	}
	o->nsuites++;
	return 0;
}

static int
bench_parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "suite", required_argument, NULL, 'S' },
		{ "sas", required_argument, NULL, 'n' },
		{ "slots", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	unsigned long n;
	int ch;

	*o = (struct bench_opts){ .seconds = 0.5, .sas = 1 };
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 't':
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno || *end || !(o->seconds > 0 &&
			    o->seconds <= 60)) {
				fprintf(stderr, "bench: --seconds wants a "
				    "number in (0, 60], not '%s'\n", optarg);
				return -1;
			}
			break;
		case 's':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || n < BENCH_SIZE_MIN ||
			    n > BENCH_SIZE_MAX || o->nsizes == BENCH_MAX_CASES) {
				fprintf(stderr, "bench: --size wants %d..%d "
				    "(at most %d times), not '%s'\n",
				    BENCH_SIZE_MIN, BENCH_SIZE_MAX,
				    BENCH_MAX_CASES, optarg);
				return -1;
			}
			o->sizes[o->nsizes++] = n;
			break;
		case 'S':
			if (bench_add_suite(o, optarg) < 0)
				return -1;
			break;
		case 'n':
		case 'm':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || n < 1 || n > BENCH_BATCH) {
				fprintf(stderr, "bench: --%s wants 1..%d, not "
				    "'%s'\n", ch == 'n' ? "sas" : "slots",
				    BENCH_BATCH, optarg);
				return -1;
			}
			*(ch == 'n' ? &o->sas : &o->slots) = n;
			break;
		case 'h':
			bench_usage(stdout);
			exit(0);
		default:
			bench_usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bench: unexpected argument '%s'\n",
		    argv[optind]);
		return -1;
	}
	if (o->nsuites == 0)
		for (size_t i = 0; i < sizeof(bench_default_suites) /
		    sizeof(bench_default_suites[0]); i++)
			if (bench_add_suite(o, bench_default_suites[i]) < 0)
				return -1;
	if (o->nsizes == 0) {
		memcpy(o->sizes, bench_default_sizes,
		    sizeof(bench_default_sizes));
		o->nsizes = sizeof(bench_default_sizes) /
		    sizeof(bench_default_sizes[0]);
	}
	return 0;
}

int
cmd_bench(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_case c;

	if (argc > 1 && !strcmp(argv[1], "certs"))
		return bench_certs_main(argc - 1, argv + 1);
	if (bench_parse(argc, argv, &o) < 0)
		return 2;
	if (sodium_init() < 0) {
		fprintf(stderr, "bench: libsodium failed to initialise\n");
		return 1;
	}
	printf("uipsec bench: %.2f s per measurement, inner IPv4 packets in "
	    "batches of %d\nraw: the suite's cipher and MAC alone on same-size "
	    "buffers (%s; libsodium %s)\n\n", o.seconds, BENCH_BATCH,
	    OpenSSL_version(OPENSSL_VERSION), sodium_version_string());
	if (o.sas > 1 || o.slots > 0)
		printf("ESP: packets round-robin through %zu SAs, %s%zu "
		    "slots\n\n", o.sas, o.slots ? "sharing a context cache of "
		    : "each owning its contexts, ", o.slots ? o.slots : o.sas);
	printf("%-22s %5s  %-5s %10s %10s %10s %10s %7s  %s\n", "suite",
	    "bytes", "op", "ESP MB/s", "ESP kpps", "raw MB/s", "raw kpps",
	    "ESP/raw", "raw via");
	for (size_t s = 0; s < o.nsuites; s++)
		for (size_t z = 0; z < o.nsizes; z++) {
			c = o.suites[s];
			c.size = o.sizes[z];
			c.seconds = o.seconds;
			c.sas = o.sas;
			c.slots = o.slots;
			if (bench_case_run(&c) < 0)
				return 1;
		}
	return 0;
}
