// SPDX-License-Identifier: GPL-2.0
/* Results: KTAP on stdout, a human summary, and the JSON file. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_time.h"
#include "report.h"
#include "util.h"

/* KTAP goes to stdout, or to stderr when stdout carries the audit report. */
static FILE *out;

void report_to(FILE *f)
{
	out = f;
}

#define printf(...)	fprintf(out ? out : stdout, __VA_ARGS__)

static void report_header(const struct kernel *k)
{
	char v[16], where[64];

	kver_format(k->version, v, sizeof(v));
	platform_format(&k->platform, where, sizeof(where));
	printf("KTAP version 1\n");
	printf("# kernel %s, version %s%s (%s), vmlinux BTF %s %s\n", k->release, v,
	       k->version_overridden ? " (--kernel-version)" : "", where,
	       k->btf_has_kfunc ? "has" : "lacks", KFUNC_NAME);
	if (k->env != ENV_NONE)
		printf("# WARNING: %s: every case is a skip\n", k->env_why);
}

void report_plan(const struct kernel *k, size_t test_cnt)
{
	report_header(k);
	printf("1..%zu\n", test_cnt);
}

void report_no_tests(const struct kernel *k, const char *why)
{
	report_header(k);
	printf("1..0 # SKIP no test selected: %s\n", why);
	fflush(out ? out : stdout);
}

/* Print each line of text as a KTAP diagnostic. */
static void print_diag_lines(const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		printf("#   %.*s\n", (int)len, text);
		text += len;
		if (*text)
			text++;
	}
}


/* " (the hook, or what was checked)", if the run stage says. */
static void print_info(const struct test *t)
{
	if (t->run_info[0])
		printf(" (%s)", t->run_info);
}

/* "# xdp: run: runs: ... (expected runs)": what the run stage saw. */
static void report_run(const struct test *t)
{
	const struct rule *r = t->run_rule;

	if (t->run_observed == OUT_SKIP) {
		printf("# %s: run: not fired here: %s", t->name, t->run_message);
		print_info(t);
		putchar('\n');
		return;
	}
	printf("# %s: run: %s", t->name, outcome_str(t->run_observed));
	if (t->run_observed == OUT_ATTACH_REFUSED)
		printf(" %s", errno_name(t->run_err));
	if (t->run_observed == OUT_RUNS && t->c->kind != CASE_VERIFIER) {
		/* Run by BPF_PROG_TEST_RUN: what was checked says the rest. */
		printf(": %s", t->run_info);
	} else if (t->run_observed == OUT_RUNS) {
		printf(t->run_latency_us ? ": %s, page unmapped %lld us after the hook returned" :
		       ": %s, page unmapped by the time the hook returned%.0lld", t->run_info,
		       t->run_latency_us);
	} else if (t->run_message[0]) {
		printf(": %s", t->run_message);
		print_info(t);
	}
	if ((t->run_observed == OUT_RUNS || t->run_observed == OUT_NO_EFFECT) &&
	    t->run_count > 0)
		printf("; it ran %lld time%s", t->run_count, t->run_count == 1 ? "" : "s");
	printf(" (expected %s)\n", r ? outcome_str(r->outcome) : "?");
}

void report_test(int idx, const struct test *t, bool verbose)
{
	char expected[48];

	snprintf(expected, sizeof(expected), "%s%s%s",
		 t->rule ? outcome_str(t->rule->outcome) : "?",
		 t->rule && t->rule->err ? " " : "",
		 t->rule && t->rule->err ? errno_name(t->rule->err) : "");

	switch (t->observed) {
	case OUT_REJECT:
		printf("# %s: reject %s: %s (expected %s)\n", t->name,
		       errno_name(t->err), t->message[0] ? t->message : "(empty log)",
		       expected);
		break;
	case OUT_ACCEPT:
		printf("# %s: accept%s%s (expected %s)\n", t->name,
		       t->reason[0] ? ": " : "", t->reason, expected);
		break;
	case OUT_ABSENT:
		printf("# %s: absent: %s (expected %s)\n", t->name, t->reason,
		       expected);
		break;
	case OUT_SKIP:
	default:
		break;
	}
	if (t->run_attempted)
		report_run(t);
	if (t->status == ST_XPASS)
		printf("# %s: XPASS: %s\n", t->name, t->detail);
	if (t->status == ST_FAIL) {
		printf("# %s: FAIL: %s\n", t->name, t->detail);
		if (verbose && t->log && t->log[0]) {
			printf("# %s: verifier log:\n", t->name);
			print_diag_lines(t->log);
		}
	}
	if (t->status == ST_SKIP)
		printf("ok %d %s # SKIP %s\n", idx, t->name, t->reason);
	else if (t->status == ST_XFAIL)	/* only a run rule is a known bug */
		printf("ok %d %s # XFAIL %s\n", idx, t->name, t->run_message);
	else if (t->status == ST_XPASS)
		printf("not ok %d %s # XPASS the known bug did not reproduce (rule %s:%d)\n",
		       idx, t->name, t->run_rule->file, t->run_rule->line);
	else
		printf("%sok %d %s\n", t->status == ST_FAIL ? "not " : "", idx,
		       t->name);
	fflush(out ? out : stdout);
}

void start_step(struct start_times *st, enum start_step step, long long *t0)
{
	long long now = now_ns(), bpf = bpf_time_ns();

	st->ns[step] += now - *t0;
	st->bpf_ns[step] += bpf - st->bpf_t0;
	*t0 = now;
	st->bpf_t0 = bpf;
}

void report_start(const struct start_times *st)
{
	static const char *const names[START_STEPS] = {
		[START_OBJECTS] = "objects", [START_RULES] = "rules",
		[START_KERNEL] = "vmlinux BTF", [START_PREPARE] = "prepare",
		[START_OTHER] = "the rest",
	};
	char steps[320];
	long long all = 0, bpf = 0;
	size_t n = 0;

	steps[0] = '\0';
	for (int i = 0; i < START_STEPS; i++) {
		all += st->ns[i];
		bpf += st->bpf_ns[i];
		n += (size_t)snprintf(steps + n, n < sizeof(steps) ? sizeof(steps) - n : 0,
				      "%s%s %lld ms", i ? ", " : "", names[i],
				      st->ns[i] / 1000000);
		if (st->bpf_ns[i] >= 1000000 && n < sizeof(steps))
			n += (size_t)snprintf(steps + n, sizeof(steps) - n, " (%lld in bpf())",
					      st->bpf_ns[i] / 1000000);
	}
	fprintf(out ? out : stdout, "# time: start: %lld ms before the first test, %lld of it in bpf(): %s\n",
		all / 1000000, bpf / 1000000, steps);
}

void report_time(long long bpf_ns, long long bpf_calls, long long wall_ns,
		 struct run_stage_stats run)
{
	char by_cmd[512];

	/* The load stage is what is left when the run stages are taken out. */
	fprintf(out ? out : stdout, "# time: %lld ms in bpf() (%lld calls), %lld ms wall\n",
		(bpf_ns - run.bpf_ns) / 1000000, bpf_calls, (wall_ns - run.wall_ns) / 1000000);
	bpf_time_by_cmd(by_cmd, sizeof(by_cmd), 5);
	fprintf(out ? out : stdout, "# time: bpf() by command, both stages: %s\n", by_cmd);
	if (run.tests)
		fprintf(out ? out : stdout, "# time: run stage: %d tests attached and fired or run by BPF_PROG_TEST_RUN, %lld ms wall (%lld ms in bpf())\n",
			run.tests, run.wall_ns / 1000000, run.bpf_ns / 1000000);
	if (run.tests)
		fprintf(out ? out : stdout, "# time: run stage: %lld ms making maps (and drains), %lld ms loading, %lld ms attaching and firing, %lld ms waiting for frees\n",
			run.phase_ns[RUN_MAPS] / 1000000, run.phase_ns[RUN_LOAD] / 1000000,
			run.phase_ns[RUN_FIRE] / 1000000, run.phase_ns[RUN_WAIT] / 1000000);
	if (run.arenas_reused)
		fprintf(out ? out : stdout, "# time: run stage: %lld arenas used again, after %lld drains that took %lld ms (runner/arena_pool.c)\n",
			run.arenas_reused, run.drains, run.drain_ns / 1000000);
	if (run.drains_late)
		fprintf(out ? out : stdout, "# time: run stage: %lld arenas closed instead: their drain's free did not land in time\n",
			run.drains_late);
}

void report_summary(const struct kernel *k, const struct counts *n)
{
	char xfail[48] = "", xpass[64] = "";

	printf("# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:0\n",
	       n->pass, n->fail, n->xfail, n->xpass, n->skip);
	if (n->xfail)
		snprintf(xfail, sizeof(xfail), ", %d xfail (known kernel bugs)",
			 n->xfail);
	if (n->xpass)
		snprintf(xpass, sizeof(xpass), ", %d xpass (known bugs that did not reproduce)",
			 n->xpass);
	printf("# %d passed, %d failed%s%s, %d skipped on %s\n", n->pass,
	       n->fail, xfail, xpass, n->skip, k->release);
	fflush(out ? out : stdout);
}

/*
 * Length of the well-formed UTF-8 sequence at s, or 0: no overlong forms,
 * no surrogates, nothing above U+10FFFF (what jansson accepts). s is
 * NUL-terminated, and a NUL is never a continuation byte.
 */
static size_t utf8_len(const unsigned char *s)
{
	size_t want;
	unsigned int cp, min;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		want = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		want = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		want = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < want; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return want;
}

json_t *report_json_str(const char *s)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *p;
	size_t bad = 0, len, n = 0;
	json_t *v;
	char *fixed;

	if (!s)
		return json_null();
	for (p = (const unsigned char *)s; *p; p += len ? len : 1)
		if (!(len = utf8_len(p)))
			bad++;
	if (!bad)
		return json_string(s);
	fixed = xmalloc(strlen(s) + 2 * bad + 1);
	for (p = (const unsigned char *)s; *p; p += len ? len : 1) {
		len = utf8_len(p);
		memcpy(fixed + n, len ? (const char *)p : fffd, len ? len : 3);
		n += len ? len : 3;
	}
	fixed[n] = '\0';
	v = json_string(fixed);
	free(fixed);
	return v;
}

#define JSTR(s)	report_json_str(s)

/* The run stage of a test: null if it had none. */
static json_t *report_json_run(const struct test *t)
{
	if (!t->run_attempted)
		return json_null();
	return json_pack("{s:o, s:i, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:o, s:o, s:o}",
			 "observed", JSTR(outcome_str(t->run_observed)),
			 "errno", t->run_err,
			 "latency_us", (json_int_t)t->run_latency_us,
			 "prog_runs", (json_int_t)t->run_count,
			 "usec", (json_int_t)t->run_usec,
			 "phases_us", "maps", (json_int_t)t->run_phase_us[RUN_MAPS],
			 "load", (json_int_t)t->run_phase_us[RUN_LOAD],
			 "fire", (json_int_t)t->run_phase_us[RUN_FIRE],
			 "wait", (json_int_t)t->run_phase_us[RUN_WAIT],
			 "hook", JSTR(t->run_info),
			 "message", JSTR(t->run_message),
			 "expected", JSTR(t->run_rule ? outcome_str(t->run_rule->outcome) : NULL));
}

/* One test; NULL if out of memory. */
static json_t *report_json_case(const struct test *t)
{
	const struct rule *r = t->rule;
	const struct prog_spec *p = &t->c->prog;

	/* "call": how the case calls the kfunc; "license": what it is loaded with. */
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:i, s:I, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "name", JSTR(t->c->name),
			 "prog_type", JSTR(t->c->prog_type),
			 "attach", JSTR(t->c->attach),
			 "call", JSTR(p->tags && p->tags->call ? p->tags->call : ""),
			 "license", JSTR(p->license),
			 "sleepable", t->sleepable,
			 "observed", JSTR(outcome_str(t->observed)),
			 "errno", t->err,
			 "usec", (json_int_t)t->usec,
			 "message", JSTR(t->message),
			 "expected", JSTR(r ? outcome_str(r->outcome) : NULL),
			 "expected_message", JSTR(r ? r->message : NULL),
			 "status", JSTR(status_str(t->status)),
			 "reason", JSTR(t->status == ST_FAIL || t->status == ST_XPASS ?
					t->detail : t->reason),
			 "run", report_json_run(t));
}

/*
 * The document, built with jansson and written by it: the same library
 * reads it back (audit_evidence.c). Members keep their insertion order.
 * Indented by two spaces, a member per line.
 */
int report_json(FILE *f, const struct kernel *k, struct test **tests,
		size_t cnt, const struct counts *n)
{
	char v[16], where[64], *proto = kernel_func_prototype(k, KFUNC_NAME);
	json_t *cases = json_array(), *doc;
	int ret = 0;

	for (size_t i = 0; i < cnt && cases; i++)
		if (json_array_append_new(cases, report_json_case(tests[i]))) {
			json_decref(cases);
			cases = NULL;
		}
	kver_format(k->version, v, sizeof(v));
	platform_format(&k->platform, where, sizeof(where));
	doc = json_pack("{s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i}}",
			"kernel", JSTR(k->release),
			"kernel_version", JSTR(v),
			"platform", JSTR(where),
			"btf_has_kfunc", k->btf_has_kfunc,
			"environment_refuses",
			JSTR(k->env != ENV_NONE ? k->env_why : NULL),
			"kfunc_prototype", JSTR(proto),
			"cases", cases,
			"summary", "pass", n->pass, "fail", n->fail, "skip", n->skip,
			"xfail", n->xfail, "xpass", n->xpass);
	free(proto);
	if (!doc || json_dumpf(doc, f, JSON_INDENT(2)) || fputc('\n', f) == EOF)
		ret = -1;
	json_decref(doc);
	return ret || ferror(f) ? -1 : 0;
}
