/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run loop: every selected case observed and judged, on -j worker
 * threads, and reported in order as soon as it and the ones before it are
 * done.
 */
#ifndef CONFORM_POOL_H
#define CONFORM_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "expect.h"
#include "report.h"
#include "suite.h"
#include "test.h"

struct run {
	struct test *tests;		/* 2 per case: plain, sleepable */
	const struct suite *suite;
	const struct ruleset *rules;
	unsigned int version;
	bool *wanted;			/* per case: any of its tests selected */
	bool *done;			/* per case */
	size_t next;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/*
 * Run the selected tests (selected: per test) on jobs threads, or in this
 * one with jobs 1, and report each; n gets the counts.
 */
void run_tests(struct run *run, const bool *selected, int jobs, bool verbose,
	       struct counts *n);

#endif /* CONFORM_POOL_H */
