// SPDX-License-Identifier: GPL-2.0
/*
 * The docs audit's judging: each claim of the page (the kfunc's version,
 * its signature, the sleepable note, each program type) against the
 * evidence, kernel by kernel, into a row of the report. See audit_impl.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_impl.h"
#include "util.h"
#include "version.h"

/* ------------------------------------------------------------------ */
/* Claims                                                             */
/* ------------------------------------------------------------------ */

const char *const verdict_md[] = {
	[V_CONFIRMED] = "**confirmed**",
	[V_CONSISTENT] = "**consistent**",
	[V_CONTRADICTED] = "**contradicted**",
	[V_UNTESTABLE] = "**untestable here**",
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
	/* Accepted, but nowhere seen to run: not contradicted, not shown. */
	if (items_have(it, K_VERIFIED))
		return V_CONSISTENT;
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

char *cite_str(const struct audit_result *r)
{
	struct cell c;

	cite(cell_open(&c), r);
	return cell_close(&c);
}

/* The kfunc's version tag: absent before it, present from it. */
void claim_version(struct audit *a)
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


static char *code_str(const char *s)
{
	struct cell c;

	md_code(cell_open(&c), s);
	return cell_close(&c);
}

void claim_signature(struct audit *a)
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

void typeset_add(struct typeset *s, const char *t)
{
	for (size_t i = 0; i < s->cnt; i++)
		if (!strcmp(s->v[i], t))
			return;
	s->v = xrealloc(s->v, (s->cnt + 1) * sizeof(*s->v));
	s->v[s->cnt++] = t;
}

bool typeset_has(const struct typeset *s, const char *t)
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

void claim_sleepable(struct audit *a)
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

void type_state(const struct audit_kernel *k, const char *type,
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
			if (!strcmp(r->run, "runs") &&
			    (!ts->ran || (ts->ran->sleepable && !r->sleepable)))
				ts->ran = r;
			if (run_failed(r) && !ts->run_fail)
				ts->run_fail = r;
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

/*
 * Does some program type load the kfunc on this kernel, with either flag?
 * Where none does (Debian's s390x has no JIT, so no kfunc call at all), a
 * type's rejection says nothing about that type.
 */
static bool some_type_loads(const struct audit_kernel *k)
{
	for (size_t i = 0; i < k->cnt; i++)
		if (plain(k, &k->results[i]) && loaded(&k->results[i]))
			return true;
	return false;
}

/* "BPF_PROG_TYPE_X can make use of this kfunc", from its tag. */
void claim_type(struct audit *a, const struct docs_prog_type *e)
{
	const struct docs_tag *kt = &a->page->tag;
	const struct docs_tag *t = e->tag.present ? &e->tag : kt;
	unsigned int from = t->present ? t->kver : 0;
	bool between = false, no_case = true, known = false, bracketed;
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
			/*
			 * Verifying is not running: a type confirms only where
			 * the run stage saw it free the page; one that verifies
			 * but cannot run there contradicts the claim.
			 */
			text = cite_str(ts.ran ? ts.ran : ts.run_fail ? ts.run_fail : ts.acc);
			if (before)
				items_add(&it, K_CONTRA, kv, xasprintf("older than %s, yet %s", t->version, text));
			else if (ts.ran)
				items_add(&it, K_CONFIRM, kv, text);
			else if (ts.run_fail)
				items_add(&it, K_CONTRA, kv, xasprintf("it verifies and does not run: %s", text));
			else
				items_add(&it, K_VERIFIED, kv, text);
			if (before || (!ts.ran && ts.run_fail))
				free(text);
			break;
		case TS_REJECTED:
			text = rejected_text(&ts);
			if (before)
				items_add(&it, K_CONSISTENT, kv, xasprintf("older than %s, and %s", t->version, text));
			else if (!some_type_loads(kv->k))
				items_add(&it, K_UNTESTED, kv,
					  xasprintf("no program type loads the kfunc on it: %s", text));
			else
				items_add(&it, K_CONTRA, kv, text);
			if (before || !some_type_loads(kv->k))
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
	bracketed = v == V_CONFIRMED && from && !tag_release_run(a, from);
	if (bracketed)
		v = V_CONSISTENT;
	f = cell_open(&ev);
	if (bracketed)
		fprintf(f, "Consistent: accepted and run where tested, but the tagged release (%s) itself was not run.<br>",
			t->version);
	else if (v == V_CONSISTENT)
		fputs("Consistent: accepted by the verifier where tested, but nowhere seen to run (no run stage for this type, or its hook not fired there).<br>", f);
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
