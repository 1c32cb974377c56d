#!/usr/bin/env bash
#
# bench-compare.sh - does a bench run reproduce an earlier one?
#
# Usage: bench-compare.sh OLD.json NEW.json
#
# For every series and page_cnt, is the new run's median within the old
# run's min-max spread?  Prints a Markdown summary and table
# (runner/bench/bench.c --json files).
#
# -h, --help prints this text.
#
# Exit status: 0 every median measured in both runs is inside, 1 one is
# not, 2 bad input or usage.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

for arg; do
	case $arg in
	-h|--help) usage 0 ;;
	esac
done
if (($# != 2)); then
	echo "usage: bench-compare.sh OLD.json NEW.json" >&2
	exit 2
fi
for f in "$@"; do
	if ! jq -e '.series[0].median and .page_cnt' "$f" >/dev/null 2>&1; then
		echo "bench-compare: $f is not a bench JSON with medians" >&2
		exit 2
	fi
done

out=$(jq -r -n --slurpfile old "$1" --slurpfile new "$2" '
	def fmt: if . == null then "n/a" elif . >= 100 then (round | tostring)
		else (. * 10 | round / 10 | tostring) end;
	$old[0] as $o | $new[0] as $n
	| [range($n.series | length) as $j | range($n.page_cnt | length) as $i
	   | ($o.series[] | select(.name == $n.series[$j].name)) as $os
	   | ($o.page_cnt | index($n.page_cnt[$i])) as $oi
	   | select($oi != null and $os.median[$oi] != null and $n.series[$j].median[$i] != null)
	   | {column: $n.series[$j].column, page_cnt: $n.page_cnt[$i],
	      old: $os.median[$oi], lo: $os.min[$oi], hi: $os.max[$oi],
	      new: $n.series[$j].median[$i]}
	   | .inside = (.new >= .lo and .new <= .hi)] as $rows
	| "\([$rows[] | select(.inside)] | length) of \($rows | length) medians of this run (\($n.repeat) repeats) are within the min–max of the run before (\($o.repeat) repeats).",
	  "",
	  "| series | page_cnt | before: median [min–max] | now: median | within |",
	  "|---|---|---|---|---|",
	  ($rows[] | "| \(.column) | \(.page_cnt) | \(.old | fmt) [\(.lo | fmt)–\(.hi | fmt)] | \(.new | fmt) | \(if .inside then "yes" else "**no**" end) |")
')
printf '%s\n' "$out"
if grep -q '| \*\*no\*\* |$' <<<"$out"; then
	exit 1
fi
