/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BPF ELF object as the suite writes them (see progs/conform.h): global
 * functions, each in its own SEC(), referring only to maps in ".maps" and
 * to kfuncs. Read once per run; nothing here talks to the kernel.
 */
#ifndef CONFORM_OBJECT_H
#define CONFORM_OBJECT_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

enum reloc_kind {
	RELOC_MAP,	/* ld_imm64 of a map in .maps */
	RELOC_KFUNC,	/* call of an extern kernel function */
};

struct obj_reloc {
	enum reloc_kind kind;
	size_t insn;
	int map;		/* RELOC_MAP: index in object.maps */
	char *kfunc;		/* RELOC_KFUNC: the function's name */
};

/* One BPF program: the conform:* tags, instructions and relocations. */
struct obj_prog {
	char *func;		/* ELF symbol */
	char *sec;		/* SEC() name: the attach label */
	char *case_name;	/* tag case=NAME */
	char *control_of;	/* tag control=NAME */
	char *prog_type;	/* tag prog_type=BPF_PROG_TYPE_* */
	char *attach_type;	/* tag attach_type=BPF_* ("" for none) */
	char *target;		/* tag target=KIND:NAME ("" for none) */
	char *run;		/* tag run=once|stress: a runtime case */
	char *flags;		/* tag flags=plain|sleepable: only that load */
	char *what;		/* tag what=: what the program checks itself */
	char **checks;		/* tags check=...: user-space checks */
	size_t check_cnt;
	struct bpf_insn *insns;
	size_t insn_cnt;
	struct obj_reloc *relocs;
	size_t reloc_cnt;
	size_t shndx;		/* ELF section and offset of the function */
	size_t offset;
};

/* A map definition from the .maps section. */
struct obj_map {
	char *name;
	__u32 type, key_size, value_size, max_entries, map_flags;
	__u64 map_extra;
	bool unmapped;		/* tag "unmapped": never mmap() this arena */
};

struct object {
	char *path;
	char *license;
	struct obj_prog *progs;
	size_t prog_cnt;
	struct obj_map *maps;
	size_t map_cnt;
};

/* Returns 0, or -1 with "path: what is wrong" in err. */
int object_open(struct object *obj, const char *path, char *err, size_t errlen);
void object_close(struct object *obj);

#endif /* CONFORM_OBJECT_H */
