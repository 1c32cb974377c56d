// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops: one case per member, loaded as a STRUCT_OPS program whose
 * attach BTF id is the struct and whose expected attach type is the member's
 * index, both resolved by name against the running kernel's vmlinux BTF.
 * The runner loads each case plain and sleepable. Whether a member may
 * sleep is the struct's own check_member() callback's say; a struct the
 * kernel lacks, or has but has not registered as a struct_ops type, is a
 * skip with the reason (the control is refused too).
 *
 * But for Qdisc_ops.enqueue's, the programs read no argument, so no
 * member's argument types matter, and all return 0, which every member's
 * return type takes (a NULL pointer for Qdisc_ops.dequeue).
 */
#include "conform.h"

#define STRUCT_OPS_CASE(name, type, member)				\
	ARENA_CASE(struct_ops_##name, "struct_ops/" #member,		\
		   BPF_PROG_TYPE_STRUCT_OPS, , "struct_ops:" #type "." #member)

/* bpf_dummy_ops, the kernel's test struct (net/bpf/bpf_dummy_struct_ops.c). */
/* test_sleepable: the one member bpf_dummy_ops_check_member() lets sleep. */
ARENA_CASE(struct_ops_sleepable_member, "struct_ops/test_sleepable",
	   BPF_PROG_TYPE_STRUCT_OPS, , "struct_ops:bpf_dummy_ops.test_sleepable")
/* test_1: a member it does not. */
ARENA_CASE(struct_ops_plain_member, "struct_ops/test_1",
	   BPF_PROG_TYPE_STRUCT_OPS, , "struct_ops:bpf_dummy_ops.test_1")

/*
 * sched_ext_ops (kernel/sched/ext.c, v6.12): bpf_scx_check_member() lists
 * the members that may sleep; any other member refuses BPF_F_SLEEPABLE.
 */
/* init: in the sleepable list, called from the enable path. */
STRUCT_OPS_CASE(scx_init, sched_ext_ops, init)
/* exit: in the sleepable list, called from the disable path. */
STRUCT_OPS_CASE(scx_exit, sched_ext_ops, exit)
/* init_task: in the sleepable list (may allocate per task). */
STRUCT_OPS_CASE(scx_init_task, sched_ext_ops, init_task)
/* cpu_online: in the sleepable list (a CPU hotplug callback). */
STRUCT_OPS_CASE(scx_cpu_online, sched_ext_ops, cpu_online)
/* cpu_offline: its hotplug twin. */
STRUCT_OPS_CASE(scx_cpu_offline, sched_ext_ops, cpu_offline)
/* cgroup_init: in the sleepable list only with CONFIG_EXT_GROUP_SCHED. */
STRUCT_OPS_CASE(scx_cgroup_init, sched_ext_ops, cgroup_init)
/* cgroup_exit: the same #ifdef. */
STRUCT_OPS_CASE(scx_cgroup_exit, sched_ext_ops, cgroup_exit)
/* cgroup_prep_move: the same #ifdef; its sibling cgroup_move is not listed. */
STRUCT_OPS_CASE(scx_cgroup_prep_move, sched_ext_ops, cgroup_prep_move)
/* cgroup_move: the cgroup member left out of the list, next to prep_move. */
STRUCT_OPS_CASE(scx_cgroup_move, sched_ext_ops, cgroup_move)
/* cgroup_set_bandwidth: a member from 6.17, in the list only from 7.3. */
STRUCT_OPS_CASE(scx_cgroup_set_bandwidth, sched_ext_ops, cgroup_set_bandwidth)
/* sub_attach: a sub-scheduler member of newer kernels, in the list. */
STRUCT_OPS_CASE(scx_sub_attach, sched_ext_ops, sub_attach)
/* select_cpu: the wakeup path, under the task's pi_lock. */
STRUCT_OPS_CASE(scx_select_cpu, sched_ext_ops, select_cpu)
/* enqueue: the hottest member, under the runqueue lock. */
STRUCT_OPS_CASE(scx_enqueue, sched_ext_ops, enqueue)
/* dispatch: called with the runqueue lock held. */
STRUCT_OPS_CASE(scx_dispatch, sched_ext_ops, dispatch)
/* tick: from the timer interrupt. */
STRUCT_OPS_CASE(scx_tick, sched_ext_ops, tick)
/* exit_task: init_task's counterpart, yet not in the sleepable list. */
STRUCT_OPS_CASE(scx_exit_task, sched_ext_ops, exit_task)
/* dump: the debug dump, under a raw spinlock. */
STRUCT_OPS_CASE(scx_dump, sched_ext_ops, dump)
/* cpu_release: moved after the data members in newer kernels (by name). */
STRUCT_OPS_CASE(scx_cpu_release, sched_ext_ops, cpu_release)

/*
 * sched_ext_ops_cid: the variant of sched_ext_ops in newer kernels that
 * names CPUs by cid (select_cid, cid_online), a struct_ops type of its own.
 */
/* init: as sched_ext_ops.init. */
STRUCT_OPS_CASE(scx_cid_init, sched_ext_ops_cid, init)
/* cid_online: its cpu_online. */
STRUCT_OPS_CASE(scx_cid_cid_online, sched_ext_ops_cid, cid_online)
/* enqueue: as sched_ext_ops.enqueue. */
STRUCT_OPS_CASE(scx_cid_enqueue, sched_ext_ops_cid, enqueue)

/*
 * tcp_congestion_ops (net/ipv4/bpf_tcp_ca.c, v5.6): no check_member() looks
 * at BPF_F_SLEEPABLE. get_info has no stub: the verifier refuses it with
 * or without the kfunc, so its case would be a skip everywhere: none.
 */
/* ssthresh: a mandatory member, returns u32, may run in softirq (ACKs). */
STRUCT_OPS_CASE(tcp_ssthresh, tcp_congestion_ops, ssthresh)
/* cong_avoid: a mandatory member, returns void. */
STRUCT_OPS_CASE(tcp_cong_avoid, tcp_congestion_ops, cong_avoid)
/* init: an optional member, called from process or softirq context. */
STRUCT_OPS_CASE(tcp_init, tcp_congestion_ops, init)
/* release: init's counterpart, the last member of the struct. */
STRUCT_OPS_CASE(tcp_release, tcp_congestion_ops, release)
/* cong_control: optional, moved to the front of the struct in newer kernels. */
STRUCT_OPS_CASE(tcp_cong_control, tcp_congestion_ops, cong_control)
/* cwnd_event_tx_start: a member of newer kernels only. */
STRUCT_OPS_CASE(tcp_cwnd_event_tx_start, tcp_congestion_ops, cwnd_event_tx_start)

/*
 * Qdisc_ops as bpf_qdisc (net/sched/bpf_qdisc.c, v6.16, CONFIG_NET_SCH_BPF):
 * stubs for enqueue, dequeue, init, reset and destroy only, and no
 * check_member().
 */
/* dequeue: returns struct sk_buff *, and 0 is the NULL pointer it takes. */
STRUCT_OPS_CASE(qdisc_dequeue, Qdisc_ops, dequeue)
/* init: the kernel prepends a prologue that calls bpf_qdisc_init_prologue. */
STRUCT_OPS_CASE(qdisc_init, Qdisc_ops, init)
/* reset: the kernel appends an epilogue (bpf_qdisc_reset_destroy_epilogue). */
STRUCT_OPS_CASE(qdisc_reset, Qdisc_ops, reset)
/* destroy: the same epilogue. */
STRUCT_OPS_CASE(qdisc_destroy, Qdisc_ops, destroy)

/*
 * enqueue: its skb argument is "skb__ref", a reference the program owns from
 * its first instruction and must release, or the verifier refuses the load
 * ("BPF_EXIT instruction in main prog would lead to reference leak", seen on
 * Debian's 7.0.13). So the case and its control both drop the skb
 * to the to_free list with bpf_qdisc_skb_drop() (KF_RELEASE), which the
 * kfunc filter allows in enqueue only: not data the runner can express, so
 * both are written out here.
 */
/*
 * Defined, not only declared: libbpf resolves a kfunc only if its
 * prototype's kinds match the kernel's, and a forward declaration is not a
 * struct. Their members do not matter: nothing here reads them.
 */
struct sk_buff {
	int unused;
};
struct bpf_sk_buff_ptr {
	struct sk_buff *skb;
};
extern void bpf_qdisc_skb_drop(struct sk_buff *skb,
			       struct bpf_sk_buff_ptr *to_free_list) __ksym __weak;

#define QDISC_ENQUEUE_TAGS						\
	SEC("struct_ops/enqueue")					\
	__case(BPF_PROG_TYPE_STRUCT_OPS, , "struct_ops:Qdisc_ops.enqueue")

/* ctx is the member's arguments as u64s: skb, sch, to_free. */
#define QDISC_DROP(ctx)							\
	bpf_qdisc_skb_drop((struct sk_buff *)((__u64 *)(ctx))[0],	\
			   (struct bpf_sk_buff_ptr *)((__u64 *)(ctx))[2])

QDISC_ENQUEUE_TAGS __conform("case=struct_ops_qdisc_enqueue")
int conform_case_struct_ops_qdisc_enqueue(void *ctx)
{
	FREE_ONE_PAGE();
	QDISC_DROP(ctx);
	return 0;
}

QDISC_ENQUEUE_TAGS __conform("control=struct_ops_qdisc_enqueue")
int conform_control_struct_ops_qdisc_enqueue(void *ctx)
{
	QDISC_DROP(ctx);
	return 0;
}

/*
 * io_uring_bpf_ops (io_uring/bpf-ops.c, CONFIG_IO_URING_BPF_OPS): the ring's
 * event loop step, run from io_uring_enter() in process context.
 */
/* loop_step: its only member, which upstream's selftests load sleepable. */
STRUCT_OPS_CASE(io_uring_loop_step, io_uring_bpf_ops, loop_step)
