// SPDX-License-Identifier: GPL-2.0
/*
 * The kfunc called from a callback the verifier checks as part of the
 * program: bpf_loop(), bpf_for_each_map_elem(), and an open-coded
 * iterator loop. SYSCALL programs (sleepable) and XDP ones (from v7.0).
 */
#include "conform.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} cb_elems SEC(".maps");

static int free_in_loop(__u32 i, void *data)
{
	FREE_ONE_PAGE();
	return 1;	/* stop after one iteration */
}

static __u64 free_in_elem(void *map, __u32 *key, __u64 *val, void *data)
{
	FREE_ONE_PAGE();
	return 1;
}

#define IN_BPF_LOOP	bpf_loop(1, free_in_loop, NULL, 0)
#define IN_FOR_EACH	bpf_for_each_map_elem(&cb_elems, free_in_elem, NULL, 0)
#define IN_ITER_LOOP							\
	struct bpf_iter_num it;						\
	int *i;								\
									\
	bpf_iter_num_new(&it, 0, 2);					\
	while ((i = bpf_iter_num_next(&it)))				\
		FREE_ONE_PAGE();					\
	bpf_iter_num_destroy(&it)

#define CALLBACK_CASES(where, body)					\
	ARENA_CASE_BODY(cb_##where##_syscall, "syscall",		\
			BPF_PROG_TYPE_SYSCALL, , "", body)		\
	ARENA_CASE_BODY(cb_##where##_xdp, "xdp",			\
			BPF_PROG_TYPE_XDP, BPF_XDP, "", body)

CALLBACK_CASES(bpf_loop, IN_BPF_LOOP)
CALLBACK_CASES(for_each_map_elem, IN_FOR_EACH)
CALLBACK_CASES(iter_loop, IN_ITER_LOOP)
