#!/usr/bin/env bash
# Every scripts/*.sh --help: exit 0, the whole usage on stdout, nothing
# else done.  A script run with --help must not do its work, so a script
# without a --help case label ("-h|--help)" or "--help)") is not run at
# all: it is reported as "# TODO", not passed.  A sourced library (not
# executable) that handles --help is checked too, through bash.
# Ends with "help: N passed, N failed".
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

handles_help() {
	grep -Eq '^[[:space:]]*(-h\|)?--help(\|-h)?\)' "$1"
}

# The header comment of a script: its lines from the third to the first
# that is not a comment, without "# ".
header() {
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$1"
}

# help SCRIPT [INTERPRETER]: --help exits 0 and prints its usage on stdout
# (naming the script) and nothing on stderr, in a scratch directory, with
# a scratch cache, in at most 20 s.  If the header comment is a usage text
# ("Usage:"), all of it is printed: no usage cut off mid-sentence.
help() {
	local script=$1 name=${1##*/} rc=0
	shift
	mkdir -p "$tmp/$name.cwd"
	(cd "$tmp/$name.cwd" && CONFORM_CACHE=$tmp/cache timeout 20 "$@" "$script" --help) \
		>"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || rc=$?
	if ((rc != 0)); then
		echo "$name --help: exit $rc"
		head -n 20 "$tmp/$name.out" "$tmp/$name.err"
		return 1
	fi
	if [[ -s $tmp/$name.err ]]; then
		echo "$name --help wrote to stderr:"
		head -n 20 "$tmp/$name.err"
		return 1
	fi
	[[ -s $tmp/$name.out ]]
	grep -q "${name%.sh}" "$tmp/$name.out"
	header "$script" >"$tmp/$name.header"
	if grep -q 'Usage' "$tmp/$name.header" &&
	   ! diff "$tmp/$name.header" "$tmp/$name.out" >"$tmp/$name.diff"; then
		echo "$name --help is not all of its usage (header comment):"
		head -n 20 "$tmp/$name.diff"
		return 1
	fi
}

todo=()
for script in "$root"/scripts/*.sh; do
	name=${script##*/}
	if ! handles_help "$script"; then
		if [[ -x $script ]]; then
			todo+=("$name")
			echo "not ok - $name --help # TODO no --help case label (not run: it would do its work)"
		else
			echo "ok - $name # SKIP a sourced library without --help"
		fi
		continue
	fi
	if [[ -x $script ]]; then
		check "$name --help: exit 0, its whole usage on stdout" help "$script"
	else
		check "$name --help (a sourced library, run with bash): exit 0, its usage" \
			help "$script" bash
	fi
done
if ((${#todo[@]})); then
	echo "# TODO: no --help yet: ${todo[*]}"
fi

finish help
