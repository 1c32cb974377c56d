/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test selection, as test_progs does it: -t SUBSTR, -a GLOB, -d GLOB. Each
 * option takes a comma-separated list or @FILE (one pattern per line, '#'
 * comments). A pattern matches a test by its name ("xdp.s") or its case
 * name ("xdp").
 */
#ifndef CONFORM_SELECT_H
#define CONFORM_SELECT_H

#include <stdbool.h>
#include <stddef.h>

enum pattern_kind {
	PAT_SUBSTR,	/* -t */
	PAT_ALLOW,	/* -a */
	PAT_DENY,	/* -d */
};

struct pattern {
	enum pattern_kind kind;
	char *text;
	char *origin;	/* "-t" or "file:line" */
	int hits;
	int denied;	/* -d: tests it took out of the selection */
};

struct selection {
	struct pattern *pats;
	size_t cnt;
};

/* Add the patterns of one option argument. 0, or -1 with err set. */
int selection_add(struct selection *sel, enum pattern_kind kind,
		  const char *arg, char *err, size_t errlen);

/* Is the test selected? Counts hits on the patterns that match. */
bool selection_match(struct selection *sel, const char *test_name,
		     const char *case_name);

/* After matching every test: a -t or -a pattern that matched nothing. */
const struct pattern *selection_unmatched(const struct selection *sel);

/*
 * After matching every test, when none is selected: why, naming the -d
 * patterns that denied tests ("every test is denied by -d '*'").
 */
void selection_why_empty(const struct selection *sel, char *buf, size_t len);

void selection_free(struct selection *sel);

#endif /* CONFORM_SELECT_H */
