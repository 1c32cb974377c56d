// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the runner's JSON. The input is read as the audit
 * reads evidence (runner JSON or matrix.json); and it is the verifier's
 * message of a test, which report_json() writes and the reader must read
 * back: as it was if it is UTF-8, else with U+FFFD for each bad byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "report.h"
#include "version.h"

static struct conform_case c = {
	.name = "xdp", .attach = "xdp", .prog_type = "BPF_PROG_TYPE_XDP",
	.prog = { .license = "GPL" },
};

/* report_json() of one rejected test with this message, read back. */
static void round_trip(const char *msg)
{
	struct test t = { .c = &c, .observed = OUT_REJECT, .err = 22 };
	struct test *sel[1] = { &t };
	struct kernel k = { .release = "6.18.1", .version = kver(6, 18, 1) };
	struct audit_evidence ev = { 0 };
	struct counts n = { 0 };
	char err[512], *buf = NULL;
	size_t len = 0, got;
	json_t *want = report_json_str(msg);
	FILE *f = open_memstream(&buf, &len);

	snprintf(t.message, sizeof(t.message), "%s", msg);
	if (!f || !want || report_json(f, &k, sel, 1, &n) || fclose(f))
		abort();
	if (audit_add_json(&ev, buf, len, "host", err, sizeof(err)) || ev.cnt != 1 ||
	    ev.kernels[0].cnt != 1)
		abort();	/* the reader refuses the writer */
	/* A message longer than MESSAGE_LEN is cut: compare what was kept. */
	got = strlen(ev.kernels[0].results[0].message);
	if (strlen(msg) < sizeof(t.message) &&
	    (got != json_string_length(want) ||
	     memcmp(ev.kernels[0].results[0].message, json_string_value(want), got)))
		abort();	/* not what was written */
	json_decref(want);
	audit_evidence_free(&ev);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_evidence ev = { 0 };
	char err[512] = "", *s;

	if (audit_add_json(&ev, (const char *)data, size, "fuzz", err, sizeof(err)) &&
	    (ev.cnt || !err[0]))
		abort();	/* refused, yet evidence added, or no reason why */
	audit_evidence_free(&ev);
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';	/* up to the first NUL */
	round_trip(s);
	free(s);
	return 0;
}
