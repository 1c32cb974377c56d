/* SPDX-License-Identifier: GPL-2.0 */
/* The races of progs/races.bpf.c: a free against something on the other CPU. */
#ifndef CONFORM_RACES_H
#define CONFORM_RACES_H

#include <stdbool.h>
#include <stddef.h>

#include "maps.h"

/* The race a case's run= tag names ("race-alloc", ...): true, and *kind. */
bool race_kind_parse(const char *run, enum race_kind *kind);

/*
 * Run the race: case_fd (on maps) frees in a loop on one CPU while the other
 * does what kind says, with partner_fd's help. True if nothing was lost
 * (info says what ran); else false with msg. The caller reads the kernel
 * log around it.
 * RACE_CLOSE closes both fds and sets them to -1.
 */
bool races_run(enum race_kind kind, int *case_fd, int *partner_fd,
	       struct map_set *maps, char *info, size_t infolen, char *msg,
	       size_t msglen);

#endif /* CONFORM_RACES_H */
