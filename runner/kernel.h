/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel under test: its release and version, its vmlinux BTF (parsed
 * once per run), and the names in it that cases refer to.
 */
#ifndef CONFORM_KERNEL_H
#define CONFORM_KERNEL_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "expect.h"

#define KFUNC_NAME "bpf_arena_free_pages"

struct btf;
struct btf_type;

/* Names looked up more than once: vmlinux BTF has no index by name. */
#define KERNEL_CACHE 64

struct kernel_cache_entry {
	char name[64];
	int kind;
	int id;				/* BTF id, or -ENOENT */
};

/*
 * Can an arena be created here? A kernel without arenas (before v6.9, or a
 * JIT without arena support) answers EINVAL, EOPNOTSUPP or ENOMEM: loads
 * that use one are "absent", a verdict on the kernel. EPERM or EACCES is
 * the environment (a missing capability, an LSM, lockdown) refusing what
 * root may do on a stock kernel.
 */
enum arena_support {
	ARENA_CREATED,
	ARENA_KERNEL_LACKS,
	ARENA_ENV_REFUSES,
};

/*
 * What this system refuses that a stock kernel of this build gives root:
 * then no case gives a verdict, each is a skip with env_why.
 */
enum env_refusal {
	ENV_NONE,
	ENV_NO_ARENA,		/* BPF_MAP_CREATE of an arena: EPERM, EACCES */
	ENV_JIT_OFF,		/* net.core.bpf_jit_enable is 0: no kfunc call */
};

struct kernel {
	char release[65];		/* uname -r */
	unsigned int version;		/* parsed, or --kernel-version */
	bool version_overridden;
	struct btf *btf;		/* vmlinux */
	bool btf_lent;			/* libbpf owns it: see kernel_lend_btf() */
	char btf_path[256];
	bool btf_has_kfunc;
	struct platform platform;	/* architecture, PREEMPT_RT, page size */
	enum arena_support arena;	/* a real BPF_MAP_CREATE, in kernel_open() */
	char arena_why[224];		/* what it answered, if not an arena */
	enum env_refusal env;		/* in kernel_open() */
	char env_why[320];		/* why, for the skips */
	struct kernel_cache_entry cache[KERNEL_CACHE];
	int cache_cnt;
};

/*
 * Returns 0, or -1 with the reason in err. Looks up, once, the names every
 * case needs (the enums and the kfuncs), so that linking does not scan the
 * whole of vmlinux BTF again and again.
 */
int kernel_open(struct kernel *k, const char *btf_path, const char *version,
		char *err, size_t errlen);
void kernel_close(struct kernel *k);

/*
 * Lend vmlinux BTF to libbpf's next vmlinux load (in bpf_object__prepare()),
 * so that it is parsed once per run; only if it is the running kernel's.
 * kernel_lend_end() returns whether libbpf took it: it then frees it with
 * the object, and k->btf is valid until then.
 */
void kernel_lend_btf(struct kernel *k);
bool kernel_lend_end(struct kernel *k);

/* Value of NAME in enum ENUM_NAME of vmlinux BTF. 0, or -ENOENT. */
int kernel_enum_value(const struct kernel *k, const char *enum_name,
		      const char *name, __u32 *val);

/* BTF id of the kernel function NAME, or -ENOENT. */
int kernel_func_id(const struct kernel *k, const char *name);

/*
 * The prototype of the kernel function NAME as vmlinux BTF has it, written
 * by libbpf's btf_dump__emit_type_decl() on one line: "void NAME(void
 * *p__map, void *ptr__ign, u32 page_cnt)". A malloc()ed string, or NULL if
 * BTF has no such function (or it cannot be written).
 */
char *kernel_func_prototype(const struct kernel *k, const char *name);

/*
 * Resolve an attach target ("func:NAME", "typedef:NAME" or
 * "struct_ops:TYPE.MEMBER") to its BTF id and, for struct_ops, the member
 * index, which is the expected attach type. *member is -1 otherwise.
 * Returns 0, or -1 with the reason in err.
 */
int kernel_resolve_target(const struct kernel *k, const char *target,
			  __u32 *btf_id, int *member, char *err, size_t errlen);

#endif /* CONFORM_KERNEL_H */
