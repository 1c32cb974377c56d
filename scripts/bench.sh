#!/usr/bin/env bash
# make bench: the cost of bpf_arena_free_pages() per page on this kernel
# and on each KERNEL given (in a VM, through vmtest.sh).
#   bench.sh [KERNEL...]
# Writes build/bench/<release>.json and .svg, and build/bench/bench.md.
# TCG timings are emulated: compare them with each other, not with the host.
set -euo pipefail

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
