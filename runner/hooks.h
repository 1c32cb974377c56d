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

enum fire_result {
	FIRE_DONE,		/* attached, and the hook was made to fire */
	FIRE_ATTACH_REFUSED,	/* the kernel refused the attach: *err, msg */
	FIRE_CANNOT,		/* this system cannot fire it: msg says why */
	FIRE_ERROR,		/* the runner failed to fire it (a child crashed) */
};

/*
 * Attach prog_fd (the program of c, loaded sleepable or not) to its hook,
 * make the hook fire, and detach. Nothing is left behind: links, perf
 * events, network namespaces and qdiscs go with the call, or with the
 * child process that made them.
 */
enum fire_result hook_fire(const struct hook *h, const struct conform_case *c,
			   int prog_fd, int *err, char *msg, size_t len);

#endif /* CONFORM_HOOKS_H */
