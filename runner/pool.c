// SPDX-License-Identifier: GPL-2.0
/* The run loop and its worker threads. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "kmsg.h"
#include "pool.h"

/*
 * A verifier log buffer: mapped, so its pages are zero (memcheck cannot
 * see the kernel write it) and only the ones the kernel writes are touched.
 */
#define LOG_SIZE (1u << 20)

static char *log_buffer(void)
{
	void *p = mmap(NULL, LOG_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("conform: mmap");
		exit(EXIT_FAILURE);
	}
	return p;
}

/* Observe case i, both of its loads, and decide their verdicts. */
static void run_case(struct run *run, size_t i, char *log)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	kmsg_begin(run->suite->cases[i].name);
	observe_case(&run->tests[2 * i], log, LOG_SIZE);
	kmsg_end(run->suite->cases[i].name);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	run->tests[2 * i].usec = run->tests[2 * i + 1].usec =
		(t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
	verdict_decide(&run->tests[2 * i], run->rules, run->version);
	verdict_decide(&run->tests[2 * i + 1], run->rules, run->version);
}

static void *worker(void *arg)
{
	struct run *run = arg;
	char *log = log_buffer();

	for (;;) {
		size_t i;

		pthread_mutex_lock(&run->lock);
		while (run->next < run->suite->case_cnt && !run->wanted[run->next])
			run->done[run->next++] = true;
		i = run->next++;
		pthread_mutex_unlock(&run->lock);
		if (i >= run->suite->case_cnt)
			break;

		run_case(run, i, log);

		pthread_mutex_lock(&run->lock);
		run->done[i] = true;
		pthread_cond_broadcast(&run->cond);
		pthread_mutex_unlock(&run->lock);
	}
	munmap(log, LOG_SIZE);
	pthread_mutex_lock(&run->lock);
	pthread_cond_broadcast(&run->cond);
	pthread_mutex_unlock(&run->lock);
	return NULL;
}

static void report_case(const struct run *run, size_t c, const bool *selected,
			int *idx, bool verbose, struct counts *n)
{
	for (size_t f = 0; f < 2; f++) {
		const struct test *t = &run->tests[2 * c + f];

		if (!selected[2 * c + f])
			continue;
		report_test(++*idx, t, verbose);
		n->pass += t->status == ST_PASS;
		n->fail += t->status == ST_FAIL;
		n->skip += t->status == ST_SKIP;
		n->xfail += t->status == ST_XFAIL;
		n->xpass += t->status == ST_XPASS;
	}
}

void run_tests(struct run *run, const bool *selected, int jobs, bool verbose,
	       struct counts *n)
{
	pthread_t threads[64];
	char *log = NULL;
	int idx = 0;

	/* One job: this thread, with no hand-over per case. */
	if (jobs == 1)
		log = log_buffer();
	for (int i = 0; jobs > 1 && i < jobs; i++)
		pthread_create(&threads[i], NULL, worker, run);
	for (size_t c = 0; c < run->suite->case_cnt; c++) {
		if (log) {
			if (run->wanted[c])
				run_case(run, c, log);
		} else {
			pthread_mutex_lock(&run->lock);
			while (!run->done[c])
				pthread_cond_wait(&run->cond, &run->lock);
			pthread_mutex_unlock(&run->lock);
		}
		report_case(run, c, selected, &idx, verbose, n);
	}
	for (int i = 0; jobs > 1 && i < jobs; i++)
		pthread_join(threads[i], NULL);
	if (log)
		munmap(log, LOG_SIZE);
}
