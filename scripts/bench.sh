#!/usr/bin/env bash
#
# bench.sh - the cost of bpf_arena_free_pages() per page, here and in VMs
#
# Usage: bench.sh [KERNEL...]
#
# What make bench runs, once it has built build/bench/bench, bench-static
# and bench.bpf.o.  Measures on this kernel (which needs root) and on each
# KERNEL given, in a VM through vmtest.sh: anything vmtest.sh -k takes
# ("6.12", "7.0.13", a vmlinuz path).
#
# The measuring is done in BENCH_ROUNDS rounds.  A round is one bench
# process here and one fresh VM boot per KERNEL, each measuring every size
# BENCH_REPEAT times; the rounds follow each other, so the host's are
# spread over the whole run.  Repeats within one process or boot share its
# memory layout (and under TCG its translation cache) and do not show how
# much the next boot differs; pooling rounds does.  The tables give the
# median and the min-max of the repeats of all rounds
# (scripts/bench-merge.jq).
#
# Writes build/bench/RELEASE.json and RELEASE.svg for each kernel, and
# build/bench/bench.md, a table per kernel.  A RELEASE.json of an earlier
# run is kept as RELEASE.prev.json, and bench.md says which medians of this
# run fall outside its min-max.  TCG timings are emulated: compare them
# with each other, not with the host.
#
# -h, --help prints this text.
#
# Environment: BENCH_ROUNDS (default 10, 1 to 100), BENCH_REPEAT (repeats
# per round, default 2, 1 to 1000; rounds x repeats must be at least 5);
# a round takes about 10 s per VM kernel under TCG (4 s of it the boot);
# the VM runs read vmtest.sh's (VMTEST_*, CONFORM_CACHE), except
# VMTEST_RUNNER and VMTEST_PROGS, which bench.sh sets to build/bench's.
#
# Exit status: 0 written, 1 not root (for the host run), 2 bad usage; any
# other failure (a run that left no result, say) is non-zero too.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

for arg; do
	case $arg in
	-h|--help) usage 0 ;;
	-*) echo "bench: unknown option: $arg" >&2; usage ;;
	esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/bench
repeat=${BENCH_REPEAT:-2}
rounds=${BENCH_ROUNDS:-10}

# whole NAME VALUE MAX: VALUE is a whole number from 1 to MAX, or exit 2.
whole() {
	if ! [[ $2 =~ ^[0-9]+$ ]] || ((10#$2 < 1 || 10#$2 > $3)); then
		echo "bench: $1 wants a whole number from 1 to $3, not '$2'" >&2
		exit 2
	fi
}
whole BENCH_REPEAT "$repeat" 1000
whole BENCH_ROUNDS "$rounds" 100
repeat=$((10#$repeat))
rounds=$((10#$rounds))
if ((repeat * rounds < 5)); then
	echo "bench: BENCH_ROUNDS x BENCH_REPEAT is $((repeat * rounds)); each size wants at least 5 repeats" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# run_host FILE: one round here.
run_host() {
	if ((EUID != 0)); then
		echo "bench: the host run needs root" >&2
		exit 1
	fi
	"$out/bench" --objs "$out" --json "$1" --repeat "$repeat" >&2
}

# run_vm KERNEL FILE: one round in a fresh VM.
run_vm() {
	VMTEST_RUNNER=$out/bench-static VMTEST_PROGS=$out \
		"$root/scripts/vmtest.sh" -k "$1" -t $((300 + 60 * repeat)) -o "$2" \
		-- --repeat "$repeat" >&2
}

for ((r = 1; r <= rounds; r++)); do
	echo "bench: round $r of $rounds" >&2
	run_host "$tmp/0.round$r.json"
	i=0
	for k in "$@"; do
		i=$((i + 1))
		run_vm "$k" "$tmp/$i.round$r.json"
	done
done

results=()
for ((i = 0; i <= $#; i++)); do
	jq -s -f "$root/scripts/bench-merge.jq" "$tmp/$i".round*.json >"$tmp/$i.json"
	results+=("$tmp/$i.json")
done

# shellcheck disable=SC2016 # jq programs, not shell expansions
fmt='def fmt: if . == null then "n/a" elif . >= 100 then (round | tostring)
	else (. * 10 | round / 10 | tostring) end;'

runs=$(jq -r '"\(.runs_per_repeat | min) to \(.runs_per_repeat | max)"' "${results[0]}")
total=$(jq -r .repeat "${results[0]}")
{
	echo "# bpf_arena_free_pages: ns per page"
	echo
	echo "Timed inside BPF around the call (bpf_ktime_get_ns). Each size is"
	echo "measured $total times: $rounds rounds (one process here, one VM boot per"
	echo "kernel) of $repeat repeats, the repeats of all series and sizes"
	echo "interleaved; a repeat is the mean over $runs calls. Cells are the median of"
	echo "the repeats of all rounds [min–max]. munmap() and madvise(MADV_DONTNEED) drop the same number"
	echo "of touched anonymous pages from user space. The XDP series runs in batches"
	echo "that fit the 1024-page arena; after each batch the bench waits (at most 2 s)"
	echo "until a sleepable program can allocate the whole arena again, that is,"
	echo "until every deferred free has landed. VM columns ran under TCG emulation:"
	echo "compare them with each other, not with the host."
	for r in "${results[@]}"; do
		release=$(jq -r .kernel "$r")
		prev=
		if jq -e '.series[0].median' "$out/$release.json" >/dev/null 2>&1; then
			mv -f "$out/$release.json" "$out/$release.prev.json"
			prev=$out/$release.prev.json
		fi
		cp "$r" "$out/$release.json"
		jq -r -f "$root/scripts/bench-svg.jq" "$r" >"$out/$release.svg"
		echo
		echo "## $release ([plot]($release.svg))"
		echo
		jq -r "$fmt"'. as $d
			| "| page_cnt | " + ([.series[].column] | join(" | ")) + " |",
			"|---|" + ([.series[] | "---"] | join("|")) + "|",
			(range(.page_cnt | length) as $i | "| \(.page_cnt[$i]) | " +
			 ([.series[] | if .median[$i] == null then "n/a"
			   else "\(.median[$i] | fmt) [\(.min[$i] | fmt)–\(.max[$i] | fmt)]" end]
			  | join(" | ")) + " |"),
			(.series[] | select(.note != "") | "\n" + .name + ": " + .note),
			(.series[] | select(.finding != "") | "\n**Finding**, " + .name + ": " + .finding),
			(.series[] | select(.wait) | . as $s | .wait as $w |
			 "\nDeferred frees of the XDP series: time from the end of a batch until",
			 "the whole arena could be allocated again (µs, probe included; the probe",
			 "alone, on an idle arena, takes \($w.idle_probe_us | fmt) µs):\n",
			 "| page_cnt | waits | median [max] µs | first probe failed | gave up | allocations failed |",
			 "|---|---|---|---|---|---|",
			 (range($w.waits | length) as $i | select($w.waits[$i] > 0) |
			  "| \($d.page_cnt[$i]) | \($w.waits[$i]) | \($w.median_us[$i] | fmt) [\($w.max_us[$i] | fmt)] | \($w.retried[$i]) | \($w.timeouts[$i]) | \($s.failed[$i]) of \($s.allocations[$i]) |"))' "$r"
		if [[ -n $prev ]]; then
			echo
			echo "### $release against the run before"
			echo
			"$root/scripts/bench-compare.sh" "$prev" "$r" || true
		fi
	done
} >"$tmp/bench.md"
mv "$tmp/bench.md" "$out/bench.md"
echo "bench: wrote $out/bench.md and one SVG per kernel" >&2
