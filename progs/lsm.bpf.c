// SPDX-License-Identifier: GPL-2.0
/* BPF LSM: a hook that may sleep, one that may not, and cgroup LSM. */
#include "conform.h"

/* file_open is in the kernel's sleepable LSM hook set. */
ARENA_CASE(lsm_sleepable_hook, "lsm/file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC,
	   "func:bpf_lsm_file_open")
/* socket_sock_rcv_skb runs in softirq context: not a sleepable hook. */
ARENA_CASE(lsm_plain_hook, "lsm/socket_sock_rcv_skb", BPF_PROG_TYPE_LSM,
	   BPF_LSM_MAC, "func:bpf_lsm_socket_sock_rcv_skb")
ARENA_CASE(lsm_cgroup, "lsm_cgroup/socket_bind", BPF_PROG_TYPE_LSM,
	   BPF_LSM_CGROUP, "func:bpf_lsm_socket_bind")
