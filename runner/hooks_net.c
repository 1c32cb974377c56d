// SPDX-License-Identifier: GPL-2.0
/*
 * The run stage's network hooks: programs on packets and sockets, fired
 * with real traffic in a network namespace of their own (a child's), so
 * that nothing of the host's network changes and everything made for the
 * test goes when the child exits.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
/* netinet/in.h before linux/netfilter.h: libc-compat.h then skips linux/in.h. */
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netfilter.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hooks_impl.h"
#include "uapi_compat.h"

void rep_refused(struct child_report *rep, const char *what)
{
	rep->r = refused(&rep->err, rep->msg, sizeof(rep->msg), what);
}

void rep_cannot(struct child_report *rep, const char *fmt, const char *arg)
{
	rep->r = cannot(rep->msg, sizeof(rep->msg), fmt, arg);
}

static int lo_up(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return ret;
}

/*
 * The child's signals. One that cleans up (a cgroup) ignores what would
 * stop it halfway and is left to finish when its parent dies: its own
 * children are bounded by CHILD_TIMEOUT. Any other child dies with its
 * parent, or after CHILD_TIMEOUT seconds.
 */
static void child_start(unsigned int flags, pid_t parent)
{
	bool outlive = flags & CHILD_OUTLIVE;

	signal(SIGINT, outlive ? SIG_IGN : SIG_DFL);
	signal(SIGTERM, outlive ? SIG_IGN : SIG_DFL);
	signal(SIGHUP, outlive ? SIG_IGN : SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (outlive)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	alarm(CHILD_TIMEOUT);
}

enum fire_result in_child(child_fn fn, const struct conform_case *c, int fd,
			  unsigned int flags, int *err, char *msg, size_t len)
{
	struct child_report rep = { .r = FIRE_CANNOT };
	int pipefd[2], fired, status = 0;
	pid_t parent = getpid(), pid;
	ssize_t n = -1;

	if (pipe2(pipefd, O_CLOEXEC))
		return cannot(msg, len, "pipe%s: %s", "");
	fired = fired_fd();
	if (fired < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return cannot(msg, len, "eventfd%s: %s", "");
	}
	pid = fork();
	if (pid < 0) {
		enum fire_result r = cannot(msg, len, "fork%s: %s", "");

		close(pipefd[0]);
		close(pipefd[1]);
		close(fired);
		return r;
	}
	if (pid == 0) {
		close(pipefd[0]);
		fired_fd_child(fired);
		child_start(flags, parent);
		if ((flags & CHILD_NETNS) && (unshare(CLONE_NEWNET) || lo_up()))
			rep_cannot(&rep, "a network namespace%s: %s", "");
		else
			fn(c, fd, &rep);
		_exit(write(pipefd[1], &rep, sizeof(rep)) == sizeof(rep) ? 0 : 1);
	}
	close(pipefd[1]);
	n = fired_read_report(pipefd[0], &rep, sizeof(rep), fired);
	waitpid(pid, &status, 0);
	close(pipefd[0]);
	if (n != sizeof(rep)) {
		if (WIFSIGNALED(status))
			snprintf(msg, len, "the child that fires the hook was killed by %s%s",
				 strsignal(WTERMSIG(status)),
				 WTERMSIG(status) == SIGALRM ? " (a timeout)" : "");
		else
			snprintf(msg, len, "the child that fires the hook exited %d without a report",
				 WEXITSTATUS(status));
		/* Not something this system lacks: the runner failed. */
		return FIRE_ERROR;
	}
	*err = rep.err;
	snprintf(msg, len, "%s", rep.msg);
	return rep.r;
}

/*
 * Packets: in a child, in a network namespace of its own, with the program
 * on its loopback device or on a socket, send UDP datagrams to itself. The
 * namespace, and what is attached in it, go when the child exits.
 */
static void send_datagrams(int rx)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct timeval tv = { 0, 100000 };
	char buf[64] = "conform";
	int tx = socket(AF_INET, SOCK_DGRAM, 0);

	if (tx < 0 || getsockname(rx, (struct sockaddr *)&a, &alen))
		goto out;
	setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < 4; i++)
		sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a));
	/* Delivered, or dropped by the program: either way it ran. */
	while (recv(rx, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
out:
	if (tx >= 0)
		close(tx);
}

static void packet_child(const struct conform_case *c, int fd,
			 struct child_report *rep)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	const char *at = c->prog.tags->attach_type;
	int rx, link = -1;

	rx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || bind(rx, (struct sockaddr *)&a, sizeof(a))) {
		rep_cannot(rep, "a UDP socket%s: %s", "");
		return;
	}
	if (!strcmp(c->prog_type, "BPF_PROG_TYPE_SOCKET_FILTER")) {
		if (setsockopt(rx, SOL_SOCKET, SO_ATTACH_BPF, &fd, sizeof(fd))) {
			rep_refused(rep, "SO_ATTACH_BPF");
			return;
		}
	} else if (!strcmp(c->prog_type, "BPF_PROG_TYPE_XDP")) {
		LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = 1U << 1 /* XDP_FLAGS_SKB_MODE */);

		link = bpf_link_create(fd, 1, BPF_XDP, &opts);
	} else if (at[0]) {
		link = bpf_link_create(fd, 1, c->prog.attach_type, NULL);	/* tcx */
	} else {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = 1, .attach_point = BPF_TC_INGRESS);
		LIBBPF_OPTS(bpf_tc_opts, tc, .prog_fd = fd);
		int e = bpf_tc_hook_create(&hook);

		/*
		 * Without the clsact qdisc (sch_ingress is a module, and a
		 * VM's initramfs has none), tcx: the same tc ingress hook.
		 */
		if (e && e != -EEXIST) {
			link = bpf_link_create(fd, 1, BPF_TCX_INGRESS, NULL);
			if (link < 0) {
				errno = -e;
				rep_cannot(rep, "neither a clsact qdisc nor tcx on lo%s: %s", "");
				return;
			}
			snprintf(rep->msg, sizeof(rep->msg), "no clsact qdisc: tcx ingress instead");
			send_datagrams(rx);
			rep->r = FIRE_DONE;
			return;
		}
		e = bpf_tc_attach(&hook, &tc);
		if (e) {
			errno = -e;
			rep_refused(rep, "tc filter (bpf_tc_attach)");
			return;
		}
		link = 0;	/* goes with the namespace */
	}
	if (link < 0 && strcmp(c->prog_type, "BPF_PROG_TYPE_SOCKET_FILTER")) {
		rep_refused(rep, "BPF_LINK_CREATE on lo");
		return;
	}
	send_datagrams(rx);
	rep->r = FIRE_DONE;
}

enum fire_result fire_packet(const struct conform_case *c, int fd,
			     int *err, char *msg, size_t len)
{
	return in_child(packet_child, c, fd, CHILD_NETNS, err, msg, len);
}

/*
 * A packet socket on lo in PACKET_FANOUT_HASH mode: each packet it sees is
 * hashed (fanout_demux_hash()), which runs the netns's flow dissector.
 */
static int fanout_socket(void)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL) };
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	int mode = (getpid() & 0xffff) | (PACKET_FANOUT_HASH << 16);

	ll.sll_ifindex = (int)if_nametoindex("lo");
	if (s >= 0 && (bind(s, (struct sockaddr *)&ll, sizeof(ll)) ||
		       setsockopt(s, SOL_PACKET, PACKET_FANOUT, &mode, sizeof(mode)))) {
		close(s);
		s = -1;
	}
	return s;
}

/* Flow dissector, sk_lookup: a link on the child's netns, then traffic. */
static void netns_child(const struct conform_case *c, int fd,
			struct child_report *rep)
{
	bool dissector = !strcmp(c->prog_type, "BPF_PROG_TYPE_FLOW_DISSECTOR");
	int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), link, pkt = -1;

	if (ns < 0) {
		rep_cannot(rep, "%s: %s", "/proc/self/ns/net");
		return;
	}
	link = bpf_link_create(fd, ns, c->prog.attach_type, NULL);
	if (link < 0) {
		rep_refused(rep, "BPF_LINK_CREATE on a netns");
		return;
	}
	if (dissector) {
		pkt = fanout_socket();
		if (pkt < 0) {
			rep_cannot(rep, "a packet socket in PACKET_FANOUT_HASH mode on lo%s: %s", "");
			return;
		}
	}
	udp_exchange(AF_INET);
	tcp_exchange(AF_INET);
	rep->r = FIRE_DONE;
}

enum fire_result fire_netns(const struct conform_case *c, int fd, int *err,
			    char *msg, size_t len)
{
	return in_child(netns_child, c, fd, CHILD_NETNS, err, msg, len);
}

/* Two sockets of a type on one loopback port, the program on the group. */
static int reuseport_group(int type, int fd, struct child_report *rep)
{
	struct sockaddr_storage a;
	socklen_t alen = loopback_addr(AF_INET, &a);
	int one = 1, s[2] = { -1, -1 }, ret = -1;

	for (int i = 0; i < 2; i++) {
		s[i] = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s[i] < 0 || setsockopt(s[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
		    bind(s[i], (struct sockaddr *)&a, alen) ||
		    getsockname(s[i], (struct sockaddr *)&a, &alen) ||
		    (type == SOCK_STREAM && listen(s[i], 4))) {
			rep_cannot(rep, "a SO_REUSEPORT group of %s sockets on 127.0.0.1: %s",
				   type == SOCK_STREAM ? "TCP" : "UDP");
			goto out;
		}
	}
	if (setsockopt(s[0], SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, &fd, sizeof(fd))) {
		rep_refused(rep, "SO_ATTACH_REUSEPORT_EBPF");
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		int tx = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		struct pollfd p[2] = { { s[0], POLLIN, 0 }, { s[1], POLLIN, 0 } };
		char buf[8] = "conform";

		if (tx < 0)
			continue;
		if (type == SOCK_DGRAM)
			sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&a, alen);
		else
			connect(tx, (struct sockaddr *)&a, alen);
		/* Delivered, or dropped by the program (SK_DROP): it ran. */
		fire_poll(p, 2, 100);
		close(tx);
	}
	ret = 0;
out:
	for (int i = 0; i < 2; i++)
		if (s[i] >= 0)
			close(s[i]);
	return ret;
}

static void reuseport_child(const struct conform_case *c, int fd,
			    struct child_report *rep)
{
	(void)c;
	if (!reuseport_group(SOCK_DGRAM, fd, rep) && !reuseport_group(SOCK_STREAM, fd, rep))
		rep->r = FIRE_DONE;
}

enum fire_result fire_reuseport(const struct conform_case *c, int fd,
				int *err, char *msg, size_t len)
{
	return in_child(reuseport_child, c, fd, CHILD_NETNS, err, msg, len);
}

/*
 * Netfilter: IPv4 LOCAL_OUT, which every locally sent packet passes. No
 * BPF_F_NETFILTER_IP_DEFRAG: that one needs nf_defrag_ipv4, a module.
 */
static void netfilter_child(const struct conform_case *c, int fd,
			    struct child_report *rep)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int link;

	opts.netfilter.pf = NFPROTO_IPV4;
	opts.netfilter.hooknum = NF_INET_LOCAL_OUT;
	opts.netfilter.priority = 10;
	link = bpf_link_create(fd, 0, c->prog.attach_type, &opts);
	if (link < 0) {
		rep_refused(rep, "BPF_LINK_CREATE (netfilter, IPv4 LOCAL_OUT)");
		return;
	}
	udp_exchange(AF_INET);
	rep->r = FIRE_DONE;
}

enum fire_result fire_netfilter(const struct conform_case *c, int fd,
				int *err, char *msg, size_t len)
{
	return in_child(netfilter_child, c, fd, CHILD_NETNS, err, msg, len);
}
