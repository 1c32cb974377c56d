// SPDX-License-Identifier: GPL-2.0
/*
 * What a real loader must handle, each in a case that frees a page: CO-RE
 * relocations, a static subprogram, global data and an arena global. All
 * SYSCALL programs: sleepable, so they may call the kfunc on every kernel
 * that has it, and what is tested is only whether the object loads.
 */
#include "conform.h"
#include <bpf/bpf_core_read.h>

#define SYSCALL_CASE(name, ...)						\
	ARENA_CASE_BODY(name, "syscall", BPF_PROG_TYPE_SYSCALL, , "",	\
			__VA_ARGS__)

/* A type this object has and no kernel has. */
struct conform_no_such_type {
	int x;
};

/*
 * Relocated against the kernel, bpf_core_type_exists() is 0 and the bad
 * call below it is dead code, which the verifier never visits: accepted.
 * Unrelocated, it is the compiler's own answer, 1, and the verifier sees a
 * scalar where the kfunc wants a map: rejected. make test loads this
 * object without its .BTF.ext (so without CO-RE relocations) to show it.
 */
FREES_RUN_PAGE
SYSCALL_CASE(core_type_missing,
	     if (bpf_core_type_exists(struct conform_no_such_type))
		     bpf_arena_free_pages((void *)42, NULL, 1);
	     FREE_ONE_PAGE())

/* A static subprogram: libbpf appends it to the program that calls it. */
static __noinline int free_one_static(void)
{
	FREE_ONE_PAGE();
	return 0;
}

FREES_RUN_PAGE
SYSCALL_CASE(subprog_static, free_one_static())

/* Global data: .data, .rodata and .bss, each a map libbpf creates. */
volatile __u32 pages_data = 1;
const volatile __u32 pages_rodata = 1;
__u32 calls_bss;

FREES_RUN_PAGE
SYSCALL_CASE(global_data,
	     calls_bss++;
	     bpf_arena_free_pages(&arena, (void __arena *)RUN_PAGE_OFFSET,
				  pages_data * pages_rodata))

#ifdef __BPF_FEATURE_ADDR_SPACE_CAST
/*
 * A global in the arena itself: libbpf lays it out in the arena's pages,
 * at its end (arena_data_off), where the run stage's pool keeps the two
 * pages of its drain: so this case is not FREES_RUN_PAGE.
 */
__u64 __arena arena_global;

SYSCALL_CASE(global_arena,
	     arena_global++;
	     FREE_ONE_PAGE())
#endif
