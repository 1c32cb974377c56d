// SPDX-License-Identifier: GPL-2.0
/*
 * The license is per program (BPF_PROG_LOAD's license): this case says it
 * is not GPL-compatible. Its control keeps the object's GPL.
 */
#include "conform.h"

SEC("syscall") __case(BPF_PROG_TYPE_SYSCALL, , "")
__conform("case=license_proprietary") __conform("license=Proprietary")
int conform_case_license_proprietary(void *ctx)
{
	FREE_ONE_PAGE();
	return 0;
}
ARENA_CONTROL(license_proprietary, "syscall", BPF_PROG_TYPE_SYSCALL, , "")
