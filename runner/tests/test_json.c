// SPDX-License-Identifier: GPL-2.0
/*
 * The runner's JSON, read by the audit (jansson underneath): truncated
 * documents, invalid UTF-8 and other bad input are refused with "line L,
 * column C: what", on one line of printable text.
 */
#include <stdlib.h>

#include "audit.h"
#include "unit.h"

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

int main(void)
{
	test_good();
	test_truncated();
	test_bad_input();
	test_depth();
	return unit_done("test_json");
}
