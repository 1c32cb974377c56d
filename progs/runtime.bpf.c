// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime semantics: what a free really does. Each case is run once with
 * BPF_PROG_TEST_RUN on a fresh arena. The program checks what it can see
 * from BPF and returns 0, or the number of the step that went wrong; it
 * leaves the addresses it worked on in the results map, where the runner's
 * user-space checks (the check= tags) find them:
 *
 *   zero:SLOT:N          N pages from addr[SLOT] read as zero through mmap
 *                        (waiting, with a bound, for a deferred free)
 *   pattern:SLOT:N:BYTE  page i of them holds byte BYTE+i, every byte
 *   segv:SLOT            reading addr[SLOT] from a child process is SIGSEGV
 */
#include "conform.h"

#define PAGE		4096
#define NUMA_NO_NODE	(-1)

extern void __arena *bpf_arena_alloc_pages(void *p__map, void __arena *addr__ign,
					   __u32 page_cnt, int node_id,
					   __u64 flags) __ksym __weak;
extern int bpf_arena_reserve_pages(void *p__map, void __arena *addr__ign,
				   __u32 page_cnt) __ksym __weak;

struct rt_result {
	__u64 addr[4];		/* user addresses, for the check= tags */
	__u64 got;		/* what a failed BPF-side check read */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_result);
} results SEC(".maps");

/* An arena whose user-space faults on absent pages are SIGSEGV. */
EXTRA_ARENA(arena_segv, BPF_F_MMAPABLE | BPF_F_SEGV_ON_FAULT);

#define __run(kind)	__conform("run=" kind)
#define __flags(f)	__conform("flags=" f)
#define __check(c)	__conform("check=" c)
#define __what(w)	__conform("what=" w)

#define RUN_CASE(name, sec, ptype, atype)				\
	SEC(sec) __case(ptype, atype, "") __conform("case=" #name)

static __always_inline struct rt_result *result(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&results, &key);
}

static __always_inline void record(struct rt_result *r, int slot,
				   void __arena *p)
{
	if (slot >= 0 && slot < 4)
		r->addr[slot] = (__u64)(void *)p;
}

/*
 * The loops below are open-coded iterators (conform.h): the verifier checks
 * the loop body once instead of 512 times per page, which keeps loading
 * these cases cheap.
 */

/* Page i of p gets byte (byte + i) in every position. */
static __always_inline void fill(void __arena *p, __u32 pages, __u8 byte)
{
	for (__u32 pg = 0; pg < pages && pg < ARENA_PAGES; pg++) {
		__u64 v = 0x0101010101010101ULL * (__u8)(byte + pg);
		/* volatile: a memset() in address space 1 cannot be lowered */
		volatile __u64 __arena *q = (__u64 __arena *)(p + pg * PAGE);
		struct bpf_iter_num it;
		int *i;

		bpf_iter_num_new(&it, 0, PAGE / 8);
		while ((i = bpf_iter_num_next(&it)))
			q[*i & (PAGE / 8 - 1)] = v;
		bpf_iter_num_destroy(&it);
	}
}

static __always_inline __u64 peek(void __arena *p)
{
	return *(volatile __u64 __arena *)p;
}

/*
 * The start of most cases: find the results, allocate PAGES pages from MAP
 * and fill them with BYTE; returns 1 or 2 from the case if that fails.
 */
#define SETUP(r, p, map, pages, byte)					\
	do {								\
		r = result();						\
		if (!r)							\
			return 1;					\
		p = bpf_arena_alloc_pages(&map, NULL, pages, NUMA_NO_NODE, 0); \
		if (!p)							\
			return 2;					\
		fill(p, pages, byte);					\
	} while (0)

/* Reading a freed page from BPF gives 0; user space sees a zero page. */
RUN_CASE(rt_free_basic, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__check("zero:0:1") __what("BPF reads 0 at the freed page")
int conform_case_rt_free_basic(void *ctx)
{
	struct rt_result *r;
	void __arena *p;

	SETUP(r, p, arena, 1, 0xa5);
	record(r, 0, p);
	bpf_arena_free_pages(&arena, p, 1);
	r->got = peek(p);
	return r->got ? 3 : 0;
}
ARENA_CONTROL(rt_free_basic, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* With BPF_F_SEGV_ON_FAULT, user space faults on the freed page instead. */
RUN_CASE(rt_free_segv, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__check("segv:0") __what("BPF reads 0 at the freed page")
int conform_case_rt_free_segv(void *ctx)
{
	struct rt_result *r;
	void __arena *p;

	SETUP(r, p, arena_segv, 1, 0xa5);
	record(r, 0, p);
	bpf_arena_free_pages(&arena_segv, p, 1);
	r->got = peek(p);
	return r->got ? 3 : 0;
}
ARENA_CONTROL(rt_free_segv, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* No-ops: page_cnt 0, a NULL pointer, a map that is not an arena. */
#define NOOP_CASE(name, call)						\
RUN_CASE(name, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")	\
__check("pattern:0:1:165") __what("BPF still reads the data")		\
int conform_case_##name(void *ctx)					\
{									\
	struct rt_result *r;						\
	void __arena *p;						\
									\
	SETUP(r, p, arena, 1, 0xa5);					\
	record(r, 0, p);						\
	call;								\
	r->got = peek(p);						\
	return r->got == 0xa5a5a5a5a5a5a5a5ULL ? 0 : 3;			\
}									\
ARENA_CONTROL(name, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

NOOP_CASE(rt_noop_cnt_zero, bpf_arena_free_pages(&arena, p, 0))
NOOP_CASE(rt_noop_null_ptr, bpf_arena_free_pages(&arena, NULL, 1))
NOOP_CASE(rt_noop_not_arena, bpf_arena_free_pages(&results, p, 1))
/* Pages that were never allocated, after the one that was. */
NOOP_CASE(rt_noop_never_allocated, bpf_arena_free_pages(&arena, p + PAGE, 3))

/* Bad input: a pointer past the arena's end, and one before its start. */
NOOP_CASE(rt_bad_ptr_past_end,
	  bpf_arena_free_pages(&arena, p + 4 * ARENA_PAGES * PAGE, 1))
NOOP_CASE(rt_bad_ptr_before_start, bpf_arena_free_pages(&arena, p - PAGE, 1))

/* A range that starts before the arena and ends inside it: ignored? */
NOOP_CASE(rt_bad_ptr_straddle_start, bpf_arena_free_pages(&arena, p - PAGE, 2))

/*
 * If such a free does free the page inside the arena, the arena must also
 * count it free: allocating that address again must work.
 */
RUN_CASE(rt_bad_ptr_straddle_leak, "syscall", BPF_PROG_TYPE_SYSCALL, )
__flags("sleepable") __check("pattern:0:1:11")
__what("after a straddling free, the page's address can be allocated again")
int conform_case_rt_bad_ptr_straddle_leak(void *ctx)
{
	struct rt_result *r;
	void __arena *p, *q;

	SETUP(r, p, arena, 1, 0xa5);
	bpf_arena_free_pages(&arena, p - PAGE, 2);
	r->got = peek(p);
	if (r->got) {
		/* ignored: the page is still ours */
		fill(p, 1, 11);
		record(r, 0, p);
		return 0;
	}
	q = bpf_arena_alloc_pages(&arena, p, 1, NUMA_NO_NODE, 0);
	if (!q)
		return 3;	/* freed, but still counted in use */
	fill(q, 1, 11);
	record(r, 0, q);
	return 0;
}
ARENA_CONTROL(rt_bad_ptr_straddle_leak, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* Bad input: a page_cnt far larger than the arena frees up to its end. */
RUN_CASE(rt_bad_cnt_huge, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__check("pattern:0:2:48") __check("zero:1:2")
__what("BPF reads 0 in the first freed page")
int conform_case_rt_bad_cnt_huge(void *ctx)
{
	struct rt_result *r;
	void __arena *p;

	SETUP(r, p, arena, 4, 48);
	record(r, 0, p);
	record(r, 1, p + 2 * PAGE);
	bpf_arena_free_pages(&arena, p + 2 * PAGE, 0xffffffff);
	r->got = peek(p + 2 * PAGE);
	return r->got ? 3 : 0;
}
ARENA_CONTROL(rt_bad_cnt_huge, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* A pointer into the middle of a page frees that page. */
RUN_CASE(rt_unaligned, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__check("zero:0:1") __what("BPF reads 0 at the start of the page")
int conform_case_rt_unaligned(void *ctx)
{
	struct rt_result *r;
	void __arena *p;

	SETUP(r, p, arena, 1, 0xa5);
	record(r, 0, p);
	bpf_arena_free_pages(&arena, p + 100, 1);
	r->got = peek(p);
	return r->got ? 3 : 0;
}
ARENA_CONTROL(rt_unaligned, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* 5 pages from the second-last: the last two are freed, nothing else. */
RUN_CASE(rt_clamp_end, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__check("pattern:0:14:16") __check("zero:1:2")
__what("BPF reads 0 in the last page")
int conform_case_rt_clamp_end(void *ctx)
{
	struct rt_result *r;
	void __arena *p;

	SETUP(r, p, arena, ARENA_PAGES, 16);
	record(r, 0, p);
	record(r, 1, p + (ARENA_PAGES - 2) * PAGE);
	bpf_arena_free_pages(&arena, p + (ARENA_PAGES - 2) * PAGE, 5);
	r->got = peek(p + (ARENA_PAGES - 1) * PAGE);
	return r->got ? 3 : 0;
}
ARENA_CONTROL(rt_clamp_end, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* Freeing twice is harmless, and the arena still allocates afterwards. */
RUN_CASE(rt_double_free, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__check("pattern:0:1:90")
__what("two frees, then a new allocation")
int conform_case_rt_double_free(void *ctx)
{
	struct rt_result *r = result();
	void __arena *p;

	if (!r)
		return 1;
	p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!p)
		return 2;
	bpf_arena_free_pages(&arena, p, 1);
	bpf_arena_free_pages(&arena, p, 1);
	p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!p)
		return 3;
	fill(p, 1, 90);
	record(r, 0, p);
	return 0;
}
ARENA_CONTROL(rt_double_free, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* Free the middle two of four pages: the outer two keep every byte. */
RUN_CASE(rt_partial, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
#ifdef CONFORM_BROKEN_EXPECTATION
__check("zero:0:1")	/* make test: the neighbour page is not zero */
#endif
__check("pattern:0:1:32") __check("zero:1:2") __check("pattern:2:1:35")
__what("BPF reads 0 in a freed page")
int conform_case_rt_partial(void *ctx)
{
	struct rt_result *r;
	void __arena *p;

	SETUP(r, p, arena, 4, 32);
	record(r, 0, p);
	record(r, 1, p + PAGE);
	record(r, 2, p + 3 * PAGE);
	bpf_arena_free_pages(&arena, p + PAGE, 2);
	r->got = peek(p + 2 * PAGE);
	return r->got ? 3 : 0;
}
ARENA_CONTROL(rt_partial, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* A freed address can be allocated again by asking for it. */
RUN_CASE(rt_realloc_same, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__check("pattern:0:1:7")
__what("a free, then an allocation at the same address gets it")
int conform_case_rt_realloc_same(void *ctx)
{
	struct rt_result *r = result();
	void __arena *p, *q;

	if (!r)
		return 1;
	p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!p)
		return 2;
	bpf_arena_free_pages(&arena, p, 1);
	q = bpf_arena_alloc_pages(&arena, p, 1, NUMA_NO_NODE, 0);
	if (q != p)
		return 3;
	fill(q, 1, 7);
	record(r, 0, q);
	return 0;
}
ARENA_CONTROL(rt_realloc_same, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* Freeing a reserved range un-reserves it (bpf_arena_reserve_pages, 6.17). */
RUN_CASE(rt_reserve_free, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__check("pattern:0:1:9")
__what("reserved: not allocatable; freed: allocatable again")
int conform_case_rt_reserve_free(void *ctx)
{
	struct rt_result *r = result();
	void __arena *p, *q;

	if (!r)
		return 1;
	p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!p)
		return 2;
	bpf_arena_free_pages(&arena, p, 1);
	if (bpf_arena_reserve_pages(&arena, p, 1))
		return 3;
	if (bpf_arena_alloc_pages(&arena, p, 1, NUMA_NO_NODE, 0))
		return 4;		/* a reserved page was handed out */
	bpf_arena_free_pages(&arena, p, 1);
	q = bpf_arena_alloc_pages(&arena, p, 1, NUMA_NO_NODE, 0);
	if (q != p)
		return 5;		/* still reserved after the free */
	fill(q, 1, 9);
	record(r, 0, q);
	return 0;
}
ARENA_CONTROL(rt_reserve_free, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

/* Non-sleepable callers (v7.0): the free is deferred; the check waits. */
#define DEFERRED_CASE(name, sec, ptype)					\
RUN_CASE(name, sec, ptype, ) __flags("plain") __check("zero:0:1")	\
__what("a non-sleepable alloc and free ran")				\
int conform_case_##name(void *ctx)					\
{									\
	struct rt_result *r;						\
	void __arena *p;						\
									\
	SETUP(r, p, arena, 1, 0xa5);					\
	record(r, 0, p);						\
	bpf_arena_free_pages(&arena, p, 1);				\
	return 0;							\
}									\
ARENA_CONTROL(name, sec, ptype, , "")

DEFERRED_CASE(rt_deferred_xdp, "xdp", BPF_PROG_TYPE_XDP)
DEFERRED_CASE(rt_deferred_socket_filter, "socket", BPF_PROG_TYPE_SOCKET_FILTER)
DEFERRED_CASE(rt_deferred_sched_cls, "tc", BPF_PROG_TYPE_SCHED_CLS)

/*
 * The stress driver: the runner calls it in a bounded loop with random
 * sizes and offsets, and checks every byte that must survive each step.
 */
struct stress_op {
	__u64 base;		/* the arena's user address */
	__u32 op;		/* 1: allocate, 2: free */
	__u32 pgoff;
	__u32 cnt;
	__u32 ok;		/* out: the allocation landed where asked */
};

RUN_CASE(rt_stress, "syscall", BPF_PROG_TYPE_SYSCALL, ) __flags("sleepable")
__run("stress")
int conform_case_rt_stress(struct stress_op *op)
{
	void __arena *p = (void __arena *)(op->base + (__u64)op->pgoff * PAGE);

	if (op->op == 1)
		op->ok = bpf_arena_alloc_pages(&arena, p, op->cnt, NUMA_NO_NODE, 0) == p;
	else if (op->op == 2)
		bpf_arena_free_pages(&arena, p, op->cnt);
	return 0;
}
ARENA_CONTROL(rt_stress, "syscall", BPF_PROG_TYPE_SYSCALL, , "")
