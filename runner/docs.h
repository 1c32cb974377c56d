/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A docs.ebpf.io kfunc page (Markdown), reduced to the claims it makes:
 *
 *   # KFunc `NAME`
 *   <!-- [FEATURE_TAG](NAME) -->
 *   [:octicons-tag-24: v6.9](https://github.com/torvalds/linux/commit/HASH)
 *   <!-- [/FEATURE_TAG] -->
 *   <!-- [KFUNC_DEF] -->
 *   `#!c void NAME(...)`
 *   (an optional note: "may sleep", "sleepable programs")
 *   <!-- [/KFUNC_DEF] -->
 *   <!-- [KFUNC_PROG_REF] -->
 *   - [`BPF_PROG_TYPE_XDP`](...) [:octicons-tag-24: v6.12](.../commit/HASH)
 *   <!-- [/KFUNC_PROG_REF] -->
 *
 * The parser reads (buf, len), which need not be NUL-terminated; it has no
 * recursion and checks every length, so any input is safe to feed it.
 */
#ifndef CONFORM_DOCS_H
#define CONFORM_DOCS_H

#include <stdbool.h>
#include <stddef.h>

#define DOCS_MAX_PROG_TYPES 256

/* A version tag: "[:octicons-tag-24: v6.9](URL)". */
struct docs_tag {
	bool present;
	char version[16];	/* "v6.9" as written */
	unsigned int kver;	/* kver(6, 9, 0) */
	char commit[41];	/* hex hash from ".../commit/HASH", or "" */
	int line;
};

struct docs_prog_type {
	char name[64];		/* "BPF_PROG_TYPE_XDP" */
	struct docs_tag tag;	/* the entry's own tag, if it has one */
	int line;
};

struct docs_page {
	char name[128];		/* from "# KFunc `NAME`" */
	int name_line;
	struct docs_tag tag;	/* FEATURE_TAG: when the kfunc appeared */
	char signature[512];	/* "void NAME(...)", without "#!c " */
	int signature_line;
	bool sleepable_note;	/* "may sleep" / "sleepable programs" */
	int sleepable_line;
	struct docs_prog_type *prog_types;
	size_t prog_type_cnt;
	bool has_example;	/* an "Example" heading followed by code */
};

/*
 * Parse a page. Returns 0, or -1 with "line N: what is wrong" in err; the
 * page is then empty and needs no docs_free().
 */
int docs_parse(const char *buf, size_t len, struct docs_page *out, char *err,
	       size_t errlen);

void docs_free(struct docs_page *page);

/* The listed entry for a program type, or NULL. */
const struct docs_prog_type *docs_find_prog_type(const struct docs_page *page,
						 const char *name);

#endif /* CONFORM_DOCS_H */
