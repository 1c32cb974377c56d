// SPDX-License-Identifier: GPL-2.0
/*
 * The docs page audit, on hand-written evidence: a page with our own text,
 * a progs/ directory of our own, and runner and matrix JSON for kernels
 * that show each kind of finding.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit.h"
#include "unit.h"

static char dir[] = "/tmp/conform-audit-XXXXXX";

static const char conform_h[] =
	"/* SPDX-License-Identifier: GPL-2.0 */\n"
	"#ifndef DEMO_H\n"
	"#define DEMO_H\n"
	"#include <bpf/bpf_helpers.h>\n"
	"\n"
	"#ifdef __BPF_FEATURE_ADDR_SPACE_CAST\n"
	"#define __arena __attribute__((address_space(1)))\n"
	"#else\n"
	"#define __arena\n"
	"#endif\n"
	"\n"
	"/* extern void not_this(void); bpf_arena_free_pages() */\n"
	"extern void bpf_arena_free_pages(void *p__map, void __arena *ptr__ign,\n"
	"\t\t\t\t __u32 page_cnt) __ksym;\n"
	"\n"
	"#define ARENA_PAGES 8\n"
	"\n"
	"struct {\n"
	"\t__uint(type, BPF_MAP_TYPE_ARRAY);\n"
	"} other SEC(\".maps\");\n"
	"\n"
	"struct {\n"
	"\t__uint(type, BPF_MAP_TYPE_ARENA); // the type\n"
	"\t__uint(max_entries, ARENA_PAGES);\n"
	"} arena SEC(\".maps\");\n"
	"\n"
	"#define FREE_ONE_PAGE()\tbpf_arena_free_pages(&arena, NULL, 1)\n"
	"\n"
	"#define ARENA_CASE_BODY(name, sec, ptype, atype, target, ...)\t\\\n"
	"SEC(sec) int conform_case_##name(void *ctx) { __VA_ARGS__; return 0; }\n"
	"\n"
	"#define ARENA_CASE(name, sec, ptype, atype, target)\t\t\\\n"
	"\tARENA_CASE_BODY(name, sec, ptype, atype, target, FREE_ONE_PAGE())\n"
	"#endif\n";

static const char a_bpf_c[] =
	"#include \"conform.h\"\n"
	"/* ARENA_CASE(commented, \"x\", BPF_PROG_TYPE_XDP, , \"\") */\n"
	"ARENA_CASE(xdp, \"xdp\", BPF_PROG_TYPE_XDP, , \"\")\n"
	"ARENA_CASE(syscall, \"syscall\", BPF_PROG_TYPE_SYSCALL, , \"\")\n"
	"ARENA_CASE(kprobe, \"kprobe/f\",\n"
	"\t   BPF_PROG_TYPE_KPROBE, , \"\")\n"
	"ARENA_CASE(sock_addr, \"cgroup/connect4\", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,\n"
	"\t   BPF_CGROUP_INET4_CONNECT, \"\")\n"
	"#define TC_CASE(n) ARENA_CASE(n, \"tc\", BPF_PROG_TYPE_SCHED_CLS, , \"\")\n"
	"ARENA_CASE_BODY(arg_null, \"syscall\", BPF_PROG_TYPE_SYSCALL, , \"\",\n"
	"\t\tbpf_arena_free_pages(NULL, NULL, 1))\n"
	"char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";\n";

static const char b_bpf_c[] =
	"#include \"conform.h\"\n"
	"ARENA_CASE(prop, \"syscall\", BPF_PROG_TYPE_SYSCALL, , \"\")\n"
	"char LICENSE[] SEC(\"license\") = \"Proprietary\";\n";

/* Our own page in the docs.ebpf.io layout. */
static const char page_md[] =
	"# KFunc `bpf_arena_free_pages`\n"
	"<!-- [FEATURE_TAG](bpf_arena_free_pages) -->\n"
	"[:octicons-tag-24: v6.9](https://github.com/torvalds/linux/commit/1111111111111111111111111111111111111111)\n"
	"<!-- [/FEATURE_TAG] -->\n"
	"<!-- [KFUNC_DEF] -->\n"
	"`#!c void bpf_arena_free_pages(void *p__map, void *ptr__ign, u32 page_cnt)`\n"
	"It may sleep.\n"
	"<!-- [/KFUNC_DEF] -->\n"
	"<!-- [KFUNC_PROG_REF] -->\n"
	"- [`BPF_PROG_TYPE_XDP`](x)\n"
	"- [`BPF_PROG_TYPE_SYSCALL`](x) [:octicons-tag-24: v6.12](https://github.com/torvalds/linux/commit/2222222)\n"
	"- [`BPF_PROG_TYPE_CGROUP_SOCK_ADDR`](x) [:octicons-tag-24: v6.7](https://github.com/torvalds/linux/commit/3333333)\n"
	"- [`BPF_PROG_TYPE_LSM`](x)\n"
	"<!-- [/KFUNC_PROG_REF] -->\n";

#define MUST_SLEEP "program must be sleepable to call sleepable kfunc bpf_arena_free_pages"
#define CAN_SLEEP "Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable"
#define SYS_ONLY "Syscall programs can only be sleepable"
#define NO_BTF "vmlinux BTF has no kfunc bpf_arena_free_pages"

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* A growing JSON text. */
struct text {
	char buf[16384];
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t->len += (size_t)vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
}

/* One load of a case: observed 'a'ccept, 'r'eject, a'b'sent, 's'kip. */
static void load(struct text *t, const char *name, const char *type, int sl,
		 char obs, int err, const char *msg)
{
	static const char *const words[] = { "accept", "reject", "absent", "skip" };
	const char *word = words[obs == 'a' ? 0 : obs == 'r' ? 1 : obs == 'b' ? 2 : 3];

	add(t, "%s{\"name\": \"%s\", \"prog_type\": \"BPF_PROG_TYPE_%s\", \"attach\": \"x\", "
	    "\"sleepable\": %s, \"observed\": \"%s\", \"errno\": %d, \"message\": \"%s\", "
	    "\"expected\": null, \"status\": \"pass\", \"reason\": \"%s\"}",
	    t->buf[t->len - 1] == '[' ? "" : ", ", name, type, sl ? "true" : "false",
	    word, err, obs == 'r' ? msg : "", obs == 'b' || obs == 's' ? msg : "");
}

static void all_absent(struct text *t)
{
	static const char *const cases[][2] = {
		{ "xdp", "XDP" }, { "syscall", "SYSCALL" }, { "kprobe", "KPROBE" },
		{ "sock_addr", "CGROUP_SOCK_ADDR" }, { "arg_null", "SYSCALL" },
		{ "prop", "SYSCALL" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		for (int sl = 0; sl < 2; sl++)
			load(t, cases[i][0], cases[i][1], sl, 'b', 0, NO_BTF);
}

/* The host's runner JSON: 6.10.2, before any context could call it. */
static void host_json(struct text *t)
{
	add(t, "{\"kernel\": \"6.10.2-test\", \"kernel_version\": \"6.10.2\", "
	    "\"btf_has_kfunc\": true, \"cases\": [");
	load(t, "xdp", "XDP", 0, 'r', 13, MUST_SLEEP);
	load(t, "xdp", "XDP", 1, 'r', 22, CAN_SLEEP);
	load(t, "syscall", "SYSCALL", 0, 'r', 22, SYS_ONLY);
	load(t, "syscall", "SYSCALL", 1, 'a', 0, "");
	load(t, "kprobe", "KPROBE", 0, 'r', 13, MUST_SLEEP);
	load(t, "kprobe", "KPROBE", 1, 'a', 0, "");
	load(t, "sock_addr", "CGROUP_SOCK_ADDR", 0, 'r', 13, MUST_SLEEP);
	load(t, "sock_addr", "CGROUP_SOCK_ADDR", 1, 'r', 22, CAN_SLEEP);
	load(t, "arg_null", "SYSCALL", 0, 'r', 22, SYS_ONLY);
	load(t, "arg_null", "SYSCALL", 1, 'r', 13, "Possibly NULL pointer passed to trusted arg0");
	load(t, "prop", "SYSCALL", 0, 'r', 22, SYS_ONLY);
	load(t, "prop", "SYSCALL", 1, 'r', 22, "cannot call kernel function from non-GPL compatible program");
	add(t, "], \"summary\": {\"pass\": 12, \"fail\": 0, \"skip\": 0}}");
}

/* A matrix: 6.1 and 6.8 without the kfunc, 7.0 where any context may call
 * it, and 7.3 which gave no result. */
static void matrix_json(struct text *t)
{
	add(t, "{\"kernels\": [{\"kernel\": \"6.1\", \"image\": \"i\", \"exit\": 0, "
	    "\"verdict_s\": 4.2, \"bare_boot_s\": 3.1, \"result\": "
	    "{\"kernel\": \"6.1.0-56-cloud-amd64\", \"kernel_version\": \"6.1.0\", \"cases\": [");
	all_absent(t);
	add(t, "]}}, {\"kernel\": \"6.8\", \"exit\": 0, \"result\": "
	    "{\"kernel\": \"6.8.5\", \"cases\": [");
	all_absent(t);
	add(t, "]}}, {\"kernel\": \"7.0\", \"exit\": 0, \"result\": "
	    "{\"kernel\": \"7.0.1+deb13\", \"kernel_version\": \"7.0.1\", \"cases\": [");
	load(t, "xdp", "XDP", 0, 'a', 0, "");
	load(t, "xdp", "XDP", 1, 'r', 22, CAN_SLEEP);
	load(t, "syscall", "SYSCALL", 0, 'r', 22, SYS_ONLY);
	load(t, "syscall", "SYSCALL", 1, 'a', 0, "");
	load(t, "kprobe", "KPROBE", 0, 'a', 0, "");
	load(t, "kprobe", "KPROBE", 1, 'a', 0, "");
	load(t, "sock_addr", "CGROUP_SOCK_ADDR", 0, 'a', 0, "");
	load(t, "sock_addr", "CGROUP_SOCK_ADDR", 1, 'r', 22, CAN_SLEEP);
	load(t, "arg_null", "SYSCALL", 1, 'r', 13, "Possibly NULL pointer passed to trusted arg0");
	add(t, "]}}, {\"kernel\": \"7.3\", \"exit\": 5, \"result\": null}]}");
}

/* The report's line that starts with prefix, or "". */
static const char *line_of(const char *report, const char *prefix)
{
	static char line[8192];
	const char *p = report;

	while (p && *p) {
		size_t n = strcspn(p, "\n");

		if (!strncmp(p, prefix, strlen(prefix))) {
			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			return line;
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	return "";
}

#define HAS(text, want) CHECK(strstr((text), (want)) != NULL, "no '%s' in: %s", (want), (text))
#define LACKS(text, bad) CHECK(strstr((text), (bad)) == NULL, "'%s' in: %s", (bad), (text))

static char *run_audit(const struct docs_page *page, const struct audit_kernel *k,
		       size_t cnt, const char *progs)
{
	char *buf = NULL, err[512] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = audit_write(f, page, k, cnt, progs, err, sizeof(err));

	fclose(f);
	CHECK(ret == 0, "audit_write: %s", err);
	return buf;
}

/* Every row of the claims table has a verdict and evidence. */
static void check_rows(const char *report)
{
	const char *p = strstr(report, "| claim of the page |");
	int rows = 0;

	CHECK(p != NULL, "no claims table");
	for (p = p ? strchr(p, '\n') + 1 : NULL; p && !strncmp(p, "|", 1);) {
		size_t n = strcspn(p, "\n");
		char line[8192];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (strncmp(line, "|---", 4)) {
			char *verdict = strstr(line, " | **");
			char *ev = verdict ? strstr(verdict + 5, "** | ") : NULL;

			rows++;
			CHECK(verdict && ev && strlen(ev) > 8, "row without evidence: %s", line);
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	CHECK(rows > 0, "no rows");
}

static void test_full(const struct docs_page *page)
{
	struct audit_evidence ev = { 0 };
	struct text host = { .len = 0 }, matrix = { .len = 0 };
	char err[512] = "", *report;
	const char *row, *claims;

	host_json(&host);
	matrix_json(&matrix);
	CHECK(!audit_add_json(&ev, host.buf, host.len, "host", err, sizeof(err)), "%s", err);
	CHECK(!audit_add_json(&ev, matrix.buf, matrix.len, "matrix", err, sizeof(err)), "%s", err);
	CHECK(ev.cnt == 5, "%zu kernels", ev.cnt);
	if (ev.cnt != 5)
		return;
	CHECK_STR(ev.kernels[0].version_str, "6.10.2");
	CHECK_STR(ev.kernels[2].version_str, "6.8.5");	/* from "kernel" */
	CHECK_STR(ev.kernels[3].source, "matrix 7.0");
	CHECK(!ev.kernels[4].has_result && !ev.kernels[4].cnt, "7.3 has no result");
	CHECK_STR(ev.kernels[4].note, "no result (exit 5)");
	CHECK(ev.kernels[0].results[1].sleepable && ev.kernels[0].results[1].err == 22 &&
	      ev.kernels[0].results[1].observed == AUDIT_REJECT, "xdp.s");
	CHECK_STR(ev.kernels[0].results[1].message, CAN_SLEEP);

	report = run_audit(page, ev.kernels, ev.cnt, dir);
	claims = strstr(report, "## Claims");

	/* Evidence: kernels by version, the one without a result, unused cases. */
	HAS(report, "| 6.1.0 | 6.1.0-56-cloud-amd64 | matrix 6.1 | 12 | 0 | 0 | 12 | 0 | 0 |");
	HAS(report, "| 7.3 | | matrix 7.3 | no result (exit 5) |");
	HAS(report, "are not used: `arg_null`, `prop`.");
	CHECK(strstr(report, "| 6.8.5 |") < strstr(report, "| 6.10.2 |"), "sorted by version");

	row = line_of(report, "| The kfunc exists from v6.9");
	HAS(row, "| **confirmed** |");
	HAS(row, "absent, as tagged, on 6.1.0, 6.8.5 (`xdp` absent: " NO_BTF ")");
	HAS(row, "present, as tagged, on 6.10.2, 7.0.1 (`syscall.s` accepted)");
	HAS(row, "The newest kernel without it is 6.8.5, the oldest with it 6.10.2");

	row = line_of(report, "| Signature `void bpf_arena_free_pages(");
	HAS(row, "| **untestable here** |");
	HAS(row, "`extern void bpf_arena_free_pages(void *p__map, void __arena *ptr__ign, __u32 page_cnt) __ksym;`");

	row = line_of(report, "| It may sleep");
	HAS(row, "| **contradicted** |");
	HAS(row, "not applicable on 6.1.0, 6.8.5 (the kfunc is absent)");
	HAS(row, "confirmed on 6.10.2 (no non-sleepable load was accepted");
	HAS(row, "(SYSCALL, KPROBE) was rejected: 1 for not being sleepable, e.g. `kprobe` rejected (EACCES): `" MUST_SLEEP "` while `kprobe.s` accepted");
	HAS(row, "1 for the missing flag itself, e.g. `syscall` rejected (EINVAL): `" SYS_ONLY "`");
	HAS(row, "contradicted on 7.0.1 (`xdp` accepted without BPF_F_SLEEPABLE (XDP); non-sleepable loads of 3 program types were accepted: XDP, KPROBE, CGROUP_SOCK_ADDR)");

	row = line_of(report, "| `BPF_PROG_TYPE_XDP` can call it (from v6.9, the kfunc's tag)");
	HAS(row, "| **contradicted** |");
	HAS(row, "consistent on 6.1.0, 6.8.5 (older than v6.9, and `xdp` absent: " NO_BTF ")");
	HAS(row, "contradicted on 6.10.2 (all 2 tests rejected: `xdp` rejected (EACCES): `" MUST_SLEEP "`; `xdp.s` rejected (EINVAL): `" CAN_SLEEP "`)");
	HAS(row, "confirmed on 7.0.1 (`xdp` accepted)");

	/* A tag newer than the kfunc's, contradicted by an older kernel. */
	row = line_of(report, "| `BPF_PROG_TYPE_SYSCALL` can call it, from v6.12, commit `2222222`");
	HAS(row, "| **contradicted** |");
	HAS(row, "contradicted on 6.10.2 (older than v6.12, yet `syscall.s` accepted)");
	HAS(row, "confirmed on 7.0.1 (`syscall.s` accepted)");
	LACKS(row, "difference is untestable");	/* 6.10.2 is in [6.9, 6.12) */
	LACKS(row, "Possibly NULL");

	/* A tag older than the kfunc's, contradicted where the kfunc is absent. */
	row = line_of(report, "| `BPF_PROG_TYPE_CGROUP_SOCK_ADDR` can call it, from v6.7");
	HAS(row, "| **contradicted** |");
	HAS(row, "consistent on 6.1.0 (older than v6.7");
	HAS(row, "contradicted on 6.8.5, 6.10.2 (on 6.8.5: the kfunc is absent: `sock_addr` absent: " NO_BTF "; on 6.10.2: all 2 tests rejected");
	HAS(row, "confirmed on 7.0.1 (`sock_addr` accepted)");
	LACKS(row, "difference is untestable");

	row = line_of(report, "| `BPF_PROG_TYPE_LSM` can call it");
	HAS(row, "| **untestable here** | The suite has no case of this program type. |");

	/* Argument and license cases never decide a claim. */
	LACKS(claims, "Possibly NULL");
	LACKS(claims, "non-GPL");
	HAS(report, "7 claims: 1 confirmed, 4 contradicted, 2 untestable here.");
	check_rows(report);

	row = line_of(report, "| `BPF_PROG_TYPE_KPROBE` |");
	HAS(row, "accepted on 6.10.2, 7.0.1 (on 6.10.2: `kprobe.s` accepted; on 7.0.1: `kprobe` accepted)");
	LACKS(report, "`BPF_PROG_TYPE_SCHED_CLS`");	/* in a #define only */
	LACKS(report, "commented");

	/* The example: from our progs/, with the kernels that accepted it. */
	HAS(report, "A `BPF_PROG_TYPE_SYSCALL` program");
	HAS(report, "#ifdef __BPF_FEATURE_ADDR_SPACE_CAST\n#define __arena __attribute__((address_space(1)))\n#else\n#define __arena\n#endif\n");
	HAS(report, "struct {\n\t__uint(type, BPF_MAP_TYPE_ARENA);\n\t__uint(max_entries, 8);\n} arena SEC(\".maps\");\n");
	LACKS(report, "BPF_MAP_TYPE_ARRAY");
	HAS(report, "SEC(\"syscall\")\nint free_arena_page(void *ctx)\n{\n\tbpf_arena_free_pages(&arena, NULL, 1);\n\treturn 0;\n}\n");
	HAS(report, "Verified by the suite as `syscall.s`");
	HAS(report, "not accepted on 6.1.0, 6.8.5 (`syscall.s` absent: " NO_BTF "); accepted on 6.10.2, 7.0.1.");
	HAS(report, "The page has no example.");
	free(report);
	audit_evidence_free(&ev);
	CHECK(!ev.kernels && !ev.cnt, "audit_evidence_free");
}

/* Evidence written as structs: a kernel where every test was skipped. */
static void test_all_skipped(const struct docs_page *page)
{
	struct audit_result r[2] = {
		{ "xdp", "BPF_PROG_TYPE_XDP", "xdp", false, AUDIT_SKIP, 0, "", "skip",
		  "kernel has no BPF_PROG_TYPE_XDP" },
		{ "xdp", "BPF_PROG_TYPE_XDP", "xdp", true, AUDIT_SKIP, 0, "", "skip",
		  "kernel has no BPF_PROG_TYPE_XDP" },
	};
	struct audit_kernel k = { "host", "6.12.0-test", "6.12.0", 0x060c00, true, "", r, 2 };
	char *report = run_audit(page, &k, 1, dir);
	const char *row;

	row = line_of(report, "| The kfunc exists");
	HAS(row, "| **untestable here** | No kernel says either way.<br>untestable on 6.12.0 (every test skipped) |");
	row = line_of(report, "| It may sleep");
	HAS(row, "| **untestable here** | untestable on 6.12.0 (every test skipped) |");
	row = line_of(report, "| `BPF_PROG_TYPE_XDP`");
	HAS(row, "| **untestable here** | No kernel tested the type at or after its tag.<br>");
	HAS(row, "untestable on 6.12.0 (every test skipped, e.g. `xdp` skipped: kernel has no BPF_PROG_TYPE_XDP)");
	HAS(report, "No case was accepted on any kernel available");
	check_rows(report);
	free(report);

	/* No evidence at all. */
	report = run_audit(page, NULL, 0, dir);
	HAS(report, "| (none) |");
	HAS(line_of(report, "| `BPF_PROG_TYPE_XDP`"), "| **untestable here** | no kernel with results");
	HAS(report, "7 claims: 0 confirmed, 0 contradicted, 7 untestable here.");
	free(report);
}

static void test_bad_evidence(void)
{
	static const struct {
		const char *json, *what;
	} bad[] = {
		{ "[]", "the runner's JSON: must be an object, not an array" },
		{ "{\"kernel\": \"6.1\"}", "\"cases\" must be an array" },
		{ "{\"cases\": []}", "\"kernel\" must be a string (it is missing)" },
		{ "{\"kernel\": \"x\", \"cases\": []}", "no kernel version" },
		{ "{\"kernel\": \"6.1\", \"cases\": [1]}", "cases[0]: must be an object, not a number" },
		{ "{\"kernel\": \"6.1\", \"cases\": [{\"name\": \"a\", \"prog_type\": \"T\", "
		  "\"sleepable\": 1, \"observed\": \"accept\"}]}",
		  "cases[0]: \"sleepable\" must be true or false" },
		{ "{\"kernel\": \"6.1\", \"cases\": [{\"name\": \"a\", \"prog_type\": \"T\", "
		  "\"sleepable\": true, \"observed\": \"maybe\"}]}",
		  "cases[0]: \"observed\" must be accept, reject, absent, skip or error" },
		{ "{\"kernel\": \"6.1\", \"cases\": [{\"name\": \"a\", \"prog_type\": \"T\", "
		  "\"sleepable\": true, \"observed\": \"reject\", \"errno\": -1}]}",
		  "cases[0]: \"errno\" must be a number" },
		{ "{\"kernels\": {}}", "matrix: \"kernels\" must be an array" },
		{ "{\"kernels\": [{\"kernel\": \"6.1\", \"result\": null}, "
		  "{\"kernel\": \"6.12\", \"result\": {\"kernel\": \"6.12\", \"cases\": [{\"name\": 5}]}}]}",
		  "kernels[1].result.cases[0]: \"name\" must be a string" },
		{ "{\"kernels\": [{\"kernel\": \"6.1\", \"exit\": 300}]}", "kernels[0]: \"exit\" must be" },
		{ "{\"kernel\": \"6.1\",\n \"cases\": [}", "line 2, column 12: expected a value" },
	};
	struct audit_evidence ev = { 0 };
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err[0] = '\0';
		CHECK(audit_add_json(&ev, bad[i].json, strlen(bad[i].json), "t", err,
				     sizeof(err)) == -1, "accepted: %s", bad[i].json);
		CHECK(strstr(err, bad[i].what) != NULL, "error '%s', want '%s'", err,
		      bad[i].what);
		CHECK(ev.cnt == 0, "evidence changed by a bad document");
	}
	CHECK(audit_add_file(&ev, "/nonexistent/m.json", "m", err, sizeof(err)) == -1 &&
	      !strncmp(err, "/nonexistent/m.json: ", 21), "%s", err);
}

static void test_bad_sources(const struct docs_page *page)
{
	char err[512] = "", path[300], *report;
	FILE *f = fopen("/dev/null", "w");

	CHECK(audit_write(f, page, NULL, 0, "/nonexistent", err, sizeof(err)) == -1 &&
	      strstr(err, "/nonexistent: "), "%s", err);
	fclose(f);
	/* Without conform.h the audit runs, but says why there is no example. */
	snprintf(path, sizeof(path), "%s/conform.h", dir);
	unlink(path);
	report = run_audit(page, NULL, 0, dir);
	HAS(report, "No example can be rendered: ");
	HAS(report, "conform.h: No such file");
	free(report);
	write_file("conform.h", conform_h);
}

int main(void)
{
	struct docs_page page;
	char err[256], path[300];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	write_file("conform.h", conform_h);
	write_file("a.bpf.c", a_bpf_c);
	write_file("b.bpf.c", b_bpf_c);
	CHECK(!docs_parse(page_md, sizeof(page_md) - 1, &page, err, sizeof(err)), "%s", err);

	test_full(&page);
	test_all_skipped(&page);
	test_bad_evidence();
	test_bad_sources(&page);

	docs_free(&page);
	for (const char *const *n = (const char *const[]){ "conform.h", "a.bpf.c", "b.bpf.c", NULL };
	     *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
	return unit_done("test_audit");
}
