// SPDX-License-Identifier: GPL-2.0
/*
 * arena_pool.c against a real kernel: an arena it gives out again gets no
 * free from the program of an earlier test. It needs root and a kernel on
 * which a program that cannot sleep may call the kfunc (v7.0, where such a
 * free is deferred); anywhere else it exits 4 and says why.
 *
 * 1. An arena that a program still holds is not given out.
 * 2. Frees queued before a drain have landed when take() returns: an XDP
 *    program frees the run stage's page RUNS times (BPF_PROG_TEST_RUN with
 *    repeat, each a deferred free), and is closed; the page is faulted in
 *    again as soon as the pool gives the arena out, and must stay mapped
 *    for WATCH_MS. So that frees are still queued when the pool is asked,
 *    this thread runs SCHED_FIFO on one CPU until then, which holds the
 *    worker back until it sleeps, as the drain does, though not for sure
 *    (see 3): a broken pool is caught in most rounds, not in all. A round
 *    where the pool keeps the arena back instead (it could not prove it
 *    clean, which is safe) checks nothing; at most half may.
 *
 * 3. arena_last_page_landed() (arena_frees_landed() on the arena's last
 *    page), which runtime.c and run_stage.c wait with: a page that user
 *    space no longer maps (MADV_DONTNEED drops its PTE, the arena keeps
 *    the page) gets LANDED_RUNS deferred frees, queued under SCHED_FIFO as
 *    in 2; then one round of arena_last_page_landed(). When it
 *    returns, its own page must be unmapped, and a BPF read of the first
 *    page must find it out of the kernel's mapping (0, not the byte
 *    written). Nothing in user space touches that page meanwhile: that
 *    race is what it is for. A copy that does not wait
 *    fails the first check; the second shows the order it relies on, on
 *    a real kernel, but cannot catch that copy for sure: on 7.3.4 the
 *    frees often land before the run returns, SCHED_FIFO or not (the
 *    scheduler's fair server, from 6.12, lets the worker run, we think).
 *
 * make test also runs it against three broken copies of arena_pool.c (the
 * Makefile's POOL_MUTANTS): without the drain's two rounds, without the
 * check that no program holds the arena, and with an arena_frees_landed()
 * that does not wait. Each must fail here.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "arena_pool.h"
#include "maps.h"
#include "uapi_compat.h"
#include "unit.h"

#define PAGES		16
#define RUN_OFF		0x8000	/* progs/conform.h's RUN_PAGE_OFFSET */
#define RUNS		5000
#define WATCH_MS	100
#define ROUNDS		8
#define LANDED_RUNS	64	/* 3: frees queued before arena_frees_landed() */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int skip(const char *why)
{
	printf("check_arena_pool: SKIP: %s\n", why);
	return 4;
}

/* BPF_PROG_TEST_RUN repeat times: 0, or -1 with errno. *retval: the last. */
static int run(int prog_fd, int repeat, __u32 *retval)
{
	char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &o);

	if (retval)
		*retval = o.retval;
	return err;
}

/*
 * An XDP program that returns the byte at the arena pointer addr, read
 * from the kernel's side: 0 once the page is out of the kernel's mapping
 * (an arena load that faults reads 0).
 */
static int probe_prog(int arena_fd, __u32 addr)
{
	struct bpf_insn insns[] = {
		/* the arena, which makes it this program's */
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = arena_fd },
		{ 0 },
		/* w2 = addr; r2 = addr_space_cast(r2, 0, 1): a kernel pointer */
		{ .code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = (__s32)addr },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_2, .off = BPF_ADDR_SPACE_CAST, .imm = 1 },
		/* r0 = *(u8 *)r2 */
		{ .code = BPF_LDX | BPF_MEM | BPF_B, .dst_reg = BPF_REG_0,
		  .src_reg = BPF_REG_2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "conform_probe", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

/* The probe's answer, or -1. */
static int probe(int fd)
{
	__u32 byte;

	return run(fd, 1, &byte) ? -1 : (int)byte;
}

/* SCHED_FIFO on CPU 0, or back to SCHED_OTHER. */
static int realtime(bool on)
{
	struct sched_param sp = { .sched_priority = on ? 1 : 0 };
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (on && sched_setaffinity(0, sizeof(cpus), &cpus))
		return -1;
	return sched_setscheduler(0, on ? SCHED_FIFO : SCHED_OTHER, &sp);
}

/* Take arenas until the pool gives out want; give the others back. */
static bool take_until(int want, struct pooled_arena *got)
{
	struct pooled_arena others[ARENA_POOL_MAX];
	int n = 0;
	bool found = false;

	while (!found && n < ARENA_POOL_MAX &&
	       arena_pool_take(BPF_F_MMAPABLE, PAGES, &others[n])) {
		if (others[n].fd == want) {
			*got = others[n];
			found = true;
		} else {
			n++;
		}
	}
	for (int i = 0; i < n; i++)
		arena_pool_give(&others[i]);
	return found;
}

int main(void)
{
	struct pooled_arena a[ARENA_POOL_MAX], got[ARENA_POOL_MAX], t;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	volatile unsigned char *page;
	struct btf *btf;
	volatile unsigned char *last;
	int stale, id, pfd, want, kept = 0, taken = 0;
	bool alive_given = false;
	long long end;
	char err[256];

	btf = btf__load_vmlinux_btf();
	id = btf ? btf__find_by_name_kind(btf, "bpf_arena_free_pages", BTF_KIND_FUNC) : -1;
	if (id <= 0)
		return skip("vmlinux BTF has no bpf_arena_free_pages");
	arena_pool_setup(btf, id, RUN_OFF);
	btf__free(btf);
	for (int i = 0; i < ARENA_POOL_MAX; i++) {
		if (arena_create_aligned("pool_check", BPF_F_MMAPABLE, PAGES, &a[i],
					 err, sizeof(err))) {
			snprintf(err + strlen(err), sizeof(err) - strlen(err),
				 " (root, and a kernel with arenas)");
			return skip(err);
		}
	}
	page = (unsigned char *)a[0].mem + RUN_OFF;
	stale = arena_pool_free_prog(a[0].fd, RUN_OFF);
	if (stale < 0)
		return skip("a program that cannot sleep may not call the kfunc here (before v7.0)");
	if (!arena_pool_give(&a[0]))
		return skip("the pool cannot drain arenas on this kernel");
	for (int i = 1; i < ARENA_POOL_MAX; i++)
		CHECK(arena_pool_give(&a[i]), "the pool did not take arena %d", i);

	/* 1: a program holds a[0] (stale is open). */
	while (taken < ARENA_POOL_MAX && arena_pool_take(BPF_F_MMAPABLE, PAGES, &got[taken])) {
		alive_given |= got[taken].fd == a[0].fd;
		taken++;
	}
	CHECK(!alive_given, "an arena that a program holds was given out");
	CHECK(taken == ARENA_POOL_MAX - 1, "%d arenas given out, want %d",
	      taken, ARENA_POOL_MAX - 1);
	for (int i = 0; i < taken; i++)
		arena_pool_give(&got[i]);

	/*
	 * 2, ROUNDS times: RUNS deferred frees of the page, then the program
	 * is gone. The first program is the one of 1.
	 */
	want = a[0].fd;
	for (int r = 0; r < ROUNDS; r++) {
		long long t0;
		int zaps = 0;

		if (r) {
			stale = arena_pool_free_prog(t.fd, RUN_OFF);
			CHECK(stale >= 0, "the stale program: %s", strerror(errno));
			CHECK(arena_pool_give(&t), "the pool did not take the arena back");
		}
		memset((void *)page, 1, ps);
		CHECK(!realtime(true), "SCHED_FIFO on CPU 0: %s", strerror(errno));
		CHECK(!run(stale, RUNS, NULL), "BPF_PROG_TEST_RUN: %s", strerror(errno));
		close(stale);
		t0 = now_ms();
		if (!take_until(want, &t)) {
			/*
			 * The pool kept it back (it could not prove it clean:
			 * a round of its own free did not land in time, or a
			 * program still held it). Safe, but this round
			 * checked nothing.
			 */
			realtime(false);
			printf("# round %d: the pool kept the arena back (%lld ms)\n",
			       r, now_ms() - t0);
			kept++;
			CHECK(!arena_create_aligned("pool_check", BPF_F_MMAPABLE, PAGES, &t,
						    err, sizeof(err)), "%s", err);
			want = t.fd;
			page = (unsigned char *)t.mem + RUN_OFF;
			continue;
		}
		memset((void *)page, 1, ps);
		realtime(false);
		for (end = now_ms() + WATCH_MS; now_ms() < end; usleep(100)) {
			if (!arena_page_mapped(page, ps)) {
				zaps++;
				memset((void *)page, 1, ps);
			}
		}
		printf("# round %d: the pool gave the arena out after %lld ms\n", r, now_ms() - t0 - WATCH_MS);
		CHECK(zaps == 0, "round %d: %d frees queued before the drain landed after it",
		      r, zaps);
	}
	CHECK(kept <= ROUNDS / 2, "the pool kept the arena back in %d rounds of %d: too few checked",
	      kept, ROUNDS);
	arena_pool_forget(&t);
	munmap(t.mem, t.len);
	close(t.fd);
	arena_pool_end();

	/* 3: a fresh arena, outside the pool. */
	CHECK(!arena_create_aligned("landed_check", BPF_F_MMAPABLE, PAGES, &t,
				    err, sizeof(err)), "%s", err);
	page = (unsigned char *)t.mem + RUN_OFF;
	pfd = probe_prog(t.fd, RUN_OFF);
	CHECK(pfd >= 0, "the probe program: %s", strerror(errno));
	stale = arena_pool_free_prog(t.fd, RUN_OFF);
	CHECK(stale >= 0, "the free program: %s", strerror(errno));
	last = (unsigned char *)t.mem + (PAGES - 1) * ps;
	for (int r = 0; r < ROUNDS; r++) {
		long long us;
		int before, after;
		bool own;

		memset((void *)page, 7, ps);	/* allocates it */
		CHECK(!madvise((void *)page, ps, MADV_DONTNEED), "madvise: %s",
		      strerror(errno));
		before = probe(pfd);
		CHECK(before == 7 && !arena_page_mapped(page, ps),
		      "round %d: after MADV_DONTNEED the kernel reads %d, want 7, and user space %s",
		      r, before, arena_page_mapped(page, ps) ? "maps it" : "does not map it");
		*last = 1;	/* mapped: the wait must unmap it */
		CHECK(!realtime(true), "SCHED_FIFO on CPU 0: %s", strerror(errno));
		CHECK(!run(stale, LANDED_RUNS, NULL), "BPF_PROG_TEST_RUN: %s", strerror(errno));
		us = arena_last_page_landed(id, t.fd, t.mem, t.len, 1, 2000000000LL);
		own = arena_page_mapped(last, ps);
		after = probe(pfd);
		realtime(false);
		printf("# round %d: arena_last_page_landed() returned after %lld us\n", r, us);
		CHECK(us >= 0, "round %d: arena_last_page_landed(): %s", r, strerror(errno));
		CHECK(!own, "round %d: arena_last_page_landed() returned with its own page still mapped", r);
		CHECK(after == 0, "round %d: the kernel still reads %d at the page after arena_last_page_landed() returned",
		      r, after);
	}
	close(stale);
	close(pfd);
	munmap(t.mem, t.len);
	close(t.fd);
	return unit_done("check_arena_pool");
}
