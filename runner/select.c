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
	p->denied = 0;
	if (!p->text)
		abort();
}

/* Add the patterns of a comma-separated list; returns how many. */
static int add_list(struct selection *sel, enum pattern_kind kind,
		    const char *list, const char *origin)
{
	int cnt = 0;

	while (*list) {
		size_t len = strcspn(list, ",");

		if (len) {
			add(sel, kind, list, len, origin);
			cnt++;
		}
		list += len;
		if (*list)
			list++;
	}
	return cnt;
}

static int add_file(struct selection *sel, enum pattern_kind kind,
		    const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, cnt = 0;

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
		cnt++;
	}
	free(line);
	fclose(f);
	/* An empty DENYLIST denies nothing; an empty allow-list is a mistake. */
	if (!cnt && kind != PAT_DENY)
		return set_err(err, errlen, "%s: the allow-list is empty", path);
	return 0;
}

int selection_add(struct selection *sel, enum pattern_kind kind,
		  const char *arg, char *err, size_t errlen)
{
	static const char *const opts[] = { "-t", "-a", "-d" };

	if (arg[0] == '@')
		return add_file(sel, kind, arg + 1, err, errlen);
	if (!add_list(sel, kind, arg, opts[kind]) && kind != PAT_DENY)
		return set_err(err, errlen, "%s: the allow-list is empty", opts[kind]);
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
	if (denied && (selected || !have_select))
		for (size_t i = 0; i < sel->cnt; i++)
			if (sel->pats[i].kind == PAT_DENY &&
			    pattern_matches(&sel->pats[i], test_name, case_name))
				sel->pats[i].denied++;
	return (selected || !have_select) && !denied;
}

const struct pattern *selection_unmatched(const struct selection *sel)
{
	for (size_t i = 0; i < sel->cnt; i++)
		if (sel->pats[i].kind != PAT_DENY && !sel->pats[i].hits)
			return &sel->pats[i];
	return NULL;
}

void selection_why_empty(const struct selection *sel, char *buf, size_t len)
{
	bool have_select = false;
	size_t n, shown = 0;

	for (size_t i = 0; i < sel->cnt; i++)
		have_select |= sel->pats[i].kind != PAT_DENY;
	n = (size_t)snprintf(buf, len, "%s", have_select ?
			     "every test that -t/-a select is denied by" :
			     "every test is denied by");
	for (size_t i = 0; i < sel->cnt; i++) {
		const struct pattern *p = &sel->pats[i];

		if (p->kind != PAT_DENY || !p->denied)
			continue;
		if (shown++ < 3 && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s %s '%s'",
					      shown > 1 ? "," : "", p->origin,
					      p->text);
	}
	if (shown > 3 && n < len)
		snprintf(buf + n, len - n, " and %zu more", shown - 3);
	if (!shown)
		snprintf(buf, len, "the suite has no test");
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
