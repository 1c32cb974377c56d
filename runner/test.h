/* SPDX-License-Identifier: GPL-2.0 */
/* One test: a case loaded without or with BPF_F_SLEEPABLE, and its result. */
#ifndef CONFORM_TEST_H
#define CONFORM_TEST_H

#include <stdbool.h>

#include "expect.h"
#include "load.h"
#include "suite.h"

enum status {
	ST_PASS,
	ST_FAIL,
	ST_SKIP,
	ST_XFAIL,	/* a known kernel bug (an error rule) reproduced */
	ST_XPASS,	/* it did not: a failure, the rule needs a range */
};

struct test {
	const struct conform_case *c;
	bool sleepable;
	char name[96];			/* "xdp", or "xdp.s" when sleepable */

	/* What the kernel did: observe.c */
	enum outcome observed;
	int err;			/* errno of a rejection */
	char message[MESSAGE_LEN];	/* decisive verifier line */
	char reason[1024];			/* why skip or absent */
	char *log;			/* verifier log of a rejection */

	long long usec;			/* control and both loads of the case */

	/*
	 * The run stage (run_stage.c), for an accepted load whose hook the
	 * runner can fire (hooks.c): attach, fire, and look at the page.
	 */
	bool run_attempted;
	enum outcome run_observed;	/* OUT_RUNS ... OUT_SPLAT, OUT_SKIP, OUT_ERROR */
	int run_err;			/* errno of an attach refusal */
	char run_message[MESSAGE_LEN];	/* what refused, or the kernel's splat */
	char run_info[1024];		/* the hook, and what was seen */
	long long run_latency_us;	/* fire to freed page; -1 if not freed */
	long long run_count;		/* times the program ran while attached; -1 unknown */
	long long run_usec;		/* the whole run stage of this test */
	long long run_phase_us[4];	/* of it, by enum run_phase (run_stage.h) */
	const struct rule *run_rule;

	/* What we conclude: verdict.c */
	const struct rule *rule;
	enum status status;
	char detail[2 * MESSAGE_LEN];	/* why it failed or passed unexpectedly */
};

/*
 * Load the control and the case of tests[0] (plain) and tests[1]; then,
 * unless run_enabled is false (--no-run), the run stage of each accepted
 * load (run_stage.c).
 */
void observe_case(struct test tests[2], char *log, size_t log_size);
extern bool run_enabled;

/* Compare what was observed with the first matching rule, of each stage. */
void verdict_decide(struct test *t, const struct ruleset *rs,
		    unsigned int version);

const char *status_str(enum status s);

#endif /* CONFORM_TEST_H */
