/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time spent in the bpf() system call, by every thread and by libbpf: the
 * runner is linked with -Wl,--wrap=syscall, and libbpf makes its bpf()
 * calls through syscall(2). The rest of a run's wall time is overhead.
 */
#ifndef CONFORM_BPF_TIME_H
#define CONFORM_BPF_TIME_H

/* Nanoseconds in bpf() so far, and how many calls. */
long long bpf_time_ns(void);
long long bpf_time_calls(void);

#endif /* CONFORM_BPF_TIME_H */
