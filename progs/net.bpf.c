// SPDX-License-Identifier: GPL-2.0
/* Networking program types: packet, socket and LWT hooks. */
#include "conform.h"

/* Listed by the docs page. */
ARENA_CASE(socket_filter, "socket", BPF_PROG_TYPE_SOCKET_FILTER, , "")
ARENA_CASE(sched_cls, "tc", BPF_PROG_TYPE_SCHED_CLS, , "")
ARENA_CASE(sched_act, "action", BPF_PROG_TYPE_SCHED_ACT, , "")
ARENA_CASE(xdp, "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, "")
ARENA_CASE(lwt_in, "lwt_in", BPF_PROG_TYPE_LWT_IN, , "")
ARENA_CASE(lwt_out, "lwt_out", BPF_PROG_TYPE_LWT_OUT, , "")
ARENA_CASE(lwt_xmit, "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, , "")
ARENA_CASE(lwt_seg6local, "lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, , "")
ARENA_CASE(sk_skb_verdict, "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB,
	   BPF_SK_SKB_STREAM_VERDICT, "")
ARENA_CASE(sk_skb_parser, "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB,
	   BPF_SK_SKB_STREAM_PARSER, "")
ARENA_CASE(netfilter, "netfilter", BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, "")

/* Not listed by the docs page. */
ARENA_CASE(tcx_ingress, "tcx/ingress", BPF_PROG_TYPE_SCHED_CLS,
	   BPF_TCX_INGRESS, "")
ARENA_CASE(sk_msg, "sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, "")
ARENA_CASE(flow_dissector, "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR,
	   BPF_FLOW_DISSECTOR, "")
ARENA_CASE(sk_lookup, "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, "")
ARENA_CASE(sk_reuseport, "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT,
	   BPF_SK_REUSEPORT_SELECT, "")

/* Other attach points of the listed types. */
ARENA_CASE(tcx_egress, "tcx/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, "")
ARENA_CASE(netkit_primary, "netkit/primary", BPF_PROG_TYPE_SCHED_CLS,
	   BPF_NETKIT_PRIMARY, "")
ARENA_CASE(netkit_peer, "netkit/peer", BPF_PROG_TYPE_SCHED_CLS,
	   BPF_NETKIT_PEER, "")
/* libbpf loads xdp.frags with BPF_F_XDP_HAS_FRAGS; so does the runner. */
__conform("prog_flags=BPF_F_XDP_HAS_FRAGS")
ARENA_CASE(xdp_frags, "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, "")
ARENA_CASE(xdp_devmap, "xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, "")
ARENA_CASE(xdp_cpumap, "xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, "")
/* BPF_SK_SKB_VERDICT: sk_skb_verdict above is the stream verdict. */
ARENA_CASE(sk_skb_skb_verdict, "sk_skb/verdict", BPF_PROG_TYPE_SK_SKB,
	   BPF_SK_SKB_VERDICT, "")
ARENA_CASE(sk_reuseport_migrate, "sk_reuseport/migrate",
	   BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, "")
