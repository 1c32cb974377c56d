// SPDX-License-Identifier: GPL-2.0
/*
 * bench: what bpf_arena_free_pages() costs per page, for page_cnt 1 to 512,
 * timed inside BPF around the call, next to what user space pays to drop
 * the same number of pages with munmap() and madvise(MADV_DONTNEED).
 *
 *   bench [--objs DIR] [--json FILE] [--repeat N]
 *
 * Every (series, page_cnt) is measured N times (default 7), the repeats of
 * all series and sizes interleaved, so that a burst of load on a shared
 * machine spreads over all of them. Each repeat is the mean over many calls;
 * the bench reports the median of the repeats and their min and max.
 *
 * From a non-sleepable program the free is deferred: the call queues the
 * pages, and the kernel frees them later. The XDP series therefore runs
 * in batches that fit the arena, and after each batch waits (at most
 * WAIT_LIMIT_NS) until a sleepable program can allocate the whole arena
 * again: then every deferred free has landed. It reports how long that
 * took, and as a finding any allocation that failed all the same.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "libbpf_msg.h"
#include "load.h"
#include "maps.h"
#include "report.h"
#include "suite.h"
#include "util.h"

#define PAGE 4096
#define LOG_SIZE (1 << 20)
#define BENCH_PAGES 1024		/* the arena's size, as in bench.bpf.c */
#define DEFAULT_REPEAT 7
#define MAX_REPEAT 1000
#define WAIT_LIMIT_NS 2000000000LL	/* for the deferred frees to land */
#define IDLE_PROBES 5

static const unsigned int sizes[] = { 1, 2, 8, 32, 128, 512 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define NSERIES 4

/* Must match struct bench_stat in progs/bench/bench.bpf.c. */
struct bench_stat {
	__u32 page_cnt;
	__u32 failed;
	__u64 ns;
	__u64 runs;
};

/* Some values, and their median, min and max. */
struct stats {
	double *v;
	size_t cnt;
	double median, min, max;	/* < 0: no values */
};

/* The waits for the deferred frees of one page_cnt. */
struct waits {
	struct stats ns;		/* one per batch */
	unsigned int retried;		/* the first probe failed */
	unsigned int timeouts;		/* not landed in WAIT_LIMIT_NS */
};

struct series {
	const char *name;
	const char *column;
	struct stats ns_per_page[NSIZES];	/* one value per repeat */
	unsigned long long attempts[NSIZES];	/* kfunc: allocations tried */
	unsigned long long failed[NSIZES];	/* kfunc: and failed */
	bool deferred;				/* waits[] and probe_ns are set */
	struct waits waits[NSIZES];
	double probe_ns;			/* the probe on an idle arena */
	char note[600];
	char finding[1024];
};

/* A loaded kfunc program, its maps and, if deferred, its probe. */
struct kbench {
	struct series *s;
	bool sleepable;
	int fd;				/* -1: not measured, s->note says why */
	int stat_fd;
	int probe_fd;
	struct map_set maps;
	struct bpf_insn *probe_insns;
};

static unsigned int runs_for(unsigned int cnt)
{
	unsigned int r = 10000 / cnt;

	return r < 20 ? 20 : r > 1000 ? 1000 : r;
}

static void stats_add(struct stats *st, double v)
{
	st->v = xrealloc(st->v, (st->cnt + 1) * sizeof(*st->v));
	st->v[st->cnt++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, min and max of the values that are >= 0. */
static size_t stats_finish(struct stats *st)
{
	double *v = xcalloc(st->cnt ? st->cnt : 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < st->cnt; i++)
		if (st->v[i] >= 0)
			v[n++] = st->v[i];
	st->median = st->min = st->max = -1;
	if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		st->min = v[0];
		st->max = v[n - 1];
		st->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	return n;
}

static int run_probe(int fd, bool *ok)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (bpf_prog_test_run_opts(fd, &opts))
		return -1;
	*ok = opts.retval == 0;
	return 0;
}

/*
 * Run the probe until it can allocate the whole arena, at most
 * WAIT_LIMIT_NS. Returns the time that took, or -1 if the probe could not
 * run; *landed says whether it succeeded, *tries how often it ran.
 */
static long long wait_landed(int probe_fd, bool *landed, unsigned int *tries)
{
	long long t0 = now_ns(), t;

	*tries = 0;
	for (;;) {
		if (run_probe(probe_fd, landed))
			return -1;
		++*tries;
		t = now_ns() - t0;
		if (*landed || t >= WAIT_LIMIT_NS)
			return t;
		usleep(100);
	}
}

/*
 * A copy of sp's instructions that uses set's maps, the ones its
 * instructions' libbpf maps were copied to. NULL if sp uses another map.
 */
static struct bpf_insn *retarget(const struct prog_spec *sp,
				 const struct map_set *set,
				 struct prog_spec *out)
{
	struct bpf_insn *insns = xmalloc(sp->insn_cnt * sizeof(*insns));

	memcpy(insns, sp->insns, sp->insn_cnt * sizeof(*insns));
	*out = *sp;
	out->insns = insns;
	for (size_t i = 0; i + 1 < sp->insn_cnt; i++) {
		struct bpf_insn *insn = &insns[i];
		const struct fresh_map *f = NULL;

		if (insn->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		    insn->src_reg == BPF_PSEUDO_MAP_VALUE) {
			for (size_t m = 0; m < set->cnt && !f; m++)
				if (set->maps[m].old_fd == insn->imm)
					f = &set->maps[m];
			if (!f) {
				free(insns);
				return NULL;
			}
			insn->imm = f->fd;
		}
		i++;	/* the second half of ld_imm64 */
	}
	return insns;
}

/* Load the probe on kb's arena and time it there while nothing is queued. */
static int open_probe(struct kbench *kb, const struct conform_case *probe,
		      char *log)
{
	struct series *s = kb->s;
	struct stats idle = { 0 };
	struct load_result res;
	struct prog_spec sp;
	bool ok = true;

	if (!probe || !probe->prog.loadable) {
		snprintf(s->note, sizeof(s->note), "no probe for the deferred frees: %s",
			 probe ? probe->prog.reason : "bench_probe missing");
		return -1;
	}
	kb->probe_insns = retarget(&probe->prog, &kb->maps, &sp);
	if (!kb->probe_insns) {
		snprintf(s->note, sizeof(s->note),
			 "bench_probe uses a map that bench_xdp does not");
		return -1;
	}
	kb->probe_fd = load_prog_fd(&sp, BPF_F_SLEEPABLE, log, LOG_SIZE, &res);
	if (kb->probe_fd < 0) {
		snprintf(s->note, sizeof(s->note), "bench_probe rejected: %s",
			 res.message);
		return -1;
	}
	for (int i = 0; i < IDLE_PROBES && ok; i++) {
		long long t0 = now_ns();

		if (run_probe(kb->probe_fd, &ok)) {
			snprintf(s->note, sizeof(s->note), "bench_probe: BPF_PROG_TEST_RUN: %s",
				 strerror(errno));
			return -1;
		}
		stats_add(&idle, (double)(now_ns() - t0));
	}
	stats_finish(&idle);
	free(idle.v);
	if (!ok) {
		snprintf(s->note, sizeof(s->note),
			 "bench_probe cannot allocate the whole idle arena (%d pages)",
			 BENCH_PAGES);
		return -1;
	}
	s->probe_ns = idle.median;
	s->deferred = true;
	return 0;
}

static void kbench_open(struct kbench *kb, const struct conform_case *c,
			const struct conform_case *probe, bool sleepable,
			struct series *s)
{
	char *log = xcalloc(1, LOG_SIZE);
	const struct fresh_map *stat;
	struct load_result res;
	struct prog_spec sp;

	memset(kb, 0, sizeof(*kb));
	kb->s = s;
	kb->sleepable = sleepable;
	kb->fd = kb->probe_fd = -1;
	if (!c) {
		snprintf(s->note, sizeof(s->note), "case missing from bench.bpf.o");
		goto out;
	}
	if (!c->prog.loadable) {
		snprintf(s->note, sizeof(s->note), "%s", c->prog.reason);
		goto out;
	}
	if (map_set_create(c->suite, &c->prog, &kb->maps, &sp, s->note, sizeof(s->note)))
		goto out;
	stat = map_set_find(&kb->maps, "bench_stat");
	kb->fd = load_prog_fd(&sp, sleepable ? BPF_F_SLEEPABLE : 0, log, LOG_SIZE, &res);
	if (kb->fd < 0 || !stat) {
		if (!suite_poisoned(c->suite, log, s->note, sizeof(s->note)))
			snprintf(s->note, sizeof(s->note), "rejected: %s",
				 stat ? res.message : "no bench_stat map");
		goto fail;
	}
	kb->stat_fd = stat->fd;
	if (!sleepable && open_probe(kb, probe, log))
		goto fail;
	goto out;
fail:
	if (kb->fd >= 0)
		close(kb->fd);
	kb->fd = -1;
out:
	free(log);
}

static void kbench_close(struct kbench *kb)
{
	if (kb->fd >= 0)
		close(kb->fd);
	if (kb->probe_fd >= 0)
		close(kb->probe_fd);
	free(kb->probe_insns);
	map_set_destroy(&kb->maps);
}

/* One repeat at sizes[i]: ns per page, or -1. */
static double kbench_sample(struct kbench *kb, size_t i)
{
	struct bench_stat st = { .page_cnt = sizes[i] };
	unsigned int runs = runs_for(sizes[i]);
	struct series *s = kb->s;
	__u32 key = 0;
	int err = 0;

	if (kb->fd < 0)
		return -1;
	if (bpf_map_update_elem(kb->stat_fd, &key, &st, BPF_ANY))
		return -1;
	if (kb->sleepable) {
		for (unsigned int r = 0; r < runs && !err; r++) {
			LIBBPF_OPTS(bpf_test_run_opts, opts);

			err = bpf_prog_test_run_opts(kb->fd, &opts);
		}
	}
	/* Batches the arena holds, each followed by the wait. */
	for (unsigned int left = runs; !kb->sleepable && left && !err;) {
		unsigned int batch = BENCH_PAGES / sizes[i] < left ?
				     BENCH_PAGES / sizes[i] : left;
		unsigned char packet[64] = { 0 };
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet,
			    .data_size_in = sizeof(packet), .repeat = batch);
		unsigned int tries;
		long long waited;
		bool landed;

		err = bpf_prog_test_run_opts(kb->fd, &opts);
		left -= batch;
		waited = wait_landed(kb->probe_fd, &landed, &tries);
		if (waited < 0) {
			err = -1;
			break;
		}
		stats_add(&s->waits[i].ns, (double)waited);
		s->waits[i].retried += tries > 1;
		s->waits[i].timeouts += !landed;
	}
	if (err) {
		snprintf(s->note, sizeof(s->note), "BPF_PROG_TEST_RUN at page_cnt %u: %s",
			 sizes[i], strerror(errno));
		return -1;
	}
	if (bpf_map_lookup_elem(kb->stat_fd, &key, &st))
		return -1;
	s->attempts[i] += st.runs + st.failed;
	s->failed[i] += st.failed;
	return st.runs ? (double)st.ns / (double)st.runs / sizes[i] : -1;
}

/* The user-space baselines: drop touched anonymous pages. One repeat. */
static double user_sample(bool use_munmap, size_t i)
{
	size_t len = (size_t)sizes[i] * PAGE;
	unsigned int runs = runs_for(sizes[i]);
	long long total = 0;
	char *p = NULL;

	for (unsigned int r = 0; r < runs; r++) {
		long long t0;

		if (!p || use_munmap)
			p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		for (size_t off = 0; off < len; off += PAGE)
			p[off] = 1;
		t0 = now_ns();
		if (use_munmap)
			munmap(p, len);
		else
			madvise(p, len, MADV_DONTNEED);
		total += now_ns() - t0;
	}
	if (!use_munmap)
		munmap(p, len);
	return (double)total / runs / sizes[i];
}

/* Medians, and the notes and findings the numbers call for. */
static void finish(struct series *s, unsigned int repeat)
{
	size_t len = 0;

	for (size_t i = 0; i < NSIZES; i++) {
		size_t n = stats_finish(&s->ns_per_page[i]);

		if (n && n < repeat && !s->note[0])
			snprintf(s->note, sizeof(s->note),
				 "page_cnt %u: only %zu of %u repeats measured",
				 sizes[i], n, repeat);
		if (s->deferred)
			stats_finish(&s->waits[i].ns);
	}
	for (size_t i = 0; i < NSIZES && s->deferred && len < sizeof(s->finding); i++) {
		const struct waits *w = &s->waits[i];

		if (!s->failed[i] && !w->timeouts)
			continue;
		len += snprintf(s->finding + len, sizeof(s->finding) - len,
				"%spage_cnt %u: %llu of %llu allocations failed, %u of %zu waits for the deferred frees gave up after %lld ms",
				len ? "; " : "", sizes[i], s->failed[i],
				s->attempts[i], w->timeouts, w->ns.cnt,
				WAIT_LIMIT_NS / 1000000);
	}
	for (size_t i = 0; i < NSIZES && !s->deferred && !s->finding[0]; i++)
		if (s->failed[i])
			snprintf(s->finding, sizeof(s->finding),
				 "page_cnt %u: %llu of %llu allocations failed",
				 sizes[i], s->failed[i], s->attempts[i]);
}

/*
 * The JSON is built and written with jansson, as the runner's is
 * (report.c). Out of memory there, the bench gives up, as xmalloc() does.
 */
static json_t *must(json_t *v)
{
	if (!v) {
		fputs("bench: out of memory\n", stderr);
		exit(EXIT_FAIL);
	}
	return v;
}

/* Add key: v to o; v is stolen. */
static void set(json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, must(v)))
		must(NULL);
}

/* Append v to a; v is stolen. */
static void push(json_t *a, json_t *v)
{
	if (json_array_append_new(a, must(v)))
		must(NULL);
}

/* v/scale to one decimal, as "%.1f" would write it; a negative v is null. */
static json_t *num(double v, double scale)
{
	return v < 0 ? json_null() :
	       json_real((double)(long long)(v / scale * 10 + 0.5) / 10);
}

/* Each size's field, scaled by 1/scale. */
#define JSON_ROW(expr, scale) ({					\
	json_t *row_ = must(json_array());				\
	for (size_t i = 0; i < NSIZES; i++)				\
		push(row_, num((expr), (scale)));			\
	row_;								\
})

/* Each size's count. */
#define JSON_INTS(expr) ({						\
	json_t *row_ = must(json_array());				\
	for (size_t i = 0; i < NSIZES; i++)				\
		push(row_, json_integer((json_int_t)(expr)));		\
	row_;								\
})

static json_t *series_json(const struct series *s)
{
	json_t *o = must(json_object()), *reps = must(json_array());

	set(o, "name", report_json_str(s->name));
	set(o, "column", report_json_str(s->column));
	set(o, "note", report_json_str(s->note));
	set(o, "finding", report_json_str(s->finding));
	set(o, "median", JSON_ROW(s->ns_per_page[i].median, 1));
	set(o, "min", JSON_ROW(s->ns_per_page[i].min, 1));
	set(o, "max", JSON_ROW(s->ns_per_page[i].max, 1));
	for (size_t i = 0; i < NSIZES; i++) {
		const struct stats *st = &s->ns_per_page[i];
		json_t *r = must(json_array());

		for (size_t j = 0; j < st->cnt; j++)
			push(r, num(st->v[j], 1));
		push(reps, r);
	}
	set(o, "repeats", reps);
	return o;
}

/* The deferred frees' waits of a series. */
static json_t *waits_json(const struct series *s)
{
	const struct waits *w = s->waits;
	json_t *o = must(json_object()), *samples = must(json_array());
	char what[128];

	for (size_t i = 0; i < NSIZES; i++) {
		json_t *r = must(json_array());

		for (size_t j = 0; j < w[i].ns.cnt; j++)
			push(r, num(w[i].ns.v[j], 1000));
		push(samples, r);
	}

	snprintf(what, sizeof(what),
		 "after each batch, until a sleepable program allocates the whole %d-page arena; us, probe included",
		 BENCH_PAGES);
	set(o, "what", json_string(what));
	set(o, "limit_us", json_integer(WAIT_LIMIT_NS / 1000));
	set(o, "idle_probe_us", num(s->probe_ns, 1000));
	set(o, "median_us", JSON_ROW(w[i].ns.median, 1000));
	set(o, "max_us", JSON_ROW(w[i].ns.max, 1000));
	set(o, "waits", JSON_INTS(w[i].ns.cnt));
	set(o, "retried", JSON_INTS(w[i].retried));
	set(o, "timeouts", JSON_INTS(w[i].timeouts));
	/* Every wait, so that scripts/bench-merge.jq can pool rounds. */
	set(o, "samples_us", samples);
	return o;
}

/* 0, or -1 on a write error. */
static int print_json(FILE *f, const struct kernel *k, const struct series *s,
		      unsigned int repeat)
{
	json_t *doc = must(json_object()), *series = must(json_array());
	int ret;

	set(doc, "kernel", report_json_str(k->release));
	set(doc, "unit", json_string("ns per page"));
	set(doc, "repeat", json_integer(repeat));
	set(doc, "method", json_string("each repeat is the mean over runs_per_repeat calls; median, min and max are over the repeats"));
	set(doc, "page_cnt", JSON_INTS(sizes[i]));
	set(doc, "runs_per_repeat", JSON_INTS(runs_for(sizes[i])));
	for (size_t j = 0; j < NSERIES; j++) {
		json_t *o = series_json(&s[j]);

		if (j < 2) {
			set(o, "allocations", JSON_INTS(s[j].attempts[i]));
			set(o, "failed", JSON_INTS(s[j].failed[i]));
		}
		if (s[j].deferred)
			set(o, "wait", waits_json(&s[j]));
		push(series, o);
	}
	set(doc, "series", series);
	/* 15 digits: what "%.1f" wrote, without 17 digits' 0.1 = 0.10000000000000001. */
	ret = json_dumpf(doc, f, JSON_REAL_PRECISION(15));
	if (!ret && fputc('\n', f) == EOF)
		ret = -1;
	json_decref(doc);
	return ret;
}

static void print_text(const struct kernel *k, const struct series *s,
		       unsigned int repeat)
{
	char cell[64];

	printf("# bpf_arena_free_pages cost on %s, ns per page: median [min-max] of %u repeats\n",
	       k->release, repeat);
	printf("# %-9s", "page_cnt");
	for (size_t j = 0; j < NSERIES; j++)
		printf(" | %-22s", s[j].column);
	printf("\n");
	for (size_t i = 0; i < NSIZES; i++) {
		printf("# %-9u", sizes[i]);
		for (size_t j = 0; j < NSERIES; j++) {
			const struct stats *st = &s[j].ns_per_page[i];

			if (st->median < 0)
				snprintf(cell, sizeof(cell), "n/a");
			else
				snprintf(cell, sizeof(cell), "%.0f [%.0f-%.0f]",
					 st->median, st->min, st->max);
			printf(" | %-22s", cell);
		}
		printf("\n");
	}
	for (size_t j = 0; j < NSERIES; j++) {
		if (s[j].note[0])
			printf("# %s: %s\n", s[j].name, s[j].note);
		if (s[j].finding[0])
			printf("# finding: %s: %s\n", s[j].name, s[j].finding);
		if (!s[j].deferred)
			continue;
		printf("# %s: deferred frees landed after (us, median [max] of the waits; probe on an idle arena %.0f us):\n",
		       s[j].name, s[j].probe_ns / 1000);
		for (size_t i = 0; i < NSIZES; i++) {
			const struct waits *w = &s[j].waits[i];

			if (!w->ns.cnt)
				continue;
			printf("#   page_cnt %-4u %8.0f [%.0f], %zu waits, %u needed more than one probe, %u gave up\n",
			       sizes[i], w->ns.median / 1000, w->ns.max / 1000,
			       w->ns.cnt, w->retried, w->timeouts);
		}
	}
}

static void usage(void)
{
	printf("usage: bench [--objs DIR] [--json FILE] [--repeat N]\n"
		   "  --repeat N  measure each size N times, 1 to %d (default %d)\n",
		MAX_REPEAT, DEFAULT_REPEAT);
}

static int parse_repeat(const char *arg, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || arg[0] == '+' ||
	    v < 1 || v > MAX_REPEAT)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "objs", required_argument, NULL, 'o' },
		{ "json", required_argument, NULL, 'j' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char exe[PATH_MAX], err[1024], *path;
	const char *objs = NULL, *json = NULL;
	struct series s[NSERIES] = {
		{ .name = "bpf_arena_free_pages, sleepable (SYSCALL)", .column = "kfunc" },
		{ .name = "bpf_arena_free_pages, non-sleepable (XDP, deferred)",
		  .column = "kfunc XDP" },
		{ .name = "munmap()", .column = "munmap" },
		{ .name = "madvise(MADV_DONTNEED)", .column = "madvise" },
	};
	unsigned int repeat = DEFAULT_REPEAT;
	struct kbench kb[2];
	struct suite suite;
	struct kernel k;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'o') {
			objs = optarg;
		} else if (c == 'j') {
			json = optarg;
		} else if (c == 'r') {
			if (parse_repeat(optarg, &repeat)) {
				fprintf(stderr, "bench: --repeat wants a whole number from 1 to %d, not '%s'\n",
					MAX_REPEAT, optarg);
				return EXIT_USAGE;
			}
		} else if (c == 'h') {
			usage();
			return 0;
		} else {
			fprintf(stderr, "bench: bad option or missing argument: '%s' (see --help)\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bench: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (!objs) {
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		exe[n > 0 ? n : 0] = '\0';
		objs = dirname(exe);
	}
	/* In the VM's initramfs the objects are in progs/ beside the binary. */
	path = xasprintf("%s/bench.bpf.o", objs);
	if (access(path, R_OK)) {
		free(path);
		path = xasprintf("%s/progs/bench.bpf.o", objs);
	}
	libbpf_msg_init(false);
	if (suite_open(&suite, &path, 1, err, sizeof(err)) ||
	    kernel_open(&k, "/sys/kernel/btf/vmlinux", NULL, err, sizeof(err)) ||
	    suite_prepare(&suite, &k, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return EXIT_USAGE;
	}
	kbench_open(&kb[0], suite_find(&suite, "bench_syscall"), NULL, true, &s[0]);
	kbench_open(&kb[1], suite_find(&suite, "bench_xdp"),
		    suite_find(&suite, "bench_probe"), false, &s[1]);
	for (unsigned int r = 0; r < repeat; r++) {
		for (size_t i = 0; i < NSIZES; i++) {
			stats_add(&s[0].ns_per_page[i], kbench_sample(&kb[0], i));
			stats_add(&s[1].ns_per_page[i], kbench_sample(&kb[1], i));
			stats_add(&s[2].ns_per_page[i], user_sample(true, i));
			stats_add(&s[3].ns_per_page[i], user_sample(false, i));
		}
	}
	kbench_close(&kb[0]);
	kbench_close(&kb[1]);
	for (size_t j = 0; j < NSERIES; j++)
		finish(&s[j], repeat);
	print_text(&k, s, repeat);
	if (json) {
		FILE *f = fopen(json, "w");
		int ret;

		if (!f) {
			fprintf(stderr, "bench: %s: %s\n", json, strerror(errno));
			return EXIT_USAGE;
		}
		ret = print_json(f, &k, s, repeat);
		if (fclose(f) || ret) {
			fprintf(stderr, "bench: writing %s: %s\n", json, strerror(errno));
			return EXIT_FAIL;
		}
	}
	for (size_t j = 0; j < NSERIES; j++) {
		for (size_t i = 0; i < NSIZES; i++) {
			free(s[j].ns_per_page[i].v);
			free(s[j].waits[i].ns.v);
		}
	}
	suite_close(&suite);
	kernel_close(&k);
	free(path);
	return 0;
}
