// SPDX-License-Identifier: GPL-2.0
/* Reads the suite's BPF ELF objects with libelf and their BTF with libbpf. */
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "object.h"
#include "util.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

#define TAG_PREFIX "conform:"

struct elf_ctx {
	Elf *elf;
	size_t shstrndx;
	Elf_Data *symbols;
	size_t strtab;
	size_t sym_cnt;
	int maps_shndx;
	Elf_Data *btf;
	struct object *obj;
	char *err;
	size_t errlen;
};

static int fail(struct elf_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct elf_ctx *c, const char *fmt, ...)
{
	int n = snprintf(c->err, c->errlen, "%s: ", c->obj->path);
	va_list ap;

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *sec_name(struct elf_ctx *c, Elf_Scn *scn)
{
	GElf_Shdr sh;

	if (!gelf_getshdr(scn, &sh))
		return NULL;
	return elf_strptr(c->elf, c->shstrndx, sh.sh_name);
}

static bool is_prog_section(Elf_Scn *scn)
{
	GElf_Shdr sh;

	return gelf_getshdr(scn, &sh) && sh.sh_type == SHT_PROGBITS &&
	       (sh.sh_flags & SHF_EXECINSTR);
}

/* Collect every global function of an executable section as a program. */
static int read_programs(struct elf_ctx *c)
{
	for (size_t i = 0; i < c->sym_cnt; i++) {
		struct obj_prog *p;
		Elf_Data *data;
		Elf_Scn *scn;
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(c->symbols, (int)i, &sym))
			return fail(c, "bad symbol table");
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
			continue;
		scn = elf_getscn(c->elf, sym.st_shndx);
		if (!scn || !is_prog_section(scn))
			continue;
		name = elf_strptr(c->elf, c->strtab, sym.st_name);
		if (!name)
			return fail(c, "bad symbol name");
		if (GELF_ST_BIND(sym.st_info) != STB_GLOBAL)
			return fail(c, "%s: static BPF subprograms are not supported, use __always_inline",
				    name);
		data = elf_getdata(scn, NULL);
		if (!data || sym.st_value % 8 || sym.st_size % 8 || !sym.st_size ||
		    sym.st_value + sym.st_size > data->d_size)
			return fail(c, "%s: function lies outside its section", name);

		c->obj->progs = xrealloc(c->obj->progs,
					 sizeof(*p) * (c->obj->prog_cnt + 1));
		p = &c->obj->progs[c->obj->prog_cnt++];
		memset(p, 0, sizeof(*p));
		p->func = xstrdup(name);
		p->sec = xstrdup(sec_name(c, scn) ?: "?");
		p->insn_cnt = sym.st_size / 8;
		p->insns = xmalloc(sym.st_size);
		memcpy(p->insns, (char *)data->d_buf + sym.st_value, sym.st_size);
		p->shndx = sym.st_shndx;
		p->offset = sym.st_value;
	}
	return 0;
}

static struct obj_prog *prog_at(struct object *obj, size_t shndx, size_t off)
{
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		struct obj_prog *p = &obj->progs[i];
		if (p->shndx == shndx && off >= p->offset &&
		    off < p->offset + p->insn_cnt * 8)
			return p;
	}
	return NULL;
}

static int map_index(struct object *obj, const char *name)
{
	for (size_t i = 0; i < obj->map_cnt; i++)
		if (!strcmp(obj->maps[i].name, name))
			return (int)i;
	return -1;
}

static int read_relocations(struct elf_ctx *c)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(c->elf, scn))) {
		Elf_Scn *target;
		Elf_Data *data;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL)
			continue;
		target = elf_getscn(c->elf, sh.sh_info);
		if (!target || !is_prog_section(target))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			return fail(c, "bad relocation section");
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			struct obj_reloc *r;
			struct obj_prog *p;
			const char *name;
			struct bpf_insn *insn;
			GElf_Rel rel;
			GElf_Sym sym;

			if (!gelf_getrel(data, (int)i, &rel) ||
			    !gelf_getsym(c->symbols, (int)GELF_R_SYM(rel.r_info), &sym))
				return fail(c, "bad relocation");
			name = elf_strptr(c->elf, c->strtab, sym.st_name) ?: "?";
			p = prog_at(c->obj, sh.sh_info, rel.r_offset);
			if (!p || rel.r_offset % 8)
				return fail(c, "relocation against %s outside any program", name);
			p->relocs = xrealloc(p->relocs, sizeof(*r) * (p->reloc_cnt + 1));
			r = &p->relocs[p->reloc_cnt++];
			memset(r, 0, sizeof(*r));
			r->insn = (rel.r_offset - p->offset) / 8;
			insn = &p->insns[r->insn];
			if (c->maps_shndx >= 0 && sym.st_shndx == c->maps_shndx &&
			    insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    r->insn + 1 < p->insn_cnt) {
				r->kind = RELOC_MAP;
				r->map = map_index(c->obj, name);
				if (r->map < 0)
					return fail(c, "%s: map %s has no BTF definition",
						    p->func, name);
			} else if (sym.st_shndx == SHN_UNDEF &&
				   insn->code == (BPF_JMP | BPF_CALL)) {
				r->kind = RELOC_KFUNC;
				r->kfunc = xstrdup(name);
			} else {
				return fail(c, "%s: unsupported reference to %s (only .maps and kfuncs)",
					    p->func, name);
			}
		}
	}
	return 0;
}

/* The integer behind "__uint(name, val)": a pointer to an array of val. */
static int btf_uint_member(const struct btf *btf, __u32 type, __u32 *val)
{
	const struct btf_type *t = btf__type_by_id(btf, type);

	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_array(t))
		return -1;
	*val = btf_array(t)->nelems;
	return 0;
}

/* The size behind "__type(name, T)": a pointer to T. */
static int btf_type_member(const struct btf *btf, __u32 type, __u32 *size)
{
	const struct btf_type *t = btf__type_by_id(btf, type);
	__s64 sz;

	if (!t || !btf_is_ptr(t))
		return -1;
	sz = btf__resolve_size(btf, t->type);
	if (sz < 0)
		return -1;
	*size = (__u32)sz;
	return 0;
}

static int read_map_def(struct elf_ctx *c, const struct btf *btf, __u32 var_id)
{
	const struct btf_type *var = btf__type_by_id(btf, var_id), *def;
	const struct btf_member *m;
	struct obj_map *map;

	if (!var || !btf_is_var(var))
		return fail(c, "bad .maps BTF");
	def = btf__type_by_id(btf, btf__resolve_type(btf, var->type));
	if (!def || !btf_is_struct(def))
		return fail(c, "map %s: definition is not a struct",
			    btf__name_by_offset(btf, var->name_off));
	c->obj->maps = xrealloc(c->obj->maps, sizeof(*map) * (c->obj->map_cnt + 1));
	map = &c->obj->maps[c->obj->map_cnt++];
	memset(map, 0, sizeof(*map));
	map->name = xstrdup(btf__name_by_offset(btf, var->name_off));
	m = btf_members(def);
	for (int i = 0; i < btf_vlen(def); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		__u32 v = 0;
		int err;

		if (!strcmp(mn, "key") || !strcmp(mn, "value")) {
			err = btf_type_member(btf, m->type, &v);
			*(mn[0] == 'k' ? &map->key_size : &map->value_size) = v;
		} else {
			err = btf_uint_member(btf, m->type, &v);
			if (!strcmp(mn, "type"))
				map->type = v;
			else if (!strcmp(mn, "key_size"))
				map->key_size = v;
			else if (!strcmp(mn, "value_size"))
				map->value_size = v;
			else if (!strcmp(mn, "max_entries"))
				map->max_entries = v;
			else if (!strcmp(mn, "map_flags"))
				map->map_flags = v;
			else if (!strcmp(mn, "map_extra"))
				map->map_extra = v;
			else
				return fail(c, "map %s: unsupported field %s", map->name, mn);
		}
		if (err)
			return fail(c, "map %s: bad field %s", map->name, mn);
	}
	return 0;
}

static int read_maps(struct elf_ctx *c, const struct btf *btf)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *v;

		if (!btf_is_datasec(t) ||
		    strcmp(btf__name_by_offset(btf, t->name_off), ".maps"))
			continue;
		v = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, v++)
			if (read_map_def(c, btf, v->type))
				return -1;
	}
	return 0;
}

static struct obj_prog *prog_by_func(struct object *obj, const char *func)
{
	for (size_t i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].func, func))
			return &obj->progs[i];
	return NULL;
}

static int apply_tag(struct elf_ctx *c, struct obj_prog *p, struct obj_map *m,
		     const char *tag)
{
	static const char *const keys[] = {
		"case=", "control=", "prog_type=", "attach_type=", "target=",
		"run=", "flags=", "what=",
	};
	char **slots[8];

	if (m) {
		if (strcmp(tag, "unmapped"))
			return fail(c, "map %s: unknown tag %s", m->name, tag);
		m->unmapped = true;
		return 0;
	}
	slots[0] = &p->case_name;
	slots[1] = &p->control_of;
	slots[2] = &p->prog_type;
	slots[3] = &p->attach_type;
	slots[4] = &p->target;
	slots[5] = &p->run;
	slots[6] = &p->flags;
	slots[7] = &p->what;
	if (!strncmp(tag, "check=", 6)) {
		p->checks = xrealloc(p->checks, sizeof(char *) * (p->check_cnt + 1));
		p->checks[p->check_cnt++] = xstrdup(tag + 6);
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		size_t len = strlen(keys[i]);

		if (strncmp(tag, keys[i], len))
			continue;
		free(*slots[i]);
		*slots[i] = xstrdup(tag + len);
		return 0;
	}
	return fail(c, "%s: unknown tag %s", p->func, tag);
}

static int read_tags(struct elf_ctx *c, const struct btf *btf)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *tt;
		const char *tag = btf__name_by_offset(btf, t->name_off), *name;
		struct obj_prog *p = NULL;
		struct obj_map *m = NULL;

		if (!btf_is_decl_tag(t) || strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)))
			continue;
		tag += strlen(TAG_PREFIX);
		tt = btf__type_by_id(btf, t->type);
		if (!tt)
			return fail(c, "bad decl tag");
		name = btf__name_by_offset(btf, tt->name_off);
		if (btf_is_func(tt)) {
			p = prog_by_func(c->obj, name);
		} else if (btf_is_var(tt)) {
			int idx = map_index(c->obj, name);

			m = idx >= 0 ? &c->obj->maps[idx] : NULL;
		}
		if (!p && !m)
			return fail(c, "tag %s on %s, which is neither a program nor a map",
				    tag, name);
		if (apply_tag(c, p, m, tag))
			return -1;
	}
	return 0;
}

/* Every program must be a tagged case or control. */
static int check_programs(struct elf_ctx *c)
{
	for (size_t i = 0; i < c->obj->prog_cnt; i++) {
		struct obj_prog *p = &c->obj->progs[i];

		if (!!p->case_name == !!p->control_of || !p->prog_type ||
		    !p->attach_type || !p->target)
			return fail(c, "%s: not declared with ARENA_CASE()", p->func);
		if (p->flags && strcmp(p->flags, "plain") &&
		    strcmp(p->flags, "sleepable"))
			return fail(c, "%s: flags= must be plain or sleepable", p->func);
		if (p->run && strcmp(p->run, "once") && strcmp(p->run, "stress"))
			return fail(c, "%s: run= must be once or stress", p->func);
	}
	return 0;
}

static int read_sections(struct elf_ctx *c)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(c->elf, scn))) {
		const char *name = sec_name(c, scn);
		Elf_Data *data;
		GElf_Shdr sh;

		if (!name || !gelf_getshdr(scn, &sh))
			return fail(c, "bad section header");
		if (sh.sh_type == SHT_NOBITS)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			return fail(c, "section %s: %s", name, elf_errmsg(-1));
		if (sh.sh_type == SHT_SYMTAB) {
			if (!sh.sh_entsize)
				return fail(c, "bad symbol table");
			c->symbols = data;
			c->strtab = sh.sh_link;
			c->sym_cnt = sh.sh_size / sh.sh_entsize;
		} else if (!strcmp(name, "license")) {
			c->obj->license = strndup(data->d_buf, data->d_size);
		} else if (!strcmp(name, ".BTF")) {
			c->btf = data;
		} else if (!strcmp(name, ".maps")) {
			c->maps_shndx = (int)elf_ndxscn(scn);
		} else if (!strcmp(name, ".text") && sh.sh_size) {
			return fail(c, ".text is not empty: static BPF subprograms are not supported");
		}
	}
	if (!c->symbols)
		return fail(c, "no symbol table");
	if (!c->btf)
		return fail(c, "no .BTF section (compile with -g)");
	if (!c->obj->license)
		return fail(c, "no license section");
	return 0;
}

static int parse(struct elf_ctx *c, void *buf, size_t size)
{
	struct btf *btf;
	GElf_Ehdr eh;
	int ret;

	c->elf = elf_memory(buf, size);
	if (!c->elf || elf_kind(c->elf) != ELF_K_ELF || !gelf_getehdr(c->elf, &eh))
		return fail(c, "not an ELF object");
	if (gelf_getclass(c->elf) != ELFCLASS64 || eh.e_machine != EM_BPF ||
	    eh.e_type != ET_REL)
		return fail(c, "not a BPF relocatable object (machine %u)", eh.e_machine);
	if (elf_getshdrstrndx(c->elf, &c->shstrndx))
		return fail(c, "no section name table");
	if (read_sections(c) || read_programs(c))
		return -1;
	btf = btf__new(c->btf->d_buf, (__u32)c->btf->d_size);
	if (!btf)
		return fail(c, "corrupt .BTF section");
	ret = read_maps(c, btf);
	ret = ret ?: read_tags(c, btf);
	btf__free(btf);
	ret = ret ?: read_relocations(c);
	ret = ret ?: check_programs(c);
	return ret;
}

static void *read_file(const char *path, size_t *size, int *err)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		*err = errno;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size);
	if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
		*err = EIO;
		free(buf);
		buf = NULL;
	}
	*size = (size_t)st.st_size;
	close(fd);
	return buf;
}

int object_open(struct object *obj, const char *path, char *err, size_t errlen)
{
	struct elf_ctx c = { .maps_shndx = -1, .obj = obj, .err = err, .errlen = errlen };
	size_t size = 0;
	void *buf;
	int ret, e = 0;

	memset(obj, 0, sizeof(*obj));
	obj->path = xstrdup(path);
	buf = read_file(path, &size, &e);
	if (!buf) {
		fail(&c, "%s", strerror(e));
		object_close(obj);
		return -1;
	}
	elf_version(EV_CURRENT);
	ret = parse(&c, buf, size);
	if (c.elf)
		elf_end(c.elf);
	free(buf);
	if (ret)
		object_close(obj);
	return ret;
}

void object_close(struct object *obj)
{
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		struct obj_prog *p = &obj->progs[i];

		for (size_t j = 0; j < p->reloc_cnt; j++)
			free(p->relocs[j].kfunc);
		free(p->relocs);
		free(p->insns);
		free(p->func);
		free(p->sec);
		free(p->case_name);
		free(p->control_of);
		free(p->prog_type);
		free(p->attach_type);
		free(p->target);
		free(p->run);
		free(p->flags);
		free(p->what);
		for (size_t j = 0; j < p->check_cnt; j++)
			free(p->checks[j]);
		free(p->checks);
	}
	for (size_t i = 0; i < obj->map_cnt; i++)
		free(obj->maps[i].name);
	free(obj->progs);
	free(obj->maps);
	free(obj->license);
	free(obj->path);
	memset(obj, 0, sizeof(*obj));
}
