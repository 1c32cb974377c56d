// SPDX-License-Identifier: GPL-2.0
/* Test selection: -t, -a and -d. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"
#include "util.h"

static void add(struct selection *sel, enum pattern_kind kind,
		const char *text, size_t len, const char *origin)
{
	struct pattern *p;

	sel->pats = xrealloc(sel->pats, sizeof(*p) * (sel->cnt + 1));
	p = &sel->pats[sel->cnt++];
	p->kind = kind;
	p->text = strndup(text, len);
	p->origin = xstrdup(origin);
	p->hits = 0;
	if (!p->text)
		abort();
}

static void add_list(struct selection *sel, enum pattern_kind kind,
		     const char *list, const char *origin)
{
	while (*list) {
		size_t len = strcspn(list, ",");

		if (len)
			add(sel, kind, list, len, origin);
		list += len;
		if (*list)
			list++;
	}
}

static int add_file(struct selection *sel, enum pattern_kind kind,
		    const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		char *s = line + strspn(line, " \t"), origin[300];
		size_t len = strcspn(s, " \t\r\n#");

		lineno++;
		if (!len)
			continue;
		snprintf(origin, sizeof(origin), "%s:%d", path, lineno);
		add(sel, kind, s, len, origin);
	}
	free(line);
	fclose(f);
	return 0;
}

int selection_add(struct selection *sel, enum pattern_kind kind,
		  const char *arg, char *err, size_t errlen)
{
	static const char *const opts[] = { "-t", "-a", "-d" };

	if (arg[0] == '@')
		return add_file(sel, kind, arg + 1, err, errlen);
	add_list(sel, kind, arg, opts[kind]);
	return 0;
}

static bool pattern_matches(const struct pattern *p, const char *test_name,
			    const char *case_name)
{
	if (p->kind == PAT_SUBSTR)
		return strstr(test_name, p->text);
	return !fnmatch(p->text, test_name, 0) || !fnmatch(p->text, case_name, 0);
}

bool selection_match(struct selection *sel, const char *test_name,
		     const char *case_name)
{
	bool have_select = false, selected = false, denied = false;

	for (size_t i = 0; i < sel->cnt; i++) {
		struct pattern *p = &sel->pats[i];
		bool m = pattern_matches(p, test_name, case_name);

		if (p->kind != PAT_DENY)
			have_select = true;
		if (!m)
			continue;
		p->hits++;
		if (p->kind == PAT_DENY)
			denied = true;
		else
			selected = true;
	}
	return (selected || !have_select) && !denied;
}

const struct pattern *selection_unmatched(const struct selection *sel)
{
	for (size_t i = 0; i < sel->cnt; i++)
		if (sel->pats[i].kind != PAT_DENY && !sel->pats[i].hits)
			return &sel->pats[i];
	return NULL;
}

void selection_free(struct selection *sel)
{
	for (size_t i = 0; i < sel->cnt; i++) {
		free(sel->pats[i].text);
		free(sel->pats[i].origin);
	}
	free(sel->pats);
	memset(sel, 0, sizeof(*sel));
}
