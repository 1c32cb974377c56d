// SPDX-License-Identifier: GPL-2.0
/*
 * The docs page audit, on hand-written evidence: a page with our own text,
 * and runner and matrix JSON for kernels that show each kind of finding,
 * in the runner's JSON of today and of older runners (without "call",
 * "license" and "kfunc_prototype").
 */
#include <stdarg.h>
#include <stdlib.h>

#include "audit.h"
#include "unit.h"

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

/* The kfunc's prototype in BTF: with and without the arena's address space. */
#define PROTO_TAG "void bpf_arena_free_pages(void *p__map, void __attribute__((address_space(1))) *ptr__ign, u32 page_cnt)"
#define PROTO "void bpf_arena_free_pages(void *p__map, void *ptr__ign, __u32 page_cnt)"

/*
 * The cases: made by ARENA_CASE() ("call": "free_one_page") or not, and
 * the license each is loaded with. Only xdp, syscall, kprobe and sock_addr
 * are plain; prop calls the kfunc plainly, but under a proprietary license.
 */
static const struct {
	const char *name, *call, *license;
} shapes[] = {
	{ "xdp", "free_one_page", "GPL" },
	{ "syscall", "free_one_page", "GPL" },
	{ "kprobe", "free_one_page", "Dual BSD/GPL" },
	{ "sock_addr", "free_one_page", "GPL" },
	{ "arg_null", "", "GPL" },
	{ "prop", "free_one_page", "Proprietary" },
};

/* Write the JSON of an older runner: no "call" and "license". */
static bool old_runner;

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
	const char *attach = !strcmp(type, "SYSCALL") ? "syscall" : "x";
	size_t i = 0;

	while (strcmp(shapes[i].name, name))
		i++;
	add(t, "%s{\"name\": \"%s\", \"prog_type\": \"BPF_PROG_TYPE_%s\", \"attach\": \"%s\", ",
	    t->buf[t->len - 1] == '[' ? "" : ", ", name, type, attach);
	if (!old_runner)
		add(t, "\"call\": \"%s\", \"license\": \"%s\", ", shapes[i].call,
		    shapes[i].license);
	add(t, "\"sleepable\": %s, \"observed\": \"%s\", \"errno\": %d, \"message\": \"%s\", "
	    "\"expected\": null, \"status\": \"pass\", \"reason\": \"%s\", \"run\": %s}",
	    sl ? "true" : "false", word, err, obs == 'r' ? msg : "",
	    obs == 'b' || obs == 's' ? msg : "",
	    obs == 'a' && !old_runner ? "{\"observed\": \"runs\", \"hook\": \"h\", \"message\": \"\"}" :
	    "null");
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
	    "\"btf_has_kfunc\": true, \"kfunc_prototype\": \"" PROTO_TAG "\", \"cases\": [");
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
	    "{\"kernel\": \"6.1.0-56-cloud-amd64\", \"kernel_version\": \"6.1.0\", %s\"cases\": [",
	    old_runner ? "" : "\"kfunc_prototype\": null, ");
	all_absent(t);
	add(t, "]}}, {\"kernel\": \"6.8\", \"exit\": 0, \"result\": "
	    "{\"kernel\": \"6.8.5\", %s\"cases\": [", old_runner ? "" : "\"kfunc_prototype\": null, ");
	all_absent(t);
	add(t, "]}}, {\"kernel\": \"7.0\", \"exit\": 0, \"result\": "
	    "{\"kernel\": \"7.0.1+deb13\", \"kernel_version\": \"7.0.1\", %s\"cases\": [",
	    old_runner ? "" : "\"kfunc_prototype\": \"" PROTO "\", ");
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
		       size_t cnt)
{
	char *buf = NULL, err[512] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = audit_write(f, page, k, cnt, err, sizeof(err));

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

/* With the tagged release itself (6.9.y) in the evidence: confirmed. */
static void test_tag_release(const struct docs_page *page)
{
	struct audit_evidence ev = { 0 };
	struct text host = { .len = 0 }, matrix = { .len = 0 };
	char err[512] = "", *report, *p;

	host_json(&host);
	matrix_json(&matrix);
	/* The host becomes 6.9.10: the same length as "6.10.2". */
	while ((p = strstr(host.buf, "6.10.2")))
		memcpy(p, "6.9.10", 6);
	CHECK(!audit_add_json(&ev, host.buf, host.len, "host", err, sizeof(err)), "%s", err);
	CHECK(!audit_add_json(&ev, matrix.buf, matrix.len, "matrix", err, sizeof(err)), "%s", err);
	report = run_audit(page, ev.kernels, ev.cnt);
	HAS(line_of(report, "| The kfunc exists from v6.9"), "| **confirmed** |");
	HAS(line_of(report, "| The kfunc exists from v6.9"),
	    "The newest kernel without it is 6.8.5, the oldest with it 6.9.10.");
	free(report);
	audit_evidence_free(&ev);
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

	report = run_audit(page, ev.kernels, ev.cnt);
	claims = strstr(report, "## Claims");

	/* Evidence: kernels by version, the one without a result, unused cases. */
	HAS(report, "| 6.1.0 | 6.1.0-56-cloud-amd64 | matrix 6.1 | 12 | 0 | 0 | 12 | 0 | 0 |");
	HAS(report, "| 7.3 | | matrix 7.3 | no result (exit 5) |");
	HAS(report, "are not used: `arg_null`, `prop`.");
	CHECK(strstr(report, "| 6.8.5 |") < strstr(report, "| 6.10.2 |"), "sorted by version");

	/* Bracketed by 6.8.5 and 6.10.2, but no 6.9 was run: consistent. */
	row = line_of(report, "| The kfunc exists from v6.9");
	HAS(row, "| **consistent** |");
	HAS(row, "absent, as tagged, on 6.1.0, 6.8.5 (`xdp` absent: " NO_BTF ")");
	HAS(row, "present, as tagged, on 6.10.2, 7.0.1 (`syscall.s` accepted and runs (h))");
	HAS(row, "Consistent (6.8.5 < v6.9 ≤ 6.10.2): the newest kernel without it is 6.8.5, the oldest with it 6.10.2; the tagged release itself was not run.");

	/* The address space and __u32 for u32 do not matter. */
	row = line_of(report, "| Signature `void bpf_arena_free_pages(");
	HAS(row, "| **confirmed** |");
	HAS(row, "not applicable on 6.1.0, 6.8.5 (vmlinux BTF has no such kfunc)");
	HAS(row, "confirmed on 6.10.2, 7.0.1 (on 6.10.2: BTF has `" PROTO_TAG "`; on 7.0.1: BTF has `" PROTO "`)");

	row = line_of(report, "| It may sleep");
	HAS(row, "| **contradicted** |");
	HAS(row, "not applicable on 6.1.0, 6.8.5 (the kfunc is absent)");
	HAS(row, "confirmed on 6.10.2 (no non-sleepable load was accepted");
	HAS(row, "(SYSCALL, KPROBE) was rejected: 1 for not being sleepable, e.g. `kprobe` rejected (EACCES): `" MUST_SLEEP "` while `kprobe.s` accepted and runs (h)");
	HAS(row, "1 for the missing flag itself, e.g. `syscall` rejected (EINVAL): `" SYS_ONLY "`");
	HAS(row, "contradicted on 7.0.1 (`xdp` accepted and runs (h) without BPF_F_SLEEPABLE (XDP); non-sleepable loads of 3 program types were accepted: XDP, KPROBE, CGROUP_SOCK_ADDR)");

	row = line_of(report, "| `BPF_PROG_TYPE_XDP` can call it (from v6.9, the kfunc's tag)");
	HAS(row, "| **contradicted** |");
	HAS(row, "consistent on 6.1.0, 6.8.5 (older than v6.9, and `xdp` absent: " NO_BTF ")");
	HAS(row, "contradicted on 6.10.2 (all 2 tests rejected: `xdp` rejected (EACCES): `" MUST_SLEEP "`; `xdp.s` rejected (EINVAL): `" CAN_SLEEP "`)");
	HAS(row, "confirmed on 7.0.1 (`xdp` accepted and runs (h))");

	/* A tag newer than the kfunc's, contradicted by an older kernel. */
	row = line_of(report, "| `BPF_PROG_TYPE_SYSCALL` can call it, from v6.12, commit `2222222`");
	HAS(row, "| **contradicted** |");
	HAS(row, "contradicted on 6.10.2 (older than v6.12, yet `syscall.s` accepted and runs (h))");
	HAS(row, "confirmed on 7.0.1 (`syscall.s` accepted and runs (h))");
	LACKS(row, "difference is untestable");	/* 6.10.2 is in [6.9, 6.12) */
	LACKS(row, "Possibly NULL");

	/* A tag older than the kfunc's, contradicted where the kfunc is absent. */
	row = line_of(report, "| `BPF_PROG_TYPE_CGROUP_SOCK_ADDR` can call it, from v6.7");
	HAS(row, "| **contradicted** |");
	HAS(row, "consistent on 6.1.0 (older than v6.7");
	HAS(row, "contradicted on 6.8.5, 6.10.2 (on 6.8.5: the kfunc is absent: `sock_addr` absent: " NO_BTF "; on 6.10.2: all 2 tests rejected");
	HAS(row, "confirmed on 7.0.1 (`sock_addr` accepted and runs (h))");
	LACKS(row, "difference is untestable");

	row = line_of(report, "| `BPF_PROG_TYPE_LSM` can call it");
	HAS(row, "| **untestable here** | The suite has no case of this program type. |");

	/* Argument and license cases never decide a claim. */
	LACKS(claims, "Possibly NULL");
	LACKS(claims, "non-GPL");
	HAS(report, "7 claims: 1 confirmed, 1 consistent (bracketed, not seen at their tag), 4 contradicted, 1 untestable here.");
	check_rows(report);

	row = line_of(report, "| `BPF_PROG_TYPE_KPROBE` |");
	HAS(row, "verifies and runs on 6.10.2, 7.0.1 (on 6.10.2: `kprobe.s` accepted and runs (h); on 7.0.1: `kprobe` accepted and runs (h))");
	LACKS(report, "plain-case evidence is missing");

	/*
	 * The example: the template, the prototype of the newest kernel that
	 * accepted the test, its section and license, and those kernels.
	 */
	HAS(report, "A `BPF_PROG_TYPE_SYSCALL` program");
	HAS(report, "extern " PROTO " __ksym;\n");
	HAS(report, "struct {\n\t__uint(type, BPF_MAP_TYPE_ARENA);\n\t__uint(map_flags, BPF_F_MMAPABLE);\n\t__uint(max_entries, 16);\n} arena SEC(\".maps\");\n");
	HAS(report, "SEC(\"syscall\")\nint free_arena_page(void *ctx)\n{\n\tbpf_arena_free_pages(&arena, (void __arena *)0x8000, 1);\n\treturn 0;\n}\n");
	HAS(report, "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
	HAS(report, "the vmlinux BTF of 7.0.1. Verified by the suite as `syscall.s`");
	HAS(report, "not accepted on 6.1.0, 6.8.5 (`syscall.s` absent: " NO_BTF "); accepted on 6.10.2, 7.0.1.\n");
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
		  "kernel has no BPF_PROG_TYPE_XDP", "free_one_page", "GPL", "", "", "" },
		{ "xdp", "BPF_PROG_TYPE_XDP", "xdp", true, AUDIT_SKIP, 0, "", "skip",
		  "kernel has no BPF_PROG_TYPE_XDP", "free_one_page", "GPL", "", "", "" },
	};
	struct audit_kernel k = {
		.source = "host", .release = "6.12.0-test", .version_str = "6.12.0",
		.version = 0x060c00, .has_result = true, .note = "", .results = r,
		.cnt = 2, .plain_known = true, .proto_recorded = true,
		.prototype = PROTO,
	};
	char *report = run_audit(page, &k, 1);
	const char *row;

	row = line_of(report, "| The kfunc exists");
	HAS(row, "| **untestable here** | No kernel says either way.<br>untestable on 6.12.0 (every test skipped) |");
	row = line_of(report, "| It may sleep");
	HAS(row, "| **untestable here** | untestable on 6.12.0 (every test skipped) |");
	row = line_of(report, "| `BPF_PROG_TYPE_XDP`");
	HAS(row, "| **untestable here** | No kernel tested the type at or after its tag.<br>");
	HAS(row, "untestable on 6.12.0 (every test skipped, e.g. `xdp` skipped: kernel has no BPF_PROG_TYPE_XDP)");
	HAS(report, "No plain case was accepted on any kernel available");
	check_rows(report);
	free(report);

	/* No evidence at all. */
	report = run_audit(page, NULL, 0);
	HAS(report, "| (none) |");
	HAS(line_of(report, "| `BPF_PROG_TYPE_XDP`"), "| **untestable here** | no kernel with results");
	HAS(report, "7 claims: 0 confirmed, 0 consistent (bracketed, not seen at their tag), 0 contradicted, 7 untestable here.");
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
		{ "{\"kernel\": \"6.1\",\n \"cases\": [}", "line 2, column 12: unexpected token near '}'" },
		{ "{\"kernel\": \"6.1\", \"kfunc_prototype\": 1, \"cases\": []}",
		  "the runner's JSON: \"kfunc_prototype\" must be a string or null" },
		{ "{\"kernel\": \"6.1\", \"cases\": [{\"name\": \"a\", \"prog_type\": \"T\", "
		  "\"sleepable\": true, \"observed\": \"accept\", \"call\": true}]}",
		  "cases[0]: \"call\" must be a string or null" },
		{ "{\"kernel\": \"6.1\", \"cases\": [{\"name\": \"a\", \"prog_type\": \"T\", "
		  "\"sleepable\": true, \"observed\": \"accept\", \"license\": []}]}",
		  "cases[0]: \"license\" must be a string or null" },
		{ "{\"kernel\": \"6.1\", \"cases\": [{\"name\": \"a\", \"prog_type\": \"T\", "
		  "\"sleepable\": true, \"observed\": \"accept\", \"run\": {\"observed\": 5}}]}",
		  "cases[0].run: \"observed\" must be a string" },
		{ "{\"kernel\": \"6.1\", \"kernel\": \"6.2\", \"cases\": []}",
		  "line 1, column 26: duplicate object key near '\"kernel\"'" },
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

/* Another page's signature, against the same BTF. */
static void test_signature(const struct docs_page *page)
{
	static const struct {
		const char *sig, *verdict, *want;
	} cases[] = {
		{ "void  bpf_arena_free_pages( void*p__map,void __arena *ptr__ign, uint32_t page_cnt );",
		  "**confirmed**", "confirmed on 6.12.0 (BTF has `" PROTO_TAG "`)" },
		{ "void bpf_arena_free_pages(void *p__map, void __attribute__((address_space(1))) *ptr__ign, __u32 page_cnt)",
		  "**confirmed**", "confirmed on 6.12.0" },
		{ "void bpf_arena_free_pages(void *p__map, void *ptr__ign, const u32 page_cnt)",
		  "**contradicted**", "parameter 3: the page has `const u32 page_cnt`, BTF `u32 page_cnt`" },
		{ "int bpf_arena_free_pages(void *p__map, void *ptr, u64 page_cnt)",
		  "**contradicted**",
		  "contradicted on 6.12.0 (BTF has `" PROTO_TAG "`; return type and name: the page has `int bpf_arena_free_pages`, BTF `void bpf_arena_free_pages`; parameter 2: the page has `void *ptr`, BTF `void *ptr__ign`; parameter 3: the page has `u64 page_cnt`, BTF `u32 page_cnt`)" },
		{ "void bpf_arena_free_pages(void *p__map, void *ptr__ign)",
		  "**contradicted**", "2 parameters on the page, 3 in BTF" },
		{ "void bpf_arena_free_pages(void)",
		  "**contradicted**", "0 parameters on the page, 3 in BTF" },
	};
	struct audit_result r = { "syscall", "BPF_PROG_TYPE_SYSCALL", "syscall", true,
				  AUDIT_ACCEPT, 0, "", "pass", "", "free_one_page", "GPL",
				  "", "", "" };
	struct audit_kernel k = {
		.source = "host", .release = "6.12.0-test", .version_str = "6.12.0",
		.version = 0x060c00, .has_result = true, .note = "", .results = &r,
		.cnt = 1, .plain_known = true, .proto_recorded = true,
		.prototype = PROTO_TAG,
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char md[1024], err[256], *report;
		struct docs_page pg;
		const char *row;

		snprintf(md, sizeof(md),
			 "# KFunc `bpf_arena_free_pages`\n<!-- [KFUNC_DEF] -->\n`#!c %s`\n<!-- [/KFUNC_DEF] -->\n",
			 cases[i].sig);
		if (docs_parse(md, strlen(md), &pg, err, sizeof(err))) {
			CHECK(0, "%s: %s", cases[i].sig, err);
			continue;
		}
		report = run_audit(&pg, &k, 1);
		row = line_of(report, "| Signature ");
		HAS(row, cases[i].verdict);
		HAS(row, cases[i].want);
		free(report);
		docs_free(&pg);
	}

	/* The runner records the prototype of its own kfunc only. */
	{
		static const char md[] = "# KFunc `bpf_other`\n<!-- [KFUNC_DEF] -->\n"
					 "`#!c void bpf_other(void *p__map)`\n<!-- [/KFUNC_DEF] -->\n";
		char err[256], *report;
		struct docs_page pg;

		CHECK(!docs_parse(md, sizeof(md) - 1, &pg, err, sizeof(err)), "%s", err);
		report = run_audit(&pg, &k, 1);
		HAS(line_of(report, "| Signature "), "| **untestable here** | untestable on 6.12.0 (the runner records the prototype of another kfunc: `" PROTO_TAG "`)");
		HAS(report, "No example can be rendered: the suite calls `bpf_arena_free_pages`, not this page's kfunc.");
		free(report);
		docs_free(&pg);
	}

	/* A plain test accepted, but no prototype recorded: no example. */
	k.proto_recorded = false;
	k.prototype = NULL;
	{
		char *report = run_audit(page, &k, 1);

		HAS(line_of(report, "| Signature "), "| **untestable here** | No kernel's evidence records");
		HAS(report, "No example can be rendered: no kernel that accepted `syscall.s` recorded the kfunc's prototype in its evidence.");
		free(report);
	}
}

/*
 * An older runner's JSON (without "call", "license" and
 * "kfunc_prototype"): the kfunc's presence is still judged, but no kernel
 * speaks for a program type, the sleepable note or the signature.
 */
static void test_old_runner(const struct docs_page *page)
{
	struct audit_evidence ev = { 0 };
	struct text host = { .len = 0 }, matrix = { .len = 0 };
	char err[512] = "", *report;
	const char *row;

	old_runner = true;
	matrix_json(&matrix);
	old_runner = false;
	CHECK(!audit_add_json(&ev, matrix.buf, matrix.len, "matrix", err, sizeof(err)), "%s", err);
	CHECK(ev.cnt == 4 && !ev.kernels[0].plain_known && !ev.kernels[0].proto_recorded &&
	      !ev.kernels[2].prototype, "old evidence read as such");
	report = run_audit(page, ev.kernels, ev.cnt);
	HAS(report, "The plain-case evidence is missing for every kernel:");
	LACKS(report, "rest only on the");
	HAS(line_of(report, "| The kfunc exists from v6.9"), "| **consistent** |");
	row = line_of(report, "| Signature ");
	HAS(row, "| **untestable here** | No kernel's evidence records the kfunc's prototype in vmlinux BTF.<br>");
	HAS(row, "untestable on 6.1.0, 6.8.5, 7.0.1 (no prototype recorded");
	row = line_of(report, "| It may sleep");
	HAS(row, "| **untestable here** |");
	HAS(row, "untestable on 7.0.1 (no plain-case evidence");
	row = line_of(report, "| `BPF_PROG_TYPE_XDP`");
	HAS(row, "| **untestable here** | No kernel's evidence says which cases call the kfunc plainly");
	HAS(row, "untestable on 6.1.0, 6.8.5, 7.0.1 (no plain-case evidence");
	HAS(report, "None found: no test of an unlisted program type");
	HAS(report, "No plain case was accepted on any kernel available");
	HAS(report, "7 claims: 0 confirmed, 1 consistent (bracketed, not seen at their tag), 0 contradicted, 6 untestable here.");
	check_rows(report);
	free(report);

	/* With a host of today: only the old kernels are left out. */
	host_json(&host);
	CHECK(!audit_add_json(&ev, host.buf, host.len, "host", err, sizeof(err)), "%s", err);
	report = run_audit(page, ev.kernels, ev.cnt);
	HAS(report, "rest only on the 4 cases");
	HAS(report, "The plain-case evidence is missing for 6.1.0, 6.8.5, 7.0.1: ");
	row = line_of(report, "| `BPF_PROG_TYPE_XDP`");
	HAS(row, "| **contradicted** |");
	HAS(row, "contradicted on 6.10.2 (all 2 tests rejected");
	HAS(row, "untestable on 7.0.1 (no plain-case evidence");
	HAS(line_of(report, "| Signature "), "confirmed on 6.10.2 (BTF has");
	HAS(report, "the vmlinux BTF of 6.10.2. Verified by the suite as `syscall.s`");
	HAS(report, "accepted on 6.10.2. Not counted: 6.1.0, 6.8.5, 7.0.1, whose evidence does not say how the case calls the kfunc.");
	check_rows(report);
	free(report);
	audit_evidence_free(&ev);
}

int main(void)
{
	struct docs_page page;
	char err[256];

	CHECK(!docs_parse(page_md, sizeof(page_md) - 1, &page, err, sizeof(err)), "%s", err);

	test_full(&page);
	test_tag_release(&page);
	test_all_skipped(&page);
	test_bad_evidence();
	test_signature(&page);
	test_old_runner(&page);

	docs_free(&page);
	return unit_done("test_audit");
}
