// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the expectation parser, profiles and message regexes. */
#include <stdint.h>
#include <stdio.h>

#include "expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset rs = { 0 };
	char err[512];
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return 0;
	if (!ruleset_load_stream(&rs, f, "fuzz", err, sizeof(err)))
		for (int i = 0; i < rs.cnt; i++) {
			ruleset_lookup(&rs, "xdp", i & 1, kver(6, 12, 3));
			rule_message_matches(&rs.rules[i], "program must be sleepable");
		}
	ruleset_free(&rs);
	fclose(f);
	return 0;
}
