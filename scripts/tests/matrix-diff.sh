#!/usr/bin/env bash
#
# matrix-diff.sh (test) - scripts/matrix-diff.sh finds each changed cell
#
# Usage: matrix-diff.sh
#
# fixtures/matrix.json against itself: every cell the same, exit 0. Then
# against copies with one cell changed each (a verdict, an observation, the
# verifier's line, a run-stage outcome): exit 1, and that cell named with
# its old and new values. A test and a kernel only one side has are named,
# not compared; -l leaves the run stage out; a file that is not a
# matrix.json is exit 2.
#
# Environment:
#   MATRIX_DIFF  the comparer (default scripts/matrix-diff.sh)
#
# Ends with "matrix-diff: N passed, N failed"; exit 1 if one failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${here%/*/*}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"
diff=${MATRIX_DIFF:-$root/scripts/matrix-diff.sh}
fixture=$here/fixtures/matrix.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The last kernel of the fixture, the newest, has run-stage outcomes.
last=$(jq '.kernels | length - 1' "$fixture")

# changed NAME JQ-UPDATE: the fixture with JQ-UPDATE applied to the last
# kernel's case NAME (plain).
changed() {
	jq --arg n "$1" --argjson i "$last" \
		"(.kernels[\$i].result.cases[] | select(.name == \$n and .sleepable == false)) |= ($2)" \
		"$fixture" >"$tmp/new.json"
}

# expect STATUS STRING ARGS...: matrix-diff.sh ARGS exits STATUS and a line
# of its output has STRING in it.
expect() {
	local want=$1 pattern=$2 got=0
	shift 2
	"$diff" "$@" >"$tmp/out" 2>&1 || got=$?
	((got == want)) || { cat "$tmp/out"; echo "exit $got, expected $want"; return 1; }
	grep -Fq -- "$pattern" "$tmp/out" || { cat "$tmp/out"; echo "no line has: $pattern"; return 1; }
}

kernel=$(jq -r --argjson i "$last" '.kernels[$i].result.kernel' "$fixture")
name=$(jq -r --argjson i "$last" \
	'.kernels[$i].result.cases[] | select(.sleepable == false and .run != null) | .name' \
	"$fixture" | head -1)
[[ -n $name ]] || { echo "the fixture has no case with a run stage"; exit 1; }

check "identical files: every common cell the same, exit 0" \
	expect 0 ' 0 differ; 0 only in' "$fixture" "$fixture"
changed "$name" '.status = "fail"'
check "a verdict changed: exit 1, the cell named" \
	expect 1 "$kernel amd64 $name: accept/pass \"\" run:" "$fixture" "$tmp/new.json"
check "... and its new value" \
	expect 1 "-> accept/fail" "$fixture" "$tmp/new.json"
changed "$name" '.observed = "reject"'
check "an observation changed: exit 1, the cell named" \
	expect 1 "-> reject/pass" "$fixture" "$tmp/new.json"
changed "$name" '.message = "a different decisive line"'
check "the verifier's line changed: exit 1" \
	expect 1 "a different decisive line" "$fixture" "$tmp/new.json"
changed "$name" '.run.observed = "splat"'
check "a run-stage outcome changed: exit 1" \
	expect 1 "run:splat" "$fixture" "$tmp/new.json"
check "-l: the run stage is left out" \
	expect 0 ' 0 differ;' -l "$fixture" "$tmp/new.json"
jq --arg n "$name" 'del(.kernels[].result.cases[] | select(.name == $n))' "$fixture" >"$tmp/new.json"
check "a test only one side has: named, not compared" \
	expect 0 "test only in $fixture: $name" "$fixture" "$tmp/new.json"
jq --argjson i "$last" 'del(.kernels[$i])' "$fixture" >"$tmp/new.json"
check "a kernel only one side has: named" \
	expect 0 "kernel only in $fixture: $kernel amd64" "$fixture" "$tmp/new.json"
echo '{"not": "a matrix"}' >"$tmp/bad.json"
check "not a matrix.json: exit 2" \
	expect 2 'is not a matrix.json' "$fixture" "$tmp/bad.json"
finish matrix-diff
