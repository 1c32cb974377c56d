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

/* Other attach points of the listed types. */
ARENA_CASE(cgroup_skb_egress, "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB,
	   BPF_CGROUP_INET_EGRESS, "")
ARENA_CASE(cgroup_sock_release, "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK,
	   BPF_CGROUP_INET_SOCK_RELEASE, "")
ARENA_CASE(cgroup_sock_post_bind4, "cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK,
	   BPF_CGROUP_INET4_POST_BIND, "")
ARENA_CASE(cgroup_sock_post_bind6, "cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK,
	   BPF_CGROUP_INET6_POST_BIND, "")

/*
 * The other BPF_PROG_TYPE_CGROUP_SOCK_ADDR hooks (connect4 is above). The
 * hooks that can refuse nothing must return 1 ("At program exit the register
 * R0 ... should have been in [1, 1]"): their case and control are written
 * out, to return 1.
 */
#define SOCK_ADDR_CASE(hook, atype)					\
	ARENA_CASE(cgroup_sock_addr_##hook, "cgroup/" #hook,		\
		   BPF_PROG_TYPE_CGROUP_SOCK_ADDR, atype, "")
#define SOCK_ADDR_CASE_RET1(hook, atype)				\
SEC("cgroup/" #hook) __case(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, atype, "")	\
__conform("case=cgroup_sock_addr_" #hook) __conform("call=free_one_page") \
FREES_RUN_PAGE								\
int conform_case_cgroup_sock_addr_##hook(void *ctx)			\
{									\
	FREE_ONE_PAGE();						\
	return 1;							\
}									\
SEC("cgroup/" #hook) __case(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, atype, "")	\
__conform("control=cgroup_sock_addr_" #hook)				\
int conform_control_cgroup_sock_addr_##hook(void *ctx)			\
{									\
	return 1;							\
}
SOCK_ADDR_CASE(bind4, BPF_CGROUP_INET4_BIND)
SOCK_ADDR_CASE(bind6, BPF_CGROUP_INET6_BIND)
SOCK_ADDR_CASE(connect6, BPF_CGROUP_INET6_CONNECT)
SOCK_ADDR_CASE(sendmsg4, BPF_CGROUP_UDP4_SENDMSG)
SOCK_ADDR_CASE(sendmsg6, BPF_CGROUP_UDP6_SENDMSG)
SOCK_ADDR_CASE_RET1(recvmsg4, BPF_CGROUP_UDP4_RECVMSG)
SOCK_ADDR_CASE_RET1(recvmsg6, BPF_CGROUP_UDP6_RECVMSG)
SOCK_ADDR_CASE_RET1(getpeername4, BPF_CGROUP_INET4_GETPEERNAME)
SOCK_ADDR_CASE_RET1(getpeername6, BPF_CGROUP_INET6_GETPEERNAME)
SOCK_ADDR_CASE_RET1(getsockname4, BPF_CGROUP_INET4_GETSOCKNAME)
SOCK_ADDR_CASE_RET1(getsockname6, BPF_CGROUP_INET6_GETSOCKNAME)
/* AF_UNIX: v6.7, 859051dd165e "bpf: Implement cgroup sockaddr hooks for unix sockets". */
SOCK_ADDR_CASE(connect_unix, BPF_CGROUP_UNIX_CONNECT)
SOCK_ADDR_CASE(sendmsg_unix, BPF_CGROUP_UNIX_SENDMSG)
SOCK_ADDR_CASE_RET1(recvmsg_unix, BPF_CGROUP_UNIX_RECVMSG)
SOCK_ADDR_CASE_RET1(getpeername_unix, BPF_CGROUP_UNIX_GETPEERNAME)
SOCK_ADDR_CASE_RET1(getsockname_unix, BPF_CGROUP_UNIX_GETSOCKNAME)
