// SPDX-License-Identifier: GPL-2.0
/*
 * The kfunc called from a callback the verifier checks as part of the
 * program: bpf_loop(), bpf_for_each_map_elem(), an open-coded iterator
 * loop, a bpf_timer callback (verified as never sleepable, whatever its
 * program), a bpf_wq callback (verified as sleepable, whatever its
 * program) and an exception callback. Each in a SYSCALL program
 * (sleepable), an XDP one (from v7.0) and a struct_ops one loaded either
 * way (bpf_dummy_ops' test_sleepable, or sched_ext_ops' init for a body
 * that calls a BPF helper): WHERE_CASES() in conform.h.
 */
#include "conform.h"

/* v6.10, "bpf: add support for bpf_wq user type" and what follows it */
extern int bpf_wq_init(struct bpf_wq *wq, void *p__map, unsigned int flags) __ksym __weak;
extern int bpf_wq_start(struct bpf_wq *wq, unsigned int flags) __ksym __weak;
extern int bpf_wq_set_callback_impl(struct bpf_wq *wq,
				    int (callback_fn)(void *map, int *key, void *value),
				    unsigned int flags, void *aux__ign) __ksym __weak;
/*
 * Its successor, whose last argument (the program) the verifier supplies
 * (KF_IMPLICIT_ARGS): BTF has it without that argument. A kernel may have
 * either name or both; the verifier takes the one the program calls.
 */
extern int bpf_wq_set_callback(struct bpf_wq *wq,
			       int (callback_fn)(void *map, int *key, void *value),
			       unsigned int flags) __ksym __weak;

/* v6.7, "bpf: Add support for custom exception callbacks" and its series */
extern void bpf_throw(__u64 cookie) __ksym __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} cb_elems SEC(".maps");

/*
 * A timer callback runs in softirq context: never sleepable. The cases
 * start the timer, so that the run stage sees the callback free the page
 * from the hrtimer softirq, TIMER_DELAY_NS after the program returned: a
 * free the run stage must wait for, which runner/run_stage.c's early end
 * of that wait (free_settled()) must not miss.
 */
#define TIMER_DELAY_NS	(100 * 1000 * 1000)

struct timed {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct timed);
} cb_timers SEC(".maps");

/* A bpf_wq callback runs from a workqueue: sleepable. */
struct queued {
	struct bpf_wq wq;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct queued);
} cb_wqs SEC(".maps");

static int free_in_wq(void *map, int *key, void *value)
{
	FREE_ONE_PAGE();
	return 0;
}

/*
 * The exception callback of the cb_exception cases: a global function of
 * one integer argument, named by the main program's decl tag
 * "exception_callback:" (tools/testing/selftests/bpf/bpf_experimental.h's
 * __exception_cb()). Its return value is the program's.
 */
__noinline int conform_exception_cb(__u64 cookie)
{
	FREE_ONE_PAGE();
	return 0;
}

#define __exception_cb(name)						\
	__attribute__((btf_decl_tag("exception_callback:" #name)))

static int free_in_timer(void *map, __u32 *key, struct timed *val)
{
	FREE_ONE_PAGE();
	return 0;
}

static int free_in_loop(__u32 i, void *data)
{
	FREE_ONE_PAGE();
	return 1;	/* stop after one iteration */
}

static __u64 free_in_elem(void *map, __u32 *key, __u64 *val, void *data)
{
	FREE_ONE_PAGE();
	return 1;
}

#define IN_BPF_LOOP	bpf_loop(1, free_in_loop, NULL, 0)
#define IN_FOR_EACH	bpf_for_each_map_elem(&cb_elems, free_in_elem, NULL, 0)
#define IN_ITER_LOOP							\
	struct bpf_iter_num it;						\
	int *i;								\
									\
	bpf_iter_num_new(&it, 0, 2);					\
	while ((i = bpf_iter_num_next(&it)))				\
		FREE_ONE_PAGE();					\
	bpf_iter_num_destroy(&it)

#define IN_TIMER							\
	__u32 key = 0;							\
	struct timed *t = bpf_map_lookup_elem(&cb_timers, &key);	\
									\
	if (!t)								\
		return 0;						\
	bpf_timer_init(&t->timer, &cb_timers, 1 /* CLOCK_MONOTONIC */);	\
	bpf_timer_set_callback(&t->timer, free_in_timer);		\
	bpf_timer_start(&t->timer, TIMER_DELAY_NS, 0)

/* The callback as the kernel has it: bpf_ksym_exists() is known at load. */
#define IN_WQ								\
	__u32 key = 0;							\
	struct queued *q = bpf_map_lookup_elem(&cb_wqs, &key);		\
									\
	if (!q)								\
		return 0;						\
	if (bpf_wq_init(&q->wq, &cb_wqs, 0))				\
		return 0;						\
	if (bpf_ksym_exists(bpf_wq_set_callback))			\
		bpf_wq_set_callback(&q->wq, free_in_wq, 0);		\
	else								\
		bpf_wq_set_callback_impl(&q->wq, free_in_wq, 0, NULL);	\
	bpf_wq_start(&q->wq, 0)

/* The program throws; its exception callback frees. */
#define IN_EXCEPTION	bpf_throw(0)

#define CALLBACK_CASES(where, body) WHERE_CASES(cb_##where, body)
/* Its body calls a BPF helper: the struct_ops case is sched_ext's. */
#define HELPER_CALLBACK_CASES(where, body) HELPER_WHERE_CASES(cb_##where, body)

HELPER_CALLBACK_CASES(bpf_loop, IN_BPF_LOOP)
HELPER_CALLBACK_CASES(for_each_map_elem, IN_FOR_EACH)
CALLBACK_CASES(iter_loop, IN_ITER_LOOP)
HELPER_CALLBACK_CASES(timer, IN_TIMER)
HELPER_CALLBACK_CASES(wq, IN_WQ)
WHERE_CASES_AT_(cb_exception, DUMMY_SLEEPABLE,
		__exception_cb(conform_exception_cb), IN_EXCEPTION)
