/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How many references the kernel holds on a map: its refcnt, read by a BPF
 * iterator over every map (iter/bpf_map). See map_refs.c.
 */
#ifndef CONFORM_MAP_REFS_H
#define CONFORM_MAP_REFS_H

#include <linux/types.h>
#include <stdbool.h>

struct btf;

/*
 * Load the iterator, with the offsets of struct bpf_map's id and refcnt
 * from vmlinux BTF (the running kernel's). 0, or -1 with errno; then
 * map_refcounts() fails too.
 */
int map_refs_open(const struct btf *vmlinux);
void map_refs_close(void);
bool map_refs_ready(void);

/*
 * refs[i] = the refcnt of the map whose id is ids[i], or -1 if there is
 * no such map: one pass of the iterator for all n. 0, or -1 with errno.
 */
int map_refcounts(const __u32 *ids, int n, long long *refs);

/* The map id of fd, or 0. */
__u32 map_id_of(int fd);

#endif /* CONFORM_MAP_REFS_H */
