/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by every case program.
 *
 * A case is one BPF function that calls bpf_arena_free_pages(). The runner
 * knows nothing about program types: each function carries its program
 * type, expected attach type and attach target as BTF decl tags, spelled
 * with the kernel's own enum names and resolved against the running
 * kernel's vmlinux BTF. SEC() is only the human-readable attach label.
 *
 * ARENA_CASE(name, ...) emits two programs, tagged "case=name" and
 * "control=name": the case calls the kfunc; the control has the same program
 * type, attach type and target, without the kfunc. The runner loads it first; if the
 * kernel refuses the control, the case is a SKIP, never a verdict.
 */
#ifndef CONFORM_H
#define CONFORM_H

#include "uapi_compat.h"
#include <bpf/bpf_helpers.h>

#define __conform(kv)	__attribute__((btf_decl_tag("conform:" kv)))

/*
 * ptype:  enum bpf_prog_type name, e.g. BPF_PROG_TYPE_XDP
 * atype:  enum bpf_attach_type name, or empty for "no expected attach type"
 * target: attach BTF target, "" for none, else one of
 *         "func:NAME"            fentry/fexit/fmod_ret, lsm, iter
 *         "typedef:NAME"         tp_btf (btf_trace_<tp>)
 *         "struct_ops:TYPE.MEMBER"  struct_ops member
 */
#define __case(ptype, atype, target)					\
	__conform("prog_type=" #ptype) __conform("attach_type=" #atype)	\
	__conform("target=" target)

/* Arena pointers: clang-19 casts between them and user addresses. */
#ifdef __BPF_FEATURE_ADDR_SPACE_CAST
#define __arena __attribute__((address_space(1)))
#else
#define __arena
#endif

/*
 * The kfunc under test, as the kernel declares it. Every kfunc a case
 * calls is declared __weak: libbpf then loads an object even if the kernel
 * lacks the kfunc, and turns the call into one the verifier refuses ("invalid
 * func unknown#2002000..."). The runner sees that refusal: "absent".
 */
extern void bpf_arena_free_pages(void *p__map, void __arena *ptr__ign,
				 __u32 page_cnt) __ksym __weak;

/*
 * Open-coded iterators (v6.4), for the cases that loop: not in Debian 12's
 * 6.1 UAPI headers.
 */
struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym __weak;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym __weak;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym __weak;

/*
 * Special fields of a map value that Debian 12's 6.1 UAPI headers lack.
 * The kernel finds them in the value's BTF by struct name and size
 * (btf_get_field_type() and btf_find_struct() in kernel/bpf/btf.c): each
 * is the kernel's own struct, name and size.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
/* include/uapi/linux/bpf.h from v6.10 ("bpf: add support for bpf_wq user type") */
struct bpf_wq {
	__u64 __opaque[2];
} __attribute__((aligned(8)));
#endif

/*
 * Never UAPI: include/asm-generic/rqspinlock.h, v6.15 (the rqspinlock
 * series, "bpf: Introduce rqspinlock kfuncs"); 4 bytes in vmlinux BTF.
 */
struct bpf_res_spin_lock {
	__u32 val;
};

#define ARENA_PAGES 16

/*
 * The arena every case frees from; libbpf creates and mmap()s it. The
 * runner links every object of progs/ into one, so what every object
 * declares is weak: the linker keeps one.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, ARENA_PAGES);
} arena SEC(".maps") __weak;

/*
 * Another arena. libbpf allows one BPF_MAP_TYPE_ARENA map per object, so
 * every other arena is declared as an ARRAY tagged "conform:arena", which
 * the runner turns into an arena (bpf_map__set_type()) before
 * bpf_object__prepare(). Tag it "conform:unmapped" as well for an arena
 * that is never mmap()ed.
 */
#define EXTRA_ARENA(name, flags, ...)					\
struct {								\
	__uint(type, BPF_MAP_TYPE_ARRAY);				\
	__uint(map_flags, flags);					\
	__uint(max_entries, ARENA_PAGES);				\
} name SEC(".maps") __conform("arena") __VA_ARGS__

/*
 * The license of every case but those that say otherwise with
 * __conform("license=...").
 */
char LICENSE[] SEC("license") __weak = "GPL";

/*
 * The call every plain case makes: free one page of the arena, the one at
 * RUN_PAGE_OFFSET. A NULL pointer would be a no-op (the kfunc returns on
 * !ptr__ign). An arena pointer is the low 32 bits of the user address; in
 * the run stage the runner maps each arena at a 4 GiB-aligned address, so
 * that this offset is the page the hook must free (page 8 with 4 KiB pages,
 * page 0 with 64 KiB ones, as the kernel rounds the pointer down to its
 * page). The docs audit writes its example from a template of this call and
 * of the arena above (runner/audit.c, for "call=free_one_page"): keep them
 * in step.
 */
#define RUN_PAGE_OFFSET	0x8000
#define FREE_ONE_PAGE()							\
	bpf_arena_free_pages(&arena, (void __arena *)RUN_PAGE_OFFSET, 1)

/*
 * A case whose program frees no page of its arena but RUN_PAGE_OFFSET's
 * (or none): the run stage may then give its arena to a later test once
 * every free has landed (runner/arena_pool.c), and end its wait for a
 * free that does not come early (runner/run_stage.c). Both rely on the
 * last two pages of the arena being freed by nobody else.
 */
#define FREES_RUN_PAGE	__conform("frees=run_page")

/*
 * ARENA_CASE_BODY(name, sec, ptype, atype, target, body...) defines the case
 * "name", whose body is the given statements, and its control.
 * ARENA_CASE(name, sec, ptype, atype, target) is the common case: free one
 * page of the arena. Only it is tagged "call=free_one_page": the runner
 * reports the tag, and the docs audit lets only such cases (loaded with a
 * GPL-compatible license) speak for a program type.
 */
#define ARENA_CASE_BODY(name, sec, ptype, atype, target, ...)		\
SEC(sec) __case(ptype, atype, target) __conform("case=" #name)		\
int conform_case_##name(void *ctx)					\
{									\
	__VA_ARGS__;							\
	return 0;							\
}									\
ARENA_CONTROL(name, sec, ptype, atype, target)

/* The control alone, for a case whose function is written out in full. */
#define ARENA_CONTROL(name, sec, ptype, atype, target)			\
SEC(sec) __case(ptype, atype, target) __conform("control=" #name)	\
int conform_control_##name(void *ctx)					\
{									\
	return 0;							\
}

/*
 * The same body as three cases, for the "where the call sits" cases
 * (contexts, callbacks, subprograms):
 *   NAME_syscall     a SYSCALL program: may sleep, and must (its plain load
 *                    is refused for that);
 *   NAME_xdp         an XDP program: never sleeps (its sleepable load is
 *                    refused for that);
 *   NAME_struct_ops  a struct_ops member that may be loaded either way: its
 *                    plain load verifies the body where the program may
 *                    not sleep, its sleepable load where it may, in one
 *                    and the same program type.
 * WHERE_CASES_AT(name, sec, target, attrs, body...) names the struct_ops
 * member (sec, its label, and target) and puts attrs (a decl tag) on each
 * of the three case functions, not on their controls. Their bodies free
 * only with FREE_ONE_PAGE(), as FREES_RUN_PAGE says.
 */
#define WHERE_CASES_AT(name, sec, target, attrs, ...)			\
	attrs FREES_RUN_PAGE ARENA_CASE_BODY(name##_syscall, "syscall",	\
			BPF_PROG_TYPE_SYSCALL, , "", __VA_ARGS__)	\
	attrs FREES_RUN_PAGE ARENA_CASE_BODY(name##_xdp, "xdp",	\
			BPF_PROG_TYPE_XDP, BPF_XDP, "", __VA_ARGS__)	\
	attrs FREES_RUN_PAGE ARENA_CASE_BODY(name##_struct_ops, sec,	\
			BPF_PROG_TYPE_STRUCT_OPS, , target, __VA_ARGS__)

/*
 * bpf_dummy_ops' test_sleepable: may sleep (bpf_dummy_ops_check_member()),
 * may call kfuncs, but no BPF helper: its verifier ops have no
 * get_func_proto ("program of this type cannot use helper").
 */
#define DUMMY_SLEEPABLE	"struct_ops/test_sleepable",			\
			"struct_ops:bpf_dummy_ops.test_sleepable"
/*
 * For a body that calls a helper: sched_ext_ops' init, which may sleep
 * (bpf_scx_check_member()) and call helpers (bpf_scx_get_func_proto()),
 * where the kernel has sched_ext (v6.12, CONFIG_SCHED_CLASS_EXT).
 */
#define SCX_SLEEPABLE	"struct_ops/init", "struct_ops:sched_ext_ops.init"

#define WHERE_CASES_AT_(...) WHERE_CASES_AT(__VA_ARGS__)
#define WHERE_CASES(name, ...)						\
	WHERE_CASES_AT_(name, DUMMY_SLEEPABLE, , __VA_ARGS__)
#define HELPER_WHERE_CASES(name, ...)					\
	WHERE_CASES_AT_(name, SCX_SLEEPABLE, , __VA_ARGS__)

#define ARENA_CASE(name, sec, ptype, atype, target)			\
	__conform("call=free_one_page") FREES_RUN_PAGE			\
	ARENA_CASE_BODY(name, sec, ptype, atype, target, FREE_ONE_PAGE())

#endif /* CONFORM_H */
