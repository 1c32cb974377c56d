#!/usr/bin/env bash
# Every scripts/*.sh --help and -h: exit 0, the whole usage on stdout,
# nothing else done.  A script run with --help must not do its work, so a
# script without a case label for both ("-h|--help)") is not run at all:
# it fails.  A sourced library (not executable) that handles them is
# checked too, through bash; one that does not is skipped.
# Ends with "help: N passed, N failed".
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

handles_help() {
	grep -Eq '^[[:space:]]*(-h\|--help|--help\|-h)\)' "$1"
}

# The header comment of a script: its lines from the third to the first
# that is not a comment, without "# ".
header() {
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$1"
}

# help FLAG SCRIPT [INTERPRETER]: SCRIPT FLAG (--help or -h) exits 0 and
# prints its usage on stdout (naming the script) and nothing on stderr, in
# a scratch directory, with a scratch cache, in at most 20 s.  If the
# header comment is a usage text ("Usage:"), all of it is printed: no
# usage cut off mid-sentence.
help() {
	local flag=$1 script=$2 name=${2##*/} rc=0
	local out=$tmp/$name$1
	shift 2
	mkdir -p "$out.cwd"
	(cd "$out.cwd" && CONFORM_CACHE=$tmp/cache timeout 20 "$@" "$script" "$flag") \
		>"$out.out" 2>"$out.err" </dev/null || rc=$?
	if ((rc != 0)); then
		echo "$name $flag: exit $rc"
		head -n 20 "$out.out" "$out.err"
		return 1
	fi
	if [[ -s $out.err ]]; then
		echo "$name $flag wrote to stderr:"
		head -n 20 "$out.err"
		return 1
	fi
	[[ -s $out.out ]]
	grep -q "${name%.sh}" "$out.out"
	header "$script" >"$out.header"
	if grep -q 'Usage' "$out.header" &&
	   ! diff "$out.header" "$out.out" >"$out.diff"; then
		echo "$name $flag is not all of its usage (header comment):"
		head -n 20 "$out.diff"
		return 1
	fi
}

for script in "$root"/scripts/*.sh; do
	name=${script##*/}
	if ! handles_help "$script"; then
		if [[ -x $script ]]; then
			not_ok "$name --help, -h: no -h|--help case label (not run: it would do its work)"
		else
			echo "ok - $name # SKIP a sourced library without --help"
		fi
		continue
	fi
	for flag in --help -h; do
		if [[ -x $script ]]; then
			check "$name $flag: exit 0, its whole usage on stdout" help "$flag" "$script"
		else
			check "$name $flag (a sourced library, run with bash): exit 0, its usage" \
				help "$flag" "$script" bash
		fi
	done
done
finish help
