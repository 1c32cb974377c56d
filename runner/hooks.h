/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run stage's hooks: for a program type (and attach type, and SEC()
 * label), how the runner attaches a loaded program to its real hook and
 * makes the hook fire. The table is in hooks.c; a case whose program type
 * has no row there gets no run stage, and the runner says so.
 */
#ifndef CONFORM_HOOKS_H
#define CONFORM_HOOKS_H

#include <stddef.h>

#include "suite.h"

struct hook;

/* The hook of a case, or NULL if the runner cannot fire it. */
const struct hook *hook_find(const struct conform_case *c);

/* A few words on where the program runs, for the report. */
const char *hook_where(const struct hook *h);

/*
 * Whether the hook cannot fire c on this system, known before anything is
 * made for it (a struct_ops type the kernel lacks, a member not run): then
 * true, and why in msg. hook_fire() would return FIRE_CANNOT with it.
 */
bool hook_unfireable(const struct hook *h, const struct conform_case *c,
		     char *msg, size_t len);

/*
 * While hook_fire() runs: fired(arg) says whether the program has done
 * what it is there to do (the run stage: its page is unmapped). The
 * trigger's waits end then (hooks_wait.c). NULL: no such early end.
 */
void hook_watch(bool (*fired)(void *arg), void *arg);

enum fire_result {
	FIRE_DONE,		/* attached, and the hook was made to fire */
	FIRE_ATTACH_REFUSED,	/* the kernel refused the attach: *err, msg */
	FIRE_CANNOT,		/* this system cannot fire it: msg says why */
	FIRE_ERROR,		/* the runner failed to fire it (a child crashed) */
};

/*
 * After hook_unfireable() said false: attach prog_fd (the program of c,
 * loaded sleepable or not) to its hook, make the hook fire, and detach.
 * Nothing is left behind: links, perf events, network namespaces and
 * qdiscs go with the call, or with the child process that made them.
 */
enum fire_result hook_fire(const struct hook *h, const struct conform_case *c,
			   int prog_fd, int *err, char *msg, size_t len);

/*
 * Before the run stage: whether to keep a no-op fentry program on each
 * trampoline target (hooks.c, "Anchors"): 1 yes, 0 no, -1 where it helps
 * (not on x86-64).
 */
void hooks_setup(int anchors);
/* After the run stage: detach what the hooks left attached (anchors). */
void hooks_end(void);

#endif /* CONFORM_HOOKS_H */
