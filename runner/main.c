// SPDX-License-Identifier: GPL-2.0
/*
 * conform: load every case of the suite on the running kernel, without and
 * with BPF_F_SLEEPABLE, and check each verdict against expected/.
 */
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "bpf_time.h"
#include "expect.h"
#include "hooks.h"
#include "json_file.h"
#include "kernel.h"
#include "kmsg.h"
#include "pool.h"
#include "libbpf_msg.h"
#include "load.h"
#include "report.h"
#include "run_stage.h"
#include "select.h"
#include "suite.h"
#include "test.h"
#include "util.h"

#define ERR_LEN 1024

struct options {
	bool list;
	bool verbose;
	bool bisect;
	bool kmsg_markers;
	bool no_run;
	bool reproduce_splats;
	int anchors;		/* --anchors: 1 on, 0 off, -1 the default */
	int jobs;
	const char *json;
	const char *kernel_version;
	const char *expected;
	const char *objdir;
	const char *btf;
	const char *audit;
	const char *matrix;
	struct selection sel;
};

static const char usage_text[] =
"Usage: conform [OPTIONS]\n"
"Load every case of the bpf_arena_free_pages() suite without and with\n"
"BPF_F_SLEEPABLE and check each verdict against the expectations; then\n"
"attach each accepted program to its real hook, fire it, and check that\n"
"the page was freed (the run stage).\n"
"\n"
"  -l, --list               list the tests and exit\n"
"  -t, --test SUBSTR[,..]   run tests whose name contains SUBSTR\n"
"  -a, --allow GLOB[,..]    run tests matching GLOB (or @FILE, one per line)\n"
"  -d, --deny GLOB[,..]     skip tests matching GLOB (or @FILE, a DENYLIST)\n"
"  -v, --verbose            print the verifier log of failing tests\n"
"  -j, --jobs N             load with N worker threads (default: the CPUs,\n"
"                           at most 8)\n"
"      --no-run             the load stage only: no attach, no fire\n"
"      --reproduce-splats   fire hooks where a rule records a kernel warning\n"
"                           (by default not: it taints this kernel)\n"
"      --anchors on|off     keep a no-op fentry program on each trampoline\n"
"                           target through the run stage (default: on, but\n"
"                           off on x86-64)\n"
"      --bisect             exit as git bisect run expects: 0 good, 1 bad,\n"
"                           125 cannot test (a skip, or BTF/version mismatch)\n"
"      --json FILE          write the results as JSON to FILE\n"
"      --kmsg-markers       write \"conform: begin CASE\" and \"conform: end CASE\"\n"
"                           to /dev/kmsg around each case (for vmtest.sh)\n"
"      --kernel-version V   judge as kernel V (X.Y[.Z]) instead of uname -r\n"
"      --expected PATH      rules directory or file (default: expected/)\n"
"      --objs DIR           directory of *.bpf.o (default: progs/ by the binary)\n"
"      --btf FILE           vmlinux BTF (default /sys/kernel/btf/vmlinux)\n"
"      --audit PAGE.md      audit a docs.ebpf.io kfunc page against this run\n"
"                           (and --matrix FILE): Markdown on stdout, KTAP on\n"
"                           stderr\n"
"      --matrix FILE        more evidence: build/matrix.json from make matrix\n"
"  -h, --help               this text\n"
"\n"
"Output is KTAP. Exit status: 0 all passed, 1 a test failed, 2 bad usage or\n"
"input, 4 everything skipped or the kernel cannot run the suite.\n";

/* git bisect run: "this commit cannot be tested", and "stop bisecting". */
#define EXIT_BISECT_SKIP 125
#define EXIT_BISECT_ABORT 128

static int input_error(const char *msg)
{
	fprintf(stderr, "conform: %s\n", msg);
	return EXIT_USAGE;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_JSON = 256, OPT_KVER, OPT_EXPECTED, OPT_OBJS, OPT_BTF, OPT_BISECT,
	       OPT_AUDIT, OPT_MATRIX, OPT_KMSG, OPT_NO_RUN, OPT_SPLATS, OPT_ANCHORS };
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "test", required_argument, NULL, 't' },
		{ "allow", required_argument, NULL, 'a' },
		{ "deny", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "kernel-version", required_argument, NULL, OPT_KVER },
		{ "expected", required_argument, NULL, OPT_EXPECTED },
		{ "objs", required_argument, NULL, OPT_OBJS },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "bisect", no_argument, NULL, OPT_BISECT },
		{ "audit", required_argument, NULL, OPT_AUDIT },
		{ "matrix", required_argument, NULL, OPT_MATRIX },
		{ "kmsg-markers", no_argument, NULL, OPT_KMSG },
		{ "no-run", no_argument, NULL, OPT_NO_RUN },
		{ "reproduce-splats", no_argument, NULL, OPT_SPLATS },
		{ "anchors", required_argument, NULL, OPT_ANCHORS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char err[ERR_LEN], *end;
	int c;

	/* Verdicts do not depend on it (make test checks): use the CPUs. */
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (o->jobs < 1)
		o->jobs = 1;
	if (o->jobs > 8)
		o->jobs = 8;
	o->btf = "/sys/kernel/btf/vmlinux";
	o->anchors = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "lt:a:d:vj:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->list = true;
			break;
		case 't':
		case 'a':
		case 'd':
			if (selection_add(&o->sel, c == 't' ? PAT_SUBSTR :
					  c == 'a' ? PAT_ALLOW : PAT_DENY,
					  optarg, err, sizeof(err)))
				return input_error(err);
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'j':
			errno = 0;
			o->jobs = (int)strtol(optarg, &end, 10);
			if (errno || *end || o->jobs < 1 || o->jobs > 64)
				return input_error("-j takes a number from 1 to 64");
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_KVER: {
			unsigned int v;

			if (kver_parse_release(optarg, &v))
				return input_error("--kernel-version takes MAJOR.MINOR[.PATCH]");
			o->kernel_version = optarg;
			break;
		}
		case OPT_EXPECTED:
			o->expected = optarg;
			break;
		case OPT_OBJS:
			o->objdir = optarg;
			break;
		case OPT_BTF:
			o->btf = optarg;
			break;
		case OPT_BISECT:
			o->bisect = true;
			break;
		case OPT_AUDIT:
			o->audit = optarg;
			break;
		case OPT_MATRIX:
			o->matrix = optarg;
			break;
		case OPT_KMSG:
			o->kmsg_markers = true;
			break;
		case OPT_NO_RUN:
			o->no_run = true;
			break;
		case OPT_SPLATS:
			o->reproduce_splats = true;
			break;
		case OPT_ANCHORS:
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				return input_error("--anchors takes on or off");
			o->anchors = !strcmp(optarg, "on");
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_PASS);
		default:
			fprintf(stderr, "conform: unrecognized or incomplete option '%s' (see --help)\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return input_error("unexpected argument (see --help)");
	if (o->matrix && !o->audit)
		return input_error("--matrix goes with --audit");
	return 0;
}

/*
 * Defaults: progs/ and expected/ beside the binary (an installed suite), or
 * one level up (build/conform in the source tree).
 */
static char *default_path(const char *name)
{
	char exe[PATH_MAX], *p, *real;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return xstrdup(name);
	exe[n] = '\0';
	dirname(exe);
	p = xasprintf("%s/%s", exe, name);
	real = realpath(p, NULL);
	free(p);
	if (real)
		return real;
	p = xasprintf("%s/../%s", exe, name);
	real = realpath(p, NULL);
	if (!real)
		return p;
	free(p);
	return real;
}

static int object_filter(const struct dirent *d)
{
	return !fnmatch("*.bpf.o", d->d_name, 0);
}

static int find_objects(const char *dir, char ***paths, size_t *cnt)
{
	struct dirent **names;
	int n = scandir(dir, &names, object_filter, alphasort);

	if (n <= 0) {
		fprintf(stderr, "conform: %s: %s\n", dir,
			n ? strerror(errno) : "no *.bpf.o objects");
		return -1;
	}
	*paths = xcalloc((size_t)n, sizeof(**paths));
	for (int i = 0; i < n; i++) {
		(*paths)[i] = xasprintf("%s/%s", dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	*cnt = (size_t)n;
	return 0;
}

/*
 * Every rule must decide something for some case: a typo, a flag the case
 * is not loaded with, or a rule that earlier ones shadow is an input error.
 */
static int check_rules(const struct ruleset *rs, const struct suite *s)
{
	struct rule_case *cases = xcalloc(s->case_cnt, sizeof(*cases));
	char err[ERR_LEN];
	int ret;

	for (size_t i = 0; i < s->case_cnt; i++) {
		cases[i].name = s->cases[i].name;
		cases[i].flags = (s->cases[i].flags & CASE_PLAIN ? RULE_CASE_PLAIN : 0) |
				 (s->cases[i].flags & CASE_SLEEPABLE ? RULE_CASE_SLEEPABLE : 0);
	}
	ret = ruleset_check(rs, cases, s->case_cnt, err, sizeof(err));
	if (ret)
		input_error(err);
	free(cases);
	return ret;
}

/*
 * Does the kernel version agree with vmlinux BTF about the kfunc? The
 * version's view comes from the rules: do the selected tests expect the
 * kfunc to be missing (absent), or to be called (accept, error)?
 */
static bool check_version_vs_btf(const struct kernel *k, struct test **tests,
				 size_t cnt, const struct ruleset *rs)
{
	int absent = 0, present = 0;
	char v[16];

	for (size_t i = 0; i < cnt; i++) {
		const struct rule *r = ruleset_lookup(rs, tests[i]->c->name,
						      tests[i]->sleepable, k->version);

		/*
		 * absent: the kfunc is missing; accept: it was there. A
		 * reject says nothing either way: before v6.9 many loads are
		 * refused for their program type, before the call. A rule
		 * for some platforms (@ppc64el: no arena there) says nothing
		 * about the version: the rule for every platform below it does.
		 */
		while (r && rule_has_where(r))
			r = ruleset_lookup_after(rs, r, STAGE_LOAD, tests[i]->c->name,
						 tests[i]->sleepable, k->version);
		if (r && r->outcome == OUT_ABSENT)
			absent++;
		else if (r && r->outcome == OUT_ACCEPT)
			present++;
	}
	kver_format(k->version, v, sizeof(v));
	if (absent && !present && k->btf_has_kfunc) {
		printf("# WARNING: expected/ says kernel %s has no %s, but vmlinux BTF has it (a backport, or the wrong --kernel-version?)\n",
		       v, KFUNC_NAME);
		return false;
	}
	if (present && !absent && !k->btf_has_kfunc) {
		printf("# WARNING: expected/ says kernel %s has %s, but vmlinux BTF lacks it (CONFIG_BPF_ARENA off, or no arena on this arch?)\n",
		       v, KFUNC_NAME);
		return false;
	}
	return true;
}

/*
 * The docs audit: this run's results (and a matrix's) against the page's
 * claims, as Markdown on stdout. 0, or -1 with the reason on stderr.
 */
static int write_audit(const struct options *o, const struct docs_page *page,
		       const struct kernel *k, struct test **sel, size_t cnt,
		       const struct counts *n)
{
	struct audit_evidence ev = { 0 };
	char err[ERR_LEN], *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int ret = -1;

	if (!m || report_json(m, k, sel, cnt, n) || fclose(m))
		snprintf(err, sizeof(err), "cannot render this run's results");
	else if (audit_add_json(&ev, buf, len, "host", err, sizeof(err)) ||
		 (o->matrix && audit_add_file(&ev, o->matrix, "matrix", err, sizeof(err))) ||
		 audit_write(stdout, page, ev.kernels, ev.cnt, err, sizeof(err)))
		;
	else
		ret = 0;
	if (ret)
		fprintf(stderr, "conform: audit: %s\n", err);
	audit_evidence_free(&ev);
	free(buf);
	return ret;
}

static int run_main(int argc, char **argv);

/*
 * With --bisect, a run that cannot judge this kernel (not root, no BTF) is
 * 125, and bad usage or input aborts the bisection instead of marking the
 * commit bad.
 */
int main(int argc, char **argv)
{
	int ret = run_main(argc, argv);

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bisect"))
			continue;
		if (ret == EXIT_SKIP)
			return EXIT_BISECT_SKIP;
		if (ret == EXIT_USAGE)
			return EXIT_BISECT_ABORT;
	}
	return ret;
}

static int run_main(int argc, char **argv)
{
	struct options o = { 0 };
	struct ruleset rules = { 0 };
	struct docs_page page = { 0 };
	struct suite suite = { 0 };
	struct kernel k = { 0 };
	struct counts n = { 0 };
	struct run run = { .lock = PTHREAD_MUTEX_INITIALIZER,
			   .cond = PTHREAD_COND_INITIALIZER };
	struct test **sel = NULL;
	bool *selected = NULL;
	char err[ERR_LEN], **paths = NULL;
	char *objdir = NULL, *expected = NULL;
	size_t obj_cnt = 0, sel_cnt = 0;
	const struct pattern *unmatched;
	FILE *json = NULL;
	long long t_start = now_ns(), t0 = t_start;
	struct start_times st = { 0 };
	bool consistent;
	int links_left;
	int ret;

	/*
	 * Grow the heap in large steps: thousands of small mprotect() and brk()
	 * calls are cheap on hardware but not in an emulated VM.
	 */
	mallopt(M_TOP_PAD, 16 << 20);
	mallopt(M_ARENA_MAX, 1);
	/*
	 * jansson seeds its hash tables from /dev/urandom when it makes its
	 * first object, and in a VM that has just booted that read blocks
	 * until the kernel's random pool is ready: 1.5 s of a 7.3.4 TCG run,
	 * after the tests. A fixed seed costs nothing here: the runner's
	 * JSON is its own results, and the --matrix file its scripts wrote.
	 */
	json_object_seed(0x5eed);
	ret = parse_options(argc, argv, &o);
	if (ret)
		return ret;
	libbpf_msg_init(o.verbose);
	if (!o.list && geteuid() != 0) {
		fprintf(stderr, "conform: must run as root: loading these program types needs CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN\n");
		return EXIT_SKIP;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	objdir = o.objdir ? xstrdup(o.objdir) : default_path("progs");
	expected = o.expected ? xstrdup(o.expected) : default_path("expected");

	ret = EXIT_USAGE;
	if (find_objects(objdir, &paths, &obj_cnt))
		goto out;
	if (suite_open(&suite, paths, obj_cnt, err, sizeof(err))) {
		input_error(err);
		goto out;
	}
	start_step(&st, START_OBJECTS, &t0);
	if (ruleset_load(&rules, expected, err, sizeof(err))) {
		input_error(err);
		goto out;
	}
	if (check_rules(&rules, &suite))
		goto out;
	start_step(&st, START_RULES, &t0);
	if (o.audit) {
		if (audit_load_page(o.audit, &page, err, sizeof(err))) {
			input_error(err);
			goto out;
		}
		report_to(stderr);
	}

	run.suite = &suite;
	run.rules = &rules;
	run.tests = xcalloc(2 * suite.case_cnt, sizeof(*run.tests));
	run.wanted = xcalloc(suite.case_cnt, sizeof(bool));
	run.done = xcalloc(suite.case_cnt, sizeof(bool));
	selected = xcalloc(2 * suite.case_cnt, sizeof(bool));
	sel = xcalloc(2 * suite.case_cnt, sizeof(*sel));
	for (size_t i = 0; i < 2 * suite.case_cnt; i++) {
		struct test *t = &run.tests[i];

		t->c = &suite.cases[i / 2];
		t->sleepable = i % 2;
		snprintf(t->name, sizeof(t->name), "%s%s", t->c->name,
			 t->sleepable ? ".s" : "");
		selected[i] = (t->c->flags & (t->sleepable ? CASE_SLEEPABLE : CASE_PLAIN)) &&
			      selection_match(&o.sel, t->name, t->c->name);
		if (selected[i]) {
			run.wanted[i / 2] = true;
			sel[sel_cnt++] = t;
		}
	}
	unmatched = selection_unmatched(&o.sel);
	if (unmatched) {
		fprintf(stderr, "conform: %s: no test matches '%s' (see -l)\n",
			unmatched->origin, unmatched->text);
		goto out;
	}

	if (o.list) {
		for (size_t i = 0; i < sel_cnt; i++)
			printf("%-34s %-36s %-38s %s\n", sel[i]->name,
			       sel[i]->c->prog_type, sel[i]->c->attach,
			       sel[i]->c->object);
		ret = EXIT_PASS;
		goto out;
	}
	if (o.json) {
		json = json_file_open(o.json);
		if (!json) {
			fprintf(stderr, "conform: cannot write %s: %s\n", o.json,
				strerror(errno));
			goto out;
		}
	}
	start_step(&st, START_OTHER, &t0);
	if (kernel_open(&k, o.btf, o.kernel_version, err, sizeof(err))) {
		fprintf(stderr, "conform: %s\n", err);
		ret = EXIT_SKIP;
		goto out;
	}
	start_step(&st, START_KERNEL, &t0);
	run.version = k.version;
	if (o.kmsg_markers && kmsg_open()) {
		fprintf(stderr, "conform: /dev/kmsg: %s\n", strerror(errno));
		goto out;
	}
	if (!sel_cnt) {
		selection_why_empty(&o.sel, err, sizeof(err));
		report_no_tests(&k, err);
		fprintf(stderr, "conform: no test selected: %s\n", err);
		ret = EXIT_SKIP;
		if (json && json_file_finish(json, o.json, &k, sel, sel_cnt, &n))
			ret = EXIT_USAGE;
		json = NULL;
		goto out;
	}

	report_plan(&k, sel_cnt);
	consistent = check_version_vs_btf(&k, sel, sel_cnt, &rules);
	start_step(&st, START_OTHER, &t0);
	if (suite_prepare(&suite, &k, err, sizeof(err))) {
		fprintf(stderr, "conform: %s\n", err);
		ret = EXIT_USAGE;
		goto out;
	}
	start_step(&st, START_PREPARE, &t0);
	run_enabled = !o.no_run;
	run_stage_setup(&rules, &k, o.reproduce_splats);
	hooks_setup(o.anchors);
	start_step(&st, START_OTHER, &t0);
	run_tests(&run, selected, o.jobs, o.verbose, &n);
	links_left = run_stage_end();
	report_summary(&k, &n);
	report_start(&st);
	report_time(bpf_time_ns(), bpf_time_calls(), now_ns() - t_start,
		    run_stage_stats());

	if (links_left) {
		/* A runner bug, not a kernel's: no verdict of this run stands. */
		printf("# BUG: the runner still holds %d BPF link%s after the run stage\n",
		       links_left, links_left == 1 ? "" : "s");
		fprintf(stderr, "conform: the runner still holds %d BPF link%s after the run stage (a bug of the runner)\n",
			links_left, links_left == 1 ? "" : "s");
		ret = o.bisect ? EXIT_BISECT_ABORT : EXIT_FAIL;
	} else if (o.bisect && (n.skip || !consistent))
		ret = EXIT_BISECT_SKIP;
	else if (n.fail || n.xpass)
		ret = EXIT_FAIL;
	else if (!n.pass && !n.xfail && n.skip)
		ret = EXIT_SKIP;
	else
		ret = EXIT_PASS;
	if (json) {
		if (json_file_finish(json, o.json, &k, sel, sel_cnt, &n))
			ret = EXIT_USAGE;
		json = NULL;
	}
	/* The audit is a report, not a verdict: it succeeds if it is written. */
	if (o.audit)
		ret = write_audit(&o, &page, &k, sel, sel_cnt, &n) ? EXIT_USAGE : EXIT_PASS;
out:
	if (json) {
		json_file_abandon(json);
	}
	for (size_t i = 0; run.tests && i < 2 * suite.case_cnt; i++)
		free(run.tests[i].log);
	free(run.tests);
	free(run.wanted);
	free(run.done);
	free(selected);
	free(sel);
	for (size_t i = 0; i < obj_cnt; i++)
		free(paths[i]);
	free(paths);
	free(objdir);
	free(expected);
	kmsg_close();
	kernel_close(&k);
	suite_close(&suite);
	ruleset_free(&rules);
	docs_free(&page);
	selection_free(&o.sel);
	return ret;
}
