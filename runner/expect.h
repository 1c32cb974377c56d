/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expectation rules, one per line of the files in expected/:
 *
 *   CASE-GLOB  plain|sleepable|any  RANGE[@WHERE]  OUTCOME  [MESSAGE]
 *
 * WHERE limits a rule to some kernels of the range: a comma-separated list
 * of architectures (amd64, arm64, s390x, riscv64, ppc64el: any of them),
 * "rt" (a PREEMPT_RT kernel) and "64k" (64 KiB pages), all of which must
 * hold: ">=7.0@rt", "6.12..<6.13@ppc64el,64k".
 *
 * Two stages, each with its own outcomes. The load stage (BPF_PROG_LOAD):
 * accept, reject[:ERRNO], absent, or error (runtime cases: a check is known
 * to fail on those kernels). The run stage, for a load that was accepted
 * and whose hook the runner can fire (runner/hooks.c): runs (attached,
 * fired, and the page was freed), attach-refused[:ERRNO] [MESSAGE],
 * no-effect (attached and fired, the page is still there), or splat
 * (a known kernel bug: the kernel logged MESSAGE while the hook ran).
 * reject, error and splat need a MESSAGE; reject:EACCES also wants that
 * errno.
 *
 * For each stage, the first rule of that stage that matches a case, its
 * flag and the kernel version decides what is expected; CASE-GLOB is an
 * fnmatch() pattern with glibc's extensions ("!(arg_map_*)"). An absent
 * rule does not speak for a load the kernel refused before it looked at
 * any instruction (for its program type, flag or attach target): that
 * load is judged by the next rule that matches (runner/verdict.c).
 *
 * A profile is a named set of rules that many cases share. Its rules are
 * written with "@NAME" in place of the case glob; the line
 *
 *   CASE-GLOB  @NAME
 *
 * then stands for all of them, with CASE-GLOB filled in, at that place. MESSAGE is matched against the verifier's
 * decisive line: literal text is a substring, {{...}} is a POSIX extended
 * regular expression, and both may be mixed as in test_loader.c's __msg().
 */
#ifndef CONFORM_EXPECT_H
#define CONFORM_EXPECT_H

#include <fnmatch.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>

#include "version.h"
#include "util.h"

enum outcome {
	OUT_ACCEPT,
	OUT_REJECT,
	OUT_ABSENT,	/* the kernel has no such kfunc or no arena map */
	OUT_SKIP,	/* observed only: the control did not load */
	/* The run stage */
	OUT_RUNS,	/* attached, fired, and the page was freed */
	OUT_ERROR,	/* a check of what it did failed (a rule: known bug) */
	OUT_ATTACH_REFUSED,	/* the kernel refused to attach it */
	OUT_NO_EFFECT,	/* attached and fired; the page was not freed */
	OUT_SPLAT,	/* the kernel logged a warning while it ran */
	OUT_CNT,
};

enum stage {
	STAGE_LOAD,
	STAGE_RUN,
};

/* The stage an outcome belongs to. */
enum stage outcome_stage(enum outcome o);

enum flag_match {
	FLAG_PLAIN,
	FLAG_SLEEPABLE,
	FLAG_ANY,
};

/* The architectures of WHERE, as Debian names them. */
enum arch {
	ARCH_AMD64,
	ARCH_ARM64,
	ARCH_S390X,
	ARCH_RISCV64,
	ARCH_PPC64EL,
	ARCH_CNT,
	ARCH_UNKNOWN = ARCH_CNT,
};

/* What WHERE can say of the kernel the rules judge. */
struct platform {
	enum arch arch;
	bool rt;		/* PREEMPT_RT */
	bool page_64k;		/* 64 KiB pages */
};

/* The running kernel's: uname -m, uname -v and the page size. */
struct platform platform_running(void);

/* "arm64", "ppc64el, rt, 64k": for reports. */
void platform_format(const struct platform *p, char *buf, size_t len);

struct rule {
	char *glob;
	enum flag_match flag;
	char *range_text;	/* RANGE[@WHERE], as written */
	struct krange range;
	unsigned int arches;	/* WHERE's: bit per enum arch; 0: any */
	bool rt_only;		/* WHERE has "rt" */
	bool page_64k_only;	/* WHERE has "64k" */
	enum outcome outcome;
	enum stage stage;	/* outcome_stage(outcome) */
	int err;		/* reject:ERRNO, attach-refused:ERRNO; 0: any */
	char *message;		/* reject, error and splat: never NULL */
	bool is_regex;		/* the message has {{...}} parts */
	regex_t re;		/* then compiled; else matched with strstr() */
	char *file;
	int line;
	char *profile;		/* "@NAME" if it came from a profile */
	char *text;		/* the line, for expanding a profile */
	bool literal;		/* the glob has no wildcard: one name */
	int next_same;		/* the next rule with this literal glob, or -1 */
};

struct ruleset {
	struct rule *rules;
	int cnt;
	struct rule *profiles;	/* rules whose glob is "@NAME" */
	int profile_cnt;
	bool single_file;	/* loaded from one file, not a directory */
	/* What WHERE is matched with: platform_running() when loaded. */
	struct platform platform;
	/*
	 * Which rules a name can match, built once the rules are loaded:
	 * those whose glob is the name (a chain through next_same), and the
	 * wildcard ones. Most of the ~560 rules name one case, and every
	 * lookup and ruleset_check() would otherwise try each on each case.
	 */
	struct name_table by_glob;	/* literal glob -> its first rule + 1 */
	int *wild;			/* the other rules' indices, in order */
	int wild_cnt;
};

const char *outcome_str(enum outcome o);

/* match[i]: does rule i's glob match name? For every rule of rs. */
void ruleset_matches(const struct ruleset *rs, const char *name, bool *match);

/*
 * Load every "*.rules" file of a directory (in name order), or one file.
 * On a malformed line, fills err with "file:line: what is wrong" and
 * returns -1; the ruleset is then left empty.
 */
int ruleset_load(struct ruleset *rs, const char *path, char *err,
		 size_t errlen);

/*
 * Add the rules read from f, named name in messages (used by the fuzzer).
 * On error the ruleset holds what was read before it: free it.
 */
int ruleset_load_stream(struct ruleset *rs, FILE *f, const char *name,
			char *err, size_t errlen);

/*
 * Parse one line (exposed for the unit tests): 1 for a rule, 2 for a
 * "CASE-GLOB @PROFILE" line (only glob and profile are set), 0 for a blank
 * or comment line, -1 for an error.
 */
int rule_parse(struct rule *r, const char *line, const char *file, int lineno,
	       char *err, size_t errlen);

void ruleset_free(struct ruleset *rs);

/* The first rule of the load stage that decides name, or NULL. */
const struct rule *ruleset_lookup(const struct ruleset *rs, const char *name,
				  bool sleepable, unsigned int version);

/* The same for either stage. */
const struct rule *ruleset_lookup_stage(const struct ruleset *rs,
					enum stage stage, const char *name,
					bool sleepable, unsigned int version);

/* The first such rule below after (a rule of rs), or NULL. */
const struct rule *ruleset_lookup_after(const struct ruleset *rs,
					const struct rule *after,
					enum stage stage, const char *name,
					bool sleepable, unsigned int version);

bool rule_message_matches(const struct rule *r, const char *message);
/* Whether a rule's case glob matches name (fnmatch(), GLOB_FLAGS). */
bool rule_glob_matches(const char *glob, const char *name);

/* A case as the rules see it: its name and the loads it has. */
#define RULE_CASE_PLAIN		1u	/* loaded without BPF_F_SLEEPABLE */
#define RULE_CASE_SLEEPABLE	2u	/* loaded with it */

struct rule_case {
	const char *name;
	unsigned int flags;	/* RULE_CASE_PLAIN | RULE_CASE_SLEEPABLE */
};

/*
 * CASE-GLOB: fnmatch() patterns, with glibc's extended ones: "!(a*|b*)" is
 * every case but those (a rule for the cases that use an arena, say).
 */
#define GLOB_FLAGS FNM_EXTMATCH

/* "plain", "sleepable", "any": a rule's FLAG column. */
const char *flag_str(enum flag_match f);

/* A rule tagged @ARCH, @rt or @64k: it applies on some platforms only. */
static inline bool rule_has_where(const struct rule *r)
{
	return r->arches || r->rt_only || r->page_64k_only;
}

/*
 * Check that every rule can decide something for the cases: its glob
 * matches a case, one of those cases is loaded with its flag, and for some
 * case and flag it covers, some of its kernel range is not decided by
 * earlier rules already (a rule shadowed by earlier ones never matters).
 * A rule limited by WHERE decides nothing for the rules below it here: on
 * other kernels they still apply.
 * A profile application is checked as a whole: some line of it must
 * decide something. Returns 0, or -1 with err = "file:line: what".
 */
int ruleset_check(const struct ruleset *rs, const struct rule_case *cases,
		  size_t cnt, char *err, size_t errlen);

#endif /* CONFORM_EXPECT_H */
