// SPDX-License-Identifier: GPL-2.0
/*
 * The run stage's LWT hooks: the program on a route in a child's network
 * namespace of its own, then a datagram along it.
 *
 * LWT_IN, LWT_OUT, LWT_XMIT: the BPF encap of a route to 192.0.2.0/24
 * (TEST-NET-1) via lo, and a datagram to 192.0.2.1. LWT_OUT runs where the
 * packet is routed out (lwtunnel_output()), LWT_XMIT before it goes to lo
 * (lwtunnel_xmit()), LWT_IN when lo hands it back: the looped packet keeps
 * its route, whose input is then lwtunnel_input().
 *
 * LWT_SEG6LOCAL: the End.BPF action of a seg6local route to fc00::100 (a
 * local one, on lo), and a datagram to ::1 whose segment routing header (IPV6_RTHDR,
 * type 4) sends it through fc00::100 first: the looped packet's route input
 * is the seg6local one, which runs the program.
 *
 * The routes are rtnetlink messages written here by hand: libbpf has no
 * API for LWT programs, and the `ip` of a VM's initramfs (busybox) knows
 * no "encap bpf" nor "seg6local", so one way that works everywhere, with
 * the kernel's own errno when it refuses.
 */
/* netinet/in.h before linux/seg6.h: libc-compat.h then skips linux/in6.h. */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/lwtunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/seg6.h>
#include <linux/seg6_local.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hooks_impl.h"

#define ROUTE_DST	"192.0.2.0"
#define PACKET_DST	"192.0.2.1"
#define SEG6_SID	"fc00::100"

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

/*
 * RTM_NEWROUTE DST/LEN dev lo [src SRC] encap ENCAP, the encap's nest open
 * (IPv6: "local DST/LEN").
 */
static struct rtattr *route_begin(struct route_req *req, int family,
				  const char *dst, unsigned char len,
				  const struct in_addr *src, __u16 encap)
{
	__u32 oif = if_nametoindex("lo");
	struct in6_addr addr;
	size_t alen = family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);

	memset(req, 0, sizeof(*req));
	req->n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req->n.nlmsg_type = RTM_NEWROUTE;
	req->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req->n.nlmsg_seq = 1;
	req->r = (struct rtmsg){ .rtm_family = (unsigned char)family, .rtm_dst_len = len,
				 .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
				 .rtm_scope = RT_SCOPE_LINK, .rtm_type = RTN_UNICAST };
	/*
	 * IPv6 makes a unicast route via lo a reject route (fib6_is_reject()):
	 * a local one, then, as `ip -6 route add local` makes it.
	 */
	if (family == AF_INET6) {
		req->r.rtm_table = RT_TABLE_LOCAL;
		req->r.rtm_scope = RT_SCOPE_HOST;
		req->r.rtm_type = RTN_LOCAL;
	}
	inet_pton(family, dst, &addr);
	if (!put(req, RTA_DST, &addr, alen) || !put(req, RTA_OIF, &oif, sizeof(oif)) ||
	    (src && !put(req, RTA_PREFSRC, src, sizeof(*src))) ||
	    !put(req, RTA_ENCAP_TYPE, &encap, sizeof(encap)))
		return NULL;
	return put(req, RTA_ENCAP | NLA_F_NESTED, NULL, 0);
}

/* A nest of TYPE with the program: fd and name (both required). */
static int put_prog(struct route_req *req, unsigned short type, int fd)
{
	struct rtattr *nest = put(req, type | NLA_F_NESTED, NULL, 0);
	__u32 prog = (__u32)fd;

	if (!nest || !put(req, LWT_BPF_PROG_FD, &prog, sizeof(prog)) ||
	    !put(req, LWT_BPF_PROG_NAME, "conform", sizeof("conform")))
		return -1;
	nest_end(req, nest);
	return 0;
}

/* The route of the program: 0, or -1 if the message does not fit. */
static int route_msg(struct route_req *req, const char *prog_type, int fd)
{
	struct in_addr lo4 = { htonl(INADDR_LOOPBACK) };
	__u32 action = SEG6_LOCAL_ACTION_END_BPF;
	unsigned short hook = LWT_BPF_XMIT;
	struct rtattr *encap;

	if (!strcmp(prog_type, "BPF_PROG_TYPE_LWT_SEG6LOCAL")) {
		encap = route_begin(req, AF_INET6, SEG6_SID, 128, NULL, LWTUNNEL_ENCAP_SEG6_LOCAL);
		if (!encap || !put(req, SEG6_LOCAL_ACTION, &action, sizeof(action)) ||
		    put_prog(req, SEG6_LOCAL_BPF, fd))
			return -1;
		nest_end(req, encap);
		return 0;
	}
	if (!strcmp(prog_type, "BPF_PROG_TYPE_LWT_IN"))
		hook = LWT_BPF_IN;
	else if (!strcmp(prog_type, "BPF_PROG_TYPE_LWT_OUT"))
		hook = LWT_BPF_OUT;
	encap = route_begin(req, AF_INET, ROUTE_DST, 24, &lo4, LWTUNNEL_ENCAP_BPF);
	if (!encap || put_prog(req, hook, fd))
		return -1;
	nest_end(req, encap);
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

/* A UDP socket on ::1 whose datagrams go to ::1 through SEG6_SID. */
static int seg6_socket(struct sockaddr_storage *dst, socklen_t *dstlen)
{
	/* Two segments: 8 bytes of header, 2 addresses (hdrlen is in 8 bytes). */
	_Alignas(struct ipv6_sr_hdr) unsigned char srh[sizeof(struct ipv6_sr_hdr) +
							  2 * sizeof(struct in6_addr)] = { 0 };
	struct ipv6_sr_hdr *h = (struct ipv6_sr_hdr *)srh;
	struct sockaddr_storage src;
	socklen_t srclen = loopback_addr(AF_INET6, &src);
	int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	h->hdrlen = 4;
	h->type = 4;		/* IPV6_SRCRT_TYPE_4 */
	h->segments_left = 1;
	h->first_segment = 1;
	/* segments[0] becomes the final destination (ipv6_push_rthdr4()). */
	inet_pton(AF_INET6, SEG6_SID, srh + sizeof(*h) + sizeof(struct in6_addr));
	*dstlen = loopback_addr(AF_INET6, dst);
	((struct sockaddr_in6 *)dst)->sin6_port = htons(9);
	if (s >= 0 && (bind(s, (struct sockaddr *)&src, srclen) ||
		       setsockopt(s, IPPROTO_IPV6, IPV6_RTHDR, &srh, sizeof(srh)))) {
		close(s);
		s = -1;
	}
	return s;
}

static void lwt_child(const struct conform_case *c, int fd,
		      struct child_report *rep)
{
	bool seg6 = !strcmp(c->prog_type, "BPF_PROG_TYPE_LWT_SEG6LOCAL");
	struct sockaddr_storage dst;
	socklen_t dstlen;
	struct route_req req;
	char buf[8] = "conform";
	int s;

	if (route_msg(&req, c->prog_type, fd)) {
		errno = EMSGSIZE;
		rep_cannot(rep, "the rtnetlink message%s: %s", "");
		return;
	}
	if (rtnl_talk(&req)) {
		if (errno == EOPNOTSUPP || errno == EAFNOSUPPORT)
			rep_cannot(rep, "a route with %s (CONFIG_LWTUNNEL_BPF, CONFIG_IPV6_SEG6_BPF): %s",
				   seg6 ? "encap seg6local action End.BPF" : "encap bpf");
		else
			rep_refused(rep, seg6 ? "RTM_NEWROUTE " SEG6_SID "/128 encap seg6local End.BPF" :
					       "RTM_NEWROUTE " ROUTE_DST "/24 encap bpf");
		return;
	}
	if (seg6) {
		s = seg6_socket(&dst, &dstlen);
	} else {
		socklen_t srclen = loopback_addr(AF_INET, &dst);

		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s >= 0 && bind(s, (struct sockaddr *)&dst, srclen)) {
			close(s);
			s = -1;
		}
		dstlen = sizeof(struct sockaddr_in);
		inet_pton(AF_INET, PACKET_DST, &((struct sockaddr_in *)&dst)->sin_addr);
		((struct sockaddr_in *)&dst)->sin_port = htons(9);
	}
	if (s < 0) {
		rep_cannot(rep, "a UDP socket for the route%s: %s", "");
		return;
	}
	for (int i = 0; i < 4; i++)
		sendto(s, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&dst, dstlen);
	fire_poll(&(struct pollfd){ s, POLLIN, 0 }, 1, 100);
	close(s);
	rep->r = FIRE_DONE;
}

enum fire_result fire_lwt(const struct conform_case *c, int fd, int *err,
			  char *msg, size_t len)
{
	return in_child(lwt_child, c, fd, CHILD_NETNS, err, msg, len);
}
