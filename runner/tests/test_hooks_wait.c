// SPDX-License-Identifier: GPL-2.0
/*
 * hooks_wait.c: a trigger's waits end once the hook has fired, in the
 * runner and in a child of in_child(), and not before; and the runner
 * lives through telling a child that is already gone. (It did not while
 * the word went through a pipe: SIGPIPE ended the runner in the run stage
 * of tcp_congestion_ops on Debian's arm64 6.12 under TCG, 2026-12-07.)
 */
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "hooks_impl.h"
#include "unit.h"

#define LONG_MS 2000	/* a wait nobody ends: the trigger's bound */

static long long start_ms;
static int fired_after_ms;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The page is gone fired_after_ms after start_ms. */
static bool fired_late(void *arg)
{
	(void)arg;
	return now_ms() - start_ms >= fired_after_ms;
}

/* The answer is yes, and takes long enough for a quick child to exit. */
static bool fired_slowly(void *arg)
{
	(void)arg;
	usleep(50000);
	return true;
}

/* ms that fire_poll() waited on a pipe nothing is written to. */
static long long idle_wait(int ms)
{
	struct pollfd p = { -1, POLLIN, 0 };
	long long t0 = now_ms();
	int fds[2];

	if (pipe(fds))
		return -1;
	p.fd = fds[0];
	fire_poll(&p, 1, ms);
	close(fds[0]);
	close(fds[1]);
	return now_ms() - t0;
}

/* A trigger that waits for a datagram the program dropped: how long, in err. */
static void waiting_child(const struct conform_case *c, int fd,
			  struct child_report *rep)
{
	(void)c;
	(void)fd;
	rep->err = (int)idle_wait(LONG_MS);
	rep->r = FIRE_DONE;
}

static void quick_child(const struct conform_case *c, int fd,
			struct child_report *rep)
{
	(void)c;
	(void)fd;
	usleep(10000);
	rep->r = FIRE_DONE;
}

int main(void)
{
	struct conform_case c = { 0 };
	enum fire_result r;
	char msg[256];
	long long ms;
	int err = 0;

	hook_watch(NULL, NULL);
	ms = idle_wait(100);
	CHECK(ms >= 100, "nothing watched: the whole 100 ms, not %lld ms", ms);

	start_ms = now_ms();
	fired_after_ms = 30;
	hook_watch(fired_late, NULL);
	ms = idle_wait(LONG_MS);
	CHECK(ms >= 30 && ms < LONG_MS / 2,
	      "in the runner: until the page is gone (30 ms), not %lld ms", ms);

	start_ms = now_ms();
	r = in_child(waiting_child, &c, -1, 0, &err, msg, sizeof(msg));
	CHECK(r == FIRE_DONE, "the child reported %d: %s", r, msg);
	CHECK(err >= 10 && err < LONG_MS / 2,
	      "in a child: told when the page is gone (30 ms), waited %d ms", err);

	hook_watch(fired_slowly, NULL);
	r = in_child(quick_child, &c, -1, 0, &err, msg, sizeof(msg));
	CHECK(r == FIRE_DONE, "a child gone before it is told: %d: %s", r, msg);

	hook_watch(NULL, NULL);
	return unit_done("test_hooks_wait");
}
