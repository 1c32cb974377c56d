/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UAPI constants newer than the oldest linux-libc-dev we build against
 * (Debian 12 ships 6.1 headers). This is the only place they are defined;
 * both the runner and the BPF programs include it.
 */
#ifndef CONFORM_UAPI_COMPAT_H
#define CONFORM_UAPI_COMPAT_H

#include <linux/version.h>
#include <linux/bpf.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
/* enum bpf_map_type, added in v6.9 (317460317a02 "bpf: Introduce bpf_arena.") */
#define BPF_MAP_TYPE_ARENA 33
/* map_flags for arenas, v6.9 */
#define BPF_F_SEGV_ON_FAULT (1U << 17)
#define BPF_F_NO_USER_CONV (1U << 18)
/* insn->off of a BPF_MOV that casts between address spaces, v6.9 */
#define BPF_ADDR_SPACE_CAST 1
#endif

/*
 * enum bpf_attach_type, v6.6 (e420bed02507 "bpf: Add fd-based tcx
 * multi-prog infra"), for the runner only: the BPF programs spell attach
 * types in their decl tags by name, which a macro would turn into a number.
 */
#if !defined(__BPF__) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define BPF_TCX_INGRESS 46
#endif
/* struct_ops links, v6.4 (68b04864ca42 "bpf: Create links for BPF struct_ops maps") */
#if !defined(__BPF__) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define BPF_STRUCT_OPS 44
#define BPF_F_LINK (1U << 13)
#endif

#ifndef BPF_PSEUDO_KFUNC_CALL
#define BPF_PSEUDO_KFUNC_CALL 2
#endif

#endif /* CONFORM_UAPI_COMPAT_H */
