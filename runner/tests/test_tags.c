// SPDX-License-Identifier: GPL-2.0
/*
 * tags.c: the runner reads its conform:* decl tags from an object's BTF,
 * then tags_strip() turns each into a copy of "int" in the raw bytes, with
 * every type id kept. The Makefile builds copies of tags.c that strip
 * nothing or strip every decl tag (TAGS_MUTANTS); scripts/test.sh checks
 * that this test fails on each.
 */
#include <bpf/btf.h>
#include <stdlib.h>

#include "tags.h"
#include "unit.h"

/*
 * An object's BTF: int, a program's prototype and function, three of the
 * runner's tags on it, and one tag of the kernel's ("arg:ctx" on its
 * argument), which must stay.
 */
static void *object_btf(__u32 *len)
{
	struct btf *b = btf__new_empty();
	int int_id = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int ptr_id = btf__add_ptr(b, 0);
	int proto_id = btf__add_func_proto(b, int_id);
	int func_id;
	const void *raw;
	void *copy;

	btf__add_func_param(b, "ctx", ptr_id);
	func_id = btf__add_func(b, "conform_case_x", BTF_FUNC_GLOBAL, proto_id);
	btf__add_decl_tag(b, "conform:case=x", func_id, -1);
	btf__add_decl_tag(b, "conform:prog_type=BPF_PROG_TYPE_XDP", func_id, -1);
	btf__add_decl_tag(b, "arg:ctx", func_id, 0);
	btf__add_decl_tag(b, "conform:target=", func_id, -1);
	raw = btf__raw_data(b, len);
	copy = malloc(*len);
	memcpy(copy, raw, *len);
	btf__free(b);
	return copy;
}

static int count_kind(const struct btf *b, int kind, const char *prefix)
{
	int n = 0;

	for (__u32 id = 1; id < btf__type_cnt(b); id++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		if (btf_kind(t) == kind &&
		    !strncmp(btf__name_by_offset(b, t->name_off), prefix, strlen(prefix)))
			n++;
	}
	return n;
}

static void test_strip(void)
{
	__u32 len;
	void *raw = object_btf(&len);
	struct btf *before = btf__new(raw, len), *after;
	struct tag_table t;
	char err[256] = "";
	const struct prog_tags *p;

	tags_init(&t);
	CHECK(!tags_read(before, &t, err, sizeof(err)), "tags_read: %s", err);
	tags_done(&t);
	p = tags_prog(&t, "conform_case_x");
	CHECK(p && p->case_name && !strcmp(p->case_name, "x"), "case=x read");
	CHECK(p && p->prog_type && !strcmp(p->prog_type, "BPF_PROG_TYPE_XDP"),
	      "prog_type read");

	CHECK(tags_strip(before, raw, len) == 3, "three tags stripped");
	after = btf__new(raw, len);
	CHECK(after != NULL, "the stripped BTF parses");
	if (!after)
		goto out;
	CHECK(btf__type_cnt(after) == btf__type_cnt(before),
	      "type ids kept: %u types, was %u", btf__type_cnt(after),
	      btf__type_cnt(before));
	CHECK(count_kind(after, BTF_KIND_DECL_TAG, "conform:") == 0,
	      "no conform:* tag left");
	CHECK(count_kind(after, BTF_KIND_DECL_TAG, "arg:") == 1,
	      "the kernel's arg: tag left alone");
	CHECK(count_kind(after, BTF_KIND_INT, "int") == 4,
	      "each tag is now an int");
	CHECK(btf__find_by_name_kind(after, "conform_case_x", BTF_KIND_FUNC) ==
	      btf__find_by_name_kind(before, "conform_case_x", BTF_KIND_FUNC),
	      "the function keeps its id");
	btf__free(after);
out:
	btf__free(before);
	tags_free(&t);
	free(raw);
}

/* Bytes that are not the ones the BTF was parsed from: no edit. */
static void test_other_bytes(void)
{
	__u32 len;
	void *raw = object_btf(&len), *other = object_btf(&len);
	struct btf *b = btf__new(raw, len);

	memset(other, 0, len);
	CHECK(tags_strip(b, other, len) == 0, "nothing stripped in other bytes");
	btf__free(b);
	free(raw);
	free(other);
}

int main(void)
{
	test_strip();
	test_other_bytes();
	return unit_done("test_tags");
}
