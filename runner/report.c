// SPDX-License-Identifier: GPL-2.0
/* Results: KTAP on stdout, a human summary, and the JSON file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char v[16];

	kver_format(k->version, v, sizeof(v));
	printf("KTAP version 1\n");
	printf("# kernel %s, version %s%s, vmlinux BTF %s %s\n", k->release, v,
	       k->version_overridden ? " (--kernel-version)" : "",
	       k->btf_has_kfunc ? "has" : "lacks", KFUNC_NAME);
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

/* The rule of a known bug that did not reproduce: of the run, or of the load. */
static const struct rule *xpass_rule(const struct test *t)
{
	return t->run_rule && t->run_rule->outcome == OUT_SPLAT &&
	       t->run_observed != OUT_SPLAT ? t->run_rule : t->rule;
}

/* "# xdp: run: runs: ... (expected runs)": what the run stage saw. */
static void report_run(const struct test *t)
{
	const struct rule *r = t->run_rule;

	if (t->run_observed == OUT_SKIP) {
		printf("# %s: run: not fired here: %s (%s)\n", t->name,
		       t->run_message, t->run_info);
		return;
	}
	printf("# %s: run: %s", t->name, outcome_str(t->run_observed));
	if (t->run_observed == OUT_ATTACH_REFUSED)
		printf(" %s", errno_name(t->run_err));
	if (t->run_observed == OUT_RUNS)
		printf(t->run_latency_us ? ": %s, page freed %lld us after the hook returned" :
		       ": %s, page freed by the time the hook returned%.0lld", t->run_info,
		       t->run_latency_us);
	else if (t->run_message[0])
		printf(": %s (%s)", t->run_message, t->run_info);
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
	case OUT_ERROR:
		printf("# %s: error: %s (expected %s)\n", t->name, t->message,
		       expected);
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
	else if (t->status == ST_XFAIL)
		printf("ok %d %s # XFAIL %s\n", idx, t->name,
		       t->run_observed == OUT_SPLAT ? t->run_message : t->message);
	else if (t->status == ST_XPASS)
		printf("not ok %d %s # XPASS the known bug did not reproduce (rule %s:%d)\n",
		       idx, t->name, xpass_rule(t)->file, xpass_rule(t)->line);
	else
		printf("%sok %d %s\n", t->status == ST_FAIL ? "not " : "", idx,
		       t->name);
	fflush(out ? out : stdout);
}

void report_time(long long bpf_ns, long long bpf_calls, long long wall_ns,
		 struct run_stage_stats run)
{
	/* The load stage is what is left when the run stages are taken out. */
	fprintf(out ? out : stdout, "# time: %lld ms in bpf() (%lld calls), %lld ms wall\n",
		(bpf_ns - run.bpf_ns) / 1000000, bpf_calls, (wall_ns - run.wall_ns) / 1000000);
	if (run.tests)
		fprintf(out ? out : stdout, "# time: run stage: %d tests attached and fired, %lld ms wall (%lld ms in bpf())\n",
			run.tests, run.wall_ns / 1000000, run.bpf_ns / 1000000);
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

static void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The run stage of a test: null if it had none. */
static void report_json_run(FILE *f, const struct test *t)
{
	if (!t->run_attempted) {
		fputs("null", f);
		return;
	}
	fputs("{\"observed\": ", f);
	json_str(f, outcome_str(t->run_observed));
	fprintf(f, ", \"errno\": %d, \"latency_us\": %lld, \"usec\": %lld, \"hook\": ",
		t->run_err, t->run_latency_us, t->run_usec);
	json_str(f, t->run_info);
	fputs(", \"message\": ", f);
	json_str(f, t->run_message);
	fputs(", \"expected\": ", f);
	json_str(f, t->run_rule ? outcome_str(t->run_rule->outcome) : NULL);
	fputc('}', f);
}

int report_json(FILE *f, const struct kernel *k, struct test **tests,
		size_t cnt, const struct counts *n)
{
	char v[16], *proto = kernel_func_prototype(k, KFUNC_NAME);

	kver_format(k->version, v, sizeof(v));
	fputs("{\n  \"kernel\": ", f);
	json_str(f, k->release);
	fputs(",\n  \"kernel_version\": ", f);
	json_str(f, v);
	fprintf(f, ",\n  \"btf_has_kfunc\": %s,\n  \"kfunc_prototype\": ",
		k->btf_has_kfunc ? "true" : "false");
	json_str(f, proto);
	free(proto);
	fputs(",\n  \"cases\": [", f);
	for (size_t i = 0; i < cnt; i++) {
		const struct test *t = tests[i];
		const struct rule *r = t->rule;
		const struct prog_spec *p = &t->c->prog;

		fputs(i ? ",\n    {" : "\n    {", f);
		fputs("\"name\": ", f);
		json_str(f, t->c->name);
		fputs(", \"prog_type\": ", f);
		json_str(f, t->c->prog_type);
		fputs(", \"attach\": ", f);
		json_str(f, t->c->attach);
		/* How the case calls the kfunc, and the license it is loaded with. */
		fputs(", \"call\": ", f);
		json_str(f, p->tags && p->tags->call ? p->tags->call : "");
		fputs(", \"license\": ", f);
		json_str(f, p->license);
		fprintf(f, ", \"sleepable\": %s, \"observed\": ",
			t->sleepable ? "true" : "false");
		json_str(f, outcome_str(t->observed));
		fprintf(f, ", \"errno\": %d, \"usec\": %lld, \"message\": ", t->err, t->usec);
		json_str(f, t->message);
		fputs(", \"expected\": ", f);
		json_str(f, r ? outcome_str(r->outcome) : NULL);
		fputs(", \"expected_message\": ", f);
		json_str(f, r ? r->message : NULL);
		fputs(", \"status\": ", f);
		json_str(f, status_str(t->status));
		fputs(", \"reason\": ", f);
		json_str(f, t->status == ST_FAIL || t->status == ST_XPASS ?
			    t->detail : t->reason);
		fputs(", \"run\": ", f);
		report_json_run(f, t);
		fputc('}', f);
	}
	fprintf(f, "\n  ],\n  \"summary\": {\"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d}\n}\n",
		n->pass, n->fail, n->skip, n->xfail, n->xpass);
	return ferror(f) ? -1 : 0;
}
