// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: kernel release and version range parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[16];
	struct krange r;
	unsigned int v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!kver_parse_release(s, &v))
		kver_format(v, buf, sizeof(buf));
	if (!kver_parse(s, &v) && kver_parse(buf, &v))
		abort();	/* a strict version must survive a round trip */
	if (!krange_parse(s, &r) && r.lo >= r.hi)
		abort();	/* never an empty range */
	free(s);
	return 0;
}
