// SPDX-License-Identifier: GPL-2.0
/* Markers in the kernel log around each case (--kmsg-markers). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"

static int kmsg_fd = -1;

int kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	return kmsg_fd < 0 ? -1 : 0;
}

void kmsg_close(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = -1;
}

static void mark(const char *what, const char *case_name)
{
	char line[160];
	int n;

	if (kmsg_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "conform: %s %s\n", what, case_name);
	if (n > 0 && write(kmsg_fd, line, (size_t)n) < 0)
		perror("conform: /dev/kmsg");
}

/* The test hook: CONFORM_SYSRQ_AT=CASE:KEY. */
static void sysrq_at(const char *case_name)
{
	const char *at = getenv("CONFORM_SYSRQ_AT");
	const char *colon = at ? strrchr(at, ':') : NULL;
	int fd;

	if (!colon || colon[1] == '\0' ||
	    strncmp(at, case_name, (size_t)(colon - at)) ||
	    case_name[colon - at] != '\0')
		return;
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, colon + 1, 1) != 1)
		perror("conform: /proc/sysrq-trigger");
	if (fd >= 0)
		close(fd);
}

void kmsg_begin(const char *case_name)
{
	mark("begin", case_name);
	if (kmsg_fd >= 0)
		sysrq_at(case_name);
}

void kmsg_end(const char *case_name)
{
	mark("end", case_name);
}

int kmsg_watch(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

bool kmsg_warning(int fd, char *out, size_t len)
{
	static const char *const signs[] = {
		"WARNING:", "BUG:", "BUG ", "Oops", "general protection fault",
		"sleeping function called from invalid context",
		"possible recursive locking", "inconsistent lock state",
		"possible circular locking", "suspicious RCU usage",
		"rcu_sched self-detected stall", "rcu: INFO:", "INFO: rcu",
		"scheduling while atomic", "Call Trace",
	};
	char rec[2048];
	ssize_t n;

	if (fd < 0)
		return false;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *text;

		if (n <= 0)
			continue;	/* records overwritten: read on */
		rec[n] = '\0';
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		text[strcspn(text, "\n")] = '\0';
		for (size_t i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
			if (strstr(text, signs[i])) {
				snprintf(out, len, "%.*s", (int)len - 1, text);
				return true;
			}
		}
	}
	return false;
}

