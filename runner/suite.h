/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite: every case of every object of progs/, on libbpf. The objects
 * are linked into one (libbpf's linker, in memory), opened once, and
 * prepared once with bpf_object__prepare(): maps, BTF, CO-RE, subprograms,
 * global data, kfunc ids and arenas are libbpf's. Each test is then one
 * BPF_PROG_LOAD of a prog_spec, with the flag the runner chooses.
 */
#ifndef CONFORM_SUITE_H
#define CONFORM_SUITE_H

#include <linux/bpf.h>
#include <stdbool.h>

#include "kernel.h"
#include "tags.h"

#define REASON_LEN 256

struct bpf_object;
struct bpf_program;

/* A program ready for BPF_PROG_LOAD, or the reason it cannot be. */
struct prog_spec {
	const struct prog_tags *tags;
	struct bpf_program *prog;	/* libbpf's, prepared */
	const char *name;		/* the case's (or control's) name */
	const char *license;
	const struct bpf_insn *insns;	/* final, after bpf_object__prepare() */
	size_t insn_cnt;
	int btf_fd;			/* the object's BTF in the kernel */
	const struct bpf_func_info *func_info;
	__u32 func_info_cnt;
	const struct bpf_line_info *line_info;
	__u32 line_info_cnt;
	__u32 prog_type;
	__u32 attach_type;
	__u32 attach_btf_id;
	int attach_prog_fd;		/* an EXT program's target, once loaded */
	bool loadable;			/* false: the kernel lacks the type or target */
	char reason[REASON_LEN];	/* why not loadable */
};

/* Which loads a case has: without and with BPF_F_SLEEPABLE. */
#define CASE_PLAIN	1u
#define CASE_SLEEPABLE	2u

enum case_kind {
	CASE_VERIFIER,			/* loaded, judged by the verifier */
	CASE_RUN_ONCE,			/* runtime: run once, then checked */
	CASE_RUN_STRESS,		/* runtime: the stress loop */
	CASE_RUN_RACE,			/* runtime: a race, runner/races.c */
};

/* Which race a CASE_RUN_RACE case is (race_kind_parse() in races.c). */
enum race_kind {
	RACE_ALLOC,	/* run=race-alloc */
	RACE_MUNMAP,	/* run=race-munmap */
	RACE_CLOSE,	/* run=race-close */
	RACE_FAULT,	/* run=race-fault */
};

struct suite;

struct conform_case {
	const char *name;
	const char *attach;		/* SEC() label */
	const char *prog_type;		/* enum name, from the tag */
	const char *object;		/* the .bpf.o it came from */
	unsigned int flags;		/* CASE_PLAIN | CASE_SLEEPABLE */
	enum case_kind kind;
	struct prog_spec prog;
	struct prog_spec control;
	/*
	 * An EXT case ("prog:PROGRAM:FUNCTION" target): the program whose
	 * global FUNCTION it replaces, loaded first with its flags= tag.
	 */
	bool has_target;
	struct prog_spec target;
	/* A race (run=race-*): which, and its partner= program, loaded beside it. */
	enum race_kind race;
	struct prog_spec partner;
	const struct suite *suite;
};


struct suite {
	struct bpf_object *obj;		/* all of progs/, linked */
	void *elf;			/* the linked object */
	size_t elf_len;
	struct tag_table tags;
	char **origin;			/* per global function: "NAME\0FILE" */
	size_t prog_cnt;
	struct name_table origin_of;	/* NAME -> its origin */
	struct name_table progs;	/* NAME -> libbpf's bpf_program */
	struct name_table case_of;	/* case NAME -> index + 1 in cases */
	const struct kernel *kernel;
	bool prepared;
	char *license;			/* the linked object's */
	struct conform_case *cases;
	size_t case_cnt;
};

/*
 * Check, link and open the objects, and build the case table from their
 * tags. Talks to no kernel. Returns 0, or -1 with "FILE: what is wrong" in
 * err.
 */
int suite_open(struct suite *s, char **paths, size_t cnt, char *err,
	       size_t errlen);

/*
 * Prepare the object for this kernel (bpf_object__prepare()): create its
 * maps and load its BTF. If the kernel refuses arena maps, they are not
 * created, and libbpf turns every use of them into an instruction the
 * verifier refuses. Then resolve each case's program type, attach type
 * and target. k's vmlinux BTF is lent to libbpf (kernel_lend_btf()): close
 * the suite after the last use of k. Returns 0, or -1 with the reason in
 * err.
 */
int suite_prepare(struct suite *s, struct kernel *k, char *err,
		  size_t errlen);

const struct conform_case *suite_find(const struct suite *s, const char *name);

/*
 * Did the kernel refuse a load at an instruction that libbpf poisoned,
 * because the kernel lacks a kfunc the program calls or refused to create
 * an arena it uses? The verifier then says "invalid func
 * unknown#2002000NNN" (kfunc NNN) or "unknown#2001000NNN" (map NNN). If so,
 * why says what is missing and what the kernel said; returns true.
 */
bool suite_poisoned(const struct suite *s, const char *log, char *why,
		    size_t len);

/* Close everything: maps, BTF, the object. */
void suite_close(struct suite *s);

#endif /* CONFORM_SUITE_H */
