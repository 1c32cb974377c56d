// SPDX-License-Identifier: GPL-2.0
/*
 * Where the call sits: the kfunc called from inside a region where the
 * verifier does not let a program sleep. Each region three times
 * (WHERE_CASES() in conform.h): in a SYSCALL program (sleepable; may call
 * the kfunc outside any region on every kernel that has it), in an XDP
 * program (never sleepable; may call it from v7.0), and in a struct_ops
 * program loaded either way (bpf_dummy_ops' test_sleepable, or
 * sched_ext_ops' init for a body that calls a BPF helper). Before v7.0 the
 * verifier's refusal of the sleepable load names the region, which is how
 * a rule checks that the call really sits inside it. From v7.0
 * (b8467290edab) any context may call the arena kfuncs: a call where the
 * program may not sleep becomes bpf_arena_free_pages_non_sleepable().
 */
#include "conform.h"

extern void bpf_rcu_read_lock(void) __ksym __weak;
extern void bpf_rcu_read_unlock(void) __ksym __weak;
extern void bpf_preempt_disable(void) __ksym __weak;
extern void bpf_preempt_enable(void) __ksym __weak;
extern void bpf_local_irq_save(unsigned long *flags__irq_flag) __ksym __weak;
extern void bpf_local_irq_restore(unsigned long *flags__irq_flag) __ksym __weak;
/* v6.15, "bpf: Introduce rqspinlock kfuncs": 0 if taken, else -EDEADLK or -ETIMEDOUT */
extern int bpf_res_spin_lock(struct bpf_res_spin_lock *lock) __ksym __weak;
extern void bpf_res_spin_unlock(struct bpf_res_spin_lock *lock) __ksym __weak;

/* A map value with a lock: BTF-described, as the verifier requires. */
struct locked {
	struct bpf_spin_lock lock;
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} ctx_locks SEC(".maps");

static __always_inline struct locked *locked(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&ctx_locks, &key);
}

/* The same with a resilient lock (struct bpf_res_spin_lock: conform.h). */
struct res_locked {
	struct bpf_res_spin_lock lock;
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct res_locked);
} ctx_res_locks SEC(".maps");

static __always_inline struct res_locked *res_locked(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&ctx_res_locks, &key);
}

#define IN_RCU								\
	bpf_rcu_read_lock();						\
	FREE_ONE_PAGE();						\
	bpf_rcu_read_unlock()

#define IN_PREEMPT_OFF							\
	bpf_preempt_disable();						\
	FREE_ONE_PAGE();						\
	bpf_preempt_enable()

#define IN_IRQ_OFF							\
	unsigned long flags;						\
									\
	bpf_local_irq_save(&flags);					\
	FREE_ONE_PAGE();						\
	bpf_local_irq_restore(&flags)

#define IN_SPIN_LOCK							\
	struct locked *v = locked();					\
									\
	if (!v)								\
		return 0;						\
	bpf_spin_lock(&v->lock);					\
	FREE_ONE_PAGE();						\
	bpf_spin_unlock(&v->lock)

/* The lock is held only where bpf_res_spin_lock() returned 0. */
#define IN_RES_SPIN_LOCK						\
	struct res_locked *v = res_locked();				\
									\
	if (!v)								\
		return 0;						\
	if (bpf_res_spin_lock(&v->lock))				\
		return 0;						\
	FREE_ONE_PAGE();						\
	bpf_res_spin_unlock(&v->lock)

/* RCU outside, preemption off inside it. */
#define IN_NESTED							\
	bpf_rcu_read_lock();						\
	bpf_preempt_disable();						\
	FREE_ONE_PAGE();						\
	bpf_preempt_enable();						\
	bpf_rcu_read_unlock()

#define CONTEXT_CASES(region, body) WHERE_CASES(ctx_##region, body)
/* Its body calls a BPF helper: the struct_ops case is sched_ext's. */
#define HELPER_CONTEXT_CASES(region, body) HELPER_WHERE_CASES(ctx_##region, body)

CONTEXT_CASES(rcu, IN_RCU)
CONTEXT_CASES(preempt_off, IN_PREEMPT_OFF)
CONTEXT_CASES(irq_off, IN_IRQ_OFF)
HELPER_CONTEXT_CASES(spin_lock, IN_SPIN_LOCK)
HELPER_CONTEXT_CASES(res_spin_lock, IN_RES_SPIN_LOCK)
CONTEXT_CASES(nested, IN_NESTED)
