// SPDX-License-Identifier: GPL-2.0
/* The kernel under test and its vmlinux BTF. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel.h"
#include "uapi_compat.h"
#include "util.h"
#include "version.h"

/* See kernel_lend_btf(). */
struct btf *__real_btf__load_vmlinux_btf(void);
struct btf *__wrap_btf__load_vmlinux_btf(void);

/*
 * vmlinux BTF: libbpf maps /sys/kernel/btf/vmlinux where the kernel allows
 * it (v6.16) and parses it in place; any other file goes to btf__parse(),
 * which reads raw BTF and ELF files.
 */
static struct btf *parse_btf(const char *path)
{
	struct btf *btf;

	if (strcmp(path, "/sys/kernel/btf/vmlinux"))
		return btf__parse(path, NULL);
	btf = __real_btf__load_vmlinux_btf();
	return libbpf_get_error(btf) ? NULL : btf;
}

/*
 * vmlinux BTF is parsed once per run. bpf_object__prepare() needs it too
 * (kfunc ids, CO-RE) and parses it again, and libbpf has no API to take a
 * parsed one, so the runner is linked with -Wl,--wrap=btf__load_vmlinux_btf
 * and lends libbpf its own copy. libbpf then owns it and frees it with the
 * object. With a shared libbpf the wrapper is never called, and nothing
 * changes but the second parse.
 */
static struct btf *lent;

struct btf *__wrap_btf__load_vmlinux_btf(void)
{
	struct btf *btf = lent;

	lent = NULL;
	return btf ?: __real_btf__load_vmlinux_btf();
}

void kernel_lend_btf(struct kernel *k)
{
	if (!k->btf_lent && !strcmp(k->btf_path, "/sys/kernel/btf/vmlinux"))
		lent = k->btf;
}

bool kernel_lend_end(struct kernel *k)
{
	if (lent == k->btf)
		lent = NULL;
	else if (k->btf)
		k->btf_lent = true;
	return k->btf_lent;
}

/*
 * Can this kernel, here, create an arena at all? A real BPF_MAP_CREATE:
 * the observation behind "absent" (with the load that then fails), and
 * behind the skip of every case where the environment refuses it.
 */
static void probe_arena(struct kernel *k)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARENA, "conform_probe", 0, 0, 1, &opts);
	int e = errno;

	if (fd >= 0) {
		close(fd);
		k->arena = ARENA_CREATED;
		return;
	}
	k->arena = e == EPERM || e == EACCES ? ARENA_ENV_REFUSES : ARENA_KERNEL_LACKS;
	snprintf(k->arena_why, sizeof(k->arena_why),
		 "BPF_MAP_CREATE(BPF_MAP_TYPE_ARENA) = %s", errno_name(e));
	if (k->arena == ARENA_ENV_REFUSES) {
		k->env = ENV_NO_ARENA;
		snprintf(k->env_why, sizeof(k->env_why),
			 "%s: this environment refuses arenas (a capability, an LSM or lockdown)",
			 k->arena_why);
	}
}

/*
 * A kernel built with a JIT may run with it off (riscv64 has no
 * BPF_JIT_DEFAULT_ON: Debian's riscv64 kernels boot with it off), and
 * then the verifier refuses every kfunc call ("JIT is required for
 * calling kernel function"): a setting of this system, not a verdict on
 * the kernel. Without the sysctl there is no JIT at all: that is the
 * kernel's build, and the rules say what it does.
 */
static void probe_jit(struct kernel *k)
{
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
	int on = -1;

	if (!f)
		return;
	if (fscanf(f, "%d", &on) != 1)
		on = -1;
	fclose(f);
	if (on == 0 && k->env == ENV_NONE) {
		k->env = ENV_JIT_OFF;
		snprintf(k->env_why, sizeof(k->env_why),
			 "the BPF JIT is off here (net.core.bpf_jit_enable = 0), and a kfunc call needs it");
	}
}

int kernel_open(struct kernel *k, const char *btf_path, const char *version,
		char *err, size_t errlen)
{
	struct utsname u;

	memset(k, 0, sizeof(*k));
	if (uname(&u)) {
		snprintf(err, errlen, "uname: %s", strerror(errno));
		return -1;
	}
	snprintf(k->release, sizeof(k->release), "%s", u.release);
	if (version) {
		if (kver_parse_release(version, &k->version)) {
			snprintf(err, errlen, "--kernel-version %s: expected MAJOR.MINOR[.PATCH]",
				 version);
			return -1;
		}
		k->version_overridden = true;
	} else if (kver_parse_release(k->release, &k->version)) {
		snprintf(err, errlen, "cannot parse a version from uname -r '%s': use --kernel-version",
			 k->release);
		return -1;
	}
	snprintf(k->btf_path, sizeof(k->btf_path), "%s", btf_path);
	k->btf = parse_btf(btf_path);
	if (!k->btf) {
		char why[128];

		libbpf_strerror(errno, why, sizeof(why));
		snprintf(err, errlen, "cannot read vmlinux BTF %s: %s (the kernel needs CONFIG_DEBUG_INFO_BTF=y)",
			 btf_path, why);
		return -1;
	}
	k->btf_has_kfunc = kernel_func_id(k, KFUNC_NAME) > 0;
	k->platform = platform_running();
	probe_arena(k);
	probe_jit(k);
	return 0;
}

/*
 * btf__find_by_name_kind() scans all of vmlinux BTF; the few names that
 * every case asks for are remembered after the first scan. Worker threads
 * link runtime cases too, hence the lock.
 */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static int find_cached(const struct kernel *k, const char *name, int kind)
{
	struct kernel *mut = (struct kernel *)k;
	struct kernel_cache_entry *e;
	int id = 0;

	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < k->cache_cnt && !id; i++)
		if (k->cache[i].kind == kind && !strcmp(k->cache[i].name, name))
			id = k->cache[i].id;
	if (!id) {
		id = btf__find_by_name_kind(k->btf, name, kind);
		id = id > 0 ? id : -ENOENT;
		if (k->cache_cnt < KERNEL_CACHE && strlen(name) < sizeof(e->name)) {
			e = &mut->cache[mut->cache_cnt++];
			snprintf(e->name, sizeof(e->name), "%s", name);
			e->kind = kind;
			e->id = id;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	return id;
}

void kernel_close(struct kernel *k)
{
	if (!k->btf_lent)
		btf__free(k->btf);
	k->btf = NULL;
}

static const struct btf_type *find_enum(const struct kernel *k,
					const char *enum_name)
{
	int id = find_cached(k, enum_name, BTF_KIND_ENUM);

	return id > 0 ? btf__type_by_id(k->btf, (__u32)id) : NULL;
}

int kernel_enum_value(const struct kernel *k, const char *enum_name,
		      const char *name, __u32 *val)
{
	const struct btf_type *t = find_enum(k, enum_name);
	const struct btf_enum *e;

	if (!t)
		return -ENOENT;
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		if (!strcmp(btf__name_by_offset(k->btf, e->name_off), name)) {
			*val = (__u32)e->val;
			return 0;
		}
	}
	return -ENOENT;
}

int kernel_func_id(const struct kernel *k, const char *name)
{
	return find_cached(k, name, BTF_KIND_FUNC);
}

static void emit(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

char *kernel_func_prototype(const struct kernel *k, const char *name)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = name);
	const struct btf_type *t;
	struct btf_dump *d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int id, ret;

	id = k->btf ? kernel_func_id(k, name) : -ENOENT;
	t = id > 0 ? btf__type_by_id(k->btf, (__u32)id) : NULL;
	if (!t || !btf_is_func(t))
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	d = btf_dump__new(k->btf, emit, f, NULL);
	/* The FUNC's type is its FUNC_PROTO, written with the FUNC's name. */
	ret = d ? btf_dump__emit_type_decl(d, t->type, &opts) : -ENOMEM;
	btf_dump__free(d);
	if (fclose(f) || ret) {
		free(buf);
		return NULL;
	}
	/* One line: a parameter of an anonymous type spans several. */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return buf;
}

static int member_index(const struct btf *btf, __u32 struct_id,
			const char *member)
{
	const struct btf_type *t = btf__type_by_id(btf, struct_id);
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return i;
	return -1;
}

int kernel_resolve_target(const struct kernel *k, const char *target,
			  __u32 *btf_id, int *member, char *err, size_t errlen)
{
	char name[128], *dot;
	const char *colon = strchr(target, ':');
	int kind;
	__s32 id;

	*member = -1;
	if (!colon || strlen(colon + 1) >= sizeof(name))
		goto bad;
	snprintf(name, sizeof(name), "%s", colon + 1);
	if (!strncmp(target, "func:", 5)) {
		kind = BTF_KIND_FUNC;
	} else if (!strncmp(target, "typedef:", 8)) {
		kind = BTF_KIND_TYPEDEF;
	} else if (!strncmp(target, "struct_ops:", 11)) {
		kind = BTF_KIND_STRUCT;
		dot = strchr(name, '.');
		if (!dot)
			goto bad;
		*dot++ = '\0';
		id = find_cached(k, name, kind);
		if (id > 0)
			*member = member_index(k->btf, (__u32)id, dot);
		if (id > 0 && *member < 0) {
			snprintf(err, errlen, "struct %s in vmlinux BTF has no member %s",
				 name, dot);
			return -1;
		}
		goto found;
	} else {
		goto bad;
	}
	id = find_cached(k, name, kind);
found:
	if (id <= 0) {
		snprintf(err, errlen, "vmlinux BTF has no %.*s %s",
			 (int)(colon - target), target, name);
		return -1;
	}
	*btf_id = (__u32)id;
	return 0;
bad:
	snprintf(err, errlen, "bad target '%s'", target);
	return -1;
}
