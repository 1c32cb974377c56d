// SPDX-License-Identifier: GPL-2.0
/* Runtime cases: BPF_PROG_TEST_RUN, then user-space checks of the arena. */
#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena_pool.h"
#include "kernel.h"
#include "runtime.h"
#include "uapi_compat.h"
#include "util.h"

#define SLOTS 4
#define DEFERRED_WAIT_NS (2 * 1000000000LL)	/* bound on a deferred free */
#define STRESS_STEPS 1000

/* Must match struct rt_result in progs/runtime.bpf.c. */
struct rt_result {
	__u64 addr[SLOTS];
	__u64 got;
};

/* Must match struct stress_op in progs/runtime.bpf.c. */
struct stress_op {
	__u64 base;
	__u32 op;
	__u32 pgoff;
	__u32 cnt;
	__u32 ok;
};

struct check {
	enum { CHECK_ZERO, CHECK_PATTERN, CHECK_SEGV } kind;
	unsigned int slot, pages, byte;
};

static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * An arena page is a page of the kernel: 4 KiB on x86-64, and on arm64,
 * s390x and riscv64 as Debian builds them, 64 KiB on ppc64le-64k.
 */
static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static int parse(const char *s, struct check *c)
{
	char kind[16];
	int n;

	memset(c, 0, sizeof(*c));
	c->pages = 1;
	if (sscanf(s, "%15[a-z]:%n", kind, &n) != 1)
		return -1;
	s += n;
	if (!strcmp(kind, "zero")) {
		c->kind = CHECK_ZERO;
		if (sscanf(s, "%u:%u%n", &c->slot, &c->pages, &n) != 2 || s[n])
			return -1;
	} else if (!strcmp(kind, "pattern")) {
		c->kind = CHECK_PATTERN;
		if (sscanf(s, "%u:%u:%u%n", &c->slot, &c->pages, &c->byte, &n) != 3 ||
		    s[n] || c->byte > 255)
			return -1;
	} else if (!strcmp(kind, "segv")) {
		c->kind = CHECK_SEGV;
		if (sscanf(s, "%u%n", &c->slot, &n) != 1 || s[n])
			return -1;
	} else {
		return -1;
	}
	return c->slot < SLOTS && c->pages > 0 && c->pages <= 1024 ? 0 : -1;
}

int runtime_check_parse(const char *check, char *err, size_t errlen)
{
	struct check c;

	if (!parse(check, &c))
		return 0;
	snprintf(err, errlen, "bad check tag '%s' (zero:SLOT:PAGES, pattern:SLOT:PAGES:BYTE or segv:SLOT)",
		 check);
	return -1;
}

/*
 * The arena mapping of an arena pointer as the program stored it, and its
 * user address (*user). BPF sees arena pointers as 32-bit offsets into the
 * arena's 4 GiB window, which never crosses a 4 GiB boundary: the upper
 * half comes from the mmap(). NULL unless [addr, addr + len) lies inside
 * one of the arenas.
 */
static const struct fresh_map *arena_of(const struct map_set *maps, __u64 addr,
					size_t len, __u64 *user)
{
	for (size_t i = 0; i < maps->cnt; i++) {
		__u64 mem = (uintptr_t)maps->maps[i].mem;

		*user = (mem & ~0xffffffffULL) | (addr & 0xffffffffULL);
		if (mem && *user >= mem && *user + len <= mem + maps->maps[i].len)
			return &maps->maps[i];
	}
	*user = 0;
	return NULL;
}

/* Index of the first byte of buf that is not want, or -1. */
static long first_diff(const volatile unsigned char *buf, size_t len,
		       unsigned char want)
{
	static __thread unsigned char ref[4096];
	static __thread int ref_byte = -1;
	size_t i = 0;

	/* The common case, all equal, at memcmp() speed, a chunk at a time. */
	if (ref_byte != want) {
		memset(ref, want, sizeof(ref));
		ref_byte = want;
	}
	while (i + sizeof(ref) <= len &&
	       !memcmp((const void *)(buf + i), ref, sizeof(ref)))
		i += sizeof(ref);
	for (; i < len; i++)
		if (buf[i] != want)
			return (long)i;
	return -1;
}

/*
 * The pages at addr hold what ck says. landed_us: how long a deferred free
 * took to land (frees_landed()), or -1 if the free was done when the
 * program returned.
 */
static bool check_bytes(const struct check *ck, __u64 addr, long long landed_us,
			char *info, size_t infolen, char *msg, size_t msglen)
{
	size_t page = page_size();

	for (unsigned int pg = 0; pg < ck->pages; pg++) {
		const volatile unsigned char *p =
			(const volatile unsigned char *)(uintptr_t)(addr + pg * page);
		unsigned char want = ck->kind == CHECK_ZERO ? 0 :
				     (unsigned char)(ck->byte + pg);
		long off = first_diff(p, page, want);

		if (off >= 0) {
			snprintf(msg, msglen,
				 "page %u of addr[%u]: byte at 0x%llx is 0x%02x, expected 0x%02x%s",
				 pg, ck->slot, (unsigned long long)(addr + pg * page + (unsigned long)off),
				 p[off], want, landed_us >= 0 ? " after the deferred free landed" : "");
			return false;
		}
	}
	if (ck->kind == CHECK_ZERO)
		append(info, infolen, "; user space reads %u zero page(s) at 0x%llx",
		       ck->pages, (unsigned long long)addr);
	else
		append(info, infolen, "; %u page(s) at 0x%llx intact byte for byte",
		       ck->pages, (unsigned long long)addr);
	if (landed_us >= 0 && ck->kind == CHECK_ZERO)
		append(info, infolen, " (deferred free landed within %lld us)", landed_us);
	return true;
}

/*
 * A free from where the program cannot sleep (v7.0) is deferred: queued on
 * the arena, then done by its work item. Reading the page before that
 * would fault it into user space while its free is queued, and on
 * Debian's 7.3.4 that race ends in "BUG: Bad page state" from
 * arena_free_worker() (docs/findings.md); races.bpf.c aims at it on
 * purpose, a check must not. So wait first, without touching the case's
 * pages, with arena_frees_landed() on the arena's last page (no runtime
 * case allocates it). Returns the microseconds that took, or -1 with msg.
 */
static unsigned char *last_page(const struct fresh_map *arena)
{
	return (unsigned char *)arena->mem + arena->len - page_size();
}

static long long frees_landed(const struct conform_case *c,
			      const struct fresh_map *arena, char *msg,
			      size_t msglen)
{
	int id = kernel_func_id(c->suite->kernel, KFUNC_NAME);
	long long us;

	if ((arena->map_flags & BPF_F_SEGV_ON_FAULT) || arena->len < 2 * page_size()) {
		snprintf(msg, msglen,
			 "cannot wait for the deferred free: the arena %s's last page cannot be faulted in from user space (BPF_F_SEGV_ON_FAULT, or the arena has one page)",
			 arena->name);
		return -1;
	}
	if (id <= 0) {
		snprintf(msg, msglen, "cannot wait for the deferred free: no BTF id for %s",
			 KFUNC_NAME);
		return -1;
	}
	us = arena_last_page_landed(id, arena->fd, arena->mem, arena->len, 1,
				    DEFERRED_WAIT_NS);
	if (us < 0 && errno == ETIMEDOUT)
		snprintf(msg, msglen, "the deferred frees had not landed after 2 s (a free of the arena's last page, queued after them, left it mapped)");
	else if (us < 0)
		snprintf(msg, msglen, "cannot wait for the deferred free: loading or running a free of the arena's last page: %s",
			 strerror(errno));
	return us;
}

static bool check_segv(__u64 addr, char *info, size_t infolen, char *msg,
		       size_t msglen)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		snprintf(msg, msglen, "fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		(void)*(volatile unsigned char *)(uintptr_t)addr;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(msg, msglen, "waitpid: %s", strerror(errno));
		return false;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) {
		append(info, infolen, "; a child reading 0x%llx gets SIGSEGV",
		       (unsigned long long)addr);
		return true;
	}
	snprintf(msg, msglen, "reading 0x%llx from a child %s, expected SIGSEGV",
		 (unsigned long long)addr,
		 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "went fine");
	return false;
}

static int test_run(int fd, const struct conform_case *c, void *ctx,
		    size_t ctx_size, __u32 *retval)
{
	unsigned char packet[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	if (!strcmp(c->prog_type, "BPF_PROG_TYPE_SYSCALL")) {
		opts.ctx_in = ctx;
		opts.ctx_size_in = (__u32)ctx_size;
	} else {
		opts.data_in = packet;
		opts.data_size_in = sizeof(packet);
	}
	err = bpf_prog_test_run_opts(fd, &opts);
	*retval = opts.retval;
	return err ? -errno : 0;
}

/* The shadow of the stress loop: which pages are allocated, and with what. */
struct shadow {
	bool used[64];
	unsigned char byte[64];
};

static __u32 xorshift(__u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static bool stress(const struct conform_case *c, int fd,
		   const struct fresh_map *arena, char *info, size_t infolen,
		   char *msg, size_t msglen)
{
	size_t page = page_size();
	unsigned int pages = (unsigned int)(arena->len / page), allocs = 0, frees = 0;
	__u32 seed = 0x2545f491, state = seed, retval;
	struct shadow sh = { 0 };
	int step;

	if (!arena->mem || pages > 64) {
		snprintf(msg, msglen, "stress needs a mapped arena of at most 64 pages");
		return false;
	}
	for (step = 0; step < STRESS_STEPS; step++) {
		struct stress_op op = { .base = (uintptr_t)arena->mem };
		bool want_ok = true;

		op.op = xorshift(&state) % 2 + 1;
		op.pgoff = xorshift(&state) % pages;
		op.cnt = xorshift(&state) % 6 + 1;	/* may run past the end */
		if (op.op == 1) {
			if (op.pgoff + op.cnt > pages)
				op.cnt = pages - op.pgoff;
			for (__u32 i = 0; i < op.cnt; i++)
				want_ok &= !sh.used[op.pgoff + i];
		}
		if (test_run(fd, c, &op, sizeof(op), &retval) || retval) {
			snprintf(msg, msglen, "step %d: BPF_PROG_TEST_RUN failed", step);
			return false;
		}
		if (op.op == 1 && op.ok != want_ok) {
			snprintf(msg, msglen, "step %d: allocating %u page(s) at page %u %s, expected %s",
				 step, op.cnt, op.pgoff, op.ok ? "succeeded" : "failed",
				 want_ok ? "success" : "failure");
			return false;
		}
		for (__u32 i = 0; i < op.cnt && op.pgoff + i < pages; i++) {
			unsigned int pg = op.pgoff + i;

			if (op.op == 1 && op.ok) {
				sh.used[pg] = true;
				sh.byte[pg] = (unsigned char)(step * 7 + pg);
				memset((char *)arena->mem + pg * page, sh.byte[pg], page);
			} else if (op.op == 2) {
				sh.used[pg] = false;
			}
		}
		allocs += op.op == 1 && op.ok;
		frees += op.op == 2;
		/* Every byte of every page that must have survived. */
		for (unsigned int pg = 0; pg < pages; pg++) {
			const unsigned char *p = (unsigned char *)arena->mem + pg * page;
			long off;

			if (!sh.used[pg])
				continue;
			off = first_diff(p, page, sh.byte[pg]);
			if (off >= 0) {
				snprintf(msg, msglen, "step %d (%s %u at page %u): page %u byte at %p is 0x%02x, expected 0x%02x",
					 step, op.op == 1 ? "alloc" : "free", op.cnt, op.pgoff,
					 pg, (void *)(p + off), p[off], sh.byte[pg]);
				return false;
			}
		}
	}
	append(info, infolen, "%d random alloc/free steps (seed 0x%x): %u allocations, %u frees, every surviving byte intact after each",
	       step, seed, allocs, frees);
	return true;
}

bool runtime_run(const struct conform_case *c, int fd,
		 const struct map_set *maps, bool sleepable, char *info,
		 size_t infolen, char *msg, size_t msglen)
{
	const struct prog_tags *p = c->prog.tags;
	const struct fresh_map *results = map_set_find(maps, "results");
	struct rt_result res = { 0 };
	__u32 key = 0, retval = 0;
	long long landed_us = -1;
	int err;

	info[0] = msg[0] = '\0';
	if (c->kind == CASE_RUN_STRESS) {
		const struct fresh_map *arena = map_set_find(maps, "arena");

		return arena && stress(c, fd, arena, info, infolen, msg, msglen);
	}
	err = test_run(fd, c, NULL, 0, &retval);
	if (err) {
		snprintf(msg, msglen, "BPF_PROG_TEST_RUN: %s", strerror(-err));
		return false;
	}
	if (!results || results->fd < 0 ||
	    bpf_map_lookup_elem(results->fd, &key, &res)) {
		snprintf(msg, msglen, "cannot read the results map");
		return false;
	}
	if (retval) {
		snprintf(msg, msglen, "the program's check %u failed (it read 0x%llx)",
			 retval, (unsigned long long)res.got);
		return false;
	}
	snprintf(info, infolen, "%s", p->what ?: "ran");
	for (size_t i = 0; i < p->check_cnt; i++) {
		const struct fresh_map *arena;
		struct check ck;
		__u64 addr;
		size_t len;

		if (parse(p->checks[i], &ck))
			continue;	/* refused when the object was read */
		len = ck.kind == CHECK_SEGV ? 1 : ck.pages * page_size();
		arena = arena_of(maps, res.addr[ck.slot], len, &addr);
		if (!arena) {
			snprintf(msg, msglen, "%s: addr[%u] = 0x%llx is outside every arena mapping",
				 p->checks[i], ck.slot, (unsigned long long)res.addr[ck.slot]);
			return false;
		}
		if (ck.kind == CHECK_SEGV) {
			if (!check_segv(addr, info, infolen, msg, msglen))
				return false;
			continue;
		}
		/* Not sleepable: the free is deferred (v7.0). Once per run. */
		if (!sleepable && landed_us < 0) {
			landed_us = frees_landed(c, arena, msg, msglen);
			if (landed_us < 0)
				return false;
		}
		if (!sleepable && (uintptr_t)last_page(arena) < addr + len &&
		    (uintptr_t)last_page(arena) + page_size() > addr) {
			snprintf(msg, msglen, "%s: the arena's last page, which the wait for the deferred free faults in, is the case's",
				 p->checks[i]);
			return false;
		}
		if (!check_bytes(&ck, addr, landed_us, info, infolen, msg, msglen))
			return false;
	}
	return true;
}
