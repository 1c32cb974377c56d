// SPDX-License-Identifier: GPL-2.0
/* Markers in the kernel log around each case (--kmsg-markers). */
#include <fcntl.h>
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
