// SPDX-License-Identifier: GPL-2.0
/* The strict JSON reader: values, escapes, errors with line and column. */
#include <stdlib.h>

#include "json.h"
#include "unit.h"

static int parse(const char *text, struct json_value *v, char *err, size_t len)
{
	return json_parse(text, strlen(text), v, err, len);
}

/* text must be refused with an error containing what (and "line L,"). */
static void test_bad(const char *text, const char *line, const char *what)
{
	struct json_value v;
	char err[256] = "";

	CHECK(parse(text, &v, err, sizeof(err)) == -1, "accepted: %s", text);
	CHECK(strstr(err, what) && !strncmp(err, line, strlen(line)),
	      "error '%s' for '%s', want '%s' and '%s'", err, text, line, what);
	CHECK(v.type == JSON_NULL && !v.items && !v.string, "half-parsed value");
}

static void test_values(void)
{
	const char *text =
		"{\"kernel\": \"6.18.44-fc\", \"n\": -12.5e1, \"ok\": true,\n"
		" \"no\": false, \"nil\": null, \"list\": [1, [], {}, \"x\"],\n"
		" \"esc\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\",\n"
		" \"uni\": \"\\u00e9\\u20ac\\ud83d\\ude00\", \"raw\": \"é€😀\"}";
	const struct json_value *list, *x;
	struct json_value v;
	char err[256];
	long n;

	CHECK(!parse(text, &v, err, sizeof(err)), "%s", err);
	CHECK(v.type == JSON_OBJECT && v.cnt == 9, "type %d cnt %zu", v.type, v.cnt);
	CHECK_STR(json_as_string(json_get(&v, "kernel")), "6.18.44-fc");
	x = json_get(&v, "n");
	CHECK(x && x->type == JSON_NUMBER && x->number == -125.0, "number");
	CHECK(json_as_int(x, -1000, 1000, &n) == 0 && n == -125, "as_int %ld", n);
	CHECK(json_as_int(x, 0, 1000, &n) == -1, "range not checked");
	CHECK(json_get(&v, "ok")->boolean && !json_get(&v, "no")->boolean, "bools");
	CHECK(json_get(&v, "nil")->type == JSON_NULL, "null");
	CHECK(!json_get(&v, "missing") && !json_get(json_get(&v, "ok"), "x"), "lookup");
	CHECK(!json_as_string(json_get(&v, "ok")), "bool as string");
	list = json_get(&v, "list");
	CHECK(list && list->type == JSON_ARRAY && list->cnt == 4, "list");
	CHECK(list->items[1].type == JSON_ARRAY && !list->items[1].cnt, "[]");
	CHECK(list->items[2].type == JSON_OBJECT && !list->items[2].cnt, "{}");
	CHECK_STR(json_as_string(json_get(&v, "esc")), "a\"b\\c/d\b\f\n\r\t");
	CHECK_STR(json_as_string(json_get(&v, "uni")),
		  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	CHECK_STR(json_as_string(json_get(&v, "raw")), json_as_string(json_get(&v, "uni")));
	CHECK(json_get(&v, "uni")->len == 9, "len %zu", json_get(&v, "uni")->len);
	json_free(&v);

	/* Not NUL-terminated: only len bytes count. */
	CHECK(!json_parse("[1]garbage", 3, &v, err, sizeof(err)), "%s", err);
	CHECK(v.type == JSON_ARRAY && v.cnt == 1 && v.items[0].number == 1, "prefix");
	json_free(&v);
	CHECK(json_parse("\"abc\"", 4, &v, err, sizeof(err)) == -1, "read past len");

	CHECK(!parse(" 0 ", &v, err, sizeof(err)) && v.number == 0, "zero");
	CHECK(!parse("1.5E+2", &v, err, sizeof(err)) && v.number == 150, "exp");
	CHECK(json_as_int(&v, 0, 1000, &n) == 0 && n == 150, "150");
	CHECK(!parse("2.5", &v, err, sizeof(err)) && json_as_int(&v, 0, 9, &n) == -1,
	      "fraction as int");
}

static void test_depth(void)
{
	char deep[2 * JSON_MAX_DEPTH + 8];
	struct json_value v;
	char err[256];
	int d;

	for (d = 0; d < JSON_MAX_DEPTH; d++)
		deep[d] = '[';
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		deep[d + i] = ']';
	deep[2 * JSON_MAX_DEPTH] = '\0';
	CHECK(!parse(deep, &v, err, sizeof(err)), "depth %d: %s", JSON_MAX_DEPTH, err);
	json_free(&v);

	memmove(deep + 1, deep, strlen(deep) + 1);
	deep[0] = '[';
	strcat(deep, "]");
	test_bad(deep, "line 1, column 65: ", "nested deeper than 64");
}

static void test_errors(void)
{
	test_bad("", "line 1, column 1: ", "expected a value, got end of input");
	test_bad("  \n  ", "line 2, column 3: ", "end of input");
	test_bad("[1,\n 2,]", "line 2, column 4: ", "expected a value, got ']'");
	test_bad("{\"a\" 1}", "line 1, column 6: ", "expected ':'");
	test_bad("{\"a\": 1,}", "line 1, column 9: ", "expected a member name");
	test_bad("{1: 2}", "line 1, column 2: ", "expected a member name");
	test_bad("[1 2]", "line 1, column 4: ", "expected ',' or ']'");
	test_bad("[1", "line 1, column 3: ", "unterminated array");
	test_bad("01", "line 1, column 2: ", "leading zero");
	test_bad("1.", "line 1, column 3: ", "fraction needs digits");
	test_bad("1e+", "line 1, column 4: ", "exponent needs digits");
	test_bad("-", "line 1, column 2: ", "needs digits");
	test_bad("+1", "line 1, column 1: ", "expected a value, got '+'");
	test_bad("1e999", "line 1, column 1: ", "out of range");
	test_bad("1 2", "line 1, column 3: ", "unexpected '2' after the value");
	test_bad("\"abc", "line 1, column 5: ", "unterminated string");
	test_bad("\"a\nb\"", "line 1, column 3: ", "control character 0x0a");
	test_bad("\"\\x\"", "line 1, column 3: ", "invalid escape '\\x'");
	test_bad("\"\\u12\"", "line 1, column 4: ", "four hex digits");
	test_bad("\"\\u0000\"", "line 1, column 8: ", "\\u0000 is not supported");
	test_bad("\"\\udc00\"", "line 1, column 8: ", "lone low surrogate");
	test_bad("\"\\ud800x\"", "line 1, column 8: ", "without a low one");
	test_bad("\"\\ud800\\u0041\"", "line 1, column 14: ", "without a low one");
	test_bad("\"\xff\"", "line 1, column 2: ", "invalid UTF-8");
	test_bad("\"\xc0\xaf\"", "line 1, column 2: ", "invalid UTF-8");	/* overlong */
	test_bad("\"\xed\xa0\x80\"", "line 1, column 2: ", "invalid UTF-8");	/* surrogate */
	test_bad("\"\xe2\x82\"", "line 1, column 2: ", "invalid UTF-8");	/* truncated */
	test_bad("tru", "line 1, column 1: ", "expected a value, got 't'");
	test_bad("nul", "line 1, column 1: ", "expected a value");
	test_bad("[\x01]", "line 1, column 2: ", "byte 0x01");
	test_bad("12345678901234567890123456789012345678901234567890123456789012345",
		 "line 1, column 1: ", "number longer than 63");
}

/* Every prefix of a document either parses or fails cleanly. */
static void test_prefixes(void)
{
	const char *doc = "{\"kernels\": [{\"kernel\": \"6.12\", \"exit\": 0, "
			  "\"result\": null, \"verdict_s\": 4.2, \"e\": \"\\u00e9\"}]}";
	size_t len = strlen(doc);
	int ok = 0;

	for (size_t i = 0; i <= len; i++) {
		char *copy = malloc(i ? i : 1);
		struct json_value v;
		char err[128];

		memcpy(copy, doc, i);
		if (!json_parse(copy, i, &v, err, sizeof(err))) {
			ok++;
			json_free(&v);
		}
		free(copy);
	}
	CHECK(ok == 1, "%d prefixes parsed, only the whole document should", ok);
}

int main(void)
{
	test_values();
	test_depth();
	test_errors();
	test_prefixes();
	return unit_done("test_json");
}
