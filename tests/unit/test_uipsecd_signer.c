/*
 * uipsecd's signer threads (tools/uipsecd/signer.c) behind a responder
 * engine (ike_peer_testlib): many set-ups at once, their AUTH signed on
 * real threads and collected when the eventfd says so, more of them than
 * the queue holds (the engine signs those itself); and the signer stopped
 * with jobs queued and signed but not collected (ASan build: nothing
 * leaks, nothing touches the engine afterwards).
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <sched.h>

#include "certs_testlib.h"
#include "ike_peer_testlib.h"
#include "tools/uipsecd/signer.h"

#define ECDSA_IKE	"aes256-sha256-ecp256"
#define SETUPS		20	/* beyond 2 threads' queues */

static struct signer *signer;

static void
teardown(void)
{
	signer_free(signer);	/* before the engine: jobs borrow its key */
	signer = NULL;
	net_free();
}

TestSuite(uipsecd_signer, .fini = teardown, .timeout = 120);

static int
submit(void *arg, const struct ike_sign_job *job)
{
	return signer_submit(arg, job);
}

/* SETUPS CCU SAs of A (unique = never: all stay; no DoS limits for the one
 * source) toward B, whose AUTH goes to 2 signer threads; every IKE_AUTH
 * request has reached B. */
static void
start(void)
{
	int i;

	net_init(ECDSA_IKE, "aes256-sha1");
	net.p[PEER_B].conn.unique = IKE_UNIQUE_NEVER;
	net.p[PEER_B].have_set = true;	/* one source, many set-ups */
	ike_settings_default(&net.p[PEER_B].set);
	net.p[PEER_B].set.cookie_threshold = 0;
	net.p[PEER_B].set.block_threshold = 0;
	cr_assert_not_null(signer = signer_new(2));
	net.p[PEER_B].sign = PEER_SIGN_HOOK;
	net.p[PEER_B].sign_hook = submit;
	net.p[PEER_B].sign_arg = signer;
	peer_start();
	for (i = 0; i < SETUPS; i++)
		cr_assert_eq(ike_engine_initiate(net.p[PEER_A].e, "fleet",
		    net.now), 0);
	net_run(4 * SETUPS);
}

Test(uipsecd_signer, every_setup_signed)
{
	struct pollfd pfd;

	start();
	while (net.p[PEER_B].n_up + net.p[PEER_B].n_failed < SETUPS) {
		pfd = (struct pollfd){ .fd = signer_fd(signer),
		    .events = POLLIN };
		cr_assert_eq(poll(&pfd, 1, 60000), 1,
		    "no signature within 60 s (%d of %d up)",
		    net.p[PEER_B].n_up, SETUPS);
		signer_collect(signer, net.p[PEER_B].e, net.now);
		net_run(4 * SETUPS);
	}
	cr_assert_eq(net.p[PEER_B].n_failed, 0, "%s", net.p[PEER_B].why);
	cr_assert_eq(net.p[PEER_A].n_up, SETUPS);
	cr_assert_eq(net.p[PEER_A].n_installed + net.p[PEER_A].n_children,
	    SETUPS);
}

/* The loop signs queued jobs itself while the workers sign others: every
 * SA comes up once, whoever signed it (signer_help and the workers take
 * jobs off one queue under its lock). */
Test(uipsecd_signer, the_loop_helps)
{
	struct pollfd pfd;

	start();
	while (signer_waiting(signer)) {
		signer_help(signer, net.p[PEER_B].e, net.now);
		net_run(4 * SETUPS);
	}
	cr_assert_not(signer_help(signer, net.p[PEER_B].e, net.now));
	while (net.p[PEER_B].n_up + net.p[PEER_B].n_failed < SETUPS) {
		pfd = (struct pollfd){ .fd = signer_fd(signer),
		    .events = POLLIN };
		cr_assert_eq(poll(&pfd, 1, 60000), 1, "no signature within "
		    "60 s (%d of %d up)", net.p[PEER_B].n_up, SETUPS);
		signer_collect(signer, net.p[PEER_B].e, net.now);
		net_run(4 * SETUPS);
	}
	cr_assert_eq(net.p[PEER_B].n_failed, 0, "%s", net.p[PEER_B].why);
	cr_assert_eq(net.p[PEER_B].n_up, SETUPS);
	cr_assert_eq(net.p[PEER_A].n_up, SETUPS);
}

/* Stopped before anything was collected: the SAs whose AUTH was queued
 * stay in IKE_AUTH_SIGNING (uipsecd then frees the engine); only those
 * the engine signed itself (queue full) are up. */
Test(uipsecd_signer, stopped_with_jobs)
{
	start();
	signer_free(signer);
	signer = NULL;
	cr_assert_lt(net.p[PEER_B].n_up, SETUPS);
	cr_assert_eq(net.p[PEER_B].n_failed, 0);
}

/* Which keys sign on a worker: the slow ones only (signer.h). */
Test(uipsecd_signer, only_slow_signatures_go_to_a_thread)
{
	static const struct {
		const char	*key;
		bool		 worth;
	} k[] = {
		{ "int/private/ccu-rsa.pem", true },
		{ "int/private/vpn-rsa4096.pem", true },
		{ "int/private/vpn-ec384.pem", true },
		{ "int/private/ccu-p521.pem", true },
		{ "int/private/ccu-ec.pem", false },
		{ "int/private/ccu-ed.pem", false },
	};
	struct certs_key *key;
	size_t i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		key = pki_key(k[i].key);
		cr_assert_eq(signer_worth(key), k[i].worth, "%s", k[i].key);
		certs_key_free(key);
	}
}

/* The default counts the CPUs the process may run on: one per CPU but
 * the loop's; none when it is bound to one CPU (taskset). Criterion runs
 * each test in its own process, so the affinity set here stays here. */
Test(uipsecd_signer, default_threads_follow_the_affinity)
{
	cpu_set_t cpus, one;
	int n, first = -1, i;

	cr_assert_eq(sched_getaffinity(0, sizeof(cpus), &cpus), 0);
	n = CPU_COUNT(&cpus);
	cr_assert_eq(signer_default_threads(), (unsigned)(n - 1 >
	    SIGNER_THREADS_MAX ? SIGNER_THREADS_MAX : n - 1));
	for (i = 0; i < CPU_SETSIZE && first < 0; i++)
		if (CPU_ISSET(i, &cpus))
			first = i;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	cr_assert_eq(signer_default_threads(), 0);
}
