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

void verdict_decide(struct test *t, const struct ruleset *rs,
		    unsigned int version)
{
	const struct rule *r = ruleset_lookup(rs, t->c->name, t->sleepable, version);
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
	if (r->outcome == OUT_ERROR && t->observed == OUT_ACCEPT) {
		t->status = ST_XPASS;
		kver_format(version, v, sizeof(v));
		snprintf(t->detail, sizeof(t->detail),
			 "the known kernel bug did not reproduce: expected error '%s', observed accept (rule %s:%d: give it a kernel range without %s)",
			 r->message, r->file, r->line, v);
		return;
	}
	if (r->outcome != t->observed) {
		snprintf(t->detail, sizeof(t->detail),
			 "expected %s, observed %s%s%s (rule %s:%d)",
			 outcome_str(r->outcome), outcome_str(t->observed),
			 t->observed == OUT_ERROR ? ": " : "",
			 t->observed == OUT_ERROR ? t->message : "",
			 r->file, r->line);
		return;
	}
	if ((t->observed == OUT_REJECT || t->observed == OUT_ERROR) &&
	    !rule_message_matches(r, t->message)) {
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
	/* An error rule is a kernel bug on record: it reproduced. */
	t->status = r->outcome == OUT_ERROR ? ST_XFAIL : ST_PASS;
}
