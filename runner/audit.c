// SPDX-License-Identifier: GPL-2.0
/*
 * The docs page audit's report, from the page and the evidence alone
 * (which cases call the kfunc plainly, the kfunc's BTF prototype, the
 * example's section and license are all in the runner's JSON): the
 * evidence, the claims (judged by audit_judge.c), the program types the page
 * does not list, and an example. The evidence is read by audit_evidence.c.
 * See audit.h.
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
			/* Verifying is not running: say which it is. */
			if (ts.st == TS_LOADED && ts.ran)
				items_add_as(&it, K_ACCEPTED, "verifies and runs on",
					     &a->kv[i], cite_str(ts.ran));
			else if (ts.st == TS_LOADED)
				items_add_as(&it, K_ACCEPTED, "verifies, not seen to run, on",
					     &a->kv[i], cite_str(ts.run_fail ? ts.run_fail : ts.acc));
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
#define EXAMPLE_CALL	"%s(&arena, (void __arena *)0x8000, 1);"

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
	write_where(out, &a);
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
