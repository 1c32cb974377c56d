// SPDX-License-Identifier: GPL-2.0
/* BPF_PROG_LOAD of a linked program, and what the verifier said. */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "load.h"

void load_prog(const struct prog_spec *lp, __u32 prog_flags, char *log,
	       size_t log_size, struct load_result *res)
{
	int fd = load_prog_fd(lp, prog_flags, log, log_size, res);

	if (fd >= 0)
		close(fd);
}

int load_prog_fd(const struct prog_spec *lp, __u32 prog_flags, char *log,
		 size_t log_size, struct load_result *res)
{
	char name[16];
	/*
	 * log_level 0 with a log buffer: libbpf loads once without a log and,
	 * only if that fails, again with log_level 1 to fill the buffer.
	 */
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = lp->attach_type,
		    .attach_btf_id = lp->attach_btf_id,
		    .attach_prog_fd = lp->attach_prog_fd > 0 ? (__u32)lp->attach_prog_fd : 0,
		    .prog_btf_fd = lp->btf_fd > 0 ? (__u32)lp->btf_fd : 0,
		    .func_info = lp->btf_fd > 0 ? lp->func_info : NULL,
		    .func_info_cnt = lp->btf_fd > 0 ? lp->func_info_cnt : 0,
		    .func_info_rec_size = sizeof(struct bpf_func_info),
		    .line_info = lp->btf_fd > 0 ? lp->line_info : NULL,
		    .line_info_cnt = lp->btf_fd > 0 ? lp->line_info_cnt : 0,
		    .line_info_rec_size = sizeof(struct bpf_line_info),
		    .prog_flags = prog_flags | (lp->tags ? lp->tags->prog_flags : 0),
		    .log_buf = log_size ? log : NULL,
		    .log_size = (__u32)log_size,
		    .log_level = 0);
	int fd;

	/* Kernel object names are 15 characters of [A-Za-z0-9_.]. */
	snprintf(name, sizeof(name), "%s", lp->name);
	if (log_size)
		log[0] = '\0';
	fd = bpf_prog_load(lp->prog_type, name, lp->license, lp->insns,
			   lp->insn_cnt, &opts);
	res->message[0] = '\0';
	if (fd >= 0) {
		res->err = 0;
		return fd;
	}
	res->err = errno;
	if (log_size)
		decisive_line(log, res->message, sizeof(res->message));
	return -1;
}

static bool is_trailer(const char *line, size_t len)
{
	static const char *const prefixes[] = {
		"processed ", "verification time ", "stack depth ",
	};

	if (!len)
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(line, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

void decisive_line(const char *log, char *out, size_t len)
{
	const char *end = strstr(log, "\nVerification failed");
	const char *line_end, *start;

	if (!strncmp(log, "Verification failed", 19))
		end = log;
	if (!end)
		end = log + strlen(log);
	out[0] = '\0';
	/* Walk lines backwards from end, skipping the statistics. */
	while (end > log) {
		line_end = end;
		while (line_end > log && line_end[-1] == '\n')
			line_end--;
		start = line_end;
		while (start > log && start[-1] != '\n')
			start--;
		if (!is_trailer(start, (size_t)(line_end - start))) {
			snprintf(out, len, "%.*s", (int)(line_end - start), start);
			return;
		}
		end = start;
	}
}

const char *verifier_log_last_insn(const char *log)
{
	const char *last = NULL;

	for (const char *l = log; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *d = l;

		while (*d >= '0' && *d <= '9')
			d++;
		if (d > l && !strncmp(d, ": (", 3))
			last = l;
	}
	return last;
}
