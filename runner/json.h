/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small, strict JSON reader (RFC 8259) for the runner's own JSON and
 * build/matrix.json. The whole document becomes a tree of json_value.
 *
 * Strict: no comments, no trailing commas, no leading zeros, no raw control
 * characters or invalid UTF-8 in strings, nothing after the value. Escapes,
 * including \uXXXX and surrogate pairs, become UTF-8; "\u0000" is refused,
 * so every string is a C string. Nesting is limited to JSON_MAX_DEPTH, so
 * input from a fuzzer cannot exhaust the stack.
 */
#ifndef CONFORM_JSON_H
#define CONFORM_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	bool boolean;			/* JSON_BOOL */
	double number;			/* JSON_NUMBER */
	char *string;			/* JSON_STRING: UTF-8, NUL-terminated */
	size_t len;			/* JSON_STRING: bytes before the NUL */
	struct json_value *items;	/* JSON_ARRAY, JSON_OBJECT: cnt values */
	char **keys;			/* JSON_OBJECT: the key of each item */
	size_t cnt;
};

/*
 * Parse buf[0..len) (need not be NUL-terminated). Returns 0, or -1 with
 * "line L, column C: what is wrong" in err; *out is then JSON_NULL and
 * needs no json_free().
 */
int json_parse(const char *buf, size_t len, struct json_value *out,
	       char *err, size_t errlen);

void json_free(struct json_value *v);

/* The member KEY of an object (the first, if repeated), or NULL. */
const struct json_value *json_get(const struct json_value *obj,
				  const char *key);

/* The string, or NULL if v is NULL or not a string. */
const char *json_as_string(const struct json_value *v);

/* 0 and *out if v is an integral number within [min, max], else -1. */
int json_as_int(const struct json_value *v, long min, long max, long *out);

const char *json_type_str(enum json_type t);

#endif /* CONFORM_JSON_H */
