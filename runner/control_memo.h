/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's answers for the controls loaded so far in this run: each
 * distinct control is loaded once (observe.c). See control_memo.c.
 */
#ifndef CONFORM_CONTROL_MEMO_H
#define CONFORM_CONTROL_MEMO_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

#include "load.h"

/* Everything a control's load passes to the kernel but the names. */
struct control_key {
	__u32 prog_type;
	__u32 attach_type;
	__u32 attach_btf_id;
	__u32 prog_flags;		/* of its prog_flags= tag */
	__u32 proto;			/* its function's BTF FUNC_PROTO id */
	const char *license;
	const struct bpf_insn *insns;
	size_t insn_cnt;
};

/*
 * The key of c's control: false for one that must be loaded every time
 * (an EXT control, whose target is a per-case program fd).
 */
struct conform_case;
bool control_key_of(const struct conform_case *c, struct control_key *key);

/* Whether the kernel must answer a and b alike. */
bool control_key_same(const struct control_key *a, const struct control_key *b);

/* The answer remembered for key: true, with *loads and *res; or false. */
bool control_memo_get(const struct control_key *key, bool *loads,
		      struct load_result *res);

/* Remember key's answer (the first one stays). Thread-safe, as is get. */
void control_memo_put(const struct control_key *key, bool loads,
		      const struct load_result *res);

#endif /* CONFORM_CONTROL_MEMO_H */
