// SPDX-License-Identifier: GPL-2.0
/*
 * Most controls are one and the same program, "return 0" at one attach
 * point, for many cases (every XDP case has the XDP control). What the
 * kernel answers for a program it answers for an identical one, so each
 * distinct control is loaded once per run and its answer remembered,
 * keyed by everything its load passes but the names: program type, attach
 * type and BTF target, flags, license, instructions, and its function's
 * BTF prototype (an EXT program's must match its target's). An EXT
 * control's target is a program loaded for its case, whose fd number a
 * later target may reuse: such a control is never remembered.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <pthread.h>
#include <string.h>

#include "control_memo.h"
#include "suite.h"

#define MEMO_MAX 256

static struct {
	struct control_key key;
	bool loads;
	struct load_result res;
} memo[MEMO_MAX];
static int memo_cnt;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

bool control_key_of(const struct conform_case *c, struct control_key *key)
{
	const struct prog_spec *sp = &c->control;
	const struct btf *btf = bpf_object__btf(c->suite->obj);
	const struct btf_type *t = NULL;

	if (sp->attach_prog_fd > 0)
		return false;
	if (btf && sp->func_info_cnt)
		t = btf__type_by_id(btf, sp->func_info[0].type_id);
	*key = (struct control_key){
		.prog_type = sp->prog_type,
		.attach_type = sp->attach_type,
		.attach_btf_id = sp->attach_btf_id,
		.prog_flags = sp->tags ? sp->tags->prog_flags : 0,
		.proto = t ? t->type : 0,
		.license = sp->license,
		.insns = sp->insns,
		.insn_cnt = sp->insn_cnt,
	};
	return true;
}

bool control_key_same(const struct control_key *a, const struct control_key *b)
{
	return a->prog_type == b->prog_type &&
	       a->attach_type == b->attach_type &&
	       a->attach_btf_id == b->attach_btf_id &&
	       a->prog_flags == b->prog_flags &&
	       a->proto == b->proto &&
	       !strcmp(a->license, b->license) &&
	       a->insn_cnt == b->insn_cnt &&
	       !memcmp(a->insns, b->insns, a->insn_cnt * sizeof(*a->insns));
}

/* The entry remembered for key, or -1. memo_lock held. */
static int memo_find(const struct control_key *key)
{
	for (int i = 0; i < memo_cnt; i++)
		if (control_key_same(&memo[i].key, key))
			return i;
	return -1;
}

bool control_memo_get(const struct control_key *key, bool *loads,
		      struct load_result *res)
{
	int i;

	pthread_mutex_lock(&memo_lock);
	i = memo_find(key);
	if (i >= 0) {
		*loads = memo[i].loads;
		*res = memo[i].res;
	}
	pthread_mutex_unlock(&memo_lock);
	return i >= 0;
}

void control_memo_put(const struct control_key *key, bool loads,
		      const struct load_result *res)
{
	pthread_mutex_lock(&memo_lock);
	if (memo_find(key) < 0 && memo_cnt < MEMO_MAX) {
		memo[memo_cnt].key = *key;
		memo[memo_cnt].loads = loads;
		memo[memo_cnt].res = *res;
		memo_cnt++;
	}
	pthread_mutex_unlock(&memo_lock);
}
