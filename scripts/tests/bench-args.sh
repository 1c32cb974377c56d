#!/usr/bin/env bash
# Bad input to make bench: the bench binary's options, BENCH_REPEAT,
# BENCH_ROUNDS and bench-compare.sh's arguments. Each must exit 2 with a
# one-line message on stderr, before it measures anything (so this needs
# neither root nor BPF).
#   bench-args.sh   (after make build/bench/bench)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=${BENCH:-$root/build/bench/bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# expect NAME STDERR-REGEX -- COMMAND...: exit 2, one line on stderr.
expect() {
	local name=$1 pattern=$2 rc status lines
	shift 3
	run_errexit "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$status
	lines=$(wc -l <"$tmp/err")
	if [[ $rc == 2 && $lines == 1 ]] && grep -Eq -- "$pattern" "$tmp/err"; then
		ok "$name: exit $rc: $(cat "$tmp/err")"
	else
		not_ok "$name: exit $rc (want 2), stderr:"
		sed 's/^/    /' "$tmp/err"
	fi
}

for r in 0 1001 -3 +3 5x abc ''; do
	expect "--repeat '$r'" "--repeat wants a whole number from 1 to 1000" -- \
		"$bench" --repeat "$r"
done
expect "an option bench lacks" "bad option" -- "$bench" --bogus
expect "--repeat without a value" "missing argument" -- "$bench" --repeat
expect "an argument bench takes none of" "unexpected argument 'extra'" -- \
	"$bench" extra
for r in 0 1001 x -1; do
	expect "BENCH_REPEAT='$r'" "BENCH_REPEAT wants a whole number from 1 to 1000" -- \
		env BENCH_REPEAT="$r" "$root/scripts/bench.sh"
done
for r in 0 101 x; do
	expect "BENCH_ROUNDS='$r'" "BENCH_ROUNDS wants a whole number from 1 to 100" -- \
		env BENCH_ROUNDS="$r" "$root/scripts/bench.sh"
done
expect "fewer than 5 repeats in all" "is 4; each size wants at least 5 repeats" -- \
	env BENCH_ROUNDS=2 BENCH_REPEAT=2 "$root/scripts/bench.sh"
echo '{}' >"$tmp/empty.json"
expect "bench-compare.sh with one file" "usage: bench-compare.sh" -- \
	"$root/scripts/bench-compare.sh" "$tmp/empty.json"
expect "bench-compare.sh on a JSON without medians" "not a bench JSON" -- \
	"$root/scripts/bench-compare.sh" "$tmp/empty.json" "$tmp/empty.json"

finish bench-args
