// SPDX-License-Identifier: GPL-2.0
/*
 * The kfunc called from a subprogram: a global function (verified on its
 * own, against its BTF prototype), and a static one two calls deep. A
 * static subprogram one call deep is progs/loader.bpf.c's subprog_static.
 * SYSCALL programs (sleepable), XDP ones (from v7.0) and bpf_dummy_ops
 * test_sleepable ones (struct_ops, either way): WHERE_CASES() in conform.h.
 */
#include "conform.h"

/* Global: the verifier checks it once, apart from its callers. */
__noinline int conform_free_global(void)
{
	FREE_ONE_PAGE();
	return 0;
}

static __noinline int free_deep2(void)
{
	FREE_ONE_PAGE();
	return 0;
}

static __noinline int free_deep1(void)
{
	return free_deep2();
}

#define SUBPROG_CASES(where, body) WHERE_CASES(sub_##where, body)

SUBPROG_CASES(global, conform_free_global())
SUBPROG_CASES(two_deep, free_deep1())
