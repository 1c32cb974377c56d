// SPDX-License-Identifier: GPL-2.0
/*
 * The run stage's LWT hooks: the program on a route, as the BPF encap of
 * a route to 192.0.2.0/24 (TEST-NET-1) via lo, in a child's network
 * namespace of its own; then a datagram to 192.0.2.1. LWT_OUT runs where
 * the packet is routed out (lwtunnel_output()), LWT_XMIT before it goes
 * to lo (lwtunnel_xmit()), LWT_IN when lo hands it back: the looped
 * packet keeps its route, whose input is then lwtunnel_input().
 *
 * The route is one rtnetlink message, written here by hand: libbpf has no
 * API for LWT programs, and the `ip` of a VM's initramfs (busybox) knows
 * no "encap bpf", so one way that works everywhere, with the kernel's
 * own errno when it refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/lwtunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hooks_impl.h"

#define ROUTE_DST	"192.0.2.0"
#define PACKET_DST	"192.0.2.1"

struct route_req {
	struct nlmsghdr n;
	struct rtmsg r;
	char attrs[256];
};

/* An attribute at the end of the message, or NULL if it does not fit. */
static struct rtattr *put(struct route_req *req, unsigned short type,
			  const void *data, size_t dlen)
{
	char *base = (char *)req;
	size_t off = NLMSG_ALIGN(req->n.nlmsg_len), alen = RTA_LENGTH(dlen);
	struct rtattr *a = (struct rtattr *)(base + off);

	if (off + RTA_ALIGN(alen) > sizeof(*req))
		return NULL;
	a->rta_type = type;
	a->rta_len = (unsigned short)alen;
	if (dlen)
		memcpy(base + off + RTA_LENGTH(0), data, dlen);
	req->n.nlmsg_len = (__u32)(off + RTA_ALIGN(alen));
	return a;
}

static void nest_end(struct route_req *req, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)req + req->n.nlmsg_len - (char *)nest);
}

/* RTM_NEWROUTE ROUTE_DST/24 dev lo src 127.0.0.1 encap bpf HOOK fd NAME. */
static int route_msg(struct route_req *req, int hook, int fd)
{
	struct nlmsghdr *n = &req->n;
	struct in_addr dst, src = { htonl(INADDR_LOOPBACK) };
	__u32 oif = if_nametoindex("lo"), prog = (__u32)fd;
	__u16 encap = LWTUNNEL_ENCAP_BPF;
	struct rtattr *e, *h;

	memset(req, 0, sizeof(*req));
	n->nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	n->nlmsg_type = RTM_NEWROUTE;
	n->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	n->nlmsg_seq = 1;
	req->r = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = 24,
				 .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
				 .rtm_scope = RT_SCOPE_LINK, .rtm_type = RTN_UNICAST };
	inet_pton(AF_INET, ROUTE_DST, &dst);
	if (!put(req, RTA_DST, &dst, sizeof(dst)) || !put(req, RTA_OIF, &oif, sizeof(oif)) ||
	    !put(req, RTA_PREFSRC, &src, sizeof(src)) ||
	    !put(req, RTA_ENCAP_TYPE, &encap, sizeof(encap)))
		return -1;
	e = put(req, RTA_ENCAP | NLA_F_NESTED, NULL, 0);
	h = e ? put(req, (unsigned short)hook | NLA_F_NESTED, NULL, 0) : NULL;
	if (!h || !put(req, LWT_BPF_PROG_FD, &prog, sizeof(prog)) ||
	    !put(req, LWT_BPF_PROG_NAME, "conform", sizeof("conform")))
		return -1;
	nest_end(req, h);
	nest_end(req, e);
	return 0;
}

/* Send the request; 0, or -1 with the kernel's errno. */
static int rtnl_talk(struct route_req *req)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { 1, 0 };
	char buf[1024];
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), e = EPROTO;
	ssize_t n;

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(s, req, req->n.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ||
	    (n = recv(s, buf, sizeof(buf), 0)) < 0) {
		e = errno;
	} else {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (NLMSG_OK(h, (size_t)n) && h->nlmsg_type == NLMSG_ERROR &&
		    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)))
			e = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	close(s);
	errno = e;
	return e ? -1 : 0;
}

static void lwt_child(const struct conform_case *c, int fd,
		      struct child_report *rep)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_storage src;
	socklen_t srclen = loopback_addr(AF_INET, &src);
	int hook = LWT_BPF_XMIT, s;
	struct route_req req;
	char buf[8] = "conform";

	if (!strcmp(c->prog_type, "BPF_PROG_TYPE_LWT_IN"))
		hook = LWT_BPF_IN;
	else if (!strcmp(c->prog_type, "BPF_PROG_TYPE_LWT_OUT"))
		hook = LWT_BPF_OUT;
	if (route_msg(&req, hook, fd)) {
		errno = EMSGSIZE;
		rep_cannot(rep, "the rtnetlink message%s: %s", "");
		return;
	}
	if (rtnl_talk(&req)) {
		if (errno == EOPNOTSUPP)
			rep_cannot(rep, "a route with encap bpf (CONFIG_LWTUNNEL_BPF)%s: %s", "");
		else
			rep_refused(rep, "RTM_NEWROUTE " ROUTE_DST "/24 encap bpf");
		return;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&src, srclen)) {
		rep_cannot(rep, "a UDP socket on 127.0.0.1%s: %s", "");
		return;
	}
	inet_pton(AF_INET, PACKET_DST, &dst.sin_addr);
	for (int i = 0; i < 4; i++)
		sendto(s, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&dst, sizeof(dst));
	poll(&(struct pollfd){ s, POLLIN, 0 }, 1, 100);
	close(s);
	rep->r = FIRE_DONE;
}

enum fire_result fire_lwt(const struct conform_case *c, int fd, int *err,
			  char *msg, size_t len)
{
	return in_child(lwt_child, c, fd, CHILD_NETNS, err, msg, len);
}
