/* SPDX-License-Identifier: GPL-2.0 */
/* Results: KTAP on stdout, a human summary, and the JSON file. */
#ifndef CONFORM_REPORT_H
#define CONFORM_REPORT_H

#include <jansson.h>
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
/* The runner's start, before its first test, step by step. */
enum start_step {
	START_OBJECTS,	/* find, check and link the objects, open the result */
	START_RULES,	/* read and check expected/ */
	START_KERNEL,	/* vmlinux BTF and the kernel's version */
	START_PREPARE,	/* bpf_object__prepare(), the case table's targets */
	START_OTHER,	/* the rest: options, selection, JSON file, kmsg */
	START_STEPS
};

struct start_times {
	long long ns[START_STEPS];
	long long bpf_ns[START_STEPS];	/* of it, in bpf() */
	long long bpf_t0;
};

/* Adds the time since *t0 to step, and starts the next one. */
void start_step(struct start_times *st, enum start_step step, long long *t0);
/* "# time: start: N ms before the first test (...)" */
void report_start(const struct start_times *st);
/*
 * "# time: N ms in bpf() (C calls), M ms wall" for the load stage, and a
 * line for the run stage (run_stage.c) if it ran.
 */
void report_time(long long bpf_ns, long long bpf_calls, long long wall_ns,
		 struct run_stage_stats run);
void report_summary(const struct kernel *k, const struct counts *n);

/*
 * Write the JSON document to f (already open), with jansson. 0, or -1 on a
 * write error (or if jansson is out of memory).
 */
int report_json(FILE *f, const struct kernel *k, struct test **tests,
		size_t cnt, const struct counts *n);

/*
 * A C string as a new JSON string (jansson), NULL as null; NULL if out of
 * memory. JSON text is UTF-8 and jansson refuses a string that is not, but
 * what the runner writes comes from the kernel (the verifier's log, uname,
 * BTF names) and is cut to a fixed length (MESSAGE_LEN), possibly inside a
 * character. So each byte that is not part of a well-formed UTF-8 sequence
 * becomes U+FFFD, the replacement character: the document stays valid
 * JSON that the audit reads back, and the loss shows. (Escaping such a
 * byte as \u00XX, Latin-1, would instead write a plausible but wrong
 * character.) The KTAP text keeps the kernel's bytes as they are.
 */
json_t *report_json_str(const char *s);

#endif /* CONFORM_REPORT_H */
