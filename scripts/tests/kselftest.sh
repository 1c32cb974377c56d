#!/usr/bin/env bash
# scripts/install.sh and the installed suite, run as kselftest runs it:
#   the install holds what it should and can be moved anywhere,
#   run_tests prints KTAP and exits 0 (pass), 1 (fail) or 4 (skip),
#   a small equivalent of kselftest's runner.sh (settings timeout,
#   KSELFTEST_RUN_TESTS_ARGS, "# "-prefixed nested KTAP, ok/not ok/SKIP)
#   gives the results kselftest would,
#   a failed install leaves nothing half-written.
# Runs on the host, as root.  Ends with "kselftest: N passed, N failed".
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# The skip test runs the suite as nobody, who must reach the install.
chmod 755 "$tmp"
inst=$tmp/arena_conform

# exits CODE OUT COMMAND...: COMMAND exits CODE; its output goes to OUT.
exits() {
	local code=$1 out=$2 rc=0
	shift 2
	"$@" >"$out" 2>&1 || rc=$?
	if ((rc != code)); then
		echo "exit $rc, want $code"
		tail -n 20 "$out"
		return 1
	fi
}

# ksft_run DIR: run DIR/run_tests the way kselftest's runner.sh does (one
# collection, one test), and exit as run_kselftest.sh would: 1 if the test
# failed, else 0.  Arguments come from KSELFTEST_RUN_TESTS_ARGS, split on
# blanks, and the timeout from DIR/settings (45 s without one).
ksft_run() {
	local dir=$1 timeout=45 line rc=0
	local -a args=()

	if [[ -r $dir/settings ]]; then
		while IFS= read -r line; do
			[[ $line == \#* ]] && continue
			if [[ ${line%%=*} == timeout ]]; then
				timeout=${line#*=}
			fi
		done <"$dir/settings"
	fi
	read -r -a args <<<"${KSELFTEST_RUN_TESTS_ARGS:-}"

	echo "TAP version 13"
	echo "1..1"
	echo "# timeout set to $timeout"
	echo "# selftests: arena_conform: run_tests"
	(
		cd "$dir"
		set +e
		timeout "$timeout" ./run_tests "${args[@]}" 2>&1 | sed 's/^/# /'
		exit "${PIPESTATUS[0]}"
	) || rc=$?
	case $rc in
	0)	echo "ok 1 selftests: arena_conform: run_tests" ;;
	4)	echo "ok 1 selftests: arena_conform: run_tests # SKIP" ;;
	124)	echo "not ok 1 selftests: arena_conform: run_tests # TIMEOUT $timeout seconds"
		return 1 ;;
	*)	echo "not ok 1 selftests: arena_conform: run_tests # exit=$rc"
		return 1 ;;
	esac
}

# --- The install ------------------------------------------------------------

check "install.sh installs" "$root/scripts/install.sh" "$inst"

installed_files() {
	[[ -x $inst/conform && -x $inst/run_tests && -f $inst/config &&
	   -f $inst/settings ]] || { ls -la "$inst"; return 1; }
	if readelf -l "$inst/conform" | grep -q INTERP; then
		echo "conform is dynamically linked"
		return 1
	fi
	[[ $(head -n 1 "$inst/run_tests") == '#!/bin/sh' ]]
	cmp "$root/scripts/config" "$inst/config"
	grep -Eqx 'timeout=[1-9][0-9]*' "$inst/settings"
	diff <(cd "$root/build/progs" && printf '%s\n' ./*.bpf.o) \
	     <(cd "$inst/progs" && printf '%s\n' ./*.bpf.o)
	diff -r "$root/expected" "$inst/expected"
}
check "the install holds conform (static), progs, expected, config, settings, run_tests" \
	installed_files

# --- run_tests on its own ---------------------------------------------------

# From another directory: run_tests finds conform, conform its files.
passes() {
	(cd / && exits 0 "$tmp/pass.out" "$inst/run_tests" -a xdp)
	grep -qx 'KTAP version 1' "$tmp/pass.out"
	grep -qx '1\.\.2' "$tmp/pass.out"
	grep -qx 'ok 1 xdp' "$tmp/pass.out"
	grep -qx 'ok 2 xdp.s' "$tmp/pass.out"
}
check "run_tests -a xdp: KTAP, exit 0" passes

# A deliberately wrong expectations directory: xdp accepted everywhere.
mkdir "$tmp/wrong"
printf 'xdp\tany\t*\taccept\n' >"$tmp/wrong/wrong.rules"
fails() {
	exits 1 "$tmp/fail.out" "$inst/run_tests" -a xdp --expected "$tmp/wrong"
	grep -qx 'not ok 1 xdp' "$tmp/fail.out"
}
check "run_tests with wrong expectations: exit 1" fails

# Not root: the runner cannot load anything, which kselftest calls a skip.
skips() {
	exits 4 "$tmp/skip.out" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$inst/run_tests" -a xdp
	grep -q 'must run as root' "$tmp/skip.out"
}
check "run_tests as nobody: exit 4 (skip)" skips

# The runner's 2 (bad usage) would mean KSFT_XFAIL to kselftest.
bad_usage() {
	exits 1 "$tmp/usage.out" "$inst/run_tests" -a no_such_test
	grep -q '^# run_tests: conform exited 2' "$tmp/usage.out"
}
check "run_tests with bad arguments: exit 1, not 2" bad_usage

# Self-contained: moved elsewhere, it still finds progs/ and expected/.
relocated() {
	mv "$inst" "$tmp/moved"
	exits 0 "$tmp/moved.out" "$tmp/moved/run_tests" -a xdp
	mv "$tmp/moved" "$inst"
}
check "the install works after being moved" relocated

# --- Under a kselftest-style runner -----------------------------------------

ksft_pass() {
	KSELFTEST_RUN_TESTS_ARGS="-a xdp" exits 0 "$tmp/k-pass.out" ksft_run "$inst"
	grep -qx '# timeout set to [1-9][0-9]*' "$tmp/k-pass.out"
	grep -qx '# KTAP version 1' "$tmp/k-pass.out"
	grep -qx '# ok 1 xdp' "$tmp/k-pass.out"
	grep -qx 'ok 1 selftests: arena_conform: run_tests' "$tmp/k-pass.out"
}
check "kselftest runner: nested KTAP, ok, exit 0" ksft_pass

ksft_fail() {
	KSELFTEST_RUN_TESTS_ARGS="-a xdp --expected $tmp/wrong" \
		exits 1 "$tmp/k-fail.out" ksft_run "$inst"
	grep -qx '# not ok 1 xdp' "$tmp/k-fail.out"
	grep -qx 'not ok 1 selftests: arena_conform: run_tests # exit=1' "$tmp/k-fail.out"
}
check "kselftest runner, wrong expectations: not ok, exit 1" ksft_fail

ksft_skip() {
	KSELFTEST_RUN_TESTS_ARGS="-a xdp" exits 0 "$tmp/k-skip.out" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		bash -c "$(declare -f ksft_run); ksft_run '$inst'"
	grep -qx 'ok 1 selftests: arena_conform: run_tests # SKIP' "$tmp/k-skip.out"
}
check "kselftest runner as nobody: ok # SKIP, exit 0" ksft_skip

# --- A failed install -------------------------------------------------------

# An "install" command that fails on the expectations, half-way through.
mkdir "$tmp/bin"
cat >"$tmp/bin/install" <<'EOF'
#!/bin/sh
case "$*" in
*expected*)	echo "install: simulated failure" >&2; exit 1 ;;
esac
exec /usr/bin/install "$@"
EOF
chmod 755 "$tmp/bin/install"

half_fresh() {
	exits 1 "$tmp/half.out" env PATH="$tmp/bin:$PATH" \
		"$root/scripts/install.sh" "$tmp/fresh"
	[[ ! -e $tmp/fresh ]]
	[[ -z $(find "$tmp" -maxdepth 1 -name '.fresh.*') ]]
}
check "a failed install leaves no directory and no debris" half_fresh

half_over() {
	touch "$inst/marker"
	exits 1 "$tmp/half2.out" env PATH="$tmp/bin:$PATH" \
		"$root/scripts/install.sh" "$inst"
	[[ -f $inst/marker && -x $inst/conform ]]
	[[ -z $(find "$tmp" -maxdepth 1 -name '.arena_conform.*') ]]
}
check "a failed reinstall leaves the old install as it was" half_over

not_ours() {
	mkdir "$tmp/theirs"
	touch "$tmp/theirs/precious"
	exits 1 "$tmp/theirs.out" "$root/scripts/install.sh" "$tmp/theirs"
	[[ -f $tmp/theirs/precious && ! -e $tmp/theirs/conform ]]
}
check "install.sh does not replace a directory that is not an install" not_ours

reinstall() {
	exits 0 "$tmp/re.out" "$root/scripts/install.sh" "$inst"
	[[ ! -e $inst/marker && -x $inst/run_tests ]]
	[[ -z $(find "$tmp" -maxdepth 1 -name '.arena_conform.*') ]]
}
check "a reinstall replaces the old install" reinstall

finish kselftest
