/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite: every case of every object, linked against the running kernel
 * once per run. Linking resolves the conform:* tags to the kernel's enum
 * values and BTF ids, creates the maps the objects declare, and patches
 * map fds and kfunc BTF ids into a private copy of the instructions.
 */
#ifndef CONFORM_SUITE_H
#define CONFORM_SUITE_H

#include <linux/bpf.h>
#include <stdbool.h>

#include "kernel.h"
#include "object.h"

#define REASON_LEN 256

/* A program ready for BPF_PROG_LOAD, or the reason it cannot be. */
struct linked_prog {
	const struct obj_prog *src;
	const char *license;
	struct bpf_insn *insns;
	size_t insn_cnt;
	__u32 prog_type;
	__u32 attach_type;
	__u32 attach_btf_id;
	char unloadable[REASON_LEN];	/* the kernel lacks the type or target */
	char absent[REASON_LEN];	/* the kernel lacks the kfunc or arena */
};

/* Which loads a case has: without and with BPF_F_SLEEPABLE. */
#define CASE_PLAIN	1u
#define CASE_SLEEPABLE	2u

struct conform_case {
	const char *name;
	const char *attach;		/* SEC() label */
	const char *prog_type;		/* enum name, from the tag */
	const char *object;		/* path of the object */
	unsigned int flags;		/* CASE_PLAIN | CASE_SLEEPABLE */
	const char *run;		/* NULL, or "once"/"stress": runtime */
	struct linked_prog prog;
	struct linked_prog control;
	const struct object *obj;	/* set by suite_link() */
	const struct kernel *kernel;
};

struct harness_map {
	int fd;
	void *mem;
	size_t len;
	int err;			/* errno of the failed create or mmap */
	const char *op;
};

/* A map the verifier cases share: one per distinct definition. */
struct shared_map {
	const struct obj_map *def;
	struct harness_map h;
};

struct suite {
	struct object *objs;
	size_t obj_cnt;
	struct harness_map **maps;	/* per object, per map: views of shared */
	struct shared_map *shared;
	size_t shared_cnt;
	struct conform_case *cases;
	size_t case_cnt;
};

/* Open every object in the list. Returns 0, or -1 with err set. */
int suite_open(struct suite *s, char **paths, size_t cnt, char *err,
	       size_t errlen);

/*
 * Link every case against the kernel, and create the maps that the wanted
 * verifier cases refer to (wanted: per case, or NULL for all). Maps with
 * the same definition in several objects are created once: an arena costs
 * tens of milliseconds in an emulated VM. Runtime cases get their maps
 * when they run.
 */
void suite_link(struct suite *s, const struct kernel *k, const bool *wanted);

const struct conform_case *suite_find(const struct suite *s, const char *name);

/*
 * Runtime cases run on maps of their own: create a fresh set for an object
 * (only the maps that program only refers to, unless it is NULL), link one
 * program against it, and destroy the set.
 */
struct harness_map *suite_create_maps(const struct object *obj,
				      const struct obj_prog *only);
void suite_destroy_maps(const struct object *obj, struct harness_map *maps);
void suite_link_prog(const struct kernel *k, const struct object *obj,
		     const struct harness_map *maps, struct linked_prog *lp);

/* The map named NAME in a set, or NULL. */
const struct harness_map *suite_map(const struct object *obj,
				    const struct harness_map *maps,
				    const char *name);

/* Close map fds, unmap arenas, free everything. */
void suite_close(struct suite *s);

#endif /* CONFORM_SUITE_H */
