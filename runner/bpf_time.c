// SPDX-License-Identifier: GPL-2.0
/* Counts the time spent in bpf(): see bpf_time.h. */
#include <stdarg.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpf_time.h"

long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...);

static long long ns, calls;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* syscall(2) takes at most six arguments, all passed as longs. */
long __wrap_syscall(long nr, ...)
{
	long a[6], ret;
	long long t0;
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr != __NR_bpf)
		return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	t0 = now_ns();
	ret = __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	__atomic_add_fetch(&ns, now_ns() - t0, __ATOMIC_RELAXED);
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
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
