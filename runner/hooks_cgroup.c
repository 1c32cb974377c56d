// SPDX-License-Identifier: GPL-2.0
/*
 * The run stage's cgroup hooks: the program on a cgroup v2 of its own,
 * made for the test, and a process in that cgroup doing what the hook is
 * on. A child of the runner makes the cgroup (where cgroup2 is mounted,
 * else in a mount namespace of its own, as a minimal VM may not mount it),
 * attaches the program with a cgroup link (every kernel of the suite has
 * them), and forks the member: a process in a network namespace of its
 * own, so that its traffic stays off the host's network. When the member
 * has exited, the child closes the link and removes the cgroup. That
 * child is not killed with the runner: it finishes its cleanup.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "hooks_impl.h"

/* The test's cgroup, in the child that made it (and its member, after fork). */
static int cg_fd = -1;

static int fire_inet4(void)
{
	return udp_exchange(AF_INET) || tcp_exchange(AF_INET) ? -1 : 0;
}

static int fire_inet6(void)
{
	return udp_exchange(AF_INET6) || tcp_exchange(AF_INET6) ? -1 : 0;
}

static int fire_tcp4(void)
{
	return tcp_exchange(AF_INET);
}

static int fire_sockopt(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), v = 0;
	socklen_t vlen = sizeof(v);

	if (s < 0)
		return -1;
	getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &vlen);
	v = 65536;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	close(s);
	return 0;
}

/* A read of a sysctl; the hook is on read() and write(), not open(). */
static int fire_sysctl(void)
{
	int fd = open("/proc/sys/kernel/ostype", O_RDONLY | O_CLOEXEC);
	char buf[64];
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));	/* EPERM: the program said no */
	(void)n;
	close(fd);
	return 0;
}

/*
 * A device node opened: /dev/null, or, where there is none, one made with
 * mknod() (itself a device cgroup check) in a directory of its own.
 */
static int fire_device(void)
{
	char dir[] = "/tmp/conform-dev.XXXXXX", node[64];
	struct stat st;
	int fd;

	if (!stat("/dev/null", &st) && S_ISCHR(st.st_mode)) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!mkdtemp(dir))
		return -1;
	snprintf(node, sizeof(node), "%s/null", dir);
	if (!mknod(node, S_IFCHR | 0600, makedev(1, 3))) {
		fd = open(node, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		unlink(node);
	}
	rmdir(dir);
	return 0;
}

/* lsm_cgroup: socket calls, a sysctl, a device: most hooks it may be on. */
static int fire_all(void)
{
	int ret = fire_inet4() | unix_exchange() | fire_sockopt();

	fire_sysctl();
	fire_device();
	return ret;
}

/* What a member of the cgroup does for an attach type. */
static const struct trigger {
	const char *attach_type;	/* an fnmatch() pattern */
	int (*fire)(void);
	const char *what;		/* for "cannot" */
} triggers[] = {
	{ "BPF_CGROUP_INET_*", fire_inet4, "UDP and TCP on 127.0.0.1" },
	{ "BPF_CGROUP_INET4_*", fire_inet4, "UDP and TCP on 127.0.0.1" },
	{ "BPF_CGROUP_UDP4_*", fire_inet4, "UDP and TCP on 127.0.0.1" },
	{ "BPF_CGROUP_INET6_*", fire_inet6, "UDP and TCP on ::1" },
	{ "BPF_CGROUP_UDP6_*", fire_inet6, "UDP and TCP on ::1" },
	{ "BPF_CGROUP_UNIX_*", unix_exchange, "abstract AF_UNIX sockets" },
	{ "BPF_CGROUP_SOCK_OPS", fire_tcp4, "TCP on 127.0.0.1" },
	{ "BPF_CGROUP_[GS]ETSOCKOPT", fire_sockopt, "a UDP socket" },
	{ "BPF_CGROUP_SYSCTL", fire_sysctl, "/proc/sys/kernel/ostype" },
	{ "BPF_CGROUP_DEVICE", fire_device, "a device node" },
	{ "BPF_LSM_CGROUP", fire_all, "sockets" },
};

/* The member: join the cgroup, do what the hook is on. */
static void member(const struct conform_case *c, int fd,
		   struct child_report *rep)
{
	const char *at = c->prog.tags->attach_type;
	int procs = openat(cg_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);

	(void)fd;
	if (procs < 0 || write(procs, "0", 1) != 1) {
		rep_cannot(rep, "joining the test's cgroup%s: %s", "");
		if (procs >= 0)
			close(procs);
		return;
	}
	close(procs);
	for (size_t i = 0; i < sizeof(triggers) / sizeof(triggers[0]); i++) {
		if (fnmatch(triggers[i].attach_type, at, 0))
			continue;
		if (triggers[i].fire())
			rep_cannot(rep, "%s: %s", triggers[i].what);
		else
			rep->r = FIRE_DONE;
		return;
	}
	rep->r = FIRE_CANNOT;
	snprintf(rep->msg, sizeof(rep->msg), "no way to fire %s programs here", at);
}

static bool is_cgroup2(const char *path)
{
	struct statfs s;

	return !statfs(path, &s) && s.f_type == CGROUP2_SUPER_MAGIC;
}

/*
 * Where cgroup2 is mounted: /sys/fs/cgroup, or another mount point
 * (/sys/fs/cgroup/unified on a hybrid system), or, if none, here in a
 * mount namespace of this process's own.
 */
static int cgroup2_root(char *path, size_t len)
{
	char line[1024], mnt[512];
	FILE *f;

	snprintf(path, len, "/sys/fs/cgroup");
	if (is_cgroup2(path))
		return 0;
	f = fopen("/proc/self/mountinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) ||
		    sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 || !is_cgroup2(mnt))
			continue;
		snprintf(path, len, "%s", mnt);
		fclose(f);
		return 0;
	}
	if (f)
		fclose(f);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("cgroup2", path, "cgroup2", 0, NULL))
		return -1;
	return 0;
}

/*
 * rmdir() fails with EBUSY until the member's exit is through: a few ms
 * under TCG, so ask every millisecond, for at most 2 s.
 */
static void remove_cgroup(const char *dir)
{
	struct timespec ts = { 0, 1000000 };

	for (int i = 0; rmdir(dir) && errno == EBUSY && i < 2000; i++)
		nanosleep(&ts, NULL);
	if (!access(dir, F_OK))
		fprintf(stderr, "conform: cannot remove the cgroup %s: %s\n", dir,
			strerror(errno));
}

static void cgroup_child(const struct conform_case *c, int fd,
			 struct child_report *rep)
{
	char root[512], dir[600];
	int link;

	if (cgroup2_root(root, sizeof(root))) {
		rep_cannot(rep, "no cgroup v2 mounted, and mounting one on %s: %s", root);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/conform-run.%d", root, (int)getpid());
	if (mkdir(dir, 0755)) {
		rep_cannot(rep, "mkdir %s: %s", dir);
		return;
	}
	cg_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0) {
		rep_cannot(rep, "%s: %s", dir);
	} else {
		link = bpf_link_create(fd, cg_fd, c->prog.attach_type, NULL);
		if (link < 0) {
			rep_refused(rep, "BPF_LINK_CREATE on a cgroup");
		} else {
			rep->r = in_child(member, c, fd, CHILD_NETNS, &rep->err, rep->msg,
					  sizeof(rep->msg));
			close(link);
		}
		close(cg_fd);
	}
	remove_cgroup(dir);
}

enum fire_result fire_cgroup(const struct conform_case *c, int fd, int *err,
			     char *msg, size_t len)
{
	return in_child(cgroup_child, c, fd, CHILD_OUTLIVE, err, msg, len);
}
