// SPDX-License-Identifier: GPL-2.0
/*
 * Fresh copies of a program's maps. libbpf has bpf_map__reuse_fd(), but
 * only before bpf_object__prepare(), and preparing the object again for
 * every runtime case would parse vmlinux BTF every time. So the copies are
 * made here, from libbpf's map definitions, and the program's map loads
 * (ld_imm64 with BPF_PSEUDO_MAP_FD or _VALUE, which carry the map's fd)
 * are pointed at them.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena_pool.h"
#include "maps.h"
#include "uapi_compat.h"
#include "util.h"

static bool is_map_load(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		insn->src_reg == BPF_PSEUDO_MAP_VALUE);
}

static struct bpf_map *map_by_fd(const struct suite *s, int fd)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, s->obj)
		if (bpf_map__fd(m) == fd)
			return m;
	return NULL;
}

/*
 * In the run stage (map_set_create_aligned()), the page FREE_ONE_PAGE()
 * frees must be one user space can look at. An arena pointer is the low 32 bits of a user address, so
 * each arena copy is mapped at a 4 GiB-aligned address: its pointers are
 * then offsets from its start. The address is taken from a reservation of
 * 4 GiB more than the arena, which the arena replaces (MAP_FIXED), so that
 * no other thread's mmap() can take it in between; the kernel maps an
 * arena only at the address its map was created with (map_extra).
 */
struct reservation {
	char *base;
	size_t span;
	char *aligned;
};

static int reserve_aligned(size_t len, struct reservation *r)
{
	r->span = (1ULL << 32) + len;
	r->base = mmap(NULL, r->span, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r->base == MAP_FAILED) {
		r->base = NULL;
		return -1;
	}
	r->aligned = (char *)(((uintptr_t)r->base + 0xffffffffULL) &
			      ~(uintptr_t)0xffffffffULL);
	return 0;
}

/* Give back what the arena did not take. */
static void reservation_trim(struct reservation *r, size_t len)
{
	if (r->aligned > r->base)
		munmap(r->base, (size_t)(r->aligned - r->base));
	munmap(r->aligned + len, (size_t)(r->base + r->span - (r->aligned + len)));
}

int arena_create_aligned(const char *name, __u32 map_flags,
			 __u32 max_entries, struct pooled_arena *a, char *err,
			 size_t errlen)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = map_flags);
	struct reservation r;

	memset(a, 0, sizeof(*a));
	a->map_flags = map_flags;
	a->max_entries = max_entries;
	a->len = (size_t)max_entries * (size_t)sysconf(_SC_PAGESIZE);
	if (reserve_aligned(a->len, &r))
		return set_err(err, errlen, "map %s: reserving address space: %s",
			       name, strerror(errno));
	opts.map_extra = (uintptr_t)r.aligned;
	a->fd = bpf_map_create(BPF_MAP_TYPE_ARENA, name, 0, 0, max_entries, &opts);
	if (a->fd < 0) {
		set_err(err, errlen, "map %s: BPF_MAP_CREATE: %s", name, strerror(errno));
		munmap(r.base, r.span);
		return -1;
	}
	a->mem = mmap(r.aligned, a->len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_FIXED, a->fd, 0);
	if (a->mem == MAP_FAILED) {
		set_err(err, errlen, "map %s: mmap: %s", name, strerror(errno));
		munmap(r.base, r.span);
		close(a->fd);
		return -1;
	}
	reservation_trim(&r, a->len);
	return 0;
}

static int copy_map(const struct suite *s, const struct bpf_map *m,
		    struct fresh_map *f, bool aligned, bool pool, char *err,
		    size_t errlen)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		    .map_flags = bpf_map__map_flags(m),
		    .map_extra = bpf_map__map_extra(m),
		    .btf_key_type_id = bpf_map__btf_key_type_id(m),
		    .btf_value_type_id = bpf_map__btf_value_type_id(m));
	int btf_fd = bpf_object__btf_fd(s->obj);
	bool arena = bpf_map__type(m) == BPF_MAP_TYPE_ARENA;

	if (opts.btf_value_type_id && btf_fd > 0)
		opts.btf_fd = (__u32)btf_fd;
	else
		opts.btf_key_type_id = opts.btf_value_type_id = 0;
	f->name = bpf_map__name(m);
	f->old_fd = bpf_map__fd(m);
	f->map_flags = opts.map_flags;
	f->max_entries = bpf_map__max_entries(m);
	f->len = (size_t)f->max_entries * (size_t)sysconf(_SC_PAGESIZE);
	/* An arena whose definition asks for an address gets it. */
	if (arena && aligned && !opts.map_extra) {
		struct pooled_arena pa;

		/* Such an arena may be reused (arena_pool.c). */
		f->pool = pool;
		if (!(pool && arena_pool_take(f->map_flags, f->max_entries, &pa)) &&
		    arena_create_aligned(f->name, f->map_flags, f->max_entries, &pa,
					 err, errlen))
			return -1;
		f->fd = pa.fd;
		f->mem = pa.mem;
		return 0;
	}
	f->fd = bpf_map_create(bpf_map__type(m), f->name, bpf_map__key_size(m),
			       bpf_map__value_size(m), bpf_map__max_entries(m),
			       &opts);
	if (f->fd < 0)
		return set_err(err, errlen, "map %s: BPF_MAP_CREATE: %s", f->name,
			       strerror(errno));
	if (!arena)
		return 0;
	f->mem = mmap((void *)(uintptr_t)opts.map_extra, f->len,
		      PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, 0);
	if (f->mem == MAP_FAILED) {
		f->mem = NULL;
		return set_err(err, errlen, "map %s: mmap: %s", f->name, strerror(errno));
	}
	return 0;
}

static struct fresh_map *find_old(struct map_set *set, int old_fd)
{
	for (size_t i = 0; i < set->cnt; i++)
		if (set->maps[i].old_fd == old_fd)
			return &set->maps[i];
	return NULL;
}

/* Point the map loads of insns at set's maps, copying the ones it lacks. */
static int patch(const struct suite *s, struct map_set *set,
		 struct bpf_insn *insns, size_t cnt, bool aligned, bool pool,
		 char *err, size_t errlen)
{
	for (size_t i = 0; i + 1 < cnt; i++) {
		struct bpf_insn *insn = &insns[i];
		struct fresh_map *f;
		struct bpf_map *m;

		if (!is_map_load(insn))
			continue;
		m = map_by_fd(s, insn->imm);
		if (!m || bpf_map__is_internal(m))
			goto next;
		f = find_old(set, insn->imm);
		if (!f) {
			set->maps = xrealloc(set->maps, sizeof(*f) * (set->cnt + 1));
			f = &set->maps[set->cnt++];
			memset(f, 0, sizeof(*f));
			f->fd = -1;
			if (copy_map(s, m, f, aligned, pool, err, errlen))
				return -1;
		}
		insn->imm = f->fd;
next:
		i++;	/* the second half of ld_imm64 */
	}
	return 0;
}

static int create(const struct suite *s, const struct prog_spec *sp,
		  struct map_set *set, struct prog_spec *out, bool aligned,
		  bool pool, char *err, size_t errlen)
{
	memset(set, 0, sizeof(*set));
	*out = *sp;
	set->insns = xmalloc(sp->insn_cnt * sizeof(*set->insns));
	memcpy(set->insns, sp->insns, sp->insn_cnt * sizeof(*set->insns));
	out->insns = set->insns;
	return patch(s, set, set->insns, sp->insn_cnt, aligned, pool, err, errlen);
}

int map_set_add(const struct suite *s, struct map_set *set,
		const struct prog_spec *sp, struct prog_spec *out, char *err,
		size_t errlen)
{
	struct bpf_insn *insns = xmalloc(sp->insn_cnt * sizeof(*insns));

	memcpy(insns, sp->insns, sp->insn_cnt * sizeof(*insns));
	set->extra = xrealloc(set->extra, sizeof(*set->extra) * (set->extra_cnt + 1));
	set->extra[set->extra_cnt++] = insns;
	*out = *sp;
	out->insns = insns;
	return patch(s, set, insns, sp->insn_cnt, false, false, err, errlen);
}

int map_set_create(const struct suite *s, const struct prog_spec *sp,
		   struct map_set *set, struct prog_spec *out, char *err,
		   size_t errlen)
{
	return create(s, sp, set, out, false, false, err, errlen);
}

int map_set_create_aligned(const struct suite *s, const struct prog_spec *sp,
			   bool pool, struct map_set *set,
			   struct prog_spec *out, char *err, size_t errlen)
{
	return create(s, sp, set, out, true, pool, err, errlen);
}

const struct fresh_map *map_set_find(const struct map_set *set,
				     const char *name)
{
	for (size_t i = 0; i < set->cnt; i++)
		if (!strcmp(set->maps[i].name, name))
			return &set->maps[i];
	return NULL;
}

static struct pooled_arena as_pooled(const struct fresh_map *f)
{
	return (struct pooled_arena){ f->fd, f->mem, f->len, f->map_flags,
				      f->max_entries };
}

void map_set_return(struct map_set *set)
{
	for (size_t i = 0; i < set->cnt; i++) {
		struct fresh_map *f = &set->maps[i];
		struct pooled_arena pa;

		if (!f->pool || f->fd < 0 || !f->mem)
			continue;
		pa = as_pooled(f);
		if (arena_pool_give(&pa)) {
			f->fd = -1;	/* the pool's now */
			f->mem = NULL;
		}
	}
	map_set_destroy(set);
}

void map_set_destroy(struct map_set *set)
{
	for (size_t i = 0; i < set->cnt; i++) {
		if (set->maps[i].pool) {
			struct pooled_arena pa = as_pooled(&set->maps[i]);

			arena_pool_forget(&pa);
		}
		if (set->maps[i].mem)
			munmap(set->maps[i].mem, set->maps[i].len);
		if (set->maps[i].fd >= 0)
			close(set->maps[i].fd);
	}
	free(set->maps);
	free(set->insns);
	for (size_t i = 0; i < set->extra_cnt; i++)
		free(set->extra[i]);
	free(set->extra);
	memset(set, 0, sizeof(*set));
}
