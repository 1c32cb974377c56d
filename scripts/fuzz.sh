#!/usr/bin/env bash
#
# fuzz.sh - run every libFuzzer target in build/fuzz/ (make fuzz builds them)
#
# Usage: fuzz.sh [-t SECONDS] [-r RUNS]
#
#   -t SECONDS  share SECONDS of fuzzing among the targets (default 60)
#   -r RUNS     RUNS executions per target
#
# Of -t and -r, the last one given counts.  Each target first replays its
# regression inputs (runner/fuzz/regressions/TARGET/), then fuzzes from a
# scratch copy of its seed corpus (runner/fuzz/corpus/TARGET/).  A crash
# is saved as a new regression input and fails the run.  Prints the
# executions per target.
#
# -h, --help prints this text.
#
# Environment: none of its own.
#
# Exit status: 0 no target crashed, 1 one did (a regression input again,
# or a new input), 2 no targets in build/fuzz, or bad usage.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

for arg; do
	case $arg in
	--) break ;;
	-h|--help) usage 0 ;;
	esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
limit=(-max_total_time=60)
total=60
while getopts "t:r:" opt; do
	case $opt in
	t) total=$OPTARG; limit=() ;;
	r) limit=(-runs="$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
(($# == 0)) || usage
targets=("$root"/build/fuzz/fuzz_*)
if [[ ! -x ${targets[0]} ]]; then
	echo "fuzz: no targets in build/fuzz (run make fuzz)" >&2
	exit 2
fi
if ((${#limit[@]} == 0)); then
	limit=(-max_total_time=$((total / ${#targets[@]} > 0 ? total / ${#targets[@]} : 1)))
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

for bin in "${targets[@]}"; do
	name=${bin##*/fuzz_}
	regress=$root/runner/fuzz/regressions/$name
	work=$tmp/$name
	mkdir -p "$work" "$regress"
	cp "$root/runner/fuzz/corpus/$name"/* "$work/" 2>/dev/null || true
	if compgen -G "$regress/*" >/dev/null &&
		! "$bin" "$regress"/* >"$tmp/$name.regress" 2>&1; then
		echo "fuzz_$name: a regression input crashes again:"
		tail -n 30 "$tmp/$name.regress"
		failed=1
		continue
	fi
	if "$bin" "${limit[@]}" -print_final_stats=1 -artifact_prefix="$tmp/$name-" \
		"$work" >"$tmp/$name.log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units:[[:space:]]*[0-9]*' "$tmp/$name.log" |
			grep -o '[0-9]*$')
		secs=$(grep -o 'stat::average_exec_per_sec:[[:space:]]*[0-9]*' "$tmp/$name.log" |
			grep -o '[0-9]*$')
		echo "fuzz_$name: $runs executions ($secs/s), no crash"
	else
		for crash in "$tmp/$name"-*; do
			[[ -e $crash ]] || continue
			cp "$crash" "$regress/"
			echo "fuzz_$name: crash saved as regression input $regress/${crash##*/}"
		done
		tail -n 30 "$tmp/$name.log"
		failed=1
	fi
done
exit $failed
