#!/usr/bin/env bash
# Mutations: each test of make test, fed a deliberately broken input, must
# fail. The tests are scripts/test.sh's own functions (sourced, with their
# inputs overridden) and the scripts it runs. Each first runs on good
# inputs and must pass, so that a failure is the mutation's doing. Fast:
# host runs, a lying runner (fake-conform.sh), and a fake matrix.json built
# from a host run; no VM.
# Ends with "mutations: N, detected: N"; exits 1 if a mutation went
# unnoticed or a test failed on good input.
#
# Usage: mutations.sh [--part kernel|other]
#   kernel  only the tests that need a kernel which runs the suite (the
#           live suite, -j 2, the broken runtime check, ASan, repeated
#           runs, kselftest, --kernel-version): test.sh runs them in a VM
#           where this host refuses arenas
#   other   only the others (fixtures, fakes, the docs, the matrix page):
#           with MUTATIONS_MATRIX=FILE, a real matrix.json, their good
#           matrix is its row of kernel MUTATIONS_MATRIX_KERNEL instead of
#           one made from a host run
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../test.sh
source "$here/../test.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fake=$here/fake-conform.sh
fixtures=$here/fixtures
export FAKE_CONFORM_REAL=$conform
total=0
detected=0
broken_baseline=0

# with [VAR=VALUE...] -- COMMAND...: set and export the variables, then
# run COMMAND (in run_step's subshell: the settings end with it).
with() {
	while [[ $1 != -- ]]; do
		printf -v "${1%%=*}" '%s' "${1#*=}"
		export "${1%%=*}"
		shift
	done
	shift
	"$@"
}

# good NAME [VAR=VALUE...] -- COMMAND...: on good input the test passes.
good() {
	local name=$1 start
	shift
	start=$(date +%s%N)
	run_step "$tmp/log" with "$@"
	if ((step_rc == 0)); then
		echo "ok - good input passes: $name ($((($(date +%s%N) - start) / 1000000)) ms)"
	else
		broken_baseline=$((broken_baseline + 1))
		echo "not ok - good input fails: $name (exit $step_rc)"
		sed 's/^/#   /' "$tmp/log" | tail -n 20
	fi
}

# mutant NAME [VAR=VALUE...] -- COMMAND...: on this broken input it fails.
mutant() {
	local name=$1 start
	shift
	total=$((total + 1))
	start=$(date +%s%N)
	run_step "$tmp/log" with "$@"
	if ((step_rc != 0)); then
		detected=$((detected + 1))
		echo "ok - detected: $name (exit $step_rc, $((($(date +%s%N) - start) / 1000000)) ms)"
	else
		echo "not ok - NOT detected: $name"
		sed 's/^/#   /' "$tmp/log" | tail -n 20
	fi
}

die() {
	echo "mutations: $*" >&2
	exit 2
}

part=all
case ${1:-} in
'') ;;
--part)
	[[ ${2:-} == kernel || ${2:-} == other ]] || die "--part kernel or --part other, not '${2:-}'"
	part=$2
	;;
*) die "usage: mutations.sh [--part kernel|other]" ;;
esac
# want PART: the tests of PART are run.
want() {
	[[ $part == all || $part == "$1" ]]
}

# --- inputs -----------------------------------------------------------------

# A matrix.json of one VM kernel: the row of a real matrix, or one made
# from a host run (minus the host's EPERM skips, which a VM does not have,
# and its skips for a kernel without sched_ext, which the VM kernels with
# it do not have).
mkdir "$tmp/m"
good_matrix=$tmp/m/matrix.json
if want other && [[ -n ${MUTATIONS_MATRIX:-} ]]; then
	jq -e --arg k "${MUTATIONS_MATRIX_KERNEL:?with MUTATIONS_MATRIX}" \
		'{kernels: [.kernels[] | select(.kernel == $k and .exit == 0)]}
		| if (.kernels | length) == 1 then . else error("no row") end' \
		"$MUTATIONS_MATRIX" >"$good_matrix" ||
		die "$MUTATIONS_MATRIX has no passing row of kernel $MUTATIONS_MATRIX_KERNEL"
	kver=$MUTATIONS_MATRIX_KERNEL
	kernel_version=$(jq -r '.kernels[0].result.kernel_version' "$good_matrix")
else
	"$conform" --objs "$objs" --expected "$expected" --json "$tmp/host-run.json" >/dev/null ||
		die "the host run fails; fix that first"
	kver=$(jq -r '.kernel_version | split(".") | .[:2] | join(".")' "$tmp/host-run.json")
	kernel_version=$(jq -r .kernel_version "$tmp/host-run.json")
	jq --arg k "$kver" '{kernels: [{kernel: $k, image: "fake", exit: 0, verdict_s: 1,
		bare_boot_s: 1, result: del(.cases[] | select(.status == "skip"))}]}' \
		"$tmp/host-run.json" >"$good_matrix"
fi
mx() { # NAME JQ-FILTER: a matrix.json made from the good one
	jq "$2" "$good_matrix" >"$tmp/$1.json"
}
head -c 2000 "$good_matrix" >"$tmp/truncated.json"
mx no-verdict '.kernels[0] |= {kernel, image, exit: 5, result: null,
	error: "vmtest.sh: error: kernel crashed", console_tail: ["Kernel panic"]}'
mx exit-1 '.kernels[0].exit = 1'
mx failure '.kernels[0] |= (.exit = 1 | .result.summary.fail = 1
	| .result.cases[0].status = "fail")'
mx eperm '.kernels[0].result.cases[0] |= (.observed = "skip" | .status = "skip"
	| .reason = "kernel refuses it: EPERM")'
mx other-kernel '.kernels[0].kernel = "1.0"'
mx skipped-everywhere '.kernels[0].result.cases[0] |= (.observed = "skip"
	| .status = "skip" | .reason = "kernel has no BPF_PROG_TYPE_X")'
mx no-rows '.kernels = []'

# Fake matrix.sh: writes the good matrix, nothing, or one without rows.
mkdir "$tmp/vm"
# shellcheck disable=SC2016 # expanded by the fake matrix.sh
for m in good nothing no-rows; do
	{
		echo '#!/bin/sh'
		echo 'while getopts j:o: opt; do [ "$opt" = o ] && out=$OPTARG; done'
		case $m in
		good) echo "cp '$good_matrix' \"\$out/matrix.json\"" ;;
		no-rows) echo "cp '$tmp/no-rows.json' \"\$out/matrix.json\"" ;;
		esac
		echo 'echo "| test | x |" >"$out/matrix.md"'
	} >"$tmp/matrix-$m.sh"
	[[ $m != nothing ]] || echo 'rm -f "$out/matrix.json" "$out/matrix.md"' >>"$tmp/matrix-$m.sh"
	chmod +x "$tmp/matrix-$m.sh"
done

# Rules with one verdict flipped: an accept turned into a reject, and a
# reject into an accept.
flip() { # NAME SED-EXPRESSION
	cp -r "$expected" "$tmp/$1"
	sed -i "$2" "$tmp/$1/syscall.rules"
	! cmp -s "$expected/syscall.rules" "$tmp/$1/syscall.rules" ||
		die "$1: the rule to flip is not in expected/syscall.rules"
}
flip rules-accept-to-reject \
	's/^\(syscall\tsleepable\t>=6\.9\t\)accept$/\1reject\tSyscall programs can only be sleepable/'
flip rules-reject-to-accept 's/^\(syscall\tplain\t\t\*\t\)reject:EINVAL\t.*/\1accept/'
# The run stage's default flipped: a program that runs expected to free nothing.
cp -r "$expected" "$tmp/rules-runs-to-no-effect"
sed -i 's/^\(\*\t*any\t*\*\t*\)runs$/\1no-effect/' "$tmp/rules-runs-to-no-effect/zz-run.rules"
! cmp -s "$expected/zz-run.rules" "$tmp/rules-runs-to-no-effect/zz-run.rules" ||
	die "rules-runs-to-no-effect: no '* any * runs' line in expected/zz-run.rules"

# Objects whose XDP control cannot load: its first instruction, r0 = 0,
# becomes exit, and the verifier refuses a program that exits at once.
cp -r "$objs" "$tmp/objs-control"
obj=$tmp/objs-control/net.bpf.o
read -r value section < <(readelf -sW "$obj" |
	awk '$8 == "conform_control_xdp" { print $2, $7 }') ||
	die "no conform_control_xdp in net.bpf.o"
offset=$(readelf -SW "$obj" | sed -n 's/^ *\[ *\([0-9]*\)\] /\1 /p' |
	awk -v n="$section" '$1 == n { print $5 }')
offset=$((16#$offset + 16#$value))
[[ $(xxd -s "$offset" -l 1 -p "$obj") == b[47] ]] ||
	die "conform_control_xdp does not start with a mov to r0"
printf '\x95' | dd of="$obj" bs=1 seek="$offset" conv=notrunc status=none

# Unit tests: good ones (and a broken copy they catch), a failing one before
# a passing one, none built, a broken copy that passes.
mkdir "$tmp/unit-good" "$tmp/unit-fail" "$tmp/unit-none" "$tmp/unit-survivor"
printf '#!/bin/sh\nexit 0\n' >"$tmp/unit-good/test_ok"
printf '#!/bin/sh\necho "test_a: 1 of 10 failed"\nexit 1\n' >"$tmp/unit-good/mutant_caught"
printf '#!/bin/sh\necho "test_a: 1 of 10 failed"\nexit 1\n' >"$tmp/unit-fail/test_a"
cp "$tmp/unit-good/test_ok" "$tmp/unit-fail/test_b"
cp "$tmp/unit-good/mutant_caught" "$tmp/unit-fail/"
cp "$tmp/unit-good/test_ok" "$tmp/unit-survivor/"
cp "$tmp/unit-good/test_ok" "$tmp/unit-survivor/mutant_survives"
chmod +x "$tmp"/unit-*/*
chmod +x "$tmp"/unit-*/test_*

# Scripts for shellcheck.
# shellcheck disable=SC2016 # not to be expanded
printf '#!/usr/bin/env bash\necho "$1"\n' >"$tmp/good.sh"
# shellcheck disable=SC2016 # not to be expanded
printf '#!/usr/bin/env bash\nf=$1\nrm -f $f\n' >"$tmp/unquoted.sh"

# Docs pages: one whose claims the suite partly contradicts, one whose
# claims are all true here (from 7.0 the sleepable note is not: dropped).
page_false=$fixtures/docs-false-claims.md
page_true=$tmp/docs-true-claims.md
if ver_lt "$kernel_version" 7.0; then
	cp "$fixtures/docs-true-claims.md" "$page_true"
else
	sed '/^!!! note/,+1d' "$fixtures/docs-true-claims.md" >"$page_true"
fi
# The true page really is: no claim contradicted.
true_page_is_true() {
	"$conform" --objs "$objs" --expected "$expected" --audit "$page_true" \
		--matrix "$good_matrix" >"$tmp/true-audit.md" 2>/dev/null
	grep -E '^[0-9]+ claims: .*\b0 contradicted' "$tmp/true-audit.md"
}

# Copies of the scripts that find the runner (or fuzz targets) by their own
# path, in trees whose build/ holds a real or a fake one.
make_tree() { # NAME RUNNER FUZZ-TARGET-EXIT
	local t=$tmp/$1
	mkdir -p "$t/scripts/tests" "$t/build/fuzz" "$t/runner/fuzz/corpus/fake"
	cp "$root/scripts/fuzz.sh" "$root/scripts/lib.sh" "$t/scripts/"
	cp "$root/scripts/tests/repeat.sh" "$root/scripts/tests/hostile.sh" \
		"$root/scripts/tests/lib.sh" "$t/scripts/tests/"
	ln -s "$2" "$t/build/conform"
	echo x >"$t/runner/fuzz/corpus/fake/seed"
	# A libFuzzer target: prints its stats, or crashes.
	cat >"$t/build/fuzz/fuzz_fake" <<-EOF
		#!/bin/sh
		echo "stat::number_of_executed_units: 10"
		echo "stat::average_exec_per_sec: 10"
		exit $3
	EOF
	chmod +x "$t/build/fuzz/fuzz_fake"
}
make_tree tree-good "$conform" 0
# A script of scripts/ in a tree of its own, with lib.sh, as it is or with
# one line of FILE (one of the copied files) broken by SED-EXPRESSION.
script_tree() { # NAME "FILES" FILE [SED-EXPRESSION]
	mkdir -p "$tmp/$1"
	# shellcheck disable=SC2086 # a list of globs
	cp $2 "$root/scripts/lib.sh" "$tmp/$1/"
	[[ -n ${4:-} ]] || return 0
	sed -i "$4" "$tmp/$1/$3"
	! cmp -s "$root/scripts/$3" "$tmp/$1/$3" ||
		die "$1: the line to break is not in scripts/$3"
}
# The matrix page's generator: as it is, with a script that drops one
# cell, and with filters that hide no row.
html_tree() { script_tree "$1" "$root/scripts/matrix-html.*" matrix-html.js "${2:-}"; }
html_tree html-good
html_tree html-drop-cell 's/^\(\t*\)tr\.appendChild(td);$/\1if (r || k) tr.appendChild(td);/'
html_tree html-no-filter 's/^\(\t*\)trs\[r\]\.hidden = !show;$/\1trs[r].hidden = false;/'
make_tree tree-fake "$fake" 1
# The matrix comparer, as it is, blind to the run stage, and one for which
# no cell ever differs.
diff_tree() { script_tree "$1" "$root/scripts/matrix-diff.sh" matrix-diff.sh "${2:-}"; }
diff_tree diff-good
# shellcheck disable=SC2016 # a sed expression, not an expansion
diff_tree diff-no-run 's/if \$load_only then "" else/if true then "" else/'
diff_tree diff-blind "s/'\$2 != \$3 {/'0 {/"
# The bench's round merger, as it is, keeping the first round only, and
# taking the spread of the first round only.
merge_tree() { script_tree "$1" "$root/scripts/bench-merge.jq" bench-merge.jq "${2:-}"; }
merge_tree merge-good
merge_tree merge-first-round 's/pool(map(\.repeats))/pool(map(.repeats)[:1])/'
# shellcheck disable=SC2016 # a sed expression, not an expansion
merge_tree merge-first-spread 's/^\(\t*\)min: \[\$reps\[\] | values_of | min\],$/\1min: .[0].min,/'
# hostile.sh runs the runner as nobody, who must reach it.
chmod -R go+rX "$tmp"

# --- the tests, on good input and on broken input ---------------------------

if want other; then
good "unit tests" unit_dir="$tmp/unit-good" -- unit_tests
mutant "unit tests: one fails (before one that passes)" unit_dir="$tmp/unit-fail" -- unit_tests
mutant "unit tests: none were built" unit_dir="$tmp/unit-none" -- unit_tests
mutant "unit tests: a broken copy its test passes on" unit_dir="$tmp/unit-survivor" -- unit_tests

good "bad input" CONFORM="$conform" -- "$root/scripts/tests/bad-input.sh"
mutant "bad input: a runner that accepts anything" CONFORM="$fake" FAKE_CONFORM=always-0 \
	-- "$root/scripts/tests/bad-input.sh"
mutant "bad input: a runner that reads its default objects, not --objs DIR's" \
	CONFORM="$fake" FAKE_CONFORM=ignore-objs -- "$root/scripts/tests/bad-input.sh"

good "shellcheck" -- shellcheck -x "$tmp/good.sh"
mutant "shellcheck: an unquoted expansion" -- shellcheck -x "$tmp/unquoted.sh"

fi

if want kernel; then
# These mutations break the load stage's verdicts: load only, for speed
# (a run takes 25 s in an emulated VM, a load 4 s); the one of a run rule
# runs, as its good input does.
run_flag=--no-run
good "live suite" -- live_suite
mutant "live suite: a runner that exits 0 with every test skipped" \
	conform="$fake" FAKE_CONFORM=all-skipped -- live_suite
mutant "live suite: a runner that exits 1 but writes a good JSON" \
	conform="$fake" FAKE_CONFORM=exit-1 -- live_suite
mutant "live suite: a runner that writes no JSON" \
	conform="$fake" FAKE_CONFORM=no-json -- live_suite
mutant "live suite: a rule flipped from accept to reject" \
	expected="$tmp/rules-accept-to-reject" -- live_suite
mutant "live suite: a rule flipped from reject to accept" \
	expected="$tmp/rules-reject-to-accept" -- live_suite
mutant "live suite: a control that cannot load" objs="$tmp/objs-control" -- live_suite
mutant "live suite: bpf() calls by command that do not add up" \
	conform="$fake" FAKE_CONFORM=miscounts-calls -- live_suite
good "live suite with its run stage" run_flag= -- live_suite
mutant "live suite: a run rule flipped from runs to no-effect" \
	run_flag= expected="$tmp/rules-runs-to-no-effect" -- live_suite

good "-j 2 = -j 1" -- parallel_same
mutant "-j 2 = -j 1: a runner whose -j 2 verdicts differ" \
	conform="$fake" FAKE_CONFORM=j2-differs -- parallel_same
mutant "-j 2 = -j 1: a runner that exits 1 but writes a good JSON" \
	conform="$fake" FAKE_CONFORM=exit-1 -- parallel_same

good "broken runtime check" -- broken_runtime_check
mutant "broken runtime check: a runner that loads the good objects instead" \
	conform="$fake" FAKE_CONFORM=ignore-objs -- broken_runtime_check

good "ASan suite" -- asan_suite
mutant "ASan suite: a runner that exits 0 with every test skipped" \
	asan_conform="$fake" FAKE_CONFORM_REAL="$asan_conform" FAKE_CONFORM=all-skipped -- asan_suite
mutant "ASan suite: a rule flipped from accept to reject" \
	expected="$tmp/rules-accept-to-reject" -- asan_suite
mutant "ASan suite: a control that cannot load" objs="$tmp/objs-control" -- asan_suite

fi

# Where this host refuses arenas: the runner says so, and no more.
if want other && [[ -n $(host_refusal) ]]; then
good "this host refuses arenas: every test a skip, exit 4" -- honest_skips
mutant "this host refuses arenas: a runner that passes the skips" \
	conform="$fake" FAKE_CONFORM=passes-skips -- honest_skips
mutant "this host refuses arenas: a runner that exits 0" \
	conform="$fake" FAKE_CONFORM=all-skipped -- honest_skips
fi

if want other; then
good "hostile environments" -- "$tmp/tree-good/scripts/tests/hostile.sh"
mutant "hostile environments: a runner that exits 0 whatever happens" \
	FAKE_CONFORM=always-0 -- "$tmp/tree-fake/scripts/tests/hostile.sh"

fi

if want kernel; then
good "repeated runs" -- "$tmp/tree-good/scripts/tests/repeat.sh" 3 --no-run
mutant "repeated runs: a runner whose verdicts change every other run" \
	FAKE_CONFORM=flaky FAKE_CONFORM_STATE="$tmp/flaky.count" \
	-- "$tmp/tree-fake/scripts/tests/repeat.sh" 3 --no-run

fi

if want other; then
good "fuzzing" -- "$tmp/tree-good/scripts/fuzz.sh" -t 1
mutant "fuzzing: a target that crashes" -- "$tmp/tree-fake/scripts/fuzz.sh" -t 1

fi

# --- kselftest install (scripts/install.sh, scripts/tests/kselftest.sh) ------
# Trees with a copy of the scripts and the real build/; each mutant's
# install.sh writes a broken install, which the tree's kselftest.sh (run
# by the real kselftest files of linux-source-6.1, from the cache) must
# catch.  CONFORM_FAIL_FAST=1: it stops at the first failure.
ksft_tree() { # NAME [SED-EXPRESSION]: install.sh edited by SED-EXPRESSION
	local t=$tmp/$1
	mkdir -p "$t/scripts/tests" "$t/build"
	cp "$root"/scripts/{install.sh,lib.sh,config,fetch-selftests.sh,apt-private.sh} "$t/scripts/"
	cp "$root/scripts/tests/kselftest.sh" "$root/scripts/tests/lib.sh" "$t/scripts/tests/"
	ln -s "$build/conform-static" "$t/build/conform-static"
	ln -s "$objs" "$t/build/progs"
	ln -s "$expected" "$t/expected"
	if [[ -n ${2:-} ]]; then
		sed -i "$2" "$t/scripts/install.sh"
		! cmp -s "$root/scripts/install.sh" "$t/scripts/install.sh" ||
			die "$1: the line to change is not in scripts/install.sh"
	fi
}
if want kernel; then
ksft_tree ksft-good
ksft_tree ksft-no-test-progs '/^TEST_PROGS := /d'
ksft_tree ksft-no-test-files '/^TEST_FILES := /d'
# shellcheck disable=SC2016 # sed's text, not to be expanded
ksft_tree ksft-exit-0-on-fail '/^0|1|4)\texit \$rc ;;$/i 1)\texit 0 ;;'
ksft_tree ksft-run-tests 's/^readonly ENTRY=arena_conform\.sh$/readonly ENTRY=run_tests/'
good "kselftest install" CONFORM_FAIL_FAST=1 -- "$tmp/ksft-good/scripts/tests/kselftest.sh"
mutant "kselftest install: a Makefile without TEST_PROGS" CONFORM_FAIL_FAST=1 \
	-- "$tmp/ksft-no-test-progs/scripts/tests/kselftest.sh"
mutant "kselftest install: a Makefile without TEST_FILES" CONFORM_FAIL_FAST=1 \
	-- "$tmp/ksft-no-test-files/scripts/tests/kselftest.sh"
mutant "kselftest install: an entry point that exits 0 when the suite fails" \
	CONFORM_FAIL_FAST=1 -- "$tmp/ksft-exit-0-on-fail/scripts/tests/kselftest.sh"
mutant "kselftest install: the entry point named run_tests, lib.mk's target" \
	CONFORM_FAIL_FAST=1 -- "$tmp/ksft-run-tests/scripts/tests/kselftest.sh"

good "--kernel-version 6.8" -- version_mismatch
mutant "--kernel-version 6.8: a runner that ignores it" \
	conform="$fake" FAKE_CONFORM=ignore-version -- version_mismatch
good "--kernel-version 7.1 or 6.12" -- version_override
mutant "--kernel-version 7.1 or 6.12: a runner that ignores it" \
	conform="$fake" FAKE_CONFORM=ignore-version -- version_override

fi

if want other; then
good "VM matrix" matrix_sh="$tmp/matrix-good.sh" kernels="$kver" \
	matrix="$tmp/vm/matrix.json" -- vm_matrix
mutant "VM matrix: matrix.sh writes no matrix.json" matrix_sh="$tmp/matrix-nothing.sh" \
	kernels="$kver" matrix="$tmp/vm/matrix.json" -- vm_matrix
mutant "VM matrix: matrix.sh writes no row for the kernel" matrix_sh="$tmp/matrix-no-rows.sh" \
	kernels="$kver" matrix="$tmp/vm/matrix.json" -- vm_matrix

good "VM kernel" matrix="$good_matrix" -- vm_kernel 0 "$kver"
mutant "VM kernel: a truncated matrix.json" matrix="$tmp/truncated.json" -- vm_kernel 0 "$kver"
mutant "VM kernel: no matrix.json" matrix="$tmp/none.json" -- vm_kernel 0 "$kver"
# The mechanism under every step: a step whose first command fails and
# whose last succeeds still fails (run_errexit, in lib.sh).
first_fails() { false; true; }
mutant "run_step: a step whose first command fails, its last succeeds" -- first_fails

# The README and docs/: a link to a heading that is not there, and a README
# grown past 10 KiB.
for m in good bad-link too-big; do
	mkdir -p "$tmp/docs-$m/docs"
	cp "$root/README.md" "$tmp/docs-$m/"
	cp "$root"/docs/*.md "$root"/docs/*.png "$tmp/docs-$m/docs/"
done
echo '[gone](docs/rules.md#no-such-heading)' >>"$tmp/docs-bad-link/README.md"
head -c 11000 /dev/zero | tr '\0' x >>"$tmp/docs-too-big/README.md"
good "doc links: a copy of the README and docs/" -- "$here/doc-links.sh" "$tmp/docs-good"
mutant "doc links: a link to a heading that is not there" -- "$here/doc-links.sh" "$tmp/docs-bad-link"
mutant "doc links: a README of 11 KiB more" -- "$here/doc-links.sh" "$tmp/docs-too-big"
good "every test runs somewhere" matrix="$good_matrix" -- every_case_runs
mutant "every test runs somewhere: a test skipped on every kernel" \
	matrix="$tmp/skipped-everywhere.json" -- every_case_runs
mutant "VM kernel: a kernel without verdict (exit 5)" \
	matrix="$tmp/no-verdict.json" -- vm_kernel 0 "$kver"
mutant "VM kernel: exit 1 with a good JSON" matrix="$tmp/exit-1.json" -- vm_kernel 0 "$kver"
mutant "VM kernel: a failed test" matrix="$tmp/failure.json" -- vm_kernel 0 "$kver"
mutant "VM kernel: an EPERM skip" matrix="$tmp/eperm.json" -- vm_kernel 0 "$kver"
mutant "VM kernel: the row of another kernel" \
	matrix="$tmp/other-kernel.json" -- vm_kernel 0 "$kver"

good "docs audit" page="$page_false" matrix="$good_matrix" -- docs_audit
good "docs audit: the true page has no contradicted claim" -- true_page_is_true
mutant "docs audit: a page whose claims are all true" \
	page="$page_true" matrix="$good_matrix" -- docs_audit
mutant "docs audit: a truncated matrix.json" \
	page="$page_false" matrix="$tmp/truncated.json" -- docs_audit
mutant "docs audit: no matrix.json" page="$page_false" matrix="$tmp/none.json" -- docs_audit
mutant "docs audit: no page" page="$tmp/none.md" matrix="$good_matrix" -- docs_audit
mutant "docs audit under CI: no page" page="$tmp/none.md" -- page_readable

good "matrix page" MATRIX_HTML="$tmp/html-good/matrix-html.sh" -- "$here/matrix-html.sh"
mutant "matrix page: its script drops a cell" \
	MATRIX_HTML="$tmp/html-drop-cell/matrix-html.sh" -- "$here/matrix-html.sh"
mutant "matrix page: its filters hide no row" \
	MATRIX_HTML="$tmp/html-no-filter/matrix-html.sh" -- "$here/matrix-html.sh"

good "matrix comparer" MATRIX_DIFF="$tmp/diff-good/matrix-diff.sh" -- "$here/matrix-diff.sh"
mutant "matrix comparer: blind to the run stage" \
	MATRIX_DIFF="$tmp/diff-no-run/matrix-diff.sh" -- "$here/matrix-diff.sh"
mutant "matrix comparer: no cell ever differs" \
	MATRIX_DIFF="$tmp/diff-blind/matrix-diff.sh" -- "$here/matrix-diff.sh"

good "bench rounds merged" BENCH_MERGE="$tmp/merge-good/bench-merge.jq" -- "$here/bench-merge.sh"
mutant "bench rounds merged: only the first round kept" \
	BENCH_MERGE="$tmp/merge-first-round/bench-merge.jq" -- "$here/bench-merge.sh"
mutant "bench rounds merged: the first round's min taken as the spread" \
	BENCH_MERGE="$tmp/merge-first-spread/bench-merge.jq" -- "$here/bench-merge.sh"

fi

echo "mutations: $total, detected: $detected"
((detected == total && broken_baseline == 0))
