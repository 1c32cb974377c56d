// SPDX-License-Identifier: GPL-2.0
/* The expectation parser, lookup, profiles and message matching. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expect.h"
#include "unit.h"

static char dir[] = "/tmp/conform-test-XXXXXX";

static const char *write_rules(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* A bad line must give "file:LINE: what" and leave nothing loaded. */
static void test_bad(const char *text, int line, const char *what)
{
	struct ruleset rs;
	char err[512], want[300];
	const char *path = write_rules("bad.rules", text);

	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	CHECK(ruleset_load(&rs, path, err, sizeof(err)) == -1, "accepted: %s", text);
	CHECK(!strncmp(err, want, strlen(want)) && strstr(err, what),
	      "error '%s' for '%s'", err, text);
	CHECK(rs.cnt == 0 && !rs.rules, "half-loaded ruleset");
}

static void test_parse_errors(void)
{
	test_bad("xdp plain >=6.9\n", 1, "expected 'CASE-GLOB");
	test_bad("# c\n\nxdp maybe >=6.9 accept\n", 3, "flag must be");
	test_bad("xdp plain 6.9 accept\n", 1, "kernel range");
	test_bad("xdp plain >6.9 accept\n", 1, "kernel range");
	test_bad("xdp plain >=6.9 pass\n", 1, "outcome must be");
	test_bad("xdp plain >=6.9 accept some message\n", 1, "only a reject, error, attach-refused or splat rule takes a message");
	test_bad("xdp plain >=6.9 reject {{unterminated\n", 1, "unterminated {{");
	test_bad("xdp plain >=6.9 reject {{a(}}\n", 1, "invalid regular");
	test_bad("xdp @nosuch\n", 1, "unknown profile @nosuch: a single rules file must define the profiles it uses (pass the rules directory");
	/* fuzz_expect: exponential regcomp() on stacked repetitions */
	test_bad("xdp any * reject {{e++++++++++++++++++++++++++++++)+}}\n", 1,
		 "a repetition of a repetition");
	test_bad("@p plain * accept\nxdp @p extra\n", 2, "a profile is applied as");
	test_bad("xdp plain >=6.9 reject\n", 1, "a reject rule needs a message");
	test_bad("xdp plain >=6.9 reject:EACCES   \n", 1, "a reject rule needs a message");
	test_bad("@p plain * accept\n@p sleepable * reject\n", 2,
		 "a reject rule needs a message");
	test_bad("rt_x sleepable >=6.9 error\n", 1, "an error rule needs a message");
	CHECK(outcome_stage(OUT_ERROR) == STAGE_RUN && outcome_stage(OUT_ABSENT) == STAGE_LOAD,
	      "error is a run-stage outcome (a check of what the program did), absent a load's");
	test_bad("xdp plain >=6.9 reject:EFOO no such errno\n", 1,
		 "unknown errno name 'EFOO'");
	test_bad("xdp plain >=6.9 reject: empty errno\n", 1, "unknown errno name ''");
	test_bad("xdp plain >=6.9 accept:EINVAL\n", 1,
		 "only a reject or attach-refused rule takes an errno");
	test_bad("rt_x sleepable * error:EINVAL check 3 failed\n", 1,
		 "only a reject or attach-refused rule takes an errno");
	/* The run stage's outcomes. */
	test_bad("xdp plain >=7.0 runs:EINVAL\n", 1,
		 "only a reject or attach-refused rule takes an errno");
	test_bad("xdp plain >=7.0 splat\n", 1, "a splat rule needs a message");
	test_bad("xdp plain >=7.0 no-effect it did nothing\n", 1,
		 "only a reject, error, attach-refused or splat rule takes a message");
	test_bad("xdp plain >=7.0 ran\n", 1, "outcome must be accept, reject or absent (load), or runs");
	/* RANGE@WHERE */
	test_bad("xdp plain >=7.0@ accept\n", 1, "nothing after @");
	test_bad("xdp plain >=7.0@x86_64 accept\n", 1, "unknown 'x86_64' after @");
	test_bad("xdp plain >=7.0@arm64,,rt@ accept\n", 1, "unknown 'rt@' after @");
	test_bad("xdp plain 7.0@arm64 accept\n", 1, "kernel range must be");
}

static void test_lookup(void)
{
	struct ruleset rs;
	const struct rule *r;
	char err[512];
	const char *path = write_rules("a.rules",
		"# comment\n"
		"*\tany\t<6.9\tabsent\n"
		"@ns plain 6.9..<7.0 reject:EACCES program must be sleepable to call {{[a-z_ ]+}} bpf_arena_free_pages\n"
		"@ns plain >=7.0 accept\n"
		"@ns sleepable >=6.9 reject Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable\n"
		"  xdp   sleepable  >=7.3  reject  {{^Program of this type}}\n"
		"xdp @ns\n"
		"sk_* any >=6.9 accept\n");

	CHECK(!ruleset_load(&rs, path, err, sizeof(err)), "load: %s", err);
	CHECK(rs.cnt == 6, "cnt %d", rs.cnt);

	r = ruleset_lookup(&rs, "xdp", false, kver(6, 1, 0));
	CHECK(r && r->outcome == OUT_ABSENT && r->line == 2, "6.1 absent");
	r = ruleset_lookup(&rs, "xdp", false, kver(6, 12, 3));
	CHECK(r && r->outcome == OUT_REJECT && r->line == 7 && r->profile,
	      "6.12 plain from the profile, at the use line");
	CHECK(r && r->err == EACCES, "errno from the profile: %d", r ? r->err : -1);
	CHECK(r && rule_message_matches(r, "program must be sleepable to call sleepable kfunc bpf_arena_free_pages"),
	      "regex part");
	CHECK(r && !rule_message_matches(r, "program must be sleepable to call 1 kfunc bpf_arena_free_pages"),
	      "regex part must match");
	r = ruleset_lookup(&rs, "xdp", false, kver(7, 0, 0));
	CHECK(r && r->outcome == OUT_ACCEPT, "7.0 plain accept");
	r = ruleset_lookup(&rs, "xdp", true, kver(7, 3, 1));
	CHECK(r && r->line == 6, "first match wins");
	CHECK(r && r->err == 0, "no errno: any");
	CHECK(r && rule_message_matches(r, "Program of this type cannot be sleepable"), "anchored regex");
	CHECK(r && !rule_message_matches(r, "x Program of this type"), "anchor");
	r = ruleset_lookup(&rs, "xdp", true, kver(7, 2, 0));
	CHECK(r && r->line == 7 && rule_message_matches(r, "R1: Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable (x)"),
	      "substring with regex metacharacters");
	r = ruleset_lookup(&rs, "sk_msg", true, kver(6, 9, 0));
	CHECK(r && r->outcome == OUT_ACCEPT, "glob");
	CHECK(!ruleset_lookup(&rs, "tc", true, kver(6, 9, 0)), "no rule");
	ruleset_free(&rs);
}

/* RANGE@WHERE: architectures, rt and 64k, matched with rs.platform. */
static void test_where(void)
{
	struct ruleset rs;
	const struct rule *r;
	char err[512];
	const char *path = write_rules("where.rules",
		"perf_event plain >=7.0@rt no-effect\n"
		"perf_event plain >=7.0@arm64,s390x,64k accept\n"
		"perf_event plain >=7.0@ppc64el,rt reject m\n"
		"perf_event plain >=7.0 runs\n");

	CHECK(!ruleset_load(&rs, path, err, sizeof(err)), "load: %s", err);
	rs.platform = (struct platform){ .arch = ARCH_AMD64 };
	r = ruleset_lookup_stage(&rs, STAGE_RUN, "perf_event", false, kver(7, 0, 0));
	CHECK(r && r->line == 4, "amd64, not rt: the rule without WHERE");
	CHECK(!ruleset_lookup(&rs, "perf_event", false, kver(7, 0, 0)),
	      "@arm64,s390x,64k: not amd64");
	rs.platform.rt = true;
	r = ruleset_lookup_stage(&rs, STAGE_RUN, "perf_event", false, kver(7, 0, 0));
	CHECK(r && r->line == 1, "rt: the @rt rule");
	CHECK(!ruleset_lookup(&rs, "perf_event", false, kver(7, 0, 0)),
	      "@ppc64el,rt: rt, but amd64");
	rs.platform = (struct platform){ .arch = ARCH_S390X };
	CHECK(!ruleset_lookup(&rs, "perf_event", false, kver(7, 0, 0)),
	      "@arm64,s390x,64k: s390x, but 4 KiB pages");
	rs.platform.page_64k = true;
	r = ruleset_lookup(&rs, "perf_event", false, kver(7, 0, 0));
	CHECK(r && r->line == 2 && !strcmp(r->range_text, ">=7.0@arm64,s390x,64k"),
	      "s390x with 64k: an architecture of the list, and 64k");
	rs.platform = (struct platform){ .arch = ARCH_PPC64EL, .rt = true };
	r = ruleset_lookup(&rs, "perf_event", false, kver(7, 0, 0));
	CHECK(r && r->line == 3, "ppc64el and rt");
	rs.platform.arch = ARCH_UNKNOWN;
	CHECK(!ruleset_lookup(&rs, "perf_event", false, kver(7, 0, 0)),
	      "an unknown architecture matches no architecture list");
	ruleset_free(&rs);
	unlink(path);	/* test_directory() loads the directory */
}

static void test_directory(void)
{
	struct ruleset rs;
	char err[512];

	write_rules("b.rules", "xdp any * accept\n");
	write_rules("ignored.txt", "this is not a rules file\n");
	unlink(write_rules("bad.rules", ""));
	CHECK(!ruleset_load(&rs, dir, err, sizeof(err)), "dir: %s", err);
	/* a.rules (6 rules) then b.rules (1 rule), in name order */
	CHECK(rs.cnt == 7 && rs.rules[6].glob[0] == 'x', "cnt %d", rs.cnt);
	ruleset_free(&rs);
	CHECK(ruleset_load(&rs, "/nonexistent/expected", err, sizeof(err)) == -1 &&
	      strstr(err, "/nonexistent/expected: "), "missing dir: %s", err);

	/* a profile is defined above its use: 0.rules comes before b.rules */
	write_rules("0.rules", "xdp @late\n");
	write_rules("b.rules", "@late any * accept\n");
	CHECK(ruleset_load(&rs, dir, err, sizeof(err)) == -1 &&
	      strstr(err, "0.rules:1: unknown profile @late (define it above its use"),
	      "profile used before its file: %s", err);
	unlink(write_rules("0.rules", ""));
	write_rules("b.rules", "xdp any * accept\n");
}

static const struct rule_case check_cases[] = {
	{ "xdp", RULE_CASE_PLAIN | RULE_CASE_SLEEPABLE },
	{ "tc", RULE_CASE_PLAIN | RULE_CASE_SLEEPABLE },
	{ "rt_plain", RULE_CASE_PLAIN },
	{ "rt_sleepable", RULE_CASE_SLEEPABLE },
};

/* ruleset_check() of text: NULL if it passes, else its error. */
static const char *check(const char *text)
{
	static char err[512];
	struct ruleset rs;
	const char *path = write_rules("check.rules", text);
	int ret;

	if (ruleset_load(&rs, path, err, sizeof(err)))
		return err;
	ret = ruleset_check(&rs, check_cases, 4, err, sizeof(err));
	ruleset_free(&rs);
	return ret ? err : NULL;
}

static void check_bad(const char *text, int line, const char *what)
{
	const char *err = check(text);
	char want[300];

	snprintf(want, sizeof(want), "%s/check.rules:%d: ", dir, line);
	CHECK(err && !strncmp(err, want, strlen(want)) && strstr(err, what),
	      "error '%s' for '%s'", err ? err : "(none)", text);
}

static void check_good(const char *text)
{
	const char *err = check(text);

	CHECK(!err, "error '%s' for '%s'", err, text);
}

static void test_check(void)
{
	check_good("*\tany\t<6.9\tabsent\n"
		   "xdp plain 6.9..<7.0 reject m\n"
		   "* any >=6.9 accept\n");
	check_bad("xpd plain >=6.9 accept\n", 1, "'xpd' matches no case");

	/* shadowed: by one rule, by two, for both flags */
	check_bad("xdp plain * accept\nxdp plain >=6.9 accept\n", 2,
		  "shadowed: for every case and flag it covers, earlier rules decide all of >=6.9 (xdp plain: from");
	check_bad("xdp any 6.9..<7.0 accept\nxdp any >=7.0 accept\nxdp sleepable >=6.9 reject m\n",
		  3, "shadowed");
	check_bad("xdp plain >=6.9 accept\nxdp sleepable >=6.12 accept\nxdp any >=6.12 accept\n",
		  3, "shadowed");
	check_bad("* any * accept\nx* plain <7.0 accept\n", 2, "shadowed");
	/* the end of a half-open range is not in it */
	check_good("xdp plain <7.0 accept\nxdp plain 6.9..<7.0.1 accept\n");
	check_good("xdp plain <7.0 accept\nxdp plain 7.0..<7.1 accept\nxdp plain >=6.1 accept\n");
	/* partially shadowed: some version, some flag or some case left */
	check_good("xdp plain >=7.0 accept\nxdp plain >=6.9 reject m\n");
	check_good("xdp plain * accept\nxdp any >=6.9 accept\n");
	check_good("xdp any * accept\n* any * accept\n");
	check_good("rt_* sleepable >=7.0 accept\nrt_sleepable sleepable 6.9..<7.0 accept\n");

	/* a flag that no case it matches is loaded with */
	check_bad("rt_plain sleepable >=6.9 accept\n", 1,
		  "no case matching 'rt_plain' is loaded sleepable");
	check_bad("rt_s* plain >=6.9 accept\n", 1, "is loaded plain");
	check_good("rt_* sleepable >=6.9 accept\nrt_* plain >=6.9 accept\n");
	check_good("rt_plain any >=6.9 accept\n");

	/* profiles: some lines of an application may be shadowed, not all */
	check_good("@p plain * accept\n@p sleepable * reject m\n"
		   "xdp sleepable * reject n\nxdp @p\n");
	check_good("@p plain * accept\n@p sleepable * reject m\nrt_plain @p\n");
	check_bad("@p plain >=7.0 accept\n@p sleepable >=6.9 reject m\n"
		  "xdp any >=6.1 accept\nxdp @p\ntc @p\n", 4,
		  "'xdp @p' decides nothing: every rule of @p is shadowed");
	check_bad("@p plain * accept\n@p sleepable * reject m\n"
		  "xdp any * accept\nxdp @p\n", 4, "decides nothing");
	check_bad("@p sleepable * accept\nrt_plain @p\n", 2, "decides nothing");
	check_bad("@p plain * accept\nxdp @p\nxdp @p\n", 3, "decides nothing");
	/* a rule limited by WHERE shadows nothing; it may be shadowed */
	check_good("xdp plain >=7.0@rt accept\nxdp plain >=7.0 reject m\n");
	check_good("xdp plain >=7.0@arm64 accept\nxdp plain >=7.0@rt accept\n"
		   "xdp plain * accept\n");
	check_bad("xdp plain * accept\nxdp plain >=7.0@s390x accept\n", 2, "shadowed");
	/* glibc's extended patterns: every case but those */
	check_good("!(rt_*) any * accept\nrt_* any * accept\n");
	check_bad("!(rt_*|xdp|tc) any * accept\n", 1, "matches no case");
	/* a rule below an application it is shadowed by */
	check_bad("@p any * accept\nxdp @p\nxdp plain >=7.0 accept\n", 3,
		  "shadowed");
}

/*
 * The glob index (ruleset_index()) answers as a scan of every rule would:
 * the same ruleset with every rule a wildcard one is that scan.
 */
static void compare_with_scan(struct ruleset *rs, const char *name)
{
	static const unsigned int versions[][2] = {
		{ 6, 1 }, { 6, 9 }, { 6, 12 }, { 7, 0 }, { 7, 3 },
	};
	struct rule *plain = malloc(sizeof(*plain) * (size_t)(rs->cnt + 1));
	int *all = malloc(sizeof(int) * (size_t)(rs->cnt + 1));
	bool *m1 = calloc((size_t)rs->cnt + 1, 1), *m2 = calloc((size_t)rs->cnt + 1, 1);
	struct ruleset scan = *rs;

	memcpy(plain, rs->rules, sizeof(*plain) * (size_t)rs->cnt);
	for (int i = 0; i < rs->cnt; i++) {
		plain[i].literal = false;
		all[i] = i;
	}
	scan.rules = plain;
	name_table_init(&scan.by_glob);
	scan.wild = all;
	scan.wild_cnt = rs->cnt;

	ruleset_matches(rs, name, m1);
	ruleset_matches(&scan, name, m2);
	CHECK(!memcmp(m1, m2, (size_t)rs->cnt), "ruleset_matches(%s) as a scan's", name);
	for (int stage = STAGE_LOAD; stage <= STAGE_RUN; stage++)
		for (int sl = 0; sl < 2; sl++)
			for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
				unsigned int ver = kver(versions[v][0], versions[v][1], 0);
				const struct rule *a = NULL, *b = NULL, *sb = NULL;

				do {
					a = ruleset_lookup_after(rs, a, stage, name, sl, ver);
					sb = ruleset_lookup_after(&scan, sb, stage, name, sl, ver);
					b = sb ? &rs->rules[sb - plain] : NULL;
					CHECK(a == b, "%s stage %d %s %u.%u: rule %ld, a scan finds %ld",
					      name, stage, sl ? "sleepable" : "plain",
					      versions[v][0], versions[v][1],
					      a ? (long)(a - rs->rules) : -1L,
					      b ? (long)(b - rs->rules) : -1L);
				} while (a && a == b);
			}
	free(plain);
	free(all);
	free(m1);
	free(m2);
}

static void test_index(void)
{
	static const char *const names[] = {
		"xdp", "xdp_frags", "sk_lookup", "skb", "tc", "tcx_egress", "nothing",
	};
	struct ruleset rs;
	char err[512];
	const char *path = write_rules("index.rules",
		"xdp any <6.9 absent\n"
		"@ns plain 6.9..<7.0 reject:EACCES must be sleepable\n"
		"@ns plain >=7.0 accept\n"
		"@ns sleepable >=6.9 reject cannot be sleepable\n"
		"sk_* any <7.0 reject m\n"
		"xdp @ns\n"
		"tc* plain >=6.9 accept\n"
		"xdp_frags @ns\n"
		"x?p sleepable >=7.3 reject {{^Program of this type}}\n"
		"sk_lookup any >=7.0 accept\n"
		"tcx_egress plain >=7.0 reject after a wildcard rule\n"
		"!(xdp*|sk_*) any >=6.9 accept\n"
		"xdp any * runs\n"
		"* any * runs\n");

	CHECK(!ruleset_load(&rs, path, err, sizeof(err)), "load: %s", err);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		compare_with_scan(&rs, names[i]);
	ruleset_free(&rs);

	/* The suite's own rules, when run from the source tree. */
	if (access("expected/00-common.rules", R_OK))
		return;
	CHECK(!ruleset_load(&rs, "expected", err, sizeof(err)), "expected/: %s", err);
	for (int i = 0; i < rs.cnt; i++)
		if (rs.rules[i].literal && rs.rules[i].next_same < 0)
			compare_with_scan(&rs, rs.rules[i].glob);
	compare_with_scan(&rs, "no_such_case");
	ruleset_free(&rs);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 2;
	test_parse_errors();
	test_lookup();
	test_where();
	test_directory();
	test_check();
	test_index();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			return 2;
	}
	return unit_done("test_expect");
}
