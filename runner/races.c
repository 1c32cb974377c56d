// SPDX-License-Identifier: GPL-2.0
/*
 * The races of progs/races.bpf.c: the case, an XDP program that frees
 * every page of its arena, runs in a loop on one CPU while something else
 * happens on the other (the case's run= tag says what). Afterwards nothing
 * may be lost: every page of the arena allocates again. The kernel's log
 * around the race is read by the run stage (run_stage.c), as for every
 * other run: a warning there makes the outcome "splat".
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "load.h"
#include "races.h"
#include "util.h"

#define RACE_NS		(300 * 1000000LL)	/* how long each race runs */
#define SETTLE_US	200000			/* for a closed arena to go */
#define LAND_NS		(2000 * 1000000LL)	/* at most, for deferred frees to land */
#define LAND_STEP_US	2000

/* Must match struct race_op in progs/races.bpf.c. */
struct race_op {
	__u64 addr;
	__u32 op;	/* 1: allocate, 2: free */
	__u32 cnt;
	__u32 ok;
	__u32 pad;
};

struct race {
	int case_fd, partner_fd;
	struct fresh_map *arena;
	__u64 base;			/* its user address, mapped or not */
	size_t pages, page_size;
	volatile bool stop;
	long long frees;		/* test runs of the case */
	long long allocs, alloc_ok;	/* partner allocations, and those that landed */
	long long segv;			/* user accesses that faulted: a page being freed */
	long long passes;		/* race-fault: reads of every page */
	long long land_us;		/* from the race's end until every page allocated */
	int err;			/* a failed BPF_PROG_TEST_RUN: -errno */
};

/* On CPU cpu if there is one: the race wants two CPUs. */
static void pin(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) <= cpu)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int partner(struct race *r, __u32 op, size_t pgoff, __u32 cnt, bool *ok)
{
	struct race_op o = { .addr = r->base + pgoff * r->page_size,
			     .op = op, .cnt = cnt };
	/* A SYSCALL program's context is copied back to ctx_in. */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &o, .ctx_size_in = sizeof(o));

	if (bpf_prog_test_run_opts(r->partner_fd, &opts))
		return -errno;
	if (ok)
		*ok = o.ok;
	return 0;
}

/* The case in a loop, until told to stop. */
static void *free_loop(void *arg)
{
	struct race *r = arg;
	unsigned char packet[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet,
		    .data_size_in = sizeof(packet), .repeat = 16);

	pin(0);
	while (!r->stop) {
		/* Set by the last run: no data_out to copy to. */
		opts.data_size_out = 0;
		if (bpf_prog_test_run_opts(r->case_fd, &opts)) {
			r->err = -errno;
			break;
		}
		r->frees += 16;
	}
	return NULL;
}

static __thread sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	siglongjmp(segv_jmp, sig);
}

/*
 * Each page of p..p+len: written (memset 0x5a) or one byte of it read.
 * False if that faulted (SIGSEGV): a page being freed.
 */
static bool touch_pages(char *p, size_t len, size_t page_size, bool write)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	volatile bool ok = true;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(segv_jmp, 1))
		ok = false;
	else
		for (size_t off = 0; off < len; off += page_size)
			if (write)
				memset(p + off, 0x5a, page_size);
			else
				(void)*(volatile char *)(p + off);
	sigaction(SIGSEGV, &old, NULL);
	return ok;
}

/*
 * race-fault: user space reads every page, over and over. The other CPU
 * frees them all, so nearly every read is a fault, which maps a new page
 * (arena_vm_fault()) that the next free then unmaps and frees: the free
 * against the fault of the same page.
 */
static void fault_loop(struct race *r, long long until)
{
	while (now_ns() < until && !r->err) {
		r->segv += !touch_pages(r->arena->mem, r->arena->len, r->page_size, false);
		r->passes++;
	}
}

/* race-alloc: the partner allocates and frees, user space writes the pages. */
static void alloc_loop(struct race *r, long long until)
{
	__u32 seed = 0x9e3779b9;

	while (now_ns() < until && !r->err) {
		size_t pg;
		__u32 cnt;
		bool ok = false;

		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		pg = seed % r->pages;
		cnt = (__u32)(seed >> 8) % 3 + 1;
		if (pg + cnt > r->pages)
			cnt = (__u32)(r->pages - pg);
		if (partner(r, 1, pg, cnt, &ok))
			return;
		r->allocs++;
		r->alloc_ok += ok;
		/*
		 * The other CPU may free it under us. A fault then maps a new
		 * page, or, if it comes while the deferred free is between
		 * clearing the page and giving its range back, is a SIGSEGV: a
		 * write to a page being freed, which user space is told so.
		 */
		if (ok && r->arena->mem)
			r->segv += !touch_pages((char *)r->arena->mem + pg * r->page_size,
						cnt * r->page_size, r->page_size, true);
		if (partner(r, 2, pg, cnt, NULL))
			return;
	}
}

/*
 * Every page allocates again (one call, all of them), and is given back.
 * What the partner or a fault holds is freed first. The case's last frees
 * may still be on their way (deferred, from 7.0): until they land the
 * allocation fails, so it is tried again every LAND_STEP_US, for at most
 * LAND_NS. Pages that do not come back by then were lost.
 */
static bool nothing_lost(struct race *r, char *msg, size_t len)
{
	long long t0 = now_ns(), end = t0 + LAND_NS;
	bool ok = false;
	int e;

	e = partner(r, 2, 0, (__u32)r->pages, NULL);
	while (!e) {
		e = partner(r, 1, 0, (__u32)r->pages, &ok);
		if (e || ok || now_ns() >= end)
			break;
		usleep(LAND_STEP_US);
	}
	r->land_us = (now_ns() - t0) / 1000;
	if (e) {
		snprintf(msg, len, "the partner's BPF_PROG_TEST_RUN: %s", strerror(-e));
		return false;
	}
	if (!ok) {
		snprintf(msg, len, "%lld ms after the race, the arena's %zu pages do not allocate again: pages were lost",
			 LAND_NS / 1000000, r->pages);
		return false;
	}
	partner(r, 2, 0, (__u32)r->pages, NULL);
	return true;
}

/* The run= tag of each race, in progs/races.bpf.c. */
static const char *const race_tags[] = {
	[RACE_ALLOC] = "race-alloc",
	[RACE_MUNMAP] = "race-munmap",
	[RACE_CLOSE] = "race-close",
	[RACE_FAULT] = "race-fault",
};

bool race_kind_parse(const char *run, enum race_kind *kind)
{
	for (size_t k = 0; k < sizeof(race_tags) / sizeof(race_tags[0]); k++) {
		if (!strcmp(run, race_tags[k])) {
			*kind = (enum race_kind)k;
			return true;
		}
	}
	return false;
}

static const char *const what[] = {
	[RACE_ALLOC] = "all along, the other CPU allocated and freed them from a sleepable program and wrote them from user space",
	[RACE_MUNMAP] = "halfway, the other CPU unmapped the arena from user space",
	[RACE_CLOSE] = "halfway, the other CPU closed the arena's last fd, and then the program's",
	[RACE_FAULT] = "all along, the other CPU read every page from user space, faulting each in again",
};

bool races_run(enum race_kind kind, int *case_fd, int *partner_fd,
	       struct map_set *maps, char *info, size_t infolen, char *msg,
	       size_t msglen)
{
	struct race r = { .case_fd = *case_fd, .partner_fd = *partner_fd };
	const struct fresh_map *arena = map_set_find(maps, "arena");
	const struct fresh_map *base = map_set_find(maps, "race_base");
	cpu_set_t cpus;
	long long t0;
	pthread_t t;
	__u32 key = 0;
	__u64 addr;
	bool ok = true;

	info[0] = msg[0] = '\0';
	if (!arena || !arena->mem || !base) {
		snprintf(msg, msglen, "a race needs the mapped arena \"arena\" and the map \"race_base\"");
		return false;
	}
	r.arena = (struct fresh_map *)arena;
	r.page_size = (size_t)sysconf(_SC_PAGESIZE);
	r.pages = arena->len / r.page_size;
	addr = r.base = (uintptr_t)arena->mem;
	if (bpf_map_update_elem(base->fd, &key, &addr, 0)) {
		snprintf(msg, msglen, "race_base: %s", strerror(errno));
		return false;
	}
	sched_getaffinity(0, sizeof(cpus), &cpus);
	if (pthread_create(&t, NULL, free_loop, &r)) {
		snprintf(msg, msglen, "pthread_create failed");
		return false;
	}
	pin(1);
	t0 = now_ns();
	if (kind == RACE_ALLOC) {
		alloc_loop(&r, t0 + RACE_NS);
	} else if (kind == RACE_FAULT) {
		fault_loop(&r, t0 + RACE_NS);
	} else {
		/* Pages to free: all of them, written from user space. */
		r.segv += !touch_pages(arena->mem, arena->len, r.page_size, true);
		usleep(RACE_NS / 2000);
		if (kind == RACE_MUNMAP) {
			munmap(arena->mem, arena->len);
		} else {
			close(r.arena->fd);
			r.arena->fd = -1;
		}
		r.arena->mem = NULL;
		usleep(RACE_NS / 2000);
	}
	r.stop = true;
	pthread_join(t, NULL);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	if (r.err) {
		snprintf(msg, msglen, "the case's BPF_PROG_TEST_RUN: %s", strerror(-r.err));
		ok = false;
	} else if (kind == RACE_CLOSE) {
		/* The map goes with the program, frees or no frees pending. */
		close(*case_fd);
		close(*partner_fd);
		*case_fd = *partner_fd = -1;
		usleep(SETTLE_US);
	} else {
		ok = nothing_lost(&r, msg, msglen);
	}
	if (ok)
		snprintf(info, infolen, kind == RACE_CLOSE ?
			 "%lld frees of every page in XDP on one CPU; %s; then the program and its arena closed" :
			 "%lld frees of every page in XDP on one CPU; %s; then all its pages allocated again, %lld us after the race",
			 r.frees, what[kind], r.land_us);
	if (ok && kind == RACE_ALLOC)
		snprintf(info + strlen(info), infolen - strlen(info),
			 " (%lld of %lld allocations landed; %lld user writes hit a page being freed: SIGSEGV)",
			 r.alloc_ok, r.allocs, r.segv);
	if (ok && kind == RACE_FAULT)
		snprintf(info + strlen(info), infolen - strlen(info),
			 " (%lld passes over the pages; %lld hit a page being freed: SIGSEGV)",
			 r.passes, r.segv);
	return ok;
}
