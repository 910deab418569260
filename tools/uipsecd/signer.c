/*
 * tools/uipsecd/signer.c — see signer.h. One mutex guards both lists: the
 * jobs to sign (workers wait on a condition variable for them) and those
 * signed (the loop drains them when the eventfd wakes it). A job carries
 * its own copy of the octets and room for the result; the key is the
 * engine's, which OpenSSL 3 lets several threads sign with at once
 * (certs_auth_sign makes a fresh EVP_MD_CTX per call and keeps no state).
 * Workers never log: the loop reports a failure, naming the SA.
 */
#include "signer.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/log.h"

struct signer_job {
	struct signer_job		*next;
	uint64_t			 spi, ike_id;
	const struct certs_key		*key;
	struct certs_auth_params	 params;
	uint8_t				*octets;	/* owned */
	size_t				 octets_len;
	enum certs_status		 status;
	struct certs_err		 err;
	size_t				 auth_len;
	uint8_t				 auth[CERTS_AUTH_DATA_MAX];
};

/* A FIFO of jobs. */
struct job_list {
	struct signer_job	*head, *tail;
	size_t			 n;
};

struct signer {
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* todo not empty, or stop */
	struct job_list		 todo, done;
	size_t			 todo_max;
	bool			 stop;
	int			 efd;		/* eventfd: done not empty */
	unsigned		 n_threads;	/* started */
	pthread_t		 threads[SIGNER_THREADS_MAX];
};

static void
list_push(struct job_list *l, struct signer_job *j)
{
	j->next = NULL;
	if (l->tail != NULL)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
	l->n++;
}

static struct signer_job *
list_pop(struct job_list *l)
{
	struct signer_job *j = l->head;

	if (j != NULL) {
		l->head = j->next;
		if (l->head == NULL)
			l->tail = NULL;
		l->n--;
	}
	return j;
}

static void
job_free(struct signer_job *j)
{
	free(j->octets);
	free(j);
}

static void
list_free(struct job_list *l)
{
	struct signer_job *j;

	while ((j = list_pop(l)) != NULL)
		job_free(j);
}

static void
job_sign(struct signer_job *j)
{
	j->status = certs_auth_sign(j->key, &j->params, j->octets,
	    j->octets_len, j->auth, sizeof(j->auth), &j->auth_len, &j->err);
}

static void
job_done(struct signer_job *j, struct ike_engine *e, uint64_t now_ms)
{
	ike_engine_sign_done(e, j->spi, j->ike_id, j->auth, j->auth_len,
	    j->status == CERTS_OK ? NULL : j->err.reason, now_ms);
	job_free(j);
}

static void *
worker(void *arg)
{
	struct signer *s = arg;
	struct signer_job *j;
	uint64_t one = 1;
	ssize_t wrote;

	/* Best effort: at nice 0 the workers would still sign. */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), SIGNER_NICE);
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->stop && s->todo.head == NULL)
			pthread_cond_wait(&s->work, &s->mu);
		if (s->stop)
			break;
		j = list_pop(&s->todo);
		pthread_mutex_unlock(&s->mu);
		job_sign(j);
		pthread_mutex_lock(&s->mu);
		list_push(&s->done, j);
		/* The counter only wakes the loop, which takes every job
		 * that is done; it cannot overflow (2^64 - 2). */
		wrote = write(s->efd, &one, sizeof(one));
		(void)wrote;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

bool
signer_worth(const struct certs_key *key)
{
	switch (certs_key_type(key)) {
	case CERTS_KEY_ECDSA_P256:
	case CERTS_KEY_ED25519:
		return false;
	default:
		return true;
	}
}

unsigned
signer_default_threads(void)
{
	cpu_set_t cpus;
	long n;

	/* The CPUs this process may run on (taskset, a cpuset), not all the
	 * machine has: a thread that can only share the loop's CPU is a
	 * hand-off for nothing (scale.sh PIN=1: ~3 % fewer RSA set-ups). */
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
		n = CPU_COUNT(&cpus);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	/* Two CPUs: with a CPU to spare, one thread made RSA set-ups ~1.5x
	 * as fast as the loop signing; with the other CPU busy (the test
	 * machine running the load generator too) ~1.15x, since the loop
	 * signs a waiting job itself when it has nothing else to do
	 * (signer_help; doc/load.md, session 8). */
	if (n <= 1)
		return 0;
	return n - 1 > SIGNER_THREADS_MAX ? SIGNER_THREADS_MAX :
	    (unsigned)(n - 1);
}

struct signer *
signer_new(unsigned threads)
{
	struct signer *s = calloc(1, sizeof(*s));
	sigset_t all, old;
	int rc = 0;

	if (s == NULL || threads == 0 || threads > SIGNER_THREADS_MAX) {
		log_err("ike: cannot start %u signer threads", threads);
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	s->todo_max = (size_t)threads * SIGNER_QUEUE_PER_THREAD;
	if ((s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		log_err("ike: signer: eventfd: %s", strerror(errno));
		signer_free(s);
		return NULL;
	}
	/* Signals are the loop's (signalfd): none for the workers. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	while (s->n_threads < threads && (rc = pthread_create(
	    &s->threads[s->n_threads], NULL, worker, s)) == 0)
		s->n_threads++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_err("ike: signer thread: %s", strerror(rc));
		signer_free(s);
		return NULL;
	}
	return s;
}

int
signer_fd(const struct signer *s)
{
	return s->efd;
}

int
signer_submit(struct signer *s, const struct ike_sign_job *job)
{
	struct signer_job *j;
	bool full;

	pthread_mutex_lock(&s->mu);
	full = s->todo.n >= s->todo_max;
	pthread_mutex_unlock(&s->mu);
	if (full || (j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	if ((j->octets = malloc(job->octets_len)) == NULL) {
		free(j);
		return -1;
	}
	memcpy(j->octets, job->octets, job->octets_len);
	j->octets_len = job->octets_len;
	j->spi = job->spi;
	j->ike_id = job->ike_id;
	j->key = job->key;
	j->params = job->params;
	pthread_mutex_lock(&s->mu);
	list_push(&s->todo, j);
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

void
signer_collect(struct signer *s, struct ike_engine *e, uint64_t now_ms)
{
	struct job_list done;
	struct signer_job *j;
	uint64_t n;

	if (read(s->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("ike: signer: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&s->mu);
	done = s->done;
	memset(&s->done, 0, sizeof(s->done));
	pthread_mutex_unlock(&s->mu);
	while ((j = list_pop(&done)) != NULL)
		job_done(j, e, now_ms);
}

bool
signer_waiting(struct signer *s)
{
	bool waiting;

	pthread_mutex_lock(&s->mu);
	waiting = s->todo.head != NULL;
	pthread_mutex_unlock(&s->mu);
	return waiting;
}

bool
signer_help(struct signer *s, struct ike_engine *e, uint64_t now_ms)
{
	struct signer_job *j;

	pthread_mutex_lock(&s->mu);
	j = list_pop(&s->todo);
	pthread_mutex_unlock(&s->mu);
	if (j == NULL)
		return false;
	job_sign(j);
	job_done(j, e, now_ms);
	return true;
}

void
signer_free(struct signer *s)
{
	unsigned i;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < s->n_threads; i++)
		pthread_join(s->threads[i], NULL);
	list_free(&s->todo);
	list_free(&s->done);
	if (s->efd >= 0)
		close(s->efd);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
