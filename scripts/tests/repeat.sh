#!/usr/bin/env bash
# Repeatability: N consecutive host runs (default 100) give identical
# verdicts. Usage: repeat.sh [N [RUNNER-ARGS...]]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${1:-100}
shift || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
verdicts='[.cases[] | [.name, .sleepable, .observed, .message, .status, (.run.observed // null)]]'

"$root/build/conform" "$@" --json "$tmp/r.json" >/dev/null || true
jq -c "$verdicts" "$tmp/r.json" >"$tmp/first"
for i in $(seq 2 "$runs"); do
	"$root/build/conform" "$@" --json "$tmp/r.json" >/dev/null || true
	if ! jq -c "$verdicts" "$tmp/r.json" | cmp -s - "$tmp/first"; then
		echo "repeat: run $i differs from run 1"
		exit 1
	fi
done
echo "repeat: $runs runs, identical verdicts ($(jq length "$tmp/first") tests each)"
