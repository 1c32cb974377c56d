// SPDX-License-Identifier: GPL-2.0
/*
 * Tracing program types. Which attach points may sleep is the question
 * here, so each attach point is its own case.
 */
#include "conform.h"

/* BPF_PROG_TYPE_TRACING is listed by the docs page. */
/* bpf_fentry_test1 is in the kernel's fmod_ret set with KF_SLEEPABLE. */
ARENA_CASE(fentry_sleepable_target, "fentry/bpf_fentry_test1",
	   BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "func:bpf_fentry_test1")
ARENA_CASE(fexit_sleepable_target, "fexit/bpf_fentry_test1",
	   BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, "func:bpf_fentry_test1")
ARENA_CASE(fmod_ret_sleepable_target, "fmod_ret/bpf_fentry_test1",
	   BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, "func:bpf_fentry_test1")
/* bpf_fentry_test2 is neither error-injectable nor in that set. */
ARENA_CASE(fentry_plain_target, "fentry/bpf_fentry_test2",
	   BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "func:bpf_fentry_test2")
ARENA_CASE(fexit_plain_target, "fexit/bpf_fentry_test2",
	   BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, "func:bpf_fentry_test2")
/* fsession: one program run at entry and at exit (v7.0). */
ARENA_CASE(fsession_sleepable_target, "fsession/bpf_fentry_test1",
	   BPF_PROG_TYPE_TRACING, BPF_TRACE_FSESSION, "func:bpf_fentry_test1")
ARENA_CASE(fsession_plain_target, "fsession/bpf_fentry_test2",
	   BPF_PROG_TYPE_TRACING, BPF_TRACE_FSESSION, "func:bpf_fentry_test2")
ARENA_CASE(iter_task, "iter/task", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER,
	   "func:bpf_iter_task")
ARENA_CASE(tp_btf, "tp_btf/sched_switch", BPF_PROG_TYPE_TRACING,
	   BPF_TRACE_RAW_TP, "typedef:btf_trace_sched_switch")
/* sys_enter is a faultable (syscall) tracepoint: may it sleep? */
ARENA_CASE(tp_btf_faultable, "tp_btf/sys_enter", BPF_PROG_TYPE_TRACING,
	   BPF_TRACE_RAW_TP, "typedef:btf_trace_sys_enter")

/* Not listed by the docs page. */
ARENA_CASE(kprobe, "kprobe/do_nanosleep", BPF_PROG_TYPE_KPROBE, , "")
ARENA_CASE(kretprobe, "kretprobe/do_nanosleep", BPF_PROG_TYPE_KPROBE, , "")
ARENA_CASE(uprobe, "uprobe", BPF_PROG_TYPE_KPROBE, , "")
ARENA_CASE(uretprobe, "uretprobe", BPF_PROG_TYPE_KPROBE, , "")
ARENA_CASE(kprobe_multi, "kprobe.multi", BPF_PROG_TYPE_KPROBE,
	   BPF_TRACE_KPROBE_MULTI, "")
ARENA_CASE(uprobe_multi, "uprobe.multi", BPF_PROG_TYPE_KPROBE,
	   BPF_TRACE_UPROBE_MULTI, "")
ARENA_CASE(kprobe_session, "kprobe.session/do_nanosleep", BPF_PROG_TYPE_KPROBE,
	   BPF_TRACE_KPROBE_SESSION, "")
ARENA_CASE(uprobe_session, "uprobe.session", BPF_PROG_TYPE_KPROBE,
	   BPF_TRACE_UPROBE_SESSION, "")
ARENA_CASE(tracepoint, "tracepoint/syscalls/sys_enter_getpid",
	   BPF_PROG_TYPE_TRACEPOINT, , "")
ARENA_CASE(raw_tp, "raw_tp/sched_switch", BPF_PROG_TYPE_RAW_TRACEPOINT, , "")
ARENA_CASE(raw_tp_writable, "raw_tp.w/bpf_test_finish",
	   BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, , "")
ARENA_CASE(perf_event, "perf_event", BPF_PROG_TYPE_PERF_EVENT, , "")
