/* SPDX-License-Identifier: GPL-2.0 */
/* Results: KTAP on stdout, a human summary, and the JSON file. */
#ifndef CONFORM_REPORT_H
#define CONFORM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "kernel.h"
#include "run_stage.h"
#include "test.h"

struct counts {
	int pass, fail, skip, xfail, xpass;
};

/* Where KTAP and the summary go (default stdout). */
void report_to(FILE *f);

void report_plan(const struct kernel *k, size_t test_cnt);
/* The selection left nothing to run: "1..0 # SKIP ...", as kselftest does. */
void report_no_tests(const struct kernel *k, const char *why);
void report_test(int idx, const struct test *t, bool verbose);
/*
 * "# time: N ms in bpf() (C calls), M ms wall" for the load stage, and a
 * line for the run stage (run_stage.c) if it ran.
 */
void report_time(long long bpf_ns, long long bpf_calls, long long wall_ns,
		 struct run_stage_stats run);
void report_summary(const struct kernel *k, const struct counts *n);

/* Write the JSON document to f (already open). 0, or -1 on a write error. */
int report_json(FILE *f, const struct kernel *k, struct test **tests,
		size_t cnt, const struct counts *n);

#endif /* CONFORM_REPORT_H */
