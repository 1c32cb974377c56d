/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arenas the run stage uses again, and the proof that no program that
 * used one before can still free a page of it. See arena_pool.c.
 */
#ifndef CONFORM_ARENA_POOL_H
#define CONFORM_ARENA_POOL_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

/* Arenas the pool holds at most; it drains them when it is full. */
#define ARENA_POOL_MAX	8

/* An arena mapped at a 4 GiB-aligned address (maps.c makes them). */
struct pooled_arena {
	int fd;
	void *mem;
	size_t len;
	__u32 map_flags;
	__u32 max_entries;
};

/*
 * Whether the arena's page at p is mapped in user space: mincore() reads
 * the page table, without a fault. A freed page is unmapped from every
 * user mapping (zap_pages() in kernel/bpf/arena.c), and then reports 0:
 * the arena's file has no page cache.
 */
bool arena_page_mapped(const volatile void *p, size_t len);

struct btf;

/*
 * The running kernel's vmlinux BTF (for map_refs.c's iterator), the
 * kfunc's BTF id in it, for the pool's own programs, and the offset of the
 * page the run stage looks at, which they must not free.
 */
void arena_pool_setup(const struct btf *vmlinux, int kfunc_btf_id,
		      size_t run_page_off);

/*
 * An arena of this definition that no earlier program can still free
 * from: true and *a filled in, or false (then make a fresh one). May
 * drain the arenas given back so far first.
 */
bool arena_pool_take(__u32 map_flags, __u32 max_entries,
		     struct pooled_arena *a);

/*
 * Give a back after a test whose program frees only the run stage's page.
 * The program may still be alive: the pool waits until nothing but itself
 * holds the arena. True: the pool keeps it. False: the caller unmaps and
 * closes it (the pool is full, or cannot drain arenas on this kernel).
 */
bool arena_pool_give(const struct pooled_arena *a);

/* a, taken, will not be given back: the caller closes it. */
void arena_pool_forget(const struct pooled_arena *a);

/*
 * An XDP program, for BPF_PROG_TEST_RUN, that frees the arena's page at
 * addr (its lower 32 bits: the arena pointer) from where it cannot sleep:
 * deferred from v7.0, refused before. kfunc_btf_id is the kfunc's BTF id
 * in vmlinux. Its fd, or -1 with errno. runtime.c uses it too.
 */
int arena_free_prog(int kfunc_btf_id, int arena_fd, __u32 addr);

/*
 * Wait, up to bound_ns, until every free queued on the arena so far has
 * taken its pages out of the kernel's mapping and marked their range
 * free, without touching their pages: fault in page (one that no program
 * frees), free it with free_fd (arena_free_prog() of page), and wait until
 * it is unmapped. The execution of the arena's work item
 * (arena_free_worker()) that unmapped it took every span queued before its
 * own, or ran after the one that took them had finished (a work item never
 * runs twice at once), and takes pages out of the kernel's mapping before
 * it unmaps any from user space. (A page that user space had mapped may
 * still be unmapped a moment later by that execution: spans are unmapped
 * last in, first out.) A user read of such a page then faults in a new
 * page. The microseconds it took, or -1 with errno (ETIMEDOUT: page still
 * mapped).
 */
long long arena_frees_landed(int free_fd, volatile unsigned char *page,
			     long long bound_ns);

/*
 * arena_frees_landed() on the last page of the arena mapped at mem (len
 * bytes), rounds times, with a free program of its own (arena_free_prog(),
 * closed before it returns), within bound_ns in all. One round: every free
 * queued before has taken its pages out of the kernel's mapping. Two: every
 * such free has also unmapped them from user space (the second round's
 * free is done by a later execution of the work item). The caller's
 * program must not free that page. The microseconds, or -1 with errno
 * (ETIMEDOUT, or what loading or running the program said).
 */
long long arena_last_page_landed(int kfunc_btf_id, int arena_fd,
				 void *mem, size_t len, int rounds,
				 long long bound_ns);

/* The pool's own program: arena_free_prog() of the page at off. */
int arena_pool_free_prog(int arena_fd, size_t off);

/* Unmap and close every arena of the pool, and its programs. */
void arena_pool_end(void);

struct arena_pool_stats {
	long long taken;	/* arenas used again */
	long long drains;	/* drains, each of one or more arenas */
	long long drain_ns;	/* time in them */
	long long late;		/* arenas closed: their round did not land */
};
struct arena_pool_stats arena_pool_stats(void);

#endif /* CONFORM_ARENA_POOL_H */
