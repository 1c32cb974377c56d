// SPDX-License-Identifier: GPL-2.0
/*
 * Builds the case table from the objects and prepares it for the kernel,
 * all through libbpf: the linker (bpf_linker) joins the objects in memory,
 * bpf_object__open_mem() reads the result once, and bpf_object__prepare()
 * does everything but load the programs.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libbpf_msg.h"
#include "load.h"
#include "races.h"
#include "runtime.h"
#include "suite.h"
#include "uapi_compat.h"
#include "util.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/*
 * Which object each program came from, for -l and for messages: the
 * global functions of a symbol table section.
 */
static void add_origins(struct suite *s, Elf *elf, Elf_Scn *scn,
			const GElf_Shdr *sh, const char *path)
{
	Elf_Data *d = elf_getdata(scn, NULL);

	for (size_t i = 0; d && sh->sh_entsize && i < sh->sh_size / sh->sh_entsize; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(d, (int)i, &sym) ||
		    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    GELF_ST_BIND(sym.st_info) != STB_GLOBAL ||
		    sym.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name)
			continue;
		s->origin = xrealloc(s->origin, sizeof(char *) * (s->prog_cnt + 1));
		s->origin[s->prog_cnt++] = xasprintf("%s%c%s", name, '\0', path);
	}
}

/* A whole file in memory. */
static int read_file(const char *path, char **buf, size_t *len, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;

	if (!f)
		return set_err(err, errlen, "%s: %s", path, strerror(errno));
	*buf = xmalloc(cap);
	while ((got = fread(*buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			*buf = xrealloc(*buf, cap *= 2);
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(*buf);
		*buf = NULL;
		return set_err(err, errlen, "%s: %s", path, strerror(e));
	}
	fclose(f);
	*len = n;
	return 0;
}

/*
 * libbpf gives good messages for malformed objects, but after a page of
 * debug output; these three are the ones a user hits, said plainly. The
 * byte order matters since s390x is big-endian. Its sections, walked once,
 * say which functions it defines and where its .BTF section is.
 */
static int check_elf(struct suite *s, const char *path, const char *buf,
		     size_t len, size_t *btf_off, size_t *btf_len, char *err,
		     size_t errlen)
{
	unsigned char want = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
			     ELFDATA2LSB : ELFDATA2MSB;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Ehdr eh;
	Elf *elf;
	int ret = -1;

	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG))
		return set_err(err, errlen, "%s: not an ELF object", path);
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)buf, len);
	if (!elf || !gelf_getehdr(elf, &eh))
		set_err(err, errlen, "%s: not an ELF object: %s", path,
			elf_errmsg(-1));
	else if (eh.e_machine != EM_BPF || eh.e_type != ET_REL)
		set_err(err, errlen, "%s: not a BPF relocatable object", path);
	else if ((unsigned char)buf[EI_DATA] != want)
		set_err(err, errlen, "%s: a %s-endian BPF object on a %s-endian machine (build it with -target %s)",
			path, buf[EI_DATA] == ELFDATA2MSB ? "big" : "little",
			want == ELFDATA2MSB ? "big" : "little",
			want == ELFDATA2MSB ? "bpfeb" : "bpfel");
	else if (elf_getshdrstrndx(elf, &shstrndx))
		set_err(err, errlen, "%s: not an ELF object: %s", path,
			elf_errmsg(-1));
	else
		ret = 0;
	*btf_len = 0;
	while (!ret && (scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			break;
		if (sh.sh_type == SHT_SYMTAB)
			add_origins(s, elf, scn, &sh, path);
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".BTF") && sh.sh_type == SHT_PROGBITS &&
		    sh.sh_offset <= len && sh.sh_size <= len - sh.sh_offset) {
			*btf_off = sh.sh_offset;
			*btf_len = sh.sh_size;
		}
	}
	if (elf)
		elf_end(elf);
	return ret;
}

/* The license section of the linked object: libbpf has no getter for it. */
static char *object_license(const void *buf, size_t len)
{
	Elf *elf = elf_memory((char *)buf, len);
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	char *license = NULL;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			break;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, "license"))
			continue;
		d = elf_getdata(scn, NULL);
		if (d && d->d_size && memchr(d->d_buf, '\0', d->d_size))
			license = xstrdup(d->d_buf);
		break;
	}
out:
	if (elf)
		elf_end(elf);
	return license;
}

/*
 * One object: check it, note its functions and read its tags, take the
 * tags out of its BTF (tags_strip(): libbpf and the kernel need none of
 * them), and give it to the linker.
 */
static int add_object(struct suite *s, struct bpf_linker *l, const char *path,
		      char *err, size_t errlen)
{
	size_t len = 0, btf_off = 0, btf_len = 0;
	struct btf *btf = NULL;
	char *buf = NULL, why[256];
	int ret = -1, e;

	if (read_file(path, &buf, &len, err, errlen))
		return -1;
	if (check_elf(s, path, buf, len, &btf_off, &btf_len, err, errlen))
		goto out;
	if (btf_len) {
		btf = btf__new(buf + btf_off, (__u32)btf_len);
		if (!btf) {
			set_err(err, errlen, "%s: not a valid BPF object: bad .BTF (%s)",
				path, strerror(errno));
			goto out;
		}
		if (tags_read(btf, &s->tags, why, sizeof(why))) {
			set_err(err, errlen, "%s: %s", path, why);
			goto out;
		}
		tags_strip(btf, buf + btf_off, btf_len);
	}
	e = bpf_linker__add_buf(l, buf, len, NULL);
	if (e) {
		set_err(err, errlen, "%s: not a valid BPF object: %s (%s)", path,
			libbpf_msg_last(), strerror(-e));
		goto out;
	}
	ret = 0;
out:
	btf__free(btf);
	free(buf);
	return ret;
}

/* Link the objects into one ELF image in memory. */
static int link_objects(struct suite *s, char **paths, size_t cnt, char *err,
			size_t errlen)
{
	int fd = memfd_create("conform.bpf.o", MFD_CLOEXEC);
	struct bpf_linker *l = NULL;
	off_t len;
	int ret = -1;

	if (fd < 0)
		return set_err(err, errlen, "memfd_create: %s", strerror(errno));
	libbpf_msg_reset();
	l = bpf_linker__new_fd(fd, NULL);
	if (!l) {
		set_err(err, errlen, "bpf_linker: %s", libbpf_msg_last());
		goto out;
	}
	for (size_t i = 0; i < cnt; i++)
		if (add_object(s, l, paths[i], err, errlen))
			goto out;
	tags_done(&s->tags);
	if (bpf_linker__finalize(l)) {
		set_err(err, errlen, "linking %zu objects: %s", cnt, libbpf_msg_last());
		goto out;
	}
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0) {
		set_err(err, errlen, "linking: empty result");
		goto out;
	}
	s->elf_len = (size_t)len;
	s->elf = xmalloc(s->elf_len);
	if (pread(fd, s->elf, s->elf_len, 0) != (ssize_t)s->elf_len) {
		set_err(err, errlen, "reading the linked object: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	bpf_linker__free(l);
	close(fd);
	return ret;
}

static const char *origin_of(const struct suite *s, const char *func)
{
	const char *o = name_table_get(&s->origin_of, func);

	return o ? o + strlen(o) + 1 : "?";
}

static int check_tags(const struct prog_tags *t, char *err, size_t errlen)
{
	enum race_kind race;

	if (t->role && strcmp(t->role, "target") && strcmp(t->role, "partner"))
		return set_err(err, errlen, "%s: role= must be target or partner", t->func);
	if (t->role && (t->case_name || t->control_of || !t->prog_type ||
			!t->attach_type || !t->target ||
			(!t->flags && !strcmp(t->role, "target"))))
		return set_err(err, errlen, "%s: a role=%s program needs prog_type=, attach_type=, target=%s, and is no case",
			       t->func, t->role, strcmp(t->role, "target") ? "" : " and flags=");
	if (t->role)
		return 0;
	if (!!t->case_name == !!t->control_of || !t->prog_type ||
	    !t->attach_type || !t->target)
		return set_err(err, errlen, "%s: not declared with ARENA_CASE()", t->func);
	if (t->flags && strcmp(t->flags, "plain") && strcmp(t->flags, "sleepable"))
		return set_err(err, errlen, "%s: flags= must be plain or sleepable", t->func);
	if (t->run && strcmp(t->run, "once") && strcmp(t->run, "stress") &&
	    !race_kind_parse(t->run, &race))
		return set_err(err, errlen, "%s: run= must be once, stress or race-KIND, a race of runner/races.c",
			       t->func);
	for (size_t j = 0; j < t->check_cnt; j++) {
		char why[200];

		if (runtime_check_parse(t->checks[j], why, sizeof(why)))
			return set_err(err, errlen, "%s: %s", t->func, why);
	}
	return 0;
}

static struct bpf_program *find_prog(const struct suite *s, const char *func)
{
	return name_table_get(&s->progs, func);
}

const struct conform_case *suite_find(const struct suite *s, const char *name)
{
	uintptr_t i = (uintptr_t)name_table_get(&s->case_of, name);

	return i ? &s->cases[i - 1] : NULL;
}

static void spec_init(struct prog_spec *sp, const struct suite *s,
		      const struct prog_tags *t)
{
	sp->tags = t;
	sp->prog = find_prog(s, t->func);
	sp->name = t->case_name ?: t->control_of;
}

static int build_cases(struct suite *s, char *err, size_t errlen)
{
	struct bpf_program *p;

	name_table_init(&s->case_of);
	/* Every program is a tagged case or control. */
	bpf_object__for_each_program(p, s->obj) {
		const struct prog_tags *t = tags_prog(&s->tags, bpf_program__name(p));

		if (!t)
			return set_err(err, errlen, "%s: %s: not declared with ARENA_CASE()",
				       origin_of(s, bpf_program__name(p)),
				       bpf_program__name(p));
		if (check_tags(t, err, errlen))
			return -1;
	}
	for (size_t i = 0; i < s->tags.prog_cnt; i++) {
		const struct prog_tags *t = &s->tags.progs[i], *ctl;
		const struct conform_case *dup;
		struct conform_case *c;

		if (!t->case_name)
			continue;
		if (!find_prog(s, t->func))
			return set_err(err, errlen, "%s: case %s is not a program",
				       origin_of(s, t->func), t->case_name);
		ctl = tags_control(&s->tags, t->case_name);
		if (!ctl || !find_prog(s, ctl->func))
			return set_err(err, errlen, "%s: case %s has no control",
				       origin_of(s, t->func), t->case_name);
		dup = suite_find(s, t->case_name);
		if (dup)
			return set_err(err, errlen, "%s: case %s is also defined in %s",
				       origin_of(s, t->func), t->case_name, dup->object);
		s->cases = xrealloc(s->cases, sizeof(*c) * (s->case_cnt + 1));
		c = &s->cases[s->case_cnt++];
		memset(c, 0, sizeof(*c));
		c->name = t->case_name;
		name_table_put(&s->case_of, c->name, (void *)(uintptr_t)s->case_cnt);
		c->attach = bpf_program__section_name(find_prog(s, t->func));
		c->prog_type = t->prog_type;
		c->object = origin_of(s, t->func);
		c->suite = s;
		c->flags = CASE_PLAIN | CASE_SLEEPABLE;
		if (t->flags)
			c->flags = strcmp(t->flags, "plain") ? CASE_SLEEPABLE : CASE_PLAIN;
		c->kind = CASE_VERIFIER;
		if (t->run || t->check_cnt)
			c->kind = t->run && !strcmp(t->run, "stress") ?
				  CASE_RUN_STRESS : CASE_RUN_ONCE;
		if (t->run && race_kind_parse(t->run, &c->race)) {
			const struct prog_tags *pt = t->partner ?
				tags_prog(&s->tags, t->partner) : NULL;

			if (!pt || !pt->role || strcmp(pt->role, "partner") ||
			    !find_prog(s, pt->func))
				return set_err(err, errlen, "%s: case %s: a race needs partner=FUNC, a role=partner program",
					       origin_of(s, t->func), t->case_name);
			c->kind = CASE_RUN_RACE;
			spec_init(&c->partner, s, pt);
			c->partner.name = pt->func;
		}
		spec_init(&c->prog, s, t);
		spec_init(&c->control, s, ctl);
		if (!strncmp(t->target, "prog:", 5)) {
			const char *end = strchr(t->target + 5, ':');
			char name[128];
			const struct prog_tags *tt;

			snprintf(name, sizeof(name), "%.*s",
				 end ? (int)(end - t->target - 5) : 0, t->target + 5);
			tt = tags_prog(&s->tags, name);
			if (!tt || !tt->role || !find_prog(s, name))
				return set_err(err, errlen, "%s: case %s: target %s is no role=target program",
					       origin_of(s, t->func), t->case_name, name);
			spec_init(&c->target, s, tt);
			c->target.name = tt->func;
			c->has_target = true;
		}
	}
	return 0;
}

int suite_open(struct suite *s, char **paths, size_t cnt, char *err,
	       size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "conform");
	struct bpf_program *p;

	memset(s, 0, sizeof(*s));
	tags_init(&s->tags);
	if (link_objects(s, paths, cnt, err, errlen))
		goto fail;
	name_table_init(&s->origin_of);
	for (size_t i = 0; i < s->prog_cnt; i++)
		name_table_put(&s->origin_of, s->origin[i], s->origin[i]);
	libbpf_msg_reset();
	s->obj = bpf_object__open_mem(s->elf, s->elf_len, &opts);
	if (!s->obj) {
		set_err(err, errlen, "opening the linked objects: %s", libbpf_msg_last());
		goto fail;
	}
	name_table_init(&s->progs);
	bpf_object__for_each_program(p, s->obj)
		name_table_put(&s->progs, bpf_program__name(p), p);
	if (build_cases(s, err, errlen))
		goto fail;
	return 0;
fail:
	suite_close(s);
	return -1;
}

/*
 * Maps before bpf_object__prepare(): the extra arenas become arenas (libbpf
 * allows one per object), an unmapped arena is created here so that libbpf
 * does not mmap() it, and if the kernel refuses arenas none is created.
 */
static int adjust_maps(struct suite *s, char *err, size_t errlen)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, s->obj) {
		const struct map_tags *t = tags_map(&s->tags, bpf_map__name(m));
		LIBBPF_OPTS(bpf_map_create_opts, opts);
		int fd, ret;

		if (t && t->arena && (bpf_map__set_type(m, BPF_MAP_TYPE_ARENA) ||
				      bpf_map__set_key_size(m, 0) ||
				      bpf_map__set_value_size(m, 0)))
			return set_err(err, errlen, "map %s: cannot make it an arena",
				       bpf_map__name(m));
		if (bpf_map__type(m) != BPF_MAP_TYPE_ARENA)
			continue;
		if (s->kernel->arena != ARENA_CREATED) {
			bpf_map__set_autocreate(m, false);
			continue;
		}
		if (!t || !t->unmapped)
			continue;
		opts.map_flags = bpf_map__map_flags(m);
		opts.map_extra = bpf_map__map_extra(m);
		fd = bpf_map_create(BPF_MAP_TYPE_ARENA, bpf_map__name(m), 0, 0,
				    bpf_map__max_entries(m), &opts);
		if (fd < 0)
			return set_err(err, errlen, "map %s: BPF_MAP_CREATE: %s",
				       bpf_map__name(m), strerror(errno));
		ret = bpf_map__reuse_fd(m, fd);
		close(fd);
		if (ret)
			return set_err(err, errlen, "map %s: bpf_map__reuse_fd: %s",
				       bpf_map__name(m), strerror(-ret));
	}
	return 0;
}

static void spec_resolve(struct prog_spec *sp, const struct suite *s,
			 const struct kernel *k, const char *license)
{
	const struct prog_tags *t = sp->tags;
	int member = -1;

	sp->license = t->license ?: license;
	sp->insns = bpf_program__insns(sp->prog);
	sp->insn_cnt = bpf_program__insn_cnt(sp->prog);
	sp->btf_fd = bpf_object__btf_fd(s->obj);
	sp->func_info = bpf_program__func_info(sp->prog);
	sp->func_info_cnt = bpf_program__func_info_cnt(sp->prog);
	sp->line_info = bpf_program__line_info(sp->prog);
	sp->line_info_cnt = bpf_program__line_info_cnt(sp->prog);

	if (kernel_enum_value(k, "bpf_prog_type", t->prog_type, &sp->prog_type)) {
		snprintf(sp->reason, sizeof(sp->reason), "kernel has no %s", t->prog_type);
		return;
	}
	if (t->attach_type[0] &&
	    kernel_enum_value(k, "bpf_attach_type", t->attach_type, &sp->attach_type)) {
		snprintf(sp->reason, sizeof(sp->reason), "kernel has no %s", t->attach_type);
		return;
	}
	if (!strncmp(t->target, "prog:", 5)) {
		/* prog:PROGRAM:FUNCTION: FUNCTION's id in the object's BTF. */
		const char *fn = strchr(t->target + 5, ':');
		int id = fn ? btf__find_by_name_kind(bpf_object__btf(s->obj), fn + 1,
						     BTF_KIND_FUNC) : -1;

		if (id <= 0) {
			snprintf(sp->reason, sizeof(sp->reason),
				 "bad target '%s': no such global function", t->target);
			return;
		}
		sp->attach_btf_id = (__u32)id;
	} else if (t->target[0] &&
		   kernel_resolve_target(k, t->target, &sp->attach_btf_id, &member,
					 sp->reason, sizeof(sp->reason))) {
		return;
	}
	if (member >= 0)
		sp->attach_type = (__u32)member;
	sp->loadable = true;
}

int suite_prepare(struct suite *s, struct kernel *k, char *err,
		  size_t errlen)
{
	char *license;
	int ret;

	s->kernel = k;
	if (adjust_maps(s, err, errlen))
		return -1;
	libbpf_msg_reset();
	kernel_lend_btf(k);
	ret = bpf_object__prepare(s->obj);
	kernel_lend_end(k);
	if (ret)
		return set_err(err, errlen, "bpf_object__prepare: %s: %s",
			       strerror(-ret), libbpf_msg_last());
	s->prepared = true;
	license = object_license(s->elf, s->elf_len);
	if (!license)
		return set_err(err, errlen, "the linked object has no license section");
	for (size_t i = 0; i < s->case_cnt; i++) {
		spec_resolve(&s->cases[i].prog, s, k, license);
		spec_resolve(&s->cases[i].control, s, k, license);
		if (s->cases[i].has_target)
			spec_resolve(&s->cases[i].target, s, k, license);
		if (s->cases[i].kind == CASE_RUN_RACE)
			spec_resolve(&s->cases[i].partner, s, k, license);
	}
	/* The specs point into it: keep it as long as the suite. */
	s->license = license;
	return 0;
}

void suite_close(struct suite *s)
{
	bpf_object__close(s->obj);
	tags_free(&s->tags);
	for (size_t i = 0; i < s->prog_cnt; i++)
		free(s->origin[i]);
	free(s->origin);
	name_table_free(&s->origin_of);
	name_table_free(&s->progs);
	name_table_free(&s->case_of);
	free(s->elf);
	free(s->cases);
	free(s->license);
	memset(s, 0, sizeof(*s));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The name of libbpf's extern number idx. libbpf keeps the externs sorted
 * by kind (.kconfig before .ksyms) and then by name (cmp_externs()), and
 * the poisoned call carries that index.
 */
static const char *extern_name(const struct suite *s, unsigned int idx,
			       char *buf, size_t len)
{
	const struct btf *btf = bpf_object__btf(s->obj);
	__u32 n = btf__type_cnt(btf);
	const char **names = NULL;
	size_t cnt = 0, kconfig = 0;

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_func(t) && btf_vlen(t) == BTF_FUNC_EXTERN) {
			names = xrealloc(names, sizeof(*names) * (cnt + 1));
			names[cnt++] = btf__name_by_offset(btf, t->name_off);
		} else if (btf_is_var(t) && btf_var(t)->linkage == BTF_VAR_GLOBAL_EXTERN) {
			/* typed __ksym variables; .kconfig ones sort first */
			const char *name = btf__name_by_offset(btf, t->name_off);

			if (!strncmp(name, "CONFIG_", 7) || !strncmp(name, "LINUX_", 6)) {
				kconfig++;
				continue;
			}
			names = xrealloc(names, sizeof(*names) * (cnt + 1));
			names[cnt++] = name;
		}
	}
	qsort(names, cnt, sizeof(*names), cmp_str);
	snprintf(buf, len, "%s", idx >= kconfig && idx - kconfig < cnt ?
		 names[idx - kconfig] : "?");
	free(names);
	return buf;
}

/*
 * The poisoned instruction the load was refused at: "invalid func
 * unknown#N", or another refusal of that very call (in a lock region the
 * verifier says "function calls are not allowed while holding a lock"
 * before it looks the function up). Its N, or 0.
 */
static unsigned long poisoned_call(const char *log)
{
	const char *p = log ? strstr(log, "invalid func unknown#") : NULL;
	const char *insn = verifier_log_last_insn(log), *end;

	if (p)
		return strtoul(p + strlen("invalid func unknown#"), NULL, 10);
	if (!insn)
		return 0;
	end = strchr(insn, '\n');
	p = strstr(insn, "call unknown#");
	if (!p || (end && p > end))
		return 0;
	return strtoul(p + strlen("call unknown#"), NULL, 10);
}

bool suite_poisoned(const struct suite *s, const char *log, char *why,
		    size_t len)
{
	unsigned long id = poisoned_call(log);
	char name[128];

	if (!id)
		return false;
	if (id >= 2002000000UL && id < 2003000000UL) {
		extern_name(s, (unsigned int)(id - 2002000000UL), name, sizeof(name));
		snprintf(why, len, "vmlinux BTF has no kfunc %s: the kernel refused the call (unknown#%lu)",
			 name, id);
		return kernel_func_id(s->kernel, name) < 0;
	}
	if (id >= 2001000000UL && id < 2002000000UL) {
		struct bpf_map *m;
		unsigned long i = 0;

		bpf_object__for_each_map(m, s->obj)
			if (i++ == id - 2001000000UL)
				break;
		if (!m || bpf_map__type(m) != BPF_MAP_TYPE_ARENA ||
		    s->kernel->arena == ARENA_CREATED)
			return false;
		snprintf(why, len, "%s: map %s was not created, and the kernel refused its use (unknown#%lu)",
			 s->kernel->arena_why, bpf_map__name(m), id);
		return true;
	}
	return false;
}
