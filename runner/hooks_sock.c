// SPDX-License-Identifier: GPL-2.0
/*
 * The run stage's socket traffic: what a child in a network namespace of
 * its own does on loopback to make the socket hooks run (cgroup socket
 * hooks, sk_lookup, netfilter, ...), and the sockmap hooks (SK_MSG,
 * SK_SKB) on a TCP connection of such a child.
 *
 * Every call may be refused by the program under test (a cgroup program
 * that returns 0 denies the call): that is not a failure, the hook ran.
 * Nothing blocks for long: connections are non-blocking, waits are
 * bounded.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hooks_impl.h"

#define WAIT_MS 100

socklen_t loopback_addr(int family, struct sockaddr_storage *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)a;

		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
		return sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)a;

		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*a4);
	}
}

static void wait_in(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	fire_poll(&p, 1, WAIT_MS);
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* EAFNOSUPPORT and the like: the system has no such sockets. */
static bool no_family(int e)
{
	return e == EAFNOSUPPORT || e == EPROTONOSUPPORT || e == ESOCKTNOSUPPORT;
}

/*
 * UDP: a socket made and bound (sock_create, bind, post_bind), a datagram
 * sent unconnected (sendmsg, egress) and received with its sender's
 * address (ingress, recvmsg), a connect and the names (connect,
 * getpeername, getsockname), then both closed (sock_release).
 */
int udp_exchange(int family)
{
	struct sockaddr_storage a, from;
	socklen_t alen = loopback_addr(family, &a), flen;
	int s[2] = { -1, -1 };
	char buf[8] = "conform";

	s[0] = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s[0] < 0 && no_family(errno))
		return -1;
	s[1] = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s[0] >= 0 && !bind(s[0], (struct sockaddr *)&a, alen))
		getsockname(s[0], (struct sockaddr *)&a, &alen);
	for (int i = 0; i < 2 && s[1] >= 0; i++)
		sendto(s[1], buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&a, alen);
	if (s[0] >= 0) {
		wait_in(s[0]);
		flen = sizeof(from);
		recvfrom(s[0], buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
	}
	if (s[1] >= 0 && !connect(s[1], (struct sockaddr *)&a, alen)) {
		send(s[1], buf, sizeof(buf), MSG_DONTWAIT);
		flen = sizeof(from);
		getpeername(s[1], (struct sockaddr *)&from, &flen);
		flen = sizeof(from);
		getsockname(s[1], (struct sockaddr *)&from, &flen);
	}
	close_all(s, 2);
	return 0;
}

/*
 * A TCP connection on loopback: fds[0] the connecting end, fds[1] the
 * accepted one (-1 if the connection was refused, by a program or not),
 * fds[2] the listener. Returns -1 if the system has no such sockets.
 */
static int tcp_connection(int family, int fds[3])
{
	struct sockaddr_storage a;
	socklen_t alen = loopback_addr(family, &a);
	struct pollfd p;

	fds[0] = fds[1] = -1;
	fds[2] = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fds[2] < 0)
		return no_family(errno) ? -1 : 0;
	if (bind(fds[2], (struct sockaddr *)&a, alen) || listen(fds[2], 4) ||
	    getsockname(fds[2], (struct sockaddr *)&a, &alen))
		return 0;
	fds[0] = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fds[0] < 0)
		return 0;
	if (connect(fds[0], (struct sockaddr *)&a, alen) && errno != EINPROGRESS)
		return 0;
	p = (struct pollfd){ fds[0], POLLOUT, 0 };
	fire_poll(&p, 1, WAIT_MS);
	wait_in(fds[2]);
	fds[1] = accept4(fds[2], NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	return 0;
}

/* A TCP connection (sock_ops, connect, sk_lookup), data both ways. */
int tcp_exchange(int family)
{
	struct sockaddr_storage n;
	socklen_t nlen = sizeof(n);
	int fds[3];
	char buf[8] = "conform";

	if (tcp_connection(family, fds)) {
		close_all(fds, 3);
		return -1;
	}
	if (fds[1] >= 0) {
		send(fds[0], buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		wait_in(fds[1]);
		recv(fds[1], buf, sizeof(buf), MSG_DONTWAIT);
		send(fds[1], buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		wait_in(fds[0]);
		recv(fds[0], buf, sizeof(buf), MSG_DONTWAIT);
	}
	if (fds[0] >= 0) {
		getpeername(fds[0], (struct sockaddr *)&n, &nlen);
		nlen = sizeof(n);
		getsockname(fds[0], (struct sockaddr *)&n, &nlen);
	}
	close_all(fds, 3);
	return 0;
}

/* An abstract AF_UNIX address, of this process: "\0conform.PID.name". */
static socklen_t unix_addr(struct sockaddr_un *u, const char *name)
{
	int n;

	memset(u, 0, sizeof(*u));
	u->sun_family = AF_UNIX;
	n = snprintf(u->sun_path + 1, sizeof(u->sun_path) - 1, "conform.%d.%s",
		     (int)getpid(), name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/*
 * AF_UNIX: datagrams between two bound sockets (sendmsg with an address,
 * recvmsg asking for it, getsockname), a stream connection (connect,
 * getpeername).
 */
int unix_exchange(void)
{
	struct sockaddr_un rx, tx, l, n;
	socklen_t rxlen = unix_addr(&rx, "rx"), txlen = unix_addr(&tx, "tx");
	socklen_t llen = unix_addr(&l, "l"), nlen;
	int s[5] = { -1, -1, -1, -1, -1 };
	char buf[8] = "conform";

	s[0] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s[0] < 0 && no_family(errno))
		return -1;
	s[1] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s[0] >= 0 && s[1] >= 0 && !bind(s[0], (struct sockaddr *)&rx, rxlen) &&
	    !bind(s[1], (struct sockaddr *)&tx, txlen)) {
		sendto(s[1], buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&rx, rxlen);
		nlen = sizeof(n);
		recvfrom(s[0], buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&n, &nlen);
		/* Of a bound socket: unix_getname() runs the hook on an address. */
		nlen = sizeof(n);
		getsockname(s[0], (struct sockaddr *)&n, &nlen);
	}
	s[2] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	s[3] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s[2] >= 0 && s[3] >= 0 && !bind(s[2], (struct sockaddr *)&l, llen) &&
	    !listen(s[2], 4) && !connect(s[3], (struct sockaddr *)&l, llen)) {
		s[4] = accept4(s[2], NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		nlen = sizeof(n);
		getpeername(s[3], (struct sockaddr *)&n, &nlen);
	}
	close_all(s, 5);
	return 0;
}

/*
 * A stream parser runs only with a stream verdict program beside it
 * (sock_map_link() starts the strparser when both are there): this one
 * passes every message. Not a case, a trigger.
 */
static int pass_verdict(void)
{
	static const struct bpf_insn pass[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 /* SK_PASS */ },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_SK_SKB_STREAM_VERDICT);

	return bpf_prog_load(BPF_PROG_TYPE_SK_SKB, "conform_trigger", "GPL", pass, 2, &o);
}

/*
 * Sockmap: the program attached to a sockmap (BPF_PROG_ATTACH, which every
 * kernel of the suite has; sockmap links are v6.10), both ends of a TCP
 * connection added, data sent: an SK_MSG verdict runs on the sender's
 * sendmsg(), an SK_SKB program on the receiver's data. The map, and with
 * it the attachment, goes when the child exits.
 */
static void sockmap_child(const struct conform_case *c, int fd,
			  struct child_report *rep)
{
	bool parser = !strcmp(c->prog.tags->attach_type, "BPF_SK_SKB_STREAM_PARSER");
	int fds[3], map, trigger = -1;
	char buf[8] = "conform";

	map = bpf_map_create(BPF_MAP_TYPE_SOCKMAP, "conform_sockmap", 4, 4, 2, NULL);
	if (map < 0) {
		rep_cannot(rep, "a sockmap%s: %s", "");
		return;
	}
	if (bpf_prog_attach(fd, map, c->prog.attach_type, 0)) {
		rep_refused(rep, "BPF_PROG_ATTACH to a sockmap");
		return;
	}
	if (parser) {
		trigger = pass_verdict();
		if (trigger < 0 || bpf_prog_attach(trigger, map, BPF_SK_SKB_STREAM_VERDICT, 0)) {
			rep_cannot(rep, "a stream verdict program beside the parser%s: %s", "");
			return;
		}
	}
	if (tcp_connection(AF_INET, fds) || fds[1] < 0) {
		rep_cannot(rep, "a TCP connection on 127.0.0.1%s: %s", "");
		return;
	}
	/* Key 0 the accepted (receiving) end, key 1 the connecting one. */
	for (__u32 k = 0; k < 2; k++) {
		__u32 v = (__u32)fds[1 - k];

		if (bpf_map_update_elem(map, &k, &v, BPF_ANY)) {
			rep_refused(rep, "BPF_MAP_UPDATE_ELEM of a TCP socket into the sockmap");
			return;
		}
	}
	for (int i = 0; i < 2; i++) {
		send(fds[0], buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		wait_in(fds[1]);
		recv(fds[1], buf, sizeof(buf), MSG_DONTWAIT);
	}
	rep->r = FIRE_DONE;
}

enum fire_result fire_sockmap(const struct conform_case *c, int fd, int *err,
			      char *msg, size_t len)
{
	return in_child(sockmap_child, c, fd, CHILD_NETNS, err, msg, len);
}
