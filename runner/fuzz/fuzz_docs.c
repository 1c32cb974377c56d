// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the docs.ebpf.io kfunc page parser. */
#include <stdint.h>

#include "docs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docs_page page;
	char err[256];

	if (!docs_parse((const char *)data, size, &page, err, sizeof(err)))
		docs_free(&page);
	return 0;
}
