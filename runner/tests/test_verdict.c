// SPDX-License-Identifier: GPL-2.0
/* verdict_decide(): pass, fail, xfail, xpass, errno and message checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "unit.h"

static char path[] = "/tmp/conform-verdict-XXXXXX";

static const char rules[] =
	"*\tany\t<6.9\tabsent\n"
	"xdp\tplain\t6.9..<7.0\treject:EACCES\tprogram must be sleepable\n"
	"xdp\tplain\t>=7.0\taccept\n"
	"xdp\tsleepable\t>=6.9\treject\tcan be sleepable\n"
	"rt_bug\tsleepable\t6.16..<7.2\terror\tcheck 3 failed\n"
	"rt_bug\tsleepable\t>=6.9\taccept\n"
	"xdp\tsleepable\t<6.9\treject\tcan be sleepable\n"
	"*\tany\t*\truns\n";

static struct ruleset rs;

static const char *verifier_log;	/* the next decide()'s, or NULL */

/* A test of case name (its load observed as obs), and its message. */
static struct test test_of(const char *name, bool sleepable, enum outcome obs,
			   const char *message)
{
	static struct conform_case c;
	struct test t = { 0 };

	c.name = name;
	t.c = &c;
	t.log = (char *)verifier_log;
	t.sleepable = sleepable;
	t.observed = obs;
	snprintf(t.message, sizeof(t.message), "%s", message);
	return t;
}

/* Decide a test of case name, observed as given, on kernel version. */
static struct test decide(const char *name, bool sleepable, enum outcome obs,
			  int err, const char *message, unsigned int version)
{
	struct test t = test_of(name, sleepable, obs, message);

	t.err = err;
	verdict_decide(&t, &rs, version);
	return t;
}

/* Decide a sleepable test whose load was accepted and whose run saw run_obs. */
static struct test decide_run(const char *name, enum outcome run_obs,
			      const char *run_message, unsigned int version)
{
	struct test t = test_of(name, true, OUT_ACCEPT, "");

	t.run_attempted = true;
	t.run_observed = run_obs;
	snprintf(t.run_message, sizeof(t.run_message), "%s", run_message);
	verdict_decide(&t, &rs, version);
	return t;
}

static void test_decide(void)
{
	struct test t;

	t = decide("xdp", false, OUT_REJECT, EACCES,
		   "program must be sleepable to call sleepable kfunc bpf_arena_free_pages",
		   kver(6, 12, 0));
	CHECK(t.status == ST_PASS && t.rule && t.rule->line == 2,
	      "reject with the errno: %s", status_str(t.status));

	t = decide("xdp", false, OUT_REJECT, EINVAL,
		   "program must be sleepable to call sleepable kfunc bpf_arena_free_pages",
		   kver(6, 12, 0));
	CHECK(t.status == ST_FAIL, "errno mismatch: %s", status_str(t.status));
	CHECK(strstr(t.detail, "expected errno EACCES, observed EINVAL (rule ") &&
	      strstr(t.detail, ":2)"), "detail '%s'", t.detail);

	t = decide("xdp", true, OUT_REJECT, EPERM, "x can be sleepable", kver(6, 12, 0));
	CHECK(t.status == ST_PASS, "no errno in the rule: any errno");

	t = decide("xdp", false, OUT_REJECT, EACCES, "something else", kver(6, 12, 0));
	CHECK(t.status == ST_FAIL && strstr(t.detail, "expected message 'program must be sleepable'"),
	      "message mismatch: '%s'", t.detail);

	t = decide("xdp", false, OUT_REJECT, EACCES, "program must be sleepable", kver(7, 0, 0));
	CHECK(t.status == ST_FAIL && strstr(t.detail, "expected accept, observed reject (rule "),
	      "outcome mismatch: '%s'", t.detail);

	t = decide("xdp", false, OUT_ACCEPT, 0, "", kver(7, 3, 0));
	CHECK(t.status == ST_PASS, "accept: %s", status_str(t.status));

	t = decide("xdp", false, OUT_ABSENT, 0, "", kver(6, 1, 0));
	CHECK(t.status == ST_PASS && t.rule->line == 1, "absent");

	t = decide("xdp", false, OUT_SKIP, 0, "", kver(6, 12, 0));
	CHECK(t.status == ST_SKIP && !strcmp(status_str(t.status), "skip"), "skip");

	t = decide("tc", false, OUT_ACCEPT, 0, "", kver(6, 12, 0));
	CHECK(t.status == ST_FAIL && strstr(t.detail, "no rule in expected/ for tc (plain) on 6.12.0"),
	      "no rule: '%s'", t.detail);

	/* a known kernel bug, a run rule: it reproduces, or it does not */
	t = decide_run("rt_bug", OUT_ERROR, "the program's check 3 failed (it read 0x0)",
		       kver(6, 18, 44));
	CHECK(t.status == ST_XFAIL && !strcmp(status_str(t.status), "xfail") &&
	      t.run_rule && t.run_rule->line == 5, "xfail: %s", status_str(t.status));

	t = decide_run("rt_bug", OUT_RUNS, "", kver(6, 18, 44));
	CHECK(t.status == ST_XPASS && !strcmp(status_str(t.status), "xpass"),
	      "xpass: %s", status_str(t.status));
	CHECK(strstr(t.detail, "the known kernel bug did not reproduce") &&
	      strstr(t.detail, ":5: give it a kernel range without 6.18.44"),
	      "xpass detail '%s'", t.detail);

	t = decide_run("rt_bug", OUT_ERROR, "the program's check 4 failed", kver(6, 18, 44));
	CHECK(t.status == ST_FAIL && strstr(t.detail, "expected message 'check 3 failed'"),
	      "another error is a failure: '%s'", t.detail);

	t = decide_run("rt_bug", OUT_NO_EFFECT, "", kver(6, 18, 44));
	CHECK(t.status == ST_FAIL && strstr(t.detail, "run: expected error, observed no-effect"),
	      "another outcome is not the known bug: '%s'", t.detail);

	t = decide("rt_bug", true, OUT_REJECT, EINVAL, "check 3 failed", kver(6, 18, 44));
	CHECK(t.status == ST_FAIL && strstr(t.detail, "expected accept, observed reject"),
	      "a rejected load is no run: '%s'", t.detail);

	t = decide_run("rt_bug", OUT_RUNS, "", kver(7, 2, 0));
	CHECK(t.status == ST_PASS, "fixed kernel: pass");

	t = decide_run("rt_bug", OUT_ERROR, "check 3 failed", kver(7, 2, 0));
	CHECK(t.status == ST_FAIL && strstr(t.detail, "run: expected runs, observed error: check 3 failed"),
	      "the bug on a fixed kernel: fail: '%s'", t.detail);

	t = decide("rt_bug", true, OUT_ACCEPT, 0, "", kver(6, 18, 44));
	CHECK(t.status == ST_PASS, "--no-run: the load alone passes: %s", status_str(t.status));

	/*
	 * An absent rule does not speak for a load refused before any
	 * instruction was looked at: the next rule that matches does.
	 */
	verifier_log = "Only fentry/fexit/fmod_ret, lsm, and kprobe/uprobe programs can be sleepable\n";
	t = decide("xdp", true, OUT_REJECT, EINVAL, "x can be sleepable", kver(6, 1, 0));
	CHECK(t.status == ST_PASS && t.rule && t.rule->line == 7,
	      "refused before the instructions: the next rule (line %d)", t.rule ? t.rule->line : 0);
	verifier_log = "0: R1=ctx() R10=fp0\n0: (85) call bpf_spin_lock#93\nx can be sleepable\n";
	t = decide("xdp", true, OUT_REJECT, EINVAL, "x can be sleepable", kver(6, 1, 0));
	CHECK(t.status == ST_FAIL && t.rule && t.rule->line == 1 &&
	      strstr(t.detail, "expected absent, observed reject"),
	      "refused at an instruction: the absent rule, failed: '%s'", t.detail);
	verifier_log = "can be sleepable\n";
	t = decide("tc", true, OUT_REJECT, EINVAL, "x can be sleepable", kver(6, 1, 0));
	CHECK(t.status == ST_FAIL && t.rule && t.rule->line == 1,
	      "no rule below: the absent rule, failed: '%s'", t.detail);
	verifier_log = NULL;
}

int main(void)
{
	char err[512];
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f || fputs(rules, f) < 0 || fclose(f))
		return 2;
	if (ruleset_load(&rs, path, err, sizeof(err))) {
		printf("%s\n", err);
		unlink(path);
		return 2;
	}
	test_decide();
	ruleset_free(&rs);
	unlink(path);
	return unit_done("test_verdict");
}
