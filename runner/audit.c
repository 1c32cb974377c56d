// SPDX-License-Identifier: GPL-2.0
/*
 * The docs page audit: the suite's own sources (which cases call the kfunc
 * plainly, the example), the claims and the Markdown report. The evidence
 * is read by audit_evidence.c. See audit.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "util.h"
#include "version.h"

#define SOURCE_MAX	(4u << 20)
#define PREFIX		"BPF_PROG_TYPE_"

/* ------------------------------------------------------------------ */
/* The suite's sources: progs/ *.bpf.c and progs/conform.h             */
/* ------------------------------------------------------------------ */

/* A case of an ARENA_CASE() line: it calls the kfunc the plain way. */
struct src_case {
	char *name;
	char *sec;
	char *prog_type;
	bool gpl;		/* its object's license is GPL-compatible */
};

struct sources {
	struct src_case *cases;
	size_t cnt;
	char **files;		/* the *.bpf.c files read */
	size_t file_cnt;
	/* For the example; problem says why one cannot be rendered. */
	char *decl;		/* the kfunc's extern declaration, one line */
	char *defs;		/* definitions the declaration needs */
	char *map;		/* the arena map's definition */
	char *call;		/* the statement ARENA_CASE() runs */
	char *problem;
};

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Blank out comments (keeping newlines), leaving string literals alone. */
static void strip_comments(char *t)
{
	for (char *p = t; *p; p++) {
		if (*p == '"' || *p == '\'') {
			char q = *p;

			for (p++; *p && *p != q && *p != '\n'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
		} else if (p[0] == '/' && p[1] == '*') {
			for (; *p && !(p[0] == '*' && p[1] == '/'); p++)
				if (*p != '\n')
					*p = ' ';
			if (!*p)
				break;
			p[0] = p[1] = ' ';
			p++;
		} else if (p[0] == '/' && p[1] == '/') {
			for (; *p && *p != '\n'; p++)
				*p = ' ';
			if (!*p)
				break;
		}
	}
}

/* End of the logical line at p: the newline not escaped by '\\', or NUL. */
static char *logical_end(char *p)
{
	char prev = '\0';

	for (; *p; prev = *p, p++)
		if (*p == '\n' && prev != '\\')
			break;
	return p;
}

/* Blank out preprocessor directives (keeping newlines). */
static void strip_directives(char *t)
{
	char *p = t;

	while (*p) {
		char *q = p, *end;

		while (*q == ' ' || *q == '\t')
			q++;
		end = logical_end(q);
		if (*q == '#')
			for (char *r = p; r < end; r++)
				if (*r != '\n')
					*r = ' ';
		p = *end ? end + 1 : end;
	}
}

/* Trimmed copy of [s, e). */
static char *dup_trim(const char *s, const char *e)
{
	char *out;

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	out = xmalloc((size_t)(e - s) + 1);
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return out;
}

static void free_args(char **args, int n, int max)
{
	for (int i = 0; i < n && i < max; i++)
		free(args[i]);
}

/*
 * The arguments of a macro call; p is at '('. Returns their number (up to
 * max are stored, trimmed) and sets *end past ')'; -1 (nothing stored) if
 * unbalanced.
 */
static int call_args(const char *p, const char **end, char **args, int max)
{
	const char *start = p + 1;
	int depth = 0, n = 0;

	for (; *p; p++) {
		if (*p == '"' || *p == '\'') {
			char q = *p;

			for (p++; *p && *p != q; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' || (*p == ',' && depth == 1)) {
			if (*p == ')' && --depth > 0)
				continue;
			if (n < max)
				args[n] = dup_trim(start, p);
			n++;
			start = p + 1;
			if (*p == ')') {
				*end = p + 1;
				return n;
			}
		}
	}
	free_args(args, n, max);
	return -1;
}

/* The contents of a string literal "...", or NULL. */
static char *unquote(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || s[0] != '"' || s[n - 1] != '"' || memchr(s + 1, '"', n - 2))
		return NULL;
	return dup_trim(s + 1, s + n - 1);
}

/* Next occurrence of identifier id at or after p, or NULL. */
static const char *find_ident(const char *t, const char *p, const char *id)
{
	size_t n = strlen(id);

	while ((p = strstr(p, id))) {
		if ((p == t || !ident_char(p[-1])) && !ident_char(p[n]))
			return p;
		p += n;
	}
	return NULL;
}

static const char *skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* As the kernel's license_is_gpl_compatible(). */
static bool license_gpl(const char *t)
{
	static const char *const gpl[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
		"Dual MIT/GPL", "Dual MPL/GPL",
	};
	const char *p = strstr(t, "SEC(\"license\")");
	const char *q;
	char *lic;
	bool ok = false;

	if (!p)
		return false;
	p = skip_ws(p + strlen("SEC(\"license\")"));
	if (*p != '=')
		return false;
	p = skip_ws(p + 1);
	if (*p != '"' || !(q = strchr(p + 1, '"')))
		return false;
	lic = dup_trim(p + 1, q);
	for (size_t i = 0; i < sizeof(gpl) / sizeof(*gpl); i++)
		ok |= !strcmp(lic, gpl[i]);
	free(lic);
	return ok;
}

/* Every ARENA_CASE(name, "sec", ptype, atype, "target") of one source. */
static void scan_cases(struct sources *s, char *t)
{
	const char *p = t;
	bool gpl;

	strip_comments(t);
	gpl = license_gpl(t);
	strip_directives(t);
	while ((p = find_ident(t, p, "ARENA_CASE"))) {
		const char *q = skip_ws(p + strlen("ARENA_CASE")), *end;
		char *args[5];
		char *sec;
		int n;

		p += strlen("ARENA_CASE");
		if (*q != '(')
			continue;
		n = call_args(q, &end, args, 5);
		if (n < 0)
			break;
		p = end;
		sec = n == 5 ? unquote(args[1]) : NULL;
		if (sec) {
			s->cases = xrealloc(s->cases, (s->cnt + 1) * sizeof(*s->cases));
			s->cases[s->cnt++] = (struct src_case){
				xstrdup(args[0]), sec, xstrdup(args[2]), gpl,
			};
		}
		free_args(args, n, 5);
	}
}

static char *collapse(const char *s, const char *e);

/* A #define of conform.h. */
struct define {
	char *name;
	bool function;		/* NAME(...) */
	char *body;
	const char *start;	/* the directive, in the comment-free text */
	const char *end;
	const char *cond;	/* the #if ... #endif around it, or NULL */
	const char *cond_end;
};

struct header {
	char *text;		/* comments blanked */
	struct define *defs;
	size_t cnt;
};

#define COND_DEPTH 16

/*
 * Read the directives of a header: every #define, and the innermost
 * #if/#ifdef/#ifndef ... #endif around it (the include guard aside).
 */
static void scan_defines(struct header *h)
{
	const char *stack[COND_DEPTH], *guard = NULL, *d;
	size_t first[COND_DEPTH];	/* the first define inside each level */
	int depth = 0, directives = 0;
	char *p = h->text;

	while (*p) {
		char *q = p, *end = logical_end(p);

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '#') {
			p = *end ? end + 1 : end;
			continue;
		}
		/* Blanks only: a directive ends at its line's end. */
		d = q + 1;
		while (*d == ' ' || *d == '\t')
			d++;
		directives++;
		if (!strncmp(d, "if", 2)) {
			if (directives == 1 && !strncmp(d, "ifndef", 6))
				guard = q;
			if (depth < COND_DEPTH) {
				stack[depth] = q;
				first[depth] = h->cnt;
			}
			depth++;
		} else if (!strncmp(d, "endif", 5) && depth > 0) {
			depth--;
			/* Close the conditional of the defines inside it. */
			for (size_t i = depth < COND_DEPTH ? first[depth] : h->cnt;
			     i < h->cnt; i++)
				if (h->defs[i].cond == stack[depth] && !h->defs[i].cond_end)
					h->defs[i].cond_end = end;
		} else if (!strncmp(d, "define", 6) && (d[6] == ' ' || d[6] == '\t')) {
			const char *n = d + 6, *ne, *rp;
			struct define *df;

			while (*n == ' ' || *n == '\t')
				n++;
			ne = n;
			while (ident_char(*ne))
				ne++;
			if (ne == n) {
				p = *end ? end + 1 : end;
				continue;
			}
			h->defs = xrealloc(h->defs, (h->cnt + 1) * sizeof(*h->defs));
			df = &h->defs[h->cnt++];
			memset(df, 0, sizeof(*df));
			df->name = dup_trim(n, ne);
			df->function = *ne == '(';
			if (df->function) {
				rp = strchr(ne, ')');
				ne = rp && rp < end ? rp + 1 : end;
			}
			df->body = collapse(ne, end);
			df->start = q;
			df->end = end;
			if (depth > 0 && depth <= COND_DEPTH &&
			    stack[depth - 1] != guard)
				df->cond = stack[depth - 1];
		}
		p = *end ? end + 1 : end;
	}
}

static const struct define *find_define(const struct header *h,
					const char *name)
{
	for (size_t i = 0; i < h->cnt; i++)
		if (!strcmp(h->defs[i].name, name))
			return &h->defs[i];
	return NULL;
}

/* Collapse runs of white space (and backslash-newlines) into one space. */
static char *collapse(const char *s, const char *e)
{
	char *out = xmalloc((size_t)(e - s) + 1), *o = out;
	bool space = false;

	for (; s < e; s++) {
		if (isspace((unsigned char)*s) || *s == '\\') {
			space = o != out;
			continue;
		}
		if (space && !(o[-1] == '(' || *s == ')' || *s == ','))
			*o++ = ' ';
		space = false;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Lines of [s, e) with trailing blanks removed. */
static char *trim_lines(const char *s, const char *e)
{
	char *out = xmalloc((size_t)(e - s) + 2), *o = out;

	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		const char *le = nl ? nl : e;
		const char *te = le;

		while (te > s && isspace((unsigned char)te[-1]))
			te--;
		memcpy(o, s, (size_t)(te - s));
		o += te - s;
		*o++ = '\n';
		s = nl ? nl + 1 : e;
	}
	while (o > out && o[-1] == '\n')
		o--;
	*o = '\0';
	return out;
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/*
 * Replace each object-like numeric macro of h in text by its value, and
 * add every other macro it uses to defs (as its definition, with the
 * conditional around it).
 */
static char *expand(const struct header *h, const char *text, char **defs)
{
	char *out = xstrdup(text);

	for (size_t i = 0; i < h->cnt; i++) {
		const struct define *d = &h->defs[i];
		const char *at = find_ident(out, out, d->name);
		char *blk;

		if (!at || d->function)
			continue;
		if (is_number(d->body)) {
			while ((at = find_ident(out, out, d->name))) {
				char *n = xasprintf("%.*s%s%s", (int)(at - out), out,
						    d->body, at + strlen(d->name));

				free(out);
				out = n;
			}
			continue;
		}
		blk = d->cond && d->cond_end ? trim_lines(d->cond, d->cond_end)
					     : trim_lines(d->start, d->end);
		if (!strstr(*defs, blk)) {
			char *n = xasprintf("%s%s%s", *defs, **defs ? "\n" : "", blk);

			free(*defs);
			*defs = n;
		}
		free(blk);
	}
	return out;
}

/* The extern declaration of kfunc in text (directives blanked), or NULL. */
static char *find_decl(const char *t, const char *kfunc)
{
	const char *p = t;

	while ((p = find_ident(t, p, "extern"))) {
		const char *semi = strchr(p, ';');
		const char *k;

		if (!semi)
			return NULL;
		k = find_ident(t, p, kfunc);
		if (k && k < semi && *skip_ws(k + strlen(kfunc)) == '(')
			return collapse(p, semi + 1);
		p = semi;
	}
	return NULL;
}

/* "struct { ... BPF_MAP_TYPE_ARENA ... } NAME SEC(".maps");" */
static char *find_arena_map(const char *t)
{
	const char *p = t;

	while ((p = find_ident(t, p, "struct"))) {
		const char *b = skip_ws(p + 6), *q, *semi;
		int depth = 0;

		if (*b != '{') {
			p += 6;
			continue;
		}
		for (q = b; *q; q++) {
			if (*q == '{')
				depth++;
			else if (*q == '}' && --depth == 0)
				break;
		}
		if (!*q)
			return NULL;
		semi = strchr(q, ';');
		if (semi && strstr(q, "SEC(\".maps\")") &&
		    strstr(q, "SEC(\".maps\")") < semi) {
			const char *arena = strstr(b, "BPF_MAP_TYPE_ARENA");

			if (arena && arena < q)
				return trim_lines(p, semi + 1);
		}
		p = q;
	}
	return NULL;
}

/* What ARENA_CASE() runs: the last argument it gives ARENA_CASE_BODY(). */
static char *default_call(const struct header *h)
{
	const struct define *d = find_define(h, "ARENA_CASE");
	const char *p, *end;
	char *args[8], *call, *e;
	int n;

	if (!d || !(p = find_ident(d->body, d->body, "ARENA_CASE_BODY")))
		return NULL;
	p = skip_ws(p + strlen("ARENA_CASE_BODY"));
	if (*p != '(' || (n = call_args(p, &end, args, 8)) < 1)
		return NULL;
	if (n > 8) {
		free_args(args, n, 8);
		return NULL;
	}
	call = xstrdup(args[n - 1]);
	free_args(args, n, 8);
	/* NAME() of a macro without parameters: its body. */
	e = call + strlen(call);
	if (e - call > 2 && !strcmp(e - 2, "()")) {
		const struct define *m;

		e[-2] = '\0';
		m = find_define(h, call);
		e[-2] = '(';
		if (m && m->function) {
			free(call);
			call = xstrdup(m->body);
		}
	}
	return call;
}

static void scan_header(struct sources *s, const char *path, const char *kfunc)
{
	struct header h = { 0 };
	char *text, err[256], *blank, *decl = NULL, *map = NULL;
	size_t len;

	if (audit_read_file(path, SOURCE_MAX, &text, &len, err, sizeof(err))) {
		s->problem = xstrdup(err);
		return;
	}
	strip_comments(text);
	h.text = text;
	scan_defines(&h);
	blank = xstrdup(text);
	strip_directives(blank);
	decl = find_decl(blank, kfunc);
	map = find_arena_map(blank);
	s->call = default_call(&h);
	s->defs = xstrdup("");
	if (!decl)
		s->problem = xasprintf("%s declares no extern %s()", path, kfunc);
	else if (!map)
		s->problem = xasprintf("%s defines no arena map", path);
	else if (!s->call)
		s->problem = xasprintf("%s: no ARENA_CASE() calling ARENA_CASE_BODY()", path);
	if (decl)
		s->decl = expand(&h, decl, &s->defs);
	if (map)
		s->map = expand(&h, map, &s->defs);
	free(decl);
	free(map);
	free(blank);
	for (size_t i = 0; i < h.cnt; i++) {
		free(h.defs[i].name);
		free(h.defs[i].body);
	}
	free(h.defs);
	free(text);
}

static int source_filter(const struct dirent *d)
{
	return !fnmatch("*.bpf.c", d->d_name, 0);
}

static void sources_free(struct sources *s)
{
	for (size_t i = 0; i < s->cnt; i++) {
		free(s->cases[i].name);
		free(s->cases[i].sec);
		free(s->cases[i].prog_type);
	}
	free(s->cases);
	for (size_t i = 0; i < s->file_cnt; i++)
		free(s->files[i]);
	free(s->files);
	free(s->decl);
	free(s->defs);
	free(s->map);
	free(s->call);
	free(s->problem);
	memset(s, 0, sizeof(*s));
}

static int sources_read(struct sources *s, const char *dir, const char *kfunc,
			char *err, size_t errlen)
{
	struct dirent **names;
	char *path;
	int n;

	memset(s, 0, sizeof(*s));
	n = scandir(dir, &names, source_filter, alphasort);
	if (n < 0)
		return set_err(err, errlen, "%s: %s", dir, strerror(errno));
	if (n == 0) {
		free(names);
		return set_err(err, errlen, "%s: no *.bpf.c sources", dir);
	}
	for (int i = 0; i < n; i++) {
		char *text;
		size_t len;

		path = xasprintf("%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (audit_read_file(path, SOURCE_MAX, &text, &len, err, errlen)) {
			free(path);
			for (int j = i + 1; j < n; j++)
				free(names[j]);
			free(names);
			sources_free(s);
			return -1;
		}
		scan_cases(s, text);
		free(text);
		s->files = xrealloc(s->files, (s->file_cnt + 1) * sizeof(char *));
		s->files[s->file_cnt++] = path;
	}
	free(names);
	path = xasprintf("%s/conform.h", dir);
	scan_header(s, path, kfunc);
	free(path);
	return 0;
}

static const struct src_case *plain_case(const struct sources *s,
					 const char *name)
{
	for (size_t i = 0; i < s->cnt; i++)
		if (s->cases[i].gpl && !strcmp(s->cases[i].name, name))
			return &s->cases[i];
	return NULL;
}

/* Does this result speak for its program type? */
static bool plain(const struct sources *s, const struct audit_result *r)
{
	return plain_case(s, r->name) != NULL;
}

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
static void kview_init(struct kview *v, const struct audit_kernel *k,
		       const struct sources *src)
{
	const struct audit_result *acc = NULL, *rej = NULL, *abs = NULL;

	v->k = k;
	for (size_t i = 0; i < k->cnt; i++) {
		const struct audit_result *r = &k->results[i];

		if (r->observed == AUDIT_ACCEPT &&
		    (!acc || (!plain(src, acc) && plain(src, r))))
			acc = r;
		else if ((r->observed == AUDIT_REJECT || r->observed == AUDIT_ERROR) &&
			 !rej)
			rej = r;	/* it reached the verifier */
		else if (r->observed == AUDIT_ABSENT &&
			 (!abs || (!plain(src, abs) && plain(src, r))))
			abs = r;
	}
	v->kf = acc || rej ? KF_PRESENT : abs ? KF_ABSENT : KF_UNKNOWN;
	v->kf_cite = acc ? acc : rej ? rej : abs;
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

enum verdict {
	V_CONFIRMED,
	V_CONTRADICTED,
	V_UNTESTABLE,
};

static const char *const verdict_md[] = {
	[V_CONFIRMED] = "**confirmed**",
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
	const struct sources *src;
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
	else if (below && above)
		v = V_CONFIRMED;
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
		fprintf(f, "<br>The newest kernel without it is %s, the oldest with it %s; kernels in between were not tested.",
			below->label, above->label);
	items_free(&it);
	f = cell_open(&claim);
	fputs("The kfunc exists from ", f);
	md_tag(f, t);
	fprintf(f, " (page line %d)", t->line);
	add_row(a, cell_close(&claim), v, cell_close(&ev));
}

static void claim_signature(struct audit *a)
{
	struct cell claim, ev;
	FILE *f;

	if (!a->page->signature_line)
		return;
	f = cell_open(&claim);
	fputs("Signature ", f);
	md_code(f, a->page->signature);
	fprintf(f, " (page line %d)", a->page->signature_line);
	cell_close(&claim);
	f = cell_open(&ev);
	fputs("The runner records verdicts, not the kernel's BTF prototype of the kfunc", f);
	if (a->src->decl) {
		fputs("; the suite's programs declare it as ", f);
		md_code(f, a->src->decl);
		fputs(" (progs/conform.h)", f);
	}
	fputc('.', f);
	add_row(a, claim.buf, V_UNTESTABLE, cell_close(&ev));
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
	for (size_t i = 0; i < k->cnt; i++) {
		const struct audit_result *r = &k->results[i];

		if (!plain(a->src, r) || !loaded(r))
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

		if (!plain(a->src, r) || r->sleepable || r->observed == AUDIT_SKIP ||
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

static enum verdict overall(const struct items *it)
{
	if (items_have(it, K_CONTRA))
		return V_CONTRADICTED;
	if (items_have(it, K_CONFIRM))
		return V_CONFIRMED;
	return V_UNTESTABLE;
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
	enum { TS_NOCASE, TS_UNTESTED, TS_LOADED, TS_REJECTED, TS_ABSENT } st;
	const struct audit_result *acc, *rej_plain, *rej_sleep, *skip, *absent;
	size_t tests, rejected;
};

static void type_state(const struct audit *a, const struct audit_kernel *k,
		       const char *type, struct tstate *ts)
{
	size_t absent = 0;

	memset(ts, 0, sizeof(*ts));
	for (size_t i = 0; i < k->cnt; i++) {
		const struct audit_result *r = &k->results[i];

		if (strcmp(r->prog_type, type) || !plain(a->src, r))
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
	bool between = false, no_case = true;
	struct items it = { 0 };
	struct cell claim, ev;
	enum verdict v;
	FILE *f;

	for (size_t i = 0; i < a->kv_cnt; i++) {
		const struct kview *kv = &a->kv[i];
		bool before = kv->k->version < from;
		struct tstate ts;
		char *text;

		type_state(a, kv->k, e->name, &ts);
		no_case &= ts.st == TS_NOCASE;
		if (e->tag.present && kt->present && kv->kf != KF_UNKNOWN &&
		    kv->k->version >= (kt->kver < from ? kt->kver : from) &&
		    kv->k->version < (kt->kver < from ? from : kt->kver))
			between = true;
		switch (ts.st) {
		case TS_NOCASE:
			items_add(&it, K_UNTESTED, kv, xstrdup("no test of this type"));
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
	f = cell_open(&ev);
	if (!a->kv_cnt)
		fputs("no kernel with results", f);
	else if (no_case)
		fputs("The suite has no case of this program type.", f);
	else if (v == V_UNTESTABLE)
		fputs(t->present ? "No kernel tested the type at or after its tag.<br>" :
		      "No kernel tested the type.<br>", f);
	if (!no_case)
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
	struct typeset other = { 0 };

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
	for (size_t i = 0; i < a->kv_cnt; i++)
		for (size_t j = 0; j < a->kv[i].k->cnt; j++)
			if (!plain(a->src, &a->kv[i].k->results[j]))
				typeset_add(&other, a->kv[i].k->results[j].name);
	fprintf(out, "\nA program type's claims rest only on the %zu cases that call the kfunc the plain way (an `ARENA_CASE()` line in a GPL-licensed source in progs/), each loaded without and with `BPF_F_SLEEPABLE`.",
		a->src->cnt);
	if (other.cnt) {
		fprintf(out, " The other %zu cases test arguments, preconditions, the license or what a free does at run time, and are not used: ",
			other.cnt);
		for (size_t i = 0; i < other.cnt; i++)
			fprintf(out, "%s`%s`", i ? ", " : "", other.v[i]);
		fputc('.', out);
	}
	fputs("\n\n", out);
	free(other.v);
}

static void write_claims(FILE *out, const struct audit *a)
{
	size_t n[V_UNTESTABLE + 1] = { 0 };

	for (size_t i = 0; i < a->row_cnt; i++)
		n[a->rows[i].verdict]++;
	fprintf(out, "## Claims\n\n%zu claims: %zu confirmed, %zu contradicted, %zu untestable here.\n\n",
		a->row_cnt, n[V_CONFIRMED], n[V_CONTRADICTED], n[V_UNTESTABLE]);
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

			if (plain(a->src, r) && !docs_find_prog_type(a->page, r->prog_type))
				typeset_add(&types, r->prog_type);
		}
	fputs("## Program types that can call the kfunc but are not listed\n\n", out);
	for (size_t t = 0; t < types.cnt; t++) {
		struct items it = { 0 };

		for (size_t i = 0; i < a->kv_cnt; i++) {
			struct tstate ts;

			type_state(a, a->kv[i].k, types.v[t], &ts);
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

/* How many kernels accepted the test (case, flag). */
static size_t accepted_on(const struct audit *a, const char *name, bool sl)
{
	size_t n = 0;

	for (size_t i = 0; i < a->kv_cnt; i++)
		for (size_t j = 0; j < a->kv[i].k->cnt; j++) {
			const struct audit_result *r = &a->kv[i].k->results[j];

			if (r->sleepable == sl && !strcmp(r->name, name) &&
			    r->observed == AUDIT_ACCEPT)
				n++;
		}
	return n;
}

static void write_example(FILE *out, const struct audit *a)
{
	const struct src_case *best = NULL;
	bool best_sl = false;
	size_t best_n = 0;
	char *sec;

	fputs("## Example\n\n", out);
	if (a->page->has_example)
		fputs("The page has an example already; this one is verified by the suite.\n\n", out);
	else
		fputs("The page has no example. This one is a case of the suite, verified on real kernels.\n\n", out);
	if (a->src->problem || !a->src->decl || !a->src->map || !a->src->call) {
		fputs("No example can be rendered: ", out);
		md_text(out, a->src->problem ? a->src->problem : "progs/conform.h is incomplete");
		fputs(".\n", out);
		return;
	}
	/* The test accepted on most kernels; a SYSCALL one on a tie. */
	for (size_t i = 0; i < a->src->cnt; i++) {
		const struct src_case *c = &a->src->cases[i];

		for (int sl = 0; sl < 2 && c->gpl; sl++) {
			size_t n = accepted_on(a, c->name, sl);
			char *s = sl ? sleepable_sec(c->sec) : xstrdup(c->sec);
			bool sys = !strcmp(c->prog_type, PREFIX "SYSCALL");

			if (s && strncmp(s, "struct_ops", 10) && n &&
			    (n > best_n || (n == best_n && sys &&
					    strcmp(best->prog_type, PREFIX "SYSCALL")))) {
				best = c;
				best_sl = sl;
				best_n = n;
			}
			free(s);
		}
	}
	if (!best) {
		fputs("No case was accepted on any kernel available, so there is no verified example to offer.\n", out);
		return;
	}
	sec = best_sl ? sleepable_sec(best->sec) : xstrdup(best->sec);
	fprintf(out, "A `%s` program that frees one page of an arena%s:\n\n", best->prog_type,
		best_sl ? " (libbpf loads this section with `BPF_F_SLEEPABLE`)" : "");
	fputs("```c\n#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n\n", out);
	if (a->src->defs[0])
		fprintf(out, "%s\n\n", a->src->defs);
	fprintf(out, "%s\n\n%s\n\n", a->src->decl, a->src->map);
	fprintf(out, "SEC(\"%s\")\nint free_arena_page(void *ctx)\n{\n\t%s;\n\treturn 0;\n}\n\n",
		sec, a->src->call);
	fputs("char LICENSE[] SEC(\"license\") = \"GPL\";\n```\n\n", out);
	fprintf(out, "Verified by the suite as `%s%s` (progs/, loaded with `BPF_PROG_LOAD`%s): ",
		best->name, best_sl ? ".s" : "", best_sl ? " and `BPF_F_SLEEPABLE`" : "");
	{
		struct items it = { 0 };

		for (size_t i = 0; i < a->kv_cnt; i++)
			for (size_t j = 0; j < a->kv[i].k->cnt; j++) {
				const struct audit_result *r = &a->kv[i].k->results[j];

				if (r->sleepable != best_sl || strcmp(r->name, best->name))
					continue;
				items_add(&it, r->observed == AUDIT_ACCEPT ? K_ACCEPTED :
					  K_NOT_ACCEPTED, &a->kv[i], r->observed == AUDIT_ACCEPT ?
					  xstrdup("") : cite_str(r));
			}
		items_print(out, &it, "; ");
		items_free(&it);
	}
	fputs(".\n\nThe kernel refuses the program while the arena has no user address (`arena's user address must be set via map_extra or mmap()`): libbpf 1.4 and later mmap() the arena when loading; with an older libbpf, set one with `bpf_map__set_map_extra()` first. The suite's runner creates and mmap()s the arena itself.\n", out);
	free(sec);
}

/* How many kernels accepted the test (case, flag). */
static size_t accepted_on(const struct audit *a, const char *name, bool sl);

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

			if (r->observed != AUDIT_ACCEPT || !plain(a->src, r))
				continue;
			n = accepted_on(a, r->name, r->sleepable);
			if (n > best_n) {
				best = r;
				best_n = n;
			}
		}
	for (size_t i = 0; best && i < a->kv_cnt; i++)
		for (size_t j = 0; j < a->kv[i].k->cnt; j++) {
			const struct audit_result *r = &a->kv[i].k->results[j];

			if (r->observed == AUDIT_ACCEPT && r->sleepable == best->sleepable &&
			    !strcmp(r->name, best->name))
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
		const struct audit_kernel *kernels, size_t cnt,
		const char *progs_dir, char *err, size_t errlen)
{
	struct sources src;
	struct audit a = { .page = page, .src = &src };

	if (sources_read(&src, progs_dir, page->name, err, errlen))
		return -1;
	a.kv = xcalloc(cnt, sizeof(*a.kv));
	for (size_t i = 0; i < cnt; i++)
		if (kernels[i].has_result)
			kview_init(&a.kv[a.kv_cnt++], &kernels[i], &src);
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
	sources_free(&src);
	if (fflush(out) || ferror(out))
		return set_err(err, errlen, "writing the report: %s", strerror(errno));
	return 0;
}
