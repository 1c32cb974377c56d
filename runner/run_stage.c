// SPDX-License-Identifier: GPL-2.0
/*
 * The run stage: "accept" means the verifier accepted the program; this
 * says whether it runs. For a load the verifier accepted, and whose hook
 * hooks.c can fire: load the program again on fresh maps (an arena of its
 * own, mapped at a 4 GiB-aligned address, or one arena_pool.c has drained
 * of every earlier free), fault in the page that
 * FREE_ONE_PAGE() frees and fill it, attach the program to its real hook,
 * fire it, detach, and ask mincore() whether the page is still mapped in
 * user space. Freeing it unmaps it from every user mapping (zap_pages()
 * in kernel/bpf/arena.c), and nothing else does while the arena is
 * mapped. A deferred free (v7.0, not sleepable) lands a little later, so
 * the check waits, with a bound, and reports how long it took. The kernel
 * also counts the program's runs meanwhile (BPF_ENABLE_STATS): one that
 * never ran has no free on its way, so there is nothing to wait for, and
 * a page unmapped by a program that never ran is an error, not "runs".
 *
 * The check never touches the page again: a read would fault a new page
 * in at that address, and a free still on its way (a program that fired
 * more than once, as one on sched_switch does) would then free that page
 * while the fault holds it locked. On Debian's 7.3.4 that is "BUG: Bad
 * page state" from arena_free_worker(), seen twice in 35 runs. That race
 * belongs to races.bpf.c (race_free_vs_fault aims at it, and has not hit
 * it yet), not to a side effect of how this stage looks. Whatever the kernel logged meanwhile (a WARN, a BUG, a
 * lockdep report, "sleeping function called from invalid context", an RCU
 * stall) makes the outcome "splat".
 *
 * A runtime or race case has no hook: its run stage is BPF_PROG_TEST_RUN
 * on fresh maps and the checks of runtime.c, or the race of races.c
 * (observe_test_run()).
 *
 * One run stage at a time (a lock): the hooks are system-wide, the kernel
 * log must be about this test alone, and a race wants both CPUs.
 */
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena_pool.h"
#include "bpf_time.h"
#include "hooks.h"
#include "kmsg.h"
#include "map_refs.h"
#include "maps.h"
#include "races.h"
#include "run_stage.h"
#include "runtime.h"
#include "uapi_compat.h"
#include "util.h"

#define RUN_PAGE_OFFSET	0x8000	/* progs/conform.h: FREE_ONE_PAGE() */
#define MARK		0xa5
#define FREE_WAIT_NS	(500 * 1000000LL)

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static int stats_fd = -1;	/* BPF_ENABLE_STATS, from the first run stage on */
static bool stats_tried;
static struct run_stage_stats stats;
static const struct ruleset *rules;
static unsigned int kernel_version;
static bool reproduce;
static int kfunc_id = -1;	/* for the run stage's own frees */

void run_stage_setup(const struct ruleset *rs, const struct kernel *k,
		     bool reproduce_splats)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	/* The pool's programs call the kfunc: by the running kernel's id. */
	bool own_btf = !strcmp(k->btf_path, "/sys/kernel/btf/vmlinux");

	rules = rs;
	kernel_version = k->version;
	reproduce = reproduce_splats;
	kfunc_id = own_btf ? kernel_func_id(k, KFUNC_NAME) : -1;
	arena_pool_setup(own_btf ? k->btf : NULL, kfunc_id,
			 RUN_PAGE_OFFSET & ~(ps - 1));
}

/* The page FREE_ONE_PAGE() frees, as user space sees it. */
static volatile unsigned char *run_page(const struct fresh_map *arena,
					size_t *page_size)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	size_t off = RUN_PAGE_OFFSET & ~(ps - 1);

	*page_size = ps;
	if (!arena || !arena->mem || off + ps > arena->len)
		return NULL;
	return (volatile unsigned char *)arena->mem + off;
}

/*
 * How many times the program ran: its run_cnt, which the kernel counts
 * while BPF_ENABLE_STATS is on (every way a program is run counts it; -1
 * if unknown).
 */
static long long prog_runs(int prog_fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (stats_fd < 0 || bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	return (long long)info.run_cnt;
}

/*
 * Whether the run stage may give t's arena back to arena_pool.c for the
 * next test: only if its program frees nothing but the page the run stage
 * looks at (FREES_RUN_PAGE in progs/conform.h), so that the pool's own
 * frees of the arena's last two pages prove that every free has landed.
 */
static bool frees_run_page_only(const struct test *t)
{
	const char *frees = t->c->prog.tags ? t->c->prog.tags->frees : NULL;

	return frees && !strcmp(frees, "run_page");
}

_Static_assert(RUN_PHASES == sizeof(((struct test *)0)->run_phase_us) /
	       sizeof(((struct test *)0)->run_phase_us[0]), "test.h: run_phase_us");

/* Adds the time since *t0 to t's phase, and starts the next one. */
static void phase_end(struct test *t, enum run_phase phase, long long *t0)
{
	long long now = now_ns();

	stats.phase_ns[phase] += now - *t0;
	t->run_phase_us[phase] += (now - *t0) / 1000;
	*t0 = now;
}

/* For the hooks' waits (hook_watch()): whether the page is gone. */
struct watched_page {
	volatile unsigned char *p;
	size_t len;
};

static bool page_freed(void *arg)
{
	const struct watched_page *w = arg;

	return !arena_page_mapped(w->p, w->len);
}

/*
 * A page still mapped after its hook fired may yet be freed: by a run of
 * the program still in flight, a timer or workqueue callback still to
 * come, or a deferred free still queued. None can come once (1) no
 * program holds the arena, its refcnt (map id) back to base, what the run
 * stage held before the load: a program lets go of its maps a grace
 * period after it is gone (map_refs.c), and a pending callback holds its
 * program; and (2) two rounds of a free of the arena's last page have
 * landed (arena_last_page_landed(); the case frees nothing but the run
 * page, FREES_RUN_PAGE, so no other free touches that page). Then
 * "no-effect" is sure, after tens of milliseconds rather than
 * FREE_WAIT_NS. True, with *freed, if it could say so; false where the
 * caller waits as before: base unknown (-1: not a FREES_RUN_PAGE case, or
 * no map iterator here), the program still held at the bound, or a kernel
 * without deferred frees (the free program does not load before v7.0).
 */
static bool free_settled(const struct fresh_map *arena, __u32 id,
			 long long base, volatile unsigned char *page, size_t ps,
			 long long fired, bool *freed)
{
	long long refs = -1;

	/* The wait frees the arena's last page: never the run page itself. */
	if (base < 0 || kfunc_id <= 0 || arena->len < 3 * ps ||
	    (arena->map_flags & BPF_F_SEGV_ON_FAULT) ||
	    page == (unsigned char *)arena->mem + arena->len - ps)
		return false;
	while (refs != base) {
		if (!arena_page_mapped(page, ps)) {
			*freed = true;
			return true;
		}
		if (now_ns() - fired >= FREE_WAIT_NS || map_refcounts(&id, 1, &refs))
			return false;
		if (refs != base)
			usleep(200);
	}
	if (arena_last_page_landed(kfunc_id, arena->fd, arena->mem, arena->len, 2,
				   FREE_WAIT_NS - (now_ns() - fired)) < 0)
		return false;
	*freed = !arena_page_mapped(page, ps);
	return true;
}

/*
 * Load t's program again, on the fresh maps sp names: its fd, or -1 with
 * why in run_message.
 */
static int load_again(struct test *t, const struct prog_spec *sp, char *log,
		      size_t log_size)
{
	struct load_result res;
	int fd = load_prog_fd(sp, t->sleepable ? BPF_F_SLEEPABLE : 0, log,
			      log_size, &res);

	if (fd < 0)
		snprintf(t->run_message, sizeof(t->run_message),
			 "loaded again on fresh maps, it was refused: %.400s", res.message);
	return fd;
}

/* A kernel warning logged since kfd was opened makes the outcome "splat". */
static void splat_seen(struct test *t, int kfd)
{
	char splat[MESSAGE_LEN];

	if (kmsg_warning(kfd, splat, sizeof(splat))) {
		t->run_observed = OUT_SPLAT;
		snprintf(t->run_message, sizeof(t->run_message), "%s", splat);
	}
}

static void observe_run(struct test *t, const struct hook *h, char *log,
			size_t log_size)
{
	const struct conform_case *c = t->c;
	const struct fresh_map *arena;
	struct map_set maps = { 0 };
	struct watched_page watched;
	volatile unsigned char *page;
	struct prog_spec sp;
	enum fire_result fr;
	int fd = -1, kfd;
	long long fired, refs_before, t0 = now_ns();
	__u32 arena_id;
	size_t ps;

	t->run_observed = OUT_ERROR;
	/* From here: the pool's drain (arena_pool.c) is part of this test. */
	kfd = kmsg_watch();
	if (map_set_create_aligned(c->suite, &c->prog, frees_run_page_only(t), &maps,
				   &sp, t->run_message, sizeof(t->run_message)))
		goto out;
	phase_end(t, RUN_MAPS, &t0);
	arena = map_set_find(&maps, "arena");
	page = run_page(arena, &ps);
	if (!page) {
		/* Nothing to look at: a case that frees from no arena. */
		t->run_attempted = false;
		goto out;
	}
	/* The run stage's own references on the arena, for free_settled(). */
	arena_id = map_id_of(arena->fd);
	if (!frees_run_page_only(t) || !arena_id ||
	    map_refcounts(&arena_id, 1, &refs_before))
		refs_before = -1;
	fd = load_again(t, &sp, log, log_size);
	if (fd < 0)
		goto out;
	phase_end(t, RUN_LOAD, &t0);
	memset((void *)page, MARK, ps);	/* faults the page in */
	watched = (struct watched_page){ page, ps };
	hook_watch(page_freed, &watched);
	if (!stats_tried) {
		/* Once: each switch of the counting patches kernel text. */
		stats_tried = true;
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	}
	fr = hook_fire(h, c, fd, &t->run_err, t->run_message, sizeof(t->run_message));
	hook_watch(NULL, NULL);
	t->run_count = prog_runs(fd);
	close(fd);
	phase_end(t, RUN_FIRE, &t0);
	/* From the hook's return: 0 if the free was done when it returned. */
	fired = now_ns();
	if (fr == FIRE_ATTACH_REFUSED) {
		t->run_observed = OUT_ATTACH_REFUSED;
	} else if (fr == FIRE_ERROR) {
		t->run_observed = OUT_ERROR;
	} else if (fr == FIRE_CANNOT) {
		t->run_observed = OUT_SKIP;
	} else {
		/* Detached; a deferred free may still be on its way. */
		bool freed = !arena_page_mapped(page, ps), settled = false;

		t->run_latency_us = 0;
		/* A program that never ran has no free on its way. */
		if (!freed && t->run_count != 0) {
			settled = free_settled(arena, arena_id, refs_before, page, ps,
					       fired, &freed);
			if (freed)
				t->run_latency_us = (now_ns() - fired) / 1000;
		}
		while (!settled && !freed && t->run_count != 0 &&
		       now_ns() - fired < FREE_WAIT_NS) {
			usleep(20);
			freed = !arena_page_mapped(page, ps);
			t->run_latency_us = (now_ns() - fired) / 1000;
		}
		if (freed && t->run_count == 0) {
			/* Not this program's doing: say so, never "runs". */
			t->run_observed = OUT_ERROR;
			snprintf(t->run_message, sizeof(t->run_message),
				 "the page was unmapped, but the program never ran (run_cnt 0)");
		} else if (freed) {
			t->run_observed = OUT_RUNS;
		} else {
			size_t off = (size_t)(page - (volatile unsigned char *)arena->mem);

			t->run_latency_us = -1;
			t->run_observed = OUT_NO_EFFECT;
			if (t->run_count && settled)
				snprintf(t->run_message, sizeof(t->run_message),
					 "the page at arena offset 0x%zx is still mapped once no program held the arena and every deferred free had landed, %lld ms after the hook fired",
					 off, (now_ns() - fired) / 1000000);
			else if (t->run_count)
				snprintf(t->run_message, sizeof(t->run_message),
					 "the page at arena offset 0x%zx is still mapped %lld ms after the hook fired",
					 off, (now_ns() - fired) / 1000000);
			else
				snprintf(t->run_message, sizeof(t->run_message),
					 "the program never ran: the page at arena offset 0x%zx is still mapped",
					 off);
		}
	}
	phase_end(t, RUN_WAIT, &t0);
	splat_seen(t, kfd);
out:
	if (kfd >= 0)
		close(kfd);
	map_set_return(&maps);
}

/*
 * A race: its partner on the same maps, loaded sleepable, then the race
 * (races.c). fd is the case's; it is closed here.
 */
static void observe_race(struct test *t, int fd, struct map_set *maps,
			 char *log, size_t log_size)
{
	const struct conform_case *c = t->c;
	struct load_result res;
	struct prog_spec psp;
	int pfd = -1;

	if (!c->partner.loadable ||
	    map_set_add(c->suite, maps, &c->partner, &psp, t->run_message,
			sizeof(t->run_message))) {
		if (!c->partner.loadable)
			snprintf(t->run_message, sizeof(t->run_message), "partner: %s",
				 c->partner.reason);
		goto out;
	}
	pfd = load_prog_fd(&psp, BPF_F_SLEEPABLE, log, log_size, &res);
	if (pfd < 0) {
		snprintf(t->run_message, sizeof(t->run_message),
			 "the partner %s does not load: %.400s", c->partner.name,
			 res.message);
		goto out;
	}
	if (races_run(c->race, &fd, &pfd, maps, t->run_info, sizeof(t->run_info),
		       t->run_message, sizeof(t->run_message)))
		t->run_observed = OUT_RUNS;
out:
	if (pfd >= 0)
		close(pfd);
	if (fd >= 0)
		close(fd);
}

/*
 * A runtime or race case (progs/runtime.bpf.c, progs/races.bpf.c): no hook,
 * BPF_PROG_TEST_RUN runs it. On fresh maps of its own, load it again, run
 * it, and check what it did (runtime.c) or race it (races.c). "runs" means
 * every check held; "error", with the first that failed, that one did not.
 */
static void observe_test_run(struct test *t, char *log, size_t log_size)
{
	const struct conform_case *c = t->c;
	struct map_set maps = { 0 };
	struct prog_spec sp;
	long long t0 = now_ns();
	int fd, kfd = -1;

	if (c->kind == CASE_RUN_RACE && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		/* The free and the other side would only take turns. */
		t->run_observed = OUT_SKIP;
		snprintf(t->run_message, sizeof(t->run_message),
			 "a race needs two CPUs, and %ld is online",
			 sysconf(_SC_NPROCESSORS_ONLN));
		return;
	}
	t->run_observed = OUT_ERROR;
	if (map_set_create(c->suite, &c->prog, &maps, &sp, t->run_message,
			   sizeof(t->run_message)))
		goto out;
	phase_end(t, RUN_MAPS, &t0);
	fd = load_again(t, &sp, log, log_size);
	if (fd < 0)
		goto out;
	phase_end(t, RUN_LOAD, &t0);
	kfd = kmsg_watch();
	if (c->kind == CASE_RUN_RACE) {
		observe_race(t, fd, &maps, log, log_size);	/* closes fd */
	} else {
		if (runtime_run(c, fd, &maps, t->sleepable, t->run_info, sizeof(t->run_info),
				t->run_message, sizeof(t->run_message)))
			t->run_observed = OUT_RUNS;
		close(fd);
	}
	phase_end(t, RUN_FIRE, &t0);
	splat_seen(t, kfd);
out:
	if (kfd >= 0)
		close(kfd);
	map_set_destroy(&maps);
}

void run_stage(struct test *t, char *log, size_t log_size)
{
	const struct rule *r;
	const struct hook *h;
	long long t0, b0;

	if (t->observed != OUT_ACCEPT)
		return;
	/* A runtime or race case has no hook: BPF_PROG_TEST_RUN runs it. */
	h = t->c->kind == CASE_VERIFIER ? hook_find(t->c) : NULL;
	if (!h && t->c->kind == CASE_VERIFIER)
		return;
	pthread_mutex_lock(&run_lock);
	t0 = now_ns();
	b0 = bpf_time_ns();
	t->run_attempted = true;
	t->run_latency_us = -1;
	t->run_count = -1;
	if (h)
		snprintf(t->run_info, sizeof(t->run_info), "%s", hook_where(h));
	r = rules ? ruleset_lookup_stage(rules, STAGE_RUN, t->c->name, t->sleepable,
					 kernel_version) : NULL;
	if (r && r->outcome == OUT_SPLAT && !reproduce) {
		t->run_observed = OUT_SKIP;
		snprintf(t->run_message, sizeof(t->run_message),
			 "it would make the kernel warn, as %s:%d records; --reproduce-splats fires it",
			 r->file, r->line);
	} else if (!h) {
		observe_test_run(t, log, log_size);
	} else if (hook_unfireable(h, t->c, t->run_message, sizeof(t->run_message))) {
		/* Nothing made, nothing loaded: the hook cannot fire it here. */
		t->run_observed = OUT_SKIP;
	} else {
		observe_run(t, h, log, log_size);
	}
	t->run_usec = (now_ns() - t0) / 1000;
	stats.tests += t->run_attempted;
	stats.wall_ns += now_ns() - t0;
	stats.bpf_ns += bpf_time_ns() - b0;
	pthread_mutex_unlock(&run_lock);
}


/* The BPF links among this process's file descriptors. */
static int links_held(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char target[64];
		ssize_t len = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);

		if (len < 0)
			continue;
		target[len] = '\0';
		n += !strcmp(target, "anon_inode:bpf_link");
	}
	if (d)
		closedir(d);
	return n;
}

int run_stage_end(void)
{
	int links;

	pthread_mutex_lock(&run_lock);
	if (stats_fd >= 0)
		close(stats_fd);
	stats_fd = -1;
	hooks_end();
	arena_pool_end();
	links = links_held();
	pthread_mutex_unlock(&run_lock);
	return links;
}

struct run_stage_stats run_stage_stats(void)
{
	struct arena_pool_stats pool;
	struct run_stage_stats s;

	pthread_mutex_lock(&run_lock);
	pool = arena_pool_stats();
	s = stats;
	s.arenas_reused = pool.taken;
	s.drains = pool.drains;
	s.drain_ns = pool.drain_ns;
	s.drains_late = pool.late;
	pthread_mutex_unlock(&run_lock);
	return s;
}
