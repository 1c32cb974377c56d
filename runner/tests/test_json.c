// SPDX-License-Identifier: GPL-2.0
/*
 * The runner's JSON, written by report.c and read by the audit, both with
 * jansson: what the writer writes the reader reads back, in the shape the
 * scripts' jq expects, whatever bytes the kernel said; truncated documents,
 * invalid UTF-8 and other bad input are refused with "line L, column C:
 * what", on one line of printable text.
 */
#include <stdlib.h>

#include "audit.h"
#include "report.h"
#include "unit.h"
#include "version.h"

/* A runner document of two cases, one of them rejected, one with a run. */
static const char runner_doc[] =
	"{\n  \"kernel\": \"6.18.44-fc\",\n  \"kernel_version\": \"6.18.44\",\n"
	"  \"btf_has_kfunc\": true,\n  \"kfunc_prototype\": null,\n  \"cases\": [\n"
	"    {\"name\": \"xdp\", \"prog_type\": \"BPF_PROG_TYPE_XDP\", \"attach\": \"xdp\", "
	"\"call\": \"free_one_page\", \"license\": \"GPL\", \"sleepable\": false, "
	"\"observed\": \"accept\", \"errno\": 0, \"usec\": 12, \"message\": \"\", "
	"\"expected\": \"accept\", \"expected_message\": \"\", \"status\": \"pass\", "
	"\"reason\": \"\", \"run\": {\"observed\": \"runs\", \"errno\": 0, "
	"\"latency_us\": 0, \"usec\": 40, \"hook\": \"lo\", \"message\": \"\", "
	"\"expected\": \"runs\"}},\n"
	"    {\"name\": \"xdp.s\", \"prog_type\": \"BPF_PROG_TYPE_XDP\", \"attach\": \"xdp\", "
	"\"call\": \"free_one_page\", \"license\": \"GPL\", \"sleepable\": true, "
	"\"observed\": \"reject\", \"errno\": 22, \"usec\": 9, "
	"\"message\": \"Program can\\u0027t be sleepable \\u00e9\", \"expected\": \"reject\", "
	"\"expected_message\": \"sleepable\", \"status\": \"pass\", \"reason\": \"\", "
	"\"run\": null}\n  ],\n"
	"  \"summary\": {\"pass\": 2, \"fail\": 0, \"skip\": 0, \"xfail\": 0, \"xpass\": 0}\n}\n";

/* text must be refused, with an error that starts with want. */
static void test_bad(const char *text, size_t len, const char *want)
{
	struct audit_evidence ev = { 0 };
	char err[512] = "";

	CHECK(audit_add_json(&ev, text, len, "t", err, sizeof(err)) == -1,
	      "accepted: %.*s", (int)len, text);
	CHECK(!strncmp(err, want, strlen(want)), "error '%s', want '%s...'", err, want);
	for (const char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			CHECK(0, "byte 0x%02x in the error '%s'", (unsigned char)*p, err);
			break;
		}
	CHECK(ev.cnt == 0, "evidence from a bad document");
	audit_evidence_free(&ev);
}

static void test_good(void)
{
	static const char exit_real[] = "{\"kernels\": [{\"kernel\": \"6.1\", \"exit\": 5.0}]}";
	struct audit_evidence ev = { 0 };
	char err[512] = "";

	CHECK(!audit_add_json(&ev, runner_doc, strlen(runner_doc), "host", err,
			      sizeof(err)), "%s", err);
	CHECK(ev.cnt == 1 && ev.kernels[0].cnt == 2, "%zu kernels", ev.cnt);
	if (ev.cnt == 1 && ev.kernels[0].cnt == 2) {
		const struct audit_result *r = ev.kernels[0].results;

		CHECK_STR(ev.kernels[0].version_str, "6.18.44");
		CHECK(ev.kernels[0].proto_recorded && !ev.kernels[0].prototype, "null prototype");
		CHECK_STR(r[0].run, "runs");
		CHECK_STR(r[0].run_hook, "lo");
		CHECK(r[1].sleepable && r[1].err == 22 && r[1].observed == AUDIT_REJECT, "xdp.s");
		CHECK_STR(r[1].message, "Program can't be sleepable \xc3\xa9");
		CHECK_STR(r[1].run, "");
	}
	audit_evidence_free(&ev);

	/* Not NUL-terminated: only len bytes count. */
	CHECK(!audit_add_json(&ev, "{\"kernel\": \"6.1\", \"cases\": []}garbage", 30,
			      "t", err, sizeof(err)), "%s", err);
	audit_evidence_free(&ev);
	/* An integral real is a number like any other. */
	CHECK(!audit_add_json(&ev, exit_real, strlen(exit_real), "t", err, sizeof(err)),
	      "%s", err);
	CHECK(ev.cnt == 1 && !strcmp(ev.kernels[0].note, "no result (exit 5)"), "exit 5.0");
	audit_evidence_free(&ev);
}

/* Every proper prefix of the document is refused, with its position. */
static void test_truncated(void)
{
	size_t len = strlen(runner_doc);
	int accepted = 0;

	for (size_t i = 0; i < len; i++) {
		struct audit_evidence ev = { 0 };
		char *copy = malloc(i ? i : 1);
		char err[512] = "";

		memcpy(copy, runner_doc, i);
		if (!audit_add_json(&ev, copy, i, "t", err, sizeof(err)))
			accepted++;
		else if (strncmp(err, "line ", 5))
			CHECK(0, "prefix of %zu bytes: error '%s'", i, err);
		audit_evidence_free(&ev);
		free(copy);
	}
	/* The last byte is the final newline: without it, it is whole. */
	CHECK(accepted == 1, "%d prefixes accepted, want only the whole document", accepted);
	test_bad(runner_doc, 120, "line 6, column 9: ':' expected");
	test_bad("", 0, "line 1, column 0: ");
	test_bad("{\"kernel\": \"6.1", 15, "line 1, column 15: premature end of input");
}

static void test_bad_input(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		/* Invalid UTF-8: not a byte is passed on. */
		{ "{\"kernel\": \"6.1\xff\"}", "line 1, column 15: unable to decode byte 0xff" },
		{ "{\"kernel\": \"\xc0\xaf\"}", "line 1, column 12: unable to decode byte 0xc0" },
		{ "{\"kernel\": \"\xed\xa0\x80\"}", "line 1, column 12: unable to decode byte 0xed" },
		{ "{\"kernel\": \"\xe2\x82\"}", "line 1, column 12: unable to decode byte 0xe2" },
		/* A raw control character in a string. */
		{ "{\"kernel\": \"a\nb\"}", "line 1, column 13: unexpected newline near '\"a'" },
		{ "{\"kernel\": \"a\tb\"}", "line 1, column 13: control character 0x9 near '\"a'" },
		/* jansson quotes the input: as \xNN if it is not printable ASCII. */
		{ "[\xc3\xa9]", "line 1, column 2: invalid token near '\\xc3\\xa9'" },
		{ "[\x01]", "line 1, column 2: invalid token near '\\x01'" },
		{ "[\"\\u0000\"]", "line 1, column 9: \\u0000 is not allowed" },
		{ "[\"\\udc00\"]", "line 1, column 9: invalid Unicode" },
		{ "{\"a\": 1,}", "line 1, column 9: string or '}' expected" },
		{ "[1] [2]", "line 1, column 5: end of file expected" },
		{ "{\"kernel\": 1e999}", "line 1, column 16: real number overflow" },
		{ "{\"errno\": 99999999999999999999}", "line 1, column 30: too big integer" },
		{ "5", "the runner's JSON: must be an object, not a number" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		test_bad(bad[i].text, strlen(bad[i].text), bad[i].want);
}

/* Nesting far deeper than any document: refused, not a stack overflow. */
static void test_depth(void)
{
	size_t n = 100000;
	char *deep = malloc(2 * n);

	memset(deep, '[', n);
	memset(deep + n, ']', n);
	test_bad(deep, 2 * n, "line 1, column ");
	free(deep);
}

/* --- the writer, read back ---------------------------------------------- */

static struct prog_tags tags = { .call = "free_one_page" };
static struct conform_case cases[] = {
	{ .name = "xdp", .attach = "xdp", .prog_type = "BPF_PROG_TYPE_XDP",
	  .prog = { .tags = &tags, .license = "GPL" } },
	{ .name = "arg_null", .attach = "syscall", .prog_type = "BPF_PROG_TYPE_SYSCALL",
	  .prog = { .license = "Dual BSD/GPL" } },
};
static struct rule reject_rule = { .outcome = OUT_REJECT, .err = 22,
				   .message = "can't be \"sleepable\"" };
static struct rule runs_rule = { .outcome = OUT_RUNS, .message = "" };
static struct kernel kern = { .release = "6.18.44-fc\xff", .version = 0,
			      .btf_has_kfunc = true };

/* Three tests: xdp (accepted, ran), xdp.s (rejected), arg_null (skipped). */
static void make_tests(struct test t[3], const char *message)
{
	kern.version = kver(6, 18, 12);
	memset(t, 0, 3 * sizeof(*t));
	t[0].c = t[1].c = &cases[0];
	t[2].c = &cases[1];
	t[1].sleepable = true;
	strcpy(t[0].name, "xdp");
	strcpy(t[1].name, "xdp.s");
	strcpy(t[2].name, "arg_null");
	t[0].observed = OUT_ACCEPT;
	t[0].usec = 17;
	t[0].run_attempted = true;
	t[0].run_observed = OUT_RUNS;
	t[0].run_latency_us = 3;
	t[0].run_count = 4;
	t[0].run_usec = 250;
	t[0].run_phase_us[RUN_FIRE] = 200;
	strcpy(t[0].run_info, "lo, ingress");
	t[0].run_rule = &runs_rule;
	t[0].rule = &runs_rule;
	t[1].observed = OUT_REJECT;
	t[1].err = 22;
	snprintf(t[1].message, sizeof(t[1].message), "%s", message);
	t[1].rule = &reject_rule;
	t[2].observed = OUT_SKIP;
	t[2].status = ST_SKIP;
	strcpy(t[2].reason, "control refused: EPERM");
}

/* report_json() of the tests, in a malloc()ed buffer. */
static char *write_doc(struct test t[3], size_t *len)
{
	struct test *sel[3] = { &t[0], &t[1], &t[2] };
	struct counts n = { .pass = 2, .skip = 1 };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	CHECK(f && !report_json(f, &kern, sel, 3, &n), "report_json");
	CHECK(f && !fclose(f), "fclose");
	return buf;
}

/* The keys of object o, in order, space-separated. */
static const char *keys(const json_t *o)
{
	static char out[512];
	const char *key;
	json_t *v;
	size_t n = 0;

	out[0] = '\0';
	json_object_foreach((json_t *)o, key, v)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? " " : "", key);
	return out;
}

/* The members, their order and types, as scripts/ and jq know them. */
static void test_shape(void)
{
	struct test t[3];
	json_error_t je;
	size_t len;
	char *buf;
	json_t *doc, *c, *run;

	make_tests(t, "message");
	buf = write_doc(t, &len);
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	CHECK(doc != NULL, "the writer's JSON: line %d: %s", je.line, je.text);
	if (!doc) {
		free(buf);
		return;
	}
	CHECK_STR(keys(doc), "kernel kernel_version platform btf_has_kfunc environment_refuses kfunc_prototype cases summary");
	CHECK(json_is_null(json_object_get(doc, "environment_refuses")),
	      "nothing refused: null");
	CHECK(json_is_true(json_object_get(doc, "btf_has_kfunc")) &&
	      json_is_null(json_object_get(doc, "kfunc_prototype")), "kfunc");
	CHECK_STR(json_string_value(json_object_get(doc, "kernel_version")), "6.18.12");
	CHECK_STR(keys(json_object_get(doc, "summary")), "pass fail skip xfail xpass");
	CHECK(json_integer_value(json_object_get(json_object_get(doc, "summary"), "skip")) == 1,
	      "summary.skip");
	CHECK(json_array_size(json_object_get(doc, "cases")) == 3, "3 cases");
	c = json_array_get(json_object_get(doc, "cases"), 0);
	CHECK_STR(keys(c), "name prog_type attach call license sleepable observed errno usec "
		  "message expected expected_message status reason run");
	CHECK(json_is_false(json_object_get(c, "sleepable")) &&
	      json_integer_value(json_object_get(c, "usec")) == 17, "xdp");
	CHECK_STR(json_string_value(json_object_get(c, "call")), "free_one_page");
	run = json_object_get(c, "run");
	CHECK_STR(keys(run), "observed errno latency_us prog_runs usec phases_us hook message expected");
	CHECK_STR(keys(json_object_get(run, "phases_us")), "maps load fire wait");
	CHECK(json_integer_value(json_object_get(json_object_get(run, "phases_us"), "fire")) == 200,
	      "run.phases_us.fire");
	CHECK_STR(json_string_value(json_object_get(run, "observed")), "runs");
	CHECK(json_integer_value(json_object_get(run, "prog_runs")) == 4, "run.prog_runs");
	CHECK(json_integer_value(json_object_get(run, "usec")) == 250, "run.usec");
	c = json_array_get(json_object_get(doc, "cases"), 1);
	CHECK(json_integer_value(json_object_get(c, "errno")) == 22 &&
	      json_is_null(json_object_get(c, "run")), "xdp.s");
	CHECK_STR(json_string_value(json_object_get(c, "expected_message")), "can't be \"sleepable\"");
	c = json_array_get(json_object_get(doc, "cases"), 2);
	CHECK_STR(json_string_value(json_object_get(c, "call")), "");
	CHECK(json_is_null(json_object_get(c, "expected")) &&
	      json_is_null(json_object_get(c, "expected_message")), "no rule: null");
	CHECK_STR(json_string_value(json_object_get(c, "reason")), "control refused: EPERM");
	json_decref(doc);
	free(buf);
}

/*
 * A message through the writer and the reader: what the audit gets.
 * Returns a static copy, or "(refused)".
 */
static const char *round_trip(const char *message)
{
	static char got[4 * MESSAGE_LEN];
	struct audit_evidence ev = { 0 };
	struct test t[3];
	char err[512] = "", *buf;
	size_t len;

	make_tests(t, message);
	buf = write_doc(t, &len);
	if (audit_add_json(&ev, buf, len, "host", err, sizeof(err))) {
		CHECK(0, "the reader refuses the writer's JSON: %s", err);
		snprintf(got, sizeof(got), "(refused)");
	} else {
		snprintf(got, sizeof(got), "%s", ev.kernels[0].results[1].message);
		/* \xff in the release too. */
		CHECK_STR(ev.kernels[0].release, "6.18.44-fc\xef\xbf\xbd");
		CHECK_STR(ev.kernels[0].results[0].run_hook, "lo, ingress");
	}
	audit_evidence_free(&ev);
	free(buf);
	return got;
}

#define FFFD "\xef\xbf\xbd"

static void test_round_trip(void)
{
	char longest[MESSAGE_LEN];

	/* Valid UTF-8 and every character JSON escapes: kept as they are. */
	CHECK_STR(round_trip("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	CHECK_STR(round_trip("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f"), "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f");
	CHECK_STR(round_trip(""), "");
	/* Invalid UTF-8: each byte of it is U+FFFD, the rest is kept. */
	CHECK_STR(round_trip("a\xff" "b"), "a" FFFD "b");
	CHECK_STR(round_trip("\x80\xbf"), FFFD FFFD);			/* lone continuations */
	CHECK_STR(round_trip("\xc0\xaf."), FFFD FFFD ".");		/* overlong '/' */
	CHECK_STR(round_trip("\xed\xa0\x80"), FFFD FFFD FFFD);		/* a surrogate */
	CHECK_STR(round_trip("\xf4\x90\x80\x80"), FFFD FFFD FFFD FFFD);	/* > U+10FFFF */
	CHECK_STR(round_trip("\xf8\x88\x80\x80\x80"), FFFD FFFD FFFD FFFD FFFD);
	CHECK_STR(round_trip("\xe9t\xe9"), FFFD "t" FFFD);		/* Latin-1 */
	/* Cut inside a character, as a MESSAGE_LEN message can be. */
	CHECK_STR(round_trip("ends in \xe2\x82"), "ends in " FFFD FFFD);
	CHECK_STR(round_trip("\xf0\x9f\x98"), FFFD FFFD FFFD);
	memset(longest, '\xff', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	CHECK(strlen(round_trip(longest)) == 3 * (MESSAGE_LEN - 1), "a message of \\xff only");
}

/* Every proper prefix of what the writer wrote is refused. */
static void test_writer_truncated(void)
{
	struct test t[3];
	size_t len;
	char *buf;
	int accepted = 0;

	make_tests(t, "a message \xff");
	buf = write_doc(t, &len);
	CHECK(len > 100 && buf[len - 1] == '\n', "%zu bytes", len);
	for (size_t i = 0; i + 1 < len; i++) {
		struct audit_evidence ev = { 0 };
		char err[512];

		if (!audit_add_json(&ev, buf, i, "t", err, sizeof(err)))
			accepted++;
		audit_evidence_free(&ev);
	}
	CHECK(accepted == 0, "%d truncated documents accepted", accepted);
	free(buf);
}

/* A write error is the writer's error. */
static void test_write_error(void)
{
	FILE *f = fopen("/dev/full", "w");
	struct test t[3], *sel[3] = { &t[0], &t[1], &t[2] };
	struct counts n = { 0 };
	int ret;

	make_tests(t, "m");
	if (!f)
		return;
	/* Buffered: the error may show only at fclose(). */
	ret = report_json(f, &kern, sel, 3, &n);
	CHECK(fclose(f) || ret, "writing to /dev/full succeeded");
}

int main(void)
{
	test_good();
	test_truncated();
	test_bad_input();
	test_depth();
	test_shape();
	test_round_trip();
	test_writer_truncated();
	test_write_error();
	return unit_done("test_json");
}
