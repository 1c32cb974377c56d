#!/usr/bin/env bash
# A whole host run under valgrind: no memory errors, no definite or
# indirect leaks, and no file descriptor left open that the runner opened.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
log=$(mktemp)
# Valgrind runs its own translation of the runner's code, so the breakpoint
# an uprobe writes into the runner's text is a SIGTRAP under it: the uprobe
# cases run everywhere else (make test's live suite), not here.
uprobes='uprobe*,uretprobe*'
trap 'rm -f "$log"' EXIT

valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--track-fds=yes --child-silent-after-fork=yes --error-exitcode=9 \
	--suppressions="$root/scripts/valgrind.supp" --log-file="$log" \
	"$root/build/conform" -d "$uprobes" "$@" >/dev/null || {
	rc=$?
	cat "$log"
	echo "valgrind: exit $rc"
	exit 1
}
# Every fd open at exit beyond stdin/out/err must come from our parent.
leaked=$(awk '/Open file descriptor [0-9]+:/ { fd = $0; getline;
	if ($0 !~ /inherited from parent/) print fd }' "$log")
grep 'FILE DESCRIPTORS' "$log" || true
grep -E 'ERROR SUMMARY|definitely lost|indirectly lost' "$log" || true
if [[ -n $leaked ]]; then
	echo "valgrind: leaked file descriptors:"
	echo "$leaked"
	exit 1
fi
echo "valgrind: no errors, no leaks, no leaked file descriptors"
