#!/usr/bin/env bash
#
# perf.sh - performance figures for docs/performance.md, measured in one run
#
# Usage: perf.sh [KERNEL]
#
#   KERNEL  the VM's kernel, anything vmtest.sh -k takes (default 7.0)
#
# Prints, a line each:
#   - the whole host suite (median of 20 runs, -j 1 and -j 2) against a
#     baseline of one `bpftool prog load` process per test over the same
#     objects; libbpf 1.1 stops each of those at its first failure, so the
#     baseline does less work than a real per-case loader would;
#   - the runner's peak memory (max RSS);
#   - in a VM on KERNEL: boot-to-verdict of the load stage alone
#     (--no-run) and of both stages, against a bare boot that only powers
#     off.
# On a host that refuses arenas the host figures are not taken (each test
# would be a skip); it says so.
# It needs root (the runner and bpftool load BPF programs), bpftool,
# /usr/bin/time, and the runner, static runner and objects built (make all
# build/conform-static).
#
# -h, --help prints this text.
#
# Environment: the VM runs read vmtest.sh's (VMTEST_*, CONFORM_CACHE).
#
# Exit status: 0 measured, 2 bad usage; another non-zero status when a
# measurement fails (the runner or /usr/bin/time missing, say).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

for arg; do
	case $arg in
	-h|--help) usage 0 ;;
	-*) echo "perf: unknown option: $arg" >&2; usage ;;
	esac
done
(($# <= 1)) || usage

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
conform=$root/build/conform
kernel=${1:-7.0}
pin=/sys/fs/bpf/conform_perf_baseline
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rm -f "$pin"' EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

time_runs() {
	local start
	for _ in $(seq 20); do
		start=$(date +%s%N)
		"$conform" "$@" >/dev/null || true
		echo "$(($(date +%s%N) - start))"
	done | median
}

# host_figures: the host suite's figures, on a host that runs the suite.
host_figures() {
	"$conform" >/dev/null || true		# warm the page cache
	tests=$("$conform" -l | wc -l)
	j1=$(time_runs -j 1)
	j2=$(time_runs -j 2)
	# The runner's own account, at -j 1: time in bpf() against its wall time.
	for _ in $(seq 20); do
		"$conform" -j 1 | awk '/^# time: [0-9]+ ms in bpf\(\)/ && $3 > 0 { print $9 / $3, $3, $9 }' || true
	done >"$tmp/ratio"

	start=$(date +%s%N)
	"$conform" -l | while read -r _ _ _ object; do
		bpftool prog load "$object" "$pin" >/dev/null 2>&1 || true
		rm -f "$pin"
	done
	baseline=$(($(date +%s%N) - start))

	rss=$(/usr/bin/time -f %M "$conform" 2>&1 >/dev/null | tail -n 1)

	awk -v t="$tests" -v a="$j1" -v b="$j2" 'BEGIN {
		printf "host suite: %d tests, median of 20 runs: %.1f ms with -j 1, %.1f ms with -j 2\n", t, a / 1e6, b / 1e6 }'
	awk -v b="$baseline" -v j="$j1" -v t="$tests" 'BEGIN {
		printf "baseline: one bpftool prog load per test: %.1f ms (%.2f ms per test)\n", b / 1e6, b / 1e6 / t
		printf "ratio: the runner is %.1fx faster than the baseline\n", b / j }'
	echo "max RSS of a whole host run: $((rss / 1024)) MiB ($rss KiB)"
	sort -n "$tmp/ratio" | awk '{ r[NR] = $1; b[NR] = $2; w[NR] = $3 } END {
		m = int((NR + 1) / 2)
		printf "-j 1, 20 runs: wall / time in bpf() median %.2f (min %.2f, max %.2f); the median run: %d ms in bpf(), %d ms wall\n",
			r[m], r[1], r[NR], b[m], w[m] }'
}

# A host that refuses arenas gives every test a skip: timing that would
# time the skips, so say so instead.
"$conform" -a xdp --json "$tmp/probe.json" >/dev/null 2>&1 || true
refusal=$(jq -r '.environment_refuses // empty' "$tmp/probe.json" 2>/dev/null || true)
if [[ -n $refusal ]]; then
	echo "host suite: not measured: this host refuses arenas ($refusal), so every test would be a skip"
else
	host_figures
fi

# vm_verdict NAME [RUNNER-ARGS]: boot-to-verdict of a VM run, in s.
vm_verdict() {
	local name=$1
	shift
	"$root/scripts/vmtest.sh" -k "$kernel" ${1:+-- "$@"} >/dev/null 2>"$tmp/$name" || true
	grep -o 'boot-to-verdict [0-9.]*' "$tmp/$name" | cut -d' ' -f2
}
full=$(vm_verdict run)
load=$(vm_verdict load --no-run)
"$root/scripts/vmtest.sh" -k "$kernel" --bare >/dev/null 2>"$tmp/bare" || true
bare=$(grep -o 'bare boot of .*: [0-9.]*s' "$tmp/bare" | grep -o '[0-9.]*s$' | tr -d s)
awk -v f="$full" -v l="$load" -v b="$bare" -v k="$kernel" 'BEGIN {
	printf "VM (%s, TCG): bare boot %.1f s; boot-to-verdict, load stage only (--no-run) %.1f s, ratio %.2f, bare + %.1f s; load and run stages %.1f s, ratio %.2f, bare + %.1f s\n",
		k, b, l, l / b, l - b, f, f / b, f - b }'
