/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Audit a docs.ebpf.io kfunc page against the suite's real results.
 *
 * The evidence is a list of kernels, each with the results of the suite on
 * it. It comes from the runner's JSON (docs/output.md, "JSON") or from matrix.json
 * ({"kernels": [{"kernel": LABEL, "exit": N, "result": RUNNER-JSON|null,
 * ...}]}); both become the same structs, so a run on this host and a run
 * in VMs look the same to the audit.
 *
 * The report is Markdown: one row per claim of the page, each confirmed,
 * contradicted or untestable here, always with the evidence or the reason;
 * the program types that can call the kfunc but are not listed; and an
 * example, a fixed template filled in from the evidence, with the kernels
 * that accepted the case it is the shape of.
 *
 * Only the cases that call the kfunc the plain way speak for a program
 * type: those the runner reports with "call": "free_one_page" (made by
 * ARENA_CASE()) and a GPL-compatible "license". The argument, precondition
 * and license cases are rejected for reasons of their own and are not used.
 * Evidence from a runner that did not report "call" and "license" says
 * nothing about which cases those are.
 */
#ifndef CONFORM_AUDIT_H
#define CONFORM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "docs.h"

/* What the kernel did with one load, as the runner's JSON says it. */
enum audit_observed {
	AUDIT_ACCEPT,
	AUDIT_REJECT,
	AUDIT_ABSENT,	/* no such kfunc, or no arena map */
	AUDIT_SKIP,	/* the control did not load: no verdict */
	AUDIT_ERROR,	/* accepted, but a runtime check failed */
};

/* One test: a case loaded without or with BPF_F_SLEEPABLE. */
struct audit_result {
	char *name;		/* the case, "xdp" */
	char *prog_type;	/* "BPF_PROG_TYPE_XDP" */
	char *attach;		/* SEC() label, "xdp" */
	bool sleepable;		/* loaded with BPF_F_SLEEPABLE */
	enum audit_observed observed;
	int err;		/* positive errno of a rejection, else 0 */
	char *message;		/* the verifier's decisive line, or "" */
	char *status;		/* "pass", "fail", "skip", "xfail" or "xpass" */
	char *reason;		/* why skipped or absent, or why it failed */
	char *call;		/* "free_one_page" (ARENA_CASE()), or "" */
	char *license;		/* the license it was loaded with, or "" */
	/*
	 * The run stage of an accepted load: "runs", "attach-refused",
	 * "no-effect", "splat", "skip" (not fired there), "error"; "" if it
	 * had none (no hook for its type, or a runner without a run stage).
	 * "Verifies" is not "runs": only "runs" shows a type using the kfunc.
	 */
	char *run;
	char *run_message;	/* why it did not run, or "" */
	char *run_hook;		/* where it ran, or "" */
};

/* One kernel and the suite's results on it. */
struct audit_kernel {
	char *source;		/* "host", "matrix 6.12": where it came from */
	char *release;		/* uname -r, or "" if no result */
	char *version_str;	/* "6.12.118" */
	unsigned int version;	/* kver() of version_str; 0 if unknown */
	bool has_result;	/* false: the run gave no verdict; see note */
	char *note;		/* "no result (exit 5)", or "" */
	struct audit_result *results;
	size_t cnt;
	bool plain_known;	/* every case says its "call" and "license" */
	bool proto_recorded;	/* the evidence has "kfunc_prototype" */
	char *prototype;	/* the kfunc's in vmlinux BTF; NULL: none */
};

struct audit_evidence {
	struct audit_kernel *kernels;
	size_t cnt;
};

/*
 * Parse buf[0..len) as JSON and add it. A matrix if it has "kernels": each
 * of its kernels, as "SOURCE LABEL", and one whose result is null is kept,
 * without results, for the evidence table. Else a runner document: its
 * kernel, named SOURCE in the report ("host"). Returns 0, or -1 with
 * "line L, column C: what" (bad JSON) or "kernels[2].result.cases[3]:
 * what" in err (the evidence is then unchanged).
 */
int audit_add_json(struct audit_evidence *ev, const char *buf, size_t len,
		   const char *source, char *err, size_t errlen);

/* audit_add_json() of a file; err starts with "PATH: ". */
int audit_add_file(struct audit_evidence *ev, const char *path,
		   const char *source, char *err, size_t errlen);

void audit_evidence_free(struct audit_evidence *ev);

/* Read and parse a docs page; err starts with "PATH: ". */
int audit_load_page(const char *path, struct docs_page *page, char *err,
		    size_t errlen);

/*
 * Read a whole file (at most max bytes) into a malloc()ed, NUL-terminated
 * buffer. Returns 0, or -1 with "PATH: why" in err.
 */
int audit_read_file(const char *path, size_t max, char **buf, size_t *len,
		    char *err, size_t errlen);

/*
 * Write the report, from the page and the evidence alone. Returns 0, or -1
 * with err set (a write error).
 */
int audit_write(FILE *out, const struct docs_page *page,
		const struct audit_kernel *kernels, size_t cnt, char *err,
		size_t errlen);

#endif /* CONFORM_AUDIT_H */
