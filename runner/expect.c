// SPDX-License-Identifier: GPL-2.0
/* Expectation rules: parsing, lookup and message matching (the check that
 * every rule decides something is in expect_check.c). */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "expect.h"
#include "util.h"

static const char *const outcome_names[] = {
	[OUT_ACCEPT] = "accept",
	[OUT_REJECT] = "reject",
	[OUT_ABSENT] = "absent",
	[OUT_SKIP] = "skip",
	[OUT_RUNS] = "runs",
	[OUT_ERROR] = "error",
	[OUT_ATTACH_REFUSED] = "attach-refused",
	[OUT_NO_EFFECT] = "no-effect",
	[OUT_SPLAT] = "splat",
};

static const char *const flag_names[] = {
	[FLAG_PLAIN] = "plain",
	[FLAG_SLEEPABLE] = "sleepable",
	[FLAG_ANY] = "any",
};

const char *flag_str(enum flag_match f)
{
	return flag_names[f];
}

const char *outcome_str(enum outcome o)
{
	return outcome_names[o];
}

enum stage outcome_stage(enum outcome o)
{
	return o >= OUT_RUNS ? STAGE_RUN : STAGE_LOAD;
}


static const char *const arch_names[] = {
	[ARCH_AMD64] = "amd64",
	[ARCH_ARM64] = "arm64",
	[ARCH_S390X] = "s390x",
	[ARCH_RISCV64] = "riscv64",
	[ARCH_PPC64EL] = "ppc64el",
};

struct platform platform_running(void)
{
	static const struct {
		const char *machine;
		enum arch arch;
	} machines[] = {
		{ "x86_64", ARCH_AMD64 }, { "aarch64", ARCH_ARM64 },
		{ "s390x", ARCH_S390X }, { "riscv64", ARCH_RISCV64 },
		{ "ppc64le", ARCH_PPC64EL },
	};
	struct platform p = { .arch = ARCH_UNKNOWN };
	struct utsname u;

	if (uname(&u))
		return p;
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (!strcmp(u.machine, machines[i].machine))
			p.arch = machines[i].arch;
	/* "#1 SMP PREEMPT_RT Debian 7.0.13-1~bpo13+1 (2026-...)" */
	p.rt = strstr(u.version, "PREEMPT_RT") != NULL;
	p.page_64k = sysconf(_SC_PAGESIZE) == 65536;
	return p;
}

void platform_format(const struct platform *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s",
		 p->arch < ARCH_CNT ? arch_names[p->arch] : "unknown architecture",
		 p->rt ? ", rt" : "", p->page_64k ? ", 64k" : "");
}

/* Does WHERE hold for the kernel the rules judge? */
static bool rule_platform_matches(const struct rule *r, const struct platform *p)
{
	if (r->arches && (p->arch >= ARCH_CNT || !(r->arches & (1u << p->arch))))
		return false;
	return (!r->rt_only || p->rt) && (!r->page_64k_only || p->page_64k);
}

static int lookup_word(const char *const *names, int cnt, const char *word)
{
	for (int i = 0; i < cnt; i++)
		if (!strcmp(names[i], word))
			return i;
	return -1;
}

/* Turn "literal {{regex}} literal" into one POSIX extended regex. */
static int message_to_regex(const char *msg, char **out)
{
	size_t len = strlen(msg);
	char *re = malloc(len * 2 + 1), *p = re;
	const char *s = msg;

	if (!re)
		return -ENOMEM;
	while (*s) {
		if (!strncmp(s, "{{", 2)) {
			const char *end = strstr(s + 2, "}}");

			if (!end) {
				free(re);
				return -EINVAL;
			}
			/*
			 * glibc's regcomp() duplicates the tree for every
			 * repetition of a repetition: "a++++..." takes
			 * exponential memory (found by fuzz_expect).
			 */
			for (const char *q = s + 3; q < end; q++) {
				if (strchr("*+?{", *q) && strchr("*+?}", q[-1]) &&
				    q[-2] != '\\') {
					free(re);
					return -E2BIG;
				}
			}
			*p++ = '(';
			memcpy(p, s + 2, (size_t)(end - s - 2));
			p += end - s - 2;
			*p++ = ')';
			s = end + 2;
			continue;
		}
		if (strchr(".[]{}()\\*+?|^$", *s))
			*p++ = '\\';
		*p++ = *s++;
	}
	*p = '\0';
	*out = re;
	return 0;
}

static void rule_free(struct rule *r)
{
	if (r->is_regex)
		regfree(&r->re);
	free(r->glob);
	free(r->range_text);
	free(r->message);
	free(r->file);
	free(r->profile);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

/* Next whitespace-separated word of *s, or NULL. */
static char *next_word(char **s)
{
	char *w = *s + strspn(*s, " \t");
	char *end;

	if (!*w)
		return NULL;
	end = w + strcspn(w, " \t");
	*s = *end ? end + 1 : end;
	*end = '\0';
	return w;
}

int rule_parse(struct rule *r, const char *line, const char *file, int lineno,
	       char *err, size_t errlen)
{
	char *buf = xstrdup(line), *s = buf, *w[4], *msg, *re = NULL, *errname;
	char *range_text = NULL, *where;
	const char *what = NULL;
	char what_buf[96];
	int flag, outcome, i;

	memset(r, 0, sizeof(*r));
	s[strcspn(s, "\r\n")] = '\0';
	s += strspn(s, " \t");
	if (!*s || *s == '#') {
		free(buf);
		return 0;
	}
	for (i = 0; i < 4; i++) {
		w[i] = next_word(&s);
		if (i == 2 && w[1][0] == '@' && w[0][0] != '@') {
			if (w[2]) {
				what = "a profile is applied as 'CASE-GLOB @NAME'";
				goto bad;
			}
			r->glob = xstrdup(w[0]);
			r->profile = xstrdup(w[1]);
			r->file = xstrdup(file);
			r->line = lineno;
			free(buf);
			return 2;
		}
		if (!w[i]) {
			what = "expected 'CASE-GLOB FLAG RANGE OUTCOME [MESSAGE]'";
			goto bad;
		}
	}
	msg = s + strspn(s, " \t");
	for (i = (int)strlen(msg); i > 0 && strchr(" \t", msg[i - 1]); i--)
		msg[i - 1] = '\0';

	range_text = xstrdup(w[2]);
	flag = lookup_word(flag_names, 3, w[1]);
	if (flag < 0) {
		what = "flag must be plain, sleepable or any";
		goto bad;
	}
	where = strchr(w[2], '@');
	if (where)
		*where++ = '\0';
	if (krange_parse(w[2], &r->range)) {
		what = "kernel range must be *, >=X.Y, <X.Y or X.Y..<X.Y";
		goto bad;
	}
	for (char *sp, *t = where ? strtok_r(where, ",", &sp) : NULL; t;
	     t = strtok_r(NULL, ",", &sp)) {
		int a = lookup_word(arch_names, ARCH_CNT, t);

		if (a >= 0) {
			r->arches |= 1u << a;
		} else if (!strcmp(t, "rt")) {
			r->rt_only = true;
		} else if (!strcmp(t, "64k")) {
			r->page_64k_only = true;
		} else {
			snprintf(what_buf, sizeof(what_buf),
				 "unknown '%.16s' after @ (amd64, arm64, s390x, riscv64, ppc64el, rt, 64k)",
				 t);
			what = what_buf;
			goto bad;
		}
	}
	if (where && !rule_has_where(r)) {
		what = "nothing after @ (amd64, arm64, s390x, riscv64, ppc64el, rt, 64k)";
		goto bad;
	}
	errname = strchr(w[3], ':');
	if (errname)
		*errname++ = '\0';
	outcome = lookup_word(outcome_names, OUT_CNT, w[3]);
	if (outcome < 0 || outcome == OUT_SKIP) {
		what = "outcome must be accept, reject or absent (load), or runs, attach-refused, no-effect, splat or error (run)";
		goto bad;
	}
	if (errname && outcome != OUT_REJECT && outcome != OUT_ATTACH_REFUSED) {
		what = "only a reject or attach-refused rule takes an errno (reject:EACCES)";
		goto bad;
	}
	if (errname) {
		r->err = errno_parse(errname);
		if (r->err <= 0) {
			snprintf(what_buf, sizeof(what_buf),
				 "unknown errno name '%.40s'", errname);
			what = what_buf;
			goto bad;
		}
	}
	if (*msg && outcome != OUT_REJECT && outcome != OUT_ERROR &&
	    outcome != OUT_ATTACH_REFUSED && outcome != OUT_SPLAT) {
		what = "only a reject, error, attach-refused or splat rule takes a message";
		goto bad;
	}
	if (!*msg && outcome == OUT_SPLAT) {
		what = "a splat rule needs a message";
		goto bad;
	}
	if (!*msg && outcome == OUT_REJECT) {
		what = "a reject rule needs a message";
		goto bad;
	}
	if (!*msg && outcome == OUT_ERROR) {
		what = "an error rule needs a message";
		goto bad;
	}
	if (strlen(msg) > 1000) {
		what = "message longer than 1000 characters";
		goto bad;
	}
	if (*msg && !strstr(msg, "{{")) {
		/* A plain substring: no regex (glibc's are costly to match and free). */
		r->message = xstrdup(msg);
	} else if (*msg) {
		int ret = message_to_regex(msg, &re);

		if (ret) {
			what = ret == -E2BIG ? "a repetition of a repetition in {{...}}" :
					       "unterminated {{ in message";
			goto bad;
		}
		if (regcomp(&r->re, re, REG_EXTENDED | REG_NOSUB)) {
			what = "invalid regular expression in message";
			goto bad;
		}
		r->is_regex = true;
		free(re);
		r->message = xstrdup(msg);
	}
	r->glob = xstrdup(w[0]);
	r->flag = (enum flag_match)flag;
	r->range_text = range_text;
	r->outcome = (enum outcome)outcome;
	r->stage = outcome_stage(r->outcome);
	r->file = xstrdup(file);
	r->line = lineno;
	r->text = xstrdup(line);
	free(buf);
	return 1;
bad:
	snprintf(err, errlen, "%s:%d: %s", file, lineno, what);
	free(range_text);
	free(re);
	free(buf);
	return -1;
}

static void append(struct rule **rules, int *cnt, const struct rule *r)
{
	*rules = xrealloc(*rules, sizeof(*r) * (size_t)(*cnt + 1));
	(*rules)[(*cnt)++] = *r;
}

/* Append the rules of profile use->profile, for the cases use->glob. */
static int expand_profile(struct ruleset *rs, const struct rule *use,
			  char *err, size_t errlen)
{
	int found = 0;

	for (int i = 0; i < rs->profile_cnt; i++) {
		const struct rule *p = &rs->profiles[i];
		const char *rest = p->text + strspn(p->text, " \t");
		struct rule r;
		char *line;

		if (strcmp(p->glob, use->profile))
			continue;
		rest += strcspn(rest, " \t");
		line = xasprintf("%s%s", use->glob, rest);
		if (rule_parse(&r, line, use->file, use->line, err, errlen) != 1) {
			free(line);
			return -1;
		}
		free(line);
		r.profile = xstrdup(use->profile);
		append(&rs->rules, &rs->cnt, &r);
		found++;
	}
	if (!found && rs->single_file)
		return set_err(err, errlen,
			       "%s:%d: unknown profile %s: a single rules file must define the profiles it uses (pass the rules directory instead, e.g. --expected expected/)",
			       use->file, use->line, use->profile);
	if (!found)
		return set_err(err, errlen,
			       "%s:%d: unknown profile %s (define it above its use, in this file or an earlier one)",
			       use->file, use->line, use->profile);
	return 0;
}

static bool glob_is_literal(const char *glob)
{
	return !strpbrk(glob, "*?[\\(");
}

/* Index the loaded rules by glob: struct ruleset's by_glob and wild. */
static void ruleset_index(struct ruleset *rs)
{
	int *tail = xmalloc(sizeof(int) * (size_t)(rs->cnt + 1));

	name_table_init(&rs->by_glob);
	rs->wild = xmalloc(sizeof(int) * (size_t)(rs->cnt + 1));
	rs->wild_cnt = 0;
	for (int i = 0; i < rs->cnt; i++) {
		struct rule *r = &rs->rules[i];
		int first;

		r->literal = glob_is_literal(r->glob);
		r->next_same = -1;
		if (!r->literal) {
			rs->wild[rs->wild_cnt++] = i;
			continue;
		}
		first = (int)(uintptr_t)name_table_put(&rs->by_glob, r->glob,
						       (void *)(uintptr_t)(i + 1)) - 1;
		if (first != i)
			rs->rules[tail[first]].next_same = i;
		tail[first] = i;
	}
	free(tail);
}

/*
 * The rules whose glob may match one name, in order: the chain of those
 * that are the name, merged with the wildcard ones.
 */
struct rule_iter {
	int lit;	/* next of the chain, or -1 */
	int wi;		/* next index into wild */
};

static void rule_iter_init(struct rule_iter *it, const struct ruleset *rs,
			   const char *name, int after)
{
	it->lit = (int)(uintptr_t)name_table_get(&rs->by_glob, name) - 1;
	while (it->lit >= 0 && it->lit <= after)
		it->lit = rs->rules[it->lit].next_same;
	it->wi = 0;
	while (it->wi < rs->wild_cnt && rs->wild[it->wi] <= after)
		it->wi++;
}

static int rule_iter_next(struct rule_iter *it, const struct ruleset *rs)
{
	int w = it->wi < rs->wild_cnt ? rs->wild[it->wi] : -1, i;

	if (it->lit >= 0 && (w < 0 || it->lit < w)) {
		i = it->lit;
		it->lit = rs->rules[i].next_same;
		return i;
	}
	if (w >= 0)
		it->wi++;
	return w;
}

/* Does rule r, which the iterator gave for name, match it? */
static bool iter_rule_matches(const struct rule *r, const char *name)
{
	/* The chain's rules are the name; a wildcard one is matched. */
	return r->literal || !fnmatch(r->glob, name, GLOB_FLAGS);
}

void ruleset_matches(const struct ruleset *rs, const char *name, bool *match)
{
	struct rule_iter it;
	int i;

	memset(match, 0, sizeof(*match) * (size_t)rs->cnt);
	rule_iter_init(&it, rs, name, -1);
	while ((i = rule_iter_next(&it, rs)) >= 0)
		match[i] = iter_rule_matches(&rs->rules[i], name);
}

static int load_stream(struct ruleset *rs, FILE *f, const char *name,
		       char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, ret = 0;

	while (getline(&line, &cap, f) >= 0) {
		struct rule r;

		ret = rule_parse(&r, line, name, ++lineno, err, errlen);
		if (ret < 0)
			break;
		if (ret == 0)
			continue;
		if (ret == 2) {
			ret = expand_profile(rs, &r, err, errlen);
			rule_free(&r);
			if (ret)
				break;
			continue;
		}
		if (r.glob[0] == '@')
			append(&rs->profiles, &rs->profile_cnt, &r);
		else
			append(&rs->rules, &rs->cnt, &r);
		ret = 0;
	}
	if (!ret && ferror(f)) {
		snprintf(err, errlen, "%s: read error", name);
		ret = -1;
	}
	free(line);
	return ret;
}

static int load_file(struct ruleset *rs, const char *path, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ret = load_stream(rs, f, path, err, errlen);
	fclose(f);
	return ret;
}

int ruleset_load_stream(struct ruleset *rs, FILE *f, const char *name,
			char *err, size_t errlen)
{
	int ret = load_stream(rs, f, name, err, errlen);

	if (!ret)
		ruleset_index(rs);
	return ret;
}

static int rules_file_filter(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 6 && !strcmp(d->d_name + len - 6, ".rules");
}

int ruleset_load(struct ruleset *rs, const char *path, char *err,
		 size_t errlen)
{
	struct dirent **names;
	int n, ret = 0;

	memset(rs, 0, sizeof(*rs));
	rs->platform = platform_running();
	n = scandir(path, &names, rules_file_filter, alphasort);
	if (n < 0) {
		if (errno == ENOTDIR) {
			rs->single_file = true;
			ret = load_file(rs, path, err, errlen);
		} else {
			ret = set_err(err, errlen, "%s: %s", path, strerror(errno));
		}
	} else {
		for (int i = 0; i < n; i++) {
			char *file = xasprintf("%s/%s", path, names[i]->d_name);

			if (!ret)
				ret = load_file(rs, file, err, errlen);
			free(file);
			free(names[i]);
		}
		free(names);
		if (!ret && !rs->cnt) {
			snprintf(err, errlen, "%s: no *.rules files", path);
			ret = -1;
		}
	}
	if (ret)
		ruleset_free(rs);
	else
		ruleset_index(rs);
	return ret;
}

void ruleset_free(struct ruleset *rs)
{
	name_table_free(&rs->by_glob);
	free(rs->wild);
	for (int i = 0; i < rs->cnt; i++)
		rule_free(&rs->rules[i]);
	for (int i = 0; i < rs->profile_cnt; i++)
		rule_free(&rs->profiles[i]);
	free(rs->rules);
	free(rs->profiles);
	memset(rs, 0, sizeof(*rs));
}

const struct rule *ruleset_lookup(const struct ruleset *rs, const char *name,
				  bool sleepable, unsigned int version)
{
	return ruleset_lookup_stage(rs, STAGE_LOAD, name, sleepable, version);
}

const struct rule *ruleset_lookup_stage(const struct ruleset *rs,
					enum stage stage, const char *name,
					bool sleepable, unsigned int version)
{
	return ruleset_lookup_after(rs, NULL, stage, name, sleepable, version);
}

const struct rule *ruleset_lookup_after(const struct ruleset *rs,
					const struct rule *after,
					enum stage stage, const char *name,
					bool sleepable, unsigned int version)
{
	struct rule_iter it;
	int i;

	rule_iter_init(&it, rs, name, after ? (int)(after - rs->rules) : -1);
	while ((i = rule_iter_next(&it, rs)) >= 0) {
		const struct rule *r = &rs->rules[i];

		if (r->stage != stage)
			continue;
		if (r->flag != FLAG_ANY && (r->flag == FLAG_SLEEPABLE) != sleepable)
			continue;
		if (!krange_contains(&r->range, version))
			continue;
		if (!rule_platform_matches(r, &rs->platform))
			continue;
		if (!iter_rule_matches(r, name))
			continue;
		return r;
	}
	return NULL;
}

bool rule_glob_matches(const char *glob, const char *name)
{
	/*
	 * Most globs are a case's name: strcmp() gives fnmatch()'s answer for
	 * them, and ruleset_check() asks for every rule and case.
	 */
	if (glob_is_literal(glob))
		return !strcmp(glob, name);
	return !fnmatch(glob, name, GLOB_FLAGS);
}

bool rule_message_matches(const struct rule *r, const char *message)
{
	if (!r->message)
		return true;
	if (!r->is_regex)
		return strstr(message ? message : "", r->message) != NULL;
	return !regexec(&r->re, message ? message : "", 0, NULL, 0);
}
