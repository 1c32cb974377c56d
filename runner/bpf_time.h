/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time spent in the bpf() system call, by every thread and by libbpf: the
 * runner is linked with -Wl,--wrap=syscall, and libbpf makes its bpf()
 * calls through syscall(2). The rest of a run's wall time is overhead.
 */
#ifndef CONFORM_BPF_TIME_H
#define CONFORM_BPF_TIME_H

#include <stddef.h>

/* Nanoseconds in bpf() so far, and how many calls. */
long long bpf_time_ns(void);
long long bpf_time_calls(void);

/*
 * The same per bpf() command, into buf: the top commands by time, as
 * "PROG_LOAD 4100 ms (812 calls), ..., the rest N ms (M calls)": every
 * call is counted once.
 */
void bpf_time_by_cmd(char *buf, size_t size, int top);

#endif /* CONFORM_BPF_TIME_H */
