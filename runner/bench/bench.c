// SPDX-License-Identifier: GPL-2.0
/*
 * bench: what bpf_arena_free_pages() costs per page, for page_cnt 1 to 512,
 * timed inside BPF around the call, next to what user space pays to drop
 * the same number of pages with munmap() and madvise(MADV_DONTNEED).
 *
 *   bench [--objs DIR] [--json FILE]
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "load.h"
#include "suite.h"
#include "util.h"

#define PAGE 4096
#define LOG_SIZE (1 << 20)

static const unsigned int sizes[] = { 1, 2, 8, 32, 128, 512 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* Must match struct bench_stat in progs/bench/bench.bpf.c. */
struct bench_stat {
	__u32 page_cnt;
	__u32 failed;
	__u64 ns;
	__u64 runs;
};

struct series {
	const char *name;
	const char *column;
	double ns_per_page[NSIZES];	/* < 0: not measured */
	char note[600];
};

static unsigned int runs_for(unsigned int cnt)
{
	unsigned int r = 20000 / cnt;

	return r < 50 ? 50 : r > 2000 ? 2000 : r;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Time the kfunc inside a BPF program, through BPF_PROG_TEST_RUN. */
static void bench_kfunc(const struct conform_case *c, bool sleepable,
			struct series *s)
{
	struct harness_map *maps = suite_create_maps(c->obj, c->prog.src);
	const struct harness_map *stat = suite_map(c->obj, maps, "bench_stat");
	struct linked_prog lp = { .src = c->prog.src };
	char *log = xcalloc(1, LOG_SIZE);
	unsigned char packet[64] = { 0 };
	struct load_result res;
	int fd;

	for (size_t i = 0; i < NSIZES; i++)
		s->ns_per_page[i] = -1;
	suite_link_prog(c->kernel, c->obj, maps, &lp);
	if (lp.absent[0] || lp.unloadable[0]) {
		snprintf(s->note, sizeof(s->note), "%s", lp.absent[0] ? lp.absent : lp.unloadable);
		goto out;
	}
	fd = load_prog_fd(&lp, sleepable ? BPF_F_SLEEPABLE : 0, log, LOG_SIZE, &res);
	if (fd < 0) {
		snprintf(s->note, sizeof(s->note), "rejected: %s", res.message);
		goto out;
	}
	for (size_t i = 0; i < NSIZES; i++) {
		struct bench_stat st = { .page_cnt = sizes[i] };
		unsigned int runs = runs_for(sizes[i]);
		__u32 key = 0;
		int err = 0;

		bpf_map_update_elem(stat->fd, &key, &st, BPF_ANY);
		if (sleepable) {
			for (unsigned int r = 0; r < runs && !err; r++) {
				LIBBPF_OPTS(bpf_test_run_opts, opts);

				err = bpf_prog_test_run_opts(fd, &opts);
			}
		} else {
			LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet,
				    .data_size_in = sizeof(packet), .repeat = runs);

			err = bpf_prog_test_run_opts(fd, &opts);
			usleep(100000);	/* let the deferred frees land */
		}
		bpf_map_lookup_elem(stat->fd, &key, &st);
		if (!err && st.runs)
			s->ns_per_page[i] = (double)st.ns / (double)st.runs / sizes[i];
		if (st.failed)
			snprintf(s->note, sizeof(s->note),
				 "%u allocations failed at page_cnt %u (frees not landed yet)",
				 st.failed, sizes[i]);
	}
	close(fd);
out:
	free(lp.insns);
	free(log);
	suite_destroy_maps(c->obj, maps);
}

/* The user-space baselines: drop touched anonymous pages. */
static void bench_user(bool use_munmap, struct series *s)
{
	for (size_t i = 0; i < NSIZES; i++) {
		size_t len = (size_t)sizes[i] * PAGE;
		unsigned int runs = runs_for(sizes[i]);
		long long total = 0;
		char *p = NULL;

		for (unsigned int r = 0; r < runs; r++) {
			long long t0;

			if (!p || use_munmap)
				p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED) {
				s->ns_per_page[i] = -1;
				return;
			}
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
		s->ns_per_page[i] = (double)total / runs / sizes[i];
	}
}

static void print_json(FILE *f, const struct kernel *k, struct series *s,
		       size_t n)
{
	fprintf(f, "{\"kernel\": \"%s\", \"page_cnt\": [", k->release);
	for (size_t i = 0; i < NSIZES; i++)
		fprintf(f, "%s%u", i ? ", " : "", sizes[i]);
	fprintf(f, "], \"series\": [");
	for (size_t j = 0; j < n; j++) {
		fprintf(f, "%s{\"name\": \"%s\", \"column\": \"%s\", \"note\": \"%s\", \"ns_per_page\": [",
			j ? ", " : "", s[j].name, s[j].column, s[j].note);
		for (size_t i = 0; i < NSIZES; i++) {
			if (s[j].ns_per_page[i] < 0)
				fprintf(f, "%snull", i ? ", " : "");
			else
				fprintf(f, "%s%.1f", i ? ", " : "", s[j].ns_per_page[i]);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "objs", required_argument, NULL, 'o' },
		{ "json", required_argument, NULL, 'j' },
		{ 0 }
	};
	char exe[PATH_MAX], err[1024], *path;
	const char *objs = NULL, *json = NULL;
	struct series s[4] = {
		{ .name = "bpf_arena_free_pages, sleepable (SYSCALL)", .column = "kfunc" },
		{ .name = "bpf_arena_free_pages, non-sleepable (XDP, deferred)",
		  .column = "kfunc XDP" },
		{ .name = "munmap()", .column = "munmap" },
		{ .name = "madvise(MADV_DONTNEED)", .column = "madvise" },
	};
	struct suite suite;
	struct kernel k;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'o')
			objs = optarg;
		else if (c == 'j')
			json = optarg;
		else
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
	if (suite_open(&suite, &path, 1, err, sizeof(err)) ||
	    kernel_open(&k, "/sys/kernel/btf/vmlinux", NULL, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return EXIT_USAGE;
	}
	suite_link(&suite, &k, NULL);
	bench_kfunc(suite_find(&suite, "bench_syscall"), true, &s[0]);
	bench_kfunc(suite_find(&suite, "bench_xdp"), false, &s[1]);
	bench_user(true, &s[2]);
	bench_user(false, &s[3]);

	printf("# bpf_arena_free_pages cost on %s, ns per page\n", k.release);
	printf("# %-9s", "page_cnt");
	for (size_t j = 0; j < 4; j++)
		printf(" | %-12s", s[j].column);
	printf("\n");
	for (size_t i = 0; i < NSIZES; i++) {
		printf("# %-9u", sizes[i]);
		for (size_t j = 0; j < 4; j++) {
			if (s[j].ns_per_page[i] < 0)
				printf(" | %-12s", "n/a");
			else
				printf(" | %-12.1f", s[j].ns_per_page[i]);
		}
		printf("\n");
	}
	for (size_t j = 0; j < 4; j++)
		if (s[j].note[0])
			printf("# %s: %s\n", s[j].name, s[j].note);
	if (json) {
		FILE *f = fopen(json, "w");

		if (!f) {
			fprintf(stderr, "bench: %s: %s\n", json, strerror(errno));
			return EXIT_USAGE;
		}
		print_json(f, &k, s, 4);
		fclose(f);
	}
	suite_close(&suite);
	kernel_close(&k);
	free(path);
	return 0;
}
