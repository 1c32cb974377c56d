// SPDX-License-Identifier: GPL-2.0
/*
 * The docs audit's Markdown: text and code for table cells, a test and what
 * the kernel did with it (its run stage too), and the per-kernel findings
 * a claim collects. See audit_impl.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_impl.h"
#include "util.h"
#include "version.h"

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
bool plain(const struct audit_kernel *k, const struct audit_result *r)
{
	return k->plain_known && !strcmp(r->call, PLAIN_CALL) &&
	       license_gpl(r->license);
}
/* ------------------------------------------------------------------ */
/* Markdown                                                           */
/* ------------------------------------------------------------------ */

/* Text for a table cell: no line breaks, no '|', no HTML. */
void md_text(FILE *f, const char *s)
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
void md_code(FILE *f, const char *s)
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

const char *short_type(const char *t)
{
	return strncmp(t, PREFIX, strlen(PREFIX)) ? t : t + strlen(PREFIX);
}

/* "`xdp.s`" */
static void md_test(FILE *f, const struct audit_result *r)
{
	fprintf(f, "`%s%s`", r->name, r->sleepable ? ".s" : "");
}

/* What the run stage saw of an accepted load, if it ran one. */
static void cite_run(FILE *f, const struct audit_result *r)
{
	if (!r->run[0])
		return;
	if (!strcmp(r->run, "runs")) {
		fputs(" and runs (", f);
		md_text(f, r->run_hook);
		fputc(')', f);
		return;
	}
	fputs(!strcmp(r->run, "attach-refused") ? ", but the attach is refused: " :
	      !strcmp(r->run, "no-effect") ? ", but attached and fired it freed nothing: " :
	      !strcmp(r->run, "splat") ? ", but the kernel warned while it ran: " :
	      !strcmp(r->run, "skip") ? "; its hook was not fired there: " :
	      ", its run stage failed: ", f);
	md_code(f, r->run_message);
}

/* Whether the run stage saw an accepted load fail to run. */
bool run_failed(const struct audit_result *r)
{
	return !strcmp(r->run, "attach-refused") || !strcmp(r->run, "no-effect") ||
	       !strcmp(r->run, "splat");
}

/* One test and what the kernel did with it. */
void cite(FILE *f, const struct audit_result *r)
{
	md_test(f, r);
	switch (r->observed) {
	case AUDIT_ACCEPT:
		fputs(" accepted", f);
		cite_run(f, r);
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

FILE *cell_open(struct cell *c)
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

char *cell_close(struct cell *c)
{
	fclose(c->f);
	return c->buf;
}

/* ------------------------------------------------------------------ */
/* Kernels and per-kernel findings                                    */
/* ------------------------------------------------------------------ */

bool loaded(const struct audit_result *r)
{
	return r->observed == AUDIT_ACCEPT || r->observed == AUDIT_ERROR;
}

/* The kfunc's presence: prefer to cite a plain case the verifier accepted. */
void kview_init(struct kview *v, const struct audit_kernel *k)
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

static const char *const kind_label[] = {
	[K_CONFIRM] = "confirmed on",
	[K_CONTRA] = "contradicted on",
	[K_CONSISTENT] = "consistent on",
	[K_UNTESTED] = "untestable on",
	[K_NA] = "not applicable on",
	[K_VERIFIED] = "verifies, not run, on",
	[K_ACCEPTED] = "accepted on",
	[K_NOT_ACCEPTED] = "not accepted on",
};

void items_add_as(struct items *it, enum kind kind, const char *label,
			 const struct kview *kv, char *text)
{
	it->v = xrealloc(it->v, (it->cnt + 1) * sizeof(*it->v));
	it->v[it->cnt++] = (struct item){ kind, label ? label : kind_label[kind],
					  kv, text };
}

void items_add(struct items *it, enum kind kind, const struct kview *kv,
		      char *text)
{
	items_add_as(it, kind, NULL, kv, text);
}

bool items_have(const struct items *it, enum kind kind)
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
void items_print(FILE *f, const struct items *it, const char *sep)
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

void items_free(struct items *it)
{
	for (size_t i = 0; i < it->cnt; i++)
		free(it->v[i].text);
	free(it->v);
	it->v = NULL;
	it->cnt = 0;
}
