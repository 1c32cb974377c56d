/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit-test harness: CHECK() records a failure and goes on, and
 * the test program ends with "N passed, N failed" and exit 0 or 1.
 */
#ifndef CONFORM_UNIT_H
#define CONFORM_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			unit_pass++;					\
		} else {						\
			unit_fail++;					\
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);				\
			putchar('\n');					\
		}							\
	} while (0)

#define CHECK_STR(got, want)						\
	CHECK(!strcmp((got), (want)), "got '%s', want '%s'", (got), (want))

static inline int unit_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}

#endif /* CONFORM_UNIT_H */
