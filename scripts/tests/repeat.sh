#!/usr/bin/env bash
# Repeatability: N consecutive host runs (default 100) give identical
# verdicts. Usage: repeat.sh [N [RUNNER-ARGS...]]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${1:-100}
shift || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One line per case, so that a difference names the case.
verdicts='.cases[] | [.name, .sleepable, .observed, .message, .status, (.run.observed // null)]'

# What the kernel said, for a case that differs (a jq program: $n, $s).
# shellcheck disable=SC2016
said='.cases[] | select(.name == $n and .sleepable == $s)
	| "\(.message) \(.run.message // "")"'

"$root/build/conform" "$@" --json "$tmp/first.json" >/dev/null || true
jq -c "$verdicts" "$tmp/first.json" >"$tmp/first"
for i in $(seq 2 "$runs"); do
	"$root/build/conform" "$@" --json "$tmp/r.json" >/dev/null || true
	jq -c "$verdicts" "$tmp/r.json" >"$tmp/this"
	if ! cmp -s "$tmp/this" "$tmp/first"; then
		echo "repeat: run $i differs from run 1:"
		diff "$tmp/first" "$tmp/this" >"$tmp/diff" || true
		sed 's/^/repeat:   /' "$tmp/diff"
		sed -n 's/^> //p' "$tmp/diff" |
			jq -r '"\(.[0]) \(.[1])"' | while read -r name sleepable; do
				for run in "1 first" "$i r"; do
					echo "repeat: $name (sleepable: $sleepable), run ${run% *}:" \
						"$(jq -r --arg n "$name" --argjson s "$sleepable" "$said" "$tmp/${run#* }.json")"
				done
			done
		exit 1
	fi
done
echo "repeat: $runs runs, identical verdicts ($(wc -l <"$tmp/first") cases each)"
