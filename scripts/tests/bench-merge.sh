#!/usr/bin/env bash
#
# bench-merge.sh (test) - scripts/bench-merge.jq pools make bench's rounds
#
# Usage: bench-merge.sh
#
# Three made-up rounds of one kernel, with known repeats, waits and counts
# (a repeat that failed is null, a size with no repeat at all is null
# throughout). Pooled, each size's median, min and max must be those of
# every round's repeats, counts the sums, and the waits' median that of
# every wait; the result must still be a bench JSON that bench-compare.sh
# and the plot take. Rounds of two kernels, or of different series, are
# an error.
#
# Environment:
#   BENCH_MERGE  the merge program (default scripts/bench-merge.jq)
#
# Ends with "bench-merge: N passed, N failed"; exit 1 if one failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${here%/*/*}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
merge=${BENCH_MERGE:-$root/scripts/bench-merge.jq}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# round N KERNEL REPEATS-AT-1 REPEATS-AT-2 WAITS-AT-1: one round's bench
# JSON, two sizes, a kfunc series with waits and a baseline without.
round() {
	jq -n --arg k "$2" --argjson r1 "$3" --argjson r2 "$4" --argjson w "$5" '{
		kernel: $k, unit: "ns per page", repeat: ($r1 | length),
		method: "m", page_cnt: [1, 2], runs_per_repeat: [10, 10],
		series: [
			{name: "kfunc", column: "K", note: "", finding: "",
			 repeats: [$r1, $r2], median: [0, 0], min: [0, 0], max: [0, 0],
			 allocations: [100, 50], failed: [1, 0],
			 wait: {what: "w", limit_us: 2000000, idle_probe_us: ($w | length),
				samples_us: [$w, []], median_us: [0, null], max_us: [0, null],
				waits: [($w | length), 0], retried: [1, 0], timeouts: [0, 0]}},
			{name: "munmap()", column: "munmap", note: "", finding: "",
			 repeats: [$r1 | map(if . == null then null else . + 1 end), $r2], median: [0, 0],
			 min: [0, 0], max: [0, 0]}
		]}' >"$tmp/round$1.json"
}
round 1 k '[10, 20, 30]' '[null, null, null]' '[5, 7]'
round 2 k '[40, 50]' '[null, null]' '[100]'
round 3 k '[1, null]' '[null, null]' '[6, 8, 9]'

jq -s -f "$merge" "$tmp"/round{1,2,3}.json >"$tmp/merged.json"

# is JQ-EXPR: the merged result makes JQ-EXPR true.
is() {
	if ! jq -e "$1" "$tmp/merged.json" >/dev/null; then
		echo "false: $1" >&2
		return 1
	fi
}

check "every round's repeats are pooled" \
	is '.series[0].repeats[0] == [10, 20, 30, 40, 50, 1, null]'
check "the median is over every round's repeats (25 of 1, 10, 20, 30, 40, 50)" \
	is '.series[0].median[0] == 25 and .series[1].median[0] == 26'
check "min and max are over every round's repeats" \
	is '.series[0].min[0] == 1 and .series[0].max[0] == 50'
check "a size no round measured stays null" \
	is '.series[0].median[1] == null and .series[0].min[1] == null and .series[0].max[1] == null'
check "repeat counts them all, rounds says how many rounds" \
	is '.repeat == 7 and .rounds == 3'
check "allocation and wait counts are summed" \
	is '.series[0].allocations == [300, 150] and .series[0].failed == [3, 0]
	    and .series[0].wait.waits == [6, 0] and .series[0].wait.retried == [3, 0]'
check "the waits' median and max are over every wait" \
	is '.series[0].wait.median_us[0] == 7.5 and .series[0].wait.max_us[0] == 100
	    and .series[0].wait.median_us[1] == null'
check "the idle probe is the median of the rounds'" \
	is '.series[0].wait.idle_probe_us == 2'
check "a series without waits gets none" \
	is '.series[1] | has("wait") | not'
check "the result is a bench JSON for bench-compare.sh" \
	"$root/scripts/bench-compare.sh" "$tmp/merged.json" "$tmp/merged.json"
# shellcheck disable=SC2016 # expanded by the inner shell
check "the result can be plotted" \
	bash -c 'jq -r -f "$1" "$2" | grep -q "<svg"' _ "$root/scripts/bench-svg.jq" "$tmp/merged.json"

# refused WHAT FILE...: merging FILEs fails, and says that they differ in WHAT.
refused() {
	local what=$1 status
	shift
	run_errexit jq -s -f "$merge" "$@" >/dev/null 2>"$tmp/err"
	if ((status == 0)) || ! grep -q "the rounds differ in $what" "$tmp/err"; then
		echo "merged (exit $status), stderr: $(cat "$tmp/err")" >&2
		return 1
	fi
}
round 4 other '[1, 2]' '[3, 4]' '[1]'
check "rounds of two kernels are an error" refused kernel "$tmp/round1.json" "$tmp/round4.json"
jq '.series[1].name = "madvise()"' "$tmp/round2.json" >"$tmp/round5.json"
check "rounds of different series are an error" refused series "$tmp/round1.json" "$tmp/round5.json"

finish bench-merge
