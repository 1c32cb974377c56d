// SPDX-License-Identifier: GPL-2.0
/*
 * The run stage's hooks: attach a loaded program where its program type
 * runs for real, make that happen, detach. libbpf's bpf_program__attach()
 * needs the program loaded by bpf_object__load(); the runner loads each
 * program itself (twice, with different flags), so the attachments are
 * made here from libbpf's low-level API (bpf_link_create(),
 * bpf_raw_tracepoint_open(), bpf_tc_*()) and perf_event_open().
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "hooks_impl.h"
#include "util.h"

struct hook {
	const char *prog_type;		/* BPF_PROG_TYPE_* */
	const char *attach_type;	/* BPF_*, "" for none; NULL: any */
	const char *prefix;		/* of the SEC() label or of the target */
	const char *where;		/* where the program then runs */
	fire_fn fire;
};

enum fire_result refused(int *err, char *msg, size_t len,
				const char *what)
{
	*err = errno;
	snprintf(msg, len, "%s: %s", what, errno_name(errno));
	return FIRE_ATTACH_REFUSED;
}

enum fire_result cannot(char *msg, size_t len, const char *fmt,
			       const char *arg)
{
	snprintf(msg, len, fmt, arg, strerror(errno));
	return FIRE_CANNOT;
}

/* What follows the first '/' of the SEC() label: "do_nanosleep". */
static const char *sec_arg(const struct conform_case *c)
{
	const char *slash = strchr(c->attach, '/');

	return slash ? slash + 1 : "";
}

/*
 * Make the kernel do what most hooks are on: a sleep (do_nanosleep(), a
 * context switch: sched_switch), system calls (sys_enter, getpid), a file
 * opened (file_open), a socket made, a datagram received.
 */
static void poke_kernel(void)
{
	struct timespec ts = { 0, 1000000 };
	int fd;

	nanosleep(&ts, NULL);
	syscall(SYS_getpid);
	fd = open("/proc/self/stat", O_RDONLY);
	if (fd >= 0)
		close(fd);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd >= 0)
		close(fd);
	udp_exchange(AF_INET);	/* a datagram received: socket_sock_rcv_skb */
	sched_yield();
}

/* Programs that run in BPF_PROG_TEST_RUN: that is their hook. */
static enum fire_result fire_test_run(const struct conform_case *c, int fd,
				      int *err, char *msg, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	/*
	 * bpf_dummy_ops: each member takes a struct bpf_dummy_ops_state *,
	 * which the kernel copies in from args[0]; only test_1's may be NULL
	 * (check_test_run_args()).
	 */
	static __thread int state[16];
	__u64 args[1] = { (uintptr_t)state };

	if (!strcmp(c->prog_type, "BPF_PROG_TYPE_STRUCT_OPS")) {
		opts.ctx_in = args;
		opts.ctx_size_in = sizeof(args);
	}
	if (bpf_prog_test_run_opts(fd, &opts))
		return refused(err, msg, len, "BPF_PROG_TEST_RUN");
	return FIRE_DONE;
}

/* An fentry program that only returns, on the case's target function. */
static int noop_fentry(const struct conform_case *c, const char *name)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = c->prog.attach_btf_id);

	return bpf_prog_load(BPF_PROG_TYPE_TRACING, name, "GPL", ret0, 2, &o);
}

/*
 * A test run of an fentry program calls bpf_fentry_test1() to 8; one of an
 * fmod_ret program calls bpf_modify_return_test() instead. So the kernel is
 * made to call the target through a test run of a program that only
 * returns, an fentry one on the same function: not a case, a trigger.
 */
static int fentry_trigger(const struct conform_case *c)
{
	return noop_fentry(c, "conform_trigger");
}

/*
 * Anchors. The last program detached from a function's BPF trampoline
 * unregisters the trampoline's ftrace ops, and where each trampoline has
 * ops of its own (arm64 does; x86-64 shares one among them all),
 * ftrace_shutdown() then waits for two RCU-tasks grace periods: about
 * 90 ms in a quiet arm64 7.0.13 TCG VM, up to 1.4 s between the run
 * stage's tests on rt-arm64 (docs/findings.md). So the first test on a
 * function leaves a no-op fentry program attached there until the run
 * stage ends (hooks_end()). Each test's own program is still attached,
 * fired and detached, beside it; its detach only updates the trampoline.
 * The run stage runs one test at a time (run_stage.c's lock), and so do
 * these.
 *
 * x86-64 has no such wait, and there an attach or detach beside another
 * program costs more than alone: the 16 fentry-type and LSM tests' attach
 * and fire took 0.53 s without anchors and 0.81 s with them (7.3.4 TCG,
 * two runs each), against 2.49 and 1.64 s on arm64 7.0.13, 6.86 and
 * 1.79 s on rt-arm64 7.0.13. So they are off there by default; --anchors
 * says otherwise.
 */
#define MAX_ANCHORS 16

#if defined(__x86_64__)
#define ANCHORS_BY_DEFAULT false
#else
#define ANCHORS_BY_DEFAULT true
#endif

static int anchors_mode;	/* hooks_setup()'s: 1 on, 0 off, -1 the default */

void hooks_setup(int anchors)
{
	anchors_mode = anchors;
}

/* The attach types the kernel attaches through a BPF trampoline. */
static bool through_trampoline(const struct hook *h)
{
	static const char *const types[] = {
		"BPF_TRACE_FENTRY", "BPF_TRACE_FEXIT", "BPF_MODIFY_RETURN",
		"BPF_TRACE_FSESSION", "BPF_LSM_MAC",
	};

	for (size_t i = 0; h->attach_type && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(h->attach_type, types[i]))
			return true;
	return false;
}

static struct anchor {
	__u32 btf_id;	/* the function */
	int link;	/* its no-op program's link, or -1 */
} anchors[MAX_ANCHORS];
static int anchor_cnt;

static void anchor(const struct conform_case *c)
{
	int prog, link = -1;

	if (anchors_mode < 0 ? !ANCHORS_BY_DEFAULT : !anchors_mode)
		return;
	for (int i = 0; i < anchor_cnt; i++)
		if (anchors[i].btf_id == c->prog.attach_btf_id)
			return;
	if (anchor_cnt == MAX_ANCHORS)
		return;
	/* If the kernel refuses it, no anchor: the test goes on without. */
	prog = noop_fentry(c, "conform_anchor");
	if (prog >= 0) {
		link = bpf_link_create(prog, 0, BPF_TRACE_FENTRY, NULL);
		close(prog);
	}
	anchors[anchor_cnt++] = (struct anchor){ c->prog.attach_btf_id, link };
}

void hooks_end(void)
{
	for (int i = 0; i < anchor_cnt; i++)
		if (anchors[i].link >= 0)
			close(anchors[i].link);
	anchor_cnt = 0;
}

static enum fire_result link_then(const struct conform_case *c, int fd,
				  int *err, char *msg, size_t len, bool test_run)
{
	int link = bpf_link_create(fd, 0, c->prog.attach_type, NULL);
	enum fire_result r = FIRE_DONE;

	if (link < 0)
		return refused(err, msg, len, "BPF_LINK_CREATE");
	if (test_run) {
		LIBBPF_OPTS(bpf_test_run_opts, opts);
		int trigger = fentry_trigger(c);

		if (trigger < 0 || bpf_prog_test_run_opts(trigger, &opts))
			r = cannot(msg, len, "BPF_PROG_TEST_RUN of an fentry program on the target%s: %s", "");
		if (trigger >= 0)
			close(trigger);
	} else {
		poke_kernel();
	}
	close(link);
	return r;
}

/* fentry, fexit and fmod_ret on bpf_fentry_test1(): its test run calls it. */
static enum fire_result fire_fentry(const struct conform_case *c, int fd,
				    int *err, char *msg, size_t len)
{
	return link_then(c, fd, err, msg, len, true);
}

/* LSM hooks, tp_btf: attached, and the kernel poked. */
static enum fire_result fire_link(const struct conform_case *c, int fd,
				  int *err, char *msg, size_t len)
{
	return link_then(c, fd, err, msg, len, false);
}

static enum fire_result fire_iter(const struct conform_case *c, int fd,
				  int *err, char *msg, size_t len)
{
	int link = bpf_link_create(fd, 0, c->prog.attach_type, NULL);
	enum fire_result r = FIRE_DONE;
	char buf[4096];
	int it;

	if (link < 0)
		return refused(err, msg, len, "BPF_LINK_CREATE");
	it = bpf_iter_create(link);
	if (it < 0) {
		r = refused(err, msg, len, "BPF_ITER_CREATE");
	} else {
		while (read(it, buf, sizeof(buf)) > 0)
			;
		close(it);
	}
	close(link);
	return r;
}

static enum fire_result fire_raw_tp(const struct conform_case *c, int fd,
				    int *err, char *msg, size_t len)
{
	int link = bpf_raw_tracepoint_open(sec_arg(c), fd);

	if (link < 0)
		return refused(err, msg, len, "BPF_RAW_TRACEPOINT_OPEN");
	poke_kernel();
	close(link);
	return FIRE_DONE;
}

/* A number from a sysfs or tracefs file, or -1. */
static long read_number(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* "config:0" in a PMU's format/retprobe: the bit that makes a return probe. */
static int retprobe_bit(const char *pmu)
{
	char path[128], buf[32] = "";
	int fd, bit = -1;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/format/retprobe", pmu);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			sscanf(buf, "config:%d", &bit);
		close(fd);
	}
	return bit;
}

static long long perf_open(struct perf_event_attr *attr, int pid, int cpu)
{
	attr->size = sizeof(*attr);
	return syscall(__NR_perf_event_open, attr, pid, cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

/* A BPF link on a perf event, then fire() to make the event happen. */
static enum fire_result perf_link(int pfd, int fd, int *err, char *msg,
				  size_t len, void (*fire)(void))
{
	int link = bpf_link_create(fd, pfd, BPF_PERF_EVENT, NULL);

	if (link < 0) {
		enum fire_result r = refused(err, msg, len, "BPF_LINK_CREATE (perf event)");

		close(pfd);
		return r;
	}
	fire();
	close(link);
	close(pfd);
	return FIRE_DONE;
}

/* The function the uprobes are on; noinline, and used, so that it is there. */
__attribute__((noinline, used)) int conform_uprobe_target(int x)
{
	__asm__ __volatile__("" : "+r"(x));
	return x + 1;
}

static void call_uprobe_target(void)
{
	conform_uprobe_target(1);
}

/* conform_uprobe_target()'s offset in the runner's file, from /proc/self/maps. */
static long uprobe_offset(char *path, size_t len)
{
	uintptr_t addr = (uintptr_t)conform_uprobe_target;
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	long off = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, pgoff;
		char perms[8], file[384] = "";

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %383s", &start, &end, perms,
			   &pgoff, file) < 4 || addr < start || addr >= end)
			continue;
		snprintf(path, len, "%s", file);
		off = (long)(addr - start + pgoff);
		break;
	}
	fclose(f);
	return path[0] ? off : -1;
}

static enum fire_result fire_probe(const struct conform_case *c, int fd,
				   int *err, char *msg, size_t len)
{
	bool uprobe = !strncmp(c->attach, "uprobe", 6) || !strncmp(c->attach, "uretprobe", 9);
	bool ret = !strncmp(c->attach, "kretprobe", 9) || !strncmp(c->attach, "uretprobe", 9);
	const char *pmu = uprobe ? "uprobe" : "kprobe";
	struct perf_event_attr attr = { 0 };
	char path[384] = "", type_path[96];
	long type, off = 0;
	int bit = retprobe_bit(pmu), pfd;

	snprintf(type_path, sizeof(type_path), "/sys/bus/event_source/devices/%s/type", pmu);
	type = read_number(type_path);
	if (type < 0 || (ret && bit < 0))
		return cannot(msg, len, "no %s PMU: %s", pmu);
	attr.type = (__u32)type;
	attr.config = ret ? 1ULL << bit : 0;
	if (uprobe) {
		off = uprobe_offset(path, sizeof(path));
		if (off < 0)
			return cannot(msg, len, "%s: cannot find the runner's file in /proc/self/maps%s", "uprobe");
		attr.config1 = (uintptr_t)path;
		attr.config2 = (__u64)off;
	} else {
		attr.config1 = (uintptr_t)sec_arg(c);
	}
	pfd = (int)perf_open(&attr, -1, 0);
	if (pfd < 0)
		return refused(err, msg, len, "perf_event_open");
	return perf_link(pfd, fd, err, msg, len, uprobe ? call_uprobe_target : poke_kernel);
}

static enum fire_result fire_multi(const struct conform_case *c, int fd,
				   int *err, char *msg, size_t len)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	const char *sym = sec_arg(c);
	unsigned long off;
	char path[384] = "";
	int link;

	if (strstr(c->prog.tags->attach_type, "UPROBE")) {
		long o = uprobe_offset(path, sizeof(path));

		if (o < 0)
			return cannot(msg, len, "%s: cannot find the runner's file in /proc/self/maps%s", "uprobe");
		off = (unsigned long)o;
		opts.uprobe_multi.path = path;
		opts.uprobe_multi.offsets = &off;
		opts.uprobe_multi.cnt = 1;
	} else {
		/* "kprobe.multi" alone: a function every open() calls. */
		if (!sym[0])
			sym = "security_file_open";
		opts.kprobe_multi.syms = &sym;
		opts.kprobe_multi.cnt = 1;
	}
	link = bpf_link_create(fd, 0, c->prog.attach_type, &opts);
	if (link < 0 && errno == EOPNOTSUPP)
		return cannot(msg, len, "%s links: the kernel is built without them (CONFIG_FPROBE, CONFIG_UPROBES): %s",
			      c->prog.tags->attach_type);
	if (link < 0)
		return refused(err, msg, len, "BPF_LINK_CREATE");
	if (path[0])
		call_uprobe_target();
	else
		poke_kernel();
	close(link);
	return FIRE_DONE;
}

static long tracepoint_id_mounted(const char *tp, int pipefd[2]);

/*
 * A tracepoint's id, from tracefs. If tracefs is not mounted (a minimal
 * VM), a child mounts it in a mount namespace of its own and reads it.
 */
static long tracepoint_id(const char *tp)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[256];
	/* One tracepoint is asked for twice (plain, sleepable): keep its id. */
	static char last_tp[128];
	static long last_id = -1;
	int pipefd[2];
	long id = -1;

	if (last_id >= 0 && !strcmp(tp, last_tp))
		return last_id;
	for (size_t i = 0; i < 2 && id < 0; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/id", roots[i], tp);
		id = read_number(path);
	}
	if (id < 0 && !pipe(pipefd))
		id = tracepoint_id_mounted(tp, pipefd);
	if (id >= 0) {
		snprintf(last_tp, sizeof(last_tp), "%s", tp);
		last_id = id;
	}
	return id;
}

/* The same, from a child that mounts tracefs in a mount namespace of its own. */
static long tracepoint_id_mounted(const char *tp, int pipefd[2])
{
	const char *root = "/sys/kernel/tracing";
	char path[256];
	long id = -1;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		if (!unshare(CLONE_NEWNS) &&
		    !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) &&
		    !mount("tracefs", root, "tracefs", 0, NULL)) {
			snprintf(path, sizeof(path), "%s/events/%s/id", root, tp);
			id = read_number(path);
		}
		if (write(pipefd[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (pid > 0) {
		if (read(pipefd[0], &id, sizeof(id)) != sizeof(id))
			id = -1;
		waitpid(pid, NULL, 0);
	}
	close(pipefd[0]);
	return id;
}

static enum fire_result fire_tracepoint(const struct conform_case *c, int fd,
					int *err, char *msg, size_t len)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT };
	long id = tracepoint_id(sec_arg(c));
	int pfd;

	if (id < 0)
		return cannot(msg, len, "tracepoint %s: no id in tracefs%s", sec_arg(c));
	attr.config = (__u64)id;
	pfd = (int)perf_open(&attr, -1, 0);
	if (pfd < 0)
		return refused(err, msg, len, "perf_event_open");
	return perf_link(pfd, fd, err, msg, len, poke_kernel);
}

/* Spin for 20 ms of CPU time: the cpu-clock event's hrtimer fires. */
static void spin(void)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do {
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000LL + (t.tv_nsec - t0.tv_nsec) < 20000000LL);
}

static enum fire_result fire_perf_event(const struct conform_case *c, int fd,
					int *err, char *msg, size_t len)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = 1000000,	/* 1 ms */
	};
	int pfd = (int)perf_open(&attr, 0, -1);

	(void)c;
	if (pfd < 0)
		return refused(err, msg, len, "perf_event_open (cpu-clock)");
	return perf_link(pfd, fd, err, msg, len, spin);
}

/* First match wins. */
static const struct hook hooks[] = {
	{ "BPF_PROG_TYPE_SYSCALL", NULL, NULL, "BPF_PROG_TEST_RUN (process context)", fire_test_run },
	{ "BPF_PROG_TYPE_STRUCT_OPS", NULL, "struct_ops:bpf_dummy_ops.",
	  "bpf_dummy_ops through BPF_PROG_TEST_RUN", fire_test_run },
	{ "BPF_PROG_TYPE_STRUCT_OPS", NULL, "struct_ops:tcp_congestion_ops.",
	  "a TCP connection on lo with this congestion control", fire_struct_ops },
	{ "BPF_PROG_TYPE_STRUCT_OPS", NULL, "struct_ops:sched_ext_ops.",
	  "a BPF scheduler, enabled for 200 ms", fire_struct_ops },
	{ "BPF_PROG_TYPE_STRUCT_OPS", NULL, "struct_ops:sched_ext_ops_cid.",
	  "a BPF scheduler, enabled for 200 ms", fire_struct_ops },
	{ "BPF_PROG_TYPE_TRACING", "BPF_TRACE_FENTRY", "func:bpf_fentry_test",
	  "bpf_fentry_test*() called by BPF_PROG_TEST_RUN", fire_fentry },
	{ "BPF_PROG_TYPE_TRACING", "BPF_TRACE_FEXIT", "func:bpf_fentry_test",
	  "bpf_fentry_test*() called by BPF_PROG_TEST_RUN", fire_fentry },
	{ "BPF_PROG_TYPE_TRACING", "BPF_MODIFY_RETURN", "func:bpf_fentry_test",
	  "bpf_fentry_test*() called by BPF_PROG_TEST_RUN", fire_fentry },
	{ "BPF_PROG_TYPE_TRACING", "BPF_TRACE_FSESSION", "func:bpf_fentry_test",
	  "bpf_fentry_test*() called by BPF_PROG_TEST_RUN", fire_fentry },
	{ "BPF_PROG_TYPE_TRACING", "BPF_TRACE_ITER", NULL, "read() of the iterator", fire_iter },
	{ "BPF_PROG_TYPE_TRACING", "BPF_TRACE_RAW_TP", NULL,
	  "the tracepoint, on a sleep and a system call", fire_link },
	{ "BPF_PROG_TYPE_LSM", "BPF_LSM_MAC", NULL,
	  "the LSM hook, on an open(), a socket() and a sleep", fire_link },
	{ "BPF_PROG_TYPE_KPROBE", "", NULL, "a perf event probe, fired by the runner", fire_probe },
	{ "BPF_PROG_TYPE_KPROBE", "BPF_TRACE_KPROBE_MULTI", NULL, "a kprobe.multi link", fire_multi },
	{ "BPF_PROG_TYPE_KPROBE", "BPF_TRACE_UPROBE_MULTI", NULL, "an uprobe.multi link", fire_multi },
	{ "BPF_PROG_TYPE_KPROBE", "BPF_TRACE_KPROBE_SESSION", NULL, "a kprobe.session link", fire_multi },
	{ "BPF_PROG_TYPE_KPROBE", "BPF_TRACE_UPROBE_SESSION", NULL, "an uprobe.session link", fire_multi },
	{ "BPF_PROG_TYPE_TRACEPOINT", NULL, NULL, "a syscall tracepoint (perf event)", fire_tracepoint },
	{ "BPF_PROG_TYPE_RAW_TRACEPOINT", NULL, "raw_tp/", "the raw tracepoint, on a sleep and a system call", fire_raw_tp },
	{ "BPF_PROG_TYPE_PERF_EVENT", NULL, NULL, "a cpu-clock perf event (hrtimer interrupt)", fire_perf_event },
	{ "BPF_PROG_TYPE_XDP", "BPF_XDP", NULL, "generic XDP on lo in a new netns (softirq)", fire_packet },
	{ "BPF_PROG_TYPE_SCHED_CLS", "BPF_TCX_INGRESS", NULL, "tcx ingress on lo in a new netns (softirq)", fire_packet },
	{ "BPF_PROG_TYPE_SCHED_CLS", "BPF_TCX_EGRESS", NULL, "tcx egress on lo in a new netns", fire_packet },
	{ "BPF_PROG_TYPE_SCHED_CLS", "", NULL, "a tc clsact filter on lo in a new netns (softirq)", fire_packet },
	{ "BPF_PROG_TYPE_SOCKET_FILTER", NULL, NULL, "a UDP socket's filter in a new netns", fire_packet },
	{ "BPF_PROG_TYPE_SK_REUSEPORT", NULL, NULL,
	  "a SO_REUSEPORT group of UDP and TCP sockets in a new netns", fire_reuseport },
	{ "BPF_PROG_TYPE_FLOW_DISSECTOR", NULL, NULL,
	  "a new netns's flow dissector, run by a PACKET_FANOUT_HASH socket on lo", fire_netns },
	{ "BPF_PROG_TYPE_SK_LOOKUP", NULL, NULL, "a new netns's socket lookup, UDP and TCP on lo", fire_netns },
	{ "BPF_PROG_TYPE_NETFILTER", NULL, NULL, "IPv4 LOCAL_OUT in a new netns (a UDP datagram)", fire_netfilter },
	{ "BPF_PROG_TYPE_SK_MSG", NULL, NULL, "a sockmap's TCP socket sending, in a new netns", fire_sockmap },
	{ "BPF_PROG_TYPE_SK_SKB", NULL, NULL, "a sockmap's TCP socket receiving, in a new netns", fire_sockmap },
	{ "BPF_PROG_TYPE_LWT_IN", NULL, NULL, "a route's encap bpf in a new netns (the looped packet)", fire_lwt },
	{ "BPF_PROG_TYPE_LWT_OUT", NULL, NULL, "a route's encap bpf in a new netns (output)", fire_lwt },
	{ "BPF_PROG_TYPE_LWT_XMIT", NULL, NULL, "a route's encap bpf in a new netns (xmit)", fire_lwt },
	{ "BPF_PROG_TYPE_LWT_SEG6LOCAL", NULL, NULL,
	  "a seg6local End.BPF route in a new netns (an SRv6 datagram)", fire_lwt },
	{ "BPF_PROG_TYPE_CGROUP_SKB", NULL, NULL,
	  "a new cgroup v2: its member's UDP and TCP on lo, in a new netns", fire_cgroup },
	{ "BPF_PROG_TYPE_CGROUP_SOCK", NULL, NULL,
	  "a new cgroup v2: its member's sockets made, bound and closed, in a new netns", fire_cgroup },
	{ "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", NULL, NULL,
	  "a new cgroup v2: its member's socket calls, in a new netns", fire_cgroup },
	{ "BPF_PROG_TYPE_CGROUP_SOCKOPT", NULL, NULL,
	  "a new cgroup v2: its member's getsockopt() and setsockopt()", fire_cgroup },
	{ "BPF_PROG_TYPE_CGROUP_SYSCTL", NULL, NULL,
	  "a new cgroup v2: its member's read of /proc/sys/kernel/ostype", fire_cgroup },
	{ "BPF_PROG_TYPE_CGROUP_DEVICE", NULL, NULL,
	  "a new cgroup v2: its member's open() of /dev/null", fire_cgroup },
	{ "BPF_PROG_TYPE_SOCK_OPS", NULL, NULL,
	  "a new cgroup v2: its member's TCP connection on lo, in a new netns", fire_cgroup },
	{ "BPF_PROG_TYPE_LSM", "BPF_LSM_CGROUP", NULL,
	  "a new cgroup v2: its member's socket calls, in a new netns", fire_cgroup },
};

const struct hook *hook_find(const struct conform_case *c)
{
	const struct prog_tags *t = c->prog.tags;

	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		const struct hook *h = &hooks[i];
		/* "KIND:NAME" prefixes are of the target, others of SEC(). */
		const char *label = h->prefix && strchr(h->prefix, ':') ?
				    t->target : c->attach;

		if (strcmp(h->prog_type, c->prog_type))
			continue;
		if (h->attach_type && strcmp(h->attach_type, t->attach_type ? t->attach_type : ""))
			continue;
		if (h->prefix && (!label || strncmp(label, h->prefix, strlen(h->prefix))))
			continue;
		return h;
	}
	return NULL;
}

const char *hook_where(const struct hook *h)
{
	return h->where;
}

/* The fire functions that can tell in advance that they would not fire. */
static const struct {
	fire_fn fire;
	unfireable_fn unfireable;
} precheck[] = {
	{ fire_struct_ops, struct_ops_unfireable },
};

bool hook_unfireable(const struct hook *h, const struct conform_case *c,
		     char *msg, size_t len)
{
	msg[0] = '\0';
	for (size_t i = 0; i < sizeof(precheck) / sizeof(precheck[0]); i++)
		if (precheck[i].fire == h->fire)
			return precheck[i].unfireable(c, msg, len);
	return false;
}

enum fire_result hook_fire(const struct hook *h, const struct conform_case *c,
			   int prog_fd, int *err, char *msg, size_t len)
{
	*err = 0;
	msg[0] = '\0';
	if (through_trampoline(h))
		anchor(c);
	return h->fire(c, prog_fd, err, msg, len);
}
