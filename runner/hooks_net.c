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
#include <net/if.h>
#include <netinet/in.h>
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

/*
 * Packets: in a child, in a network namespace of its own, with the program
 * on its loopback device or on a socket, send UDP datagrams to itself. The
 * namespace, and what is attached in it, go when the child exits. The child
 * reports back through a pipe.
 */
struct child_report {
	enum fire_result r;
	int err;
	char msg[256];
};

static int lo_up(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

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

	if (unshare(CLONE_NEWNET) || lo_up()) {
		rep->r = cannot(rep->msg, sizeof(rep->msg), "a network namespace%s: %s", "");
		return;
	}
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || bind(rx, (struct sockaddr *)&a, sizeof(a))) {
		rep->r = cannot(rep->msg, sizeof(rep->msg), "a UDP socket%s: %s", "");
		return;
	}
	if (!strcmp(c->prog_type, "BPF_PROG_TYPE_SOCKET_FILTER")) {
		if (setsockopt(rx, SOL_SOCKET, SO_ATTACH_BPF, &fd, sizeof(fd))) {
			rep->r = refused(&rep->err, rep->msg, sizeof(rep->msg), "SO_ATTACH_BPF");
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
				rep->r = cannot(rep->msg, sizeof(rep->msg), "neither a clsact qdisc nor tcx on lo%s: %s", "");
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
			rep->r = refused(&rep->err, rep->msg, sizeof(rep->msg), "tc filter (bpf_tc_attach)");
			return;
		}
		link = 0;	/* goes with the namespace */
	}
	if (link < 0 && strcmp(c->prog_type, "BPF_PROG_TYPE_SOCKET_FILTER")) {
		rep->r = refused(&rep->err, rep->msg, sizeof(rep->msg), "BPF_LINK_CREATE on lo");
		return;
	}
	send_datagrams(rx);
	rep->r = FIRE_DONE;
}

enum fire_result fire_packet(const struct conform_case *c, int fd,
				    int *err, char *msg, size_t len)
{
	struct child_report rep = { .r = FIRE_CANNOT, .msg = "the child died" };
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd))
		return cannot(msg, len, "pipe%s: %s", "");
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		packet_child(c, fd, &rep);
		_exit(write(pipefd[1], &rep, sizeof(rep)) == sizeof(rep) ? 0 : 1);
	}
	close(pipefd[1]);
	if (pid > 0 && read(pipefd[0], &rep, sizeof(rep)) != sizeof(rep))
		rep.r = FIRE_CANNOT;
	close(pipefd[0]);
	if (pid < 0)
		return cannot(msg, len, "fork%s: %s", "");
	waitpid(pid, &status, 0);
	*err = rep.err;
	snprintf(msg, len, "%s", rep.msg);
	return rep.r;
}

