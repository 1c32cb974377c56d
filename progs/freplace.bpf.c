// SPDX-License-Identifier: GPL-2.0
/*
 * freplace: a BPF_PROG_TYPE_EXT program replaces a global function of a
 * loaded target program, and takes its sleepability from that target. Two
 * targets: a SYSCALL program (loaded sleepable) and an XDP program (never
 * sleepable). The runner loads a case's target first (role=target, with
 * its flags=) and passes its fd as attach_prog_fd; target "prog:PROGRAM:
 * FUNCTION" names it and the function replaced.
 */
#include "conform.h"

/*
 * The functions replaced: global, so each is verified on its own. The asm
 * keeps the compiler from seeing through them and dropping the call, which
 * would leave the target without the function to replace.
 */
__noinline int freplace_me_syscall(int x)
{
	asm volatile("" : "+r"(x));
	return x;
}

__noinline int freplace_me_xdp(int x)
{
	asm volatile("" : "+r"(x));
	return x;
}

SEC("syscall") __case(BPF_PROG_TYPE_SYSCALL, , "")
__conform("role=target") __conform("flags=sleepable")
int conform_target_syscall(void *ctx)
{
	return freplace_me_syscall(0);
}

SEC("xdp") __case(BPF_PROG_TYPE_XDP, BPF_XDP, "")
__conform("role=target") __conform("flags=plain")
int conform_target_xdp(void *ctx)
{
	return freplace_me_xdp(2 /* XDP_PASS */);
}

/* A case and its control, with the replaced function's prototype. */
#define FREPLACE_CASE(name, target, func)				\
SEC("freplace/" #func)							\
__case(BPF_PROG_TYPE_EXT, , "prog:" #target ":" #func)			\
__conform("case=" #name)						\
int conform_case_##name(int x)						\
{									\
	FREE_ONE_PAGE();						\
	return x;							\
}									\
SEC("freplace/" #func)							\
__case(BPF_PROG_TYPE_EXT, , "prog:" #target ":" #func)			\
__conform("control=" #name)						\
int conform_control_##name(int x)					\
{									\
	return x;							\
}

FREPLACE_CASE(freplace_syscall_target, conform_target_syscall, freplace_me_syscall)
FREPLACE_CASE(freplace_xdp_target, conform_target_xdp, freplace_me_xdp)
