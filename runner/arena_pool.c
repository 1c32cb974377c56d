// SPDX-License-Identifier: GPL-2.0
/*
 * Arenas the run stage uses again. From v7.0 an arena fills in the page
 * tables of its whole 4 GiB kernel range when it is created
 * (populate_pgtable_except_pte() in kernel/bpf/arena.c), and clears them
 * when it goes: about 35 ms under TCG, the largest cost of a 7.x run stage
 * (docs/performance.md).
 *
 * An arena may serve a second test only if no program of an earlier test
 * can still free a page of it. A free made where the program cannot sleep
 * is deferred from v7.0: bpf_arena_free_pages_non_sleepable() queues the
 * span on the arena's free_spans, an irq_work schedules its free_work, and
 * arena_free_worker() frees. It may land after its test has ended, on the
 * next test's page: a false "runs". So the pool takes back only the arena
 * of a test whose program frees nothing but the run stage's page
 * (run_stage.c says which), and gives it out again only after a drain:
 *
 * 1. No program holds the arena: its refcnt is the pool's own references
 *    (its fd and its two programs; map_refs.c reads it). A program holds
 *    the maps it uses until it is freed, after a grace period (RCU tasks
 *    trace for a sleepable program, RCU for the others). So no run of any
 *    earlier program is in flight, from a hook, a timer or a workqueue,
 *    and none can start: every free it made is done, or queued.
 * 2. Two rounds of the pool's own programs: an XDP program, run by
 *    BPF_PROG_TEST_RUN, that frees page A of the arena, then one that frees
 *    page B, two pages no test frees. Each round faults its page in, runs
 *    the program and waits until the page is unmapped from user space.
 *    Page A gone: the worker execution that freed it took the queue
 *    (llist_del_all()) after A was queued, so with or after every earlier
 *    free. B, queued once A was gone, is freed by a later execution, and a
 *    work item never runs twice at once (workqueue non-reentrance,
 *    Documentation/core-api/workqueue.rst): once B is gone, every earlier
 *    free has landed.
 *
 * Until 2026-12-08 step 1 was "the program's id finds nothing, then
 * synchronize_rcu() (membarrier())", which cannot wait for RCU tasks trace:
 * sleepable programs were never pooled. An arena that a program still
 * holds waits, a little (HELD_NS: a fresh arena costs tens of milliseconds,
 * and on PREEMPT_RT a program often lets go later than that); one whose
 * round does not land in time (ROUND_NS, generous: a round may queue
 * behind thousands of frees) is closed, and counted. A kernel
 * where the pool's program does not load (a non-sleepable XDP program may
 * not call the kfunc before v7.0, when an arena is cheap to make), or
 * whose maps the iterator cannot read, gets no pool.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "arena_pool.h"
#include "util.h"
#include "map_refs.h"
#include "uapi_compat.h"

#define POOL_MAX	ARENA_POOL_MAX
#define ROUND_NS	(2000 * 1000000LL)	/* at most, for a round to land */
#define HELD_NS		(60 * 1000000LL)	/* at most, for a program to let go */
#define MARK		0x5a

enum slot_state { SLOT_EMPTY, SLOT_DIRTY, SLOT_CLEAN, SLOT_TAKEN };

struct slot {
	struct pooled_arena a;
	enum slot_state state;
	__u32 map_id;
	int drain_fd[2];	/* frees page A; frees page B */
	size_t drain_off[2];
};

static struct slot slots[POOL_MAX];
static int kfunc_id = -1;
static size_t avoid_off = (size_t)-1;
static bool disabled;
static struct arena_pool_stats stats;

void arena_pool_setup(const struct btf *vmlinux, int kfunc_btf_id,
		      size_t run_page_off)
{
	kfunc_id = kfunc_btf_id;
	avoid_off = run_page_off;
	disabled = kfunc_id <= 0 || (!map_refs_ready() && map_refs_open(vmlinux));
}

int arena_free_prog(int kfunc_btf_id, int arena_fd, __u32 addr)
{
	struct bpf_insn insns[] = {
		/* r1 = the arena */
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = arena_fd },
		{ 0 },
		/* r2 = the page's arena pointer (its lower 32 bits), r3 = 1 page */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = (__s32)addr },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = 1 },
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL,
		  .imm = kfunc_btf_id },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "conform_drain", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

/* Pool arenas are mapped 4 GiB-aligned: an offset is its arena pointer. */
int arena_pool_free_prog(int arena_fd, size_t off)
{
	return arena_free_prog(kfunc_id, arena_fd, (__u32)off);
}

static int run_prog(int fd)
{
	char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 1);

	return bpf_prog_test_run_opts(fd, &o);
}

long long arena_frees_landed(int free_fd, volatile unsigned char *page,
			     long long bound_ns)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	long long start = now_ns();

	*page = MARK;		/* faults it in, if it is not */
	if (run_prog(free_fd))
		return -1;
	while (arena_page_mapped(page, ps)) {
		if (now_ns() - start >= bound_ns) {
			errno = ETIMEDOUT;
			return -1;
		}
		usleep(20);
	}
	return (now_ns() - start) / 1000;
}

long long arena_last_page_landed(int kfunc_btf_id, int arena_fd,
				 void *mem, size_t len, int rounds,
				 long long bound_ns)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	volatile unsigned char *last = (unsigned char *)mem + len - ps;
	long long start = now_ns(), us = 0;
	int fd = arena_free_prog(kfunc_btf_id, arena_fd, (__u32)(uintptr_t)last);

	if (fd < 0)
		return -1;
	for (int i = 0; i < rounds && us >= 0; i++) {
		us = arena_frees_landed(fd, last, bound_ns - (now_ns() - start));
		if (us >= 0)
			us = (now_ns() - start) / 1000;
	}
	close(fd);
	return us;
}

static void slot_close(struct slot *s, bool arena_too)
{
	for (int i = 0; i < 2; i++)
		if (s->drain_fd[i] >= 0)
			close(s->drain_fd[i]);
	if (arena_too) {
		munmap(s->a.mem, s->a.len);
		close(s->a.fd);
	}
	memset(s, 0, sizeof(*s));
	s->state = SLOT_EMPTY;
	s->drain_fd[0] = s->drain_fd[1] = -1;
}

bool arena_page_mapped(const volatile void *p, size_t len)
{
	unsigned char vec = 1;

	if (mincore((void *)p, len, &vec))
		return true;	/* EAGAIN, ENOMEM: ask again */
	return vec & 1;
}

/*
 * 2, one round over n slots: free page `which` of each, and wait until it
 * is unmapped. A slot whose page does not go in time is closed.
 */
static void round_lands(struct slot **s, int n, int which)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	bool left[POOL_MAX];
	long long end;
	int cnt = 0;

	for (int i = 0; i < n; i++) {
		volatile unsigned char *p = (unsigned char *)s[i]->a.mem +
					    s[i]->drain_off[which];

		left[i] = false;
		if (s[i]->state != SLOT_DIRTY)
			continue;
		memset((void *)p, MARK, ps);	/* faults it in */
		if (run_prog(s[i]->drain_fd[which])) {
			slot_close(s[i], true);
			continue;
		}
		left[i] = true;
		cnt++;
	}
	end = now_ns() + ROUND_NS;
	while (cnt && now_ns() < end) {
		for (int i = 0; i < n; i++) {
			if (left[i] && !arena_page_mapped((unsigned char *)s[i]->a.mem +
						       s[i]->drain_off[which], ps)) {
				left[i] = false;
				cnt--;
			}
		}
		if (cnt)
			usleep(20);
	}
	for (int i = 0; i < n; i++) {
		if (left[i]) {
			stats.late++;
			slot_close(s[i], true);
		}
	}
}

static void disable(void)
{
	disabled = true;
	for (int i = 0; i < POOL_MAX; i++)
		if (slots[i].state == SLOT_DIRTY || slots[i].state == SLOT_CLEAN)
			slot_close(&slots[i], true);
}

/* The refcnt of an arena that only the pool holds: its fd, its programs. */
#define OWN_REFS 3

/* Steps 1 and 2 for every arena given back that no program holds. */
static void drain(void)
{
	struct slot *gone[POOL_MAX];
	long long refs[POOL_MAX];
	__u32 ids[POOL_MAX];
	long long t0 = now_ns();
	int n = 0;

	for (int i = 0; i < POOL_MAX; i++)
		ids[i] = slots[i].state == SLOT_DIRTY ? slots[i].map_id : 0;
	/*
	 * A program lets go of its maps a grace period after its last fd
	 * closes (15 to 30 ms in a 7.3.4 VM): the test just ended may still
	 * hold its arena. Wait, a little, only while no arena is free.
	 */
	for (;;) {
		if (map_refcounts(ids, POOL_MAX, refs)) {
			disable();
			return;
		}
		for (int i = 0; i < POOL_MAX; i++)
			if (ids[i] && refs[i] == OWN_REFS)
				gone[n++] = &slots[i];
		if (n || now_ns() - t0 >= HELD_NS)
			break;
		usleep(500);
	}
	if (!n)
		return;
	round_lands(gone, n, 0);
	round_lands(gone, n, 1);
	for (int i = 0; i < n; i++)
		if (gone[i]->state == SLOT_DIRTY)
			gone[i]->state = SLOT_CLEAN;
	stats.drains++;
	stats.drain_ns += now_ns() - t0;
}

static struct slot *clean_slot(__u32 map_flags, __u32 max_entries)
{
	for (int i = 0; i < POOL_MAX; i++)
		if (slots[i].state == SLOT_CLEAN && slots[i].a.map_flags == map_flags &&
		    slots[i].a.max_entries == max_entries)
			return &slots[i];
	return NULL;
}

bool arena_pool_take(__u32 map_flags, __u32 max_entries,
		     struct pooled_arena *a)
{
	struct slot *s;
	int used = 0;

	if (disabled)
		return false;
	s = clean_slot(map_flags, max_entries);
	if (!s) {
		for (int i = 0; i < POOL_MAX; i++)
			used += slots[i].state != SLOT_EMPTY;
		/*
		 * A drain's grace period and rounds cost about as much for
		 * eight arenas as for one: until the pool is full, a fresh
		 * arena goes into it, and then all are drained at once.
		 */
		if (used < POOL_MAX)
			return false;
		drain();
		s = clean_slot(map_flags, max_entries);
		if (!s)
			return false;
	}
	s->state = SLOT_TAKEN;
	*a = s->a;
	stats.taken++;
	return true;
}

static struct slot *slot_of(int fd)
{
	for (int i = 0; i < POOL_MAX; i++)
		if (slots[i].state == SLOT_TAKEN && slots[i].a.fd == fd)
			return &slots[i];
	return NULL;
}

/* A new arena: its two drain pages and programs. False: not poolable. */
static bool slot_init(struct slot *s, const struct pooled_arena *a)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);

	memset(s, 0, sizeof(*s));
	s->drain_fd[0] = s->drain_fd[1] = -1;
	if (a->len / ps < 3)
		return false;
	for (int i = 0; i < 2; i++) {
		s->drain_off[i] = a->len - (size_t)(2 - i) * ps;
		if (s->drain_off[i] == avoid_off)
			return false;
		s->drain_fd[i] = arena_pool_free_prog(a->fd, s->drain_off[i]);
		if (s->drain_fd[i] < 0) {
			/* This kernel cannot drain: no pool at all. */
			disable();
			return false;
		}
	}
	s->a = *a;
	s->map_id = map_id_of(a->fd);
	return s->map_id != 0;
}

bool arena_pool_give(const struct pooled_arena *a)
{
	struct slot *s = slot_of(a->fd);

	if (!s) {
		for (int i = 0; i < POOL_MAX && !s && !disabled; i++)
			if (slots[i].state == SLOT_EMPTY)
				s = &slots[i];
		if (!s)
			return false;
		if (!slot_init(s, a)) {
			slot_close(s, false);
			return false;
		}
	}
	if (disabled) {
		slot_close(s, false);
		return false;
	}
	s->state = SLOT_DIRTY;
	return true;
}

void arena_pool_forget(const struct pooled_arena *a)
{
	struct slot *s = slot_of(a->fd);

	if (s)
		slot_close(s, false);
}

void arena_pool_end(void)
{
	for (int i = 0; i < POOL_MAX; i++)
		if (slots[i].state != SLOT_EMPTY)
			slot_close(&slots[i], slots[i].state != SLOT_TAKEN);
	map_refs_close();
}

struct arena_pool_stats arena_pool_stats(void)
{
	return stats;
}
