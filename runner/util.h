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

/*
 * A table from names to pointers, for the lookups the runner makes by the
 * hundred at its start (programs, tags, cases): a balanced tree, glibc's
 * tsearch(). (hsearch_r()'s hash puts names that differ only at their
 * start, as these do, in the same buckets.)
 */
struct name_table {
	void *root;
};

void name_table_init(struct name_table *t);
/* The value under name, or NULL. */
void *name_table_get(const struct name_table *t, const char *name);
/*
 * Put name -> value, unless name is there: the first one stays. name must
 * live as long as the table. Returns the value under name.
 */
void *name_table_put(struct name_table *t, const char *name, void *value);
void name_table_free(struct name_table *t);

/* CLOCK_MONOTONIC, in nanoseconds. */
long long now_ns(void);

/* The kernel's internal "not supported", which BPF_PROG_LOAD can return. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

/* "EINVAL" for EINVAL, or the number. */
const char *errno_name(int err);

/* EINVAL for "EINVAL" (any errno name, and ENOTSUPP), or -1. */
int errno_parse(const char *name);

#endif /* CONFORM_UTIL_H */
