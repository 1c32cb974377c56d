// SPDX-License-Identifier: GPL-2.0
/* --json FILE: written beside FILE, renamed into place (json_file.h). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_file.h"

static char json_tmp[PATH_MAX];

static void remove_partial_json(int sig)
{
	if (json_tmp[0])
		unlink(json_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

FILE *json_file_open(const char *path)
{
	FILE *f;
	int fd;

	if (snprintf(json_tmp, sizeof(json_tmp), "%s.XXXXXX", path) >= (int)sizeof(json_tmp)) {
		json_tmp[0] = '\0';
		errno = ENAMETOOLONG;
		return NULL;
	}
	signal(SIGINT, remove_partial_json);
	signal(SIGTERM, remove_partial_json);
	fd = mkstemp(json_tmp);
	if (fd < 0) {
		json_tmp[0] = '\0';
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(json_tmp);
		json_tmp[0] = '\0';
	}
	return f;
}

int json_file_finish(FILE *f, const char *path, const struct kernel *k,
		     struct test **sel, size_t cnt, const struct counts *n)
{
	int ret = report_json(f, k, sel, cnt, n);

	if (fclose(f))
		ret = -1;
	if (!ret && rename(json_tmp, path))
		ret = -1;
	if (ret) {
		fprintf(stderr, "conform: writing %s: %s\n", path, strerror(errno));
		unlink(json_tmp);
	}
	json_tmp[0] = '\0';
	return ret;
}

void json_file_abandon(FILE *f)
{
	fclose(f);
	if (json_tmp[0])
		unlink(json_tmp);
	json_tmp[0] = '\0';
}
