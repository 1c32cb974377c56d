/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the docs audit (audit.h): what its three parts share. They are
 * audit_md.c (Markdown, citations of tests, per-kernel findings),
 * audit_judge.c (each claim of the page against the evidence) and audit.c
 * (the report: evidence, claims, unlisted types, the example).
 */
#ifndef CONFORM_AUDIT_IMPL_H
#define CONFORM_AUDIT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "audit.h"
#include "docs.h"

#define PREFIX		"BPF_PROG_TYPE_"

/* The "call" of a case made by ARENA_CASE(): FREE_ONE_PAGE(). */
#define PLAIN_CALL	"free_one_page"

/* Why a kernel speaks for no program type: its evidence is too old. */
#define NOT_KNOWN	"no plain-case evidence: an older runner's JSON, without \"call\" and \"license\""

/* A growing string written with stdio. */
struct cell {
	char *buf;
	size_t len;
	FILE *f;
};

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

/* A kernel's finding on a claim. */
enum kind {
	K_CONFIRM,
	K_CONTRA,
	K_CONSISTENT,	/* before a tag: neither works nor is claimed to */
	K_UNTESTED,
	K_NA,		/* the claim does not apply: no kfunc */
	K_VERIFIED,	/* accepted, and never seen to run there */
	K_ACCEPTED,	/* for the types the page does not list */
	K_NOT_ACCEPTED,
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

/* A declaration cut into tokens: identifiers and numbers, punctuation. */
struct toks {
	char **v;
	size_t cnt;
};

/* A signature: head (return type and name) and parameters. */
struct sig {
	struct toks t;
	size_t open, close;	/* the parameter list's "(" and ")"; 0: none */
	size_t *param;		/* the first token of each parameter, then close */
	size_t param_cnt;
	const char *name;	/* the last identifier of the head, or "" */
};

/* Distinct program types, in order of first appearance. */
struct typeset {
	const char **v;
	size_t cnt;
};

/* What one program type did on one kernel, over its plain cases. */
struct tstate {
	enum {
		TS_NOCASE, TS_UNKNOWN, TS_UNTESTED, TS_LOADED, TS_REJECTED,
		TS_ABSENT,
	} st;
	const struct audit_result *acc, *rej_plain, *rej_sleep, *skip, *absent;
	const struct audit_result *ran;		/* accepted, and runs */
	const struct audit_result *run_fail;	/* accepted, does not run */
	size_t tests, rejected;
};

/* audit_md.c */
char *cell_close(struct cell *c);
FILE *cell_open(struct cell *c);
void cite(FILE *f, const struct audit_result *r);
void items_add(struct items *it, enum kind kind, const struct kview *kv, char *text);
void items_add_as(struct items *it, enum kind kind, const char *label, const struct kview *kv, char *text);
void items_free(struct items *it);
bool items_have(const struct items *it, enum kind kind);
void items_print(FILE *f, const struct items *it, const char *sep);
void kview_init(struct kview *v, const struct audit_kernel *k);
bool loaded(const struct audit_result *r);
void md_code(FILE *f, const char *s);
void md_text(FILE *f, const char *s);
bool plain(const struct audit_kernel *k, const struct audit_result *r);
bool run_failed(const struct audit_result *r);
const char *short_type(const char *t);

/* audit_signature.c */
void sig_parse(const char *s, struct sig *g);
void sig_free(struct sig *g);
/* What differs between the page's signature p and BTF's b, or NULL. */
char *sig_diff(const struct sig *p, const struct sig *b);

/* audit_judge.c */
char *cite_str(const struct audit_result *r);
void claim_signature(struct audit *a);
void claim_sleepable(struct audit *a);
void claim_type(struct audit *a, const struct docs_prog_type *e);
void claim_version(struct audit *a);
void type_state(const struct audit_kernel *k, const char *type, struct tstate *ts);
void typeset_add(struct typeset *s, const char *t);
bool typeset_has(const struct typeset *s, const char *t);
extern const char *const verdict_md[];

/* audit_where.c: the "where the call may sit" table. */
void write_where(FILE *out, const struct audit *a);

#endif /* CONFORM_AUDIT_IMPL_H */
