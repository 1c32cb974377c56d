// SPDX-License-Identifier: GPL-2.0
/* A small, strict JSON reader: see json.h. */
#include <math.h>	/* isfinite(), a macro: no libm */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

struct parser {
	const char *buf;
	size_t len;
	size_t pos;
	char *err;
	size_t errlen;
};

/* Report an error at p->pos with its line and column (both from 1). */
static int __attribute__((format(printf, 2, 3)))
fail(struct parser *p, const char *fmt, ...)
{
	size_t line = 1, col = 1, n;
	va_list ap;
	int off;

	for (size_t i = 0; i < p->pos && i < p->len; i++) {
		if (p->buf[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	off = snprintf(p->err, p->errlen, "line %zu, column %zu: ", line, col);
	n = off < 0 ? 0 : (size_t)off;
	if (n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->buf[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static bool at_end(const struct parser *p)
{
	return p->pos >= p->len;
}

/* What is at pos, for messages: "'x'" or "end of input". */
static const char *here(const struct parser *p, char buf[16])
{
	unsigned char c;

	if (at_end(p))
		return "end of input";
	c = (unsigned char)p->buf[p->pos];
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

/* A growing byte buffer for a string's decoded text. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sbuf_add_utf8(struct sbuf *b, uint32_t cp)
{
	char out[4];
	size_t n;

	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sbuf_add(b, out, n);
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t want;
	uint32_t cp, min;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		want = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		want = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		want = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < want)
		return 0;
	for (size_t i = 1; i < want; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return want;
}

/* Four hex digits at pos. */
static int hex4(struct parser *p, uint32_t *out)
{
	uint32_t v = 0;

	if (p->len - p->pos < 4)
		return fail(p, "\\u needs four hex digits");
	for (int i = 0; i < 4; i++) {
		char c = p->buf[p->pos + (size_t)i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return fail(p, "\\u needs four hex digits");
	}
	p->pos += 4;
	*out = v;
	return 0;
}

/* \uXXXX (pos is past the 'u'), with a following low surrogate if needed. */
static int parse_unicode_escape(struct parser *p, struct sbuf *b)
{
	uint32_t cp, lo;

	if (hex4(p, &cp))
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(p, "lone low surrogate \\u%04x", (unsigned int)cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->len - p->pos < 2 || p->buf[p->pos] != '\\' ||
		    p->buf[p->pos + 1] != 'u')
			return fail(p, "high surrogate \\u%04x without a low one",
				    (unsigned int)cp);
		p->pos += 2;
		if (hex4(p, &lo))
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(p, "high surrogate \\u%04x without a low one",
				    (unsigned int)cp);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail(p, "\\u0000 is not supported");
	sbuf_add_utf8(b, cp);
	return 0;
}

/* A string; pos is at the opening quote. */
static int parse_string(struct parser *p, char **out, size_t *outlen)
{
	struct sbuf b = { 0 };

	p->pos++;
	sbuf_add(&b, "", 0);
	for (;;) {
		unsigned char c;
		size_t n;

		if (at_end(p)) {
			free(b.s);
			return fail(p, "unterminated string");
		}
		c = (unsigned char)p->buf[p->pos];
		if (c == '"') {
			p->pos++;
			break;
		}
		if (c < 0x20) {
			free(b.s);
			return fail(p, "control character 0x%02x in a string", c);
		}
		if (c != '\\') {
			n = utf8_len((const unsigned char *)p->buf + p->pos,
				     p->len - p->pos);
			if (!n) {
				free(b.s);
				return fail(p, "invalid UTF-8 in a string");
			}
			sbuf_add(&b, p->buf + p->pos, n);
			p->pos += n;
			continue;
		}
		p->pos++;
		if (at_end(p)) {
			free(b.s);
			return fail(p, "unterminated string");
		}
		c = (unsigned char)p->buf[p->pos++];
		switch (c) {
		case '"': sbuf_add(&b, "\"", 1); break;
		case '\\': sbuf_add(&b, "\\", 1); break;
		case '/': sbuf_add(&b, "/", 1); break;
		case 'b': sbuf_add(&b, "\b", 1); break;
		case 'f': sbuf_add(&b, "\f", 1); break;
		case 'n': sbuf_add(&b, "\n", 1); break;
		case 'r': sbuf_add(&b, "\r", 1); break;
		case 't': sbuf_add(&b, "\t", 1); break;
		case 'u':
			if (parse_unicode_escape(p, &b)) {
				free(b.s);
				return -1;
			}
			break;
		default:
			p->pos--;
			free(b.s);
			return fail(p, "invalid escape '\\%c'", c >= 0x20 && c < 0x7f ? c : '?');
		}
	}
	*out = b.s;
	*outlen = b.len;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct parser *p, double *out)
{
	size_t start = p->pos;
	char tmp[64], *end;

	if (p->buf[p->pos] == '-')
		p->pos++;
	if (at_end(p) || !is_digit(p->buf[p->pos]))
		return fail(p, "a number needs digits");
	if (p->buf[p->pos] == '0') {
		p->pos++;
		if (!at_end(p) && is_digit(p->buf[p->pos]))
			return fail(p, "leading zero in a number");
	} else {
		while (!at_end(p) && is_digit(p->buf[p->pos]))
			p->pos++;
	}
	if (!at_end(p) && p->buf[p->pos] == '.') {
		p->pos++;
		if (at_end(p) || !is_digit(p->buf[p->pos]))
			return fail(p, "a fraction needs digits");
		while (!at_end(p) && is_digit(p->buf[p->pos]))
			p->pos++;
	}
	if (!at_end(p) && (p->buf[p->pos] == 'e' || p->buf[p->pos] == 'E')) {
		p->pos++;
		if (!at_end(p) && (p->buf[p->pos] == '+' || p->buf[p->pos] == '-'))
			p->pos++;
		if (at_end(p) || !is_digit(p->buf[p->pos]))
			return fail(p, "an exponent needs digits");
		while (!at_end(p) && is_digit(p->buf[p->pos]))
			p->pos++;
	}
	if (p->pos - start >= sizeof(tmp)) {
		p->pos = start;
		return fail(p, "number longer than %zu characters", sizeof(tmp) - 1);
	}
	memcpy(tmp, p->buf + start, p->pos - start);
	tmp[p->pos - start] = '\0';
	*out = strtod(tmp, &end);
	if (*end || !isfinite(*out)) {
		p->pos = start;
		return fail(p, "number out of range");
	}
	return 0;
}

static int parse_literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->buf + p->pos, word, n))
		return -1;
	p->pos += n;
	return 0;
}

static int parse_value(struct parser *p, struct json_value *v, int depth);

/* Append a zeroed item to an array or object; returns it. */
static struct json_value *add_item(struct json_value *v, size_t *cap)
{
	if (v->cnt == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		v->items = xrealloc(v->items, *cap * sizeof(*v->items));
		if (v->type == JSON_OBJECT)
			v->keys = xrealloc(v->keys, *cap * sizeof(*v->keys));
	}
	memset(&v->items[v->cnt], 0, sizeof(v->items[v->cnt]));
	if (v->type == JSON_OBJECT)
		v->keys[v->cnt] = NULL;
	return &v->items[v->cnt++];
}

/* An array or object; pos is at '[' or '{'. v->type is already set. */
static int parse_container(struct parser *p, struct json_value *v, int depth)
{
	bool object = v->type == JSON_OBJECT;
	char close = object ? '}' : ']', h[16];
	size_t cap = 0;

	if (depth >= JSON_MAX_DEPTH)
		return fail(p, "nested deeper than %d", JSON_MAX_DEPTH);
	p->pos++;
	skip_ws(p);
	if (!at_end(p) && p->buf[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		struct json_value *item;
		char *key = NULL;
		size_t keylen;

		skip_ws(p);
		if (object) {
			if (at_end(p) || p->buf[p->pos] != '"')
				return fail(p, "expected a member name, got %s",
					    here(p, h));
			if (parse_string(p, &key, &keylen))
				return -1;
			skip_ws(p);
			if (at_end(p) || p->buf[p->pos] != ':') {
				free(key);
				return fail(p, "expected ':', got %s", here(p, h));
			}
			p->pos++;
		}
		item = add_item(v, &cap);
		if (object)
			v->keys[v->cnt - 1] = key;
		if (parse_value(p, item, depth + 1))
			return -1;
		skip_ws(p);
		if (at_end(p))
			return fail(p, "unterminated %s", object ? "object" : "array");
		if (p->buf[p->pos] == close) {
			p->pos++;
			return 0;
		}
		if (p->buf[p->pos] != ',')
			return fail(p, "expected ',' or '%c', got %s", close,
				    here(p, h));
		p->pos++;
	}
}

static int parse_value(struct parser *p, struct json_value *v, int depth)
{
	char h[16];

	skip_ws(p);
	if (at_end(p))
		return fail(p, "expected a value, got end of input");
	switch (p->buf[p->pos]) {
	case '{':
		v->type = JSON_OBJECT;
		return parse_container(p, v, depth);
	case '[':
		v->type = JSON_ARRAY;
		return parse_container(p, v, depth);
	case '"':
		if (parse_string(p, &v->string, &v->len))
			return -1;
		v->type = JSON_STRING;
		return 0;
	case 't':
	case 'f':
	case 'n':
		if (!parse_literal(p, "true")) {
			v->type = JSON_BOOL;
			v->boolean = true;
			return 0;
		}
		if (!parse_literal(p, "false")) {
			v->type = JSON_BOOL;
			return 0;
		}
		if (!parse_literal(p, "null"))
			return 0;
		return fail(p, "expected a value, got %s", here(p, h));
	default:
		if (p->buf[p->pos] == '-' || is_digit(p->buf[p->pos])) {
			v->type = JSON_NUMBER;
			return parse_number(p, &v->number);
		}
		return fail(p, "expected a value, got %s", here(p, h));
	}
}

int json_parse(const char *buf, size_t len, struct json_value *out,
	       char *err, size_t errlen)
{
	struct parser p = { buf, len, 0, err, errlen };
	char h[16];

	memset(out, 0, sizeof(*out));
	if (len && !buf)
		return fail(&p, "no input");
	if (parse_value(&p, out, 0))
		goto bad;
	skip_ws(&p);
	if (!at_end(&p)) {
		fail(&p, "unexpected %s after the value", here(&p, h));
		goto bad;
	}
	return 0;
bad:
	json_free(out);
	return -1;
}

/* Recursive, but a parsed tree is at most JSON_MAX_DEPTH deep. */
void json_free(struct json_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->cnt; i++) {
		json_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	memset(v, 0, sizeof(*v));
}

const struct json_value *json_get(const struct json_value *obj,
				  const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->cnt; i++)
		if (obj->keys[i] && !strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const char *json_as_string(const struct json_value *v)
{
	return v && v->type == JSON_STRING ? v->string : NULL;
}

int json_as_int(const struct json_value *v, long min, long max, long *out)
{
	/* Within +-2^53 every integer is exact, and the cast is defined. */
	if (!v || v->type != JSON_NUMBER || v->number < -9007199254740992.0 ||
	    v->number > 9007199254740992.0 ||
	    (double)(long long)v->number != v->number)
		return -1;
	if ((long long)v->number < min || (long long)v->number > max)
		return -1;
	*out = (long)v->number;
	return 0;
}

const char *json_type_str(enum json_type t)
{
	switch (t) {
	case JSON_NULL: return "null";
	case JSON_BOOL: return "a boolean";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}
