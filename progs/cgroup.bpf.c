// SPDX-License-Identifier: GPL-2.0
/* cgroup-attached program types. */
#include "conform.h"

/* Listed by the docs page. */
ARENA_CASE(cgroup_skb, "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB,
	   BPF_CGROUP_INET_INGRESS, "")
ARENA_CASE(cgroup_sock, "cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK,
	   BPF_CGROUP_INET_SOCK_CREATE, "")
ARENA_CASE(cgroup_sock_addr, "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	   BPF_CGROUP_INET4_CONNECT, "")
ARENA_CASE(cgroup_getsockopt, "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT,
	   BPF_CGROUP_GETSOCKOPT, "")
ARENA_CASE(cgroup_setsockopt, "cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT,
	   BPF_CGROUP_SETSOCKOPT, "")
ARENA_CASE(cgroup_sysctl, "cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL,
	   BPF_CGROUP_SYSCTL, "")
ARENA_CASE(cgroup_device, "cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE,
	   BPF_CGROUP_DEVICE, "")

/* Not listed by the docs page. */
ARENA_CASE(sock_ops, "sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, "")
