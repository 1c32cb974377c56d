/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libbpf's messages: printed with -v, and the last warning kept, so that
 * the runner can say in one line why libbpf refused an object.
 */
#ifndef CONFORM_LIBBPF_MSG_H
#define CONFORM_LIBBPF_MSG_H

#include <stdbool.h>

/* Install the print callback; verbose: also print libbpf's warnings. */
void libbpf_msg_init(bool verbose);

/* Forget the last message; libbpf_msg_last() then says "" until a new one. */
void libbpf_msg_reset(void);

/* libbpf's last warning, without its "libbpf: " prefix and newline. */
const char *libbpf_msg_last(void);

#endif /* CONFORM_LIBBPF_MSG_H */
