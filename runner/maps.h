/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fresh maps for a runtime case. The verifier cases share the maps that
 * bpf_object__prepare() created; a runtime case frees pages for real, so
 * it gets a new copy of every map its program uses (a fresh arena, or in
 * the run stage one that arena_pool.c has drained), and a copy of its
 * instructions that refers to them.
 */
#ifndef CONFORM_MAPS_H
#define CONFORM_MAPS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena_pool.h"
#include "suite.h"

struct fresh_map {
	const char *name;
	int old_fd;			/* libbpf's map, in the prepared insns */
	int fd;
	void *mem;			/* an arena's mmap(), else NULL */
	size_t len;
	__u32 map_flags;		/* an arena's */
	__u32 max_entries;
	bool pool;			/* an arena from, or for, arena_pool.c */
};

struct map_set {
	struct fresh_map *maps;
	size_t cnt;
	struct bpf_insn *insns;		/* sp's insns, pointing at the new maps */
	struct bpf_insn **extra;	/* those of map_set_add()'s programs */
	size_t extra_cnt;
};

/*
 * Create a fresh copy of every map sp refers to (global data excepted) and
 * set *out to sp with instructions that use them. Returns 0, or -1 with
 * the reason in err (what failed, and errno).
 */
int map_set_create(const struct suite *s, const struct prog_spec *sp,
		   struct map_set *set, struct prog_spec *out, char *err,
		   size_t errlen);

/*
 * The same, with every arena mapped at a 4 GiB-aligned user address (the
 * run stage: an arena pointer is then the offset from the arena's start).
 * With pool, the arena is one that arena_pool.c has drained, if it has
 * one, and map_set_return() gives it back: the caller says so only for a
 * program that frees nothing but the run stage's page (an ARENA_CASE(),
 * whose one map is the arena).
 */
int map_set_create_aligned(const struct suite *s, const struct prog_spec *sp,
			   bool pool, struct map_set *set,
			   struct prog_spec *out, char *err, size_t errlen);

/*
 * Another program on the same maps (a race's partner): *out is sp with
 * instructions that use set's maps, and copies of the maps set lacks.
 */
int map_set_add(const struct suite *s, struct map_set *set,
		const struct prog_spec *sp, struct prog_spec *out, char *err,
		size_t errlen);

/*
 * A new arena of max_entries pages, mapped at a 4 GiB-aligned address (an
 * arena pointer is then the offset from its start). Returns 0, or -1 with
 * the reason in err.
 */
int arena_create_aligned(const char *name, __u32 map_flags,
			 __u32 max_entries, struct pooled_arena *a, char *err,
			 size_t errlen);

/* The map named name, or NULL. */
const struct fresh_map *map_set_find(const struct map_set *set,
				     const char *name);

/* Unmap and close every map. */
void map_set_destroy(struct map_set *set);

/*
 * The same, after a test whose program has been closed: a pooled arena
 * goes back to the pool instead.
 */
void map_set_return(struct map_set *set);

#endif /* CONFORM_MAPS_H */
