/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the run stage's hooks: what hooks.c (the table, tracing hooks)
 * and hooks_net.c (packets, sockets, network namespaces) share.
 */
#ifndef CONFORM_HOOKS_IMPL_H
#define CONFORM_HOOKS_IMPL_H

#include "hooks.h"

typedef enum fire_result (*fire_fn)(const struct conform_case *c, int fd,
				    int *err, char *msg, size_t len);

/* The kernel refused an attach: errno, and "what: ENAME" in msg. */
enum fire_result refused(int *err, char *msg, size_t len, const char *what);

/* This system cannot fire it: fmt's %s are arg, then strerror(errno). */
enum fire_result cannot(char *msg, size_t len, const char *fmt,
			const char *arg);

/* hooks_net.c: XDP, tc, tcx and socket filters on lo in a child's netns. */
enum fire_result fire_packet(const struct conform_case *c, int fd, int *err,
			     char *msg, size_t len);

/*
 * hooks_struct_ops.c: tcp_congestion_ops and sched_ext_ops members, in a
 * struct_ops map registered with a link.
 */
enum fire_result fire_struct_ops(const struct conform_case *c, int fd,
				 int *err, char *msg, size_t len);

#endif /* CONFORM_HOOKS_IMPL_H */
