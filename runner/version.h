/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel versions and version ranges. */
#ifndef CONFORM_VERSION_H
#define CONFORM_VERSION_H

#include <stdbool.h>
#include <stddef.h>

/* Same encoding as the kernel's KERNEL_VERSION(); the patch level saturates. */
static inline unsigned int kver(unsigned int a, unsigned int b, unsigned int c)
{
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

#define KVER_MAX 0xffffffffu

/* A half-open range [lo, hi). */
struct krange {
	unsigned int lo;
	unsigned int hi;
};

/*
 * Parse the version at the start of a kernel release string, as uname -r
 * prints it: "6.12.117+deb12-cloud-amd64", "7.0.0-rc3+", "6.8.0-45-generic".
 * Returns 0, or -1 if the string does not start with MAJOR.MINOR.
 */
int kver_parse_release(const char *release, unsigned int *v);

/* Parse exactly "MAJOR.MINOR" or "MAJOR.MINOR.PATCH". Returns 0 or -1. */
int kver_parse(const char *s, unsigned int *v);

/* "6.9.0" (always three components). */
void kver_format(unsigned int v, char *buf, size_t len);

/*
 * Parse a range: "*", ">=A", "<B", or "A..<B", where A and B are versions
 * for kver_parse(). Returns 0 or -1.
 */
int krange_parse(const char *s, struct krange *r);

static inline bool krange_contains(const struct krange *r, unsigned int v)
{
	return v >= r->lo && v < r->hi;
}

#endif /* CONFORM_VERSION_H */
