// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel does with a case: load its control to learn whether the
 * kernel can load this program type at this attach point at all, then load
 * the case without and with BPF_F_SLEEPABLE; then the run stage of each
 * accepted load (run_stage.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control_memo.h"
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

/* Each distinct control is loaded once per run (control_memo.c). */
static bool control_loads(const struct conform_case *c, char *log,
			  size_t log_size, struct load_result *res)
{
	struct control_key key;
	bool loads;

	if (!control_key_of(c, &key))
		return control_loads_once(c, log, log_size, res);
	if (control_memo_get(&key, &loads, res))
		return loads;
	loads = control_loads_once(c, log, log_size, res);
	control_memo_put(&key, loads, res);
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
