// SPDX-License-Identifier: GPL-2.0
/*
 * The docs audit's "where the call may sit" table: the cases of
 * WHERE_CASES() (progs/conform.h) call the kfunc inside a region, from a
 * callback or from a subprogram, each as NAME_syscall (loaded sleepable),
 * NAME_xdp (never sleepable) and NAME_struct_ops (sleepable). Their names
 * start with ctx_, cb_ or sub_. Per region and program, over the kernels
 * of the evidence in version order: from which kernel the call is
 * accepted, and the verifier's words on the last kernel that refused it.
 * The page says nothing on this: it is what the kernels say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_impl.h"
#include "util.h"

static const char *const prefixes[] = { "ctx_", "cb_", "sub_" };

static const struct {
	const char *suffix;
	bool sleepable;
	const char *label;
} variants[] = {
	{ "_syscall", true, "SYSCALL, sleepable" },
	{ "_xdp", false, "XDP, never sleepable" },
	{ "_struct_ops", true, "struct_ops, sleepable" },
};

static bool is_where(const char *name)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* "ctx_rcu" of "ctx_rcu_xdp", if it ends in suffix; else NULL. */
static char *stem(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (n <= s || strcmp(name + n - s, suffix))
		return NULL;
	return xasprintf("%.*s", (int)(n - s), name);
}

static const struct audit_result *find(const struct audit_kernel *k,
				       const char *name, bool sleepable)
{
	for (size_t i = 0; i < k->cnt; i++)
		if (k->results[i].sleepable == sleepable && !strcmp(k->results[i].name, name))
			return &k->results[i];
	return NULL;
}

/*
 * One cell: what the kernels did with NAME loaded so, as runs of kernels in
 * version order: "6.12.118–6.17.13 accepted; 6.18.15–6.19.14 refused:
 * `...`; 7.0.13–7.3.4 accepted".
 */
static void cell(FILE *f, const struct audit *a, const char *name, bool sleepable)
{
	const struct audit_result *run = NULL;
	const struct kview *from = NULL, *to = NULL;
	bool any = false;

	for (size_t i = 0; i <= a->kv_cnt; i++) {
		const struct audit_result *r = i < a->kv_cnt ?
			find(a->kv[i].k, name, sleepable) : NULL;
		bool same;

		if (i < a->kv_cnt && (!r || r->observed == AUDIT_SKIP))
			continue;
		same = r && run && loaded(r) == loaded(run) &&
		       r->observed == run->observed &&
		       (loaded(r) || !strcmp(r->message, run->message));
		if (run && !same) {
			fprintf(f, "%s%s%s%s ", any ? "; " : "", from->label,
				from == to ? "" : "–", from == to ? "" : to->label);
			any = true;
			if (loaded(run))
				fputs("accepted", f);
			else if (run->observed == AUDIT_ABSENT)
				fputs("absent", f);
			else {
				fputs("refused: ", f);
				md_code(f, run->message);
			}
		}
		if (!same) {
			run = r;
			from = i < a->kv_cnt ? &a->kv[i] : NULL;
		}
		to = i < a->kv_cnt ? &a->kv[i] : to;
	}
	if (!any)
		fputs("not tested", f);
}

void write_where(FILE *out, const struct audit *a)
{
	char **stems = NULL;
	size_t cnt = 0;

	for (size_t i = 0; i < a->kv_cnt; i++)
		for (size_t j = 0; j < a->kv[i].k->cnt; j++) {
			const char *n = a->kv[i].k->results[j].name;
			char *s = NULL;
			bool seen = false;

			if (!is_where(n))
				continue;
			for (size_t v = 0; v < 3 && !s; v++)
				s = stem(n, variants[v].suffix);
			for (size_t k = 0; s && k < cnt; k++)
				seen |= !strcmp(stems[k], s);
			if (!s || seen) {
				free(s);
				continue;
			}
			stems = xrealloc(stems, (cnt + 1) * sizeof(*stems));
			stems[cnt++] = s;
		}
	fputs("## Where the call may sit\n\n", out);
	if (!cnt) {
		fputs("The evidence has none of the cases that call the kfunc inside a region, a callback or a subprogram.\n\n", out);
		return;
	}
	fputs("The page says nothing about it. What the kernels say, per region, callback or subprogram (`progs/contexts.bpf.c`, `callbacks.bpf.c`, `subprogs.bpf.c`), over the kernels above in version order:\n\n", out);
	fputs("| where |", out);
	for (size_t v = 0; v < 3; v++)
		fprintf(out, " %s |", variants[v].label);
	fputs("\n|---|---|---|---|\n", out);
	for (size_t k = 0; k < cnt; k++) {
		fprintf(out, "| `%s` |", stems[k]);
		for (size_t v = 0; v < 3; v++) {
			char *name = xasprintf("%s%s", stems[k], variants[v].suffix);

			fputc(' ', out);
			cell(out, a, name, variants[v].sleepable);
			fputs(" |", out);
			free(name);
		}
		fputc('\n', out);
		free(stems[k]);
	}
	fputc('\n', out);
	free(stems);
}
