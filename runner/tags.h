/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The conform:* BTF decl tags of an object (see progs/conform.h): what each
 * program is (a case or a control, its program type, attach type, target,
 * license, runtime checks) and what each map needs. Read from the object's
 * BTF through libbpf; nothing here talks to the kernel.
 */
#ifndef CONFORM_TAGS_H
#define CONFORM_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct btf;

/* The tags of one program (a BTF FUNC). */
struct prog_tags {
	char *func;		/* the function's name */
	char *case_name;	/* case=NAME */
	char *control_of;	/* control=NAME */
	char *prog_type;	/* prog_type=BPF_PROG_TYPE_* */
	char *attach_type;	/* attach_type=BPF_* ("" for none) */
	char *target;		/* target=KIND:NAME ("" for none) */
	char *run;		/* run=once|stress|race-*: a runtime case */
	char *partner;		/* partner=FUNC: a race's other program */
	char *flags;		/* flags=plain|sleepable: only that load */
	char *what;		/* what=: what the program checks itself */
	char *license;		/* license=: instead of the object's */
	char *role;		/* role=target: the program an EXT case replaces into;
				 * role=partner: a race's other program */
	char *call;		/* call=free_one_page: ARENA_CASE()'s plain call */
	char *frees;		/* frees=run_page: no page of its arena but
				 * FREE_ONE_PAGE()'s, if any (run_stage.c) */
	unsigned int prog_flags;	/* prog_flags=: load flags (a control: its case's) */
	char **checks;		/* check=...: user-space checks */
	size_t check_cnt;
};

/* The tags of one map (a BTF VAR in .maps). */
struct map_tags {
	char *name;
	bool arena;		/* arena: make this ARRAY an arena */
	bool unmapped;		/* unmapped: nobody mmap()s this arena */
};

struct tag_table {
	struct prog_tags *progs;
	size_t prog_cnt, prog_cap;
	struct map_tags *maps;
	size_t map_cnt;
	struct name_table by_func;	/* func -> index + 1 in progs */
	struct name_table by_control;	/* control=NAME -> index + 1 */
};

void tags_init(struct tag_table *t);
/*
 * Add every conform:* tag of btf (one object's) to t. Returns 0, or -1
 * with the reason in err (an unknown tag, a tag on something that is
 * neither a function nor a variable).
 */
int tags_read(const struct btf *btf, struct tag_table *t, char *err,
	      size_t errlen);
/* After the last tags_read(): index the controls. */
void tags_done(struct tag_table *t);
/*
 * Turn every conform:* tag of btf into a copy of its "int", in raw: the
 * bytes btf was parsed from (an object's .BTF section). Type ids stay;
 * the linker's dedup drops the copies. Returns how many it turned.
 */
int tags_strip(const struct btf *btf, void *raw, size_t raw_len);

const struct prog_tags *tags_prog(const struct tag_table *t, const char *func);
/* The control of case NAME (control=NAME), or NULL. */
const struct prog_tags *tags_control(const struct tag_table *t,
				     const char *case_name);
const struct map_tags *tags_map(const struct tag_table *t, const char *name);

void tags_free(struct tag_table *t);

#endif /* CONFORM_TAGS_H */
