// SPDX-License-Identifier: GPL-2.0
/*
 * The audit's evidence: the runner's JSON and build/matrix.json, read into
 * struct audit_kernel with jansson, and the docs page itself. See audit.h.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "util.h"
#include "version.h"

#define PAGE_MAX	(4u << 20)
#define JSON_MAX	(256u << 20)

/* Prefix err with "what: ". */
static void err_prefix(char *err, size_t errlen, const char *what)
{
	char *old = xstrdup(err);

	snprintf(err, errlen, "%s: %s", what, old);
	free(old);
}

int audit_read_file(const char *path, size_t max, char **buf, size_t *len,
		    char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *b;

	if (!f)
		return set_err(err, errlen, "%s: %s", path, strerror(errno));
	b = xmalloc(cap);
	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			cap *= 2;
			b = xrealloc(b, cap);
		}
		got = fread(b + n, 1, cap - n - 1, f);
		n += got;
		if (n > max) {
			fclose(f);
			free(b);
			return set_err(err, errlen, "%s: larger than %zu bytes", path, max);
		}
		if (!got)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(b);
		return set_err(err, errlen, "%s: read error", path);
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int audit_load_page(const char *path, struct docs_page *page, char *err,
		    size_t errlen)
{
	char *buf;
	size_t len;
	int ret;

	memset(page, 0, sizeof(*page));
	if (audit_read_file(path, PAGE_MAX, &buf, &len, err, errlen))
		return -1;
	ret = docs_parse(buf, len, page, err, errlen);
	if (ret)
		err_prefix(err, errlen, path);
	free(buf);
	return ret;
}

/* The runner's words for what it observed, in enum audit_observed order. */
static const char *const observed_names[] = {
	[AUDIT_ACCEPT] = "accept",
	[AUDIT_REJECT] = "reject",
	[AUDIT_ABSENT] = "absent",
	[AUDIT_SKIP] = "skip",
	[AUDIT_ERROR] = "error",
};

static void result_free(struct audit_result *r)
{
	free(r->name);
	free(r->prog_type);
	free(r->attach);
	free(r->message);
	free(r->status);
	free(r->reason);
	free(r->call);
	free(r->license);
	free(r->run);
	free(r->run_message);
	free(r->run_hook);
}

static void kernel_free(struct audit_kernel *k)
{
	for (size_t i = 0; i < k->cnt; i++)
		result_free(&k->results[i]);
	free(k->results);
	free(k->source);
	free(k->release);
	free(k->version_str);
	free(k->note);
	free(k->prototype);
	memset(k, 0, sizeof(*k));
}

void audit_evidence_free(struct audit_evidence *ev)
{
	for (size_t i = 0; i < ev->cnt; i++)
		kernel_free(&ev->kernels[i]);
	free(ev->kernels);
	ev->kernels = NULL;
	ev->cnt = 0;
}

/* What a JSON value is, for messages: "a number". */
static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/*
 * 0 and *out if v is an integral number within [min, max], else -1. An
 * integral real (4.0) counts, as it did for the runner's own reader.
 */
static int as_int(const json_t *v, long min, long max, long *out)
{
	double d;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < min || i > max)
			return -1;
		*out = (long)i;
		return 0;
	}
	if (!json_is_real(v))
		return -1;
	d = json_real_value(v);
	if (!(d >= (double)min && d <= (double)max) || (double)(long)d != d)
		return -1;
	*out = (long)d;
	return 0;
}

/*
 * The string member KEY of obj: "" if it is missing or null and optional.
 * NULL (with err set) if it has another type or is required and missing.
 */
static const char *member_str(const json_t *obj, const char *key,
			      bool required, const char *where, char *err,
			      size_t errlen)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (!required && (!v || json_is_null(v)))
		return "";
	set_err(err, errlen, "%s: \"%s\" must be a string%s", where, key,
		v ? "" : " (it is missing)");
	return NULL;
}

/*
 * A member that an older runner did not write: *out is its string, or NULL
 * if it is missing or null. -1 (with err set) if it has another type.
 */
static int member_new(const json_t *obj, const char *key, const char *where,
		      const char **out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, key);

	*out = json_string_value(v);
	if (v && !json_is_string(v) && !json_is_null(v))
		return set_err(err, errlen, "%s: \"%s\" must be a string or null",
			       where, key);
	return 0;
}

/* The "run" member: null or missing (no run stage), or an object. */
static int run_from_json(struct audit_result *r, const json_t *run,
			 const char *where, char *err, size_t errlen)
{
	const char *obs = "", *msg = "", *hook = "";
	char at[160];

	if (run && !json_is_null(run)) {
		snprintf(at, sizeof(at), "%s.run", where);
		if (!json_is_object(run))
			return set_err(err, errlen, "%s: must be an object or null", at);
		if (!(obs = member_str(run, "observed", true, at, err, errlen)) ||
		    !(msg = member_str(run, "message", false, at, err, errlen)) ||
		    !(hook = member_str(run, "hook", false, at, err, errlen)))
			return -1;
	}
	r->run = xstrdup(obs);
	r->run_message = xstrdup(msg);
	r->run_hook = xstrdup(hook);
	return 0;
}

/* *known is cleared if the case does not say its call and license. */
static int result_from_json(struct audit_result *r, const json_t *c,
			    const char *where, bool *known, char *err,
			    size_t errlen)
{
	const char *name, *ptype, *attach, *obs, *msg, *status, *reason;
	const char *call, *license;
	const json_t *sl = json_object_get(c, "sleepable");
	const json_t *en = json_object_get(c, "errno");
	long e = 0;
	int o;

	if (!json_is_object(c))
		return set_err(err, errlen, "%s: must be an object, not %s",
			       where, type_name(c));
	if (!(name = member_str(c, "name", true, where, err, errlen)) ||
	    !(ptype = member_str(c, "prog_type", true, where, err, errlen)) ||
	    !(obs = member_str(c, "observed", true, where, err, errlen)) ||
	    !(attach = member_str(c, "attach", false, where, err, errlen)) ||
	    !(msg = member_str(c, "message", false, where, err, errlen)) ||
	    !(status = member_str(c, "status", false, where, err, errlen)) ||
	    !(reason = member_str(c, "reason", false, where, err, errlen)) ||
	    member_new(c, "call", where, &call, err, errlen) ||
	    member_new(c, "license", where, &license, err, errlen))
		return -1;
	if (!name[0] || !ptype[0])
		return set_err(err, errlen, "%s: \"name\" and \"prog_type\" must not be empty",
			       where);
	if (!json_is_boolean(sl))
		return set_err(err, errlen, "%s: \"sleepable\" must be true or false",
			       where);
	for (o = 0; o <= AUDIT_ERROR; o++)
		if (!strcmp(obs, observed_names[o]))
			break;
	if (o > AUDIT_ERROR)
		return set_err(err, errlen, "%s: \"observed\" must be accept, reject, absent, skip or error",
			       where);
	if (en && !json_is_null(en) && as_int(en, 0, 4095, &e))
		return set_err(err, errlen, "%s: \"errno\" must be a number from 0 to 4095",
			       where);
	r->name = xstrdup(name);
	r->prog_type = xstrdup(ptype);
	r->attach = xstrdup(attach);
	r->sleepable = json_is_true(sl);
	r->observed = (enum audit_observed)o;
	r->err = (int)e;
	r->message = xstrdup(msg);
	r->status = xstrdup(status);
	r->reason = xstrdup(reason);
	r->call = xstrdup(call ? call : "");
	r->license = xstrdup(license ? license : "");
	if (!call || !license)
		*known = false;
	return run_from_json(r, json_object_get(c, "run"), where, err, errlen);
}

/* Fill k from one runner document; where is its path ("" at the top). */
static int kernel_from_runner(struct audit_kernel *k, const json_t *doc,
			      const char *source, const char *where, char *err,
			      size_t errlen)
{
	const char *top = where[0] ? where : "the runner's JSON";
	const json_t *cases = json_object_get(doc, "cases");
	const json_t *proto = json_object_get(doc, "kfunc_prototype");
	const char *release, *vstr, *pstr;
	char path[128], v[16];
	size_t cnt;

	memset(k, 0, sizeof(*k));
	if (!json_is_object(doc))
		return set_err(err, errlen, "%s: must be an object, not %s", top,
			       type_name(doc));
	if (!(release = member_str(doc, "kernel", true, top, err, errlen)) ||
	    !(vstr = member_str(doc, "kernel_version", false, top, err, errlen)) ||
	    member_new(doc, "kfunc_prototype", top, &pstr, err, errlen))
		return -1;
	if (kver_parse(vstr, &k->version) &&
	    kver_parse_release(release, &k->version))
		return set_err(err, errlen, "%s: no kernel version in \"kernel_version\" or \"kernel\"",
			       top);
	if (!json_is_array(cases))
		return set_err(err, errlen, "%s: \"cases\" must be an array", top);
	cnt = json_array_size(cases);
	kver_format(k->version, v, sizeof(v));
	k->source = xstrdup(source);
	k->release = xstrdup(release);
	k->version_str = xstrdup(v);
	k->note = xstrdup("");
	k->has_result = true;
	/* Missing: an older runner; null: vmlinux BTF has no such kfunc. */
	k->proto_recorded = proto != NULL;
	k->prototype = pstr ? xstrdup(pstr) : NULL;
	k->plain_known = true;
	k->results = xcalloc(cnt, sizeof(*k->results));
	for (size_t i = 0; i < cnt; i++) {
		snprintf(path, sizeof(path), "%s%scases[%zu]", where,
			 where[0] ? "." : "", i);
		if (result_from_json(&k->results[i], json_array_get(cases, i),
				     path, &k->plain_known, err, errlen)) {
			/* The half-filled result too: its strings or NULL. */
			k->cnt++;
			kernel_free(k);
			return -1;
		}
		k->cnt++;
	}
	return 0;
}

static void append_kernels(struct audit_evidence *ev, struct audit_kernel *k,
			   size_t n)
{
	ev->kernels = xrealloc(ev->kernels, (ev->cnt + n) * sizeof(*k));
	memcpy(ev->kernels + ev->cnt, k, n * sizeof(*k));
	ev->cnt += n;
}

/* The kernel of one runner document. */
static int add_runner(struct audit_evidence *ev, const json_t *doc,
		      const char *source, char *err, size_t errlen)
{
	struct audit_kernel k;

	if (kernel_from_runner(&k, doc, source, "", err, errlen))
		return -1;
	append_kernels(ev, &k, 1);
	return 0;
}

/* Every kernel of a matrix.json document, as "SOURCE LABEL". */
static int add_matrix(struct audit_evidence *ev, const json_t *doc,
		      const char *source, char *err, size_t errlen)
{
	const json_t *list = json_object_get(doc, "kernels");
	struct audit_kernel *ks;
	size_t n = 0, cnt;

	if (!json_is_array(list))
		return set_err(err, errlen, "matrix: \"kernels\" must be an array");
	cnt = json_array_size(list);
	ks = xcalloc(cnt, sizeof(*ks));
	for (; n < cnt; n++) {
		const json_t *e = json_array_get(list, n);
		const json_t *res = json_object_get(e, "result");
		const json_t *ex = json_object_get(e, "exit");
		struct audit_kernel *k = &ks[n];
		char where[64], *src;
		const char *label;
		long code = -1;

		snprintf(where, sizeof(where), "kernels[%zu]", n);
		if (!json_is_object(e)) {
			set_err(err, errlen, "%s: must be an object", where);
			goto bad;
		}
		label = member_str(e, "kernel", true, where, err, errlen);
		if (!label)
			goto bad;
		if (ex && as_int(ex, 0, 255, &code)) {
			set_err(err, errlen, "%s: \"exit\" must be a number from 0 to 255", where);
			goto bad;
		}
		src = xasprintf("%s %s", source, label);
		if (res && !json_is_null(res)) {
			snprintf(where, sizeof(where), "kernels[%zu].result", n);
			if (kernel_from_runner(k, res, src, where, err, errlen)) {
				free(src);
				goto bad;
			}
			free(src);
			continue;
		}
		k->source = src;
		k->release = xstrdup("");
		k->version_str = xstrdup(label);
		if (kver_parse_release(label, &k->version))
			k->version = 0;
		k->note = code >= 0 ? xasprintf("no result (exit %ld)", code)
				    : xstrdup("no result");
	}
	append_kernels(ev, ks, n);
	free(ks);
	return 0;
bad:
	for (size_t i = 0; i < n; i++)
		kernel_free(&ks[i]);
	free(ks);
	return -1;
}

/*
 * jansson's own words for a syntax error ("unexpected token near '}'"),
 * after "line L, column C: ". Its "near '...'" quotes the input, so a
 * byte that is not printable ASCII is written as \xNN: the error stays
 * one line of text whatever the input was.
 */
static int syntax_error(const json_error_t *je, char *err, size_t errlen)
{
	char text[4 * JSON_ERROR_TEXT_LENGTH];
	size_t n = 0;

	for (const char *s = je->text; *s && n + 5 < sizeof(text); s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f)
			text[n++] = (char)c;
		else
			n += (size_t)snprintf(text + n, sizeof(text) - n, "\\x%02x", c);
	}
	text[n] = '\0';
	return set_err(err, errlen, "line %d, column %d: %s", je->line,
		       je->column, text);
}

int audit_add_json(struct audit_evidence *ev, const char *buf, size_t len,
		   const char *source, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc;
	int ret;

	/*
	 * Strict: a repeated key is an error (which one would count?), and so
	 * are invalid UTF-8, "\u0000" and anything after the value. Any value
	 * is parsed, so that "5" is "must be an object, not a number".
	 */
	doc = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return syntax_error(&je, err, errlen);
	if (json_object_get(doc, "kernels"))
		ret = add_matrix(ev, doc, source, err, errlen);
	else
		ret = add_runner(ev, doc, source, err, errlen);
	json_decref(doc);
	return ret;
}

int audit_add_file(struct audit_evidence *ev, const char *path,
		   const char *source, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int ret;

	if (audit_read_file(path, JSON_MAX, &buf, &len, err, errlen))
		return -1;
	ret = audit_add_json(ev, buf, len, source, err, errlen);
	if (ret)
		err_prefix(err, errlen, path);
	free(buf);
	return ret;
}

