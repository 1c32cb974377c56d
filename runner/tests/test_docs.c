// SPDX-License-Identifier: GPL-2.0
/* The docs page parser: the claims it extracts, and its errors. */
#include <stdlib.h>

#include "docs.h"
#include "unit.h"
#include "version.h"

/* A page in the docs.ebpf.io layout, with text of our own. */
static const char page[] =
	"---\n"
	"title: \"KFunc 'demo_free'\"\n"
	"---\n"
	"# KFunc `demo_free`\n"
	"\n"
	"<!-- [FEATURE_TAG](demo_free) -->\n"
	"[:octicons-tag-24: v6.9](https://github.com/torvalds/linux/commit/0123456789abcdef0123456789abcdef01234567)\n"
	"<!-- [/FEATURE_TAG] -->\n"
	"\n"
	"Some words.\n"
	"\n"
	"<!-- [KFUNC_DEF] -->\n"
	"`#!c void demo_free(void *p__map, u32 cnt)`\n"
	"\n"
	"!!! note\n"
	"    Calls to it May Sleep.\n"
	"<!-- [/KFUNC_DEF] -->\n"
	"\n"
	"```c\n"
	"<!-- [KFUNC_PROG_REF] -->  not a marker inside a code block\n"
	"```\n"
	"<!-- [KFUNC_PROG_REF] -->\n"
	"- [`BPF_PROG_TYPE_XDP`](../program-type/BPF_PROG_TYPE_XDP.md)\n"
	"- [`BPF_PROG_TYPE_CGROUP_SKB`](x.md) [:octicons-tag-24: v6.12](https://github.com/torvalds/linux/commit/abcdef1) - \n"
	"\n"
	"* [`BPF_PROG_TYPE_SYSCALL`](y.md) [:octicons-tag-24: v6.7.2](https://example.org/tags/v6.7.2)\n"
	"<!-- [/KFUNC_PROG_REF] -->\n"
	"\n"
	"### Example\n"
	"\n"
	"!!! example \"Docs could be improved\"\n"
	"    Nothing here.\n"
	"## Next\n"
	"```c\n"
	"int x;\n"
	"```\n";

static void test_page(void)
{
	struct docs_page p;
	char err[256] = "";

	CHECK(!docs_parse(page, sizeof(page) - 1, &p, err, sizeof(err)), "%s", err);
	CHECK_STR(p.name, "demo_free");
	CHECK(p.name_line == 4, "name line %d", p.name_line);
	CHECK(p.tag.present && p.tag.kver == kver(6, 9, 0) && p.tag.line == 7, "tag");
	CHECK_STR(p.tag.version, "v6.9");
	CHECK_STR(p.tag.commit, "0123456789abcdef0123456789abcdef01234567");
	CHECK_STR(p.signature, "void demo_free(void *p__map, u32 cnt)");
	CHECK(p.signature_line == 13, "signature line %d", p.signature_line);
	CHECK(p.sleepable_note && p.sleepable_line == 16, "note line %d", p.sleepable_line);
	CHECK(p.prog_type_cnt == 3, "%zu program types", p.prog_type_cnt);
	if (p.prog_type_cnt == 3) {
		CHECK_STR(p.prog_types[0].name, "BPF_PROG_TYPE_XDP");
		CHECK(!p.prog_types[0].tag.present && p.prog_types[0].line == 23, "XDP");
		CHECK_STR(p.prog_types[1].name, "BPF_PROG_TYPE_CGROUP_SKB");
		CHECK(p.prog_types[1].tag.present &&
		      p.prog_types[1].tag.kver == kver(6, 12, 0), "CGROUP_SKB tag");
		CHECK_STR(p.prog_types[1].tag.commit, "abcdef1");
		CHECK(p.prog_types[2].tag.kver == kver(6, 7, 2), "SYSCALL tag");
		CHECK_STR(p.prog_types[2].tag.commit, "");
	}
	CHECK(docs_find_prog_type(&p, "BPF_PROG_TYPE_SYSCALL") == &p.prog_types[2], "find");
	CHECK(!docs_find_prog_type(&p, "BPF_PROG_TYPE_KPROBE"), "find missing");
	CHECK(!p.has_example, "the example section has no code");
	docs_free(&p);
	CHECK(!p.prog_types && !p.prog_type_cnt, "docs_free");
}

static void test_minimal(void)
{
	static const char text[] = "# KFunc `f`\n### Example\n```c\nint x;\n```";
	struct docs_page p;
	char err[256] = "";

	CHECK(!docs_parse(text, sizeof(text) - 1, &p, err, sizeof(err)), "%s", err);
	CHECK(!p.tag.present && !p.signature_line && !p.sleepable_note &&
	      !p.prog_type_cnt && p.has_example, "minimal page");
	docs_free(&p);

	/* CRLF line ends. */
	CHECK(!docs_parse("# KFunc `g`\r\n", 13, &p, err, sizeof(err)), "%s", err);
	CHECK_STR(p.name, "g");
	docs_free(&p);
}

/* text[0..len) must be refused with "line N: " and what. */
static void test_bad_len(const char *text, size_t len, int line, const char *what)
{
	struct docs_page p;
	char err[256] = "", want[32];

	snprintf(want, sizeof(want), "line %d: ", line);
	CHECK(docs_parse(text, len, &p, err, sizeof(err)) == -1,
	      "accepted: %s", text);
	CHECK(!strncmp(err, want, strlen(want)) && strstr(err, what),
	      "error '%s', want '%s%s'", err, want, what);
	CHECK(!p.prog_types && !p.name[0], "half-parsed page");
}

static void test_bad(const char *text, int line, const char *what)
{
	test_bad_len(text, strlen(text), line, what);
}

static void test_errors(void)
{
	test_bad("", 0, "no '# KFunc `NAME`' heading");
	test_bad("# Helper `x`\ntext\n", 2, "no '# KFunc");
	test_bad("# KFunc x\n", 1, "must read '# KFunc `NAME`'");
	test_bad("# KFunc `a b`\n", 1, "is not a kfunc name");
	test_bad("# KFunc `a`\n# KFunc `b`\n", 2, "a second '# KFunc' heading (the first is on line 1)");
	test_bad("---\ntitle: x\n", 1, "front matter");
	test_bad("# KFunc `a`\n<!-- [KFUNC_DEF] -->\n`#!c void a(void)`\n", 2,
		 "<!-- [KFUNC_DEF] --> is not closed");
	test_bad("# KFunc `a`\n<!-- [/KFUNC_DEF] -->\n", 2, "without <!-- [KFUNC_DEF] -->");
	test_bad("# KFunc `a`\n<!-- [KFUNC_DEF] -->\n<!-- [KFUNC_PROG_REF] -->\n", 3,
		 "inside KFUNC_DEF (opened on line 2)");
	test_bad("# KFunc `a`\n<!-- [KFUNC_DEF] -->\n<!-- [/KFUNC_DEF] -->\n"
		 "<!-- [KFUNC_DEF] -->\n", 4, "a second KFUNC_DEF block (the first is on line 2)");
	test_bad("# KFunc `a`\n<!-- [KFUNC_DEF] -->\n`#!c void a(void)`\n`#!c int a(void)`\n",
		 4, "a second signature (the first is on line 3)");
	test_bad("# KFunc `a`\n<!-- [KFUNC_DEF] -->\n`#!c no parenthesis`\n", 3,
		 "the signature must be");
	test_bad("# KFunc `a`\n<!-- [FEATURE_TAG](a) -->\nnothing\n<!-- [/FEATURE_TAG] -->\n",
		 2, "FEATURE_TAG without a version tag");
	test_bad("<!-- [FEATURE_TAG](a) -->\n[:octicons-tag-24: 6.9](u)\n", 2, "bad version '6.9'");
	test_bad("<!-- [FEATURE_TAG](a) -->\n[:octicons-tag-24: v6](u)\n", 2, "bad version 'v6'");
	test_bad("<!-- [FEATURE_TAG](a) -->\n:octicons-tag-24: v6.9\n", 2, "must read '[:octicons-tag-24:");
	test_bad("<!-- [FEATURE_TAG](a) -->\n[:octicons-tag-24: v6.9](u\n", 2, "no ')' after the URL");
	test_bad("<!-- [FEATURE_TAG](a) -->\n[:octicons-tag-24: v6.9](https://x/commit/12)\n",
		 2, "no 7 to 40 digit hash");
	test_bad("<!-- [FEATURE_TAG](a) -->\n[:octicons-tag-24: v6.9](u)\n[:octicons-tag-24: v6.10](u)\n",
		 3, "a second version tag in FEATURE_TAG (the first is on line 2)");
	test_bad("<!-- [KFUNC_PROG_REF] -->\nprose\n", 2, "expected a list item");
	test_bad("<!-- [KFUNC_PROG_REF] -->\n- [XDP](x)\n", 2, "without a `BPF_PROG_TYPE_*` name");
	test_bad("<!-- [KFUNC_PROG_REF] -->\n- `BPF_PROG_TYPE_XDP\n", 2, "no closing '`'");
	test_bad("<!-- [KFUNC_PROG_REF] -->\n- `BPF_PROG_TYPE_xdp`\n", 2, "is not a program type name");
	test_bad("<!-- [KFUNC_PROG_REF] -->\n- `BPF_PROG_TYPE_XDP`\n\n- `BPF_PROG_TYPE_XDP`\n",
		 4, "BPF_PROG_TYPE_XDP is listed twice (first on line 2)");
	test_bad("<!-- [KFUNC_PROG_REF] -->\n- `BPF_PROG_TYPE_XDP` [:octicons-tag-24: vX](u)\n",
		 2, "bad version");
	test_bad_len("# KFunc `a`\nx\0y\n", 16, 2, "a NUL byte");
}

/* Every prefix of the page parses or fails cleanly, reading only len bytes. */
static void test_prefixes(void)
{
	size_t len = sizeof(page) - 1;
	int ok = 0;

	for (size_t i = 0; i <= len; i++) {
		char *copy = malloc(i ? i : 1);
		struct docs_page p;
		char err[64];

		memcpy(copy, page, i);
		if (!docs_parse(copy, i, &p, err, sizeof(err))) {
			ok++;
			docs_free(&p);
		}
		free(copy);
	}
	CHECK(ok > 0, "no prefix parsed");
}

/* Many entries: the list grows; more than DOCS_MAX_PROG_TYPES is an error. */
static void test_many(void)
{
	size_t cap = 64 * (DOCS_MAX_PROG_TYPES + 2) + 64, n;
	char *text = malloc(cap);
	struct docs_page p;
	char err[256];

	n = (size_t)snprintf(text, cap, "# KFunc `a`\n<!-- [KFUNC_PROG_REF] -->\n");
	for (int i = 0; i < DOCS_MAX_PROG_TYPES; i++)
		n += (size_t)snprintf(text + n, cap - n, "- `BPF_PROG_TYPE_T%d`\n", i);
	memcpy(text + n, "<!-- [/KFUNC_PROG_REF] -->\n", 28);
	CHECK(!docs_parse(text, strlen(text), &p, err, sizeof(err)), "%s", err);
	CHECK(p.prog_type_cnt == DOCS_MAX_PROG_TYPES, "%zu", p.prog_type_cnt);
	docs_free(&p);
	snprintf(text + n, cap - n, "- `BPF_PROG_TYPE_ONE_MORE`\n");
	CHECK(docs_parse(text, strlen(text), &p, err, sizeof(err)) == -1 &&
	      strstr(err, "more than 256 program types"), "%s", err);
	free(text);
}

/* The real docs.ebpf.io page, when this machine has a copy. */
static void test_real_page(void)
{
	const char *path = "/work/shared/docs/kfuncs/bpf_arena_free_pages.md";
	FILE *f = fopen(path, "r");
	static char buf[1 << 16];
	struct docs_page p;
	char err[256] = "";
	size_t n;

	if (!f) {
		printf("test_docs: %s not found, real page not tested\n", path);
		return;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK(!docs_parse(buf, n, &p, err, sizeof(err)), "%s", err);
	CHECK_STR(p.name, "bpf_arena_free_pages");
	CHECK(p.tag.present && p.tag.kver == kver(6, 9, 0) && strlen(p.tag.commit) == 40,
	      "kfunc tag");
	CHECK(strstr(p.signature, "bpf_arena_free_pages(") != NULL, "signature");
	CHECK(p.sleepable_note, "sleepable note");
	CHECK(p.prog_type_cnt >= 10, "%zu program types", p.prog_type_cnt);
	CHECK(docs_find_prog_type(&p, "BPF_PROG_TYPE_XDP") != NULL, "XDP listed");
	docs_free(&p);
}

int main(void)
{
	test_page();
	test_minimal();
	test_errors();
	test_prefixes();
	test_many();
	test_real_page();
	return unit_done("test_docs");
}
