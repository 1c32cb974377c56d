// SPDX-License-Identifier: GPL-2.0
/* libbpf's print callback: -v prints, and the last warning is kept. */
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libbpf_msg.h"

static bool verbose;
static char last[512];

static int print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[sizeof(last)];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (verbose)
		fputs(line, stderr);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n)
		snprintf(last, sizeof(last), "%s",
			 strncmp(line, "libbpf: ", 8) ? line : line + 8);
	return 0;
}

void libbpf_msg_init(bool v)
{
	verbose = v;
	libbpf_set_print(print);
}

void libbpf_msg_reset(void)
{
	last[0] = '\0';
}

const char *libbpf_msg_last(void)
{
	return last[0] ? last : "libbpf gave no reason";
}
