// SPDX-License-Identifier: GPL-2.0
/*
 * The references the kernel holds on a map (struct bpf_map's refcnt). Each
 * fd's file holds one (a mmap() of it shares that file and adds none), and
 * so does every program that uses the map, until the program is freed:
 * bpf_prog_put() drops the program's own refcount at once, but its maps
 * (bpf_free_used_maps()) only in bpf_prog_free_deferred(), after a grace
 * period: RCU tasks trace for a sleepable program, RCU for the others
 * (__bpf_prog_put_noref() in kernel/bpf/syscall.c). An arena whose refcnt
 * is down to the runner's own references therefore has no program that
 * can still run, from any hook, timer or workqueue callback.
 *
 * No bpf() command returns a map's refcnt, and libbpf reads none. An
 * iterator over every map (iter/bpf_map, v5.8) reads it. The iterator is
 * fifteen instructions, written out here rather than compiled, like
 * arena_pool.c's programs: the offsets of id and refcnt come from the
 * running kernel's BTF (what CO-RE would relocate), so no build step or
 * vmlinux.h is needed for it.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "map_refs.h"

static int prog_fd = -1, link_fd = -1;

/*
 * The byte offset of member name in the struct or union of BTF id, looking
 * into anonymous members (bpf_iter_meta's seq is in a union), or -1.
 */
static int member_off_in(const struct btf *btf, int id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, (__u32)id);
	const struct btf_member *m;

	if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
		return -1;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		int off = (int)(btf_member_bit_offset(t, i) / 8), in;

		if (m->name_off) {
			if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
				return off;
			continue;
		}
		in = member_off_in(btf, btf__resolve_type(btf, m->type), name);
		if (in >= 0)
			return off + in;
	}
	return -1;
}

static int member_off(const struct btf *btf, const char *sname,
		      const char *name)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);

	return id > 0 ? member_off_in(btf, id, name) : -1;
}

int map_refs_open(const struct btf *vmlinux)
{
	int func = vmlinux ? btf__find_by_name_kind(vmlinux, "bpf_iter_bpf_map",
						    BTF_KIND_FUNC) : -1;
	int off_id = vmlinux ? member_off(vmlinux, "bpf_map", "id") : -1;
	/* refcnt is an atomic64_t: struct { s64 counter; } (linux/types.h) */
	int off_ref = vmlinux ? member_off(vmlinux, "bpf_map", "refcnt") : -1;
	int off_seq = vmlinux ? member_off(vmlinux, "bpf_iter_meta", "seq") : -1;
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_ITER);

	if (func <= 0 || off_id < 0 || off_ref < 0 || off_seq < 0) {
		errno = ENOENT;
		return -1;
	}
	o.attach_btf_id = (__u32)func;
	struct bpf_insn insns[] = {
		/* r6 = ctx: the iterator's arguments, meta at 0, map at 8 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_6,
		  .src_reg = BPF_REG_1 },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_7,
		  .src_reg = BPF_REG_6, .off = 8 },
		/* the end of the walk: no map */
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_7,
		  .off = 10, .imm = 0 },
		/* fp[-16] = map->id, fp[-8] = map->refcnt */
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_7, .off = (__s16)off_id },
		{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10,
		  .src_reg = BPF_REG_2, .off = -16 },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_7, .off = (__s16)off_ref },
		{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10,
		  .src_reg = BPF_REG_2, .off = -8 },
		/* bpf_seq_write(ctx->meta->seq, fp - 16, 16) */
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_6, .off = 0 },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_REG_1, .off = (__s16)off_seq },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = -16 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3,
		  .imm = 16 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_seq_write },
		/* return 0 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "conform_maprefs", "GPL",
				insns, sizeof(insns) / sizeof(insns[0]), &o);
	if (prog_fd < 0)
		return -1;
	link_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_ITER, NULL);
	if (link_fd < 0) {
		int e = errno;

		map_refs_close();
		errno = e;
		return -1;
	}
	return 0;
}

void map_refs_close(void)
{
	if (link_fd >= 0)
		close(link_fd);
	if (prog_fd >= 0)
		close(prog_fd);
	link_fd = prog_fd = -1;
}

bool map_refs_ready(void)
{
	return link_fd >= 0;
}

int map_refcounts(const __u32 *ids, int n, long long *refs)
{
	long long buf[2 * 64];
	size_t have = 0;
	ssize_t r;
	int fd;

	for (int i = 0; i < n; i++)
		refs[i] = -1;
	if (link_fd < 0) {
		errno = EBADF;
		return -1;
	}
	fd = bpf_iter_create(link_fd);
	if (fd < 0)
		return -1;
	/*
	 * Records of 16 bytes, id and refcnt; a read may end inside one. The
	 * walk holds a reference on the map the program sees
	 * (bpf_map_get_curr_or_next() in kernel/bpf/syscall.c): not counted.
	 */
	while ((r = read(fd, (char *)buf + have, sizeof(buf) - have)) > 0) {
		size_t whole;

		have += (size_t)r;
		whole = have / sizeof(buf[0]) / 2;
		for (size_t k = 0; k < whole; k++)
			for (int i = 0; i < n; i++)
				if (ids[i] == (__u32)buf[2 * k])
					refs[i] = buf[2 * k + 1] - 1;
		memmove(buf, buf + 2 * whole, have - whole * 2 * sizeof(buf[0]));
		have -= whole * 2 * sizeof(buf[0]);
	}
	close(fd);
	return r < 0 ? -1 : 0;
}

__u32 map_id_of(int fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_map_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}
