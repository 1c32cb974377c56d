// SPDX-License-Identifier: GPL-2.0
/* Builds the case table from the objects and links it against the kernel. */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime.h"
#include "suite.h"
#include "uapi_compat.h"
#include "util.h"

static const struct obj_prog *find_control(const struct object *obj,
					    const char *name)
{
	for (size_t i = 0; i < obj->prog_cnt; i++)
		if (obj->progs[i].control_of &&
		    !strcmp(obj->progs[i].control_of, name))
			return &obj->progs[i];
	return NULL;
}

const struct conform_case *suite_find(const struct suite *s, const char *name)
{
	for (size_t i = 0; i < s->case_cnt; i++)
		if (!strcmp(s->cases[i].name, name))
			return &s->cases[i];
	return NULL;
}

static int add_cases(struct suite *s, const struct object *obj, char *err,
		     size_t errlen)
{
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		const struct obj_prog *p = &obj->progs[i];
		const struct obj_prog *ctl;
		const struct conform_case *dup;
		struct conform_case *c;

		if (!p->case_name)
			continue;
		ctl = find_control(obj, p->case_name);
		if (!ctl) {
			snprintf(err, errlen, "%s: case %s has no control",
				 obj->path, p->case_name);
			return -1;
		}
		dup = suite_find(s, p->case_name);
		if (dup) {
			snprintf(err, errlen, "%s: case %s is also defined in %s",
				 obj->path, p->case_name, dup->object);
			return -1;
		}
		s->cases = xrealloc(s->cases, sizeof(*c) * (s->case_cnt + 1));
		c = &s->cases[s->case_cnt++];
		memset(c, 0, sizeof(*c));
		c->name = p->case_name;
		c->attach = p->sec;
		c->prog_type = p->prog_type;
		c->object = obj->path;
		c->prog.src = p;
		c->control.src = ctl;
		c->flags = CASE_PLAIN | CASE_SLEEPABLE;
		if (p->flags)
			c->flags = strcmp(p->flags, "plain") ? CASE_SLEEPABLE : CASE_PLAIN;
		if (p->run || p->check_cnt)
			c->run = p->run ?: "once";
		for (size_t j = 0; j < p->check_cnt; j++) {
			char why[200];

			if (runtime_check_parse(p->checks[j], why, sizeof(why))) {
				snprintf(err, errlen, "%s: %s: %s", obj->path, p->func, why);
				return -1;
			}
		}
	}
	return 0;
}

int suite_open(struct suite *s, char **paths, size_t cnt, char *err,
	       size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->objs = xcalloc(cnt, sizeof(*s->objs));
	for (size_t i = 0; i < cnt; i++) {
		if (object_open(&s->objs[i], paths[i], err, errlen))
			goto fail;
		s->obj_cnt++;
		if (add_cases(s, &s->objs[i], err, errlen))
			goto fail;
	}
	return 0;
fail:
	suite_close(s);
	return -1;
}

static void create_map(const struct obj_map *m, struct harness_map *h)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		    .map_flags = m->map_flags,
		    .map_extra = m->map_extra);

	h->fd = bpf_map_create(m->type, m->name, m->key_size, m->value_size,
			       m->max_entries, &opts);
	if (h->fd < 0) {
		h->err = errno;
		h->op = "BPF_MAP_CREATE";
		return;
	}
	if (m->type != BPF_MAP_TYPE_ARENA || m->unmapped)
		return;
	/* The first mmap() sets the arena's user address. */
	h->len = (size_t)m->max_entries * (size_t)sysconf(_SC_PAGESIZE);
	h->mem = mmap(NULL, h->len, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd, 0);
	if (h->mem == MAP_FAILED) {
		h->mem = NULL;
		h->err = errno;
		h->op = "mmap";
	}
}

static void link_map(const struct kernel *k, const struct obj_map *m,
		     const struct harness_map *h, struct linked_prog *lp,
		     struct bpf_insn *insn)
{
	__u32 v;

	if (!h->err) {
		insn[0].src_reg = BPF_PSEUDO_MAP_FD;
		insn[0].imm = h->fd;
		insn[1].imm = 0;
		return;
	}
	if (m->type == BPF_MAP_TYPE_ARENA && h->err == EINVAL &&
	    kernel_enum_value(k, "bpf_map_type", "BPF_MAP_TYPE_ARENA", &v))
		snprintf(lp->absent, sizeof(lp->absent),
			 "no arena maps: BPF_MAP_CREATE(BPF_MAP_TYPE_ARENA) = EINVAL");
	else
		snprintf(lp->unloadable, sizeof(lp->unloadable),
			 "map %s: %s: %s", m->name, h->op, strerror(h->err));
}

void suite_link_prog(const struct kernel *k, const struct object *obj,
		     const struct harness_map *maps, struct linked_prog *lp)
{
	const struct obj_prog *p = lp->src;
	int member = -1;

	lp->license = obj->license;
	lp->insn_cnt = p->insn_cnt;
	lp->insns = xmalloc(p->insn_cnt * sizeof(*lp->insns));
	memcpy(lp->insns, p->insns, p->insn_cnt * sizeof(*lp->insns));

	if (kernel_enum_value(k, "bpf_prog_type", p->prog_type, &lp->prog_type)) {
		snprintf(lp->unloadable, sizeof(lp->unloadable),
			 "kernel has no %s", p->prog_type);
		return;
	}
	if (p->attach_type[0] &&
	    kernel_enum_value(k, "bpf_attach_type", p->attach_type, &lp->attach_type)) {
		snprintf(lp->unloadable, sizeof(lp->unloadable),
			 "kernel has no %s", p->attach_type);
		return;
	}
	if (p->target[0] &&
	    kernel_resolve_target(k, p->target, &lp->attach_btf_id, &member,
				  lp->unloadable, sizeof(lp->unloadable)))
		return;
	if (member >= 0)
		lp->attach_type = (__u32)member;

	for (size_t i = 0; i < p->reloc_cnt; i++) {
		const struct obj_reloc *r = &p->relocs[i];
		struct bpf_insn *insn = &lp->insns[r->insn];
		int id;

		if (r->kind == RELOC_MAP) {
			link_map(k, &obj->maps[r->map], &maps[r->map], lp, insn);
			continue;
		}
		id = kernel_func_id(k, r->kfunc);
		if (id < 0) {
			snprintf(lp->absent, sizeof(lp->absent),
				 "vmlinux BTF has no kfunc %s", r->kfunc);
			continue;
		}
		insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
		insn->off = 0;
		insn->imm = id;
	}
}

static bool references(const struct obj_prog *p, size_t map)
{
	for (size_t i = 0; i < p->reloc_cnt; i++)
		if (p->relocs[i].kind == RELOC_MAP && p->relocs[i].map == (int)map)
			return true;
	return false;
}

struct harness_map *suite_create_maps(const struct object *obj,
				      const struct obj_prog *only)
{
	struct harness_map *maps = xcalloc(obj->map_cnt, sizeof(*maps));

	for (size_t j = 0; j < obj->map_cnt; j++) {
		maps[j].fd = -1;
		if (!only || references(only, j))
			create_map(&obj->maps[j], &maps[j]);
	}
	return maps;
}

void suite_destroy_maps(const struct object *obj, struct harness_map *maps)
{
	for (size_t j = 0; maps && j < obj->map_cnt; j++) {
		if (maps[j].mem)
			munmap(maps[j].mem, maps[j].len);
		if (maps[j].fd >= 0)
			close(maps[j].fd);
	}
	free(maps);
}

const struct harness_map *suite_map(const struct object *obj,
				    const struct harness_map *maps,
				    const char *name)
{
	for (size_t j = 0; j < obj->map_cnt; j++)
		if (!strcmp(obj->maps[j].name, name))
			return &maps[j];
	return NULL;
}

static bool same_def(const struct obj_map *a, const struct obj_map *b)
{
	return !strcmp(a->name, b->name) && a->type == b->type &&
	       a->key_size == b->key_size && a->value_size == b->value_size &&
	       a->max_entries == b->max_entries && a->map_flags == b->map_flags &&
	       a->map_extra == b->map_extra && a->unmapped == b->unmapped;
}

/* The shared map for a definition, created on first use. */
static const struct harness_map *shared_map(struct suite *s,
					    const struct obj_map *def)
{
	struct shared_map *m;

	for (size_t i = 0; i < s->shared_cnt; i++)
		if (same_def(s->shared[i].def, def))
			return &s->shared[i].h;
	s->shared = xrealloc(s->shared, sizeof(*m) * (s->shared_cnt + 1));
	m = &s->shared[s->shared_cnt++];
	memset(m, 0, sizeof(*m));
	m->def = def;
	create_map(def, &m->h);
	return &m->h;
}

static void share_maps(struct suite *s, size_t o, const struct obj_prog *p)
{
	for (size_t i = 0; i < p->reloc_cnt; i++) {
		const struct obj_reloc *r = &p->relocs[i];

		if (r->kind == RELOC_MAP && s->maps[o][r->map].fd < 0)
			s->maps[o][r->map] = *shared_map(s, &s->objs[o].maps[r->map]);
	}
}

void suite_link(struct suite *s, const struct kernel *k, const bool *wanted)
{
	s->maps = xcalloc(s->obj_cnt, sizeof(*s->maps));
	for (size_t i = 0; i < s->obj_cnt; i++) {
		s->maps[i] = xcalloc(s->objs[i].map_cnt, sizeof(**s->maps));
		for (size_t j = 0; j < s->objs[i].map_cnt; j++)
			s->maps[i][j].fd = -1;
	}
	for (size_t i = 0; i < s->case_cnt; i++) {
		struct conform_case *c = &s->cases[i];
		size_t o = 0;

		while (strcmp(s->objs[o].path, c->object))
			o++;
		c->obj = &s->objs[o];
		c->kernel = k;
		if (!c->run && (!wanted || wanted[i])) {
			share_maps(s, o, c->prog.src);
			share_maps(s, o, c->control.src);
		}
		suite_link_prog(k, c->obj, s->maps[o], &c->prog);
		suite_link_prog(k, c->obj, s->maps[o], &c->control);
	}
}

void suite_close(struct suite *s)
{
	for (size_t i = 0; i < s->case_cnt; i++) {
		free(s->cases[i].prog.insns);
		free(s->cases[i].control.insns);
	}
	/* The per-object views do not own their fds: the shared maps do. */
	for (size_t i = 0; s->maps && i < s->obj_cnt; i++)
		free(s->maps[i]);
	for (size_t i = 0; i < s->shared_cnt; i++) {
		if (s->shared[i].h.mem)
			munmap(s->shared[i].h.mem, s->shared[i].h.len);
		if (s->shared[i].h.fd >= 0)
			close(s->shared[i].h.fd);
	}
	free(s->shared);
	for (size_t i = 0; i < s->obj_cnt; i++)
		object_close(&s->objs[i]);
	free(s->maps);
	free(s->objs);
	free(s->cases);
	memset(s, 0, sizeof(*s));
}
