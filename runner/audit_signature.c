// SPDX-License-Identifier: GPL-2.0
/*
 * The docs audit's signature comparison: the page's declaration and BTF's
 * prototype cut into tokens, normalized (white space, fixed-width integer
 * spellings, address-space annotations BTF does not always keep), and what
 * differs between them, part by part. See audit_impl.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_impl.h"
#include "util.h"

/*
 * The signature: the page's against the kfunc's prototype in each kernel's
 * vmlinux BTF, as the runner recorded it ("kfunc_prototype", written by
 * libbpf's btf_dump__emit_type_decl()). Both are cut into C tokens and
 * compared token by token, loosely:
 *  - white space does not matter: "void*p" is "void *p";
 *  - a fixed-width integer has one spelling: __u32, u32 and uint32_t are
 *    all u32 (and __s32, s32, int32_t are s32; 8, 16 and 64 bits alike);
 *  - annotations that do not change the call are dropped: an arena
 *    pointer's address space (__arena in BPF C, which some kernels' BTF
 *    keeps as a type tag that libbpf writes as
 *    __attribute__((address_space(1))), and others do not keep at all), any
 *    other __attribute__((...)), sparse's __user, __kernel, __iomem,
 *    __percpu, __rcu and __force, and extern, __ksym and __weak;
 *  - "(void)" is "()".
 * Everything else must match: the return type, the name, and each
 * parameter's type and name. The names matter: a suffix such as __map or
 * __ign tells the verifier how to check the argument.
 */

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void toks_push(struct toks *t, const char *s, size_t n)
{
	t->v = xrealloc(t->v, (t->cnt + 1) * sizeof(*t->v));
	t->v[t->cnt] = xmalloc(n + 1);
	memcpy(t->v[t->cnt], s, n);
	t->v[t->cnt++][n] = '\0';
}

static void toks_free(struct toks *t)
{
	for (size_t i = 0; i < t->cnt; i++)
		free(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static bool annotation(const char *w)
{
	static const char *const words[] = {
		"__arena", "__user", "__kernel", "__iomem", "__percpu", "__rcu",
		"__force", "extern", "__ksym", "__weak",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/* u32 for __u32 and uint32_t; s32 for __s32 and int32_t; w itself else. */
static const char *int_spelling(const char *w)
{
	static const char *const bits[] = { "8", "16", "32", "64" };
	static char buf[8];

	for (size_t i = 0; i < sizeof(bits) / sizeof(*bits); i++) {
		char u[16], s[16];

		snprintf(u, sizeof(u), "uint%s_t", bits[i]);
		snprintf(s, sizeof(s), "int%s_t", bits[i]);
		if (!strcmp(w, u) || (!strncmp(w, "__u", 3) && !strcmp(w + 3, bits[i]))) {
			snprintf(buf, sizeof(buf), "u%s", bits[i]);
			return buf;
		}
		if (!strcmp(w, s) || (!strncmp(w, "__s", 3) && !strcmp(w + 3, bits[i]))) {
			snprintf(buf, sizeof(buf), "s%s", bits[i]);
			return buf;
		}
	}
	return w;
}

/* The tokens of a declaration, normalized as above. */
static void sig_tokens(const char *s, struct toks *t)
{
	struct toks raw = { 0 };

	memset(t, 0, sizeof(*t));
	for (const char *p = s; *p;) {
		const char *q = p + 1;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (ident_char(*p))
			for (q = p; ident_char(*q); q++)
				;
		toks_push(&raw, p, (size_t)(q - p));
		p = q;
	}
	for (size_t i = 0; i < raw.cnt; i++) {
		const char *w = raw.v[i];

		if (!strcmp(w, "__attribute__") || !strcmp(w, "__attribute")) {
			/* With the parenthesized list that follows it. */
			int depth = 0;

			if (i + 1 < raw.cnt && !strcmp(raw.v[i + 1], "(")) {
				do {
					i++;
					if (!strcmp(raw.v[i], "("))
						depth++;
					else if (!strcmp(raw.v[i], ")"))
						depth--;
				} while (depth > 0 && i + 1 < raw.cnt);
			}
			continue;
		}
		if (annotation(w) || !strcmp(w, ";"))
			continue;
		if (!strcmp(w, ")") && t->cnt >= 2 && !strcmp(t->v[t->cnt - 1], "void") &&
		    !strcmp(t->v[t->cnt - 2], "(")) {
			free(t->v[--t->cnt]);	/* "(void)" is "()" */
		}
		w = int_spelling(w);
		toks_push(t, w, strlen(w));
	}
	toks_free(&raw);
}

/* Tokens [from, to) as C: "void *p__map". */
static char *toks_str(const struct toks *t, size_t from, size_t to)
{
	struct cell c;
	FILE *f = cell_open(&c);

	for (size_t i = from; i < to; i++) {
		const char *prev = i > from ? t->v[i - 1] : NULL;
		const char *w = t->v[i];

		if (prev && ((ident_char(*prev) && (ident_char(*w) || *w == '*')) ||
			     !strcmp(prev, ",")))
			fputc(' ', f);
		fputs(w, f);
	}
	return cell_close(&c);
}

void sig_parse(const char *s, struct sig *g)
{
	int depth = 0;

	memset(g, 0, sizeof(*g));
	sig_tokens(s, &g->t);
	g->name = "";
	for (size_t i = 0; i < g->t.cnt && !g->open; i++) {
		if (!strcmp(g->t.v[i], "("))
			g->open = i;
		else if (ident_char(*g->t.v[i]))
			g->name = g->t.v[i];
	}
	if (!g->open)
		return;
	for (size_t i = g->open; i < g->t.cnt; i++) {
		const char *w = g->t.v[i];

		if (!strcmp(w, "(") && depth++ == 0) {
			continue;
		} else if (!strcmp(w, ")") && --depth == 0) {
			g->close = i;
			break;
		} else if (depth == 1 && !strcmp(w, ",")) {
			g->param = xrealloc(g->param, (g->param_cnt + 1) * sizeof(*g->param));
			g->param[g->param_cnt++] = i + 1;
		}
	}
	if (!g->close) {
		g->open = 0;	/* unbalanced: no parameter list */
		free(g->param);
		g->param = NULL;
		g->param_cnt = 0;
		return;
	}
	/* The first parameter starts after "(", unless there is none. */
	g->param = xrealloc(g->param, (g->param_cnt + 2) * sizeof(*g->param));
	memmove(g->param + 1, g->param, g->param_cnt * sizeof(*g->param));
	g->param[0] = g->open + 1;
	g->param_cnt = g->close == g->open + 1 ? 0 : g->param_cnt + 1;
	g->param[g->param_cnt] = g->close + 1;
}

void sig_free(struct sig *g)
{
	toks_free(&g->t);
	free(g->param);
}

/* Tokens [from, to) of x and y are the same. */
static bool toks_same(const struct toks *x, size_t xf, size_t xt,
		      const struct toks *y, size_t yf, size_t yt)
{
	if (xt - xf != yt - yf)
		return false;
	for (size_t i = 0; i < xt - xf; i++)
		if (strcmp(x->v[xf + i], y->v[yf + i]))
			return false;
	return true;
}

/* "the page has `X`, BTF `Y`" for tokens [xf, xt) of p and [yf, yt) of b. */
static void diff_part(FILE *f, const char *what, const struct sig *p, size_t xf,
		      size_t xt, const struct sig *b, size_t yf, size_t yt)
{
	char *x = toks_str(&p->t, xf, xt), *y = toks_str(&b->t, yf, yt);

	fprintf(f, "%s: the page has ", what);
	md_code(f, x);
	fputs(", BTF ", f);
	md_code(f, y);
	free(x);
	free(y);
}

/* What differs between the page's signature and BTF's, or NULL if nothing. */
char *sig_diff(const struct sig *p, const struct sig *b)
{
	struct cell c;
	FILE *f;
	bool any = false;

	if (toks_same(&p->t, 0, p->t.cnt, &b->t, 0, b->t.cnt))
		return NULL;
	f = cell_open(&c);
	if (!p->open || !b->open) {
		diff_part(f, "not both prototypes", p, 0, p->t.cnt, b, 0, b->t.cnt);
		return cell_close(&c);
	}
	if (!toks_same(&p->t, 0, p->open, &b->t, 0, b->open)) {
		diff_part(f, "return type and name", p, 0, p->open, b, 0, b->open);
		any = true;
	}
	if (p->param_cnt != b->param_cnt) {
		fprintf(f, "%s%zu parameters on the page, %zu in BTF", any ? "; " : "",
			p->param_cnt, b->param_cnt);
		any = true;
	} else {
		for (size_t i = 0; i < p->param_cnt; i++) {
			/* Each parameter ends before the next one's ",", or ")". */
			size_t xf = p->param[i], xt = p->param[i + 1] - 1;
			size_t yf = b->param[i], yt = b->param[i + 1] - 1;
			char what[48];

			if (toks_same(&p->t, xf, xt, &b->t, yf, yt))
				continue;
			snprintf(what, sizeof(what), "%sparameter %zu", any ? "; " : "", i + 1);
			diff_part(f, what, p, xf, xt, b, yf, yt);
			any = true;
		}
	}
	if (!any)
		diff_part(f, "the declarations", p, 0, p->t.cnt, b, 0, b->t.cnt);
	return cell_close(&c);
}
