// SPDX-License-Identifier: GPL-2.0
/* Kernel versions and version ranges. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "version.h"

/* Parse up to three dot-separated numbers; *end points past them. */
static int parse_numbers(const char *s, unsigned int num[3], const char **end)
{
	int n = 0;

	num[0] = num[1] = num[2] = 0;
	while (n < 3 && isdigit((unsigned char)*s)) {
		unsigned long val = 0;

		while (isdigit((unsigned char)*s)) {
			val = val * 10 + (unsigned long)(*s++ - '0');
			if (val > 65535)
				return -1;
		}
		num[n++] = (unsigned int)val;
		if (*s != '.' || !isdigit((unsigned char)s[1]) || n == 3)
			break;
		s++;
	}
	*end = s;
	return n;
}

int kver_parse_release(const char *release, unsigned int *v)
{
	unsigned int num[3];
	const char *end;

	if (parse_numbers(release, num, &end) < 2 || num[0] > 255 ||
	    num[1] > 255)
		return -1;
	*v = kver(num[0], num[1], num[2]);
	return 0;
}

int kver_parse(const char *s, unsigned int *v)
{
	unsigned int num[3];
	const char *end;

	if (parse_numbers(s, num, &end) < 2 || *end || num[0] > 255 ||
	    num[1] > 255 || num[2] > 255)
		return -1;
	*v = kver(num[0], num[1], num[2]);
	return 0;
}

void kver_format(unsigned int v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
}

int krange_parse(const char *s, struct krange *r)
{
	const char *dots;
	char lo[32];

	r->lo = 0;
	r->hi = KVER_MAX;
	if (!strcmp(s, "*"))
		return 0;
	if (!strncmp(s, ">=", 2))
		return kver_parse(s + 2, &r->lo);
	if (s[0] == '<')
		return kver_parse(s + 1, &r->hi) ? -1 : (r->hi ? 0 : -1);
	dots = strstr(s, "..<");
	if (!dots || (size_t)(dots - s) >= sizeof(lo))
		return -1;
	memcpy(lo, s, (size_t)(dots - s));
	lo[dots - s] = '\0';
	if (kver_parse(lo, &r->lo) || kver_parse(dots + 3, &r->hi))
		return -1;
	return r->lo < r->hi ? 0 : -1;
}
