/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the run stage's hooks: what hooks.c (the table, tracing hooks),
 * hooks_net.c (packets, network namespaces, netfilter), hooks_sock.c
 * (socket traffic, sockmaps), hooks_cgroup.c (cgroups) and hooks_lwt.c
 * (routes with a BPF encap) share.
 */
#ifndef CONFORM_HOOKS_IMPL_H
#define CONFORM_HOOKS_IMPL_H

#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "hooks.h"

typedef enum fire_result (*fire_fn)(const struct conform_case *c, int fd,
				    int *err, char *msg, size_t len);
/* true, and why in msg, if the hook cannot fire c here (known in advance). */
typedef bool (*unfireable_fn)(const struct conform_case *c, char *msg, size_t len);

/* The kernel refused an attach: errno, and "what: ENAME" in msg. */
enum fire_result refused(int *err, char *msg, size_t len, const char *what);

/* This system cannot fire it: fmt's %s are arg, then strerror(errno). */
enum fire_result cannot(char *msg, size_t len, const char *fmt,
			const char *arg);

/*
 * hooks_net.c: a child process fires the hook and reports back through a
 * pipe. What it attached, and the network namespace it made, go when it
 * exits.
 */
struct child_report {
	enum fire_result r;
	int err;
	char msg[256];
};

typedef void (*child_fn)(const struct conform_case *c, int fd,
			 struct child_report *rep);

#define CHILD_NETNS	1u	/* in a network namespace of its own, lo up */
#define CHILD_OUTLIVE	2u	/* it cleans up: not killed with its parent */
#define CHILD_TIMEOUT	10	/* s; else SIGALRM (not with CHILD_OUTLIVE) */

/* Run fn in a child; its report (r, err, msg) is the result. */
enum fire_result in_child(child_fn fn, const struct conform_case *c, int fd,
			  unsigned int flags, int *err, char *msg, size_t len);

/* In a child: the report says refused / cannot, as refused() / cannot(). */
void rep_refused(struct child_report *rep, const char *what);
void rep_cannot(struct child_report *rep, const char *fmt, const char *arg);

/*
 * hooks_wait.c: the waits of a trigger, which end once the program under
 * test has freed its page (the run stage's watch, hook_watch()), in the
 * runner or in a child of in_child().
 */
bool hook_fired(void);
/* poll(), which also returns 0 once the hook has fired. */
int fire_poll(struct pollfd *p, nfds_t n, int ms);
/*
 * in_child()'s side: an eventfd the runner and the child share, the
 * child's use of it, and the child's report read while the page is
 * watched (which closes fd).
 */
int fired_fd(void);
void fired_fd_child(int fd);
ssize_t fired_read_report(int report_fd, void *buf, size_t len, int fd);

/* hooks_net.c: XDP, tc, tcx and socket filters on lo in a child's netns. */
enum fire_result fire_packet(const struct conform_case *c, int fd, int *err,
			     char *msg, size_t len);
/* A flow dissector or an sk_lookup program on a new netns. */
enum fire_result fire_netns(const struct conform_case *c, int fd, int *err,
			    char *msg, size_t len);
/* An sk_reuseport program on a SO_REUSEPORT group of UDP sockets. */
enum fire_result fire_reuseport(const struct conform_case *c, int fd,
				int *err, char *msg, size_t len);
/* A netfilter program on IPv4 LOCAL_OUT in a new netns. */
enum fire_result fire_netfilter(const struct conform_case *c, int fd,
				int *err, char *msg, size_t len);

/*
 * hooks_sock.c: traffic on loopback, in the calling process (a child in a
 * netns of its own). Each returns 0, or -1 with errno if this system has
 * no such sockets (EAFNOSUPPORT: no IPv6, no AF_PACKET); a call the
 * program refused is not a failure.
 */
socklen_t loopback_addr(int family, struct sockaddr_storage *a);
int udp_exchange(int family);	/* bind, sendto, recvfrom, connect, names */
int tcp_exchange(int family);	/* listen, connect, accept, send, recv */
int unix_exchange(void);	/* the same on abstract AF_UNIX sockets */

/* SK_MSG and SK_SKB programs on a sockmap of a TCP connection. */
enum fire_result fire_sockmap(const struct conform_case *c, int fd, int *err,
			      char *msg, size_t len);

/* hooks_cgroup.c: a program on a new cgroup v2, fired by a child in it. */
enum fire_result fire_cgroup(const struct conform_case *c, int fd, int *err,
			     char *msg, size_t len);

/* hooks_lwt.c: LWT_IN, LWT_OUT, LWT_XMIT, LWT_SEG6LOCAL on a route in a new netns. */
enum fire_result fire_lwt(const struct conform_case *c, int fd, int *err,
			  char *msg, size_t len);

/*
 * hooks_struct_ops.c: tcp_congestion_ops and sched_ext_ops members, in a
 * struct_ops map registered with a link.
 */
enum fire_result fire_struct_ops(const struct conform_case *c, int fd,
				 int *err, char *msg, size_t len);
/* Why fire_struct_ops() would not fire c, in msg, known before anything is made for it. */
bool struct_ops_unfireable(const struct conform_case *c, char *msg, size_t len);

#endif /* CONFORM_HOOKS_IMPL_H */
