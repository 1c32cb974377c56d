// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: the cost of bpf_arena_free_pages() per page. Each run
 * allocates page_cnt pages and times the free with bpf_ktime_get_ns().
 * bench_probe tells user space when a non-sleepable program's deferred
 * frees have landed. Not a conformance case, so it lives apart from the
 * case objects.
 */
#include "conform.h"

#define NUMA_NO_NODE (-1)
#define BENCH_PAGES 1024

extern void __arena *bpf_arena_alloc_pages(void *p__map, void __arena *addr__ign,
					   __u32 page_cnt, int node_id,
					   __u64 flags) __ksym __weak;

/* An arena of its own, declared as conform.h's EXTRA_ARENA() does. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, BENCH_PAGES);
} bench_arena SEC(".maps") __conform("arena");

struct bench_stat {
	__u32 page_cnt;		/* in */
	__u32 failed;		/* out: allocations that failed */
	__u64 ns;		/* out: time spent in the free */
	__u64 runs;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_stat);
} bench_stat SEC(".maps");

static __always_inline int bench_once(void)
{
	__u32 key = 0;
	struct bench_stat *st = bpf_map_lookup_elem(&bench_stat, &key);
	void __arena *p;
	__u64 t0;

	if (!st)
		return 1;
	p = bpf_arena_alloc_pages(&bench_arena, NULL, st->page_cnt, NUMA_NO_NODE, 0);
	if (!p) {
		st->failed++;
		return 1;
	}
	t0 = bpf_ktime_get_ns();
	bpf_arena_free_pages(&bench_arena, p, st->page_cnt);
	st->ns += bpf_ktime_get_ns() - t0;
	st->runs++;
	return 0;
}

/* Sleepable: the free happens in the call. */
SEC("syscall") __case(BPF_PROG_TYPE_SYSCALL, , "") __conform("case=bench_syscall")
int conform_case_bench_syscall(void *ctx)
{
	return bench_once();
}
ARENA_CONTROL(bench_syscall, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* Non-sleepable (v7.0): the call only queues a deferred free. */
SEC("xdp") __case(BPF_PROG_TYPE_XDP, , "") __conform("case=bench_xdp")
int conform_case_bench_xdp(void *ctx)
{
	bench_once();
	return XDP_PASS;
}
ARENA_CONTROL(bench_xdp, "xdp", BPF_PROG_TYPE_XDP, , "")

/*
 * Sleepable: allocate the whole arena and free it at once. That succeeds
 * only when no page of the arena is still allocated, so once it does,
 * every deferred free queued before has landed. bench.c runs it on the
 * XDP program's arena.
 */
SEC("syscall") __case(BPF_PROG_TYPE_SYSCALL, , "") __conform("case=bench_probe")
int conform_case_bench_probe(void *ctx)
{
	void __arena *p;

	p = bpf_arena_alloc_pages(&bench_arena, NULL, BENCH_PAGES, NUMA_NO_NODE, 0);
	if (!p)
		return 1;
	bpf_arena_free_pages(&bench_arena, p, BENCH_PAGES);
	return 0;
}
ARENA_CONTROL(bench_probe, "syscall", BPF_PROG_TYPE_SYSCALL, , "")
