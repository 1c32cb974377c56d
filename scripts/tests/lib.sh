# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the tests beside it: "ok"/"not ok" lines, their count, and the
# closing "NAME: N passed, N failed" line. check() writes into $tmp.
# shellcheck disable=SC2154 # tmp is the sourcing test's scratch directory

# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib.sh"

pass=0
fail=0

ok()
{
	echo "ok - $*"
	pass=$((pass + 1))
}

not_ok()
{
	echo "not ok - $*"
	fail=$((fail + 1))
}

# check NAME COMMAND...: one test. COMMAND runs in a subshell with set -e in
# force (an "if" would switch it off), so every step of it must succeed;
# its output is shown if it fails.
check()
{
	local name=$1 status
	shift
	run_errexit "$@" >"$tmp/check.out" 2>&1
	if ((status == 0)); then
		ok "$name"
	else
		not_ok "$name"
		sed 's/^/    /' "$tmp/check.out" | tail -n 25
	fi
}

# finish NAME: the count; the status says whether everything passed.
finish()
{
	echo "$1: $pass passed, $fail failed"
	((fail == 0))
}
