#!/usr/bin/env bash
# scripts/install.sh and the installed suite, run by kselftest itself:
#   the install holds what it should, its Makefile follows lib.mk's
#   conventions and its entry point is not one of lib.mk's targets,
#   arena_conform.sh prints KTAP and exits 0 (pass), 1 (fail) or 4 (skip),
#   also after being moved;
#   copied into a stand-in kernel tree made of the real kselftest files of
#   Debian's linux-source-6.1 (scripts/fetch-selftests.sh: Makefile, lib.mk,
#   kselftest/runner.sh, run_kselftest.sh, kselftest_install.sh ...), it
#   runs on this kernel with "make -C tools/testing/selftests
#   TARGETS=bpf_arena_conform run_tests" (also out of tree, O=), and
#   kselftest_install.sh installs it for run_kselftest.sh: each prints the
#   runner's KTAP nested in kselftest's TAP, and ok, not ok # exit=1 or
#   ok # SKIP as the suite passes, fails or skips;
#   a failed install leaves nothing half-written.
# Runs on the host, as root.  The stand-in is downloaded once (about
# 140 MB), then comes from the cache, with no network (checked).  Ends
# with "kselftest: N passed, N failed"; with CONFORM_FAIL_FAST=1, at the
# first failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# CONFORM_FAIL_FAST=1 (mutations.sh): stop at the first check that fails.
eval "lib_$(declare -f check)"
check() {
	lib_check "$@"
	if [[ ${CONFORM_FAIL_FAST:-} == 1 ]] && ((fail)); then
		finish kselftest || exit 1
	fi
}
# The skip tests run the suite as nobody, who must reach it.
chmod 755 "$tmp"
inst=$tmp/arena_conform
target=bpf_arena_conform	# the directory under tools/testing/selftests
entry=arena_conform.sh		# the entry point
entry_var=KSELFTEST_ARENA_CONFORM_SH_ARGS	# runner.sh's name for its arguments
tree=$tmp/linux			# the stand-in kernel tree
selftests=$tree/tools/testing/selftests
ksft=$tmp/kselftest_install	# what kselftest_install.sh installs

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

# capture OUT COMMAND...: COMMAND's output (stdout and stderr) to OUT, a
# file open for appending that nobody may write too.  runner.sh writes the
# test's output through /dev/stdout opened anew, for appending: had OUT
# been opened with ">", kselftest's own lines, written at the first
# descriptor's offset, would overwrite it; and nobody could not open it.
capture() {
	local out=$1
	shift
	: >"$out"
	chown 65534:65534 "$out"
	"$@" >>"$out" 2>&1
}

# args ARGS COMMAND...: COMMAND with ARGS as the entry point's arguments,
# in runner.sh's variable for them (exported in check's subshell).
args() {
	export "$entry_var=$1"
	shift
	"$@"
}

# as_nobody COMMAND...: COMMAND as nobody, without root's groups.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# ktap OUT: OUT is one KTAP document with a plan of at least one test and
# as many results, numbered in order.  Prints the results.
ktap() {
	awk '
	NR == 1 && $0 != "KTAP version 1" { print "first line: " $0; bad = 1; exit }
	/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; next }
	/^(not )?ok [0-9]+ / {
		n++
		num = $0; sub(/^(not )?ok /, "", num); sub(/ .*/, "", num)
		if (num + 0 != n) { print "result " n " is numbered " num; bad = 1 }
		print
	}
	END {
		if (bad) exit 1
		if (plan < 1 || n != plan) { print "plan " plan ", results " n; exit 1 }
	}' "$1"
}

# nested OUT: the KTAP that kselftest's runner.sh nested in its TAP in OUT
# (one test), without its "# " prefix.
nested() {
	sed -n "/^# selftests: $target: $entry\$/,/^\(not \)\{0,1\}ok 1 selftests: /p" "$1" |
		sed '1d;$d' | sed -n 's/^# //p'
}

# ksft_tap OUT RESULT: OUT holds kselftest's TAP for our one test, whose
# result line is RESULT, and the runner's KTAP nested in it.
ksft_tap() {
	local out=$1 result=$2
	grep -qx 'TAP version 13' "$out"
	grep -qx '1\.\.1' "$out"
	grep -qx "# selftests: $target: $entry" "$out"
	grep -qx "$result" "$out"
	nested "$out" >"$out.nested"
	ktap "$out.nested" >"$out.results"
}

# --- The install ------------------------------------------------------------

check "install.sh installs" "$root/scripts/install.sh" "$inst"

installed_files() {
	[[ -f $inst/Makefile && -x $inst/$entry && -x $inst/conform &&
	   -f $inst/config && -f $inst/settings ]] || { ls -la "$inst"; return 1; }
	if readelf -l "$inst/conform" | grep -q INTERP; then
		echo "conform is dynamically linked"
		return 1
	fi
	[[ $(head -n 1 "$inst/$entry") == '#!/bin/sh' ]]
	cmp "$root/scripts/config" "$inst/config"
	grep -Eqx 'timeout=[1-9][0-9]*' "$inst/settings"
	diff <(cd "$root/build/progs" && printf '%s\n' ./*.bpf.o) \
	     <(cd "$inst/progs" && printf '%s\n' ./*.bpf.o)
	diff -r "$root/expected" "$inst/expected"
}
check "the install holds Makefile, $entry, conform (static), progs, expected, config, settings" \
	installed_files

# --- The entry point on its own ---------------------------------------------

# From another directory: the entry point finds conform, conform its files.
passes() {
	(cd / && exits 0 "$tmp/pass.out" "$inst/$entry" -a xdp)
	ktap "$tmp/pass.out" >"$tmp/pass.results"
	grep -qx 'ok 1 xdp' "$tmp/pass.results"
	grep -qx 'ok 2 xdp.s' "$tmp/pass.results"
}
check "$entry -a xdp: KTAP, exit 0" passes

# A deliberately wrong expectations directory: xdp accepted everywhere.
mkdir "$tmp/wrong"
printf 'xdp\tany\t*\taccept\n' >"$tmp/wrong/wrong.rules"
fails() {
	exits 1 "$tmp/fail.out" "$inst/$entry" -a xdp --expected "$tmp/wrong"
	ktap "$tmp/fail.out" >"$tmp/fail.results"
	grep -qx 'not ok 1 xdp' "$tmp/fail.results"
}
check "$entry with wrong expectations: exit 1" fails

# Not root: the runner cannot load anything, which kselftest calls a skip.
skips() {
	exits 4 "$tmp/skip.out" as_nobody "$inst/$entry" -a xdp
	grep -q 'must run as root' "$tmp/skip.out"
}
check "$entry as nobody: exit 4 (skip)" skips

# The runner's 2 (bad usage) would mean KSFT_XFAIL to kselftest.
bad_usage() {
	exits 1 "$tmp/usage.out" "$inst/$entry" -a no_such_test
	grep -q "^# $entry: conform exited 2" "$tmp/usage.out"
}
check "$entry with bad arguments: exit 1, not 2" bad_usage

# Self-contained: moved elsewhere, it still finds progs/ and expected/.
relocated() {
	mv "$inst" "$tmp/moved"
	exits 0 "$tmp/moved.out" "$tmp/moved/$entry" -a xdp
	mv "$tmp/moved" "$inst"
}
check "the install works after being moved" relocated

# --- In a kernel tree: the stand-in from Debian's linux-source ---------------

standin() {
	local src
	command -v rsync >/dev/null ||
		{ echo "rsync missing: lib.mk installs with it (apt-get install rsync)"; return 1; }
	src=$("$root/scripts/fetch-selftests.sh")
	grep -E '^(package|version|sha256):' "$src/source"
	cp -a "$src" "$tree"
	cp -a "$inst" "$selftests/$target"
}
check "a stand-in kernel tree: the kselftest files of Debian's linux-source-6.1" standin

# The second time, it comes from the cache: no network needed.
offline() {
	local src
	src=$(unshare --net "$root/scripts/fetch-selftests.sh")
	[[ -f $src/source ]]
	diff -r -x bpf_arena_conform "$src" "$tree"
}
check "the stand-in again, without network (unshare --net): from the cache" offline

# The Makefile, read by the real lib.mk: TEST_PROGS is the entry point
# (what run_tests runs and emit_tests lists), and that is none of lib.mk's
# own targets (its .PHONY line).
makefile_conventions() {
	local targets
	grep -qx 'include \.\./lib\.mk' "$selftests/$target/Makefile"
	exits 0 "$tmp/emit.out" make -s --no-print-directory -C "$selftests/$target" \
		COLLECTION="$target" emit_tests
	grep -qx "$target:$entry" "$tmp/emit.out"
	targets=$(sed -n 's/^\.PHONY://p' "$selftests/lib.mk")
	[[ -n $targets ]]
	echo "lib.mk's targets: $targets"
	for t in $targets; do
		[[ $t != "$entry" ]] || { echo "the entry point is lib.mk's target $t"; return 1; }
	done
}
check "lib.mk reads the Makefile: emit_tests lists $target:$entry, not a lib.mk target" \
	makefile_conventions

# make_run_tests OUT [MAKE-ARGS...]: the kernel tree's way to run a target.
make_run_tests() {
	local out=$1
	shift
	capture "$out" make -C "$selftests" TARGETS="$target" "$@" run_tests
}

# The whole suite on this kernel, as the runner alone says it.
"$inst/$entry" >"$tmp/direct.out" 2>&1 || true
ktap "$tmp/direct.out" >"$tmp/direct.results" || true

tree_pass() {
	make_run_tests "$tmp/mk-pass.out"
	ksft_tap "$tmp/mk-pass.out" "ok 1 selftests: $target: $entry"
	if grep '^not ok' "$tmp/mk-pass.out.results"; then return 1; fi
	diff "$tmp/direct.results" "$tmp/mk-pass.out.results"
}
check "make TARGETS=$target run_tests: the suite's KTAP nested, ok 1" tree_pass

tree_fail() {
	args "-a xdp --expected $tmp/wrong" make_run_tests "$tmp/mk-fail.out"
	ksft_tap "$tmp/mk-fail.out" "not ok 1 selftests: $target: $entry # exit=1"
	grep -qx 'not ok 1 xdp' "$tmp/mk-fail.out.results"
}
check "make run_tests, wrong expectations ($entry_var): not ok 1 # exit=1" tree_fail

tree_skip() {
	args "-a xdp" capture "$tmp/mk-skip.out" as_nobody \
		make -C "$selftests" TARGETS="$target" run_tests
	grep -qx "ok 1 selftests: $target: $entry # SKIP" "$tmp/mk-skip.out"
	grep -q 'must run as root' "$tmp/mk-skip.out"
}
check "make run_tests as nobody: ok 1 # SKIP" tree_skip

# Out of tree, as the kernel's "make kselftest O=DIR" runs it: lib.mk
# copies TEST_PROGS and TEST_FILES to the output directory and runs them
# there.
tree_o() {
	mkdir "$tmp/out"
	args "-a xdp" make_run_tests "$tmp/mk-o.out" \
		O="$tmp/out" building_out_of_srctree=1
	ksft_tap "$tmp/mk-o.out" "ok 1 selftests: $target: $entry"
	grep -qx 'ok 1 xdp' "$tmp/mk-o.out.results"
	[[ -x $tmp/out/kselftest/$target/conform && -d $tmp/out/kselftest/$target/progs ]]
}
check "make O=DIR run_tests (out of tree): TEST_FILES copied, ok 1" tree_o

# kselftest_install.sh installs the targets of the selftests Makefile and
# those of TARGETS in the environment (the others are missing from the
# stand-in: they fail, as targets that do not build do, and are left out).
ksft_install() {
	mkdir "$ksft"
	(cd "$selftests" && TARGETS=$target ./kselftest_install.sh "$ksft") \
		>"$tmp/install.out" 2>&1
	grep -qx "$target:$entry" "$ksft/kselftest-list.txt"
	[[ -x $ksft/run_kselftest.sh && -x $ksft/$target/$entry && -x $ksft/$target/conform ]]
	cmp "$inst/settings" "$ksft/$target/settings"
	cmp "$inst/config" "$ksft/$target/config"
	diff -r "$inst/progs" "$ksft/$target/progs"
	diff -r "$inst/expected" "$ksft/$target/expected"
	# It runs wherever it is copied to (a VM, a board).
	mv "$ksft" "$tmp/ksft-moved"
	ksft=$tmp/ksft-moved
	"$ksft/run_kselftest.sh" -l | grep -qx "$target:$entry"
}
check "kselftest_install.sh: $target:$entry in kselftest-list.txt, with its files" ksft_install
ksft=$tmp/ksft-moved

# This target alone: what kselftest_install.sh runs, TARGETS on make's
# command line (which replaces the Makefile's list).
ksft_install_one() {
	capture "$tmp/install-one.out" make -C "$selftests" TARGETS="$target" \
		KSFT_INSTALL_PATH="$tmp/ksft-one" install
	[[ $(cat "$tmp/ksft-one/kselftest-list.txt") == "$target:$entry" ]]
	args "-a xdp" capture "$tmp/k-one.out" "$tmp/ksft-one/run_kselftest.sh"
	ksft_tap "$tmp/k-one.out" "ok 1 selftests: $target: $entry"
	grep -qx 'ok 1 xdp' "$tmp/k-one.out.results"
}
check "make TARGETS=$target install: only $target:$entry listed, and it runs" ksft_install_one

ksft_pass() {
	(cd / && capture "$tmp/k-pass.out" "$ksft/run_kselftest.sh")
	ksft_tap "$tmp/k-pass.out" "ok 1 selftests: $target: $entry"
	if grep '^not ok' "$tmp/k-pass.out.results"; then return 1; fi
	diff "$tmp/direct.results" "$tmp/k-pass.out.results"
}
check "run_kselftest.sh: the suite's KTAP nested, ok 1" ksft_pass

ksft_fail() {
	args "-a xdp --expected $tmp/wrong" capture "$tmp/k-fail.out" \
		"$ksft/run_kselftest.sh" -t "$target:$entry"
	ksft_tap "$tmp/k-fail.out" "not ok 1 selftests: $target: $entry # exit=1"
	grep -qx 'not ok 1 xdp' "$tmp/k-fail.out.results"
}
check "run_kselftest.sh -t, wrong expectations: not ok 1 # exit=1" ksft_fail

# kselftest's install is for its owner only (run_kselftest.sh and the
# runner are mode 744): nobody runs an install of its own.
ksft_skip() {
	cp -a "$ksft" "$tmp/ksft-nobody"
	chown -R 65534:65534 "$tmp/ksft-nobody"
	args "-a xdp" capture "$tmp/k-skip.out" as_nobody \
		"$tmp/ksft-nobody/run_kselftest.sh" -c "$target"
	grep -qx "ok 1 selftests: $target: $entry # SKIP" "$tmp/k-skip.out"
}
check "run_kselftest.sh -c as nobody, in an install of its own: ok 1 # SKIP" ksft_skip

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
	[[ ! -e $inst/marker && -x $inst/$entry ]]
	[[ -z $(find "$tmp" -maxdepth 1 -name '.arena_conform.*') ]]
}
check "a reinstall replaces the old install" reinstall

# An install of before arena_conform.sh (entry point run_tests) is ours too.
reinstall_old() {
	mv "$inst/$entry" "$inst/run_tests"
	rm "$inst/Makefile"
	exits 0 "$tmp/re-old.out" "$root/scripts/install.sh" "$inst"
	[[ ! -e $inst/run_tests && -x $inst/$entry && -f $inst/Makefile ]]
}
check "a reinstall replaces an install whose entry point was run_tests" reinstall_old

finish kselftest
