#!/usr/bin/env bash
# A runner that lies, for mutations.sh. It runs the real runner
# ($FAKE_CONFORM_REAL) with its arguments, then breaks the result as
# $FAKE_CONFORM says:
#   all-skipped     every test skipped (for EPERM), and exit 0
#   exit-1          the real output and JSON, but exit 1
#   no-json         the real output and exit status, but no JSON
#   ignore-version  run without --kernel-version V
#   ignore-objs     run without --objs DIR (so on the default objects)
#   j2-differs      with -j 2, the first accepted test is reported rejected
#   flaky           every other run ($FAKE_CONFORM_STATE counts), likewise
#   always-0        run nothing, print nothing, exit 0
#   passes-skips    every skipped test reported passed, and exit 0 (a runner
#                   that takes an environment's refusal for a verdict)
#   miscounts-calls the first count of its bpf() calls split by command is
#                   ten times what it was
set -euo pipefail

real=${FAKE_CONFORM_REAL:?the real runner}
mode=${FAKE_CONFORM:?a mode}
json=
j2=0
args=()
while (($#)); do
	if [[ $mode == ignore-version && $1 == --kernel-version ]] ||
		[[ $mode == ignore-objs && $1 == --objs ]]; then
		shift 2
		continue
	fi
	case $1 in
	--json) json=${2:-} ;;
	-j) [[ ${2:-} != 2 ]] || j2=1 ;;
	esac
	args+=("$1")
	shift
done
[[ $mode != always-0 ]] || exit 0

rc=0
if [[ $mode == miscounts-calls ]]; then
	out=$(mktemp)
	"$real" "${args[@]}" >"$out" || rc=$?
	sed '/^# time: bpf() by command/s/ (\([0-9]*\) calls)/ (\10 calls)/' "$out"
	rm -f "$out"
	exit "$rc"
fi
"$real" "${args[@]}" || rc=$?

# edit JQ-FILTER: rewrite the JSON, if there is one.
edit() {
	[[ -n $json && -s $json ]] || return 0
	jq "$1" "$json" >"$json.fake"
	mv "$json.fake" "$json"
}

flip='(first(.cases[] | select(.observed == "accept"))) |= (.observed = "reject")'
case $mode in
all-skipped)
	edit '.cases |= map(.observed = "skip" | .status = "skip"
		| .reason = "kernel refuses it: EPERM")
	      | .summary = {pass: 0, fail: 0, skip: (.cases | length)}'
	rc=0
	;;
passes-skips)
	edit '.cases |= map(if .status == "skip" then .status = "pass" else . end)
	      | .summary.pass += .summary.skip | .summary.skip = 0'
	rc=0
	;;
exit-1) rc=1 ;;
no-json) [[ -z $json ]] || rm -f "$json" ;;
j2-differs) ((!j2)) || edit "$flip" ;;
flaky)
	state=${FAKE_CONFORM_STATE:?a counter file}
	n=$(($(cat "$state" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$state"
	((n % 2)) || edit "$flip"
	;;
esac
exit "$rc"
