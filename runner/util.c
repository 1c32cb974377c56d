// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

static void oom(void)
{
	fputs("conform: out of memory\n", stderr);
	exit(EXIT_USAGE);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return s;
}

int set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *errno_name(int err)
{
	static __thread char buf[16];

	switch (err) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTSUPP: return "ENOTSUPP";
	}
	if (err > 0 && strerrorname_np(err))
		return strerrorname_np(err);
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}

int errno_parse(const char *name)
{
	static const struct { const char *name; int err; } other[] = {
		{ "ENOTSUPP", ENOTSUPP },
		{ "EWOULDBLOCK", EWOULDBLOCK },
		{ "ENOTSUP", ENOTSUP },
		{ "EDEADLOCK", EDEADLOCK },
	};

	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (!strcmp(name, other[i].name))
			return other[i].err;
	for (int err = 1; err < 4096; err++) {
		const char *n = strerrorname_np(err);

		if (n && !strcmp(n, name))
			return err;
	}
	return -1;
}

struct name_entry {
	const char *name;
	void *value;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_entry *)a)->name,
		      ((const struct name_entry *)b)->name);
}

long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void name_table_init(struct name_table *t)
{
	t->root = NULL;
}

void *name_table_get(const struct name_table *t, const char *name)
{
	struct name_entry key = { .name = name };
	struct name_entry **found = tfind(&key, &t->root, name_cmp);

	return found ? (*found)->value : NULL;
}

void *name_table_put(struct name_table *t, const char *name, void *value)
{
	struct name_entry *e = xmalloc(sizeof(*e)), **found;

	e->name = name;
	e->value = value;
	found = tsearch(e, &t->root, name_cmp);
	if (!found) {
		fputs("conform: out of memory\n", stderr);
		exit(EXIT_USAGE);
	}
	if (*found != e)
		free(e);
	return (*found)->value;
}

void name_table_free(struct name_table *t)
{
	tdestroy(t->root, free);
	t->root = NULL;
}
