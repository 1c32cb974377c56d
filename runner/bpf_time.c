// SPDX-License-Identifier: GPL-2.0
/* Counts the time spent in bpf(): see bpf_time.h. */
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpf_time.h"
#include "util.h"

long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...);

static long long ns, calls;

/* The same, per command: a[0] of bpf(). */
#define NCMDS 64
static long long cmd_ns[NCMDS], cmd_calls[NCMDS];

/* Commands this runner and libbpf use; others are printed by number. */
static const char *const cmd_names[NCMDS] = {
	[BPF_MAP_CREATE] = "MAP_CREATE",
	[BPF_MAP_LOOKUP_ELEM] = "MAP_LOOKUP_ELEM",
	[BPF_MAP_UPDATE_ELEM] = "MAP_UPDATE_ELEM",
	[BPF_MAP_DELETE_ELEM] = "MAP_DELETE_ELEM",
	[BPF_MAP_GET_NEXT_KEY] = "MAP_GET_NEXT_KEY",
	[BPF_PROG_LOAD] = "PROG_LOAD",
	[BPF_OBJ_PIN] = "OBJ_PIN",
	[BPF_OBJ_GET] = "OBJ_GET",
	[BPF_PROG_GET_NEXT_ID] = "PROG_GET_NEXT_ID",
	[BPF_MAP_GET_NEXT_ID] = "MAP_GET_NEXT_ID",
	[BPF_PROG_QUERY] = "PROG_QUERY",
	[BPF_BTF_GET_NEXT_ID] = "BTF_GET_NEXT_ID",
	[BPF_LINK_UPDATE] = "LINK_UPDATE",
	[BPF_LINK_GET_FD_BY_ID] = "LINK_GET_FD_BY_ID",
	[BPF_ENABLE_STATS] = "ENABLE_STATS",
	[BPF_OBJ_GET_INFO_BY_FD] = "OBJ_GET_INFO_BY_FD",
	[BPF_PROG_TEST_RUN] = "PROG_TEST_RUN",
	[BPF_PROG_GET_FD_BY_ID] = "PROG_GET_FD_BY_ID",
	[BPF_MAP_GET_FD_BY_ID] = "MAP_GET_FD_BY_ID",
	[BPF_PROG_ATTACH] = "PROG_ATTACH",
	[BPF_PROG_DETACH] = "PROG_DETACH",
	[BPF_RAW_TRACEPOINT_OPEN] = "RAW_TRACEPOINT_OPEN",
	[BPF_BTF_LOAD] = "BTF_LOAD",
	[BPF_BTF_GET_FD_BY_ID] = "BTF_GET_FD_BY_ID",
	[BPF_LINK_CREATE] = "LINK_CREATE",
	[BPF_LINK_DETACH] = "LINK_DETACH",
	[BPF_ITER_CREATE] = "ITER_CREATE",
	[BPF_MAP_FREEZE] = "MAP_FREEZE",
	[BPF_PROG_BIND_MAP] = "PROG_BIND_MAP",
};

/* syscall(2) takes at most six arguments, all passed as longs. */
long __wrap_syscall(long nr, ...)
{
	long a[6], ret;
	long long t0, took;
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr != __NR_bpf)
		return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	t0 = now_ns();
	ret = __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	took = now_ns() - t0;
	__atomic_add_fetch(&ns, took, __ATOMIC_RELAXED);
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	if (a[0] >= 0 && a[0] < NCMDS) {
		__atomic_add_fetch(&cmd_ns[a[0]], took, __ATOMIC_RELAXED);
		__atomic_add_fetch(&cmd_calls[a[0]], 1, __ATOMIC_RELAXED);
	}
	return ret;
}

long long bpf_time_ns(void)
{
	return __atomic_load_n(&ns, __ATOMIC_RELAXED);
}

long long bpf_time_calls(void)
{
	return __atomic_load_n(&calls, __ATOMIC_RELAXED);
}

static int by_time(const void *a, const void *b)
{
	long long x = cmd_ns[*(const int *)a], y = cmd_ns[*(const int *)b];

	return x < y ? 1 : x > y ? -1 : 0;
}

void bpf_time_by_cmd(char *buf, size_t size, int top)
{
	int order[NCMDS], n = 0;
	long long rest = 0, rest_calls = 0;
	size_t len = 0;

	for (int i = 0; i < NCMDS; i++)
		if (__atomic_load_n(&cmd_calls[i], __ATOMIC_RELAXED))
			order[n++] = i;
	qsort(order, n, sizeof(*order), by_time);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		int c = order[i];
		char name[16];

		if (i >= top) {
			rest += cmd_ns[c];
			rest_calls += cmd_calls[c];
			continue;
		}
		if (!cmd_names[c])
			snprintf(name, sizeof(name), "cmd %d", c);
		len += snprintf(buf + len, len < size ? size - len : 0,
				"%s%s %lld ms (%lld calls)", i ? ", " : "",
				cmd_names[c] ? cmd_names[c] : name,
				cmd_ns[c] / 1000000, cmd_calls[c]);
	}
	if (n > top)
		snprintf(buf + len, len < size ? size - len : 0,
			 ", the rest %lld ms (%lld calls)", rest / 1000000,
			 rest_calls);
}
