// SPDX-License-Identifier: GPL-2.0
/* Where a verdict is decided: the observation against the expectation. */
#include <stdio.h>

#include "test.h"
#include "util.h"

const char *status_str(enum status s)
{
	static const char *const names[] = {
		[ST_PASS] = "pass", [ST_FAIL] = "fail", [ST_SKIP] = "skip",
		[ST_XFAIL] = "xfail", [ST_XPASS] = "xpass",
	};

	return names[s];
}

static void decide_run(struct test *t, const struct ruleset *rs,
		       unsigned int version);

/*
 * The load's rule: the first that matches, except that an absent rule
 * ("the kernel lacks the kfunc or the arena: the load is refused at the
 * call or the arena") does not speak for a load refused before any
 * instruction was looked at. That one takes the next rule that matches,
 * if there is one (as on a kernel without arenas, a sleepable XDP load is
 * still refused for its flag).
 */
static const struct rule *load_rule(const struct test *t, const struct ruleset *rs,
				    unsigned int version)
{
	const struct rule *r = ruleset_lookup(rs, t->c->name, t->sleepable, version);
	const struct rule *next;

	if (!r || r->outcome != OUT_ABSENT || t->observed != OUT_REJECT ||
	    !t->log || verifier_log_last_insn(t->log))
		return r;
	next = ruleset_lookup_after(rs, r, STAGE_LOAD, t->c->name, t->sleepable, version);
	return next ? next : r;
}

void verdict_decide(struct test *t, const struct ruleset *rs,
		    unsigned int version)
{
	const struct rule *r = load_rule(t, rs, version);
	char v[32];

	t->rule = r;
	if (t->observed == OUT_SKIP) {
		t->status = ST_SKIP;
		return;
	}
	t->status = ST_FAIL;
	if (!r) {
		kver_format(version, v, sizeof(v));
		snprintf(t->detail, sizeof(t->detail),
			 "no rule in expected/ for %s (%s) on %s",
			 t->c->name, t->sleepable ? "sleepable" : "plain", v);
		return;
	}
	if (r->outcome != t->observed) {
		snprintf(t->detail, sizeof(t->detail),
			 "expected %s, observed %s (rule %s:%d)",
			 outcome_str(r->outcome), outcome_str(t->observed),
			 r->file, r->line);
		return;
	}
	if (t->observed == OUT_REJECT && !rule_message_matches(r, t->message)) {
		snprintf(t->detail, sizeof(t->detail),
			 "expected message '%s', verifier said '%s' (rule %s:%d)",
			 r->message, t->message, r->file, r->line);
		return;
	}
	if (t->observed == OUT_REJECT && r->err && r->err != t->err) {
		/* errno_name() may return its one buffer: copy the first */
		snprintf(v, sizeof(v), "%s", errno_name(r->err));
		snprintf(t->detail, sizeof(t->detail),
			 "expected errno %s, observed %s (rule %s:%d)", v,
			 errno_name(t->err), r->file, r->line);
		return;
	}
	t->status = ST_PASS;
	if (t->run_attempted)
		decide_run(t, rs, version);
}

/*
 * The run stage of a test whose load went as expected: its outcome against
 * the first run rule. A run that could not be fired here (run_observed
 * OUT_SKIP) leaves the load's verdict alone; the report says why.
 */
static void decide_run(struct test *t, const struct ruleset *rs,
		       unsigned int version)
{
	const struct rule *r = ruleset_lookup_stage(rs, STAGE_RUN, t->c->name,
						    t->sleepable, version);
	char v[32];

	t->run_rule = r;
	if (t->run_observed == OUT_SKIP)
		return;
	if (!r) {
		t->status = ST_FAIL;
		kver_format(version, v, sizeof(v));
		snprintf(t->detail, sizeof(t->detail),
			 "run: no run rule in expected/ for %s (%s) on %s",
			 t->c->name, t->sleepable ? "sleepable" : "plain", v);
		return;
	}
	if (r->outcome == OUT_SPLAT && t->run_observed != OUT_SPLAT) {
		t->status = ST_XPASS;
		snprintf(t->detail, sizeof(t->detail),
			 "run: the known kernel warning '%s' was not logged, observed %s (rule %s:%d)",
			 r->message, outcome_str(t->run_observed), r->file, r->line);
		return;
	}
	if (r->outcome == OUT_ERROR && t->run_observed == OUT_RUNS) {
		t->status = ST_XPASS;
		kver_format(version, v, sizeof(v));
		snprintf(t->detail, sizeof(t->detail),
			 "run: the known kernel bug did not reproduce: expected error '%s', observed runs (rule %s:%d: give it a kernel range without %s)",
			 r->message, r->file, r->line, v);
		return;
	}
	if (r->outcome != t->run_observed) {
		t->status = ST_FAIL;
		snprintf(t->detail, sizeof(t->detail),
			 "run: expected %s, observed %s%s%s (rule %s:%d)",
			 outcome_str(r->outcome), outcome_str(t->run_observed),
			 t->run_message[0] ? ": " : "", t->run_message,
			 r->file, r->line);
		return;
	}
	if ((r->outcome == OUT_ATTACH_REFUSED || r->outcome == OUT_SPLAT ||
	     r->outcome == OUT_ERROR) && !rule_message_matches(r, t->run_message)) {
		t->status = ST_FAIL;
		snprintf(t->detail, sizeof(t->detail),
			 "run: expected message '%s', observed '%s' (rule %s:%d)",
			 r->message, t->run_message, r->file, r->line);
		return;
	}
	if (r->outcome == OUT_ATTACH_REFUSED && r->err && r->err != t->run_err) {
		t->status = ST_FAIL;
		snprintf(v, sizeof(v), "%s", errno_name(r->err));
		snprintf(t->detail, sizeof(t->detail),
			 "run: expected errno %s, observed %s (rule %s:%d)", v,
			 errno_name(t->run_err), r->file, r->line);
		return;
	}
	/* A splat or error rule is a kernel bug on record: it reproduced. */
	if (r->outcome == OUT_SPLAT || r->outcome == OUT_ERROR)
		t->status = ST_XFAIL;
}
