/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Markers in the kernel log. In a VM, vmtest.sh reads the console: a WARN,
 * oops or lockdep report between "conform: begin CASE" and "conform: end
 * CASE" is a verdict on that case.
 */
#ifndef CONFORM_KMSG_H
#define CONFORM_KMSG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Open /dev/kmsg for markers. With CONFORM_SYSRQ_AT=CASE:KEY in the
 * environment, writing the begin marker of CASE also writes KEY to
 * /proc/sysrq-trigger: a crash on purpose, to test the crash handling.
 * Returns 0, or -1 with errno set.
 */
int kmsg_open(void);
void kmsg_close(void);

/* "conform: begin CASE" / "conform: end CASE"; nothing if not opened. */
void kmsg_begin(const char *case_name);
void kmsg_end(const char *case_name);

/*
 * Reading the kernel log, for the run stage and the races: kmsg_watch()
 * opens it at its end (-1 if it cannot); kmsg_warning() then puts the first
 * line of a kernel warning logged since (WARN, BUG, lockdep, "sleeping
 * function called from invalid context", an RCU stall, a call trace) in
 * out and returns true.
 */
int kmsg_watch(void);
bool kmsg_warning(int fd, char *out, size_t len);

#endif /* CONFORM_KMSG_H */
