// SPDX-License-Identifier: GPL-2.0
/*
 * Waits that end once the hook has fired. A trigger waits for traffic (a
 * datagram, a connection, a reply) that the program under test may well
 * drop, and then only the bound ends the wait: 100 ms at a time, several
 * times a test. Yet the run stage knows when the program has run: the
 * page it frees is unmapped. fire_poll() is poll() that also returns once
 * that is so.
 *
 * Only the runner can ask: a child that in_child() forked does not see the
 * arena in its own page tables (fork() copies no page table entries of a
 * shared mapping), so its mincore() would say "unmapped" at once. So
 * in_child() asks while it waits for the child's report, and tells the
 * child through an eventfd they share, which the child's fire_poll()
 * watches.
 *
 * No verdict depends on it: the trigger still does everything it did, only
 * without waiting once the page is gone; the run stage decides as before.
 */
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "hooks_impl.h"

#define SLICE_MS 2

static bool (*watch)(void *arg);	/* in the runner: the page is gone */
static void *watch_arg;
static int told_fd = -1;		/* in a child: readable once it is */

void hook_watch(bool (*fired)(void *arg), void *arg)
{
	watch = fired;
	watch_arg = arg;
}

bool hook_fired(void)
{
	if (told_fd >= 0) {
		struct pollfd p = { told_fd, POLLIN, 0 };

		return poll(&p, 1, 0) > 0;
	}
	return watch && watch(watch_arg);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int fire_poll(struct pollfd *p, nfds_t n, int ms)
{
	long long end = now_ms() + ms;
	struct pollfd all[8];
	int r;

	if (told_fd >= 0 && n < sizeof(all) / sizeof(all[0])) {
		/* In a child: the runner's word is one more fd to wait on. */
		if (n)
			memcpy(all, p, n * sizeof(*p));
		all[n] = (struct pollfd){ told_fd, POLLIN, 0 };
		r = poll(all, n + 1, ms);
		if (n)
			memcpy(p, all, n * sizeof(*p));
		return r > 0 && all[n].revents ? r - 1 : r;
	}
	for (;;) {
		long long left = end - now_ms();

		if (hook_fired() || left <= 0)
			return 0;
		r = poll(p, n, left < SLICE_MS ? (int)left : SLICE_MS);
		if (r)
			return r;
	}
}

int fired_fd(void)
{
	return eventfd(0, EFD_CLOEXEC);
}

void fired_fd_child(int fd)
{
	told_fd = fd;
}

ssize_t fired_read_report(int report_fd, void *buf, size_t len, int fd)
{
	struct pollfd p = { report_fd, POLLIN, 0 };
	bool told = false;

	/*
	 * An eventfd, not a pipe: the child may be gone by the time the page
	 * is, and a write to a pipe nobody reads is SIGPIPE for the runner.
	 */
	while (poll(&p, 1, SLICE_MS) == 0)
		if (!told && hook_fired())
			told = !eventfd_write(fd, 1);
	close(fd);
	return read(report_fd, buf, len);
}
