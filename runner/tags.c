// SPDX-License-Identifier: GPL-2.0
/* Reads the conform:* BTF decl tags of an object. */
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "tags.h"
#include "util.h"

#define TAG_PREFIX "conform:"
/* A DECL_TAG, and an INT: a struct btf_type and one __u32. */
#define TAG_SIZE (sizeof(struct btf_type) + sizeof(__u32))

static struct prog_tags *prog_get(struct tag_table *t, const char *func)
{
	uintptr_t i = (uintptr_t)name_table_get(&t->by_func, func);
	struct prog_tags *p;

	if (i)
		return &t->progs[i - 1];
	if (t->prog_cnt == t->prog_cap) {
		t->prog_cap = t->prog_cap ? 2 * t->prog_cap : 64;
		t->progs = xrealloc(t->progs, sizeof(*p) * t->prog_cap);
	}
	p = &t->progs[t->prog_cnt++];
	memset(p, 0, sizeof(*p));
	p->func = xstrdup(func);
	name_table_put(&t->by_func, p->func, (void *)(uintptr_t)t->prog_cnt);
	return p;
}

static struct map_tags *map_get(struct tag_table *t, const char *name)
{
	struct map_tags *m;

	for (size_t i = 0; i < t->map_cnt; i++)
		if (!strcmp(t->maps[i].name, name))
			return &t->maps[i];
	t->maps = xrealloc(t->maps, sizeof(*m) * (t->map_cnt + 1));
	m = &t->maps[t->map_cnt++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	return m;
}

/*
 * prog_flags=NAME[|NAME...]: BPF_PROG_LOAD flags that every load of the
 * program, and of its control, carries besides the runner's own
 * BPF_F_SLEEPABLE or not. UAPI flags are macros, not in BTF: the names the
 * runner knows are these.
 */
static int prog_flags_tag(struct prog_tags *p, const char *val, char *err,
			  size_t errlen)
{
	static const struct {
		const char *name;
		unsigned int flag;
	} flags[] = {
		{ "BPF_F_XDP_HAS_FRAGS", BPF_F_XDP_HAS_FRAGS },
	};

	p->prog_flags = 0;
	while (*val) {
		size_t len = strcspn(val, "|");
		size_t i;

		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (strlen(flags[i].name) == len &&
			    !strncmp(val, flags[i].name, len))
				break;
		if (i == sizeof(flags) / sizeof(flags[0]))
			return set_err(err, errlen, "%s: unknown prog_flags= flag '%.*s'",
				       p->func, (int)len, val);
		p->prog_flags |= flags[i].flag;
		val += len + (val[len] == '|');
	}
	return 0;
}

static int prog_tag(struct prog_tags *p, const char *tag, char *err,
		    size_t errlen)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "case=", offsetof(struct prog_tags, case_name) },
		{ "control=", offsetof(struct prog_tags, control_of) },
		{ "prog_type=", offsetof(struct prog_tags, prog_type) },
		{ "attach_type=", offsetof(struct prog_tags, attach_type) },
		{ "target=", offsetof(struct prog_tags, target) },
		{ "run=", offsetof(struct prog_tags, run) },
		{ "flags=", offsetof(struct prog_tags, flags) },
		{ "what=", offsetof(struct prog_tags, what) },
		{ "license=", offsetof(struct prog_tags, license) },
		{ "role=", offsetof(struct prog_tags, role) },
		{ "call=", offsetof(struct prog_tags, call) },
		{ "frees=", offsetof(struct prog_tags, frees) },
		{ "partner=", offsetof(struct prog_tags, partner) },
	};

	if (!strncmp(tag, "prog_flags=", 11))
		return prog_flags_tag(p, tag + 11, err, errlen);
	if (!strncmp(tag, "check=", 6)) {
		p->checks = xrealloc(p->checks, sizeof(char *) * (p->check_cnt + 1));
		p->checks[p->check_cnt++] = xstrdup(tag + 6);
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t len = strlen(keys[i].key);
		char **slot = (char **)((char *)p + keys[i].off);

		if (strncmp(tag, keys[i].key, len))
			continue;
		free(*slot);
		*slot = xstrdup(tag + len);
		return 0;
	}
	return set_err(err, errlen, "%s: unknown tag conform:%s", p->func, tag);
}

static int map_tag(struct map_tags *m, const char *tag, char *err,
		   size_t errlen)
{
	if (!strcmp(tag, "arena"))
		m->arena = true;
	else if (!strcmp(tag, "unmapped"))
		m->unmapped = true;
	else
		return set_err(err, errlen, "map %s: unknown tag conform:%s",
			       m->name, tag);
	return 0;
}

void tags_init(struct tag_table *t)
{
	memset(t, 0, sizeof(*t));
	name_table_init(&t->by_func);
	name_table_init(&t->by_control);
}

/* The tag's text after "conform:", if d is one of the runner's tags. */
static const char *own_tag(const struct btf *btf, const struct btf_type *d)
{
	const char *tag;

	if (!btf_is_decl_tag(d))
		return NULL;
	tag = btf__name_by_offset(btf, d->name_off);
	if (!tag || strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)))
		return NULL;
	return tag + strlen(TAG_PREFIX);
}

int tags_read(const struct btf *btf, struct tag_table *t, char *err,
	      size_t errlen)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *tt, *d = btf__type_by_id(btf, id);
		const char *tag = own_tag(btf, d), *name;
		int ret;

		if (!tag)
			continue;
		tt = btf__type_by_id(btf, d->type);
		name = tt ? btf__name_by_offset(btf, tt->name_off) : NULL;
		if (!name)
			return set_err(err, errlen, "bad decl tag conform:%s", tag);
		if (btf_is_func(tt) && btf_decl_tag(d)->component_idx == -1)
			ret = prog_tag(prog_get(t, name), tag, err, errlen);
		else if (btf_is_var(tt))
			ret = map_tag(map_get(t, name), tag, err, errlen);
		else
			ret = set_err(err, errlen,
				      "tag conform:%s on %s, which is neither a function nor a map",
				      tag, name);
		if (ret)
			return ret;
	}
	return 0;
}

void tags_done(struct tag_table *t)
{
	for (size_t i = 0; i < t->prog_cnt; i++)
		if (t->progs[i].control_of)
			name_table_put(&t->by_control, t->progs[i].control_of,
				       (void *)(uintptr_t)(i + 1));
	/* A control is loaded as its case is: with the case's prog_flags=. */
	for (size_t i = 0; i < t->prog_cnt; i++) {
		const struct prog_tags *c = &t->progs[i];
		struct prog_tags *ctl = c->case_name ?
			(struct prog_tags *)tags_control(t, c->case_name) : NULL;

		if (ctl)
			ctl->prog_flags |= c->prog_flags;
	}
}

/*
 * Why the runner edits an object's BTF, which no library does: libbpf's
 * bpf_object__prepare() reads every function's decl tags once per program
 * (bpf_prog_assign_exc_cb() looks for "exception_callback:"), and the
 * kernel scans the object's BTF for decl tags at each load. The suite's
 * programs carry two thousand tags that only the runner reads, and one
 * linked object holds them all: that search was a fifth of the runner's
 * time outside bpf() (perf, in a TCG VM). So each tag, once read, becomes
 * a copy of the object's "int": a BTF INT is as long as a DECL_TAG (a
 * btf_type and four bytes), so no type moves and no type id changes, and
 * the linker's BTF dedup then folds the copies into the one "int".
 */
int tags_strip(const struct btf *btf, void *raw, size_t raw_len)
{
	int int_id = btf__find_by_name_kind(btf, "int", BTF_KIND_INT);
	const struct btf_type *int_t;
	__u32 parsed_len, n = btf__type_cnt(btf);
	const char *parsed = btf__raw_data(btf, &parsed_len);
	int stripped = 0;

	if (int_id <= 0 || !parsed || parsed_len != raw_len)
		return 0;
	int_t = btf__type_by_id(btf, (__u32)int_id);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *d = btf__type_by_id(btf, id);
		size_t off;

		if (!own_tag(btf, d))
			continue;
		/*
		 * libbpf keeps a parsed BTF's types in its copy of the raw
		 * bytes: the tag is at the same offset in raw. Edit nothing
		 * unless it is there, byte for byte.
		 */
		if ((const char *)d < parsed ||
		    (const char *)d + TAG_SIZE > parsed + parsed_len)
			return stripped;
		off = (size_t)((const char *)d - parsed);
		if (memcmp((char *)raw + off, d, TAG_SIZE))
			return stripped;
		memcpy((char *)raw + off, int_t, TAG_SIZE);
		stripped++;
	}
	return stripped;
}

const struct prog_tags *tags_prog(const struct tag_table *t, const char *func)
{
	uintptr_t i = (uintptr_t)name_table_get(&t->by_func, func);

	return i ? &t->progs[i - 1] : NULL;
}

const struct prog_tags *tags_control(const struct tag_table *t,
				     const char *case_name)
{
	uintptr_t i = (uintptr_t)name_table_get(&t->by_control, case_name);

	return i ? &t->progs[i - 1] : NULL;
}

const struct map_tags *tags_map(const struct tag_table *t, const char *name)
{
	for (size_t i = 0; i < t->map_cnt; i++)
		if (!strcmp(t->maps[i].name, name))
			return &t->maps[i];
	return NULL;
}

void tags_free(struct tag_table *t)
{
	for (size_t i = 0; i < t->prog_cnt; i++) {
		struct prog_tags *p = &t->progs[i];

		free(p->func);
		free(p->case_name);
		free(p->control_of);
		free(p->prog_type);
		free(p->attach_type);
		free(p->target);
		free(p->run);
		free(p->flags);
		free(p->what);
		free(p->license);
		free(p->role);
		free(p->call);
		free(p->frees);
		free(p->partner);
		for (size_t j = 0; j < p->check_cnt; j++)
			free(p->checks[j]);
		free(p->checks);
	}
	for (size_t i = 0; i < t->map_cnt; i++)
		free(t->maps[i].name);
	free(t->progs);
	free(t->maps);
	name_table_free(&t->by_func);
	name_table_free(&t->by_control);
	memset(t, 0, sizeof(*t));
}
