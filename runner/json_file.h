/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --json FILE: the results are written to FILE.XXXXXX and renamed into
 * place at the end, so a run that dies or is killed leaves FILE as it was
 * (and no temporary file behind it, after SIGINT or SIGTERM).
 */
#ifndef CONFORM_JSON_FILE_H
#define CONFORM_JSON_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "kernel.h"
#include "report.h"
#include "test.h"

/* The temporary file beside path, or NULL with errno. */
FILE *json_file_open(const char *path);

/* report_json() into f, closed and renamed to path; -1 (said on stderr). */
int json_file_finish(FILE *f, const char *path, const struct kernel *k,
		     struct test **sel, size_t cnt, const struct counts *n);

/* Close f and remove the temporary file: nothing was written. */
void json_file_abandon(FILE *f);

#endif /* CONFORM_JSON_FILE_H */
