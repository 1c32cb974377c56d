/* SPDX-License-Identifier: GPL-2.0 */
/* BPF_PROG_LOAD of a prepared program, and what the verifier said. */
#ifndef CONFORM_LOAD_H
#define CONFORM_LOAD_H

#include <stddef.h>

#include "suite.h"

#define MESSAGE_LEN 512

struct load_result {
	int err;			/* 0: loaded; else a positive errno */
	char message[MESSAGE_LEN];	/* the decisive verifier line */
};

/*
 * Load sp with prog_flags (and those of its prog_flags= tag), close the
 * program at once, and fill res: one BPF_PROG_LOAD with the program's
 * instructions, the object's BTF and the program's func_info and line_info.
 * On a rejection the verifier log is left in log (log_size bytes); with
 * log_size 0 there is no log and no second load to get one.
 */
void load_prog(const struct prog_spec *sp, __u32 prog_flags, char *log,
	       size_t log_size, struct load_result *res);

/* The same, but return the program's fd (or -1); the caller closes it. */
int load_prog_fd(const struct prog_spec *sp, __u32 prog_flags, char *log,
		 size_t log_size, struct load_result *res);

/*
 * The verifier's own error line: the last line of the log before the
 * statistics ("processed N insns ...") and before the structured report
 * that newer kernels append ("Verification failed: ...").
 */
void decisive_line(const char *log, char *out, size_t len);

/*
 * The instruction the verifier stopped at: the last "N: (op) ..." line of
 * a verifier log, or NULL if it looked at none (a refusal for the program
 * type, the flag or the attach target).
 */
const char *verifier_log_last_insn(const char *log);

#endif /* CONFORM_LOAD_H */
