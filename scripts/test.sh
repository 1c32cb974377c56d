#!/usr/bin/env bash
#
# test.sh - the project's own tests: what make test runs after building
#
# Usage: test.sh
#
# Unit tests, bad input, shellcheck, the live suite on this kernel (also
# under ASan and UBSan, under valgrind, and 100 times over), the runner's
# own contracts (-j, --kernel-version, hygiene, hostile environments), make
# install run as kselftest runs it, fuzzing, mutations (each test fed a
# broken input must fail), the suite in VMs, the docs audit and the
# scripts' own tests, one TAP line each.  Ends with "make-test: N passed,
# N failed, N skipped".  A skip is never counted as passed.  Run it as
# root, after what make test builds (make unit asan fuzz).
#
# -h, --help prints this text.
#
# Environment:
#   TEST_KERNELS       the VM kernels (default "6.1 6.12 7.0 7.3"); "" skips VMs
#   VM_JOBS            VMs at a time (default: matrix.sh's, what the machine holds)
#   CONFORM_DOCS_PAGE  the docs page to audit
#                      (default ../shared/docs/kfuncs/bpf_arena_free_pages.md)
#   CI                 if "true", a missing docs page fails instead of skipping
#
# Exit status: 0 none failed, 1 some failed, 2 bad usage.
#
# Sourced (as scripts/tests/mutations.sh does), this file only defines the
# tests: each reads its inputs from variables set at the top of the file,
# which the sourcing script may override.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
conform=$build/conform		# the runner
asan_conform=$build/asan/conform	# the runner under ASan and UBSan
objs=$build/progs		# the objects it loads
expected=$root/expected		# the rules it judges by
unit_dir=$build/tests		# the unit tests, test_*
matrix_sh=$root/scripts/matrix.sh
kernels=${TEST_KERNELS-6.1 6.12 7.0 7.3}
vm_jobs=${VM_JOBS:-}
page=${CONFORM_DOCS_PAGE:-$root/../shared/docs/kfuncs/bpf_arena_free_pages.md}
tmp=				# scratch directory: main's, or the sourcing script's
matrix=				# the VM matrix: $tmp/m/matrix.json
passed=0
failed=0
skipped=0
step_rc=0

# run_step LOG COMMAND...: COMMAND with set -e in force (run_errexit, in
# lib.sh), its output in LOG, its exit status in step_rc. Call it plainly,
# never after || or && nor in an if: bash ignores set -e inside a function
# (and a subshell) run in such a context, and only the last command would
# count: `set -e; f() { false; echo still running; }; f || rc=$?` prints
# "still running".
run_step() {
	local log=$1 status
	shift
	run_errexit "$@" >"$log" 2>&1
	step_rc=$status
}

# step NAME COMMAND...: run one test, keep its output in the log.
step() {
	local name=$1 start ms
	shift
	start=$(date +%s%N)
	run_step "$tmp/step.log" "$@"
	ms=$((($(date +%s%N) - start) / 1000000))
	if ((step_rc == 0)); then
		passed=$((passed + 1))
		printf 'ok %d - %s (%d ms)\n' $((passed + failed + skipped)) "$name" "$ms"
	else
		failed=$((failed + 1))
		printf 'not ok %d - %s (exit %d, %d ms)\n' $((passed + failed + skipped)) \
			"$name" "$step_rc" "$ms"
		sed 's/^/#   /' "$tmp/step.log" | tail -n 40
	fi
}

# skip NAME REASON: a test that cannot run here.
skip() {
	skipped=$((skipped + 1))
	printf 'ok %d - %s # SKIP %s\n' $((passed + failed + skipped)) "$1" "$2"
}

# usage [STATUS]: the header comment; on stdout for --help (0), else on
# stderr. Read from this file, which may be sourced: not from $0.
usage() {
	local status=${1:-2}
	if ((status)); then
		exec >&2
	fi
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
	exit "$status"
}

unit_tests() {
	local t rc=0
	for t in "$unit_dir"/test_*; do
		"$t" || rc=1
	done
	return $rc
}

# A host run's JSON: 0 failures, some passes, and on a host that refuses
# fentry/LSM programs, skips only for those (and for freplace, which
# this host refuses the same way), for the struct_ops a kernel lacks (no
# sched_ext, bpf_qdisc or io_uring_bpf_ops here), and for an attach point
# newer than the host's kernel ("kernel has no BPF_TRACE_FSESSION"): the VM
# matrix runs those, and every_case_runs wants each to run on some kernel.
host_verdicts() {
	jq -e '[.cases[] | select(.status == "skip" and
		(((.prog_type == "BPF_PROG_TYPE_TRACING" or .prog_type == "BPF_PROG_TYPE_LSM" or
		   .prog_type == "BPF_PROG_TYPE_EXT") and (.reason | test("EPERM"))) or
		 (.prog_type == "BPF_PROG_TYPE_STRUCT_OPS" and (.reason |
		  test("^vmlinux BTF has no struct_ops |^struct [^ ]+ in vmlinux BTF has no member |is not a supported struct$"))) or
		 (.reason | test("^kernel has no BPF_"))
		 | not))] | length == 0' "$1"
	jq -e '.summary.fail == 0 and (.summary.xpass // 0) == 0 and .summary.pass > 0
		and (.cases | length) >= 80' "$1"
}

# The live suite on the running kernel.
live_suite() {
	"$conform" --objs "$objs" --expected "$expected" --json "$tmp/host.json"
	host_verdicts "$tmp/host.json"
}

# -j 2 must give the same verdicts as -j 1 (addresses in reasons differ).
parallel_same() {
	local verdicts='[.cases[] | [.name, .sleepable, .observed, .message, .status]]'
	"$conform" --objs "$objs" --expected "$expected" -j 2 --json "$tmp/j2.json" >/dev/null
	"$conform" --objs "$objs" --expected "$expected" -j 1 --json "$tmp/j1.json" >/dev/null
	diff <(jq -c "$verdicts" "$tmp/j1.json") <(jq -c "$verdicts" "$tmp/j2.json")
}

# A runtime case built with a wrong check (the neighbour of a freed page
# expected zero) fails, naming the first differing byte and its address.
broken_runtime_check() {
	local rc=0
	rm -rf "$tmp/broken"
	mkdir -p "$tmp/broken"
	cp "$objs"/*.bpf.o "$tmp/broken/"
	clang-19 -g -O2 -target bpf -mcpu=v3 -DCONFORM_BROKEN_EXPECTATION \
		-I"$root/progs" -I"$root/runner" -I"/usr/include/$(gcc -dumpmachine)" \
		-c "$root/progs/runtime.bpf.c" -o "$tmp/broken/runtime.bpf.o"
	"$conform" --objs "$tmp/broken" --expected "$expected" -t rt_partial >"$tmp/out" || rc=$?
	cat "$tmp/out"
	((rc == 1))
	grep -Eq 'rt_partial.s: FAIL: expected accept, observed error: page 0 of addr\[0\]: byte at 0x[0-9a-f]+ is 0x20, expected 0x00' "$tmp/out"
}

# A version that predates the kfunc, against a BTF that has it: loud failure.
version_mismatch() {
	local rc=0
	"$conform" --objs "$objs" --expected "$expected" --kernel-version 6.8 >"$tmp/out" || rc=$?
	grep -q '^# WARNING: expected/ says kernel 6.8.0 has no bpf_arena_free_pages, but vmlinux BTF has it' "$tmp/out"
	grep -q 'expected absent' "$tmp/out"
	((rc == 1))
}

# Judged as 7.1, the non-sleepable cases expect accept.
version_override() {
	local rc=0
	"$conform" --objs "$objs" --expected "$expected" --kernel-version 7.1 -t xdp,syscall \
		--json "$tmp/71.json" >/dev/null || rc=$?
	# Every plain XDP load calls the kfunc somewhere (a region, a
	# callback, a subprogram): from 7.0 each is expected to be accepted.
	jq -e '[.cases[] | select(.sleepable == false and
		.prog_type == "BPF_PROG_TYPE_XDP") | .expected] | unique == ["accept"]' \
		"$tmp/71.json"
	# On a kernel older than 7.0 that is a failure, on 7.0+ a pass.
	((rc == 0 || rc == 1))
}

# The whole host suite under AddressSanitizer and UBSan.
asan_suite() {
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$asan_conform" --objs "$objs" --expected "$expected" --json "$tmp/asan.json"
	host_verdicts "$tmp/asan.json"
}

# The suite in VMs: a matrix.json with a row for each kernel (the next
# steps judge each row).
vm_matrix() {
	# shellcheck disable=SC2086 # a list of kernels
	"$matrix_sh" ${vm_jobs:+-j "$vm_jobs"} -o "${matrix%/*}" $kernels || true
	sed -n '/^| test /,/^| boot-to-verdict/p' "${matrix%/*}/matrix.md"
	jq -e --argjson n "$(wc -w <<<"$kernels")" '.kernels | length == $n' "$matrix"
}

# Row INDEX of the matrix is kernel NAME: 0 failures, and no skip caused by
# the environment (EPERM): in the VM, fentry and LSM programs really run.
vm_kernel() {
	jq -e --argjson i "$1" --arg k "$2" '.kernels[$i] | .kernel == $k and .exit == 0
		and .result.summary.fail == 0 and
		([.result.cases[] | select(.status == "skip" and (.reason | test("EPERM")))]
		 | length == 0)' "$matrix"
}

# Every test runs on some kernel of the matrix: a test that is a skip on
# every kernel with a result is a defect of the suite, not a skip.
every_case_runs() {
	jq -e -r '[.kernels[] | select(.result) | .result.cases[]
		| {t: (.name + (if .sleepable then ".s" else "" end)), s: .status}]
		| group_by(.t) | map(select(all(.s == "skip"))) | map(.[0].t)
		| if length == 0 then true else ("skipped on every kernel: " + join(", ")) end' \
		"$matrix" | grep -qx true
}

# ver_lt A B: version A is older than version B.
ver_lt() {
	[[ $1 != "$2" && $(printf '%s\n' "$1" "$2" | sort -V | head -n 1) == "$1" ]]
}

# The docs audit of the page, on this host plus the matrix. What a claim's
# verdict must be depends on the kernels of the evidence: the v6.9 tag is
# confirmed only by a kernel older than 6.9 (else it is untestable), the
# sleepable note is contradicted only by a 7.0+ kernel, the XDP entry only
# by one in [6.9, 7.0).
# shellcheck disable=SC2016 # backquotes are Markdown here
docs_audit() {
	local claims versions v old=0 mid=0 new=0 tagged=consistent
	"$conform" --objs "$objs" --expected "$expected" --audit "$page" --matrix "$matrix" \
		>"$tmp/audit.md" 2>"$tmp/audit.ktap"
	versions=$(awk '/^## / { on = /^## Evidence/; next }
		on && /^\| [0-9]/ { print $2 }' "$tmp/audit.md")
	for v in $versions; do
		if ver_lt "$v" 6.9; then
			old=1
		elif ver_lt "$v" 7.0; then
			mid=1
			# A claim "from v6.9" is confirmed only if 6.9 itself ran;
			# bracketed by older and newer kernels it is consistent.
			if ! ver_lt "$v" 6.9 && ver_lt "$v" 6.10; then
				tagged=confirmed
			fi
		else
			new=1
		fi
	done
	if ((!mid && !new)); then
		echo "no kernel of the evidence (${versions//$'\n'/, }) has the kfunc: nothing to audit"
		return 1
	fi
	if ((old)); then
		grep -E "^\\| The kfunc exists from v6\\.9.*\\| \\*\\*$tagged\\*\\* \\|" "$tmp/audit.md"
	else
		grep -E '^\| The kfunc exists from v6\.9.*\| \*\*untestable here\*\* \|' "$tmp/audit.md"
	fi
	if ((new)); then
		grep -E '^\| It may sleep.*\| \*\*contradicted\*\* \|.*contradicted on [^|]*[7-9]\.[0-9]' "$tmp/audit.md"
	else
		grep -E '^\| It may sleep.*\| \*\*confirmed\*\* \|' "$tmp/audit.md"
	fi
	if ((mid)); then
		grep -E '^\| `BPF_PROG_TYPE_XDP`.*\*\*contradicted\*\*.*program must be sleepable' "$tmp/audit.md"
	else
		grep -E "^\\| \`BPF_PROG_TYPE_XDP\`.*\\*\\*$tagged\\*\\*" "$tmp/audit.md"
	fi
	grep -E "^\\| \`BPF_PROG_TYPE_SYSCALL\`.*\\*\\*$tagged\\*\\*" "$tmp/audit.md"
	grep -E '^\| `BPF_PROG_TYPE_KPROBE` \| verifies and runs on' "$tmp/audit.md"
	# No claim without evidence: every row of the claims table has some.
	claims=$(awk '/^## Claims/ { on = 1 } /^## Program types/ { on = 0 }
		on && /^\| / && !/^\| claim/ && !/^\|---/' "$tmp/audit.md")
	[[ -n $claims ]] && ! grep -E '\| *\|$' <<<"$claims"
}

# Under CI=true the docs page must be there.
page_readable() {
	[[ -r $page ]] || {
		echo "cannot read $page: set CONFORM_DOCS_PAGE=PATH"
		return 1
	}
}

main() {
	local i k
	if (($#)); then
		case $1 in
		-h|--help) usage 0 ;;
		*) echo "test.sh: unknown argument: $1" >&2; usage ;;
		esac
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/m"
	matrix=$tmp/m/matrix.json

	step "unit tests" unit_tests
	step "bad input to the runner" "$root/scripts/tests/bad-input.sh"
	step "shellcheck" shellcheck -x "$root"/scripts/*.sh "$root"/scripts/tests/*.sh "$root/.ci/run"
	step "live suite on $(uname -r)" live_suite
	step "-j 2 gives the verdicts of -j 1" parallel_same
	step "a broken runtime expectation shows the first differing byte" broken_runtime_check
	step "the host suite under ASan and UBSan" asan_suite
	step "the host suite under valgrind: no errors, leaks or fds" "$root/scripts/tests/valgrind.sh"
	step "nothing left behind, also when killed halfway" "$root/scripts/tests/hygiene.sh"
	step "hostile environments: clear messages, documented codes" "$root/scripts/tests/hostile.sh"
	step "the loader is libbpf's: CO-RE, subprograms, global data, line info" \
		"$root/scripts/tests/loader.sh"
	step "bench: bad arguments exit 2" "$root/scripts/tests/bench-args.sh"
	step "make install: a kselftest directory that runs as kselftest would" "$root/scripts/tests/kselftest.sh"
	step "100 host runs give identical verdicts" "$root/scripts/tests/repeat.sh" 100
	step "fuzz the parsers for 60 s in all, replay regressions" "$root/scripts/fuzz.sh" -t 60
	step "--kernel-version 6.8 fails loudly against BTF" version_mismatch
	step "--kernel-version 7.1 expects accept for plain cases" version_override
	step "mutations: each test fails on a broken input" "$root/scripts/tests/mutations.sh"
	if [[ -n $kernels ]]; then
		step "the suite in VMs (matrix of $kernels)" vm_matrix
		i=0
		for k in $kernels; do
			step "VM on Debian's $k: 0 failures, no environment skips" vm_kernel "$i" "$k"
			i=$((i + 1))
		done
		step "every test runs on some kernel of the matrix" every_case_runs
	fi
	# The audit needs the page, and the VM matrix for its evidence.
	if [[ ! -r $page && ${CI:-} == true ]]; then
		step "docs audit: the page ${page##*/} is readable (CI=true)" page_readable
	elif [[ ! -r $page ]]; then
		skip "docs audit" "no docs page at $page, set CONFORM_DOCS_PAGE=PATH"
	elif [[ -z $kernels ]]; then
		skip "docs audit of ${page##*/}" "it needs the VM matrix, and TEST_KERNELS is empty"
	else
		step "docs audit of ${page##*/}: verdicts with evidence" docs_audit
	fi
	if [[ -n "$kernels" && -x "$root/scripts/tests/vmtest-errors.sh" ]]; then
		step "vmtest.sh failure modes" "$root/scripts/tests/vmtest-errors.sh" "${kernels##* }"
		step "bisect.sh: 0, 1, and 125 for build and boot failures" \
			"$root/scripts/tests/bisect.sh" "${kernels##* }"
	fi
	step "apt-private.sh: none of the system's apt hooks run" "$root/scripts/tests/apt-private.sh"
	step "build-libbpf.sh: a static libbpf >= 1.6, offline the second time" "$root/scripts/tests/build-libbpf.sh"
	step "every scripts/*.sh --help: exit 0, its usage" "$root/scripts/tests/help.sh"
	step "the architecture axis: cache, image magic, byte order, matrix columns" \
		"$root/scripts/tests/arch.sh"
	step "the README is a front page, and every link of it and docs/ resolves" \
		"$root/scripts/tests/doc-links.sh"
	step "matrix.html in headless Chromium: the JSON's cells, a filter hides rows" "$root/scripts/tests/matrix-html.sh"

	echo "make-test: $passed passed, $failed failed, $skipped skipped"
	((failed == 0))
}

# One compound command, read whole before it runs: an edit of this file
# while the tests run cannot change what bash reads after main returns.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
	exit
fi
