/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runtime cases: run a loaded program once with BPF_PROG_TEST_RUN on maps
 * of its own, then check from user space, through the arena's mmap(), what
 * the check= tags say (see progs/runtime.bpf.c); or drive the stress loop.
 */
#ifndef CONFORM_RUNTIME_H
#define CONFORM_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>

#include "maps.h"
#include "suite.h"

/* Is a check= tag well formed? 0, or -1 with the reason in err. */
int runtime_check_parse(const char *check, char *err, size_t errlen);

/*
 * Run the case's program (fd) on maps. Returns true if every check held;
 * what was checked goes to info, the first check that failed to msg.
 */
bool runtime_run(const struct conform_case *c, int fd,
		 const struct map_set *maps, bool sleepable, char *info,
		 size_t infolen, char *msg, size_t msglen);

#endif /* CONFORM_RUNTIME_H */
