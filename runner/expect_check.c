// SPDX-License-Identifier: GPL-2.0
/*
 * "Every rule must decide something" (docs/rules.md): ruleset_check()
 * finds the rules that can never be the first to match, and the cases or
 * flags no rule covers, before anything is loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "util.h"

static bool flag_covers(enum flag_match flag, bool sleepable)
{
	return flag == FLAG_ANY || (flag == FLAG_SLEEPABLE) == sleepable;
}

/*
 * The kernel versions earlier rules decide for one case and flag: disjoint
 * half-open spans, merged when they overlap or touch, so a range is covered
 * exactly when one span contains it.
 */
static bool spans_cover(const struct krange *spans, int cnt,
			const struct krange *r)
{
	for (int i = 0; i < cnt; i++)
		if (spans[i].lo <= r->lo && r->hi <= spans[i].hi)
			return true;
	return r->lo >= r->hi;
}

static void spans_add(struct krange *spans, int *cnt, const struct krange *r)
{
	struct krange m = *r;
	int i, n = 0;

	for (i = 0; i < *cnt; i++) {
		if (spans[i].hi < m.lo || spans[i].lo > m.hi) {
			spans[n++] = spans[i];
			continue;
		}
		if (spans[i].lo < m.lo)
			m.lo = spans[i].lo;
		if (spans[i].hi > m.hi)
			m.hi = spans[i].hi;
	}
	spans[n++] = m;
	*cnt = n;
}

/* What a rule does for the cases. */
struct rule_use {
	int cases;	/* cases its glob matches */
	int loads;	/* (case, flag) loads it covers */
	int live;	/* loads for which it decides some version */
};

static bool same_application(const struct rule *a, const struct rule *b)
{
	return a->profile && b->profile && a->line == b->line &&
	       !strcmp(a->profile, b->profile) && !strcmp(a->file, b->file);
}

/* Say which earlier rule decides r's first load, for the error message. */
static int shadowed_err(const struct ruleset *rs, int idx,
			const struct rule_case *cases, size_t cnt, char *err,
			size_t errlen)
{
	const struct rule *r = &rs->rules[idx];

	for (size_t c = 0; c < cnt; c++) {
		if (!rule_glob_matches(r->glob, cases[c].name))
			continue;
		for (int f = 0; f < 2; f++) {
			if (!(cases[c].flags & (f ? RULE_CASE_SLEEPABLE : RULE_CASE_PLAIN)) ||
			    !flag_covers(r->flag, f))
				continue;
			for (int j = 0; j < idx; j++) {
				const struct rule *e = &rs->rules[j];

				if (!flag_covers(e->flag, f) || e->stage != r->stage ||
				    rule_has_where(e) || e->range.hi <= r->range.lo ||
				    e->range.lo >= r->range.hi ||
				    !rule_glob_matches(e->glob, cases[c].name))
					continue;
				return set_err(err, errlen,
					       "%s:%d: shadowed: for every case and flag it covers, earlier rules decide all of %s (%s %s: from %s:%d)",
					       r->file, r->line, r->range_text,
					       cases[c].name,
					       flag_str(f ? FLAG_SLEEPABLE : FLAG_PLAIN),
					       e->file, e->line);
			}
		}
	}
	return set_err(err, errlen, "%s:%d: shadowed: for every case and flag it covers, earlier rules decide all of %s",
		       r->file, r->line, r->range_text);
}

int ruleset_check(const struct ruleset *rs, const struct rule_case *cases,
		  size_t cnt, char *err, size_t errlen)
{
	struct rule_use *use = xcalloc((size_t)rs->cnt, sizeof(*use));
	struct krange *spans = xcalloc((size_t)rs->cnt, sizeof(*spans));
	bool *match = xcalloc((size_t)rs->cnt, sizeof(*match));
	int ret = 0;

	for (size_t c = 0; c < cnt; c++) {
		ruleset_matches(rs, cases[c].name, match);
		for (int i = 0; i < rs->cnt; i++)
			use[i].cases += match[i];
		for (int f = 0; f < 4; f++) {
			int n = 0;

			/* Each flag, in each stage: the stages' rules do not shadow each other. */
			if (!(cases[c].flags & (f % 2 ? RULE_CASE_SLEEPABLE : RULE_CASE_PLAIN)))
				continue;
			for (int i = 0; i < rs->cnt; i++) {
				const struct rule *r = &rs->rules[i];

				if (!match[i] || !flag_covers(r->flag, f % 2) ||
				    r->stage != (enum stage)(f / 2))
					continue;
				use[i].loads++;
				if (!spans_cover(spans, n, &r->range))
					use[i].live++;
				if (!rule_has_where(r))
					spans_add(spans, &n, &r->range);
			}
		}
	}

	for (int i = 0; i < rs->cnt && !ret; i++) {
		const struct rule *r = &rs->rules[i];
		int end = i + 1, live = use[i].live;

		if (!use[i].cases) {
			ret = set_err(err, errlen, "%s:%d: '%s' matches no case",
				      r->file, r->line, r->glob);
		} else if (r->profile) {
			/* Its lines may be shadowed or not apply; not all. */
			for (; end < rs->cnt && same_application(r, &rs->rules[end]); end++)
				live += use[end].live;
			if (!live)
				ret = set_err(err, errlen,
					      "%s:%d: '%s %s' decides nothing: every rule of %s is shadowed by earlier rules or for a flag no case matching '%s' is loaded with",
					      r->file, r->line, r->glob, r->profile,
					      r->profile, r->glob);
			i = end - 1;
		} else if (!use[i].loads) {
			ret = set_err(err, errlen, "%s:%d: no case matching '%s' is loaded %s",
				      r->file, r->line, r->glob, flag_str(r->flag));
		} else if (!live) {
			ret = shadowed_err(rs, i, cases, cnt, err, errlen);
		}
	}
	free(use);
	free(spans);
	free(match);
	return ret;
}
