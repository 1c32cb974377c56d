// SPDX-License-Identifier: GPL-2.0
/* The license is per object: this one is not GPL-compatible. */
#include "conform.h"

ARENA_CASE(license_proprietary, "syscall", BPF_PROG_TYPE_SYSCALL, , "")

char LICENSE[] SEC("license") = "Proprietary";
