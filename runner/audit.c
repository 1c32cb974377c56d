// SPDX-License-Identifier: GPL-2.0
/*
 * The docs page audit: the claims and the Markdown report, from the page
 * and the evidence alone (which cases call the kfunc plainly, the kfunc's
 * BTF prototype, the example's section and license are all in the
 * runner's JSON). The evidence is read by audit_evidence.c. See audit.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "util.h"
#include "version.h"

#define PREFIX		"BPF_PROG_TYPE_"

/* The "call" of a case made by ARENA_CASE(): FREE_ONE_PAGE(). */
#define PLAIN_CALL	"free_one_page"

/* As the kernel's license_is_gpl_compatible(). */
static bool license_gpl(const char *lic)
{
	static const char *const gpl[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
		"Dual MIT/GPL", "Dual MPL/GPL",
	};

	for (size_t i = 0; i < sizeof(gpl) / sizeof(*gpl); i++)
		if (!strcmp(lic, gpl[i]))
			return true;
	return false;
}

/*
 * Does this result speak for its program type? Only if the runner says the
 * case calls the kfunc the plain way and loads it with a GPL-compatible
 * license. Evidence that does not say (an older runner's) never does.
 */
static bool plain(const struct audit_kernel *k, const struct audit_result *r)
{
	return k->plain_known && !strcmp(r->call, PLAIN_CALL) &&
	       license_gpl(r->license);
}

/* Why a kernel speaks for no program type: its evidence is too old. */
#define NOT_KNOWN	"no plain-case evidence: an older runner's JSON, without \"call\" and \"license\""

/* ------------------------------------------------------------------ */
/* Markdown                                                           */
/* ------------------------------------------------------------------ */

/* Text for a table cell: no line breaks, no '|', no HTML. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '|' || c == '*' || c == '`' || c == '\\' || c == '[')
			fprintf(f, "\\%c", c);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', f);
		else
			fputc(c, f);
	}
}

/* A code span for a table cell. */
static void md_code(FILE *f, const char *s)
{
	if (!*s) {
		fputs("(empty)", f);
		return;
	}
	fputc('`', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '`')
			fputc('\'', f);
		else if (c == '|')
			fputs("\\|", f);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', f);
		else
			fputc(c, f);
	}
	fputc('`', f);
}

static const char *short_type(const char *t)
{
	return strncmp(t, PREFIX, strlen(PREFIX)) ? t : t + strlen(PREFIX);
}

/* "`xdp.s`" */
static void md_test(FILE *f, const struct audit_result *r)
{
	fprintf(f, "`%s%s`", r->name, r->sleepable ? ".s" : "");
}

/* One test and what the kernel did with it. */
static void cite(FILE *f, const struct audit_result *r)
{
	md_test(f, r);
	switch (r->observed) {
	case AUDIT_ACCEPT:
		fputs(" accepted", f);
		break;
	case AUDIT_ERROR:
		fputs(" accepted (a runtime check then failed: ", f);
		md_text(f, r->reason);
		fputc(')', f);
		break;
	case AUDIT_REJECT:
		fprintf(f, " rejected (%s): ", errno_name(r->err));
		md_code(f, r->message);
		break;
	case AUDIT_ABSENT:
		fputs(" absent: ", f);
		md_text(f, r->reason);
		break;
	case AUDIT_SKIP:
		fputs(" skipped: ", f);
		md_text(f, r->reason);
		break;
	}
}

/* A growing string written with stdio. */
struct cell {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cell_open(struct cell *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f) {
		fputs("conform: out of memory\n", stderr);
		exit(EXIT_USAGE);
	}
	return c->f;
}

static char *cell_close(struct cell *c)
{
	fclose(c->f);
	return c->buf;
}

/* ------------------------------------------------------------------ */
/* Kernels and per-kernel findings                                    */
/* ------------------------------------------------------------------ */

enum kfunc_state {
	KF_UNKNOWN,	/* every test skipped */
	KF_ABSENT,
	KF_PRESENT,	/* some test reached the verifier */
};

struct kview {
	const struct audit_kernel *k;
	char label[96];
	enum kfunc_state kf;
	const struct audit_result *kf_cite;
};

static bool loaded(const struct audit_result *r)
{
	return r->observed == AUDIT_ACCEPT || r->observed == AUDIT_ERROR;
}

/* The kfunc's presence: prefer to cite a plain case the verifier accepted. */
static void kview_init(struct kview *v, const struct audit_kernel *k)
{
	const struct audit_result *acc = NULL, *rej = NULL, *abs = NULL;

	v->k = k;
	for (size_t i = 0; i < k->cnt; i++) {
		const struct audit_result *r = &k->results[i];

		if (r->observed == AUDIT_ACCEPT &&
		    (!acc || (!plain(k, acc) && plain(k, r))))
			acc = r;
		else if ((r->observed == AUDIT_REJECT || r->observed == AUDIT_ERROR) &&
			 !rej)
			rej = r;	/* it reached the verifier */
		else if (r->observed == AUDIT_ABSENT &&
			 (!abs || (!plain(k, abs) && plain(k, r))))
			abs = r;
	}
	/*
	 * An accepted load proves the kfunc is there, a load refused at the
	 * call (absent) that it is not; a rejection proves nothing by itself
	 * (6.1 refuses a sleepable XDP program before it looks at the call).
	 */
	v->kf = acc ? KF_PRESENT : abs ? KF_ABSENT : rej ? KF_PRESENT : KF_UNKNOWN;
	v->kf_cite = acc ? acc : abs ? abs : rej;
}

/* A kernel's finding on a claim. */
enum kind {
	K_CONFIRM,
	K_CONTRA,
	K_CONSISTENT,	/* before a tag: neither works nor is claimed to */
	K_UNTESTED,
	K_NA,		/* the claim does not apply: no kfunc */
	K_ACCEPTED,	/* for the types the page does not list */
	K_NOT_ACCEPTED,
};

static const char *const kind_label[] = {
	[K_CONFIRM] = "confirmed on",
	[K_CONTRA] = "contradicted on",
	[K_CONSISTENT] = "consistent on",
	[K_UNTESTED] = "untestable on",
	[K_NA] = "not applicable on",
	[K_ACCEPTED] = "accepted on",
	[K_NOT_ACCEPTED] = "not accepted on",
};

struct item {
	enum kind kind;
	const char *label;	/* NULL: the kind's */
	const struct kview *kv;
	char *text;		/* "" for none */
};

struct items {
	struct item *v;
	size_t cnt;
};

static void items_add_as(struct items *it, enum kind kind, const char *label,
			 const struct kview *kv, char *text)
{
	it->v = xrealloc(it->v, (it->cnt + 1) * sizeof(*it->v));
	it->v[it->cnt++] = (struct item){ kind, label ? label : kind_label[kind],
					  kv, text };
}

static void items_add(struct items *it, enum kind kind, const struct kview *kv,
		      char *text)
{
	items_add_as(it, kind, NULL, kv, text);
}

static bool items_have(const struct items *it, enum kind kind)
{
	for (size_t i = 0; i < it->cnt; i++)
		if (it->v[i].kind == kind)
			return true;
	return false;
}

/*
 * "contradicted on 6.12.118, 6.18.44 (TEXT)<br>confirmed on 7.0.13 (...)":
 * consecutive kernels with the same finding form a group, separated by sep;
 * within a group whose texts differ, consecutive kernels with the same text
 * share it: "(on 6.12.118, 6.18.44: TEXT; on 7.0.13: TEXT2)".
 */
static void items_print(FILE *f, const struct items *it, const char *sep)
{
	for (size_t i = 0; i < it->cnt;) {
		size_t j = i + 1;
		bool same = true;

		while (j < it->cnt && it->v[j].kind == it->v[i].kind &&
		       !strcmp(it->v[j].label, it->v[i].label)) {
			same &= !strcmp(it->v[j].text, it->v[i].text);
			j++;
		}
		fprintf(f, "%s%s ", i ? sep : "", it->v[i].label);
		for (size_t k = i; k < j; k++)
			fprintf(f, "%s%s", k > i ? ", " : "", it->v[k].kv->label);
		if (same && it->v[i].text[0]) {
			fprintf(f, " (%s)", it->v[i].text);
		} else if (!same) {
			fputs(" (", f);
			for (size_t k = i; k < j;) {
				size_t m = k + 1;

				while (m < j && !strcmp(it->v[m].text, it->v[k].text))
					m++;
				fputs(k > i ? "; on " : "on ", f);
				for (size_t x = k; x < m; x++)
					fprintf(f, "%s%s", x > k ? ", " : "",
						it->v[x].kv->label);
				fprintf(f, ": %s", it->v[k].text[0] ? it->v[k].text : "-");
				k = m;
			}
			fputc(')', f);
		}
		i = j;
	}
}

static void items_free(struct items *it)
{
	for (size_t i = 0; i < it->cnt; i++)
		free(it->v[i].text);
	free(it->v);
	it->v = NULL;
	it->cnt = 0;
}

/* ------------------------------------------------------------------ */
/* Claims                                                             */
/* ------------------------------------------------------------------ */

/*
 * confirmed: the tagged release itself was run and agrees. consistent:
 * nothing contradicts the claim, but it is only bracketed by the kernels
 * that were run (6.1 < ... <= 6.12), not seen at its tag.
 */
enum verdict {
	V_CONFIRMED,
	V_CONSISTENT,
	V_CONTRADICTED,
	V_UNTESTABLE,
};

static const char *const verdict_md[] = {
	[V_CONFIRMED] = "**confirmed**",
	[V_CONSISTENT] = "**consistent**",
	[V_CONTRADICTED] = "**contradicted**",
	[V_UNTESTABLE] = "**untestable here**",
};

struct row {
	char *claim;
	enum verdict verdict;
	char *evidence;
};

struct audit {
	const struct docs_page *page;
	struct kview *kv;		/* kernels with results, by version */
	size_t kv_cnt;
	struct row *rows;
	size_t row_cnt;
};

static void add_row(struct audit *a, char *claim, enum verdict v, char *evidence)
{
	a->rows = xrealloc(a->rows, (a->row_cnt + 1) * sizeof(*a->rows));
	a->rows[a->row_cnt++] = (struct row){ claim, v, evidence };
}

/* Was a kernel of the tagged release itself (X.Y.*) run, with results? */
static bool tag_release_run(const struct audit *a, unsigned int kver)
{
	for (size_t i = 0; i < a->kv_cnt; i++)
		if (a->kv[i].kf != KF_UNKNOWN &&
		    a->kv[i].k->version >> 8 == kver >> 8)
			return true;
	return false;
}

static enum verdict overall(const struct items *it)
{
	if (items_have(it, K_CONTRA))
		return V_CONTRADICTED;
	if (items_have(it, K_CONFIRM))
		return V_CONFIRMED;
	return V_UNTESTABLE;
}

/* "v6.9, commit `317460317a02`" */
static void md_tag(FILE *f, const struct docs_tag *t)
{
	fputs(t->version, f);
	if (t->commit[0])
		fprintf(f, ", commit `%.12s`", t->commit);
}

static char *fmt_version(unsigned int v)
{
	char buf[16];

	kver_format(v, buf, sizeof(buf));
	/* "6.9.0" is written "6.9" by the docs. */
	if ((v & 0xff) == 0)
		*strrchr(buf, '.') = '\0';
	return xstrdup(buf);
}

static char *cite_str(const struct audit_result *r)
{
	struct cell c;

	cite(cell_open(&c), r);
	return cell_close(&c);
}

/* The kfunc's version tag: absent before it, present from it. */
static void claim_version(struct audit *a)
{
	const struct docs_tag *t = &a->page->tag;
	const struct kview *below = NULL, *above = NULL;
	struct items it = { 0 };
	struct cell claim, ev;
	enum verdict v;
	FILE *f;

	if (!t->present)
		return;
	for (size_t i = 0; i < a->kv_cnt; i++) {
		const struct kview *kv = &a->kv[i];
		bool before = kv->k->version < t->kver;
		char *text;

		if (kv->kf == KF_UNKNOWN) {
			items_add(&it, K_UNTESTED, kv, xstrdup("every test skipped"));
			continue;
		}
		text = cite_str(kv->kf_cite);
		if (kv->kf == KF_ABSENT && before)
			items_add_as(&it, K_CONSISTENT, "absent, as tagged, on", kv, text);
		else if (kv->kf == KF_ABSENT)
			items_add_as(&it, K_CONTRA, "contradicted: absent although not older, on", kv, text);
		else if (before)
			items_add_as(&it, K_CONTRA, "contradicted: present although older, on", kv, text);
		else
			items_add_as(&it, K_CONFIRM, "present, as tagged, on", kv, text);
		if (kv->kf == KF_ABSENT && before)
			below = kv;
		if (kv->kf == KF_PRESENT && !before && !above)
			above = kv;
	}
	f = cell_open(&ev);
	if (items_have(&it, K_CONTRA))
		v = V_CONTRADICTED;
	else if (below && above && tag_release_run(a, t->kver))
		v = V_CONFIRMED;
	else if (below && above)
		v = V_CONSISTENT;
	else
		v = V_UNTESTABLE;
	if (!a->kv_cnt)
		fputs("no kernel with results", f);
	else if (v == V_UNTESTABLE)
		fprintf(f, "%s.<br>", !below && !above ? "No kernel says either way" :
			!below ? "No kernel older than the tag was tested" :
			"No kernel at or after the tag was tested");
	items_print(f, &it, "<br>");
	if (v == V_CONFIRMED)
		fprintf(f, "<br>The newest kernel without it is %s, the oldest with it %s.",
			below->label, above->label);
	else if (v == V_CONSISTENT)
		fprintf(f, "<br>Consistent (%s < %s ≤ %s): the newest kernel without it is %s, the oldest with it %s; the tagged release itself was not run.",
			below->label, t->version, above->label, below->label, above->label);
	items_free(&it);
	f = cell_open(&claim);
	fputs("The kfunc exists from ", f);
	md_tag(f, t);
	fprintf(f, " (page line %d)", t->line);
	add_row(a, cell_close(&claim), v, cell_close(&ev));
}

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

/* A declaration cut into tokens: identifiers and numbers, punctuation. */
struct toks {
	char **v;
	size_t cnt;
};

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

/* A signature: head (return type and name) and parameters. */
struct sig {
	struct toks t;
	size_t open, close;	/* the parameter list's "(" and ")"; 0: none */
	size_t *param;		/* the first token of each parameter, then close */
	size_t param_cnt;
	const char *name;	/* the last identifier of the head, or "" */
};

static void sig_parse(const char *s, struct sig *g)
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

static void sig_free(struct sig *g)
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
static char *sig_diff(const struct sig *p, const struct sig *b)
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
			char what[40];	/* "; parameter " and a size_t: 33 */

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

static char *code_str(const char *s)
{
	struct cell c;

	md_code(cell_open(&c), s);
	return cell_close(&c);
}

static void claim_signature(struct audit *a)
{
	struct items it = { 0 };
	struct cell claim, ev;
	bool recorded = false;
	struct sig page;
	enum verdict v;
	FILE *f;

	if (!a->page->signature_line)
		return;
	sig_parse(a->page->signature, &page);
	for (size_t i = 0; i < a->kv_cnt; i++) {
		const struct kview *kv = &a->kv[i];
		const char *proto = kv->k->prototype;
		struct sig btf;
		char *code, *d;

		if (!kv->k->proto_recorded) {
			items_add(&it, K_UNTESTED, kv,
				  xstrdup("no prototype recorded: the evidence has no \"kfunc_prototype\", an older runner's"));
			continue;
		}
		recorded = true;
		if (!proto) {
			items_add(&it, K_NA, kv, xstrdup("vmlinux BTF has no such kfunc"));
			continue;
		}
		sig_parse(proto, &btf);
		code = code_str(proto);
		if (strcmp(btf.name, a->page->name)) {
			items_add(&it, K_UNTESTED, kv,
				  xasprintf("the runner records the prototype of another kfunc: %s", code));
		} else if ((d = sig_diff(&page, &btf))) {
			items_add(&it, K_CONTRA, kv, xasprintf("BTF has %s; %s", code, d));
			free(d);
		} else {
			items_add(&it, K_CONFIRM, kv, xasprintf("BTF has %s", code));
		}
		free(code);
		sig_free(&btf);
	}
	sig_free(&page);
	v = overall(&it);
	f = cell_open(&ev);
	if (!a->kv_cnt)
		fputs("no kernel with results", f);
	else if (!recorded)
		fputs("No kernel's evidence records the kfunc's prototype in vmlinux BTF.<br>", f);
	items_print(f, &it, "<br>");
	if (v != V_UNTESTABLE)
		fputs("<br>Compared token by token, not minding white space, the spelling of fixed-width integers (`__u32`, `u32`) or address-space annotations (`__arena`), which BTF does not always keep.", f);
	items_free(&it);
	f = cell_open(&claim);
	fputs("Signature ", f);
	md_code(f, a->page->signature);
	fprintf(f, " (page line %d)", a->page->signature_line);
	add_row(a, cell_close(&claim), v, cell_close(&ev));
}

/* A rejection's cause, from the verifier's decisive line. */
enum why {
	WHY_NEEDS_SLEEP,	/* "program must be sleepable to call ..." */
	WHY_FLAG,		/* the flag itself: "... can be sleepable" */
	WHY_OTHER,
};

static enum why rejection_why(const char *msg)
{
	if (strstr(msg, "must be sleepable"))
		return WHY_NEEDS_SLEEP;
	if (strcasestr(msg, "sleepable"))
		return WHY_FLAG;
	return WHY_OTHER;
}

/* Distinct program types, in order of first appearance. */
struct typeset {
	const char **v;
	size_t cnt;
};

static void typeset_add(struct typeset *s, const char *t)
{
	for (size_t i = 0; i < s->cnt; i++)
		if (!strcmp(s->v[i], t))
			return;
	s->v = xrealloc(s->v, (s->cnt + 1) * sizeof(*s->v));
	s->v[s->cnt++] = t;
}

static bool typeset_has(const struct typeset *s, const char *t)
{
	for (size_t i = 0; i < s->cnt; i++)
		if (!strcmp(s->v[i], t))
			return true;
	return false;
}

static void typeset_print(FILE *f, const struct typeset *s)
{
	for (size_t i = 0; i < s->cnt; i++)
		fprintf(f, "%s%s", i ? ", " : "", short_type(s->v[i]));
}

/* The same case loaded with the other flag. */
static const struct audit_result *other_flag(const struct audit_kernel *k,
					     const struct audit_result *r)
{
	for (size_t i = 0; i < k->cnt; i++)
		if (!strcmp(k->results[i].name, r->name) &&
		    k->results[i].sleepable != r->sleepable)
			return &k->results[i];
	return NULL;
}

/* The sleepable note, on one kernel. */
static void sleepable_on(struct audit *a, const struct kview *kv,
			 struct items *it)
{
	const struct audit_kernel *k = kv->k;
	const struct audit_result *acc = NULL, *need = NULL, *flag = NULL;
	const struct audit_result *other = NULL;
	struct typeset plain_ok = { 0 }, sleep_ok = { 0 };
	bool need_pair = false;
	size_t n_need = 0, n_flag = 0;
	struct cell c;
	FILE *f;

	if (kv->kf == KF_ABSENT) {
		items_add(it, K_NA, kv, xstrdup("the kfunc is absent"));
		return;
	}
	if (!k->plain_known) {
		items_add(it, K_UNTESTED, kv, xstrdup(NOT_KNOWN));
		return;
	}
	for (size_t i = 0; i < k->cnt; i++) {
		const struct audit_result *r = &k->results[i];

		if (!plain(k, r) || !loaded(r))
			continue;
		if (r->sleepable) {
			typeset_add(&sleep_ok, r->prog_type);
			continue;
		}
		typeset_add(&plain_ok, r->prog_type);
		/* Cite a type the page lists, if one was accepted. */
		if (!acc || (!docs_find_prog_type(a->page, acc->prog_type) &&
			     docs_find_prog_type(a->page, r->prog_type)))
			acc = r;
	}
	f = cell_open(&c);
	if (acc) {
		cite(f, acc);
		fprintf(f, " without BPF_F_SLEEPABLE (%s); non-sleepable loads of %zu program types were accepted: ",
			short_type(acc->prog_type), plain_ok.cnt);
		typeset_print(f, &plain_ok);
		items_add(it, K_CONTRA, kv, cell_close(&c));
		goto out;
	}
	for (size_t i = 0; i < k->cnt; i++) {
		const struct audit_result *r = &k->results[i];

		if (!plain(k, r) || r->sleepable || r->observed == AUDIT_SKIP ||
		    !typeset_has(&sleep_ok, r->prog_type))
			continue;
		if (r->observed != AUDIT_REJECT) {
			other = other ? other : r;
			continue;
		}
		switch (rejection_why(r->message)) {
		case WHY_NEEDS_SLEEP: {
			/* Prefer a case whose sleepable load was accepted. */
			const struct audit_result *o = other_flag(k, r);
			bool pair = o && loaded(o);

			if (!need || (pair && !need_pair)) {
				need = r;
				need_pair = pair;
			}
			n_need++;
			break;
		}
		case WHY_FLAG:
			flag = flag ? flag : r;
			n_flag++;
			break;
		case WHY_OTHER:
			other = other ? other : r;
			break;
		}
	}
	if (!sleep_ok.cnt) {
		fputs(kv->kf == KF_UNKNOWN ? "every test skipped" :
		      "no program type loaded the kfunc, with or without BPF_F_SLEEPABLE", f);
		items_add(it, K_UNTESTED, kv, cell_close(&c));
	} else if (other || !n_need) {
		fputs("inconclusive: ", f);
		if (other)
			cite(f, other);
		else
			fputs("no non-sleepable load was rejected for not being sleepable", f);
		items_add(it, K_UNTESTED, kv, cell_close(&c));
	} else {
		const struct audit_result *pair = other_flag(k, need);

		fputs("no non-sleepable load was accepted, and every non-sleepable load of the types that load with BPF_F_SLEEPABLE (", f);
		typeset_print(f, &sleep_ok);
		fprintf(f, ") was rejected: %zu for not being sleepable, e.g. ", n_need);
		cite(f, need);
		if (pair && loaded(pair)) {
			fputs(" while ", f);
			cite(f, pair);
		}
		if (n_flag) {
			fprintf(f, "; %zu for the missing flag itself, e.g. ", n_flag);
			cite(f, flag);
		}
		items_add(it, K_CONFIRM, kv, cell_close(&c));
	}
out:
	free(plain_ok.v);
	free(sleep_ok.v);
}

static void claim_sleepable(struct audit *a)
{
	struct items it = { 0 };
	struct cell claim, ev;
	FILE *f;

	if (!a->page->sleepable_note)
		return;
	for (size_t i = 0; i < a->kv_cnt; i++)
		sleepable_on(a, &a->kv[i], &it);
	f = cell_open(&ev);
	if (!a->kv_cnt)
		fputs("no kernel with results", f);
	items_print(f, &it, "<br>");
	f = cell_open(&claim);
	fprintf(f, "It may sleep, so only sleepable programs can call it (page line %d)",
		a->page->sleepable_line);
	add_row(a, cell_close(&claim), overall(&it), cell_close(&ev));
	items_free(&it);
}

/* What one program type did on one kernel, over its plain cases. */
struct tstate {
	enum {
		TS_NOCASE, TS_UNKNOWN, TS_UNTESTED, TS_LOADED, TS_REJECTED,
		TS_ABSENT,
	} st;
	const struct audit_result *acc, *rej_plain, *rej_sleep, *skip, *absent;
	size_t tests, rejected;
};

static void type_state(const struct audit_kernel *k, const char *type,
		       struct tstate *ts)
{
	size_t absent = 0;

	memset(ts, 0, sizeof(*ts));
	if (!k->plain_known) {
		ts->st = TS_UNKNOWN;
		return;
	}
	for (size_t i = 0; i < k->cnt; i++) {
		const struct audit_result *r = &k->results[i];

		if (strcmp(r->prog_type, type) || !plain(k, r))
			continue;
		if (r->observed == AUDIT_SKIP) {
			ts->skip = ts->skip ? ts->skip : r;
			continue;
		}
		ts->tests++;
		if (loaded(r)) {
			if (!ts->acc || (ts->acc->sleepable && !r->sleepable))
				ts->acc = r;
		} else if (r->observed == AUDIT_REJECT) {
			ts->rejected++;
			if (r->sleepable && !ts->rej_sleep)
				ts->rej_sleep = r;
			if (!r->sleepable && !ts->rej_plain)
				ts->rej_plain = r;
		} else {
			absent++;
			ts->absent = ts->absent ? ts->absent : r;
		}
	}
	if (ts->acc)
		ts->st = TS_LOADED;
	else if (ts->rejected)
		ts->st = TS_REJECTED;
	else if (absent)
		ts->st = TS_ABSENT;
	else
		ts->st = ts->skip ? TS_UNTESTED : TS_NOCASE;
}

static char *rejected_text(const struct tstate *ts)
{
	struct cell c;
	FILE *f = cell_open(&c);

	fprintf(f, "%s %zu tests rejected: ", ts->rejected == 1 ? "the" : "all",
		ts->rejected);
	if (ts->rej_plain)
		cite(f, ts->rej_plain);
	if (ts->rej_plain && ts->rej_sleep)
		fputs("; ", f);
	if (ts->rej_sleep)
		cite(f, ts->rej_sleep);
	return cell_close(&c);
}

/* "BPF_PROG_TYPE_X can make use of this kfunc", from its tag. */
static void claim_type(struct audit *a, const struct docs_prog_type *e)
{
	const struct docs_tag *kt = &a->page->tag;
	const struct docs_tag *t = e->tag.present ? &e->tag : kt;
	unsigned int from = t->present ? t->kver : 0;
	bool between = false, no_case = true, known = false;
	struct items it = { 0 };
	struct cell claim, ev;
	enum verdict v;
	FILE *f;

	for (size_t i = 0; i < a->kv_cnt; i++) {
		const struct kview *kv = &a->kv[i];
		bool before = kv->k->version < from;
		struct tstate ts;
		char *text;

		type_state(kv->k, e->name, &ts);
		known |= ts.st != TS_UNKNOWN;
		no_case &= ts.st == TS_NOCASE || ts.st == TS_UNKNOWN;
		if (e->tag.present && kt->present && kv->kf != KF_UNKNOWN &&
		    kv->k->version >= (kt->kver < from ? kt->kver : from) &&
		    kv->k->version < (kt->kver < from ? from : kt->kver))
			between = true;
		switch (ts.st) {
		case TS_NOCASE:
			items_add(&it, K_UNTESTED, kv, xstrdup("no test of this type"));
			break;
		case TS_UNKNOWN:
			items_add(&it, K_UNTESTED, kv, xstrdup(NOT_KNOWN));
			break;
		case TS_UNTESTED:
			text = cite_str(ts.skip);
			items_add(&it, K_UNTESTED, kv, xasprintf("every test skipped, e.g. %s", text));
			free(text);
			break;
		case TS_LOADED:
			text = cite_str(ts.acc);
			if (before)
				items_add(&it, K_CONTRA, kv, xasprintf("older than %s, yet %s", t->version, text));
			else
				items_add(&it, K_CONFIRM, kv, text);
			if (before)
				free(text);
			break;
		case TS_REJECTED:
			text = rejected_text(&ts);
			if (before)
				items_add(&it, K_CONSISTENT, kv, xasprintf("older than %s, and %s", t->version, text));
			else
				items_add(&it, K_CONTRA, kv, text);
			if (before)
				free(text);
			break;
		case TS_ABSENT:
			text = cite_str(ts.absent);
			if (before || !from)
				items_add(&it, before ? K_CONSISTENT : K_NA, kv,
					  before ? xasprintf("older than %s, and %s", t->version, text)
						 : xstrdup(text));
			else
				items_add(&it, K_CONTRA, kv, xasprintf("the kfunc is absent: %s", text));
			free(text);
			break;
		}
	}
	v = overall(&it);
	/* "from vX": seen at X itself, or only bracketed? */
	if (v == V_CONFIRMED && from && !tag_release_run(a, from))
		v = V_CONSISTENT;
	f = cell_open(&ev);
	if (v == V_CONSISTENT)
		fprintf(f, "Consistent: accepted where tested, but the tagged release (%s) itself was not run.<br>",
			t->version);
	if (!a->kv_cnt)
		fputs("no kernel with results", f);
	else if (!known)
		fputs("No kernel's evidence says which cases call the kfunc plainly, the only ones that speak for a program type.<br>", f);
	else if (no_case)
		fputs("The suite has no case of this program type.", f);
	else if (v == V_UNTESTABLE)
		fputs(t->present ? "No kernel tested the type at or after its tag.<br>" :
		      "No kernel tested the type.<br>", f);
	if (!no_case || !known)
		items_print(f, &it, "<br>");
	if (e->tag.present && kt->present && e->tag.kver != kt->kver && !between) {
		char *lo = fmt_version(e->tag.kver < kt->kver ? e->tag.kver : kt->kver);
		char *hi = fmt_version(e->tag.kver < kt->kver ? kt->kver : e->tag.kver);

		fprintf(f, "<br>Its own tag (%s) differs from the kfunc's (%s), and no kernel in [%s, %s) was tested, so that difference is untestable here%s.",
			e->tag.version, kt->version, lo, hi,
			e->tag.kver < kt->kver ? " (the tag predates the kfunc's own)" : "");
		free(lo);
		free(hi);
	}
	items_free(&it);
	f = cell_open(&claim);
	fprintf(f, "`%s` can call it", e->name);
	if (e->tag.present) {
		fputs(", from ", f);
		md_tag(f, t);
	} else if (t->present) {
		fprintf(f, " (from %s, the kfunc's tag)", t->version);
	}
	fprintf(f, " (page line %d)", e->line);
	add_row(a, cell_close(&claim), v, cell_close(&ev));
}

/* ------------------------------------------------------------------ */
/* The report                                                         */
/* ------------------------------------------------------------------ */

static void write_evidence(FILE *out, const struct audit *a,
			   const struct audit_kernel *kernels, size_t cnt)
{
	struct typeset used = { 0 }, other = { 0 };
	size_t known = 0, unknown = 0, n_other = 0;

	fputs("## Evidence\n\n", out);
	fputs("| kernel | release | source | tests | accept | reject | absent | skip | error |\n", out);
	fputs("|---|---|---|---|---|---|---|---|---|\n", out);
	for (size_t i = 0; i < a->kv_cnt; i++) {
		const struct audit_kernel *k = a->kv[i].k;
		size_t n[AUDIT_ERROR + 1] = { 0 };

		for (size_t j = 0; j < k->cnt; j++)
			n[k->results[j].observed]++;
		fprintf(out, "| %s | ", a->kv[i].label);
		md_text(out, k->release);
		fputs(" | ", out);
		md_text(out, k->source);
		fprintf(out, " | %zu | %zu | %zu | %zu | %zu | %zu |\n", k->cnt,
			n[AUDIT_ACCEPT], n[AUDIT_REJECT], n[AUDIT_ABSENT],
			n[AUDIT_SKIP], n[AUDIT_ERROR]);
	}
	for (size_t i = 0; i < cnt; i++) {
		if (kernels[i].has_result)
			continue;
		fputs("| ", out);
		md_text(out, kernels[i].version_str);
		fputs(" | | ", out);
		md_text(out, kernels[i].source);
		fputs(" | ", out);
		md_text(out, kernels[i].note);
		fputs(" | | | | | |\n", out);
	}
	if (!cnt)
		fputs("| (none) | | | | | | | | |\n", out);
	for (size_t i = 0; i < a->kv_cnt; i++) {
		const struct audit_kernel *k = a->kv[i].k;

		if (!k->plain_known) {
			unknown++;
			continue;
		}
		known++;
		for (size_t j = 0; j < k->cnt; j++)
			typeset_add(plain(k, &k->results[j]) ? &used : &other,
				    k->results[j].name);
	}
	for (size_t i = 0; i < other.cnt; i++)
		n_other += !typeset_has(&used, other.v[i]);
	if (known)
		fprintf(out, "\nA program type's claims and the sleepable note rest only on the %zu cases that call the kfunc the plain way (the runner's JSON says `\"call\": \"free_one_page\"`, a case made by `ARENA_CASE()`, and a GPL-compatible `\"license\"`), each loaded without and with `BPF_F_SLEEPABLE`.",
			used.cnt);
	if (n_other) {
		fprintf(out, " The other %zu cases test arguments, preconditions, the license or what a free does at run time, and are not used: ",
			n_other);
		for (size_t i = 0, n = 0; i < other.cnt; i++)
			if (!typeset_has(&used, other.v[i]))
				fprintf(out, "%s`%s`", n++ ? ", " : "", other.v[i]);
		fputc('.', out);
	}
	if (unknown && known) {
		fputs(" The plain-case evidence is missing for ", out);
		for (size_t i = 0, n = 0; i < a->kv_cnt; i++)
			if (!a->kv[i].k->plain_known)
				fprintf(out, "%s%s", n++ ? ", " : "", a->kv[i].label);
		fputs(": their runner's JSON has no `call` and `license` per case (an older runner's), so it does not say which cases those are, and those kernels speak for no program type and not for the sleepable note.", out);
	} else if (unknown) {
		fputs("\nThe plain-case evidence is missing for every kernel: the runner's JSON has no `call` and `license` per case (an older runner's), so it does not say which cases call the kfunc the plain way (`\"call\": \"free_one_page\"`, a case made by `ARENA_CASE()`, with a GPL-compatible `\"license\"`). No kernel speaks for a program type or for the sleepable note: those claims are untestable here.", out);
	}
	fputs("\n\n", out);
	free(used.v);
	free(other.v);
}

static void write_claims(FILE *out, const struct audit *a)
{
	size_t n[V_UNTESTABLE + 1] = { 0 };

	for (size_t i = 0; i < a->row_cnt; i++)
		n[a->rows[i].verdict]++;
	fprintf(out, "## Claims\n\n%zu claims: %zu confirmed, %zu consistent (bracketed, not seen at their tag), %zu contradicted, %zu untestable here.\n\n",
		a->row_cnt, n[V_CONFIRMED], n[V_CONSISTENT], n[V_CONTRADICTED],
		n[V_UNTESTABLE]);
	fputs("| claim of the page | verdict | evidence |\n|---|---|---|\n", out);
	for (size_t i = 0; i < a->row_cnt; i++)
		fprintf(out, "| %s | %s | %s |\n", a->rows[i].claim,
			verdict_md[a->rows[i].verdict], a->rows[i].evidence);
	fputc('\n', out);
}

static void write_unlisted(FILE *out, const struct audit *a)
{
	struct typeset types = { 0 }, never = { 0 };
	bool any = false;

	for (size_t i = 0; i < a->kv_cnt; i++)
		for (size_t j = 0; j < a->kv[i].k->cnt; j++) {
			const struct audit_result *r = &a->kv[i].k->results[j];

			if (plain(a->kv[i].k, r) && !docs_find_prog_type(a->page, r->prog_type))
				typeset_add(&types, r->prog_type);
		}
	fputs("## Program types that can call the kfunc but are not listed\n\n", out);
	for (size_t t = 0; t < types.cnt; t++) {
		struct items it = { 0 };

		for (size_t i = 0; i < a->kv_cnt; i++) {
			struct tstate ts;

			type_state(a->kv[i].k, types.v[t], &ts);
			if (ts.st == TS_LOADED)
				items_add(&it, K_ACCEPTED, &a->kv[i], cite_str(ts.acc));
		}
		if (!it.cnt) {
			typeset_add(&never, types.v[t]);
			continue;
		}
		if (!any)
			fputs("| program type | evidence |\n|---|---|\n", out);
		any = true;
		fprintf(out, "| `%s` | ", types.v[t]);
		items_print(out, &it, "<br>");
		fputs(" |\n", out);
		items_free(&it);
	}
	if (!any)
		fputs("None found: no test of an unlisted program type was accepted on the kernels available.\n", out);
	if (never.cnt) {
		fputs(any ? "\nNot listed, and not accepted on any kernel available: " :
		      "\nNot listed and never accepted here: ", out);
		for (size_t i = 0; i < never.cnt; i++)
			fprintf(out, "%s`%s`", i ? ", " : "", never.v[i]);
		fputs(".\n", out);
	}
	fputc('\n', out);
	free(types.v);
	free(never.v);
}

/* libbpf's section for a sleepable load of sec, or NULL if it has none. */
static char *sleepable_sec(const char *sec)
{
	static const char *const prefixes[] = {
		"fentry", "fexit", "fmod_ret", "lsm", "iter", "uprobe",
		"uretprobe", "uprobe.multi", "uretprobe.multi",
	};
	size_t n = strcspn(sec, "/");

	if (!strcmp(sec, "syscall"))
		return xstrdup(sec);	/* libbpf loads it sleepable */
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (strlen(prefixes[i]) == n && !strncmp(sec, prefixes[i], n))
			return xasprintf("%.*s.s%s", (int)n, sec, sec + n);
	return NULL;
}

/* The result of the test (case, flag) on a kernel, or NULL. */
static const struct audit_result *find_test(const struct audit_kernel *k,
					    const char *name, bool sl)
{
	for (size_t i = 0; i < k->cnt; i++)
		if (k->results[i].sleepable == sl && !strcmp(k->results[i].name, name))
			return &k->results[i];
	return NULL;
}

/* How many kernels accepted the test (case, flag); only plain, or any. */
static size_t accepted_on(const struct audit *a, const char *name, bool sl,
			  bool only_plain)
{
	size_t n = 0;

	for (size_t i = 0; i < a->kv_cnt; i++) {
		const struct audit_result *r = find_test(a->kv[i].k, name, sl);

		if (r && r->observed == AUDIT_ACCEPT &&
		    (!only_plain || plain(a->kv[i].k, r)))
			n++;
	}
	return n;
}

/*
 * The example is a fixed template filled in from the evidence, so that it
 * is the shape of a case that kernels really accepted: the arena and the
 * call are those of progs/conform.h's ARENA_CASE() (its FREE_ONE_PAGE(),
 * which the runner reports as "call": "free_one_page"; keep the template in
 * step with it), the declaration is the kfunc's prototype in vmlinux BTF as
 * the runner recorded it, and the section, program type and license are
 * those of the plain test accepted on most kernels.
 */
static const char example_map[] =
	"struct {\n"
	"\t__uint(type, BPF_MAP_TYPE_ARENA);\n"
	"\t__uint(map_flags, BPF_F_MMAPABLE);\n"
	"\t__uint(max_entries, 16);\n"
	"} arena SEC(\".maps\");\n";

/* FREE_ONE_PAGE() of the kfunc fn. */
#define EXAMPLE_CALL	"%s(&arena, NULL, 1);"

/* A C string literal's contents. */
static void c_string(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void write_example(FILE *out, const struct audit *a)
{
	const struct audit_result *best = NULL;
	const struct kview *proto_kv = NULL;
	struct items it = { 0 };
	struct typeset unknown = { 0 };
	size_t best_n = 0;
	struct sig proto;
	char *sec;

	fputs("## Example\n\n", out);
	if (a->page->has_example)
		fputs("The page has an example already; this one is verified by the suite.\n\n", out);
	else
		fputs("The page has no example. This one is the shape of a case of the suite, verified on real kernels.\n\n", out);
	/* The plain test accepted on most kernels; a SYSCALL one on a tie. */
	for (size_t i = 0; i < a->kv_cnt; i++)
		for (size_t j = 0; j < a->kv[i].k->cnt; j++) {
			const struct audit_result *r = &a->kv[i].k->results[j];
			bool sys = !strcmp(r->prog_type, PREFIX "SYSCALL");
			size_t n;
			char *s;

			if (!plain(a->kv[i].k, r) || r->observed != AUDIT_ACCEPT)
				continue;
			s = r->sleepable ? sleepable_sec(r->attach) : xstrdup(r->attach);
			n = accepted_on(a, r->name, r->sleepable, true);
			if (s && s[0] && strncmp(s, "struct_ops", 10) &&
			    (n > best_n || (n == best_n && sys &&
					    strcmp(best->prog_type, PREFIX "SYSCALL")))) {
				best = r;
				best_n = n;
			}
			free(s);
		}
	if (!best) {
		fputs("No plain case was accepted on any kernel available, so there is no verified example to offer.\n", out);
		return;
	}
	/* Its declaration: the prototype of the newest kernel that accepted it. */
	for (size_t i = a->kv_cnt; i-- > 0 && !proto_kv;) {
		const struct audit_result *r = find_test(a->kv[i].k, best->name, best->sleepable);

		if (r && r->observed == AUDIT_ACCEPT && plain(a->kv[i].k, r) &&
		    a->kv[i].k->prototype)
			proto_kv = &a->kv[i];
	}
	if (!proto_kv) {
		fprintf(out, "No example can be rendered: no kernel that accepted `%s%s` recorded the kfunc's prototype in its evidence.\n",
			best->name, best->sleepable ? ".s" : "");
		return;
	}
	sig_parse(proto_kv->k->prototype, &proto);
	if (strcmp(proto.name, a->page->name)) {
		fprintf(out, "No example can be rendered: the suite calls `%s`, not this page's kfunc.\n",
			proto.name);
		sig_free(&proto);
		return;
	}
	sec = best->sleepable ? sleepable_sec(best->attach) : xstrdup(best->attach);
	fprintf(out, "A `%s` program that frees one page of an arena%s:\n\n", best->prog_type,
		best->sleepable ? " (libbpf loads this section with `BPF_F_SLEEPABLE`)" : "");
	fputs("```c\n#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n\n", out);
	fprintf(out, "extern %s __ksym;\n\n%s\nSEC(\"", proto_kv->k->prototype, example_map);
	c_string(out, sec);
	fputs("\")\nint free_arena_page(void *ctx)\n{\n\t", out);
	fprintf(out, EXAMPLE_CALL, proto.name);
	fputs("\n\treturn 0;\n}\n\nchar LICENSE[] SEC(\"license\") = \"", out);
	c_string(out, best->license);
	fputs("\";\n```\n\n", out);
	fprintf(out, "The declaration is the kfunc's prototype in the vmlinux BTF of %s. Verified by the suite as `%s%s` (progs/, loaded with `BPF_PROG_LOAD`%s): ",
		proto_kv->label, best->name, best->sleepable ? ".s" : "",
		best->sleepable ? " and `BPF_F_SLEEPABLE`" : "");
	for (size_t i = 0; i < a->kv_cnt; i++) {
		const struct audit_result *r = find_test(a->kv[i].k, best->name, best->sleepable);

		if (!r)
			continue;
		if (!a->kv[i].k->plain_known) {
			typeset_add(&unknown, a->kv[i].label);
			continue;
		}
		if (!plain(a->kv[i].k, r))
			continue;	/* another shape there: not this example */
		items_add(&it, r->observed == AUDIT_ACCEPT ? K_ACCEPTED : K_NOT_ACCEPTED,
			  &a->kv[i], r->observed == AUDIT_ACCEPT ? xstrdup("") : cite_str(r));
	}
	items_print(out, &it, "; ");
	fputc('.', out);
	if (unknown.cnt) {
		fputs(" Not counted: ", out);
		for (size_t i = 0; i < unknown.cnt; i++)
			fprintf(out, "%s%s", i ? ", " : "", unknown.v[i]);
		fputs(", whose evidence does not say how the case calls the kfunc.", out);
	}
	fputs("\n\nThe kernel refuses the program while the arena has no user address (`arena's user address must be set via map_extra or mmap()`): libbpf 1.4 and later mmap() the arena when loading; with an older libbpf, set one with `bpf_map__set_map_extra()` first. The suite's runner has libbpf create and mmap() the arena.\n", out);
	items_free(&it);
	free(unknown.v);
	free(sec);
	sig_free(&proto);
}

/*
 * Cite the kfunc's presence with the same test on every kernel where it can:
 * the plain case accepted on most kernels.
 */
static void prefer_common_cite(struct audit *a)
{
	const struct audit_result *best = NULL;
	size_t best_n = 0;

	for (size_t i = 0; i < a->kv_cnt; i++)
		for (size_t j = 0; j < a->kv[i].k->cnt; j++) {
			const struct audit_result *r = &a->kv[i].k->results[j];
			size_t n;

			if (r->observed != AUDIT_ACCEPT || !plain(a->kv[i].k, r))
				continue;
			n = accepted_on(a, r->name, r->sleepable, false);
			if (n > best_n) {
				best = r;
				best_n = n;
			}
		}
	for (size_t i = 0; best && i < a->kv_cnt; i++) {
		const struct audit_result *r = find_test(a->kv[i].k, best->name, best->sleepable);

		if (r && r->observed == AUDIT_ACCEPT)
			a->kv[i].kf_cite = r;
	}
}

static int kview_cmp(const void *x, const void *y)
{
	const struct kview *a = x, *b = y;

	if (a->k->version != b->k->version)
		return a->k->version < b->k->version ? -1 : 1;
	return a->k < b->k ? -1 : a->k > b->k;
}

int audit_write(FILE *out, const struct docs_page *page,
		const struct audit_kernel *kernels, size_t cnt, char *err,
		size_t errlen)
{
	struct audit a = { .page = page };

	a.kv = xcalloc(cnt, sizeof(*a.kv));
	for (size_t i = 0; i < cnt; i++)
		if (kernels[i].has_result)
			kview_init(&a.kv[a.kv_cnt++], &kernels[i]);
	qsort(a.kv, a.kv_cnt, sizeof(*a.kv), kview_cmp);
	prefer_common_cite(&a);
	/* Label kernels by version; by version and source if two share one. */
	for (size_t i = 0; i < a.kv_cnt; i++) {
		bool dup = false;

		for (size_t j = 0; j < a.kv_cnt; j++)
			dup |= j != i && !strcmp(a.kv[i].k->version_str,
						  a.kv[j].k->version_str);
		snprintf(a.kv[i].label, sizeof(a.kv[i].label), dup ? "%s (%s)" : "%s",
			 a.kv[i].k->version_str, a.kv[i].k->source);
	}

	claim_version(&a);
	claim_signature(&a);
	claim_sleepable(&a);
	for (size_t i = 0; i < page->prog_type_cnt; i++)
		claim_type(&a, &page->prog_types[i]);

	fprintf(out, "# Audit of the docs page of the kfunc `%s`\n\n", page->name);
	fputs("Each claim of the page, checked against the suite's verdicts: real `BPF_PROG_LOAD`s on the kernels below. **confirmed** and **contradicted** cite the kernel and test; **untestable here** says why.\n\n", out);
	write_evidence(out, &a, kernels, cnt);
	write_claims(out, &a);
	write_unlisted(out, &a);
	write_example(out, &a);

	for (size_t i = 0; i < a.row_cnt; i++) {
		free(a.rows[i].claim);
		free(a.rows[i].evidence);
	}
	free(a.rows);
	free(a.kv);
	if (fflush(out) || ferror(out))
		return set_err(err, errlen, "writing the report: %s", strerror(errno));
	return 0;
}
