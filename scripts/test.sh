#!/usr/bin/env bash
#
# test.sh - the project's own tests: what make test runs after building
#
# Usage: test.sh
#        test.sh --run STEP [ARGS...]
#
# Unit tests, bad input, shellcheck, the live suite on this kernel (also
# under ASan and UBSan, under valgrind, and 100 times over), the runner's
# own contracts (-j, --kernel-version, hygiene, hostile environments), the
# run stage's arena pool against its three broken copies and its wait
# for a late free against a runner that ends it too early, make
# install run as kselftest runs it, fuzzing, mutations (each test fed a
# broken input must fail), the suite in VMs, the docs audit and the
# scripts' own tests, one TAP line each.  Ends with "make-test: N passed,
# N failed, N skipped".  A skip is never counted as passed.  Run it as
# root, after what make test builds (make unit asan fuzz).
#
# The steps that need a kernel which runs the suite (the live suite and
# everything built on a live run) run on this machine's kernel if it can
# create arenas.  If the environment refuses them (the runner's
# "environment_refuses", EPERM: a capability, an LSM or lockdown), the
# runner must say so, with every case a skip and exit 4 (a step checks
# that); those steps then run in a VM of Debian's HOST_STEPS_KERNEL with
# this machine's userland (vmtest.sh --exec), each its own boot, and
# their names say so.
#
# --run STEP [ARGS...] runs one step, a function of this file or a
# script, and exits with its status (what the VM runs).
# -h, --help prints this text.
#
# Environment:
#   TEST_KERNELS       the VM kernels (default "6.1 6.12 7.0 7.3 arm64:7.3
#                      s390x:7.2": Debian's amd64 kernels and, on one kernel
#                      each, arm64 and s390x, whose runners make cross builds);
#                      "" skips VMs
#   VM_JOBS            VMs at a time (default: matrix.sh's, what the machine holds)
#   CONFORM_DOCS_PAGE  the docs page to audit
#                      (default ../shared/docs/kfuncs/bpf_arena_free_pages.md)
#   CI                 if "true", a missing docs page fails instead of skipping
#   HOST_STEPS_KERNEL  the VM kernel of the host-kernel steps where this
#                      host refuses arenas (default: the last amd64 one of
#                      TEST_KERNELS, else 7.3)
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
unit_dir=$build/tests		# the unit tests, test_*, and mutant_*
matrix_sh=$root/scripts/matrix.sh
kernels=${TEST_KERNELS-6.1 6.12 7.0 7.3 arm64:7.3 s390x:7.2}
# The newest amd64 kernel of them: a bare version, or one qualified by an
# amd64 flavour (the programs of vmtest.sh --exec are this machine's).
newest=$(tr ' ' '\n' <<<"$kernels" | grep -E '^((cloud-)?amd64:|rt(-amd64)?:)?[0-9]' | tail -n 1 || true)
vm_jobs=${VM_JOBS:-}
page=${CONFORM_DOCS_PAGE:-$root/../shared/docs/kfuncs/bpf_arena_free_pages.md}
tmp=				# scratch directory: main's, or the sourcing script's
matrix=				# the VM matrix: $tmp/m/matrix.json
passed=0
failed=0
skipped=0
step_rc=0
host_vm=			# the host-kernel steps' VM kernel, if not this host
run_flag=			# "--no-run": the load stage only (mutations.sh's, for speed)

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
	local t rc=0 mutants=0
	for t in "$unit_dir"/test_*; do
		"$t" || rc=1
	done
	# Broken copies of the code a unit test covers (the Makefile's
	# MEMO_MUTANTS): its test must fail on each.
	for t in "$unit_dir"/mutant_*; do
		[[ -x $t ]] || continue
		mutants=$((mutants + 1))
		if "$t" >/dev/null; then
			echo "${t##*/}: its unit test passed on a broken copy"
			rc=1
		fi
	done
	((mutants > 0)) || { echo "no unit-test mutants in $unit_dir (make unit)"; rc=1; }
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
	"$conform" --objs "$objs" --expected "$expected" ${run_flag:+"$run_flag"} \
		--json "$tmp/host.json" | tee "$tmp/live.out"
	host_verdicts "$tmp/host.json"
	bpf_calls_add_up "$tmp/live.out"
}

# bpf_calls_add_up OUTPUT: the runner's split of its bpf() calls by command
# counts each call once: its calls add up to the total of its first time
# line.
bpf_calls_add_up() {
	awk '/^# time: [0-9]+ ms in bpf\(\) \([0-9]+ calls\)/ { total = substr($7, 2) }
	     /^# time: bpf\(\) by command/ {
		by = 1
		for (i = 2; i <= NF; i++)
			if ($i ~ /^calls\)/) { c = $(i - 1); sum += substr(c, 2) }
	     }
	     END {
		if (!by || total == "" || sum != total) {
			printf "bpf() calls by command: %d, in all: %s%s\n", sum, total,
				by ? "" : " (no by-command line)"
			exit 1
		}
	     }' "$1"
}

# -j 2 must give the same verdicts as -j 1 (addresses in reasons differ).
parallel_same() {
	local verdicts='[.cases[] | [.name, .sleepable, .observed, .message, .status]]'
	"$conform" --objs "$objs" --expected "$expected" ${run_flag:+"$run_flag"} -j 2 \
		--json "$tmp/j2.json" >/dev/null
	"$conform" --objs "$objs" --expected "$expected" ${run_flag:+"$run_flag"} -j 1 \
		--json "$tmp/j1.json" >/dev/null
	diff <(jq -c "$verdicts" "$tmp/j1.json") <(jq -c "$verdicts" "$tmp/j2.json")
}

# A runtime case built with a wrong check (the neighbour of a freed page
# expected zero) fails, naming the first differing byte and its address.
broken_runtime_check() {
	local rc=0
	rm -rf "$tmp/broken"
	mkdir -p "$tmp/broken"
	cp "$objs"/*.bpf.o "$tmp/broken/"
	# libbpf's headers: the one make built (build/libbpf), or the system's.
	clang-19 -g -O2 -target bpf -mcpu=v3 -DCONFORM_BROKEN_EXPECTATION \
		-I"$build/libbpf/include" -I"$root/progs" -I"$root/runner" \
		-I"/usr/include/$(gcc -dumpmachine)" \
		-c "$root/progs/runtime.bpf.c" -o "$tmp/broken/runtime.bpf.o"
	"$conform" --objs "$tmp/broken" --expected "$expected" -t rt_partial >"$tmp/out" || rc=$?
	cat "$tmp/out"
	((rc == 1))
	grep -Eq 'rt_partial.s: FAIL: run: expected runs, observed error: page 0 of addr\[0\]: byte at 0x[0-9a-f]+ is 0x20, expected 0x00' "$tmp/out"
}

# runner/arena_pool.c on a kernel that defers frees: an arena it gives out
# again gets no free from an earlier test's program (build/tests/
# check_arena_pool), and the check catches the three broken copies of the
# pool the Makefile builds (POOL_MUTANTS: without the drain's rounds,
# taking every arena for held by no program, and an arena_frees_landed()
# that does not wait). A kernel where the pool is off (before
# 7.0) answers 4: a failure here, as the step runs only where it is on.
# Whether a late free shows up is up to the kernel's worker: a broken copy
# gets up to three runs (of eight rounds each) to fail, and must fail one.
arena_pool_check() {
	local m try rc=0
	"$unit_dir/check_arena_pool" || rc=$?
	((rc == 0)) || return "$rc"
	for m in "$unit_dir"/check_arena_pool-*; do
		for try in 1 2 3; do
			rc=0
			"$m" || rc=$?
			((rc == 0)) || break
		done
		if ((rc != 1)); then
			echo "${m##*/}: exit $rc after $try runs, want 1: the broken pool went unnoticed"
			return 1
		fi
	done
}

# runner/run_stage.c ends its wait for a late free once no program holds
# the arena and every deferred free has landed (free_settled()). The timer
# cases free 100 ms after their program returned, from a timer that holds
# the program: they run. A copy of the runner that does not wait for the
# program to let go (the Makefile's conform-no-held-wait) must call them
# no-effect, and fail.
run_wait_check() {
	good_then_broken conform-no-held-wait '^# cb_timer_xdp: run: runs: ' \
		'^# cb_timer_xdp: FAIL: run: expected runs, observed no-effect' \
		-t cb_timer_xdp,cb_timer_syscall
}

# good_then_broken MUTANT GOOD-REGEX BROKEN-REGEX ARGS...: the runner run
# with ARGS exits 0 and prints GOOD-REGEX; the Makefile's broken copy
# build/tests/MUTANT exits 1 and prints BROKEN-REGEX.
good_then_broken() {
	local mutant=$1 good=$2 broken=$3
	shift 3
	run_errexit "$conform" --objs "$objs" --expected "$expected" "$@" >"$tmp/out"
	cat "$tmp/out"
	((status == 0))
	grep -q -- "$good" "$tmp/out"
	run_errexit "$unit_dir/$mutant" --objs "$objs" --expected "$expected" "$@" >"$tmp/out"
	cat "$tmp/out"
	((status == 1))
	grep -q -- "$broken" "$tmp/out"
}

# The run stage leaves nothing attached inside the runner either: the
# runner counts the BPF links it still holds once the run stage is over
# (run_stage_end()), and a non-zero count is a runner bug and exit 1. The
# fentry and LSM cases' run stage passes; a copy of the runner that never
# detaches the no-op programs it keeps on their trampolines (the
# Makefile's conform-no-hooks-end, see runner/hooks.c) must fail so.
links_released_check() {
	# (Anchors are off by default on x86-64: on here.)
	good_then_broken conform-no-hooks-end '^ok .* fentry_sleepable_target.s' \
		'^# BUG: the runner still holds [0-9]* BPF links* after the run stage' \
		-a 'fentry_sleepable_target*,lsm_sleepable_hook*' --anchors on
}

# Both: the pool, then the run stage's wait.
deferred_frees_check() {
	arena_pool_check
	run_wait_check
}

# A race needs two CPUs: in a VM with one, its run stage is not fired and
# says why. The Makefile's copy of the runner that races anyway must not
# pass this (it says "runs").
race_one_cpu() {
	local runner
	for runner in "$build/conform-static" "$unit_dir/conform-static-race-one-cpu"; do
		VMTEST_SMP=1 VMTEST_RUNNER=$runner "$root/scripts/vmtest.sh" -k "${newest:-7.3}" \
			-- -a race_free_vs_close >"$tmp/out" 2>&1 || true
		if [[ $runner == "$build/conform-static" ]]; then
			grep -q '^# race_free_vs_close: run: not fired here: a race needs two CPUs, and 1 is online$' \
				"$tmp/out" || { cat "$tmp/out"; return 1; }
		elif ! grep -q '^# race_free_vs_close: run: runs: ' "$tmp/out"; then
			echo "the runner that races on one CPU did not race:"
			cat "$tmp/out"
			return 1
		fi
	done
}

# A version that predates the kfunc, against a BTF that has it: loud failure.
version_mismatch() {
	local rc=0
	# --no-run: judged as 6.8, no run rule holds back the hooks whose
	# firing makes a newer kernel warn (zz-run.rules' splat rules).
	"$conform" --objs "$objs" --expected "$expected" --kernel-version 6.8 --no-run \
		>"$tmp/out" || rc=$?
	grep -q '^# WARNING: expected/ says kernel 6.8.0 has no bpf_arena_free_pages, but vmlinux BTF has it' "$tmp/out"
	grep -q 'expected absent' "$tmp/out"
	((rc == 1))
}

# --kernel-version judges as that version, not the running kernel's:
# judged as 7.1 a plain XDP load is expected to be accepted, as 6.12
# rejected; the version used is the one the running kernel is not on the
# side of, so that a runner that ignores the option is caught.
version_override() {
	local rc=0 as=7.1 want=accept
	if ! ver_lt "$(uname -r | sed 's/[^0-9.].*//')" 7.0; then
		as=6.12 want=reject
	fi
	"$conform" --objs "$objs" --expected "$expected" --kernel-version "$as" -t xdp,syscall --no-run \
		--json "$tmp/override.json" >/dev/null || rc=$?
	jq -e --arg ver "$as" --arg want "$want" '(.kernel_version | startswith($ver + "."))
		and ([.cases[] | select(.name == "xdp" and .sleepable == false) | .expected]
		     == [$want])' "$tmp/override.json"
	# A pass or a failure: that depends on the running kernel.
	((rc == 0 || rc == 1))
}

# The whole host suite under AddressSanitizer and UBSan.
asan_suite() {
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$asan_conform" --objs "$objs" --expected "$expected" ${run_flag:+"$run_flag"} \
		--json "$tmp/asan.json"
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
	# The kernels of the evidence that gave verdicts (not a host whose
	# environment refuses arenas: every test a skip).
	versions=$(awk -F' *\\| *' '/^## / { on = /^## Evidence/; next }
		on && /^\| [0-9]/ && $5 != $9 { split($2, v, " "); print v[1] }' "$tmp/audit.md")
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

# Under valgrind in an emulated VM the whole suite takes over ten minutes:
# there, one test of each kind of hook, stage and context instead; not a
# race, whose two threads valgrind runs one at a time (over 2 minutes).
valgrind_vm_tests=arg_map_null.s,xdp,xdp.s,syscall.s,sched_cls,socket_filter,\
cgroup_sock_addr,cgroup_sysctl,sock_ops,sk_msg,lwt_in,netfilter,tcx_ingress,\
flow_dissector,sk_lookup,sk_reuseport,kprobe,kprobe.s,kprobe_multi,tracepoint,\
raw_tp,perf_event,iter_task.s,lsm_sleepable_hook.s,fentry_sleepable_target.s,\
struct_ops_plain_member,struct_ops_tcp_init,struct_ops_scx_init.s,\
freplace_syscall_target.s,cb_timer_syscall.s,cb_wq_syscall.s,ctx_spin_lock_xdp,\
rt_free_basic.s,rt_deferred_xdp

# What this host's environment refuses, in the runner's words, or nothing:
# an environment that refuses arenas gives no verdict on its kernel.
host_refusal() {
	"$conform" --objs "$objs" --expected "$expected" -a xdp --json "$tmp/probe.json" \
		>/dev/null 2>&1 || true
	jq -r '.environment_refuses // empty' "$tmp/probe.json" 2>/dev/null || true
}

# On such a host the runner gives no verdict and says why: every test is a
# skip, none passes, the KTAP header warns, and the exit code is 4. The
# reason is the refusal, but for a case whose control cannot load here at
# all (its program type refused without the kfunc, or missing from this
# kernel's BTF): that is said first.
honest_skips() {
	local rc=0
	"$conform" --objs "$objs" --expected "$expected" --json "$tmp/host.json" \
		>"$tmp/host.out" || rc=$?
	grep -m 1 '^# WARNING: BPF_MAP_CREATE(BPF_MAP_TYPE_ARENA) = EPERM: this environment refuses arenas' \
		"$tmp/host.out"
	jq -e '.summary.pass == 0 and .summary.fail == 0 and .summary.xfail == 0 and
		.summary.skip == (.cases | length) and (.cases | length) >= 80 and
		([.cases[] | select(.reason | test("this environment refuses arenas"))] | length) >= 80 and
		all(.cases[]; .reason | test("this environment refuses arenas|^kernel refuses .* programs without the kfunc|^vmlinux BTF has no |^struct [^ ]+ in vmlinux BTF has no member |^kernel has no BPF_"))' \
		"$tmp/host.json"
	((rc == 4))
}

# on_host_kernel STEP [ARGS...]: a step that needs a kernel which runs the
# suite: here, or in the VM (host_vm) with this machine's userland.
on_host_kernel() {
	if [[ -z $host_vm ]]; then
		"$@"
		return
	fi
	"$root/scripts/vmtest.sh" -k "$host_vm" -t 3600 --exec -- \
		"$root/scripts/test.sh" --run "$@"
}

# run_one STEP [ARGS...]: test.sh --run; STEP is a function of this file
# or a command.
run_one() {
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/m"
	matrix=$tmp/m/matrix.json
	run_errexit "$@"
	exit "$status"
}

# Under CI=true the docs page must be there.
page_readable() {
	[[ -r $page ]] || {
		echo "cannot read $page: set CONFORM_DOCS_PAGE=PATH"
		return 1
	}
}

main() {
	local i k refusal on repeats=100
	if (($#)); then
		case $1 in
		-h|--help) usage 0 ;;
		--run) (($# > 1)) || usage; shift; run_one "$@" ;;
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
	step "hostile environments: clear messages, documented codes" "$root/scripts/tests/hostile.sh"
	step "bench: bad arguments exit 2" "$root/scripts/tests/bench-args.sh"
	step "bench: rounds pooled into one median and spread" "$root/scripts/tests/bench-merge.sh"
	step "fuzz the parsers for 60 s in all, replay regressions" "$root/scripts/fuzz.sh" -t 60

	# The steps that need a kernel which runs the suite.
	refusal=$(host_refusal)
	on=$(uname -r)
	if [[ -n $refusal ]]; then
		step "this host refuses arenas ($refusal): every test a skip, exit 4" honest_skips
		host_vm=${HOST_STEPS_KERNEL:-${newest:-7.3}}
		repeats=10	# a run takes 25 s under emulation
		on="Debian's $host_vm in a VM with this machine's userland"
		# The stand-in kernel tree comes from the network: fetched
		# here, read from the cache there.
		"$root/scripts/fetch-selftests.sh" >/dev/null 2>"$tmp/fetch.log" ||
			sed 's/^/# /' "$tmp/fetch.log"
	fi
	step "live suite on $on" on_host_kernel live_suite
	step "-j 2 gives the verdicts of -j 1 ($on)" on_host_kernel parallel_same
	step "a broken runtime expectation shows the first differing byte ($on)" \
		on_host_kernel broken_runtime_check
	step "the suite under ASan and UBSan ($on)" on_host_kernel asan_suite
	step "the suite under valgrind: no errors, leaks or fds ($on${host_vm:+, $(
		tr , '\n' <<<"$valgrind_vm_tests" | wc -l) tests})" \
		on_host_kernel "$root/scripts/tests/valgrind.sh" ${host_vm:+-a "$valgrind_vm_tests"}
	step "nothing left behind, also when killed halfway ($on)" \
		on_host_kernel "$root/scripts/tests/hygiene.sh"
	step "no BPF link still held by the runner after the run stage ($on)" \
		on_host_kernel links_released_check
	step "the loader is libbpf's: CO-RE, subprograms, global data, line info ($on)" \
		on_host_kernel "$root/scripts/tests/loader.sh"
	step "make install: a kselftest directory that runs as kselftest would ($on)" \
		on_host_kernel "$root/scripts/tests/kselftest.sh"
	step "$repeats runs give identical verdicts ($on)" \
		on_host_kernel "$root/scripts/tests/repeat.sh" "$repeats"
	# The pool is on from 7.0: on this kernel if it is one, else in a VM.
	if [[ -z $host_vm ]] && ver_lt "$(uname -r | sed 's/[^0-9.].*//')" 7.0; then
		host_vm=${newest:-7.3} step "deferred frees: none lands on a reused arena, none late is missed (Debian's ${newest:-7.3} in a VM)" \
			on_host_kernel deferred_frees_check
	else
		step "deferred frees: none lands on a reused arena, none late is missed ($on)" \
			on_host_kernel deferred_frees_check
	fi
	step "--kernel-version 6.8 fails loudly against BTF ($on)" on_host_kernel version_mismatch
	step "--kernel-version judges as that version, not this kernel's ($on)" \
		on_host_kernel version_override
	step "mutations: each of these steps fails on a broken input ($on)" \
		on_host_kernel "$root/scripts/tests/mutations.sh" --part kernel
	host_vm=
	if [[ -n $kernels ]]; then
		step "the suite in VMs (matrix of $kernels)" vm_matrix
		i=0
		for k in $kernels; do
			step "VM on Debian's $k: 0 failures, no environment skips" vm_kernel "$i" "$k"
			i=$((i + 1))
		done
		step "every test runs on some kernel of the matrix" every_case_runs
		step "a race on one CPU is not fired, and says why (Debian's ${newest:-7.3}, 1 CPU)" race_one_cpu
	fi
	# The other steps' mutations: their good matrix is the VM matrix's
	# row of the newest amd64 kernel, or one made from a host run.
	if [[ -n $kernels && -n $newest ]]; then
		step "mutations: each other step fails on a broken input" \
			env MUTATIONS_MATRIX="$matrix" MUTATIONS_MATRIX_KERNEL="$newest" \
			"$root/scripts/tests/mutations.sh" --part other
	else
		step "mutations: each other step fails on a broken input" \
			"$root/scripts/tests/mutations.sh" --part other
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
		step "vmtest.sh failure modes" "$root/scripts/tests/vmtest-errors.sh" "${newest:-7.3}"
		step "bisect.sh: 0, 1, and 125 for build and boot failures" \
			"$root/scripts/tests/bisect.sh" "${newest:-7.3}"
	fi
	step "apt-private.sh: none of the system's apt hooks run" "$root/scripts/tests/apt-private.sh"
	step "build-libbpf.sh: a static libbpf >= 1.6, offline the second time" "$root/scripts/tests/build-libbpf.sh"
	step "every scripts/*.sh --help: exit 0, its usage" "$root/scripts/tests/help.sh"
	step "the architecture axis: cache, image magic, byte order, matrix columns" \
		"$root/scripts/tests/arch.sh"
	step "the README is a front page, and every link of it and docs/ resolves" \
		"$root/scripts/tests/doc-links.sh"
	step "matrix.html in headless Chromium: the JSON's cells, a filter hides rows" "$root/scripts/tests/matrix-html.sh"
	step "matrix-diff.sh: two matrices compared cell by cell" "$root/scripts/tests/matrix-diff.sh"

	echo "make-test: $passed passed, $failed failed, $skipped skipped"
	((failed == 0))
}

# One compound command, read whole before it runs: an edit of this file
# while the tests run cannot change what bash reads after main returns.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
	exit
fi
