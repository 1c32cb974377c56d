#!/usr/bin/env bash
#
# bench.sh - the cost of bpf_arena_free_pages() per page, here and in VMs
#
# Usage: bench.sh [KERNEL...]
#
# What make bench runs, once it has built build/bench/bench, bench-static
# and bench.bpf.o.  Measures on this kernel (which needs root) and on each
# KERNEL given, in a VM through vmtest.sh: anything vmtest.sh -k takes
# ("6.12", "7.0.13", a vmlinuz path).  Writes build/bench/RELEASE.json and
# RELEASE.svg for each kernel, and build/bench/bench.md, a table per
# kernel.  TCG timings are emulated: compare them with each other, not
# with the host.
#
# -h, --help prints this text.
#
# Environment: the VM runs read vmtest.sh's (VMTEST_*, CONFORM_CACHE),
# except VMTEST_RUNNER and VMTEST_PROGS, which bench.sh sets to
# build/bench's.
#
# Exit status: 0 written, 1 not root (for the host run), 2 bad usage; any
# other failure (a run that left no result, say) is non-zero too.
set -euo pipefail

# usage [STATUS]: the header comment; on stdout for --help (0), else on
# stderr.
usage() {
	local status=${1:-2}
	if ((status)); then
		exec >&2
	fi
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"
	exit "$status"
}

for arg; do
	case $arg in
	-h|--help) usage 0 ;;
	-*) echo "bench: unknown option: $arg" >&2; usage ;;
	esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

run_host() {
	if ((EUID != 0)); then
		echo "bench: the host run needs root" >&2
		return 1
	fi
	"$out/bench" --objs "$out" --json "$tmp/host.json" >&2
	echo "$tmp/host.json"
}

run_vm() {
	VMTEST_RUNNER=$out/bench-static VMTEST_PROGS=$out \
		"$root/scripts/vmtest.sh" -k "$1" -t 600 -o "$tmp/$1.json" >&2
	echo "$tmp/$1.json"
}

results=("$(run_host)")
for k in "$@"; do
	results+=("$(run_vm "$k")")
done

{
	echo "# bpf_arena_free_pages: ns per page"
	echo
	echo "Timed inside BPF around the call (bpf_ktime_get_ns), averaged over"
	echo "50 to 2000 runs per size; munmap() and madvise(MADV_DONTNEED) drop the"
	echo "same number of touched anonymous pages from user space. VM columns ran"
	echo "under TCG emulation: compare them with each other, not with the host."
	for r in "${results[@]}"; do
		release=$(jq -r .kernel "$r")
		cp "$r" "$out/$release.json"
		jq -r -f "$root/scripts/bench-svg.jq" "$r" >"$out/$release.svg"
		echo
		echo "## $release ([plot]($release.svg))"
		echo
		jq -r '"| page_cnt | " + ([.series[].column] | join(" | ")) + " |",
			"|---|" + ([.series[] | "---"] | join("|")) + "|",
			(range(.page_cnt | length) as $i | "| \(.page_cnt[$i]) | " +
			 ([.series[].ns_per_page[$i] | if . == null then "n/a" else tostring end] | join(" | ")) + " |"),
			(.series[] | select(.note != "") | "\n" + .name + ": " + .note)' "$r"
	done
} >"$tmp/bench.md"
mv "$tmp/bench.md" "$out/bench.md"
echo "bench: wrote $out/bench.md and one SVG per kernel" >&2
