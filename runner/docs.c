// SPDX-License-Identifier: GPL-2.0
/* A docs.ebpf.io kfunc page, reduced to its claims: see docs.h. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "util.h"
#include "version.h"

/* A piece of the input: never NUL-terminated. */
struct slice {
	const char *s;
	size_t n;
};

enum block {
	B_NONE,
	B_FEATURE,	/* FEATURE_TAG */
	B_DEF,		/* KFUNC_DEF */
	B_PROGREF,	/* KFUNC_PROG_REF */
	B_CNT,
};

static const char *const block_names[B_CNT] = {
	[B_FEATURE] = "FEATURE_TAG",
	[B_DEF] = "KFUNC_DEF",
	[B_PROGREF] = "KFUNC_PROG_REF",
};

struct ctx {
	struct docs_page *page;
	char *err;
	size_t errlen;
	int line;
	enum block block;
	int block_line;
	int block_seen[B_CNT];		/* line of each block, 0 if none */
	size_t prog_cap;
	int example_level;		/* level of the "Example" heading, or 0 */
	bool in_fence;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "line %d: ", line);

	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static struct slice trim(struct slice l)
{
	while (l.n && isspace((unsigned char)l.s[0])) {
		l.s++;
		l.n--;
	}
	while (l.n && isspace((unsigned char)l.s[l.n - 1]))
		l.n--;
	return l;
}

static bool eq(struct slice l, const char *lit)
{
	return l.n == strlen(lit) && !memcmp(l.s, lit, l.n);
}

static bool has_prefix(struct slice l, const char *lit)
{
	size_t m = strlen(lit);

	return l.n >= m && !memcmp(l.s, lit, m);
}

static bool has_suffix(struct slice l, const char *lit)
{
	size_t m = strlen(lit);

	return l.n >= m && !memcmp(l.s + l.n - m, lit, m);
}

static struct slice skip(struct slice l, size_t k)
{
	k = k < l.n ? k : l.n;
	return (struct slice){ l.s + k, l.n - k };
}

/* Offset of lit in l, or -1. */
static long find(struct slice l, const char *lit)
{
	const char *p = memmem(l.s, l.n, lit, strlen(lit));

	return p ? (long)(p - l.s) : -1;
}

static bool contains_nocase(struct slice l, const char *lit)
{
	size_t m = strlen(lit);

	for (size_t i = 0; i + m <= l.n; i++) {
		size_t j = 0;

		while (j < m && tolower((unsigned char)l.s[i + j]) == lit[j])
			j++;
		if (j == m)
			return true;
	}
	return false;
}

/* Copy l into a buffer of size len; false if it does not fit. */
static bool copy(char *dst, size_t len, struct slice l)
{
	if (l.n >= len)
		return false;
	memcpy(dst, l.s, l.n);
	dst[l.n] = '\0';
	return true;
}

static bool all_chars(struct slice l, const char *set_extra, bool lower)
{
	for (size_t i = 0; i < l.n; i++) {
		unsigned char ch = (unsigned char)l.s[i];

		if (isupper(ch) || isdigit(ch) || (lower && islower(ch)) ||
		    strchr(set_extra, ch))
			continue;
		return false;
	}
	return l.n > 0;
}

/*
 * The first "[:octicons-tag-24: vX.Y](URL)" in l: 1 if found (and t
 * filled), 0 if there is none, -1 if it is malformed.
 */
static int parse_tag(struct ctx *c, struct slice l, struct docs_tag *t)
{
	static const char mark[] = ":octicons-tag-24:";
	long at = find(l, mark), close, commit;
	struct slice v, url;
	char digits[16];

	if (at < 0)
		return 0;
	if (at == 0 || l.s[at - 1] != '[')
		return fail(c, c->line, "a version tag must read '[%s vX.Y](URL)'", mark);
	l = trim(skip(l, (size_t)at + sizeof(mark) - 1));
	close = find(l, "](");
	if (close < 0)
		return fail(c, c->line, "a version tag must read '[%s vX.Y](URL)'", mark);
	v = trim((struct slice){ l.s, (size_t)close });
	if (!has_prefix(v, "v") || !copy(digits, sizeof(digits), skip(v, 1)) ||
	    kver_parse(digits, &t->kver))
		return fail(c, c->line, "bad version '%.*s' in a version tag",
			    (int)(v.n < 32 ? v.n : 32), v.s);
	copy(t->version, sizeof(t->version), v);
	l = skip(l, (size_t)close + 2);
	close = find(l, ")");
	if (close < 0)
		return fail(c, c->line, "version tag %s: no ')' after the URL",
			    t->version);
	url = (struct slice){ l.s, (size_t)close };
	t->commit[0] = '\0';
	commit = find(url, "/commit/");
	if (commit >= 0) {
		struct slice h = skip(url, (size_t)commit + strlen("/commit/"));
		size_t n = 0;

		while (n < h.n && isxdigit((unsigned char)h.s[n]))
			n++;
		if (n < 7 || n > 40 || (n < h.n && h.s[n] != '#' && h.s[n] != '?'))
			return fail(c, c->line, "version tag %s: the commit URL has no 7 to 40 digit hash",
				    t->version);
		copy(t->commit, sizeof(t->commit), (struct slice){ h.s, n });
	}
	t->present = true;
	t->line = c->line;
	return 1;
}

/* "# KFunc `NAME`" */
static int parse_heading(struct ctx *c, struct slice l)
{
	struct slice name;

	l = trim(skip(l, 2));
	if (!has_prefix(l, "KFunc "))
		return 0;
	l = trim(skip(l, strlen("KFunc ")));
	if (!has_prefix(l, "`") || !has_suffix(l, "`") || l.n < 3)
		return fail(c, c->line, "the heading must read '# KFunc `NAME`'");
	name = (struct slice){ l.s + 1, l.n - 2 };
	if (!all_chars(name, "_", true) ||
	    !copy(c->page->name, sizeof(c->page->name), name))
		return fail(c, c->line, "'%.*s' is not a kfunc name",
			    (int)(name.n < 64 ? name.n : 64), name.s);
	if (c->page->name_line)
		return fail(c, c->line, "a second '# KFunc' heading (the first is on line %d)",
			    c->page->name_line);
	c->page->name_line = c->line;
	return 0;
}

/* "<!-- [NAME] -->", "<!-- [/NAME] -->", or "<!-- [NAME](...) -->". */
static enum block marker(struct slice l, bool *closing)
{
	if (l.n < 10 || !has_prefix(l, "<!-- [") || !has_suffix(l, " -->"))
		return B_NONE;
	l = (struct slice){ l.s + 6, l.n - 10 };
	*closing = has_prefix(l, "/");
	if (*closing)
		l = skip(l, 1);
	for (enum block b = B_FEATURE; b < B_CNT; b++) {
		struct slice rest;

		if (!has_prefix(l, block_names[b]))
			continue;
		rest = skip(l, strlen(block_names[b]));
		if (eq(rest, "]") ||
		    (!*closing && has_prefix(rest, "](") && has_suffix(rest, ")")))
			return b;
	}
	return B_NONE;
}

static int open_or_close(struct ctx *c, enum block b, bool closing)
{
	if (closing) {
		if (c->block != b)
			return fail(c, c->line, "<!-- [/%s] --> without <!-- [%s] -->",
				    block_names[b], block_names[b]);
		if (b == B_FEATURE && !c->page->tag.present)
			return fail(c, c->block_line, "FEATURE_TAG without a version tag");
		c->block = B_NONE;
		return 0;
	}
	if (c->block != B_NONE)
		return fail(c, c->line, "<!-- [%s] --> inside %s (opened on line %d)",
			    block_names[b], block_names[c->block], c->block_line);
	if (c->block_seen[b])
		return fail(c, c->line, "a second %s block (the first is on line %d)",
			    block_names[b], c->block_seen[b]);
	c->block = b;
	c->block_line = c->line;
	c->block_seen[b] = c->line;
	return 0;
}

static int feature_line(struct ctx *c, struct slice l)
{
	struct docs_tag t = { 0 };
	int ret = parse_tag(c, l, &t);

	if (ret <= 0)
		return ret;
	if (c->page->tag.present)
		return fail(c, c->line, "a second version tag in FEATURE_TAG (the first is on line %d)",
			    c->page->tag.line);
	c->page->tag = t;
	return 0;
}

static int def_line(struct ctx *c, struct slice l)
{
	struct docs_page *pg = c->page;

	if (has_prefix(l, "`#!c ") && has_suffix(l, "`") && l.n > 6) {
		struct slice sig = trim((struct slice){ l.s + 5, l.n - 6 });

		if (pg->signature_line)
			return fail(c, c->line, "a second signature (the first is on line %d)",
				    pg->signature_line);
		if (find(sig, "(") < 0 || !copy(pg->signature, sizeof(pg->signature), sig))
			return fail(c, c->line, "the signature must be '`#!c TYPE NAME(ARGS)`', at most %zu characters",
				    sizeof(pg->signature) - 1);
		pg->signature_line = c->line;
		return 0;
	}
	if (!pg->sleepable_note && (contains_nocase(l, "may sleep") ||
				    contains_nocase(l, "sleepable programs"))) {
		pg->sleepable_note = true;
		pg->sleepable_line = c->line;
	}
	return 0;
}

static int progref_line(struct ctx *c, struct slice l)
{
	struct docs_page *pg = c->page;
	struct docs_prog_type *e;
	struct slice name;
	long at, end;

	if (!l.n)
		return 0;
	if (!has_prefix(l, "- ") && !has_prefix(l, "* "))
		return fail(c, c->line, "expected a list item '- [`BPF_PROG_TYPE_...`](...)' in KFUNC_PROG_REF");
	at = find(l, "`BPF_PROG_TYPE_");
	if (at < 0)
		return fail(c, c->line, "a list item without a `BPF_PROG_TYPE_*` name");
	l = skip(l, (size_t)at + 1);
	end = find(l, "`");
	if (end < 0)
		return fail(c, c->line, "no closing '`' after the program type");
	name = (struct slice){ l.s, (size_t)end };
	if (!all_chars(name, "_", false) || name.n >= sizeof(e->name))
		return fail(c, c->line, "'%.*s' is not a program type name",
			    (int)(name.n < 64 ? name.n : 64), name.s);
	for (size_t i = 0; i < pg->prog_type_cnt; i++)
		if (eq(name, pg->prog_types[i].name))
			return fail(c, c->line, "%s is listed twice (first on line %d)",
				    pg->prog_types[i].name, pg->prog_types[i].line);
	if (pg->prog_type_cnt >= DOCS_MAX_PROG_TYPES)
		return fail(c, c->line, "more than %d program types", DOCS_MAX_PROG_TYPES);
	if (pg->prog_type_cnt == c->prog_cap) {
		c->prog_cap = c->prog_cap ? 2 * c->prog_cap : 32;
		pg->prog_types = xrealloc(pg->prog_types,
					  c->prog_cap * sizeof(*pg->prog_types));
	}
	e = &pg->prog_types[pg->prog_type_cnt];
	memset(e, 0, sizeof(*e));
	copy(e->name, sizeof(e->name), name);
	e->line = c->line;
	if (parse_tag(c, skip(l, (size_t)end + 1), &e->tag) < 0)
		return -1;
	pg->prog_type_cnt++;
	return 0;
}

/* A Markdown heading's level (1 to 6), or 0. */
static int heading_level(struct slice l)
{
	int n = 0;

	while ((size_t)n < l.n && l.s[n] == '#' && n < 7)
		n++;
	if (n == 0 || n > 6 || (size_t)n >= l.n || l.s[n] != ' ')
		return 0;
	return n;
}

static int one_line(struct ctx *c, struct slice raw)
{
	struct slice l = trim(raw);
	bool closing = false;
	enum block b;
	int level;

	if (has_prefix(l, "```") || has_prefix(l, "~~~")) {
		c->in_fence = !c->in_fence;
		if (c->example_level)
			c->page->has_example = true;
		return 0;
	}
	if (c->in_fence)
		return 0;
	b = marker(l, &closing);
	if (b != B_NONE)
		return open_or_close(c, b, closing);
	switch (c->block) {
	case B_FEATURE:
		return feature_line(c, l);
	case B_DEF:
		return def_line(c, l);
	case B_PROGREF:
		return progref_line(c, l);
	default:
		break;
	}
	level = heading_level(raw);
	if (level) {
		struct slice text = trim(skip(raw, (size_t)level));

		if (c->example_level && level <= c->example_level)
			c->example_level = 0;
		if (eq(text, "Example") || eq(text, "Examples"))
			c->example_level = level;
		if (level == 1)
			return parse_heading(c, raw);
	}
	return 0;
}

int docs_parse(const char *buf, size_t len, struct docs_page *out, char *err,
	       size_t errlen)
{
	struct ctx c = { .page = out, .err = err, .errlen = errlen };
	size_t pos = 0;
	bool front = false;

	memset(out, 0, sizeof(*out));
	if (len && !buf)
		return fail(&c, 0, "no input");
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		struct slice l = { buf + pos, end - pos };

		pos = nl ? end + 1 : len;
		if (c.line == INT_MAX) {
			fail(&c, c.line, "too many lines");
			goto bad;
		}
		c.line++;
		if (memchr(l.s, '\0', l.n)) {
			fail(&c, c.line, "a NUL byte");
			goto bad;
		}
		/* YAML front matter: "---" on line 1 up to the next "---". */
		if (c.line == 1 && eq(trim(l), "---")) {
			front = true;
			continue;
		}
		if (front) {
			front = !eq(trim(l), "---");
			continue;
		}
		if (one_line(&c, l))
			goto bad;
	}
	if (front) {
		fail(&c, 1, "the front matter ('---') is not closed");
		goto bad;
	}
	if (c.block != B_NONE) {
		fail(&c, c.block_line, "<!-- [%s] --> is not closed by <!-- [/%s] -->",
		     block_names[c.block], block_names[c.block]);
		goto bad;
	}
	if (!out->name_line) {
		fail(&c, c.line, "no '# KFunc `NAME`' heading");
		goto bad;
	}
	return 0;
bad:
	docs_free(out);
	return -1;
}

void docs_free(struct docs_page *page)
{
	free(page->prog_types);
	memset(page, 0, sizeof(*page));
}

const struct docs_prog_type *docs_find_prog_type(const struct docs_page *page,
						 const char *name)
{
	for (size_t i = 0; i < page->prog_type_cnt; i++)
		if (!strcmp(page->prog_types[i].name, name))
			return &page->prog_types[i];
	return NULL;
}
