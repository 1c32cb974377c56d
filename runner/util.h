/* SPDX-License-Identifier: GPL-2.0 */
/* Allocation helpers that exit on failure, and small string helpers. */
#ifndef CONFORM_UTIL_H
#define CONFORM_UTIL_H

#include <stddef.h>

/* Exit codes, as kselftest and the README define them. */
enum {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,		/* bad option, expectation file or object */
	EXIT_SKIP = 4,
};

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Format an error message into err; returns -1, for "return set_err(...)". */
int set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The kernel's internal "not supported", which BPF_PROG_LOAD can return. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

/* "EINVAL" for EINVAL, or the number. */
const char *errno_name(int err);

/* EINVAL for "EINVAL" (any errno name, and ENOTSUPP), or -1. */
int errno_parse(const char *name);

#endif /* CONFORM_UTIL_H */
