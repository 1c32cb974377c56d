/* SPDX-License-Identifier: GPL-2.0 */
/* The run stage: attach an accepted program, fire its hook, see the free. */
#ifndef CONFORM_RUN_STAGE_H
#define CONFORM_RUN_STAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "test.h"

/*
 * If t's load was accepted and hooks.c can fire its hook: attach, fire,
 * check the page, and fill t's run_* fields. A runtime or race case: run
 * it with BPF_PROG_TEST_RUN and check what it did. Otherwise nothing.
 */
void run_stage(struct test *t, char *log, size_t log_size);

/*
 * What the run stage needs to know of the run: the rules, the kernel (its
 * version, and its vmlinux BTF for the arena pool's programs), and whether
 * to fire a hook whose run rule says the kernel warns there (a splat
 * rule). A kernel warning is often WARN_ON_ONCE (logged once per boot) and
 * taints the kernel: a known one is reproduced only when asked
 * (--reproduce-splats; vmtest.sh does not ask, see its runner_files()).
 */
void run_stage_setup(const struct ruleset *rs, const struct kernel *k,
		     bool reproduce_splats);

/*
 * After the last run stage: the kernel stops counting program runs, what
 * the hooks left attached is detached, and the arena pool is closed.
 * Returns how many BPF links the runner still holds then: 0, unless the
 * runner itself is broken (a link it forgot to close would keep a program
 * attached to its hook for the rest of the process).
 */
int run_stage_end(void);

/* Where a run stage's time goes, test by test (observe_run()). */
enum run_phase {
	RUN_MAPS,	/* fresh maps, or a pooled arena and its drain */
	RUN_LOAD,	/* the second load */
	RUN_FIRE,	/* attach, fire, detach; or BPF_PROG_TEST_RUN and its checks */
	RUN_WAIT,	/* waiting for a deferred free, or for none */
	RUN_PHASES
};

struct run_stage_stats {
	int tests;
	long long phase_ns[RUN_PHASES];
	long long wall_ns;	/* in run stages */
	long long bpf_ns;	/* of that, in bpf() */
	long long arenas_reused; /* arena_pool.c's */
	long long drains;
	long long drain_ns;
	long long drains_late;	/* arenas closed: a drain's round did not land */
};

struct run_stage_stats run_stage_stats(void);

#endif /* CONFORM_RUN_STAGE_H */
