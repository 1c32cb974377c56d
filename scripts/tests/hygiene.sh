#!/usr/bin/env bash
# Leave the system as you found it: the BPF programs and maps the kernel
# lists, bpffs pins and cgroups are the same before and after a run, a run
# interrupted with SIGINT and one terminated with SIGTERM halfway, and an
# interrupted run leaves no half-written JSON behind.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
conform=$root/build/conform
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# What the run stage makes: links, network namespaces (a child's), devices,
# qdiscs, routes, tracefs mounts, probe events, cgroups (in snapshot()),
# the directory a device cgroup hook's mknod() may use.
run_stage_objects() {
	bpftool link list -j | jq -r '.[] | "link \(.id) \(.type)"'
	# Processes come and go while this runs: stat fails on the gone ones.
	{ stat -L -c 'netns %i' /proc/[0-9]*/ns/net 2>/dev/null || true; } | sort -u
	ip -o link show | awk '{ print "dev", $2 }'
	tc qdisc show | sed 's/^/qdisc /'
	ip route show table all | sed 's/^/route /'
	awk '$9 == "tracefs" { print "mount", $5 }' /proc/self/mountinfo
	# (Only where tracefs is mounted and has them.)
	{ cat /sys/kernel/tracing/kprobe_events /sys/kernel/tracing/uprobe_events 2>/dev/null || true; } |
		sed 's/^/probe /'
	find /tmp -maxdepth 1 -name 'conform-dev.*' 2>/dev/null | sed 's/^/tmpdir /'
}

snapshot() {
	{
		bpftool prog list -j | jq -r '.[] | "prog \(.id) \(.name // "")"'
		bpftool map list -j | jq -r '.[] | "map \(.id) \(.name // "")"'
		find /sys/fs/bpf -mindepth 1 2>/dev/null
		find /sys/fs/cgroup -type d 2>/dev/null
		run_stage_objects
	} | sort >"$1"
}

# Nothing that was not there before may remain. (Other processes may
# free their own objects meanwhile.) The kernel frees programs and maps a
# little after their last fd is closed, so wait up to 5 s.
same_as_before() {
	local tries=50
	while ((tries--)); do
		snapshot "$tmp/after"
		[[ -z $(new_objects) ]] && return 0
		sleep 0.1
	done
	new_objects | head -n 20
	return 1
}

new_objects() {
	{
		bpftool prog list -j | jq -r '.[] | "prog \(.id) \(.name // "")"'
		bpftool map list -j | jq -r '.[] | "map \(.id) \(.name // "")"'
		find /sys/fs/bpf -mindepth 1 2>/dev/null
		find /sys/fs/cgroup -type d 2>/dev/null
		run_stage_objects
	} | sort | comm -13 "$tmp/before" -
}

check_clean() {
	local name=$1
	if same_as_before && ! compgen -G "$tmp/out.json.*" >/dev/null; then
		ok "$name: nothing left behind"
	else
		not_ok "$name: something was left behind"
	fi
}

snapshot "$tmp/before"
"$conform" --json "$tmp/out.json" >/dev/null
check_clean "a whole run"
# Kill a run halfway: as soon as it reports its 20th test.
for sig in INT TERM; do
	rc=0
	rm -f "$tmp/out.json"
	coproc RUN { exec "$conform" -j 1 --json "$tmp/out.json"; }
	pid=$RUN_PID
	while IFS= read -r line <&"${RUN[0]}"; do
		[[ $line =~ ^(not\ )?ok\ 20\  ]] && break
	done
	kill -s "$sig" "$pid"
	wait "$pid" || rc=$?
	echo "# SIG$sig after test 20: exit $rc"
	if ((rc < 128)); then
		not_ok "the run finished before SIG$sig arrived"
	fi
	if [[ -e $tmp/out.json ]]; then
		not_ok "a JSON file exists after SIG$sig"
	fi
	check_clean "a run interrupted with SIG$sig"
done

finish hygiene
