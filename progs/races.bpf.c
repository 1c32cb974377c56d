// SPDX-License-Identifier: GPL-2.0
/*
 * Races: a free against something else on the other CPU. Each case is an
 * XDP program (never sleepable: from v7.0 its frees are deferred, to
 * irq_work and then a workqueue) that frees every page of its arena; the
 * runner runs it in a loop on one CPU with BPF_PROG_TEST_RUN while on the
 * other CPU (runner/races.c, by the case's run= tag):
 *
 *   race-alloc   its partner, a sleepable SYSCALL program, allocates and
 *                frees pages, and user space writes them;
 *   race-munmap  user space unmaps the arena's pages;
 *   race-close   user space closes the arena's last fd, and then the
 *                program's, with frees still on their way;
 *   race-fault   user space reads every page, so that each free races
 *                the fault that maps the page in again.
 *
 * Then nothing may be lost (all the arena's pages allocate again), and the
 * kernel must have logged no warning.
 */
#include "conform.h"

#define NUMA_NO_NODE	(-1)

extern void __arena *bpf_arena_alloc_pages(void *p__map, void __arena *addr__ign,
					   __u32 page_cnt, int node_id,
					   __u64 flags) __ksym __weak;

/* Must match struct race_op in runner/races.c. */
struct race_op {
	__u64 addr;		/* a user address in the arena */
	__u32 op;		/* 1: allocate, 2: free */
	__u32 cnt;
	__u32 ok;		/* out: the allocation landed at addr */
	__u32 pad;
};

/* The arena's user address, for the XDP program (it has no context to get it from). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} race_base SEC(".maps");

/* The partner of every race: allocate or free, as user space asks. */
SEC("syscall") __conform("role=partner")
__case(BPF_PROG_TYPE_SYSCALL, , "")
int race_partner(struct race_op *op)
{
	void __arena *p = (void __arena *)op->addr;

	if (op->op == 1)
		op->ok = bpf_arena_alloc_pages(&arena, p, op->cnt, NUMA_NO_NODE, 0) == p;
	else
		bpf_arena_free_pages(&arena, p, op->cnt);
	return 0;
}

#define RACE_CASE(name, kind)						\
SEC("xdp") __case(BPF_PROG_TYPE_XDP, BPF_XDP, "")			\
__conform("case=" #name) __conform("run=" kind)				\
__conform("partner=race_partner") __conform("flags=plain")		\
int conform_case_##name(void *ctx)					\
{									\
	__u32 key = 0;							\
	__u64 *base = bpf_map_lookup_elem(&race_base, &key);		\
									\
	if (base)							\
		bpf_arena_free_pages(&arena, (void __arena *)*base,	\
				     ARENA_PAGES);			\
	return 0;							\
}									\
ARENA_CONTROL(name, "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, "")

RACE_CASE(race_free_vs_alloc, "race-alloc")
RACE_CASE(race_free_vs_munmap, "race-munmap")
RACE_CASE(race_free_vs_close, "race-close")
RACE_CASE(race_free_vs_fault, "race-fault")
