// SPDX-License-Identifier: GPL-2.0
/* BPF_PROG_TYPE_SYSCALL: always sleepable, run with BPF_PROG_TEST_RUN. */
#include "conform.h"

ARENA_CASE(syscall, "syscall", BPF_PROG_TYPE_SYSCALL, , "")
