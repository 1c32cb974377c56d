// SPDX-License-Identifier: GPL-2.0
/*
 * Arguments and preconditions. Every case here is a SYSCALL program, the
 * one type that may call the kfunc on every kernel that has it, so the
 * sleepable load isolates the argument check under test.
 */
#include "conform.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

/* A second arena, for the "two arenas in one program" case. */
EXTRA_ARENA(arena2, BPF_F_MMAPABLE);

/* An arena nobody mmap()s: its user address is never set. */
EXTRA_ARENA(arena_unmapped, BPF_F_MMAPABLE, __conform("unmapped"));

#define SYSCALL_CASE(name, ...)						\
	ARENA_CASE_BODY(name, "syscall", BPF_PROG_TYPE_SYSCALL, , "",	\
			__VA_ARGS__)

/* p__map */
SYSCALL_CASE(arg_map_null, bpf_arena_free_pages(NULL, NULL, 1))
SYSCALL_CASE(arg_map_scalar, bpf_arena_free_pages((void *)42, NULL, 1))
SYSCALL_CASE(arg_map_ctx, bpf_arena_free_pages(ctx, NULL, 1))
SYSCALL_CASE(arg_map_not_arena, bpf_arena_free_pages(&array, NULL, 1))

/* ptr__ign: any value passes verification, the kfunc checks it at run time. */
FREES_RUN_PAGE
SYSCALL_CASE(arg_ptr_scalar,
	     bpf_arena_free_pages(&arena, (void __arena *)RUN_PAGE_OFFSET, 1))

/* page_cnt; a NULL pointer frees nothing. */
FREES_RUN_PAGE
SYSCALL_CASE(arg_cnt_variable,
	     bpf_arena_free_pages(&arena, NULL, bpf_get_prandom_u32()))
/* A stack pointer in R3, which the compiler would never emit from C. */
SYSCALL_CASE(arg_cnt_pointer,
	     asm volatile("r1 = %[map] ll;"
			  "r2 = 0;"
			  "r3 = r10;"
			  "r3 += -8;"
			  "call %[kfunc];"
			  :
			  : [map] "i"(&arena), [kfunc] "i"(bpf_arena_free_pages)
			  : "r0", "r1", "r2", "r3", "r4", "r5"))

/* Preconditions on the arena map. */
SYSCALL_CASE(arena_unmapped, bpf_arena_free_pages(&arena_unmapped, NULL, 1))
SYSCALL_CASE(two_arenas,
	     bpf_arena_free_pages(&arena, NULL, 1);
	     bpf_arena_free_pages(&arena2, NULL, 1))
