// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops through bpf_dummy_ops, the kernel's test struct_ops: its
 * test_sleepable member accepts sleepable programs, test_1 does not.
 */
#include "conform.h"

ARENA_CASE(struct_ops_sleepable_member, "struct_ops/test_sleepable",
	   BPF_PROG_TYPE_STRUCT_OPS, , "struct_ops:bpf_dummy_ops.test_sleepable")
ARENA_CASE(struct_ops_plain_member, "struct_ops/test_1",
	   BPF_PROG_TYPE_STRUCT_OPS, , "struct_ops:bpf_dummy_ops.test_1")
