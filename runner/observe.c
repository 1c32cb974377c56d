// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel does with a case: load its control to learn whether the
 * kernel can load this program type at this attach point at all, then load
 * the case without and with BPF_F_SLEEPABLE; then the run stage of each
 * accepted load (run_stage.c).
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_stage.h"
#include "test.h"
#include "util.h"

static void skip_both(struct test tests[2], const char *fmt, const char *a,
		      const char *b)
{
	for (int i = 0; i < 2; i++) {
		tests[i].observed = OUT_SKIP;
		snprintf(tests[i].reason, sizeof(tests[i].reason), fmt, a, b);
	}
}

/*
 * Can the kernel load the control with a flag the program type accepts?
 * SYSCALL programs, for one, load only when sleepable: try first the flag
 * that the last control of this program type loaded with. The attempts go
 * without a verifier log; only if both fail is the log fetched, for the
 * reason of the skip.
 */
static int control_flag[64];	/* per prog type: 0 unknown, 1 plain, 2 sleepable */

static bool control_loads_once(const struct conform_case *c, char *log,
			       size_t log_size, struct load_result *res)
{
	__u32 type = c->control.prog_type < 64 ? c->control.prog_type : 0;
	int first = __atomic_load_n(&control_flag[type], __ATOMIC_RELAXED) == 2;

	for (int i = 0; i < 2; i++) {
		int sleepable = (first + i) % 2;

		load_prog(&c->control, sleepable ? BPF_F_SLEEPABLE : 0, log, 0, res);
		if (!res->err) {
			__atomic_store_n(&control_flag[type], sleepable + 1,
					 __ATOMIC_RELAXED);
			return true;
		}
	}
	load_prog(&c->control, 0, log, log_size, res);
	return false;
}

/*
 * Most controls are one and the same program, "return 0" at one attach
 * point, for many cases (every XDP case has the XDP control). What the
 * kernel answers for a program it answers for an identical one, so each
 * distinct control is loaded once per run: the answer of the first is
 * remembered, keyed by everything a load passes but the names (program
 * type, attach type and BTF target, license, flags, instructions, and the
 * function's BTF prototype). An EXT control's target is a loaded program
 * whose fd number a later target may reuse: never remembered.
 */
#define CONTROL_MEMO 256

static struct {
	struct prog_spec spec;
	__u32 proto;
	bool loads;
	struct load_result res;
} control_memo[CONTROL_MEMO];
static int control_memo_cnt;
static pthread_mutex_t control_memo_lock = PTHREAD_MUTEX_INITIALIZER;

/* The BTF id of the control's FUNC_PROTO, or 0. */
static __u32 control_proto(const struct conform_case *c)
{
	const struct prog_spec *sp = &c->control;
	const struct btf *btf = bpf_object__btf(c->suite->obj);
	const struct btf_type *t;

	if (!btf || !sp->func_info_cnt)
		return 0;
	t = btf__type_by_id(btf, sp->func_info[0].type_id);
	return t ? t->type : 0;
}

static bool same_control(const struct prog_spec *a, __u32 a_proto,
			 const struct prog_spec *b, __u32 b_proto)
{
	return a->prog_type == b->prog_type && a->attach_type == b->attach_type &&
	       a->attach_btf_id == b->attach_btf_id && a_proto == b_proto &&
	       (a->tags ? a->tags->prog_flags : 0) == (b->tags ? b->tags->prog_flags : 0) &&
	       !strcmp(a->license, b->license) && a->insn_cnt == b->insn_cnt &&
	       !memcmp(a->insns, b->insns, a->insn_cnt * sizeof(*a->insns));
}

static bool control_loads(const struct conform_case *c, char *log,
			  size_t log_size, struct load_result *res)
{
	const struct prog_spec *sp = &c->control;
	__u32 proto = control_proto(c);
	bool loads;

	if (sp->attach_prog_fd > 0)
		return control_loads_once(c, log, log_size, res);
	pthread_mutex_lock(&control_memo_lock);
	for (int i = 0; i < control_memo_cnt; i++) {
		if (same_control(&control_memo[i].spec, control_memo[i].proto, sp, proto)) {
			*res = control_memo[i].res;
			loads = control_memo[i].loads;
			pthread_mutex_unlock(&control_memo_lock);
			return loads;
		}
	}
	pthread_mutex_unlock(&control_memo_lock);
	loads = control_loads_once(c, log, log_size, res);
	pthread_mutex_lock(&control_memo_lock);
	if (control_memo_cnt < CONTROL_MEMO) {
		control_memo[control_memo_cnt].spec = *sp;
		control_memo[control_memo_cnt].proto = proto;
		control_memo[control_memo_cnt].loads = loads;
		control_memo[control_memo_cnt].res = *res;
		control_memo_cnt++;
	}
	pthread_mutex_unlock(&control_memo_lock);
	return loads;
}

/*
 * Accepted or rejected; and a rejection at an instruction libbpf poisoned
 * because the kernel lacks the kfunc or the arena is "absent": the kernel
 * refused the load for that reason, and only for that.
 */
static void record_load(struct test *t, const struct load_result *res,
			const char *log)
{
	t->err = res->err;
	t->observed = res->err ? OUT_REJECT : OUT_ACCEPT;
	memcpy(t->message, res->message, sizeof(t->message));
	if (!res->err)
		return;
	t->log = xstrdup(log);
	if (suite_poisoned(t->c->suite, log, t->reason, sizeof(t->reason)))
		t->observed = OUT_ABSENT;
}

bool run_enabled = true;

static void observe_loads(struct test tests[2], const struct conform_case *c,
			  char *log, size_t log_size)
{
	struct load_result res;

	if (!c->control.loadable) {
		skip_both(tests, "%s%s", c->control.reason, "");
		return;
	}
	if (!control_loads(c, log, log_size, &res)) {
		char why[MESSAGE_LEN + 32];

		snprintf(why, sizeof(why), "%s%s%s", errno_name(res.err),
			 res.message[0] ? ": " : "", res.message);
		skip_both(tests, "kernel refuses %s programs without the kfunc: %s",
			  c->attach, why);
		return;
	}
	if (!c->prog.loadable) {
		skip_both(tests, "%s%s", c->prog.reason, "");
		return;
	}
	/*
	 * The environment refuses arenas or kfunc calls. Without an arena the
	 * program is not the case (libbpf poisoned its map loads), and what
	 * the verifier says of it, even a rejection for its program type,
	 * need not be what it says of the case: no verdict.
	 */
	if (c->suite->kernel->env != ENV_NONE) {
		skip_both(tests, "%s; no verdict on the kernel%s",
			  c->suite->kernel->env_why, "");
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct test *t = &tests[i];

		if (!(c->flags & (t->sleepable ? CASE_SLEEPABLE : CASE_PLAIN)))
			continue;
		load_prog(&c->prog, t->sleepable ? BPF_F_SLEEPABLE : 0, log,
			  log_size, &res);
		record_load(t, &res, log);
		if (run_enabled)
			run_stage(t, log, log_size);
	}
}

/*
 * An EXT case replaces a global function of another program: load that
 * target first (with its flags= tag) and hand its fd to the loads.
 */
void observe_case(struct test tests[2], char *log, size_t log_size)
{
	const struct conform_case *c = tests[0].c;
	struct conform_case with_target;
	struct load_result res;
	int fd;

	if (!c->has_target) {
		observe_loads(tests, c, log, log_size);
		return;
	}
	if (!c->target.loadable) {
		skip_both(tests, "target: %s%s", c->target.reason, "");
		return;
	}
	fd = load_prog_fd(&c->target, strcmp(c->target.tags->flags, "sleepable") ?
			  0 : BPF_F_SLEEPABLE, log, log_size, &res);
	if (fd < 0) {
		char why[MESSAGE_LEN + 32];

		snprintf(why, sizeof(why), "%s%s%s", errno_name(res.err),
			 res.message[0] ? ": " : "", res.message);
		skip_both(tests, "kernel refuses the target program %s: %s",
			  c->target.tags->func, why);
		return;
	}
	with_target = *c;
	with_target.prog.attach_prog_fd = fd;
	with_target.control.attach_prog_fd = fd;
	observe_loads(tests, &with_target, log, log_size);
	close(fd);
}
